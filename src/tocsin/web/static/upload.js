// What the evidence upload and the library import share: sending a form's data (CSRF field
// included) by XMLHttpRequest so the bytes sent can be shown, and the progress box the page
// provides ([data-progress] with a <progress> and a [data-status]; words in [data-words], in
// the reader's language). Without scripts the forms post as any form does.
"use strict";
window.tocsinUpload = (() => {
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  }

  function progress(form) {
    const box = form.querySelector("[data-progress]");
    const bar = box.querySelector("progress");
    const status = box.querySelector("[data-status]");
    const button = form.querySelector("button[type=submit]");

    // percent null: an indeterminate bar, the server is working.
    function show(percent, text) {
      if (percent === null) {
        bar.removeAttribute("value");
        bar.textContent = "";
      } else {
        bar.value = percent;
        bar.textContent = `${percent}%`;
      }
      status.textContent = text;
    }

    function start(text) {
      box.hidden = false;
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      show(0, text);
    }

    function settle() {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }

    return { box, words: form.querySelector("[data-words]").dataset, show, start, settle };
  }

  function supported() {
    return Boolean(window.FormData && window.XMLHttpRequest && window.DOMParser);
  }

  // on: { sending(loaded, total), sent(), answered(xhr), failed() }
  function send(form, on) {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) on.sending(e.loaded, e.total);
    });
    xhr.upload.addEventListener("load", () => on.sent());
    xhr.addEventListener("load", () => on.answered(xhr));
    xhr.addEventListener("error", () => on.failed());
    xhr.send(new FormData(form));
  }

  return { fill, progress, supported, send };
})();
