// A module that cannot be loaded is the integrator's to fix: init() rejects
// with WASM_LOAD_FAILED (never INTERNAL, "a bug in mpshield"), and the
// message names what was loaded, what came back and what to do. Node (a
// missing file, an HTML page, an empty or truncated file, no WebAssembly
// under --jitless) and the browser bundle run in Node with a stubbed fetch
// (404, an HTML page, truncated) and without the globals it needs
// (WebAssembly, fetch, TextDecoder, TextEncoder, document): importing it
// never fails, init() does. Chromium: tests/www/load-failures.test.mjs; the
// mini-program runtime: tests/miniprogram/load-failures.test.mjs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pkgDir } from './helpers/link.mjs';

const dist = path.join(pkgDir, 'dist');
const HTML = '<!DOCTYPE html><html><body>404 Not Found</body></html>';
const releaseWasm = readFileSync(path.join(dist, 'mpshield_bg.wasm'));
const compactWasm = readFileSync(path.join(dist, 'mpshield_compact_bg.wasm'));

function tmp(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-load-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs an ESM script in a fresh Node; returns the JSON it printed last. */
function child(dir, source, args = []) {
  const file = path.join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  const out = execFileSync(process.execPath, [...args, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Sandbox source: `outcome(p)` → [code, message, zh] of a rejected init() (or "resolved"). */
const OUTCOME = `
const outcome = (p) => p.then(() => ['resolved'], (e) => [e.code, e.message, m.describeError(e)]);`;

test('node: a missing, HTML, empty or truncated module file is WASM_LOAD_FAILED naming the file', (t) => {
  const dir = tmp(t);
  const files = {
    missing: path.join(dir, 'missing.wasm'),
    html: path.join(dir, 'page.wasm'),
    empty: path.join(dir, 'empty.wasm'),
    truncated: path.join(dir, 'truncated.wasm'),
  };
  writeFileSync(files.html, HTML);
  writeFileSync(files.empty, '');
  writeFileSync(files.truncated, releaseWasm.subarray(0, releaseWasm.length >> 1));
  for (const entry of ['node.mjs', 'node.cjs']) {
    const r = child(
      dir,
      `const m = ${entry === 'node.mjs' ? 'await import' : '(await import("node:module")).createRequire(import.meta.url)'}(${JSON.stringify(path.join(dist, entry))});${OUTCOME}
const files = ${JSON.stringify(files)};
const out = {};
for (const [k, f] of Object.entries(files)) out[k] = await outcome(m.init({ wasmPath: f }));
out.fileUrl = await outcome(m.init({ wasmPath: ${JSON.stringify(pathToFileURL(files.missing).href)} }));
await m.init();
out.after = m.idcard.parse('11010519491231002X').province;
console.log(JSON.stringify(out));`,
    );
    for (const k of ['missing', 'html', 'empty', 'truncated', 'fileUrl']) {
      const [code, message, zh] = r[k];
      assert.equal(code, 'WASM_LOAD_FAILED', `${entry} ${k}: ${message}`);
      assert.ok(message.includes(k === 'fileUrl' ? pathToFileURL(files.missing).href : files[k]), `${entry} ${k}: names the file`);
      assert.match(message, /init\(\{ wasmPath \}\)/, `${entry} ${k}: says what to do`);
      assert.match(zh, /WebAssembly 模块/, `${entry} ${k}: describeError's zh text`);
      assert.doesNotMatch(zh, /内部错误/);
    }
    assert.match(r.missing[1], /could not be read \(ENOENT\)/);
    assert.match(r.html[1], /not a WebAssembly file \(\d+ bytes starting "<!DOCTYPE html/);
    assert.match(r.empty[1], /an empty file/);
    assert.match(r.truncated[1], new RegExp(`truncated.*${releaseWasm.length >> 1} bytes, this release ships ${releaseWasm.length}; CompileError`));
    assert.equal(r.after, '北京市', `${entry}: a later init() with the right module still works`);
  }
});

test('node --jitless (no WebAssembly): importing works, init() is WASM_LOAD_FAILED naming WebAssembly', (t) => {
  const dir = tmp(t);
  const r = child(
    dir,
    `const m = await import(${JSON.stringify(path.join(dist, 'node.mjs'))});${OUTCOME}
console.log(JSON.stringify({ wasm: typeof WebAssembly, r: await outcome(m.init()) }));`,
    ['--jitless'],
  );
  assert.equal(r.wasm, 'undefined', '--jitless really removes WebAssembly');
  assert.equal(r.r[0], 'WASM_LOAD_FAILED');
  assert.match(r.r[1], /no WebAssembly/);
  assert.match(r.r[1], /mpshield_bg\.wasm/);
});

/** The browser bundle in Node, with `fetch` answering from `responses` (URL suffix → [status, body, type]). */
function browserChild(dir, body, { prelude = '', bundle = path.join(dist, 'browser.mjs') } = {}) {
  return child(
    dir,
    `${prelude}
const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});${OUTCOME}
${body}`,
  );
}

const FETCH_STUB = `
const requested = [];
globalThis.fetch = async (url) => {
  requested.push(String(url));
  const answer = globalThis.responses[String(url).split('/').pop()];
  if (!answer) throw new TypeError('fetch failed');
  const [status, body, type] = answer;
  return new Response(status === 404 ? 'Not Found' : body, { status, statusText: status === 404 ? 'Not Found' : 'OK', headers: { 'content-type': type } });
};`;

test('browser bundle: 404, an HTML page, a truncated module, a failed request are WASM_LOAD_FAILED naming the URL', (t) => {
  const dir = tmp(t);
  const trunc = path.join(dir, 'trunc.bin');
  writeFileSync(trunc, compactWasm.subarray(0, 1000));
  const r = browserChild(
    dir,
    `globalThis.responses = {
  'gone.wasm': [404, '', 'text/plain'],
  'page.wasm': [200, ${JSON.stringify(HTML)}, 'text/html'],
  'trunc.wasm': [200, new Uint8Array((await import('node:fs')).readFileSync(${JSON.stringify(trunc)})), 'application/wasm'],
};
const out = {};
for (const f of ['gone.wasm', 'page.wasm', 'trunc.wasm']) out[f] = await outcome(m.init({ wasmPath: 'https://cdn.example/app/' + f }));
out['offline.wasm'] = await outcome(m.init({ wasmPath: 'https://cdn.example/app/offline.wasm' }));
console.log(JSON.stringify({ out, requested }));`,
    { prelude: FETCH_STUB },
  );
  for (const [f, [code, message]] of Object.entries(r.out)) {
    assert.equal(code, 'WASM_LOAD_FAILED', `${f}: ${message}`);
    assert.ok(message.includes(`from https://cdn.example/app/${f}`), `${f}: names the URL`);
    assert.match(message, /mpshield_compact_bg\.wasm/, `${f}: names the file to serve`);
    assert.match(message, /init\(\{ wasmPath \}\)/);
  }
  assert.match(r.out['gone.wasm'][1], /HTTP 404 Not Found/);
  assert.match(r.out['page.wasm'][1], /not a WebAssembly file .*"<!DOCTYPE html/);
  assert.match(r.out['trunc.wasm'][1], new RegExp(`truncated.*1000 bytes, this release ships ${compactWasm.length}`));
  assert.match(r.out['offline.wasm'][1], /the request failed \(TypeError/);
});

test('browser bundle without WebAssembly, fetch, TextDecoder, TextEncoder: imports, then init() names what is missing', (t) => {
  const dir = tmp(t);
  const r = browserChild(
    dir,
    `const first = await outcome(m.init());
const before = (() => { try { m.version(); return 'answered'; } catch (e) { return e.code; } })();
console.log(JSON.stringify({ first, before, describe: m.describeError('WASM_LOAD_FAILED', 'en') }));`,
    { prelude: `for (const g of ['WebAssembly', 'fetch', 'TextDecoder', 'TextEncoder']) delete globalThis[g];` },
  );
  assert.equal(r.first[0], 'WASM_LOAD_FAILED');
  assert.match(r.first[1], /this host has no WebAssembly, fetch, TextDecoder, TextEncoder/);
  assert.match(r.first[1], /In a mini-program, import "mpshield\/miniprogram" instead of this browser build/, 'points a mini-program at its own build');
  assert.equal(r.before, 'NOT_INITIALIZED');
});

test('browser bundle whose asset URL reads `document` (as webpack rewrites import.meta.url): init() names it', (t) => {
  const dir = tmp(t);
  // What webpack 5 emits for new URL('./x.wasm', import.meta.url) on the web target.
  const source = readFileSync(path.join(dist, 'browser.mjs'), 'utf8');
  assert.equal(source.split('import.meta.url').length, 2, 'one import.meta.url, the asset URL');
  const bundle = path.join(dir, 'webpacked.mjs');
  writeFileSync(bundle, source.replace('import.meta.url', 'document.baseURI'));
  const r = browserChild(dir, `console.log(JSON.stringify({ first: await outcome(m.init()) }));`, { bundle });
  assert.equal(r.first[0], 'WASM_LOAD_FAILED');
  assert.match(r.first[1], /mpshield_compact_bg\.wasm: its URL next to the bundle could not be worked out \(ReferenceError: document is not defined\)/);
  assert.match(r.first[1], /wasmPath/);
});

test('the bundles name no other module: browser → only the compact one, Node → only the release one', () => {
  const browser = readFileSync(path.join(dist, 'browser.mjs'), 'utf8');
  const named = new Set(browser.match(/mpshield[_a-z]*\.wasm\b/g));
  assert.deepEqual([...named], ['mpshield_compact_bg.wasm'], 'the browser bundle never mentions the Node module');
  for (const f of ['browser.mjs', 'node.mjs', 'node.cjs', 'miniprogram/index.js']) {
    const text = readFileSync(path.join(dist, f), 'utf8');
    assert.ok(!text.includes('instantiateStreaming'), `${f}: the glue's own loader is not bundled`);
    assert.ok(!/fetch\(/.test(text) || f === 'browser.mjs', `${f}: no fetch`);
  }
});
