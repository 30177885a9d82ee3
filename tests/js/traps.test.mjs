// A trap is fatal to its instance, wherever it happens. The attack (or bug):
// a call dies inside the module — a WebAssembly trap, a stack overflow
// raised while the module's code is on the stack, wasm-bindgen's aliasing
// checks — and leaves the instance half-updated (stack pointer, allocator,
// borrow flags). If the package keeps calling into it, later answers may be
// wrong, and the garbage collector's finalizers free() into it and can end
// the process. So: every such error, in a synchronous call or after an
// await in a Promise-returning one, is recorded; from then on every call
// fails with INTERNAL "no longer trusted", and finalizers do nothing.
//
// The module is driven through helpers/trap-harness.mjs: the real module,
// with an export made to throw what a trap looks like to JavaScript, in a
// fresh copy of the package per case (a dead instance stays dead).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshPackage, instrumentWasm } from './helpers/trap-harness.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, uscc, world } from './helpers/flow-scenario.mjs';
import { T0, syntheticRecord } from './helpers/consent-records.mjs';
import { pkgDir } from './helpers/link.mjs';

/** A fresh package on an instrumented instance: `{ m, ctl }`. */
async function instrumented() {
  const h = instrumentWasm();
  try {
    const m = await freshPackage();
    await m.init();
    return { m, ctl: h.ctl };
  } finally {
    h.restore();
  }
}

async function rejection(f) {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return null;
}

function assertDead(m, what) {
  assert.throws(() => m.version(), (e) => e instanceof m.MpShieldError && e.code === 'INTERNAL' && /no longer trusted/.test(e.message), what);
  assert.throws(() => m.randomBytes(8), /no longer trusted/, what);
}

function assertAlive(m, what) {
  assert.equal(typeof m.version(), 'string', what);
  assert.equal(m.randomBytes(8).length, 8, what);
}

const FATAL = [
  ['a WebAssembly trap', () => new WebAssembly.RuntimeError('unreachable')],
  ['a stack overflow thrown out of the module', () => new RangeError('Maximum call stack size exceeded')],
  ['wasm-bindgen\'s aliasing check', () => new Error('recursive use of an object detected which would lead to unsafe aliasing in rust')],
  ['wasm-bindgen\'s ownership check', () => new Error('attempted to take ownership of Rust value while it was borrowed')],
];

async function signedLog(m) {
  const key = m.SigningKey.generate('EdDSA');
  const log = m.ConsentLog.create({ signingKey: key, origin: 'device.example/consent' });
  log.append(syntheticRecord(0, T0));
  return { key, log };
}

for (const [what, error] of FATAL) {
  test(`${what} in a synchronous call is fatal to the instance`, async () => {
    const { m, ctl } = await instrumented();
    const { log } = await signedLog(m);
    ctl.throwOn(/^consentlog_append$/i, error());
    assert.throws(() => log.append(syntheticRecord(1, T0)), (e) => e instanceof m.MpShieldError && e.code === 'INTERNAL');
    assertDead(m, what);
    assert.doesNotThrow(() => log.free(), 'free() after a trap does nothing and never throws');
  });

  test(`${what} after an await (ConsentLog.load) is fatal to the instance`, async () => {
    const { m, ctl } = await instrumented();
    const { key, log } = await signedLog(m);
    const store = m.storage.memory();
    const storageKey = m.randomBytes(32);
    await log.save(store, storageKey);
    ctl.throwOn(/consentlog_fromStore$/i, error());
    const e = await rejection(() => m.ConsentLog.load(store, storageKey, { signingKey: key, origin: 'device.example/consent' }));
    assert.ok(e instanceof m.MpShieldError && e.code === 'INTERNAL', 'the load rejects with INTERNAL');
    assertDead(m, what);
    // Promise-returning calls reject (or throw) the same way.
    const again = await rejection(() => log.save(store, storageKey));
    assert.match(again.message, /no longer trusted/);
  });
}

test('a trap while the wallet seals its answer (after the save): no envelope, and the instance is dead', async () => {
  const { m, ctl } = await instrumented();
  const s = await world(m, m);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  ctl.throwOn(/finishRespond$/i, new WebAssembly.RuntimeError('unreachable'));
  let result;
  const e = await rejection(async () => {
    result = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  });
  assert.equal(result, undefined);
  assert.equal(e.code, 'INTERNAL');
  assertDead(m, 'after the async trap');
  assert.throws(() => s.wallet.evaluate(request), /no longer trusted/);
  const next = await rejection(() => s.wallet.refuse(request));
  assert.match(next.message, /no longer trusted/);
  assert.doesNotThrow(() => s.wallet.free());
});

test('the host\'s own failures and the library\'s errors are not traps', async () => {
  const { m } = await instrumented();
  const { key, log } = await signedLog(m);
  // A storage adapter that overflows its own stack, or throws any error.
  const inner = m.storage.memory();
  for (const thrown of [new RangeError('Maximum call stack size exceeded'), new WebAssembly.RuntimeError('the host\'s own module trapped'), new Error('recursive use of an object detected which would lead to unsafe aliasing in rust')]) {
    const broken = { get: (k) => inner.get(k), set: () => { throw thrown; }, remove: (k) => inner.remove(k) };
    const e = await rejection(() => log.save(broken, m.randomBytes(32)));
    assert.equal(e.code, 'CONSENT_NOT_PERSISTED', thrown.name);
    assertAlive(m, 'after a failing storage adapter: ' + thrown.name);
    const unreadable = { get: () => { throw thrown; }, set: () => {}, remove: () => {} };
    const l = await rejection(() => m.ConsentLog.load(unreadable, m.randomBytes(32), { signingKey: key, origin: 'device.example/consent' }));
    assert.equal(l.code, 'STORAGE_CORRUPT');
    assertAlive(m, 'after an unreadable storage adapter');
  }
  // An argument that throws a RangeError when read (a Proxy over an array).
  const evil = new Proxy([], { get() { throw new RangeError('Maximum call stack size exceeded'); } });
  assert.throws(
    () => m.merkle.verifyInclusion({ leafHash: new Uint8Array(32), index: 0, treeSize: 1, proof: evil, root: new Uint8Array(32) }),
    { code: 'INVALID_INPUT' },
  );
  assert.throws(() => m.sdjwt.present({ credential: 'x', disclose: evil, holderKey: key, aud: 'a', nonce: 'n' }), { code: 'INVALID_INPUT' });
  assertAlive(m, 'after a hostile argument');
  // A nonce store that fails: the hotel's identity (so the wallet trusts
  // it) with a store that overflows its stack.
  const s = await world(m, m);
  const nonceStore = { consume() { throw new RangeError('Maximum call stack size exceeded'); } };
  const hotel = m.Verifier.create({
    name: '测试酒店有限公司', uscc: uscc(1), signingKey: s.hotel.signingKey,
    hpkeKeyPair: s.hotel.hpkeKeyPair, trustedIssuers: [s.issuer.publicJwk()], nonceStore,
  });
  // The library's own errors (from the module, through the Rust boundary).
  assert.throws(() => m.open(m.randomBytes(32), m.randomBytes(100)), (e) => e instanceof m.MpShieldError && e.code !== 'INTERNAL');
  assert.throws(() => m.SigningKey.generate('RS256'), { code: 'UNSUPPORTED_ALGORITHM' });
  assertAlive(m, 'after the library\'s own errors');
  const request = hotel.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const { envelope } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  const e = await rejection(() => hotel.open(envelope));
  assert.equal(e.code, 'INVALID_STATE', 'a failing nonce store accepts nothing');
  assertAlive(m, 'after a failing nonce store');
  s.wallet.free();
});

test('after a trap, the garbage collector never frees into the dead instance (the process survives)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-gc-'));
  try {
    const script = path.join(dir, 'gc.mjs');
    const harness = pathToFileURL(path.join(path.dirname(new URL(import.meta.url).pathname), 'helpers/trap-harness.mjs')).href;
    writeFileSync(script, `
import { instrumentWasm } from ${JSON.stringify(harness)};
const h = instrumentWasm();
const m = await import(${JSON.stringify(pathToFileURL(path.join(pkgDir, 'dist/node.mjs')).href)});
await m.init();
h.restore();
const ctl = h.ctl;
const FREE = /^__wbg_.*_free$/;
async function collect() {
  for (let i = 0; i < 20; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}
function handles(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const key = m.SigningKey.generate('EdDSA');
    out.push(key, m.ConsentLog.create({ signingKey: key, origin: 'device.example/consent' }));
    out.push(m.createSealStream(m.hpke.generateKeyPair().publicKey));
  }
  return out;
}
// Control: dropped handles are finalized, and the finalizers do call free().
let live = handles(20);
live = null;
await collect();
const before = ctl.count(FREE);
// Now a trap with live handles; then every free() would trap again.
live = handles(20);
ctl.throwOn(/^randomBytes$/, new WebAssembly.RuntimeError('unreachable'));
try { m.randomBytes(8); } catch (e) { if (e.code !== 'INTERNAL') throw e; }
ctl.deadFree = true;
live = null;
await collect();
console.log(JSON.stringify({ before, whileDead: ctl.freeCallsWhileDead }));
`);
    const r = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, `the process died: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.ok(out.before > 0, 'the control run shows the finalizers free() (else this test proves nothing)');
    assert.equal(out.whileDead, 0, 'no free() reached the dead instance');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every bundle carries the finalizer guard (browser, Node ESM/CJS, mini-program)', async () => {
  const { readFileSync } = await import('node:fs');
  for (const f of ['browser.mjs', 'node.mjs', 'node.cjs', 'miniprogram/index.js']) {
    const text = readFileSync(path.join(pkgDir, 'dist', f), 'utf8');
    assert.ok(text.includes('^__wbg_[A-Za-z0-9_]+_free$'), `${f} guards the glue's free exports`);
  }
});

test('wallet.free(): released at once when idle; during an operation, only once it has stopped', async () => {
  const { m, ctl } = await instrumented();
  const FREE = /^__wbg_flowwallet_free$/;
  const idle = await m.Wallet.open({ storage: m.storage.memory(), storageKey: m.randomBytes(32), trustedVerifiers: [] });
  const n0 = ctl.count(FREE);
  idle.free();
  assert.equal(ctl.count(FREE), n0 + 1, 'an idle wallet is released inside free()');

  const inner = m.storage.memory();
  let release;
  const gate = new Promise((r) => { release = r; });
  let reached;
  const waiting = new Promise((r) => { reached = r; });
  const slow = {
    get: (k) => inner.get(k),
    remove: (k) => inner.remove(k),
    set: (k, v) => (slow.hold ? (reached(), gate.then(() => inner.set(k, v))) : inner.set(k, v)),
  };
  const s = await world(m, m, slow);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  slow.hold = true;
  const p = s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true }).then(() => 'answered', (e) => e.code);
  await waiting;
  const n1 = ctl.count(FREE);
  s.wallet.free();
  assert.equal(ctl.count(FREE), n1, 'not released while respond awaits the adapter');
  release();
  assert.equal(await p, 'INVALID_STATE');
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(ctl.count(FREE), n1 + 1, 'released once respond stopped');
  assertAlive(m, 'no trap');
});
