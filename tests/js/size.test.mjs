// The size budget: module + glue, brotli, ≤ 250 KB for every runtime's bundle
// (scripts/size.mjs prints the table; `make size`).
import test from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_BYTES, BUNDLES, measure } from '../../scripts/size.mjs';

test('module + glue stay within 250 KB brotli, for every bundle', () => {
  const { rows, totals } = measure();
  assert.equal(totals.length, BUNDLES.length);
  for (const t of totals) {
    assert.ok(t.brotli <= BUDGET_BYTES, `module + ${t.bundle}: ${t.brotli} bytes brotli > ${BUDGET_BYTES}`);
    assert.ok(t.brotli > 1000, 'measured something');
  }
  const wasm = rows.find((r) => r.file === 'mpshield_bg.wasm');
  assert.ok(wasm.brotli < wasm.gzip && wasm.gzip < wasm.raw, 'compression ordering is sane');
  assert.equal(BUDGET_BYTES, 250_000);
});
