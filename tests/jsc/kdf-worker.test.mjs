// The KDF Worker in JavaScriptCore without a JIT (`make test-jsc`): the
// shipped Worker script (pkg/dist/miniprogram-worker/index.js) and its
// module, run by `jsc --useJIT=false` under a minimal Worker host (the
// global `worker`, WXWebAssembly over the engine's WebAssembly given the
// brotli-decompressed module, as WeChat does). The key equals Node's
// in-thread key for the same inputs, and Argon2id's time in the
// interpreter — what an iPhone spends, off the logic thread — is reported.
// The jsc shell has no threads: this measures the Worker's work, not the
// threading (tests/miniprogram/kdf-worker.test.mjs does that).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { JSC, engineOptions, jscAvailable, repoRoot } from '../miniprogram/jsc/profile.mjs';

const dist = path.join(repoRoot, 'pkg/dist/miniprogram-worker');
const SALT = Array.from({ length: 16 }, (_, i) => 200 + i);
const PIN = '246810';

const host = (wasmFile) => `
var wasmBytes = readFile(${JSON.stringify(wasmFile)}, 'binary');
var listeners = [];
var answers = [];
var worker = {
  onMessage: function (f) { listeners.push(f); },
  postMessage: function (m) {
    m.at = preciseTime();
    answers.push(JSON.parse(JSON.stringify(m)));
    if (m.key || m.code) Promise.resolve().then(report); // after the Worker's own clean-up
  },
};
var WXWebAssembly = {
  instantiate: function (p, imports) {
    if (p !== '/mpshield-kdf/mpshield_kdf.wasm.br') return Promise.reject(new Error('not found: ' + p));
    return WebAssembly.instantiate(wasmBytes, imports);
  },
};
load(${JSON.stringify(path.join(dist, 'index.js'))});
var sent = preciseTime();
var pin = ${JSON.stringify([...Buffer.from(PIN)])};
listeners.forEach(function (f) { f({ mpshield: 'kdf', id: 1, pin: pin, salt: ${JSON.stringify(SALT)} }); });
function report() {
  print(JSON.stringify({ answers: answers, sentAt: sent, pinAfter: pin }));
}
`;

test('jsc --useJIT=false: the shipped KDF Worker derives the in-thread key; Argon2id time reported', { skip: !jscAvailable() && !process.env.MPSHIELD_REQUIRE_PEERS && 'no /usr/bin/jsc (scripts/setup.sh installs it)' }, async (t) => {
  assert.ok(jscAvailable(), 'no /usr/bin/jsc: run scripts/setup.sh (Debian libjavascriptcoregtk-4.0-bin)');
  assert.equal(engineOptions('nojit').useJIT, 'false');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-jsc-kdf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const wasm = path.join(dir, 'mpshield_kdf.wasm');
  writeFileSync(wasm, zlib.brotliDecompressSync(readFileSync(path.join(dist, 'mpshield_kdf.wasm.br'))));
  const script = path.join(dir, 'host.js');
  writeFileSync(script, host(wasm));
  const r = spawnSync(JSC, ['--useJIT=false', script], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  const started = out.answers.find((a) => a.started);
  const key = out.answers.find((a) => a.key);
  assert.ok(started && key, JSON.stringify(out.answers));
  assert.ok(out.pinAfter.every((b) => b === 0), 'the Worker zeroes the PIN it received');

  const node = await import(pathToFileURL(path.join(repoRoot, 'pkg/dist/node.mjs')).href);
  await node.init();
  const expected = await node.deriveStorageKey({ pin: PIN, salt: Uint8Array.from(SALT) });
  assert.equal(Buffer.from(key.key).toString('hex'), Buffer.from(expected).toString('hex'), 'the in-thread key (defaults: 12 MiB, t = 3)');
  t.diagnostic(
    `jsc --useJIT=false, defaults (12 MiB, t = 3): module loaded in ${((started.at - out.sentAt) * 1000).toFixed(1)} ms, ` +
      `Argon2id ${key.ms} ms in the Worker (off the logic thread)`,
  );
});
