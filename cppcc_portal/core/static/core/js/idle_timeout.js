/* The idle-timeout warning (core.sessions): shown before the portal signs an idle person out.
   Served by the portal (CSP script-src 'self'); everything it needs comes from its own data-*
   attributes, in the person's language. It asks the server how long is left, so a tab left open
   while the person works in another one is not warned for nothing. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var data = script.dataset;
  var warnAt = parseInt(data.warningSeconds, 10) || 120;
  var statusUrl = data.statusUrl;
  var box = null;
  var countdown = null;
  var checkTimer = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function hideWarning() {
    if (box) { box.hidden = true; }
    if (countdown) { window.clearInterval(countdown); countdown = null; }
  }

  function showWarning(seconds) {
    if (!box) {
      box = document.createElement("div");
      box.className = "message warning idle-warning";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-live", "assertive");
      var text = document.createElement("p");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = data.stayText;
      button.addEventListener("click", stay);
      box.appendChild(text);
      box.appendChild(button);
      var main = document.querySelector("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.hidden = false;
    var left = seconds;
    var text = box.querySelector("p");
    var tick = function () {
      text.textContent = data.warningText.replace("{seconds}", String(Math.max(left, 0)));
      if (left <= 0) { window.location.reload(); }
      left -= 1;
    };
    tick();
    if (countdown) { window.clearInterval(countdown); }
    countdown = window.setInterval(tick, 1000);
    box.querySelector("button").focus();
  }

  function schedule(remaining) {
    if (checkTimer) { window.clearTimeout(checkTimer); }
    var wait = Math.max(remaining - warnAt, 0);
    checkTimer = window.setTimeout(check, wait * 1000);
  }

  function handle(response) {
    return response.json().then(function (body) {
      if (!body.signed_in) { window.location.reload(); return; }
      if (body.remaining > warnAt) { hideWarning(); schedule(body.remaining); }
      else { showWarning(body.remaining); schedule(body.remaining + 1); }
    });
  }

  function check() {
    fetch(statusUrl, {credentials: "same-origin"}).then(handle).catch(function () { schedule(warnAt); });
  }

  function stay() {
    fetch(statusUrl, {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrfToken()}
    }).then(handle);
  }

  schedule(parseInt(data.idleSeconds, 10) || 1800);
})();
