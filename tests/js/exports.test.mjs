// The package's entry points by name (pkg/package.json `exports`), resolved
// by Node exactly as installed: the `./miniprogram`, `./browser` and
// `./node` subpaths, the `miniprogram` / `weapp` / `mp-weixin` conditions
// that a framework user can turn on (Taro 4 and uni-app 3 set none of their
// own: they resolve "browser", hence the subpath in the README), and the
// module files by name. tests/frameworks/ builds real Taro and uni-app
// projects against them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { linkPackage, pkgDir } from './helpers/link.mjs';

const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));

/** What `specifier` resolves to from a project that installed mpshield, as import and as require. */
function resolveIn(dir, specifier, conditions = []) {
  const file = path.join(dir, 'resolve.mjs');
  writeFileSync(
    file,
    `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const rel = (p) => p.slice(p.indexOf('/dist/') + 1);
let cjs;
try { cjs = rel(require.resolve(${JSON.stringify(specifier)})); } catch (e) { cjs = e.code; }
console.log(JSON.stringify({ esm: rel(new URL(import.meta.resolve(${JSON.stringify(specifier)})).pathname), cjs }));`,
  );
  const args = conditions.map((c) => `--conditions=${c}`);
  return JSON.parse(execFileSync(process.execPath, [...args, file], { encoding: 'utf8' }));
}

test('exports: subpaths and conditions resolve to the right build', (t) => {
  const link = linkPackage();
  t.after(link.cleanup);
  const cases = [
    ['mpshield', [], { esm: 'dist/node.mjs', cjs: 'dist/node.cjs' }],
    ['mpshield', ['browser'], { esm: 'dist/browser.mjs', cjs: 'dist/browser.mjs' }],
    ['mpshield', ['miniprogram'], { esm: 'dist/miniprogram/index.js', cjs: 'dist/miniprogram/index.js' }],
    ['mpshield', ['weapp'], { esm: 'dist/miniprogram/index.js', cjs: 'dist/miniprogram/index.js' }],
    ['mpshield', ['mp-weixin', 'browser'], { esm: 'dist/miniprogram/index.js', cjs: 'dist/miniprogram/index.js' }],
    ['mpshield/miniprogram', [], { esm: 'dist/miniprogram/index.js', cjs: 'dist/miniprogram/index.js' }],
    ['mpshield/miniprogram', ['browser'], { esm: 'dist/miniprogram/index.js', cjs: 'dist/miniprogram/index.js' }],
    ['mpshield/browser', [], { esm: 'dist/browser.mjs', cjs: 'dist/browser.mjs' }],
    ['mpshield/node', ['browser'], { esm: 'dist/node.mjs', cjs: 'dist/node.cjs' }],
    ['mpshield/miniprogram/mpshield_bg.wasm.br', [], { esm: 'dist/miniprogram/mpshield_bg.wasm.br', cjs: 'dist/miniprogram/mpshield_bg.wasm.br' }],
    ['mpshield/mpshield_compact_bg.wasm', [], { esm: 'dist/mpshield_compact_bg.wasm', cjs: 'dist/mpshield_compact_bg.wasm' }],
    ['mpshield/mpshield_gm_bg.wasm', [], { esm: 'dist/mpshield_gm_bg.wasm', cjs: 'dist/mpshield_gm_bg.wasm' }],
    ['mpshield/mpshield_gm_bg.wasm.br', [], { esm: 'dist/mpshield_gm_bg.wasm.br', cjs: 'dist/mpshield_gm_bg.wasm.br' }],
  ];
  for (const [specifier, conditions, want] of cases) {
    assert.deepEqual(resolveIn(link.dir, specifier, conditions), want, `${specifier} [${conditions}]`);
  }
  // Not exported: deep paths stay private (the test can fail).
  const deep = resolveInSafe(link.dir, 'mpshield/dist/miniprogram');
  assert.equal(deep, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
});

function resolveInSafe(dir, specifier) {
  const file = path.join(dir, 'resolve-deep.cjs');
  writeFileSync(file, `try { require.resolve(${JSON.stringify(specifier)}); console.log('resolved'); } catch (e) { console.log(e.code); }`);
  return execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim();
}

test('exports: the mini-program conditions come before "browser"; types@<5.2 then types first in every leaf', () => {
  for (const [subpath, entry] of Object.entries(pkg.exports)) {
    if (typeof entry === 'string') continue;
    const keys = Object.keys(entry);
    const leaves = (e) => (typeof e === 'string' ? [] : Object.values(e).every((v) => typeof v === 'string') ? [e] : Object.values(e).flatMap(leaves));
    for (const leaf of leaves(entry)) {
      assert.deepEqual(Object.keys(leaf).slice(0, 2), ['types@<5.2', 'types'], `${subpath}: the types conditions first`);
    }
    if (subpath === '.') {
      for (const c of ['miniprogram', 'weapp', 'mp-weixin']) {
        assert.ok(keys.indexOf(c) >= 0 && keys.indexOf(c) < keys.indexOf('browser'), `${c} before browser`);
      }
    }
  }
});
