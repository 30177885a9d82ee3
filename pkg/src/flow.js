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
import { asyncFn, readKey, timed, timeoutOption, writeKey } from './consent.js';

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
 * answers. Made by `Verifier.create({ name, uscc, signingKey, hpkeKeyPair,
 * trustedIssuers, nonceStore? })`.
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
      'name', 'uscc', 'signingKey', 'hpkeKeyPair', 'trustedIssuers', 'nonceStore', 'nonceStoreTimeoutMs',
    ]);
    const where = 'Verifier.create';
    const kp = options(required(o, 'hpkeKeyPair', where), 'options.hpkeKeyPair', ['publicKey', 'secretKey']);
    const secret = bytes(required(kp, 'secretKey', where + ' hpkeKeyPair'), 'options.hpkeKeyPair.secretKey');
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

function sameBytes(a, b) {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Feeds a store opener every key it asks for, until it wants none. */
async function runOpener(store, opener, timeoutMs) {
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
async function commitSave(s) {
  // free() zeroes s.key; a save in flight finishes with its own copy.
  const key = s.key.slice();
  try {
    await commitWith(s, key);
  } finally {
    key.fill(0);
  }
}

async function commitWith(s, key) {
  ensureReady();
  const writes = s.g.planSave(key);
  try {
    const commitKey = writes[writes.length - 1][0];
    if ((await readKey(s.store, commitKey, 'CONSENT_NOT_PERSISTED', s.timeoutMs)) !== undefined) {
      if (!hasTrapped()) s.g.foreignWriter();
      throw fail(
        'CONSENT_NOT_PERSISTED',
        'the consent could not be saved: another Wallet writes to this storage (' + commitKey + ' exists)',
      );
    }
    for (let i = 0; i < writes.length; i++) {
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
      try {
        marker = s.g.saveFailed(key);
      } catch (e2) {
        marker = null;
      }
      if (marker) {
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
 * trustedCheckpoint })`. `trustedCheckpoint`: the latest checkpoint of this
 * wallet's log kept off the phone; an older stored state is ROLLBACK_DETECTED.
 */
export class Wallet {
  constructor() {
    ensureReady();
    throw fail('INVALID_INPUT', 'invalid input: Wallet has no public constructor; use await Wallet.open(options)');
  }
}

Object.defineProperty(Wallet, 'open', {
  value: asyncFn(
    async function open(args) {
      const o = options(args, 'Wallet.open options', ['storage', 'storageKey', 'trustedVerifiers', 'allowUnverified', 'timeoutMs', 'trustedCheckpoint']);
      const where = 'Wallet.open';
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
          g = GlueWallet.fromStore(opener, trusted, allow, tc);
        } else {
          if (tc !== undefined) {
            throw fail('ROLLBACK_DETECTED', 'the stored wallet is gone although a trusted checkpoint exists: restore it from a backup');
          }
          g = GlueWallet.create(trusted, allow);
          g.startStore(opener);
          fresh = true;
        }
      } finally {
        if (!hasTrapped()) opener.free();
      }
      const w = Object.create(Wallet.prototype);
      const st = { g, store, key, timeoutMs, trusted, allow, queue: Promise.resolve(), running: 0, freed: false, headBusy: false };
      if (fresh) {
        // Commit at once: a new wallet reopens before its first consent.
        try {
          await commitSave(st);
        } catch (e) {
          if (!hasTrapped()) g.free();
          throw e;
        }
      }
      handles.set(w, st);
      takeLease(raw, st);
      return w;
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
          if (stored.checkpoint() !== s.g.checkpoint() || stored.credentials() !== s.g.credentials()) {
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
