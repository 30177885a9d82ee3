// The end-to-end demo in the terminal (`make demo`): loads the built
// package as a Node user would (pkg/dist/node.mjs) and walks through what
// mpshield can do so far. Each step is one section; later capabilities add
// theirs (seal → disclose → account).
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

section('4. an issuer signs a resident ID card (SD-JWT VC, every field disclosable)');
const issuerKey = mpshield.SigningKey.generate('ES256');
const holderKey = mpshield.SigningKey.generate('EdDSA'); // stays on the phone
const credential = mpshield.licence.issue({
  type: 'resident_id_card',
  issuerKey,
  holderPublicJwk: holderKey.publicJwk(),
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
const decoded = mpshield.sdjwt.decode(credential);
console.log(`credential: ${credential.length} characters, ${decoded.disclosures.length} disclosures, typ ${decoded.header.typ}`);
console.log(`disclosable: ${decoded.disclosures.map((d) => d.path).join(' ')}`);

section('5. the hotel asks; the citizen discloses only the masked ID number and "18 or over"');
const hotel = mpshield.hpke.generateKeyPair(); // the hotel's sealing key (kept on its server)
const nonce = Array.from(mpshield.randomBytes(12), (b) => b.toString(16).padStart(2, '0')).join('');
const presentation = mpshield.sdjwt.present({
  credential,
  disclose: ['/id_number_masked', '/age_equal_or_over/18'],
  holderKey,
  aud: 'https://hotel.example',
  nonce,
});
const envelope = mpshield.seal(hotel.publicKey, new TextEncoder().encode(presentation));
const info = mpshield.envelope.inspect(envelope);
console.log(`sealed envelope: ${envelope.length} bytes, AEAD 0x${info.aead.toString(16).padStart(4, '0')}, key id ${hex(info.keyId)}`);
console.log(`what the operator and transport see: ${mpshield.envelope.toText(envelope).slice(0, 48)}…`);

section('6. the hotel opens and verifies');
const opened = new TextDecoder().decode(mpshield.open(hotel.secretKey, envelope));
const verified = mpshield.sdjwt.verify({
  presentation: opened,
  issuerKeys: [issuerKey.publicJwk()],
  aud: 'https://hotel.example',
  nonce,
});
console.log(`disclosed: ${verified.disclosed.join(', ')}`);
console.log(`claims the hotel learns: ${JSON.stringify({ id_number_masked: verified.claims.id_number_masked, age_equal_or_over: verified.claims.age_equal_or_over })}`);
console.log(`name, birth date, address in the hotel's view: ${[verified.claims.name, verified.claims.birth_date, verified.claims.address].map(String).join(', ')}`);
try {
  mpshield.sdjwt.verify({ presentation: opened, issuerKeys: [issuerKey.publicJwk()], aud: 'https://other.example', nonce });
} catch (e) {
  console.log(`replayed to another audience → ${e.code}`);
}

section('7. the consent is recorded in the device-signed log; its receipt travels with the data');
/** A synthetic unified social credit code (GB 32100-2015 check character). */
function syntheticUscc(body17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(body17[i]) * w[i];
  return body17 + chars[(31 - (sum % 31)) % 31];
}
const deviceKey = mpshield.SigningKey.generate('EdDSA');
const log = mpshield.ConsentLog.create({ signingKey: deviceKey, origin: 'demo.mpshield.example/device/1' });
const now = Math.floor(Date.now() / 1000);
const { index } = log.append({
  event: 'disclosed',
  time: now,
  controller: { name: '示例酒店（演示）', uscc: syntheticUscc('91440300MA5D8K7Q2') },
  purposes: ['住宿登记'],
  lawfulBasis: 'legal_duty',
  consentType: 'explicit',
  fields: [
    { licence: 'resident_id_card', field: 'id_number', form: 'masked', sensitive: false, retentionDays: 30 },
    { licence: 'resident_id_card', field: 'age_equal_or_over', form: 'predicate', sensitive: false, retentionDays: 30 },
  ],
});
const receipt = log.receipt(index);
const checked = mpshield.consent.verifyReceipt(receipt, deviceKey.publicJwk());
console.log(`log size ${log.size}, receipt ${receipt.length} bytes, verified at index ${checked.index}`);
console.log(log.checkpoint().trimEnd());
for (const entry of log.history({ locale: 'zh-CN' })) console.log(entry.line);
for (const entry of log.history({ locale: 'en' })) console.log(entry.line);
log.free();
console.log('');
