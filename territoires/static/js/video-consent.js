// Privacy-first video embeds: the player is loaded from the video site only after a click.
// Markup: territoires/core/templates/core/partials/video.html. Delegated, so placeholders
// swapped in by HTMX work too.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-video-embed] button");
    if (!button) return;
    var box = button.closest("[data-video-embed]");
    var url;
    try {
      url = new URL(box.dataset.videoEmbed);
    } catch (error) {
      return;
    }
    if (url.protocol !== "https:") return;
    url.searchParams.set("autoplay", "1");

    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = box.dataset.videoTitle || button.textContent.trim();
    // "autoplay" is delegated so that the click that asked for the video also starts it.
    frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("loading", "lazy");
    box.replaceChildren(frame);
    box.classList.add("video-consent-loaded");
    frame.focus(); // The button is gone: keep keyboard users where they were.
  });
})();
