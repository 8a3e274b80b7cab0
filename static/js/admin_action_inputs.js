// Beside an admin changelist's action menu, show only the inputs the chosen action reads (each
// input names its actions in data-for-actions). Without JavaScript every input stays visible.
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.querySelector('#changelist-form select[name="action"]');
  const inputs = document.querySelectorAll("#changelist-form [data-for-actions]");
  if (!menu || inputs.length === 0) {
    return;
  }
  const show = () => {
    inputs.forEach((input) => {
      const wanted = input.dataset.forActions.split(" ").includes(menu.value);
      const wrapper = input.closest("label") || input;
      wrapper.style.display = wanted ? "" : "none";
    });
  };
  menu.addEventListener("change", show);
  show();
});
