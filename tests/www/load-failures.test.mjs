// Load failures in a real browser (Debian's Chromium, headless, through
// playwright-core): dist/browser.mjs imported by a page from the project's
// own server on 127.0.0.1, and init({ wasmPath }) pointed at a URL that
// answers 404, an HTML page with status 200, or a truncated module — each is
// WASM_LOAD_FAILED naming the URL and the file to serve; the same instance
// then loads from the right URL. The page's responses for those URLs are
// answered by playwright (page.route): no request leaves the machine.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root, startServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.MPSHIELD_CHROMIUM || '/usr/bin/chromium';

function missing(t, what) {
  assert.ok(!process.env.MPSHIELD_REQUIRE_PEERS, `MPSHIELD_REQUIRE_PEERS is set but ${what}`);
  t.skip(what);
}

test('www: 404, HTML and truncated modules are WASM_LOAD_FAILED in Chromium', { timeout: 60_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return missing(t, `${CHROMIUM} is missing (scripts/setup.sh installs Debian's chromium)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    return missing(t, `playwright-core cannot be loaded (npm ci): ${e.message}`);
  }
  const compact = readFileSync(path.join(root, 'pkg/dist/mpshield_compact_bg.wasm'));
  const { server, url: base } = await startServer({ port: 0 });
  t.after(() => server.close());
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const foreign = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) foreign.push(r.url());
  });
  const answers = {
    'gone.wasm': { status: 404, contentType: 'text/html', body: '<!DOCTYPE html><title>404</title>' },
    'page.wasm': { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><html><body>app shell</body></html>' },
    'cut.wasm': { status: 200, contentType: 'application/wasm', body: compact.subarray(0, 4096) },
  };
  await page.route(`${base}load-test/**`, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    if (name === 'index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>load test</title>' });
    return route.fulfill(answers[name] || { status: 500, body: '' });
  });
  await page.goto(`${base}load-test/index.html`);
  const results = await page.evaluate(async (names) => {
    const m = await import('/pkg/browser.mjs');
    const out = {};
    for (const n of names) {
      out[n] = await m.init({ wasmPath: `/load-test/${n}` }).then(() => ['resolved'], (e) => [e.code, e.message, m.describeError(e)]);
    }
    await m.init();
    out.after = m.idcard.parse('11010519491231002X').province;
    return out;
  }, Object.keys(answers));

  for (const n of Object.keys(answers)) {
    const [code, message, zh] = results[n];
    assert.equal(code, 'WASM_LOAD_FAILED', `${n}: ${message}`);
    assert.ok(message.includes(`from /load-test/${n}`), `${n}: names the URL`);
    assert.match(message, /Serve mpshield_compact_bg\.wasm/, `${n}: which file to serve`);
    assert.doesNotMatch(zh, /内部错误/);
  }
  assert.match(results['gone.wasm'][1], /HTTP 404/);
  assert.match(results['page.wasm'][1], /not a WebAssembly file .*"<!DOCTYPE html/);
  assert.match(results['cut.wasm'][1], new RegExp(`truncated.*4096 bytes, this release ships ${compact.length}; CompileError`));
  assert.equal(results.after, '北京市', 'then the default URL loads');
  assert.deepEqual(foreign, []);
});
