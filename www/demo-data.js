// The demo's other parties, simulated inside the page: a test issuer that
// issues synthetic licences, and the relying parties' "servers" (a hotel, a
// car-rental company and one requester nobody has vetted) as mpshield
// Verifier objects. Their keys are kept in localStorage so that a reload
// finds the same parties; a real issuer or relying party keeps its keys on
// its own server, never on the phone.
//
// Everything here is synthetic: 测试 names, ID numbers with valid GB 11643
// check characters, unified social credit codes with valid GB 32100 check
// characters. None identifies a real person or organisation.

export const DEMO_PREFIX = 'mpshield-demo/';
const SUITE_KEY = DEMO_PREFIX + 'suite';

/**
 * The suite the demo runs: 'intl' (Ed25519, ES256, X25519, ChaCha20-Poly1305)
 * or 'gm' (国密: SM2, SM3, SM4-GCM end to end), chosen with the page's
 * switch and kept in localStorage. Each suite has its own parties and its
 * own wallet, so switching back finds the other one as it was.
 */
export function demoSuite() {
  try {
    return localStorage.getItem(SUITE_KEY) === 'gm' ? 'gm' : 'intl';
  } catch {
    return 'intl';
  }
}

/** Chooses the suite for the next load (the caller reloads the page). */
export function setDemoSuite(suite) {
  localStorage.setItem(SUITE_KEY, suite === 'gm' ? 'gm' : 'intl');
}

const serversKey = (suite) => DEMO_PREFIX + (suite === 'gm' ? 'servers-gm' : 'servers');

// --- synthetic identifiers ----------------------------------------------------

/** A GB 11643-1999 number: 17 digits plus its ISO 7064 MOD 11-2 check character. */
export function syntheticIdNumber(region, birthDate, sequence) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first17 = region + birthDate.replaceAll('-', '') + String(sequence).padStart(3, '0');
  const sum = [...first17].reduce((acc, d, i) => acc + weights[i] * Number(d), 0);
  return first17 + '10X98765432'[sum % 11];
}

/** A GB 32100-2015 unified social credit code: 17 characters plus the check character. */
export function syntheticUscc(body17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(body17[i]) * weights[i];
  return body17 + chars[(31 - (sum % 31)) % 31];
}

// A synthetic face (a grey silhouette), standing in for the ID card photo.
const PHOTO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 80"><rect width="60" height="80" fill="#dde4ec"/>' +
  '<circle cx="30" cy="31" r="14" fill="#7d8fa3"/><path d="M5 80c2-19 12-27 25-27s23 8 25 27z" fill="#7d8fa3"/></svg>';
export const SYNTHETIC_PHOTO = 'data:image/svg+xml;base64,' + btoa(PHOTO_SVG);

/** The synthetic citizen: one person, two licences. `r` is 4 random bytes. */
export function syntheticCitizen(r) {
  const year = 1970 + (r[0] % 27); // 18 or older before the licence's first issue
  const month = String(1 + (r[1] % 12)).padStart(2, '0');
  const day = String(1 + (r[2] % 28)).padStart(2, '0');
  const birthDate = `${year}-${month}-${day}`;
  const sequence = 100 + (r[3] % 900);
  const idNumber = syntheticIdNumber('440305', birthDate, sequence);
  const sex = sequence % 2 === 1 ? 'male' : 'female';
  const name = '测试' + '甲乙丙丁'[r[3] % 4];
  const address = '广东省深圳市南山区测试路88号3栋1203';
  const idCard = {
    name, sex, ethnicity: '汉', birth_date: birthDate, address, id_number: idNumber,
    issuing_authority: '深圳市公安局南山分局', valid_from: '2021-03-15', valid_until: '2041-03-15',
    photo: SYNTHETIC_PHOTO,
  };
  const drivingLicence = {
    licence_number: idNumber, name, sex, nationality: '中国', address, birth_date: birthDate,
    first_issue_date: '2015-07-20', vehicle_classes: ['C1'], valid_from: '2021-07-20', valid_until: '2031-07-20',
    issuing_authority: '深圳市公安局交通警察支队', file_number: '440300' + String(100000 + sequence * 97).slice(0, 6),
  };
  return { idCard, drivingLicence };
}

// --- the parties ----------------------------------------------------------------

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export const PARTIES = {
  hotel: { name: '示例酒店（演示）有限公司', uscc: syntheticUscc('91440300MA5D8K7Q2') },
  rental: { name: '示例租车（演示）有限公司', uscc: syntheticUscc('91440300MA5F3R8T1') },
  stranger: { name: '某某快捷酒店（未登记）', uscc: syntheticUscc('91440300MA5G7W2L4') },
};
export const ISSUER = 'https://issuer.demo.mpshield.invalid';

function readServers(suite) {
  try {
    const v = JSON.parse(localStorage.getItem(serversKey(suite)));
    return v && v.v === 1 ? v : null;
  } catch {
    return null;
  }
}

/**
 * The issuer key, the three verifiers and the wallet's storage key of
 * `suite`: read from localStorage, or made on first load. `fresh` tells
 * whether they were. In gm every party's keys are SM2 (signing, and the
 * HPKE key pair the answers are sealed to).
 */
export function loadParties(mpshield, suite = 'intl') {
  const gm = suite === 'gm';
  let saved = readServers(suite);
  const fresh = saved === null;
  if (fresh) {
    const party = () => {
      const kp = mpshield.hpke.generateKeyPair(gm ? { kem: 'SM2' } : undefined);
      const key = mpshield.SigningKey.generate(gm ? 'SM2' : 'EdDSA');
      const out = { key: key.exportPrivateJwkDangerously(), hpke: { publicKey: b64(kp.publicKey), secretKey: b64(kp.secretKey) } };
      key.free();
      return out;
    };
    const issuer = mpshield.SigningKey.generate(gm ? 'SM2' : 'ES256');
    saved = {
      v: 1,
      issuer: issuer.exportPrivateJwkDangerously(),
      hotel: party(),
      rental: party(),
      stranger: party(),
      // The wallet's storage key. A mini-program derives it from the
      // citizen's PIN (deriveStorageKey) or keeps it in the platform's
      // keystore; the demo keeps it here so that a reload reopens the wallet.
      storageKey: b64(mpshield.randomBytes(32)),
    };
    issuer.free();
    localStorage.setItem(serversKey(suite), JSON.stringify(saved));
  }
  const issuerKey = mpshield.SigningKey.fromJwk(saved.issuer);
  const verifiers = {};
  for (const id of Object.keys(PARTIES)) {
    verifiers[id] = mpshield.Verifier.create({
      suite,
      name: PARTIES[id].name,
      uscc: PARTIES[id].uscc,
      signingKey: mpshield.SigningKey.fromJwk(saved[id].key),
      hpkeKeyPair: { publicKey: unb64(saved[id].hpke.publicKey), secretKey: unb64(saved[id].hpke.secretKey) },
      trustedIssuers: [issuerKey.publicJwk()],
    });
  }
  return { fresh, issuerKey, verifiers, storageKey: unb64(saved.storageKey) };
}

/** Issues the synthetic ID card and driving licence to the wallet's holder key. */
export async function issueLicences(mpshield, issuerKey, wallet) {
  const citizen = syntheticCitizen(mpshield.randomBytes(4));
  const now = Math.floor(Date.now() / 1000);
  const common = { issuerKey, holderPublicJwk: wallet.holderPublicJwk(), iss: ISSUER, iat: now };
  await wallet.addCredential(mpshield.licence.issue({ ...common, type: 'resident_id_card', fields: citizen.idCard }));
  await wallet.addCredential(mpshield.licence.issue({ ...common, type: 'driving_licence', fields: citizen.drivingLicence }));
  return 2;
}

/** The requests each relying party's server makes. */
export const REQUESTS = {
  hotel: {
    purpose: '住宿登记',
    purposeEn: 'hotel check-in',
    lawfulBasis: 'legal_duty',
    noticeUrl: 'https://hotel.demo.mpshield.invalid/privacy',
    fields: [
      { licence: 'resident_id_card', field: 'name', required: true, forms: ['full', 'masked'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'id_number', required: true, forms: ['full', 'masked'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'birth_date', required: true, forms: ['full', 'predicate'], predicate: 'age_equal_or_over/18', retentionDays: 30 },
      { licence: 'resident_id_card', field: 'photo', required: false, forms: ['full'], retentionDays: 7 },
    ],
  },
  rental: {
    purpose: '租车',
    purposeEn: 'car rental',
    lawfulBasis: 'contract',
    noticeUrl: 'https://rental.demo.mpshield.invalid/privacy',
    fields: [
      { licence: 'driving_licence', field: 'vehicle_classes', required: true, forms: ['full'], retentionDays: 180 },
      { licence: 'driving_licence', field: 'valid_from', required: true, forms: ['full'], retentionDays: 180 },
    ],
  },
  stranger: {
    purpose: '住宿登记',
    purposeEn: 'hotel check-in',
    lawfulBasis: 'legal_duty',
    noticeUrl: 'https://stranger.demo.mpshield.invalid/privacy',
    fields: [
      { licence: 'resident_id_card', field: 'name', required: true, forms: ['full'], retentionDays: 365 },
      { licence: 'resident_id_card', field: 'id_number', required: true, forms: ['full'], retentionDays: 365 },
      { licence: 'resident_id_card', field: 'address', required: true, forms: ['full'], retentionDays: 365 },
    ],
  },
};

/** A fresh signed request from one party's server. */
export function createRequest(verifiers, id) {
  const { purposeEn, ...request } = REQUESTS[id];
  return verifiers[id].createRequest({ ...request, ttlSeconds: 600 });
}

/** Clears everything the demo stored in localStorage. */
export function clearDemo() {
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && k.startsWith(DEMO_PREFIX)) keys.push(k);
  }
  for (const k of keys) localStorage.removeItem(k);
}
