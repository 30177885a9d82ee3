// Storage format 2 through the package's asynchronous driver (pkg/src/flow.js
// over src/consent/commit.rs): a late write cannot erase a released record,
// failure at every single set/remove of a save, rollback detection with a
// trusted checkpoint, reopening a new wallet, one Wallet per storage.
// Adapters here are controlled by the test (writes held and released on
// command), so nothing depends on timing except the short timeouts that
// turn a held write into a failed save.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, world } from './helpers/flow-scenario.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

/**
 * An asynchronous adapter over memory. `plan(op, key)` says what this
 * operation does: undefined (works), 'throw', 'reject', 'hang' (never
 * settles), 'late' (held: lands on `land()`, after its timeout), or
 * 'partial' (stores half the value and reports success).
 */
function controlled() {
  const inner = m.storage.memory();
  const held = [];
  const st = { ops: 0, plan: () => undefined };
  return {
    st,
    inner,
    held,
    get: (k) => Promise.resolve(inner.get(k)),
    set(k, v) {
      const what = st.plan(st.ops++, k);
      if (what === 'throw') throw new Error('injected: storage unavailable');
      if (what === 'reject') return Promise.reject(new Error('injected: setStorage:fail'));
      if (what === 'hang') return new Promise(() => {});
      if (what === 'late') {
        return new Promise((resolve) => {
          held.push(() => {
            inner.set(k, v);
            resolve();
          });
        });
      }
      if (what === 'partial') {
        inner.set(k, v.slice(0, v.length >> 1));
        return Promise.resolve();
      }
      inner.set(k, v);
      return Promise.resolve();
    },
    remove(k) {
      const what = st.plan(st.ops++, k);
      if (what === 'throw') throw new Error('injected: storage unavailable');
      if (what === 'reject' || what === 'partial') return Promise.reject(new Error('injected: removeStorage:fail'));
      if (what === 'hang' || what === 'late') return new Promise(() => {});
      inner.remove(k);
      return Promise.resolve();
    },
    land() {
      while (held.length) held.shift()();
    },
  };
}

function copyOf(store) {
  const out = m.storage.memory();
  for (const [k, v] of store.entries()) out.set(k, v);
  return out;
}

async function code(f) {
  try {
    await f();
  } catch (e) {
    return e && e.code ? e.code : 'not an MpShieldError: ' + (e && e.stack);
  }
  return 'no error';
}

async function reopen(store, storageKey, extra) {
  return m.Wallet.open(Object.assign({ storage: copyOf(store), storageKey, trustedVerifiers: [] }, extra || {}));
}

function ids(wallet) {
  return wallet.history().map((h) => h.record.recordId);
}

test('a late write of a failed save cannot erase a later, released record', async () => {
  // The attack of issue 11: respond #1's commit write outlives its timeout
  // (CONSENT_NOT_PERSISTED), respond #2 succeeds and the hotel accepts it,
  // then #1's write lands. Storage must still hold #2's record.
  const store = controlled();
  const s = await world(m, m, store);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  store.st.plan = (op, key) => (key.indexOf('/commit/') >= 0 ? 'late' : undefined);
  assert.equal(await code(() => s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true })), 'CONSENT_NOT_PERSISTED');
  assert.equal(s.wallet.history().length, 0);
  store.st.plan = () => undefined;
  const second = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  const accepted = await s.hotel.v.open(second.envelope);
  store.land();
  const back = await reopen(store.inner, s.storageKey);
  assert.deepEqual(ids(back), [second.recordId]);
  // The stored checkpoint is the one the hotel holds: no fork.
  assert.equal(back.checkpoint(), accepted.receipt.checkpoint);
  assert.equal(await s.wallet.verifyStorage(), true);
  back.free();
  s.wallet.free();
});

test('a late commit alone is rolled back by its abandoned marker', async () => {
  const store = controlled();
  const s = await world(m, m, store);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  store.st.plan = (op, key) => (key.indexOf('/commit/') >= 0 ? 'late' : undefined);
  assert.equal(await code(() => s.wallet.refuse(request)), 'CONSENT_NOT_PERSISTED');
  store.land();
  const back = await reopen(store.inner, s.storageKey);
  assert.equal(back.history().length, 0);
  back.free();
  s.wallet.free();
});

test('failure at every single set/remove of a save leaves the state before or after it', async () => {
  const modes = ['throw', 'reject', 'hang', 'late', 'partial'];
  let done = false;
  let at = 0;
  for (; !done; at++) {
    for (const mode of modes) {
      const store = controlled();
      const s = await world(m, m, store);
      const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
      store.st.ops = 0;
      store.st.plan = (op) => (op === at ? mode : undefined);
      let first = null;
      const c = await code(async () => {
        first = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
      });
      const counted = store.st.ops;
      const where = 'operation ' + at + ' (' + mode + ')';
      assert.ok(c === 'no error' || c === 'CONSENT_NOT_PERSISTED', where + ': ' + c);
      // Reopened now: before or after, and after if released.
      const now = await reopen(store.inner, s.storageKey);
      const n = now.history().length;
      assert.ok(n === 0 || n === 1, where + ': ' + n + ' records');
      if (first) assert.deepEqual(ids(now), [first.recordId], where + ': a released record is missing');
      now.free();
      // A second save, released; then the held write lands.
      store.st.plan = () => undefined;
      const second = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
      store.land();
      const back = await reopen(store.inner, s.storageKey);
      const got = ids(back);
      assert.ok(got.indexOf(second.recordId) >= 0, where + ': the released second record is missing');
      if (first) assert.ok(got.indexOf(first.recordId) >= 0, where + ': the released first record is missing');
      assert.equal(back.checkpoint(), s.wallet.checkpoint(), where + ': not the newest state');
      back.free();
      s.wallet.free();
      // The fault never fired: every operation of a save has been covered.
      if (counted <= at) done = true;
    }
  }
  assert.ok(at >= 4, 'a save made ' + at + ' storage operations');
});

test('an earlier snapshot of storage is ROLLBACK_DETECTED given the latest checkpoint', async () => {
  const s = await world(m, m);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const snaps = [copyOf(s.store)];
  const r = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  snaps.push(copyOf(s.store));
  await s.wallet.withdraw(r.recordId);
  const trustedCheckpoint = s.wallet.checkpoint(); // kept off the phone
  for (let i = 0; i < snaps.length; i++) {
    const c = await code(() => m.Wallet.open({ storage: snaps[i], storageKey: s.storageKey, trustedVerifiers: [], trustedCheckpoint }));
    assert.equal(c, 'ROLLBACK_DETECTED', 'snapshot ' + i);
  }
  assert.equal(
    await code(() => m.Wallet.open({ storage: m.storage.memory(), storageKey: s.storageKey, trustedVerifiers: [], trustedCheckpoint })),
    'ROLLBACK_DETECTED',
    'wiped storage',
  );
  s.wallet.free();
  const ok = await m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [], trustedCheckpoint });
  assert.deepEqual(ok.status().withdrawn, [r.recordId]);
  ok.free();
});

test('a new wallet reopens before its first consent', async () => {
  const store = m.storage.memory();
  const storageKey = m.randomBytes(32);
  const a = await m.Wallet.open({ storage: store, storageKey, trustedVerifiers: [] });
  const jwk = a.holderPublicJwk();
  a.free();
  const b = await m.Wallet.open({ storage: store, storageKey, trustedVerifiers: [] });
  assert.deepEqual(b.holderPublicJwk(), jwk);
  b.free();
  // With credentials, as a citizen who restarts after adding an ID card.
  const s = await world(m, m);
  s.wallet.free();
  const c = await m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [] });
  assert.equal(c.credentials().length, 2);
  c.free();
});

test('one open Wallet per storage object', async () => {
  const s = await world(m, m);
  const c = await code(() => m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [] }));
  assert.equal(c, 'INVALID_STATE');
  s.wallet.free();
  const again = await m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [] });
  again.free();
});

test('a save costs the same at 10 and 300 records (only what is new is written)', async () => {
  const written = { bytes: 0 };
  const inner = m.storage.memory();
  const store = {
    get: (k) => inner.get(k),
    set(k, v) {
      written.bytes += v.length;
      return inner.set(k, v);
    },
    remove: (k) => inner.remove(k),
  };
  const s = await world(m, m, store);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS, ttlSeconds: 3600 });
  const per = [];
  for (let i = 0; i < 300; i++) {
    written.bytes = 0;
    await s.wallet.refuse(request);
    per.push(written.bytes);
  }
  const early = per.slice(0, 32).reduce((a, b) => a + b, 0);
  const late = per.slice(268).reduce((a, b) => a + b, 0);
  assert.ok(late < 2 * early + 16384, 'bytes per 32 saves: ' + early + ' early, ' + late + ' late');
  s.wallet.free();
});
