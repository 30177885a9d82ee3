// Core: version, randomness and the error-code list.

import {
  addEntropy as glueAddEntropy,
  errorCodes as glueErrorCodes,
  randomBytes as glueRandomBytes,
  version as glueVersion,
} from 'mpshield-glue';
import { fn } from './runtime.js';
import { bytes, integer } from './args.js';

/** The library's semantic version (equal to Cargo.toml and package.json). */
export const version = fn(function version() {
  return glueVersion();
});

/** `n` bytes from the module's DRBG, `1 ≤ n ≤ 65536`. */
export const randomBytes = fn(
  function randomBytes(n) {
    return glueRandomBytes(integer(n, 'n', 1, 65536));
  },
  { random: true },
);

/**
 * Mixes caller-supplied entropy (≥ 32 bytes from a secure source) into the
 * DRBG, for hosts that obtain entropy later or elsewhere (e.g. plug-ins
 * without wx.getRandomValues).
 */
export const addEntropy = fn(function addEntropy(entropy) {
  glueAddEntropy(bytes(entropy, 'entropy'));
});

/** Every error code mpshield can throw (MpShieldError.code values). */
export const errorCodes = fn(function errorCodes() {
  return glueErrorCodes();
});
