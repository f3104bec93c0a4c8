// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // "Select all" checkbox for bulk assignment and bulk decisions (boxes that are disabled stay as they are).
  // The master follows the boxes too: ticked only while every enabled box is, half-ticked when some are.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var name = master.getAttribute("data-select-all");
    function boxes() {
      return Array.prototype.filter.call(
        document.querySelectorAll('input[type=checkbox][name="' + name + '"]'),
        function (box) { return !box.disabled; });
    }
    function follow() {
      var all = boxes();
      var ticked = all.filter(function (box) { return box.checked; }).length;
      master.checked = all.length > 0 && ticked === all.length;
      master.indeterminate = ticked > 0 && ticked < all.length;
    }
    master.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = master.checked; });
      master.indeterminate = false;
    });
    boxes().forEach(function (box) { box.addEventListener("change", follow); });
    follow();
  });

  // Verdict forms (the decision form, the identical-acts form): show only the fields the chosen verdict
  // needs; tick the default clauses of a violation code where the form has clause boxes.
  document.querySelectorAll("form[data-verdict-form]").forEach(function (form) {
    function sync() {
      var chosen = form.querySelector('input[name="verdict"]:checked');
      form.querySelectorAll("[data-when]").forEach(function (box) {
        box.hidden = !chosen || box.getAttribute("data-when") !== chosen.value;
      });
    }
    form.querySelectorAll('input[name="verdict"]').forEach(function (radio) {
      radio.addEventListener("change", sync);
    });
    var code = form.querySelector('select[name="violation_code"]');
    if (code && form.querySelector('input[name="clauses"]')) {
      code.addEventListener("change", function () {
        var option = code.options[code.selectedIndex];
        var defaults = (option.getAttribute("data-clauses") || "").split(",").filter(Boolean);
        form.querySelectorAll('input[name="clauses"]').forEach(function (box) {
          box.checked = defaults.indexOf(box.value) !== -1;
        });
      });
    }
    sync();
  });

  // Item page keyboard shortcuts: 1-4 verdicts, Ctrl+Enter saves, j/k next/previous item, ? help, Esc closes.
  var help = document.getElementById("shortcut-help");
  if (!help) { return; }
  var decisionForm = document.getElementById("decision-form");
  var opener = document.getElementById("shortcut-help-open");
  var closer = document.getElementById("shortcut-help-close");
  var returnFocus = null;
  var SAVES = ["decision-form", "comment-form", "bulk-form"];

  function openHelp() {
    returnFocus = document.activeElement;
    help.hidden = false;
    closer.focus();
  }
  function closeHelp() {
    help.hidden = true;
    if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
  }
  opener.hidden = false;  // the button is only useful where this script runs
  opener.addEventListener("click", openHelp);
  closer.addEventListener("click", closeHelp);
  help.addEventListener("click", function (event) {
    if (event.target === help) { closeHelp(); }  // a click on the backdrop, outside the box
  });

  // Where typed keys are text (or choose an option), single-key shortcuts must stay out of the way.
  function typing(element) {
    if (!element || element === document.body) { return false; }
    if (element.isContentEditable) { return true; }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag !== "INPUT") { return false; }
    var kind = (element.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "hidden", "range", "color", "file", "image"]
      .indexOf(kind) === -1;
  }

  function submit(form) {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  }

  function follow(id) {
    var link = document.getElementById(id);
    if (link) { window.location.assign(link.href); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      // Saves the form being filled in (a comment, the identical-acts form); elsewhere the decision form.
      // Never another form (releasing the item, the dossier): those are not what "save" means.
      var active = document.activeElement;
      var form = active && active.form && SAVES.indexOf(active.form.id) !== -1 ? active.form : decisionForm;
      if (form) {
        event.preventDefault();
        submit(form);
      }
      return;
    }
    if (event.key === "Escape") {
      if (!help.hidden) {
        event.preventDefault();
        closeHelp();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "?") {
      event.preventDefault();
      if (help.hidden) { openHelp(); } else { closeHelp(); }
      return;
    }
    if (!help.hidden) { return; }
    if (event.key === "j") {
      event.preventDefault();
      follow("nav-next");
    } else if (event.key === "k") {
      event.preventDefault();
      follow("nav-prev");
    } else if (/^[1-9]$/.test(event.key) && decisionForm) {
      var radios = decisionForm.querySelectorAll('input[name="verdict"]');
      var radio = radios[Number(event.key) - 1];
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        radio.focus();
      }
    }
  });
})();
