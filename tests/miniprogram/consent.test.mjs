// The consent log in the emulated WeChat runtime (see emulator.mjs): a log of
// 5,000 realistic synthetic records saved through storage.wx(wx) into the
// emulated wx storage (1 MB per key, 10 MB in all) and loaded back, with its
// storage use reported; a trusted checkpoint catches a rollback; a full
// storage is CONSENT_NOT_PERSISTED.
import test from 'node:test';
import assert from 'node:assert/strict';
import { STORAGE_KEY_MAX, STORAGE_TOTAL_MAX, createMiniProgram, makePackageRoot } from './emulator.mjs';
import { T0, syntheticRecord } from '../js/helpers/consent-records.mjs';

/** Runs an async function body in the sandbox; returns its JSON-able result. */
async function inSandbox(mp, body) {
  const json = await mp.run(
    `(async function () { ${body} })().then(function (v) { return JSON.stringify(v === undefined ? null : v); })`,
  );
  return JSON.parse(json);
}

for (const profile of ['ios', 'android']) {
  test(`${profile}: 5,000 records round-trip through storage.wx(wx) within WeChat's quotas`, async (t) => {
    const pkg = makePackageRoot();
    t.after(pkg.cleanup);
    const mp = createMiniProgram({ profile, root: pkg.root });
    // The record generator is defined inside the sandbox, so the records are
    // objects of its realm, as page code would make them.
    mp.run(`globalThis.syntheticRecord = ${syntheticRecord.toString()};`);
    const N = 5000;
    const r = await inSandbox(
      mp,
      `
      var m = require('mpshield');
      await m.init();
      var device = m.SigningKey.generate('EdDSA');
      var origin = 'mpshield.example/device/mp-${profile}';
      var log = m.ConsentLog.create({ signingKey: device, origin: origin });
      var started = Date.now();
      for (var i = 0; i < ${N}; i++) log.append(syntheticRecord(i, ${T0}));
      var appendMs = Date.now() - started;
      // Withdraw a few consents, as a citizen would.
      var withdrawn = 0;
      for (var j = 6; j < ${N} && withdrawn < 20; j += 10) { log.withdraw(log.get(j).recordId, ${T0} + 6000000); withdrawn++; }
      var storageKey = await m.deriveStorageKey({ pin: '246810', salt: m.randomBytes(16), params: { memoryKib: 256, iterations: 1 } });
      var store = m.storage.wx(wx);
      started = Date.now();
      var used = await log.save(store, storageKey);
      var saveMs = Date.now() - started;
      var info = wx.getStorageInfoSync();
      var trusted = log.checkpoint();
      started = Date.now();
      var back = await m.ConsentLog.load(store, storageKey, { signingKey: device, origin: origin, trustedCheckpoint: trusted });
      var loadMs = Date.now() - started;
      var same = back.size === log.size;
      var a = back.root(), b = log.root();
      for (var k = 0; k < 32; k++) same = same && a[k] === b[k];
      var status = back.status(${T0} + 86400 * 40);
      var receipt = back.receipt(${N} - 1);
      var verified = m.consent.verifyReceipt(receipt, device.publicJwk());
      return {
        size: back.size, same: same, used: used, keys: info.keys.length, currentSizeKb: info.currentSize,
        limitSizeKb: info.limitSize, appendMs: appendMs, saveMs: saveMs, loadMs: loadMs,
        status: { active: status.active.length, withdrawn: status.withdrawn.length, expired: status.expired.length, refused: status.refused.length },
        receiptBytes: receipt.length, receiptIndex: verified.index, line: back.history({ locale: 'zh-CN' })[0].line,
      };
      `,
    );
    assert.equal(r.size, N + 20);
    assert.ok(r.same, 'the loaded log has the same root');
    assert.equal(r.receiptIndex, N - 1);
    assert.equal(r.status.withdrawn, 20);
    assert.equal(r.status.refused, N / 10);
    assert.ok(r.status.active > 0 && r.status.expired > 0);
    assert.match(r.line, /^2026-11-22 14:03 向 某某酒店（第1分店） 提供了 姓名、公民身份号码（脱敏）用于 住宿登记，保存 30 天$/);
    // Within the quotas, as the emulated wx storage measures them (it
    // refuses a set over 1 MB per key or 10 MB in all, so the save itself
    // proves it; check the numbers too).
    let largest = 0;
    let total = 0;
    for (const [k, v] of mp.store) {
      const n = Buffer.byteLength(k) + Buffer.byteLength(v);
      largest = Math.max(largest, n);
      total += n;
    }
    assert.ok(largest <= STORAGE_KEY_MAX, `largest key ${largest} bytes`);
    assert.ok(total <= STORAGE_TOTAL_MAX, `total ${total} bytes`);
    // The save wrote every key but the head slot (written after it counts).
    assert.equal(r.keys, r.used.keys + 1, 'the save reports the keys it wrote');
    t.diagnostic(
      `${profile}: ${N + 20} records → ${r.used.keys} keys, ${r.used.bytes} bytes encrypted (${total} bytes in wx storage as base64 JSON, ` +
        `${(total / (N + 20)).toFixed(0)} B/record; largest key ${largest} B); wx.getStorageInfoSync: ${r.currentSizeKb} KB of ${r.limitSizeKb} KB; ` +
        `append ${r.appendMs} ms, save ${r.saveMs} ms, load ${r.loadMs} ms; receipt ${r.receiptBytes} B`,
    );
  });
}

test('android: rollback through wx storage is ROLLBACK_DETECTED; a full storage is CONSENT_NOT_PERSISTED', async (t) => {
  const pkg = makePackageRoot();
  t.after(pkg.cleanup);
  const mp = createMiniProgram({ profile: 'android', root: pkg.root });
  mp.run(`globalThis.syntheticRecord = ${syntheticRecord.toString()};`);
  const r = await inSandbox(
    mp,
    `
    var m = require('mpshield');
    await m.init();
    function code(p) { return p.then(function () { return 'ok'; }, function (e) { return e.code; }); }
    var device = m.SigningKey.generate('EdDSA');
    var origin = 'mpshield.example/device/mp-rollback';
    var key = m.randomBytes(32);
    var log = m.ConsentLog.create({ signingKey: device, origin: origin });
    for (var i = 0; i < 30; i++) log.append(syntheticRecord(i, ${T0}));
    var store = m.storage.wx(wx);
    await log.save(store, key);
    var snapshot = wx.getStorageInfoSync().keys.map(function (k) { return [k, wx.getStorageSync(k)]; });
    log.append(syntheticRecord(30, ${T0}));
    await log.save(store, key);
    var trusted = log.checkpoint();
    wx.getStorageInfoSync().keys.forEach(function (k) { wx.removeStorageSync(k); });
    snapshot.forEach(function (e) { wx.setStorageSync(e[0], e[1]); });
    var rollback = await code(m.ConsentLog.load(store, key, { signingKey: device, origin: origin, trustedCheckpoint: trusted }));
    var plain = await code(m.ConsentLog.load(store, key, { signingKey: device, origin: origin }));
    // Fill wx storage with someone else's data, then save: refused by wx, typed error.
    var filler = new Array(900 * 1024).join('x');
    for (var f = 0; f < 11; f++) { try { wx.setStorageSync('other/' + f, filler); } catch (e) { break; } }
    for (var n = 31; n < 3000; n++) log.append(syntheticRecord(n, ${T0}));
    var full = await code(log.save(store, key));
    var still = await code(m.ConsentLog.load(store, key, { signingKey: device, origin: origin }));
    return { rollback: rollback, plain: plain, full: full, still: still };
    `,
  );
  assert.deepEqual(r, { rollback: 'ROLLBACK_DETECTED', plain: 'ok', full: 'CONSENT_NOT_PERSISTED', still: 'ok' });
});
