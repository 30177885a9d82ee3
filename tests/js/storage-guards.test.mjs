// What storage and nonce stores can do to the package, and what it answers:
// - an adapter that returns something other than bytes for a stored key
//   (another app's value, a tampered store) is STORAGE_CORRUPT wherever
//   storage is read;
// - an adapter or nonce store that never answers fails the operation after
//   `timeoutMs` / `nonceStoreTimeoutMs` (a nonce store that times out
//   accepts nothing: INVALID_STATE);
// - free() while a wallet operation awaits the adapter gives INVALID_STATE
//   for that operation: no envelope is released, nothing is half-applied,
//   the module object is released only once the operation has stopped.
// Adapters are controllable (gates the test opens), not timing-based,
// except for the timeouts themselves (50 ms).
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, ID_NUMBER, uscc, world } from './helpers/flow-scenario.mjs';
import { T0, syntheticRecord } from './helpers/consent-records.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const ORIGIN = 'device.example/consent';

async function outcome(f) {
  try {
    return { value: await f() };
  } catch (e) {
    return { error: e };
  }
}

function assertCode(o, code, what) {
  assert.ok(o.error instanceof m.MpShieldError, `${what}: ${o.error ? o.error : 'no error'}`);
  assert.equal(o.error.code, code, `${what}: ${o.error.message}`);
}

/** A memory adapter whose reads of keys matching `pattern` return `value` once `on` is set. */
function tampered(inner, pattern, value) {
  const t = { on: false };
  t.get = (k) => (t.on && pattern.test(k) ? value : inner.get(k));
  t.set = (k, v) => inner.set(k, v);
  t.remove = (k) => inner.remove(k);
  return t;
}

const NOT_BYTES = [['a string', 'AAEC'], ['a number', 42], ['an object', { 0: 1, length: 1 }], ['an array', [1, 2, 3]], ['a Uint16Array', new Uint16Array(4)]];

test('every place storage is read: a stored value that is not bytes is STORAGE_CORRUPT', async () => {
  // [where, key pattern, run(adapter) → Promise]
  const s = await world(m, m);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  s.wallet.free();
  const key = m.SigningKey.generate('EdDSA');
  const log = m.ConsentLog.create({ signingKey: key, origin: ORIGIN });
  log.append(syntheticRecord(0, T0));
  const logStore = m.storage.memory();
  const logKey = m.randomBytes(32);
  await log.save(logStore, logKey);
  const walletOpen = (a) => m.Wallet.open({ storage: a, storageKey: s.storageKey, trustedVerifiers: [] });
  const places = [
    ['Wallet.open: a head slot', s.store, /^mpshield\/wallet\/v2\/head\//, walletOpen],
    ['Wallet.open: a commit', s.store, /^mpshield\/wallet\/v2\/commit\//, walletOpen],
    ['Wallet.open: a segment', s.store, /^mpshield\/wallet\/v2\/seg\//, walletOpen],
    ['wallet.verifyStorage: a commit', s.store, /^mpshield\/wallet\/v2\/commit\//, null],
    ['wallet.verifyStorage: a segment', s.store, /^mpshield\/wallet\/v2\/seg\//, null],
    ['ConsentLog.load: a head slot', logStore, /^mpshield\/consent\/v2\/head\//, (a) => m.ConsentLog.load(a, logKey, { signingKey: key, origin: ORIGIN })],
    ['ConsentLog.load: a commit', logStore, /^mpshield\/consent\/v2\/commit\//, (a) => m.ConsentLog.load(a, logKey, { signingKey: key, origin: ORIGIN })],
    ['ConsentLog.load: a segment', logStore, /^mpshield\/consent\/v2\/seg\//, (a) => m.ConsentLog.load(a, logKey, { signingKey: key, origin: ORIGIN })],
  ];
  for (const [where, inner, pattern, run] of places) {
    for (const [what, value] of NOT_BYTES) {
      const a = tampered(inner, pattern, value);
      let call = run;
      let wallet;
      if (run === null) {
        wallet = await walletOpen(a);
        call = () => wallet.verifyStorage();
      }
      a.on = true;
      assertCode(await outcome(() => call(a)), 'STORAGE_CORRUPT', `${where}, ${what}`);
      if (wallet) wallet.free();
    }
  }
  log.free();
  key.free();
});

/** An adapter whose calls of `method` never settle once `hang` is set. */
function hanging(inner, method) {
  const h = { hang: false, calls: 0 };
  for (const name of ['get', 'set', 'remove']) {
    h[name] = (...args) => {
      if (h.hang && name === method) {
        h.calls++;
        return new Promise(() => {});
      }
      return inner[name](...args);
    };
  }
  return h;
}

test('log.save and ConsentLog.load take timeoutMs (default 10000, 1…600000): a hanging adapter fails them', async () => {
  const key = m.SigningKey.generate('EdDSA');
  const log = m.ConsentLog.create({ signingKey: key, origin: ORIGIN });
  log.append(syntheticRecord(0, T0));
  const storageKey = m.randomBytes(32);
  const inner = m.storage.memory();
  // One adapter throughout (a save to another storage writes the log there afresh).
  const slowWrites = hanging(inner, 'set');
  await log.save(slowWrites, storageKey);
  log.append(syntheticRecord(1, T0));
  slowWrites.hang = true;
  const saved = await outcome(() => log.save(slowWrites, storageKey, { timeoutMs: 50 }));
  assertCode(saved, 'CONSENT_NOT_PERSISTED', 'a write that never settles');
  assert.match(saved.error.message, /within 50 ms/);

  const slowReads = hanging(inner, 'get');
  slowReads.hang = true;
  const loaded = await outcome(() => m.ConsentLog.load(slowReads, storageKey, { signingKey: key, origin: ORIGIN, timeoutMs: 50 }));
  assertCode(loaded, 'STORAGE_CORRUPT', 'a read that never settles');
  assert.match(loaded.error.message, /within 50 ms/);
  const savedRead = await outcome(() => log.save(slowReads, storageKey, { timeoutMs: 50 }));
  assertCode(savedRead, 'CONSENT_NOT_PERSISTED', 'save: reading the old manifest never settles');

  for (const bad of [0, -1, 1.5, 600001, '50', null]) {
    assertCode(await outcome(() => log.save(inner, storageKey, { timeoutMs: bad })), 'INVALID_INPUT', `save timeoutMs ${bad}`);
    assertCode(await outcome(() => m.ConsentLog.load(inner, storageKey, { signingKey: key, origin: ORIGIN, timeoutMs: bad })), 'INVALID_INPUT', `load timeoutMs ${bad}`);
  }
  assertCode(await outcome(() => log.save(inner, storageKey, { timeout: 50 })), 'INVALID_INPUT', 'a misspelt option');
  // The previous state is intact and loads.
  const back = await m.ConsentLog.load(inner, storageKey, { signingKey: key, origin: ORIGIN, timeoutMs: 600000 });
  assert.equal(back.size, 1);
  back.free();
  log.free();
  key.free();
});

test('Verifier.create takes nonceStoreTimeoutMs: a nonce store that never answers accepts nothing (INVALID_STATE)', async () => {
  const s = await world(m, m);
  const pending = [];
  const nonceStore = { consume: () => new Promise((resolve) => pending.push(resolve)) };
  const hotel = m.Verifier.create({
    name: '测试酒店有限公司', uscc: uscc(1), signingKey: s.hotel.signingKey, hpkeKeyPair: s.hotel.hpkeKeyPair,
    trustedIssuers: [s.issuer.publicJwk()], nonceStore, nonceStoreTimeoutMs: 50,
  });
  const request = hotel.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const { envelope } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  const o = await outcome(() => hotel.open(envelope));
  assertCode(o, 'INVALID_STATE', 'a hanging nonce store');
  assert.match(o.error.message, /nonce store did not answer within 50 ms/);
  assert.equal(pending.length, 1);
  pending[0](true); // a late "first time" changes nothing
  for (const bad of [0, 600001, 2.5, '1']) {
    const c = await outcome(() => m.Verifier.create({
      name: '测试酒店有限公司', uscc: uscc(1), signingKey: s.hotel.signingKey, hpkeKeyPair: s.hotel.hpkeKeyPair,
      trustedIssuers: [s.issuer.publicJwk()], nonceStoreTimeoutMs: bad,
    }));
    assertCode(c, 'INVALID_INPUT', `nonceStoreTimeoutMs ${bad}`);
  }
  hotel.free();
  s.wallet.free();
});

/** A memory adapter whose writes wait for `release()` once `gate` is set; `written` resolves when one is waiting. */
function gated(inner) {
  const g = { gate: false, waiting: [] };
  let notify;
  g.reached = new Promise((r) => { notify = r; });
  g.get = (k) => inner.get(k);
  g.remove = (k) => inner.remove(k);
  g.set = (k, v) => {
    if (!g.gate) return inner.set(k, v);
    return new Promise((resolve) => {
      g.waiting.push(() => resolve(inner.set(k, v)));
      notify();
    });
  };
  g.release = () => {
    g.gate = false;
    const w = g.waiting.splice(0);
    w.forEach((f) => f());
  };
  return g;
}

test('free() while respond/refuse/withdraw/addCredential awaits storage: INVALID_STATE, no envelope, no trap', async () => {
  const cases = [
    ['respond', (s, request) => s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true }), /no envelope was released/],
    ['refuse', (s, request) => s.wallet.refuse(request), /refusal .* had been saved/],
    ['withdraw', async (s, request, recordId) => s.wallet.withdraw(recordId), /withdrawal had been saved/],
    ['addCredential', (s) => s.wallet.addCredential(s.extraCredential), /credential was saved/],
  ];
  for (const [what, run, message] of cases) {
    const store = gated(m.storage.memory());
    const s = await world(m, m, store);
    const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    const { recordId } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
    // Another issuance of the ID card (fresh salts: a new credential id).
    s.extraCredential = m.licence.issue({
      type: 'resident_id_card', issuerKey: s.issuer, holderPublicJwk: s.wallet.holderPublicJwk(), iss: 'https://gov.example/issuer',
      fields: {
        name: '测试乙', sex: 'male', ethnicity: '汉', birth_date: '1990-05-17',
        address: '广东省深圳市南山区测试路1号', id_number: ID_NUMBER,
        issuing_authority: '深圳市公安局南山分局', valid_from: '2024-01-01', valid_until: '2034-01-01',
      },
    });
    const request2 = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    store.gate = true;
    const p = outcome(() => run(s, request2, recordId));
    await store.reached;
    s.wallet.free(); // while the adapter's set is pending
    s.wallet.free(); // idempotent
    store.release();
    const o = await p;
    assertCode(o, 'INVALID_STATE', what);
    assert.match(o.error.message, /freed/, what);
    assert.match(o.error.message, message, what);
    assert.equal(o.value, undefined, `${what}: nothing came back (no envelope)`);
    // Nothing trapped, and what was saved is whole: a new wallet object reads it.
    assert.equal(typeof m.version(), 'string');
    const again = await m.Wallet.open({ storage: store, storageKey: s.storageKey, trustedVerifiers: [s.hotel.v.publicJwk()] });
    assert.equal(await again.verifyStorage(), true, what);
    again.free();
    // Calls made after free() fail as use-after-free.
    assertCode(await outcome(() => s.wallet.refuse(request2)), 'INVALID_INPUT', `${what}: after free`);
  }
});

test('free() before a queued wallet operation starts: it does nothing and says so', async () => {
  const store = gated(m.storage.memory());
  const s = await world(m, m, store);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  store.gate = true;
  const first = outcome(() => s.wallet.refuse(request));
  const second = outcome(() => s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true }));
  await store.reached;
  s.wallet.free();
  store.release();
  assertCode(await first, 'INVALID_STATE', 'the running refuse');
  const o = await second;
  assertCode(o, 'INVALID_STATE', 'the queued respond');
  assert.match(o.error.message, /nothing was done/);
  const again = await m.Wallet.open({ storage: store, storageKey: s.storageKey, trustedVerifiers: [] });
  assert.deepEqual(again.history().map((h) => h.record.event), ['refused'], 'only the refusal that was saved');
  again.free();
});
