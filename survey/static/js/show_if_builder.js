/* The show-if builder of the designer's page and question forms. Progressive enhancement only:
 * without this file the builder stays hidden and the show-if box works as typed text.
 *
 * #show-if-builder-data (survey.design.show_if_builder.builder_data) lists the earlier answers:
 * each one's reference as the rule writes it, its kind, the comparisons that suit it and, for
 * choice questions, the quoted choice codes; and the translated labels. "Add condition" writes
 * a condition (age >= 18, channel = 'web', selected(channels, 'web'), answered(q) …) into the
 * box, joined to what is there with "and" or "or". The server checks the text as if typed.
 *
 * Under node, require() returns { condition, join, quote } for the tests.
 */
(function (root) {
  "use strict";
  const COMPARISONS = new Set(["=", "!=", "<", "<=", ">", ">="]);
  const NUMBER = /^-?\d+(\.\d+)?$/;
  const DATE = /^\d{4}-\d{2}-\d{2}$/;

  /* A text literal, as survey.questionnaire.logic.serialize.format_string writes it. */
  function quote(text) {
    if (text.includes("'") && !text.includes('"')) return '"' + text + '"';
    return "'" + text.replace(/'/g, "''") + "'";
  }

  /* The condition for subject (one entry of data.subjects), operator and value: {text} or
   * {error: "number" | "date"} when the typed value does not suit the answer. ``choice`` is
   * the quoted choice code picked, ``typed`` the value typed. */
  function condition(subject, operator, typed, choice) {
    const reference = subject.reference;
    if (operator === "answered" || operator === "empty") return { text: operator + "(" + reference + ")" };
    if (operator === "selected") return { text: "selected(" + reference + ", " + choice + ")" };
    if (operator === "not_selected") return { text: "not selected(" + reference + ", " + choice + ")" };
    if (!COMPARISONS.has(operator)) throw new Error("unknown operator " + operator);
    let value;
    const text = (typed || "").trim();
    if (subject.values.length) value = choice;
    else if (subject.kind === "number") {
      if (!NUMBER.test(text)) return { error: "number" };
      value = text;
    } else if (subject.kind === "date") {
      if (!DATE.test(text)) return { error: "date" };
      value = quote(text);
    } else value = quote(typed || "");
    return { text: reference + " " + operator + " " + value };
  }

  /* ``rule`` (the box's text) with ``added`` joined by "and" / "or"; "and" after a rule that has
   * an "or" puts that rule in parentheses, since "and" binds tighter. */
  function join(rule, added, connective) {
    const existing = (rule || "").trim();
    if (!existing) return added;
    if (connective === "and" && /\bor\b/.test(existing)) return "(" + existing + ") and " + added;
    return existing + " " + connective + " " + added;
  }

  const api = Object.freeze({ condition, join, quote });
  if (typeof module === "object" && module !== null && module.exports) module.exports = api;
  if (!root || !root.document) return;

  function start() {
    const page = root.document;
    const builder = page.getElementById("show-if-builder");
    if (!builder) return;
    builder.hidden = false;
    const dataNode = page.getElementById("show-if-builder-data");
    const box = page.getElementById(builder.dataset.target);
    if (!dataNode || !box) return;  // no earlier answer: only the note is shown
    const data = JSON.parse(dataNode.textContent);
    const find = (id) => page.getElementById(id);
    const subjectSelect = find("sib-subject"), operatorSelect = find("sib-operator");
    const choiceSelect = find("sib-choice"), valueInput = find("sib-value");
    const choiceField = find("sib-choice-field"), valueField = find("sib-value-field");
    const valueError = find("sib-value-error"), joinSelect = find("sib-join"), status = find("sib-status");

    const subject = () => data.subjects[Number(subjectSelect.value)];

    function clearError() {
      valueError.hidden = true;
      valueError.textContent = "";
      valueInput.removeAttribute("aria-invalid");
    }

    function showValue() {
      const chosen = subject(), operator = operatorSelect.value;
      const needsValue = operator !== "answered" && operator !== "empty";
      choiceField.hidden = !(needsValue && chosen.values.length);
      valueField.hidden = !(needsValue && !chosen.values.length);
      clearError();
    }

    function fill() {
      const chosen = subject();
      operatorSelect.replaceChildren(...chosen.operators.map((op) => new Option(data.operators[op], op)));
      choiceSelect.replaceChildren(...chosen.values.map((v) => new Option(v.label, v.literal)));
      valueInput.type = chosen.kind === "date" ? "date" : "text";
      valueInput.inputMode = chosen.kind === "number" ? "decimal" : "text";
      valueInput.value = "";
      showValue();
    }

    function add() {
      const made = condition(subject(), operatorSelect.value, valueInput.value, choiceSelect.value);
      if (made.error) {
        valueError.textContent = data.messages[made.error];
        valueError.hidden = false;
        valueInput.setAttribute("aria-invalid", "true");
        valueInput.focus();
        return;
      }
      clearError();
      box.value = join(box.value, made.text, joinSelect.value);
      box.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = data.messages.added.replace("%(condition)s", made.text);
    }

    subjectSelect.addEventListener("change", fill);
    operatorSelect.addEventListener("change", showValue);
    valueInput.addEventListener("input", clearError);
    find("sib-add").addEventListener("click", add);
    fill();
  }

  if (root.document.readyState === "loading") root.document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : null);
