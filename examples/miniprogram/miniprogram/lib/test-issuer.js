// A TEST issuer for the example: on first run it signs a synthetic resident
// ID card (居民身份证) into the citizen's wallet, so the page has something to
// disclose. Everything it makes up is synthetic: names drawn from short
// lists, ID numbers with a valid GB 11643-1999 check character (checked with
// mpshield.idcard.parse) that identify nobody, a placeholder photo.
//
// A real wallet receives licences from the issuing authority's service (the
// public security bureau's e-licence platform), whose signing key never
// leaves its server; relying parties trust that authority's published key.

const ISS = 'https://test-issuer.mpshield.example';

// The issuer's public key is kept so that the simulated hotel (verifier-sim.js)
// trusts the card on later runs too. It is a public key; the issuer's private
// key is used once, in memory, and dropped.
const ISSUER_JWK_KEY = 'mpshield-example/test-issuer-public-jwk';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['子涵', '浩然', '欣怡', '宇轩', '梓萱', '一诺', '俊杰', '雨桐', '思远', '佳怡', '明轩', '若曦', '嘉禾', '书瑶', '立新', '晓东'];

// Region codes (GB/T 2260) with the matching address prefix and issuing
// authority, as printed on a card from that district.
const REGIONS = [
  { code: '110105', address: '北京市朝阳区', authority: '北京市公安局朝阳分局' },
  { code: '310104', address: '上海市徐汇区', authority: '上海市公安局徐汇分局' },
  { code: '440305', address: '广东省深圳市南山区', authority: '深圳市公安局南山分局' },
  { code: '330106', address: '浙江省杭州市西湖区', authority: '杭州市公安局西湖区分局' },
  { code: '510107', address: '四川省成都市武侯区', authority: '成都市公安局武侯区分局' },
];

// A grey silhouette, so that the card has the (sensitive) photo field.
const PLACEHOLDER_PHOTO = 'data:image/svg+xml,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="120" viewBox="0 0 96 120">' +
  '<rect width="96" height="120" fill="#dfe3e8"/><circle cx="48" cy="46" r="22" fill="#a3acb9"/>' +
  '<rect x="14" y="76" width="68" height="44" rx="22" fill="#a3acb9"/></svg>'
);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits. */
function idCheckCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ID_WEIGHTS[i] * Number(first17[i]);
  return ID_CHECK[sum % 11];
}

function pad(n, width) {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/** A uniform-enough integer in [0, n) from mpshield's random generator. */
function randomBelow(mpshield, n) {
  const b = mpshield.randomBytes(4);
  const x = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  return x % n;
}

function pick(mpshield, list) {
  return list[randomBelow(mpshield, list.length)];
}

/**
 * A synthetic adult: born 1960–1999, so "18 or over" holds. The ID number
 * is validated by mpshield.idcard.parse (throws INVALID_ID_NUMBER if not).
 */
function syntheticPerson(mpshield) {
  const region = pick(mpshield, REGIONS);
  const year = 1960 + randomBelow(mpshield, 40);
  const month = 1 + randomBelow(mpshield, 12);
  const day = 1 + randomBelow(mpshield, 28);
  const birthDate = year + '-' + pad(month, 2) + '-' + pad(day, 2);
  const sequence = pad(1 + randomBelow(mpshield, 999), 3);
  const first17 = region.code + birthDate.replace(/-/g, '') + sequence;
  const parsed = mpshield.idcard.parse(first17 + idCheckCharacter(first17));
  return {
    name: pick(mpshield, SURNAMES) + pick(mpshield, GIVEN),
    sex: parsed.sex,
    ethnicity: '汉',
    birth_date: parsed.birthDate,
    address: region.address + '测试路' + (1 + randomBelow(mpshield, 200)) + '号',
    id_number: parsed.number,
    issuing_authority: region.authority,
    valid_from: '2021-03-01',
    valid_until: '2041-03-01',
    photo: PLACEHOLDER_PHOTO,
  };
}

/**
 * The test issuer whose key the hotel trusts: `{ publicJwk, key }`, where
 * `key` (a SigningKey) is present only when a new issuer was made — which
 * is when there is a card to issue. With `fresh`, or when no issuer was
 * kept, a new one is made and its public key kept in wx storage.
 */
function loadIssuer(mpshield, wx, fresh) {
  const kept = fresh ? '' : wx.getStorageSync(ISSUER_JWK_KEY);
  if (kept && typeof kept === 'object') return { publicJwk: kept, key: null };
  const key = mpshield.SigningKey.generate('ES256');
  const publicJwk = key.publicJwk();
  wx.setStorageSync(ISSUER_JWK_KEY, publicJwk);
  return { publicJwk: publicJwk, key: key };
}

/** Signs a synthetic resident ID card bound to the wallet's holder key. */
function issueIdCard(mpshield, issuerKey, holderPublicJwk) {
  return mpshield.licence.issue({
    type: 'resident_id_card',
    issuerKey: issuerKey,
    holderPublicJwk: holderPublicJwk,
    iss: ISS,
    fields: syntheticPerson(mpshield),
  });
}

module.exports = {
  ISSUER_JWK_KEY: ISSUER_JWK_KEY,
  idCheckCharacter: idCheckCharacter,
  syntheticPerson: syntheticPerson,
  loadIssuer: loadIssuer,
  issueIdCard: issueIdCard,
};
