// The portal's page behaviour, kept out of the markup so the Content-Security-Policy can forbid
// inline scripts and event handlers:
//   <button data-print>           prints the page;
//   <select data-navigate>        opens the URL held by the chosen option's value;
//   <button data-money-none="ID"> answers the money box ID with an explicit 0 ("Không có"), and
//                                 tells htmx (the live result, the "read as" line) it changed;
//   <button data-money-rest-none> does that for every empty money box of its form;
//   [data-error-summary]          is scrolled to and focused on load; [data-scroll-active] scrolls its .active child into view.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
  var none = event.target.closest("[data-money-none]");
  if (none) answerNone(document.getElementById(none.getAttribute("data-money-none")));
  var rest = event.target.closest("[data-money-rest-none]");
  if (rest && rest.form) {
    rest.form.querySelectorAll("input[data-money]").forEach(function (box) {
      if (!box.value.trim()) answerNone(box);
    });
  }
});
function answerNone(box) {
  if (!box) return;
  box.value = "0";
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.dispatchEvent(new Event("change", { bubbles: true }));
}
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-navigate]");
  if (select && select.value) window.location.href = select.value;
});
// After a failed save the error summary (households/templatetags/form_summary.py) is brought into view
// and focused; the survey's section tabs show the current one.
document.addEventListener("DOMContentLoaded", function () {
  var active = document.querySelector("[data-scroll-active] .active");
  if (active && active.scrollIntoView) active.scrollIntoView({ block: "nearest", inline: "center" });
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
});
