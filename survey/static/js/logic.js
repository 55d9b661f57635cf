/*
 * Xinsheng logic language, browser mirror of survey/questionnaire/logic/evaluator.py.
 *
 * Evaluates the JSON syntax tree produced by the server (survey.questionnaire.logic.to_json)
 * with exactly the server's semantics; the server stays the authority (the survey works with
 * JavaScript off), this only lets pages show and hide questions without a round trip.
 *
 *   XinshengLogic.evaluate(ast, answers, current) -> null | boolean | number | string | Set
 *   XinshengLogic.isTrue(ast, answers, current)   -> boolean (only a real true is true)
 *
 * answers maps question codes to: null/undefined (unanswered), boolean, number, string
 * ('' counts as unanswered), or an array/Set of choice-code strings (empty counts as unanswered).
 * Plain ES2020, no build step; exported on window and, under node, through module.exports.
 */
(function (root) {
  "use strict";

  function normalizeAnswer(answer) {
    if (answer === null || answer === undefined) return null;
    if (typeof answer === "boolean") return answer;
    if (typeof answer === "number") return Number.isFinite(answer) ? answer : null;
    if (typeof answer === "string") return answer === "" ? null : answer;
    if (Array.isArray(answer) || answer instanceof Set) {
      const items = Array.from(answer);
      if (!items.every((item) => typeof item === "string")) {
        throw new TypeError("multiple-choice answer must hold only choice codes (strings)");
      }
      return items.length === 0 ? null : new Set(items);
    }
    throw new TypeError("answer " + String(answer) + " is not a logic value");
  }

  function kind(value) {
    if (value === null) return "none";
    if (typeof value === "boolean") return "boolean";
    if (typeof value === "number") return "number";
    if (typeof value === "string") return "text";
    return "multi";
  }

  // Compare strings by Unicode code point, as Python does (JS "<" compares UTF-16 units).
  function compareText(left, right) {
    const a = Array.from(left);
    const b = Array.from(right);
    const length = Math.min(a.length, b.length);
    for (let index = 0; index < length; index += 1) {
      const difference = a[index].codePointAt(0) - b[index].codePointAt(0);
      if (difference !== 0) return difference;
    }
    return a.length - b.length;
  }

  function sameValue(left, right) {
    const leftKind = kind(left);
    if (leftKind !== kind(right)) return false;
    if (leftKind !== "multi") return left === right;
    if (left.size !== right.size) return false;
    for (const item of left) if (!right.has(item)) return false;
    return true;
  }

  function compare(operator, left, right) {
    if (left === null || right === null) return false;
    if (operator === "=") return sameValue(left, right);
    if (operator === "!=") return !sameValue(left, right);
    const leftKind = kind(left);
    if (leftKind !== kind(right) || (leftKind !== "number" && leftKind !== "text")) return false;
    const order = leftKind === "number" ? left - right : compareText(left, right);
    switch (operator) {
      case "<": return order < 0;
      case "<=": return order <= 0;
      case ">": return order > 0;
      case ">=": return order >= 0;
      default: throw new Error("unknown comparison operator " + operator);
    }
  }

  function finiteOrNull(number) {
    return Number.isFinite(number) ? number : null;
  }

  function arithmetic(operator, left, right) {
    if (kind(left) !== "number" || kind(right) !== "number") return null;
    switch (operator) {
      case "+": return finiteOrNull(left + right);
      case "-": return finiteOrNull(left - right);
      case "*": return finiteOrNull(left * right);
      case "/": return right === 0 ? null : finiteOrNull(left / right);
      case "mod": return right === 0 ? null : finiteOrNull(left % right);
      default: throw new Error("unknown arithmetic operator " + operator);
    }
  }

  function call(name, args) {
    const first = args[0];
    switch (name) {
      case "answered": return first !== null;
      case "empty": return first === null;
      case "selected": {
        const choice = args[1];
        if (typeof choice !== "string") return false;
        if (first instanceof Set) return first.has(choice);
        return typeof first === "string" && first === choice;
      }
      case "count":
        if (first === null) return 0;
        if (first instanceof Set) return first.size;
        return typeof first === "string" ? 1 : null;
      case "length":
        if (first === null) return 0;
        return typeof first === "string" ? Array.from(first).length : null;
      default: throw new Error("unknown function " + name);
    }
  }

  function evaluate(node, answers, current) {
    const cache = new Map();
    const currentValue = normalizeAnswer(current);
    const lookup = (name) => {
      if (!cache.has(name)) {
        const own = answers !== null && answers !== undefined
          && Object.prototype.hasOwnProperty.call(answers, name);
        cache.set(name, normalizeAnswer(own ? answers[name] : null));
      }
      return cache.get(name);
    };
    const value = (expr) => {
      switch (expr.type) {
        case "number": case "string": case "boolean": return expr.value;
        case "reference": return lookup(expr.name);
        case "current": return currentValue;
        case "not": return value(expr.operand) !== true;
        case "and": return expr.operands.every((operand) => value(operand) === true);
        case "or": return expr.operands.some((operand) => value(operand) === true);
        case "comparison": return compare(expr.operator, value(expr.left), value(expr.right));
        case "arithmetic": return arithmetic(expr.operator, value(expr.left), value(expr.right));
        case "negate": {
          const operand = value(expr.operand);
          return typeof operand === "number" ? -operand : null;
        }
        case "call": return call(expr.function, expr.arguments.map(value));
        default: throw new Error("unknown syntax tree node type " + expr.type);
      }
    };
    return value(node);
  }

  function isTrue(node, answers, current) {
    return evaluate(node, answers, current) === true;
  }

  const api = Object.freeze({ evaluate, isTrue, normalizeAnswer });
  if (typeof module === "object" && module !== null && module.exports) {
    module.exports = api;
  }
  if (root) root.XinshengLogic = api;
})(typeof window !== "undefined" ? window : null);
