// The demo page (www/) in a real browser: Debian's Chromium, headless, driven
// by playwright-core (no browser download). A citizen's afternoon, clicked
// through on a 375 × 812 phone viewport: first load issues the licences; the
// hotel check-in with the masked ID number, checked against what the hotel's
// own Verifier opens; the car rental refused and found in the history; a
// consent withdrawn; the stored log tampered with and caught; the language
// switched. Each step leaves a screenshot in build/www-screenshots/.
//
// Throughout: no console errors, no uncaught exceptions, no request to
// anything but the page's own server on 127.0.0.1, every control named for
// screen readers, text contrast at least 4.5:1.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { root, startServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.MPSHIELD_CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(root, 'build/www-screenshots');
const PHONE = { width: 375, height: 812 };

/** Fails under MPSHIELD_REQUIRE_PEERS (make test), skips otherwise. */
function missing(t, what) {
  assert.ok(!process.env.MPSHIELD_REQUIRE_PEERS, `MPSHIELD_REQUIRE_PEERS is set but ${what}`);
  t.skip(what);
}

// --- checks run inside the page -------------------------------------------------------------

/** Controls without an accessible name, images without alt text. */
function unlabelled() {
  const name = (el) => {
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label').trim();
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(' ').trim();
    return (el.textContent || el.getAttribute('title') || '').trim();
  };
  const bad = [];
  for (const el of document.querySelectorAll('button, input, select, textarea, a[href], summary')) {
    if (el.checkVisibility && !el.checkVisibility() && el.type !== 'checkbox') continue;
    if (!name(el)) bad.push(el.outerHTML.slice(0, 120));
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) bad.push(img.outerHTML.slice(0, 120));
  for (const fs of document.querySelectorAll('fieldset')) if (!fs.querySelector(':scope > legend')) bad.push(fs.outerHTML.slice(0, 120));
  return bad;
}

/** Visible text whose contrast against its background is below 4.5:1. */
function lowContrast() {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const bad = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!el.checkVisibility() || el.closest('.sr-only')) continue;
    const fg = parse(getComputedStyle(el).color);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) bad.push(`${ratio.toFixed(2)}: ${el.textContent.trim().slice(0, 40)}`);
  }
  return bad;
}

test('www: the consent screen, clicked through as a citizen in headless Chromium', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return missing(t, `${CHROMIUM} is missing (scripts/setup.sh installs Debian's chromium)`);
  for (const f of ['pkg/dist/browser.mjs', 'pkg/dist/mpshield_bg.wasm']) {
    assert.ok(existsSync(path.join(root, f)), `${f} is missing: run make build`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    return missing(t, `playwright-core cannot be loaded (npm ci): ${e.message}`);
  }

  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const { server, url: base } = await startServer({ port: 0 });
  t.after(() => server.close());
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);

  const consoleErrors = [];
  const pageErrors = [];
  const foreign = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });

  let shot = 0;
  const screenshot = async (name) => {
    shot += 1;
    await page.evaluate(() => window.scrollTo(0, 0));
    const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
  const audit = async (where) => {
    assert.deepEqual(await page.evaluate(unlabelled), [], `${where}: controls without accessible names`);
    assert.deepEqual(await page.evaluate(lowContrast), [], `${where}: text below 4.5:1 contrast`);
  };
  const role = (r, name, opts = {}) => page.getByRole(r, { name, exact: true, ...opts });
  const text = (sel) => page.locator(sel).innerText();

  // Values the hotel must not learn, read from the consent screen's own previews.
  const secret = {};

  await t.test('first load: the test issuer issues two synthetic licences into the wallet', async () => {
    await page.goto(base);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByText('测试签发机关已向本页的钱包签发 2 本合成证照').waitFor();
    assert.equal(await role('button', '开始办理：住宿登记').count(), 1);
    await screenshot('first-load');
    await audit('home');

    await role('button', '我的证照').click();
    const creds = await page.locator('.cred h2').allInnerTexts();
    assert.deepEqual(creds.sort(), ['居民身份证', '机动车驾驶证'].sort());
    await screenshot('wallet');
    await role('button', '办事').click();
  });

  await t.test('hotel check-in: verified requester, choices, separate consent, summary', async () => {
    await role('button', '开始办理：住宿登记').click();
    await role('heading', '住宿登记 · 信息授权请求').waitFor();
    const card = page.locator('.requester');
    assert.match(await card.innerText(), /已核验的请求方/);
    assert.match(await card.innerText(), /示例酒店（演示）有限公司/);
    assert.match(await card.innerText(), /用途\s+住宿登记/);
    assert.match(await card.innerText(), /为履行法定职责或者法定义务所必需/);
    assert.match(await card.innerText(), /7 天 – 30 天/);
    await screenshot('hotel-request');
    await audit('hotel request');

    const idForms = role('group', '「公民身份号码」的提供形式');
    secret.idNumber = (await idForms.locator('label[for="f-id_number-form-full"] .preview').innerText()).trim();
    assert.match(secret.idNumber, /^\d{17}[\dX]$/);
    secret.birthDate = (await page.locator('label[for="f-birth_date-form-full"] .preview').innerText()).trim();
    assert.match(secret.birthDate, /^\d{4}-\d{2}-\d{2}$/);

    // The full number first: the summary says it would leave the phone…
    await idForms.getByRole('radio', { name: /^完整/ }).check();
    assert.ok((await text('#summary')).includes(secret.idNumber));
    // …then the masked one, which is what the citizen sends.
    await idForms.getByRole('radio', { name: /^脱敏/ }).check();
    const summary = await text('#summary');
    assert.ok(!summary.includes(secret.idNumber), 'the full ID number is not in the summary any more');
    assert.match(summary, /\d{6}\*{8}\d{3}[\dX]/);
    await role('group', '「姓名」的提供形式').getByRole('radio', { name: /^完整/ }).check();
    await role('group', '「出生日期」的提供形式').getByRole('radio', { name: /^仅验证/ }).check();

    // Sensitive fields need their own consent before anything can be sent.
    const confirm = role('button', '同意并发送');
    await role('checkbox', '提供「相片」').check();
    assert.ok(await confirm.isDisabled(), 'the photo needs separate consent');
    assert.match(await text('#summary'), /需要你单独同意：.*相片/);
    await role('checkbox', '提供「相片」').uncheck();
    // Whatever the schema marks sensitive among the chosen fields.
    for (const field of ['name', 'id_number', 'birth_date']) {
      const sensitive = (await page.locator(`#f-${field} .tag.sens`).count()) === 1;
      const separate = page.locator(`#f-${field}-sep`);
      assert.equal(await separate.count(), sensitive ? 1 : 0, `${field}: a separate consent box iff sensitive`);
      if (sensitive) {
        assert.ok(await confirm.isDisabled(), `${field} is sensitive: no sending without separate consent`);
        await separate.check();
      }
    }
    assert.ok(await confirm.isEnabled());
    const final = await text('#summary');
    assert.match(final, /以下 3 项将加密发送给 示例酒店（演示）有限公司/);
    assert.match(final, /留在手机上/);
    assert.match(final, /住址/);
    assert.match(final, /年满\s?18\s?周岁/);
    await screenshot('hotel-choices');
    await audit('hotel choices');
    await confirm.click();
  });

  await t.test('hotel check-in: envelope size, receipt, and exactly the chosen claims at the hotel', async () => {
    await role('heading', '已发送').waitFor();
    assert.match(await text('#envelope-size'), /^\d+ 字节$/);
    assert.match(await text('#receipt'), /授权记录第 \d+ 条/);
    assert.match(await text('#receipt'), /收据已用设备公钥核验/);
    await screenshot('hotel-sent');

    const opener = page.getByRole('button', { name: /收到了什么/ });
    await opener.click();
    const panel = page.locator('#rp-panel');
    await panel.locator('#rp-claims').waitFor();
    assert.equal(await opener.getAttribute('aria-expanded'), 'true');
    const disclosed = await panel.locator('[data-claim]').evaluateAll((els) => els.map((e) => e.dataset.claim));
    assert.deepEqual(disclosed.sort(), ['/age_equal_or_over/18', '/id_number_masked', '/name']);
    const seen = await panel.innerText();
    for (const [what, value] of [['full ID number', secret.idNumber], ['birth date', secret.birthDate], ['address', '测试路88号']]) {
      assert.ok(!seen.includes(value), `the hotel's panel shows the ${what}`);
    }
    assert.equal(await panel.locator('img').count(), 0, 'no photo reached the hotel');
    assert.ok(seen.includes(secret.idNumber.slice(0, 6) + '********' + secret.idNumber.slice(14)));
    assert.equal(await panel.locator('.steps li').count(), 4);
    const notSent = await panel.locator('#rp-not-sent').innerText();
    for (const f of ['住址', '公民身份号码（完整值）', '出生日期（完整值）', '相片']) assert.ok(notSent.includes(f), `not sent: ${f}`);
    // The panel is a full-screen sheet on a phone: a tall viewport shows all of it.
    await page.setViewportSize({ width: PHONE.width, height: await panel.evaluate((el) => el.scrollHeight) });
    await page.screenshot({ path: path.join(SHOTS, `${String(++shot).padStart(2, '0')}-hotel-received.png`) });
    await page.setViewportSize(PHONE);
    await audit('hotel panel');

    await page.keyboard.press('Escape');
    assert.ok(await panel.isHidden());
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'open-rp', 'focus returns to the button');
  });

  await t.test('car rental: class and validity only; refused, by keyboard; the refusal is in the history', async () => {
    await role('button', '办事').click();
    await role('button', '开始办理：租车').click();
    await role('heading', '租车 · 信息授权请求').waitFor();
    const items = await page.locator('.item').evaluateAll((els) => els.map((e) => e.dataset.field));
    assert.deepEqual(items, ['vehicle_classes', 'valid_from']);
    const summary = await text('#summary');
    const stays = summary.slice(summary.indexOf('留在手机上'));
    assert.match(stays, /证号/);
    assert.match(stays, /住址/);
    await screenshot('rental-request');
    await audit('rental request');

    // Keyboard only: from the heading, Tab until "拒绝" has focus, then Enter.
    await page.locator('#request-title').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'refuse');
    }
    assert.ok(reached, 'the refuse button is reachable with Tab');
    await page.keyboard.press('Enter');
    await role('heading', '已拒绝').waitFor();
    await screenshot('rental-refused');

    await role('button', '查看我的授权记录').click();
    await role('heading', '我的授权记录').waitFor();
    const refused = page.locator('li.entry[data-event="refused"]');
    assert.equal(await refused.count(), 1);
    assert.match(await refused.innerText(), /示例租车（演示）有限公司/);
    assert.match(await refused.innerText(), /准驾车型/);
    assert.match(await refused.innerText(), /已拒绝/);
    await screenshot('history');
    await audit('history');
  });

  await t.test('an unverified requester is shown with a warning and cannot be sent anything', async () => {
    await role('button', '办事').click();
    await role('button', '开始办理：未经核验的请求方').click();
    const card = page.locator('.requester.unverified');
    await card.waitFor();
    assert.match(await card.innerText(), /未经核验的请求方/);
    assert.match(await card.innerText(), /UNTRUSTED_VERIFIER/);
    assert.equal(await role('button', '同意并发送').count(), 0);
    await screenshot('unverified-requester');
    await audit('unverified requester');
    await role('button', '我的授权记录').click();
  });

  await t.test('withdraw the hotel consent', async () => {
    await role('heading', '我的授权记录').waitFor();
    const hotel = page.locator('li.entry[data-event="given"], li.entry[data-event="disclosed"]');
    assert.equal(await hotel.count(), 1);
    await hotel.getByRole('button', { name: /^撤回对 示例酒店（演示）有限公司 的授权/ }).click();
    await page.locator('#withdraw-notice').waitFor();
    const withdrawal = page.locator('li.entry[data-event="withdrawn"]');
    assert.equal(await withdrawal.count(), 1);
    assert.match(await withdrawal.innerText(), /示例酒店（演示）有限公司/);
    assert.match(await hotel.innerText(), /已撤回/);
    assert.equal(await hotel.getByRole('button').count(), 0, 'no second withdrawal');
    await screenshot('withdrawn');
  });

  await t.test('verify integrity; tamper with the stored log; detection; undo', async () => {
    const result = page.locator('#integrity-result');
    await role('button', '核验完整性').click();
    await page.locator('#integrity-result.ok').waitFor();
    assert.match(await result.innerText(), /^完整：存储的 \d+ 条记录与本机签名的检查点一致/);
    assert.match(await text('#checkpoint'), /^mpshield/m);

    await role('button', '篡改本地存储的记录（演示）').click();
    assert.match(await result.innerText(), /已在浏览器存储（.+）中改动第 \d+ 个字节/);
    await role('button', '核验完整性').click();
    await page.locator('#integrity-result.bad').waitFor();
    assert.match(await result.innerText(), /检测到篡改（STORAGE_CORRUPT）/);
    await screenshot('tamper-detected');

    await role('button', '撤销篡改').click();
    await role('button', '核验完整性').click();
    await page.locator('#integrity-result.ok').waitFor();
  });

  await t.test('switch to English and back', async () => {
    await page.locator('#lang-switch').focus();
    await page.keyboard.press('Enter');
    await role('heading', 'My consent history').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await role('button', 'Verify integrity').count(), 1);
    const lines = await page.locator('li.entry .line').allInnerTexts();
    assert.equal(lines.length, 3);
    // mpshield's own English lines (names and purposes stay as the requester wrote them).
    assert.ok(lines.some((l) => / (Agreed to give|Gave) .+ to 示例酒店/.test(l)), lines.join(' | '));
    assert.ok(lines.some((l) => / Refused to give .+ to 示例租车/.test(l)), lines.join(' | '));
    assert.ok(lines.some((l) => / Withdrew consent given to 示例酒店/.test(l)), lines.join(' | '));
    await screenshot('english');
    await audit('english history');
    await role('button', 'Services').click();
    await role('button', 'Start: Hotel check-in').click();
    await role('heading', /request for information/).waitFor();
    assert.match(await page.locator('.requester').innerText(), /Verified requester/);
    await screenshot('english-hotel-request');
    await audit('english hotel request');
    await page.locator('#lang-switch').click();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await role('heading', '住宿登记 · 信息授权请求').waitFor();
  });

  await t.test('desktop width: the same page, side by side', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await role('button', '我的授权记录').click();
    await screenshot('desktop-history');
    await audit('desktop');
    await page.setViewportSize(PHONE);
  });

  await t.test('the 国密 switch: the hotel check-in with SM2, SM3 and SM4 end to end, in a wallet of its own', async () => {
    await role('button', '我的授权记录').click();
    const intlHistory = await page.locator('#view').innerText();
    await role('button', '算法：国际（Ed25519 / X25519）').click();
    await page.waitForSelector('body[data-ready="true"][data-suite="gm"]');
    assert.equal(await role('button', '算法：国密（SM2 / SM3 / SM4）').getAttribute('aria-pressed'), 'true');
    await page.getByText('测试签发机关已向本页的钱包签发 2 本合成证照').waitFor();
    assert.match(await text('#version'), /国密/);
    // Every party of the gm demo is SM2: the issuer, and each relying
    // party's signing key and the key pair its answers are sealed to.
    const servers = await page.evaluate(() => JSON.parse(localStorage.getItem('mpshield-demo/servers-gm')));
    assert.equal(servers.issuer.crv, 'SM2');
    assert.equal(servers.hotel.key.crv, 'SM2');
    assert.equal(atob(servers.hotel.hpke.publicKey).length, 65, 'an SM2 KEM key, 04 ‖ x ‖ y');
    await audit('gm home');

    await role('button', '开始办理：住宿登记').click();
    await role('heading', '住宿登记 · 信息授权请求').waitFor();
    assert.match(await page.locator('.requester').innerText(), /已核验的请求方/);
    await role('group', '「公民身份号码」的提供形式').getByRole('radio', { name: /^脱敏/ }).check();
    await role('group', '「姓名」的提供形式').getByRole('radio', { name: /^完整/ }).check();
    await role('group', '「出生日期」的提供形式').getByRole('radio', { name: /^仅验证/ }).check();
    for (const field of ['name', 'id_number', 'birth_date']) {
      const separate = page.locator(`#f-${field}-sep`);
      if ((await separate.count()) === 1) await separate.check();
    }
    await role('button', '同意并发送').click();
    await role('heading', '已发送').waitFor();
    assert.match(await text('#receipt'), /收据已用设备公钥核验/);
    await screenshot('gm-hotel-sent');
    await page.getByRole('button', { name: /收到了什么/ }).click();
    const panel = page.locator('#rp-panel');
    await panel.locator('#rp-claims').waitFor();
    const disclosed = await panel.locator('[data-claim]').evaluateAll((els) => els.map((e) => e.dataset.claim));
    assert.deepEqual(disclosed.sort(), ['/age_equal_or_over/18', '/id_number_masked', '/name']);
    await audit('gm hotel panel');
    await page.keyboard.press('Escape');

    // Back to intl: its wallet and history are as they were.
    await role('button', '算法：国密（SM2 / SM3 / SM4）').click();
    await page.waitForSelector('body[data-ready="true"][data-suite="intl"]');
    await role('button', '我的授权记录').click();
    assert.equal(await page.locator('#view').innerText(), intlHistory);
  });

  await t.test('reloading a tampered store is caught on open', async () => {
    await role('button', '篡改本地存储的记录（演示）').click();
    await page.reload();
    await page.waitForSelector('body[data-ready="error"]');
    assert.match(await text('#boot'), /STORAGE_CORRUPT/);
    await screenshot('tampered-reload');
  });

  await t.test('no console errors, no uncaught errors, no request beyond 127.0.0.1', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(foreign, []);
  });
});
