// The events list with htmx: a rejected filter (422) still replaces the finder region, so the
// message shows next to its field; the page works the same without this file.
"use strict";
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (event.detail.xhr.status === 422 && target && target.id === "finder") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "finder") return;
  const summary = target.querySelector(".error-summary");
  if (summary) summary.focus();
});
