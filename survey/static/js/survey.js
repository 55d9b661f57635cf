/* Respondent pages, progressive enhancement only: the page works the same without this file.
 *
 * - show-if: every question with data-show-if (the rule as the JSON syntax tree of
 *   survey.questionnaire.logic.to_json) is shown or hidden live, evaluated by
 *   window.XinshengLogic.evaluate with the earlier pages' answers (#xs-prior) and the values on
 *   this page — the same rules the server applies, in the same page order (an answer to a
 *   question that is hidden counts as unanswered). #xs-shown tells the server what was shown.
 * - "other, please specify" boxes appear when "other" is chosen.
 * - a slider's number box gets its <input type=range> (shown only here; it has no name, so an
 *   untouched slider stays unanswered); a constant sum shows its running total; a ranking's
 *   rank selects ("code:rank") count as the list of codes in rank order, as the server stores it.
 * - a second submit of the same page (double click) is ignored.
 * - the error summary, when present, receives focus so it is read first.
 */
(function () {
  "use strict";
  const RESERVED = new Set(["csrf_token", "xs_submission", "xs_shown", "nav", "xs_language"]);

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function numberNames(form) {
    const names = new Set();
    form.querySelectorAll(".question[data-numbers]").forEach((q) => {
      q.dataset.numbers.split(" ").filter(Boolean).forEach((n) => names.add(n));
    });
    return names;
  }

  function pageValues(form, numbers) {
    const values = {};
    const rankings = new Set();
    for (const element of form.elements) {
      const name = element.name;
      if (!name || RESERVED.has(name) || element.disabled) continue;
      if (element.hasAttribute("data-rank")) {
        const ranks = values[name] || [];
        const match = /^(.*):(\d+)$/.exec(element.value);
        if (match) ranks.push([Number(match[2]), match[1]]);
        values[name] = ranks;
        rankings.add(name);
      } else if (element.type === "radio") {
        if (element.checked) values[name] = element.value;
        else if (!(name in values)) values[name] = null;
      } else if (element.type === "checkbox") {
        const list = values[name] || [];
        if (element.checked) list.push(element.value);
        values[name] = list;
      } else {
        values[name] = element.value.trim() === "" ? null : element.value.trim();
      }
    }
    rankings.forEach((name) => {
      values[name] = values[name].sort((a, b) => a[0] - b[0]).map((pair) => pair[1]);
    });
    for (const name of Object.keys(values)) {
      const value = values[name];
      if (Array.isArray(value) && value.length === 0) values[name] = null;
      if (numbers.has(name) && typeof value === "string" && value !== "dont_know") {
        const number = Number(value);
        values[name] = Number.isFinite(number) ? number : null;
      }
    }
    return values;
  }

  function setUpSliders(form) {
    form.querySelectorAll("input[type=range][data-slider-for]").forEach((range) => {
      const box = document.getElementById(range.dataset.sliderFor);
      if (!box) return;
      const describe = () => {
        const ends = { [range.min]: range.dataset.low, [range.max]: range.dataset.high };
        const end = ends[range.value];
        range.setAttribute("aria-valuetext", end && !/= $/.test(end) ? end : range.value);
      };
      range.hidden = false;
      range.addEventListener("input", () => {
        box.value = range.value;
        describe();
        box.dispatchEvent(new Event("input", { bubbles: true }));
      });
      box.addEventListener("input", () => {
        const number = Number(box.value.trim());
        if (box.value.trim() !== "" && Number.isFinite(number)) { range.value = String(number); describe(); }
      });
      describe();
    });
  }

  function setUpSums(form) {
    form.querySelectorAll(".constant-sum").forEach((group) => {
      const output = group.querySelector("output");
      const boxes = Array.from(group.querySelectorAll("input.share"));
      if (!output) return;
      const total = () => {
        output.value = String(boxes.reduce((sum, box) => {
          const number = Number(box.value.trim());
          return sum + (box.value.trim() !== "" && Number.isFinite(number) ? number : 0);
        }, 0));
      };
      boxes.forEach((box) => box.addEventListener("input", total));
      total();
    });
  }

  function setUp(form) {
    setUpSliders(form);
    setUpSums(form);
    const logic = window.XinshengLogic;
    const priorNode = document.getElementById("xs-prior");
    const prior = priorNode ? JSON.parse(priorNode.textContent || "{}") : {};
    const shownField = form.querySelector("#xs-shown");
    const questions = Array.from(form.querySelectorAll(".question[data-code]"));
    const numbers = numberNames(form);
    const rules = new Map();
    questions.forEach((q) => {
      if (!q.dataset.showIf) return;
      try { rules.set(q, JSON.parse(q.dataset.showIf)); } catch (error) { /* server decides */ }
    });

    function update() {
      if (!logic) return;
      const answers = Object.assign({}, prior, pageValues(form, numbers));
      const shown = [];
      for (const q of questions) {
        const rule = rules.get(q);
        let visible = true;
        if (rule) {
          try { visible = logic.evaluate(rule, answers, null) === true; } catch (error) { visible = true; }
        }
        q.hidden = !visible;
        if (visible) shown.push(q.dataset.code);
        else (q.dataset.variables || "").split(" ").forEach((name) => { delete answers[name]; });
      }
      if (shownField) shownField.value = shown.sort().join(" ");
    }

    // "Other, please specify": the text box shows once "other" is chosen (always without JS).
    form.querySelectorAll(".other-specify").forEach((box) => {
      const question = box.closest(".question");
      const name = question ? question.dataset.code : null;
      if (!name) return;
      const sync = () => {
        const chosen = Array.from(form.querySelectorAll(`[name="${name}"]`)).some((el) =>
          (el.type === "radio" || el.type === "checkbox") ? el.checked && el.value === "other"
            : el.value === "other");
        const input = box.querySelector("input");
        box.hidden = !chosen && !(input && input.value.trim());
      };
      form.addEventListener("change", sync);
      sync();
    });

    if (rules.size) {
      form.addEventListener("change", update);
      form.addEventListener("input", update);
      update();
    }

    form.addEventListener("submit", (event) => {
      if (form.dataset.submitting === "yes") { event.preventDefault(); return; }
      form.dataset.submitting = "yes";
      window.setTimeout(() => { form.dataset.submitting = ""; }, 8000);
    });
  }

  ready(() => {
    document.querySelectorAll("form.survey-form").forEach(setUp);
    const summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
