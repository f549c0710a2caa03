// Small behaviours on top of plain HTML; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A rejected form: move focus to the summary so keyboard and screen-reader users hear it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
// htmx requests that write carry the session's CSRF token as the API expects it.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.body.dataset.csrf;
  if (token) event.detail.headers["X-CSRF-Token"] = token;
});
// A filter form sends every field; the address it leaves in the history names only the filters
// in use (?country=XQ, not ?q=&date_from=&country=XQ...), like a link someone would share.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  const params = event.detail.parameters;
  for (const key of Object.keys(params)) {
    if (params[key] === "") delete params[key];
  }
});
