// Live pages of a meeting (door screen, desk, projector): poll the page's JSON state and update it
// in place, no reload. Served from the portal itself (CSP script-src 'self'); without JavaScript the
// pages refresh themselves through <noscript><meta http-equiv="refresh">.
(function () {
  "use strict";
  var root = document.querySelector("[data-state-url]");
  if (!root) { return; }
  var url = root.getAttribute("data-state-url");
  var every = parseInt(root.getAttribute("data-interval") || "3000", 10);

  function pick(state, path) {
    return path.split(".").reduce(function (value, key) {
      return value === null || value === undefined ? value : value[key];
    }, state);
  }

  function render(state) {
    root.querySelectorAll("[data-live]").forEach(function (el) {
      var value = pick(state, el.getAttribute("data-live"));
      el.textContent = value === null || value === undefined ? "" : String(value);
    });
    root.querySelectorAll("[data-live-show]").forEach(function (el) {
      el.hidden = !pick(state, el.getAttribute("data-live-show"));
    });
    root.querySelectorAll("[data-live-class]").forEach(function (el) {
      var spec = el.getAttribute("data-live-class").split(":");
      el.classList.toggle(spec[1], !!pick(state, spec[0]));
    });
    root.querySelectorAll("[data-live-list]").forEach(function (el) {
      var items = pick(state, el.getAttribute("data-live-list")) || [];
      el.replaceChildren.apply(el, items.map(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        return li;
      }));
    });
    var qr = root.querySelector("[data-live-qr]");
    if (qr && state.qr) {
      // The SVG is drawn by the portal's own server (segno), not by anyone's input.
      var doc = new DOMParser().parseFromString(state.qr, "image/svg+xml");
      qr.replaceChildren(document.importNode(doc.documentElement, true));
      qr.setAttribute("data-checkin-url", state.checkin_url || "");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { render(state); } })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
}());
