// An export's page while the workbook is built: fetches the page again every few seconds and puts
// the new state into the status block (a polite live region), instead of reloading the whole page
// (a timed reload moves a screen reader's and a keyboard user's place: WCAG 2.2.1).
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("export-status");
  if (!status || !status.hasAttribute("data-export-poll")) {
    return;
  }
  const poll = () => {
    fetch(window.location.href, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("export-status");
        if (!fresh) {
          return;
        }
        status.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-export-poll")) {
          setTimeout(poll, 3000);
        }
      })
      .catch(() => setTimeout(poll, 10000));
  };
  setTimeout(poll, 3000);
});
