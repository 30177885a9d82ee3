// The hotel check-in as a mini-program built with a framework runs it,
// imported by both fixture apps (tests/frameworks/taro, tests/frameworks/
// uniapp) from `mpshield/miniprogram`: init(), idcard.parse, then the
// citizen's Wallet on wx storage — evaluate and respond to the hotel's
// request, with a credential from the test issuer (WeChat's wx, or
// Douyin's tt, for storage); issuer and hotel are servers, played in Node. The outcome is written to wx / tt storage
// under "mpshield-fixture" for tests/frameworks/frameworks.test.mjs to read.
// All identities are synthetic (GB 11643 / GB 32100 check characters).

const FIELDS = {
  name: '测试甲', sex: 'female', ethnicity: '汉', birth_date: '1949-12-31',
  address: '北京市朝阳区测试路1号', id_number: '11010519491231002X',
  issuing_authority: '北京市公安局朝阳分局', valid_from: '2020-01-01', valid_until: '2040-01-01',
};

/** WeChat's `wx`, or Douyin's `tt` (the same storage calls). */
function host() {
  return typeof wx !== 'undefined' ? wx : tt;
}

/**
 * The issuer and the hotel are servers: the test plays them in Node with
 * the full module (tests/frameworks/app-host.mjs, `__mpshieldParties`),
 * since the phone module leaves issuance and the relying party out. Values
 * cross as JSON text and bytes.
 */
function parties() {
  return globalThis.__mpshieldParties;
}

async function run(mpshield, wasmPath) {
  await mpshield.init(wasmPath ? { wasmPath: wasmPath } : undefined);
  const id = mpshield.idcard.parse('440524188001010014');
  const servers = parties();
  const request = servers.request();
  const wallet = await mpshield.Wallet.open({
    storage: mpshield.storage.wx(host()),
    storageKey: mpshield.randomBytes(32),
    trustedVerifiers: [JSON.parse(servers.hotelPublicJwk())],
  });
  await wallet.addCredential(servers.issue(JSON.stringify(wallet.holderPublicJwk()), JSON.stringify(FIELDS)));
  const screen = wallet.evaluate(request);
  const answer = await wallet.respond(request, {
    choices: [
      { licence: 'resident_id_card', field: 'name', form: 'full' },
      { licence: 'resident_id_card', field: 'id_number', form: 'masked' },
      { licence: 'resident_id_card', field: 'birth_date', form: 'predicate' },
    ],
    separateConsent: ['id_number'],
  });
  const opened = JSON.parse(await servers.open(answer.envelope));
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
