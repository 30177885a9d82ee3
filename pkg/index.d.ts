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
  | 'INTERNAL';

/** Bytes as input: a `Uint8Array` (Node's `Buffer` included) or an `ArrayBuffer`. */
export type BytesLike = Uint8Array | ArrayBuffer;

/**
 * Every failure of mpshield — wrong argument types included — is thrown as
 * an `MpShieldError`: an `Error` with a stable {@link ErrorCode} in `code` and
 * a plain English `message` (localise by code).
 */
export class MpShieldError extends Error {
  constructor(code: ErrorCode, message: string);
  readonly name: 'MpShieldError';
  /** Stable, upper-case code, e.g. `"INVALID_ID_NUMBER"`. */
  readonly code: ErrorCode;
}

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * Where to load the WebAssembly module from.
   * - WeChat mini-program: a code-package path ending in `.wasm.br` or
   *   `.wasm`; default `/miniprogram_npm/mpshield/mpshield_bg.wasm.br` (where
   *   "Build npm" puts it when package.json is at the mini-program root; use
   *   e.g. `/subpkg/miniprogram_npm/mpshield/mpshield_bg.wasm.br` otherwise).
   * - Browser: a URL (string or `URL`); default `mpshield_bg.wasm` next to the
   *   bundle.
   * - Node: a file path or `file:` URL; default `mpshield_bg.wasm` next to the
   *   bundle.
   */
  wasmPath?: string | { readonly href: string };
  /**
   * At least 32 bytes from a secure random source, mixed into the module's
   * random generator. Needed where the host has no `crypto.getRandomValues` /
   * `wx.getRandomValues` (e.g. mini-program plug-ins); otherwise optional
   * and mixed in alongside the host's entropy.
   */
  entropy?: BytesLike;
}

/**
 * Loads the WebAssembly module (once) and seeds its random generator from the
 * host (`crypto.getRandomValues` or `wx.getRandomValues`) and/or
 * `options.entropy`. Call and await it before anything else; calling it again
 * only adds entropy.
 *
 * @throws {MpShieldError} `NO_ENTROPY` when there is no secure entropy (there
 * is no `Math.random` fallback); `INVALID_INPUT` for bad options or a
 * `wasmPath` that cannot be loaded; `INTERNAL` when the module cannot be
 * loaded from its default location or the host cannot run it.
 */
export function init(options?: InitOptions): Promise<void>;

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
 * Every code mpshield can throw.
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

/** The same members as the named exports. */
declare const mpshield: {
  init: typeof init;
  version: typeof version;
  randomBytes: typeof randomBytes;
  addEntropy: typeof addEntropy;
  errorCodes: typeof errorCodes;
  idcard: typeof idcard;
  MpShieldError: typeof MpShieldError;
};
export default mpshield;
