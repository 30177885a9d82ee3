// The runtime shared by every loader: `init()`, the "not before init" guard,
// entropy seeding and top-ups, and `fn()`, which turns a capability's
// implementation into a public function with those guarantees.
//
// A loader (entry-*.js) calls `configure(platform)` once, where `platform` is
//   {
//     name,                 // "browser" | "node" | "miniprogram"
//     load(wasmPath?),      // instantiates the wasm-bindgen glue (may return a Promise);
//                           // throws WASM_LOAD_FAILED (load.js) when the module cannot be loaded
//     seed(n),              // → { bytes: Uint8Array | null, reason? } (may return a Promise)
//     topUp(n),             // → Uint8Array | null, synchronously; must never block
//   }
// Randomness only ever comes from the host's secure source or from the
// caller's `init({ entropy })`; there is no fallback (no Math.random, no time).

// `__mpshieldMarkTrapped` is not wasm-bindgen's: scripts/build-pkg.mjs adds
// it to the glue, and after it is called the glue's finalizers
// (FinalizationRegistry callbacks that free the module's objects) do nothing.
import { addEntropy as glueAddEntropy, moduleInfo as glueModuleInfo, __mpshieldMarkTrapped as markGlueTrapped } from 'mpshield-glue';
import { MpShieldError, MESSAGES, fail, isTrap, toMpShieldError } from './errors.js';
import { bytes, invalid, member, options as readOptions } from './args.js';

/** Fewest entropy bytes the module accepts (src/rng.rs MIN_ENTROPY_BYTES). */
export const MIN_ENTROPY_BYTES = 32;

const state = {
  platform: null,
  loaded: false,
  loading: null,
  ready: false,
  trapped: null,
};

/** Called once by each loader. */
export function configure(platform) {
  state.platform = platform;
}

function notInitialised() {
  return fail('NOT_INITIALIZED', MESSAGES.NOT_INITIALIZED);
}

function afterTrap() {
  return fail(
    'INTERNAL',
    'internal error: an earlier call trapped inside the WebAssembly module, so this instance is no longer trusted; reload the page or mini-program — and please report the bug',
    state.trapped,
  );
}

/**
 * Converts a failure of a call into the module (sync or async) into an
 * MpShieldError, remembering a trap (see errors.js `isTrap`): from then on
 * every call fails with INTERNAL ("no longer trusted"), handles' free() does
 * nothing and the glue's finalizers never call into the instance again.
 */
export function guardError(e, phase) {
  const err = toMpShieldError(e, phase);
  if (isTrap(e)) recordTrap(err);
  return err;
}
const convert = guardError;

function recordTrap(err) {
  if (state.trapped) return;
  state.trapped = err;
  try {
    markGlueTrapped();
  } catch (e) {
    // the glue's flag is best effort; state.trapped already stops every call
  }
}

/** `wasmPath`: a string, or a URL-like object with a string `href`. */
function pathOption(value) {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'object' && value !== null) {
    let href;
    try {
      href = member(value, 'href');
    } catch (e) {
      href = undefined;
    }
    if (typeof href === 'string' && href.length > 0) return href;
  }
  throw fail('INVALID_INPUT', 'invalid input: options.wasmPath must be a non-empty string (or a URL)');
}

/** Feeds entropy to the module's DRBG; errors become MpShieldError. */
function feed(entropy) {
  try {
    glueAddEntropy(entropy);
  } catch (e) {
    throw convert(e, 'addEntropy');
  }
}

/**
 * Instantiates the module once. The platform reports a module it cannot
 * load as WASM_LOAD_FAILED; anything else it throws is a bug (INTERNAL).
 */
async function load(wasmPath) {
  if (state.loaded) return;
  if (!state.loading) {
    const platform = state.platform;
    state.loading = Promise.resolve()
      .then(() => platform.load(wasmPath))
      .then(
        () => {
          state.loaded = true;
        },
        (e) => {
          state.loading = null;
          throw e;
        },
      );
  }
  await state.loading;
}

/**
 * Loads and instantiates the module (once) and seeds its random generator
 * from the host and/or `options.entropy`. Safe to call again: later calls
 * only add entropy.
 *
 * `options.suite` ("intl" or "gm") states the suite the app needs: init()
 * fails with WASM_LOAD_FAILED if the loaded module does not carry it (a gm
 * deployment that loaded the intl phone module, or the reverse).
 *
 * `options.kdfWorker`: where deriveStorageKey runs instead of the calling
 * thread — in mini-programs, the WeChat Worker of
 * `require('mpshield/miniprogram-kdf')(scriptPath)` (pkg/src/kdf-client.cjs;
 * README, "Long calls on iPhones"). It is called with `{ pin, salt,
 * memoryKib, iterations, parallelism }` (checked and copied; it zeroes
 * `pin`) and returns a Promise of the 32-byte key, rejecting with
 * MpShieldError-shaped errors.
 *
 * @param {{ wasmPath?: string | URL, entropy?: Uint8Array | ArrayBuffer, suite?: 'intl' | 'gm', kdfWorker?: Function }} [options]
 * @returns {Promise<void>}
 */
export function init(options) {
  return initOnce(options).catch((e) => {
    throw convert(e, 'init');
  });
}

async function initOnce(options) {
  const opts = readOptions(options, 'init options', ['wasmPath', 'entropy', 'suite', 'kdfWorker']);
  const wasmPath = opts.wasmPath === undefined ? undefined : pathOption(opts.wasmPath);
  const suite = opts.suite;
  if (suite !== undefined && suite !== 'intl' && suite !== 'gm') {
    throw fail('INVALID_INPUT', 'invalid input: options.suite must be "intl" or "gm", got ' + String(suite).slice(0, 32));
  }
  let callerEntropy;
  if (opts.entropy !== undefined) {
    // Copied: the caller may reuse its buffer while we await the host.
    callerEntropy = bytes(opts.entropy, 'options.entropy').slice();
    if (callerEntropy.length < MIN_ENTROPY_BYTES) {
      throw fail(
        'NO_ENTROPY',
        'no usable entropy (options.entropy has ' + callerEntropy.length +
          ' bytes): pass at least 32 random bytes from the platform\'s secure generator',
      );
    }
  }
  if (!state.platform) {
    throw fail('INTERNAL', 'internal error: mpshield was imported without a loader; import the package, not its sources');
  }
  if (state.trapped) throw afterTrap();
  if (opts.kdfWorker !== undefined) {
    if (typeof opts.kdfWorker !== 'function') throw invalid('options.kdfWorker', 'the function of mpshield/miniprogram-kdf', opts.kdfWorker);
    state.kdf = opts.kdfWorker;
  }
  await load(wasmPath);
  if (suite !== undefined && moduleInfo().suites.indexOf(suite) < 0) {
    throw fail(
      'WASM_LOAD_FAILED',
      'could not load the WebAssembly module: it has no ' + suite + ' suite. Pass the ' + suite + ' phone module to init({ wasmPath }) (README, "国密")',
    );
  }

  let host;
  try {
    host = await state.platform.seed(MIN_ENTROPY_BYTES);
  } catch (e) {
    host = { bytes: null, reason: toMpShieldError(e).message };
  }
  const hostBytes = host && host.bytes ? host.bytes : null;
  if (!callerEntropy && !hostBytes) {
    const reason = host && host.reason ? host.reason : 'the host has no secure random source';
    throw fail(
      'NO_ENTROPY',
      'no usable entropy (' + reason + '): pass init({ entropy }) with at least 32 random bytes from the platform\'s secure generator',
    );
  }
  try {
    if (callerEntropy) feed(callerEntropy);
    if (hostBytes) feed(hostBytes);
  } finally {
    if (callerEntropy) callerEntropy.fill(0);
    if (hostBytes) hostBytes.fill(0);
  }
  state.ready = true;
}

/**
 * What the loaded module carries: `{ suites, relyingParty }` — the suites
 * compiled in ("intl", "gm") and whether issuance and the relying party's
 * calls are in it. Available once the module is loaded (before seeding).
 */
export function moduleInfo() {
  if (!state.loaded) throw notInitialised();
  if (state.trapped) throw afterTrap();
  let info;
  try {
    info = JSON.parse(glueModuleInfo());
  } catch (e) {
    throw convert(e, 'moduleInfo');
  }
  return { suites: info.suites.slice(), relyingParty: info.relyingParty === true };
}

/** Mixes fresh host entropy into the DRBG if the host has some at hand. */
function topUp() {
  let fresh = null;
  try {
    fresh = state.platform.topUp(MIN_ENTROPY_BYTES);
  } catch (e) {
    fresh = null;
  }
  if (!fresh) return;
  try {
    glueAddEntropy(fresh);
  } catch (e) {
    // Best effort: the generator is already seeded. A trap is remembered.
    convert(e, 'entropy top-up');
  } finally {
    fresh.fill(0);
  }
}

/**
 * Wraps a capability's implementation as a public function:
 * - before `init()` it throws NOT_INITIALIZED;
 * - with `{ random: true }` it first mixes fresh host entropy into the DRBG;
 * - anything thrown comes out as an MpShieldError.
 * The implementation checks its own arguments (see args.js). It is called
 * with the wrapper's `this`, so methods of handle classes (keys.js) use it too.
 */
export function fn(impl, opts, named) {
  // fn(name, impl, opts): how scripts/build-pkg.mjs calls it, since
  // minification renames the function expressions.
  if (typeof impl === 'string') return fn(opts, named, impl);
  const random = Boolean(opts && opts.random);
  const name = named || impl.name || 'anonymous';
  const wrapped = function () {
    if (!state.ready) throw notInitialised();
    if (state.trapped) throw afterTrap();
    if (random) topUp();
    try {
      return impl.apply(this, arguments);
    } catch (e) {
      throw convert(e, name);
    }
  };
  Object.defineProperty(wrapped, 'name', { value: name, configurable: true });
  return wrapped;
}

/**
 * The guard of `fn()` on its own, for code that is not a plain function call
 * (constructors): throws NOT_INITIALIZED before `init()`, INTERNAL after a trap.
 */
export function ensureReady() {
  if (!state.ready) throw notInitialised();
  if (state.trapped) throw afterTrap();
}

/** deriveStorageKey's runner from init({ kdfWorker }), or undefined (in-thread). */
export function kdfRunner() {
  return state.kdf;
}

/** Whether an earlier call trapped (handles then stop calling into the module). */
export function hasTrapped() {
  return state.trapped !== null;
}

/** A capability namespace (`idcard`, later `hpke`, `sdjwt`, …): frozen. */
export function namespace(methods) {
  return Object.freeze(methods);
}
