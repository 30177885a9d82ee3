// What a framework-built mini-program needs of WeChat beyond what mpshield
// uses, on top of the emulated runtime (tests/miniprogram/emulator.mjs):
// the App / Page / Component registration functions, getApp, and the few
// wx system-information calls the Taro and uni-app runtimes make when they
// start, and WeChat's `global`. Nothing here adds a web global: the sandbox
// still has no document, TextDecoder, WebAssembly or crypto.
import { createMiniProgram, repoRoot } from '../miniprogram/emulator.mjs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { uscc } from '../js/helpers/flow-scenario.mjs';

// The issuer and the hotel (servers) run in Node with the full module.
const node = await import(pathToFileURL(path.join(repoRoot, 'pkg/dist/node.mjs')).href);
await node.init();
/** A test issuer and the hotel, as shared/checkin.js calls them (JSON text and bytes cross). */
function parties() {
  const issuerKey = node.SigningKey.generate('ES256');
  const hotel = node.Verifier.create({
    name: '测试酒店有限公司', uscc: uscc(1),
    signingKey: node.SigningKey.generate('EdDSA'),
    hpkeKeyPair: node.hpke.generateKeyPair(),
    trustedIssuers: [issuerKey.publicJwk()],
  });
  const request = hotel.createRequest({
    purpose: '住宿登记', lawfulBasis: 'legal_duty', ttlSeconds: 300,
    fields: [
      { licence: 'resident_id_card', field: 'name', required: true, forms: ['full'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'id_number', required: true, forms: ['full', 'masked'], retentionDays: 30 },
      { licence: 'resident_id_card', field: 'birth_date', required: true, forms: ['predicate'], predicate: 'age_equal_or_over/18', retentionDays: 30 },
    ],
  });
  return {
    request: () => request,
    hotelPublicJwk: () => JSON.stringify(hotel.publicJwk()),
    issue: (holderJwk, fields) => node.licence.issue({
      type: 'resident_id_card', issuerKey, holderPublicJwk: JSON.parse(holderJwk),
      iss: 'https://issuer.example', fields: JSON.parse(fields),
    }),
    open: async (envelope) => JSON.stringify(await hotel.open(Uint8Array.from(envelope))),
  };
}

const SYSTEM_INFO = {
  brand: 'devtools', model: 'emulated', pixelRatio: 2, screenWidth: 375, screenHeight: 812, windowWidth: 375,
  windowHeight: 812, statusBarHeight: 44, language: 'zh_CN', version: '8.0.50', system: 'emulated',
  platform: 'devtools', SDKVersion: '3.5.0', theme: 'light', safeArea: { left: 0, right: 375, top: 44, bottom: 778, width: 375, height: 734 },
};

/**
 * The emulated runtime over the built mini-program in `root`, with the app
 * host; `host`: 'wechat' (wx) or 'douyin' (tt), as in the emulator. Returns the emulator's handle plus `launch()`, which requires
 * /app.js as WeChat does and calls the registered app's onLaunch.
 */
export function createAppHost({ profile, root, host = 'wechat' }) {
  const mp = createMiniProgram({ profile, root, host });
  const realm = (v) => mp.run(`(${JSON.stringify(v)})`);
  const registered = { app: null, pages: [], components: [] };
  const g = mp.context;
  g.App = (config) => {
    registered.app = config;
  };
  g.Page = (config) => registered.pages.push(config);
  g.Component = (config) => registered.components.push(config);
  g.Behavior = (config) => config;
  g.getApp = () => registered.app;
  g.getCurrentPages = () => mp.run('[]');
  // WeChat's app service has a `global` object, which uni-app's runtime
  // writes to (wx.createApp = global.createApp = …). mpshield never reads
  // it: the mpshield-only sandbox (tests/miniprogram) keeps it missing.
  g.global = mp.run('({})');
  g.__mpshieldParties = parties();
  const wx = mp.wx;
  for (const name of ['getSystemInfoSync', 'getWindowInfo', 'getDeviceInfo', 'getAppBaseInfo', 'getSystemSetting', 'getAppAuthorizeSetting']) {
    wx[name] = () => realm(SYSTEM_INFO);
  }
  wx.getLaunchOptionsSync = () => realm({ path: 'pages/index/index', query: {}, scene: 1001, referrerInfo: {} });
  wx.getEnterOptionsSync = wx.getLaunchOptionsSync;
  wx.canIUse = () => true;
  wx.getMenuButtonBoundingClientRect = () => realm({ width: 87, height: 32, top: 48, right: 365, bottom: 80, left: 278 });
  for (const name of ['onAppRoute', 'onAppShow', 'onAppHide', 'onError', 'onUnhandledRejection', 'onPageNotFound', 'onThemeChange', 'onWindowResize', 'offAppShow', 'offAppHide']) {
    wx[name] = () => undefined;
  }
  return {
    ...mp,
    registered,
    /** Loads /app.js and runs the app's onLaunch (as WeChat does at start). */
    launch() {
      mp.require('/app.js');
      if (!registered.app) throw new Error('app.js registered no App()');
      if (typeof registered.app.onLaunch === 'function') {
        registered.app.onLaunch.call(registered.app, realm({ path: 'pages/index/index', query: {}, scene: 1001 }));
      }
    },
  };
}
