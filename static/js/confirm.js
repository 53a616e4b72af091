// A form marked data-confirm asks before it is sent: revoking a certificate or letting a whole
// room in cannot be undone by a second click. Listening on the document covers forms that
// htmx swaps in later.
"use strict";

document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
