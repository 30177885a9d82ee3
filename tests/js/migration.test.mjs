// Moving a wallet to a new phone through the package (issue 11, item 3):
// wallet.exportLog() → Wallet.importLog() on fresh storage → the hotel's old
// checkpoint, signed by the old device key, verifies against the new
// device's log with consent.verifyContinuity; tampered exports and wrong
// codes are refused; an export older than a checkpoint kept off the phone is
// declared by a signed `restored` record.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, code, uscc, world } from './helpers/flow-scenario.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

async function checkIn(s) {
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const sent = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  return s.hotel.v.open(sent.envelope);
}

function importInto(s, exported, extra) {
  return m.Wallet.importLog(Object.assign({
    storage: m.storage.memory(),
    storageKey: m.randomBytes(32),
    data: exported.data,
    recoveryCode: exported.recoveryCode,
    trustedVerifiers: [s.hotel.v.publicJwk()],
  }, extra || {}));
}

test('export → import on a new phone → the hotel\'s old checkpoint continues', async () => {
  const s = await world(m, m);
  const accepted = await checkIn(s);
  const hotelHolds = accepted.receipt.checkpoint;
  const oldKey = accepted.devicePublicJwk;
  const origin = hotelHolds.split('\n')[0];

  const exported = await s.wallet.exportLog();
  assert.ok(exported.data instanceof Uint8Array);
  const text = String.fromCharCode.apply(null, exported.recoveryCode);
  assert.match(text, /^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.deepEqual(exported.reissue.map((c) => c.type).sort(), ['driving_licence', 'resident_id_card']);
  // The old wallet's history shows the handover, and it keeps working.
  const last = s.wallet.history({ locale: 'en' }).pop();
  assert.equal(last.record.event, 'handover');
  assert.match(last.line, /handed over to a new device/);

  // Typed by the citizen: lower case, spaces instead of dashes.
  const store = m.storage.memory();
  const storageKey = m.randomBytes(32);
  const { wallet, reissue } = await importInto(s, exported, {
    storage: store, storageKey, recoveryCode: text.toLowerCase().replace(/-/g, ' '),
  });
  assert.equal(reissue.length, 2);
  assert.equal(wallet.credentials().length, 0);
  assert.notDeepEqual(wallet.devicePublicJwk(), oldKey);
  assert.notDeepEqual(wallet.holderPublicJwk(), s.wallet.holderPublicJwk());
  assert.equal(wallet.history().length, s.wallet.history().length);

  const proof = wallet.continuityProof(hotelHolds);
  const c = m.consent.verifyContinuity({ proof, checkpoint: hotelHolds, devicePublicJwk: oldKey, origin });
  assert.deepEqual(c.devicePublicJwk, wallet.devicePublicJwk());
  assert.equal(c.checkpoint.note, wallet.checkpoint());
  assert.equal(c.restored, null);
  // Every byte of the proof matters.
  for (let i = 0; i < proof.length; i += 7) {
    const p = proof.slice();
    p[i] ^= 1;
    assert.notEqual(await code(() => m.consent.verifyContinuity({ proof: p, checkpoint: hotelHolds, devicePublicJwk: oldKey, origin })), 'no error', 'byte ' + i);
  }
  // The new wallet reopens (handover chain included), also with the
  // checkpoint the old phone signed as trusted checkpoint, and answers.
  wallet.free();
  const back = await m.Wallet.open({
    storage: store, storageKey, trustedVerifiers: [s.hotel.v.publicJwk()], trustedCheckpoint: hotelHolds,
  });
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  assert.equal(await code(() => back.respond(request, { choices: HOTEL_CHOICES, separateConsent: true })), 'CREDENTIAL_NOT_FOUND');
  back.free();
});

test('tampered exports and wrong recovery codes are refused; storage that holds a wallet is refused', async () => {
  const s = await world(m, m);
  await checkIn(s);
  const exported = await s.wallet.exportLog();
  for (const i of [0, 5, 6, 21, 22, exported.data.length >> 1, exported.data.length - 1]) {
    const data = exported.data.slice();
    data[i] ^= 1;
    const got = await code(() => importInto(s, exported, { data }));
    assert.ok(got === 'DECRYPT_FAILED' || got === 'STORAGE_CORRUPT', 'byte ' + i + ': ' + got);
  }
  const other = await s.wallet.exportLog();
  assert.equal(await code(() => importInto(s, exported, { recoveryCode: other.recoveryCode })), 'DECRYPT_FAILED');
  assert.equal(await code(() => importInto(s, exported, { recoveryCode: 'ABCD-EFGH' })), 'INVALID_INPUT');
  assert.equal(await code(() => importInto(s, exported, { storage: s.store })), 'INVALID_STATE');
});

test('an export older than a checkpoint kept off the phone adds a signed restored record', async () => {
  const s = await world(m, m);
  await checkIn(s);
  const exported = await s.wallet.exportLog();
  const later = await checkIn(s); // the old phone went on
  const newer = later.receipt.checkpoint;
  const origin = newer.split('\n')[0];
  const silent = (await importInto(s, exported)).wallet;
  assert.equal(
    await code(() => m.consent.verifyContinuity({ proof: silent.continuityProof(newer), checkpoint: newer, devicePublicJwk: later.devicePublicJwk, origin })),
    'ROLLBACK_DETECTED',
  );
  const { wallet } = await importInto(s, exported, { trustedCheckpoint: newer });
  const entry = wallet.history().pop();
  assert.equal(entry.record.event, 'restored');
  assert.match(entry.line, /恢复了/);
  const c = m.consent.verifyContinuity({ proof: wallet.continuityProof(newer), checkpoint: newer, devicePublicJwk: later.devicePublicJwk, origin });
  assert.deepEqual(c.restored, { fromSize: silent.history().length, lostSize: silent.history().length + 1 });
  silent.free();
  wallet.free();
});

test('a standalone ConsentLog saves in format 2: a save writes what is new; a late write cannot replace a newer save', async () => {
  const key = m.SigningKey.generate('EdDSA');
  const origin = 'mpshield.example/device/test';
  const log = m.ConsentLog.create({ signingKey: key, origin });
  const inner = m.storage.memory();
  const held = [];
  let hold = false;
  const store = {
    get: (k) => inner.get(k),
    set(k, v) {
      if (hold && k.indexOf('/commit/') >= 0) {
        return new Promise((resolve) => held.push(() => resolve(inner.set(k, v))));
      }
      return inner.set(k, v);
    },
    remove: (k) => inner.remove(k),
  };
  const storageKey = m.randomBytes(32);
  const record = (i) => ({
    event: 'refused', time: 1795327380 + i, controller: { name: '测试酒店有限公司', uscc: uscc(1) },
    purposes: ['住宿登记'], lawfulBasis: 'legal_duty', consentType: 'explicit',
    fields: [{ licence: 'resident_id_card', field: 'name', form: 'full', sensitive: false, retentionDays: 30 }],
  });
  for (let i = 0; i < 20; i++) log.append(record(i));
  const first = await log.save(store, storageKey);
  log.append(record(20));
  const second = await log.save(store, storageKey);
  assert.ok(second.bytes < first.bytes, 'the second save writes only what is new');
  // A save whose commit write outlives its timeout, then a later save
  // that succeeds; the late write lands last.
  log.append(record(21));
  hold = true;
  assert.equal(await code(() => log.save(store, storageKey, { timeoutMs: 20 })), 'CONSENT_NOT_PERSISTED');
  hold = false;
  log.append(record(22));
  await log.save(store, storageKey);
  held.forEach((f) => f());
  const back = await m.ConsentLog.load(store, storageKey, { signingKey: key, origin, trustedCheckpoint: log.checkpoint() });
  assert.equal(back.size, log.size);
  assert.deepEqual(back.root(), log.root());
  assert.equal(await code(() => m.ConsentLog.load(m.storage.memory(), storageKey, { signingKey: key, origin })), 'STORAGE_CORRUPT');
});
