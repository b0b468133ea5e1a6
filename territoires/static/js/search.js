// Keyboard behaviour of the territory search combobox; suggestions come from HTMX.
(function () {
  "use strict";
  document.querySelectorAll("[data-search-box]").forEach(function (form) {
    var input = form.querySelector("input[role=combobox]");
    var list = form.querySelector("[role=listbox]");
    var active = -1;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[role=option][data-href]"));
    }
    function setActive(index) {
      var items = options();
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function close() {
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    // Back in a filled box, the suggestions come back (hx-trigger="refresh-suggestions"):
    // an event sent from here, as the page's policy lets HTMX evaluate no filter expression.
    input.addEventListener("focus", function () {
      if (input.value.length > 0) input.dispatchEvent(new Event("refresh-suggestions"));
    });
    list.addEventListener("htmx:afterSwap", function () {
      var open = list.children.length > 0 && input.value.trim() !== "";
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) list.innerHTML = "";
      setActive(-1);
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        setActive((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        setActive(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && items[active]) {
        event.preventDefault();
        window.location.href = items[active].dataset.href;
      } else if (event.key === "Escape") {
        close();
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  });
})();
