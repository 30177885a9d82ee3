// No failure may escape as anything but MpShieldError, and nothing may break
// the instance: every exported function and every namespace method (found
// by enumerating the package's exports, so later capabilities are covered
// without editing this file) is fed malformed input — wrong types,
// undefined, null, empty, huge numbers, NaN, 10 MB strings, garbage bytes,
// hostile objects — and must either return or throw MpShieldError. Then
// the instance must still answer.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { importByName, linkPackage, pkgVersion } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);

const SKIP = new Set(['default', 'MpShieldError']);

function isClass(f) {
  return /^class[\s{]/.test(Function.prototype.toString.call(f));
}

/** [label, (args) => result] for every callable the package exports. */
function callables(ns) {
  const out = [];
  for (const name of Object.keys(ns).sort()) {
    if (SKIP.has(name)) continue;
    const value = ns[name];
    if (typeof value === 'function') {
      if (isClass(value)) out.push([`new ${name}`, (args) => new value(...args)]);
      else out.push([name, (args) => value(...args)]);
      for (const key of Object.getOwnPropertyNames(value)) {
        if (['length', 'name', 'prototype', 'caller', 'arguments'].includes(key)) continue;
        if (typeof value[key] === 'function') out.push([`${name}.${key}`, (args) => value[key](...args)]);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        if (typeof value[key] === 'function') out.push([`${name}.${key}`, (args) => value[key](...args)]);
      }
    }
  }
  return out;
}

function hostileProxy() {
  const boom = () => {
    throw new Error('hostile proxy');
  };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
}

function garbage() {
  const tenMB = 'A'.repeat(10 * 1024 * 1024);
  const bytes = new Uint8Array(nodeRandomBytes(4096));
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return [
    ['undefined', undefined],
    ['null', null],
    ['true', true],
    ['0', 0],
    ['-0', -0],
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['2^32 + 8', 2 ** 32 + 8],
    ['2^53', 2 ** 53],
    ['1e308', 1e308],
    ['bigint', 10n],
    ['symbol', Symbol('x')],
    ['empty string', ''],
    ['short string', 'x'],
    ['10 MB ASCII string', tenMB],
    ['1 MB of CJK', '中'.repeat(1024 * 1024)],
    ['lone surrogates', '\uD800\uDC00\uDFFF\uD800'],
    ['NUL bytes', '\u0000'.repeat(18)],
    ['almost an ID number', '11010519491231002\u0000'],
    ['empty Uint8Array', new Uint8Array(0)],
    ['garbage bytes', bytes],
    ['garbage ArrayBuffer', bytes.slice().buffer],
    ['1 MB zeros', new Uint8Array(1024 * 1024)],
    ['Uint16Array', new Uint16Array(16)],
    ['DataView', new DataView(new ArrayBuffer(8))],
    ['number[]', [1, 2, 3]],
    ['empty object', {}],
    ['null-prototype object', Object.create(null)],
    ['object with garbage', { wasmPath: {}, entropy: 'x', length: 1e9, 0: NaN }],
    ['throwing getter', Object.defineProperty({}, 'entropy', { enumerable: true, get() { throw new Error('getter'); } })],
    ['throwing toString', { toString() { throw new Error('toString'); }, valueOf() { throw new Error('valueOf'); } }],
    ['hostile proxy', hostileProxy()],
    ['revoked proxy', revoked.proxy],
    ['function', () => 1],
    ['Date', new Date(NaN)],
    ['Error', new Error('an error')],
    ['Promise', Promise.resolve(1)],
    ['array-like', { length: 2 ** 31, 0: 1 }],
  ];
}

/** Calls, awaiting promises; returns null if fine, else a description. */
async function probe(label, call, args) {
  let result;
  try {
    result = call(args);
    if (result && typeof result.then === 'function') await result;
    return null;
  } catch (e) {
    if (e instanceof m.MpShieldError && typeof e.code === 'string' && e.code.length > 0) return null;
    return `${label}: threw ${e && e.name}: ${e && e.message}`;
  }
}

function argLists(values) {
  const lists = [[]];
  for (const [, v] of values) lists.push([v], [v, v], [v, v, v]);
  return lists;
}

test('the enumeration finds every known export', () => {
  const labels = callables(m).map(([l]) => l);
  for (const known of ['init', 'version', 'randomBytes', 'addEntropy', 'errorCodes', 'idcard.parse']) {
    assert.ok(labels.includes(known), `${known} is enumerated`);
  }
});

test('before init(): every function throws MpShieldError NOT_INITIALIZED, whatever the arguments', () => {
  for (const [label, call] of callables(m)) {
    if (label === 'init') continue;
    for (const args of [[], [null], [{}], ['x', 1, undefined]]) {
      assert.throws(() => call(args), (e) => e instanceof m.MpShieldError && e.code === 'NOT_INITIALIZED', label);
    }
  }
});

test('malformed input to every export returns or throws MpShieldError, and the instance still answers', async () => {
  await m.init();
  const values = garbage();
  const failures = [];
  let calls = 0;
  for (const [label, call] of callables(m)) {
    for (const args of argLists(values)) {
      calls++;
      const problem = await probe(`${label}(${args.length} args)`, call, args);
      if (problem) failures.push(problem);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${calls} calls escaped as non-MpShieldError`);
  assert.ok(calls > 500, `${calls} calls`);

  // Still answering, correctly.
  assert.equal(m.version(), pkgVersion());
  const r = m.randomBytes(8);
  assert.ok(r instanceof Uint8Array && r.length === 8);
  assert.equal(m.idcard.parse('440524188001010014').province, '广东省');
  assert.deepEqual(m.errorCodes().includes('INTERNAL'), true);
});

test('the probe itself catches a non-MpShieldError escape', async () => {
  const problem = await probe('self-test', () => {
    throw new TypeError('escaped');
  }, []);
  assert.match(problem, /TypeError: escaped/);
  assert.equal(await probe('self-test', () => Promise.reject(new m.MpShieldError('INTERNAL', 'x')), []), null);
  assert.match(await probe('self-test', () => Promise.reject(new Error('raw')), []), /Error: raw/);
});
