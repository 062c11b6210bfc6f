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

    /* The side menu folds away on a narrow screen (it stays open without script, and on wide screens). */
    var menu = document.querySelector("details[data-menu]");
    if (menu && window.matchMedia) {
      var narrow = window.matchMedia("(max-width: 56rem)");
      var fold = function () { if (narrow.matches) { menu.removeAttribute("open"); } else { menu.setAttribute("open", ""); } };
      fold();
      if (narrow.addEventListener) { narrow.addEventListener("change", fold); }
    }

    /* A table wider than its box scrolls inside it, not the page; keyboard users can focus and scroll it. */
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-wrap")) { return; }
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        var caption = wrap.querySelector("caption");
        if (caption) { wrap.setAttribute("aria-label", caption.textContent.trim()); }
      }
    });

    /* <form data-submit-once>: a second click while the first submission is on its way is ignored. */
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
      });
    });

    /* Lists (jpo.core.listing): a head checkbox ticks every row of the page; the page-size chooser
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
