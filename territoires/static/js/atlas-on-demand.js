// The atlas's interactive map, started on demand. The home page first shows the régions drawn
// on the server (an SVG of links: it works without JavaScript); MapLibre and js/atlas.js are
// loaded when the visitor reaches for the map — a gesture on it (a press that is not on a
// link, the wheel, a key other than Tab or Enter), « Explorer la carte interactive », any
// control of the panel (colour, layers, filters, « Aller à ») — and at once when the address
// frames a place (#carte=zoom/lat/lng, the portraits' « Voir dans l'atlas ») or when the map
// was started earlier in this session. The files' addresses are on this script's own tag
// (www/home.html); js/map-loader.js inserts them. The map takes the drawing's place once first drawn.
(function () {
  "use strict";
  var files = document.currentScript && document.currentScript.dataset;
  var container = document.querySelector("[data-atlas]");
  if (!files || !files.maplibre || !container || !container.dataset.tilesVersion) return;
  var STARTED = "territoires.atlas.started";
  var button = container.querySelector("[data-atlas-start]");
  var panel = document.querySelector(".atlas-panel");
  var loading = null;
  var pending = null; // the last control used while the map loads: it acts once the map is there

  function remember() {
    try { window.sessionStorage.setItem(STARTED, "1"); } catch (error) { /* private mode */ }
  }

  function startedBefore() {
    try { return window.sessionStorage.getItem(STARTED) === "1"; } catch (error) { return false; }
  }

  // The drawing gives way once the map has drawn its first complete view.
  function replaceDrawing(map, focusMap) {
    var drawing = container.querySelector("[data-atlas-drawing]");
    map.once("idle", function () {
      var hadFocus = drawing && drawing.contains(document.activeElement);
      if (drawing) drawing.remove();
      if (button) button.hidden = true;
      container.classList.add("atlas-map-interactive");
      container.removeAttribute("aria-busy");
      // The focus goes on from the map when it was on what is gone; a control keeps it.
      if (focusMap || hadFocus) map.getCanvas().focus();
    });
  }

  // Starts the map (once); `trigger` is the control that asked, replayed once the map is there.
  function start(trigger) {
    if (trigger) pending = trigger;
    if (loading) return loading;
    remember();
    container.setAttribute("aria-busy", "true");
    if (button) button.disabled = true;
    loading = window.territoiresLoadMapLibre(files, files.atlasScript).then(function () {
      var map = window.territoiresAtlas; // js/atlas.js publishes it
      if (!map) throw new Error("the atlas did not start");
      replaceDrawing(map, pending === button);
      // The control that asked acts now that the map listens (a jump, a layer, a filter).
      var asked = pending;
      pending = null;
      if (asked && asked.matches(".atlas-jumps button")) asked.click();
      else if (asked && asked.matches("select, input")) asked.dispatchEvent(new Event("change"));
      return map;
    }).catch(function (error) {
      loading = null; // the next gesture tries again
      container.removeAttribute("aria-busy");
      if (button) button.disabled = false;
      throw error;
    });
    return loading;
  }

  function startQuietly(trigger) {
    start(trigger).catch(function () { /* shown by the drawing still there */ });
  }

  if (button) {
    button.hidden = false; // without JavaScript, the drawing's links are the atlas
    button.addEventListener("click", function () { startQuietly(button); });
  }

  // Gestures on the map: a press or touch off the links (a link opens its page), the wheel,
  // keys that move a map (arrows, +, -) once the focus is in it.
  function offLink(event) {
    return !(event.target.closest && event.target.closest("a, button"));
  }
  function once(target, type, test) {
    function listener(event) {
      if (!test(event)) return;
      target.removeEventListener(type, listener);
      startQuietly(null);
    }
    target.addEventListener(type, listener, { passive: true });
  }
  once(container, "pointerdown", offLink);
  once(container, "touchstart", offLink);
  once(container, "wheel", function () { return true; });
  once(container, "keydown", function (event) {
    return ["Tab", "Enter", " ", "Shift", "Control", "Alt", "Meta", "Escape"].indexOf(event.key) === -1;
  });

  // The panel's controls: the map starts and does what was asked (js/atlas.js answers them
  // itself once it runs).
  function mapMissing() {
    return !window.territoiresAtlas;
  }
  if (panel) {
    panel.addEventListener("click", function (event) {
      var jump = event.target.closest(".atlas-jumps button");
      if (jump && mapMissing()) startQuietly(jump);
    });
    panel.addEventListener("change", function (event) {
      var control = event.target.closest("[data-atlas-measure], [data-atlas-layer], [data-atlas-filter]");
      if (control && mapMissing()) startQuietly(control);
    });
  }

  if (window.location.hash.indexOf("carte=") !== -1 || startedBefore()) startQuietly(null);
})();
