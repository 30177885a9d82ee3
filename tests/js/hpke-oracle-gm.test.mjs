// mpshield's gm HPKE through the JavaScript API (the wasm build) against
// the independent RFC 9180 implementation of tests/peers/hpke-generic.mjs
// (from sm-crypto-v2's SM2/SM3/SM4; checked against the official vectors in
// its intl instantiation by tests/js/hpke-oracle.test.mjs): every mode,
// single-shot and contexts, exports up to 8,160 bytes, both directions;
// a changed byte does not open on either side; a gm envelope opens in the
// oracle from its documented layout (docs/FORMAT.md, version 2).
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes as nodeRandom } from 'node:crypto';
import { importByName, linkPackage } from './helpers/link.mjs';
import { handle } from '../peers/hpke-generic.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const MODES = ['base', 'psk', 'auth', 'auth_psk'];
const hex = (b) => Buffer.from(b).toString('hex');
const bytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const GM = { kem: 0xfe10, kdf: 0xfe01, aead: 0xfe01 };
const EXPORTS = [[new Uint8Array(0), 32], [new Uint8Array([1, 2, 3]), 256], [new Uint8Array([9]), 8160]];

test('gm: mpshield seals, the oracle opens; the oracle seals, mpshield opens — every mode, several messages, exports', () => {
  const r = m.hpke.generateKeyPair({ kem: 'SM2' });
  const s = m.hpke.generateKeyPair({ kem: 'SM2' });
  for (const mode of MODES) {
    const psk = mode.includes('psk') ? { psk: new Uint8Array(nodeRandom(32)), pskId: new Uint8Array([5, 6]) } : {};
    const auth = mode.startsWith('auth');
    const info = new Uint8Array(nodeRandom(20));
    const msgs = [0, 1, 100, 5000].map((n) => new Uint8Array(nodeRandom(n)));
    const aads = msgs.map((_, i) => new Uint8Array([i, 7]));
    // mpshield → oracle
    const ctx = m.hpke.setupSender({ mode, ...psk, recipientPublicKey: r.publicKey, info, senderSecretKey: auth ? s.secretKey : undefined });
    const cts = msgs.map((pt, i) => ctx.seal(pt, aads[i]));
    const ours = EXPORTS.map(([c, l]) => hex(ctx.exportSecret(c, l)));
    const entry = {
      ...GM, mode, skR: hex(r.secretKey), enc: hex(ctx.enc), info: hex(info),
      psk: psk.psk ? hex(psk.psk) : '', psk_id: psk.pskId ? hex(psk.pskId) : '',
      pkS: auth ? hex(s.publicKey) : undefined, aad: aads.map(hex),
      exports: EXPORTS.map(([c, l]) => ({ context: hex(c), L: l })),
    };
    const tampered = cts.map((c) => c.slice());
    tampered[3][10] ^= 1;
    const reply = handle({
      open: [{ ...entry, ct: cts.map(hex) }, { ...entry, ct: tampered.map(hex) }],
      seal: [{
        ...GM, mode, pkR: hex(r.publicKey), info: hex(info), psk: entry.psk, psk_id: entry.psk_id,
        skS: auth ? hex(s.secretKey) : undefined, aad: aads.map(hex), pt: msgs.map(hex), exports: entry.exports,
      }],
    });
    const opened = reply.opened[0];
    assert.equal(opened.error, null, `${mode}: ${opened.error}`);
    assert.deepEqual(opened.pt, msgs.map(hex), `${mode}: the oracle opens mpshield's messages`);
    assert.deepEqual(opened.exports, ours, `${mode}: the oracle's exports equal mpshield's`);
    assert.equal(reply.opened[1].pt[3], null, `${mode}: the oracle opened a tampered message`);
    // oracle → mpshield
    const sealed = reply.sealed[0];
    assert.equal(sealed.error, null, `${mode}: ${sealed.error}`);
    const rctx = m.hpke.setupReceiver({ mode, ...psk, recipientSecretKey: r.secretKey, enc: bytes(sealed.enc), info, senderPublicKey: auth ? s.publicKey : undefined });
    sealed.ct.forEach((c, i) => assert.equal(hex(rctx.open(bytes(c), aads[i])), hex(msgs[i]), `${mode}: mpshield opens the oracle's message ${i}`));
    assert.deepEqual(EXPORTS.map(([c, l]) => hex(rctx.exportSecret(c, l))), sealed.exports, `${mode}: exports`);
    const bad = bytes(sealed.ct[1]);
    bad[0] ^= 0x80;
    const single = m.hpke.setupReceiver({ mode, ...psk, recipientSecretKey: r.secretKey, enc: bytes(sealed.enc), info, senderPublicKey: auth ? s.publicKey : undefined });
    single.open(bytes(sealed.ct[0]), aads[0]);
    assert.throws(() => single.open(bad, aads[1]), (e) => e.code === 'DECRYPT_FAILED', `${mode}: a tampered oracle message`);
    ctx.free();
    rctx.free();
    single.free();
  }
});

test('gm envelope: the oracle opens it from the documented layout', () => {
  const r = m.hpke.generateKeyPair({ kem: 'SM2' });
  const pt = new TextEncoder().encode('住宿登记 测试丙');
  const env = m.seal(r.publicKey, pt, { info: new Uint8Array([1]), aad: new Uint8Array([2]) });
  const header = env.subarray(0, 97);
  const reply = handle({
    open: [{ ...GM, mode: 'base', skR: hex(r.secretKey), enc: hex(header.subarray(28, 93)), info: '01', aad: hex(header) + '02', ct: hex(env.subarray(97)) }],
  });
  assert.equal(reply.opened[0].error, null, reply.opened[0].error);
  assert.equal(reply.opened[0].pt, hex(pt));
});
