// Miz needs no script to work. This file only adds small conveniences:
// confirmation prompts for destructive buttons (data-confirm).
document.addEventListener("submit", function (e) {
  var b = e.submitter;
  if (b && b.dataset && b.dataset.confirm && !window.confirm(b.dataset.confirm)) {
    e.preventDefault();
  }
});
// The receipt's print button (data-print).
document.addEventListener("click", function (e) {
  if (e.target && e.target.closest && e.target.closest("[data-print]")) window.print();
});
