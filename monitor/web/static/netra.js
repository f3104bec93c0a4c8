// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // "Select all" checkbox for bulk assignment.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var name = master.getAttribute("data-select-all");
    master.addEventListener("change", function () {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });

  // Decision form: show only the fields the chosen verdict needs; tick the default clauses of a code.
  var form = document.getElementById("decision-form");
  if (!form) { return; }
  function sync() {
    var chosen = form.querySelector('input[name="verdict"]:checked');
    form.querySelectorAll("[data-when]").forEach(function (box) {
      box.hidden = !chosen || box.getAttribute("data-when") !== chosen.value;
    });
  }
  form.querySelectorAll('input[name="verdict"]').forEach(function (radio) {
    radio.addEventListener("change", sync);
  });
  var code = document.getElementById("violation_code");
  if (code) {
    code.addEventListener("change", function () {
      var option = code.options[code.selectedIndex];
      var defaults = (option.getAttribute("data-clauses") || "").split(",").filter(Boolean);
      form.querySelectorAll('input[name="clauses"]').forEach(function (box) {
        box.checked = defaults.indexOf(box.value) !== -1;
      });
    });
  }
  sync();
})();
