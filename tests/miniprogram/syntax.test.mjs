// Every file shipped to mini-programs (pkg/dist/miniprogram/*.js, and the
// example mini-program's own .js files in examples/miniprogram) must parse
// as ES2017 — the mini-program parser is reported to reject `?.` and `??` —
// and must not use what WeChat lacks: import.meta, eval / new Function, or
// free references to web globals (TextEncoder, fetch, WebAssembly, …). The
// checker is tested on known-bad code first, so that it can fail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { mpDist, repoRoot } from './emulator.mjs';
import { checkMiniProgramSource } from './syntax-check.mjs';

test('the checker rejects newer syntax and forbidden constructs (self-test)', () => {
  const bad = [
    ['a?.b', /not ES2017/],
    ['a ?? b', /not ES2017/],
    ['var o = { ...x };', /not ES2017/],
    ['try {} catch {}', /not ES2017/],
    ['async function* g() {}', /not ES2017/],
    ['var n = 10n;', /not ES2017/],
    ['var r = /(?<y>\\d+)/;', /not ES2017/],
    ['var x = 2 ** 3; class A { #p = 1 }', /not ES2017/],
    ['import.meta.url', /not ES2017/],
    ['eval("1")', /eval\(\)/],
    ['var f = new Function("return 1");', /new Function/],
    ['var d = new TextDecoder();', /free reference to TextDecoder/],
    ['fetch("/x.wasm");', /free reference to fetch/],
    ['WebAssembly.instantiate(b, {});', /free reference to WebAssembly/],
    ['crypto.getRandomValues(a);', /free reference to crypto/],
  ];
  for (const [source, expected] of bad) {
    const problems = checkMiniProgramSource(source);
    assert.ok(problems.some((p) => expected.test(p)), `${source} → ${JSON.stringify(problems)}`);
  }
  const good = [
    'var x = 2 ** 3; async function f() { await x; } var { a } = {};',
    'var TextDecoder = class {}; new TextDecoder();',
    'if (typeof WebAssembly !== "undefined") WebAssembly.validate(b);',
    'o.fetch(1); var p = { crypto: 1 }; o.URL;',
    'module.exports = { a: 1 };',
  ];
  for (const source of good) assert.deepEqual(checkMiniProgramSource(source), [], source);
});

test('every .js file in pkg/dist/miniprogram is ES2017 and uses nothing WeChat lacks', () => {
  const files = readdirSync(mpDist);
  assert.deepEqual(files.sort(), ['index.js', 'mpshield_bg.wasm.br'], 'exactly the loader and the module');
  for (const f of files.filter((f) => /\.(c|m)?js$/.test(f))) {
    const problems = checkMiniProgramSource(readFileSync(path.join(mpDist, f), 'utf8'));
    assert.deepEqual(problems, [], `${f}:\n${problems.join('\n')}`);
  }
});

test('the KDF Worker files (pkg/dist/miniprogram-worker) are ES2017 and use nothing WeChat lacks', () => {
  const dir = path.join(path.dirname(mpDist), 'miniprogram-worker');
  const files = readdirSync(dir);
  assert.deepEqual(files.sort(), ['client.js', 'index.js', 'mpshield_kdf.wasm.br'], 'the client, the Worker script and its module');
  for (const f of files.filter((f) => f.endsWith('.js'))) {
    const problems = checkMiniProgramSource(readFileSync(path.join(dir, f), 'utf8'));
    assert.deepEqual(problems, [], `${f}:\n${problems.join('\n')}`);
  }
});

test('every .js file of the example mini-program is ES2017 and uses nothing WeChat lacks', () => {
  const root = path.join(repoRoot, 'examples/miniprogram/miniprogram');
  // Its own code only: a developer's "Build npm" output (miniprogram_npm) and
  // copies of the KDF Worker files (mpshield-kdf) are the package's, checked above.
  const files = readdirSync(root, { recursive: true })
    .filter((f) => f.endsWith('.js') && !f.split(path.sep).some((d) => d === 'miniprogram_npm' || d === 'mpshield-kdf'))
    .sort();
  assert.deepEqual(files, [
    'app.js',
    path.join('lib', 'consent-flow.js'),
    path.join('lib', 'test-issuer.js'),
    path.join('lib', 'verifier-sim.js'),
    path.join('pages', 'consent', 'index.js'),
  ]);
  for (const f of files) {
    const problems = checkMiniProgramSource(readFileSync(path.join(root, f), 'utf8'));
    assert.deepEqual(problems, [], `${f}:\n${problems.join('\n')}`);
  }
});
