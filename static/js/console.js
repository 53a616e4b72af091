// The proctor's console: each act's dialog is filled with the candidate of the row whose
// button opened it. The rows are replaced every few seconds (htmx), so it listens on the
// document. Forms marked data-confirm ask first (static/js/confirm.js, on every page).
"use strict";

document.addEventListener("show.bs.modal", (event) => {
  const button = event.relatedTarget;
  if (!button) return;
  const dialog = event.target;
  dialog.querySelector("input[name=attempt_id]").value = button.dataset.attempt;
  dialog.querySelector("[data-candidate]").textContent = button.dataset.candidate;
});
