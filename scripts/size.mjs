// Shipped sizes: raw, gzip (-9) and brotli (q11) of the WebAssembly modules
// and of each JavaScript bundle in pkg/dist, and the budget check: module +
// glue, brotli, at most 250 KB (250,000 bytes) for what a phone downloads —
// the browser and mini-program bundles with each phone module (intl and gm,
// the same bundle loads either: a deployment ships one), and the KDF
// Worker (deriveStorageKey off the logic thread: its script and its
// Argon2id-only module, copied into the code package by mini-programs that
// opt in; README, "Long calls on iPhones"). Node's
// bundles load the release module (compiled for speed; servers and
// benchmarks) and are listed without a budget.
//
//   node scripts/size.mjs        (run by `make size`; exits 1 over budget)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'pkg/dist');

/** The budget for module + glue, brotli-compressed, in bytes. */
export const BUDGET_BYTES = 250_000;

export const MODULE = 'mpshield_bg.wasm';
export const COMPACT_MODULE = 'mpshield_compact_bg.wasm';
export const MP_MODULE = 'miniprogram/mpshield_bg.wasm.br';
export const GM_MODULE = 'mpshield_gm_bg.wasm';
export const GM_MP_MODULE = 'mpshield_gm_bg.wasm.br';
export const KDF_MODULE = 'miniprogram-worker/mpshield_kdf.wasm.br';
/** Each bundle, the module it loads, and whether the budget applies. */
export const BUNDLES = [
  { bundle: 'browser.mjs', module: COMPACT_MODULE, budget: true },
  { bundle: 'miniprogram/index.js', module: MP_MODULE, budget: true },
  { bundle: 'browser.mjs', module: GM_MODULE, budget: true },
  { bundle: 'miniprogram/index.js', module: GM_MP_MODULE, budget: true },
  // The Worker script, with its main-thread end (client.js) counted too.
  { bundle: 'miniprogram-worker/index.js', extra: ['miniprogram-worker/client.js'], module: KDF_MODULE, budget: true },
  { bundle: 'node.mjs', module: MODULE, budget: false },
  { bundle: 'node.cjs', module: MODULE, budget: false },
];

const gzip = (b) => zlib.gzipSync(b, { level: 9 }).length;
const brotli = (b) =>
  zlib.brotliCompressSync(b, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length,
    },
  }).length;

/** Sizes of every shipped file, and the module + glue total per bundle. */
export function measure(dir = dist) {
  const read = (f) => {
    const p = path.join(dir, f);
    if (!existsSync(p)) throw new Error(`${path.relative(root, p)} is missing: run make build`);
    return readFileSync(p);
  };
  const rows = [];
  for (const f of [MODULE, COMPACT_MODULE, GM_MODULE]) {
    const wasm = read(f);
    rows.push({ file: f, raw: wasm.length, gzip: gzip(wasm), brotli: brotli(wasm) });
  }
  // Already brotli-compressed: their size is their brotli size.
  for (const f of [MP_MODULE, GM_MP_MODULE, KDF_MODULE]) {
    const br = read(f);
    rows.push({ file: f, raw: zlib.brotliDecompressSync(br).length, gzip: null, brotli: br.length });
  }
  for (const bundle of [...new Set(BUNDLES.flatMap((b) => [b.bundle, ...(b.extra || [])]))]) {
    const b = read(bundle);
    rows.push({ file: bundle, raw: b.length, gzip: gzip(b), brotli: brotli(b) });
  }
  const size = (f) => rows.find((r) => r.file === f).brotli;
  const totals = BUNDLES.map(({ bundle, extra = [], module, budget }) => {
    const total = size(module) + size(bundle) + extra.reduce((n, f) => n + size(f), 0);
    return { bundle, extra, module, budget, brotli: total, withinBudget: !budget || total <= BUDGET_BYTES };
  });
  return { rows, totals };
}

function kb(n) {
  return n === null ? '—' : `${(n / 1000).toFixed(1)} KB`;
}

function main() {
  const { rows, totals } = measure();
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`${pad('file (pkg/dist)', 42)}${lpad('raw', 11)}${lpad('gzip', 11)}${lpad('brotli', 11)}`);
  for (const r of rows) {
    console.log(`${pad(r.file, 42)}${lpad(kb(r.raw), 11)}${lpad(kb(r.gzip), 11)}${lpad(kb(r.brotli), 11)}`);
  }
  console.log('');
  let ok = true;
  for (const t of totals) {
    ok &&= t.withinBudget;
    const verdict = !t.budget ? '(Node: no budget)' : `${t.withinBudget ? 'ok' : 'OVER'} (budget ${kb(BUDGET_BYTES)} brotli)`;
    console.log(`${pad([t.module, t.bundle, ...t.extra].join(' + '), 100)}${lpad(kb(t.brotli), 9)}  ${verdict}`);
  }
  if (!ok) {
    console.error(`size: module + glue exceeds ${BUDGET_BYTES} bytes brotli`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
