// A local draft of the survey section being typed (issue 14): kept in this browser's localStorage,
// tied to the user, the case, the section and the case's saved version; restored on reload with a notice;
// dropped after a successful save, on logout, or when the household was saved since (a newer version).
// Texts come from the page (translated there); nothing here is shown as is.
(function () {
  var PREFIX = "portal-draft:";
  var SUBMITTED = "portal-draft-submitted";
  var form = document.querySelector("form[data-draft-key]");

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // Logging out drops every draft kept in this browser.
  document.addEventListener("submit", function (event) {
    var s = store();
    if (s && event.target.matches("form[data-logout]")) {
      Object.keys(s).forEach(function (k) { if (k.indexOf(PREFIX) === 0) s.removeItem(k); });
    }
  });

  var s = store();
  if (!s) return;
  // The page after a save: the draft of the form that was sent is gone unless the save failed.
  var sent = window.sessionStorage.getItem(SUBMITTED);
  if (sent) {
    window.sessionStorage.removeItem(SUBMITTED);
    if (!document.querySelector("[data-error-summary]")) s.removeItem(sent);
  }
  if (!form) return;

  var key = PREFIX + form.getAttribute("data-draft-key");
  var version = form.getAttribute("data-draft-version");
  var state = document.querySelector("[data-draft-state]");
  var notice = document.querySelector("[data-draft-notice]");
  var SKIP = { csrfmiddlewaretoken: true, read_version: true };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "submit" && el.type !== "button" && el.type !== "file";
    });
  }

  function snapshot() {
    return fields().map(function (el) {
      if (el.type === "checkbox" || el.type === "radio") return [el.name, el.value, el.checked];
      return [el.name, el.value];
    });
  }

  function save() {
    s.setItem(key, JSON.stringify({ version: version, at: Date.now(), fields: snapshot() }));
    if (state) state.hidden = false;
  }

  function restore(saved) {
    var byName = {};
    saved.fields.forEach(function (f) { (byName[f[0]] = byName[f[0]] || []).push(f); });
    fields().forEach(function (el) {
      var list = byName[el.name];
      if (!list) return;
      if (el.type === "checkbox" || el.type === "radio") {
        var match = list.filter(function (f) { return f[1] === el.value; })[0];
        if (match) el.checked = !!match[2];
      } else {
        el.value = list.shift()[1];
      }
    });
  }

  var raw = s.getItem(key);
  var bound = form.hasAttribute("data-draft-bound");  // a failed save: the page already holds the typing
  if (raw && !bound) {
    var saved = null;
    try { saved = JSON.parse(raw); } catch (e) { s.removeItem(key); }
    if (saved && saved.version === version) {
      restore(saved);
      if (notice) notice.hidden = false;
      if (state) state.hidden = false;
      // The live result and the "read as" lines follow the restored values.
      form.querySelectorAll("input[data-money]").forEach(function (box) {
        box.dispatchEvent(new Event("input", { bubbles: true }));
      });
      form.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (saved) {
      s.removeItem(key);  // the household was saved since: the draft is older than what is stored
    }
  } else if (raw && bound && state) {
    state.hidden = false;
  }

  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () { window.sessionStorage.setItem(SUBMITTED, key); });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-draft-discard]")) {
      s.removeItem(key);
      window.location.reload();
    }
  });
})();
