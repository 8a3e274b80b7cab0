// The "Print" button of the personal agenda (no inline handlers under the portal's CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () { window.print(); });
});
