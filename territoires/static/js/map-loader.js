// MapLibre loaded when a map is asked for (the atlas's and the portrait's interactive maps):
// its stylesheet, its script, then the page's own map script, inserted as elements from the
// site's origin, which its Content-Security-Policy allows. Fetched side by side, run in order
// (async = false). A failed file is removed, so that asking again tries again.
(function () {
  "use strict";

  function add(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { element[name] = attributes[name]; });
      element.onload = resolve;
      element.onerror = function () { element.remove(); reject(new Error(attributes.src || attributes.href)); };
      document.head.appendChild(element);
    });
  }

  // files: {maplibre, maplibreCss}, the addresses a page puts on its loader's tag.
  window.territoiresLoadMapLibre = function (files, mapScript) {
    return Promise.all([
      files.maplibreCss ? add("link", { rel: "stylesheet", href: files.maplibreCss }) : null,
      add("script", { src: files.maplibre, async: false }),
      add("script", { src: mapScript, async: false }),
    ]);
  };
})();
