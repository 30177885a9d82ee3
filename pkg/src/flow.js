// The disclosure flow: Verifier (relying party) and Wallet (phone).
//
// The module does every check and every cryptographic step; this layer owns
// what is asynchronous: storage (with timeouts), the order of saves (one at
// a time per wallet) and the relying party's nonce store. wallet.respond()
// seals nothing until the consent record is saved: the module holds the
// answer as "pending" until markPersisted(), and takes the record back out
// of memory (abortRespond) when the save fails.

import { FlowVerifier as GlueVerifier, FlowWallet as GlueWallet, StoreOpener } from 'mpshield-glue';
import { fail, hostErrorMessage } from './errors.js';
import { boolean, bytes, describe, integer, invalid, json, jsonText, member, options, required, text } from './args.js';
import { ensureReady, fn, guardError, hasTrapped } from './runtime.js';
import { signingKeyHandle } from './keys.js';
import { storageAdapter } from './storage.js';
import { asyncFn, commitSave, pruneOptions, runOpener, timed, timeoutOption } from './consent.js';
import { suiteOption } from './seal.js';

/** wrapper → { g: glue object, … } or null once freed. */
const handles = new WeakMap();

function state(self, name) {
  const s = (typeof self === 'object' && self !== null) ? handles.get(self) : undefined;
  if (s === undefined) throw fail('INVALID_INPUT', 'invalid input: this must be a ' + name + ', got ' + describe(self));
  if (s === null) throw fail('INVALID_INPUT', 'invalid input: the ' + name + ' has been freed (free()); it can no longer be used');
  return s;
}

function jwkList(value, name) {
  let ok = false;
  try {
    ok = Array.isArray(value);
  } catch (e) {
    ok = false;
  }
  if (!ok) throw invalid(name, 'an array of public JWKs', value);
  return jsonText(value, name, 'array');
}

/** Defines `methods` (and free / Symbol.dispose) on `Cls.prototype`, then freezes the class. */
function defineClass(Cls, name, methods) {
  const keys = Object.keys(methods);
  for (let i = 0; i < keys.length; i++) {
    Object.defineProperty(Cls.prototype, keys[i], { value: methods[keys[i]], writable: false, enumerable: false, configurable: false });
  }
  function free() {
    const s = (typeof this === 'object' && this !== null) ? handles.get(this) : undefined;
    if (s === undefined) throw fail('INVALID_INPUT', 'invalid input: free() must be called on a ' + name + ', got ' + describe(this));
    if (s === null) return;
    handles.set(this, null);
    s.freed = true;
    if (s.key) s.key.fill(0);
    if (s.running > 0) {
      // A wallet's storage operation is in flight (awaiting the adapter):
      // it sees `freed` after its await and stops (INVALID_STATE) without
      // touching the module object, which is released once the queue is
      // idle, so nothing is ever half-applied or used after free. Queued
      // operations that have not started see `freed` and do nothing.
      s.queue.then(function () {
        try {
          release(s.g);
        } catch (e) {
          // free() never throws; a trap is recorded by release
        }
      });
      return;
    }
    release(s.g);
  }
  function release(g) {
    if (hasTrapped()) return;
    try {
      g.free();
    } catch (e) {
      throw guardError(e, 'free');
    }
  }
  Object.defineProperty(Cls.prototype, 'free', { value: free, writable: false, enumerable: false, configurable: false });
  if (typeof Symbol === 'function' && typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(Cls.prototype, Symbol.dispose, { value: free, writable: false, enumerable: false, configurable: false });
  }
  if (typeof Symbol === 'function' && typeof Symbol.toStringTag === 'symbol') {
    Object.defineProperty(Cls.prototype, Symbol.toStringTag, { value: name, configurable: false });
  }
  Object.defineProperty(Cls, 'name', { value: name, configurable: true });
  Object.freeze(Cls.prototype);
  Object.freeze(Cls);
}

// --- nonce store -------------------------------------------------------------------

/**
 * The default nonce store: in memory, forgetting each nonce once its request
 * has expired (a response to an expired request is refused anyway). A
 * server with several processes passes a shared one (e.g. Redis SET NX).
 */
function memoryNonceStore() {
  const seen = new Map();
  return {
    consume(nonce, expiresAt) {
      const now = Date.now() / 1000 - 60;
      seen.forEach(function (exp, n) {
        if (exp < now) seen.delete(n);
      });
      if (seen.has(nonce)) return false;
      seen.set(nonce, expiresAt);
      return true;
    },
  };
}

// --- Verifier ----------------------------------------------------------------------

/**
 * A relying party (hotel, department): signs requests and opens the sealed
 * answers. Made by `Verifier.create({ suite = 'intl', name, uscc, signingKey,
 * hpkeKeyPair, trustedIssuers, nonceStore? })`; with `suite: 'gm'` the
 * signing key is SM2 and `hpkeKeyPair` an SM2 pair, and its requests say so.
 */
export class Verifier {
  constructor() {
    ensureReady();
    throw fail('INVALID_INPUT', 'invalid input: Verifier has no public constructor; use Verifier.create(options)');
  }
}

Object.defineProperty(Verifier, 'create', {
  value: fn(function create(args) {
    const o = options(args, 'Verifier.create options', [
      'suite', 'name', 'uscc', 'signingKey', 'hpkeKeyPair', 'trustedIssuers', 'nonceStore', 'nonceStoreTimeoutMs',
    ]);
    const where = 'Verifier.create';
    const suite = suiteOption(o.suite, 'options.suite');
    const kp = options(required(o, 'hpkeKeyPair', where), 'options.hpkeKeyPair', ['publicKey', 'secretKey']);
    const secret = bytes(required(kp, 'secretKey', where + ' hpkeKeyPair'), 'options.hpkeKeyPair.secretKey');
    const pub = kp.publicKey === undefined ? undefined : bytes(kp.publicKey, 'options.hpkeKeyPair.publicKey').slice();
    const store = o.nonceStore === undefined ? memoryNonceStore() : o.nonceStore;
    // consume() may come from a class, not from Object.prototype.
    let ok = false;
    try {
      ok = typeof store === 'object' && store !== null && typeof member(store, 'consume') === 'function';
    } catch (e) {
      ok = false;
    }
    if (!ok) throw invalid('options.nonceStore', 'an object with consume(nonce, expiresAt)', store);
    const nonceTimeoutMs = timeoutOption(o.nonceStoreTimeoutMs, 'options.nonceStoreTimeoutMs');
    const g = GlueVerifier.create(
      text(required(o, 'name', where), 'options.name'),
      text(required(o, 'uscc', where), 'options.uscc'),
      signingKeyHandle(required(o, 'signingKey', where), 'options.signingKey'),
      secret,
      jwkList(required(o, 'trustedIssuers', where), 'options.trustedIssuers'),
      suite,
      pub,
    );
    const v = Object.create(Verifier.prototype);
    handles.set(v, { g, nonces: store, nonceTimeoutMs });
    return v;
  }),
  writable: false,
  enumerable: true,
  configurable: false,
});

defineClass(Verifier, 'Verifier', {
  /** The public JWK that wallets list in `trustedVerifiers`. */
  publicJwk: fn(function publicJwk() {
    return JSON.parse(state(this, 'Verifier').g.publicJwk());
  }),
  /** The key-binding audience of this verifier's requests (RFC 9278 thumbprint URI). */
  audience: fn(function audience() {
    return state(this, 'Verifier').g.audience();
  }),
  /** A signed request (compact JWS): `{ purpose, lawfulBasis, fields, ttlSeconds = 300, noticeUrl? }`. */
  createRequest: fn(
    function createRequest(args) {
      const s = state(this, 'Verifier');
      return s.g.createRequest(jsonText(args, 'createRequest options'));
    },
    { random: true },
  ),
  /**
   * Opens a sealed answer, verifies it against the request this verifier
   * issued, and accepts its nonce once (REPLAYED the second time).
   * Resolves to `{ claims, disclosed, consentRecord, receipt: { index,
   * checkpoint }, devicePublicJwk }`.
   */
  open: asyncFn(async function open(envelope) {
    const s = state(this, 'Verifier');
    const out = JSON.parse(s.g.check(bytes(envelope, 'envelope')));
    let first;
    try {
      first = await timed(s.nonces.consume(out.nonce, out.expiresAt), s.nonceTimeoutMs, 'answer', 'the nonce store');
    } catch (e) {
      // A failed or slow store accepts nothing: the nonce may or may not be
      // recorded there, and the response is refused either way.
      throw fail('INVALID_STATE', 'the nonce store failed: ' + hostErrorMessage(e) + '; the response was not accepted', e);
    }
    if (first !== true) {
      throw fail('REPLAYED', 'this request was already answered: a response is accepted once; issue a new request');
    }
    return {
      claims: out.claims,
      disclosed: out.disclosed,
      consentRecord: out.consentRecord,
      receipt: out.receipt,
      devicePublicJwk: out.devicePublicJwk,
    };
  }),
});

// --- Wallet ------------------------------------------------------------------------

/**
 * Runs `op` after the wallet's earlier storage operations (one at a time).
 * `what` names the operation for the error if the wallet is freed first.
 */
function queued(s, what, op) {
  const start = function () {
    if (s.freed) throw freedDuring(what, 'nothing was done');
    s.running++;
    const done = function () {
      s.running--;
    };
    return op().then(
      function (v) {
        done();
        return v;
      },
      function (e) {
        done();
        throw e;
      },
    );
  };
  const run = s.queue.then(start, start);
  s.queue = run.then(function () {}, function () {});
  return run;
}

/** The error of an operation whose wallet was freed (free()) while it ran. */
function freedDuring(what, outcome) {
  return fail('INVALID_STATE', 'the wallet was freed (free()) during ' + what + '; ' + outcome);
}

/** After an await: INVALID_STATE if the wallet was freed meanwhile (`outcome` says what was kept). */
function checkNotFreed(s, what, outcome) {
  if (s.freed) throw freedDuring(what, outcome);
}

/**
 * Storage objects → (a WeakRef of) the state of the Wallet writing them: one
 * writer per storage. A freed wallet holds its storage until its in-flight
 * operation, and any head write still pending after its timeout, has ended.
 */
const openStores = new WeakMap();

function leaseHolder(raw) {
  if ((typeof raw !== 'object' && typeof raw !== 'function') || raw === null) return null;
  const ref = openStores.get(raw);
  const st = ref === undefined ? undefined : typeof WeakRef === 'function' ? ref.deref() : ref;
  return st !== undefined && (!st.freed || st.running > 0 || st.headBusy) ? st : null;
}

function takeLease(raw, st) {
  if ((typeof raw !== 'object' && typeof raw !== 'function') || raw === null) return;
  openStores.set(raw, typeof WeakRef === 'function' ? new WeakRef(st) : st);
}

/**
 * The citizen's wallet: holder key, credentials and consent log, encrypted
 * in `storage` under `storageKey`. Made by `await Wallet.open({ storage,
 * storageKey, trustedVerifiers, allowUnverified = false, timeoutMs = 10000,
 * trustedCheckpoint, suite })`. `trustedCheckpoint`: the latest checkpoint of this
 * wallet's log kept off the phone; an older stored state is ROLLBACK_DETECTED.
 * `suite` ('intl' | 'gm'): a new wallet's suite (default 'intl'); omitted, a
 * stored wallet opens in its own suite; another than the stored wallet's is
 * INVALID_INPUT. It fixes the holder key (SM2 in gm) and answers only
 * requests of the suite (UNSUPPORTED_ALGORITHM for the other).
 */
export class Wallet {
  constructor() {
    ensureReady();
    throw fail('INVALID_INPUT', 'invalid input: Wallet has no public constructor; use await Wallet.open(options)');
  }
}

/** The stored state of a wallet made from `g` (new: committed at once), leased on `raw`. */
async function adopt(g, raw, store, key, timeoutMs, trusted, allow, fresh) {
  const st = { g, store, key, timeoutMs, trusted, allow, queue: Promise.resolve(), running: 0, freed: false, headBusy: false };
  if (fresh) {
    try {
      await commitSave(st);
    } catch (e) {
      if (!hasTrapped()) g.free();
      throw e;
    }
  }
  const w = Object.create(Wallet.prototype);
  handles.set(w, st);
  takeLease(raw, st);
  return w;
}

Object.defineProperty(Wallet, 'open', {
  value: asyncFn(
    async function open(args) {
      const o = options(args, 'Wallet.open options', [
        'storage', 'storageKey', 'trustedVerifiers', 'allowUnverified', 'timeoutMs', 'trustedCheckpoint', 'suite',
      ]);
      const where = 'Wallet.open';
      const suite = suiteOption(o.suite, 'options.suite');
      const raw = required(o, 'storage', where);
      const store = storageAdapter(raw, 'options.storage');
      const key = bytes(required(o, 'storageKey', where), 'options.storageKey').slice();
      if (key.length !== 32) throw fail('INVALID_KEY', 'invalid key: the storage key is 32 bytes');
      const trusted = jwkList(required(o, 'trustedVerifiers', where), 'options.trustedVerifiers');
      const allow = o.allowUnverified === undefined ? false : boolean(o.allowUnverified, 'options.allowUnverified');
      const timeoutMs = timeoutOption(o.timeoutMs, 'options.timeoutMs');
      const tc = o.trustedCheckpoint === undefined ? undefined : text(o.trustedCheckpoint, 'options.trustedCheckpoint');
      if (leaseHolder(raw)) {
        throw fail(
          'INVALID_STATE',
          'not possible now: this storage is open in another Wallet; free() that one first',
        );
      }
      let g;
      let fresh = false;
      const opener = StoreOpener.create(key);
      try {
        await runOpener(store, opener, timeoutMs);
        ensureReady();
        if (!opener.isEmpty()) {
          g = GlueWallet.fromStore(opener, trusted, allow, tc, suite);
        } else {
          if (tc !== undefined) {
            throw fail('ROLLBACK_DETECTED', 'the stored wallet is gone although a trusted checkpoint exists: restore it from a backup');
          }
          g = GlueWallet.create(trusted, allow, suite);
          g.startStore(opener);
          fresh = true;
        }
      } finally {
        if (!hasTrapped()) opener.free();
      }
      // A new wallet is committed at once: it reopens before its first consent.
      return adopt(g, raw, store, key, timeoutMs, trusted, allow, fresh);
    },
    { random: true },
  ),
  writable: false,
  enumerable: true,
  configurable: false,
});

/**
 * A wallet on a new phone from `wallet.exportLog()`'s export: `await
 * Wallet.importLog({ storage, storageKey, data, recoveryCode,
 * trustedVerifiers, allowUnverified, timeoutMs, trustedCheckpoint, suite })`, into
 * storage that holds no wallet. Resolves to `{ wallet, reissue }`: the same
 * log continues under a new device key; a new holder key and no
 * credentials: `reissue` lists those to re-issue to
 * `wallet.holderPublicJwk()`.
 * `recoveryCode`: text or ASCII bytes. `trustedCheckpoint` newer than the
 * export adds a signed `restored` record.
 */
Object.defineProperty(Wallet, 'importLog', {
  value: asyncFn(
    async function importLog(args) {
      const o = options(args, 'Wallet.importLog options', [
        'storage', 'storageKey', 'data', 'recoveryCode', 'trustedVerifiers', 'allowUnverified', 'timeoutMs', 'trustedCheckpoint', 'suite',
      ]);
      const where = 'Wallet.importLog';
      const suite = suiteOption(o.suite, 'options.suite');
      const raw = required(o, 'storage', where);
      const store = storageAdapter(raw, 'options.storage');
      const key = bytes(required(o, 'storageKey', where), 'options.storageKey').slice();
      if (key.length !== 32) throw fail('INVALID_KEY', 'invalid key: the storage key is 32 bytes');
      const data = bytes(required(o, 'data', where), 'options.data');
      const rc = required(o, 'recoveryCode', where);
      const code = typeof rc === 'string' ? Uint8Array.from(rc, function (c) {
        return c.charCodeAt(0) & 0xff;
      }) : bytes(rc, 'options.recoveryCode');
      const trusted = jwkList(required(o, 'trustedVerifiers', where), 'options.trustedVerifiers');
      const allow = o.allowUnverified === undefined ? false : boolean(o.allowUnverified, 'options.allowUnverified');
      const timeoutMs = timeoutOption(o.timeoutMs, 'options.timeoutMs');
      const tc = o.trustedCheckpoint === undefined ? undefined : text(o.trustedCheckpoint, 'options.trustedCheckpoint');
      if (leaseHolder(raw)) throw fail('INVALID_STATE', 'not possible now: this storage is open in another Wallet; free() that one first');
      const opener = StoreOpener.create(key);
      let g;
      try {
        await runOpener(store, opener, timeoutMs);
        ensureReady();
        if (!opener.isEmpty()) throw fail('INVALID_STATE', 'not possible now: this storage already holds a wallet; import into empty storage');
        g = GlueWallet.importFrom(data, code, trusted, allow, tc, undefined, suite);
        g.startStore(opener);
      } finally {
        if (typeof rc === 'string') code.fill(0);
        if (!hasTrapped()) opener.free();
      }
      const reissue = JSON.parse(g.reissue());
      return { wallet: await adopt(g, raw, store, key, timeoutMs, trusted, allow, true), reissue };
    },
    { random: true },
  ),
  writable: false,
  enumerable: true,
  configurable: false,
});

defineClass(Wallet, 'Wallet', {
  /** The holder key's public JWK: what issuers put in the credential's `cnf`. */
  holderPublicJwk: fn(function holderPublicJwk() {
    return JSON.parse(state(this, 'Wallet').g.holderPublicJwk());
  }),
  /** The device key's public JWK: verifies the log's checkpoints and receipts. */
  devicePublicJwk: fn(function devicePublicJwk() {
    return JSON.parse(state(this, 'Wallet').g.devicePublicJwk());
  }),
  /** Adds an issued credential bound to `holderPublicJwk()` and saves it; `{ id, type }`. */
  addCredential: asyncFn(async function addCredential(sdJwt) {
    const s = state(this, 'Wallet');
    const sd = text(sdJwt, 'sdJwt');
    return queued(s, 'addCredential', async function () {
      ensureReady();
      const before = s.g.credentialCount();
      const info = JSON.parse(s.g.addCredential(sd));
      if (s.g.credentialCount() !== before) {
        try {
          await commitSave(s);
        } catch (e) {
          if (!hasTrapped() && !s.freed) s.g.keepCredentials(before);
          throw e;
        }
        checkNotFreed(s, 'addCredential', 'the credential was saved and is in storage');
      }
      return { id: info.id, type: info.type };
    });
  }),
  /** The credentials held: `[{ id, type, vct, iss, iat, exp, labels }]`. */
  credentials: fn(function credentials() {
    return JSON.parse(state(this, 'Wallet').g.credentials());
  }),
  /** Everything a consent screen needs about `request` (see README "The flow"). */
  evaluate: fn(function evaluate(request) {
    return JSON.parse(state(this, 'Wallet').g.evaluate(text(request, 'request')));
  }),
  /**
   * Verifies the request, checks the choices, builds the presentation,
   * records and saves the consent, then seals the answer to the requester:
   * `{ envelope, receipt, recordId }`. If the save fails (CONSENT_NOT_PERSISTED)
   * there is no envelope, and the record is not kept.
   */
  respond: asyncFn(
    async function respond(request, args) {
      const s = state(this, 'Wallet');
      const req = text(request, 'request');
      const o = options(args, 'respond options', ['choices', 'separateConsent']);
      const choices = jsonText(required(o, 'choices', 'respond'), 'options.choices', 'array');
      const sep = o.separateConsent === undefined ? 'false' : JSON.stringify(json(o.separateConsent, 'options.separateConsent', 'any'));
      return queued(s, 'respond', async function () {
        ensureReady();
        s.g.beginRespond(req, choices, sep);
        try {
          await commitSave(s);
        } catch (e) {
          if (!hasTrapped() && !s.freed) s.g.abortRespond();
          throw e;
        }
        // The consent record is saved; the answer is sealed only if the
        // wallet is still open.
        checkNotFreed(s, 'respond', 'no envelope was released (the consent record had been saved)');
        ensureReady();
        s.g.markPersisted();
        const r = s.g.finishRespond();
        return { envelope: r[0], receipt: r[1], recordId: r[2] };
      });
    },
    { random: true },
  ),
  /** Records and saves a refusal of `request`: `{ recordId }`. */
  refuse: asyncFn(
    async function refuse(request) {
      const s = state(this, 'Wallet');
      const req = text(request, 'request');
      return queued(s, 'refuse', async function () {
        ensureReady();
        const size = s.g.size();
        const recordId = s.g.beginRefuse(req);
        try {
          await commitSave(s);
        } catch (e) {
          if (!hasTrapped() && !s.freed) s.g.rollbackTo(size);
          throw e;
        }
        checkNotFreed(s, 'refuse', 'the refusal ' + recordId + ' had been saved');
        return { recordId };
      });
    },
    { random: true },
  ),
  /** Records and saves the withdrawal of consent `recordId`. */
  withdraw: asyncFn(
    async function withdraw(recordId) {
      const s = state(this, 'Wallet');
      const id = text(recordId, 'recordId');
      return queued(s, 'withdraw', async function () {
        ensureReady();
        const size = s.g.size();
        s.g.beginWithdraw(id);
        try {
          await commitSave(s);
        } catch (e) {
          if (!hasTrapped() && !s.freed) s.g.rollbackTo(size);
          throw e;
        }
        checkNotFreed(s, 'withdraw', 'the withdrawal had been saved');
      });
    },
    { random: true },
  ),
  /** As `log.history({ locale, timeZone })`. */
  history: fn(function history(args) {
    const s = state(this, 'Wallet');
    const o = options(args, 'history options', ['locale', 'timeZone']);
    const entries = s.g.history(
      o.locale === undefined ? undefined : text(o.locale, 'options.locale'),
      o.timeZone === undefined ? undefined : text(o.timeZone, 'options.timeZone'),
    );
    for (let i = 0; i < entries.length; i++) entries[i].record = JSON.parse(entries[i].record);
    return entries;
  }),
  /** As `log.status(now?)`: `{ active, withdrawn, expired, refused }` record ids. */
  status: fn(function status() {
    return JSON.parse(state(this, 'Wallet').g.status());
  }),
  /** The consent log's signed checkpoint (C2SP signed note). */
  checkpoint: fn(function checkpoint() {
    return state(this, 'Wallet').g.checkpoint();
  }),
  /** The receipt of the log's record `index`. */
  receipt: fn(function receipt(index) {
    return state(this, 'Wallet').g.receipt(integer(index, 'index', 0, Number.MAX_SAFE_INTEGER));
  }),
  /**
   * Reads the stored wallet back and checks it: the state decrypts, every
   * segment is intact and in place, and the stored log is the one in memory.
   * Resolves to `true`; rejects with DECRYPT_FAILED, STORAGE_CORRUPT or
   * ROLLBACK_DETECTED.
   */
  /**
   * Moves the log to a new phone: appends and saves a handover record to a
   * fresh device key, then seals the log under a new recovery code.
   * Resolves to `{ data, recoveryCode, reissue }`: the export (bytes), the
   * code as ASCII bytes (show it once, then `fill(0)`), and the credentials
   * to re-issue to the new phone. This wallet keeps working; what it records
   * later is not in the export.
   */
  exportLog: asyncFn(
    async function exportLog() {
      const s = state(this, 'Wallet');
      return queued(s, 'exportLog', async function () {
        ensureReady();
        s.g.beginExport();
        try {
          await commitSave(s);
        } catch (e) {
          if (!hasTrapped() && !s.freed) s.g.abortExport();
          throw e;
        }
        checkNotFreed(s, 'exportLog', 'the handover record had been saved; export again');
        const out = s.g.finishExport();
        return { data: out[0], recoveryCode: out[1], reissue: JSON.parse(s.g.credentials()) };
      });
    },
    { random: true },
  ),
  /**
   * Prunes the consent log and saves it (a crash-safe save: if it fails,
   * CONSENT_NOT_PERSISTED, storage and the wallet are as before). Drops the
   * bodies of the longest prefix of records, up to `upTo` (default: all),
   * that holds no consent in force at `now` (default: now), no device
   * record, and no record a later kept one refers to; the log keeps its
   * size, root and the frontier of the pruned prefix. Pass as `upTo` the
   * size of the newest checkpoint your server holds: a `trustedCheckpoint`
   * smaller than the pruned prefix can no longer be checked
   * (INVALID_CHECKPOINT). Resolves to `{ from, to, records, stop }` (see
   * `log.prune`).
   */
  prune: asyncFn(async function prune(args) {
    const s = state(this, 'Wallet');
    const [upTo, now] = pruneOptions(args, 'wallet.prune');
    return queued(s, 'prune', async function () {
      ensureReady();
      const p = s.g.beginPrune(upTo, now);
      if (p.records === 0) return p;
      try {
        await commitSave(s);
      } catch (e) {
        if (!hasTrapped() && !s.freed) s.g.abortPrune();
        throw e;
      }
      if (!hasTrapped() && !s.freed) s.g.finishPrune();
      checkNotFreed(s, 'prune', 'the prune had been saved');
      return p;
    });
  }),
  /** How many leading records of the consent log are pruned (`wallet.prune`). */
  pruned: fn(function pruned() {
    return state(this, 'Wallet').g.pruned();
  }),
  /** The continuity proof (bytes) for a relying party holding `checkpoint`: see consent.verifyContinuity. */
  continuityProof: fn(function continuityProof(checkpoint) {
    return state(this, 'Wallet').g.continuityProof(text(checkpoint, 'checkpoint'));
  }),
  verifyStorage: asyncFn(async function verifyStorage() {
    const s = state(this, 'Wallet');
    return queued(s, 'verifyStorage', async function () {
      const opener = StoreOpener.create(s.key);
      try {
        await runOpener(s.store, opener, s.timeoutMs);
        ensureReady();
        if (opener.isEmpty()) {
          throw fail('ROLLBACK_DETECTED', 'the stored wallet is gone: an earlier (empty) state was restored');
        }
        checkNotFreed(s, 'verifyStorage', 'nothing was checked');
        const stored = GlueWallet.fromStore(opener, s.trusted, s.allow, undefined);
        try {
          if (stored.size() < s.g.size()) {
            throw fail('ROLLBACK_DETECTED', 'an earlier stored state was restored');
          }
          if (stored.suite() !== s.g.suite() || stored.checkpoint() !== s.g.checkpoint() || stored.credentials() !== s.g.credentials()) {
            throw fail('STORAGE_CORRUPT', 'the stored wallet differs from the one in memory');
          }
        } finally {
          stored.free();
        }
      } finally {
        if (!hasTrapped()) opener.free();
      }
      return true;
    });
  }),
});
