// Evidence upload with progress. Without this file the form posts as any form does; with it,
// the same form data (CSRF field included) goes by XMLHttpRequest so the bytes sent can be
// shown. Every word shown comes from the page (data-* attributes), in the reader's language.
"use strict";
(() => {
  const UNITS = ["B", "KB", "MB", "GB", "TB"];

  function bytes(n) {
    let unit = 0;
    while (n >= 1000 && unit < UNITS.length - 1) {
      n /= 1000;
      unit += 1;
    }
    const lang = document.documentElement.lang || undefined;
    const digits = unit === 0 ? 0 : 1;
    return `${new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(n)} ${UNITS[unit]}`;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  }

  function enhance(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    const box = form.querySelector("[data-progress]");
    const bar = box.querySelector("progress");
    const status = box.querySelector("[data-status]");
    const words = form.querySelector("[data-words]").dataset;
    const button = form.querySelector("button[type=submit]");

    function show(percent, text) {
      bar.value = percent;
      bar.textContent = `${percent}%`;
      status.textContent = text;
    }

    function settle() {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }

    // A refused form comes back as the whole page: put its form in place of this one.
    function replaceWith(html) {
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.getElementById("upload-area");
      const here = document.getElementById("upload-area");
      if (!fresh || !here) {
        document.querySelector("main").replaceChildren(...doc.querySelector("main").childNodes);
        return;
      }
      here.replaceWith(document.importNode(fresh, true));
      const again = document.querySelector("form[data-upload]");
      if (again) enhance(again);
      const summary = document.querySelector(".error-summary");
      if (summary) summary.focus();
    }

    form.addEventListener("submit", (event) => {
      if (!window.FormData || !window.XMLHttpRequest) return; // the plain post
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        const percent = Math.floor((e.loaded / e.total) * 100);
        show(percent, fill(words.sent, { percent, sent: bytes(e.loaded), total: bytes(e.total) }));
      });
      xhr.upload.addEventListener("load", () => show(100, words.storing));
      xhr.addEventListener("load", () => {
        const type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status === 200 && type.startsWith("application/json")) {
          window.location.assign(JSON.parse(xhr.responseText).location);
          return;
        }
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL); // a redirect the request followed
          return;
        }
        settle();
        box.hidden = true;
        replaceWith(xhr.responseText);
      });
      xhr.addEventListener("error", () => {
        settle();
        show(0, words.failed);
      });
      box.hidden = false;
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      show(0, fill(words.sent, { percent: 0, sent: bytes(0), total: "…" }));
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-upload]").forEach(enhance);
  });
})();
