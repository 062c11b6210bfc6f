/* Results release: a checkbox in the table head ticks (or clears) every row of the page. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-tick-all]").forEach(function (master) {
    var name = master.getAttribute("data-tick-all");
    master.addEventListener("change", function () {
      master.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });
});
