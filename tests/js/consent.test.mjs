// The consent log through the Node package: ConsentLog round trips
// (append, withdraw, status, history, receipts, proofs), the RFC 6962 known
// answer through `merkle`, negative cases (flipped bits in receipts, proofs
// and checkpoints; another key; another origin), and persistence through the
// storage adapters (memory, file, a localStorage stand-in, failing ones):
// round trips, tampering, rollback and failed saves, each a typed error.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { importByName, linkPackage } from './helpers/link.mjs';
import { RFC6962_LEAVES, RFC6962_ROOT, T0, syntheticRecord } from './helpers/consent-records.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const ORIGIN = 'mpshield.example/device/js-test';
const hex = (b) => Buffer.from(b).toString('hex');
const fromHex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const flip = (b, i, bit = 1) => {
  const c = new Uint8Array(b);
  c[i] ^= bit;
  return c;
};

/** Runs `f` (sync or async) and returns the MpShieldError code it throws. */
async function code(f) {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof m.MpShieldError, `an MpShieldError, got ${e && e.stack}`);
    return e.code;
  }
  return 'no error';
}

function newLog(n = 0) {
  const key = m.SigningKey.generate('EdDSA');
  const log = m.ConsentLog.create({ signingKey: key, origin: ORIGIN });
  for (let i = 0; i < n; i++) log.append(syntheticRecord(i, T0));
  return { key, log, jwk: key.publicJwk() };
}

const storageKey = () => new Uint8Array(32).fill(0x42);

test('RFC 6962 known answer through merkle: leaves, inclusion and consistency', () => {
  const leaves = RFC6962_LEAVES.map((h) => m.merkle.leafHash(fromHex(h)));
  assert.equal(hex(leaves[0]), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', 'SHA-256(0x00)');
  // Build the same tree in a ConsentLog-independent way: recompute the root
  // by hand (RFC 6962 §2.1) and check it against the known answer.
  const node = (a, b) => new Uint8Array(createHash('sha256').update(Buffer.from([1])).update(a).update(b).digest());
  const mth = (ls) => {
    if (ls.length === 1) return ls[0];
    let k = 1;
    while (k * 2 < ls.length) k *= 2;
    return node(mth(ls.slice(0, k)), mth(ls.slice(k)));
  };
  const root = mth(leaves);
  assert.equal(hex(root), RFC6962_ROOT);
  // Inclusion of leaf 5 in the tree of 8: audit path from RFC 6962's
  // structure, verified by the module.
  const path5 = [leaves[4], node(leaves[6], leaves[7]), mth(leaves.slice(0, 4))];
  assert.equal(m.merkle.verifyInclusion({ leafHash: leaves[5], index: 5, treeSize: 8, proof: path5, root }), true);
  // Consistency 3 → 8: [leaf2, leaf3, node(0,1)...] per RFC 9162 §2.1.4.
  const old3 = mth(leaves.slice(0, 3));
  const proof38 = [leaves[2], leaves[3], node(leaves[0], leaves[1]), mth(leaves.slice(4, 8))];
  assert.equal(m.merkle.verifyConsistency({ oldSize: 3, newSize: 8, oldRoot: old3, newRoot: root, proof: proof38 }), true);
  // Negatives: a flipped bit anywhere, wrong index, wrong size, malformed.
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: 5, treeSize: 8, proof: [flip(path5[0], 0), path5[1], path5[2]], root }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: 4, treeSize: 8, proof: path5, root }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: 5, treeSize: 8, proof: path5.slice(0, 2), root }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: 5, treeSize: 8, proof: path5, root: flip(root, 31, 0x80) }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyConsistency({ oldSize: 3, newSize: 8, oldRoot: flip(old3, 7), newRoot: root, proof: proof38 }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyConsistency({ oldSize: 3, newSize: 8, oldRoot: old3, newRoot: root, proof: proof38.slice(1) }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyConsistency({ oldSize: 9, newSize: 8, oldRoot: old3, newRoot: root, proof: proof38 }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5].slice(1), index: 5, treeSize: 8, proof: path5, root }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: 5, treeSize: 8, proof: [path5[0].slice(0, 31)], root }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: -1, treeSize: 8, proof: path5, root }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: 5, treeSize: 8, proof: 'x', root }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.merkle.verifyConsistency({ oldSize: 3, newSize: 8, oldRoot: old3, newRoot: root }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash: leaves[5], index: 5, treeSize: 8, proof: path5, root, extra: 1 }), { code: 'INVALID_INPUT' });
});

test('the log proves what it holds: every inclusion and consistency proof up to 20 records', () => {
  const { log } = newLog(20);
  assert.equal(log.size, 20);
  const roots = [];
  for (let n = 1; n <= 20; n++) {
    for (let i = 0; i < n; i++) {
      const proof = log.inclusionProof(i, n);
      assert.ok(Array.isArray(proof) && proof.every((h) => h instanceof Uint8Array && h.length === 32));
      const leafHash = m.merkle.leafHash(new TextEncoder().encode(canonical(log.get(i))));
      // The root of the first n records, from a proof of leaf 0 at size n.
      if (i === 0) roots[n] = rootFrom(log, n);
      assert.equal(m.merkle.verifyInclusion({ leafHash, index: i, treeSize: n, proof, root: roots[n] }), true);
    }
  }
  assert.deepEqual(roots[20], log.root());
  for (let a = 1; a <= 20; a++) {
    for (let b = a; b <= 20; b++) {
      const proof = log.consistencyProof(a, b);
      assert.equal(m.merkle.verifyConsistency({ oldSize: a, newSize: b, oldRoot: roots[a], newRoot: roots[b], proof }), true);
    }
  }
  assert.deepEqual(log.inclusionProof(19), log.inclusionProof(19, 20), 'treeSize defaults to size');
  assert.deepEqual(log.consistencyProof(5), log.consistencyProof(5, 20), 'newSize defaults to size');
  assert.throws(() => log.inclusionProof(20), { code: 'INVALID_INPUT' });
  assert.throws(() => log.inclusionProof(3, 21), { code: 'INVALID_INPUT' });
  assert.throws(() => log.consistencyProof(0, 5), { code: 'INVALID_INPUT' });
  assert.throws(() => log.consistencyProof(6, 5), { code: 'INVALID_INPUT' });
  assert.throws(() => log.get(20), { code: 'RECORD_NOT_FOUND' });
  assert.throws(() => log.get(1.5), { code: 'INVALID_INPUT' });
});

/** RFC 8785 for the records used here (ASCII keys, integers, strings). */
function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

/** The root of a log's first n records, from a receipt-free recomputation. */
function rootFrom(log, n) {
  const leaves = [];
  for (let i = 0; i < n; i++) leaves.push(m.merkle.leafHash(new TextEncoder().encode(canonical(log.get(i)))));
  const node = (a, b) => new Uint8Array(createHash('sha256').update(Buffer.from([1])).update(a).update(b).digest());
  const mth = (ls) => {
    if (ls.length === 1) return ls[0];
    let k = 1;
    while (k * 2 < ls.length) k *= 2;
    return node(mth(ls.slice(0, k)), mth(ls.slice(k)));
  };
  return mth(leaves);
}

test('append, withdraw, status, history and receipts round-trip', () => {
  const { key, log, jwk } = newLog();
  const hotel = syntheticRecord(0, T0);
  const a = log.append(hotel);
  assert.equal(a.index, 0);
  assert.ok(a.leafHash instanceof Uint8Array && a.leafHash.length === 32);
  const stored = log.get(0);
  assert.match(stored.recordId, /^[A-Za-z0-9_-]{22}$/, 'a fresh record id');
  assert.equal(stored.schemaVersion, 1);
  assert.deepEqual(stored.fields, hotel.fields);
  assert.deepEqual(a.leafHash, m.merkle.leafHash(new TextEncoder().encode(canonical(stored))), 'leaf = SHA-256(0x00 ‖ RFC 8785 record)');

  const sensitive = log.append({ ...syntheticRecord(6, T0), recordId: 'consent-sensitive-1' });
  const refused = log.append(syntheticRecord(9, T0));
  assert.equal(log.size, 3);

  // Status: the hotel consent expires after 30 days; the sensitive one is active.
  let s = log.status(T0 + 86400);
  assert.deepEqual(s.active.sort(), [stored.recordId, 'consent-sensitive-1'].sort());
  assert.deepEqual(s.refused, [log.get(refused.index).recordId]);
  s = log.status(T0 + 31 * 86400);
  assert.deepEqual(s.expired, [stored.recordId]);

  // Withdrawal: appended, linked, reflected in status; twice is INVALID_STATE.
  const w = log.withdraw('consent-sensitive-1', T0 + 7200);
  assert.equal(w.index, 3);
  assert.equal(log.get(3).event, 'withdrawn');
  assert.equal(log.get(3).refersTo, 'consent-sensitive-1');
  assert.deepEqual(log.status(T0 + 86400).withdrawn, ['consent-sensitive-1']);
  assert.throws(() => log.withdraw('consent-sensitive-1', T0 + 7300), { code: 'INVALID_STATE' });
  assert.throws(() => log.withdraw('no-such-record'), { code: 'RECORD_NOT_FOUND' });
  const now = log.withdraw(stored.recordId); // time defaults to now
  assert.ok(Math.abs(log.get(now.index).time - Date.now() / 1000) < 60);

  // History: Chinese by default, English on request, Asia/Shanghai only.
  const zh = log.history();
  assert.equal(zh.length, 5);
  assert.equal(zh[0].index, 0);
  assert.deepEqual(zh[0].record, stored);
  assert.equal(zh[0].line, '2026-11-22 14:03 向 某某酒店（第1分店） 提供了 姓名、公民身份号码（脱敏）用于 住宿登记，保存 30 天');
  const en = log.history({ locale: 'en', timeZone: 'Asia/Shanghai' });
  assert.match(en[0].line, /^2026-11-22 14:03 Gave name, ID number \(masked\) to /);
  assert.match(zh[3].line, /撤回了对 示例政务服务中心 的同意/);
  assert.throws(() => log.history({ timeZone: 'Europe/Paris' }), { code: 'INVALID_INPUT' });
  assert.throws(() => log.history({ locale: 'fr' }), { code: 'INVALID_INPUT' });
  assert.throws(() => log.history({ zone: 'Asia/Shanghai' }), { code: 'INVALID_INPUT' });

  // Receipts verify against the device's public JWK, for every record.
  for (let i = 0; i < log.size; i++) {
    const receipt = log.receipt(i);
    assert.ok(receipt instanceof Uint8Array);
    assert.ok(receipt.length < 2048, `compact (${receipt.length} bytes)`);
    const v = m.consent.verifyReceipt(receipt, jwk);
    assert.equal(v.index, i);
    assert.deepEqual(v.record, log.get(i));
    assert.equal(v.checkpoint.origin, ORIGIN);
    assert.equal(v.checkpoint.size, log.size);
    assert.deepEqual(v.checkpoint.root, log.root());
    assert.deepEqual(m.checkpoint.verify(v.checkpoint.note, jwk, ORIGIN), { origin: ORIGIN, size: log.size, root: log.root() });
  }
  // Record validation is the module's: unknown keys, bad USCC, sensitive without separate consent.
  assert.throws(() => log.append({ ...hotel, colour: 'blue' }), { code: 'INVALID_RECORD' });
  assert.throws(() => log.append({ ...hotel, controller: { name: 'x', uscc: '91440300MA0000001X' } }), { code: 'INVALID_RECORD' });
  assert.throws(() => log.append({ ...syntheticRecord(6, T0), consentType: 'explicit' }), { code: 'INVALID_RECORD' });
  assert.throws(() => log.append({ ...hotel, recordId: 'consent-sensitive-1' }), { code: 'INVALID_STATE' });
  assert.throws(() => log.append('not a record'), { code: 'INVALID_INPUT' });
  key.free();
  assert.equal(log.size, 5, 'the log keeps its own copy of the key');
  log.checkpoint();
});

test('ConsentLog.create: EdDSA only, a valid origin, known options; free and dispose', () => {
  const es = m.SigningKey.generate('ES256');
  assert.throws(() => m.ConsentLog.create({ signingKey: es, origin: ORIGIN }), { code: 'UNSUPPORTED_ALGORITHM' });
  const ed = m.SigningKey.generate('EdDSA');
  assert.throws(() => m.ConsentLog.create({ signingKey: ed, origin: 'has space' }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.ConsentLog.create({ signingKey: ed }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.ConsentLog.create({ signingKey: {}, origin: ORIGIN }), { code: 'INVALID_INPUT' });
  assert.throws(() => m.ConsentLog.create({ signingKey: ed, origin: ORIGIN, extra: 1 }), { code: 'INVALID_INPUT' });
  assert.throws(() => new m.ConsentLog(), { code: 'INVALID_INPUT' });
  const log = m.ConsentLog.create({ signingKey: ed, origin: ORIGIN });
  assert.equal(Object.prototype.toString.call(log), '[object ConsentLog]');
  log[Symbol.dispose]();
  log.free();
  assert.throws(() => log.size, { code: 'INVALID_INPUT' });
  assert.throws(() => log.append(syntheticRecord(0, T0)), { code: 'INVALID_INPUT' });
  // Checkpoint verification takes Ed25519 JWKs only.
  assert.throws(() => m.checkpoint.verify('x\n', es.publicJwk(), ORIGIN), { code: 'UNSUPPORTED_ALGORITHM' });
});

test('negative: a flipped bit in a receipt, a checkpoint; another key; another origin', () => {
  const { log, jwk } = newLog(12);
  const receipt = log.receipt(5);
  const other = m.SigningKey.generate('EdDSA').publicJwk();
  assert.equal(m.consent.verifyReceipt(receipt, jwk).index, 5);
  // Every byte of the receipt, one bit each: never accepted, always typed.
  const codes = new Set();
  for (let i = 0; i < receipt.length; i++) {
    const c = (() => {
      try {
        m.consent.verifyReceipt(flip(receipt, i, 1 << (i % 8)), jwk);
        return 'accepted';
      } catch (e) {
        assert.ok(e instanceof m.MpShieldError);
        return e.code;
      }
    })();
    assert.notEqual(c, 'accepted', `bit flip at byte ${i} accepted`);
    codes.add(c);
  }
  assert.deepEqual([...codes].sort(), ['INVALID_CHECKPOINT', 'INVALID_PROOF', 'INVALID_RECEIPT']);
  assert.throws(() => m.consent.verifyReceipt(receipt, other), { code: 'INVALID_CHECKPOINT' });
  assert.throws(() => m.consent.verifyReceipt(receipt.slice(0, -1), jwk), { code: 'INVALID_RECEIPT' });
  const trailing = new Uint8Array(receipt.length + 1);
  trailing.set(receipt);
  assert.throws(() => m.consent.verifyReceipt(trailing, jwk), { code: 'INVALID_RECEIPT' });

  const note = log.checkpoint();
  assert.equal(m.checkpoint.verify(note, jwk, ORIGIN).size, 12);
  assert.throws(() => m.checkpoint.verify(note, other, ORIGIN), { code: 'INVALID_CHECKPOINT' });
  assert.throws(() => m.checkpoint.verify(note, jwk, 'mpshield.example/device/other'), { code: 'INVALID_CHECKPOINT' });
  const body = note.split('\n');
  body[1] = '13';
  assert.throws(() => m.checkpoint.verify(body.join('\n'), jwk, ORIGIN), { code: 'INVALID_CHECKPOINT' });
  const sig = note.slice(note.lastIndexOf(' ') + 1, -1);
  const raw = Buffer.from(sig, 'base64');
  raw[10] ^= 1;
  const forged = note.slice(0, note.lastIndexOf(' ') + 1) + raw.toString('base64') + '\n';
  assert.throws(() => m.checkpoint.verify(forged, jwk, ORIGIN), { code: 'INVALID_CHECKPOINT' });

  // Another device's log under the same origin: receipts do not verify with this key.
  const { log: log2 } = newLog(3);
  assert.throws(() => m.consent.verifyReceipt(log2.receipt(0), jwk), { code: 'INVALID_CHECKPOINT' });
  // A proof for another index.
  const proof = log.inclusionProof(5);
  const leafHash = m.merkle.leafHash(new TextEncoder().encode(canonical(log.get(5))));
  assert.throws(() => m.merkle.verifyInclusion({ leafHash, index: 6, treeSize: 12, proof, root: log.root() }), { code: 'INVALID_PROOF' });
  assert.throws(() => m.merkle.verifyInclusion({ leafHash, index: 5, treeSize: 12, proof: [flip(proof[1], 3), ...proof.slice(1)].slice(0, proof.length), root: log.root() }), { code: 'INVALID_PROOF' });
});

test('save and load through storage.memory(): round trip, storage use, continuing', async () => {
  const { key, log } = newLog(40);
  const store = m.storage.memory();
  const used = await log.save(store, storageKey());
  assert.equal(used.keys, 2, 'one data segment and the commit (then the head slot)');
  assert.ok(used.bytes > 0 && used.bytes < store.bytesUsed(), `storage use reported: ${JSON.stringify(used)}`);
  const back = await m.ConsentLog.load(store, storageKey(), { signingKey: key, origin: ORIGIN, trustedCheckpoint: log.checkpoint() });
  assert.equal(back.size, 40);
  assert.deepEqual(back.root(), log.root());
  assert.deepEqual(back.get(17), log.get(17));
  // Continue and save again: the save writes what is new. Another storage
  // gets the whole log afresh; one that holds a log refuses it.
  back.append(syntheticRecord(40, T0));
  const second = await back.save(store, storageKey());
  assert.ok(second.bytes < used.bytes, 'the second save writes only what is new');
  const copy = m.storage.memory();
  assert.ok((await back.save(copy, storageKey())).bytes > second.bytes);
  assert.equal((await m.ConsentLog.load(copy, storageKey(), { signingKey: key, origin: ORIGIN })).size, 41);
  const other = m.storage.memory();
  await newLog(3).log.save(other, storageKey());
  assert.equal(await code(() => back.save(other, storageKey())), 'CONSENT_NOT_PERSISTED');
  const again = await m.ConsentLog.load(store, storageKey(), { signingKey: key, origin: ORIGIN, trustedCheckpoint: log.checkpoint() });
  assert.equal(again.size, 41);
  // Wrong storage key; another origin; another signing key.
  assert.equal(await code(() => m.ConsentLog.load(store, new Uint8Array(32).fill(1), { signingKey: key, origin: ORIGIN })), 'DECRYPT_FAILED');
  assert.equal(await code(() => m.ConsentLog.load(store, new Uint8Array(31), { signingKey: key, origin: ORIGIN })), 'INVALID_KEY');
  // The commit's checkpoint must be this key's, for this origin.
  assert.equal(await code(() => m.ConsentLog.load(store, storageKey(), { signingKey: key, origin: 'mpshield.example/other' })), 'STORAGE_CORRUPT');
  assert.equal(await code(() => m.ConsentLog.load(store, storageKey(), { signingKey: m.SigningKey.generate('EdDSA'), origin: ORIGIN })), 'STORAGE_CORRUPT');
  assert.equal(await code(() => m.ConsentLog.load(m.storage.memory(), storageKey(), { signingKey: key, origin: ORIGIN })), 'STORAGE_CORRUPT');
  assert.equal(await code(() => m.ConsentLog.load(store, storageKey(), { origin: ORIGIN })), 'INVALID_INPUT');
  assert.equal(await code(() => m.ConsentLog.load({ get() {} }, storageKey(), { signingKey: key, origin: ORIGIN })), 'INVALID_INPUT');
  assert.equal(await code(() => log.save(store, new Uint8Array(16))), 'INVALID_KEY');
  // Promises reject rather than throw, even for bad arguments.
  const p = m.ConsentLog.load(null, null, null);
  assert.ok(p instanceof Promise);
  await assert.rejects(p, { code: 'INVALID_INPUT' });
});

test('tampered storage is a typed error: a flipped bit anywhere, removed or longer values (format 2)', async () => {
  const { key, log } = newLog(300);
  const base = m.storage.memory();
  await log.save(base, storageKey());
  for (let i = 300; i < 303; i++) {
    log.append(syntheticRecord(i, T0));
    await log.save(base, storageKey());
  }
  const entries = base.entries();
  assert.ok(entries.length >= 4, `${entries.length} keys`);
  const load = (store) => m.ConsentLog.load(store, storageKey(), { signingKey: key, origin: ORIGIN });
  const withEntries = (list) => {
    const s = m.storage.memory();
    for (const [k, v] of list) s.set(k, v);
    return s;
  };
  assert.equal((await load(withEntries(entries))).size, 303);
  for (const [k, v] of entries) {
    for (const at of [0, 4, 20, 29, 30, Math.floor(v.length / 2), v.length - 1]) {
      const list = entries.map(([k2, v2]) => [k2, k2 === k ? flip(v2, at) : v2]);
      if (k.includes('/head/')) {
        // The head slot is only a hint where to start probing: a flipped
        // one is ignored and the newest commit still wins.
        assert.equal((await load(withEntries(list))).size, 303, `flip in ${k} at ${at}`);
        continue;
      }
      const c = await code(() => load(withEntries(list)));
      assert.ok(['STORAGE_CORRUPT', 'DECRYPT_FAILED', 'ROLLBACK_DETECTED'].includes(c) || c === 'no error', `flip in ${k} at ${at}: ${c}`);
      if (c === 'no error') {
        // Only a superseded commit may be damaged without effect, and then
        // the newest state is what loads.
        assert.ok(k.includes('/commit/'), `flip in ${k} at ${at} went unnoticed`);
        assert.equal((await load(withEntries(list))).size, 303);
      }
    }
  }
  // A removed segment; a segment one byte longer.
  const segs = entries.filter(([k]) => k.includes('/seg/'));
  const others = entries.filter(([k]) => !k.includes('/seg/'));
  assert.equal(await code(() => load(withEntries([...segs.slice(1), ...others]))), 'STORAGE_CORRUPT');
  const longer = new Uint8Array(segs[0][1].length + 1);
  longer.set(segs[0][1]);
  assert.equal(await code(() => load(withEntries([[segs[0][0], longer], ...segs.slice(1), ...others]))), 'STORAGE_CORRUPT');
  // A value that is not bytes.
  const notBytes = { get: (k) => (k.includes('/head/') ? 'text' : undefined), set() {}, remove() {} };
  assert.equal(await code(() => load(notBytes)), 'STORAGE_CORRUPT');
  // A read that fails.
  const failing = { get: () => Promise.reject(new Error('disk on fire')), set() {}, remove() {} };
  assert.equal(await code(() => load(failing)), 'STORAGE_CORRUPT');
});

test('rollback to an earlier save is ROLLBACK_DETECTED with a trusted checkpoint', async () => {
  const { key, log } = newLog(10);
  const store = m.storage.memory();
  await log.save(store, storageKey());
  const earlier = store.entries();
  log.append(syntheticRecord(10, T0));
  log.append(syntheticRecord(11, T0));
  await log.save(store, storageKey());
  const trusted = log.checkpoint(); // kept outside the log's storage (e.g. from a receipt)
  // The attacker restores the earlier, complete and valid state.
  for (const [k] of store.entries()) store.remove(k);
  for (const [k, v] of earlier) store.set(k, v);
  const opts = { signingKey: key, origin: ORIGIN };
  assert.equal((await m.ConsentLog.load(store, storageKey(), opts)).size, 10, 'without a trusted checkpoint it loads');
  assert.equal(await code(() => m.ConsentLog.load(store, storageKey(), { ...opts, trustedCheckpoint: trusted })), 'ROLLBACK_DETECTED');
  // A fork (another history of the same length, signed by the same key) is caught too.
  const fork = m.ConsentLog.create({ signingKey: key, origin: ORIGIN });
  for (let i = 100; i < 112; i++) fork.append(syntheticRecord(i, T0));
  const forked = m.storage.memory();
  await fork.save(forked, storageKey());
  assert.equal(await code(() => m.ConsentLog.load(forked, storageKey(), { ...opts, trustedCheckpoint: trusted })), 'ROLLBACK_DETECTED');
  // Everything removed: with a trusted checkpoint, that is a rollback too.
  assert.equal(await code(() => m.ConsentLog.load(m.storage.memory(), storageKey(), { ...opts, trustedCheckpoint: trusted })), 'ROLLBACK_DETECTED');
  // A trusted checkpoint by another key is not trusted.
  const { log: stranger } = newLog(1);
  assert.equal(await code(() => m.ConsentLog.load(store, storageKey(), { ...opts, trustedCheckpoint: stranger.checkpoint() })), 'INVALID_CHECKPOINT');
});

test('a failing storage on save is CONSENT_NOT_PERSISTED, and the previous state survives', async () => {
  const { key, log } = newLog(5);
  const base = m.storage.memory();
  // One adapter (a log saves to one storage) whose writes fail as `mode` says.
  let mode = 'ok';
  let writes = 0;
  const store = {
    get(k) {
      if (mode === 'failingRead') throw new Error('locked');
      return base.get(k);
    },
    set(k, v) {
      if (mode === 'throwing') throw new Error('quota exceeded');
      if (mode === 'rejecting') return Promise.reject(new Error('I/O error'));
      if (mode === 'failsLast' && ++writes >= 2) return Promise.reject(new Error('full'));
      return base.set(k, v);
    },
    remove: (k) => base.remove(k),
  };
  await log.save(store, storageKey());
  log.append(syntheticRecord(5, T0));
  for (const m2 of ['throwing', 'rejecting', 'failsLast']) {
    mode = m2;
    const e = await log.save(store, storageKey()).then(() => null, (err) => err);
    assert.ok(e instanceof m.MpShieldError);
    assert.equal(e.code, 'CONSENT_NOT_PERSISTED');
    assert.match(e.message, /do not disclose/);
  }
  mode = 'failingRead';
  assert.equal(await code(() => log.save(store, storageKey())), 'CONSENT_NOT_PERSISTED');
  const back = await m.ConsentLog.load(base, storageKey(), { signingKey: key, origin: ORIGIN });
  assert.equal(back.size, 5, 'the previous save is still readable');
});

test('storage adapters: file (Node), localStorage stand-in, wx stub; argon2id storage keys', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-consent-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let { key, log } = newLog(25);
  const file = m.storage.file(path.join(dir, 'log'));
  await log.save(file, storageKey());
  const files = readdirSync(path.join(dir, 'log'));
  assert.equal(files.length, 3, 'a segment, the commit and the head slot');
  assert.ok(files.every((f) => !f.includes('/') && f.startsWith('mpshield%2Fconsent%2Fv2%2F')), files.join());
  assert.equal((await m.ConsentLog.load(file, storageKey(), { signingKey: key, origin: ORIGIN })).size, 25);
  // Tamper on disk.
  const seg = path.join(dir, 'log', files.find((f) => f.includes('seg')));
  const bytes = readFileSync(seg);
  bytes[bytes.length - 3] ^= 4;
  writeFileSync(seg, bytes);
  assert.equal(await code(() => m.ConsentLog.load(file, storageKey(), { signingKey: key, origin: ORIGIN })), 'STORAGE_CORRUPT');
  // Each storage gets its own log (a log saves where it was first saved).
  ({ key, log } = newLog(25));
  assert.throws(() => m.storage.file(''), { code: 'INVALID_INPUT' });

  const items = new Map();
  const fakeLocal = { getItem: (k) => (items.has(k) ? items.get(k) : null), setItem: (k, v) => items.set(k, String(v)), removeItem: (k) => items.delete(k) };
  const ls = m.storage.localStorage(fakeLocal);
  await log.save(ls, storageKey());
  assert.ok([...items.values()].every((v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v)), 'base64 text');
  assert.equal((await m.ConsentLog.load(ls, storageKey(), { signingKey: key, origin: ORIGIN })).size, 25);
  assert.throws(() => m.storage.localStorage(), { code: 'INVALID_INPUT' }, 'Node has no localStorage');
  assert.throws(() => m.storage.wx({}), { code: 'INVALID_INPUT' });

  // deriveStorageKey: Argon2id with small parameters (CI), deterministic.
  const salt = new Uint8Array(16).fill(9);
  const params = { memoryKib: 64, iterations: 1, parallelism: 1 };
  const k1 = await m.deriveStorageKey({ pin: '123456', salt, params });
  assert.ok(k1 instanceof Uint8Array && k1.length === 32);
  assert.deepEqual(await m.deriveStorageKey({ pin: new TextEncoder().encode('123456'), salt, params }), k1);
  assert.notDeepEqual(await m.deriveStorageKey({ pin: '123457', salt, params }), k1);
  await newLog(1).log.save(m.storage.memory(), k1);
  assert.equal(await code(() => m.deriveStorageKey({ pin: '', salt, params })), 'INVALID_INPUT');
  assert.equal(await code(() => m.deriveStorageKey({ pin: '1234', salt: salt.slice(0, 8), params })), 'INVALID_INPUT');
  assert.equal(await code(() => m.deriveStorageKey({ pin: '1234', salt, params: { memoryKib: 1 } })), 'INVALID_INPUT');
  assert.equal(await code(() => m.deriveStorageKey({ pin: 1234, salt })), 'INVALID_INPUT');
  const pending = m.deriveStorageKey(null);
  assert.ok(pending instanceof Promise);
  await assert.rejects(pending, { code: 'INVALID_INPUT' });
});
