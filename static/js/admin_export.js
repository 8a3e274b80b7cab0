// The export page's "select all" box (the library wires it with an onchange attribute, which the
// CSP blocks). Ticks or clears every field of the export.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("input.select-toggle");
  if (!toggle) {
    return;
  }
  toggle.addEventListener("change", () => {
    document
      .querySelectorAll('.selectable-field-export-row input[type="checkbox"]')
      .forEach((box) => {
        box.checked = toggle.checked;
      });
  });
});
