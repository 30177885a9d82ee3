// The gm suite's seal through the JavaScript API (the wasm build):
// DHKEM(curveSM2, HKDF-SM3) 0xFE10, HKDF-SM3 0xFE01, SM4-GCM 0xFE01 in the
// raw hpke namespace (all four modes, single-shot and contexts, the
// exporter), gm envelopes (format version 2) and streams — and the
// negative cases the 国密 issue lists: off-curve points, the identity,
// coordinates ≥ p, prefixes 02/03/06/07 and wrong lengths; a KDF or AEAD of
// the other suite; a gm envelope opened with an intl key and the reverse;
// every bit flipped in a small gm envelope — each a typed MpShieldError,
// never a wrong plaintext. (The differential test against an independent
// RFC 9180 implementation is tests/js/hpke-oracle-gm.test.mjs.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes as nodeRandom } from 'node:crypto';
import { importByName, linkPackage } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const MODES = ['base', 'psk', 'auth', 'auth_psk'];
const u8 = (b) => new Uint8Array(b);
// curveSM2's p (GB/T 32918.5).
const P = 'fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff';

function codeOf(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof m.MpShieldError, `an MpShieldError, got ${e && e.stack}`);
    return e.code;
  }
  return 'no error';
}

test('gm key pairs: SM2, 65-byte uncompressed public keys, 32-byte secrets', () => {
  for (const kem of ['SM2', 0xfe10]) {
    const kp = m.hpke.generateKeyPair({ kem });
    assert.equal(kp.publicKey.length, 65);
    assert.equal(kp.publicKey[0], 4);
    assert.equal(kp.secretKey.length, 32);
  }
  assert.equal(m.hpke.generateKeyPair().publicKey.length, 32, 'X25519 stays the default');
  assert.equal(codeOf(() => m.hpke.generateKeyPair({ kem: 'P-256' })), 'UNSUPPORTED_ALGORITHM');
  assert.equal(codeOf(() => m.hpke.generateKeyPair({ kem: 0x10 })), 'UNSUPPORTED_ALGORITHM');
  assert.equal(codeOf(() => m.hpke.generateKeyPair({ kem: 0 })), 'INVALID_INPUT');
});

test('gm hpke: every mode, single-shot and contexts, the exporter; defaults HKDF-SM3 and SM4-GCM', () => {
  const r = m.hpke.generateKeyPair({ kem: 'SM2' });
  const s = m.hpke.generateKeyPair({ kem: 'SM2' });
  const psk = u8(nodeRandom(32));
  const pskId = u8([1, 2]);
  for (const mode of MODES) {
    const p = mode.includes('psk') ? { psk, pskId } : {};
    const auth = mode.startsWith('auth');
    for (const named of [{}, { kem: 'SM2', kdf: 'HKDF-SM3', aead: 'SM4-GCM' }, { kem: 0xfe10, kdf: 0xfe01, aead: 0xfe01 }]) {
      const pt = u8(nodeRandom(100));
      const sealed = m.hpke.seal({ mode, ...p, ...named, recipientPublicKey: r.publicKey, plaintext: pt, aad: u8([9]), info: u8([8]), senderSecretKey: auth ? s.secretKey : undefined });
      assert.equal(sealed.enc.length, 65);
      assert.equal(sealed.ciphertext.length, 116);
      // The receiver tells SM2 from enc's length; naming it works too.
      for (const kem of [undefined, 'SM2']) {
        const opened = m.hpke.open({ mode, ...p, kem, recipientSecretKey: r.secretKey, enc: sealed.enc, ciphertext: sealed.ciphertext, aad: u8([9]), info: u8([8]), senderPublicKey: auth ? s.publicKey : undefined });
        assert.deepEqual([...opened], [...pt], `${mode} ${JSON.stringify(named)}`);
      }
    }
    const sender = m.hpke.setupSender({ mode, ...p, recipientPublicKey: r.publicKey, senderSecretKey: auth ? s.secretKey : undefined });
    const receiver = m.hpke.setupReceiver({ mode, ...p, recipientSecretKey: r.secretKey, enc: sender.enc, senderPublicKey: auth ? s.publicKey : undefined });
    for (let i = 0; i < 5; i++) {
      const msg = u8(nodeRandom(i * 7));
      assert.deepEqual([...receiver.open(sender.seal(msg, u8([i])), u8([i]))], [...msg], `${mode} message ${i}`);
    }
    assert.deepEqual([...sender.exportSecret(u8([1]), 77)], [...receiver.exportSecret(u8([1]), 77)]);
    const oneShot = m.hpke.exportSecret({ mode, ...p, recipientSecretKey: r.secretKey, enc: sender.enc, senderPublicKey: auth ? s.publicKey : undefined, exporterContext: u8([1]), length: 77 });
    assert.deepEqual([...oneShot], [...sender.exportSecret(u8([1]), 77)]);
    sender.free();
    receiver.free();
  }
  const eo = m.hpke.setupSender({ recipientPublicKey: r.publicKey, aead: 'export-only' });
  assert.equal(codeOf(() => eo.seal(u8(1))), 'UNSUPPORTED_ALGORITHM');
  assert.equal(eo.exportSecret(u8(0), 32).length, 32);
  eo.free();
});

test('gm hpke negative: algorithms of the other suite, bad points, wrong keys', () => {
  const r = m.hpke.generateKeyPair({ kem: 'SM2' });
  const x = m.hpke.generateKeyPair();
  const pt = u8([1, 2, 3]);
  for (const [what, o, want] of [
    ['HKDF-SHA256 with an SM2 key', { kdf: 'HKDF-SHA256' }, 'UNSUPPORTED_ALGORITHM'],
    ['ChaCha20-Poly1305 with an SM2 key', { aead: 'ChaCha20-Poly1305' }, 'UNSUPPORTED_ALGORITHM'],
    ['AES-128-GCM with an SM2 key', { aead: 1 }, 'UNSUPPORTED_ALGORITHM'],
    ['KEM X25519 with an SM2 key', { kem: 'X25519' }, 'UNSUPPORTED_ALGORITHM'],
  ]) {
    assert.equal(codeOf(() => m.hpke.seal({ recipientPublicKey: r.publicKey, plaintext: pt, ...o })), want, what);
  }
  for (const [what, o] of [
    ['HKDF-SM3 with an X25519 key', { kdf: 'HKDF-SM3' }],
    ['SM4-GCM with an X25519 key', { aead: 'SM4-GCM' }],
    ['KEM SM2 with an X25519 key', { kem: 'SM2' }],
  ]) {
    assert.equal(codeOf(() => m.hpke.seal({ recipientPublicKey: x.publicKey, plaintext: pt, ...o })), 'UNSUPPORTED_ALGORITHM', what);
  }
  // Points: prefixes, off the curve, coordinates >= p, the identity's
  // attempts, wrong lengths (the 33-byte compressed form included).
  const bad = [];
  for (const prefix of [0, 2, 3, 6, 7]) {
    const k = r.publicKey.slice();
    k[0] = prefix;
    bad.push([`prefix ${prefix}`, k]);
  }
  const off = r.publicKey.slice();
  off[64] ^= 1;
  bad.push(['off the curve', off]);
  bad.push(['x = p', u8([4, ...Buffer.from(P, 'hex'), ...r.publicKey.slice(33)])]);
  bad.push(['y = p', u8([4, ...r.publicKey.slice(1, 33), ...Buffer.from(P, 'hex')])]);
  bad.push(['all ones', u8([4, ...new Array(64).fill(0xff)])]);
  bad.push(['04 ‖ 0 ‖ 0', u8([4, ...new Array(64).fill(0)])]);
  bad.push(['compressed (33 bytes)', u8([2, ...r.publicKey.slice(1, 33)])]);
  bad.push(['64 bytes', r.publicKey.slice(1)]);
  bad.push(['66 bytes', u8([...r.publicKey, 0])]);
  for (const [what, key] of bad) {
    assert.equal(codeOf(() => m.hpke.seal({ recipientPublicKey: key, plaintext: pt })), 'INVALID_KEY', `recipient key: ${what}`);
    assert.equal(codeOf(() => m.seal(key, pt)), 'INVALID_KEY', `envelope key: ${what}`);
  }
  // The same points as enc: an attacker's ciphertext, so DECRYPT_FAILED
  // (or INVALID_INPUT for a length that is no SM2 enc at all).
  const sealed = m.hpke.seal({ recipientPublicKey: r.publicKey, plaintext: pt });
  for (const [what, enc] of bad) {
    const code = codeOf(() => m.hpke.open({ kem: 'SM2', recipientSecretKey: r.secretKey, enc, ciphertext: sealed.ciphertext }));
    assert.equal(code, enc.length === 65 ? 'DECRYPT_FAILED' : 'INVALID_INPUT', `enc: ${what}`);
  }
  // Secret keys: 0 and >= n are not SM2 keys.
  const n = Buffer.from('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123', 'hex');
  for (const [what, sk] of [['zero', u8(32)], ['n', u8(n)], ['all ones', u8(32).fill(0xff)], ['31 bytes', u8(31).fill(1)]]) {
    assert.equal(codeOf(() => m.hpke.open({ kem: 'SM2', recipientSecretKey: sk, enc: sealed.enc, ciphertext: sealed.ciphertext })), 'INVALID_KEY', `secret key ${what}`);
  }
  // The other recipient's key; an X25519 sender public key in an SM2 auth
  // mode. (A raw 32-byte secret key carries no type: as a sender's secret
  // it is read as a key of the recipient's KEM.)
  const other = m.hpke.generateKeyPair({ kem: 'SM2' });
  assert.equal(codeOf(() => m.hpke.open({ recipientSecretKey: other.secretKey, enc: sealed.enc, ciphertext: sealed.ciphertext })), 'DECRYPT_FAILED');
  const s = m.hpke.generateKeyPair({ kem: 'SM2' });
  const authed = m.hpke.seal({ mode: 'auth', recipientPublicKey: r.publicKey, senderSecretKey: s.secretKey, plaintext: pt });
  const authOpen = (senderPublicKey) => codeOf(() => m.hpke.open({ mode: 'auth', recipientSecretKey: r.secretKey, enc: authed.enc, ciphertext: authed.ciphertext, senderPublicKey }));
  assert.equal(authOpen(s.publicKey), 'no error');
  assert.equal(authOpen(x.publicKey), 'INVALID_KEY', 'X25519 sender public key, SM2 recipient');
  assert.equal(authOpen(other.publicKey), 'DECRYPT_FAILED', 'another SM2 sender');
});

test('gm envelopes: version 2, 97-byte header, SM4-GCM; opened by the key alone', () => {
  const kp = m.hpke.generateKeyPair({ kem: 'SM2' });
  for (const size of [0, 1, 1000, 1 << 20]) {
    const pt = u8(nodeRandom(size));
    const env = m.seal(kp.publicKey, pt, { info: u8([1]), aad: u8([2]) });
    assert.equal(env.length, size + 97 + 16);
    const meta = m.envelope.inspect(env);
    assert.deepEqual({ ...meta, keyId: undefined }, { version: 2, suite: 'gm', mode: 'base', kem: 0xfe10, kdf: 0xfe01, aead: 0xfe01, keyId: undefined });
    assert.deepEqual([...m.open(kp.secretKey, m.envelope.fromText(m.envelope.toText(env)), { info: u8([1]), aad: u8([2]) })], [...pt]);
  }
  assert.equal(m.envelope.inspect(m.seal(kp.publicKey, u8(1), { suite: 'gm' })).suite, 'gm');
  assert.equal(codeOf(() => m.seal(kp.publicKey, u8(1), { suite: 'intl' })), 'UNSUPPORTED_ALGORITHM', 'suite intl with an SM2 key');
  assert.equal(codeOf(() => m.seal(m.hpke.generateKeyPair().publicKey, u8(1), { suite: 'gm' })), 'UNSUPPORTED_ALGORITHM', 'suite gm with an X25519 key');
  assert.equal(codeOf(() => m.seal(kp.publicKey, u8(1), { suite: 'GM' })), 'INVALID_INPUT', 'an unknown suite');
  assert.equal(codeOf(() => m.seal(kp.publicKey, u8(1), { aead: 'ChaCha20-Poly1305' })), 'UNSUPPORTED_ALGORITHM');
});

test('gm envelope negative: every bit flipped, every truncation, the other suite\'s keys', () => {
  const gm = m.hpke.generateKeyPair({ kem: 'SM2' });
  const intl = m.hpke.generateKeyPair();
  const pt = new TextEncoder().encode('测试乙');
  const env = m.seal(gm.publicKey, pt, { info: u8([1]) });
  const open = (e, sk = gm.secretKey) => codeOf(() => m.open(sk, e, { info: u8([1]) }));
  assert.equal(open(env), 'no error');
  const seen = new Set();
  for (let i = 0; i < env.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const bad = env.slice();
      bad[i] ^= 1 << bit;
      const code = open(bad);
      assert.notEqual(code, 'no error', `byte ${i} bit ${bit} opened`);
      seen.add(code);
    }
  }
  for (const c of seen) assert.ok(['DECRYPT_FAILED', 'INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM', 'TRUNCATED'].includes(c), c);
  for (let n = 0; n < env.length; n++) assert.notEqual(open(env.slice(0, n)), 'no error', `cut at ${n}`);
  assert.equal(open(u8([...env, 0])), 'INVALID_ENVELOPE', 'trailing byte');
  // A gm envelope and an intl key; an intl envelope and a gm key.
  assert.equal(open(env, intl.secretKey), 'DECRYPT_FAILED', 'gm envelope, intl key');
  const intlEnv = m.seal(intl.publicKey, pt, { info: u8([1]) });
  assert.equal(open(intlEnv, gm.secretKey), 'DECRYPT_FAILED', 'intl envelope, gm key');
  // Relabelled as the other version: refused before any work.
  const relabelled = env.slice();
  relabelled[4] = 1;
  assert.equal(open(relabelled, intl.secretKey), 'UNSUPPORTED_ALGORITHM');
});

test('gm streams: round trip, header of 97 bytes, negative cases', () => {
  const kp = m.hpke.generateKeyPair({ kem: 'SM2' });
  const data = u8(nodeRandom(5000));
  const s = m.createSealStream(kp.publicKey, { chunkSize: 1024, info: u8([3]) });
  assert.equal(s.header.length, 97);
  const chunks = [];
  for (let off = 0; off < data.length; off += 1500) chunks.push(s.push(data.subarray(off, off + 1500)));
  chunks.push(s.finish());
  const sealed = chunks.filter((c) => c.length > 0);
  const o = m.createOpenStream(kp.secretKey, s.header, { info: u8([3]) });
  const out = Buffer.concat(sealed.map((c) => o.push(c)));
  o.finish();
  assert.ok(out.equals(Buffer.from(data)));
  const run = (list, key = kp.secretKey) =>
    codeOf(() => {
      const op = m.createOpenStream(key, s.header, { info: u8([3]) });
      for (const c of list) op.push(c);
      op.finish();
    });
  assert.equal(run([sealed[1], sealed[0], ...sealed.slice(2)]), 'DECRYPT_FAILED', 'reordered');
  assert.equal(run(sealed.slice(0, -1)), 'TRUNCATED', 'final chunk missing');
  assert.equal(run(sealed, m.hpke.generateKeyPair().secretKey), 'DECRYPT_FAILED', 'an intl key');
  assert.equal(codeOf(() => m.createOpenStream(kp.secretKey, s.header.slice(0, 64))), 'TRUNCATED', 'an intl-sized header');
  assert.equal(codeOf(() => m.createSealStream(kp.publicKey, { suite: 'intl' })), 'UNSUPPORTED_ALGORITHM');
});
