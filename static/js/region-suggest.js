// Optional: suggest place names while typing. Without it the server still resolves what was typed.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-suggest-url]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === last || !list) { return; }
        last = q;
        var url = input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q);
        var level = input.getAttribute("data-suggest-level");
        if (level) { url += "&level=" + encodeURIComponent(level); }
        fetch(url, { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (regions) {
            list.textContent = "";
            regions.forEach(function (region) {
              var option = document.createElement("option");
              option.value = region.code;
              option.label = region.label;
              option.textContent = region.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience; typing still works */ });
      }, 180);
    });
  });
})();
