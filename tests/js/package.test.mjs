// The published artifact: what `npm pack` puts in the tarball (the `files`
// allow-list), that every entry point package.json names exists, and that
// the packed package — extracted as npm would install it — loads through
// both `import` and `require` with nothing from the repository around it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pkgDir, pkgVersion } from './helpers/link.mjs';

const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));

function npmPack(args) {
  // No pack-time scripts exist (tests/js/package-quality.test.mjs checks);
  // --ignore-scripts keeps it so.
  return execFileSync('npm', ['pack', '--ignore-scripts', '--json', ...args], {
    cwd: pkgDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('package.json: name, version, fields and every target exist', () => {
  assert.equal(pkg.name, 'mpshield');
  assert.equal(pkg.version, pkgVersion());
  assert.equal(pkg.miniprogram, 'dist/miniprogram');
  assert.ok(statSync(path.join(pkgDir, pkg.miniprogram)).isDirectory());
  assert.ok(pkg.scripts.prepublishOnly.includes('test'), 'prepublishOnly runs the tests');
  const targets = new Set([pkg.main, pkg.module, pkg.types]);
  const collect = (v) => {
    if (typeof v === 'string') targets.add(v);
    else for (const x of Object.values(v)) collect(x);
  };
  collect(pkg.exports);
  for (const t of targets) assert.ok(existsSync(path.join(pkgDir, t)), `${t} exists`);
  assert.equal(pkg.exports['.'].node.import.default, './dist/node.mjs');
  assert.equal(pkg.exports['.'].node.require.default, './dist/node.cjs');
  assert.equal(pkg.exports['.'].browser.default, './dist/browser.mjs');
});

test('npm pack: exactly the shipped files (no sources, no tests)', () => {
  const [info] = JSON.parse(npmPack(['--dry-run']));
  assert.deepEqual(info.files.map((f) => f.path).sort(), [
    'LICENSE',
    'README.md',
    'README.zh-CN.md',
    'browser/package.json',
    'dist/browser.mjs',
    'dist/index.d.mts',
    'dist/miniprogram-worker/client.js',
    'dist/miniprogram-worker/index.js',
    'dist/miniprogram-worker/mpshield_kdf.wasm.br',
    'dist/miniprogram/index.js',
    'dist/miniprogram/mpshield_bg.wasm.br',
    'dist/mpshield_bg.wasm',
    'dist/mpshield_compact_bg.wasm',
    'dist/mpshield_gm_bg.wasm',
    'dist/mpshield_gm_bg.wasm.br',
    'dist/node.cjs',
    'dist/node.mjs',
    'dist/ts4/index.d.mts',
    'dist/ts4/index.d.ts',
    'index.d.ts',
    'kdf-worker/index.d.ts',
    'kdf-worker/package.json',
    'miniprogram/package.json',
    'node/package.json',
    'package.json',
  ]);
});

test('the packed tarball, installed, loads through import and require', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [info] = JSON.parse(npmPack(['--pack-destination', dir]));
  const target = path.join(dir, 'node_modules', 'mpshield');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(dir, info.filename), '-C', target, '--strip-components=1']);
  const esm = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', "import * as m from 'mpshield'; await m.init(); console.log(m.version(), m.idcard.parse('11010519491231002X').province);"],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(esm.trim(), `${pkgVersion()} 北京市`);
  const cjs = execFileSync(
    process.execPath,
    ['-e', "const m = require('mpshield'); m.init().then(() => console.log(m.version(), m.randomBytes(3).length));"],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(cjs.trim(), `${pkgVersion()} 3`);
});
