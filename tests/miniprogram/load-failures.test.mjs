// Load failures in the emulated WeChat runtime, both profiles: a module
// missing from the code package (the default path after a framework build
// that did not copy it), a .wasm.br that is an HTML page, a truncated .br or
// .wasm — each is WASM_LOAD_FAILED naming the path and the file to copy,
// never INTERNAL. And the browser build, handed to a mini-program by a
// bundler (as Taro and uni-app do when told nothing): requiring it works,
// init() names the missing globals and the build to import instead.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { createMiniProgram, makePackageRoot, repoRoot } from './emulator.mjs';

const DEFAULT_PATH = '/miniprogram_npm/mpshield/mpshield_bg.wasm.br';
const compact = readFileSync(path.join(repoRoot, 'pkg/dist/mpshield_compact_bg.wasm'));
const br = readFileSync(path.join(repoRoot, 'pkg/dist/miniprogram/mpshield_bg.wasm.br'));

function sandbox(t, profile) {
  const pkg = makePackageRoot();
  t.after(pkg.cleanup);
  return { mp: createMiniProgram({ profile, root: pkg.root }), root: pkg.root };
}

/** [code, message, zh] of init(options) in the sandbox, via module `request`. */
async function initOutcome(mp, request, options = 'undefined') {
  return JSON.parse(
    await mp.run(`(function () {
      var m = require(${JSON.stringify(request)});
      return m.init(${options}).then(function () { return JSON.stringify(['resolved']); }, function (e) {
        return JSON.stringify([e.code, e.message, m.describeError(e)]);
      });
    })()`),
  );
}

for (const profile of ['ios', 'android']) {
  test(`${profile}: a module missing, HTML, truncated (.br and .wasm) is WASM_LOAD_FAILED naming the path`, async (t) => {
    const { mp, root } = sandbox(t, profile);
    const file = (p) => path.join(root, p);
    mkdirSync(file('assets'));
    writeFileSync(file('assets/page.wasm.br'), zlib.brotliCompressSync(Buffer.from('<!DOCTYPE html><html>404</html>')));
    writeFileSync(file('assets/raw-html.wasm.br'), '<!DOCTYPE html><html>404</html>');
    writeFileSync(file('assets/cut.wasm.br'), br.subarray(0, br.length >> 1));
    writeFileSync(file('assets/cut.wasm'), compact.subarray(0, compact.length >> 1));
    rmSync(file(DEFAULT_PATH));

    const cases = {
      [DEFAULT_PATH]: /file not found/,
      '/assets/page.wasm.br': /CompileError/,
      '/assets/raw-html.wasm.br': /CompileError: invalid wasm file \(not brotli/,
      '/assets/cut.wasm.br': /CompileError: invalid wasm file \(not brotli/,
      '/assets/cut.wasm': /CompileError/,
    };
    for (const [p, got] of Object.entries(cases)) {
      const options = p === DEFAULT_PATH ? 'undefined' : `{ wasmPath: ${JSON.stringify(p)} }`;
      const [code, message, zh] = await initOutcome(mp, 'mpshield', options);
      assert.equal(code, 'WASM_LOAD_FAILED', `${p}: ${message}`);
      assert.ok(message.includes(`module ${p}: instantiate failed`), `${p}: names the path (${message})`);
      assert.match(message, got, p);
      assert.match(message, /mpshield_bg\.wasm\.br \(node_modules\/mpshield\/dist\/miniprogram\/\)/, `${p}: which file to copy`);
      assert.match(message, /init\(\{ wasmPath \}\)/, `${p}: what to pass`);
      assert.doesNotMatch(zh, /内部错误/, `${p}: describeError does not blame mpshield`);
    }
    // The same instance loads once the file is right.
    writeFileSync(file('assets/good.wasm.br'), br);
    assert.deepEqual(await initOutcome(mp, 'mpshield', "{ wasmPath: '/assets/good.wasm.br' }"), ['resolved']);
  });

  test(`${profile}: the browser build, bundled into a mini-program, imports and then fails at init() with WASM_LOAD_FAILED`, async (t) => {
    const { mp, root } = sandbox(t, profile);
    // What a bundler resolving the "browser" condition puts in a vendor chunk
    // (webpack 5 rewrites import.meta.url to read `document`).
    const vendor = esbuild.buildSync({
      entryPoints: [path.join(repoRoot, 'pkg/dist/browser.mjs')],
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2017',
      define: { 'import.meta.url': 'document.baseURI' },
      write: false,
      logLevel: 'silent',
    }).outputFiles[0].text;
    mkdirSync(path.join(root, 'common'));
    writeFileSync(path.join(root, 'common/vendor.js'), vendor);
    const [code, message] = await initOutcome(mp, '/common/vendor.js');
    assert.equal(code, 'WASM_LOAD_FAILED');
    assert.match(message, /this host has no WebAssembly, fetch, TextDecoder, TextEncoder/);
    assert.match(message, /In a mini-program, import "mpshield\/miniprogram"/);
    assert.deepEqual(mp.log.instantiate, [], 'nothing was loaded');
  });
}
