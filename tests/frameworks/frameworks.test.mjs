// Real framework projects built from the registry's CLIs, then run in the
// emulated WeChat runtime: Taro 4.2.1 (React, webpack 5, `taro build --type
// weapp`) and uni-app 3 (Vue 3, Vite 5, `uni build -p mp-weixin`) — and,
// for Douyin, Taro 4.2.0's `taro build --type tt` and uni-app's
// `uni build -p mp-toutiao` in the runtime under
// Douyin's names (tt, TTWebAssembly) — each
// importing `mpshield/miniprogram` and placing the module as the README
// says (tests/frameworks/*/config), in two variants: the module in the main
// package at the default path, and in the pkgA sub-package with
// init({ wasmPath }). The packed tarball is installed into each fixture
// first, as a user installs it. For every build: exactly one module file,
// the mini-program build in the bundle (never the browser one), main and
// sub-package each within WeChat's 2 MB; then, under the ios and android
// profiles (no document, TextDecoder, WebAssembly or crypto), the app's
// launch runs init(), idcard.parse and the hotel check-in. Removing the
// module afterwards gives WASM_LOAD_FAILED, so the run can fail.
//
// Fixture node_modules come from scripts/setup.sh (MPSHIELD_FRAMEWORKS=1,
// `make test-frameworks`). Build times and sizes are printed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkMiniProgramSource } from '../miniprogram/syntax-check.mjs';
import { createAppHost } from './app-host.mjs';
import { files, here, installPacked, root } from './helpers.mjs';
/** WeChat's limit for the main package and for each sub-package. */
const PACKAGE_LIMIT = 2 * 1024 * 1024;
const WEB_GLOBALS = ['document', 'window', 'TextDecoder', 'TextEncoder', 'WebAssembly', 'crypto', 'fetch', 'URL'];

const FRAMEWORKS = [
  { name: 'taro', cli: ['node_modules/@tarojs/cli/bin/taro', 'build', '--type', 'weapp'], out: 'dist' },
  { name: 'uniapp', cli: ['node_modules/@dcloudio/vite-plugin-uni/bin/uni.js', 'build', '-p', 'mp-weixin'], out: 'dist/build/mp-weixin' },
  // Douyin: Taro's tt platform and uni-app's mp-toutiao, each at the newest
  // version the registry serves; the main-package variant only (the
  // sub-package one differs in nothing the platform does, and each build
  // costs 10-15 s of make test).
  { name: 'taro-tt', cli: ['node_modules/@tarojs/cli/bin/taro', 'build', '--type', 'tt'], out: 'dist', host: 'douyin', variants: 1 },
  { name: 'uniapp-tt', cli: ['node_modules/@dcloudio/vite-plugin-uni/bin/uni.js', 'build', '-p', 'mp-toutiao'], out: 'dist/build/mp-toutiao', host: 'douyin', variants: 1 },
];
const VARIANTS = [
  { name: 'main package', sub: false, wasm: '/miniprogram_npm/mpshield/mpshield_bg.wasm.br' },
  { name: 'sub-package', sub: true, wasm: '/pkgA/mpshield/mpshield_bg.wasm.br' },
];
const EXPECTED = {
  version: JSON.parse(readFileSync(path.join(root, 'pkg/package.json'), 'utf8')).version,
  province: '广东省',
  verified: true,
  disclosed: ['/age_equal_or_over/18', '/id_number_masked', '/name'],
  name: '测试甲',
  idNumberMasked: '110105********002X',
  consentEvent: 'given',
};

for (const fw of FRAMEWORKS) {
  const project = path.join(here, fw.name);
  const out = path.join(project, fw.out);

  test(`${fw.name}: built by its own CLI, run in the emulated runtime`, { timeout: 600_000 }, async (t) => {
    assert.ok(existsSync(path.join(project, fw.cli[0])), `${fw.name}: no CLI in node_modules (run MPSHIELD_FRAMEWORKS=1 scripts/setup.sh, or make test-frameworks)`);
    // Install mpshield from the tarball, as the README tells a user to.
    installPacked(project);

    for (const variant of VARIANTS.slice(0, fw.variants || VARIANTS.length)) {
      await t.test(variant.name, async () => {
        rmSync(path.join(project, 'dist'), { recursive: true, force: true });
        const started = Date.now();
        execFileSync(process.execPath, fw.cli, {
          cwd: project,
          env: { ...process.env, MPSHIELD_WASM_SUBPACKAGE: variant.sub ? '1' : '0', NODE_ENV: 'production' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);

        const all = files(out);
        const modules = all.filter((f) => /\.wasm(\.br)?$/.test(f));
        assert.deepEqual(modules, [variant.wasm.slice(1)], 'exactly one module, where the loader looks');
        const size = (list) => list.reduce((n, f) => n + statSync(path.join(out, f)).size, 0);
        const mainFiles = all.filter((f) => !f.startsWith('pkgA/'));
        const subFiles = all.filter((f) => f.startsWith('pkgA/'));
        const mainBytes = size(mainFiles);
        const subBytes = size(subFiles);
        assert.ok(mainBytes <= PACKAGE_LIMIT, `main package ${mainBytes} B ≤ 2 MB`);
        assert.ok(subBytes <= PACKAGE_LIMIT, `sub-package ${subBytes} B ≤ 2 MB`);
        const js = all.filter((f) => f.endsWith('.js'));
        const text = js.map((f) => readFileSync(path.join(out, f), 'utf8')).join('\n');
        assert.ok(text.includes('WXWebAssembly'), 'the mini-program build is in the bundle');
        assert.ok(!text.includes('mpshield_compact_bg.wasm'), 'the browser build is not');
        // The chunk holding mpshield parses as ES2017 and reads none of the
        // web globals the browser build would (the frameworks' runtimes
        // themselves use WeChat's `global`).
        const chunk = js.find((f) => readFileSync(path.join(out, f), 'utf8').includes('WXWebAssembly'));
        assert.deepEqual(checkMiniProgramSource(readFileSync(path.join(out, chunk), 'utf8'), WEB_GLOBALS), [], `${chunk}: no web global`);
        console.log(`# ${fw.name} (${variant.name}): built in ${seconds} s; main package ${mainBytes} B, sub-package ${subBytes} B, module in ${variant.wasm}`);

        for (const profile of ['ios', 'android']) {
          const host = createAppHost({ profile, root: out, host: fw.host });
          const absent = fw.host === 'douyin' ? ['wx', 'WXWebAssembly'] : ['tt', 'TTWebAssembly'];
          for (const g of ['document', 'TextDecoder', 'TextEncoder', 'WebAssembly', 'crypto', ...absent]) {
            assert.equal(host.run(`typeof ${g}`), 'undefined', `${profile}: no ${g}`);
          }
          host.launch();
          const outcome = await waitFor(host);
          assert.deepEqual(outcome, { ok: true, result: EXPECTED }, `${fw.name} ${variant.name} ${profile}`);
          assert.deepEqual(host.log.instantiate, [variant.wasm], `${profile}: loaded once, from ${variant.wasm}`);
          assert.deepEqual(host.log.warnings, [], `${profile}: no console warnings or errors`);
        }

        // The same build without its module: the app learns WASM_LOAD_FAILED.
        rmSync(path.join(out, variant.wasm));
        const host = createAppHost({ profile: 'android', root: out, host: fw.host });
        host.launch();
        const failed = await waitFor(host);
        assert.equal(failed.ok, false);
        assert.equal(failed.code, 'WASM_LOAD_FAILED', failed.message);
        assert.ok(failed.message.includes(variant.wasm), failed.message);
      });
    }
  });
}

/** The fixture's recorded outcome (wx storage "mpshield-fixture"). */
async function waitFor(host) {
  for (let i = 0; i < 600; i++) {
    if (host.store.has('mpshield-fixture')) return JSON.parse(JSON.parse(host.store.get('mpshield-fixture')));
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the app recorded no outcome within 12 s');
}
