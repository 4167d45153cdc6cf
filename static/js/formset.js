// "Add" buttons for Django formsets: clone the <template> holding formset.empty_form, replace
// __prefix__ with the next index and bump TOTAL_FORMS. No library; works on old browsers with <template>.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-formset-add]");
  if (!button) return;
  var prefix = button.getAttribute("data-formset-add");
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById(button.getAttribute("data-formset-template"));
  var target = document.getElementById(button.getAttribute("data-formset-target"));
  var index = parseInt(total.value, 10);
  var wrapper = document.createElement("div");
  wrapper.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
  var number = wrapper.querySelector("[data-formset-number]");
  if (number) number.textContent = String(index + 1);
  while (wrapper.firstChild) target.appendChild(wrapper.firstChild);
  total.value = String(index + 1);
  var first = target.lastElementChild && target.lastElementChild.querySelector("input, select");
  if (first) first.focus();
});
