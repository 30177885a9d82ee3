// The gm (国密) phone module (dist/mpshield_gm_bg.wasm): the module a gm
// deployment's phones download, loaded here through the same glue and
// bundle as every module (init({ wasmPath, suite: 'gm' })). It carries the
// gm suite only: gm seal works, the intl suite's algorithms are refused
// with UNSUPPORTED_ALGORITHM naming the module to load, and, as in the intl
// phone module, the relying party's and issuer's calls are not in it
// (moduleInfo().relyingParty is false). One module per test process, so this file loads only it.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importByName, linkPackage, pkgDir } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);

function codeOf(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof m.MpShieldError, `an MpShieldError, got ${e && e.stack}`);
    return e.code;
  }
  return 'no error';
}

test('init({ suite: "gm" }) with the gm phone module; moduleInfo says what it carries', async () => {
  assert.equal(codeOf(() => m.moduleInfo()), 'NOT_INITIALIZED');
  await assert.rejects(m.init({ suite: 'GM' }), (e) => e.code === 'INVALID_INPUT');
  await m.init({ wasmPath: path.join(pkgDir, 'dist/mpshield_gm_bg.wasm'), suite: 'gm' });
  assert.deepEqual(m.moduleInfo(), { suites: ['gm'], relyingParty: false });
  // Asking again for the suite it lacks: refused, naming the module to load.
  await assert.rejects(m.init({ suite: 'intl' }), (e) => e.code === 'WASM_LOAD_FAILED' && /intl phone module/.test(e.message));
});

test('the gm phone module seals and opens gm envelopes and refuses the intl suite', () => {
  const kp = m.hpke.generateKeyPair({ kem: 'SM2' });
  const env = m.seal(kp.publicKey, new Uint8Array([1, 2, 3]));
  assert.equal(m.envelope.inspect(env).suite, 'gm');
  assert.deepEqual([...m.open(kp.secretKey, env)], [1, 2, 3]);
  const x25519PublicKey = new Uint8Array(32).fill(9);
  for (const [what, f] of [
    ['X25519 key pair', () => m.hpke.generateKeyPair()],
    ['seal to an X25519 key', () => m.seal(x25519PublicKey, new Uint8Array(1))],
    ['hpke.seal to an X25519 key', () => m.hpke.seal({ recipientPublicKey: x25519PublicKey, plaintext: new Uint8Array(1) })],
  ]) {
    let err;
    try {
      f();
    } catch (e) {
      err = e;
    }
    assert.equal(err && err.code, 'UNSUPPORTED_ALGORITHM', what);
    assert.match(err.message, /intl suite/, what);
  }
});
