"use strict";
// The search and the paragraph picker with htmx: a refused filter (422) still replaces the
// results, whose summary names the problem (focus stays in the field being typed in).
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (event.detail.xhr.status === 422 && target && ["results", "pick-results"].includes(target.id)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Importing a document with progress. Without this file the form posts as any form does; with
// it, the same form data (CSRF field included) goes by XMLHttpRequest so the bytes sent can be
// shown, then a busy state while the server reads and classifies the paragraphs (seconds, with
// embeddings). Every word shown comes from the page (data-* attributes), in the reader's language.
(() => {
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  }

  // The answer is a whole page (the report, or the form refused): show its main part here.
  function showPage(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const fresh = doc.querySelector("main");
    const here = document.querySelector("main");
    if (!fresh || !here) return;
    here.replaceChildren(...Array.from(fresh.childNodes, (n) => document.importNode(n, true)));
    if (doc.title) document.title = doc.title;
    const again = here.querySelector("form[data-library-import]");
    if (again) enhance(again);
    const focus = here.querySelector(".error-summary") || here.querySelector("h1");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
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
      if (percent === null) {
        bar.removeAttribute("value"); // an indeterminate bar: the server is working
        bar.textContent = "";
      } else {
        bar.value = percent;
        bar.textContent = `${percent}%`;
      }
      status.textContent = text;
    }

    function settle() {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }

    form.addEventListener("submit", (event) => {
      if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return; // plain post
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        const percent = Math.floor((e.loaded / e.total) * 100);
        show(percent, fill(words.sent, { percent }));
      });
      xhr.upload.addEventListener("load", () => show(null, words.working));
      xhr.addEventListener("load", () => {
        settle();
        const type = xhr.getResponseHeader("Content-Type") || "";
        if (type.startsWith("text/html")) {
          showPage(xhr.responseText);
          return;
        }
        show(0, words.failed);
      });
      xhr.addEventListener("error", () => {
        settle();
        show(0, words.failed);
      });
      box.hidden = false;
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      show(0, fill(words.sent, { percent: 0 }));
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-library-import]").forEach(enhance);
  });
})();
