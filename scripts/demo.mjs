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
console.log('');
