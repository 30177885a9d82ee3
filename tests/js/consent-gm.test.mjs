// The gm (国密) consent log through the package (the full module, Node),
// checked by an independent peer (tests/js/helpers/consent-peer.mjs:
// sm-crypto-v2's SM2 and SM3, RFC 6962 / 9162 and the receipt layout written
// out by hand):
// - ConsentLog.create with an SM2 key is a gm log: SM3 leaf hashes and
//   root, SM2-signed checkpoints (C2SP signature type 0xff) that
//   sm-crypto-v2 verifies, and a checkpoint sm-crypto-v2 signed with the
//   log's key that checkpoint.verify accepts;
// - receipts (magic MPR\x02) parsed by hand, their SM3 inclusion proofs
//   walked by hand, and consent.verifyReceipt with the SM2 JWK;
// - merkle.* with { hash: 'sm3' }, and the same proofs refused as SHA-256;
// - a save and a load through storage.memory() (SM4-GCM storage);
// - consent.verifyContinuity with a gm wallet's SM2 device JWK;
// - negatives: a tampered or re-signed checkpoint, an SM2 receipt under an
//   Ed25519 key and an intl receipt under an SM2 key, a relabelled magic,
//   flipped bytes, wrong curves, an ES256 device key, bad `hash` values, a
//   gm store opened with an Ed25519 key.
// Synthetic data only.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';
import { T0, syntheticRecord } from './helpers/consent-records.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, ID_NUMBER, code as asyncCode, uscc } from './helpers/flow-scenario.mjs';
import {
  HASHES,
  RECEIPT_MAGIC,
  equalBytes,
  leafHash,
  parseNote,
  parseReceipt,
  sm2PublicHex,
  sm2SignCheckpoint,
  sm2VerifyNote,
  treeHash,
  verifyInclusion,
} from './helpers/consent-peer.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const ORIGIN = 'mpshield.example/device/js-gm-test';
const hex = (b) => Buffer.from(b).toString('hex');
/** The code of the MpShieldError a synchronous `f` throws, or 'no error'. */
function code(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof m.MpShieldError, `an MpShieldError, got ${e && e.stack}`);
    return e.code;
  }
  return 'no error';
}
const flip = (b, i, bit = 1) => {
  const c = new Uint8Array(b);
  c[i] ^= bit;
  return c;
};

/** Record `i` of the synthetic mix, as a gm log takes it: a notice is named by SM3 (`notice.sm3`). */
function gmRecord(i) {
  const r = syntheticRecord(i, T0);
  if (r.notice) r.notice = { url: r.notice.url, sm3: r.notice.sha256 };
  return r;
}

function gmLog(n) {
  const key = m.SigningKey.generate('SM2');
  const log = m.ConsentLog.create({ signingKey: key, origin: ORIGIN });
  const appended = [];
  for (let i = 0; i < n; i++) appended.push(log.append(gmRecord(i)));
  return { key, log, jwk: key.publicJwk(), appended };
}

function intlLog(n) {
  const key = m.SigningKey.generate('EdDSA');
  const log = m.ConsentLog.create({ signingKey: key, origin: ORIGIN });
  for (let i = 0; i < n; i++) log.append(syntheticRecord(i, T0));
  return { key, log, jwk: key.publicJwk() };
}

test('an SM2 key makes a gm log: SM3 leaves and root, a checkpoint sm-crypto-v2 verifies', () => {
  const { key, log, jwk, appended } = gmLog(7);
  assert.equal(log.suite, 'gm');
  assert.equal(jwk.kty, 'EC');
  assert.equal(jwk.crv, 'SM2');
  assert.equal(log.size, 7);

  // Every leaf hash is SM3(0x00 ‖ record), the record as its receipt carries it.
  const leaves = [];
  for (let i = 0; i < 7; i++) {
    const r = parseReceipt(log.receipt(i));
    const leaf = leafHash(HASHES.sm3, r.record);
    assert.equal(hex(appended[i].leafHash), hex(leaf), 'leaf ' + i);
    assert.equal(hex(m.merkle.leafHash(r.record, { hash: 'sm3' })), hex(leaf));
    assert.notEqual(hex(m.merkle.leafHash(r.record)), hex(leaf), 'the default is SHA-256');
    assert.equal(hex(m.merkle.leafHash(r.record)), hex(leafHash(HASHES.sha256, r.record)));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(r.record)), log.get(i));
    leaves.push(leaf);
  }
  assert.equal(hex(log.root()), hex(treeHash(HASHES.sm3, leaves)), 'the root is the SM3 MTH (RFC 6962 §2.1)');

  // The checkpoint: SM2 over the body, key ID of type 0xff; sm-crypto-v2 agrees.
  const note = log.checkpoint();
  const parsed = parseNote(note);
  assert.equal(parsed.origin, ORIGIN);
  assert.equal(parsed.size, 7);
  assert.equal(hex(parsed.root), hex(log.root()));
  assert.equal(parsed.signatures.length, 1);
  assert.equal(parsed.signatures[0].name, ORIGIN);
  assert.equal(parsed.signatures[0].signature.length, 64, 'r‖s, 64 bytes');
  assert.ok(sm2VerifyNote(note, jwk, ORIGIN), 'sm-crypto-v2 verifies the checkpoint');
  const info = m.checkpoint.verify(note, jwk, ORIGIN);
  assert.equal(info.origin, ORIGIN);
  assert.equal(info.size, 7);
  assert.equal(hex(info.root), hex(log.root()));

  // The other way: a checkpoint sm-crypto-v2 signs with the log's secret.
  const d = Buffer.from(key.exportPrivateJwkDangerously().d, 'base64url').toString('hex');
  const peerNote = sm2SignCheckpoint(ORIGIN, 7, log.root(), d, sm2PublicHex(jwk));
  assert.ok(sm2VerifyNote(peerNote, jwk, ORIGIN));
  assert.equal(hex(m.checkpoint.verify(peerNote, jwk, ORIGIN).root), hex(log.root()));
  // … and one it signs over another size is refused by both.
  const wrong = sm2SignCheckpoint(ORIGIN, 6, log.root(), d, sm2PublicHex(jwk)).replace('\n6\n', '\n7\n');
  assert.ok(!sm2VerifyNote(wrong, jwk, ORIGIN));
  assert.equal(code(() => m.checkpoint.verify(wrong, jwk, ORIGIN)), 'INVALID_CHECKPOINT');
  key.free();
  log.free();
});

test('tampered checkpoints are refused by mpshield and by sm-crypto-v2', () => {
  const { log, jwk } = gmLog(3);
  const note = log.checkpoint();
  const size = note.replace(`${ORIGIN}\n3\n`, `${ORIGIN}\n4\n`);
  const b64 = note.split('\n')[2];
  const otherRoot = Buffer.from(flip(Buffer.from(b64, 'base64'), 0)).toString('base64');
  const root = note.replace(b64, otherRoot);
  const sigLine = note.split('\n')[4];
  const blob = Buffer.from(sigLine.split(' ').pop(), 'base64');
  const sig = note.replace(sigLine, sigLine.replace(blob.toString('base64'), Buffer.from(flip(blob, 40)).toString('base64')));
  const keyId = note.replace(sigLine, sigLine.replace(blob.toString('base64'), Buffer.from(flip(blob, 0)).toString('base64')));
  for (const [what, bad] of [['size', size], ['root', root], ['signature', sig], ['key ID', keyId]]) {
    assert.ok(!sm2VerifyNote(bad, jwk, ORIGIN), what);
    assert.equal(code(() => m.checkpoint.verify(bad, jwk, ORIGIN)), 'INVALID_CHECKPOINT', what);
  }
  // Another origin, another SM2 key, an Ed25519 key: no signature by them.
  assert.equal(code(() => m.checkpoint.verify(note, jwk, ORIGIN + '/x')), 'INVALID_CHECKPOINT');
  const other = m.SigningKey.generate('SM2');
  assert.equal(code(() => m.checkpoint.verify(note, other.publicJwk(), ORIGIN)), 'INVALID_CHECKPOINT');
  const ed = m.SigningKey.generate('EdDSA');
  assert.equal(code(() => m.checkpoint.verify(note, ed.publicJwk(), ORIGIN)), 'INVALID_CHECKPOINT');
  // And an intl checkpoint under the SM2 key.
  const intl = intlLog(2);
  assert.equal(code(() => m.checkpoint.verify(intl.log.checkpoint(), jwk, ORIGIN)), 'INVALID_CHECKPOINT');
  // Wrong curves and key types around the SM2 coordinates.
  const p256 = m.SigningKey.generate('ES256');
  assert.equal(code(() => m.checkpoint.verify(note, p256.publicJwk(), ORIGIN)), 'UNSUPPORTED_ALGORITHM');
  const { x, y } = jwk;
  assert.equal(code(() => m.checkpoint.verify(note, { kty: 'EC', crv: 'P-256', x, y }, ORIGIN)), 'INVALID_JWK');
  assert.equal(code(() => m.checkpoint.verify(note, { kty: 'OKP', crv: 'SM2', x, y }, ORIGIN)), 'INVALID_JWK');
  assert.equal(code(() => m.checkpoint.verify(note, { kty: 'EC', crv: 'SM2', x, y: x }, ORIGIN)), 'INVALID_JWK');
  for (const k of [other, ed, p256, intl.key]) k.free();
  log.free();
  intl.log.free();
});

test('gm receipts: parsed by hand, SM3 inclusion walked by hand, verified with the SM2 JWK', () => {
  const { log, jwk } = gmLog(6);
  for (let i = 0; i < 6; i++) {
    const receipt = log.receipt(i);
    const r = parseReceipt(receipt);
    assert.deepEqual([...r.magic], RECEIPT_MAGIC.gm, 'MPR\\x02');
    assert.equal(r.index, i);
    const cp = parseNote(r.note);
    assert.ok(sm2VerifyNote(r.note, jwk, ORIGIN));
    const leaf = leafHash(HASHES.sm3, r.record);
    assert.ok(verifyInclusion(HASHES.sm3, leaf, r.index, cp.size, r.proof, cp.root), 'SM3 inclusion of ' + i);
    assert.ok(!verifyInclusion(HASHES.sha256, leafHash(HASHES.sha256, r.record), r.index, cp.size, r.proof, cp.root));

    const v = m.consent.verifyReceipt(receipt, jwk);
    assert.equal(v.index, i);
    assert.deepEqual(v.record, log.get(i));
    assert.equal(v.checkpoint.note, r.note);
    assert.equal(hex(v.checkpoint.root), hex(cp.root));
  }
  log.free();
});

test('a receipt under a key of the other suite, relabelled, or with a flipped byte is a typed error', () => {
  const gm = gmLog(3);
  const intl = intlLog(3);
  const gmReceipt = gm.log.receipt(1);
  const intlReceipt = intl.log.receipt(1);
  assert.deepEqual([...intlReceipt.slice(0, 4)], RECEIPT_MAGIC.intl);
  // An SM2 receipt under an Ed25519 key, an intl receipt under an SM2 key.
  assert.equal(code(() => m.consent.verifyReceipt(gmReceipt, intl.jwk)), 'INVALID_RECEIPT');
  assert.equal(code(() => m.consent.verifyReceipt(intlReceipt, gm.jwk)), 'INVALID_RECEIPT');
  // The magic relabelled: the suite it says is not the key's, or the
  // checkpoint carries no signature by a key of that suite.
  const relabelled = gmReceipt.slice();
  relabelled[3] = 0x01;
  assert.equal(code(() => m.consent.verifyReceipt(relabelled, gm.jwk)), 'INVALID_RECEIPT');
  assert.equal(code(() => m.consent.verifyReceipt(relabelled, intl.jwk)), 'INVALID_CHECKPOINT');
  relabelled[3] = 0x03;
  assert.equal(code(() => m.consent.verifyReceipt(relabelled, gm.jwk)), 'INVALID_RECEIPT');
  // Every flipped byte, a truncation, trailing garbage.
  for (let i = 0; i < gmReceipt.length; i += 5) {
    const got = code(() => m.consent.verifyReceipt(flip(gmReceipt, i), gm.jwk));
    assert.ok(['INVALID_RECEIPT', 'INVALID_CHECKPOINT', 'INVALID_PROOF'].includes(got), 'byte ' + i + ': ' + got);
  }
  assert.equal(code(() => m.consent.verifyReceipt(gmReceipt.slice(0, -1), gm.jwk)), 'INVALID_RECEIPT');
  const longer = new Uint8Array(gmReceipt.length + 1);
  longer.set(gmReceipt);
  assert.equal(code(() => m.consent.verifyReceipt(longer, gm.jwk)), 'INVALID_RECEIPT');
  // Another SM2 device, a P-256 key, a private JWK.
  const other = m.SigningKey.generate('SM2');
  assert.equal(code(() => m.consent.verifyReceipt(gmReceipt, other.publicJwk())), 'INVALID_CHECKPOINT');
  const p256 = m.SigningKey.generate('ES256');
  assert.equal(code(() => m.consent.verifyReceipt(gmReceipt, p256.publicJwk())), 'UNSUPPORTED_ALGORITHM');
  assert.equal(code(() => m.consent.verifyReceipt(gmReceipt, gm.key.exportPrivateJwkDangerously())), 'INVALID_JWK');
  for (const k of [gm.key, intl.key, other, p256]) k.free();
  gm.log.free();
  intl.log.free();
});

test("merkle.* with hash: 'sm3'; the same proofs checked as SHA-256 fail; bad hash values", () => {
  const { log } = gmLog(3);
  const oldRoot = log.root();
  for (let i = 3; i < 9; i++) log.append(gmRecord(i));
  const size = log.size;
  const root = log.root();
  for (let i = 0; i < size; i++) {
    const leaf = leafHash(HASHES.sm3, parseReceipt(log.receipt(i)).record);
    const proof = log.inclusionProof(i);
    assert.ok(verifyInclusion(HASHES.sm3, leaf, i, size, proof, root), 'by hand, ' + i);
    const args = { leafHash: leaf, index: i, treeSize: size, proof, root };
    assert.equal(m.merkle.verifyInclusion({ ...args, hash: 'sm3' }), true);
    assert.equal(code(() => m.merkle.verifyInclusion({ ...args, hash: 'sha256' })), 'INVALID_PROOF');
    assert.equal(code(() => m.merkle.verifyInclusion(args)), 'INVALID_PROOF', 'the default is SHA-256');
  }
  const consistency = log.consistencyProof(3);
  const cArgs = { oldSize: 3, newSize: size, oldRoot, newRoot: root, proof: consistency };
  assert.equal(m.merkle.verifyConsistency({ ...cArgs, hash: 'sm3' }), true);
  assert.equal(code(() => m.merkle.verifyConsistency({ ...cArgs, hash: 'sha256' })), 'INVALID_PROOF');
  assert.equal(code(() => m.merkle.verifyConsistency(cArgs)), 'INVALID_PROOF');
  assert.equal(code(() => m.merkle.verifyConsistency({ ...cArgs, oldRoot: flip(oldRoot, 0), hash: 'sm3' })), 'INVALID_PROOF');

  // Anything but 'sha256' and 'sm3' is INVALID_INPUT, in every function.
  const leaf = leafHash(HASHES.sm3, parseReceipt(log.receipt(0)).record);
  const iArgs = { leafHash: leaf, index: 0, treeSize: size, proof: log.inclusionProof(0), root };
  for (const bad of ['SM3', 'sha-256', 'SHA256', '', 'sm3 ', 'md5', 'x'.repeat(17), 5, null, true, {}, ['sm3']]) {
    const what = JSON.stringify(bad);
    assert.equal(code(() => m.merkle.leafHash(new Uint8Array(1), { hash: bad })), 'INVALID_INPUT', 'leafHash ' + what);
    assert.equal(code(() => m.merkle.verifyInclusion({ ...iArgs, hash: bad })), 'INVALID_INPUT', 'verifyInclusion ' + what);
    assert.equal(code(() => m.merkle.verifyConsistency({ ...cArgs, hash: bad })), 'INVALID_INPUT', 'verifyConsistency ' + what);
  }
  assert.equal(code(() => m.merkle.leafHash(new Uint8Array(1), { alg: 'sm3' })), 'INVALID_INPUT', 'unknown option');
  assert.equal(code(() => m.merkle.leafHash(new Uint8Array(1), 'sm3')), 'INVALID_INPUT', 'options must be an object');
  // The SM3 and SHA-256 leaf hashes by hand.
  const data = new TextEncoder().encode('mpshield');
  assert.equal(hex(m.merkle.leafHash(data, { hash: 'sm3' })), hex(leafHash(HASHES.sm3, data)));
  assert.equal(hex(m.merkle.leafHash(data, { hash: 'sha256' })), hex(leafHash(HASHES.sha256, data)));
  assert.equal(hex(m.merkle.leafHash(data, {})), hex(leafHash(HASHES.sha256, data)));
  log.free();
});

test('an ES256 key makes no log; an EdDSA key an intl one', () => {
  const p256 = m.SigningKey.generate('ES256');
  assert.equal(code(() => m.ConsentLog.create({ signingKey: p256, origin: ORIGIN })), 'UNSUPPORTED_ALGORITHM');
  const intl = intlLog(1);
  assert.equal(intl.log.suite, 'intl');
  assert.deepEqual([...intl.log.receipt(0).slice(0, 4)], RECEIPT_MAGIC.intl);
  p256.free();
  intl.key.free();
  intl.log.free();
});

test('a gm log saves and loads through storage; the other suite, another key or storage key are refused', async () => {
  const { key, log, jwk } = gmLog(4);
  const store = m.storage.memory();
  const storageKey = m.randomBytes(32);
  const saved = await log.save(store, storageKey);
  assert.ok(saved.keys > 0);
  const note = log.checkpoint();
  log.append(gmRecord(4));
  await log.save(store, storageKey);
  const back = await m.ConsentLog.load(store, storageKey, { signingKey: key, origin: ORIGIN, trustedCheckpoint: note });
  assert.equal(back.suite, 'gm');
  assert.equal(back.size, 5);
  assert.equal(hex(back.root()), hex(log.root()));
  assert.deepEqual(back.get(4), log.get(4));
  assert.ok(sm2VerifyNote(back.checkpoint(), jwk, ORIGIN));
  assert.equal(m.consent.verifyReceipt(back.receipt(2), jwk).index, 2);
  // It goes on: appends, saves, loads again.
  back.append(gmRecord(5));
  await back.save(store, storageKey);
  const again = await m.ConsentLog.load(store, storageKey, { signingKey: key, origin: ORIGIN });
  assert.equal(again.size, 6);
  assert.equal(hex(again.root()), hex(back.root()));

  // An Ed25519 key cannot open a gm store; another SM2 key or storage key neither.
  const ed = m.SigningKey.generate('EdDSA');
  assert.equal(await asyncCode(() => m.ConsentLog.load(store, storageKey, { signingKey: ed, origin: ORIGIN })), 'UNSUPPORTED_ALGORITHM');
  const other = m.SigningKey.generate('SM2');
  assert.equal(await asyncCode(() => m.ConsentLog.load(store, storageKey, { signingKey: other, origin: ORIGIN })), 'STORAGE_CORRUPT');
  assert.equal(await asyncCode(() => m.ConsentLog.load(store, m.randomBytes(32), { signingKey: key, origin: ORIGIN })), 'DECRYPT_FAILED');
  // A trusted checkpoint newer than what is stored is a rollback.
  const ahead = again.checkpoint();
  const fresh = m.storage.memory();
  await log.save(fresh, storageKey); // log is at size 5, behind `ahead` (6)
  assert.equal(await asyncCode(() => m.ConsentLog.load(fresh, storageKey, { signingKey: key, origin: ORIGIN, trustedCheckpoint: ahead })), 'ROLLBACK_DETECTED');
  // Tampered stored bytes never load.
  // (A flipped head slot, a hint, may still load: the commits are probed.)
  const entries = store.entries();
  for (const [k] of entries) {
    const t = m.storage.memory();
    for (const [k2, v2] of entries) await t.set(k2, k2 === k ? flip(v2, v2.length >> 1) : v2);
    const got = await asyncCode(() => m.ConsentLog.load(t, storageKey, { signingKey: key, origin: ORIGIN }));
    assert.ok(['STORAGE_CORRUPT', 'DECRYPT_FAILED', 'ROLLBACK_DETECTED', 'no error'].includes(got), k + ': ' + got);
  }
  for (const h of [key, ed, other]) h.free();
  for (const l of [log, back, again]) l.free();
});

test('consent.verifyContinuity takes and returns an SM2 device JWK (a gm wallet)', async () => {
  const issuer = m.SigningKey.generate('SM2');
  const hpkeKeyPair = m.hpke.generateKeyPair({ kem: 'SM2' });
  const hotelKey = m.SigningKey.generate('SM2');
  const hotel = m.Verifier.create({
    suite: 'gm', name: '测试酒店有限公司', uscc: uscc(7), signingKey: hotelKey, hpkeKeyPair,
    trustedIssuers: [issuer.publicJwk()],
  });
  const wallet = await m.Wallet.open({
    suite: 'gm', storage: m.storage.memory(), storageKey: m.randomBytes(32), trustedVerifiers: [hotel.publicJwk()],
  });
  await wallet.addCredential(m.licence.issue({
    type: 'resident_id_card', issuerKey: issuer, holderPublicJwk: wallet.holderPublicJwk(), iss: 'https://gov.example/issuer',
    fields: {
      name: '测试乙', sex: 'male', ethnicity: '汉', birth_date: '1990-05-17', address: '广东省深圳市南山区测试路1号',
      id_number: ID_NUMBER, issuing_authority: '深圳市公安局南山分局', valid_from: '2024-01-01', valid_until: '2034-01-01',
    },
  }));
  const request = hotel.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const { envelope } = await wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  const accepted = await hotel.open(envelope);
  const held = accepted.receipt.checkpoint;
  const deviceJwk = accepted.devicePublicJwk;
  assert.equal(deviceJwk.kty, 'EC');
  assert.equal(deviceJwk.crv, 'SM2');
  assert.deepEqual(deviceJwk, wallet.devicePublicJwk());
  assert.ok(sm2VerifyNote(held, deviceJwk, held.split('\n')[0]), 'sm-crypto-v2 verifies the wallet checkpoint');
  const origin = held.split('\n')[0];
  const c = m.consent.verifyContinuity({ proof: wallet.continuityProof(held), checkpoint: held, devicePublicJwk: deviceJwk, origin });
  assert.deepEqual(c.devicePublicJwk, wallet.devicePublicJwk());
  assert.equal(c.devicePublicJwk.crv, 'SM2');
  assert.equal(c.restored, null);
  assert.ok(equalBytes(c.checkpoint.root, parseNote(wallet.checkpoint()).root));
  // The same proof under an Ed25519 key, or another SM2 key: refused.
  const ed = m.SigningKey.generate('EdDSA');
  const other = m.SigningKey.generate('SM2');
  for (const k of [ed, other]) {
    const got = code(() => m.consent.verifyContinuity({ proof: wallet.continuityProof(held), checkpoint: held, devicePublicJwk: k.publicJwk(), origin }));
    assert.equal(got, 'INVALID_CHECKPOINT');
  }
  for (const h of [issuer, hotelKey, ed, other, wallet, hotel]) h.free();
});
