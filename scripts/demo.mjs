// The end-to-end demo in the terminal (`make demo`): loads the built
// package as a Node user would (pkg/dist/node.mjs) and runs a hotel
// check-in from end to end: a test issuer, the hotel's signed request, the
// citizen's consent screen and choices, the sealed answer, what the hotel
// learned, and the consent history — once with the intl suite (Ed25519,
// ES256, X25519, ChaCha20-Poly1305, SHA-256) and once with gm (国密: SM2,
// SM3, SM4-GCM) end to end. Synthetic data only.
//
//   node scripts/demo.mjs
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mpshield = await import(pathToFileURL(path.join(root, 'pkg/dist/node.mjs')).href);

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const section = (title) => console.log(`\n\x1b[1m${title}\x1b[0m`);

/** A synthetic GB 11643-1999 number (valid check character; identifies nobody). */
function syntheticIdNumber(region, birth, sequence) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first17 = region + birth.replaceAll('-', '') + String(sequence).padStart(3, '0');
  const sum = [...first17].reduce((acc, d, i) => acc + weights[i] * Number(d), 0);
  return first17 + '10X98765432'[sum % 11];
}

section('1. init');
await mpshield.init(); // loads the module from disk, seeds the DRBG from node:crypto
console.log(`mpshield ${mpshield.version()} ready (WebAssembly 1.0 module, host-seeded ChaCha20 DRBG)`);

section('2. randomBytes');
console.log(`randomBytes(16) = ${hex(mpshield.randomBytes(16))}`);

section('3. idcard.parse');
const [y, mo, d, s] = mpshield.randomBytes(4);
const birth = `${1950 + (y % 60)}-${String(1 + (mo % 12)).padStart(2, '0')}-${String(1 + (d % 28)).padStart(2, '0')}`;
const number = syntheticIdNumber('440305', birth, s % 1000);
console.log(`synthetic number ${number}:`);
console.log(mpshield.idcard.parse(number));
try {
  mpshield.idcard.parse(number.slice(0, 17) + (number[17] === '0' ? '1' : '0'));
} catch (e) {
  console.log(`one wrong character → ${e.name} ${e.code}: ${e.message}`);
}

/** A synthetic unified social credit code (GB 32100-2015 check character). */
function syntheticUscc(body17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(body17[i]) * w[i];
  return body17 + chars[(31 - (sum % 31)) % 31];
}

/** Steps 4–9 with one suite: 'intl' or 'gm'. */
async function checkIn(suite) {
  const gm = suite === 'gm';
  section(`4. [${suite}] the citizen opens a wallet; a test issuer issues a synthetic ID card into it`);
  const storage = mpshield.storage.memory(); // on a phone: mpshield.storage.wx(wx)
  const storageKey = await mpshield.deriveStorageKey({ pin: '246810', salt: mpshield.randomBytes(16) });
  const issuerKey = mpshield.SigningKey.generate(gm ? 'SM2' : 'ES256');
  const hotel = mpshield.Verifier.create({
    name: '示例酒店（演示）',
    uscc: syntheticUscc('91440300MA5D8K7Q2'),
    suite,
    signingKey: mpshield.SigningKey.generate(gm ? 'SM2' : 'EdDSA'),
    hpkeKeyPair: mpshield.hpke.generateKeyPair(gm ? { kem: 'SM2' } : undefined), // kept on the hotel's server
    trustedIssuers: [issuerKey.publicJwk()],
  });
  const wallet = await mpshield.Wallet.open({ suite, storage, storageKey, trustedVerifiers: [hotel.publicJwk()] });
  console.log(`${suite} wallet; holder key ${JSON.stringify({ kty: wallet.holderPublicJwk().kty, crv: wallet.holderPublicJwk().crv })}; issuer ${issuerKey.alg}`);
  const credential = mpshield.licence.issue({
    type: 'resident_id_card',
    issuerKey,
    holderPublicJwk: wallet.holderPublicJwk(),
    iss: 'https://issuer.gov.example',
    fields: {
      name: '测试甲',
      sex: number.charCodeAt(16) % 2 === 1 ? 'male' : 'female',
      ethnicity: '汉',
      birth_date: birth,
      address: '广东省深圳市南山区测试路1号',
      id_number: number,
      issuing_authority: '深圳市公安局南山分局',
      valid_from: '2024-01-01',
      valid_until: '2044-01-01',
    },
  });
  console.log(`credential ${JSON.stringify(await wallet.addCredential(credential))}: ${credential.length} characters, ${mpshield.sdjwt.decode(credential).disclosures.length} disclosures`);

  section(`5. [${suite}] the hotel asks: name, ID number (masked accepted), and "18 or over" instead of the birth date`);
  const request = hotel.createRequest({
    purpose: '住宿登记',
    lawfulBasis: 'legal_duty',
    fields: [
      { licence: 'resident_id_card', field: 'name', required: true, forms: ['full'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'id_number', required: true, forms: ['full', 'masked'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'birth_date', required: true, forms: ['predicate'], predicate: 'age_equal_or_over/18', retentionDays: 30 },
    ],
    noticeUrl: 'https://hotel.example/privacy',
  });
  console.log(`signed request: ${request.length} characters (${request.slice(0, 40)}…)`);

  section(`6. [${suite}] the consent screen (wallet.evaluate)`);
  const ev = wallet.evaluate(request);
  console.log(`${ev.verified ? '✔ verified' : '⚠ UNVERIFIED'} requester: ${ev.verifier.name} (${ev.verifier.uscc}); purpose ${ev.purpose}; basis ${ev.lawfulBasis}`);
  for (const item of ev.items) {
    const forms = item.forms.map((f) => `${f.labels.zh} = ${JSON.stringify(f.preview)}`).join(' | ');
    console.log(`  ${item.labels.zh}${item.required ? '（必填）' : ''}${item.sensitive ? '［敏感，需单独同意］' : ''} 保存 ${item.retentionDays} 天: ${forms}`);
  }

  section(`7. [${suite}] the citizen chooses: name, the masked ID number (separate consent), "18 or over"`);
  const { envelope, receipt, recordId } = await wallet.respond(request, {
    choices: [
      { licence: 'resident_id_card', field: 'name', form: 'full' },
      { licence: 'resident_id_card', field: 'id_number', form: 'masked' },
      { licence: 'resident_id_card', field: 'birth_date', form: 'predicate' },
    ],
    separateConsent: ['id_number'],
  });
  const info = mpshield.envelope.inspect(envelope);
  console.log(`consent ${recordId} saved first; then sealed: ${envelope.length} bytes, KEM 0x${info.kem.toString(16).padStart(4, '0')}, KDF 0x${info.kdf.toString(16).padStart(4, '0')}, AEAD 0x${info.aead.toString(16).padStart(4, '0')}, key id ${hex(info.keyId)}; receipt ${receipt.length} bytes`);
  console.log(`what the operator and transport see: ${mpshield.envelope.toText(envelope).slice(0, 48)}…`);

  section(`8. [${suite}] the hotel opens and verifies (verifier.open): exactly what it learned`);
  const got = await hotel.open(envelope);
  const learned = {};
  for (const p of got.disclosed) learned[p] = p.split('/').slice(1).reduce((o, k) => o[k], got.claims);
  console.log(learned);
  console.log(`always visible in any ID card answer: valid_until ${got.claims.valid_until}, issuer ${got.claims.iss}`);
  console.log(`not received: ${['id_number', 'birth_date', 'address', 'sex', 'ethnicity'].filter((k) => !(k in got.claims)).join(', ')}`);
  console.log(`consent record from the receipt: ${got.consentRecord.event}, ${got.consentRecord.consentType}, fields ${got.consentRecord.fields.map((f) => `${f.field}:${f.form}`).join(', ')}; receipt index ${got.receipt.index}`);
  try {
    await hotel.open(envelope);
  } catch (e) {
    console.log(`the same envelope again → ${e.code}`);
  }

  section(`9. [${suite}] the citizen's consent history (我的授权记录), on the phone`);
  for (const entry of wallet.history({ locale: 'zh-CN' })) console.log(entry.line);
  for (const entry of wallet.history({ locale: 'en' })) console.log(entry.line);
  console.log(wallet.checkpoint().trimEnd());
  console.log(`stored state verified: ${await wallet.verifyStorage()}; ${storage.entries().length} keys, ${storage.bytesUsed()} bytes, all ciphertext`);
  wallet.free();
  hotel.free();
}

await checkIn('intl');
await checkIn('gm');
console.log('');
