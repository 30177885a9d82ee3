/// <reference lib="esnext.disposable" />
// Types for the mpshield package (hand-written; kept in step with
// pkg/src/exports.js). The same API in every runtime: browser ESM, Node ESM
// and CommonJS, and WeChat mini-programs (`require('mpshield')` after
// "Build npm").

/** Every code an {@link MpShieldError} can carry (see the README for meanings). */
export type ErrorCode =
  | 'NOT_INITIALIZED'
  | 'NO_ENTROPY'
  | 'INVALID_INPUT'
  | 'INVALID_ID_NUMBER'
  | 'DECRYPT_FAILED'
  | 'INVALID_ENVELOPE'
  | 'INVALID_KEY'
  | 'UNSUPPORTED_ALGORITHM'
  | 'TRUNCATED'
  | 'VERIFY_FAILED'
  | 'UNTRUSTED_ISSUER'
  | 'INVALID_CREDENTIAL'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'INVALID_KEY_BINDING'
  | 'INVALID_JWK'
  | 'NOT_DISCLOSABLE'
  | 'UNKNOWN_LICENCE_TYPE'
  | 'INVALID_CLAIM'
  | 'UNKNOWN_MASK_RULE'
  | 'INVALID_PROOF'
  | 'INVALID_CHECKPOINT'
  | 'INVALID_RECORD'
  | 'RECORD_NOT_FOUND'
  | 'INVALID_STATE'
  | 'INVALID_RECEIPT'
  | 'STORAGE_CORRUPT'
  | 'ROLLBACK_DETECTED'
  | 'CONSENT_NOT_PERSISTED'
  | 'INTERNAL'
  // init() could not load the module (the JavaScript layer's own code).
  | 'WASM_LOAD_FAILED'
  // The Wallet / Verifier flow.
  | 'UNTRUSTED_VERIFIER'
  | 'INVALID_REQUEST'
  | 'NOT_REQUESTED'
  | 'SEPARATE_CONSENT_REQUIRED'
  | 'CREDENTIAL_NOT_FOUND'
  | 'REPLAYED'
  | 'INVALID_RESPONSE';

/** Bytes as input: a `Uint8Array` (Node's `Buffer` included) or an `ArrayBuffer`. */
export type BytesLike = Uint8Array | ArrayBuffer;

/**
 * Every failure of mpshield — wrong argument types included — is thrown as
 * an `MpShieldError`: an `Error` with a stable {@link ErrorCode} in `code` and
 * a plain English `message` (localise by code: {@link describeError}).
 */
export class MpShieldError extends Error {
  constructor(code: ErrorCode, message: string);
  readonly name: 'MpShieldError';
  /** Stable, upper-case code, e.g. `"INVALID_ID_NUMBER"`. */
  readonly code: ErrorCode;
}

/** A short message in simplified Chinese (`zh`) and English (`en`): plain, and says what to do next. */
export interface ErrorMessage {
  readonly zh: string;
  readonly en: string;
}

/**
 * The message of every {@link ErrorCode}, keyed by code (frozen), e.g.
 * `errorMessages.EXPIRED.zh` is `"证照已过期，请更新证照后再试。"`. Plain data:
 * readable before {@link init}. The error's own `message` (English) keeps
 * the detail.
 */
export declare const errorMessages: { readonly [C in ErrorCode]: ErrorMessage };

/** `"zh-CN"` (also `"zh"`, `"zh-…"`) or `"en"` (also `"en-…"`). */
export type MessageLocale = 'zh-CN' | 'en' | 'zh' | `zh-${string}` | `en-${string}`;

/**
 * The {@link errorMessages} entry for an error (anything caught) or a code,
 * in `locale` (default `"zh-CN"`). An unknown code falls back to the error's
 * own `message` (a string argument is returned as it is). Never throws for
 * `errorOrCode`, and works before {@link init} (so that `init()`'s own
 * failures can be described).
 * @throws {MpShieldError} `INVALID_INPUT` for any other locale.
 */
export function describeError(errorOrCode: unknown, locale?: MessageLocale): string;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * Where to load the WebAssembly module from.
   * - WeChat mini-program: a code-package path ending in `.wasm.br` or
   *   `.wasm`; default `/miniprogram_npm/mpshield/mpshield_bg.wasm.br` (where
   *   "Build npm" puts it when package.json is at the mini-program root; use
   *   e.g. `/subpkg/miniprogram_npm/mpshield/mpshield_bg.wasm.br` otherwise).
   * - Browser: a URL (string or `URL`); default `mpshield_compact_bg.wasm`
   *   next to the bundle.
   * - Node: a file path or `file:` URL; default `mpshield_bg.wasm` next to the
   *   bundle.
   *
   * The phone modules carry one suite each: `mpshield_compact_bg.wasm` /
   * `miniprogram/mpshield_bg.wasm.br` the intl suite (the defaults),
   * `mpshield_gm_bg.wasm` / `mpshield_gm_bg.wasm.br` the gm (国密) suite —
   * a gm deployment passes the gm module's path here. The Node module has
   * both.
   */
  wasmPath?: string | { readonly href: string };
  /**
   * The suite the app needs: `init()` fails with `WASM_LOAD_FAILED` if the
   * module loaded does not carry it.
   */
  suite?: Suite;
  /**
   * At least 32 bytes from a secure random source, mixed into the module's
   * random generator. Needed where the host has no `crypto.getRandomValues` /
   * `wx.getRandomValues` (e.g. mini-program plug-ins); otherwise optional
   * and mixed in alongside the host's entropy.
   */
  entropy?: BytesLike;
  /**
   * Where {@link deriveStorageKey} runs instead of the calling thread: in a
   * WeChat mini-program, `require('mpshield/kdf-worker')(script)` (or the
   * copied `dist/miniprogram-worker/client.js`), which runs it in
   * `wx.createWorker(script)` so that Argon2 (about 1.5 s on iPhones) does
   * not freeze the page. README, "Long calls on iPhones". Any function of
   * this shape works (e.g. a Web Worker of your own): it receives the
   * checked, copied arguments, must zero `pin`, and resolves to the 32-byte
   * key or rejects with an error whose `name` is `"MpShieldError"` and whose
   * `code` is one of the codes.
   */
  kdfWorker?: (request: {
    pin: Uint8Array;
    salt: Uint8Array;
    memoryKib?: number;
    iterations?: number;
    parallelism?: number;
  }) => Promise<Uint8Array>;
}

/**
 * Loads the WebAssembly module (once) and seeds its random generator from the
 * host (`crypto.getRandomValues` or `wx.getRandomValues`) and/or
 * `options.entropy`. Call and await it before anything else; calling it again
 * only adds entropy.
 *
 * @throws {MpShieldError} `NO_ENTROPY` when there is no secure entropy (there
 * is no `Math.random` fallback); `INVALID_INPUT` for bad options;
 * `WASM_LOAD_FAILED` when the module cannot be loaded — not found (HTTP 404,
 * missing from the code package), not a wasm file, truncated, or a host
 * without `WebAssembly` / `WXWebAssembly` (Douyin: `TTWebAssembly`) /
 * `TextDecoder` / `fetch` — with a
 * message naming what was loaded, what came back and what to do.
 */
export function init(options?: InitOptions): Promise<void>;

/** What the loaded module carries. */
export interface ModuleInfo {
  /** The suites compiled in: one for a phone module, both for the Node module. */
  suites: Suite[];
  /** Whether issuance and the relying party's calls are in it (the Node module only). */
  relyingParty: boolean;
}

/**
 * What the loaded module carries (after {@link init} has loaded it).
 * @throws {MpShieldError} `NOT_INITIALIZED` before the module is loaded.
 */
export function moduleInfo(): ModuleInfo;

/**
 * The library's semantic version (equal in Cargo.toml and package.json).
 * @throws {MpShieldError} `NOT_INITIALIZED` before {@link init}.
 */
export function version(): string;

/**
 * `n` bytes from the module's ChaCha20 DRBG (seeded and topped up from the
 * host's secure source).
 * @param n an integer, `1 ≤ n ≤ 65536`
 * @throws {MpShieldError} `INVALID_INPUT` out of range or not an integer;
 * `NOT_INITIALIZED` before {@link init}.
 */
export function randomBytes(n: number): Uint8Array;

/**
 * Mixes more entropy (≥ 32 bytes from a secure source) into the DRBG, for
 * hosts that obtain it after {@link init}.
 * @throws {MpShieldError} `NO_ENTROPY` if fewer than 32 bytes or all equal;
 * `INVALID_INPUT` if not bytes; `NOT_INITIALIZED` before {@link init}.
 */
export function addEntropy(entropy: BytesLike): void;

/**
 * Every code the module can throw (`WASM_LOAD_FAILED`, thrown by `init()`
 * before there is a module, is the JavaScript layer's and not listed).
 * @throws {MpShieldError} `NOT_INITIALIZED` before {@link init}.
 */
export function errorCodes(): ErrorCode[];

/** A parsed GB 11643-1999 citizen ID number. */
export interface IdNumber {
  /** The 18-character number, with a lower-case `x` normalised to `X`. */
  number: string;
  /** The 6-digit administrative region code. */
  region: string;
  /** The province-level division's Chinese name, from the first two digits (e.g. `"北京市"`). */
  province: string;
  /** `"YYYY-MM-DD"`, a real date between 1850-01-01 and today. */
  birthDate: string;
  /** From the sequence number: odd is male. */
  sex: 'male' | 'female';
  /** The ISO 7064 MOD 11-2 check character, `0`–`9` or `X`. */
  checkCharacter: string;
}

/** GB 11643-1999 citizen ID numbers. */
export declare const idcard: {
  /**
   * Parses and validates an 18-character citizen ID number (check character,
   * real birth date, sex, region and province).
   * @throws {MpShieldError} `INVALID_ID_NUMBER` (15-digit legacy numbers
   * included) with the reason in the message; `INVALID_INPUT` if `number` is
   * not a string; `NOT_INITIALIZED` before {@link init}.
   */
  parse(number: string): IdNumber;
};

/** A JSON value, as mpshield returns claims. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [member: string]: JsonValue };

/** A JSON object, as mpshield returns claims and headers. */
export type JsonObject = { [member: string]: JsonValue };

/**
 * JSON data given to mpshield: plain objects and arrays of `null`, booleans,
 * finite numbers and strings (at most 64 deep, 100,000 values). Anything
 * else (`undefined` in arrays, functions, class instances, `NaN`, unpaired
 * surrogates) is refused with `INVALID_INPUT`; `undefined` object members
 * are dropped, as `JSON.stringify` does.
 */
export type JsonInput = { readonly [member: string]: unknown };

/**
 * Signing algorithms: `"EdDSA"` (Ed25519) and `"ES256"` (ECDSA P-256,
 * SHA-256), suite intl; `"SM2"` (SM2 with SM3, GB/T 32918.2, distinguishing
 * ID `1234567812345678`, signature `r‖s`), suite gm — in modules built with
 * the gm suite (elsewhere `UNSUPPORTED_ALGORITHM`).
 */
export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'SM2';

/** The hash of an SD-JWT (`_sd_alg`): `"sha-256"` (suite intl) or `"sm3"` (suite gm). */
export type SdAlg = 'sha-256' | 'sm3';

/** An Ed25519 public JWK (RFC 8037), `kid` = its RFC 7638 thumbprint. */
export type Ed25519PublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
};

/** A P-256 public JWK (RFC 7518), `kid` = its RFC 7638 thumbprint. */
export type P256PublicJwk = {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
};

/**
 * An SM2 public JWK (`kty: "EC"`, `crv: "SM2"`, 32-byte `x`, `y`), `kid` =
 * its RFC 7638 thumbprint (SHA-256, as for every key: it names the key).
 */
export type Sm2PublicJwk = {
  kty: 'EC';
  crv: 'SM2';
  x: string;
  y: string;
  kid: string;
};

/** A public JWK as mpshield returns it. */
export type PublicJwk = Ed25519PublicJwk | P256PublicJwk | Sm2PublicJwk;

/** A private JWK as {@link SigningKey.exportPrivateJwkDangerously} returns it: the public members plus `d`. */
export type PrivateJwk = (Ed25519PublicJwk | P256PublicJwk | Sm2PublicJwk) & { d: string };

/** A JWK given to mpshield (RFC 7517): a plain object; the module checks its members. */
export type JwkInput = {
  readonly kty: string;
  readonly [member: string]: unknown;
};

/**
 * A signing key held inside the WebAssembly module: JavaScript holds only
 * this opaque handle. Made by {@link SigningKey.generate} or
 * {@link SigningKey.fromJwk}; `new SigningKey()` throws `INVALID_INPUT`.
 * Call `free()` (or use `using`) when done; a freed key throws
 * `INVALID_INPUT` wherever it is used.
 */
export class SigningKey {
  private constructor();
  /**
   * A fresh key from the module's random generator.
   * @throws {MpShieldError} `UNSUPPORTED_ALGORITHM` for any other name (and
   * for `"SM2"` in a module without the gm suite); `INVALID_INPUT` if `alg`
   * is not a string; `NOT_INITIALIZED` before {@link init}.
   */
  static generate(alg: SigningAlgorithm): SigningKey;
  /**
   * Imports a private JWK (issuers and servers that store their keys).
   * @throws {MpShieldError} `INVALID_JWK` if it is not an Ed25519, P-256 or
   * SM2 private key (or `x`/`y` do not match `d`); `UNSUPPORTED_ALGORITHM`
   * for an SM2 key in a module without the gm suite; `INVALID_INPUT` if it
   * is not a plain object; `NOT_INITIALIZED` before {@link init}.
   */
  static fromJwk(privateJwk: JwkInput): SigningKey;
  /** `"EdDSA"`, `"ES256"` or `"SM2"`. */
  readonly alg: SigningAlgorithm;
  /** The public JWK, with `kid` = its RFC 7638 thumbprint. */
  publicJwk(): PublicJwk;
  /**
   * The private JWK. For issuers and relying-party servers that must store
   * their keys; never call it on a phone.
   */
  exportPrivateJwkDangerously(): PrivateJwk;
  /** Zeroises the key inside the module. Idempotent; never throws for a SigningKey. */
  free(): void;
  /** The same as `free()`, for `using` declarations (where the host has `Symbol.dispose`). */
  [Symbol.dispose](): void;
}

/** HPKE modes (RFC 9180 §5). */
export type HpkeMode = 'base' | 'psk' | 'auth' | 'auth_psk';

/** HPKE AEADs by id (1, 2, 3, 0xFE01, 0xFFFF) or name; default 3 (ChaCha20-Poly1305) with X25519, 0xFE01 (SM4-GCM) with SM2. */
export type HpkeAead = 1 | 2 | 3 | 0xfe01 | 0xffff | 'AES-128-GCM' | 'AES-256-GCM' | 'ChaCha20-Poly1305' | 'SM4-GCM' | 'export-only';

/** HPKE KEMs by id or name: 0x0020 DHKEM(X25519, HKDF-SHA256), 0xFE10 DHKEM(curveSM2, HKDF-SM3) (mpshield's own id). Default: the key's. */
export type HpkeKem = 0x0020 | 0xfe10 | 'X25519' | 'SM2';

/** HPKE KDFs by id or name: 0x0001 HKDF-SHA256, 0xFE01 HKDF-SM3 (mpshield's own id). Default: the KEM's; the other one is `UNSUPPORTED_ALGORITHM`. */
export type HpkeKdf = 0x0001 | 0xfe01 | 'HKDF-SHA256' | 'HKDF-SM3';

/** The two suites: `intl` (X25519, Ed25519/P-256, SHA-256, AES-GCM/ChaCha20-Poly1305) and `gm` (SM2, SM3, SM4-GCM). */
export type Suite = 'intl' | 'gm';

/** An HPKE key pair: X25519 (32-byte keys) or SM2 (65-byte `04‖x‖y` public key, 32-byte secret). */
export interface HpkeKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** The fields every sender-side HPKE call takes. */
export interface HpkeSenderOptions {
  /** Default `"base"`. `psk`/`auth_psk` need `psk` and `pskId`; `auth`/`auth_psk` need `senderSecretKey`. */
  mode?: HpkeMode;
  /** Must match the recipient key (32 bytes: X25519; 65 bytes: SM2). */
  kem?: HpkeKem;
  kdf?: HpkeKdf;
  aead?: HpkeAead;
  recipientPublicKey: BytesLike;
  /** Default: empty. */
  info?: BytesLike;
  psk?: BytesLike;
  pskId?: BytesLike;
  senderSecretKey?: BytesLike;
}

/** The fields every receiver-side HPKE call takes. */
export interface HpkeReceiverOptions {
  mode?: HpkeMode;
  /** The secret key's KEM; default: SM2 if `enc` is 65 bytes, else X25519. */
  kem?: HpkeKem;
  kdf?: HpkeKdf;
  aead?: HpkeAead;
  recipientSecretKey: BytesLike;
  /** The sender's encapsulated key. */
  enc: BytesLike;
  info?: BytesLike;
  psk?: BytesLike;
  pskId?: BytesLike;
  senderPublicKey?: BytesLike;
}

/** An HPKE sender context (several messages, in order, and the exporter). Free it when done. */
export interface SenderContext {
  /** The encapsulated key to send along. */
  readonly enc: Uint8Array;
  seal(plaintext: BytesLike, aad?: BytesLike): Uint8Array;
  exportSecret(exporterContext: BytesLike, length: number): Uint8Array;
  free(): void;
  [Symbol.dispose](): void;
}

/** An HPKE receiver context. Free it when done. */
export interface ReceiverContext {
  open(ciphertext: BytesLike, aad?: BytesLike): Uint8Array;
  exportSecret(exporterContext: BytesLike, length: number): Uint8Array;
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * Low-level HPKE (RFC 9180) in both suites: DHKEM(X25519, HKDF-SHA256) with
 * HKDF-SHA256, or DHKEM(curveSM2, HKDF-SM3) with HKDF-SM3; the AEADs of
 * {@link HpkeAead}; all four modes. Secret keys are raw bytes here
 * (the one place they cross the boundary).
 *
 * Errors: `DECRYPT_FAILED` (opaque: wrong key, context, tag or ciphertext),
 * `INVALID_KEY` (a key of the wrong length or a low-order public key),
 * `UNSUPPORTED_ALGORITHM` (an unknown AEAD; sealing with export-only),
 * `INVALID_INPUT` (wrong types, unknown options, missing psk/sender key for
 * the mode, an exporter length over 8160), `NOT_INITIALIZED` before {@link init}.
 */
export declare const hpke: {
  generateKeyPair(options?: { kem?: HpkeKem }): HpkeKeyPair;
  seal(options: HpkeSenderOptions & { plaintext: BytesLike; aad?: BytesLike }): { enc: Uint8Array; ciphertext: Uint8Array };
  open(options: HpkeReceiverOptions & { ciphertext: BytesLike; aad?: BytesLike }): Uint8Array;
  setupSender(options: HpkeSenderOptions): SenderContext;
  setupReceiver(options: HpkeReceiverOptions): ReceiverContext;
  exportSecret(options: HpkeReceiverOptions & { exporterContext: BytesLike; length: number }): Uint8Array;
};

/** Options of {@link seal}. */
export interface SealOptions {
  info?: BytesLike;
  aad?: BytesLike;
  /** Default 3 (ChaCha20-Poly1305) for an X25519 key, 0xFE01 (SM4-GCM) for an SM2 key; export-only is `UNSUPPORTED_ALGORITHM`. */
  aead?: HpkeAead;
  /** Checked against the recipient key, which decides the suite. */
  suite?: Suite;
}

/** Options of {@link open} and {@link createOpenStream}: the same `info` and `aad` as when sealing. */
export interface OpenOptions {
  info?: BytesLike;
  aad?: BytesLike;
}

/**
 * Seals `plaintext` to an X25519 (intl) or SM2 (gm) public key as a
 * versioned, self-describing envelope (docs/FORMAT.md).
 * @throws {MpShieldError} `INVALID_KEY`, `UNSUPPORTED_ALGORITHM`,
 * `INVALID_INPUT`; `NOT_INITIALIZED` before {@link init}.
 */
export function seal(recipientPublicKey: BytesLike, plaintext: BytesLike, options?: SealOptions): Uint8Array;

/**
 * Opens an envelope.
 * @throws {MpShieldError} `DECRYPT_FAILED`, `INVALID_ENVELOPE`, `TRUNCATED`,
 * `UNSUPPORTED_ALGORITHM`, `INVALID_KEY`, `INVALID_INPUT`; `NOT_INITIALIZED` before {@link init}.
 */
export function open(recipientSecretKey: BytesLike, envelope: BytesLike, options?: OpenOptions): Uint8Array;

/** What {@link envelope.inspect} reads from an envelope's header. */
export interface EnvelopeInfo {
  /** 1 (intl) or 2 (gm). */
  version: number;
  suite: Suite;
  mode: HpkeMode;
  /** 0x0020 (DHKEM(X25519, HKDF-SHA256)) or 0xFE10 (DHKEM(curveSM2, HKDF-SM3)). */
  kem: number;
  /** 0x0001 (HKDF-SHA256) or 0xFE01 (HKDF-SM3). */
  kdf: number;
  aead: number;
  /** Identifies the recipient key (docs/FORMAT.md). */
  keyId: Uint8Array;
}

/** Envelope helpers. */
export declare const envelope: {
  /** base64url without padding. */
  toText(bytes: BytesLike): string;
  /** @throws {MpShieldError} `INVALID_ENVELOPE` for text that is not base64url. */
  fromText(text: string): Uint8Array;
  /** The header, without decrypting. @throws {MpShieldError} `INVALID_ENVELOPE`, `TRUNCATED`. */
  inspect(bytes: BytesLike): EnvelopeInfo;
};

/** Options of {@link createSealStream}. */
export interface SealStreamOptions extends SealOptions {
  /** Plaintext bytes per sealed chunk (default 65536; the module enforces its limits). */
  chunkSize?: number;
}

/** A sealing stream: send `header` first, then every `push` result, then the `finish` result. */
export interface SealStream {
  readonly header: Uint8Array;
  /** Buffers `chunk`; returns the sealed bytes ready so far (possibly empty). */
  push(chunk: BytesLike): Uint8Array;
  /** Seals the rest (and `lastChunk`) with the final-chunk marker. */
  finish(lastChunk?: BytesLike): Uint8Array;
  free(): void;
  [Symbol.dispose](): void;
}

/** An opening stream. */
export interface OpenStream {
  /** Opens what it can of `sealedChunk`; returns the plaintext so far (possibly empty). */
  push(sealedChunk: BytesLike): Uint8Array;
  /** @throws {MpShieldError} `TRUNCATED` if the final chunk never came. */
  finish(): void;
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * A chunked sealing stream (STREAM construction with a final-chunk marker:
 * reordering, dropping, duplicating and appending chunks are all detected).
 */
export function createSealStream(recipientPublicKey: BytesLike, options?: SealStreamOptions): SealStream;

/**
 * An opening stream for `header`.
 * @throws {MpShieldError} `INVALID_ENVELOPE`, `TRUNCATED`, `UNSUPPORTED_ALGORITHM`, `INVALID_KEY`;
 * pushes throw `DECRYPT_FAILED` for chunks out of order, altered or after the final one.
 */
export function createOpenStream(recipientSecretKey: BytesLike, header: BytesLike, options?: OpenOptions): OpenStream;

/** Options of {@link sdjwt.issue}. */
export interface SdJwtIssueOptions {
  /** The issuer's key: signs the SD-JWT (header `alg` from the key, `typ: dc+sd-jwt`). */
  issuerKey: SigningKey;
  /** The claims, as a plain JSON object. */
  claims: JsonInput;
  /**
   * JSON Pointers (RFC 6901) of the selectively disclosable claims: members
   * at any depth and array elements (`/nationalities/1`). `iss`, `nbf`,
   * `exp`, `cnf`, `vct` and `status` cannot be (`NOT_DISCLOSABLE`).
   */
  disclosable: readonly string[];
  /** The holder's public key, put in `cnf.jwk` (holder binding). */
  holderPublicJwk?: JwkInput;
  /** The credential type (SD-JWT VC `vct`). */
  vct: string;
  /** The issuer (`iss`). */
  iss: string;
  /** Issued at, seconds since the epoch (default: now). */
  iat?: number;
  /** Not before, seconds since the epoch. */
  nbf?: number;
  /** Expiry, seconds since the epoch. */
  exp?: number;
  /** Decoy digests per object, 0–64 (default: 1–3 at random). */
  decoys?: number;
  /**
   * The `_sd_alg` (disclosure and decoy digests, and later the KB-JWT's
   * `sd_hash`). Default: the issuer key's suite, `"sm3"` for an SM2 key,
   * `"sha-256"` otherwise. One of the other suite throws
   * `UNSUPPORTED_ALGORITHM` (verifiers refuse such credentials too).
   */
  sdAlg?: SdAlg;
}

/** Options of {@link sdjwt.present}. */
export interface SdJwtPresentOptions {
  /** The SD-JWT as issued (or as presented before, without its key binding). */
  credential: string;
  /**
   * JSON Pointers of the claims to disclose. Choosing a claim inside a
   * disclosable object (or array element) also reveals that object, and
   * choosing a disclosable object reveals everything disclosable beneath it.
   */
  disclose: readonly string[];
  /** The holder's key (the one in the credential's `cnf.jwk`): signs the key-binding JWT. */
  holderKey: SigningKey;
  /** The relying party the presentation is for (KB-JWT `aud`). */
  aud: string;
  /** The relying party's nonce (KB-JWT `nonce`). */
  nonce: string;
  /** KB-JWT issued at, seconds since the epoch (default: now). */
  iat?: number;
}

/** Options of {@link sdjwt.verify}. */
export interface SdJwtVerifyOptions {
  /** SD-JWT with key-binding JWT (or without, if `requireKeyBinding` is false). */
  presentation: string;
  /** Trusted issuer public JWKs: matched by `kid` when the header has one, else tried in turn. */
  issuerKeys: readonly JwkInput[];
  /** The expected KB-JWT `aud`. */
  aud?: string;
  /** The expected KB-JWT `nonce`. */
  nonce?: string;
  /** Default `true`. */
  requireKeyBinding?: boolean;
  /** Seconds since the epoch (default: the host's clock). */
  now?: number;
  /** Oldest acceptable KB-JWT `iat`, in seconds before `now` (default 300). */
  maxKeyBindingAge?: number;
  /** Allowance for clocks that disagree, in seconds (default 60). */
  clockSkew?: number;
}

/** The key binding of a verified presentation. */
export interface KeyBinding {
  iat: number;
  aud: string;
  nonce: string;
}

/** What {@link sdjwt.verify} returns. */
export interface VerifiedPresentation {
  /** The processed payload (RFC 9901 §7.3): always-visible claims plus the disclosed ones. */
  claims: JsonObject;
  /** JSON Pointers of the disclosed claims, outermost first. */
  disclosed: string[];
  /** `iss`, or `null` if the credential names no issuer. */
  issuer: string | null;
  /** The holder's key from `cnf.jwk`, if the credential is holder-bound. */
  holderPublicJwk?: PublicJwk;
  /** Present when the presentation had a key-binding JWT. */
  keyBinding?: KeyBinding;
}

/** One disclosure as {@link sdjwt.decode} lists it. */
export interface DecodedDisclosure {
  /** JSON Pointer of the claim (array elements by index). */
  path: string;
  /** Its value (nested digests removed). */
  value: JsonValue;
  /** Its digest (base64url SHA-256 of the disclosure text). */
  digest: string;
}

/** What {@link sdjwt.decode} returns (nothing verified). */
export interface DecodedSdJwt {
  header: JsonObject;
  /** The payload as signed, with `_sd` digests. */
  payload: JsonObject;
  disclosures: DecodedDisclosure[];
  keyBinding?: { header: JsonObject; payload: JsonObject };
}

/** SD-JWT VC (RFC 9901): issue, present with key binding, verify, decode. */
export declare const sdjwt: {
  /**
   * Issues a compact SD-JWT VC (`<JWT>~<disclosure>~…~`).
   * @throws {MpShieldError} `NOT_DISCLOSABLE`, `INVALID_JWK`, `INVALID_INPUT`
   * (wrong types, unknown options, a pointer to nothing, a key that is not a
   * live {@link SigningKey}); `NOT_INITIALIZED` before {@link init}.
   */
  /** Full module only: `INVALID_STATE` in the phone module. */
  issue(options: SdJwtIssueOptions): string;
  /**
   * Keeps only the chosen disclosures and appends a key-binding JWT
   * (`typ: kb+jwt`, `iat`, `aud`, `nonce`, `sd_hash`).
   * @throws {MpShieldError} `INVALID_CREDENTIAL`, `INVALID_KEY` (not the
   * holder's key), `INVALID_INPUT`; `NOT_INITIALIZED` before {@link init}.
   */
  present(options: SdJwtPresentOptions): string;
  /**
   * Verifies a presentation; returns only what was disclosed.
   * @throws {MpShieldError} `UNTRUSTED_ISSUER`, `VERIFY_FAILED`,
   * `INVALID_CREDENTIAL`, `EXPIRED`, `NOT_YET_VALID`, `INVALID_KEY_BINDING`
   * (missing, wrong `aud`/`nonce`/`sd_hash`, stale, bad signature),
   * `UNSUPPORTED_ALGORITHM`, `INVALID_JWK`, `INVALID_INPUT`;
   * `NOT_INITIALIZED` before {@link init}.
   */
  verify(options: SdJwtVerifyOptions): VerifiedPresentation;
  /**
   * Lists what an SD-JWT contains without verifying anything (consent screens).
   * @throws {MpShieldError} `INVALID_CREDENTIAL`, `UNSUPPORTED_ALGORITHM`,
   * `INVALID_INPUT`; `NOT_INITIALIZED` before {@link init}.
   */
  decode(sdJwt: string): DecodedSdJwt;
};

/** Labels in Chinese and English. */
export interface Labels {
  zh: string;
  en: string;
}

/** Licence type ids. */
export type LicenceType =
  | 'resident_id_card'
  | 'driving_licence'
  | 'vehicle_licence'
  | 'passport'
  | 'hk_macao_permit'
  | 'disability_certificate'
  | 'residence_permit';

/** One field of a licence schema. */
export interface LicenceField {
  id: string;
  labels: Labels;
  /** `string`, `date`, `enum`, `enum_list`, `id_number`, `image`, … */
  valueType: string;
  required: boolean;
  disclosable: boolean;
  /** Sensitive personal information under PIPL Art. 28. */
  sensitive: boolean;
  /** Masking rule ids whose results are issued as derived claims. */
  masks: string[];
  /** Predicates derived from the field (`age_equal_or_over`, `household_province`). */
  predicates: string[];
  /** The allowed values of an `enum` or `enum_list`. */
  values?: string[];
}

/** A claim derived at issuance (a predicate or a masked value). */
export interface LicenceDerivedClaim {
  id: string;
  labels: Labels;
  /** The field it is derived from. */
  from: string;
  /** The masking rule or predicate that derives it. */
  rule: string;
}

/** A licence schema. */
export interface LicenceSchema {
  type: LicenceType;
  vct: string;
  labels: Labels;
  fields: LicenceField[];
  derived: LicenceDerivedClaim[];
}

/** Options of {@link licence.issue}. */
export interface LicenceIssueOptions {
  type: LicenceType;
  /** Field id → value, as the schema describes. */
  fields: JsonInput;
  issuerKey: SigningKey;
  holderPublicJwk: JwkInput;
  iss: string;
  /** Seconds since the epoch (default: now); age predicates are computed at this time. */
  iat?: number;
  /** Seconds since the epoch. */
  exp?: number;
}

/** Chinese licences as SD-JWT VCs. */
export declare const licence: {
  /** Every licence schema. @throws {MpShieldError} `NOT_INITIALIZED` before {@link init}. */
  schemas(): LicenceSchema[];
  /**
   * Issues a licence: validates the fields, makes the schema's fields
   * disclosable and adds the derived claims.
   * @throws {MpShieldError} `UNKNOWN_LICENCE_TYPE`, `INVALID_CLAIM`,
   * `INVALID_JWK`, `INVALID_INPUT`; `NOT_INITIALIZED` before {@link init}.
   */
  /** Full module only: `INVALID_STATE` in the phone module. */
  issue(options: LicenceIssueOptions): string;
};

/** A masking rule. */
export interface MaskRule {
  id: string;
  labels: Labels;
  example: string;
}

/** Masking (脱敏) for display. */
export declare const mask: {
  /** Every rule (`id_number`, `phone`, `name`, `address`, `bank_card`, `plate`, …). */
  rules(): MaskRule[];
  /**
   * Masks `value` with rule `ruleId`.
   * @throws {MpShieldError} `UNKNOWN_MASK_RULE`, `INVALID_CLAIM` (a value the
   * rule cannot mask), `INVALID_INPUT`; `NOT_INITIALIZED` before {@link init}.
   */
  apply(ruleId: string, value: string): string;
};

// --- Consent log -------------------------------------------------------------------------

/** PIPL Article 13 lawful bases. */
export type LawfulBasis = 'consent' | 'contract' | 'hr' | 'legal_duty' | 'emergency' | 'news' | 'public_info' | 'other_law';

/** What happened. */
export type ConsentEvent = 'requested' | 'given' | 'refused' | 'disclosed' | 'withdrawn' | 'expired' | 'handover' | 'restored';

/** A consent record (camelCase; unknown keys are refused with `INVALID_RECORD`). */
export interface ConsentRecord {
  /** Generated (16 random bytes, base64url) when absent. */
  recordId?: string;
  /** Filled in (1) when absent. */
  schemaVersion?: number;
  event: ConsentEvent;
  /** Seconds since the Unix epoch. */
  time: number;
  /** A pseudonymous principal id (a keyed hash), never an ID number. */
  principal?: string;
  controller: { name: string; uscc: string; contact?: string };
  recipients?: { name: string; uscc?: string; role?: string }[];
  purposes: string[];
  lawfulBasis: LawfulBasis;
  consentType: 'explicit' | 'separate' | 'guardian';
  crossBorder?: boolean;
  fields: { licence: string; field: string; form: 'full' | 'masked' | 'predicate'; sensitive: boolean; retentionDays: number }[];
  jurisdiction?: string;
  storageLocation?: string;
  /** `sha256`: base64url without padding of the notice text's SHA-256. */
  notice?: { url: string; sha256: string };
  withdrawalMethod?: string;
  refersTo?: string;
  presentation?: { sdHash: string; nonce: string; audience: string; recipientKeyId: string };
  /** Only in the device's own `handover` and `restored` records (which have no controller). */
  device?: { fromSize: number; key?: string; lostSize?: number; lostRoot?: string };
}

/** A record as the log holds it: id and schema version filled in. */
export type StoredConsentRecord = ConsentRecord & { recordId: string; schemaVersion: number };

/** Where an appended record landed. */
export interface Appended {
  index: number;
  leafHash: Uint8Array;
}

/** Options of {@link ConsentLog.prune} and {@link Wallet.prune}. */
export interface PruneOptions {
  /**
   * Prune at most this many records from the front (default: all). Pass the size of the newest checkpoint
   * kept off the device: a `trustedCheckpoint` smaller than the pruned prefix can no longer be checked.
   */
  upTo?: number;
  /** Seconds since the epoch at which consents are judged in force (default: now). */
  now?: number;
}

/** What a prune did. */
export interface PruneResult {
  /** The pruned prefix's size before. */
  from: number;
  /** The pruned prefix's size now: records `0 … to − 1` are gone, their Merkle frontier stays. */
  to: number;
  /** How many records this prune dropped (`to − from`). */
  records: number;
  /**
   * Why it stopped at `to`: the size asked for (or the end of the log), a consent still in force, a device
   * record (`handover`, `restored`), or a record that a later, kept one refers to (a withdrawal stays with
   * its consent).
   */
  stop: 'upTo' | 'inForce' | 'deviceRecord' | 'referenced';
}

/** Record ids by state. */
export interface ConsentStatus {
  active: string[];
  withdrawn: string[];
  expired: string[];
  refused: string[];
}

/** One entry of the citizen's view. */
export interface HistoryEntry {
  index: number;
  record: StoredConsentRecord;
  /** One readable line, e.g. "2026-11-22 14:03 向 某某酒店 提供了 姓名、公民身份号码（脱敏）用于 住宿登记，保存 30 天". */
  line: string;
}

/** A verified checkpoint. */
export interface CheckpointInfo {
  origin: string;
  size: number;
  root: Uint8Array;
}

/**
 * Storage for the consent log: bytes by key; each method may return a value
 * or a Promise. `get` resolves to `undefined` for a missing key (anything
 * else that is not bytes is `STORAGE_CORRUPT`).
 * `maxValueBytes` (optional): the largest value one key holds; `log.save()`
 * keeps every segment at or below it (at least 4096).
 * The methods (and `maxValueBytes`) may be the object's own or inherited
 * from a class; members inherited from `Object.prototype` are not used.
 */
export interface StorageAdapter {
  get(key: string): BytesLike | undefined | null | Promise<BytesLike | undefined | null>;
  set(key: string, bytes: Uint8Array): void | Promise<void>;
  remove(key: string): void | Promise<void>;
  readonly maxValueBytes?: number;
}

/** What a save wrote: how many keys the saved state uses and their bytes (keys plus values, before any encoding by the adapter). */
export interface SaveResult {
  keys: number;
  bytes: number;
}

/**
 * The device's tamper-evident consent log (RFC 6962 Merkle tree, C2SP signed
 * checkpoints), held inside the module. Made by {@link ConsentLog.create} or
 * {@link ConsentLog.load}; `new ConsentLog()` throws `INVALID_INPUT`.
 *
 * Its suite is its signing key's: an `EdDSA` key makes an `intl` log
 * (SHA-256 tree, Ed25519 checkpoints, receipts `MPR\x01`), an `SM2` key a
 * `gm` (国密) log (SM3 tree, SM2-signed checkpoints — C2SP signature type
 * `0xff` — receipts `MPR\x02`, SM4-GCM storage). Verify its checkpoints and
 * receipts with the key's public JWK, its proofs with `hash: 'sm3'`.
 */
export class ConsentLog {
  private constructor();
  /**
   * An empty log whose checkpoints `signingKey` (`EdDSA`: intl; `SM2`: gm)
   * signs under `origin`.
   * @throws {MpShieldError} `UNSUPPORTED_ALGORITHM` (an `ES256` key), `INVALID_INPUT` (origin).
   */
  static create(options: { signingKey: SigningKey; origin: string }): ConsentLog;
  /**
   * Reads and verifies a saved log (of either suite; `signingKey` must be of
   * the stored log's suite, else `UNSUPPORTED_ALGORITHM`). Rejects with
   * `DECRYPT_FAILED` (wrong storage key), `STORAGE_CORRUPT` (missing,
   * altered, reordered or unreadable state), `INVALID_CHECKPOINT`,
   * `ROLLBACK_DETECTED` (older than, or not an extension of,
   * `trustedCheckpoint`), `UNSUPPORTED_ALGORITHM`, `INVALID_KEY`, `INVALID_INPUT`.
   */
  static load(
    storage: StorageAdapter,
    storageKey: BytesLike,
    options: {
      signingKey: SigningKey;
      origin: string;
      trustedCheckpoint?: string;
      /** Each storage read must settle within this many milliseconds (1–600000; default 10000), else `STORAGE_CORRUPT`. */
      timeoutMs?: number;
    },
  ): Promise<ConsentLog>;
  /** The log's suite, its signing key's: `'intl'` (EdDSA) or `'gm'` (SM2). */
  readonly suite: Suite;
  /** Number of records (pruned ones included). */
  readonly size: number;
  /** How many leading records are pruned: the log holds records `pruned … size − 1`. */
  readonly pruned: number;
  /**
   * Drops, in memory, the bodies of the longest prefix of records (up to `upTo`) that holds no consent in
   * force at `now`, no device record and no record a later kept one refers to; the next `save` writes it.
   * The log keeps its size, root and the frontier of the pruned prefix: it proves inclusion of every record
   * it holds and consistency from every size ≥ `pruned`. @throws {MpShieldError} `INVALID_INPUT`.
   */
  prune(options?: PruneOptions): PruneResult;
  /** @throws {MpShieldError} `INVALID_RECORD`, `INVALID_STATE`, `RECORD_NOT_FOUND`, `INVALID_INPUT`. */
  append(record: ConsentRecord): Appended;
  /** `time` defaults to now. @throws {MpShieldError} `RECORD_NOT_FOUND`, `INVALID_STATE`. */
  withdraw(recordId: string, time?: number): Appended;
  /** The Merkle root (SHA-256 in an intl log, SM3 in a gm one), 32 bytes. */
  root(): Uint8Array;
  /** C2SP signed-note text; the signature's key name is the origin (Ed25519 or SM2 signature, the key's). */
  checkpoint(): string;
  /** RFC 9162 inclusion proof over the log's hash (check it with `merkle.verifyInclusion({ …, hash })`). */
  inclusionProof(index: number, treeSize?: number): Uint8Array[];
  /** RFC 9162 consistency proof over the log's hash (check it with `merkle.verifyConsistency({ …, hash })`). */
  consistencyProof(oldSize: number, newSize?: number): Uint8Array[];
  /** @throws {MpShieldError} `RECORD_NOT_FOUND`. */
  get(index: number): StoredConsentRecord;
  /** A receipt (`docs/FORMAT.md`): magic `MPR\x01` (intl) or `MPR\x02` (gm), the record, its index, the proof and a checkpoint. */
  receipt(index: number): Uint8Array;
  status(now?: number): ConsentStatus;
  /** Only `timeZone: "Asia/Shanghai"`; `locale` `"zh-CN"` (default) or `"en"`. */
  history(options?: { locale?: string; timeZone?: 'Asia/Shanghai' }): HistoryEntry[];
  /**
   * Rejects with `CONSENT_NOT_PERSISTED` if the storage fails or a call does
   * not settle within `timeoutMs` (1–600000; default 10000); the previous
   * saved state is then unchanged.
   */
  save(storage: StorageAdapter, storageKey: BytesLike, options?: { timeoutMs?: number }): Promise<SaveResult>;
  /** Releases the log inside the module. Idempotent; never throws for a ConsentLog. */
  free(): void;
  [Symbol.dispose](): void;
}

/** A requested field of one licence (`docs/FORMAT.md`, "Request"). */
export interface RequestedField {
  licence: string;
  field: string;
  /** Default `true`. */
  required?: boolean;
  /** Accepted forms, in order of preference; default `["full"]`. */
  forms?: Array<'full' | 'masked' | 'predicate'>;
  /** How many days the relying party keeps it. */
  retentionDays: number;
  /** For the `predicate` form: e.g. `"age_equal_or_over/18"`, `"household_province"`. */
  predicate?: string;
}

/** Options of {@link Verifier.createRequest}. */
export interface CreateRequestOptions {
  purpose: string;
  lawfulBasis: ConsentRecord['lawfulBasis'];
  /** Fields of one licence type. */
  fields: RequestedField[];
  /** Default 300; at most 86400. */
  ttlSeconds?: number;
  noticeUrl?: string;
  /** Issue time; default now. */
  iat?: number;
}

/**
 * Remembers answered request nonces: `consume` is `true` the first time only.
 * `consume` may be the object's own or inherited from a class (not from
 * `Object.prototype`).
 */
export interface NonceStore {
  consume(nonce: string, expiresAt: number): boolean | Promise<boolean>;
}

/** What {@link Verifier.open} learned. */
export interface OpenedResponse {
  /** The disclosed claims plus those the licence keeps visible (`iss`, `vct`, `iat`, `exp`, `cnf`, `valid_until`). */
  claims: Record<string, unknown>;
  /** JSON Pointers of the disclosed claims. */
  disclosed: string[];
  /** The citizen's consent record, from the verified receipt. */
  consentRecord: StoredConsentRecord;
  receipt: { index: number; checkpoint: string };
  /** The wallet's device key, which signed the receipt. */
  devicePublicJwk: PublicJwk;
}

/**
 * A relying party (hotel, department): signs requests and opens the sealed answers. Full module only (Node's
 * default; `init({ wasmPath })` with `mpshield_bg.wasm` elsewhere): in the phone module `create` throws `INVALID_STATE`.
 */
export class Verifier {
  private constructor();
  /**
   * @throws {MpShieldError} `INVALID_INPUT`, `INVALID_RECORD` (USCC), `INVALID_KEY`, `INVALID_JWK`, `INVALID_STATE` (phone module),
   * `UNSUPPORTED_ALGORITHM` (`signingKey` or `hpkeKeyPair` of the other suite).
   */
  static create(options: {
    /**
     * Default `'intl'` (EdDSA or ES256 signing key, X25519 `hpkeKeyPair`). `'gm'`: an SM2 signing key and an SM2
     * `hpkeKeyPair` (`hpke.generateKeyPair({ kem: 'SM2' })`); its requests carry `suite: "gm"` and are answered
     * under gm protections only.
     */
    suite?: Suite;
    name: string;
    uscc: string;
    signingKey: SigningKey;
    /** `publicKey`, if given, must be of the suite (and, in gm, `secretKey`'s). */
    hpkeKeyPair: { publicKey?: BytesLike; secretKey: BytesLike };
    trustedIssuers: PublicJwk[];
    nonceStore?: NonceStore;
    /**
     * `nonceStore.consume` must settle within this many milliseconds
     * (1–600000; default 10000); a store that fails or is slower accepts
     * nothing: `verifier.open` rejects with `INVALID_STATE`.
     */
    nonceStoreTimeoutMs?: number;
  }): Verifier;
  /** For wallets' `trustedVerifiers`. */
  publicJwk(): PublicJwk;
  /** The key-binding audience (RFC 9278 JWK thumbprint URI). */
  audience(): string;
  /** A signed request (compact JWS, `typ: mpshield-request+jwt`). @throws {MpShieldError} `INVALID_REQUEST`, `INVALID_INPUT`. */
  createRequest(options: CreateRequestOptions): string;
  /**
   * Rejects with `DECRYPT_FAILED` (sealed to another key), `TRUNCATED`,
   * `INVALID_RESPONSE`, `VERIFY_FAILED`, `EXPIRED`, `UNTRUSTED_ISSUER`,
   * `INVALID_KEY_BINDING`, `INVALID_RECEIPT`, `REPLAYED`.
   */
  open(envelope: BytesLike): Promise<OpenedResponse>;
  free(): void;
  [Symbol.dispose](): void;
}

/** One accepted form of a requested field, as the wallet can answer it. */
export interface EvaluatedForm {
  form: 'full' | 'masked' | 'predicate';
  available: boolean;
  /** The claim it discloses, e.g. `/id_number_masked`. */
  claim: string;
  labels: Labels;
  /** What would leave the phone (from the citizen's own credential), or `null`. */
  preview: unknown;
}

/** A requested field on the consent screen. */
export interface EvaluatedItem {
  licence: string;
  field: string;
  /** The field's names from the licence schema; `null` only if the schema has no field of this id. */
  labels: Labels | null;
  required: boolean;
  forms: EvaluatedForm[];
  /** Sensitive personal information: needs separate consent. */
  sensitive: boolean;
  retentionDays: number;
  satisfiable: boolean;
  /** The licence keeps it visible: it leaves with any answer. */
  alwaysVisible: boolean;
}

/** Everything a consent screen needs, from {@link Wallet.evaluate}. */
export interface Evaluation {
  /** Whether the requester is in `trustedVerifiers`. */
  verified: boolean;
  /** The request's suite; one other than the wallet's comes with an `UNSUPPORTED_ALGORITHM` warning, and `respond` refuses it. */
  suite: Suite;
  verifier: { name: string; uscc: string; kid: string };
  purpose: string;
  lawfulBasis: ConsentRecord['lawfulBasis'];
  expiresAt: number;
  noticeUrl?: string;
  items: EvaluatedItem[];
  /** Fields the licence keeps visible: they leave with any answer (e.g. `valid_until`), with the citizen's values. */
  alwaysVisible: Array<{ field: string; labels: Labels; value: unknown }>;
  /** e.g. `UNTRUSTED_VERIFIER`, `CREDENTIAL_NOT_FOUND`. */
  warnings: Array<{ code: ErrorCode | string; message: string }>;
}

/** A credential in the wallet. */
export interface WalletCredential {
  id: string;
  type: string;
  vct: string | null;
  iss: string;
  iat: number | null;
  exp: number | null;
  /** The licence's names; `null` (and `vct` too) for a type this release has no schema for. */
  labels: Labels | null;
}

/** The citizen's wallet: holder key, credentials and consent log, encrypted in storage. */
export class Wallet {
  private constructor();
  /**
   * Rejects with `DECRYPT_FAILED` (wrong storage key), `STORAGE_CORRUPT`, `INVALID_KEY`, `INVALID_JWK`,
   * `CONSENT_NOT_PERSISTED` (a new wallet could not be saved), `ROLLBACK_DETECTED` (the stored log does not
   * extend `trustedCheckpoint`, or storage is empty although one is given), `INVALID_CHECKPOINT` (not this
   * wallet's), `INVALID_STATE` (this storage object is open in another Wallet that was not freed), `INVALID_INPUT`
   * (`suite` is not the stored wallet's), `UNSUPPORTED_ALGORITHM` (a suite this module lacks).
   */
  static open(options: {
    /**
     * A new wallet's suite (default `'intl'`); omitted, a stored wallet opens in its own. It fixes the holder key
     * (`holderPublicJwk()` is SM2 in gm); the wallet answers only requests of its suite.
     */
    suite?: Suite;
    storage: StorageAdapter;
    storageKey: BytesLike;
    trustedVerifiers: PublicJwk[];
    allowUnverified?: boolean;
    /** Each storage call must settle within this many milliseconds (1–600000); default 10000. */
    timeoutMs?: number;
    /** The latest `checkpoint()` of this wallet kept off the phone (your server, or a relying party's receipt). */
    trustedCheckpoint?: string;
  }): Promise<Wallet>;
  /**
   * A wallet on a new phone from {@link Wallet.exportLog}'s export, into storage that holds no wallet.
   * Rejects with `DECRYPT_FAILED` (wrong code, altered export), `STORAGE_CORRUPT`, `INVALID_INPUT`
   * (not a recovery code), `INVALID_CHECKPOINT`, `ROLLBACK_DETECTED`, `INVALID_STATE` (storage holds a wallet).
   */
  static importLog(options: {
    storage: StorageAdapter;
    storageKey: BytesLike;
    data: BytesLike;
    /** As written down (case, spaces and `-` ignored), or its ASCII bytes. */
    recoveryCode: string | BytesLike;
    trustedVerifiers: PublicJwk[];
    allowUnverified?: boolean;
    timeoutMs?: number;
    /** A newer checkpoint of the log kept off the phone: adds a signed `restored` record. */
    trustedCheckpoint?: string;
    /** The imported wallet's suite (default `'intl'`). */
    suite?: Suite;
  }): Promise<{ wallet: Wallet; reissue: WalletCredential[] }>;
  /**
   * Appends and saves a `handover` record to a fresh device key and seals the log under a new recovery code
   * (ASCII bytes, 8 groups of 4; show it once, then `fill(0)`). Rejects with `CONSENT_NOT_PERSISTED` (nothing
   * exported), `INVALID_STATE`.
   */
  exportLog(): Promise<{ data: Uint8Array; recoveryCode: Uint8Array; reissue: WalletCredential[] }>;
  /**
   * Prunes the consent log as {@link ConsentLog.prune} does and saves it, crash-safely: rejects with
   * `CONSENT_NOT_PERSISTED` (storage and the wallet unchanged), `INVALID_STATE` (an export is being saved),
   * `INVALID_INPUT`. The way forward when storage is full.
   */
  prune(options?: PruneOptions): Promise<PruneResult>;
  /** How many leading records of the consent log are pruned. */
  pruned(): number;
  /** The continuity proof for a relying party holding `checkpoint`; see {@link consent.verifyContinuity}. */
  continuityProof(checkpoint: string): Uint8Array;
  holderPublicJwk(): PublicJwk;
  devicePublicJwk(): PublicJwk;
  /** Rejects with `INVALID_CREDENTIAL` (malformed, or not bound to this wallet), `EXPIRED`, `CONSENT_NOT_PERSISTED`. */
  addCredential(sdJwt: string): Promise<{ id: string; type: string }>;
  credentials(): WalletCredential[];
  /** @throws {MpShieldError} `INVALID_REQUEST`, `VERIFY_FAILED`, `EXPIRED`, `NOT_YET_VALID`. */
  evaluate(request: string): Evaluation;
  /**
   * Rejects with `UNSUPPORTED_ALGORITHM` (a request of the other suite than the wallet's: nothing is recorded),
   * `UNTRUSTED_VERIFIER`, `NOT_REQUESTED`,
   * `SEPARATE_CONSENT_REQUIRED`, `CREDENTIAL_NOT_FOUND`, the request's
   * errors, or `CONSENT_NOT_PERSISTED` — then there is no envelope.
   * `free()` while this (or `refuse`, `withdraw`, `addCredential`) is in
   * flight makes it reject with `INVALID_STATE`; no envelope is released
   * (the message says whether the consent record had already been saved).
   */
  respond(
    request: string,
    options: {
      choices: Array<{ licence: string; field: string; form: 'full' | 'masked' | 'predicate' }>;
      /** `true` for every sensitive field chosen, or the field ids. */
      separateConsent?: boolean | string[];
    },
  ): Promise<{ envelope: Uint8Array; receipt: Uint8Array; recordId: string }>;
  /** Rejects with `UNSUPPORTED_ALGORITHM` for a request of the other suite (nothing is recorded), or the request's errors. */
  refuse(request: string): Promise<{ recordId: string }>;
  withdraw(recordId: string): Promise<void>;
  history(options?: { locale?: string; timeZone?: 'Asia/Shanghai' }): HistoryEntry[];
  status(): ConsentStatus;
  checkpoint(): string;
  receipt(index: number): Uint8Array;
  /** Re-reads storage and checks it against memory: resolves `true` or rejects with `DECRYPT_FAILED`, `STORAGE_CORRUPT`, `ROLLBACK_DETECTED`. */
  verifyStorage(): Promise<true>;
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * The hash of a Merkle tree: `'sha256'` (the default; intl logs) or `'sm3'`
 * (gm logs). Any other value is `INVALID_INPUT`.
 */
export type MerkleHash = 'sha256' | 'sm3';

/** RFC 6962 / RFC 9162 Merkle hashes and proofs, over SHA-256 (default) or SM3 (`hash: 'sm3'`). */
export declare const merkle: {
  /** H(0x00 ‖ data), H = `options.hash` (default SHA-256). @throws {MpShieldError} `INVALID_INPUT`. */
  leafHash(data: BytesLike, options?: { hash?: MerkleHash }): Uint8Array;
  /** `true`, or throws `INVALID_PROOF` (`INVALID_INPUT` for malformed arguments, another `hash` included). */
  verifyInclusion(args: {
    leafHash: BytesLike;
    index: number;
    treeSize: number;
    proof: BytesLike[];
    root: BytesLike;
    /** The tree's hash; default `'sha256'`. */
    hash?: MerkleHash;
  }): true;
  /** `true`, or throws `INVALID_PROOF` (`INVALID_INPUT` for malformed arguments, another `hash` included). */
  verifyConsistency(args: {
    oldSize: number;
    newSize: number;
    oldRoot: BytesLike;
    newRoot: BytesLike;
    proof: BytesLike[];
    /** The trees' hash; default `'sha256'`. */
    hash?: MerkleHash;
  }): true;
};

/** Device-signed checkpoints. */
export declare const checkpoint: {
  /**
   * Verifies a checkpoint against the device's public JWK: Ed25519 (intl) or
   * SM2 (gm: an SM2 signature over an SM3 root). A key of the other suite
   * finds no signature by it.
   * @throws {MpShieldError} `INVALID_CHECKPOINT`, `INVALID_JWK`, `UNSUPPORTED_ALGORITHM` (a P-256 key; an SM2 key in a module without gm).
   */
  verify(note: string, publicJwk: JwkInput, origin: string): CheckpointInfo;
};

/** Receipts, for relying parties. */
export declare const consent: {
  /**
   * Verifies a receipt against the device's public JWK (Ed25519 or SM2). The
   * receipt's magic says its suite; it must be the key's, else `INVALID_RECEIPT`.
   * @throws {MpShieldError} `INVALID_RECEIPT`, `INVALID_CHECKPOINT`, `INVALID_PROOF`, `INVALID_JWK`, `UNSUPPORTED_ALGORITHM`.
   */
  verifyReceipt(
    receipt: BytesLike,
    devicePublicJwk: JwkInput,
  ): { record: StoredConsentRecord; index: number; checkpoint: CheckpointInfo & { note: string } };
  /**
   * Checks that a device's log continues `checkpoint` (signed by `devicePublicJwk`, Ed25519 or SM2) across moves to new phones.
   * `restored` is set when a signed `restored` record declares the records after `fromSize` lost.
   * For relying parties: full module only (the phone module throws `INVALID_STATE`).
   * @throws {MpShieldError} `INVALID_CHECKPOINT`, `INVALID_PROOF`, `ROLLBACK_DETECTED` (a fork).
   */
  verifyContinuity(args: { proof: BytesLike; checkpoint: string; devicePublicJwk: JwkInput; origin: string }): {
    devicePublicJwk: PublicJwk;
    checkpoint: CheckpointInfo & { note: string };
    restored: null | { fromSize: number; lostSize: number };
  };
};

/** Argon2id parameters (defaults 12 MiB, 3 passes, 1 lane); bounds in {@link LIMITS}`.argon2`. */
export interface KdfParams {
  /** 8 × parallelism … 262144 (256 MiB). */
  memoryKib?: number;
  /** 1–16. */
  iterations?: number;
  /** 1–4. */
  parallelism?: number;
}

/**
 * A 32-byte storage key from a PIN or passphrase and a 16–64-byte salt
 * (Argon2id). The Promise is returned before the computation starts (it
 * runs in a later task), but the computation still occupies the calling
 * thread while it runs (about 1.5 s with the defaults on iPhones) — unless
 * `init({ kdfWorker })` moved it to a Worker (same bounds, same key).
 * Rejects with `INVALID_INPUT` for parameters outside {@link LIMITS}`.argon2`
 * (and, with a Worker, `WASM_LOAD_FAILED` when it cannot start,
 * `INVALID_STATE` when it stops answering).
 */
export function deriveStorageKey(args: { pin: string | BytesLike; salt: BytesLike; params?: KdfParams }): Promise<Uint8Array>;

/**
 * The largest inputs accepted: bytes for byte inputs, UTF-16 code units for
 * strings. A larger input is `INVALID_INPUT`, refused before it is copied
 * into the module.
 */
export declare const LIMITS: {
  /** A plaintext sealed in one shot (`seal`, `hpke.seal`, `SenderContext.seal`): 64 MiB. */
  readonly plaintext: number;
  /** Any other byte input (envelopes, ciphertexts, aad, info, keys, receipts): 64 MiB + 1 KiB. */
  readonly bytes: number;
  /** One stream `push`/`finish` chunk: 16 MiB + 21. */
  readonly streamChunk: number;
  /** Any string not named below (SD-JWTs, requests, notes, ids, PINs): 1 MiB. */
  readonly text: number;
  /** `envelope.fromText`: the base64url text of the largest envelope (`bytes`). */
  readonly envelopeText: number;
  /** A value written to or read from a storage adapter: 256 MiB. */
  readonly storedValue: number;
  /** A structured (JSON) argument (claims, records, JWKs, choices) as JSON text: 1 MiB. */
  readonly json: number;
  /** deriveStorageKey's parameter bounds. */
  readonly argon2: { readonly maxMemoryKib: number; readonly maxIterations: number; readonly maxParallelism: number };
};

/** A storage adapter that keeps bytes in memory. */
export interface MemoryStorage extends StorageAdapter {
  entries(): [string, Uint8Array][];
  bytesUsed(): number;
}

/** Built-in storage adapters. `file` exists in Node only. */
export declare const storage: {
  memory(): MemoryStorage;
  /** WeChat storage (wx.getStorage / setStorage / removeStorage), base64 text, segments ≤ 700 KiB. */
  wx(wx: object): StorageAdapter;
  /** `localStorage` (or any object with getItem / setItem / removeItem), base64 text. */
  localStorage(target?: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void }): StorageAdapter;
  /** Node only: one file per key under `dir`. */
  file?: (dir: string) => StorageAdapter;
};

/** The same members as the named exports. */
declare const mpshield: {
  init: typeof init;
  moduleInfo: typeof moduleInfo;
  version: typeof version;
  randomBytes: typeof randomBytes;
  addEntropy: typeof addEntropy;
  errorCodes: typeof errorCodes;
  idcard: typeof idcard;
  SigningKey: typeof SigningKey;
  sdjwt: typeof sdjwt;
  licence: typeof licence;
  mask: typeof mask;
  hpke: typeof hpke;
  seal: typeof seal;
  open: typeof open;
  envelope: typeof envelope;
  createSealStream: typeof createSealStream;
  createOpenStream: typeof createOpenStream;
  ConsentLog: typeof ConsentLog;
  Verifier: typeof Verifier;
  Wallet: typeof Wallet;
  merkle: typeof merkle;
  checkpoint: typeof checkpoint;
  consent: typeof consent;
  deriveStorageKey: typeof deriveStorageKey;
  storage: typeof storage;
  MpShieldError: typeof MpShieldError;
  errorMessages: typeof errorMessages;
  describeError: typeof describeError;
  LIMITS: typeof LIMITS;
};
export default mpshield;
