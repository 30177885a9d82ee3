// The "jsc" profile of the emulated mini-program runtime, Node's side: it
// lays out a fake code package with pkg/dist/miniprogram exactly as shipped
// (sha256 of the bundle and the .wasm.br checked against pkg/dist before
// and after each run), decompresses the .wasm.br as WeChat does (jsc has no
// brotli), checks that the module is WebAssembly 1.0 (wabt, as the "ios"
// profile does), writes host entropy from crypto.randomBytes, bundles the
// test code with esbuild and runs it all in one `jsc` process: host.js
// (the WeChat host shim) first, then the given scripts.
//
//   const mp = await prepareJsc();               // once
//   const r = await mp.run(driverSource, { mode: 'nojit' });
//   mp.cleanup();
//
// Modes: "nojit" is `jsc --useJIT=false` (JavaScript in LLInt, WebAssembly
// in IPInt: what iOS WeChat runs), "jit" the shell's defaults.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { exportedGlobals, validateMvp } from '../../js/helpers/wasm.mjs';
import { MISSING_GLOBALS } from '../emulator.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const JSC = process.env.JSC || '/usr/bin/jsc';
export const MODES = { nojit: ['--useJIT=false'], jit: [] };
export const WASM_PATH = '/miniprogram_npm/mpshield/mpshield_bg.wasm.br';
/**
 * Where a gm (国密) deployment puts the gm phone module in its code package
 * (README "Two modules": "构建 npm" does not copy it; the deployment copies
 * pkg/dist/mpshield_gm_bg.wasm.br and passes its path to init()).
 */
export const GM_WASM_PATH = '/mpshield-gm/mpshield_gm_bg.wasm.br';
const mpDist = path.join(repoRoot, 'pkg/dist/miniprogram');
const gmModule = path.join(repoRoot, 'pkg/dist/mpshield_gm_bg.wasm.br');
/** Host entropy per realm (wx.getRandomValues; webcrypto on the server side). */
const ENTROPY_BYTES = 4 << 20;

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Whether the engine is installed (scripts/setup.sh: Debian libjavascriptcoregtk-4.0-bin). */
export function jscAvailable() {
  return existsSync(JSC);
}

/** The engine's options in `mode` (from --dumpOptions), to show what runs. */
export function engineOptions(mode) {
  const r = spawnSync(JSC, [...MODES[mode], '--dumpOptions=2', '-e', ''], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  const opt = (name) => {
    const m = new RegExp(`^\\s*${name}=(\\S+)`, 'm').exec(out);
    return m ? m[1] : undefined;
  };
  return {
    useJIT: opt('useJIT'),
    useLLInt: opt('useLLInt'),
    useBaselineJIT: opt('useBaselineJIT'),
    useWasmIPInt: opt('useWasmIPInt'),
    useBBQJIT: opt('useBBQJIT'),
    useOMGJIT: opt('useOMGJIT'),
  };
}

/** The Debian package version of the engine. */
export function engineVersion() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'libjavascriptcoregtk-4.0-bin'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** sha256 of the shipped mini-program bundle and modules (pkg/dist/miniprogram, and the gm module). */
export function shippedHashes() {
  return {
    'index.js': sha256(readFileSync(path.join(mpDist, 'index.js'))),
    'mpshield_bg.wasm.br': sha256(readFileSync(path.join(mpDist, 'mpshield_bg.wasm.br'))),
    'mpshield_gm_bg.wasm.br': sha256(readFileSync(gmModule)),
  };
}

/** Bundles `entry` into an ES2017 script defining `globalName` (Buffer injected for Node-flavoured helpers). */
export async function bundle(entry, globalName, extra = {}) {
  const r = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName,
    target: 'es2017',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    inject: [path.join(here, 'buffer.mjs')],
    write: false,
    logLevel: 'error',
    ...extra,
  });
  return r.outputFiles[0].text;
}

const nodeShims = {
  name: 'jsc-node-shims',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, () => ({ path: path.join(here, 'server-node.mjs') }));
  },
};

/** The server realm's script: pkg/dist/node.mjs as shipped, over server-node.mjs. */
function serverBundle() {
  return bundle(path.join(here, 'server.mjs'), '__rpBundle', {
    plugins: [nodeShims],
    target: 'es2020',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(repoRoot, 'pkg/dist/node.mjs')).href) },
  });
}

/**
 * Lays out the code package and the bundles in a temporary directory.
 * `server`: also bundle the server realm (the flow needs it).
 */
export async function prepareJsc({ server = true } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp-jsc-'));
  const root = path.join(dir, 'package');
  const target = path.join(root, 'miniprogram_npm', 'mpshield');
  mkdirSync(target, { recursive: true });
  cpSync(mpDist, target, { recursive: true });
  const gmTarget = path.join(root, GM_WASM_PATH);
  mkdirSync(path.dirname(gmTarget), { recursive: true });
  cpSync(gmModule, gmTarget);
  const shipped = shippedHashes();
  const copied = () => ({
    'index.js': sha256(readFileSync(path.join(target, 'index.js'))),
    'mpshield_bg.wasm.br': sha256(readFileSync(path.join(target, 'mpshield_bg.wasm.br'))),
    'mpshield_gm_bg.wasm.br': sha256(readFileSync(gmTarget)),
  });
  const checkHashes = (when) => {
    const now = shippedHashes();
    const c = copied();
    for (const k of Object.keys(shipped)) {
      if (now[k] !== shipped[k] || c[k] !== shipped[k]) {
        throw new Error(`jsc profile: ${k} ${when} is not the one pkg/dist ships (shipped ${shipped[k]}, pkg/dist now ${now[k]}, loaded copy ${c[k]})`);
      }
    }
  };
  checkHashes('as copied');

  // WeChat decompresses .wasm.br itself; jsc is handed the decompressed bytes.
  const wasm = zlib.brotliDecompressSync(readFileSync(path.join(target, 'mpshield_bg.wasm.br')));
  const mvp = validateMvp(wasm);
  if (!mvp.ok) throw new Error(`jsc profile: the shipped module is not WebAssembly 1.0: ${mvp.output.split('\n')[0]}`);
  const globals = exportedGlobals(wasm);
  if (globals.length) throw new Error(`jsc profile: the shipped module exports Globals (${globals.join(', ')})`);
  const wasmFile = path.join(dir, 'mpshield_bg.wasm');
  writeFileSync(wasmFile, wasm);
  const gmWasm = zlib.brotliDecompressSync(readFileSync(gmTarget));
  const gmMvp = validateMvp(gmWasm);
  if (!gmMvp.ok) throw new Error(`jsc profile: the shipped gm module is not WebAssembly 1.0: ${gmMvp.output.split('\n')[0]}`);
  if (exportedGlobals(gmWasm).length) throw new Error('jsc profile: the shipped gm module exports Globals');
  const gmWasmFile = path.join(dir, 'mpshield_gm_bg.wasm');
  writeFileSync(gmWasmFile, gmWasm);

  const files = {
    host: path.join(here, 'host.js'),
    scenarios: path.join(dir, 'scenarios.js'),
    server: path.join(dir, 'server.js'),
  };
  writeFileSync(files.scenarios, (await bundle(path.join(here, 'scenarios.mjs'), '__mpScenariosBundle')) + '\nvar __mpScenarios = __mpScenariosBundle.scenarios;\n');
  if (server) writeFileSync(files.server, await serverBundle());

  let runs = 0;
  return {
    dir,
    root,
    files,
    hashes: { ...shipped, 'mpshield_bg.wasm (decompressed)': sha256(wasm), 'mpshield_gm_bg.wasm (decompressed)': sha256(gmWasm) },
    /** Writes a script into the run directory; returns its path. */
    script(name, source) {
      const f = path.join(dir, name);
      writeFileSync(f, source);
      return f;
    },
    /**
     * Runs `driver` (source text) after host.js and `scripts` in one jsc
     * process. Resolves to { status, results (the host's @@mp lines), done,
     * stdout, stderr, ms }. Killed after `timeoutMs`.
     */
    run(driver, { mode = 'nojit', scripts = [files.scenarios], timeoutMs = 120000, debug = false } = {}) {
      const n = runs++;
      const entropy = path.join(dir, `entropy-${n}.bin`);
      const serverEntropy = path.join(dir, `entropy-server-${n}.bin`);
      const peerEntropy = path.join(dir, `entropy-peers-${n}.bin`);
      for (const f of [entropy, serverEntropy, peerEntropy]) writeFileSync(f, randomBytes(ENTROPY_BYTES));
      const config = {
        profile: `jsc-${mode}`,
        packageRoot: root,
        decompressed: { [WASM_PATH]: wasmFile, [GM_WASM_PATH]: gmWasmFile },
        entropyFile: entropy,
        serverEntropyFile: serverEntropy,
        peerEntropyFile: peerEntropy,
        missingGlobals: MISSING_GLOBALS,
        serverBundle: files.server,
        debug,
      };
      const configFile = path.join(dir, `config-${n}.js`);
      writeFileSync(configFile, `globalThis.__mpHost = ${JSON.stringify(config)};\n`);
      const driverFile = path.join(dir, `driver-${n}.js`);
      writeFileSync(driverFile, driver);
      const args = [...MODES[mode], configFile, files.host, ...scripts, driverFile];
      const started = process.hrtime.bigint();
      return new Promise((resolve, reject) => {
        const child = spawn(JSC, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.on('close', (status, signal) => {
          clearTimeout(timer);
          for (const f of [entropy, serverEntropy, peerEntropy]) rmSync(f, { force: true });
          try {
            checkHashes('after the run');
          } catch (e) {
            reject(e);
            return;
          }
          const results = [];
          for (const line of stdout.split('\n')) if (line.startsWith('@@mp ')) results.push(JSON.parse(line.slice(5)));
          const done = results.find((r) => r.done);
          resolve({
            status,
            signal,
            timedOut,
            results: results.filter((r) => !r.done),
            done,
            stdout,
            stderr,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          });
        });
      });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
