// The error mapping, table-driven: every code the module reports through
// errorCodes() has a row here, and each row shows that the code reaches
// JavaScript as an MpShieldError carrying it — through a real call where the
// public API can trigger it today, and always through the conversion the
// API layer applies to whatever the glue throws. A new code in
// src/error.rs without a row fails this test, as does a code the README
// does not list. Then argument-type errors, table-driven too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importByName, linkPackage, root } from './helpers/link.mjs';
import { T0, syntheticRecord } from './helpers/consent-records.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, RESPONSE_INFO, world } from './helpers/flow-scenario.mjs';
import { MpShieldError as SourceError, toMpShieldError } from '../../pkg/src/errors.js';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);

/** Calls f (sync or async) and returns what it threw / rejected with. */
async function thrown(f) {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const bytes = (n, f = (i) => (i * 131 + 7) & 255) => new Uint8Array(n).map((_, i) => f(i));

/** A consent log with two records (synthetic), its key and origin. */
function consentLog() {
  const signingKey = m.SigningKey.generate('EdDSA');
  const origin = 'mpshield.example/device/errors';
  const log = m.ConsentLog.create({ signingKey, origin });
  log.append(syntheticRecord(0, T0));
  log.append(syntheticRecord(6, T0));
  return { log, signingKey, origin, jwk: signingKey.publicJwk() };
}

/** A fresh holder-bound SD-JWT (synthetic claims) and a presentation of it to "rp" with nonce "n". */
function credential() {
  const issuer = m.SigningKey.generate('ES256');
  const holder = m.SigningKey.generate('EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const nbf = now - 60;
  const exp = now + 86400;
  const sdJwt = m.sdjwt.issue({
    issuerKey: issuer,
    claims: { name: '测试甲', age_equal_or_over: { 18: true } },
    disclosable: ['/name', '/age_equal_or_over/18'],
    holderPublicJwk: holder.publicJwk(),
    vct: 'urn:example:test',
    iss: 'https://issuer.example',
    nbf,
    exp,
  });
  const presentation = m.sdjwt.present({ credential: sdJwt, disclose: ['/name'], holderKey: holder, aud: 'rp', nonce: 'n' });
  return { issuer, holder, issuerJwk: issuer.publicJwk(), sdJwt, presentation, nbf, exp };
}

// code → how the public API produces it today (null: not reachable yet; a
// later capability must replace null with a trigger).
const triggers = {
  NOT_INITIALIZED: () => m.version(), // runs first, before init()
  NO_ENTROPY: () => m.addEntropy(new Uint8Array(32)),
  INVALID_INPUT: () => m.randomBytes(0),
  INVALID_ID_NUMBER: () => m.idcard.parse('110105194912310021'),
  DECRYPT_FAILED: () => {
    const kp = m.hpke.generateKeyPair();
    return m.open(m.hpke.generateKeyPair().secretKey, m.seal(kp.publicKey, bytes(10)));
  },
  INVALID_ENVELOPE: () => m.envelope.inspect(bytes(40)),
  INVALID_KEY: () => {
    // Presenting with a key that is not the credential's cnf.jwk.
    const c = credential();
    return m.sdjwt.present({ credential: c.sdJwt, disclose: ['/name'], holderKey: c.issuer, aud: 'rp', nonce: 'n' });
  },
  UNSUPPORTED_ALGORITHM: () => m.SigningKey.generate('RS256'),
  TRUNCATED: () => {
    const kp = m.hpke.generateKeyPair();
    const stream = m.createSealStream(kp.publicKey);
    const reader = m.createOpenStream(kp.secretKey, stream.header);
    reader.push(stream.push(bytes(100)));
    return reader.finish(); // the final chunk never came
  },
  INVALID_PROOF: () => {
    const { log } = consentLog();
    return m.merkle.verifyInclusion({ leafHash: log.root(), index: 0, treeSize: 2, proof: log.inclusionProof(0), root: log.root() });
  },
  INVALID_CHECKPOINT: () => {
    const { log, jwk } = consentLog();
    return m.checkpoint.verify(log.checkpoint(), jwk, 'mpshield.example/device/another');
  },
  INVALID_RECORD: () => consentLog().log.append({ ...syntheticRecord(0, T0), colour: 'blue' }),
  RECORD_NOT_FOUND: () => consentLog().log.withdraw('no-such-record', T0),
  INVALID_STATE: () => {
    const { log } = consentLog();
    const id = log.get(1).recordId;
    log.withdraw(id, T0 + 60);
    return log.withdraw(id, T0 + 120);
  },
  INVALID_RECEIPT: () => {
    const { log, jwk } = consentLog();
    return m.consent.verifyReceipt(log.receipt(0).slice(0, -1), jwk);
  },
  STORAGE_CORRUPT: () => {
    const { signingKey, origin } = consentLog();
    return m.ConsentLog.load(m.storage.memory(), bytes(32), { signingKey, origin });
  },
  ROLLBACK_DETECTED: async () => {
    const { log, signingKey, origin } = consentLog();
    const store = m.storage.memory();
    await log.save(store, bytes(32));
    log.append(syntheticRecord(9, T0));
    return m.ConsentLog.load(store, bytes(32), { signingKey, origin, trustedCheckpoint: log.checkpoint() });
  },
  UNTRUSTED_VERIFIER: async () => {
    const s = await world(m, m);
    const request = s.stranger.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    return s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  },
  INVALID_REQUEST: async () => (await world(m, m)).wallet.evaluate('not-a-request'),
  NOT_REQUESTED: async () => {
    const s = await world(m, m);
    const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    return s.wallet.respond(request, { choices: HOTEL_CHOICES.slice(0, 2), separateConsent: true });
  },
  SEPARATE_CONSENT_REQUIRED: async () => {
    const s = await world(m, m);
    const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    return s.wallet.respond(request, { choices: HOTEL_CHOICES });
  },
  CREDENTIAL_NOT_FOUND: async () => {
    const s = await world(m, m);
    const empty = await m.Wallet.open({ storage: m.storage.memory(), storageKey: bytes(32), trustedVerifiers: [s.hotel.v.publicJwk()] });
    const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    return empty.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  },
  REPLAYED: async () => {
    const s = await world(m, m);
    const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    const { envelope } = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
    await s.hotel.v.open(envelope);
    return s.hotel.v.open(envelope);
  },
  INVALID_RESPONSE: async () => {
    const s = await world(m, m);
    const info = new TextEncoder().encode(RESPONSE_INFO);
    return s.hotel.v.open(m.seal(s.hotel.hpkeKeyPair.publicKey, new TextEncoder().encode('{}'), { info }));
  },
  CONSENT_NOT_PERSISTED: () => {
    const { log } = consentLog();
    const full = { get() {}, set() { throw new Error('storage full'); }, remove() {} };
    return log.save(full, bytes(32));
  },
  VERIFY_FAILED: () => {
    // The right issuer key (matched by kid), a signature that is not its.
    const c = credential();
    const [jwt, ...rest] = c.presentation.split('~');
    const parts = jwt.split('.');
    const sig = Buffer.from(parts[2], 'base64url');
    sig[5] ^= 1;
    const tampered = [parts[0], parts[1], sig.toString('base64url')].join('.');
    return m.sdjwt.verify({ presentation: [tampered, ...rest].join('~'), issuerKeys: [c.issuerJwk], aud: 'rp', nonce: 'n' });
  },
  UNTRUSTED_ISSUER: () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [m.SigningKey.generate('ES256').publicJwk()], aud: 'rp', nonce: 'n' });
  },
  INVALID_CREDENTIAL: () => m.sdjwt.decode('not an SD-JWT'),
  EXPIRED: () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [c.issuerJwk], aud: 'rp', nonce: 'n', now: c.exp + 3600 });
  },
  NOT_YET_VALID: () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [c.issuerJwk], aud: 'rp', nonce: 'n', now: c.nbf - 3600 });
  },
  INVALID_KEY_BINDING: () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [c.issuerJwk], aud: 'rp', nonce: 'another nonce' });
  },
  INVALID_JWK: () => m.SigningKey.fromJwk({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', d: 'AAAA' }),
  NOT_DISCLOSABLE: () => {
    const issuerKey = m.SigningKey.generate('EdDSA');
    return m.sdjwt.issue({ issuerKey, claims: { name: '测试甲' }, disclosable: ['/iss'], vct: 'urn:example:test', iss: 'https://issuer.example' });
  },
  UNKNOWN_LICENCE_TYPE: () => {
    const issuerKey = m.SigningKey.generate('EdDSA');
    return m.licence.issue({ type: 'fishing_permit', fields: {}, issuerKey, holderPublicJwk: issuerKey.publicJwk(), iss: 'https://issuer.example' });
  },
  INVALID_CLAIM: () => m.mask.apply('id_number', 'not an ID number'),
  UNKNOWN_MASK_RULE: () => m.mask.apply('no_such_rule', '13800001234'),
  INTERNAL: null,
};

function assertShape(e, code, what) {
  assert.ok(e instanceof m.MpShieldError, `${what}: instanceof MpShieldError (got ${e})`);
  assert.ok(e instanceof Error, `${what}: instanceof Error`);
  assert.equal(e.name, 'MpShieldError', `${what}: name`);
  assert.equal(e.code, code, `${what}: code (message: ${e.message})`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 10, `${what}: a message that says something`);
  assert.equal(typeof e.stack, 'string');
}

test('NOT_INITIALIZED comes first, from every function', async () => {
  assertShape(await thrown(triggers.NOT_INITIALIZED), 'NOT_INITIALIZED', 'version()');
  for (const f of [() => m.randomBytes(1), () => m.errorCodes(), () => m.addEntropy(bytes(32)), () => m.idcard.parse('x')]) {
    assertShape(await thrown(f), 'NOT_INITIALIZED', String(f));
  }
  await m.init();
});

test('every code from errorCodes() has a row, is listed in the README, and maps to MpShieldError', async () => {
  const codes = m.errorCodes();
  assert.ok(Array.isArray(codes) && codes.length >= 10, 'errorCodes() lists the codes');
  assert.equal(new Set(codes).size, codes.length, 'codes are unique');
  assert.deepEqual(Object.keys(triggers).sort(), codes.slice().sort(), 'one table row per code, no stale rows');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const code of codes) {
    assert.match(code, /^[A-Z][A-Z_]+$/);
    assert.ok(readme.includes('`' + code + '`'), `README lists ${code}`);

    // The conversion the API layer applies to whatever the glue throws: the
    // Rust boundary's plain Error with name "MpShieldError" and a code.
    const glueError = Object.assign(new Error(`message for ${code}`), { name: 'MpShieldError', code });
    const converted = toMpShieldError(glueError);
    assert.ok(converted instanceof SourceError && converted.code === code, `${code} converts`);
    assert.equal(converted.message, `message for ${code}`);
    assert.equal(converted.cause, glueError, 'the original is kept as cause');

    // Through the public API, where it can be triggered today.
    if (code === 'NOT_INITIALIZED' || triggers[code] === null) continue;
    assertShape(await thrown(triggers[code]), code, `trigger for ${code}`);
  }
});

test('the conversion of unexpected errors', () => {
  const cases = [
    [new TypeError('x is not a function'), 'INVALID_INPUT'],
    [Object.assign(new Error('unreachable'), { name: 'RuntimeError' }), 'INTERNAL'],
    [new RangeError('Maximum call stack size exceeded'), 'INTERNAL'],
    ['a string', 'INTERNAL'],
    [undefined, 'INTERNAL'],
    [null, 'INTERNAL'],
    [{ name: 'MpShieldError', code: 'lower-case is not a code' }, 'INTERNAL'],
    [new Proxy({}, { get() { throw new Error('hostile'); } }), 'INTERNAL'],
  ];
  cases.forEach(([input, code], i) => {
    const e = toMpShieldError(input);
    assert.ok(e instanceof SourceError, `case ${i}`);
    assert.equal(e.code, code, `case ${i} → ${code}`);
  });
  const own = new SourceError('INVALID_KEY', 'kept');
  assert.equal(toMpShieldError(own), own, 'an MpShieldError passes through unchanged');
});

// Argument-type errors: [what, call, code].
const argumentCases = [
  ['randomBytes()', () => m.randomBytes(), 'INVALID_INPUT'],
  ['randomBytes("8")', () => m.randomBytes('8'), 'INVALID_INPUT'],
  ['randomBytes(8.5)', () => m.randomBytes(8.5), 'INVALID_INPUT'],
  ['randomBytes(-1)', () => m.randomBytes(-1), 'INVALID_INPUT'],
  ['randomBytes(NaN)', () => m.randomBytes(NaN), 'INVALID_INPUT'],
  ['randomBytes(2**32 + 8) (would wrap to 8)', () => m.randomBytes(2 ** 32 + 8), 'INVALID_INPUT'],
  ['randomBytes(8n)', () => m.randomBytes(8n), 'INVALID_INPUT'],
  ['randomBytes(new Number(8))', () => m.randomBytes(new Number(8)), 'INVALID_INPUT'],
  ['idcard.parse()', () => m.idcard.parse(), 'INVALID_INPUT'],
  ['idcard.parse(null)', () => m.idcard.parse(null), 'INVALID_INPUT'],
  ['idcard.parse(number)', () => m.idcard.parse(11010519491231002), 'INVALID_INPUT'],
  ['idcard.parse(String object)', () => m.idcard.parse(new String('11010519491231002X')), 'INVALID_INPUT'],
  ['addEntropy("…")', () => m.addEntropy('a string of more than 32 characters...'), 'INVALID_INPUT'],
  ['addEntropy(number[])', () => m.addEntropy(Array.from(bytes(32))), 'INVALID_INPUT'],
  ['addEntropy(Uint16Array)', () => m.addEntropy(new Uint16Array(32).fill(7).map((_, i) => i)), 'INVALID_INPUT'],
  ['addEntropy(31 bytes)', () => m.addEntropy(bytes(31)), 'NO_ENTROPY'],
  ['addEntropy(constant)', () => m.addEntropy(new Uint8Array(64).fill(9)), 'NO_ENTROPY'],
  ['addEntropy(fake Uint8Array tag)', () => m.addEntropy({ [Symbol.toStringTag]: 'Uint8Array', length: 32 }), 'INVALID_INPUT'],
  ['init("x")', () => m.init('x'), 'INVALID_INPUT'],
  ['init([])', () => m.init([]), 'INVALID_INPUT'],
  ['init({ wasmpath }) (typo)', () => m.init({ wasmpath: '/x.wasm' }), 'INVALID_INPUT'],
  ['init({ wasmPath: 5 })', () => m.init({ wasmPath: 5 }), 'INVALID_INPUT'],
  ['init({ wasmPath: "" })', () => m.init({ wasmPath: '' }), 'INVALID_INPUT'],
  ['init({ entropy: "x" })', () => m.init({ entropy: 'x'.repeat(64) }), 'INVALID_INPUT'],
  ['init({ entropy: 8 bytes })', () => m.init({ entropy: bytes(8) }), 'NO_ENTROPY'],
  ['init({ entropy: constant })', () => m.init({ entropy: new Uint8Array(32) }), 'NO_ENTROPY'],
  // Keys, SD-JWT, licences, masking.
  ['SigningKey.generate()', () => m.SigningKey.generate(), 'INVALID_INPUT'],
  ['SigningKey.generate(String object)', () => m.SigningKey.generate(new String('EdDSA')), 'INVALID_INPUT'],
  ['SigningKey.generate("eddsa")', () => m.SigningKey.generate('eddsa'), 'UNSUPPORTED_ALGORITHM'],
  ['new SigningKey()', () => new m.SigningKey(), 'INVALID_INPUT'],
  ['SigningKey.fromJwk("…")', () => m.SigningKey.fromJwk('{"kty":"OKP"}'), 'INVALID_INPUT'],
  ['SigningKey.fromJwk(public JWK)', () => m.SigningKey.fromJwk(m.SigningKey.generate('EdDSA').publicJwk()), 'INVALID_JWK'],
  ['SigningKey.prototype.publicJwk on a non-key', () => m.SigningKey.prototype.publicJwk.call({}), 'INVALID_INPUT'],
  ['SigningKey.prototype.alg on the prototype', () => m.SigningKey.prototype.alg, 'INVALID_INPUT'],
  ['free() on a non-key', () => m.SigningKey.prototype.free.call({}), 'INVALID_INPUT'],
  ['sdjwt.issue()', () => m.sdjwt.issue(), 'INVALID_INPUT'],
  ['sdjwt.issue({ issuerKey: JWK })', () => m.sdjwt.issue({ ...issueArgs(), issuerKey: m.SigningKey.generate('EdDSA').exportPrivateJwkDangerously() }), 'INVALID_INPUT'],
  ['sdjwt.issue({ issuerKey: freed })', () => {
    const k = m.SigningKey.generate('EdDSA');
    k.free();
    return m.sdjwt.issue({ ...issueArgs(), issuerKey: k });
  }, 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: array })', () => m.sdjwt.issue({ ...issueArgs(), claims: ['a'] }), 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: Map })', () => m.sdjwt.issue({ ...issueArgs(), claims: new Map([['a', 1]]) }), 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: with a function })', () => m.sdjwt.issue({ ...issueArgs(), claims: { name: () => 1 } }), 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: with NaN })', () => m.sdjwt.issue({ ...issueArgs(), claims: { n: NaN } }), 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: with a Date })', () => m.sdjwt.issue({ ...issueArgs(), claims: { d: new Date(0) } }), 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: with a bigint })', () => m.sdjwt.issue({ ...issueArgs(), claims: { n: 1n } }), 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: with a lone surrogate })', () => m.sdjwt.issue({ ...issueArgs(), claims: { name: '\uD800' } }), 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: cyclic })', () => {
    const claims = { name: '测试甲' };
    claims.self = claims;
    return m.sdjwt.issue({ ...issueArgs(), claims });
  }, 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: 1000 deep })', () => {
    let claims = { leaf: 1 };
    for (let i = 0; i < 1000; i++) claims = { a: claims };
    return m.sdjwt.issue({ ...issueArgs(), claims });
  }, 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: shared-reference bomb })', () => {
    let x = { leaf: 1 };
    for (let i = 0; i < 40; i++) x = { a: x, b: x };
    return m.sdjwt.issue({ ...issueArgs(), claims: x });
  }, 'INVALID_INPUT'],
  ['sdjwt.issue({ claims: sparse array })', () => m.sdjwt.issue({ ...issueArgs(), claims: { list: [1, , 3] } }), 'INVALID_INPUT'],
  ['sdjwt.issue({ disclosable: string })', () => m.sdjwt.issue({ ...issueArgs(), disclosable: '/name' }), 'INVALID_INPUT'],
  ['sdjwt.issue({ disclosable: [1] })', () => m.sdjwt.issue({ ...issueArgs(), disclosable: [1] }), 'INVALID_INPUT'],
  ['sdjwt.issue({ disclosable: pointer to nothing })', () => m.sdjwt.issue({ ...issueArgs(), disclosable: ['/nobody'] }), 'INVALID_INPUT'],
  ['sdjwt.issue({ vct: 1 })', () => m.sdjwt.issue({ ...issueArgs(), vct: 1 }), 'INVALID_INPUT'],
  ['sdjwt.issue({ iat: "now" })', () => m.sdjwt.issue({ ...issueArgs(), iat: 'now' }), 'INVALID_INPUT'],
  ['sdjwt.issue({ exp: 1.5 })', () => m.sdjwt.issue({ ...issueArgs(), exp: 1.5 }), 'INVALID_INPUT'],
  ['sdjwt.issue({ nbf: -1 })', () => m.sdjwt.issue({ ...issueArgs(), nbf: -1 }), 'INVALID_INPUT'],
  ['sdjwt.issue({ decoys: 65 })', () => m.sdjwt.issue({ ...issueArgs(), decoys: 65 }), 'INVALID_INPUT'],
  ['sdjwt.issue({ holderPublicJwk: "x" })', () => m.sdjwt.issue({ ...issueArgs(), holderPublicJwk: 'x' }), 'INVALID_INPUT'],
  ['sdjwt.issue({ holderPublicJwk: {} })', () => m.sdjwt.issue({ ...issueArgs(), holderPublicJwk: {} }), 'INVALID_JWK'],
  ['sdjwt.issue({ issuerkey }) (typo)', () => m.sdjwt.issue({ ...issueArgs(), issuerkey: 1 }), 'INVALID_INPUT'],
  ['sdjwt.present()', () => m.sdjwt.present(), 'INVALID_INPUT'],
  ['sdjwt.present({ holderKey: JWK })', () => {
    const c = credential();
    return m.sdjwt.present({ credential: c.sdJwt, disclose: ['/name'], holderKey: c.holder.publicJwk(), aud: 'rp', nonce: 'n' });
  }, 'INVALID_INPUT'],
  ['sdjwt.present({ disclose: "/name" })', () => {
    const c = credential();
    return m.sdjwt.present({ credential: c.sdJwt, disclose: '/name', holderKey: c.holder, aud: 'rp', nonce: 'n' });
  }, 'INVALID_INPUT'],
  ['sdjwt.present({ aud: "" })', () => {
    const c = credential();
    return m.sdjwt.present({ credential: c.sdJwt, disclose: ['/name'], holderKey: c.holder, aud: '', nonce: 'n' });
  }, 'INVALID_INPUT'],
  ['sdjwt.present({ credential: garbage })', () => {
    const c = credential();
    return m.sdjwt.present({ credential: 'garbage', disclose: [], holderKey: c.holder, aud: 'rp', nonce: 'n' });
  }, 'INVALID_CREDENTIAL'],
  ['sdjwt.verify()', () => m.sdjwt.verify(), 'INVALID_INPUT'],
  ['sdjwt.verify({ issuerKeys: JWK })', () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: c.issuerJwk });
  }, 'INVALID_INPUT'],
  ['sdjwt.verify({ issuerKeys: [SigningKey] })', () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [c.issuer] });
  }, 'INVALID_INPUT'],
  ['sdjwt.verify({ requireKeyBinding: "false" })', () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [c.issuerJwk], requireKeyBinding: 'false' });
  }, 'INVALID_INPUT'],
  ['sdjwt.verify({ now: Date })', () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [c.issuerJwk], now: new Date() });
  }, 'INVALID_INPUT'],
  ['sdjwt.verify({ clockSkew: -1 })', () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.presentation, issuerKeys: [c.issuerJwk], clockSkew: -1 });
  }, 'INVALID_INPUT'],
  ['sdjwt.verify(without key binding)', () => {
    const c = credential();
    return m.sdjwt.verify({ presentation: c.sdJwt, issuerKeys: [c.issuerJwk] });
  }, 'INVALID_KEY_BINDING'],
  ['sdjwt.decode(1)', () => m.sdjwt.decode(1), 'INVALID_INPUT'],
  ['sdjwt.decode("")', () => m.sdjwt.decode(''), 'INVALID_CREDENTIAL'],
  ['licence.issue()', () => m.licence.issue(), 'INVALID_INPUT'],
  ['licence.issue({ fields: [] })', () => {
    const k = m.SigningKey.generate('EdDSA');
    return m.licence.issue({ type: 'resident_id_card', fields: [], issuerKey: k, holderPublicJwk: k.publicJwk(), iss: 'x' });
  }, 'INVALID_INPUT'],
  ['licence.issue({ fields: {} }) (required fields missing)', () => {
    const k = m.SigningKey.generate('EdDSA');
    return m.licence.issue({ type: 'resident_id_card', fields: {}, issuerKey: k, holderPublicJwk: k.publicJwk(), iss: 'x' });
  }, 'INVALID_CLAIM'],
  ['licence.issue({ holderPublicJwk: missing })', () => {
    const k = m.SigningKey.generate('EdDSA');
    return m.licence.issue({ type: 'resident_id_card', fields: {}, issuerKey: k, iss: 'x' });
  }, 'INVALID_INPUT'],
  ['mask.apply()', () => m.mask.apply(), 'INVALID_INPUT'],
  // HPKE, envelopes, streams.
  ['hpke.seal()', () => m.hpke.seal(), 'INVALID_INPUT'],
  ['hpke.seal({ plaintext: string })', () => m.hpke.seal({ recipientPublicKey: bytes(32), plaintext: 'x' }), 'INVALID_INPUT'],
  ['hpke.seal({ aead: 2**32 + 3 })', () => m.hpke.seal({ recipientPublicKey: m.hpke.generateKeyPair().publicKey, plaintext: bytes(1), aead: 2 ** 32 + 3 }), 'INVALID_INPUT'],
  ['hpke.seal({ aead: "3" })', () => m.hpke.seal({ recipientPublicKey: m.hpke.generateKeyPair().publicKey, plaintext: bytes(1), aead: '3' }), 'UNSUPPORTED_ALGORITHM'],
  ['hpke.seal({ aead: true })', () => m.hpke.seal({ recipientPublicKey: m.hpke.generateKeyPair().publicKey, plaintext: bytes(1), aead: true }), 'INVALID_INPUT'],
  ['hpke.seal({ mode: 1 })', () => m.hpke.seal({ recipientPublicKey: m.hpke.generateKeyPair().publicKey, plaintext: bytes(1), mode: 1 }), 'INVALID_INPUT'],
  ['hpke.seal({ recipientPublicKey: number[] })', () => m.hpke.seal({ recipientPublicKey: Array.from(bytes(32)), plaintext: bytes(1) }), 'INVALID_INPUT'],
  ['hpke.seal({ recipientPublicKey: 31 bytes })', () => m.hpke.seal({ recipientPublicKey: bytes(31), plaintext: bytes(1) }), 'INVALID_KEY'],
  ['hpke.open({ enc: missing })', () => m.hpke.open({ recipientSecretKey: bytes(32), ciphertext: bytes(20) }), 'INVALID_INPUT'],
  ['hpke.setupReceiver({ extra })', () => m.hpke.setupReceiver({ recipientSecretKey: bytes(32), enc: bytes(32), extra: 1 }), 'INVALID_INPUT'],
  ['hpke.exportSecret({ length: 1.5 })', () => m.hpke.exportSecret({ recipientSecretKey: bytes(32), enc: m.hpke.generateKeyPair().publicKey, exporterContext: bytes(0), length: 1.5 }), 'INVALID_INPUT'],
  ['seal(key, plaintext, "opts")', () => m.seal(m.hpke.generateKeyPair().publicKey, bytes(1), 'opts'), 'INVALID_INPUT'],
  ['open(key, string)', () => m.open(bytes(32), 'envelope text'), 'INVALID_INPUT'],
  ['envelope.fromText(bytes)', () => m.envelope.fromText(bytes(4)), 'INVALID_INPUT'],
  ['envelope.toText("x")', () => m.envelope.toText('x'), 'INVALID_INPUT'],
  ['createSealStream(key, { chunkSize: "64k" })', () => m.createSealStream(m.hpke.generateKeyPair().publicKey, { chunkSize: '64k' }), 'INVALID_INPUT'],
  ['createOpenStream(key)', () => m.createOpenStream(bytes(32)), 'INVALID_INPUT'],
  ['mask.apply("phone", 13800001234)', () => m.mask.apply('phone', 13800001234), 'INVALID_INPUT'],
];

/** Valid sdjwt.issue options, for the rows above to spoil one at a time. */
function issueArgs() {
  return {
    issuerKey: m.SigningKey.generate('EdDSA'),
    claims: { name: '测试甲' },
    disclosable: ['/name'],
    vct: 'urn:example:test',
    iss: 'https://issuer.example',
  };
}

test('argument errors: wrong types and values', async () => {
  for (const [what, call, code] of argumentCases) {
    const e = await thrown(call);
    assertShape(e, code, what);
  }
  // …and the bytes forms that are accepted.
  m.addEntropy(bytes(32));
  m.addEntropy(bytes(40).buffer);
  m.addEntropy(Buffer.from(bytes(48)));
  m.addEntropy(bytes(64).subarray(16, 48));
  await m.init({ entropy: bytes(32).buffer });
  assert.equal(m.randomBytes(4).length, 4);
});

test('init() never throws synchronously: failures are rejections', () => {
  for (const bad of ['x', { wasmPath: 5 }, { entropy: 1 }, { nope: 1 }]) {
    let p;
    assert.doesNotThrow(() => {
      p = m.init(bad);
    });
    assert.equal(typeof p.then, 'function');
    p.catch(() => {});
  }
});
