// The hotel check-in as a mini-program built with a framework runs it,
// imported by both fixture apps (tests/frameworks/taro, tests/frameworks/
// uniapp) from `mpshield/miniprogram`: init(), idcard.parse, then a test
// issuer, the hotel's Verifier and the citizen's Wallet on wx storage —
// request, evaluate, respond, open (WeChat's wx, or Douyin's tt, for
// storage). The outcome is written to wx / tt storage
// under "mpshield-fixture" for tests/frameworks/frameworks.test.mjs to read.
// All identities are synthetic (GB 11643 / GB 32100 check characters).

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

function uscc(n) {
  const first = '91440300MA' + String(n).padStart(7, '0');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first[i]) * USCC_WEIGHTS[i];
  return first + USCC_CHARS[(31 - (sum % 31)) % 31];
}

const FIELDS = {
  name: '测试甲', sex: 'female', ethnicity: '汉', birth_date: '1949-12-31',
  address: '北京市朝阳区测试路1号', id_number: '11010519491231002X',
  issuing_authority: '北京市公安局朝阳分局', valid_from: '2020-01-01', valid_until: '2040-01-01',
};

/** WeChat's `wx`, or Douyin's `tt` (the same storage calls). */
function host() {
  return typeof wx !== 'undefined' ? wx : tt;
}

async function run(mpshield, wasmPath) {
  await mpshield.init(wasmPath ? { wasmPath: wasmPath } : undefined);
  const id = mpshield.idcard.parse('440524188001010014');
  const issuerKey = mpshield.SigningKey.generate('ES256');
  const hotel = mpshield.Verifier.create({
    name: '测试酒店有限公司', uscc: uscc(1),
    signingKey: mpshield.SigningKey.generate('EdDSA'),
    hpkeKeyPair: mpshield.hpke.generateKeyPair(),
    trustedIssuers: [issuerKey.publicJwk()],
  });
  const request = hotel.createRequest({
    purpose: '住宿登记', lawfulBasis: 'legal_duty', ttlSeconds: 300,
    fields: [
      { licence: 'resident_id_card', field: 'name', required: true, forms: ['full'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'id_number', required: true, forms: ['full', 'masked'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'birth_date', required: true, forms: ['predicate'], predicate: 'age_equal_or_over/18', retentionDays: 30 },
    ],
  });
  const wallet = await mpshield.Wallet.open({
    storage: mpshield.storage.wx(host()),
    storageKey: mpshield.randomBytes(32),
    trustedVerifiers: [hotel.publicJwk()],
  });
  await wallet.addCredential(mpshield.licence.issue({
    type: 'resident_id_card', issuerKey, holderPublicJwk: wallet.holderPublicJwk(),
    iss: 'https://issuer.example', fields: FIELDS,
  }));
  const screen = wallet.evaluate(request);
  const answer = await wallet.respond(request, {
    choices: [
      { licence: 'resident_id_card', field: 'name', form: 'full' },
      { licence: 'resident_id_card', field: 'id_number', form: 'masked' },
      { licence: 'resident_id_card', field: 'birth_date', form: 'predicate' },
    ],
    separateConsent: ['id_number'],
  });
  const opened = await hotel.open(answer.envelope);
  return {
    version: mpshield.version(),
    province: id.province,
    verified: screen.verified,
    disclosed: opened.disclosed.slice().sort(),
    name: opened.claims.name,
    idNumberMasked: opened.claims.id_number_masked,
    consentEvent: opened.consentRecord.event,
  };
}

/** Runs the check-in and records the outcome (or the error's code and message). */
export function checkIn(mpshield, wasmPath) {
  return run(mpshield, wasmPath).then(
    (result) => host().setStorageSync('mpshield-fixture', JSON.stringify({ ok: true, result: result })),
    (e) => host().setStorageSync('mpshield-fixture', JSON.stringify({ ok: false, code: e && e.code, message: String(e && e.message) })),
  );
}
