// WebAssembly 1.0 checks shared by tests/js/wasm1.test.mjs and the emulated
// iOS profile (tests/miniprogram/): wabt's validator with every post-MVP
// feature disabled (mutable globals stay allowed — WebAssembly 1.0 permits
// them on imports/exports via the mutable-globals proposal, which iOS
// supports), and the exported-Global check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MVP_FLAGS = [
  '--disable-bulk-memory',
  '--disable-reference-types',
  '--disable-multi-value',
  '--disable-sign-extension',
  '--disable-saturating-float-to-int',
  '--disable-simd',
];

function withTempFile(bytes, f) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-wasm-'));
  try {
    const file = path.join(dir, 'module.wasm');
    writeFileSync(file, bytes);
    return f(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `{ ok, output }` of `wasm-validate <MVP flags>` on the given bytes. */
export function validateMvp(bytes) {
  return withTempFile(bytes, (file) => {
    const r = spawnSync('wasm-validate', [...MVP_FLAGS, file], { encoding: 'utf8' });
    if (r.error) throw new Error(`wasm-validate could not run (Debian package wabt): ${r.error.message}`);
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
  });
}

/** Names of the module's exported Globals (iOS WeChat cannot load any). */
export function exportedGlobals(bytes) {
  return WebAssembly.Module.exports(new WebAssembly.Module(bytes))
    .filter((e) => e.kind === 'global')
    .map((e) => e.name);
}

/** Compiles a .wat fixture with `wat2wasm --enable-all`. */
export function wat2wasm(watFile) {
  return withTempFile(Buffer.alloc(0), (out) => {
    const r = spawnSync('wat2wasm', ['--enable-all', watFile, '-o', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wat2wasm ${watFile}: ${r.stderr}`);
    return readFileSync(out);
  });
}
