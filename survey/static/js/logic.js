/*
 * Xinsheng logic language, browser mirror of survey/questionnaire/logic/evaluator.py.
 *
 * Evaluates the JSON syntax tree produced by the server (survey.questionnaire.logic.to_json)
 * with exactly the server's semantics; the server stays the authority (the survey works with
 * JavaScript off), this only lets pages show and hide questions without a round trip.
 *
 *   XinshengLogic.evaluate(ast, answers, current, now) -> null | boolean | number | string | Set
 *   XinshengLogic.isTrue(ast, answers, current, now)   -> boolean (only a real true is true)
 *
 * now (optional) is the Date today() and now() read, by its local wall clock (default: now).
 * regex() patterns are compiled and matched here, as in survey/questionnaire/logic/patterns.py,
 * by following every automaton state at once (never RegExp, which backtracks: a hostile
 * pattern cannot freeze the page).
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

  // ---- regex(): the linear-time pattern dialect of survey/questionnaire/logic/patterns.py ----
  const MAX_PATTERN_LENGTH = 500;
  const MAX_PROGRAM_SIZE = 256;
  const MAX_REPEAT = 1000;
  const DIGIT = [[0x30, 0x39]];
  const WORD = [[0x30, 0x39], [0x41, 0x5A], [0x5F, 0x5F], [0x61, 0x7A]];
  const SPACE = [[0x09, 0x0D], [0x20, 0x20]];
  const NEWLINE = [[0x0A, 0x0A]];
  const CLASS_ESCAPES = {
    d: [false, DIGIT], w: [false, WORD], s: [false, SPACE],
    D: [true, DIGIT], W: [true, WORD], S: [true, SPACE],
  };
  const CONTROL_ESCAPES = { n: 0x0A, t: 0x09, r: 0x0D };
  const ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  function PatternError(problem) { this.problem = problem; }

  function parsePattern(pattern) {
    const chars = Array.from(pattern);
    let position = 0;
    const peek = () => (position < chars.length ? chars[position] : null);
    const fail = (problem) => new PatternError(problem);
    const single = (code) => ["chars", false, [[code, code]]];
    const isSingle = (node) => node[2].length === 1 && node[2][0][0] === node[2][0][1];

    function escape(inClass) {
      const character = peek();
      if (character === null) throw fail("trailing_backslash");
      position += 1;
      if (Object.prototype.hasOwnProperty.call(CLASS_ESCAPES, character)) {
        const [negated, ranges] = CLASS_ESCAPES[character];
        if (negated && inClass) throw fail("unsupported_escape");
        return ["chars", negated, ranges];
      }
      if (Object.prototype.hasOwnProperty.call(CONTROL_ESCAPES, character)) {
        return single(CONTROL_ESCAPES[character]);
      }
      if (character === "u") {
        const digits = chars.slice(position, position + 4).join("");
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw fail("unsupported_escape");
        position += 4;
        return single(parseInt(digits, 16));
      }
      if (ASCII_PUNCTUATION.includes(character)) return single(character.codePointAt(0));
      throw fail("unsupported_escape");
    }

    function classMember() {
      const character = chars[position];
      position += 1;
      return character === "\\" ? escape(true) : single(character.codePointAt(0));
    }

    function characterClass() {
      const negated = peek() === "^";
      if (negated) position += 1;
      const ranges = [];
      let first = true;
      for (;;) {
        const character = peek();
        if (character === null) throw fail("unterminated_class");
        if (character === "]" && !first) { position += 1; break; }
        first = false;
        const member = classMember();
        if (isSingle(member) && peek() === "-" && position + 1 < chars.length
            && chars[position + 1] !== "]") {
          position += 1;
          const upper = classMember();
          if (!isSingle(upper)) throw fail("bad_range");
          const low = member[2][0][0];
          const high = upper[2][0][0];
          if (low > high) throw fail("bad_range");
          ranges.push([low, high]);
        } else {
          ranges.push(...member[2]);
        }
      }
      return ["chars", negated, ranges];
    }

    function braces() {
      const rest = chars.slice(position).join("");
      const found = /^\{([0-9]+)(,([0-9]*))?\}/.exec(rest);
      if (found === null) throw fail("bad_repetition");
      const minimum = parseInt(found[1], 10);
      let maximum = minimum;
      if (found[2] !== undefined) maximum = found[3] === "" ? null : parseInt(found[3], 10);
      if (minimum > MAX_REPEAT || (maximum !== null && !(minimum <= maximum && maximum <= MAX_REPEAT))) {
        throw fail("bad_repetition");
      }
      position += found[0].length;
      return [minimum, maximum];
    }

    function quantified(atom) {
      const character = peek();
      if (character === null || !"*+?{".includes(character)) return atom;
      if (atom[0] === "start" || atom[0] === "end") throw fail("nothing_to_repeat");
      let minimum;
      let maximum;
      if (character === "{") {
        [minimum, maximum] = braces();
      } else {
        position += 1;
        [minimum, maximum] = { "*": [0, null], "+": [1, null], "?": [0, 1] }[character];
      }
      if (peek() === "?") position += 1;
      if (peek() !== null && "*+{".includes(peek())) throw fail("nothing_to_repeat");
      return ["repeat", atom, minimum, maximum];
    }

    function atom() {
      const character = chars[position];
      position += 1;
      switch (character) {
        case "(": {
          if (chars[position] === "?" && chars[position + 1] === ":") position += 2;
          else if (peek() === "?") throw fail("unsupported_group");
          const inner = alternation();
          if (peek() !== ")") throw fail("unbalanced_parenthesis");
          position += 1;
          return inner;
        }
        case "[": return characterClass();
        case ".": return ["chars", true, NEWLINE];
        case "^": return ["start"];
        case "$": return ["end"];
        case "\\": return escape(false);
        case "*": case "+": case "?": throw fail("nothing_to_repeat");
        case "{": throw fail("bad_repetition");
        default: return single(character.codePointAt(0));
      }
    }

    function sequence() {
      const items = [];
      while (peek() !== null && peek() !== "|" && peek() !== ")") items.push(quantified(atom()));
      return ["sequence", items];
    }

    function alternation() {
      const branches = [sequence()];
      while (peek() === "|") { position += 1; branches.push(sequence()); }
      return branches.length === 1 ? branches[0] : ["alternation", branches];
    }

    const node = alternation();
    if (position < chars.length) throw fail("unbalanced_parenthesis");
    return node;
  }

  function compilePattern(pattern) {
    const code = [];
    const emit = (instruction) => {
      if (code.length >= MAX_PROGRAM_SIZE) throw new PatternError("too_complex");
      code.push(instruction);
      return code.length - 1;
    };
    const compileNode = (node) => {
      switch (node[0]) {
        case "chars": emit(["char", node[1], node[2]]); break;
        case "start": case "end": emit([node[0]]); break;
        case "sequence": node[1].forEach(compileNode); break;
        case "alternation": {
          const jumps = [];
          node[1].forEach((branch, index) => {
            if (index < node[1].length - 1) {
              const split = emit(["split", 0, 0]);
              code[split][1] = code.length;
              compileNode(branch);
              jumps.push(emit(["jump", 0]));
              code[split][2] = code.length;
            } else {
              compileNode(branch);
            }
          });
          jumps.forEach((jump) => { code[jump][1] = code.length; });
          break;
        }
        case "repeat": {
          const [, operand, minimum, maximum] = node;
          for (let count = 0; count < minimum; count += 1) compileNode(operand);
          if (maximum === null) {
            const split = emit(["split", 0, 0]);
            code[split][1] = code.length;
            compileNode(operand);
            emit(["jump", split]);
            code[split][2] = code.length;
          } else {
            const splits = [];
            for (let count = 0; count < maximum - minimum; count += 1) {
              const split = emit(["split", 0, 0]);
              code[split][1] = code.length;
              splits.push(split);
              compileNode(operand);
            }
            splits.forEach((split) => { code[split][2] = code.length; });
          }
          break;
        }
        default: throw new Error("unknown pattern node " + node[0]);
      }
    };
    compileNode(parsePattern(pattern));
    emit(["match"]);
    return code;
  }

  // Python counts the length in code points, so does this check (a UTF-16 length is longer).
  const compiledPatterns = new Map();
  function compiledPattern(pattern) {
    if (!compiledPatterns.has(pattern)) {
      let program = null;
      try {
        program = Array.from(pattern).length > MAX_PATTERN_LENGTH
          ? null : compilePattern(pattern);
      } catch (error) {
        if (!(error instanceof PatternError)) throw error;
      }
      if (compiledPatterns.size > 256) compiledPatterns.clear();
      compiledPatterns.set(pattern, program);
    }
    return compiledPatterns.get(pattern);
  }

  function closure(program, starts, atStart, atEnd) {
    const seen = new Set();
    const found = new Set();
    const stack = starts;
    while (stack.length > 0) {
      const index = stack.pop();
      if (seen.has(index)) continue;
      seen.add(index);
      const instruction = program[index];
      switch (instruction[0]) {
        case "char": case "match": found.add(index); break;
        case "jump": stack.push(instruction[1]); break;
        case "split": stack.push(instruction[2], instruction[1]); break;
        case "start": if (atStart) stack.push(index + 1); break;
        case "end": if (atEnd) stack.push(index + 1); break;
        default: break;
      }
    }
    return found;
  }

  function inClass(code, negated, ranges) {
    const inside = ranges.some(([low, high]) => low <= code && code <= high);
    return inside !== negated;
  }

  // Every automaton state is followed at once, each instruction visited at most once per
  // character: at most (text length + 1) x (program size) steps whatever the pattern.
  function search(program, text) {
    const codes = Array.from(text).map((character) => character.codePointAt(0));
    const length = codes.length;
    const matchIndex = program.length - 1;
    let states = closure(program, [0], true, length === 0);
    for (let position = 0; position < length; position += 1) {
      if (states.has(matchIndex)) return true;
      const starts = [0];
      for (const index of states) {
        const instruction = program[index];
        if (instruction[0] === "char" && inClass(codes[position], instruction[1], instruction[2])) {
          starts.push(index + 1);
        }
      }
      states = closure(program, starts, false, position + 1 === length);
    }
    return states.has(matchIndex);
  }

  function regex(value, pattern) {
    if (typeof value !== "string" || typeof pattern !== "string") return false;
    const program = compiledPattern(pattern);
    return program === null ? false : search(program, value);
  }

  // ---- dates: ISO texts 'YYYY-MM-DD', proleptic Gregorian day numbers (Python's toordinal) ----
  const LAST_DAY = 3652059; // 9999-12-31

  function daysFromCivil(year, month, day) {
    const y = month <= 2 ? year - 1 : year;
    const era = Math.floor(y / 400);
    const yearOfEra = y - era * 400;
    const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
    const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
    return era * 146097 + dayOfEra - 719468 + 719163; // days since 0001-01-01, plus 1
  }

  function civilFromDays(ordinal) {
    const z = ordinal - 719163 + 719468;
    const era = Math.floor(z / 146097);
    const dayOfEra = z - era * 146097;
    const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524)
      - Math.floor(dayOfEra / 146096)) / 365);
    const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
    const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
    const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
    const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
    const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return [year, month, day];
  }

  const pad = (number, width) => String(number).padStart(width, "0");
  const isoDate = (year, month, day) => pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2);

  function dateOrdinal(value) {
    if (typeof value !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return null;
    const year = Number(value.slice(0, 4));
    const month = Number(value.slice(5, 7));
    const day = Number(value.slice(8));
    if (year < 1 || month < 1 || month > 12 || day < 1) return null;
    const monthLength = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
      + (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0);
    if (day > monthLength) return null;
    return daysFromCivil(year, month, day);
  }

  function shiftDate(ordinal, days) {
    if (typeof days !== "number" || !Number.isInteger(days)) return null;
    const shifted = ordinal + days;
    if (shifted < 1 || shifted > LAST_DAY) return null;
    const [year, month, day] = civilFromDays(shifted);
    return isoDate(year, month, day);
  }

  function dateArithmetic(operator, left, right) {
    const leftDay = dateOrdinal(left);
    const rightDay = dateOrdinal(right);
    if (operator === "+" && leftDay !== null) return shiftDate(leftDay, right);
    if (operator === "+" && rightDay !== null) return shiftDate(rightDay, left);
    if (operator === "-" && leftDay !== null) {
      if (rightDay !== null) return leftDay - rightDay;
      return shiftDate(leftDay, typeof right === "number" ? -right : null);
    }
    return null;
  }

  function wallClock(now) {
    const moment = now instanceof Date ? now : new Date();
    const date = isoDate(moment.getFullYear(), moment.getMonth() + 1, moment.getDate());
    const time = pad(moment.getHours(), 2) + ":" + pad(moment.getMinutes(), 2) + ":"
      + pad(moment.getSeconds(), 2);
    return { today: date, now: date + "T" + time };
  }

  function finiteOrNull(number) {
    return Number.isFinite(number) ? number : null;
  }

  function arithmetic(operator, left, right) {
    if (kind(left) !== "number" || kind(right) !== "number") {
      return operator === "+" || operator === "-" ? dateArithmetic(operator, left, right) : null;
    }
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
      case "regex": return regex(first, args[1]);
      case "if": return first === true ? args[1] : args[2];
      case "coalesce": {
        const found = args.find((argument) => argument !== null);
        return found === undefined ? null : found;
      }
      case "sum": {
        if (!args.every((argument) => kind(argument) === "number")) return null;
        let total = args[0];
        for (const number of args.slice(1)) total = arithmetic("+", total, number);
        return total;
      }
      case "min": case "max": {
        if (!args.every((argument) => kind(argument) === "number")) return null;
        let best = args[0];
        for (const number of args.slice(1)) {
          if (name === "min" ? number < best : number > best) best = number;
        }
        return best;
      }
      case "selected-at": {
        let codes;
        if (typeof first === "string") codes = [first];
        else if (first instanceof Set) codes = Array.from(first).sort(compareText);
        else return null;
        const index = args[1];
        if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= codes.length) {
          return null;
        }
        return codes[index];
      }
      default: throw new Error("unknown function " + name);
    }
  }

  function evaluate(node, answers, current, now) {
    const cache = new Map();
    let clock = null;
    const readClock = () => {
      if (clock === null) clock = wallClock(now);
      return clock;
    };
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
        case "call":
          if (expr.function === "today") return readClock().today;
          if (expr.function === "now") return readClock().now;
          return call(expr.function, expr.arguments.map(value));
        default: throw new Error("unknown syntax tree node type " + expr.type);
      }
    };
    return value(node);
  }

  function isTrue(node, answers, current, now) {
    return evaluate(node, answers, current, now) === true;
  }

  const api = Object.freeze({ evaluate, isTrue, normalizeAnswer });
  if (typeof module === "object" && module !== null && module.exports) {
    module.exports = api;
  }
  if (root) root.XinshengLogic = api;
})(typeof window !== "undefined" ? window : null);
