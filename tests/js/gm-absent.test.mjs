// The intl phone module (mpshield_compact_bg.wasm, built without the gm
// suite) refuses SM2 keys and JWKs with UNSUPPORTED_ALGORITHM naming the
// module to load, rather than failing in some other way; its intl keys work.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importByName, linkPackage, pkgDir } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init({ wasmPath: path.join(pkgDir, 'dist', 'mpshield_compact_bg.wasm') });

// A valid SM2 public key (the GM/T 0003.5 Annex A example's).
const X = Buffer.from('09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020', 'hex').toString('base64url');
const Y = Buffer.from('CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13', 'hex').toString('base64url');
const D = Buffer.from('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8', 'hex').toString('base64url');

function refused(fn) {
  assert.throws(fn, (e) => e instanceof m.MpShieldError && e.code === 'UNSUPPORTED_ALGORITHM' && /gm/.test(e.message));
}

test('the intl module refuses SM2, naming the gm module', () => {
  refused(() => m.SigningKey.generate('SM2'));
  refused(() => m.SigningKey.fromJwk({ kty: 'EC', crv: 'SM2', x: X, y: Y, d: D }));
  refused(() => m.sdjwt.verify({
    presentation: 'eyJhbGciOiJTTTIifQ.e30.AA~',
    issuerKeys: [{ kty: 'EC', crv: 'SM2', x: X, y: Y }],
    requireKeyBinding: false,
  }));
  // The consent log's verifiers, given an SM2 device JWK.
  const sm2Jwk = { kty: 'EC', crv: 'SM2', x: X, y: Y };
  refused(() => m.checkpoint.verify('x\n', sm2Jwk, 'mpshield.example/device/1'));
  refused(() => m.consent.verifyReceipt(new Uint8Array([0x4d, 0x50, 0x52, 0x02]), sm2Jwk));
  // SM3 is in every module: gm proofs can be checked here too.
  const data = new Uint8Array([1, 2, 3]);
  assert.equal(m.merkle.leafHash(data, { hash: 'sm3' }).length, 32);
  assert.notDeepEqual(m.merkle.leafHash(data, { hash: 'sm3' }), m.merkle.leafHash(data));
  const k = m.SigningKey.generate('ES256');
  assert.equal(k.alg, 'ES256');
  k.free();
});
