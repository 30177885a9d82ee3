// Bundles the npm package: the wasm-bindgen glue (build/gen, from
// scripts/build-wasm.sh) plus the hand-written loaders in pkg/src, into
// pkg/dist (git-ignored):
//
//   dist/browser.mjs               ESM; fetches ./mpshield_compact_bg.wasm
//   dist/mpshield_compact_bg.wasm  the module compiled for size (browsers)
//   dist/node.mjs, dist/node.cjs   ESM and CommonJS; read ./mpshield_bg.wasm from disk
//   dist/mpshield_bg.wasm          the module compiled for speed (Node)
//   dist/miniprogram/index.js      CommonJS, ES2017, for WeChat ("miniprogram" field)
//   dist/miniprogram/mpshield_bg.wasm.br   the compact module, brotli
//   dist/mpshield_gm_bg.wasm, dist/mpshield_gm_bg.wasm.br
//                                  the gm (国密) phone module, raw and brotli;
//                                  outside dist/miniprogram, so that WeChat's
//                                  "Build npm" does not put it in every
//                                  code package (gm deployments copy it)
//   dist/miniprogram-worker/{index.js,client.js,mpshield_kdf.wasm.br}
//                                  deriveStorageKey's mini-program Worker
//                                  (pkg/src/kdf-worker.js, ES2017 script),
//                                  its main-thread end (pkg/src/kdf-client.cjs)
//                                  and its Argon2id-only module
//                                  (crates/mpshield-kdf); outside
//                                  dist/miniprogram too: integrators copy
//                                  them (README, "Long calls on iPhones")
//
// Every bundle takes the glue with its loading path replaced (WEB_INIT
// below), so no bundle mentions fetch, import.meta or the Node module's
// name. The mini-program bundle gets a UTF-8 codec (pkg/src/mp-shims.js,
// esbuild `inject`) for the glue's TextEncoder and TextDecoder, the browser
// bundle a glue that creates them only where the host has them
// (lazyCodecs); the build then
// refuses the mini-program bundle if it does not parse as ES2017 or still
// mentions a web global WeChat lacks.
//
//   node scripts/build-pkg.mjs
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as acorn from 'acorn';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Two modules (scripts/build-wasm.sh): release for Node, compact for the
// browser and the mini-program; each bundle takes its module's own glue.
const gen = path.join(root, 'build/gen');
const wasmDir = path.join(root, 'build/wasm');
const compactGen = path.join(root, 'build/gen-compact');
const compactDir = path.join(root, 'build/wasm-compact');
const gmGen = path.join(root, 'build/gen-compact-gm');
const gmDir = path.join(root, 'build/wasm-compact-gm');
const src = path.join(root, 'pkg/src');
const dist = path.join(root, 'pkg/dist');
const glue = path.join(gen, 'mpshield.js');
const compactGlue = path.join(compactGen, 'mpshield.js');

function die(message) {
  console.error(`build-pkg: ${message}`);
  process.exit(1);
}

const gmGlue = path.join(gmGen, 'mpshield.js');
const kdfModule = path.join(root, 'build/wasm-kdf/mpshield_kdf.wasm.br');
if (!existsSync(kdfModule)) die('build/wasm-kdf/mpshield_kdf.wasm.br is missing: run scripts/build-wasm.sh (or scripts/build-wasm.sh kdf for that module alone)');
for (const f of [glue, compactGlue, gmGlue, path.join(wasmDir, 'mpshield_bg.wasm'), path.join(compactDir, 'mpshield_bg.wasm.br'), path.join(gmDir, 'mpshield_bg.wasm.br')]) {
  if (!existsSync(f)) die(`${path.relative(root, f)} is missing: run scripts/build-wasm.sh first (or make build)`);
}

// The loaders and shims rely on these pieces of the wasm-bindgen 0.2.130
// glue; a different wasm-bindgen may generate other code paths. Fail here,
// loudly, rather than ship a mini-program bundle that breaks on devices.
const glueText = readFileSync(glue, 'utf8');
for (const other of [compactGlue, gmGlue]) {
  // Required: one glue serves every module a bundle may load (the phone
  // modules of both suites through the same mini-program bundle). The glue
  // depends on the exports, not on features or optimisation levels; a
  // difference means the builds disagree.
  if (readFileSync(other, 'utf8') !== glueText) {
    die(`build/gen and ${path.relative(root, path.dirname(other))} hold different glue: rebuild with scripts/build-wasm.sh`);
  }
}
const expectations = [
  ['strings are decoded with a TextDecoder', "new TextDecoder('utf-8', { ignoreBOM: true })"],
  ['strings are encoded with TextEncoder.encodeInto', 'cachedTextEncoder.encodeInto(arg, view)'],
  ['initSync takes { module }', 'function initSync(module)'],
  ['the instance\'s exports are kept in `wasm`', 'wasm = instance.exports;'],
  ['finalizers free through `wasm.__wbg_<class>_free`', 'new FinalizationRegistry(ptr => wasm.__wbg_'],
  // The loading path that WEB_INIT replaces.
  ['the imports object comes from __wbg_get_imports()', 'function __wbg_get_imports()'],
  ['instantiation ends in __wbg_finalize_init', 'function __wbg_finalize_init(instance, module)'],
  ['__wbg_load comes before initSync', 'async function __wbg_load(module, imports) {'],
  ['the async init starts with its promise', 'let __wbg_init_promise;'],
  ['the glue ends with its exports', 'export { initSync, __wbg_init as default };'],
];
for (const [what, needle] of expectations) {
  if (!glueText.includes(needle)) {
    die(`the wasm-bindgen glue changed (${what}: "${needle}" not found); review pkg/src/mp-shims.js and the loaders`);
  }
}

const pkgJson = JSON.parse(readFileSync(path.join(root, 'pkg/package.json'), 'utf8'));
const banner = `/*! mpshield ${pkgJson.version} | Apache-2.0 | generated by scripts/build-pkg.mjs from pkg/src and wasm-bindgen output; do not edit */`;

/**
 * After a trap the instance must never be entered again (pkg/src/runtime.js
 * refuses every call), but the glue's FinalizationRegistry callbacks call
 * `wasm.__wbg_<class>_free(ptr)` whenever the garbage collector reclaims a
 * wrapper — a call into the dead instance that can trap again, inside a
 * callback nobody catches, and end the process. So the glue keeps a guarded
 * copy of the exports: every `__wbg_*_free` export does nothing once
 * `__mpshieldMarkTrapped()` (called by runtime.js when it records a trap)
 * has run. One glue serves every bundle, so every loader gets it.
 */
const GLUE_GUARD = `
let __mpshieldTrapped = false;
export function __mpshieldMarkTrapped() {
  __mpshieldTrapped = true;
}
function __mpshieldGuardExports(exports) {
  const guarded = {};
  Object.keys(exports).forEach(function (name) {
    const f = exports[name];
    guarded[name] = typeof f === 'function' && /^__wbg_[A-Za-z0-9_]+_free$/.test(name)
      ? function (ptr, finalizing) {
        if (!__mpshieldTrapped) return f(ptr, finalizing);
      }
      : f;
  });
  return guarded;
}
`;

/**
 * The glue's own async loading path (`__wbg_load`, `__wbg_init`) takes a
 * path, URL, Response or bytes and reaches for fetch, URL, Request, Response,
 * WebAssembly.instantiateStreaming and, with no argument,
 * `new URL('mpshield_bg.wasm', import.meta.url)` — which makes bundlers copy
 * the Node module into web builds. No loader uses it: each fetches or reads
 * the module itself and says what went wrong (pkg/src/load.js). So the
 * bundled glue's default export is this instead: it takes the loader's
 * `instantiate(imports)` → Promise<{ instance, module }>. The synchronous
 * `initSync` (Node) is kept as wasm-bindgen wrote it.
 */
const WEB_INIT = `
async function __wbg_init(instantiate) {
    if (wasm !== undefined) return wasm;
    const { instance, module } = await instantiate(__wbg_get_imports());
    return __wbg_finalize_init(instance, module);
}

export { initSync, __wbg_init as default };
`;

/** Replaces the one occurrence of `from`…`to` (to excluded unless `through`) in `text`. */
function cut(text, from, to, replacement, through = false) {
  const a = text.indexOf(from);
  const b = text.indexOf(to, a);
  if (a < 0 || b < 0 || text.indexOf(from, a + 1) >= 0) die(`the glue changed: cannot cut "${from}" … "${to}"`);
  return text.slice(0, a) + replacement + text.slice(through ? b + to.length : b);
}

/** Replaces the one occurrence of `from` in `text` by `to`. */
function once(text, from, to) {
  if (text.split(from).length !== 2) die(`the glue changed: not exactly one "${from}"`);
  return text.replace(from, to);
}

/**
 * The glue creates its TextDecoder and TextEncoder when it is imported. In
 * the browser bundle (`lazyCodecs`) they are created only where the host
 * has them — the decoder on first use, the encoder guarded by `typeof` —
 * so that a host without them (a mini-program handed the browser build)
 * imports it and fails at init(), which checks for them first.
 */
function lazyCodecs(text) {
  let out = once(text, "let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });\ncachedTextDecoder.decode();", 'let cachedTextDecoder;');
  out = once(out, 'if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {', 'if (!cachedTextDecoder || numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {');
  return once(out, 'const cachedTextEncoder = new TextEncoder();', "const cachedTextEncoder = typeof TextEncoder == 'function' ? new TextEncoder() : {};");
}

/** The glue as bundled: wasm-bindgen's output with WEB_INIT, plus GLUE_GUARD. */
function guardGlue(text, lazy) {
  let out = once(text, 'wasm = instance.exports;', 'wasm = __mpshieldGuardExports(instance.exports);');
  out = cut(out, 'async function __wbg_load(module, imports) {', 'function initSync(module)', '');
  out = cut(out, 'let __wbg_init_promise;', 'export { initSync, __wbg_init as default };', WEB_INIT, true);
  if (lazy) out = lazyCodecs(out);
  for (const gone of ['import.meta', 'fetch(', 'instantiateStreaming', 'new URL(']) {
    if (out.includes(gone)) die(`the bundled glue still contains "${gone}"`);
  }
  return out + GLUE_GUARD;
}

/** Resolves `mpshield-glue` (imported by pkg/src) to the generated glue, guarded (`lazy`: see lazyCodecs). */
const gluePlugin = (lazy = false) => ({
  name: 'mpshield-glue',
  setup(build) {
    build.onResolve({ filter: /^mpshield-glue$/ }, () => ({ path: glue }));
    build.onLoad({ filter: /mpshield\.js$/ }, (args) => {
      if (args.path !== glue) return undefined;
      return { contents: guardGlue(readFileSync(args.path, 'utf8'), lazy), loader: 'js' };
    });
  },
});

/**
 * Keeps the public functions' names through minification: `fn(function
 * seal(…) {…})` and `asyncFn(…)` in pkg/src become `fn("seal", function
 * seal(…) {…})`, and fn() (pkg/src/runtime.js) takes the name from the string
 * (it names the wrapper and the phase in error messages). esbuild's
 * `keepNames` would do it for every function and class of the bundle, at
 * +1.5 KB brotli on the mini-program bundle.
 */
const FN_CALL = /\b(fn|asyncFn)\(\s*((?:async\s+)?function\s+([A-Za-z_$][\w$]*)\s*\()/g;
const namesPlugin = {
  name: 'mpshield-fn-names',
  setup(build) {
    build.onLoad({ filter: /[\\/]pkg[\\/]src[\\/][^\\/]+\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(FN_CALL, '$1("$3", $2'),
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  write: true,
  logLevel: 'warning',
  legalComments: 'inline',
  // Whitespace only for Node (readable stack traces; ~4 KB brotli saved).
  minifyWhitespace: true,
  // Chinese text (the error messages) as UTF-8, not \uXXXX escapes: 3 bytes
  // a character instead of 6, and about 1 KB less brotli. Every host reads
  // these files as UTF-8 (module scripts always; Node; WeChat).
  charset: 'utf8',
  banner: { js: banner },
  plugins: [gluePlugin(), namesPlugin],
};
// The bundles that travel over the network are minified fully (identifiers
// and syntax too). Measured on the mini-program bundle, brotli: whitespace
// only 17,528 B; + syntax 17,117 B; full 14,787 B; full with esbuild
// `keepNames` 16,287 B; full with namesPlugin 14,952 B — chosen.
const minified = { minify: true };

rmSync(dist, { recursive: true, force: true });
mkdirSync(path.join(dist, 'miniprogram'), { recursive: true });
mkdirSync(path.join(dist, 'miniprogram-worker'), { recursive: true });

// The size of each module, for WASM_LOAD_FAILED's "truncated" message.
const wasmBytes = (file) => String(readFileSync(file).length);
const releaseBytes = { MPSHIELD_WASM_BYTES: wasmBytes(path.join(wasmDir, 'mpshield_bg.wasm')) };
const compactBytes = { MPSHIELD_WASM_BYTES: wasmBytes(path.join(compactDir, 'mpshield_bg.wasm')) };

const builds = [
  {
    entryPoints: [path.join(src, 'entry-browser.js')],
    outfile: path.join(dist, 'browser.mjs'),
    format: 'esm',
    platform: 'browser',
    // ES2017 syntax for older WebViews, except import.meta (any ESM host has it).
    target: 'es2017',
    supported: { 'import-meta': true },
    plugins: [gluePlugin(true), namesPlugin],
    define: compactBytes,
    ...minified,
  },
  {
    entryPoints: [path.join(src, 'entry-node.js')],
    outfile: path.join(dist, 'node.mjs'),
    format: 'esm',
    platform: 'node',
    target: 'node18',
    define: releaseBytes,
  },
  {
    entryPoints: [path.join(src, 'entry-node-cjs.js')],
    outfile: path.join(dist, 'node.cjs'),
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    define: releaseBytes,
  },
  {
    entryPoints: [path.join(src, 'entry-miniprogram.js')],
    outfile: path.join(dist, 'miniprogram/index.js'),
    format: 'cjs',
    platform: 'node', // for the annotation Node's cjs-module-lexer reads (named ESM imports); nothing else differs here
    target: 'es2017',
    inject: [path.join(src, 'mp-shims.js')],
    ...minified,
    // There is none: errors.js's trap test then folds away.
    define: { WebAssembly: 'undefined', ...compactBytes },
  },
  {
    // The KDF Worker: a plain script (WeChat runs a Worker's entry file as
    // one), no glue, no imports.
    entryPoints: [path.join(src, 'kdf-worker.js')],
    outfile: path.join(dist, 'miniprogram-worker/index.js'),
    format: 'iife',
    platform: 'neutral',
    target: 'es2017',
    plugins: [],
    ...minified,
  },
  {
    // Its main-thread end, CommonJS as written (`require` in mini-programs,
    // `mpshield/kdf-worker` for bundlers): not in the mini-program bundle,
    // so that only mini-programs that opt in download it.
    entryPoints: [path.join(src, 'kdf-client.cjs')],
    outfile: path.join(dist, 'miniprogram-worker/client.js'),
    bundle: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2017',
    plugins: [],
    ...minified,
  },
];

// Warnings are errors: a silent `import.meta` → `{}` would break a loader.
for (const options of builds) {
  const result = await esbuild.build({ ...common, ...options });
  if (result.warnings.length > 0) {
    die(`esbuild warnings for ${path.relative(root, options.outfile)} (treated as errors)`);
  }
}

copyFileSync(path.join(wasmDir, 'mpshield_bg.wasm'), path.join(dist, 'mpshield_bg.wasm'));
copyFileSync(path.join(compactDir, 'mpshield_bg.wasm'), path.join(dist, 'mpshield_compact_bg.wasm'));
copyFileSync(path.join(compactDir, 'mpshield_bg.wasm.br'), path.join(dist, 'miniprogram/mpshield_bg.wasm.br'));
copyFileSync(path.join(gmDir, 'mpshield_bg.wasm'), path.join(dist, 'mpshield_gm_bg.wasm'));
copyFileSync(path.join(gmDir, 'mpshield_bg.wasm.br'), path.join(dist, 'mpshield_gm_bg.wasm.br'));
copyFileSync(kdfModule, path.join(dist, 'miniprogram-worker/mpshield_kdf.wasm.br'));

// The tarball's LICENSE and Chinese README are the repository's (copies,
// git-ignored in pkg/).
copyFileSync(path.join(root, 'LICENSE'), path.join(root, 'pkg/LICENSE'));
copyFileSync(path.join(root, 'README.zh-CN.md'), path.join(root, 'pkg/README.zh-CN.md'));

// Types. pkg/index.d.ts is the one hand-written source; package.json
// `exports` hands it to CommonJS resolutions and dist/index.d.mts (the same
// text) to ESM ones, so TypeScript's node16/bundler modes see each file's
// real format. TypeScript before 5.2 has no `esnext.disposable` lib (the
// `[Symbol.dispose]()` members): dist/ts4/ holds the same declarations
// without them, chosen by the `types@<5.2` condition and `typesVersions`.
const types = readFileSync(path.join(root, 'pkg/index.d.ts'), 'utf8');
const ts4 = types
  .replace(/^\/\/\/ <reference lib="esnext\.disposable" \/>\n/m, '')
  .replace(/^[ \t]*\/\*\*[^\n]*Symbol\.dispose[^\n]*\*\/\n(?=[ \t]*\[Symbol\.dispose\]\(\): void;\n)/gm, '')
  .replace(/^[ \t]*\[Symbol\.dispose\]\(\): void;\n/gm, '');
if (/esnext\.disposable|Symbol\.dispose\]/.test(ts4)) die('pkg/index.d.ts: a Symbol.dispose use the TypeScript 4.7 types cannot drop');
const ts4Banner = '// mpshield types for TypeScript 4.7–5.1: pkg/index.d.ts without the [Symbol.dispose]() members (generated by scripts/build-pkg.mjs).\n';
mkdirSync(path.join(dist, 'ts4'), { recursive: true });
writeFileSync(path.join(dist, 'index.d.mts'), types);
writeFileSync(path.join(dist, 'ts4/index.d.ts'), ts4Banner + ts4);
writeFileSync(path.join(dist, 'ts4/index.d.mts'), ts4Banner + ts4);

// Fail fast on the mini-program files (tests/miniprogram/ checks them fully).
for (const file of ['miniprogram/index.js', 'miniprogram-worker/index.js', 'miniprogram-worker/client.js']) {
  const mp = readFileSync(path.join(dist, file), 'utf8');
  try {
    acorn.parse(mp, { ecmaVersion: 2017, sourceType: 'script' });
  } catch (e) {
    die(`dist/${file} is not ES2017: ${e.message}`);
  }
  for (const word of ['import.meta', 'new Function', 'eval(']) {
    if (mp.includes(word)) {
      die(`dist/${file} still contains "${word}"`);
    }
  }
}

console.log(`build-pkg: pkg/dist for mpshield ${pkgJson.version}`);
