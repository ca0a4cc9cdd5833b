// Cloudburst console: the few things plain HTML cannot do. Pages work without it.
"use strict";
document.addEventListener("click", function (event) {
  // Copy buttons: <button type="button" data-copy="#id-of-element">Copy</button>
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    var label = button.textContent;
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  });
});
document.addEventListener("submit", function (event) {
  // Forms with data-confirm ask before a destructive action.
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
