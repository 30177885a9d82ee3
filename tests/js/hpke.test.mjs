// HPKE, envelopes and streams through the JavaScript API (the wasm build):
// - the official RFC 9180 test vectors, all 16 DHKEM(X25519, HKDF-SHA256) /
//   HKDF-SHA256 entries (4 modes × 4 AEADs) of test-vectors.json from the
//   PyPI package cryptography-vectors (installed in .venv by scripts/setup.sh;
//   read at test time, never copied here): every encryption (sequence
//   numbers 0–256) through a receiver context, every export through the
//   context and through hpke.exportSecret, and the sender side by round trip;
// - differential against @hpke/core 1.9.0 (npm; X25519 from
//   @hpke/dhkem-x25519, ChaCha20-Poly1305 from @hpke/chacha20poly1305), both
//   directions, every suite both support (3 AEADs × 4 modes, plus the
//   exporter for all 4 AEADs incl. export-only), sizes 0, 1, random, 1 MiB;
// - negative cases: flipped bits, truncation, trailing bytes, wrong key,
//   wrong info/aad/mode/suite, low-order keys, stream chunks reordered,
//   dropped, duplicated or appended → typed MpShieldError codes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes as nodeRandom } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Aes128Gcm, Aes256Gcm, CipherSuite, ExportOnly, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { importByName, linkPackage, root } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const MODES = ['base', 'psk', 'auth', 'auth_psk'];
const hex = (s) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b) => Buffer.from(b).toString('hex');
const u8 = (b) => new Uint8Array(b);

function codeOf(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof m.MpShieldError, `an MpShieldError, got ${e && e.stack}`);
    return e.code;
  }
  return 'no error';
}

// --- RFC 9180 vectors -------------------------------------------------------------

/** .venv/lib/python3.X/site-packages/cryptography_vectors/HPKE/test-vectors.json */
function vectorFile() {
  const lib = path.join(root, '.venv/lib');
  const candidates = existsSync(lib)
    ? readdirSync(lib)
      .filter((d) => d.startsWith('python3'))
      .map((d) => path.join(lib, d, 'site-packages/cryptography_vectors/HPKE/test-vectors.json'))
      .filter(existsSync)
    : [];
  assert.ok(
    candidates.length > 0,
    'RFC 9180 vectors not found: install the PyPI package cryptography-vectors into .venv (scripts/setup.sh)',
  );
  return candidates[0];
}

const allVectors = JSON.parse(readFileSync(vectorFile(), 'utf8'));
const vectors = allVectors.filter((v) => v.kem_id === 0x20 && v.kdf_id === 1);

test('RFC 9180 vectors: all 16 X25519/HKDF-SHA256 entries are present (4 modes × 4 AEADs)', () => {
  assert.equal(vectors.length, 16);
  const suites = new Set(vectors.map((v) => `${v.mode}/${v.aead_id}`));
  assert.equal(suites.size, 16);
});

function receiverArgs(v) {
  const args = {
    mode: MODES[v.mode],
    aead: v.aead_id,
    recipientSecretKey: hex(v.skRm),
    enc: hex(v.enc),
    info: hex(v.info),
  };
  if (v.mode === 1 || v.mode === 3) Object.assign(args, { psk: hex(v.psk), pskId: hex(v.psk_id) });
  if (v.mode === 2 || v.mode === 3) args.senderPublicKey = hex(v.pkSm);
  return args;
}

for (const v of vectors) {
  const label = `RFC 9180 mode ${v.mode} (${MODES[v.mode]}) aead 0x${v.aead_id.toString(16)}`;

  test(`${label}: every encryption through a receiver context, every export`, () => {
    const r = m.hpke.setupReceiver(receiverArgs(v));
    if (v.aead_id === 0xffff) {
      assert.ok(!v.encryptions || v.encryptions.length === 0, 'export-only entries have no encryptions');
      assert.equal(codeOf(() => r.open(new Uint8Array(32))), 'UNSUPPORTED_ALGORITHM', 'export-only cannot open');
    } else {
      assert.equal(v.encryptions.length, 257);
      v.encryptions.forEach((e, seq) => {
        assert.equal(toHex(r.open(hex(e.ct), hex(e.aad))), e.pt, `sequence number ${seq}`);
      });
      // Single-shot open is sequence number 0.
      const e0 = v.encryptions[0];
      assert.equal(toHex(m.hpke.open({ ...receiverArgs(v), aad: hex(e0.aad), ciphertext: hex(e0.ct) })), e0.pt);
    }
    assert.equal(v.exports.length, 3);
    for (const x of v.exports) {
      assert.equal(toHex(r.exportSecret(hex(x.exporter_context), x.L)), x.exported_value, 'context export');
      assert.equal(
        toHex(m.hpke.exportSecret({ ...receiverArgs(v), exporterContext: hex(x.exporter_context), length: x.L })),
        x.exported_value,
        'hpke.exportSecret',
      );
    }
    r.free();
  });

  test(`${label}: the sender side (fresh ephemeral key) round-trips every vector plaintext`, () => {
    const args = { mode: MODES[v.mode], aead: v.aead_id, recipientPublicKey: hex(v.pkRm), info: hex(v.info) };
    if (v.mode === 1 || v.mode === 3) Object.assign(args, { psk: hex(v.psk), pskId: hex(v.psk_id) });
    if (v.mode === 2 || v.mode === 3) args.senderSecretKey = hex(v.skSm);
    const s = m.hpke.setupSender(args);
    const r = m.hpke.setupReceiver({ ...receiverArgs(v), enc: s.enc });
    assert.notEqual(toHex(s.enc), v.enc, 'a fresh ephemeral key');
    if (v.aead_id !== 0xffff) {
      for (const e of v.encryptions) {
        const ct = s.seal(hex(e.pt), hex(e.aad));
        assert.equal(toHex(r.open(ct, hex(e.aad))), e.pt);
      }
    } else {
      assert.equal(codeOf(() => s.seal(new Uint8Array(1))), 'UNSUPPORTED_ALGORITHM');
    }
    for (const x of v.exports) {
      assert.equal(toHex(s.exportSecret(hex(x.exporter_context), x.L)), toHex(r.exportSecret(hex(x.exporter_context), x.L)));
    }
    s.free();
    r.free();
  });
}

test('AEAD names and ids are the same suite', () => {
  const v = vectors.find((x) => x.mode === 0 && x.aead_id === 1);
  const names = { 1: 'AES-128-GCM', 2: 'AES-256-GCM', 3: 'ChaCha20-Poly1305', 65535: 'export-only' };
  for (const w of vectors.filter((x) => x.mode === 0)) {
    const x = w.exports[0];
    const byName = m.hpke.exportSecret({ ...receiverArgs(w), aead: names[w.aead_id], exporterContext: hex(x.exporter_context), length: x.L });
    assert.equal(toHex(byName), x.exported_value, names[w.aead_id]);
  }
  // The default AEAD is 3 (ChaCha20-Poly1305) and the default mode "base".
  const w = vectors.find((x) => x.mode === 0 && x.aead_id === 3);
  const r = m.hpke.setupReceiver({ recipientSecretKey: hex(w.skRm), enc: hex(w.enc), info: hex(w.info) });
  assert.equal(toHex(r.open(hex(w.encryptions[0].ct), hex(w.encryptions[0].aad))), w.encryptions[0].pt);
  assert.ok(v, 'the mode 0 / AES-128-GCM entry');
});

// --- Differential: @hpke/core ------------------------------------------------------

const AEADS = [
  { id: 1, name: 'AES-128-GCM', make: () => new Aes128Gcm() },
  { id: 2, name: 'AES-256-GCM', make: () => new Aes256Gcm() },
  { id: 3, name: 'ChaCha20-Poly1305', make: () => new Chacha20Poly1305() },
  { id: 0xffff, name: 'export-only', make: () => new ExportOnly() },
];

function peerSuite(aead) {
  return new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: aead.make() });
}

const SIZES = [0, 1, 1 + (nodeRandom(2).readUInt16BE() % 8192), 1024 * 1024];
const usesPsk = (mode) => mode === 'psk' || mode === 'auth_psk';
const usesAuth = (mode) => mode === 'auth' || mode === 'auth_psk';

for (const aead of AEADS) {
  for (const mode of MODES) {
    test(`@hpke/core differential, ${aead.name}, ${mode}: both directions, sizes ${SIZES.join(', ')}, exporter`, async () => {
      const suite = peerSuite(aead);
      const info = u8(nodeRandom(17));
      const psk = u8(nodeRandom(32));
      const pskId = u8(nodeRandom(9));
      const peerPsk = usesPsk(mode) ? { psk: { key: psk.slice().buffer, id: pskId.slice().buffer } } : {};
      const ourPsk = usesPsk(mode) ? { psk, pskId } : {};

      // mpshield → @hpke/core: mpshield keys and sealing; @hpke imports the raw keys.
      const recipient = m.hpke.generateKeyPair();
      const sender = m.hpke.generateKeyPair();
      const peerRecipientKey = await suite.kem.importKey('raw', recipient.secretKey.slice().buffer, false);
      const peerSenderPublic = await suite.kem.importKey('raw', sender.publicKey.slice().buffer, true);
      const auth = usesAuth(mode);

      // @hpke/core → mpshield: @hpke keys; mpshield takes their raw bytes.
      const peerRecipient = await suite.kem.generateKeyPair();
      const peerSender = await suite.kem.generateKeyPair();
      const peerRecipientSk = u8(await suite.kem.serializePrivateKey(peerRecipient.privateKey));
      const peerRecipientPk = u8(await suite.kem.serializePublicKey(peerRecipient.publicKey));
      const peerSenderPk = u8(await suite.kem.serializePublicKey(peerSender.publicKey));

      if (aead.id !== 0xffff) {
        for (const size of SIZES) {
          const plaintext = u8(nodeRandom(size));
          const aad = u8(nodeRandom(size % 64));

          const ours = m.hpke.seal({
            mode, aead: aead.id, recipientPublicKey: recipient.publicKey, info, aad, plaintext, ...ourPsk,
            ...(auth ? { senderSecretKey: sender.secretKey } : {}),
          });
          const opened = await suite.open(
            { recipientKey: peerRecipientKey, enc: ours.enc.slice().buffer, info: info.slice().buffer, ...peerPsk, ...(auth ? { senderPublicKey: peerSenderPublic } : {}) },
            ours.ciphertext.slice().buffer,
            aad.slice().buffer,
          );
          assert.ok(Buffer.from(opened).equals(Buffer.from(plaintext)), `@hpke opens mpshield's ${size} bytes`);

          const theirs = await suite.seal(
            { recipientPublicKey: peerRecipient.publicKey, info: info.slice().buffer, ...peerPsk, ...(auth ? { senderKey: peerSender } : {}) },
            plaintext.slice().buffer,
            aad.slice().buffer,
          );
          const back = m.hpke.open({
            mode, aead: aead.name, recipientSecretKey: peerRecipientSk, enc: u8(theirs.enc), info, aad,
            ciphertext: u8(theirs.ct), ...ourPsk, ...(auth ? { senderPublicKey: peerSenderPk } : {}),
          });
          assert.ok(Buffer.from(back).equals(Buffer.from(plaintext)), `mpshield opens @hpke's ${size} bytes`);
        }

        // Several messages through contexts, both directions.
        const ctx = m.hpke.setupSender({
          mode, aead: aead.id, recipientPublicKey: recipient.publicKey, info, ...ourPsk, ...(auth ? { senderSecretKey: sender.secretKey } : {}),
        });
        const peerR = await suite.createRecipientContext({
          recipientKey: peerRecipientKey, enc: ctx.enc.slice().buffer, info: info.slice().buffer, ...peerPsk, ...(auth ? { senderPublicKey: peerSenderPublic } : {}),
        });
        for (let i = 0; i < 5; i++) {
          const pt = u8(nodeRandom(i * 7));
          assert.ok(Buffer.from(await peerR.open(ctx.seal(pt).slice().buffer)).equals(Buffer.from(pt)), `context message ${i}`);
        }
        ctx.free();
      }

      // The exporter, both directions (all four AEADs, export-only included).
      const exporterContext = u8(nodeRandom(11));
      const peerS = await suite.createSenderContext({
        recipientPublicKey: peerRecipient.publicKey, info: info.slice().buffer, ...peerPsk, ...(auth ? { senderKey: peerSender } : {}),
      });
      const theirSecret = u8(await peerS.export(exporterContext.slice().buffer, 42));
      const ourSecret = m.hpke.exportSecret({
        mode, aead: aead.id, recipientSecretKey: peerRecipientSk, enc: u8(peerS.enc), info, ...ourPsk,
        ...(auth ? { senderPublicKey: peerSenderPk } : {}), exporterContext, length: 42,
      });
      assert.equal(toHex(ourSecret), toHex(theirSecret), 'export: @hpke sender, mpshield receiver');
      const ourSender = m.hpke.setupSender({
        mode, aead: aead.id, recipientPublicKey: peerRecipientPk, info, ...ourPsk, ...(auth ? { senderSecretKey: sender.secretKey } : {}),
      });
      const senderPublicForPeer = auth ? await suite.kem.importKey('raw', sender.publicKey.slice().buffer, true) : undefined;
      const peerR2 = await suite.createRecipientContext({
        recipientKey: peerRecipient, enc: ourSender.enc.slice().buffer, info: info.slice().buffer, ...peerPsk,
        ...(auth ? { senderPublicKey: senderPublicForPeer } : {}),
      });
      assert.equal(
        toHex(ourSender.exportSecret(exporterContext, 42)),
        toHex(u8(await peerR2.export(exporterContext.slice().buffer, 42))),
        'export: mpshield sender, @hpke receiver',
      );
      ourSender.free();
    });
  }
}

// --- Envelopes and streams -------------------------------------------------------

test('envelope: round trip, text form, inspect, options', () => {
  const kp = m.hpke.generateKeyPair();
  for (const aead of [undefined, 1, 2, 3, 'AES-256-GCM']) {
    for (const size of [0, 1, 1000, 1024 * 1024]) {
      const pt = u8(nodeRandom(size));
      const info = u8(nodeRandom(5));
      const aad = u8(nodeRandom(3));
      const env = m.seal(kp.publicKey, pt, { info, aad, aead });
      const again = m.envelope.fromText(m.envelope.toText(env));
      assert.ok(Buffer.from(again).equals(Buffer.from(env)));
      assert.match(m.envelope.toText(env), /^[A-Za-z0-9_-]+$/);
      assert.ok(Buffer.from(m.open(kp.secretKey, again, { info, aad })).equals(Buffer.from(pt)));
      const meta = m.envelope.inspect(env);
      assert.deepEqual({ ...meta, keyId: undefined }, {
        version: 1, suite: 'intl', mode: 'base', kem: 0x20, kdf: 1, aead: aead === undefined ? 3 : aead === 'AES-256-GCM' ? 2 : aead, keyId: undefined,
      });
      assert.ok(meta.keyId instanceof Uint8Array && meta.keyId.length > 0);
    }
  }
  // ArrayBuffer inputs are accepted.
  const env = m.seal(kp.publicKey.slice().buffer, new Uint8Array([1, 2, 3]).buffer);
  assert.deepEqual([...m.open(kp.secretKey.slice().buffer, env.slice().buffer)], [1, 2, 3]);
});

test('envelope negative: every flipped byte, every truncation, trailing bytes, wrong key/info/aad', () => {
  const kp = m.hpke.generateKeyPair();
  const pt = new TextEncoder().encode('测试甲 440305200011241237');
  const env = m.seal(kp.publicKey, pt, { info: u8([1]), aad: u8([2]) });
  const open = (e, o = { info: u8([1]), aad: u8([2]) }, sk = kp.secretKey) => codeOf(() => m.open(sk, e, o));
  assert.equal(open(env), 'no error');
  const seen = new Set();
  for (let i = 0; i < env.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const bad = env.slice();
      bad[i] ^= bit;
      const code = open(bad);
      // A flipped length or final-chunk flag reads as TRUNCATED.
      assert.ok(['DECRYPT_FAILED', 'INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM', 'INVALID_KEY', 'TRUNCATED'].includes(code), `byte ${i} bit ${bit}: ${code}`);
      seen.add(code);
    }
  }
  assert.ok(seen.has('DECRYPT_FAILED') && seen.has('INVALID_ENVELOPE'), [...seen].join());
  for (let n = 0; n < env.length; n++) {
    const code = open(env.slice(0, n));
    assert.ok(['INVALID_ENVELOPE', 'TRUNCATED', 'DECRYPT_FAILED'].includes(code), `truncated to ${n}: ${code}`);
  }
  const trailing = new Uint8Array(env.length + 1);
  trailing.set(env);
  assert.ok(['INVALID_ENVELOPE', 'DECRYPT_FAILED'].includes(open(trailing)), 'trailing byte');
  assert.equal(open(env, undefined, m.hpke.generateKeyPair().secretKey), 'DECRYPT_FAILED', 'wrong key');
  assert.equal(open(env, { info: u8([9]), aad: u8([2]) }), 'DECRYPT_FAILED', 'wrong info');
  assert.equal(open(env, { info: u8([1]), aad: u8([9]) }), 'DECRYPT_FAILED', 'wrong aad');
  assert.equal(open(env, { info: u8([1]) }), 'DECRYPT_FAILED', 'aad missing');
  assert.equal(codeOf(() => m.envelope.fromText('not base64url!')), 'INVALID_ENVELOPE');
  assert.equal(codeOf(() => m.envelope.inspect(u8([0, 1, 2]))), 'INVALID_ENVELOPE');
  assert.equal(codeOf(() => m.seal(u8(32), pt)), 'INVALID_KEY', 'all-zero public key');
  assert.equal(codeOf(() => m.seal(u8(31), pt)), 'INVALID_KEY', 'short public key');
  assert.equal(codeOf(() => m.seal(kp.publicKey, pt, { aead: 0xffff })), 'UNSUPPORTED_ALGORITHM', 'export-only envelope');
  assert.equal(codeOf(() => m.seal(kp.publicKey, pt, { aead: 7 })), 'UNSUPPORTED_ALGORITHM', 'unknown AEAD id');
  assert.equal(codeOf(() => m.seal(kp.publicKey, pt, { aead: 'AES-512' })), 'UNSUPPORTED_ALGORITHM', 'unknown AEAD name');
  assert.equal(codeOf(() => m.seal(kp.publicKey, pt, { aead: 2 ** 32 + 3 })), 'INVALID_INPUT', 'an id that would wrap');
  assert.equal(codeOf(() => m.seal(kp.publicKey, 'text')), 'INVALID_INPUT', 'a string plaintext');
  assert.equal(codeOf(() => m.seal(kp.publicKey, pt, { aad: [2] })), 'INVALID_INPUT', 'aad as number[]');
  assert.equal(codeOf(() => m.seal(kp.publicKey, pt, { add: u8([2]) })), 'INVALID_INPUT', 'typo in an option');
});

test('hpke negative: wrong key, mode, suite, psk, sender; low-order keys', () => {
  const r = m.hpke.generateKeyPair();
  const s = m.hpke.generateKeyPair();
  const psk = u8(nodeRandom(32));
  const pskId = u8([7]);
  const sealed = m.hpke.seal({ mode: 'auth_psk', recipientPublicKey: r.publicKey, plaintext: u8([1, 2, 3]), psk, pskId, senderSecretKey: s.secretKey });
  const base = { mode: 'auth_psk', recipientSecretKey: r.secretKey, enc: sealed.enc, ciphertext: sealed.ciphertext, psk, pskId, senderPublicKey: s.publicKey };
  assert.deepEqual([...m.hpke.open(base)], [1, 2, 3]);
  const flipped = sealed.ciphertext.slice();
  flipped[0] ^= 1;
  assert.equal(codeOf(() => m.hpke.open({ ...base, ciphertext: flipped })), 'DECRYPT_FAILED', 'flipped ciphertext');
  assert.equal(codeOf(() => m.hpke.open({ ...base, ciphertext: sealed.ciphertext.slice(0, -1) })), 'DECRYPT_FAILED', 'truncated ciphertext');
  assert.equal(codeOf(() => m.hpke.open({ ...base, recipientSecretKey: s.secretKey })), 'DECRYPT_FAILED', 'wrong recipient key');
  assert.equal(codeOf(() => m.hpke.open({ ...base, senderPublicKey: r.publicKey })), 'DECRYPT_FAILED', 'wrong sender key');
  assert.equal(codeOf(() => m.hpke.open({ ...base, psk: u8(nodeRandom(32)) })), 'DECRYPT_FAILED', 'wrong psk');
  assert.equal(codeOf(() => m.hpke.open({ ...base, aead: 1 })), 'DECRYPT_FAILED', 'wrong AEAD');
  assert.equal(codeOf(() => m.hpke.open({ ...base, mode: 'auth' })), 'INVALID_INPUT', 'auth mode with a psk');
  assert.equal(codeOf(() => m.hpke.open({ ...base, mode: 'psk', senderPublicKey: undefined })), 'DECRYPT_FAILED', 'psk mode');
  assert.equal(codeOf(() => m.hpke.open({ ...base, mode: 'sideways' })), 'INVALID_INPUT', 'unknown mode');
  assert.equal(codeOf(() => m.hpke.open({ ...base, psk: undefined })), 'INVALID_INPUT', 'auth_psk without a psk');
  // A non-contributory DH result is refused; on the receiving side that is
  // reported as the (deliberately opaque) decryption failure.
  assert.equal(codeOf(() => m.hpke.open({ ...base, enc: u8(32) })), 'DECRYPT_FAILED', 'all-zero enc');
  assert.equal(codeOf(() => m.hpke.open({ ...base, enc: sealed.enc.slice(0, 31) })), 'INVALID_INPUT', 'short enc');
  assert.equal(codeOf(() => m.hpke.seal({ recipientPublicKey: u8(32).fill(0).map((_, i) => (i === 0 ? 1 : 0)), plaintext: u8(1) })), 'INVALID_KEY', 'low-order point 1');
  assert.equal(codeOf(() => m.hpke.setupReceiver({ recipientSecretKey: r.secretKey })), 'INVALID_INPUT', 'enc missing');
  assert.equal(codeOf(() => m.hpke.exportSecret({ recipientSecretKey: r.secretKey, enc: sealed.enc, exporterContext: u8(0), length: 255 * 32 + 1 })), 'INVALID_INPUT', 'export too long');
  assert.equal(codeOf(() => m.hpke.exportSecret({ recipientSecretKey: r.secretKey, enc: sealed.enc, exporterContext: u8(0), length: -1 })), 'INVALID_INPUT', 'negative length');
  const ctx = m.hpke.setupSender({ recipientPublicKey: r.publicKey });
  ctx.free();
  ctx.free();
  assert.equal(codeOf(() => ctx.seal(u8(1))), 'INVALID_INPUT', 'a freed context');
  assert.equal(codeOf(() => ctx.enc), 'INVALID_INPUT', 'enc of a freed context');
});

test('streams: round trip at several sizes and chunk sizes', () => {
  const kp = m.hpke.generateKeyPair();
  for (const [size, chunkSize] of [[0, undefined], [1, 1024], [5000, 1024], [3 * 65536 + 5, undefined], [2 * 1024 * 1024, 256 * 1024]]) {
    const data = u8(nodeRandom(size));
    const s = m.createSealStream(kp.publicKey, { info: u8([1]), aad: u8([2]), chunkSize });
    const sealed = [];
    for (let off = 0; off < data.length; off += 3001) sealed.push(s.push(data.subarray(off, off + 3001)));
    sealed.push(s.finish());
    const o = m.createOpenStream(kp.secretKey, s.header, { info: u8([1]), aad: u8([2]) });
    const out = Buffer.concat(sealed.map((c) => o.push(c)));
    o.finish();
    assert.ok(out.equals(Buffer.from(data)), `size ${size}`);
    s.free();
    o.free();
  }
});

test('streams negative: reordered, dropped, duplicated, appended, truncated chunks → typed codes', () => {
  const kp = m.hpke.generateKeyPair();
  const s = m.createSealStream(kp.publicKey, { chunkSize: 1024 });
  const chunks = [s.push(u8(nodeRandom(1024))), s.push(u8(nodeRandom(1024))), s.push(u8(nodeRandom(1024))), s.finish(u8(nodeRandom(10)))].filter((c) => c.length > 0);
  assert.ok(chunks.length >= 3, `${chunks.length} sealed chunks`);
  const run = (list, finish = true) =>
    codeOf(() => {
      const o = m.createOpenStream(kp.secretKey, s.header);
      for (const c of list) o.push(c);
      if (finish) o.finish();
    });
  assert.equal(run(chunks), 'no error');
  assert.equal(run([chunks[1], chunks[0], ...chunks.slice(2)]), 'DECRYPT_FAILED', 'reordered');
  assert.equal(run([chunks[0], ...chunks.slice(2)]), 'DECRYPT_FAILED', 'dropped');
  assert.equal(run([chunks[0], chunks[0], ...chunks.slice(1)]), 'DECRYPT_FAILED', 'duplicated');
  assert.ok(['INVALID_INPUT', 'INVALID_ENVELOPE', 'DECRYPT_FAILED'].includes(run([...chunks, chunks[0]])), 'appended after the final chunk');
  assert.equal(run(chunks.slice(0, -1)), 'TRUNCATED', 'final chunk missing');
  assert.equal(run([]), 'TRUNCATED', 'nothing at all');
  const bad = chunks[0].slice();
  bad[bad.length - 1] ^= 1;
  assert.equal(run([bad, ...chunks.slice(1)]), 'DECRYPT_FAILED', 'flipped tag');
  assert.equal(codeOf(() => m.createOpenStream(m.hpke.generateKeyPair().secretKey, s.header).push(chunks[0])), 'DECRYPT_FAILED', 'wrong key');
  const header = s.header.slice();
  header[0] ^= 0xff;
  assert.ok(['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM'].includes(codeOf(() => m.createOpenStream(kp.secretKey, header))), 'bad header');
  assert.equal(codeOf(() => m.createOpenStream(kp.secretKey, s.header.slice(0, 5))), 'TRUNCATED', 'short header');
  assert.equal(codeOf(() => s.push(u8(1))), 'INVALID_INPUT', 'push after finish');
  assert.equal(codeOf(() => m.createSealStream(kp.publicKey, { chunkSize: 1 })), 'INVALID_INPUT', 'chunk size too small');
});
