// gm (国密) keys and SD-JWTs through the JavaScript package (Node: the full
// module, both suites), differential against sm-crypto-v2 (SM2, SM3) and
// @sd-jwt/core 0.19 (with an SM3 hasher and SM2 verifiers from
// sm-crypto-v2):
// - SigningKey.generate('SM2'), publicJwk, exportPrivateJwkDangerously,
//   fromJwk; the GM/T 0003.5 Annex A key pair (d, P) imports and matches;
// - a JWS signed by sm-crypto-v2 with the standard's private key, as an
//   SD-JWT with SM3 digests assembled here, verifies in mpshield under the
//   standard's public key; flipped, or checked under a P-256 key, it fails;
// - mpshield issues (sm3 by default) and presents with an SM2 holder →
//   @sd-jwt/core verifies;
// - sdAlg: explicit, of the other suite, unknown, of the wrong type.
// All data is synthetic.
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sm2, sm3 } from 'sm-crypto-v2';
import { SDJwtInstance } from '@sd-jwt/core';
import { importByName, linkPackage } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

const AUD = 'https://gov-service.example';
const NONCE = 'gm-js-nonce';
const NOW = 1795392000;

// GM/T 0003.5 Annex A.
const D = '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8';
const PX = '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020';
const PY = 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13';

const hexB64u = (h) => Buffer.from(h, 'hex').toString('base64url');
const b64uHex = (s) => Buffer.from(s, 'base64url').toString('hex');
const b64u = (t) => Buffer.from(t, 'utf8').toString('base64url');
const sm3B64u = (t) => Buffer.from(sm3(t), 'hex').toString('base64url');
const pubHex = (jwk) => '04' + b64uHex(jwk.x) + b64uHex(jwk.y);
const code = (fn) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof m.MpShieldError, String(e));
    return e.code;
  }
  assert.fail('expected a throw');
};

function sdjwtPeer(issuerPub) {
  const verify = (pub) => (data, sig) => sm2.doVerifySignature(data, b64uHex(sig), pub, { hash: true });
  return new SDJwtInstance({
    hasher: (data, alg) => {
      assert.equal(alg, 'sm3');
      return Uint8Array.from(Buffer.from(sm3(typeof data === 'string' ? data : new Uint8Array(data)), 'hex'));
    },
    verifier: verify(issuerPub),
    kbVerifier: (data, sig, payload) => verify(pubHex(payload.cnf.jwk))(data, sig),
  });
}

test('SM2 keys: generate, export, import; the standard key pair', () => {
  const k = m.SigningKey.generate('SM2');
  assert.equal(k.alg, 'SM2');
  const pub = k.publicJwk();
  assert.equal(pub.kty, 'EC');
  assert.equal(pub.crv, 'SM2');
  const thumb = crypto.createHash('sha256').update(`{"crv":"SM2","kty":"EC","x":"${pub.x}","y":"${pub.y}"}`).digest('base64url');
  assert.equal(pub.kid, thumb);
  const priv = k.exportPrivateJwkDangerously();
  const again = m.SigningKey.fromJwk(priv);
  assert.deepEqual(again.publicJwk(), pub);
  // sm-crypto-v2 derives the same public key from d.
  assert.equal(sm2.getPublicKeyFromPrivateKey(b64uHex(priv.d)), pubHex(pub));
  const std = m.SigningKey.fromJwk({ kty: 'EC', crv: 'SM2', x: hexB64u(PX), y: hexB64u(PY), d: hexB64u(D) });
  assert.equal(std.publicJwk().x, hexB64u(PX));
  assert.equal(code(() => m.SigningKey.fromJwk({ kty: 'EC', crv: 'SM2', x: hexB64u(PX), y: hexB64u(PX), d: hexB64u(D) })), 'INVALID_JWK');
  assert.equal(code(() => m.SigningKey.generate('sm2')), 'UNSUPPORTED_ALGORITHM');
  for (const key of [k, again, std]) key.free();
});

/** An SD-JWT VC assembled here: SM3 digests, signed by sm-crypto-v2 with `d`. */
function peerCredential(d, holderJwk) {
  const disclosure = b64u(JSON.stringify([crypto.randomBytes(16).toString('base64url'), 'name', '测试丙']));
  const header = { alg: 'SM2', typ: 'dc+sd-jwt' };
  const payload = {
    iss: 'https://peer.example', iat: NOW - 60, vct: 'urn:peer:gm', cnf: { jwk: holderJwk },
    _sd_alg: 'sm3', _sd: [sm3B64u(disclosure)], nationality: '中国',
  };
  const input = b64u(JSON.stringify(header)) + '.' + b64u(JSON.stringify(payload));
  const sig = sm2.doSignature(input, d, { hash: true, der: false });
  return `${input}.${hexB64u(sig)}~${disclosure}~`;
}

test('mpshield verifies and presents an SD-JWT signed by sm-crypto-v2 with the standard key', () => {
  const holder = m.SigningKey.generate('SM2');
  const cred = peerCredential(D.toLowerCase(), holder.publicJwk());
  const stdJwk = { kty: 'EC', crv: 'SM2', x: hexB64u(PX), y: hexB64u(PY) };
  const presentation = m.sdjwt.present({ credential: cred, disclose: ['/name'], holderKey: holder, aud: AUD, nonce: NONCE, iat: NOW });
  const v = m.sdjwt.verify({ presentation, issuerKeys: [stdJwk], aud: AUD, nonce: NONCE, now: NOW });
  assert.equal(v.claims.name, '测试丙');
  assert.equal(v.keyBinding.aud, AUD);
  // A flipped signature bit; a P-256 key; the hash rule.
  const [jwt] = cred.split('~');
  const sigPart = jwt.split('.')[2];
  const flippedSig = Buffer.from(sigPart, 'base64url');
  flippedSig[3] ^= 1;
  const flipped = cred.replace(sigPart, flippedSig.toString('base64url'));
  assert.equal(code(() => m.sdjwt.verify({ presentation: flipped, issuerKeys: [stdJwk], requireKeyBinding: false, now: NOW })), 'VERIFY_FAILED');
  const p256 = m.SigningKey.generate('ES256');
  assert.equal(code(() => m.sdjwt.verify({ presentation: cred, issuerKeys: [p256.publicJwk()], requireKeyBinding: false, now: NOW })), 'VERIFY_FAILED');
  holder.free();
  p256.free();
});

test('mpshield gm presentations verify in @sd-jwt/core', async () => {
  const issuer = m.SigningKey.generate('SM2');
  const holder = m.SigningKey.generate('SM2');
  const credential = m.sdjwt.issue({
    issuerKey: issuer,
    claims: { name: '测试甲', address: { province: '广东省', city: '深圳市' } },
    disclosable: ['/name', '/address', '/address/city'],
    holderPublicJwk: holder.publicJwk(),
    vct: 'urn:mpshield:test:gm',
    iss: 'https://issuer.example',
    iat: NOW - 60,
  });
  const decoded = m.sdjwt.decode(credential);
  assert.equal(decoded.header.alg, 'SM2');
  assert.equal(decoded.payload._sd_alg, 'sm3');
  for (const d of decoded.disclosures) {
    assert.ok(credential.split('~').some((part) => sm3B64u(part) === d.digest), d.path);
  }
  const presentation = m.sdjwt.present({ credential, disclose: ['/address/city'], holderKey: holder, aud: AUD, nonce: NONCE });
  const peer = sdjwtPeer(pubHex(issuer.publicJwk()));
  const r = await peer.verify(presentation, { keyBindingNonce: NONCE });
  assert.equal(r.kb.payload.aud, AUD);
  const claims = await peer.getClaims(presentation);
  assert.equal(claims.address.city, '深圳市');
  assert.equal(claims.name, undefined);
  const other = m.SigningKey.generate('SM2');
  await assert.rejects(sdjwtPeer(pubHex(other.publicJwk())).verify(presentation, { keyBindingNonce: NONCE }));
  for (const key of [issuer, holder, other]) key.free();
});

test('sdAlg: explicit, of the other suite, unknown, of the wrong type', () => {
  const sm2Key = m.SigningKey.generate('SM2');
  const esKey = m.SigningKey.generate('ES256');
  const base = { claims: { a: 1 }, disclosable: ['/a'], vct: 'urn:t', iss: 'https://i.example', iat: NOW };
  const alg = (cred) => m.sdjwt.decode(cred).payload._sd_alg;
  assert.equal(alg(m.sdjwt.issue({ ...base, issuerKey: sm2Key, sdAlg: 'sm3' })), 'sm3');
  assert.equal(alg(m.sdjwt.issue({ ...base, issuerKey: esKey })), 'sha-256');
  assert.equal(code(() => m.sdjwt.issue({ ...base, issuerKey: sm2Key, sdAlg: 'sha-256' })), 'UNSUPPORTED_ALGORITHM');
  assert.equal(code(() => m.sdjwt.issue({ ...base, issuerKey: esKey, sdAlg: 'sm3' })), 'UNSUPPORTED_ALGORITHM');
  assert.equal(code(() => m.sdjwt.issue({ ...base, issuerKey: esKey, sdAlg: 'sha-512' })), 'UNSUPPORTED_ALGORITHM');
  assert.equal(code(() => m.sdjwt.issue({ ...base, issuerKey: esKey, sdAlg: 256 })), 'INVALID_INPUT');
  assert.equal(code(() => m.sdjwt.issue({ ...base, issuerKey: esKey, sdAlg: 'x'.repeat(65) })), 'INVALID_INPUT');
  sm2Key.free();
  esKey.free();
});
