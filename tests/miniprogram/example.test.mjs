// The example mini-program (examples/miniprogram) in the emulated WeChat
// runtime (see emulator.mjs), under the iOS and Android profiles: its code
// package is laid out as DevTools leaves it after "Build npm" (the example's
// miniprogram/ folder plus miniprogram_npm/mpshield = pkg/dist/miniprogram),
// app.js and the consent page run against a small stand-in for WeChat's
// App / Page / getApp / setData, and the citizen's taps are the page's own
// handlers called with WeChat-shaped events. Checked: the hotel's request is
// shown as verified with the right fields; the hotel's verifier.open gets
// exactly the chosen claims; a sensitive field needs separate consent;
// refusing is recorded; wx storage holds no name or ID number in the clear;
// a second launch needs the right PIN and finds the same wallet.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createMiniProgram, makePackageRoot, repoRoot } from './emulator.mjs';

const exampleDir = path.join(repoRoot, 'examples/miniprogram');
const exampleRoot = path.join(exampleDir, 'miniprogram');
const PAGE = 'pages/consent/index';
const PIN = '482915';
const SALT_KEY = 'mpshield-example/pin-salt';
const ISSUER_JWK_KEY = 'mpshield-example/test-issuer-public-jwk';

/**
 * A stand-in for WeChat's framework, installed in the sandbox so that every
 * object the page sees is of the sandbox's realm. Like WeChat: App() and
 * Page() register definitions; a page instance gets its own copy of `data`
 * and the definition's other members; setData updates `this.data`
 * synchronously, takes "a.b[1].c" paths, and only JSON data crosses to the
 * render layer (undefined, functions, bytes and class instances are refused
 * here, where WeChat would drop or mangle them).
 */
function installFramework(g) {
  var state = { app: null, defs: {}, route: null };
  g.App = function (def) {
    if (state.app) throw new Error('App() called twice');
    state.app = def;
  };
  g.getApp = function () {
    return state.app;
  };
  g.Page = function (def) {
    if (!state.route) throw new Error('Page() called outside a page file');
    state.defs[state.route] = def;
  };
  function parsePath(p) {
    var out = [];
    p.replace(/[^.[\]]+|\[(\d+)\]/g, function (m, idx) {
      out.push(idx !== undefined ? Number(idx) : m);
      return m;
    });
    return out;
  }
  function checkJson(v, where) {
    if (v === undefined) throw new Error('setData: ' + where + ' is undefined');
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new Error('setData: ' + where + ' is a ' + typeof v);
    }
    if (typeof v === 'number' && !isFinite(v)) throw new Error('setData: ' + where + ' is ' + v);
    if (v !== null && typeof v === 'object') {
      var proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== Array.prototype) {
        throw new Error('setData: ' + where + ' is not plain data (' + Object.prototype.toString.call(v) + ')');
      }
      Object.keys(v).forEach(function (k) {
        checkJson(v[k], where + '.' + k);
      });
    }
  }
  function instantiate(route, def) {
    var page = {};
    Object.keys(def).forEach(function (k) {
      page[k] = k === 'data' ? JSON.parse(JSON.stringify(def.data)) : def[k];
    });
    page.route = route;
    page.__setData = [];
    page.setData = function (patch, callback) {
      Object.keys(patch).forEach(function (key) {
        checkJson(patch[key], key);
        var keys = parsePath(key);
        var target = page.data;
        for (var i = 0; i < keys.length - 1; i++) {
          if (target[keys[i]] === undefined || target[keys[i]] === null) {
            target[keys[i]] = typeof keys[i + 1] === 'number' ? [] : {};
          }
          target = target[keys[i]];
        }
        target[keys[keys.length - 1]] = JSON.parse(JSON.stringify(patch[key]));
      });
      page.__setData.push(JSON.parse(JSON.stringify(patch)));
      if (typeof callback === 'function') setTimeout(callback, 0);
    };
    return page;
  }
  g.__wechat = {
    launch: function (options) {
      require('/app.js');
      if (typeof state.app.onLaunch === 'function') state.app.onLaunch(options);
    },
    registerPage: function (route) {
      state.route = route;
      try {
        require('/' + route + '.js');
      } finally {
        state.route = null;
      }
    },
    open: function (route, query) {
      var page = instantiate(route, state.defs[route]);
      page.__loaded = Promise.resolve(page.onLoad ? page.onLoad(query) : undefined);
      return page;
    },
  };
}

/** The example's code package after "Build npm", in a temporary folder. */
function codePackage(t) {
  const pkg = makePackageRoot();
  t.after(pkg.cleanup);
  // A developer's own "Build npm" output may sit in the example; the test uses pkg/dist.
  cpSync(exampleRoot, pkg.root, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'miniprogram_npm',
  });
  // As the example's README says: the full module (the demo plays the
  // issuer and the hotel on the phone).
  mkdirSync(path.join(pkg.root, 'demo'), { recursive: true });
  cpSync(path.join(repoRoot, 'pkg/dist/mpshield_bg.wasm'), path.join(pkg.root, 'demo/mpshield_bg.wasm'));
  // And the KDF Worker: its script into the "workers" folder, its module and client.js outside it.
  const kdf = path.join(repoRoot, 'pkg/dist/miniprogram-worker');
  mkdirSync(path.join(pkg.root, 'workers/mpshield-kdf'), { recursive: true });
  mkdirSync(path.join(pkg.root, 'mpshield-kdf'), { recursive: true });
  cpSync(path.join(kdf, 'index.js'), path.join(pkg.root, 'workers/mpshield-kdf/index.js'));
  for (const f of ['client.js', 'mpshield_kdf.wasm.br']) cpSync(path.join(kdf, f), path.join(pkg.root, 'mpshield-kdf', f));
  return pkg.root;
}

/** Launches the example (app.js, then the consent page) in a fresh emulated runtime. */
async function launch(t, profile, storage) {
  const root = codePackage(t);
  const mp = createMiniProgram({ profile, root });
  if (storage) for (const [k, v] of storage) mp.store.set(k, v);
  mp.run(`(${installFramework.toString()})(globalThis);`);
  mp.run(`__wechat.launch({ path: '${PAGE}', query: {}, scene: 1001 });`);
  mp.run(`__wechat.registerPage('${PAGE}');`);
  mp.run(`globalThis.page = __wechat.open('${PAGE}', {});`);
  await mp.run('page.__loaded');
  return {
    mp,
    /** The page's data as the render layer has it. */
    data: () => JSON.parse(mp.run('JSON.stringify(page.data)')),
    /** Calls a handler with a WeChat-shaped event (built in the sandbox); awaits it. */
    tap: (handler, event = '{}') => mp.run(`page.${handler}(${event})`),
    /** The index of a requested field in data.request.items. */
    itemIndex: (field) => JSON.parse(mp.run('JSON.stringify(page.data.request.items.map(function (i) { return i.field; }))')).indexOf(field),
    /** What the simulated hotel's verifier.open returned, in order. */
    received: () =>
      JSON.parse(
        mp.run(`JSON.stringify(page.session.hotel.received.map(function (r) {
          return { disclosed: r.disclosed, claims: r.claims, consentRecord: r.consentRecord, receiptIndex: r.receipt.index };
        }))`),
      ),
  };
}

const pick = (index, form) => `{ currentTarget: { dataset: { index: ${index} } }, detail: { value: ${JSON.stringify(form)} } }`;
const toggle = (index, on) => `{ currentTarget: { dataset: { index: ${index} } }, detail: { value: ${on} } }`;
const typed = (value) => `{ detail: { value: ${JSON.stringify(value)} } }`;

/** Every stored value as JSON text and, where it is a base64 string, as decoded bytes. */
function storedValues(store) {
  const out = [];
  for (const [key, json] of store) {
    const value = JSON.parse(json);
    const decoded = typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? Buffer.from(value, 'base64') : null;
    out.push({ key, json, value, decoded });
  }
  return out;
}

for (const profile of ['ios', 'android']) {
  test(`${profile}: the example's consent page — verified request, chosen claims only, separate consent, refusal, encrypted storage, relaunch`, async (t) => {
    const started = Date.now();
    const ui = await launch(t, profile);
    const { mp, data, tap } = ui;
    assert.deepEqual(mp.log.instantiate, ['/demo/mpshield_bg.wasm'], 'app.js loaded the (full) module once');
    assert.equal(data().phase, 'pin');
    assert.equal(data().pinIsNew, true, 'first run: the citizen sets a PIN');

    // A PIN that is not 6 digits is refused before anything is derived.
    await tap('onPinInput', typed('12'));
    await tap('onUnlock');
    assert.equal(data().phase, 'pin');
    assert.match(data().error, /6 位数字/);

    // Unlock: the wallet opens on wx storage, the test issuer issues a card.
    // The PIN's Argon2id runs in the KDF Worker (one, ended after its answer).
    await tap('onPinInput', typed(PIN));
    const unlockStarted = Date.now();
    await tap('onUnlock');
    const unlockMs = Date.now() - unlockStarted;
    const kdfEvents = mp.log.workers.filter((e) => e.script === 'workers/mpshield-kdf/index.js');
    assert.deepEqual(kdfEvents.map((e) => e.event).slice(0, 2), ['created', 'terminated'], 'deriveStorageKey ran in the Worker');
    assert.equal(mp.activeWorker(), null, 'and left none running');
    t.diagnostic(`${profile}: unlock ${unlockMs} ms, of which deriveStorageKey in the Worker ${kdfEvents[1].at - kdfEvents[0].at} ms (off the logic thread)`);
    let d = data();
    assert.equal(d.error, '', d.error);
    assert.equal(d.phase, 'request');
    assert.match(d.notice, /合成身份证/);
    assert.deepEqual(d.credentials.map((c) => c.label), ['居民身份证']);

    // The request as shown: verified requester, purpose, legal basis, fields.
    const r = d.request;
    assert.equal(r.verified, true, 'the hotel is in the wallet\'s trusted verifiers');
    assert.equal(r.verifierName, '示例酒店有限公司');
    assert.match(r.verifierUscc, /^91440300MA5G7K3Q8[0-9A-HJ-NPQRTUWXY]$/);
    assert.equal(r.purpose, '住宿登记');
    assert.equal(r.lawfulBasis, 'legal_duty');
    assert.equal(r.lawfulBasisText, '履行法定职责或者法定义务所必需');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.alwaysSent, ['有效期截止日期'], 'said before consenting: the card\'s expiry is never hidden');
    assert.deepEqual(
      r.items.map((i) => [i.field, i.label, i.required, i.sensitive, i.retentionDays, i.options.map((o) => o.form), i.chosen]),
      [
        ['name', '姓名', true, false, 30, ['full'], 'full'],
        ['id_number', '公民身份号码', true, true, 30, ['full', 'masked'], 'masked'],
        ['birth_date', '出生日期', true, false, 30, ['predicate'], 'predicate'],
        ['photo', '相片', false, true, 1, ['full', ''], ''],
      ],
      'fields, labels, required, sensitivity, retention, forms and the least revealing default',
    );
    assert.ok(r.items.every((i) => i.satisfiable && i.options.every((o) => o.available)), 'the wallet can give every form');
    const namePreview = r.items[0].options[0].preview;
    const idItem = r.items[1];
    const maskedPreview = idItem.options.find((o) => o.form === 'masked').preview;
    assert.match(maskedPreview, /^\d{6}\*{8}\d{3}[\dX]$/, 'the masked form is previewed');
    assert.equal(idItem.options.find((o) => o.form === 'masked').label, '公民身份号码（脱敏）');
    assert.equal(r.items[2].options[0].preview, '是', 'the predicate is previewed as yes/no');

    // The citizen looks at the full form, then picks the masked ID number; no photo.
    const id = ui.itemIndex('id_number');
    await tap('onPickForm', pick(id, 'full'));
    assert.equal(data().request.items[id].chosen, 'full');
    await tap('onPickForm', pick(id, 'masked'));
    assert.equal(data().request.items[id].chosen, 'masked');
    // The ID number is sensitive (in any form): without separate consent nothing is sent.
    await tap('onAgree');
    d = data();
    assert.equal(d.phase, 'request', 'still on the request');
    assert.match(d.error, /“公民身份号码”属于敏感个人信息，需要您单独同意/);
    assert.equal(ui.received().length, 0, 'nothing reached the hotel');
    assert.equal(d.history.length, 0, 'and nothing was recorded');
    await tap('onSeparateConsent', toggle(id, true));
    assert.equal(data().request.items[id].separateConsent, true);
    await tap('onAgree');
    d = data();
    assert.equal(d.error, '', d.error);
    assert.equal(d.phase, 'responded');
    assert.ok(d.result.envelopeBytes > 200, `envelope ${d.result.envelopeBytes} bytes`);
    assert.ok(d.result.receiptBytes > 0);
    assert.equal(d.result.logSize, d.result.receiptIndex + 1, 'the receipt is for the newest record');
    const chosen = ['/age_equal_or_over/18', '/id_number_masked', '/name'];
    assert.deepEqual(d.result.hotelGot.map((g) => [g.claim, g.label]), [
      ['/age_equal_or_over/18', '年满18周岁'],
      ['/id_number_masked', '公民身份号码（脱敏）'],
      ['/name', '姓名'],
    ]);
    assert.deepEqual(d.result.hotelGot.map((g) => g.value), ['是', maskedPreview, namePreview], 'with the values previewed');
    assert.equal(d.result.alwaysSentText, '有效期截止日期', 'the page also says what the card never hides');
    const firstEnvelopeBytes = d.result.envelopeBytes;

    // The hotel's side: verifier.open got exactly those claims.
    let received = ui.received();
    assert.equal(received.length, 1);
    assert.deepEqual([...received[0].disclosed].sort(), chosen);
    const c0 = received[0].claims;
    assert.equal(c0.id_number_masked, maskedPreview);
    assert.equal(c0.name, namePreview);
    assert.equal(c0.age_equal_or_over['18'], true);
    // Exactly the chosen claims, plus what an ID card never hides (its
    // expiry) and the credential's own JWT claims.
    const JWT_CLAIMS = ['iss', 'vct', 'cnf', 'iat', 'nbf', 'exp', 'status'];
    assert.deepEqual(
      Object.keys(c0).filter((k) => !JWT_CLAIMS.includes(k)).sort(),
      ['age_equal_or_over', 'id_number_masked', 'name', 'valid_until'],
    );
    assert.deepEqual(Object.keys(c0.age_equal_or_over), ['18'], 'only the predicate asked for');
    assert.equal(received[0].consentRecord.event, 'given');
    assert.equal(received[0].consentRecord.consentType, 'separate');
    assert.deepEqual(received[0].consentRecord.purposes, ['住宿登记']);
    assert.deepEqual(
      received[0].consentRecord.fields.map((f) => [f.field, f.form, f.sensitive]),
      [['name', 'full', false], ['id_number', 'masked', true], ['birth_date', 'predicate', false]],
      'the record the hotel got says what was given, in which form',
    );
    assert.equal(received[0].receiptIndex, d.result.receiptIndex);
    assert.equal(d.history[0].recordId, d.result.recordId);

    // Next check-in: full ID number and the (optional, sensitive) photo;
    // consenting separately to the ID number alone is not enough.
    await tap('onNextRequest');
    assert.equal(data().phase, 'request');
    assert.equal(data().request.items[id].separateConsent, false, 'separate consent is asked again for each request');
    const photo = ui.itemIndex('photo');
    await tap('onPickForm', pick(photo, 'full'));
    await tap('onPickForm', pick(id, 'full'));
    await tap('onSeparateConsent', toggle(id, true));
    await tap('onAgree');
    d = data();
    assert.equal(d.phase, 'request', 'still on the request');
    assert.match(d.error, /“相片”属于敏感个人信息/);
    assert.equal(ui.received().length, 1, 'nothing reached the hotel');
    await tap('onSeparateConsent', toggle(photo, true));
    assert.equal(data().request.items[photo].separateConsent, true);
    await tap('onAgree');
    d = data();
    assert.equal(d.error, '', d.error);
    assert.equal(d.phase, 'responded');
    received = ui.received();
    assert.equal(received.length, 2);
    assert.deepEqual([...received[1].disclosed].sort(), ['/age_equal_or_over/18', '/id_number', '/name', '/photo']);
    assert.deepEqual(
      Object.keys(received[1].claims).filter((k) => !JWT_CLAIMS.includes(k)).sort(),
      ['age_equal_or_over', 'id_number', 'name', 'photo', 'valid_until'],
    );
    assert.ok(received[1].consentRecord.fields.some((f) => f.field === 'photo' && f.sensitive === true));
    // The synthetic person, as the hotel now knows them.
    const name = received[1].claims.name;
    const idNumber = received[1].claims.id_number;
    assert.equal(name, c0.name);
    assert.match(name, /^\p{Script=Han}{2,4}$/u);
    assert.equal(mp.run(`require('mpshield').idcard.parse(${JSON.stringify(idNumber)}).number`), idNumber, 'a valid GB 11643 number');
    assert.equal(idNumber.slice(0, 6) + '********' + idNumber.slice(14), maskedPreview);
    assert.match(received[1].claims.photo, /^data:image\/svg\+xml,/);

    // Next check-in: refused, and the refusal is in the history.
    await tap('onNextRequest');
    await tap('onRefuse');
    d = data();
    assert.equal(d.error, '', d.error);
    assert.equal(d.phase, 'refused');
    assert.equal(d.history[0].event, 'refused');
    assert.equal(d.history[0].eventText, '拒绝');
    assert.match(d.history[0].line, /示例酒店有限公司/);
    assert.equal(d.history.filter((h) => h.event === 'refused').length, 1);
    assert.equal(d.history.filter((h) => h.event === 'given').length, 2);
    assert.equal(ui.received().length, 2, 'a refusal sends the hotel nothing');
    const historyLength = d.history.length;

    // wx storage: nothing of the person in the clear.
    const values = storedValues(mp.store);
    assert.ok(values.length >= 3, `${values.length} keys`);
    const secrets = [name, idNumber, maskedPreview, idNumber.slice(6, 14)];
    for (const v of values) {
      for (const s of secrets) {
        assert.ok(!v.json.includes(s), `${v.key} holds ${s} in plain text`);
        if (v.decoded) assert.equal(v.decoded.indexOf(Buffer.from(s)), -1, `${v.key} holds ${s} once base64-decoded`);
      }
      if (v.key === SALT_KEY) {
        assert.match(v.value, /^[0-9a-f]{32}$/, 'the PIN salt (random, not secret)');
      } else if (v.key === ISSUER_JWK_KEY) {
        assert.equal(v.value.d, undefined, 'the test issuer\'s public key only');
      } else {
        assert.ok(v.decoded && v.decoded.length > 16, `${v.key}: base64 bytes`);
        for (const plain of ['住宿登记', '示例酒店', 'resident_id_card', '"event"']) {
          assert.equal(v.decoded.indexOf(Buffer.from(plain)), -1, `${v.key} holds ${plain} in the clear`);
        }
      }
    }
    assert.ok(values.some((v) => v.decoded && v.key !== SALT_KEY), 'the wallet is in wx storage');
    assert.deepEqual(mp.log.warnings, [], 'no console warnings or errors');
    mp.run('page.onUnload()');

    // Relaunch with the same wx storage: a wrong PIN is refused; the right one
    // opens the same wallet (no new card) with the same history.
    const again = await launch(t, profile, mp.store);
    assert.equal(again.data().phase, 'pin');
    assert.equal(again.data().pinIsNew, false);
    await again.tap('onPinInput', typed('000000'));
    await again.tap('onUnlock');
    assert.equal(again.data().phase, 'pin');
    assert.match(again.data().error, /PIN 不正确/);
    await again.tap('onPinInput', typed(PIN));
    await again.tap('onUnlock');
    d = again.data();
    assert.equal(d.error, '', d.error);
    assert.equal(d.phase, 'request');
    assert.equal(d.notice, '', 'no new card');
    assert.equal(d.credentials.length, 1);
    assert.equal(d.request.verified, true);
    assert.equal(d.history.length, historyLength);
    assert.equal(d.history[0].event, 'refused');
    again.mp.run('page.onUnload()');
    t.diagnostic(`${profile}: ${Date.now() - started} ms for two launches; first envelope ${firstEnvelopeBytes} B`);
  });
}

test('the example project: DevTools settings put the package where app.js loads it; WXML handlers exist', async (t) => {
  const project = JSON.parse(readFileSync(path.join(exampleDir, 'project.config.json'), 'utf8'));
  assert.equal(project.appid, 'touristappid');
  assert.equal(project.miniprogramRoot, 'miniprogram/');
  assert.equal(project.setting.packNpmManually, true);
  assert.deepEqual(project.setting.packNpmRelationList, [
    { packageJsonPath: './package.json', miniprogramNpmDistDir: './miniprogram/' },
  ]);
  const pkgJson = JSON.parse(readFileSync(path.join(exampleDir, 'package.json'), 'utf8'));
  assert.equal(pkgJson.dependencies.mpshield, 'file:../../pkg');
  // "Build npm" copies the package's `miniprogram` folder to <dist dir>/miniprogram_npm/mpshield/.
  const mpshieldPkg = JSON.parse(readFileSync(path.join(repoRoot, 'pkg/package.json'), 'utf8'));
  assert.equal(mpshieldPkg.miniprogram, 'dist/miniprogram');
  const appJs = readFileSync(path.join(exampleRoot, 'app.js'), 'utf8');
  // The demo plays issuer and hotel, so it loads the full module from
  // miniprogram/demo/ (its README says to copy it there).
  assert.match(appJs, /const WASM_PATH = '\/demo\/mpshield_bg\.wasm';/);
  const appJson = JSON.parse(readFileSync(path.join(exampleRoot, 'app.json'), 'utf8'));
  assert.deepEqual(appJson.pages, [PAGE]);
  assert.equal(appJson.workers, 'workers', 'the KDF Worker\'s folder');
  assert.match(appJs, /kdfWorker: kdfWorker\(KDF_WORKER\)/);
  for (const ext of ['js', 'wxml', 'wxss', 'json']) readFileSync(path.join(exampleRoot, `${PAGE}.${ext}`));

  // Every bind*/catch* handler the WXML names is a function of the page.
  const ui = await launch(t, 'android');
  const wxml = readFileSync(path.join(exampleRoot, `${PAGE}.wxml`), 'utf8');
  const handlers = [...wxml.matchAll(/\b(?:bind|catch):?\w+="(\w+)"/g)].map((m) => m[1]);
  assert.ok(handlers.length >= 7, handlers.join(' '));
  for (const h of new Set(handlers)) assert.equal(ui.mp.run(`typeof page.${h}`), 'function', h);
});
