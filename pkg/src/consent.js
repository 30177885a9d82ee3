// ConsentLog, merkle, checkpoint, consent, deriveStorageKey and storage: the
// device's tamper-evident consent log (RFC 6962 Merkle tree, C2SP signed
// checkpoints, receipts) and its encrypted persistence.
//
// The module does the cryptography and the encoding; this file checks
// arguments, converts proofs (module: one Uint8Array of 32-byte hashes end to
// end; API: Uint8Array[]), JWKs and records (module: JSON text; API:
// objects), and
// does the asynchronous storage I/O around the
// module's synchronous toSegments / fromSegments:
//
// save: read the old manifest (to learn the old segment keys), write the new
//   data segments, then the new manifest, then remove the old segments. A save
//   that fails before the manifest is written leaves the previous state
//   readable; any failure to write is CONSENT_NOT_PERSISTED.
// load: read the manifest, the segment keys it names (stopping at the first
//   missing one), then let the module verify and rebuild the log.

import {
  ConsentLog as GlueConsentLog,
  checkpointVerify,
  consentManifestKey,
  consentSegmentKeys,
  consentVerifyReceipt,
  deriveStorageKey as glueDeriveStorageKey,
  merkleLeafHash,
  merkleVerifyConsistency,
  merkleVerifyInclusion,
} from 'mpshield-glue';
import { MpShieldError, fail, hostErrorMessage } from './errors.js';
import { LIMITS, bytes, describe, hasOwn, member, integer, invalid, jsonText, options, required, seconds, string, text } from './args.js';
import { ensureReady, fn, guardError, hasTrapped, namespace } from './runtime.js';
import { signingKeyHandle } from './keys.js';
import { storageAdapter } from './storage.js';

export { storage } from './storage.js';

const MAX_INDEX = Number.MAX_SAFE_INTEGER;
const index = (v, name) => integer(v, name, 0, MAX_INDEX);
const positive = (v, name) => integer(v, name, 1, MAX_INDEX);

/** Splits the module's concatenated proof into 32-byte hashes. */
function split(flat) {
  const out = [];
  for (let i = 0; i < flat.length; i += 32) out.push(flat.slice(i, i + 32));
  return out;
}

/** An array of 32-byte hashes, joined for the module. */
function proofArg(value, name) {
  let isArray = false;
  try {
    isArray = Array.isArray(value);
  } catch (e) {
    isArray = false;
  }
  if (!isArray) throw invalid(name, 'an array of 32-byte Uint8Arrays', value);
  // Read inside try: a Proxy over an array may throw anything (even a
  // RangeError, which must not pass for a trap of the module).
  let elements;
  try {
    const n = value.length;
    if (!(n <= 64)) throw fail('INVALID_INPUT', 'invalid input: ' + name + ' has ' + n + ' hashes (at most 64)');
    elements = [];
    for (let i = 0; i < n; i++) elements.push(hasOwn(value, i) ? value[i] : undefined);
  } catch (e) {
    if (e instanceof MpShieldError) throw e;
    throw invalid(name, 'a readable array of 32-byte Uint8Arrays', value);
  }
  const out = new Uint8Array(32 * elements.length);
  for (let i = 0; i < elements.length; i++) {
    const h = bytes(elements[i], name + '[' + i + ']');
    if (h.length !== 32) throw invalid(name + '[' + i + ']', '32 bytes', elements[i]);
    out.set(h, 32 * i);
  }
  return out;
}

function hashArg(value, name) {
  const h = bytes(value, name);
  if (h.length !== 32) throw fail('INVALID_INPUT', 'invalid input: ' + name + ' must be 32 bytes, got ' + h.length);
  return h;
}

/**
 * Like fn(), for functions that return a Promise: NOT_INITIALIZED is thrown
 * at once, as by every other function before init(); every other failure,
 * wrong arguments included, rejects the Promise.
 */
export function asyncFn(impl, opts, named) {
  if (typeof impl === 'string') return asyncFn(opts, named, impl);
  const name = named || impl.name;
  const sync = fn(impl, opts, name);
  const wrapped = function () {
    ensureReady();
    const self = this;
    const args = arguments;
    return new Promise(function (resolve) {
      resolve(sync.apply(self, args));
    }).catch(function (e) {
      // The same conversion as fn()'s: a trap after an await is recorded too.
      throw guardError(e, name);
    });
  };
  Object.defineProperty(wrapped, 'name', { value: name, configurable: true });
  return wrapped;
}

/** Reads a key through an adapter: bytes or undefined; `code` on failure. */
export async function readKey(adapter, key, code, timeoutMs) {
  let v;
  try {
    v = await timed(adapter.get(key), timeoutMs, 'read ' + key);
  } catch (e) {
    throw fail(code, 'the storage adapter failed to read ' + key + ': ' + hostErrorMessage(e), e);
  }
  if (v === undefined || v === null) return undefined;
  return storedBytes(v, key);
}

/**
 * A value a storage adapter returned for `key`, copied: anything but bytes
 * (a string, a number, an object, bytes over LIMITS.storedValue) is
 * STORAGE_CORRUPT — whatever is stored is not what mpshield wrote.
 */
export function storedBytes(v, key) {
  try {
    return bytes(v, 'stored value', LIMITS.storedValue).slice();
  } catch (e) {
    throw fail('STORAGE_CORRUPT', 'the stored data is corrupt: ' + key + ' does not hold bytes (got ' + describe(v) + '); restore it from a backup');
  }
}

/** Default and range of every storage and nonce-store timeout, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10000;
export const MAX_TIMEOUT_MS = 600000;

/** An optional `timeoutMs`-style option: DEFAULT_TIMEOUT_MS, or an integer 1…MAX_TIMEOUT_MS. */
export function timeoutOption(value, name) {
  return value === undefined ? DEFAULT_TIMEOUT_MS : integer(value, name, 1, MAX_TIMEOUT_MS);
}

// --- ConsentLog ------------------------------------------------------------------

/**
 * `p` (a value or a Promise), failing with an INVALID_STATE timeout error
 * ("<subject> did not <what> within <ms> ms"; `subject` defaults to "the
 * storage adapter") after `ms` milliseconds when `ms` is given.
 */
export function timed(p, ms, what, subject) {
  if (ms === undefined || p === null || typeof p !== 'object' || typeof p.then !== 'function') return p;
  return new Promise(function (resolve, reject) {
    const t = setTimeout(function () {
      reject(fail('INVALID_STATE', (subject || 'the storage adapter') + ' did not ' + what + ' within ' + ms + ' ms'));
    }, ms);
    p.then(function (v) {
      clearTimeout(t);
      resolve(v);
    }, function (e) {
      clearTimeout(t);
      reject(e);
    });
  });
}

/** The stored log's manifest and segments, by key (a Map). */
export async function readSegments(store, timeoutMs) {
  const found = new Map();
  const manifestKey = consentManifestKey();
  const manifest = await readKey(store, manifestKey, 'STORAGE_CORRUPT', timeoutMs);
  if (manifest !== undefined) {
    found.set(manifestKey, manifest);
    const keys = consentSegmentKeys(manifest);
    for (let i = 0; i < keys.length; i++) {
      const v = await readKey(store, keys[i], 'STORAGE_CORRUPT', timeoutMs);
      if (v === undefined) break; // the module reports the missing segment
      found.set(keys[i], v);
    }
  }
  return found;
}

/** The adapter's largest value (`maxValueBytes`), if it declares one. */
export function segmentLimit(store) {
  let limit;
  try {
    limit = member(store, 'maxValueBytes');
  } catch (e) {
    limit = undefined;
  }
  return typeof limit === 'number' ? integer(limit, 'storage.maxValueBytes', 4096, 0xffffffff) : undefined;
}

/**
 * Writes `segments` ([key, bytes] pairs, manifest last) through `store`,
 * then removes the previous save's stale segments. A failed (or, with
 * `timeoutMs`, slow) write is CONSENT_NOT_PERSISTED, and the previous saved
 * state is still the one on record. Resolves to `{ keys, bytes }`.
 */
export async function writeSegments(store, segments, timeoutMs) {
  const manifestKey = consentManifestKey();
  const written = new Set();
  let total = 0;
  for (let i = 0; i < segments.length; i++) {
    written.add(segments[i][0]);
    total += segments[i][0].length + segments[i][1].length;
  }
  // The segments of the state being replaced, removed once the new
  // manifest is in place.
  let old = [];
  const oldManifest = await readKey(store, manifestKey, 'CONSENT_NOT_PERSISTED', timeoutMs);
  if (oldManifest !== undefined) {
    try {
      old = consentSegmentKeys(oldManifest);
    } catch (e) {
      old = [];
    }
  }
  for (let i = 0; i < segments.length; i++) {
    await writeKey(store, segments[i][0], segments[i][1], timeoutMs, 'consent log');
  }
  for (let i = 0; i < old.length; i++) {
    if (written.has(old[i])) continue;
    try {
      await timed(store.remove(old[i]), timeoutMs, 'remove ' + old[i]);
    } catch (e) {
      // Best effort: the new state is saved; a left-over segment of the
      // old one is unreadable garbage under another state id.
    }
  }
  return { keys: segments.length, bytes: total };
}

/** One write of `what`; CONSENT_NOT_PERSISTED on failure or timeout. */
export async function writeKey(store, key, value, timeoutMs, what) {
  try {
    await timed(store.set(key, value), timeoutMs, 'write ' + key);
  } catch (e) {
    throw fail(
      'CONSENT_NOT_PERSISTED',
      'the ' + what + ' could not be saved (' + key + '): ' + hostErrorMessage(e) +
        '; the previous saved state is unchanged — do not disclose until a save succeeds',
      e,
    );
  }
}

/** wrapper → glue ConsentLog, or null once freed. */
const handles = new WeakMap();

/**
 * The device's consent log, held inside the module. Made by
 * `ConsentLog.create({ signingKey, origin })` or `await ConsentLog.load(…)`.
 */
export class ConsentLog {
  constructor() {
    ensureReady();
    throw fail(
      'INVALID_INPUT',
      'invalid input: ConsentLog has no public constructor; use ConsentLog.create({ signingKey, origin }) or ConsentLog.load(storage, storageKey, options)',
    );
  }
}

function wrap(glueLog) {
  const log = Object.create(ConsentLog.prototype);
  handles.set(log, glueLog);
  return log;
}

function handle(value) {
  const h = (typeof value === 'object' && value !== null) ? handles.get(value) : undefined;
  if (h === undefined) {
    throw fail('INVALID_INPUT', 'invalid input: this must be a ConsentLog, got ' + describe(value));
  }
  if (h === null) {
    throw fail('INVALID_INPUT', 'invalid input: the ConsentLog has been freed (log.free()); it can no longer be used');
  }
  return h;
}

function method(target, name, value) {
  Object.defineProperty(target, name, { value, writable: false, enumerable: false, configurable: false });
}

method(
  ConsentLog,
  'create',
  fn(function create(args) {
    const o = options(args, 'ConsentLog.create options', ['signingKey', 'origin']);
    const key = signingKeyHandle(required(o, 'signingKey', 'ConsentLog.create'), 'options.signingKey');
    const origin = text(required(o, 'origin', 'ConsentLog.create'), 'options.origin');
    return wrap(GlueConsentLog.create(key, origin));
  }),
);

method(
  ConsentLog,
  'load',
  asyncFn(async function load(adapter, storageKey, args) {
    const store = storageAdapter(adapter, 'storage');
    const key = bytes(storageKey, 'storageKey').slice();
    const o = options(args, 'ConsentLog.load options', ['signingKey', 'origin', 'trustedCheckpoint', 'timeoutMs']);
    const timeoutMs = timeoutOption(o.timeoutMs, 'options.timeoutMs');
    const signingKey = required(o, 'signingKey', 'ConsentLog.load');
    signingKeyHandle(signingKey, 'options.signingKey');
    const origin = text(required(o, 'origin', 'ConsentLog.load'), 'options.origin');
    const trusted = o.trustedCheckpoint === undefined ? undefined : text(o.trustedCheckpoint, 'options.trustedCheckpoint');
    try {
      const found = await readSegments(store, timeoutMs);
      ensureReady();
      // The key handle is looked up again: it may have been freed meanwhile.
      const glueKey = signingKeyHandle(signingKey, 'options.signingKey');
      return wrap(GlueConsentLog.fromSegments(function (k) {
        return found.get(k);
      }, key, glueKey, origin, trusted));
    } finally {
      key.fill(0);
    }
  }),
);

Object.defineProperty(ConsentLog.prototype, 'size', {
  get: fn(function size() {
    return handle(this).size;
  }),
  enumerable: false,
  configurable: false,
});

const methods = {
  /** Appends a record (CONTRACT.md shape); returns `{ index, leafHash }`. */
  append: fn(
    function append(record) {
      const h = handle(this);
      return h.append(jsonText(record, 'record'));
    },
    { random: true },
  ),
  /** Appends a `withdrawn` record for `recordId` at `time` (default now). */
  withdraw: fn(
    function withdraw(recordId, time) {
      const h = handle(this);
      const id = string(recordId, 'recordId');
      return h.withdraw(id, time === undefined ? undefined : seconds(time, 'time'));
    },
    { random: true },
  ),
  root: fn(function root() {
    return handle(this).root();
  }),
  checkpoint: fn(function checkpoint() {
    return handle(this).checkpoint();
  }),
  inclusionProof: fn(function inclusionProof(i, treeSize) {
    const h = handle(this);
    return split(h.inclusionProof(index(i, 'index'), treeSize === undefined ? undefined : positive(treeSize, 'treeSize')));
  }),
  consistencyProof: fn(function consistencyProof(oldSize, newSize) {
    const h = handle(this);
    return split(h.consistencyProof(positive(oldSize, 'oldSize'), newSize === undefined ? undefined : positive(newSize, 'newSize')));
  }),
  get: fn(function get(i) {
    return JSON.parse(handle(this).get(index(i, 'index')));
  }),
  receipt: fn(function receipt(i) {
    return handle(this).receipt(index(i, 'index'));
  }),
  status: fn(function status(now) {
    return handle(this).status(now === undefined ? undefined : seconds(now, 'now'));
  }),
  history: fn(function history(args) {
    const h = handle(this);
    const o = options(args, 'history options', ['locale', 'timeZone']);
    const entries = h.history(
      o.locale === undefined ? undefined : string(o.locale, 'options.locale'),
      o.timeZone === undefined ? undefined : string(o.timeZone, 'options.timeZone'),
    );
    for (let i = 0; i < entries.length; i++) entries[i].record = JSON.parse(entries[i].record);
    return entries;
  }),
  /**
   * Encrypts the log under `storageKey` (32 bytes) and writes it through the
   * adapter. Resolves to `{ keys, bytes }`: how many keys the saved state
   * uses and their total size (key lengths plus value bytes, before any
   * encoding the adapter applies). `options.timeoutMs` (default 10000,
   * 1…600000): a storage call slower than that fails the save
   * (CONSENT_NOT_PERSISTED).
   */
  save: asyncFn(
    async function save(adapter, storageKey, args) {
      const h = handle(this);
      const store = storageAdapter(adapter, 'storage');
      const key = bytes(storageKey, 'storageKey');
      const o = options(args, 'log.save options', ['timeoutMs']);
      const timeoutMs = timeoutOption(o.timeoutMs, 'options.timeoutMs');
      return writeSegments(store, h.toSegments(key, segmentLimit(store)), timeoutMs);
    },
    { random: true },
  ),
};

const names = Object.keys(methods);
for (let i = 0; i < names.length; i++) method(ConsentLog.prototype, names[i], methods[names[i]]);

/** Releases the log inside the module. Idempotent; never throws for a ConsentLog. */
function free() {
  const h = typeof this === 'object' && this !== null ? handles.get(this) : undefined;
  if (h === undefined) {
    throw fail('INVALID_INPUT', 'invalid input: free() must be called on a ConsentLog, got ' + describe(this));
  }
  if (h === null) return;
  handles.set(this, null);
  if (hasTrapped()) return;
  try {
    h.free();
  } catch (e) {
    throw guardError(e, 'free');
  }
}
method(ConsentLog.prototype, 'free', free);
if (typeof Symbol === 'function' && typeof Symbol.dispose === 'symbol') {
  method(ConsentLog.prototype, Symbol.dispose, free);
}
if (typeof Symbol === 'function' && typeof Symbol.toStringTag === 'symbol') {
  Object.defineProperty(ConsentLog.prototype, Symbol.toStringTag, { value: 'ConsentLog', configurable: false });
}
Object.defineProperty(ConsentLog, 'name', { value: 'ConsentLog', configurable: true });
Object.freeze(ConsentLog.prototype);
Object.freeze(ConsentLog);

// --- merkle, checkpoint, consent ------------------------------------------------------

export const merkle = namespace({
  /** RFC 6962 leaf hash: SHA-256(0x00 ‖ data). */
  leafHash: fn(function leafHash(data) {
    return merkleLeafHash(bytes(data, 'data'));
  }),
  /** `true`, or throws INVALID_PROOF (INVALID_INPUT for malformed arguments). */
  verifyInclusion: fn(function verifyInclusion(args) {
    const o = options(args, 'merkle.verifyInclusion options', ['leafHash', 'index', 'treeSize', 'proof', 'root']);
    const w = 'merkle.verifyInclusion';
    return merkleVerifyInclusion(
      hashArg(required(o, 'leafHash', w), 'options.leafHash'),
      index(required(o, 'index', w), 'options.index'),
      index(required(o, 'treeSize', w), 'options.treeSize'),
      proofArg(required(o, 'proof', w), 'options.proof'),
      hashArg(required(o, 'root', w), 'options.root'),
    );
  }),
  /** `true`, or throws INVALID_PROOF (INVALID_INPUT for malformed arguments). */
  verifyConsistency: fn(function verifyConsistency(args) {
    const o = options(args, 'merkle.verifyConsistency options', ['oldSize', 'newSize', 'oldRoot', 'newRoot', 'proof']);
    const w = 'merkle.verifyConsistency';
    return merkleVerifyConsistency(
      index(required(o, 'oldSize', w), 'options.oldSize'),
      index(required(o, 'newSize', w), 'options.newSize'),
      hashArg(required(o, 'oldRoot', w), 'options.oldRoot'),
      hashArg(required(o, 'newRoot', w), 'options.newRoot'),
      proofArg(required(o, 'proof', w), 'options.proof'),
    );
  }),
});

export const checkpoint = namespace({
  /** Verifies a signed checkpoint note: `{ origin, size, root }`. */
  verify: fn(function verify(note, publicJwk, origin) {
    return checkpointVerify(string(note, 'note'), jsonText(publicJwk, 'publicJwk'), text(origin, 'origin'));
  }),
});

export const consent = namespace({
  /** Verifies a receipt: `{ record, index, checkpoint: { origin, size, root, note } }`. */
  verifyReceipt: fn(function verifyReceipt(receipt, devicePublicJwk) {
    const v = consentVerifyReceipt(bytes(receipt, 'receipt'), jsonText(devicePublicJwk, 'devicePublicJwk'));
    v.record = JSON.parse(v.record);
    return v;
  }),
});

/**
 * A 32-byte storage key from a PIN or passphrase (string or bytes) and a
 * 16–64-byte salt, by Argon2id. `params`: `{ memoryKib, iterations,
 * parallelism }`, defaults 12 MiB, 3, 1 (see docs/FORMAT.md for the cost),
 * bounded by LIMITS.argon2 (INVALID_INPUT beyond).
 *
 * The arguments are checked (and copied) at once; the Argon2 computation
 * runs in a later task (setTimeout 0), after this function has returned its
 * Promise, so the caller can first show a spinner. It still runs on the
 * calling thread and occupies it for its whole duration (about 1.5 s with
 * the defaults on iPhones, where WeChat interprets WebAssembly): call it
 * from a worker if the page must stay responsive.
 */
export const deriveStorageKey = asyncFn(function deriveStorageKey(args) {
  const o = options(args, 'deriveStorageKey options', ['pin', 'salt', 'params']);
  const pin = required(o, 'pin', 'deriveStorageKey');
  const salt = bytes(required(o, 'salt', 'deriveStorageKey'), 'options.salt', 64).slice();
  const p = options(o.params, 'options.params', ['memoryKib', 'iterations', 'parallelism']);
  const bound = (v, name, max) => (v === undefined ? undefined : integer(v, name, 1, max));
  const memoryKib = bound(p.memoryKib, 'options.params.memoryKib', LIMITS.argon2.maxMemoryKib);
  const iterations = bound(p.iterations, 'options.params.iterations', LIMITS.argon2.maxIterations);
  const parallelism = bound(p.parallelism, 'options.params.parallelism', LIMITS.argon2.maxParallelism);
  let pinText;
  let pinBytes;
  if (typeof pin === 'string') pinText = text(pin, 'options.pin');
  else pinBytes = bytes(pin, 'options.pin', LIMITS.text).slice();
  return later(function () {
    ensureReady();
    try {
      return glueDeriveStorageKey(pinText, pinBytes, salt, memoryKib, iterations, parallelism);
    } finally {
      if (pinBytes) pinBytes.fill(0);
    }
  });
});

/** `f()` in a later macrotask (after pending timers and I/O callbacks), as a Promise. */
function later(f) {
  return new Promise(function (resolve) {
    setTimeout(resolve, 0);
  }).then(f);
}
