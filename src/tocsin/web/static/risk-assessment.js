// The rating form, improved: the factor and overall levels recomputed as ratings change (the
// rule of docs/risk.md; the levels the server derives on saving are the ones kept), and a button
// to add a row of affected groups. The form works without this file.
"use strict";
(() => {
  // Points in quarters, so sums are exact: present 1, serious 2; high 4/4, medium 3/4, low 2/4.
  const SEVERITY = { present: 1, serious: 2 };
  const CONFIDENCE = { high: 4, medium: 3, low: 2 };
  const THRESHOLDS = [[24, 3], [12, 2], [4, 1]];
  const CODES = ["low", "moderate", "high", "very_high"];

  function factorLevel(pairs) {
    const rated = pairs.filter(([rating]) => rating && rating !== "not_assessed");
    if (!rated.length) return null;
    const total = rated.reduce((sum, [r, c]) => sum + (SEVERITY[r] || 0) * CONFIDENCE[c || "low"], 0);
    let level = 0;
    for (const [need, value] of THRESHOLDS) { if (total >= need) { level = value; break; } }
    if (level < 2 && rated.some(([r, c]) => r === "serious" && c === "high")) level = 2;
    return level;
  }

  function overallLevel(factors) {
    if (factors.every((f) => f.level === null)) return null;
    const common = factors.filter((f) => f.category === "common").map((f) => f.level || 0)
      .sort((x, y) => y - x);
    const candidates = [];
    if (common.length >= 2) candidates.push(common[1]);
    if (common.length) candidates.push(Math.max(common[0] - 1, 0));
    for (const f of factors) if (f.category !== "common" && f.level !== null) candidates.push(f.level);
    return Math.max(...candidates);
  }

  // The words come from the page, in the reader's language: data-level-0..3, data-level-none.
  function show(output, form, level) {
    output.hidden = false;
    output.textContent = form.getAttribute("data-level-" + (level === null ? "none" : level));
    output.className = output.className.replace(/ ?risk-level\S*/g, "") +
      " risk-level risk-level-" + (level === null ? "none" : CODES[level]);
  }

  function recompute(form) {
    const factors = [];
    for (const details of form.querySelectorAll("details[data-factor]")) {
      const pairs = [...details.querySelectorAll("fieldset[data-indicator]")].map((set) => {
        const code = set.dataset.indicator;
        const rating = set.querySelector(`[name="ratings[${code}].rating"]`);
        const confidence = set.querySelector(`[name="ratings[${code}].confidence"]`);
        return [rating ? rating.value : "", confidence ? confidence.value : ""];
      });
      const level = factorLevel(pairs);
      factors.push({ category: details.dataset.category, level });
      const preview = details.querySelector(".risk-preview-factor");
      if (preview) {
        preview.hidden = false;
        show(preview.querySelector("output"), form, level);
      }
    }
    const overall = form.querySelector("#risk-preview-overall");
    if (overall) {
      overall.closest(".risk-preview").hidden = false;
      show(overall, form, overallLevel(factors));
    }
  }

  // Another empty row of affected groups: a copy of the last one, numbered on.
  function addRow(fieldset, button) {
    const rows = fieldset.querySelectorAll(".risk-group-row");
    const last = rows[rows.length - 1];
    if (!last || rows.length >= 50) return;
    const copy = last.cloneNode(true);
    const next = (text) => text.replace(/groups\[(\d+)\]/, (_, n) => `groups[${Number(n) + 1}]`);
    for (const el of copy.querySelectorAll("[name], [id], [for]")) {
      for (const attr of ["name", "id", "for"]) {
        if (el.hasAttribute(attr)) el.setAttribute(attr, next(el.getAttribute(attr)));
      }
      if (el.matches("input, textarea")) el.value = "";
      if (el.matches("select")) el.selectedIndex = 0;
    }
    for (const error of copy.querySelectorAll(".field-error")) error.remove();
    fieldset.insertBefore(copy, button);
    copy.querySelector("select, input").focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form.risk-rating-form");
    if (!form) return;
    form.addEventListener("change", (event) => {
      if (/\.(rating|confidence)$/.test(event.target.name || "")) recompute(form);
    });
    for (const fieldset of form.querySelectorAll("fieldset.risk-groups-form")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = form.dataset.addRow || "+";
      button.addEventListener("click", () => addRow(fieldset, button));
      fieldset.appendChild(button);
    }
    recompute(form);
  });
})();
