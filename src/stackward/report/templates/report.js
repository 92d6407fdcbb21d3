(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var shown = document.getElementById("shown");
  function apply() {
    var severities = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=severity]"), function (box) {
      severities[box.value] = box.checked;
    });
    var layer = form.querySelector("select[name=layer]").value;
    var count = 0;
    findings.forEach(function (el) {
      var visible = severities[el.dataset.severity] && (!layer || el.dataset.layer === layer);
      el.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = "Showing " + count + " of " + findings.length;
  }
  form.addEventListener("change", apply);
  form.hidden = false;
  apply();
}());
