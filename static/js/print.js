// Optional: a print button prints at once. Without this script it posts for the receipt laid out
// for paper, with a reminder of the browser's print command.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function (event) {
      if (typeof window.print === "function") {
        event.preventDefault();
        window.print();
      }
    });
  });
})();
