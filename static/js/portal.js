// The portal's page behaviour, kept out of the markup so the Content-Security-Policy can forbid
// inline scripts and event handlers:
//   <button data-print>           prints the page;
//   <select data-navigate>        opens the URL held by the chosen option's value.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-navigate]");
  if (select && select.value) window.location.href = select.value;
});
