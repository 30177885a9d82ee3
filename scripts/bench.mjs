// Benchmarks: mpshield's shipped WebAssembly module (pkg/dist, the same build
// that is published) against the JavaScript peers and the same Rust code
// built natively, measured side by side in one run. Writes
// docs/BENCHMARKS.md. Not a timed test: numbers vary by machine; the ratios
// are what matter.
//
//   node scripts/bench.mjs                (run by `make bench`)
//   BENCH_MS=150 node scripts/bench.mjs   shorter runs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import nodeCrypto, { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CipherSuite, DhkemX25519HkdfSha256 as WebCryptoX25519, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 as NobleX25519 } from '@hpke/dhkem-x25519';
import { Chacha20Poly1305 as HpkeChacha } from '@hpke/chacha20poly1305';
import { chacha20poly1305 } from '@noble/ciphers/chacha';
import { gcm } from '@noble/ciphers/aes';
import { x25519 } from '@noble/curves/ed25519';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET_MS = Number(process.env.BENCH_MS || 400);
const MiB = 1 << 20;

const mpshield = await import(path.join(root, 'pkg/dist/node.mjs'));
await mpshield.init();

/** Runs `fn` (sync or async) for about BUDGET_MS; returns runs per second. */
async function rate(fn, { minRuns = 3 } = {}) {
  for (let i = 0; i < 2; i++) await fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(BUDGET_MS) * 1_000_000n;
  let elapsed = 0n;
  do {
    await fn();
    n += 1;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget || n < minRuns);
  return n / (Number(elapsed) / 1e9);
}

/** Native Rust figures by name: benches/native.rs and examples/bench_seal.rs. */
function nativeResults() {
  const map = new Map();
  const run = (args) =>
    execFileSync('cargo', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const out of [run(['bench', '-q', '--bench', 'native']), run(['run', '-q', '--release', '--example', 'bench_seal'])]) {
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      const r = JSON.parse(line);
      if (r.name !== undefined) map.set(r.name, r.opsPerSec);
      else map.set(r.bench, r.value);
    }
  }
  return map;
}

/** n random bytes (getRandomValues serves at most 64 KiB per call). */
function bytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) webcrypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

const kib = bytes(1024);
const mib = bytes(MiB);
const kp = mpshield.hpke.generateKeyPair();
const envelope = mpshield.seal(kp.publicKey, kib);

// @hpke/core suites: X25519 from WebCrypto (browsers, Node) and pure-JS
// X25519 (what a mini-program without WebCrypto would run), both with
// ChaCha20-Poly1305 as mpshield's default.
const suites = {
  webcrypto: new CipherSuite({ kem: new WebCryptoX25519(), kdf: new HkdfSha256(), aead: new HpkeChacha() }),
  purejs: new CipherSuite({ kem: new NobleX25519(), kdf: new HkdfSha256(), aead: new HpkeChacha() }),
};
const peerKeys = {};
const peerCt = {};
for (const [k, s] of Object.entries(suites)) {
  peerKeys[k] = await s.kem.generateKeyPair();
  peerCt[k] = await s.seal({ recipientPublicKey: peerKeys[k].publicKey }, kib.buffer.slice(0));
}

const key32 = bytes(32);
const nonce12 = bytes(12);
const senders = {
  3: mpshield.hpke.setupSender({ recipientPublicKey: kp.publicKey, aead: 3 }),
  2: mpshield.hpke.setupSender({ recipientPublicKey: kp.publicKey, aead: 2 }),
};

function streamSeal(total) {
  const s = mpshield.createSealStream(kp.publicKey);
  let out = s.header.length;
  for (let left = total; left > 0; left -= MiB) out += s.push(left >= MiB ? mib : mib.subarray(0, left)).length;
  out += s.finish().length;
  s.free();
  return out;
}

// Each group: one operation, several implementations; `native` names the
// native line to compare with; `unit` is per second.
const groups = [
  {
    title: 'Envelope seal, 1 KiB (HPKE X25519 / HKDF-SHA256 / ChaCha20-Poly1305)',
    unit: 'ops/s',
    native: 'envelope seal 1 KiB',
    rows: [
      ['mpshield (wasm)', () => mpshield.seal(kp.publicKey, kib)],
      ['@hpke/core, WebCrypto X25519', () => suites.webcrypto.seal({ recipientPublicKey: peerKeys.webcrypto.publicKey }, kib.buffer.slice(0))],
      ['@hpke/core, pure-JS X25519', () => suites.purejs.seal({ recipientPublicKey: peerKeys.purejs.publicKey }, kib.buffer.slice(0))],
    ],
  },
  {
    title: 'Envelope open, 1 KiB',
    unit: 'ops/s',
    native: 'envelope open 1 KiB',
    rows: [
      ['mpshield (wasm)', () => mpshield.open(kp.secretKey, envelope)],
      ['@hpke/core, WebCrypto X25519', () => suites.webcrypto.open({ recipientKey: peerKeys.webcrypto.privateKey, enc: peerCt.webcrypto.enc }, peerCt.webcrypto.ct)],
      ['@hpke/core, pure-JS X25519', () => suites.purejs.open({ recipientKey: peerKeys.purejs.privateKey, enc: peerCt.purejs.enc }, peerCt.purejs.ct)],
    ],
  },
  {
    title: 'ChaCha20-Poly1305, 1 MiB',
    unit: 'MiB/s',
    native: 'ChaCha20-Poly1305 seal 1 MiB',
    rows: [
      ['mpshield (wasm, HPKE context)', () => senders[3].seal(mib)],
      ['@noble/ciphers', () => chacha20poly1305(key32, nonce12).encrypt(mib)],
      ['node:crypto (OpenSSL)', () => {
        const c = nodeCrypto.createCipheriv('chacha20-poly1305', key32, nonce12, { authTagLength: 16 });
        c.update(mib);
        c.final();
        c.getAuthTag();
      }],
    ],
  },
  {
    title: 'AES-256-GCM, 1 MiB',
    unit: 'MiB/s',
    native: 'AES-256-GCM seal 1 MiB',
    rows: [
      ['mpshield (wasm, HPKE context)', () => senders[2].seal(mib)],
      ['@noble/ciphers', () => gcm(key32, nonce12).encrypt(mib)],
      ['node:crypto (OpenSSL)', () => {
        const c = nodeCrypto.createCipheriv('aes-256-gcm', key32, nonce12);
        c.update(mib);
        c.final();
        c.getAuthTag();
      }],
    ],
  },
  {
    title: 'X25519 key generation (one fixed-base scalar multiplication)',
    unit: 'ops/s',
    native: 'X25519 key generation',
    rows: [
      ['mpshield (wasm)', () => mpshield.hpke.generateKeyPair()],
      ['@noble/curves', () => x25519.getPublicKey(x25519.utils.randomPrivateKey())],
      ['node:crypto (OpenSSL)', () => nodeCrypto.generateKeyPairSync('x25519')],
    ],
  },
  {
    title: 'Streaming seal, 1 MiB',
    unit: 'MiB/s',
    native: 'stream seal 1 MiB',
    rows: [['mpshield (wasm)', () => streamSeal(MiB)]],
  },
  {
    title: 'Streaming seal, 64 MiB',
    unit: 'MiB/s',
    native: 'stream seal 64 MiB',
    rows: [['mpshield (wasm)', () => streamSeal(64 * MiB)]],
  },
  {
    title: 'randomBytes(32)',
    unit: 'ops/s',
    native: 'randomBytes(32)',
    rows: [
      ['mpshield (wasm DRBG)', () => mpshield.randomBytes(32)],
      ['node:crypto getRandomValues', () => webcrypto.getRandomValues(new Uint8Array(32))],
    ],
  },
  {
    title: 'idcard.parse',
    unit: 'ops/s',
    native: 'idcard.parse',
    rows: [['mpshield (wasm)', () => mpshield.idcard.parse('440524188001010014')]],
  },
];

/** MiB/s rows measure runs per second of one MiB-sized (or larger) job. */
const scale = { 'Streaming seal, 64 MiB': 64, 'Streaming seal, 1 MiB': 1 };

const native = nativeResults();
const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
const cpu = os.cpus()[0];
let md = '# Benchmarks\n\nGenerated by `make bench` (scripts/bench.mjs); do not edit by hand.\n\n';
md += `Machine: ${cpu ? cpu.model : 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}. `;
md += 'mpshield rows use the shipped `pkg/dist` module (WebAssembly 1.0, the release profile and `wasm-opt -O3` of scripts/build-wasm.sh; the size/speed choice is recorded in Cargo.toml). ';
md += `Each figure is the rate over about ${BUDGET_MS} ms after a warm-up, one run; "×" is relative to mpshield.\n\n`;
const summary = [];
for (const g of groups) {
  md += `## ${g.title}\n\n| implementation | ${g.unit} | × |\n|---|---:|---:|\n`;
  const results = [];
  for (const [name, fn] of g.rows) results.push([name, (await rate(fn)) * (scale[g.title] || 1)]);
  if (g.native && native.has(g.native)) results.push(['native Rust (same code)', native.get(g.native)]);
  const base = results[0][1];
  for (const [name, v] of results) md += `| ${name} | ${fmt(v)} | ${(v / base).toFixed(2)} |\n`;
  md += '\n';
  summary.push(`${g.title}: ${results.map(([n, v]) => `${n} ${fmt(v)}`).join('; ')}`);
}

// Streaming memory: flat in payload size.
const rss = () => process.memoryUsage().rss;
const before = rss();
streamSeal(64 * MiB);
const after64 = rss();
md += '## Streaming memory\n\n';
md += `Resident set growth while sealing 64 MiB in 1 MiB pieces: ${((after64 - before) / MiB).toFixed(1)} MiB `;
md += '(the stream holds one chunk of state; output is handed back per push).\n\n';

md += '## Consent log (native)\n\n| operation | per second |\n|---|---:|\n';
for (const [k, v] of native) if (k.startsWith('consentLog') || k.startsWith('deriveStorageKey')) md += `| ${k} | ${fmt(v)} |\n`;
md += '\n';

writeFileSync(path.join(root, 'docs/BENCHMARKS.md'), md);
for (const s of summary) console.log(s);
console.log('wrote docs/BENCHMARKS.md');
for (const s of Object.values(senders)) s.free();
