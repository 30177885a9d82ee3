// The JavaScript peers a mini-program would otherwise use, for the
// JavaScriptCore benchmark (scripts/bench-jsc.mjs): bundled by esbuild into
// a script for their own realm of the jsc process, which gets what such a
// mini-program would have to add itself (TextEncoder / TextDecoder and a
// crypto.getRandomValues over host entropy: tests/miniprogram/jsc/
// server-globals.mjs and server-node.mjs). Each `peers.*` entry returns
// { name, ops: { op: fn } }; the operations mirror bench-ops.mjs's.
import '../../tests/miniprogram/jsc/server-globals.mjs';
import './peer-globals.mjs';
import { webcrypto } from '../../tests/miniprogram/jsc/server-node.mjs';
import { ed25519, x25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/p256';
import { chacha20poly1305 } from '@noble/ciphers/chacha';
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha256';
import { SDJwtInstance } from '@sd-jwt/core';
import * as smV2 from 'sm-crypto-v2';
import smMp from 'miniprogram-sm-crypto';
import { base64url, fromBase64 } from '../../tests/miniprogram/jsc/text.mjs';

const rand = (n) => webcrypto.getRandomValues(new Uint8Array(n));
const enc = new TextEncoder();

/** @noble/curves X25519, Ed25519 and P-256 (ES256 = SHA-256 then ECDSA). */
function noble(msg) {
  const edPriv = ed25519.utils.randomPrivateKey();
  const edPub = ed25519.getPublicKey(edPriv);
  const edSig = ed25519.sign(msg, edPriv);
  const pPriv = p256.utils.randomPrivateKey();
  const pPub = p256.getPublicKey(pPriv, false);
  const pSig = p256.sign(sha256(msg), pPriv);
  return {
    'x25519.keygen': () => x25519.getPublicKey(x25519.utils.randomPrivateKey()),
    'ed25519.sign': () => ed25519.sign(msg, edPriv),
    'ed25519.verify': () => ed25519.verify(edSig, msg, edPub),
    'es256.sign': () => p256.sign(sha256(msg), pPriv),
    'es256.verify': () => p256.verify(pSig, sha256(msg), pPub),
  };
}

/**
 * A seal assembled from @noble/curves and @noble/ciphers: ephemeral X25519,
 * HKDF-SHA256 (one extract and expand, not HPKE's labelled key schedule,
 * so a little less work than HPKE), ChaCha20-Poly1305.
 */
function nobleSeal(kib) {
  const skR = x25519.utils.randomPrivateKey();
  const pkR = x25519.getPublicKey(skR);
  const info = enc.encode('bench seal');
  const seal = (pt) => {
    const eph = x25519.utils.randomPrivateKey();
    const encapped = x25519.getPublicKey(eph);
    const okm = hkdf(sha256, x25519.getSharedSecret(eph, pkR), encapped, info, 44);
    return { enc: encapped, ct: chacha20poly1305(okm.subarray(0, 32), okm.subarray(32)).encrypt(pt) };
  };
  const sealed = seal(kib);
  return {
    'seal.1k': () => seal(kib),
    'open.1k': () => {
      const okm = hkdf(sha256, x25519.getSharedSecret(skR, sealed.enc), sealed.enc, info, 44);
      return chacha20poly1305(okm.subarray(0, 32), okm.subarray(32)).decrypt(sealed.ct);
    },
  };
}

/** @sd-jwt/core 0.19 with @noble/curves signers and @noble/hashes SHA-256. */
async function sdJwt(alg, claims, frame, showFrame) {
  const keys = () => {
    if (alg === 'EdDSA') {
      const priv = ed25519.utils.randomPrivateKey();
      const pub = ed25519.getPublicKey(priv);
      return {
        jwk: { kty: 'OKP', crv: 'Ed25519', x: base64url(pub) },
        sign: async (data) => base64url(ed25519.sign(enc.encode(data), priv)),
        verify: async (data, sig) => ed25519.verify(fromBase64(sig), enc.encode(data), pub),
      };
    }
    const priv = p256.utils.randomPrivateKey();
    const pub = p256.getPublicKey(priv, false);
    return {
      jwk: { kty: 'EC', crv: 'P-256', x: base64url(pub.subarray(1, 33)), y: base64url(pub.subarray(33)) },
      sign: async (data) => base64url(p256.sign(sha256(enc.encode(data)), priv).toCompactRawBytes()),
      verify: async (data, sig) => p256.verify(fromBase64(sig), sha256(enc.encode(data)), pub),
    };
  };
  const issuer = keys();
  const holder = keys();
  const sd = new SDJwtInstance({
    signer: issuer.sign, signAlg: alg, verifier: issuer.verify,
    kbSigner: holder.sign, kbSignAlg: alg, kbVerifier: holder.verify,
    hasher: async (data) => sha256(typeof data === 'string' ? enc.encode(data) : data),
    hashAlg: 'sha-256',
    saltGenerator: async (n) => base64url(rand(n || 16)),
  });
  const now = () => Math.floor(Date.now() / 1000);
  const credential = await sd.issue({ ...claims, iss: 'https://issuer.gov.example', iat: now(), cnf: { jwk: holder.jwk } }, frame);
  const kb = () => ({ kb: { payload: { aud: 'https://hotel.example', nonce: 'bench-nonce', iat: now() } } });
  const presentation = await sd.present(credential, showFrame, kb());
  await sd.verify(presentation, { keyBindingNonce: 'bench-nonce' });
  return {
    [`sdjwt.present.${alg}`]: () => sd.present(credential, showFrame, kb()),
    [`sdjwt.verify.${alg}`]: () => sd.verify(presentation, { keyBindingNonce: 'bench-nonce' }),
  };
}

/** SM2 / SM3 (GB/T 32918, GB/T 32905) from sm-crypto-v2 and miniprogram-sm-crypto. */
function sm(lib, msg, kib) {
  const hex = (b) => Array.from(b, (x) => (x < 16 ? '0' : '') + x.toString(16)).join('');
  const keys = lib.sm2.generateKeyPairHex();
  const msgHex = hex(msg);
  const sig = lib.sm2.doSignature(msgHex, keys.privateKey, { hash: true, der: false });
  const kibHex = hex(kib);
  const ct = lib.sm2.doEncrypt(kibHex, keys.publicKey, 1);
  return {
    'sm2.sign': () => lib.sm2.doSignature(msgHex, keys.privateKey, { hash: true, der: false }),
    'sm2.verify': () => lib.sm2.doVerifySignature(msgHex, sig, keys.publicKey, { hash: true, der: false }),
    'sm2.encrypt.1k': () => lib.sm2.doEncrypt(kibHex, keys.publicKey, 1),
    'sm2.decrypt.1k': () => lib.sm2.doDecrypt(ct, keys.privateKey, 1),
    'sm3.1k': () => lib.sm3(kibHex),
  };
}

export async function makePeers({ claims, frame, showFrame }) {
  const msg = enc.encode('bench.example/log\n42\n' + 'A'.repeat(44) + '\n');
  const kib = rand(1024);
  if (typeof smV2.initRNGPool === 'function') await smV2.initRNGPool();
  return [
    { name: '@noble/curves 1.9', ops: noble(msg) },
    { name: '@noble/curves + @noble/ciphers (X25519, HKDF-SHA256, ChaCha20-Poly1305)', ops: nobleSeal(kib) },
    { name: '@sd-jwt/core 0.19 + @noble', ops: { ...(await sdJwt('EdDSA', claims, frame, showFrame)), ...(await sdJwt('ES256', claims, frame, showFrame)) } },
    { name: 'sm-crypto-v2 1.15', ops: sm(smV2, msg, kib) },
    { name: 'miniprogram-sm-crypto 0.3', ops: sm(smMp, msg, kib) },
  ];
}
