// The survey's member cards (reviews/survey/_member_card.html): a question shows only at the ages it is
// asked for (data-ages="15-", "0-15", taken on the round's last day as the rules take them), updated as
// the birth date is typed; the card's line follows the name; ticking "no longer lives here" asks first
// (the text is on the box, translated by the page) and shows the reason.
(function () {
  var cards = document.getElementById("member-cards");
  if (!cards) return;
  var reference = new Date(cards.getAttribute("data-reference-date") + "T00:00:00");

  function age(value) {
    if (!value) return null;
    var born = new Date(value + "T00:00:00");
    if (isNaN(born)) return null;
    var years = reference.getFullYear() - born.getFullYear();
    if (reference.getMonth() < born.getMonth() ||
        (reference.getMonth() === born.getMonth() && reference.getDate() < born.getDate())) years -= 1;
    return years;
  }

  function applies(bounds, years) {
    if (years === null || !bounds) return true;
    var parts = bounds.split("-");
    return (parts[0] === "" || years >= +parts[0]) && (parts[1] === "" || years <= +parts[1]);
  }

  function refresh(card) {
    var born = card.querySelector("input[name$='-date_of_birth']");
    var years = age(born && born.value);
    card.querySelectorAll("[data-ages]").forEach(function (box) {
      if (box.querySelector(".is-invalid")) return;  // an error stays in view
      box.hidden = !applies(box.getAttribute("data-ages"), years);
    });
    var leave = card.querySelector("input[name$='-DELETE']");
    var reason = card.querySelector("[data-left-reason]");
    if (reason) reason.hidden = !(leave && leave.checked);
  }

  cards.addEventListener("input", function (event) {
    var card = event.target.closest("[data-member-card]");
    if (!card) return;
    if (event.target.name && /-full_name$/.test(event.target.name)) {
      var line = card.querySelector("[data-member-name]");
      if (line && event.target.value.trim()) line.textContent = event.target.value.trim();
    }
    refresh(card);
  });
  cards.addEventListener("change", function (event) {
    var card = event.target.closest("[data-member-card]");
    if (!card) return;
    var box = event.target;
    if (box.name && /-DELETE$/.test(box.name) && box.checked && box.getAttribute("data-confirm")) {
      if (!window.confirm(box.getAttribute("data-confirm"))) box.checked = false;
    }
    refresh(card);
  });
  // Cards added with "Add a member" (static/js/formset.js) get the same treatment.
  new MutationObserver(function () { cards.querySelectorAll("[data-member-card]").forEach(refresh); })
    .observe(cards, { childList: true });
  cards.querySelectorAll("[data-member-card]").forEach(refresh);
})();
