// Peer for the SM2 and gm SD-JWT differential tests: npm `sm-crypto-v2`
// 1.15, `miniprogram-sm-crypto` 0.3 (WeChat's port) and `@sd-jwt/core` 0.19
// (OpenWallet Foundation), pinned in package.json.
//
// Reads a JSON array of requests on stdin, writes a JSON array of answers
// (errors as {"error": "..."}; the Rust side asserts on them):
//
//   {op: "keypair", lib} -> {d, pub}                        (hex; pub = 04||x||y)
//   {op: "sign", lib, d, msg, userId?} -> {sig}             (hex r||s)
//   {op: "verify", lib, pub, msg, sig, userId?} -> {ok}
//   {op: "sm3", msg} -> {hex}
//   {op: "sdjwt_verify", presentation, issuerPub, nonce} -> {payload, kb}
//       @sd-jwt/core verifies an SD-JWT with an SM3 hasher and SM2
//       verifiers from sm-crypto-v2 (issuer: issuerPub; key binding: the
//       credential's cnf.jwk).
//   {op: "sdjwt_build", claims, disclosable, holderJwk?, iss, iat, vct,
//    userId?, present?: {disclose, aud, nonce, iat}}
//       -> {credential, issuerJwk, presentation?}
//       An SD-JWT VC assembled here by hand (@sd-jwt/core refuses to issue
//       with sm3): top-level claims `disclosable` as disclosures, SM3
//       digests, one decoy, signed SM2 by a fresh sm-crypto-v2 key. Without
//       holderJwk a fresh SM2 holder key is bound, and with `present` the
//       presentation (chosen top-level claims + an SM2 KB-JWT) is made by
//       @sd-jwt/core's present() with an SM3 hasher and an SM2 kbSigner.
//
// Messages are text, signed as UTF-8. Both libraries sign SM2-with-SM3 only
// with {hash: true}; without it they sign the raw message.
import crypto from 'node:crypto';
import { sm2 as v2, sm3 } from 'sm-crypto-v2';
import mp from 'miniprogram-sm-crypto';
import { SDJwtInstance } from '@sd-jwt/core';

const LIBS = { 'sm-crypto-v2': v2, 'miniprogram-sm-crypto': mp.sm2 };

function lib(name) {
  const l = LIBS[name];
  if (!l) throw new Error('unknown lib ' + name);
  return l;
}

const hexToB64u = (h) => Buffer.from(h, 'hex').toString('base64url');
const b64uToHex = (s) => Buffer.from(s, 'base64url').toString('hex');
const b64u = (text) => Buffer.from(text, 'utf8').toString('base64url');

function sm3Bytes(data) {
  const input = typeof data === 'string' ? data : new Uint8Array(data);
  return Uint8Array.from(Buffer.from(sm3(input), 'hex'));
}

function hasher(data, alg) {
  if (alg !== 'sm3') throw new Error('the hasher was asked for ' + alg + ', not sm3');
  return sm3Bytes(data);
}

function jwkOf(pub) {
  const x = hexToB64u(pub.slice(2, 66));
  const y = hexToB64u(pub.slice(66, 130));
  const thumb = crypto.createHash('sha256').update(`{"crv":"SM2","kty":"EC","x":"${x}","y":"${y}"}`).digest('base64url');
  return { kty: 'EC', crv: 'SM2', x, y, kid: thumb };
}

function pubOf(jwk) {
  if (jwk.kty !== 'EC' || jwk.crv !== 'SM2') throw new Error('not an SM2 JWK');
  return '04' + b64uToHex(jwk.x) + b64uToHex(jwk.y);
}

const signOpts = (userId) => (userId == null ? { hash: true, der: false } : { hash: true, der: false, userId });
const verifyOpts = (userId) => (userId == null ? { hash: true } : { hash: true, userId });

function sm2Verifier(pub) {
  return (data, sig) => v2.doVerifySignature(data, b64uToHex(sig), pub, { hash: true });
}

async function sdjwtVerify(req) {
  const sd = new SDJwtInstance({
    hasher,
    verifier: sm2Verifier(req.issuerPub),
    kbVerifier: (data, sig, payload) => sm2Verifier(pubOf(payload.cnf.jwk))(data, sig),
  });
  const r = await sd.verify(req.presentation, { keyBindingNonce: req.nonce });
  if (!r.kb) throw new Error('no key binding');
  const claims = await sd.getClaims(req.presentation);
  return { payload: r.payload, claims, kb: r.kb.payload };
}

async function sdjwtBuild(req) {
  const issuer = v2.generateKeyPairHex();
  let holder = null;
  let holderJwk = req.holderJwk;
  if (!holderJwk) {
    holder = v2.generateKeyPairHex();
    holderJwk = jwkOf(holder.publicKey);
    delete holderJwk.kid;
  }
  const issuerJwk = jwkOf(issuer.publicKey);
  const payload = { iss: req.iss, iat: req.iat, vct: req.vct, cnf: { jwk: holderJwk }, _sd_alg: 'sm3' };
  const digests = [];
  const disclosures = [];
  for (const [name, value] of Object.entries(req.claims)) {
    if (req.disclosable.includes(name)) {
      const d = b64u(JSON.stringify([crypto.randomBytes(16).toString('base64url'), name, value]));
      disclosures.push(d);
      digests.push(Buffer.from(sm3Bytes(d)).toString('base64url'));
    } else {
      payload[name] = value;
    }
  }
  digests.push(Buffer.from(sm3Bytes(crypto.randomBytes(16).toString('base64url'))).toString('base64url'));
  payload._sd = digests.sort();
  const header = { alg: 'SM2', typ: 'dc+sd-jwt', kid: issuerJwk.kid };
  const input = b64u(JSON.stringify(header)) + '.' + b64u(JSON.stringify(payload));
  const sig = v2.doSignature(input, issuer.privateKey, signOpts(req.userId));
  const credential = input + '.' + hexToB64u(sig) + '~' + disclosures.map((d) => d + '~').join('');
  const out = { credential, issuerJwk };
  if (req.present) {
    if (!holder) throw new Error('present needs the peer\'s own holder key');
    const sd = new SDJwtInstance({
      hasher,
      kbSignAlg: 'SM2',
      kbSigner: (data) => hexToB64u(v2.doSignature(data, holder.privateKey, { hash: true, der: false })),
    });
    const frame = Object.fromEntries(req.present.disclose.map((n) => [n, true]));
    out.presentation = await sd.present(credential, frame, {
      kb: { payload: { iat: req.present.iat, aud: req.present.aud, nonce: req.present.nonce } },
    });
  }
  return out;
}

async function answer(req) {
  switch (req.op) {
    case 'keypair': {
      const k = lib(req.lib).generateKeyPairHex();
      return { d: k.privateKey, pub: k.publicKey };
    }
    case 'sign':
      return { sig: lib(req.lib).doSignature(req.msg, req.d, signOpts(req.userId)) };
    case 'verify':
      return { ok: lib(req.lib).doVerifySignature(req.msg, req.sig, req.pub, verifyOpts(req.userId)) === true };
    case 'sm3':
      return { hex: sm3(req.msg) };
    case 'sdjwt_verify':
      return sdjwtVerify(req);
    case 'sdjwt_build':
      return sdjwtBuild(req);
    default:
      throw new Error('unknown op ' + req.op);
  }
}

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const out = [];
for (const req of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
  try {
    out.push(await answer(req));
  } catch (e) {
    out.push({ error: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(out));
