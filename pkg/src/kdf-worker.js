// The mini-program Worker of deriveStorageKey: dist/miniprogram-worker/index.js
// (README, "Long calls on iPhones"). The integrator copies it into the folder
// app.json's `workers` names (e.g. workers/mpshield-kdf/index.js) and the
// module it loads, mpshield_kdf.wasm.br (crates/mpshield-kdf: Argon2id alone,
// about 11 KB brotli), outside that folder (WeChat packs only .js files
// there), by default to /mpshield-kdf/mpshield_kdf.wasm.br. Then
// `init({ kdfWorker: 'workers/mpshield-kdf/index.js' })` makes
// deriveStorageKey run here, off the logic thread
// (pkg/src/platform-miniprogram.js is the other end).
//
// Protocol (plain JSON-able objects: WeChat copies messages, and whether it
// copies typed arrays is not documented), every message tagged
// `mpshield: 'kdf'` and carrying the request's `id`:
//   in:  { mpshield, id, wasmPath?, pin: number[], salt: number[], m?, t?, p? }
//   out: { mpshield, id, started: true }          the module is loaded, Argon2 starts
//        { mpshield, id, key: number[32], ms }    the key, and how long Argon2 took
//        { mpshield, id, code, message }          an MpShieldError code and message
// The PIN bytes are zeroed here (the message's copy, the module's buffer)
// once used. Nothing else is kept: the main thread ends the Worker after
// each answer.
//
// A plain script, ES2017, no imports: it uses only the globals a WeChat Worker
// has (`worker`, `WXWebAssembly`, `Date`).

/** Where the module is looked for unless the main thread names a path. */
const DEFAULT_WASM_PATH = '/mpshield-kdf/mpshield_kdf.wasm.br';

/**
 * The module's refusals (crates/mpshield-kdf `Refusal`), worded as
 * mpshield's `derive_storage_key` words them (src/consent/store.rs).
 */
const REFUSALS = [
  '',
  'the PIN or passphrase must not be empty',
  'the salt must be 16–64 random bytes',
  'Argon2 memory must be at most 262144 KiB (256 MiB)',
  'Argon2 iterations must be 1–16',
  'Argon2 parallelism must be 1–4',
  'Argon2 parameters: memory must be at least 8 × parallelism KiB',
  'Argon2: not enough memory for these parameters',
  'internal error: a null buffer',
];

let loaded = null;

function load(path) {
  if (!loaded) {
    loaded = Promise.resolve()
      .then(function () {
        return WXWebAssembly.instantiate(path, {});
      })
      .then(function (r) {
        return (r && r.instance ? r.instance : r).exports;
      });
    loaded.catch(function () {
      loaded = null;
    });
  }
  return loaded;
}

/**
 * Copies `bytes` (an array of numbers) into a fresh buffer of the module, of
 * at least one byte (an empty PIN reaches the module's own check).
 */
function put(e, bytes) {
  const ptr = e.mpshield_kdf_alloc(bytes.length || 1);
  if (ptr) new Uint8Array(e.memory.buffer, ptr, bytes.length).set(bytes);
  return ptr;
}

function derive(e, msg) {
  const pin = msg.pin;
  const salt = msg.salt;
  const p = put(e, pin);
  const s = put(e, salt);
  const o = e.mpshield_kdf_alloc(32);
  try {
    const started = Date.now();
    const r = e.mpshield_kdf_derive(p, pin.length, s, salt.length, msg.m || 12288, msg.t || 3, msg.p || 1, o);
    const ms = Date.now() - started;
    if (r !== 0) return { code: r === 7 ? 'INVALID_STATE' : r === 8 ? 'INTERNAL' : 'INVALID_INPUT', message: 'invalid input: ' + REFUSALS[r] };
    return { key: Array.prototype.slice.call(new Uint8Array(e.memory.buffer, o, 32)), ms: ms };
  } finally {
    // mpshield_kdf_free zeroes each buffer.
    e.mpshield_kdf_free(p, pin.length || 1);
    e.mpshield_kdf_free(s, salt.length || 1);
    e.mpshield_kdf_free(o, 32);
  }
}

worker.onMessage(function (msg) {
  if (!msg || msg.mpshield !== 'kdf') return;
  const id = msg.id;
  const reply = function (o) {
    o.mpshield = 'kdf';
    o.id = id;
    worker.postMessage(o);
  };
  const path = typeof msg.wasmPath === 'string' ? msg.wasmPath : DEFAULT_WASM_PATH;
  load(path)
    .then(
      function (e) {
        reply({ started: true });
        return derive(e, msg);
      },
      function (err) {
        return {
          code: 'WASM_LOAD_FAILED',
          message:
            'could not load the WebAssembly module ' + path + ' in the KDF Worker: ' + ((err && (err.message || err.errMsg)) || err) +
            '. Copy mpshield_kdf.wasm.br (node_modules/mpshield/dist/miniprogram-worker/) there, outside the workers folder, or pass its path as init({ kdfWorker: { wasmPath } }); see the README (Long calls on iPhones)',
        };
      },
    )
    .then(undefined, function (err) {
      return { code: 'INTERNAL', message: 'internal error in the KDF Worker: ' + ((err && err.message) || err) + ' — please report the bug' };
    })
    .then(function (out) {
      if (Array.isArray(msg.pin)) msg.pin.fill(0);
      reply(out);
    });
});
