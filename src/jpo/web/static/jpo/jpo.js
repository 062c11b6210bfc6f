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

    /* Lists (jpo.web.listing): a head checkbox ticks every row of the page; the page-size chooser
       applies on change (its button stays for keyboards and pages without script). */
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
