// A small node:assert for the scenarios run in JavaScriptCore: ok, equal,
// notEqual, strictEqual, notStrictEqual, deepEqual (loose, like
// node:assert's: prototypes are not compared, so values from the server
// realm compare by value), deepStrictEqual (also compares each value's
// type tag) and match.

class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

const show = (v) => {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : v instanceof Uint8Array ? 'bytes[' + v.length + ']' : JSON.stringify(v) || String(v);
  } catch (e) {
    return String(v);
  }
};
const fail = (msg, detail) => {
  throw new AssertionError((msg ? msg + ': ' : '') + detail);
};
const tag = (v) => Object.prototype.toString.call(v);

function deep(a, b, strict) {
  if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (strict && tag(a) !== tag(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map || a instanceof Set || b instanceof Set) {
    return tag(a) === tag(b) && deep(Array.from(a), Array.from(b), strict);
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deep(a[k], b[k], strict)) return false;
  return true;
}

export const assert = {
  AssertionError,
  ok(v, msg) {
    if (!v) fail(msg, 'expected a truthy value, got ' + show(v));
  },
  equal(a, b, msg) {
    if (!(a == b || (a !== a && b !== b))) fail(msg, show(a) + ' == ' + show(b));
  },
  notEqual(a, b, msg) {
    if (a == b) fail(msg, show(a) + ' != ' + show(b));
  },
  strictEqual(a, b, msg) {
    if (!Object.is(a, b)) fail(msg, show(a) + ' === ' + show(b));
  },
  notStrictEqual(a, b, msg) {
    if (Object.is(a, b)) fail(msg, show(a) + ' !== ' + show(b));
  },
  deepEqual(a, b, msg) {
    if (!deep(a, b, false)) fail(msg, show(a) + ' deepEqual ' + show(b));
  },
  deepStrictEqual(a, b, msg) {
    if (!deep(a, b, true)) fail(msg, show(a) + ' deepStrictEqual ' + show(b));
  },
  match(s, re, msg) {
    if (typeof s !== 'string' || !re.test(s)) fail(msg, show(s) + ' does not match ' + re);
  },
};
