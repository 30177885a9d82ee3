// A test-side RFC 9180 (HPKE) implementation: the oracle that checks
// mpshield's own key schedule, above all for the 国密 `gm` suite, for which
// no other HPKE implementation exists.
//
// It is written from RFC 9180's pseudocode (section numbers are given beside
// each function, and the names are the RFC's), parametrised by primitive
// objects, and instantiated twice from primitives independent of mpshield:
//   intl — DHKEM(X25519, HKDF-SHA256) 0x0020 from @noble/curves; HKDF-SHA256
//          0x0001 (and HKDF-SHA512 0x0003) from @noble/hashes (installed as
//          the pinned dependency of @noble/curves); AES-128-GCM 0x0001,
//          AES-256-GCM 0x0002, ChaCha20-Poly1305 0x0003 from @noble/ciphers;
//          export-only 0xFFFF. Also DHKEM(P-256, HKDF-SHA256) 0x0010 from
//          @noble/curves, which exists only so that the official vectors
//          check the code paths gm shares with it (the `candidate`
//          DeriveKeyPair loop, SEC1 public key checks, x-coordinate DH).
//   gm   — DHKEM(curveSM2, HKDF-SM3) 0xFE10, HKDF-SM3 0xFE01, SM4-GCM 0xFE01,
//          from sm-crypto-v2 1.15.1 (npm): SM2 point arithmetic
//          (sm2.getPublicKeyFromPrivateKey, sm2.ecdh), HMAC-SM3
//          (sm3(msg, { key, mode: 'hmac' })) under RFC 5869 Extract/Expand
//          written here, and sm4.encrypt/decrypt in GCM mode.
// The gm instantiation follows the definition: RFC 9180 exactly,
// with Nsecret = 32, Nenc = Npk = 65 (SEC1 uncompressed 04‖x‖y), Nsk = 32,
// Ndh = 32 (the DH result is the x-coordinate, as RFC 8998 does for
// curveSM2 ECDHE), DeriveKeyPair as §7.1.3 does for P-256 with SM2's order
// and bitmask 0xFF; Nh = 32; Nk = 16, Nn = 12, Nt = 16.
//
// Library use: import { suite, GM, … } from './hpke-generic.mjs'.
//
// Command line (for the Rust tests): `node tests/peers/hpke-generic.mjs`
// reads one JSON request on stdin and writes one JSON response on stdout.
// All byte strings are lower- or upper-case hex; absent optional fields are
// empty ("" = zero bytes). Suite ids are numbers (65040 = 0xFE10) or strings
// "0xFE10"; modes are 0–3 or "base" | "psk" | "auth" | "auth_psk".
//
//   request = {
//     "seal":   [ { "kem", "kdf", "aead", "mode",
//                   "pkR",                        // recipient public key
//                   "info", "aad",                // aad: one hex for every
//                                                 //   message, or a list
//                   "pt": hex | [hex, …],         // one or several messages,
//                                                 //   sealed in order in one
//                                                 //   context (seq 0, 1, …)
//                   "psk", "psk_id",              // psk and auth_psk modes
//                   "skS",                        // auth and auth_psk modes
//                   "ikmE",                       // optional: ephemeral key
//                                                 //   from DeriveKeyPair(ikmE)
//                   "exports": [ { "context": hex, "L": n }, … ] } ],
//     "open":   [ { "kem", "kdf", "aead", "mode",
//                   "skR", "enc", "info", "aad",
//                   "ct": hex | [hex, …],         // opened in order in one
//                                                 //   context
//                   "psk", "psk_id", "pkS",
//                   "exports": [ … ] } ],
//     "derive": [ { "kem", "ikm" } | { "kem", "sk" } ]  // DeriveKeyPair(ikm),
//                                                 //   or pk of a secret key
//   }
//   response = {
//     "sealed": [ { "enc", "ct": hex | [hex, …], "exports": [hex, …],
//                   "shared_secret", "key", "base_nonce", "exporter_secret",
//                   "error": null } ],
//     "opened": [ { "pt": hex | [hex | null, …], "exports": [hex, …],
//                   "shared_secret", "key", "base_nonce", "exporter_secret",
//                   "error": null | string } ],
//     "derived": [ { "sk", "pk", "error": null } ]   // sk = SerializePrivateKey
//   }                                             //   (clamped for X25519)
// "shared_secret" … "exporter_secret" are the key schedule's values, for
// pinpointing where an implementation under test departs from this one.
// A psk or psk_id given with mode base or auth is an error (VerifyPSKInputs),
// not ignored. Ids known: KEM 0x0010, 0x0020, 0xFE10; KDF 0x0001, 0x0003,
// 0xFE01; AEAD 0x0001, 0x0002, 0x0003, 0xFE01, 0xFFFF (any combination).
//
// From a Rust test, as tests/seal_pyca.rs drives tests/peers/pyca_hpke.py:
//   Command::new("node")
//       .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/hpke-generic.mjs"))
// with the request on stdin (imports resolve from the repository's
// node_modules whatever the working directory).
// Failure: every value field of that entry is null and "error" says why
// (e.g. "DeserializePublicKey: prefix 0x02, expected 0x04"). In "opened", when
// setup succeeded but a message failed, "pt" is the list with null at the
// failed messages (a failed Open does not advance the sequence number,
// RFC 9180 §5.2, so later messages fail too), "exports" is still given and
// "error" names the first failed message ("ct[2]: OpenError: …"). The
// process exits 0 whenever it could parse the request, 2 otherwise.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { x25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/p256';
import { extract as nobleHkdfExtract, expand as nobleHkdfExpand } from '@noble/hashes/hkdf';
import { sha256, sha512 } from '@noble/hashes/sha2';
import { gcm } from '@noble/ciphers/aes';
import { chacha20poly1305 } from '@noble/ciphers/chacha';
import { sm2, sm3, sm4 } from 'sm-crypto-v2';

// --- Bytes (RFC 9180 §3 notation) ----------------------------------------------

const EMPTY = new Uint8Array(0);

/** The ASCII bytes of a label such as "HPKE-v1". */
export const ascii = (s) => new Uint8Array(Buffer.from(s, 'latin1'));

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** I2OSP(n, w): the w-byte big-endian encoding of the integer n (number or BigInt). */
export function I2OSP(n, w) {
  let v = BigInt(n);
  if (v < 0n || v >= 1n << BigInt(8 * w)) throw new Error(`I2OSP: ${n} does not fit in ${w} bytes`);
  const out = new Uint8Array(w);
  for (let i = w - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** OS2IP(x): the big-endian integer of the bytes x, as a BigInt. */
export function OS2IP(x) {
  let v = 0n;
  for (const b of x) v = (v << 8n) | BigInt(b);
  return v;
}

export function xor(a, b) {
  if (a.length !== b.length) throw new Error('xor: lengths differ');
  return a.map((x, i) => x ^ b[i]);
}

export const fromHex = (h) => {
  if (typeof h !== 'string' || h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) {
    throw new Error(`not a hex string: ${JSON.stringify(h)}`);
  }
  return new Uint8Array(Buffer.from(h, 'hex'));
};
export const toHex = (b) => Buffer.from(b).toString('hex');

const isAllZero = (b) => b.every((x) => x === 0);

function needLength(what, b, n) {
  if (!(b instanceof Uint8Array)) throw new Error(`${what}: not bytes`);
  if (b.length !== n) throw new Error(`${what}: length ${b.length}, expected ${n}`);
}

// --- KDFs: HKDF (RFC 5869) ----------------------------------------------------
// A KDF object is { id, Nh, Extract(salt, ikm), Expand(prk, info, L) }.

/** RFC 5869 §2.2–2.3 over any HMAC (hmac(key, msg) → Nh bytes). */
export function rfc5869(hmac, Nh) {
  return {
    Extract(salt, ikm) {
      // "if not provided, [salt] is set to a string of HashLen zeros"
      return hmac(salt.length === 0 ? new Uint8Array(Nh) : salt, ikm);
    },
    Expand(prk, info, L) {
      if (L > 255 * Nh) throw new Error(`Expand: L = ${L} > 255·Nh`);
      const N = Math.ceil(L / Nh);
      let T = EMPTY; // T(0) = empty string
      const okm = [];
      for (let i = 1; i <= N; i++) {
        T = hmac(prk, concat(T, info, new Uint8Array([i]))); // T(i) = HMAC(PRK, T(i-1) | info | i)
        okm.push(T);
      }
      return concat(...okm).slice(0, L);
    },
  };
}

function nobleHkdf(id, hash) {
  return {
    id,
    Nh: hash.outputLen,
    Extract: (salt, ikm) => nobleHkdfExtract(hash, ikm, salt),
    Expand: (prk, info, L) => {
      if (L > 255 * hash.outputLen) throw new Error(`Expand: L = ${L} > 255·Nh`);
      return nobleHkdfExpand(hash, prk, info, L);
    },
  };
}

export const HKDF_SHA256 = nobleHkdf(0x0001, sha256);
export const HKDF_SHA512 = nobleHkdf(0x0003, sha512);

/** HMAC-SM3 from sm-crypto-v2: sm3(msg, { key, mode: 'hmac' }) → hex (a string key would be read as hex, a string msg as UTF-8: only bytes are passed). */
export function hmacSm3(key, msg) {
  return fromHex(sm3(Uint8Array.from(msg), { key: Uint8Array.from(key), mode: 'hmac' }));
}

export const HKDF_SM3 = { id: 0xfe01, Nh: 32, ...rfc5869(hmacSm3, 32) };

/** SM3 itself, from the same sm-crypto-v2 function HMAC-SM3 uses (for the primitive checks). */
export const SM3 = (msg) => fromHex(sm3(Uint8Array.from(msg)));

// --- AEADs (RFC 9180 §7.3) ------------------------------------------------------
// An AEAD object is { id, Nk, Nn, Nt, Seal(key, nonce, aad, pt), Open(key, nonce, aad, ct) };
// Open throws on an authentication failure.

function nobleAead(id, Nk, make) {
  return {
    id,
    Nk,
    Nn: 12,
    Nt: 16,
    Seal(key, nonce, aad, pt) {
      needLength('AEAD key', key, Nk);
      needLength('AEAD nonce', nonce, 12);
      return make(key, nonce, aad).encrypt(pt);
    },
    Open(key, nonce, aad, ct) {
      needLength('AEAD key', key, Nk);
      needLength('AEAD nonce', nonce, 12);
      return make(key, nonce, aad).decrypt(ct);
    },
  };
}

export const AES_128_GCM = nobleAead(0x0001, 16, gcm);
export const AES_256_GCM = nobleAead(0x0002, 32, gcm);
export const CHACHA20_POLY1305 = nobleAead(0x0003, 32, chacha20poly1305);
export const EXPORT_ONLY = {
  id: 0xffff,
  Nk: 0,
  Nn: 0,
  Nt: 0,
  Seal() {
    throw new Error('export-only AEAD: Seal is not available');
  },
  Open() {
    throw new Error('export-only AEAD: Open is not available');
  },
};

/**
 * SM4-GCM from sm-crypto-v2. Its quirks: in GCM mode it does not check the key
 * length (other modes do); decrypt authenticates only when `tag` is passed
 * (without one it just decrypts); string key/iv/aad are read as hex but a
 * string plaintext as UTF-8. So: lengths are checked here, only bytes are
 * passed, and the tag is always split off and passed.
 */
export const SM4_GCM = {
  id: 0xfe01,
  Nk: 16,
  Nn: 12,
  Nt: 16,
  Seal(key, nonce, aad, pt) {
    needLength('SM4-GCM key', key, 16);
    needLength('SM4-GCM nonce', nonce, 12);
    const { output, tag } = sm4.encrypt(Uint8Array.from(pt), Uint8Array.from(key), {
      mode: 'gcm',
      iv: Uint8Array.from(nonce),
      associatedData: Uint8Array.from(aad),
      output: 'array',
      outputTag: true,
    });
    needLength('SM4-GCM tag', tag, 16);
    return concat(output, tag);
  },
  Open(key, nonce, aad, ct) {
    needLength('SM4-GCM key', key, 16);
    needLength('SM4-GCM nonce', nonce, 12);
    if (ct.length < 16) throw new Error('SM4-GCM: ciphertext shorter than the tag');
    return sm4.decrypt(Uint8Array.from(ct.subarray(0, ct.length - 16)), Uint8Array.from(key), {
      mode: 'gcm',
      iv: Uint8Array.from(nonce),
      associatedData: Uint8Array.from(aad),
      tag: Uint8Array.from(ct.subarray(ct.length - 16)),
      output: 'array',
    });
  },
};

// --- Groups for DHKEM (RFC 9180 §4.1, §7.1) ----------------------------------
// A group object is { id, Nsecret, Nsk, Npk, Ndh, kdf, derive, pk(sk), DH(sk, pk),
//   SerializePublicKey, DeserializePublicKey, SerializePrivateKey, DeserializePrivateKey }
// with keys held as their serialized bytes; derive is 'x25519' or
// { order, bitmask } (§7.1.3).

export const X25519_GROUP = {
  id: 0x0020,
  Nsecret: 32,
  Nsk: 32,
  Npk: 32,
  Ndh: 32,
  kdf: HKDF_SHA256,
  derive: 'x25519',
  pk: (sk) => x25519.getPublicKey(sk),
  DH(sk, pk) {
    const dh = x25519.getSharedSecret(sk, pk);
    // §7.1.4: "MUST check whether the result is the all-zero value and abort"
    if (isAllZero(dh)) throw new Error('DH: all-zero X25519 output');
    return dh;
  },
  SerializePublicKey: (pk) => Uint8Array.from(pk),
  DeserializePublicKey(pkm) {
    needLength('DeserializePublicKey', pkm, 32);
    return Uint8Array.from(pkm);
  },
  // §7.1.2: SerializePrivateKey clamps its output, DeserializePrivateKey its input.
  SerializePrivateKey: (sk) => clamp25519(sk),
  DeserializePrivateKey(skm) {
    needLength('DeserializePrivateKey', skm, 32);
    return clamp25519(skm);
  },
};

function clamp25519(sk) {
  const k = Uint8Array.from(sk);
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
  return k;
}

/**
 * Checks of a SEC1 uncompressed public key on a short Weierstrass curve
 * y² = x³ + ax + b over F_p (the list, and SP 800-56A's partial
 * public-key validation): length 1 + 2·Nfield, prefix 0x04, x < p and y < p,
 * on the curve. The identity has no such encoding ((0, 0) is not on a curve
 * with b ≠ 0), and with cofactor 1 every curve point is in the group.
 */
export function weierstrassPublicKeyCheck({ p, a, b, Nfield }, pkm) {
  if (!(pkm instanceof Uint8Array)) throw new Error('DeserializePublicKey: not bytes');
  if (pkm.length !== 1 + 2 * Nfield) {
    throw new Error(`DeserializePublicKey: length ${pkm.length}, expected ${1 + 2 * Nfield}`);
  }
  if (pkm[0] !== 0x04) {
    throw new Error(`DeserializePublicKey: prefix 0x${pkm[0].toString(16).padStart(2, '0')}, expected 0x04`);
  }
  const x = OS2IP(pkm.subarray(1, 1 + Nfield));
  const y = OS2IP(pkm.subarray(1 + Nfield));
  if (x >= p || y >= p) throw new Error('DeserializePublicKey: coordinate not below p');
  if ((y * y - (x * x * x + a * x + b)) % p !== 0n) throw new Error('DeserializePublicKey: point not on the curve');
  return Uint8Array.from(pkm);
}

function scalarCheck(order, Nsk, skm) {
  needLength('DeserializePrivateKey', skm, Nsk);
  const s = OS2IP(skm);
  if (s === 0n || s >= order) throw new Error('DeserializePrivateKey: scalar not in [1, n-1]');
  return Uint8Array.from(skm);
}

/** §7.1.3's P-256 instantiation (official vectors exist for it). */
const P256_CURVE = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  Nfield: 32,
};

export const P256_GROUP = {
  id: 0x0010,
  Nsecret: 32,
  Nsk: 32,
  Npk: 65,
  Ndh: 32,
  kdf: HKDF_SHA256,
  derive: { order: P256_CURVE.n, bitmask: 0xff },
  pk: (sk) => p256.getPublicKey(sk, false),
  DH(sk, pk) {
    const x = p256.getSharedSecret(sk, pk, true).slice(1); // 02/03 ‖ x
    if (isAllZero(x)) throw new Error('DH: all-zero x-coordinate');
    return x;
  },
  SerializePublicKey: (pk) => Uint8Array.from(pk),
  DeserializePublicKey: (pkm) => weierstrassPublicKeyCheck(P256_CURVE, pkm),
  SerializePrivateKey: (sk) => Uint8Array.from(sk),
  DeserializePrivateKey: (skm) => scalarCheck(P256_CURVE.n, 32, skm),
};

/** curveSM2, the recommended curve of GB/T 32918.5 (GM/T 0003.5). */
export const SM2_CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
  Nfield: 32,
};

/**
 * SM2 point arithmetic from sm-crypto-v2: getPublicKeyFromPrivateKey(hex) →
 * hex '04'‖x‖y (130 characters); ecdh(sk bytes, pk bytes) → the product as
 * a 33-byte *compressed* point (02/03 ‖ x), whose x is bytes 1..33.
 */
export const SM2_GROUP = {
  id: 0xfe10,
  Nsecret: 32,
  Nsk: 32,
  Npk: 65,
  Ndh: 32,
  kdf: HKDF_SM3,
  derive: { order: SM2_CURVE.n, bitmask: 0xff },
  pk(sk) {
    const pk = fromHex(sm2.getPublicKeyFromPrivateKey(toHex(sk)));
    needLength('SM2 public key', pk, 65);
    return pk;
  },
  DH(sk, pk) {
    const point = sm2.ecdh(Uint8Array.from(sk), Uint8Array.from(pk));
    needLength('SM2 ECDH output', point, 33);
    const x = point.slice(1);
    if (isAllZero(x)) throw new Error('DH: all-zero x-coordinate');
    return x;
  },
  SerializePublicKey: (pk) => Uint8Array.from(pk),
  DeserializePublicKey: (pkm) => weierstrassPublicKeyCheck(SM2_CURVE, pkm),
  SerializePrivateKey: (sk) => Uint8Array.from(sk),
  DeserializePrivateKey: (skm) => scalarCheck(SM2_CURVE.n, 32, skm),
};

// --- RFC 9180 §4: labeled HKDF ------------------------------------------------

export function LabeledExtract(kdf, suite_id, salt, label, ikm) {
  const labeled_ikm = concat(ascii('HPKE-v1'), suite_id, ascii(label), ikm);
  return kdf.Extract(salt, labeled_ikm);
}

export function LabeledExpand(kdf, suite_id, prk, label, info, L) {
  const labeled_info = concat(I2OSP(L, 2), ascii('HPKE-v1'), suite_id, ascii(label), info);
  return kdf.Expand(prk, labeled_info, L);
}

// --- RFC 9180 §4.1: DHKEM(Group, KDF) ------------------------------------------

export function DHKEM(group) {
  const { id, Nsecret, Nsk, kdf } = group;
  const suite_id = concat(ascii('KEM'), I2OSP(id, 2));
  const LabeledExtractKEM = (salt, label, ikm) => LabeledExtract(kdf, suite_id, salt, label, ikm);
  const LabeledExpandKEM = (prk, label, info, L) => LabeledExpand(kdf, suite_id, prk, label, info, L);
  const { DH, SerializePublicKey, DeserializePublicKey } = group;
  const pk = (sk) => group.pk(sk);

  // §7.1.3
  function DeriveKeyPair(ikm) {
    const dkp_prk = LabeledExtractKEM(EMPTY, 'dkp_prk', ikm);
    if (group.derive === 'x25519') {
      const sk = LabeledExpandKEM(dkp_prk, 'sk', EMPTY, Nsk);
      return { sk, pk: pk(sk) };
    }
    const { order, bitmask } = group.derive;
    let sk = 0n;
    let counter = 0;
    let bytes;
    while (sk === 0n || sk >= order) {
      if (counter > 255) throw new Error('DeriveKeyPairError');
      bytes = LabeledExpandKEM(dkp_prk, 'candidate', I2OSP(counter, 1), Nsk);
      bytes[0] = bytes[0] & bitmask;
      sk = OS2IP(bytes);
      counter = counter + 1;
    }
    return { sk: bytes, pk: pk(bytes) };
  }

  function GenerateKeyPair() {
    return DeriveKeyPair(randomBytes(Nsk));
  }

  function ExtractAndExpand(dh, kem_context) {
    const eae_prk = LabeledExtractKEM(EMPTY, 'eae_prk', dh);
    return LabeledExpandKEM(eae_prk, 'shared_secret', kem_context, Nsecret);
  }

  /** ikmE (optional) replaces GenerateKeyPair() by DeriveKeyPair(ikmE), as the RFC's test vectors do. */
  function Encap(pkR, ikmE) {
    const { sk: skE, pk: pkE } = ikmE ? DeriveKeyPair(ikmE) : GenerateKeyPair();
    const dh = DH(skE, pkR);
    const enc = SerializePublicKey(pkE);
    const pkRm = SerializePublicKey(pkR);
    const kem_context = concat(enc, pkRm);
    const shared_secret = ExtractAndExpand(dh, kem_context);
    return { shared_secret, enc };
  }

  function Decap(enc, skR) {
    const pkE = DeserializePublicKey(enc);
    const dh = DH(skR, pkE);
    const pkRm = SerializePublicKey(pk(skR));
    const kem_context = concat(enc, pkRm);
    return ExtractAndExpand(dh, kem_context);
  }

  function AuthEncap(pkR, skS, ikmE) {
    const { sk: skE, pk: pkE } = ikmE ? DeriveKeyPair(ikmE) : GenerateKeyPair();
    const dh = concat(DH(skE, pkR), DH(skS, pkR));
    const enc = SerializePublicKey(pkE);
    const pkRm = SerializePublicKey(pkR);
    const pkSm = SerializePublicKey(pk(skS));
    const kem_context = concat(enc, pkRm, pkSm);
    const shared_secret = ExtractAndExpand(dh, kem_context);
    return { shared_secret, enc };
  }

  function AuthDecap(enc, skR, pkS) {
    const pkE = DeserializePublicKey(enc);
    const dh = concat(DH(skR, pkE), DH(skR, pkS));
    const pkRm = SerializePublicKey(pk(skR));
    const pkSm = SerializePublicKey(pkS);
    const kem_context = concat(enc, pkRm, pkSm);
    return ExtractAndExpand(dh, kem_context);
  }

  return {
    id,
    suite_id,
    Nsecret,
    Nenc: group.Npk,
    Npk: group.Npk,
    Nsk,
    group,
    DeriveKeyPair,
    GenerateKeyPair,
    ExtractAndExpand,
    Encap,
    Decap,
    AuthEncap,
    AuthDecap,
    pk,
    SerializePublicKey,
    DeserializePublicKey,
    SerializePrivateKey: group.SerializePrivateKey,
    DeserializePrivateKey: group.DeserializePrivateKey,
  };
}

// --- RFC 9180 §5: HPKE ------------------------------------------------------------

export const mode_base = 0x00;
export const mode_psk = 0x01;
export const mode_auth = 0x02;
export const mode_auth_psk = 0x03;
export const MODES = { base: mode_base, psk: mode_psk, auth: mode_auth, auth_psk: mode_auth_psk };

const default_psk = EMPTY;
const default_psk_id = EMPTY;

/** §5.2: the encryption context of one role. */
class Context {
  constructor(suite, key, base_nonce, exporter_secret, schedule) {
    this.suite = suite;
    this.key = key;
    this.base_nonce = base_nonce;
    this.seq = 0n;
    this.exporter_secret = exporter_secret;
    /** Intermediate values, for comparison with the test vectors. */
    this.schedule = schedule;
  }

  ComputeNonce(seq) {
    const seq_bytes = I2OSP(seq, this.suite.aead.Nn);
    return xor(this.base_nonce, seq_bytes);
  }

  IncrementSeq() {
    if (this.seq >= (1n << BigInt(8 * this.suite.aead.Nn)) - 1n) throw new Error('MessageLimitReachedError');
    this.seq += 1n;
  }

  // §5.3
  Export(exporter_context, L) {
    return LabeledExpand(this.suite.kdf, this.suite.suite_id, this.exporter_secret, 'sec', exporter_context, L);
  }
}

export class ContextS extends Context {
  Seal(aad, pt) {
    const ct = this.suite.aead.Seal(this.key, this.ComputeNonce(this.seq), aad, pt);
    this.IncrementSeq();
    return ct;
  }
}

export class ContextR extends Context {
  Open(aad, ct) {
    let pt;
    try {
      pt = this.suite.aead.Open(this.key, this.ComputeNonce(this.seq), aad, ct);
    } catch (e) {
      throw new Error(`OpenError: ${e.message}`);
    }
    this.IncrementSeq();
    return pt;
  }
}

/** HPKE with the given KEM group, KDF and AEAD objects. */
export function HPKE({ kem: group, kdf, aead }) {
  const kem = DHKEM(group);
  const suite_id = concat(ascii('HPKE'), I2OSP(kem.id, 2), I2OSP(kdf.id, 2), I2OSP(aead.id, 2));
  const suite = { kem, kdf, aead, suite_id };
  const { Nk, Nn } = aead;
  const { Nh } = kdf;

  const LabeledExtractS = (salt, label, ikm) => LabeledExtract(kdf, suite_id, salt, label, ikm);
  const LabeledExpandS = (prk, label, info, L) => LabeledExpand(kdf, suite_id, prk, label, info, L);

  // §5.1
  function VerifyPSKInputs(mode, psk, psk_id) {
    const got_psk = psk.length !== default_psk.length;
    const got_psk_id = psk_id.length !== default_psk_id.length;
    if (got_psk !== got_psk_id) throw new Error('Inconsistent PSK inputs');
    if (got_psk && (mode === mode_base || mode === mode_auth)) throw new Error('PSK input provided when not needed');
    if (!got_psk && (mode === mode_psk || mode === mode_auth_psk)) throw new Error('Missing required PSK input');
  }

  function KeySchedule(Role, mode, shared_secret, info, psk, psk_id) {
    VerifyPSKInputs(mode, psk, psk_id);
    const psk_id_hash = LabeledExtractS(EMPTY, 'psk_id_hash', psk_id);
    const info_hash = LabeledExtractS(EMPTY, 'info_hash', info);
    const key_schedule_context = concat(new Uint8Array([mode]), psk_id_hash, info_hash);
    const secret = LabeledExtractS(shared_secret, 'secret', psk);
    const key = LabeledExpandS(secret, 'key', key_schedule_context, Nk);
    const base_nonce = LabeledExpandS(secret, 'base_nonce', key_schedule_context, Nn);
    const exporter_secret = LabeledExpandS(secret, 'exp', key_schedule_context, Nh);
    return new Role(suite, key, base_nonce, exporter_secret, {
      shared_secret,
      key_schedule_context,
      secret,
      key,
      base_nonce,
      exporter_secret,
    });
  }

  // §5.1.1–5.1.4. Keys are given serialized (bytes) and deserialized here, so
  // the KEM's checks apply to every key that comes in. opts.ikmE: optional
  // deterministic ephemeral key.
  function SetupBaseS(pkR, info, opts = {}) {
    const { shared_secret, enc } = kem.Encap(kem.DeserializePublicKey(pkR), opts.ikmE);
    return { enc, ctx: KeySchedule(ContextS, mode_base, shared_secret, info, default_psk, default_psk_id) };
  }
  function SetupBaseR(enc, skR, info) {
    const shared_secret = kem.Decap(enc, kem.DeserializePrivateKey(skR));
    return KeySchedule(ContextR, mode_base, shared_secret, info, default_psk, default_psk_id);
  }
  function SetupPSKS(pkR, info, psk, psk_id, opts = {}) {
    const { shared_secret, enc } = kem.Encap(kem.DeserializePublicKey(pkR), opts.ikmE);
    return { enc, ctx: KeySchedule(ContextS, mode_psk, shared_secret, info, psk, psk_id) };
  }
  function SetupPSKR(enc, skR, info, psk, psk_id) {
    const shared_secret = kem.Decap(enc, kem.DeserializePrivateKey(skR));
    return KeySchedule(ContextR, mode_psk, shared_secret, info, psk, psk_id);
  }
  function SetupAuthS(pkR, info, skS, opts = {}) {
    const { shared_secret, enc } = kem.AuthEncap(
      kem.DeserializePublicKey(pkR),
      kem.DeserializePrivateKey(skS),
      opts.ikmE,
    );
    return { enc, ctx: KeySchedule(ContextS, mode_auth, shared_secret, info, default_psk, default_psk_id) };
  }
  function SetupAuthR(enc, skR, info, pkS) {
    const shared_secret = kem.AuthDecap(enc, kem.DeserializePrivateKey(skR), kem.DeserializePublicKey(pkS));
    return KeySchedule(ContextR, mode_auth, shared_secret, info, default_psk, default_psk_id);
  }
  function SetupAuthPSKS(pkR, info, psk, psk_id, skS, opts = {}) {
    const { shared_secret, enc } = kem.AuthEncap(
      kem.DeserializePublicKey(pkR),
      kem.DeserializePrivateKey(skS),
      opts.ikmE,
    );
    return { enc, ctx: KeySchedule(ContextS, mode_auth_psk, shared_secret, info, psk, psk_id) };
  }
  function SetupAuthPSKR(enc, skR, info, psk, psk_id, pkS) {
    const shared_secret = kem.AuthDecap(enc, kem.DeserializePrivateKey(skR), kem.DeserializePublicKey(pkS));
    return KeySchedule(ContextR, mode_auth_psk, shared_secret, info, psk, psk_id);
  }

  /** Any mode: { mode, pkR, info, psk, psk_id, skS, ikmE } → { enc, ctx }. */
  function SetupS({ mode, pkR, info = EMPTY, psk = EMPTY, psk_id = EMPTY, skS, ikmE }) {
    // Checked here too, so that a psk given with mode base or auth is an
    // error rather than silently dropped by SetupBaseS/SetupAuthS.
    VerifyPSKInputs(mode, psk, psk_id);
    const opts = { ikmE };
    switch (mode) {
      case mode_base:
        return SetupBaseS(pkR, info, opts);
      case mode_psk:
        return SetupPSKS(pkR, info, psk, psk_id, opts);
      case mode_auth:
        return SetupAuthS(pkR, info, need(skS, 'skS'), opts);
      case mode_auth_psk:
        return SetupAuthPSKS(pkR, info, psk, psk_id, need(skS, 'skS'), opts);
      default:
        throw new Error(`unknown mode ${mode}`);
    }
  }

  /** Any mode: { mode, enc, skR, info, psk, psk_id, pkS } → ctx. */
  function SetupR({ mode, enc, skR, info = EMPTY, psk = EMPTY, psk_id = EMPTY, pkS }) {
    VerifyPSKInputs(mode, psk, psk_id);
    switch (mode) {
      case mode_base:
        return SetupBaseR(enc, skR, info);
      case mode_psk:
        return SetupPSKR(enc, skR, info, psk, psk_id);
      case mode_auth:
        return SetupAuthR(enc, skR, info, need(pkS, 'pkS'));
      case mode_auth_psk:
        return SetupAuthPSKR(enc, skR, info, psk, psk_id, need(pkS, 'pkS'));
      default:
        throw new Error(`unknown mode ${mode}`);
    }
  }

  // §6: single-shot APIs (any mode through the args object).
  function Seal(args, aad, pt) {
    const { enc, ctx } = SetupS(args);
    return { enc, ct: ctx.Seal(aad, pt) };
  }
  function Open(args, aad, ct) {
    return SetupR(args).Open(aad, ct);
  }
  function SendExport(args, exporter_context, L) {
    const { enc, ctx } = SetupS(args);
    return { enc, exported: ctx.Export(exporter_context, L) };
  }
  function ReceiveExport(args, exporter_context, L) {
    return SetupR(args).Export(exporter_context, L);
  }

  return {
    ...suite,
    KeySchedule,
    VerifyPSKInputs,
    SetupBaseS,
    SetupBaseR,
    SetupPSKS,
    SetupPSKR,
    SetupAuthS,
    SetupAuthR,
    SetupAuthPSKS,
    SetupAuthPSKR,
    SetupS,
    SetupR,
    Seal,
    Open,
    SendExport,
    ReceiveExport,
    DeriveKeyPair: kem.DeriveKeyPair,
    GenerateKeyPair: kem.GenerateKeyPair,
  };
}

function need(v, name) {
  if (!v) throw new Error(`${name} is required in this mode`);
  return v;
}

// --- The instantiations ---------------------------------------------------------

export const KEMS = { 0x0010: P256_GROUP, 0x0020: X25519_GROUP, 0xfe10: SM2_GROUP };
export const KDFS = { 0x0001: HKDF_SHA256, 0x0003: HKDF_SHA512, 0xfe01: HKDF_SM3 };
export const AEADS = {
  0x0001: AES_128_GCM,
  0x0002: AES_256_GCM,
  0x0003: CHACHA20_POLY1305,
  0xfe01: SM4_GCM,
  0xffff: EXPORT_ONLY,
};

const suiteCache = new Map();

/** The HPKE suite (kem, kdf, aead ids); throws for an id this oracle does not have. */
export function suite(kemId, kdfId, aeadId) {
  const ids = [kemId, kdfId, aeadId].map(parseId);
  const k = ids.join('/');
  if (!suiteCache.has(k)) {
    const [kem, kdf, aead] = [KEMS[ids[0]], KDFS[ids[1]], AEADS[ids[2]]];
    if (!kem) throw new Error(`unknown KEM ${kemId}`);
    if (!kdf) throw new Error(`unknown KDF ${kdfId}`);
    if (!aead) throw new Error(`unknown AEAD ${aeadId}`);
    suiteCache.set(k, HPKE({ kem, kdf, aead }));
  }
  return suiteCache.get(k);
}

/** The gm suite: DHKEM(curveSM2, HKDF-SM3), HKDF-SM3, SM4-GCM. */
export const GM = suite(0xfe10, 0xfe01, 0xfe01);

function parseId(v) {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(v)) return Number(v);
  throw new Error(`bad suite id ${JSON.stringify(v)}`);
}

function parseMode(v) {
  if (typeof v === 'string' && v in MODES) return MODES[v];
  if (v === undefined) return mode_base;
  if ([0, 1, 2, 3].includes(v)) return v;
  throw new Error(`bad mode ${JSON.stringify(v)}`);
}

// --- JSON request handling (the CLI; see the top of this file) -------------------

const optHex = (v) => (v === undefined || v === null ? EMPTY : fromHex(v));
const errText = (e) => (e && e.message ? e.message : String(e));

function scheduleHex(ctx) {
  const s = ctx.schedule;
  return {
    shared_secret: toHex(s.shared_secret),
    key: toHex(s.key),
    base_nonce: toHex(s.base_nonce),
    exporter_secret: toHex(s.exporter_secret),
  };
}

function messages(v, name) {
  if (v === undefined) return { list: [], single: false };
  if (typeof v === 'string') return { list: [v], single: true };
  if (Array.isArray(v)) return { list: v, single: false };
  throw new Error(`${name}: a hex string or a list of them`);
}

function aadFor(aad, i, n) {
  if (Array.isArray(aad)) {
    if (aad.length !== n) throw new Error('aad: a list must have one entry per message');
    return fromHex(aad[i]);
  }
  return optHex(aad);
}

function doExports(ctx, exports = []) {
  return exports.map(({ context, L }) => toHex(ctx.Export(optHex(context), L)));
}

export function sealEntry(e) {
  try {
    const s = suite(e.kem, e.kdf, e.aead);
    const { enc, ctx } = s.SetupS({
      mode: parseMode(e.mode),
      pkR: fromHex(e.pkR),
      info: optHex(e.info),
      psk: optHex(e.psk),
      psk_id: optHex(e.psk_id),
      skS: e.skS ? fromHex(e.skS) : undefined,
      ikmE: e.ikmE ? fromHex(e.ikmE) : undefined,
    });
    const { list, single } = messages(e.pt, 'pt');
    const cts = list.map((pt, i) => toHex(ctx.Seal(aadFor(e.aad, i, list.length), fromHex(pt))));
    return {
      enc: toHex(enc),
      ct: single ? cts[0] : cts,
      exports: doExports(ctx, e.exports),
      ...scheduleHex(ctx),
      error: null,
    };
  } catch (err) {
    return { enc: null, ct: null, exports: null, ...nullSchedule, error: errText(err) };
  }
}

const nullSchedule = { shared_secret: null, key: null, base_nonce: null, exporter_secret: null };

export function openEntry(e) {
  let ctx;
  let exports;
  try {
    const s = suite(e.kem, e.kdf, e.aead);
    ctx = s.SetupR({
      mode: parseMode(e.mode),
      enc: fromHex(e.enc),
      skR: fromHex(e.skR),
      info: optHex(e.info),
      psk: optHex(e.psk),
      psk_id: optHex(e.psk_id),
      pkS: e.pkS ? fromHex(e.pkS) : undefined,
    });
    exports = doExports(ctx, e.exports);
  } catch (err) {
    return { pt: null, exports: null, ...nullSchedule, error: errText(err) };
  }
  const { list, single } = messages(e.ct, 'ct');
  let error = null;
  const pts = list.map((ct, i) => {
    try {
      return toHex(ctx.Open(aadFor(e.aad, i, list.length), fromHex(ct)));
    } catch (err) {
      error ??= single ? errText(err) : `ct[${i}]: ${errText(err)}`;
      return null;
    }
  });
  return { pt: single ? pts[0] : pts, exports, ...scheduleHex(ctx), error };
}

export function deriveEntry(e) {
  try {
    const kem = DHKEM(KEMS[parseId(e.kem)] ?? fail(`unknown KEM ${e.kem}`));
    if (e.ikm !== undefined) {
      const { sk, pk } = kem.DeriveKeyPair(fromHex(e.ikm));
      return { sk: toHex(kem.SerializePrivateKey(sk)), pk: toHex(kem.SerializePublicKey(pk)), error: null };
    }
    const sk = kem.DeserializePrivateKey(fromHex(e.sk));
    return { sk: toHex(kem.SerializePrivateKey(sk)), pk: toHex(kem.SerializePublicKey(kem.pk(sk))), error: null };
  } catch (err) {
    return { sk: null, pk: null, error: errText(err) };
  }
}

function fail(msg) {
  throw new Error(msg);
}

/** The whole JSON request → response (see the top of this file). */
export function handle(request) {
  return {
    sealed: (request.seal ?? []).map(sealEntry),
    opened: (request.open ?? []).map(openEntry),
    derived: (request.derive ?? []).map(deriveEntry),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let request;
  try {
    request = JSON.parse(readFileSync(0, 'utf8'));
  } catch (err) {
    process.stderr.write(`hpke-generic: cannot parse the JSON request on stdin: ${errText(err)}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(handle(request)));
}
