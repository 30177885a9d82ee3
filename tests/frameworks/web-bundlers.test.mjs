// The browser build through the bundlers web developers use, each with no
// mpshield-specific configuration: esbuild (which copies no assets: the
// README's step copies mpshield_compact_bg.wasm next to the bundle), webpack
// 5 and Vite 5 (which emit the `new URL('./mpshield_compact_bg.wasm',
// import.meta.url)` asset themselves). Every output holds exactly one
// .wasm, byte for byte the compact module (never the 1 MB Node one), and the
// page loads it in headless Chromium (Debian's, through playwright-core):
// init() and idcard.parse, no page errors, no request beyond 127.0.0.1.
// Without the copy step the esbuild page gets WASM_LOAD_FAILED (HTTP 404),
// so the check can fail. The fixture's node_modules come from
// scripts/setup.sh (MPSHIELD_FRAMEWORKS=1).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { files, here, installPacked, root } from './helpers.mjs';

const CHROMIUM = process.env.MPSHIELD_CHROMIUM || '/usr/bin/chromium';
const project = path.join(here, 'web');
const dist = path.join(project, 'dist');
const compact = readFileSync(path.join(root, 'pkg/dist/mpshield_compact_bg.wasm'));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** A static server for `dir` on 127.0.0.1 (any free port). */
function serve(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

const page = (script, type) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>mpshield</title></head><body><script${type ? ` type="${type}"` : ''} src="${script}"></script></body></html>`;

const BUILDS = {
  esbuild() {
    const out = path.join(dist, 'esbuild');
    rmSync(out, { recursive: true, force: true });
    createRequire(path.join(project, 'package.json'))('esbuild').buildSync({
      entryPoints: [path.join(project, 'src/main.js')], bundle: true, format: 'esm', platform: 'browser', outdir: out, logLevel: 'silent',
    });
    writeFileSync(path.join(out, 'index.html'), page('main.js', 'module'));
    return out;
  },
  webpack() {
    execFileSync(process.execPath, ['node_modules/webpack-cli/bin/cli.js'], { cwd: project, stdio: 'pipe' });
    const out = path.join(dist, 'webpack');
    writeFileSync(path.join(out, 'index.html'), page('main.js'));
    return out;
  },
  vite() {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { cwd: project, stdio: 'pipe' });
    return path.join(dist, 'vite');
  },
};

test('web bundlers: esbuild, webpack 5 and Vite ship exactly the compact module, and the page loads it in Chromium', { timeout: 300_000 }, async (t) => {
  assert.ok(existsSync(path.join(project, 'node_modules/webpack-cli')), 'no fixture node_modules (run MPSHIELD_FRAMEWORKS=1 scripts/setup.sh, or make test-frameworks)');
  if (!existsSync(CHROMIUM)) {
    assert.ok(!process.env.MPSHIELD_REQUIRE_PEERS, `${CHROMIUM} is missing`);
    return t.skip(`${CHROMIUM} is missing`);
  }
  const { chromium } = await import('playwright-core');
  installPacked(project);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.after(() => browser.close());

  /** Loads `out` in a fresh page; window.__mpshield's outcome, page errors, foreign requests. */
  async function load(out) {
    const { server, url } = await serve(out);
    try {
      const p = await browser.newPage();
      const errors = [];
      const foreign = [];
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('request', (r) => {
        if (!r.url().startsWith(url)) foreign.push(r.url());
      });
      await p.goto(url);
      await p.waitForFunction(() => window.__mpshield !== undefined, null, { timeout: 20_000 });
      const outcome = await p.evaluate(() => window.__mpshield);
      await p.close();
      return { outcome, errors, foreign };
    } finally {
      server.close();
    }
  }

  for (const [name, build] of Object.entries(BUILDS)) {
    await t.test(name, async () => {
      const started = Date.now();
      let out = build();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      let wasm = files(out).filter((f) => f.endsWith('.wasm'));
      if (name === 'esbuild') {
        assert.deepEqual(wasm, [], 'esbuild copies nothing');
        // Without the README's copy step: the integrator's mistake, named.
        const missing = await load(out);
        assert.equal(missing.outcome.code, 'WASM_LOAD_FAILED', JSON.stringify(missing.outcome));
        assert.match(missing.outcome.message, /HTTP 404.*Serve mpshield_compact_bg\.wasm/);
        copyFileSync(path.join(project, 'node_modules/mpshield/dist/mpshield_compact_bg.wasm'), path.join(out, 'mpshield_compact_bg.wasm'));
        wasm = files(out).filter((f) => f.endsWith('.wasm'));
      }
      assert.equal(wasm.length, 1, `${name}: exactly one .wasm (${wasm})`);
      assert.ok(readFileSync(path.join(out, wasm[0])).equals(compact), `${name}: ${wasm[0]} is the compact module`);
      assert.ok(!files(out).some((f) => /mpshield_bg/.test(f)), `${name}: no Node module`);
      const r = await load(out);
      assert.deepEqual(r.outcome, { ok: true, version: JSON.parse(readFileSync(path.join(root, 'pkg/package.json'), 'utf8')).version, province: '广东省' });
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.foreign, []);
      console.log(`# ${name}: built in ${seconds} s; ${wasm[0]} (${compact.length} B)`);
    });
  }
});
