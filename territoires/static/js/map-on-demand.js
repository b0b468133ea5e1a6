// The portrait's interactive map, loaded when asked: the page shows the outline drawn on
// the server (an SVG); « Voir sur la carte interactive » loads MapLibre and js/outline-map.js,
// which put the map in its place. The files' addresses are on this script's own tag
// (www/territory.html: data-maplibre, data-maplibre-css, data-outline-map); js/map-loader.js
// inserts them.
(function () {
  "use strict";
  var files = document.currentScript && document.currentScript.dataset;
  if (!files || !files.maplibre || !files.outlineMap) return;
  var loading = null;

  function loadFiles() {
    if (!loading) {
      loading = window.territoiresLoadMapLibre(files, files.outlineMap).catch(function (error) {
        loading = null; // a new click tries again
        throw error;
      });
    }
    return loading;
  }

  document.querySelectorAll("[data-outline-load]").forEach(function (button) {
    button.hidden = false; // without JavaScript, the drawing and the atlas link are all there is
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-outline-load]");
    if (!button) return;
    var container = button.closest(".outline").querySelector("[data-outline-map]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    loadFiles().then(function () {
      return window.territoiresOutlineMap(container);
    }).then(function (map) {
      button.hidden = true;
      // The button is gone: keyboard users go on from the map.
      map.getCanvas().focus();
    }).catch(function () {
      button.disabled = false;
    }).finally(function () {
      button.removeAttribute("aria-busy");
    });
  });
})();
