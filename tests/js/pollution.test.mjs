// Prototype pollution by host code must not change what a call does. The
// attack: a library on the page (or a malicious mini-program plug-in) runs
// `Object.prototype.requireKeyBinding = false`, `allowUnverified = true`,
// `nonceStore = { consume() { return true } }`, … before mpshield is used;
// an options object that omits the option would then "inherit" it, silently
// turning off a check. Options are read as own properties only; methods of
// storage adapters and nonce stores may come from a class, never from
// Object.prototype; array holes are refused, not read through
// Array.prototype. Every pollution is removed in `finally`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, uscc, world } from './helpers/flow-scenario.mjs';
import { T0, syntheticRecord } from './helpers/consent-records.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

/** Runs `f` with `Object.prototype[key] = value` (non-enumerable, so node:test's own code is not affected), then removes it. */
async function polluted(proto, values, f) {
  const saved = [];
  for (const [key, value] of Object.entries(values)) {
    saved.push([key, Object.getOwnPropertyDescriptor(proto, key)]);
    Object.defineProperty(proto, key, { value, writable: true, configurable: true, enumerable: false });
  }
  try {
    return await f();
  } finally {
    for (const [key, d] of saved) {
      if (d) Object.defineProperty(proto, key, d);
      else delete proto[key];
    }
  }
}

async function code(f) {
  try {
    await f();
  } catch (e) {
    return e instanceof m.MpShieldError ? e.code : 'not an MpShieldError: ' + e;
  }
  return 'no error';
}

const AUD = 'https://rp.example';
const NONCE = 'nonce-7f3a';

function credentialAndHolder() {
  const issuer = m.SigningKey.generate('EdDSA');
  const holder = m.SigningKey.generate('EdDSA');
  const credential = m.sdjwt.issue({
    issuerKey: issuer, claims: { name: '测试乙', address: '测试路1号' }, disclosable: ['/name', '/address'],
    holderPublicJwk: holder.publicJwk(), vct: 'urn:example:test', iss: 'https://issuer.example',
  });
  return { issuer, holder, credential };
}

test('sdjwt.verify: polluted requireKeyBinding, maxKeyBindingAge, clockSkew, now are ignored', async () => {
  const { issuer, holder, credential } = credentialAndHolder();
  const issuerKeys = [issuer.publicJwk()];
  // No key binding at all: refused by default, also with pollution.
  assert.equal(await code(() => m.sdjwt.verify({ presentation: credential, issuerKeys })), 'INVALID_KEY_BINDING');
  assert.equal(
    await polluted(Object.prototype, { requireKeyBinding: false }, () => code(() => m.sdjwt.verify({ presentation: credential, issuerKeys }))),
    'INVALID_KEY_BINDING',
  );
  // A key binding three hours old: stale by default (300 s), also with pollution.
  const old = m.sdjwt.present({ credential, disclose: ['/name'], holderKey: holder, aud: AUD, nonce: NONCE, iat: Math.floor(Date.now() / 1000) - 3 * 3600 });
  const args = { presentation: old, issuerKeys, aud: AUD, nonce: NONCE };
  assert.equal(await code(() => m.sdjwt.verify(args)), 'INVALID_KEY_BINDING');
  for (const values of [{ maxKeyBindingAge: 1e12 }, { clockSkew: 1e9, maxKeyBindingAge: 1e9 }, { now: Math.floor(Date.now() / 1000) - 3 * 3600 }]) {
    assert.equal(await polluted(Object.prototype, values, () => code(() => m.sdjwt.verify(args))), 'INVALID_KEY_BINDING', JSON.stringify(values));
  }
  // An own option still works.
  assert.equal(m.sdjwt.verify({ presentation: credential, issuerKeys, requireKeyBinding: false }).issuer, 'https://issuer.example');
});

test('sdjwt.issue and createRequest: polluted exp, nbf, iat, ttlSeconds are ignored', async () => {
  const issuer = m.SigningKey.generate('EdDSA');
  const credential = await polluted(Object.prototype, { exp: 1, nbf: 4102444800, decoys: 0 }, () => m.sdjwt.issue({
    issuerKey: issuer, claims: { name: '测试乙' }, disclosable: ['/name'], vct: 'urn:example:test', iss: 'https://issuer.example',
  }));
  const payload = m.sdjwt.decode(credential).payload;
  assert.equal(payload.exp, undefined, 'no exp from Object.prototype');
  assert.equal(payload.nbf, undefined, 'no nbf from Object.prototype');
  const s = await world(m, m);
  const request = await polluted(Object.prototype, { ttlSeconds: 86400, iat: 1 }, () =>
    s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS }));
  const ev = s.wallet.evaluate(request);
  assert.ok(ev.expiresAt - Date.now() / 1000 <= 300 + 5, 'the default 300 s lifetime, not a polluted day');
  s.wallet.free();
});

test('sdjwt.present: a hole in `disclose` is refused, not read from a polluted Array.prototype', async () => {
  const { holder, credential } = credentialAndHolder();
  const disclose = ['/name'];
  disclose.length = 2; // [ '/name', <hole> ]
  const c = await polluted(Array.prototype, { 1: '/address' }, () =>
    code(() => m.sdjwt.present({ credential, disclose, holderKey: holder, aud: AUD, nonce: NONCE })),
  );
  assert.equal(c, 'INVALID_INPUT');
});

test('Verifier.create: a polluted nonceStore that accepts everything is ignored (replays stay REPLAYED)', async () => {
  const s = await world(m, m);
  const acceptAll = { consume() { return true; } };
  const hotel = await polluted(Object.prototype, { nonceStore: acceptAll, nonceStoreTimeoutMs: 1 }, () => m.Verifier.create({
    name: '测试酒店有限公司', uscc: uscc(1), signingKey: s.hotel.signingKey, hpkeKeyPair: s.hotel.hpkeKeyPair,
    trustedIssuers: [s.issuer.publicJwk()],
  }));
  const request = hotel.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const { envelope } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  assert.equal((await hotel.open(envelope)).disclosed.length, 3);
  assert.equal(await polluted(Object.prototype, { nonceStore: acceptAll }, () => code(() => hotel.open(envelope))), 'REPLAYED');
  // A nonce store must have its own (or its class's) consume().
  const c = await polluted(Object.prototype, { consume: acceptAll.consume }, () => code(() => m.Verifier.create({
    name: '测试酒店有限公司', uscc: uscc(1), signingKey: s.hotel.signingKey, hpkeKeyPair: s.hotel.hpkeKeyPair,
    trustedIssuers: [s.issuer.publicJwk()], nonceStore: {},
  })));
  assert.equal(c, 'INVALID_INPUT');
  class RedisLikeStore {
    constructor() { this.seen = new Set(); }
    consume(nonce) {
      if (this.seen.has(nonce)) return false;
      this.seen.add(nonce);
      return true;
    }
  }
  const v = m.Verifier.create({
    name: '测试酒店有限公司', uscc: uscc(1), signingKey: s.hotel.signingKey, hpkeKeyPair: s.hotel.hpkeKeyPair,
    trustedIssuers: [s.issuer.publicJwk()], nonceStore: new RedisLikeStore(),
  });
  assert.equal(typeof v.publicJwk().kid, 'string', 'a class instance is a nonce store');
  hotel.free();
  v.free();
  s.wallet.free();
});

test('Wallet.open: a polluted allowUnverified (and timeoutMs) is ignored', async () => {
  const s = await world(m, m);
  const strange = s.stranger.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const wallet = await polluted(Object.prototype, { allowUnverified: true, timeoutMs: 600000 }, () =>
    m.Wallet.open({ storage: m.storage.memory(), storageKey: m.randomBytes(32), trustedVerifiers: [s.hotel.v.publicJwk()] }),
  );
  assert.equal(await code(() => wallet.respond(strange, { choices: HOTEL_CHOICES, separateConsent: true })), 'UNTRUSTED_VERIFIER');
  assert.equal(
    await polluted(Object.prototype, { allowUnverified: true, separateConsent: true }, () =>
      code(() => wallet.respond(strange, { choices: HOTEL_CHOICES }))),
    'UNTRUSTED_VERIFIER',
  );
  wallet.free();
  s.wallet.free();
});

test('seal/open and hpke: polluted aead, info, aad, mode, psk are ignored', async () => {
  const kp = m.hpke.generateKeyPair();
  const plaintext = new Uint8Array([1, 2, 3]);
  const env = await polluted(Object.prototype, { aead: 1, info: new Uint8Array([9]), aad: new Uint8Array([9]) }, () => m.seal(kp.publicKey, plaintext, {}));
  assert.equal(m.envelope.inspect(env).aead, 3, 'the default AEAD, not the polluted one');
  assert.deepEqual([...m.open(kp.secretKey, env)], [1, 2, 3], 'sealed with empty info and aad');
  const opened = await polluted(Object.prototype, { info: new Uint8Array([9]), aad: new Uint8Array([9]) }, () => m.open(kp.secretKey, env, {}));
  assert.deepEqual([...opened], [1, 2, 3]);
  const sealed = await polluted(Object.prototype, { mode: 'psk', psk: new Uint8Array(32).fill(7), pskId: new Uint8Array([1]), aead: 0xffff }, () =>
    m.hpke.seal({ recipientPublicKey: kp.publicKey, plaintext }));
  assert.deepEqual([...m.hpke.open({ recipientSecretKey: kp.secretKey, enc: sealed.enc, ciphertext: sealed.ciphertext })], [1, 2, 3]);
  // A polluted chunkSize of 64 would seal a chunk at the first 100 bytes;
  // the default (64 KiB) holds them back.
  const stream = await polluted(Object.prototype, { chunkSize: 64, aead: 1 }, () => m.createSealStream(kp.publicKey));
  assert.equal(stream.push(new Uint8Array(100)).length, 0);
  stream.free();
});

test('storage adapters: methods from a class work, from Object.prototype do not; a polluted maxValueBytes is ignored', async () => {
  const key = m.SigningKey.generate('EdDSA');
  const log = m.ConsentLog.create({ signingKey: key, origin: 'device.example/consent' });
  for (let i = 0; i < 3; i++) log.append(syntheticRecord(i, T0));
  const storageKey = m.randomBytes(32);
  const inner = m.storage.memory();
  // `remove` only on Object.prototype.
  const half = { get: (k) => inner.get(k), set: (k, v) => inner.set(k, v) };
  assert.equal(await polluted(Object.prototype, { remove() {} }, () => code(() => log.save(half, storageKey))), 'INVALID_INPUT');
  assert.equal(
    await polluted(Object.prototype, { remove() {} }, () => code(() => m.ConsentLog.load(half, storageKey, { signingKey: key, origin: 'device.example/consent' }))),
    'INVALID_INPUT',
  );
  assert.equal(
    await polluted(Object.prototype, { removeStorage() {} }, () => code(() => m.storage.wx({ getStorage() {}, setStorage() {} }))),
    'INVALID_INPUT',
  );
  // A class instance is an adapter.
  class MapStore {
    constructor() { this.map = new Map(); }
    get(k) { return this.map.get(k); }
    set(k, v) { this.map.set(k, v.slice()); }
    remove(k) { this.map.delete(k); }
  }
  const store = new MapStore();
  const plain = await log.save(store, storageKey);
  const pollutedSave = await polluted(Object.prototype, { maxValueBytes: 4096 }, () => log.save(new MapStore(), storageKey));
  assert.equal(pollutedSave.keys, plain.keys, 'segments sized as without pollution');
  const back = await m.ConsentLog.load(store, storageKey, { signingKey: key, origin: 'device.example/consent' });
  assert.equal(back.size, 3);
  // ConsentLog.load: a polluted trustedCheckpoint is ignored.
  const other = m.ConsentLog.create({ signingKey: key, origin: 'device.example/consent' });
  for (let i = 0; i < 5; i++) other.append(syntheticRecord(i, T0));
  const again = await polluted(Object.prototype, { trustedCheckpoint: other.checkpoint() }, () =>
    m.ConsentLog.load(store, storageKey, { signingKey: key, origin: 'device.example/consent' }));
  assert.equal(again.size, 3);
  for (const l of [log, back, other, again]) l.free();
  key.free();
});
