// The network of a territory's actors: the graph (Cytoscape.js) drawn from the JSON of
// [data-actors-network]'s data-url, and the filters of [data-network-filters] applied at once
// to the graph and to the tables [data-network-table] and [data-network-links] (the graph's
// accessible equivalent: its actors, and who is linked to whom).
// While the server computes the analysis the JSON answers 202: ask again; once it is there,
// a page loaded while pending reloads to show its table.
(function () {
  "use strict";
  const container = document.querySelector("[data-actors-network]");
  if (!container || typeof window.cytoscape !== "function") return;
  const form = document.querySelector("[data-network-filters]");
  const table = document.querySelector("[data-network-table]");
  const links = document.querySelector("[data-network-links]");
  const count = document.querySelector("[data-network-count]");
  const LARGE = 300; // above, a concentric layout (linear) rather than a force-directed one
  const NAMED = 30;
  let cy = null;

  function checked(name) {
    if (!form) return null;
    return new Set(
      Array.from(form.querySelectorAll('input[name="' + name + '"]:checked'), (input) => input.value)
    );
  }

  function applyFilters() {
    const groups = checked("categorie");
    const kinds = checked("relation");
    if (!groups || !kinds) return;
    if (cy) {
      let nodes = 0;
      let edges = 0;
      cy.batch(() => {
        cy.nodes().forEach((node) => {
          const kept = groups.has(node.data("group"));
          node.toggleClass("filtered", !kept);
          if (kept) nodes += 1;
        });
        cy.edges().forEach((edge) => {
          const kept = kinds.has(edge.data("kind"));
          edge.toggleClass("filtered", !kept);
          // An edge shows when kept and both its ends show.
          if (kept && groups.has(edge.source().data("group")) && groups.has(edge.target().data("group"))) {
            edges += 1;
          }
        });
      });
      // What the graph shows (Cytoscape applies the classes' style at its next frame).
      container.dataset.shownNodes = String(nodes);
      container.dataset.shownEdges = String(edges);
    }
    let shown = 0;
    if (table) {
      table.querySelectorAll("tbody tr").forEach((row) => {
        const visible = groups.has(row.dataset.group);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
    }
    if (links) {
      links.querySelectorAll("tbody tr").forEach((row) => {
        row.hidden = !(
          kinds.has(row.dataset.kind) &&
          groups.has(row.dataset.sourceGroup) &&
          groups.has(row.dataset.targetGroup)
        );
      });
    }
    if (count) {
      const text = shown === 1 ? count.dataset.one : count.dataset.many;
      count.textContent = text.replace("{count}", String(shown));
    }
    const address = new URL(window.location.href);
    address.search = new URLSearchParams(new FormData(form)).toString();
    window.history.replaceState(null, "", address);
  }

  // A large network's layout, in one pass: each category a sector of a disc, as wide as its
  // share of the actors; in it, the most in-between actors nearest the centre, where the
  // sectors meet. Force-directed layouts (cose) take seconds for thousands of actors.
  function sectors(nodes) {
    const groups = new Map();
    nodes.forEach((node) => {
      if (!groups.has(node.group)) groups.set(node.group, []);
      groups.get(node.group).push(node);
    });
    const radius = 30 * Math.sqrt(nodes.length);
    const positions = {};
    let start = 0;
    groups.forEach((members) => {
      members.sort((a, b) => b.betweenness - a.betweenness);
      const span = (2 * Math.PI * members.length) / nodes.length;
      members.forEach((node, rank) => {
        const distance = radius * (0.08 + 0.92 * Math.sqrt((rank + 0.5) / members.length));
        const angle = start + span * (0.05 + 0.9 * ((rank * 0.6180339887) % 1));
        positions[node.id] = { x: distance * Math.cos(angle), y: distance * Math.sin(angle) };
      });
      start += span;
    });
    return positions;
  }

  function draw(data) {
    performance.mark("actors-network:data");
    let highest = 0;
    data.nodes.forEach((node) => { if (node.betweenness > highest) highest = node.betweenness; });
    // The NAMED most in-between actors keep their label in a large network.
    const ranked = data.nodes.map((node) => node.betweenness).sort((a, b) => b - a);
    const named = Math.max(ranked[Math.min(NAMED, ranked.length) - 1] || 0, Number.MIN_VALUE);
    const colourOf = {};
    data.kinds.forEach((kind) => { colourOf[kind.key] = kind.colour; });
    const large = data.nodes.length > LARGE;
    const positions = large ? sectors(data.nodes) : {};
    const elements = data.nodes.map((node) => ({
      position: positions[node.id],
      group: "nodes",
      data: {
        id: node.id,
        label: node.label,
        colour: node.colour,
        group: node.group,
        url: node.url,
        size: 12 + 36 * (highest > 0 ? Math.sqrt(node.betweenness / highest) : 0),
      },
      classes: node.betweenness >= named ? "named" : "",
    }));
    const edges = data.edges.map((edge, index) => ({
        group: "edges",
        data: {
          id: "e" + index,
          source: edge.source,
          target: edge.target,
          kind: edge.kind,
          colour: colourOf[edge.kind] || "#777777",
        },
    }));
    // A large network shows its actors first, then its relations once that frame is drawn:
    // the page can be panned, zoomed and filtered a few seconds sooner.
    cy = window.cytoscape({
      container: container,
      elements: large ? elements : elements.concat(edges),
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)",
            "border-color": "#333333",
            "border-width": 1,
            width: "data(size)",
            height: "data(size)",
            "font-size": 11,
            "min-zoomed-font-size": 6,
            "text-valign": "bottom",
            "text-margin-y": 3,
          },
        },
        // Measuring thousands of labels costs more than the layout: a large network names
        // its most in-between actors only (the table names them all).
        { selector: large ? "node.named" : "node", style: { label: "data(label)" } },
        {
          selector: "edge",
          style: {
            "line-color": "data(colour)",
            width: 1.5,
            opacity: 0.6,
            "curve-style": "haystack",
          },
        },
        { selector: ".filtered", style: { display: "none" } },
      ],
      layout: large
        ? { name: "preset", fit: true }
        : { name: "cose", animate: false, nodeDimensionsIncludeLabels: false, numIter: 600 },
      textureOnViewport: large,
      hideEdgesOnViewport: large,
      minZoom: 0.05,
      maxZoom: 4,
    });
    performance.mark("actors-network:built");
    container.cy = cy; // for the browser tests and the console
    cy.on("tap", "node", (event) => { window.location.assign(event.target.data("url")); });
    applyFilters();
    if (!large) {
      ready();
      return;
    }
    container.dispatchEvent(new CustomEvent("network:nodes", { bubbles: true }));
    // Two frames: Cytoscape draws in its own frame callback, the actors are on screen after.
    window.requestAnimationFrame(() => window.requestAnimationFrame(() => window.setTimeout(() => {
      cy.batch(() => { cy.add(edges); });
      applyFilters();
      performance.mark("actors-network:edges");
      ready();
    }, 0)));
  }

  function ready() {
    container.dataset.state = "ready";
    container.dispatchEvent(new CustomEvent("network:ready", { bubbles: true }));
  }

  function load() {
    fetch(container.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json().then((body) => ({ status: response.status, body: body })))
      .then((answer) => {
        if (answer.status === 202) {
          window.setTimeout(load, (answer.body.retry_after || 2) * 1000);
        } else if (container.hasAttribute("data-pending")) {
          window.location.reload();
        } else if (answer.status === 200) {
          draw(answer.body);
        } else {
          container.dataset.state = "error";
        }
      })
      .catch(() => { container.dataset.state = "error"; });
  }

  if (form) {
    form.addEventListener("change", applyFilters);
    form.addEventListener("submit", (event) => { event.preventDefault(); applyFilters(); });
  }
  load();
})();
