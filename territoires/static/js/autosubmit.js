// Facet checkboxes apply at once: the form is submitted when one changes.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") form.requestSubmit();
    });
  });
})();
