// "增加一行": clones the last row of the table body named by data-add-row, with its fields empty.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const body = document.getElementById(button.dataset.addRow);
  const row = body.lastElementChild.cloneNode(true);
  row.querySelectorAll("input, select").forEach((field) => { field.value = ""; });
  const number = body.children.length + 1;
  row.firstElementChild.textContent = number;
  row.querySelectorAll("[aria-label]").forEach((field) => {
    field.setAttribute("aria-label", field.getAttribute("aria-label").replace(/第\d+次/, `第${number}次`));
  });
  body.appendChild(row);
});
