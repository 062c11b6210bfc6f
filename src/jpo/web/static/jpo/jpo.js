/* Behaviour shared by every page. No inline scripts anywhere (Content-Security-Policy script-src 'self'):
   pages mark elements with ids or data- attributes and this file (or an app's own static file) acts. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }
  ready(function () {
    /* A form with errors: move the focus to its error summary so screen readers announce it. */
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }

    /* <form data-submit-once>: a second click while the first submission is on its way is ignored. */
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
      });
    });
  });
})();
