// The depth bomb of issue 11, shared by the Node tests (release and compact
// modules) and both emulated mini-program profiles: an SD-JWT whose
// disclosures nest in one another, each holding the next one's digest in
// `_sd`. Each disclosure is a small JSON text parsed on its own, so no
// parser's depth limit sees the chain; the code substituting them into one
// another recursed once per link and overflowed the module's stack
// (10,000 links: "Maximum call stack size exceeded" as INTERNAL in Node, a
// trap in the compact module, and an instance broken for every later call).
// The issuer JWT is genuinely signed (node:crypto Ed25519), so `verify`
// gets past the signature; the credential is an ID card bound to the
// wallet's holder key, so `addCredential` gets past those checks.
import crypto from 'node:crypto';

export const ID_CARD_VCT = 'urn:mpshield:licence:resident_id_card:1';
/** MAX_CLAIM_DEPTH of src/credential/sdjwt/mod.rs. */
export const MAX_CLAIM_DEPTH = 32;

const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const digest = (text) => crypto.createHash('sha256').update(text).digest('base64url');

/** An Ed25519 issuer key from node:crypto: `{ publicJwk, sign(text) }`. */
export function nodeIssuer() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  return {
    publicJwk: publicKey.export({ format: 'jwk' }),
    sign: (text) => b64(crypto.sign(null, Buffer.from(text), privateKey)),
  };
}

/** An issued SD-JWT of `n` disclosures nested in one another. */
export function disclosureChain(issuer, holderJwk, n, vct = ID_CARD_VCT) {
  const disclosures = new Array(n);
  let next = null;
  for (let i = n - 1; i >= 0; i--) {
    const value = next === null ? 'end of the chain' : { _sd: [next] };
    disclosures[i] = b64(JSON.stringify([`salt-${i}`, 'a', value]));
    next = digest(disclosures[i]);
  }
  const header = { alg: 'EdDSA', typ: 'dc+sd-jwt' };
  const payload = {
    iss: 'https://issuer.example', iat: Math.floor(Date.now() / 1000) - 3600, vct,
    cnf: { jwk: holderJwk }, _sd_alg: 'sha-256', _sd: next === null ? [] : [next],
  };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${issuer.sign(input)}~${disclosures.map((d) => d + '~').join('')}`;
}

function codeOf(f) {
  try {
    f();
  } catch (e) {
    return e && e.code ? e.code : 'not an MpShieldError: ' + (e && e.stack);
  }
  return 'no error';
}

async function asyncCodeOf(f) {
  try {
    await f();
  } catch (e) {
    return e && e.code ? e.code : 'not an MpShieldError: ' + (e && e.stack);
  }
  return 'no error';
}

/**
 * Feeds 10,000-link and (MAX_CLAIM_DEPTH + 1)-link chains to sdjwt.decode,
 * sdjwt.verify and wallet.addCredential of package `m` (initialised): each
 * must be INVALID_CREDENTIAL, and the instance must keep working (a chain
 * at the limit, a normal issue → verify, the wallet still answering).
 */
export async function depthBomb(m, assert) {
  const issuer = nodeIssuer();
  const wallet = await m.Wallet.open({ storage: m.storage.memory(), storageKey: m.randomBytes(32), trustedVerifiers: [] });
  const holderJwk = wallet.holderPublicJwk();
  const verifyArgs = (presentation) => ({
    presentation, issuerKeys: [issuer.publicJwk], requireKeyBinding: false,
  });
  for (const links of [10_000, MAX_CLAIM_DEPTH + 1]) {
    const bomb = disclosureChain(issuer, holderJwk, links);
    assert.equal(codeOf(() => m.sdjwt.decode(bomb)), 'INVALID_CREDENTIAL', `decode, ${links} links`);
    assert.equal(codeOf(() => m.sdjwt.verify(verifyArgs(bomb))), 'INVALID_CREDENTIAL', `verify, ${links} links`);
    assert.equal(await asyncCodeOf(() => wallet.addCredential(bomb)), 'INVALID_CREDENTIAL', `addCredential, ${links} links`);
  }
  // The instance still works: a chain at the limit, a normal credential.
  const atLimit = disclosureChain(issuer, holderJwk, MAX_CLAIM_DEPTH);
  assert.equal(m.sdjwt.decode(atLimit).disclosures.length, MAX_CLAIM_DEPTH);
  assert.equal(m.sdjwt.verify(verifyArgs(atLimit)).disclosed.length, MAX_CLAIM_DEPTH);
  const normal = disclosureChain(issuer, holderJwk, 1);
  assert.equal(m.sdjwt.verify(verifyArgs(normal)).disclosed.length, 1);
  assert.equal(wallet.credentials().length, 0);
  assert.equal(wallet.holderPublicJwk().x, holderJwk.x);
  assert.equal(m.randomBytes(4).length, 4);
}
