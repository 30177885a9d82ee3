// The shipped module is WebAssembly 1.0 (iOS WeChat rejects post-MVP
// features with "CompileError: invalid wasm file") and exports no Globals
// (iOS cannot load them). Checked with an independent validator — wabt's
// wasm-validate with every post-MVP feature disabled — on both shipped
// forms, and shown to reject post-MVP fixtures so that the check can fail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { pkgDir } from './helpers/link.mjs';
import { exportedGlobals, validateMvp, wat2wasm } from './helpers/wasm.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const shipped = readFileSync(path.join(pkgDir, 'dist/mpshield_bg.wasm'));
const compact = readFileSync(path.join(pkgDir, 'dist/mpshield_compact_bg.wasm'));
const shippedBr = zlib.brotliDecompressSync(readFileSync(path.join(pkgDir, 'dist/miniprogram/mpshield_bg.wasm.br')));

test('both shipped modules validate as WebAssembly 1.0 (dist/mpshield_bg.wasm, dist/mpshield_compact_bg.wasm)', () => {
  for (const [name, bytes] of [['release', shipped], ['compact', compact]]) {
    const r = validateMvp(bytes);
    assert.ok(r.ok, `wasm-validate rejected the ${name} module:\n${r.output}`);
  }
});

test('the mini-program module (.wasm.br, decompressed) validates as WebAssembly 1.0 and is the compact module', () => {
  const r = validateMvp(shippedBr);
  assert.ok(r.ok, `wasm-validate rejected the mini-program module:\n${r.output}`);
  assert.ok(shippedBr.equals(compact), 'the .wasm.br holds the same bytes as the compact .wasm');
});

test('the shipped modules export no Globals, and the same functions', () => {
  const exports = (bytes) => WebAssembly.Module.exports(new WebAssembly.Module(bytes));
  for (const bytes of [shipped, compact]) {
    assert.deepEqual(exportedGlobals(bytes), []);
    assert.deepEqual([...new Set(exports(bytes).map((e) => e.kind))].sort(), ['function', 'memory']);
  }
  assert.deepEqual(exports(compact), exports(shipped), 'one glue serves both modules');
});

test('the same checks reject post-MVP modules and exported Globals (the checks can fail)', () => {
  for (const name of ['post-mvp-sign-ext.wat', 'post-mvp-bulk-memory.wat']) {
    const bytes = wat2wasm(fixture(name));
    assert.doesNotThrow(() => new WebAssembly.Module(bytes), `${name} is a valid module for V8`);
    const r = validateMvp(bytes);
    assert.equal(r.ok, false, `${name} must be rejected as not WebAssembly 1.0`);
    assert.match(r.output, /error/i);
  }
  const control = wat2wasm(fixture('mvp.wat'));
  assert.ok(validateMvp(control).ok, 'a plain 1.0 module is accepted');
  assert.deepEqual(exportedGlobals(control), []);
  const withGlobal = wat2wasm(fixture('mvp-exports-global.wat'));
  assert.ok(validateMvp(withGlobal).ok, 'exporting a mutable global is valid 1.0 + mutable-globals…');
  assert.deepEqual(exportedGlobals(withGlobal), ['g'], '…but the Global check flags it');
});
