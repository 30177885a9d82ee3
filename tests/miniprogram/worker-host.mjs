// One emulated WeChat Worker (wx.createWorker in emulator.mjs), in its own
// worker_threads thread: a `vm` context with what a Worker has — the global
// `worker` (onMessage, postMessage, env), WXWebAssembly (which does not see
// files inside the workers folder: WeChat packs only .js files there),
// console and timers; no `wx` (WeChat: Worker 内不支持 wx 系列的 API), no
// WebAssembly, TextEncoder, process or Buffer — and a `require` limited to
// the workers folder. Messages arrive and leave as JSON text.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { makeWXWebAssembly } from './emulator.mjs';

const { root, folder, script, profile } = workerData;
const workersDir = path.join(root, folder);
const report = (event, detail) => parentPort.postMessage({ type: 'log', event, detail });

const context = vm.createContext({}, { name: `wechat-worker-${profile}`, codeGeneration: { strings: false, wasm: true } });
vm.runInContext('delete globalThis.WebAssembly;', context);
const I = vm.runInContext('({ Object, Array, ArrayBuffer, Uint8Array, Promise, Error, TypeError, JSON, String })', context);

const listeners = [];
const worker = new I.Object();
worker.onMessage = (f) => {
  listeners.push(f);
};
worker.postMessage = (msg) => {
  parentPort.postMessage({ type: 'message', json: JSON.stringify(msg) });
};
worker.env = new I.Object();
worker.env.USER_DATA_PATH = 'wxfile://usr';
worker.testOnProcessKilled = () => report('testOnProcessKilled');

const konsole = new I.Object();
konsole.log = (...a) => (process.env.MP_DEBUG ? console.log('[worker]', ...a) : undefined);
konsole.info = konsole.log;
konsole.debug = konsole.log;
konsole.warn = (...a) => report('console', a.map(String).join(' '));
konsole.error = konsole.warn;

const log = { instantiate: [] };
context.worker = worker;
context.console = konsole;
context.setTimeout = setTimeout;
context.clearTimeout = clearTimeout;
context.setInterval = setInterval;
context.clearInterval = clearInterval;
context.WXWebAssembly = makeWXWebAssembly({
  I,
  root,
  profile,
  log,
  hidden: (file) => file.startsWith(workersDir + path.sep),
});

const cache = new Map();
const load = (file) => {
  if (cache.has(file)) return cache.get(file).exports;
  const module = vm.runInContext('({ exports: {} })', context);
  cache.set(file, module);
  const wrapper = vm.runInContext(`(function (module, exports, require) {"use strict";\n${readFileSync(file, 'utf8')}\n})`, context, { filename: file });
  wrapper.call(module.exports, module, module.exports, makeRequire(path.dirname(file)));
  return module.exports;
};
const makeRequire = (dir) => (request) => {
  let file = path.join(dir, String(request));
  if (!file.endsWith('.js')) file += '.js';
  if (!file.startsWith(workersDir + path.sep) || !existsSync(file)) {
    throw new I.Error(`module "${request}" is not defined (a Worker can require only files of its workers folder)`);
  }
  return load(file);
};

parentPort.on('message', (json) => {
  const msg = I.JSON.parse(json);
  // A listener that throws ends the thread (the page is not told).
  for (const f of listeners) f(msg);
});

const entry = path.join(root, script);
if (!existsSync(entry)) {
  // Nothing starts; the page hears nothing.
  report('missing', script);
  parentPort.close();
} else {
  load(entry);
}
