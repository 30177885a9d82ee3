// The disclosure flow through the JavaScript API, shared by every runtime's
// tests (Node ESM and CJS, the browser bundle, both emulated mini-program
// profiles): a hotel check-in and a car rental, one refusal per rule, and
// failure injection on the wallet's storage. `w` is the package the wallet
// runs in (the phone); `rp` the one the issuer and relying parties run in
// (a server) — the same package, or another runtime's.
// All identities are synthetic: generated ID numbers with valid GB 11643
// check characters, USCCs with valid GB 32100 check characters.

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A synthetic USCC (GB 32100-2015 check character) numbered `n`. */
export function uscc(n) {
  const first = '91440300MA' + String(n).padStart(7, '0');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first[i]) * USCC_WEIGHTS[i];
  return first + USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** A synthetic citizen ID number (GB 11643 MOD 11-2 check character). */
export function idNumber(region, birth, seq) {
  const body = region + birth.replace(/-/g, '') + String(seq).padStart(3, '0');
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * weights[i];
  return body + '10X98765432'[sum % 11];
}

export const ID_NUMBER = idNumber('440305', '1990-05-17', 123);
export const RESPONSE_INFO = 'mpshield response v1';

export const HOTEL_FIELDS = [
  { licence: 'resident_id_card', field: 'name', required: true, forms: ['full'], retentionDays: 30 },
  { licence: 'resident_id_card', field: 'id_number', required: true, forms: ['full', 'masked'], retentionDays: 30 },
  { licence: 'resident_id_card', field: 'birth_date', required: true, forms: ['predicate'], predicate: 'age_equal_or_over/18', retentionDays: 30 },
];
export const HOTEL_CHOICES = [
  { licence: 'resident_id_card', field: 'name', form: 'full' },
  { licence: 'resident_id_card', field: 'id_number', form: 'masked' },
  { licence: 'resident_id_card', field: 'birth_date', form: 'predicate' },
];
export const RENTAL_FIELDS = [
  { licence: 'driving_licence', field: 'vehicle_classes', required: true, forms: ['full'], retentionDays: 90 },
  { licence: 'driving_licence', field: 'valid_from', required: true, forms: ['full'], retentionDays: 90 },
  { licence: 'driving_licence', field: 'valid_until', required: true, forms: ['full'], retentionDays: 90 },
];
export const RENTAL_CHOICES = [
  { licence: 'driving_licence', field: 'vehicle_classes', form: 'full' },
  { licence: 'driving_licence', field: 'valid_from', form: 'full' },
  { licence: 'driving_licence', field: 'valid_until', form: 'full' },
];

function bytesOf(text) {
  return Uint8Array.from(Buffer.from(text, 'utf8'));
}

/** A relying party in package `rp`, of `suite` ('intl': EdDSA and X25519; 'gm': SM2 for both). */
export function makeVerifier(rp, name, n, issuer, suite = 'intl') {
  const gm = suite === 'gm';
  const hpkeKeyPair = rp.hpke.generateKeyPair(gm ? { kem: 'SM2' } : undefined);
  const signingKey = rp.SigningKey.generate(gm ? 'SM2' : 'EdDSA');
  const options = { name, uscc: uscc(n), signingKey, hpkeKeyPair, trustedIssuers: [issuer.publicJwk()] };
  const v = rp.Verifier.create(gm ? { suite, ...options } : options);
  return { v, hpkeKeyPair, signingKey };
}

/**
 * Issuer, hotel, car rental, an untrusted stranger and a wallet holding an
 * ID card and a driving licence; with `suite` 'gm', relying parties and
 * wallet of the gm suite.
 */
export async function world(w, rp, storage, issuerAlg = 'ES256', suite = 'intl') {
  const issuer = rp.SigningKey.generate(issuerAlg);
  const hotel = makeVerifier(rp, '测试酒店有限公司', 1, issuer, suite);
  const rental = makeVerifier(rp, '测试租车有限公司', 2, issuer, suite);
  const stranger = makeVerifier(rp, '未知商户', 3, issuer, suite);
  const store = storage || w.storage.memory();
  const storageKey = w.randomBytes(32);
  const wallet = await w.Wallet.open({
    ...(suite === 'gm' ? { suite } : {}),
    storage: store,
    storageKey,
    trustedVerifiers: [hotel.v.publicJwk(), rental.v.publicJwk()],
    timeoutMs: 200,
  });
  const holderPublicJwk = wallet.holderPublicJwk();
  const iss = 'https://gov.example/issuer';
  const idCard = rp.licence.issue({
    type: 'resident_id_card', issuerKey: issuer, holderPublicJwk, iss,
    fields: {
      name: '测试乙', sex: 'male', ethnicity: '汉', birth_date: '1990-05-17',
      address: '广东省深圳市南山区测试路1号', id_number: ID_NUMBER,
      issuing_authority: '深圳市公安局南山分局', valid_from: '2024-01-01', valid_until: '2034-01-01',
    },
  });
  const driving = rp.licence.issue({
    type: 'driving_licence', issuerKey: issuer, holderPublicJwk, iss,
    fields: {
      licence_number: ID_NUMBER, name: '测试乙', sex: 'male', nationality: '中国',
      address: '广东省深圳市南山区测试路1号', birth_date: '1990-05-17', first_issue_date: '2012-09-01',
      vehicle_classes: ['C1'], valid_from: '2022-09-01', valid_until: '2032-09-01',
      issuing_authority: '深圳市公安局交通警察支队', file_number: '440300123456',
    },
  });
  await wallet.addCredential(idCard);
  await wallet.addCredential(driving);
  return { issuer, hotel, rental, stranger, wallet, store, storageKey };
}

/** The code of the MpShieldError `f` rejects with, or 'no error'. */
export async function code(f) {
  try {
    await f();
  } catch (e) {
    return e && e.code ? e.code : 'not an MpShieldError: ' + (e && e.stack);
  }
  return 'no error';
}

/** The hotel check-in: the hotel learns exactly the chosen claims. */
export async function hotelCheckIn(w, rp, assert, storage) {
  const s = await world(w, rp, storage);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS, noticeUrl: 'https://hotel.example/privacy' });
  const ev = s.wallet.evaluate(request);
  assert.equal(ev.verified, true);
  assert.equal(ev.verifier.name, '测试酒店有限公司');
  assert.equal(ev.purpose, '住宿登记');
  assert.deepEqual(ev.items.map((i) => [i.field, i.required, i.sensitive, i.retentionDays, i.satisfiable]), [
    ['name', true, false, 30, true], ['id_number', true, true, 30, true], ['birth_date', true, false, 30, true],
  ]);
  assert.equal(ev.items[1].labels.zh, '公民身份号码');
  assert.deepEqual(ev.items[1].forms.map((f) => f.form), ['full', 'masked']);
  assert.equal(ev.items[1].forms[1].preview, rp.mask.apply('id_number', ID_NUMBER));
  assert.equal(ev.items[2].forms[0].preview, true);
  assert.deepEqual(ev.warnings, []);
  assert.deepEqual(ev.alwaysVisible.map((v) => [v.field, v.value]), [['valid_until', '2034-01-01']]);

  const { envelope, receipt, recordId } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: ['id_number'] });
  const isBytes = (b) => Object.prototype.toString.call(b) === '[object Uint8Array]';
  assert.ok(isBytes(envelope) && isBytes(receipt) && typeof recordId === 'string');
  const got = await s.hotel.v.open(envelope);
  assert.deepEqual([...got.disclosed].sort(), ['/age_equal_or_over/18', '/id_number_masked', '/name']);
  assert.equal(got.claims.name, '测试乙');
  assert.equal(got.claims.id_number_masked, rp.mask.apply('id_number', ID_NUMBER));
  assert.deepEqual(got.claims.age_equal_or_over, { 18: true });
  for (const hidden of ['id_number', 'birth_date', 'address', 'sex', 'ethnicity', 'name_masked', 'household_province']) {
    assert.equal(got.claims[hidden], undefined, hidden + ' left the phone');
  }
  assert.equal(got.consentRecord.recordId, recordId);
  assert.equal(got.consentRecord.consentType, 'separate');
  assert.deepEqual(got.consentRecord.fields.map((f) => [f.field, f.form]), [['name', 'full'], ['id_number', 'masked'], ['birth_date', 'predicate']]);
  assert.equal(got.receipt.index, 0);
  assert.deepEqual(rp.consent.verifyReceipt(receipt, s.wallet.devicePublicJwk()).record, got.consentRecord);
  assert.equal(await code(() => s.hotel.v.open(envelope)), 'REPLAYED');

  const history = s.wallet.history();
  assert.equal(history.length, 1);
  assert.match(history[0].line, /测试酒店有限公司/);
  assert.equal(await s.wallet.verifyStorage(), true);
  await s.wallet.withdraw(recordId);
  assert.deepEqual(s.wallet.status().withdrawn, [recordId]);
  // One open Wallet per storage: a second one is refused while the first
  // is open, and once it is freed, the storage reopens with the same log.
  assert.equal(await code(() => w.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [] })), 'INVALID_STATE');
  s.wallet.free();
  const again = await w.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [] });
  assert.equal(again.history().length, 2);
  assert.equal(again.credentials().length, 2);
  again.free();
}

/** The car rental: licence classes and validity only. */
export async function carRental(w, rp, assert) {
  const s = await world(w, rp);
  const request = s.rental.v.createRequest({ purpose: '租车资格核验', lawfulBasis: 'contract', fields: RENTAL_FIELDS });
  const ev = s.wallet.evaluate(request);
  assert.equal(ev.verified, true);
  assert.deepEqual(ev.items.map((i) => i.sensitive), [false, false, false]);
  assert.deepEqual(ev.items.map((i) => i.alwaysVisible), [false, false, true]);
  const { envelope } = await s.wallet.respond(request, { choices: RENTAL_CHOICES });
  const got = await s.rental.v.open(envelope);
  assert.deepEqual([...got.disclosed].sort(), ['/valid_from', '/vehicle_classes']);
  assert.deepEqual(got.consentRecord.fields.map((f) => f.field), ['vehicle_classes', 'valid_from', 'valid_until']);
  assert.deepEqual(got.claims.vehicle_classes, ['C1']);
  assert.equal(got.claims.valid_until, '2032-09-01');
  for (const hidden of ['licence_number', 'address', 'name', 'birth_date', 'file_number', 'licence_number_masked']) {
    assert.equal(got.claims[hidden], undefined, hidden + ' left the phone');
  }
  s.wallet.free();
}

/** Every refusal; none leaves a consent record behind. */
export async function refusals(w, rp, assert) {
  const s = await world(w, rp);
  const wallet = s.wallet;
  const fields = HOTEL_FIELDS;
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields });
  const ok = { choices: HOTEL_CHOICES, separateConsent: ['id_number'] };
  const [h, p, sig] = request.split('.');

  assert.match(await code(() => wallet.respond(h + '.' + p + '.', ok)), /INVALID_REQUEST|VERIFY_FAILED/, 'unsigned');
  const otherSig = s.stranger.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields }).split('.')[2];
  assert.equal(await code(() => wallet.respond(h + '.' + p + '.' + otherSig, ok)), 'VERIFY_FAILED', 'another signature');
  const old = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields, iat: Math.floor(Date.now() / 1000) - 3600 });
  assert.equal(await code(() => wallet.respond(old, ok)), 'EXPIRED', 'expired');
  assert.equal(await code(() => wallet.evaluate(old)), 'EXPIRED');

  const strange = s.stranger.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields });
  const ev = wallet.evaluate(strange);
  assert.equal(ev.verified, false);
  assert.equal(ev.warnings[0].code, 'UNTRUSTED_VERIFIER');
  assert.equal(await code(() => wallet.respond(strange, ok)), 'UNTRUSTED_VERIFIER');

  const extra = HOTEL_CHOICES.concat([{ licence: 'resident_id_card', field: 'address', form: 'full' }]);
  assert.equal(await code(() => wallet.respond(request, { choices: extra, separateConsent: true })), 'NOT_REQUESTED', 'not requested');
  const wrongForm = HOTEL_CHOICES.slice(0, 2).concat([{ licence: 'resident_id_card', field: 'birth_date', form: 'full' }]);
  assert.equal(await code(() => wallet.respond(request, { choices: wrongForm, separateConsent: true })), 'NOT_REQUESTED', 'form not accepted');
  assert.equal(await code(() => wallet.respond(request, { choices: HOTEL_CHOICES.slice(0, 2), separateConsent: true })), 'NOT_REQUESTED', 'required missing');
  assert.equal(await code(() => wallet.respond(request, { choices: HOTEL_CHOICES })), 'SEPARATE_CONSENT_REQUIRED');
  assert.equal(await code(() => wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: ['name'] })), 'SEPARATE_CONSENT_REQUIRED');
  assert.equal(wallet.history().length, 0, 'a refused response left a record');

  const { envelope } = await wallet.respond(request, ok);
  assert.equal(await code(() => s.rental.v.open(envelope)), 'DECRYPT_FAILED', 'sealed to another verifier');
  for (const i of [0, 30, envelope.length >> 1, envelope.length - 1]) {
    const bad = envelope.slice();
    bad[i] ^= 0x04;
    assert.notEqual(await code(() => s.hotel.v.open(bad)), 'no error', 'flipped byte ' + i);
  }
  assert.equal(await code(() => s.hotel.v.open(envelope.slice(0, envelope.length - 1))), 'TRUNCATED');

  // A receipt that does not match the presentation: the receipt of a second
  // answer, resealed into the first one by someone holding the hotel's key.
  const request2 = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields });
  const second = await wallet.respond(request2, ok);
  const info = bytesOf(RESPONSE_INFO);
  const body = JSON.parse(Buffer.from(rp.open(s.hotel.hpkeKeyPair.secretKey, envelope, { info })).toString('utf8'));
  body.receipt = Buffer.from(second.receipt).toString('base64url');
  const forged = rp.seal(s.hotel.hpkeKeyPair.publicKey, bytesOf(JSON.stringify(body)), { info });
  assert.equal(await code(() => s.hotel.v.open(forged)), 'INVALID_RECEIPT', 'swapped receipt');
  // The genuine answer still opens (the forged one did not burn its nonce).
  assert.equal((await s.hotel.v.open(envelope)).disclosed.length, 3);
  assert.equal(await code(() => s.hotel.v.open(envelope)), 'REPLAYED');

  const { recordId } = await wallet.refuse(request);
  assert.deepEqual(wallet.status().refused, [recordId]);
  assert.equal(wallet.history({ locale: 'en' }).pop().record.event, 'refused');
  wallet.free();
}

/**
 * Storage that fails writes as `fault` says: 'throws', 'times out' (never
 * settles), or 'full' (a quota error once `quota` bytes are stored).
 */
export function brokenStorage(w, fault) {
  const inner = w.storage.memory();
  const state = { fault: null, used: 0, quota: Infinity };
  return {
    state,
    inner,
    get: (k) => inner.get(k),
    remove: (k) => inner.remove(k),
    set(k, v) {
      if (state.fault === 'throws') throw new Error('storage unavailable');
      if (state.fault === 'times out') return new Promise(() => {});
      if (state.fault === 'full' && state.used + v.length > state.quota) {
        return Promise.reject(new Error('setStorage:fail exceed storage max size 10MB'));
      }
      state.used += v.length;
      return inner.set(k, v);
    },
    fault,
  };
}

/** No envelope unless the consent is persisted: storage that throws, times out, is full. */
export async function failureInjection(w, rp, assert, snapshot) {
  for (const fault of ['throws', 'times out', 'full']) {
    const store = brokenStorage(w, fault);
    const s = await world(w, rp, store);
    const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    store.state.fault = fault;
    store.state.quota = store.state.used + 64;
    let result;
    const c = await code(async () => {
      result = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
    });
    assert.equal(c, 'CONSENT_NOT_PERSISTED', fault);
    assert.equal(result, undefined, fault + ': an envelope came back');
    assert.equal(s.wallet.history().length, 0, fault + ': the record stayed in memory');
    // Storage may hold the failed save's write-once left-overs, but it
    // reopens to the state before the save.
    const copy = w.storage.memory();
    for (const [k, v] of store.inner.entries()) copy.set(k, v);
    const back = await w.Wallet.open({ storage: copy, storageKey: s.storageKey, trustedVerifiers: [] });
    assert.equal(back.history().length, 0, fault + ': storage changed');
    assert.equal(back.credentials().length, 2, fault);
    back.free();
    assert.equal(await code(() => s.wallet.refuse(request)), 'CONSENT_NOT_PERSISTED', fault + ': refuse');
    assert.equal(s.wallet.history().length, 0);
    // Storage works again: the same request is answered, as the log's first record.
    store.state.fault = null;
    const { envelope } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
    assert.equal((await s.hotel.v.open(envelope)).receipt.index, 0, fault);
    assert.equal(await s.wallet.verifyStorage(), true);
    s.wallet.free();
  }
}

/** Every scenario in order. `snapshot(memoryStorage)` lists its contents. */
export async function runFlow(w, rp, assert, snapshot) {
  await hotelCheckIn(w, rp, assert);
  await carRental(w, rp, assert);
  await refusals(w, rp, assert);
  await failureInjection(w, rp, assert, snapshot);
}

/**
 * The gm (国密) hotel check-in, the wallet in `w` (a module with the gm
 * suite), the issuer and relying parties in `rp`, through `storage`: SM2
 * holder and device keys, a gm envelope the hotel opens, an intl request
 * refused without a record, the wallet reopened from storage in its suite.
 */
export async function gmHotelCheckIn(w, rp, assert, storage) {
  const store = storage || w.storage.memory();
  const s = await world(w, rp, store, 'SM2', 'gm');
  assert.equal(s.wallet.holderPublicJwk().crv, 'SM2');
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const ev = s.wallet.evaluate(request);
  assert.equal(ev.suite, 'gm');
  assert.equal(ev.verified, true);
  const { envelope } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  assert.equal(rp.envelope.inspect(envelope).suite, 'gm');
  const got = await s.hotel.v.open(envelope);
  assert.deepEqual([...got.disclosed].sort(), ['/age_equal_or_over/18', '/id_number_masked', '/name']);
  assert.equal(got.devicePublicJwk.crv, 'SM2');
  assert.equal(got.consentRecord.fields.length, 3);
  const intl = makeVerifier(rp, '测试国际酒店有限公司', 5, s.issuer);
  const intlRequest = intl.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  assert.equal(await code(() => s.wallet.respond(intlRequest, { choices: HOTEL_CHOICES, separateConsent: true })), 'UNSUPPORTED_ALGORITHM');
  assert.equal(s.wallet.history().length, 1);
  s.wallet.free();
  const again = await w.Wallet.open({ storage: store, storageKey: s.storageKey, trustedVerifiers: [s.hotel.v.publicJwk()] });
  assert.equal(again.history().length, 1);
  assert.equal(again.devicePublicJwk().crv, 'SM2');
  again.free();
}
