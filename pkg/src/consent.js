// ConsentLog, merkle, checkpoint, consent, deriveStorageKey and storage: the
// device's tamper-evident consent log (RFC 6962 Merkle tree, C2SP signed
// checkpoints, receipts) and its encrypted persistence.
//
// Both suites, one code path: a log's suite is its device key's (EdDSA:
// intl, SHA-256 tree, Ed25519 checkpoints, MPR\x01 receipts, AES/ChaCha
// storage; SM2: gm, SM3 tree, SM2 checkpoints, MPR\x02 receipts, SM4-GCM
// storage). Verifiers follow the public JWK they are given (Ed25519 or
// SM2) and a receipt's own magic; merkle.* take `hash: 'sha256' | 'sm3'`.
// The module checks every suite choice; this file only checks types.
//
// The module does the cryptography and the encoding; this file checks
// arguments, converts proofs (module: one Uint8Array of 32-byte hashes end to
// end; API: Uint8Array[]), JWKs and records (module: JSON text; API:
// objects), and does the asynchronous storage I/O of storage format 2
// (src/consent/commit.rs), for a standalone log as for a Wallet:
//
// save (commitSave): the module plans write-once values (new segments, then
//   a commit under a new generation); they are written and read back, and
//   only then does the save count. A failure burns the generation and is
//   CONSENT_NOT_PERSISTED; a late write can never replace a newer state.
// load (runOpener): the module names the keys to read, probing forward for
//   the newest complete commit, then verifies and rebuilds the log.

import {
  ConsentLog as GlueConsentLog,
  StoreOpener,
  checkpointVerify,
  consentVerifyContinuity,
  consentVerifyReceipt,
  deriveStorageKey as glueDeriveStorageKey,
  merkleLeafHash,
  merkleVerifyConsistency,
  merkleVerifyInclusion,
} from 'mpshield-glue';
import { MpShieldError, fail, hostErrorMessage } from './errors.js';
import { LIMITS, bytes, describe, hasOwn, member, integer, invalid, jsonText, options, required, seconds, string, text } from './args.js';
import { ensureReady, fn, guardError, hasTrapped, kdfRunner, namespace } from './runtime.js';
import { signingKeyHandle } from './keys.js';
import { storageAdapter } from './storage.js';

export { storage } from './storage.js';

const MAX_INDEX = Number.MAX_SAFE_INTEGER;
const index = (v, name) => integer(v, name, 0, MAX_INDEX);
const positive = (v, name) => integer(v, name, 1, MAX_INDEX);

/**
 * The `hash` option of merkle.*: undefined (SHA-256) or a short string; the
 * module accepts 'sha256' and 'sm3' and refuses anything else with
 * INVALID_INPUT.
 */
function hashOption(value, name) {
  if (value === undefined) return undefined;
  return string(value, name, 16);
}

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

function sameBytes(a, b) {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Feeds a store opener every key it asks for, until it wants none. */
export async function runOpener(store, opener, timeoutMs) {
  for (;;) {
    ensureReady();
    const keys = opener.wanted();
    if (keys.length === 0) return;
    for (let i = 0; i < keys.length; i++) {
      const v = await readKey(store, keys[i], 'STORAGE_CORRUPT', timeoutMs);
      ensureReady();
      opener.feed(keys[i], v);
    }
  }
}

/**
 * Writes the head slot; resolves to whether it was written and read back.
 * While the write has not settled (even after its timeout), `s.headBusy`
 * stays set, so that two writes to one slot never race.
 */
async function writeHead(s, key, value) {
  let raw;
  try {
    raw = s.store.set(key, value);
  } catch (e) {
    return false;
  }
  if (raw !== null && typeof raw === 'object' && typeof raw.then === 'function') {
    s.headBusy = true;
    const settled = function () {
      s.headBusy = false;
    };
    Promise.resolve(raw).then(settled, settled);
  }
  try {
    await timed(raw, s.timeoutMs, 'write ' + key);
    return sameBytes(await readKey(s.store, key, 'CONSENT_NOT_PERSISTED', s.timeoutMs), value);
  } catch (e) {
    return false;
  }
}

/**
 * One save in storage format 2 (src/consent/commit.rs): the module plans
 * the write-once values (new segments, then the commit under a new
 * generation); they are written and read back; only then does the save
 * count. A failure burns the generation (an abandoned marker is written,
 * best effort) and is CONSENT_NOT_PERSISTED. The head slot and the removal
 * of superseded keys follow, best effort: the save already counts.
 */
export async function commitSave(s) {
  // free() zeroes s.key; a save in flight finishes with its own copy.
  const key = s.key.slice();
  try {
    return await commitWith(s, key);
  } finally {
    key.fill(0);
  }
}

async function commitWith(s, key) {
  ensureReady();
  const writes = s.g.planSave(key);
  let bytes = 0;
  let attempted = false;
  for (let i = 0; i < writes.length; i++) bytes += writes[i][0].length + writes[i][1].length;
  try {
    const commitKey = writes[writes.length - 1][0];
    if ((await readKey(s.store, commitKey, 'CONSENT_NOT_PERSISTED', s.timeoutMs)) !== undefined) {
      if (!hasTrapped()) s.g.foreignWriter();
      throw fail(
        'CONSENT_NOT_PERSISTED',
        'the consent could not be saved: another writer uses this storage (' + commitKey + ' exists)',
      );
    }
    for (let i = 0; i < writes.length; i++) {
      // From the commit's write on, it may land late: only then is the
      // abandoned marker needed (never over another writer's generation).
      if (i === writes.length - 1) attempted = true;
      await writeKey(s.store, writes[i][0], writes[i][1], s.timeoutMs, 'consent log');
    }
    for (let i = 0; i < writes.length; i++) {
      const back = await readKey(s.store, writes[i][0], 'CONSENT_NOT_PERSISTED', s.timeoutMs);
      if (!sameBytes(back, writes[i][1])) {
        throw fail(
          'CONSENT_NOT_PERSISTED',
          'the consent could not be saved: ' + writes[i][0] + ' did not read back as written; nothing was disclosed',
        );
      }
    }
  } catch (e) {
    if (!hasTrapped()) {
      let marker = null;
      // The generation is burnt either way; the marker only if needed.
      try {
        marker = s.g.saveFailed(key);
      } catch (e2) {
        marker = null;
      }
      if (marker && attempted) {
        try {
          await timed(s.store.set(marker[0], marker[1]), s.timeoutMs, 'write ' + marker[0]);
        } catch (e3) {
          // Best effort: without the marker a late commit may surface on the
          // next open; it only adds the unreleased record.
        }
      }
    }
    throw e;
  }
  ensureReady();
  const head = s.g.saveConfirmed(key, Boolean(s.headBusy));
  const ok = head === null ? false : await writeHead(s, head[0], head[1]);
  ensureReady();
  const stale = s.g.headWritten(ok);
  for (let i = 0; i < stale.length; i++) {
    try {
      await timed(s.store.remove(stale[i]), s.timeoutMs, 'remove ' + stale[i]);
    } catch (e) {
      // Best effort: a left-over key is never read again.
    }
  }
  return { keys: writes.length, bytes };
}

/** One write of `what`; CONSENT_NOT_PERSISTED on failure or timeout. */
export async function writeKey(store, key, value, timeoutMs, what) {
  try {
    await timed(store.set(key, value), timeoutMs, 'write ' + key);
  } catch (e) {
    throw fail(
      'CONSENT_NOT_PERSISTED',
      'the ' + what + ' could not be saved (' + key + '): ' + hostErrorMessage(e) +
        '; the previous saved state is unchanged — do not disclose until a save succeeds. If storage is full, ' +
        'free space: prune the consent log (wallet.prune()) or move it off the phone (wallet.exportLog()), then try again',
      e,
    );
  }
}

/** wrapper → glue ConsentLog, or null once freed. */
const handles = new WeakMap();
/** glue ConsentLog → its saves' state: { g, store, key, timeoutMs, headBusy, running, queue }. */
const saving = new WeakMap();

/**
 * The device's consent log, held inside the module. Made by
 * `ConsentLog.create({ signingKey, origin })` or `await ConsentLog.load(…)`.
 * Its suite is its signing key's: an `EdDSA` key makes an `intl` log, an
 * `SM2` key a `gm` (国密) log (SM3 tree, SM2-signed checkpoints, `MPR\x02`
 * receipts, SM4-GCM storage); `log.suite` says which.
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

/**
 * `ConsentLog.create({ signingKey, origin })`: an empty log whose checkpoints
 * `signingKey` signs under `origin`. An `EdDSA` key makes an `intl` log, an
 * `SM2` key a `gm` one; an `ES256` key is UNSUPPORTED_ALGORITHM.
 */
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

/**
 * `await ConsentLog.load(storage, storageKey, { signingKey, origin,
 * trustedCheckpoint?, timeoutMs? })`: the log saved there, checked against
 * `signingKey` (of the stored log's suite: an SM2 key for a gm log, else
 * UNSUPPORTED_ALGORITHM) and, when given, `trustedCheckpoint`.
 */
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
    const opener = StoreOpener.create(key, true);
    try {
      await runOpener(store, opener, timeoutMs);
      ensureReady();
      if (opener.isEmpty()) {
        if (trusted !== undefined) throw fail('ROLLBACK_DETECTED', 'the stored log is gone although a trusted checkpoint exists');
        throw fail('STORAGE_CORRUPT', 'storage is corrupt: no saved consent log');
      }
      // The key handle is looked up again: it may have been freed meanwhile.
      const glueKey = signingKeyHandle(signingKey, 'options.signingKey');
      const g = GlueConsentLog.fromStore(opener, glueKey, origin, trusted);
      saving.set(g, { g, bound: adapter, headBusy: false, running: 0, queue: Promise.resolve() });
      return wrap(g);
    } finally {
      key.fill(0);
      if (!hasTrapped()) opener.free();
    }
  }),
);

/** The log's suite, its device key's: `'intl'` (EdDSA) or `'gm'` (SM2). */
Object.defineProperty(ConsentLog.prototype, 'suite', {
  get: fn(function suite() {
    return handle(this).suite;
  }),
  enumerable: false,
  configurable: false,
});

/** Number of records. */
Object.defineProperty(ConsentLog.prototype, 'size', {
  get: fn(function size() {
    return handle(this).size;
  }),
  enumerable: false,
  configurable: false,
});

/** How many leading records are pruned (`log.prune`): the log holds records `pruned … size − 1`. */
Object.defineProperty(ConsentLog.prototype, 'pruned', {
  get: fn(function pruned() {
    return handle(this).pruned;
  }),
  enumerable: false,
  configurable: false,
});

/** The `{ upTo, now }` options of `log.prune` / `wallet.prune`, checked: [upTo | undefined, now | undefined]. */
export function pruneOptions(args, where) {
  const o = options(args, where + ' options', ['upTo', 'now']);
  return [
    o.upTo === undefined ? undefined : index(o.upTo, 'options.upTo'),
    o.now === undefined ? undefined : seconds(o.now, 'options.now'),
  ];
}

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
  /**
   * Drops the bodies of records no longer needed, in memory (the next
   * `save` writes it): the longest prefix, up to `upTo` records (default:
   * all), holding no consent in force at `now` (default: now), no device
   * record, and no record a later kept one refers to. The log keeps its
   * size, root and the frontier of the pruned prefix. Returns `{ from, to,
   * records, stop }`: the pruned prefix's size before and after, how many
   * records went, and why it stopped (`"upTo"`, `"inForce"`,
   * `"deviceRecord"`, `"referenced"`).
   */
  prune: fn(function prune(args) {
    const h = handle(this);
    const [upTo, now] = pruneOptions(args, 'log.prune');
    return h.prune(upTo, now);
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
   * Saves what is new in the log, encrypted under `storageKey` (32 bytes),
   * through the adapter (storage format 2; saves of one log run one at a
   * time). A save to another storage than the last one writes the whole log
   * there afresh (CONSENT_NOT_PERSISTED if that storage already holds a
   * log). Resolves to `{ keys, bytes }`: how many keys this save wrote and
   * their size (key lengths plus value bytes). `options.timeoutMs` (default
   * 10000, 1…600000): a storage call slower than that fails the save
   * (CONSENT_NOT_PERSISTED).
   */
  save: asyncFn(
    async function save(adapter, storageKey, args) {
      const h = handle(this);
      const store = storageAdapter(adapter, 'storage');
      const key = bytes(storageKey, 'storageKey').slice();
      const o = options(args, 'log.save options', ['timeoutMs']);
      const timeoutMs = timeoutOption(o.timeoutMs, 'options.timeoutMs');
      let s = saving.get(h);
      if (s === undefined) {
        s = { g: h, bound: adapter, headBusy: false, running: 0, queue: Promise.resolve() };
        saving.set(h, s);
      }
      s.running++;
      const run = s.queue.then(function () {
        if (s.bound !== adapter) {
          // Another storage: everything is written there afresh (refused
          // if it already holds a log); later saves go there.
          ensureReady();
          h.restartStore();
          s.bound = adapter;
          s.headBusy = false;
        }
        s.store = store;
        s.key = key;
        s.timeoutMs = timeoutMs;
        return commitSave(s);
      });
      s.queue = run.then(
        function () {
          s.running--;
          key.fill(0);
        },
        function () {
          s.running--;
          key.fill(0);
        },
      );
      return run;
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
  const s = saving.get(h);
  // A save in flight finishes first: the module object is released after it.
  if (s !== undefined && s.running > 0) {
    s.queue.then(function () {
      try {
        release(h);
      } catch (e) {
        // free() never throws; a trap is recorded by release
      }
    });
    return;
  }
  release(h);
}
function release(h) {
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
  /**
   * RFC 6962 leaf hash H(0x00 ‖ data): `options.hash` `'sha256'` (default,
   * intl logs) or `'sm3'` (gm logs); anything else is INVALID_INPUT.
   */
  leafHash: fn(function leafHash(data, args) {
    const d = bytes(data, 'data');
    const o = options(args, 'merkle.leafHash options', ['hash']);
    return merkleLeafHash(d, hashOption(o.hash, 'options.hash'));
  }),
  /**
   * `true`, or throws INVALID_PROOF (INVALID_INPUT for malformed arguments).
   * `hash`: `'sha256'` (default) or `'sm3'`, the tree's hash.
   */
  verifyInclusion: fn(function verifyInclusion(args) {
    const o = options(args, 'merkle.verifyInclusion options', ['leafHash', 'index', 'treeSize', 'proof', 'root', 'hash']);
    const w = 'merkle.verifyInclusion';
    return merkleVerifyInclusion(
      hashArg(required(o, 'leafHash', w), 'options.leafHash'),
      index(required(o, 'index', w), 'options.index'),
      index(required(o, 'treeSize', w), 'options.treeSize'),
      proofArg(required(o, 'proof', w), 'options.proof'),
      hashArg(required(o, 'root', w), 'options.root'),
      hashOption(o.hash, 'options.hash'),
    );
  }),
  /**
   * `true`, or throws INVALID_PROOF (INVALID_INPUT for malformed arguments).
   * `hash`: `'sha256'` (default) or `'sm3'`, the trees' hash.
   */
  verifyConsistency: fn(function verifyConsistency(args) {
    const o = options(args, 'merkle.verifyConsistency options', ['oldSize', 'newSize', 'oldRoot', 'newRoot', 'proof', 'hash']);
    const w = 'merkle.verifyConsistency';
    return merkleVerifyConsistency(
      index(required(o, 'oldSize', w), 'options.oldSize'),
      index(required(o, 'newSize', w), 'options.newSize'),
      hashArg(required(o, 'oldRoot', w), 'options.oldRoot'),
      hashArg(required(o, 'newRoot', w), 'options.newRoot'),
      proofArg(required(o, 'proof', w), 'options.proof'),
      hashOption(o.hash, 'options.hash'),
    );
  }),
});

export const checkpoint = namespace({
  /**
   * Verifies a signed checkpoint note: `{ origin, size, root }`. `publicJwk`:
   * the device's Ed25519 JWK (intl) or SM2 JWK `{ kty: 'EC', crv: 'SM2', x,
   * y }` (gm: an SM2 signature over an SM3 root); a key of the other suite
   * finds no signature by it (INVALID_CHECKPOINT).
   */
  verify: fn(function verify(note, publicJwk, origin) {
    return checkpointVerify(string(note, 'note'), jsonText(publicJwk, 'publicJwk'), text(origin, 'origin'));
  }),
});

export const consent = namespace({
  /**
   * Verifies a receipt: `{ record, index, checkpoint: { origin, size, root,
   * note } }`. The receipt's magic says its suite (`MPR\x01` intl, `MPR\x02`
   * gm); it must be the suite of `devicePublicJwk` (Ed25519 / SM2), else
   * INVALID_RECEIPT.
   */
  verifyReceipt: fn(function verifyReceipt(receipt, devicePublicJwk) {
    const v = consentVerifyReceipt(bytes(receipt, 'receipt'), jsonText(devicePublicJwk, 'devicePublicJwk'));
    v.record = JSON.parse(v.record);
    return v;
  }),
  /**
   * Checks that a device's log continues a checkpoint the relying party
   * holds, across moves to new phones: `{ proof, checkpoint,
   * devicePublicJwk, origin }` (the JWK that signed `checkpoint`; `proof`
   * from `wallet.continuityProof(checkpoint)`). Returns `{ devicePublicJwk,
   * checkpoint, restored }`: the current key and checkpoint, and `null` or
   * `{ fromSize, lostSize }` when a signed `restored` record declares that
   * records after `fromSize` were lost. A fork is ROLLBACK_DETECTED.
   * Either suite: `devicePublicJwk` Ed25519 or SM2 (in and out; the
   * returned JWK has no `kid`, as `wallet.devicePublicJwk()`).
   */
  verifyContinuity: fn(function verifyContinuity(args) {
    const o = options(args, 'verifyContinuity options', ['proof', 'checkpoint', 'devicePublicJwk', 'origin']);
    const w = 'consent.verifyContinuity';
    const v = consentVerifyContinuity(
      bytes(required(o, 'proof', w), 'options.proof'),
      text(required(o, 'checkpoint', w), 'options.checkpoint'),
      jsonText(required(o, 'devicePublicJwk', w), 'options.devicePublicJwk'),
      text(required(o, 'origin', w), 'options.origin'),
    );
    const r = v.restored;
    return {
      devicePublicJwk: JSON.parse(v.devicePublicJwk),
      checkpoint: v.checkpoint,
      restored: r === null ? null : { fromSize: r[0], lostSize: r[1] },
    };
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
 * the defaults on iPhones, where WeChat interprets WebAssembly) — unless a
 * mini-program passed init({ kdfWorker }): then it runs in a WeChat Worker
 * (pkg/src/kdf-client.cjs), with the same bounds and the same key.
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
  const worker = kdfRunner();
  if (worker) return worker({ pin: pinBytes || new TextEncoder().encode(pinText), salt, memoryKib, iterations, parallelism });
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
