// The size budget: module + glue, brotli, ≤ 250 KB for what a phone downloads
// (the browser and mini-program bundles with each phone module, intl and gm,
// and the mini-program KDF Worker with its module; Node loads the release module and has no budget). scripts/size.mjs prints the table.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_BYTES, BUNDLES, measure } from '../../scripts/size.mjs';

test('module + glue stay within 250 KB brotli, for the browser and mini-program bundles with either phone module', () => {
  const { rows, totals } = measure();
  assert.equal(totals.length, BUNDLES.length);
  assert.deepEqual(
    totals.filter((t) => t.budget).map((t) => `${t.module} + ${t.bundle}`),
    [
      'mpshield_compact_bg.wasm + browser.mjs',
      'miniprogram/mpshield_bg.wasm.br + miniprogram/index.js',
      'mpshield_gm_bg.wasm + browser.mjs',
      'mpshield_gm_bg.wasm.br + miniprogram/index.js',
      'miniprogram-worker/mpshield_kdf.wasm.br + miniprogram-worker/index.js',
    ],
  );
  for (const t of totals.filter((x) => x.budget)) {
    assert.ok(t.brotli <= BUDGET_BYTES, `module + ${t.bundle}: ${t.brotli} bytes brotli > ${BUDGET_BYTES}`);
    assert.ok(t.brotli > 1000, 'measured something');
  }
  const wasm = rows.find((r) => r.file === 'mpshield_bg.wasm');
  assert.ok(wasm.brotli < wasm.gzip && wasm.gzip < wasm.raw, 'compression ordering is sane');
  assert.equal(BUDGET_BYTES, 250_000);
});
