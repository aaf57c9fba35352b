// The desk's only script of its own (the Content-Security-Policy allows no inline script).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A form with data-confirm asks before it is sent; "{points}" in the question is the value of
// the form's points field as typed.
document.addEventListener("submit", function (event) {
  const form = event.target.closest("form[data-confirm]");
  if (!form) {
    return;
  }
  const points = form.elements.namedItem("points");
  const question = form.dataset.confirm.replace("{points}", points ? points.value : "");
  if (!window.confirm(question)) {
    event.preventDefault();
  }
});
