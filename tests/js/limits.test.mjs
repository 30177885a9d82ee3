// Input sizes (LIMITS). The attack: hand the package an input so large that
// copying it into the module's 32-bit memory fails — over 2 GiB, a byte
// input made the module trap and the instance was lost.
// Every byte and string input has a documented maximum, refused with
// INVALID_INPUT before anything is copied; the instance keeps working.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, world } from './helpers/flow-scenario.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const MiB = 1024 * 1024;

function refused(f, what) {
  assert.throws(f, (e) => e instanceof m.MpShieldError && e.code === 'INVALID_INPUT' && /too large/.test(e.message), what);
}

async function rejected(f, what) {
  const e = await f().then(() => null, (err) => err);
  assert.ok(e instanceof m.MpShieldError && e.code === 'INVALID_INPUT' && /too large/.test(e.message), `${what}: ${e && e.message}`);
}

test('LIMITS is exported, frozen and as documented', () => {
  assert.ok(Object.isFrozen(m.LIMITS));
  assert.equal(m.LIMITS.plaintext, 64 * MiB);
  assert.equal(m.LIMITS.bytes, 64 * MiB + 1024);
  assert.equal(m.LIMITS.streamChunk, 16 * MiB + 21);
  assert.equal(m.LIMITS.text, MiB);
  assert.equal(m.LIMITS.json, MiB);
  assert.equal(m.LIMITS.storedValue, 256 * MiB);
  assert.equal(m.LIMITS.envelopeText, Math.ceil((m.LIMITS.bytes * 4) / 3));
});

test('one-shot seal/open, hpke and envelope inputs: plaintexts at most LIMITS.plaintext, other bytes LIMITS.bytes', () => {
  const kp = m.hpke.generateKeyPair();
  const big = new Uint8Array(m.LIMITS.bytes + 1);
  const plain = big.subarray(0, m.LIMITS.plaintext + 1);
  refused(() => m.seal(kp.publicKey, plain), 'seal plaintext');
  refused(() => m.seal(kp.publicKey, plain.slice().buffer), 'seal plaintext as an ArrayBuffer');
  refused(() => m.hpke.seal({ recipientPublicKey: kp.publicKey, plaintext: plain }), 'hpke.seal');
  const ctx = m.hpke.setupSender({ recipientPublicKey: kp.publicKey });
  refused(() => ctx.seal(plain), 'SenderContext.seal');
  ctx.free();
  refused(() => m.seal(kp.publicKey, new Uint8Array(1), { aad: big }), 'seal aad');
  refused(() => m.open(kp.secretKey, big), 'open envelope');
  refused(() => m.envelope.inspect(big), 'envelope.inspect');
  refused(() => m.hpke.open({ recipientSecretKey: kp.secretKey, enc: kp.publicKey, ciphertext: big }), 'hpke.open');
  refused(() => m.merkle.leafHash(big), 'merkle.leafHash');
  // A subclass that lies about its size is measured by the intrinsic getter.
  class Liar extends Uint8Array {
    get length() { return 1; }
    get byteLength() { return 1; }
  }
  refused(() => m.open(kp.secretKey, new Liar(m.LIMITS.bytes + 1)), 'a view whose own length getters lie');
  // At the limit it works (the check is not off by one), and the largest
  // plaintext's envelope opens.
  const env = m.seal(kp.publicKey, big.subarray(0, m.LIMITS.plaintext));
  assert.ok(env.length <= m.LIMITS.bytes);
  assert.equal(m.open(kp.secretKey, env).length, m.LIMITS.plaintext);
  assert.equal(m.version().length > 0, true, 'the instance is alive');
});

test('streams: each push at most LIMITS.streamChunk; envelope.fromText at most LIMITS.envelopeText', () => {
  const kp = m.hpke.generateKeyPair();
  const s = m.createSealStream(kp.publicKey);
  const big = new Uint8Array(m.LIMITS.streamChunk + 1);
  refused(() => s.push(big), 'seal stream push');
  refused(() => s.finish(big), 'seal stream finish');
  const o = m.createOpenStream(kp.secretKey, s.header);
  refused(() => o.push(big), 'open stream push');
  s.free();
  o.free();
  refused(() => m.envelope.fromText('A'.repeat(m.LIMITS.envelopeText + 1)), 'envelope.fromText');
});

test('strings and JSON: at most LIMITS.text characters each, LIMITS.json of JSON', async () => {
  const long = 'a'.repeat(m.LIMITS.text + 1);
  refused(() => m.sdjwt.decode(long), 'sdjwt.decode');
  refused(() => m.idcard.parse(long), 'idcard.parse');
  refused(() => m.mask.apply('name', long), 'mask.apply');
  const key = m.SigningKey.generate('EdDSA');
  const half = 'b'.repeat(m.LIMITS.json / 2);
  refused(() => m.sdjwt.issue({
    issuerKey: key, claims: { a: half, b: half, c: 'c' }, disclosable: [], vct: 'urn:x', iss: 'https://i.example',
  }), 'claims over LIMITS.json in all');
  refused(() => m.sdjwt.issue({
    issuerKey: key, claims: { a: 1 }, disclosable: [half, half, 'x'], vct: 'urn:x', iss: 'https://i.example',
  }), 'disclosable over LIMITS.json in all');
  const log = m.ConsentLog.create({ signingKey: key, origin: 'device.example/consent' });
  refused(() => log.append({ event: 'given', notes: long }), 'a record');
  const s = await world(m, m);
  await rejected(() => s.wallet.respond(long, { choices: HOTEL_CHOICES }), 'wallet.respond request');
  await rejected(() => s.wallet.addCredential(long), 'wallet.addCredential');
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  assert.equal(s.wallet.evaluate(request).verified, true, 'the instance is alive');
  s.wallet.free();
  log.free();
  key.free();
});
