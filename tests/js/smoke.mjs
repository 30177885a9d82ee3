// The JavaScript smoke suite, the same in every runtime: Node ESM
// (esm.test.mjs), Node CommonJS (cjs.test.cjs), the browser bundle
// (browser.test.mjs) and the emulated WeChat runtime (tests/miniprogram/,
// where it is compiled into the sandbox and run there). The Rust twin is
// tests/common/mod.rs.
//
// Plain ES2017, no imports: `assert` is handed in and only its ok,
// strictEqual, notStrictEqual and deepStrictEqual are used.
//
// runSmoke(mpshield, assert, { initOptions, expectedVersion }) expects a
// freshly loaded package (it checks NOT_INITIALIZED first), calls init()
// itself, and resolves to the number of checks made.

export async function runSmoke(m, assert, options) {
  const opts = options || {};
  let checks = 0;
  const ok = (v, msg) => {
    assert.ok(v, msg);
    checks++;
  };
  const eq = (a, b, msg) => {
    assert.strictEqual(a, b, msg);
    checks++;
  };

  /** Runs `f`, which must throw an MpShieldError with `code`; returns it. */
  function throwsCode(f, code, what) {
    let caught = null;
    try {
      f();
    } catch (e) {
      caught = e;
    }
    ok(caught !== null, what + ': expected ' + code + ', nothing was thrown');
    checkErrorShape(caught, what);
    eq(caught.code, code, what + ': code (' + caught.message + ')');
    return caught;
  }

  function checkErrorShape(e, what) {
    ok(e instanceof m.MpShieldError, what + ': an MpShieldError');
    ok(e instanceof Error, what + ': an Error');
    eq(e.name, 'MpShieldError', what + ': name');
    eq(typeof e.code, 'string', what + ': code is a string');
    ok(/^[A-Z][A-Z_]+$/.test(e.code), what + ': code is UPPER_SNAKE');
    ok(typeof e.message === 'string' && e.message.length > 0, what + ': message');
    ok(String(e).indexOf('MpShieldError: ') === 0, what + ': String(e)');
    eq(Object.prototype.toString.call(e), '[object Error]', what + ': brand');
  }

  // --- Exports -------------------------------------------------------------
  eq(typeof m.init, 'function', 'init is exported');
  eq(typeof m.version, 'function', 'version is exported');
  eq(typeof m.randomBytes, 'function', 'randomBytes is exported');
  eq(typeof m.idcard, 'object', 'idcard is exported');
  eq(typeof m.idcard.parse, 'function', 'idcard.parse is exported');
  eq(typeof m.MpShieldError, 'function', 'MpShieldError is exported');
  eq(typeof m.SigningKey, 'function', 'SigningKey is exported');
  eq(typeof m.SigningKey.generate, 'function', 'SigningKey.generate is exported');
  eq(typeof m.sdjwt, 'object', 'sdjwt is exported');
  eq(typeof m.licence, 'object', 'licence is exported');
  eq(typeof m.mask, 'object', 'mask is exported');
  eq(typeof m.hpke, 'object', 'hpke is exported');
  eq(typeof m.seal, 'function', 'seal is exported');
  eq(typeof m.open, 'function', 'open is exported');
  eq(typeof m.envelope, 'object', 'envelope is exported');
  eq(typeof m.createSealStream, 'function', 'createSealStream is exported');
  eq(typeof m.createOpenStream, 'function', 'createOpenStream is exported');
  if (m.default) {
    eq(m.default.init, m.init, 'the default export holds the named exports');
    eq(m.default.idcard, m.idcard, 'the default export holds the namespaces');
  }

  // --- Nothing works before init() -------------------------------------------
  throwsCode(() => m.version(), 'NOT_INITIALIZED', 'version() before init');
  throwsCode(() => m.randomBytes(8), 'NOT_INITIALIZED', 'randomBytes() before init');
  throwsCode(() => m.idcard.parse('11010519491231002X'), 'NOT_INITIALIZED', 'idcard.parse() before init');
  throwsCode(() => m.randomBytes('not even a number'), 'NOT_INITIALIZED', 'before init wins over bad arguments');
  throwsCode(() => m.SigningKey.generate('EdDSA'), 'NOT_INITIALIZED', 'SigningKey.generate() before init');
  throwsCode(() => m.sdjwt.decode('x~'), 'NOT_INITIALIZED', 'sdjwt.decode() before init');
  throwsCode(() => m.hpke.generateKeyPair(), 'NOT_INITIALIZED', 'hpke.generateKeyPair() before init');
  throwsCode(() => m.seal(new Uint8Array(32), new Uint8Array(1)), 'NOT_INITIALIZED', 'seal() before init');

  // --- Error messages: plain data, so they work before init() too ------------
  const early = throwsCode(() => m.version(), 'NOT_INITIALIZED', 'version() before init, to describe');
  ok(Object.isFrozen(m.errorMessages) && Object.isFrozen(m.errorMessages.INTERNAL), 'errorMessages is frozen');
  eq(m.describeError(early), m.errorMessages.NOT_INITIALIZED.zh, 'describeError before init: zh-CN by default');
  eq(m.describeError(early, 'en'), m.errorMessages.NOT_INITIALIZED.en, 'describeError(e, "en")');
  if (m.default) {
    eq(m.default.describeError, m.describeError, 'the default export holds describeError');
    eq(m.default.errorMessages, m.errorMessages, 'the default export holds errorMessages');
  }

  // --- init ----------------------------------------------------------------
  const pending = m.init(opts.initOptions);
  ok(pending && typeof pending.then === 'function', 'init() returns a Promise');
  eq(await pending, undefined, 'init() resolves to undefined');
  await m.init(); // again: only adds entropy
  checks++;

  // --- version -------------------------------------------------------------
  const v = m.version();
  ok(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v), 'version() is semver: ' + v);
  if (opts.expectedVersion) eq(v, opts.expectedVersion, 'version() matches package.json');

  // --- randomBytes -----------------------------------------------------------
  const a = m.randomBytes(32);
  const b = m.randomBytes(32);
  ok(a instanceof Uint8Array, 'randomBytes returns a Uint8Array');
  eq(a.length, 32, 'randomBytes(32) length');
  ok(!equalBytes(a, b), 'two draws differ');
  ok(!a.every((x) => x === a[0]), 'not a constant block');
  eq(m.randomBytes(1).length, 1, 'randomBytes(1)');
  const big = m.randomBytes(65536);
  eq(big.length, 65536, 'randomBytes(65536)');
  let ones = 0;
  for (let i = 0; i < big.length; i++) ones += popcount(big[i]);
  ok(Math.abs(ones - 65536 * 4) < 2000, 'bits of randomBytes(65536) are balanced: ' + ones);
  const bad = [0, 65537, -1, 1.5, NaN, Infinity, '8', null, undefined, 2 ** 32 + 8];
  for (let i = 0; i < bad.length; i++) {
    throwsCode(() => m.randomBytes(bad[i]), 'INVALID_INPUT', 'randomBytes(' + String(bad[i]) + ')');
  }

  // --- idcard.parse: the published examples ---------------------------------
  const keys = ['number', 'region', 'province', 'birthDate', 'sex', 'checkCharacter'];
  const beijing = m.idcard.parse('11010519491231002X');
  assert.deepStrictEqual(Object.keys(beijing).sort(), keys.slice().sort(), 'parse result keys');
  assert.deepStrictEqual(
    pick(beijing, keys),
    {
      number: '11010519491231002X',
      region: '110105',
      province: '北京市',
      birthDate: '1949-12-31',
      sex: 'female',
      checkCharacter: 'X',
    },
    'published example 11010519491231002X',
  );
  assert.deepStrictEqual(
    pick(m.idcard.parse('440524188001010014'), keys),
    {
      number: '440524188001010014',
      region: '440524',
      province: '广东省',
      birthDate: '1880-01-01',
      sex: 'male',
      checkCharacter: '4',
    },
    'published example 440524188001010014',
  );
  checks += 3;
  const lower = m.idcard.parse('11010519491231002x');
  eq(lower.number, '11010519491231002X', 'lower-case x is normalised');
  eq(lower.checkCharacter, 'X', 'lower-case x: check character');

  // --- idcard.parse: generated synthetic numbers -----------------------------
  const regions = [
    ['110105', '北京市'],
    ['310115', '上海市'],
    ['440305', '广东省'],
    ['510107', '四川省'],
    ['150102', '内蒙古自治区'],
    ['650102', '新疆维吾尔自治区'],
    ['330106', '浙江省'],
    ['420106', '湖北省'],
  ];
  const draws = m.randomBytes(5 * 120);
  for (let i = 0; i < 120; i++) {
    const r = draws.subarray(5 * i, 5 * i + 5);
    const region = regions[r[0] % regions.length];
    const year = 1900 + (r[1] % 120);
    const month = 1 + (r[2] % 12);
    const day = 1 + (r[3] % daysInMonth(year, month));
    const seq = ((r[4] << 2) | (r[0] & 3)) % 1000;
    const birth = year + '-' + pad(month, 2) + '-' + pad(day, 2);
    const number = synthesize(region[0], year, month, day, seq);
    const parsed = m.idcard.parse(number);
    assert.deepStrictEqual(
      pick(parsed, keys),
      {
        number: number,
        region: region[0],
        province: region[1],
        birthDate: birth,
        sex: seq % 2 === 1 ? 'male' : 'female',
        checkCharacter: number.charAt(17),
      },
      'synthetic ' + number,
    );
    checks++;
    // Any other check character is refused.
    const wrong = '0123456789X'.replace(number.charAt(17), '').charAt(r[1] % 10);
    throwsCode(() => m.idcard.parse(number.slice(0, 17) + wrong), 'INVALID_ID_NUMBER', 'wrong check character ' + wrong);
  }

  // --- idcard.parse: rejections ---------------------------------------------
  const rejected = [
    ['', 'empty'],
    ['110105194912310', '15-digit legacy number'],
    ['11010519491231002', '17 characters'],
    ['11010519491231002X0', '19 characters'],
    ['110105194912310021', 'wrong check character'],
    [synthesize('110105', 1949, 2, 30, 2), 'February 30'],
    [synthesize('110105', 1949, 13, 1, 2), 'month 13'],
    [synthesize('110105', 1849, 12, 31, 2), 'before 1850-01-01'],
    [synthesize('110105', 2999, 1, 1, 2), 'in the future'],
    [synthesize('990105', 1990, 1, 1, 2), 'unknown province 99'],
    ['11010519491231002X ', 'trailing space'],
    [' 11010519491231002X', 'leading space'],
    ['１１010519491231002X', 'full-width digits'],
    ['1101051949123100AX', 'letters in the sequence'],
    ['11010519491231002Y', 'Y as check character'],
  ];
  for (let i = 0; i < rejected.length; i++) {
    const e = throwsCode(() => m.idcard.parse(rejected[i][0]), 'INVALID_ID_NUMBER', 'rejects ' + rejected[i][1]);
    ok(e.message.length > 'invalid citizen ID number'.length, 'the reason is in the message: ' + e.message);
    eq(m.describeError(e, 'zh-CN'), m.errorMessages.INVALID_ID_NUMBER.zh, 'describeError of ' + rejected[i][1]);
  }
  const notStrings = [undefined, null, 11010519491231002, {}, ['11010519491231002X']];
  for (let i = 0; i < notStrings.length; i++) {
    throwsCode(() => m.idcard.parse(notStrings[i]), 'INVALID_INPUT', 'idcard.parse(non-string #' + i + ')');
  }

  // --- MpShieldError --------------------------------------------------------
  const made = new m.MpShieldError('INVALID_INPUT', 'made by hand');
  checkErrorShape(made, 'new MpShieldError');
  eq(made.code, 'INVALID_INPUT', 'constructor sets code');
  eq(made.message, 'made by hand', 'constructor sets message');

  checks += opts.phoneModule ? phoneModuleRefusals(m, { ok, throwsCode }) : credentialRoundTrip(m, assert, { ok, eq, throwsCode });
  sealRoundTrip(m, { ok, eq, throwsCode });
  consentRoundTrip(m, { ok, eq, throwsCode });

  // Still answering.
  eq(m.randomBytes(8).length, 8, 'still answers');
  return checks;
}

/** Envelope, HPKE context and stream round trips, and the failures that matter. */
function sealRoundTrip(m, t) {
  const ok = t.ok;
  const eq = t.eq;
  const throwsCode = t.throwsCode;
  const kp = m.hpke.generateKeyPair();
  eq(kp.publicKey.length, 32, 'X25519 public key');
  eq(kp.secretKey.length, 32, 'X25519 secret key');
  const message = utf8('测试甲 440305200011241237 广东省深圳市南山区测试路1号');
  const aad = utf8('form-42');

  // Envelope, default suite (ChaCha20-Poly1305), through its text form.
  const sealed = m.seal(kp.publicKey, message, { aad: aad });
  ok(sealed instanceof Uint8Array && sealed.length > message.length, 'an envelope');
  const text = m.envelope.toText(sealed);
  ok(/^[A-Za-z0-9_-]+$/.test(text), 'base64url text without padding');
  const meta = m.envelope.inspect(m.envelope.fromText(text));
  eq(meta.version, 1, 'envelope version');
  eq(meta.mode, 'base', 'envelope mode');
  eq(meta.kem, 0x20, 'envelope KEM');
  eq(meta.kdf, 1, 'envelope KDF');
  eq(meta.aead, 3, 'default AEAD ChaCha20-Poly1305');
  ok(equalBytes(m.open(kp.secretKey, m.envelope.fromText(text), { aad: aad }), message), 'open(seal(x)) = x');
  eq(m.envelope.inspect(m.seal(kp.publicKey, message, { aead: 'AES-256-GCM' })).aead, 2, 'AES-256-GCM by name');
  throwsCode(() => m.open(kp.secretKey, sealed), 'DECRYPT_FAILED', 'open without the aad');
  throwsCode(() => m.open(m.hpke.generateKeyPair().secretKey, sealed, { aad: aad }), 'DECRYPT_FAILED', 'open with another key');
  const flipped = sealed.slice();
  flipped[flipped.length - 1] ^= 1;
  throwsCode(() => m.open(kp.secretKey, flipped, { aad: aad }), 'DECRYPT_FAILED', 'a flipped tag bit');
  throwsCode(() => m.seal(kp.publicKey, 'not bytes'), 'INVALID_INPUT', 'seal(string)');

  // HPKE contexts, auth_psk, and the exporter on both sides.
  const sender = m.hpke.generateKeyPair();
  const psk = m.randomBytes(32);
  const pskId = utf8('psk-1');
  const s = m.hpke.setupSender({ mode: 'auth_psk', aead: 1, recipientPublicKey: kp.publicKey, info: aad, psk: psk, pskId: pskId, senderSecretKey: sender.secretKey });
  const r = m.hpke.setupReceiver({ mode: 'auth_psk', aead: 1, recipientSecretKey: kp.secretKey, enc: s.enc, info: aad, psk: psk, pskId: pskId, senderPublicKey: sender.publicKey });
  for (let i = 0; i < 3; i++) ok(equalBytes(r.open(s.seal(message)), message), 'context message ' + i);
  ok(equalBytes(s.exportSecret(aad, 32), r.exportSecret(aad, 32)), 'exporter agrees');
  s.free();
  r.free();
  throwsCode(() => s.seal(message), 'INVALID_INPUT', 'a freed context');

  // Streams.
  const big = m.randomBytes(65536);
  const w = m.createSealStream(kp.publicKey, { chunkSize: 16384 });
  const parts = [w.push(big), w.push(message), w.finish()];
  const rd = m.createOpenStream(kp.secretKey, w.header);
  const a = rd.push(parts[0]);
  const b = rd.push(parts[1]);
  const c = rd.push(parts[2]);
  rd.finish();
  eq(a.length + b.length + c.length, big.length + message.length, 'stream length');
  const joined = new Uint8Array(a.length + b.length + c.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  joined.set(c, a.length + b.length);
  ok(equalBytes(joined.subarray(0, big.length), big) && equalBytes(joined.subarray(big.length), message), 'stream round trip');
  const cut = m.createOpenStream(kp.secretKey, w.header);
  cut.push(parts[0]);
  throwsCode(() => cut.finish(), 'TRUNCATED', 'a stream without its final chunk');
  w.free();
  rd.free();
  cut.free();
}

/** Consent log append → receipt → verifyReceipt, with a synthetic record. */
function consentRoundTrip(m, t) {
  const ok = t.ok;
  const eq = t.eq;
  const throwsCode = t.throwsCode;
  const device = m.SigningKey.generate('EdDSA');
  const origin = 'mpshield.example/device/smoke';
  const log = m.ConsentLog.create({ signingKey: device, origin: origin });
  const first17 = '91440300MA0000001';
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(first17.charAt(i)) * weights[i];
  const uscc = first17 + alphabet.charAt((31 - (sum % 31)) % 31);
  const at = log.append({
    event: 'disclosed',
    time: 1795327380,
    controller: { name: '某某酒店', uscc: uscc },
    purposes: ['住宿登记'],
    lawfulBasis: 'legal_duty',
    consentType: 'explicit',
    fields: [{ licence: 'resident_id_card', field: 'id_number', form: 'masked', sensitive: false, retentionDays: 30 }],
  });
  eq(at.index, 0, 'appended at 0');
  eq(at.leafHash.length, 32, 'leaf hash');
  eq(log.size, 1, 'log size');
  const receipt = log.receipt(0);
  ok(receipt instanceof Uint8Array && receipt.length > 100, 'a receipt');
  const proven = m.consent.verifyReceipt(receipt, device.publicJwk());
  eq(proven.index, 0, 'receipt index');
  eq(proven.record.controller.name, '某某酒店', 'receipt record');
  eq(proven.record.recordId, log.get(0).recordId, 'the same record');
  eq(proven.checkpoint.origin, origin, 'receipt checkpoint origin');
  ok(equalBytes(proven.checkpoint.root, log.root()), 'receipt checkpoint root');
  eq(log.history()[0].line, '2026-11-22 14:03 向 某某酒店 提供了 公民身份号码（脱敏）用于 住宿登记，保存 30 天', 'history line');
  const flipped = receipt.slice();
  flipped[receipt.length - 5] ^= 1;
  throwsCode(() => m.consent.verifyReceipt(flipped, device.publicJwk()), 'INVALID_CHECKPOINT', 'a flipped bit in the receipt\'s checkpoint');
  throwsCode(() => m.consent.verifyReceipt(receipt, m.SigningKey.generate('EdDSA').publicJwk()), 'INVALID_CHECKPOINT', 'another device key');
  log.free();
  device.free();
}

/** UTF-8 without TextEncoder (mini-programs have none). */
function utf8(str) {
  const out = [];
  for (let i = 0; i < str.length; i++) {
    let c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      c = 0x10000 + ((c - 0xd800) << 10) + (str.charCodeAt(++i) - 0xdc00);
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/**
 * Licence issue → present (masked ID number and "18 or over" only) →
 * verify, with synthetic data. Returns the number of deepStrictEqual checks
 * (ok/eq count themselves).
 */
/**
 * The phone module (options.phoneModule: the browser and mini-program
 * default) leaves out issuance and the relying party: each refuses with
 * INVALID_STATE naming the phone module. (The wallet side of credentials
 * runs there in the flow tests, with credentials issued in Node.)
 */
function phoneModuleRefusals(m, t) {
  const key = m.SigningKey.generate('ES256');
  const jwk = key.publicJwk();
  const calls = {
    'licence.issue': () => m.licence.issue({ type: 'resident_id_card', issuerKey: key, holderPublicJwk: jwk, iss: 'https://issuer.gov.example', fields: {} }),
    'sdjwt.issue': () => m.sdjwt.issue({ issuerKey: key, claims: { a: 1 }, disclosable: ['/a'], vct: 'urn:example:test', iss: 'https://issuer.gov.example' }),
    'Verifier.create': () => m.Verifier.create({ name: '测试', uscc: '91440300MA5FBTE67N', signingKey: key, hpkeKeyPair: m.hpke.generateKeyPair(), trustedIssuers: [] }),
  };
  let checks = 0;
  for (const name of Object.keys(calls)) {
    const e = t.throwsCode(calls[name], 'INVALID_STATE', name + ' in the phone module');
    t.ok(/phone module/.test(e.message), name + ': the message names the phone module');
    checks += 2;
  }
  return checks;
}

function credentialRoundTrip(m, assert, t) {
  const ok = t.ok;
  const eq = t.eq;
  const throwsCode = t.throwsCode;
  let checks = 0;

  const issuer = m.SigningKey.generate('ES256');
  const holder = m.SigningKey.generate('EdDSA');
  eq(issuer.alg, 'ES256', 'issuer key alg');
  eq(holder.alg, 'EdDSA', 'holder key alg');
  ok(issuer instanceof m.SigningKey, 'a SigningKey');
  const issuerJwk = issuer.publicJwk();
  eq(issuerJwk.kty, 'EC', 'P-256 public JWK kty');
  eq(issuerJwk.crv, 'P-256', 'P-256 public JWK crv');
  eq(typeof issuerJwk.kid, 'string', 'public JWK has a kid');
  eq(issuerJwk.d, undefined, 'no private part in the public JWK');
  const holderJwk = holder.publicJwk();
  eq(holderJwk.kty, 'OKP', 'Ed25519 public JWK kty');
  eq(holderJwk.d, undefined, 'no private part in the public JWK');
  const handleKeys = Object.keys(holder).concat(Object.getOwnPropertyNames(holder));
  eq(handleKeys.length, 0, 'a SigningKey has no own properties');
  throwsCode(() => new m.SigningKey(), 'INVALID_INPUT', 'new SigningKey()');
  throwsCode(() => m.SigningKey.generate('RS256'), 'UNSUPPORTED_ALGORITHM', 'SigningKey.generate("RS256")');

  // A synthetic holder: born on this day 20 years ago (so 18 or over, under 60).
  const now = new Date();
  const year = now.getUTCFullYear() - 20;
  const month = now.getUTCMonth() + 1;
  const day = Math.min(now.getUTCDate(), 28);
  const idNumber = synthesize('440305', year, month, day, 123);
  const birth = year + '-' + pad(month, 2) + '-' + pad(day, 2);
  const credential = m.licence.issue({
    type: 'resident_id_card',
    issuerKey: issuer,
    holderPublicJwk: holderJwk,
    iss: 'https://issuer.gov.example',
    fields: {
      name: '测试甲',
      sex: 'male',
      ethnicity: '汉',
      birth_date: birth,
      address: '广东省深圳市南山区测试路1号',
      id_number: idNumber,
      issuing_authority: '深圳市公安局南山分局',
      valid_from: '2024-01-01',
      valid_until: '2044-01-01',
      photo: 'data:image/png;base64,AAAA',
    },
  });
  eq(typeof credential, 'string', 'licence.issue returns a string');
  ok(credential.charAt(credential.length - 1) === '~', 'an SD-JWT without key binding ends with ~');

  const decoded = m.sdjwt.decode(credential);
  eq(decoded.header.typ, 'dc+sd-jwt', 'typ dc+sd-jwt');
  eq(decoded.header.alg, 'ES256', 'header alg');
  eq(decoded.payload.vct, 'urn:mpshield:licence:resident_id_card:1', 'vct');
  eq(decoded.payload.id_number, undefined, 'the ID number is not in the clear');
  const byPath = {};
  for (let i = 0; i < decoded.disclosures.length; i++) byPath[decoded.disclosures[i].path] = decoded.disclosures[i];
  eq(byPath['/id_number'].value, idNumber, 'decode lists the ID number disclosure');
  eq(byPath['/id_number_masked'].value, idNumber.slice(0, 6) + '********' + idNumber.slice(14), 'masked ID number');
  eq(byPath['/age_equal_or_over/18'].value, true, '18 or over');
  eq(byPath['/age_equal_or_over/60'].value, false, 'not 60 or over');
  eq(byPath['/name'].value, '测试甲', 'name disclosure');

  const presentation = m.sdjwt.present({
    credential: credential,
    disclose: ['/id_number_masked', '/age_equal_or_over/18'],
    holderKey: holder,
    aud: 'https://hotel.example',
    nonce: 'nonce-0001',
  });
  const verified = m.sdjwt.verify({
    presentation: presentation,
    issuerKeys: [issuerJwk],
    aud: 'https://hotel.example',
    nonce: 'nonce-0001',
  });
  assert.deepStrictEqual(verified.disclosed.slice().sort(), ['/age_equal_or_over/18', '/id_number_masked'], 'disclosed');
  assert.deepStrictEqual(verified.claims.age_equal_or_over, { 18: true }, 'only the 18 predicate');
  checks += 2;
  eq(verified.claims.id_number_masked, idNumber.slice(0, 6) + '********' + idNumber.slice(14), 'masked ID number verified');
  eq(verified.claims.id_number, undefined, 'no raw ID number');
  eq(verified.claims.name, undefined, 'no name');
  eq(verified.claims.birth_date, undefined, 'no birth date');
  eq(verified.claims.address, undefined, 'no address');
  eq(verified.issuer, 'https://issuer.gov.example', 'issuer');
  eq(verified.holderPublicJwk.x, holderJwk.x, 'holder key');
  eq(verified.keyBinding.aud, 'https://hotel.example', 'key binding aud');
  eq(verified.keyBinding.nonce, 'nonce-0001', 'key binding nonce');
  eq(m.mask.apply('id_number', idNumber), idNumber.slice(0, 6) + '********' + idNumber.slice(14), 'mask.apply id_number');
  ok(m.mask.rules().length >= 6, 'mask.rules()');
  ok(m.licence.schemas().length === 7, 'licence.schemas()');

  // The checks that protect a relying party.
  const stranger = m.SigningKey.generate('ES256');
  throwsCode(
    () => m.sdjwt.verify({ presentation: presentation, issuerKeys: [stranger.publicJwk()], aud: 'https://hotel.example', nonce: 'nonce-0001' }),
    'UNTRUSTED_ISSUER',
    'untrusted issuer',
  );
  throwsCode(
    () => m.sdjwt.verify({ presentation: presentation, issuerKeys: [issuerJwk], aud: 'https://bar.example', nonce: 'nonce-0001' }),
    'INVALID_KEY_BINDING',
    'wrong aud',
  );
  throwsCode(
    () => m.sdjwt.verify({ presentation: presentation, issuerKeys: [issuerJwk], aud: 'https://hotel.example', nonce: 'nonce-0002' }),
    'INVALID_KEY_BINDING',
    'wrong nonce',
  );
  throwsCode(
    () => m.sdjwt.present({ credential: credential, disclose: ['/name'], holderKey: issuerJwk, aud: 'a', nonce: 'n' }),
    'INVALID_INPUT',
    'a JWK object is not a SigningKey',
  );

  // Freed keys are unusable; free() is idempotent.
  stranger.free();
  stranger.free();
  throwsCode(() => stranger.publicJwk(), 'INVALID_INPUT', 'a freed key');
  issuer.free();
  holder.free();
  return checks;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A synthetic GB 11643-1999 number with a valid ISO 7064 MOD 11-2 check character. */
export function synthesize(region, year, month, day, seq) {
  const first17 = region + pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(seq, 3);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += WEIGHTS[i] * (first17.charCodeAt(i) - 48);
  return first17 + CHECK.charAt(sum % 11);
}

function pad(n, width) {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

function daysInMonth(year, month) {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].indexOf(month) >= 0 ? 30 : 31;
}

function pick(obj, keys) {
  const out = {};
  for (let i = 0; i < keys.length; i++) out[keys[i]] = obj[keys[i]];
  return out;
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function popcount(x) {
  let n = 0;
  while (x) {
    n += x & 1;
    x >>= 1;
  }
  return n;
}
