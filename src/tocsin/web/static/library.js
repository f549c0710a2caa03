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

// Importing a document with progress (upload.js sends the form and keeps the progress box):
// the bytes sent, then a busy state while the server reads and classifies the paragraphs
// (seconds, with embeddings), then the import report in place of the form.
(() => {
  const tools = window.tocsinUpload;
  if (!tools) return; // pages without an import form do not load upload.js

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
    const box = tools.progress(form);
    const words = box.words;

    form.addEventListener("submit", (event) => {
      if (!tools.supported()) return; // the plain post
      event.preventDefault();
      box.start(tools.fill(words.sent, { percent: 0 }));
      tools.send(form, {
        sending(loaded, total) {
          const percent = Math.floor((loaded / total) * 100);
          box.show(percent, tools.fill(words.sent, { percent }));
        },
        sent() {
          box.show(null, words.working);
        },
        answered(xhr) {
          box.settle();
          const type = xhr.getResponseHeader("Content-Type") || "";
          if (type.startsWith("text/html")) {
            showPage(xhr.responseText);
            return;
          }
          box.show(0, words.failed);
        },
        failed() {
          box.settle();
          box.show(0, words.failed);
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-library-import]").forEach(enhance);
  });
})();
