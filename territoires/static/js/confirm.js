// A form that deletes asks first: <form data-confirm="Supprimer … ?">. Without script the
// form is sent as it is (the server checks who may delete).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
