// "iPhone-class (JavaScriptCore, no JIT)" (issue 13): the mini-program
// bundle and module exactly as pkg/dist ships them, in Debian's `jsc`
// (scripts/setup.sh installs libjavascriptcoregtk-4.0-bin) with
// --useJIT=false — JavaScript in LLInt, WebAssembly in IPInt, the way iOS
// WeChat runs mini-programs — beside the same jsc with its JIT and Node's
// emulated mini-program (V8), and the JavaScript peers a mini-program would
// otherwise use in the same engine and mode. Writes its section of
// docs/BENCHMARKS.md in place (the rest is left as it is).
//
//   node scripts/bench-jsc.mjs            (make bench; make bench BENCH_ONLY=jsc)
//   BENCH_JSC_MS=300 node scripts/bench-jsc.mjs
//                                         time budget per operation (ms, default 600)
//
// The host shim is the emulated runtime's "jsc" profile
// (tests/miniprogram/jsc/): WXWebAssembly over the engine's WebAssembly with
// the brotli-decompressed module, an asynchronous wx.getRandomValues, wx
// storage, timers; the sha256 of the bundle and the .wasm.br are checked
// against pkg/dist before and after each run. One jsc process per mode.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle, engineOptions, engineVersion, jscAvailable, prepareJsc, GM_WASM_PATH, JSC } from '../tests/miniprogram/jsc/profile.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET_MS = Number(process.env.BENCH_JSC_MS || 600);
/** Warm-up per operation where there is a JIT to tier up (jsc JIT, Node). */
const WARMUP_MS = Number(process.env.BENCH_JSC_WARMUP_MS || 400);
const progress = (line) => console.error(line);
export const TITLE = 'iPhone-class (JavaScriptCore, no JIT)';

/** mpshield's rows: op, label. */
const ROWS = [
  ['init', '`init()` (first call: instantiate the module through WXWebAssembly, seed)'],
  ['idcard.parse', '`idcard.parse`'],
  ['x25519.keygen', 'X25519 key generation (`hpke.generateKeyPair`)'],
  ['ed25519.sign', 'Ed25519 sign (`ConsentLog.checkpoint`: one signed note)'],
  ['ed25519.verify', 'Ed25519 verify (`checkpoint.verify`)'],
  ['sdjwt.present.ES256', 'ES256 sign: `sdjwt.present`, ES256 holder (KB-JWT signature + SHA-256s)'],
  ['sdjwt.verify.ES256', 'ES256 verify: `sdjwt.verify`, ES256 (issuer + holder signatures)'],
  ['sdjwt.present.EdDSA', '`sdjwt.present`, EdDSA holder'],
  ['sdjwt.verify.EdDSA', '`sdjwt.verify`, EdDSA'],
  ['seal.1k.intl', 'seal 1 KiB (X25519, HKDF-SHA256, ChaCha20-Poly1305)'],
  ['open.1k.intl', 'open 1 KiB'],
  ['wallet.evaluate', '`wallet.evaluate` (hotel request)'],
  ['wallet.respond.intl.ES256', '`wallet.respond` hotel, issuer ES256'],
  ['wallet.respond.intl.EdDSA', '`wallet.respond` hotel, issuer EdDSA'],
  ['wallet.evaluate+respond.intl', 'one check-in as the phone makes it: `evaluate`, then `respond` (issuer EdDSA)'],
  ['gm.init', 'gm module: `init({ wasmPath, suite: \'gm\' })` (first call)'],
  ['sm2.keygen', 'gm: SM2 key generation (`SigningKey.generate(\'SM2\')`)'],
  ['sdjwt.present.SM2', 'gm: `sdjwt.present`, SM2 holder (KB-JWT signature + SM3s)'],
  ['sdjwt.verify.SM2', 'gm: `sdjwt.verify`, SM2 (issuer + holder signatures)'],
  ['seal.1k.gm', 'gm: seal 1 KiB (SM2, HKDF-SM3, SM4-GCM)'],
  ['open.1k.gm', 'gm: open 1 KiB'],
  ['wallet.evaluate.gm', 'gm: `wallet.evaluate` (hotel request)'],
  ['wallet.respond.gm', 'gm: `wallet.respond` hotel, issuer SM2'],
  ['wallet.evaluate+respond.gm', 'gm: one check-in as the phone makes it: `evaluate`, then `respond`'],
  ['consentLog.append', '`ConsentLog.append` (one record)'],
  ['deriveStorageKey', '`deriveStorageKey` (Argon2id 12 MiB, t = 3; once)'],
];

/** Peer op → the mpshield op it is compared with, and a note when they differ. */
const COMPARE = {
  'x25519.keygen': ['x25519.keygen'],
  'ed25519.sign': ['ed25519.sign', 'mpshield also formats the note'],
  'ed25519.verify': ['ed25519.verify', 'mpshield also parses the note'],
  'es256.sign': ['sdjwt.present.ES256', 'mpshield: a whole presentation (one ES256 signature)'],
  'es256.verify': ['sdjwt.verify.ES256', 'mpshield: a whole verification (two ES256 signatures)'],
  'seal.1k': ['seal.1k.intl', 'peer: one HKDF, not HPKE\'s key schedule'],
  'open.1k': ['open.1k.intl', 'peer: one HKDF, not HPKE\'s key schedule'],
  'sdjwt.present.EdDSA': ['sdjwt.present.EdDSA'],
  'sdjwt.verify.EdDSA': ['sdjwt.verify.EdDSA'],
  'sdjwt.present.ES256': ['sdjwt.present.ES256'],
  'sdjwt.verify.ES256': ['sdjwt.verify.ES256'],
  'sm2.sign': ['sdjwt.present.SM2', 'mpshield: a whole presentation (one SM2 signature)'],
  'sm2.verify': ['sdjwt.verify.SM2', 'mpshield: a whole verification (two SM2 signatures)'],
  'sm2.encrypt.1k': ['seal.1k.gm', 'SM2 public-key encryption (GB/T 32918.4), not an HPKE envelope'],
  'sm2.decrypt.1k': ['open.1k.gm', 'SM2 public-key decryption'],
  'sm3.1k': [null, 'no SM3-only call in mpshield'],
};

/** Replaces the section headed `## <title>` of docs/BENCHMARKS.md (appends it if absent). */
export function replaceSection(title, section) {
  const file = path.join(root, 'docs/BENCHMARKS.md');
  const doc = readFileSync(file, 'utf8');
  const head = `## ${title}\n`;
  const at = doc.indexOf(head);
  let out;
  if (at < 0) out = doc.replace(/\n*$/, '\n\n') + section;
  else {
    const next = doc.indexOf('\n## ', at + head.length);
    out = doc.slice(0, at) + section + (next < 0 ? '' : doc.slice(next + 1));
  }
  writeFileSync(file, out);
}

const driver = (benchFile, peersFile, budgetMs, warmupMs) => `(function () {
  var T = __mpTest;
  T.loadScript(${JSON.stringify(benchFile)});
  var B = __mpBenchBundle;
  var m = require('mpshield');
  T.run('bench', function () {
    var t0 = T.now();
    return m.init().then(function () {
      var initMs = T.now() - t0;
      var rp = T.serverRealm();
      return rp.init().then(function () {
        var peerRealm = T.realm(${JSON.stringify(peersFile)});
        return peerRealm.__peersBundle.makePeers({ claims: B.ID_CLAIMS, frame: B.ID_FRAME, showFrame: B.SHOW_FRAME });
      }).then(function (peers) {
        return B.runBench({ m: m, rp: rp, peers: peers, now: T.now, initMs: initMs, budgetMs: ${budgetMs}, warmupMs: ${warmupMs},
          emit: function (r) { T.emit({ bench: r }); } });
      });
    });
  }).then(T.done);
})();
`;

/** The gm rows: the gm phone module, loaded from the code package as a gm deployment does. */
const gmDriver = (benchFile, budgetMs, warmupMs) => `(function () {
  var T = __mpTest;
  T.loadScript(${JSON.stringify(benchFile)});
  var B = __mpBenchBundle;
  var m = require('mpshield');
  T.run('bench gm', function () {
    var t0 = T.now();
    return m.init({ wasmPath: ${JSON.stringify(GM_WASM_PATH)}, suite: 'gm' }).then(function () {
      var initMs = T.now() - t0;
      var rp = T.serverRealm();
      return rp.init().then(function () {
        return B.runBenchGm({ m: m, rp: rp, now: T.now, initMs: initMs, budgetMs: ${budgetMs}, warmupMs: ${warmupMs},
          emit: function (r) { T.emit({ bench: r }); } });
      });
    });
  }).then(T.done);
})();
`;

/** Log sizes for the growth rows (issue 11) and the timed responds per size. */
const GROWTH_SIZES = [10, 1000, 10000];
const GROWTH_RUNS = Number(process.env.BENCH_JSC_LOG_RUNS || 9);
const TARGET_RATIO = 1.2;

/**
 * Grows one wallet per size in Node (release module, real responds and
 * refusals, every one saved, the mix of scripts/bench-log-growth.mjs) and
 * writes each storage's contents to a JSON file for jsc. The log holds
 * n − 1 records; the warm-up respond in jsc makes it n.
 */
async function growLogs(rp, dir) {
  const flow = await import(pathToFileURL(path.join(root, 'tests/js/helpers/flow-scenario.mjs')).href);
  const b64 = (u8) => Buffer.from(u8).toString('base64url');
  const files = [];
  const t0 = Date.now();
  for (const n of GROWTH_SIZES) {
    const store = rp.storage.memory();
    const s = await flow.world(rp, rp, store);
    const hotel = () => s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: flow.HOTEL_FIELDS });
    const rental = () => s.rental.v.createRequest({ purpose: '租车资格核验', lawfulBasis: 'contract', fields: flow.RENTAL_FIELDS });
    for (let i = 0; i < n - 1; i++) {
      const k = i % 10;
      if (k < 7) await s.wallet.respond(hotel(), { choices: flow.HOTEL_CHOICES, separateConsent: true });
      else if (k < 9) await s.wallet.respond(rental(), { choices: flow.RENTAL_CHOICES });
      else await s.wallet.refuse(hotel());
    }
    s.wallet.free();
    const file = path.join(dir, `log-${n}.json`);
    writeFileSync(file, JSON.stringify({
      n: n - 1, storageKey: b64(s.storageKey), issuerJwk: s.issuer.publicJwk(),
      entries: store.entries().map(([k, v]) => [k, b64(v)]), bytes: store.bytesUsed(),
    }));
    files.push(file);
  }
  progress(`bench-jsc: grew the logs in Node in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return files;
}

const growthDriver = (benchFile, logFiles, runs) => `(function () {
  var T = __mpTest;
  T.loadScript(${JSON.stringify(benchFile)});
  var m = require('mpshield');
  T.run('log growth', function () {
    return m.init().then(function () {
      var rp = T.serverRealm();
      return rp.init().then(function () {
        var logs = ${JSON.stringify(logFiles)}.map(function (f) { return JSON.parse(T.readText(f)); });
        return __mpBenchBundle.runGrowth({ m: m, rp: rp, logs: logs, runs: ${runs}, now: T.now,
          emit: function (r) { T.emit({ bench: r }); } });
      });
    });
  }).then(T.done);
})();
`;

async function jscRuns(rp) {
  const mp = await prepareJsc();
  try {
    const benchFile = mp.script('bench-ops.js', await bundle(path.join(root, 'scripts/jsc/bench-ops.mjs'), '__mpBenchBundle'));
    const peersFile = mp.script('peers.js', await bundle(path.join(root, 'scripts/jsc/peers.mjs'), '__peersBundle', { external: ['crypto'], target: 'es2020' }));
    const out = {};
    for (const mode of ['nojit', 'jit']) {
      progress(`bench-jsc: jsc ${mode === 'nojit' ? '--useJIT=false' : '(JIT)'} …`);
      const r = await mp.run(driver(benchFile, peersFile, BUDGET_MS, mode === 'jit' ? WARMUP_MS : 0), { mode, scripts: [], timeoutMs: 20 * 60 * 1000 });
      const failed = r.results.filter((x) => x.scenario && !x.ok);
      if (!r.done || failed.length || r.timedOut) {
        throw new Error(`bench-jsc: the ${mode} run failed (status ${r.status}${r.timedOut ? ', timed out' : ''}):\n${failed.map((f) => f.error).join('\n')}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
      }
      out[mode] = r.results.filter((x) => x.bench).map((x) => x.bench);
      progress(`bench-jsc: ${mode} done in ${(r.ms / 1000).toFixed(1)} s`);
      const g = await mp.run(gmDriver(benchFile, BUDGET_MS, mode === 'jit' ? WARMUP_MS : 0), { mode, scripts: [], timeoutMs: 20 * 60 * 1000 });
      const gFailed = g.results.filter((x) => x.scenario && !x.ok);
      if (!g.done || gFailed.length || g.timedOut) {
        throw new Error(`bench-jsc: the gm ${mode} run failed (status ${g.status}${g.timedOut ? ', timed out' : ''}):\n${gFailed.map((f) => f.error).join('\n')}\n${g.stdout.slice(-3000)}\n${g.stderr.slice(-3000)}`);
      }
      out[mode].push(...g.results.filter((x) => x.bench).map((x) => x.bench));
      progress(`bench-jsc: gm ${mode} done in ${(g.ms / 1000).toFixed(1)} s`);
    }
    const logFiles = await growLogs(rp, mp.dir);
    const stored = logFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')).bytes);
    progress('bench-jsc: log growth in jsc --useJIT=false …');
    const g = await mp.run(growthDriver(benchFile, logFiles, GROWTH_RUNS), { mode: 'nojit', scripts: [], timeoutMs: 20 * 60 * 1000 });
    const gFailed = g.results.filter((x) => x.scenario && !x.ok);
    if (!g.done || gFailed.length || g.timedOut) {
      throw new Error(`bench-jsc: the log-growth run failed (status ${g.status}):\n${gFailed.map((f) => f.error).join('\n')}\n${g.stdout.slice(-3000)}\n${g.stderr.slice(-3000)}`);
    }
    const growth = g.results.filter((x) => x.bench).map((x, i) => ({ ...x.bench, storedBytes: stored[i] }));
    progress(`bench-jsc: log growth done in ${(g.ms / 1000).toFixed(1)} s`);
    return { out, hashes: mp.hashes, growth };
  } finally {
    mp.cleanup();
  }
}

/** The same operations in Node's emulated mini-program (V8), peers left out. */
async function nodeRun(rp) {
  progress('bench-jsc: Node (emulated mini-program, V8) …');
  const { createMiniProgram, makePackageRoot } = await import(pathToFileURL(path.join(root, 'tests/miniprogram/emulator.mjs')).href);
  const pkgRoot = makePackageRoot();
  try {
    // android: the same sandbox as ios without its wabt check of the module
    // (a child process that would fall inside the timed init()).
    const mp = createMiniProgram({ profile: 'android', root: pkgRoot.root });
    mp.run(await bundle(path.join(root, 'scripts/jsc/bench-ops.mjs'), '__mpBenchBundle'), 'bench-ops.js');
    const m = mp.run("require('mpshield')");
    const t0 = performance.now();
    await m.init();
    const initMs = performance.now() - t0;
    const results = [];
    await mp.run('__mpBenchBundle').runBench({ m, rp, peers: null, now: () => performance.now(), initMs, budgetMs: BUDGET_MS, warmupMs: WARMUP_MS, emit: (r) => results.push(r) });
    return results;
  } finally {
    pkgRoot.cleanup();
  }
}

const fmtMs = (x) => (x === undefined ? '—' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (a, b) => {
  if (a === undefined || b === undefined) return '—';
  const r = a / b;
  return (r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)) + '×';
};

function growthSection(growth) {
  const int = (x) => Math.round(x).toLocaleString('en-US');
  let md = '\n### Consent log growth in the interpreter\n\n';
  md += `Issue 11's target: \`wallet.respond\` with 10,000 records in the consent log within ${TARGET_RATIO}× the 10-record time, here in \`jsc --useJIT=false\`. `;
  md += 'Growing 10,000 records with interpreted responds would take a quarter of an hour, so the logs are grown in Node (release module: real responds and refusals, every one saved, the mix of "Consent log growth": 7 in 10 hotel check-ins, 2 car rentals, 1 refusal) and their storage copied into `storage.memory()` in jsc, where the mini-program module opens it (`Wallet.open` re-reads and verifies the stored log) and answers. ';
  md += `The timed responds go round-robin over the sizes, ${GROWTH_RUNS} per size after one warm-up, a fresh hotel request each.\n\n`;
  md += '| records in the log | wallet.respond, no JIT (ms, median) | min – max (ms) | Wallet.open, no JIT (ms, once) | stored bytes |\n|---:|---:|---:|---:|---:|\n';
  for (const g of growth) md += `| ${int(g.n + 1)} | ${g.respondMs.toFixed(1)} | ${g.min.toFixed(1)} – ${g.max.toFixed(1)} | ${int(g.openMs)} | ${int(g.storedBytes)} |\n`;
  const r = growth[growth.length - 1].respondMs / growth[0].respondMs;
  md += `\nRatio ${int(growth[growth.length - 1].n + 1)} : ${int(growth[0].n + 1)} records: **${r.toFixed(2)}×** — ${r <= TARGET_RATIO ? 'meets' : 'misses'} the ${TARGET_RATIO}× target in the interpreter.\n`;
  return { md, ratio: r };
}

function section({ out, hashes, growth }, node, started) {
  const find = (list, op, impl = 'mpshield') => list.find((r) => r.op === op && r.impl === impl);
  const ms = (list, op, impl) => {
    const r = find(list, op, impl);
    return r && r.ms;
  };
  const opts = engineOptions('nojit');
  let md = `## ${TITLE}\n\n`;
  md += 'iOS WeChat runs mini-program JavaScript in JavaScriptCore without a JIT, and WebAssembly interpreted. ';
  md += `Here: Debian's \`jsc\` (libjavascriptcoregtk-4.0-bin ${engineVersion()}) with \`--useJIT=false\` `;
  md += `(its options: useJIT=${opts.useJIT}, useLLInt=${opts.useLLInt}, useBaselineJIT=${opts.useBaselineJIT}, useWasmIPInt=${opts.useWasmIPInt}, useBBQJIT=${opts.useBBQJIT}, useOMGJIT=${opts.useOMGJIT}: JavaScript in LLInt, WebAssembly in IPInt), `;
  md += `the same \`jsc\` with its JIT, and Node's emulated mini-program (tests/miniprogram/emulator.mjs, android profile, V8; Node ${process.version}). `;
  md += 'The mini-program bundle and module are loaded exactly as `pkg/dist` ships them, their sha256 checked before and after each run: ';
  md += Object.entries(hashes).map(([k, v]) => `\`${k}\` ${v.slice(0, 16)}…`).join(', ') + '. ';
  md += 'The host shim is the emulated runtime\'s jsc profile (tests/miniprogram/jsc/host.js): `WXWebAssembly.instantiate` with the code-package path of the `.wasm.br` (decompressed beforehand, as WeChat does), an asynchronous `wx.getRandomValues`, wx storage, timers. ';
  md += 'Credentials and requests come from Node\'s build of the package in a second realm (the servers), outside the timed regions. ';
  md += `Each figure is the median over about ${BUDGET_MS} ms of runs (at least 3) after a warm-up (one run without a JIT; ${WARMUP_MS} ms of runs with one, so that tier-up compilation is not timed); \`init()\` and \`deriveStorageKey\` run once. `;
  md += `Machine: ${os.cpus()[0] ? os.cpus()[0].model : 'unknown CPU'}, ${os.cpus().length} cores, shared; one run.\n\n`;
  md += '| operation | jsc no JIT (ms) | jsc JIT (ms) | Node (ms) | no JIT ÷ JIT |\n|---|---:|---:|---:|---:|\n';
  for (const [op, label] of ROWS) {
    const r = find(out.nojit, op);
    if (r && r.missing) {
      md += `| ${label} | ${r.missing} | | | |\n`;
      continue;
    }
    if (r && r.error) {
      md += `| ${label} | failed: ${r.error} | | | |\n`;
      continue;
    }
    const a = ms(out.nojit, op);
    const b = ms(out.jit, op);
    md += `| ${label} | ${fmtMs(a)} | ${fmtMs(b)} | ${fmtMs(ms(node, op))} | ${ratio(a, b)} |\n`;
  }
  md += '\n### JavaScript peers in the same engine\n\n';
  md += 'The libraries a mini-program would otherwise use, bundled with esbuild and run in their own realm of the same `jsc` process and mode, given what such a mini-program would have to add itself (a `TextEncoder` and a `crypto.getRandomValues` over host entropy). ';
  md += 'The ratios are speeds, mpshield ÷ peer, as in the Node tables (the peer\'s time over mpshield\'s, same mode): above 1 mpshield is faster, below 1 slower.\n\n';
  md += '| peer | operation | peer, no JIT (ms) | peer, JIT (ms) | compared with | mpshield ÷ peer, no JIT | mpshield ÷ peer, JIT | note |\n|---|---|---:|---:|---|---:|---:|---|\n';
  const peers = [...new Set(out.nojit.filter((r) => r.impl !== 'mpshield').map((r) => r.impl))];
  for (const impl of peers) {
    for (const r of out.nojit.filter((x) => x.impl === impl)) {
      const [ours, note] = COMPARE[r.op] || [null, ''];
      const pa = r.ms;
      const pb = ms(out.jit, r.op, impl);
      const mine = ours && find(out.nojit, ours);
      const label = ours ? (ROWS.find((x) => x[0] === ours) || [ours, ours])[1] : '—';
      const have = mine && mine.ms !== undefined;
      md += `| ${impl} | ${r.op} | ${r.error ? 'failed: ' + r.error : fmtMs(pa)} | ${fmtMs(pb)} | ${ours ? label + (have ? '' : ' (' + (mine && (mine.missing || mine.error)) + ')') : '—'} | ${have ? ratio(pa, mine.ms) : '—'} | ${have ? ratio(pb, ms(out.jit, ours)) : '—'} | ${note || ''} |\n`;
    }
  }
  md += '\nThe gm rows run in the gm phone module (`mpshield_gm_bg.wasm.br`, put in the code package at ' + GM_WASM_PATH + ' as a gm deployment does, loaded with `init({ wasmPath, suite: \'gm\' })`), in a jsc process of their own; the Node column has the default module only. ';
  md += `The section took ${((Date.now() - started) / 1000).toFixed(0)} s (\`make bench BENCH_ONLY=jsc\` runs only it).\n`;
  md += growthSection(growth).md + '\n';
  return md;
}

const started = Date.now();
if (!jscAvailable()) {
  console.error(`bench-jsc: ${JSC} is missing; scripts/setup.sh installs it (Debian libjavascriptcoregtk-4.0-bin)`);
  process.exit(1);
}
const rp = await import(pathToFileURL(path.join(root, 'pkg/dist/node.mjs')).href);
await rp.init();
const jsc = await jscRuns(rp);
const node = await nodeRun(rp);
replaceSection(TITLE, section(jsc, node, started));
const pick = (list, op) => (list.find((r) => r.op === op && r.impl === 'mpshield') || {}).ms;
for (const op of ['init', 'seal.1k.intl', 'wallet.respond.intl.ES256', 'wallet.respond.gm', 'deriveStorageKey']) {
  console.log(`jsc: ${op} ${fmtMs(pick(jsc.out.nojit, op))} ms no JIT, ${fmtMs(pick(jsc.out.jit, op))} ms JIT, Node ${fmtMs(pick(node, op))} ms`);
}
console.log(`jsc log growth: respond ${jsc.growth.map((g) => `${g.respondMs.toFixed(1)} ms at ${g.n + 1}`).join(', ')}; ratio ${growthSection(jsc.growth).ratio.toFixed(2)}×`);
console.log(`wrote the "${TITLE}" section of docs/BENCHMARKS.md`);
