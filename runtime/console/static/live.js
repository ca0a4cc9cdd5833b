// Live parts of a page: an element with data-live="URL" is replaced, every second, by the HTML
// that URL answers (the same element, rendered again). It stops once the answer carries no
// data-live any more (the run ended) or the session is gone. Without JavaScript the page's
// <noscript> refresh does the same, a page at a time.
"use strict";
(function () {
  var EVERY = 1000;
  function poll(element) {
    var url = element.getAttribute("data-live");
    if (!url) return;
    setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" }, redirect: "error" })
        .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
        .then(function (html) {
          var holder = document.createElement("template");
          holder.innerHTML = html.trim();
          var fresh = holder.content.firstElementChild;
          if (!fresh || fresh.id !== element.id) return;
          if (fresh.outerHTML !== element.outerHTML) {
            var focused = document.activeElement && element.contains(document.activeElement);
            element.replaceWith(fresh);
            if (focused) fresh.focus();
            element = fresh;
          }
          poll(element);
        })
        .catch(function () { /* logged out or server gone: keep the page as it is */ });
    }, EVERY);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(poll);
  });
})();
