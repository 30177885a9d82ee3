// Pruning through the package (pkg/src/flow.js, pkg/src/consent.js over
// ConsentLog::prune and storage format 2): wallet.prune and log.prune keep
// the log's size, root and every receipt's validity; consents in force stay;
// a failure at any single set/remove of a prune leaves the stored wallet as
// before or after it (never half-pruned) and the wallet's memory unpruned;
// a full storage says what to do (prune, export); a trusted checkpoint
// below the prune point is refused explicitly.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, code, world } from './helpers/flow-scenario.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const DAY = 86400;
const later = () => Math.floor(Date.now() / 1000) + 31 * DAY;

function copyOf(store) {
  const out = m.storage.memory();
  for (const [k, v] of store.entries()) out.set(k, v);
  return out;
}

async function reopen(store, storageKey, extra) {
  return m.Wallet.open(Object.assign({ storage: copyOf(store), storageKey, trustedVerifiers: [] }, extra || {}));
}

/** `n` pairs of a hotel disclosure (30 days' retention) and a refusal; the receipts. */
async function grow(s, n) {
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const receipts = [];
  for (let i = 0; i < n; i++) {
    receipts.push((await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true })).receipt);
    await s.wallet.refuse(request);
  }
  return { request, receipts };
}

test('wallet.prune keeps the size, root and receipts; the pruned wallet reopens and goes on', async () => {
  const s = await world(m, m);
  const { request, receipts } = await grow(s, 3);
  const device = s.wallet.devicePublicJwk();
  const serverNote = s.wallet.checkpoint(); // kept off the phone
  const server = m.checkpoint.verify(serverNote, device, m.consent.verifyReceipt(receipts[0], device).checkpoint.origin);
  const early = m.consent.verifyReceipt(receipts[0], device).checkpoint.note;
  // A day on, every disclosure is in force: nothing goes, nothing is saved.
  const none = await s.wallet.prune({ now: Math.floor(Date.now() / 1000) + DAY });
  assert.deepEqual(none, { from: 0, to: 0, records: 0, stop: 'inForce' });
  // 31 days on, the whole log may go.
  const p = await s.wallet.prune({ upTo: server.size, now: later() });
  assert.deepEqual(p, { from: 0, to: 6, records: 6, stop: 'upTo' });
  assert.equal(s.wallet.pruned(), 6);
  assert.equal(s.wallet.history().length, 0);
  assert.equal(s.wallet.checkpoint(), serverNote, 'same size and root, same signed checkpoint');
  for (const r of receipts) assert.equal(m.consent.verifyReceipt(r, device).record.event, 'given');
  const back = await reopen(s.store, s.storageKey, { trustedCheckpoint: serverNote });
  assert.equal(back.pruned(), 6);
  assert.equal(back.checkpoint(), serverNote);
  back.free();
  // Below the prune point a trusted checkpoint cannot be checked: refused, not accepted.
  assert.equal(await code(() => reopen(s.store, s.storageKey, { trustedCheckpoint: early })), 'INVALID_CHECKPOINT');
  // It goes on: a new response, a new receipt, storage verifies.
  const r = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  assert.equal(m.consent.verifyReceipt(r.receipt, device).index, 6);
  assert.equal(s.wallet.history()[0].index, 6);
  assert.equal(await s.wallet.verifyStorage(), true);
  // Options are checked.
  assert.equal(await code(() => s.wallet.prune({ upto: 3 })), 'INVALID_INPUT');
  assert.equal(await code(() => s.wallet.prune({ upTo: -1 })), 'INVALID_INPUT');
  s.wallet.free();
});

test('failure at every single set/remove of a prune leaves the wallet before or after it', async () => {
  const modes = ['throw', 'reject', 'partial'];
  const base = await world(m, m);
  await grow(base, 4);
  const size = base.wallet.history().length;
  const note = base.wallet.checkpoint();
  base.wallet.free();
  let done = false;
  let at = 0;
  for (; !done; at++) {
    for (const mode of modes) {
      const inner = copyOf(base.store);
      const st = { ops: 0, plan: () => undefined };
      const store = {
        get: (k) => Promise.resolve(inner.get(k)),
        set(k, v) {
          const what = st.plan(st.ops++);
          if (what === 'throw') throw new Error('injected: storage unavailable');
          if (what === 'reject') return Promise.reject(new Error('injected: setStorage:fail'));
          if (what === 'partial') {
            inner.set(k, v.slice(0, v.length >> 1));
            return Promise.resolve();
          }
          inner.set(k, v);
          return Promise.resolve();
        },
        remove(k) {
          if (st.plan(st.ops++)) return Promise.reject(new Error('injected: removeStorage:fail'));
          inner.remove(k);
          return Promise.resolve();
        },
      };
      const wallet = await m.Wallet.open({ storage: store, storageKey: base.storageKey, trustedVerifiers: [] });
      st.ops = 0;
      st.plan = (op) => (op === at ? mode : undefined);
      const where = 'operation ' + at + ' (' + mode + ')';
      let result = null;
      const c = await code(async () => {
        result = await wallet.prune({ now: later() });
      });
      const counted = st.ops;
      assert.ok(c === 'no error' || c === 'CONSENT_NOT_PERSISTED', where + ': ' + c);
      assert.equal(wallet.pruned(), result ? size : 0, where + ': memory');
      assert.equal(wallet.checkpoint(), note, where + ': the log changed');
      const now = await reopen(inner, base.storageKey);
      assert.ok(now.pruned() === 0 || now.pruned() === size, where + ': ' + now.pruned());
      if (result) assert.equal(now.pruned(), size, where + ': a reported prune is missing');
      assert.equal(now.checkpoint(), note, where);
      now.free();
      wallet.free();
      if (counted <= at) done = true;
    }
  }
  assert.ok(at >= 2, 'a prune made ' + at + ' storage operations');
});

test('a full storage is CONSENT_NOT_PERSISTED naming prune and export; a prune frees it', async () => {
  const s = await world(m, m);
  const { request } = await grow(s, 5);
  const inner = copyOf(s.store);
  const used = () => inner.entries().reduce((n, [k, v]) => n + k.length + v.length, 0);
  let limit = used() + 100;
  const full = {
    get: (k) => inner.get(k),
    set(k, v) {
      const old = inner.get(k);
      if (used() - (old ? k.length + old.length : 0) + k.length + v.length > limit) {
        throw new Error('setStorage:fail exceed storage max size 10MB');
      }
      inner.set(k, v);
    },
    remove: (k) => inner.remove(k),
  };
  s.wallet.free();
  const wallet = await m.Wallet.open({ storage: full, storageKey: s.storageKey, trustedVerifiers: [s.hotel.v.publicJwk()] });
  let err = null;
  try {
    await wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  } catch (e) {
    err = e;
  }
  assert.equal(err && err.code, 'CONSENT_NOT_PERSISTED');
  assert.match(err.message, /exceed storage max size/);
  assert.match(err.message, /wallet\.prune\(\)/);
  assert.match(err.message, /wallet\.exportLog\(\)/);
  assert.match(m.describeError(err, 'zh-CN'), /导出/);
  limit += 2000; // a commit's worth
  const p = await wallet.prune({ now: later() });
  assert.equal(p.records, 10);
  const before = used();
  await wallet.refuse(request);
  assert.ok(used() < before + 2000);
  wallet.free();
});

test('log.prune prunes in memory; the next save writes it and ConsentLog.load reads it back', async () => {
  const signingKey = m.SigningKey.generate('EdDSA');
  const origin = 'mpshield.example/device/prune';
  const log = m.ConsentLog.create({ signingKey, origin });
  const t = Math.floor(Date.now() / 1000) - 40 * DAY;
  const controller = { name: '某某酒店', uscc: '91440300MA0000001L' };
  for (let i = 0; i < 8; i++) {
    log.append({
      event: 'disclosed', time: t + i, controller, purposes: ['住宿登记'], lawfulBasis: 'legal_duty', consentType: 'explicit',
      fields: [{ licence: 'resident_id_card', field: 'name', form: 'full', sensitive: false, retentionDays: i === 5 ? 365 : 7 }],
    });
  }
  const store = m.storage.memory();
  const storageKey = m.randomBytes(32);
  await log.save(store, storageKey);
  const note = log.checkpoint();
  assert.deepEqual(log.prune(), { from: 0, to: 5, records: 5, stop: 'inForce' });
  assert.equal(log.pruned, 5);
  assert.equal(log.size, 8);
  assert.equal(log.checkpoint(), note);
  assert.equal(log.history().length, 3);
  assert.throws(() => log.get(0), (e) => e.code === 'RECORD_NOT_FOUND');
  assert.throws(() => log.consistencyProof(2), (e) => e.code === 'INVALID_INPUT');
  assert.equal(log.consistencyProof(5).length > 0, true);
  await log.save(store, storageKey);
  const back = await m.ConsentLog.load(store, storageKey, { signingKey, origin, trustedCheckpoint: note });
  assert.equal(back.pruned, 5);
  assert.equal(back.checkpoint(), note);
  back.free();
  log.free();
});
