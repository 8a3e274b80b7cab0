// Shows similar proposals while a member types a draft (the "check" button does the same without
// JavaScript). Served from the portal: the page runs under script-src 'self', no inline script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-similar-url]");
  var panel = document.getElementById("similar-panel");
  if (!form || !panel || !window.fetch) { return; }
  var timer = null;
  var last = "";
  function value(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }
  function refresh() {
    // A GET line must stay under the server's limit (4 KB): the title and the opening of the text.
    var title = value("title").slice(0, 100);
    var body = (value("reason") + "\n" + value("suggestions")).slice(0, 200);
    var key = title + "\u0000" + body;
    if (key === last) { return; }
    last = key;
    if (title.trim().length < 2 && body.trim().length < 2) { panel.innerHTML = ""; return; }
    var params = new URLSearchParams({ title: title, body: body });
    if (form.dataset.similarExclude) { params.set("exclude", form.dataset.similarExclude); }
    fetch(form.dataset.similarUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (key === last) { panel.innerHTML = html; } })
      .catch(function () { /* the check button still works */ });
  }
  form.addEventListener("input", function (event) {
    if (!event.target.name || ["title", "reason", "suggestions"].indexOf(event.target.name) < 0) { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
