// The gm (国密) flow through the package (the full module, Node): a gm
// Verifier and a gm Wallet (Verifier.create / Wallet.open with { suite:
// 'gm' }), a hotel check-in with an SM2-issued and an EdDSA-issued ID card
// whose every protection is SM (envelope version 2, SM2 KEM, SM4-GCM; KB-JWT
// alg SM2; sd_hash SM3 for an sm3 credential; the record's sdHash SM3), and
// the suite negatives: a request of the other suite (UNSUPPORTED_ALGORITHM,
// nothing stored), keys of the other suite in Verifier.create, a wallet
// reopened with the other suite, an unknown suite name.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { importByName, linkPackage } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, ID_NUMBER, RESPONSE_INFO, code, uscc } from './helpers/flow-scenario.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const b64url = (b) => Buffer.from(b).toString('base64url');
const part = (jws, i) => JSON.parse(Buffer.from(jws.split('.')[i], 'base64url').toString('utf8'));
const sha256 = (text) => createHash('sha256').update(text).digest('base64url');
// SM3 from node:crypto when its OpenSSL has it (the SM3 checks are skipped
// otherwise; tests/flow_gm.rs checks them natively with the sm3 crate).
const hasSm3 = (() => {
  try {
    createHash('sm3');
    return true;
  } catch (e) {
    return false;
  }
})();
const sm3 = (text) => createHash('sm3').update(text).digest('base64url');

const ID_FIELDS = {
  name: '测试乙', sex: 'male', ethnicity: '汉', birth_date: '1990-05-17',
  address: '广东省深圳市南山区测试路1号', id_number: ID_NUMBER,
  issuing_authority: '深圳市公安局南山分局', valid_from: '2024-01-01', valid_until: '2034-01-01',
};

function gmVerifier(issuers, n = 1) {
  const hpkeKeyPair = m.hpke.generateKeyPair({ kem: 'SM2' });
  const signingKey = m.SigningKey.generate('SM2');
  const v = m.Verifier.create({
    suite: 'gm', name: '测试酒店有限公司', uscc: uscc(n), signingKey, hpkeKeyPair,
    trustedIssuers: issuers.map((k) => k.publicJwk()),
  });
  return { v, hpkeKeyPair, signingKey };
}

function intlVerifier(issuers, n = 4) {
  const hpkeKeyPair = m.hpke.generateKeyPair();
  const signingKey = m.SigningKey.generate('EdDSA');
  const v = m.Verifier.create({
    name: '测试国际酒店有限公司', uscc: uscc(n), signingKey, hpkeKeyPair,
    trustedIssuers: issuers.map((k) => k.publicJwk()),
  });
  return { v, hpkeKeyPair, signingKey };
}

async function walletOf(suite, verifiers, issuer) {
  const store = m.storage.memory();
  const storageKey = m.randomBytes(32);
  const opts = { storage: store, storageKey, trustedVerifiers: verifiers.map((x) => x.v.publicJwk()) };
  if (suite !== undefined) opts.suite = suite;
  const wallet = await m.Wallet.open(opts);
  const idCard = m.licence.issue({
    type: 'resident_id_card', issuerKey: issuer, holderPublicJwk: wallet.holderPublicJwk(),
    iss: 'https://gov.example/issuer', fields: ID_FIELDS,
  });
  await wallet.addCredential(idCard);
  return { wallet, store, storageKey };
}

const snapshot = (store) => store.entries().map(([k, v]) => [k, b64url(v)]);

for (const issuerAlg of ['SM2', 'EdDSA']) {
  test(`gm hotel check-in with an ${issuerAlg}-issued ID card: every protection is SM`, async () => {
    const issuer = m.SigningKey.generate(issuerAlg);
    const hotel = gmVerifier([issuer]);
    const s = await walletOf('gm', [hotel], issuer);
    const holder = s.wallet.holderPublicJwk();
    assert.equal(holder.kty, 'EC');
    assert.equal(holder.crv, 'SM2');

    const request = hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    assert.equal(part(request, 0).alg, 'SM2');
    assert.equal(part(request, 1).suite, 'gm');
    assert.equal(Buffer.from(part(request, 1).sealKey, 'base64url').length, 65);
    const ev = s.wallet.evaluate(request);
    assert.equal(ev.suite, 'gm');
    assert.equal(ev.verified, true);
    assert.deepEqual(ev.warnings, []);

    const { envelope } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
    const info = m.envelope.inspect(envelope);
    assert.equal(info.version, 2);
    assert.equal(info.kem, 0xfe10);
    assert.equal(info.kdf, 0xfe01);
    assert.equal(info.aead, 0xfe01);

    const body = JSON.parse(Buffer.from(m.open(hotel.hpkeKeyPair.secretKey, envelope, { info: new TextEncoder().encode(RESPONSE_INFO) })).toString('utf8'));
    const presentation = body.presentation;
    const cut = presentation.lastIndexOf('~') + 1;
    const kb = presentation.slice(cut);
    const withoutKb = presentation.slice(0, cut);
    assert.equal(part(kb, 0).alg, 'SM2');
    const sdAlg = part(presentation.split('~')[0], 1)._sd_alg;
    assert.equal(sdAlg, issuerAlg === 'SM2' ? 'sm3' : 'sha-256');
    if (issuerAlg !== 'SM2') assert.equal(part(kb, 1).sd_hash, sha256(withoutKb));
    else if (hasSm3) assert.equal(part(kb, 1).sd_hash, sm3(withoutKb));

    const got = await hotel.v.open(envelope);
    assert.deepEqual([...got.disclosed].sort(), ['/age_equal_or_over/18', '/id_number_masked', '/name']);
    assert.equal(got.claims.name, '测试乙');
    assert.equal(got.claims.id_number, undefined);
    const sdHash = got.consentRecord.presentation.sdHash;
    assert.notEqual(sdHash, sha256(withoutKb));
    if (hasSm3) assert.equal(sdHash, sm3(withoutKb));
    assert.equal(await code(() => hotel.v.open(envelope)), 'REPLAYED');

    // Reopened: its own suite when none is given, the other refused.
    s.wallet.free();
    const back = await m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [] });
    assert.equal(back.holderPublicJwk().crv, 'SM2');
    assert.deepEqual(back.holderPublicJwk(), holder);
    back.free();
    assert.equal(await code(() => m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [], suite: 'intl' })), 'INVALID_INPUT');
    const again = await m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [], suite: 'gm' });
    again.free();
  });
}

test('a wallet answers requests of its own suite only: nothing is recorded or stored', async () => {
  const sm2Issuer = m.SigningKey.generate('SM2');
  const edIssuer = m.SigningKey.generate('EdDSA');
  const gm = gmVerifier([sm2Issuer, edIssuer]);
  const intl = intlVerifier([sm2Issuer, edIssuer]);
  for (const [suite, other, issuer] of [[undefined, gm, sm2Issuer], ['intl', gm, edIssuer], ['gm', intl, edIssuer]]) {
    const s = await walletOf(suite, [gm, intl], issuer);
    const request = other.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    const ev = s.wallet.evaluate(request);
    assert.equal(ev.suite, other === gm ? 'gm' : 'intl');
    assert.equal(ev.warnings[0].code, 'UNSUPPORTED_ALGORITHM');
    const before = snapshot(s.store);
    const size = s.wallet.status();
    assert.equal(await code(() => s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true })), 'UNSUPPORTED_ALGORITHM');
    assert.equal(await code(() => s.wallet.refuse(request)), 'UNSUPPORTED_ALGORITHM');
    assert.deepEqual(snapshot(s.store), before);
    assert.deepEqual(s.wallet.status(), size);
    assert.equal(s.wallet.history().length, 0);
    s.wallet.free();
  }
});

test('Verifier.create: keys of the other suite are UNSUPPORTED_ALGORITHM, an unknown suite INVALID_INPUT', () => {
  const issuer = m.SigningKey.generate('SM2');
  const base = { name: '测试酒店有限公司', uscc: uscc(1), trustedIssuers: [issuer.publicJwk()] };
  const sm2Pair = m.hpke.generateKeyPair({ kem: 'SM2' });
  const x25519Pair = m.hpke.generateKeyPair();
  const make = (o) => code(() => m.Verifier.create({ ...base, ...o }));
  return Promise.all([
    make({ suite: 'gm', signingKey: m.SigningKey.generate('ES256'), hpkeKeyPair: sm2Pair }),
    make({ suite: 'gm', signingKey: m.SigningKey.generate('EdDSA'), hpkeKeyPair: sm2Pair }),
    make({ suite: 'gm', signingKey: m.SigningKey.generate('SM2'), hpkeKeyPair: x25519Pair }),
    make({ signingKey: m.SigningKey.generate('SM2'), hpkeKeyPair: x25519Pair }),
    make({ signingKey: m.SigningKey.generate('EdDSA'), hpkeKeyPair: sm2Pair }),
    make({ suite: 'GM', signingKey: m.SigningKey.generate('SM2'), hpkeKeyPair: sm2Pair }),
    make({ suite: 1, signingKey: m.SigningKey.generate('SM2'), hpkeKeyPair: sm2Pair }),
    make({ suite: 'gm', signingKey: m.SigningKey.generate('SM2'), hpkeKeyPair: sm2Pair }),
    make({ suite: 'intl', signingKey: m.SigningKey.generate('EdDSA'), hpkeKeyPair: x25519Pair }),
  ]).then((codes) => {
    assert.deepEqual(codes, [
      'UNSUPPORTED_ALGORITHM', 'UNSUPPORTED_ALGORITHM', 'UNSUPPORTED_ALGORITHM',
      'UNSUPPORTED_ALGORITHM', 'UNSUPPORTED_ALGORITHM',
      'INVALID_INPUT', 'INVALID_INPUT',
      'no error', 'no error',
    ]);
  });
});

test('Wallet.open: an unknown suite is INVALID_INPUT; suite is read as an own property only', async () => {
  const store = m.storage.memory();
  const storageKey = m.randomBytes(32);
  assert.equal(await code(() => m.Wallet.open({ storage: store, storageKey, trustedVerifiers: [], suite: 'sm' })), 'INVALID_INPUT');
  assert.equal(store.entries().length, 0);
  // An inherited suite is ignored: a new wallet is intl.
  const opts = Object.create({ suite: 'gm' });
  Object.assign(opts, { storage: store, storageKey, trustedVerifiers: [] });
  const w = await m.Wallet.open(opts);
  assert.equal(w.holderPublicJwk().crv, 'Ed25519');
  w.free();
});
