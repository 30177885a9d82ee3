// The error mapping, table-driven: every code the module reports through
// errorCodes() has a row here, and each row shows that the code reaches
// JavaScript as an MpShieldError carrying it — through a real call where the
// public API can trigger it today, and always through the conversion the
// API layer applies to whatever the glue throws. A new code in
// src/error.rs without a row fails this test, as does a code the README
// does not list. Then argument-type errors, table-driven too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importByName, linkPackage, root } from './helpers/link.mjs';
import { MpShieldError as SourceError, toMpShieldError } from '../../pkg/src/errors.js';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);

/** Calls f (sync or async) and returns what it threw / rejected with. */
async function thrown(f) {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const bytes = (n, f = (i) => (i * 131 + 7) & 255) => new Uint8Array(n).map((_, i) => f(i));

// code → how the public API produces it today (null: not reachable yet; a
// later capability must replace null with a trigger).
const triggers = {
  NOT_INITIALIZED: () => m.version(), // runs first, before init()
  NO_ENTROPY: () => m.addEntropy(new Uint8Array(32)),
  INVALID_INPUT: () => m.randomBytes(0),
  INVALID_ID_NUMBER: () => m.idcard.parse('110105194912310021'),
  DECRYPT_FAILED: null,
  INVALID_ENVELOPE: null,
  INVALID_KEY: null,
  UNSUPPORTED_ALGORITHM: null,
  TRUNCATED: null,
  INVALID_PROOF: null,
  INVALID_CHECKPOINT: null,
  INVALID_RECORD: null,
  RECORD_NOT_FOUND: null,
  INVALID_STATE: null,
  INVALID_RECEIPT: null,
  STORAGE_CORRUPT: null,
  ROLLBACK_DETECTED: null,
  CONSENT_NOT_PERSISTED: null,
  VERIFY_FAILED: null,
  UNTRUSTED_ISSUER: null,
  INVALID_CREDENTIAL: null,
  EXPIRED: null,
  NOT_YET_VALID: null,
  INVALID_KEY_BINDING: null,
  INVALID_JWK: null,
  NOT_DISCLOSABLE: null,
  UNKNOWN_LICENCE_TYPE: null,
  INVALID_CLAIM: null,
  UNKNOWN_MASK_RULE: null,
  INTERNAL: null,
};

function assertShape(e, code, what) {
  assert.ok(e instanceof m.MpShieldError, `${what}: instanceof MpShieldError (got ${e})`);
  assert.ok(e instanceof Error, `${what}: instanceof Error`);
  assert.equal(e.name, 'MpShieldError', `${what}: name`);
  assert.equal(e.code, code, `${what}: code (message: ${e.message})`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 10, `${what}: a message that says something`);
  assert.equal(typeof e.stack, 'string');
}

test('NOT_INITIALIZED comes first, from every function', async () => {
  assertShape(await thrown(triggers.NOT_INITIALIZED), 'NOT_INITIALIZED', 'version()');
  for (const f of [() => m.randomBytes(1), () => m.errorCodes(), () => m.addEntropy(bytes(32)), () => m.idcard.parse('x')]) {
    assertShape(await thrown(f), 'NOT_INITIALIZED', String(f));
  }
  await m.init();
});

test('every code from errorCodes() has a row, is listed in the README, and maps to MpShieldError', async () => {
  const codes = m.errorCodes();
  assert.ok(Array.isArray(codes) && codes.length >= 10, 'errorCodes() lists the codes');
  assert.equal(new Set(codes).size, codes.length, 'codes are unique');
  assert.deepEqual(Object.keys(triggers).sort(), codes.slice().sort(), 'one table row per code, no stale rows');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const code of codes) {
    assert.match(code, /^[A-Z][A-Z_]+$/);
    assert.ok(readme.includes('`' + code + '`'), `README lists ${code}`);

    // The conversion the API layer applies to whatever the glue throws: the
    // Rust boundary's plain Error with name "MpShieldError" and a code.
    const glueError = Object.assign(new Error(`message for ${code}`), { name: 'MpShieldError', code });
    const converted = toMpShieldError(glueError);
    assert.ok(converted instanceof SourceError && converted.code === code, `${code} converts`);
    assert.equal(converted.message, `message for ${code}`);
    assert.equal(converted.cause, glueError, 'the original is kept as cause');

    // Through the public API, where it can be triggered today.
    if (code === 'NOT_INITIALIZED' || triggers[code] === null) continue;
    assertShape(await thrown(triggers[code]), code, `trigger for ${code}`);
  }
});

test('the conversion of unexpected errors', () => {
  const cases = [
    [new TypeError('x is not a function'), 'INVALID_INPUT'],
    [Object.assign(new Error('unreachable'), { name: 'RuntimeError' }), 'INTERNAL'],
    [new RangeError('Maximum call stack size exceeded'), 'INTERNAL'],
    ['a string', 'INTERNAL'],
    [undefined, 'INTERNAL'],
    [null, 'INTERNAL'],
    [{ name: 'MpShieldError', code: 'lower-case is not a code' }, 'INTERNAL'],
    [new Proxy({}, { get() { throw new Error('hostile'); } }), 'INTERNAL'],
  ];
  cases.forEach(([input, code], i) => {
    const e = toMpShieldError(input);
    assert.ok(e instanceof SourceError, `case ${i}`);
    assert.equal(e.code, code, `case ${i} → ${code}`);
  });
  const own = new SourceError('INVALID_KEY', 'kept');
  assert.equal(toMpShieldError(own), own, 'an MpShieldError passes through unchanged');
});

// Argument-type errors: [what, call, code].
const argumentCases = [
  ['randomBytes()', () => m.randomBytes(), 'INVALID_INPUT'],
  ['randomBytes("8")', () => m.randomBytes('8'), 'INVALID_INPUT'],
  ['randomBytes(8.5)', () => m.randomBytes(8.5), 'INVALID_INPUT'],
  ['randomBytes(-1)', () => m.randomBytes(-1), 'INVALID_INPUT'],
  ['randomBytes(NaN)', () => m.randomBytes(NaN), 'INVALID_INPUT'],
  ['randomBytes(2**32 + 8) (would wrap to 8)', () => m.randomBytes(2 ** 32 + 8), 'INVALID_INPUT'],
  ['randomBytes(8n)', () => m.randomBytes(8n), 'INVALID_INPUT'],
  ['randomBytes(new Number(8))', () => m.randomBytes(new Number(8)), 'INVALID_INPUT'],
  ['idcard.parse()', () => m.idcard.parse(), 'INVALID_INPUT'],
  ['idcard.parse(null)', () => m.idcard.parse(null), 'INVALID_INPUT'],
  ['idcard.parse(number)', () => m.idcard.parse(11010519491231002), 'INVALID_INPUT'],
  ['idcard.parse(String object)', () => m.idcard.parse(new String('11010519491231002X')), 'INVALID_INPUT'],
  ['addEntropy("…")', () => m.addEntropy('a string of more than 32 characters...'), 'INVALID_INPUT'],
  ['addEntropy(number[])', () => m.addEntropy(Array.from(bytes(32))), 'INVALID_INPUT'],
  ['addEntropy(Uint16Array)', () => m.addEntropy(new Uint16Array(32).fill(7).map((_, i) => i)), 'INVALID_INPUT'],
  ['addEntropy(31 bytes)', () => m.addEntropy(bytes(31)), 'NO_ENTROPY'],
  ['addEntropy(constant)', () => m.addEntropy(new Uint8Array(64).fill(9)), 'NO_ENTROPY'],
  ['addEntropy(fake Uint8Array tag)', () => m.addEntropy({ [Symbol.toStringTag]: 'Uint8Array', length: 32 }), 'INVALID_INPUT'],
  ['init("x")', () => m.init('x'), 'INVALID_INPUT'],
  ['init([])', () => m.init([]), 'INVALID_INPUT'],
  ['init({ wasmpath }) (typo)', () => m.init({ wasmpath: '/x.wasm' }), 'INVALID_INPUT'],
  ['init({ wasmPath: 5 })', () => m.init({ wasmPath: 5 }), 'INVALID_INPUT'],
  ['init({ wasmPath: "" })', () => m.init({ wasmPath: '' }), 'INVALID_INPUT'],
  ['init({ entropy: "x" })', () => m.init({ entropy: 'x'.repeat(64) }), 'INVALID_INPUT'],
  ['init({ entropy: 8 bytes })', () => m.init({ entropy: bytes(8) }), 'NO_ENTROPY'],
  ['init({ entropy: constant })', () => m.init({ entropy: new Uint8Array(32) }), 'NO_ENTROPY'],
];

test('argument errors: wrong types and values', async () => {
  for (const [what, call, code] of argumentCases) {
    const e = await thrown(call);
    assertShape(e, code, what);
  }
  // …and the bytes forms that are accepted.
  m.addEntropy(bytes(32));
  m.addEntropy(bytes(40).buffer);
  m.addEntropy(Buffer.from(bytes(48)));
  m.addEntropy(bytes(64).subarray(16, 48));
  await m.init({ entropy: bytes(32).buffer });
  assert.equal(m.randomBytes(4).length, 4);
});

test('init() never throws synchronously: failures are rejections', () => {
  for (const bad of ['x', { wasmPath: 5 }, { entropy: 1 }, { nope: 1 }]) {
    let p;
    assert.doesNotThrow(() => {
      p = m.init(bad);
    });
    assert.equal(typeof p.then, 'function');
    p.catch(() => {});
  }
});
