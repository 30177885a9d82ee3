// The browser bundle (dist/browser.mjs), run in Node with the "browser"
// export condition: `fetch` is stubbed to serve file: URLs, so the real
// loader path runs — `new URL('./mpshield_compact_bg.wasm', import.meta.url)`, fetch,
// WebAssembly.instantiateStreaming — followed by the shared smoke suite.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { linkPackage, pkgDir, pkgVersion } from './helpers/link.mjs';

const smokeUrl = new URL('./smoke.mjs', import.meta.url).href;

function runChild(dir, body) {
  const file = path.join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as m from 'mpshield';
import { runSmoke } from ${JSON.stringify(smokeUrl)};
const resolved = import.meta.resolve('mpshield');
const requested = [];
globalThis.fetch = async (url) => {
  requested.push(String(url));
  const bytes = await readFile(new URL(url));
  return new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
};
${body}
`,
  );
  const out = execFileSync(process.execPath, ['--conditions=browser', file], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

test('browser: "mpshield" resolves to dist/browser.mjs, fetches the module next to it, passes the smoke suite', (t) => {
  const link = linkPackage();
  t.after(link.cleanup);
  const result = runChild(
    link.dir,
    `const checks = await runSmoke(m, assert, { expectedVersion: ${JSON.stringify(pkgVersion())}, phoneModule: true });
console.log(JSON.stringify({ resolved, requested, checks }));`,
  );
  assert.equal(result.resolved, pathToFileURL(path.join(pkgDir, 'dist/browser.mjs')).href);
  assert.deepEqual(result.requested, [pathToFileURL(path.join(pkgDir, 'dist/mpshield_compact_bg.wasm')).href]);
  assert.ok(result.checks > 300);
});

test('browser: without crypto.getRandomValues, init() is NO_ENTROPY unless init({ entropy })', (t) => {
  const link = linkPackage();
  t.after(link.cleanup);
  const result = runChild(
    link.dir,
    `Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
const first = await m.init().then(() => 'resolved', (e) => e.code);
const before = (() => { try { m.randomBytes(1); return 'answered'; } catch (e) { return e.code; } })();
const short = await m.init({ entropy: new Uint8Array(31).map((_, i) => i + 1) }).then(() => 'resolved', (e) => e.code);
const constant = await m.init({ entropy: new Uint8Array(64) }).then(() => 'resolved', (e) => e.code);
const entropy = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255);
await m.init({ entropy: entropy.buffer });
console.log(JSON.stringify({ first, before, short, constant, after: m.randomBytes(4).length, requested }));`,
  );
  assert.deepEqual(result, {
    first: 'NO_ENTROPY',
    before: 'NOT_INITIALIZED',
    short: 'NO_ENTROPY',
    constant: 'NO_ENTROPY',
    after: 4,
    requested: [pathToFileURL(path.join(pkgDir, 'dist/mpshield_compact_bg.wasm')).href],
  });
});
