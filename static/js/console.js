// The proctor's console: a form marked data-confirm asks before it is sent, and each act's
// dialog is filled with the candidate of the row whose button opened it. The rows are
// replaced every few seconds (htmx), so both listen on the document.
"use strict";

document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener("show.bs.modal", (event) => {
  const button = event.relatedTarget;
  if (!button) return;
  const dialog = event.target;
  dialog.querySelector("input[name=attempt_id]").value = button.dataset.attempt;
  dialog.querySelector("[data-candidate]").textContent = button.dataset.candidate;
});
