// The operations of the JavaScriptCore benchmark (scripts/bench-jsc.mjs),
// bundled into one ES2017 script (`__mpBench`) that runs where the
// mini-program's own code runs: in jsc's mini-program realm (host.js), and
// in Node's emulated mini-program (tests/miniprogram/emulator.mjs) for the
// Node column. `m` is the mini-program bundle as shipped; `rp` Node's build
// of the package (issuer and relying parties, servers: outside the timed
// regions); `peers` the JS libraries (scripts/jsc/peers.mjs) or null.
//
// Each figure is the median of the timed runs of one operation, after
// warm-up runs (one, or as many as fit in `warmupMs`): runs go on until `budgetMs` has passed and at least
// `minRuns` were made, at most `maxRuns`. Results go out through `emit`
// ({ op, impl, ms, runs } or { op, impl, error }).
import { HOTEL_CHOICES, HOTEL_FIELDS, makeVerifier, world } from '../../tests/js/helpers/flow-scenario.mjs';
import { syntheticRecord } from '../../tests/js/helpers/consent-records.mjs';
import { fromBase64 } from '../../tests/miniprogram/jsc/text.mjs';

const AUD = 'https://hotel.example';
const NONCE = 'bench-nonce';
// The ID-card-shaped credential of scripts/bench.mjs: 16 disclosable
// claims, 2 disclosed with key binding.
export const ID_CLAIMS = {
  name: '测试甲', sex: 'male', ethnicity: '汉', birth_date: '1990-05-17',
  address: '广东省深圳市南山区测试路1号', id_number: '440305199005170576',
  issuing_authority: '深圳市公安局南山分局', valid_from: '2024-01-01', valid_until: '2044-01-01',
  id_number_masked: '440305********0576', name_masked: '测*', household_province: '广东省',
  age_equal_or_over: { 14: true, 16: true, 18: true, 60: false, 65: false },
};
const SD_FIELDS = ['name', 'sex', 'ethnicity', 'birth_date', 'address', 'id_number', 'issuing_authority', 'valid_from', 'id_number_masked', 'name_masked', 'household_province'];
const AGES = ['14', '16', '18', '60', '65'];
export const ID_FRAME = { _sd: SD_FIELDS, age_equal_or_over: { _sd: AGES } };
export const SHOW_FRAME = { id_number_masked: true, age_equal_or_over: { 18: true } };
const ID_POINTERS = SD_FIELDS.map((f) => '/' + f).concat(AGES.map((k) => '/age_equal_or_over/' + k));
const SHOW_POINTERS = ['/id_number_masked', '/age_equal_or_over/18'];

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/**
 * The timer of one run: `time(op, impl, fn, prepare)` times `fn(prepare())`
 * (`prepare` outside the timed region) and emits the median.
 */
function timer(env) {
  const { now, emit } = env;
  const budget = env.budgetMs || 400;
  const minRuns = env.minRuns || 3;
  const maxRuns = env.maxRuns || 2000;
  const warmupMs = env.warmupMs || 0;
  return async function time(op, impl, fn, prepare) {
    try {
      // Warm-up: one run, and more until warmupMs (with a JIT, tier-up
      // compilation happens here rather than in the timed runs).
      const warm = now();
      do await fn(prepare ? await prepare() : undefined);
      while (now() - warm < warmupMs);
      const samples = [];
      const start = now();
      while ((now() - start < budget || samples.length < minRuns) && samples.length < maxRuns) {
        const arg = prepare ? await prepare() : undefined;
        const t = now();
        await fn(arg);
        samples.push(now() - t);
      }
      emit({ op, impl, ms: median(samples), runs: samples.length });
    } catch (e) {
      emit({ op, impl, error: String(e && e.code ? e.code + ': ' + e.message : e) });
    }
  };
}

/**
 * Runs every operation. `env`: { m, rp, peers, now (ms), emit, budgetMs,
 * minRuns, maxRuns, warmupMs, initMs (the first init(), measured by the caller),
 * derive (whether to run deriveStorageKey) }.
 */
export async function runBench(env) {
  const { m, rp, now, emit } = env;
  const time = timer(env);
  const mp = 'mpshield';

  if (env.initMs !== undefined) emit({ op: 'init', impl: mp, ms: env.initMs, runs: 1 });
  await time('idcard.parse', mp, () => m.idcard.parse('440524188001010014'));
  await time('x25519.keygen', mp, () => m.hpke.generateKeyPair());

  // Ed25519: a checkpoint is one signature over a short signed note (the
  // package has no raw sign call); checkpoint.verify one verification.
  const logKey = m.SigningKey.generate('EdDSA');
  const origin = 'bench.example/log';
  const log = m.ConsentLog.create({ signingKey: logKey, origin });
  log.append(syntheticRecord(0, 1795392000));
  const note = log.checkpoint();
  const logJwk = logKey.publicJwk();
  await time('ed25519.sign', mp, () => log.checkpoint());
  await time('ed25519.verify', mp, () => m.checkpoint.verify(note, logJwk, origin));

  // SD-JWT: credential issued by the server side; present signs the KB-JWT
  // (one signature with the holder's key), verify checks the issuer's and
  // the holder's signatures.
  for (const alg of ['EdDSA', 'ES256']) {
    const issuerKey = rp.SigningKey.generate(alg);
    const holderKey = m.SigningKey.generate(alg);
    const credential = rp.sdjwt.issue({
      issuerKey, claims: ID_CLAIMS, disclosable: ID_POINTERS, holderPublicJwk: holderKey.publicJwk(),
      vct: 'urn:bench:id', iss: 'https://issuer.gov.example', decoys: 0,
    });
    const present = () => m.sdjwt.present({ credential, disclose: SHOW_POINTERS, holderKey, aud: AUD, nonce: NONCE });
    const presentation = present();
    const issuerKeys = [issuerKey.publicJwk()];
    await time('sdjwt.present.' + alg, mp, present);
    await time('sdjwt.verify.' + alg, mp, () => m.sdjwt.verify({ presentation, issuerKeys, aud: AUD, nonce: NONCE }));
  }

  // Seal / open 1 KiB (the gm seal: runBenchGm, in the gm module).
  const kib = m.randomBytes(1024);
  {
    const kp = m.hpke.generateKeyPair();
    const envelope = m.seal(kp.publicKey, kib);
    await time('seal.1k.intl', mp, () => m.seal(kp.publicKey, kib));
    await time('open.1k.intl', mp, () => m.open(kp.secretKey, envelope));
  }

  // The wallet: the hotel check-in, issuer key ES256 and EdDSA. A fresh
  // request for each run (made by the hotel, outside the timed region).
  const choices = { choices: HOTEL_CHOICES, separateConsent: true };
  for (const alg of ['ES256', 'EdDSA']) {
    const s = await world(m, rp, undefined, alg);
    const request = () => s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    if (alg === 'ES256') await time('wallet.evaluate', mp, (r) => s.wallet.evaluate(r), request);
    await time('wallet.respond.intl.' + alg, mp, (r) => s.wallet.respond(r, choices), request);
    s.wallet.free();
  }
  // What the phone does for one check-in: show the request, then answer it
  // (respond does not verify the request's signature again).
  {
    const s = await world(m, rp, undefined, 'EdDSA');
    const request = () => s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
    await time('wallet.evaluate+respond.intl', mp, async (r) => {
      s.wallet.evaluate(r);
      await s.wallet.respond(r, choices);
    }, request);
    s.wallet.free();
  }

  // ConsentLog.append: one record (made outside the timed region).
  let i = 1;
  await time('consentLog.append', mp, (r) => log.append(r), () => syntheticRecord(i++, 1795392000));
  log.free();

  if (env.derive !== false) {
    // Once: the defaults (Argon2id, 12 MiB, 3 passes, 1 lane).
    const salt = m.randomBytes(16);
    const t = now();
    try {
      await m.deriveStorageKey({ pin: '123456', salt });
      emit({ op: 'deriveStorageKey', impl: mp, ms: now() - t, runs: 1 });
    } catch (e) {
      emit({ op: 'deriveStorageKey', impl: mp, error: String(e && e.code ? e.code + ': ' + e.message : e) });
    }
  }

  if (env.peers) {
    for (const p of env.peers) {
      for (const op of Object.keys(p.ops)) await time(op, p.name, p.ops[op]);
    }
  }
}

/**
 * The gm (国密) rows, in the gm phone module (a gm deployment's download,
 * loaded by the caller with init({ wasmPath, suite: 'gm' })): SM2 key
 * generation, SD-JWT with SM2 keys and SM3 digests, the gm seal and the gm
 * hotel check-in. `env` as for runBench (peers are timed there).
 */
export async function runBenchGm(env) {
  const { m, rp, emit } = env;
  const timed = timer(env);
  const time = (op, fn, prepare) => timed(op, 'mpshield', fn, prepare);
  if (env.initMs !== undefined) emit({ op: 'gm.init', impl: 'mpshield', ms: env.initMs, runs: 1 });
  await time('sm2.keygen', () => m.SigningKey.generate('SM2').free());

  const issuerKey = rp.SigningKey.generate('SM2');
  const holderKey = m.SigningKey.generate('SM2');
  const credential = rp.sdjwt.issue({
    issuerKey, claims: ID_CLAIMS, disclosable: ID_POINTERS, holderPublicJwk: holderKey.publicJwk(),
    vct: 'urn:bench:id', iss: 'https://issuer.gov.example', decoys: 0, sdAlg: 'sm3',
  });
  const present = () => m.sdjwt.present({ credential, disclose: SHOW_POINTERS, holderKey, aud: AUD, nonce: NONCE });
  const presentation = present();
  const issuerKeys = [issuerKey.publicJwk()];
  await time('sdjwt.present.SM2', present);
  await time('sdjwt.verify.SM2', () => m.sdjwt.verify({ presentation, issuerKeys, aud: AUD, nonce: NONCE }));

  const kib = m.randomBytes(1024);
  const kp = m.hpke.generateKeyPair({ kem: 'SM2' });
  const envelope = m.seal(kp.publicKey, kib);
  await time('seal.1k.gm', () => m.seal(kp.publicKey, kib));
  await time('open.1k.gm', () => m.open(kp.secretKey, envelope));

  const s = await world(m, rp, undefined, 'SM2', 'gm');
  const request = () => s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  await time('wallet.evaluate.gm', (r) => s.wallet.evaluate(r), request);
  const choices = { choices: HOTEL_CHOICES, separateConsent: true };
  await time('wallet.respond.gm', (r) => s.wallet.respond(r, choices), request);
  // What the phone does for one check-in: show the request, then answer it.
  await time('wallet.evaluate+respond.gm', async (r) => {
    s.wallet.evaluate(r);
    await s.wallet.respond(r, choices);
  }, request);
  s.wallet.free();
}

/**
 * "Consent log growth" in this engine (issue 11): wallets whose logs were
 * grown elsewhere (scripts/bench-jsc.mjs grows them in Node with real
 * responds and saves them) are opened here from a copy of their storage,
 * then answer the hotel check-in, round-robin over the sizes. `logs`:
 * [{ n, storageKey, entries: [[key, base64]], issuerJwk }].
 */
export async function runGrowth(env) {
  const { m, rp, now, emit, logs } = env;
  const runs = env.runs || 9;
  const choices = { choices: HOTEL_CHOICES, separateConsent: true };
  const w = [];
  for (const log of logs) {
    const storage = m.storage.memory();
    for (const [k, v] of log.entries) storage.set(k, fromBase64(v));
    const hotel = makeVerifier(rp, '测试酒店有限公司', 1, { publicJwk: () => log.issuerJwk });
    const t = now();
    const wallet = await m.Wallet.open({ storage, storageKey: fromBase64(log.storageKey), trustedVerifiers: [hotel.v.publicJwk()] });
    const openMs = now() - t;
    const held = wallet.history().length;
    if (held !== log.n) throw new Error('log growth: the opened wallet holds ' + held + ' records, not ' + log.n);
    w.push({ n: log.n, wallet, hotel, openMs, ms: [], records: held });
  }
  const request = (x) => x.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  for (const x of w) {
    await x.wallet.respond(request(x), choices); // warm-up
    x.records += 1;
  }
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < w.length; k++) {
      const x = w[(k + r) % w.length];
      const req = request(x);
      const t = now();
      await x.wallet.respond(req, choices);
      x.ms.push(now() - t);
      x.records += 1;
    }
  }
  for (const x of w) {
    emit({ op: 'growth', n: x.n, respondMs: median(x.ms), min: Math.min.apply(null, x.ms), max: Math.max.apply(null, x.ms), openMs: x.openMs, runs: x.ms.length, recordsAtEnd: x.records });
    x.wallet.free();
  }
}
