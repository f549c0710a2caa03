// Evidence upload with progress (upload.js sends the form and keeps the progress box): bytes
// sent, then "storing" while the server hashes and encrypts, then the evidence page.
"use strict";
(() => {
  const UNITS = ["B", "KB", "MB", "GB", "TB"];
  const { fill, progress, supported, send } = window.tocsinUpload;

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

  function enhance(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    const box = progress(form);
    const words = box.words;

    form.addEventListener("submit", (event) => {
      if (!supported()) return; // the plain post
      event.preventDefault();
      box.start(fill(words.sent, { percent: 0, sent: bytes(0), total: "…" }));
      send(form, {
        sending(loaded, total) {
          const percent = Math.floor((loaded / total) * 100);
          box.show(percent, fill(words.sent, { percent, sent: bytes(loaded), total: bytes(total) }));
        },
        sent() {
          box.show(100, words.storing);
        },
        answered(xhr) {
          const type = xhr.getResponseHeader("Content-Type") || "";
          if (xhr.status === 200 && type.startsWith("application/json")) {
            window.location.assign(JSON.parse(xhr.responseText).location);
            return;
          }
          if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL !== form.action) {
            window.location.assign(xhr.responseURL); // a redirect the request followed
            return;
          }
          box.settle();
          box.box.hidden = true;
          replaceWith(xhr.responseText);
        },
        failed() {
          box.settle();
          box.show(0, words.failed);
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-upload]").forEach(enhance);
  });
})();
