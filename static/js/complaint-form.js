// Optional help on the complaint form. Without it the page still works: the summary is first on
// the page and the form posts to #error-summary; the named fields hide through CSS; the server
// discards them for an anonymous report.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var named = document.getElementById("named-fields");
  var radios = document.querySelectorAll('input[name="identity"]');
  if (!named || !radios.length) { return; }
  function update() {
    var anonymous = document.querySelector('input[name="identity"][value="anonymous"]:checked') !== null;
    named.hidden = anonymous;
    Array.prototype.forEach.call(named.querySelectorAll("input, select, textarea"), function (input) {
      input.disabled = anonymous;  // a disabled field is not sent
    });
  }
  Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
  update();
})();
