// The disclosure flow: Verifier (relying party) and Wallet (phone).
//
// The module does every check and every cryptographic step; this layer owns
// what is asynchronous: storage (with timeouts), the order of saves (one at
// a time per wallet) and the relying party's nonce store. wallet.respond()
// seals nothing until the consent record is saved: the module holds the
// answer as "pending" until markPersisted(), and takes the record back out
// of memory (abortRespond) when the save fails.

import { FlowVerifier as GlueVerifier, FlowWallet as GlueWallet } from 'mpshield-glue';
import { fail, hostErrorMessage } from './errors.js';
import { boolean, bytes, describe, integer, invalid, json, jsonText, member, options, required, text } from './args.js';
import { ensureReady, fn, guardError, hasTrapped } from './runtime.js';
import { signingKeyHandle } from './keys.js';
import { storageAdapter } from './storage.js';
import { asyncFn, readSegments, segmentLimit, storedBytes, timed, timeoutOption, writeKey, writeSegments } from './consent.js';

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

async function saveLog(s) {
  await writeSegments(s.store, s.g.segments(s.key, segmentLimit(s.store)), s.timeoutMs);
}

/**
 * The citizen's wallet: holder key, credentials and consent log, encrypted
 * in `storage` under `storageKey`. Made by `await Wallet.open({ storage,
 * storageKey, trustedVerifiers, allowUnverified = false, timeoutMs = 10000 })`.
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
      const o = options(args, 'Wallet.open options', ['storage', 'storageKey', 'trustedVerifiers', 'allowUnverified', 'timeoutMs']);
      const where = 'Wallet.open';
      const store = storageAdapter(required(o, 'storage', where), 'options.storage');
      const key = bytes(required(o, 'storageKey', where), 'options.storageKey').slice();
      if (key.length !== 32) throw fail('INVALID_KEY', 'invalid key: the storage key is 32 bytes');
      const trusted = jwkList(required(o, 'trustedVerifiers', where), 'options.trustedVerifiers');
      const allow = o.allowUnverified === undefined ? false : boolean(o.allowUnverified, 'options.allowUnverified');
      const timeoutMs = timeoutOption(o.timeoutMs, 'options.timeoutMs');
      const stateKey = GlueWallet.stateKey();
      let stored;
      try {
        stored = await timed(store.get(stateKey), timeoutMs, 'read ' + stateKey);
      } catch (e) {
        throw fail('STORAGE_CORRUPT', 'the storage adapter failed to read ' + stateKey + ': ' + hostErrorMessage(e), e);
      }
      let g;
      if (stored === undefined || stored === null) {
        // No wallet yet — unless a consent log is stored: then the state was
        // removed, and starting afresh would discard the log on the next save.
        if ((await readSegments(store, timeoutMs)).size > 0) {
          throw fail('STORAGE_CORRUPT', 'the stored consent log is damaged or was altered (the wallet state is missing but a consent log is stored): restore it from a backup');
        }
        ensureReady();
        g = GlueWallet.create(trusted, allow);
        try {
          await writeKey(store, stateKey, g.stateBytes(key), timeoutMs, 'new wallet');
        } catch (e) {
          g.free();
          throw e;
        }
      } else {
        const state0 = storedBytes(stored, stateKey);
        const found = await readSegments(store, timeoutMs);
        ensureReady();
        g = GlueWallet.restore(state0, function (k) {
          return found.get(k);
        }, key, trusted, allow);
      }
      const w = Object.create(Wallet.prototype);
      handles.set(w, { g, store, key, timeoutMs, trusted, allow, queue: Promise.resolve(), running: 0, freed: false });
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
          await writeKey(s.store, GlueWallet.stateKey(), s.g.stateBytes(s.key), s.timeoutMs, 'credential');
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
          await saveLog(s);
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
          await saveLog(s);
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
          await saveLog(s);
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
      let stored;
      try {
        stored = await timed(s.store.get(GlueWallet.stateKey()), s.timeoutMs, 'read the wallet state');
      } catch (e) {
        throw fail('STORAGE_CORRUPT', 'the wallet state could not be read: ' + hostErrorMessage(e), e);
      }
      if (stored === undefined || stored === null) {
        throw fail('ROLLBACK_DETECTED', 'the stored wallet is gone: an earlier (empty) state was restored');
      }
      const found = await readSegments(s.store, s.timeoutMs);
      ensureReady();
      const get = function (k) {
        return found.get(k);
      };
      checkNotFreed(s, 'verifyStorage', 'nothing was checked');
      GlueWallet.restore(storedBytes(stored, GlueWallet.stateKey()), get, s.key, s.trusted, s.allow).free();
      s.g.checkStored(get, s.key);
      return true;
    });
  }),
});
