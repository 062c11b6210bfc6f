/* Autosave and the form's own submission never overlap: a submission waits for a running autosave,
   and no autosave starts once the form is being submitted. */
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  if (!form) { return; }
  var pending = 0, queued = null;
  form.addEventListener("htmx:beforeRequest", function (event) {
    if (form.dataset.submitting) { event.preventDefault(); return; }
    pending += 1;
  });
  form.addEventListener("htmx:afterRequest", function () {
    pending = Math.max(0, pending - 1);
    if (pending === 0 && queued !== null) { var submitter = queued; queued = null; form.requestSubmit(submitter); }
  });
  form.addEventListener("submit", function (event) {
    if (pending > 0) { event.preventDefault(); queued = event.submitter || null; return; }
    form.dataset.submitting = "1";
  });
})();
