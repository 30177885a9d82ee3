// The disclosure flow in the emulated WeChat runtime (emulator.mjs), iOS and
// Android profiles: the wallet runs in the mini-program bundle, the issuer
// and relying parties in Node (they are servers), with the shared scenarios
// of tests/js/helpers/flow-scenario.mjs — hotel check-in (through
// storage.wx(wx) as well as memory), car rental, every refusal, and storage
// that throws, times out or is full. Objects cross between the sandbox's
// realm and Node's, so structural comparisons use node:assert's loose
// deepEqual (prototypes differ between realms; values must not).
import test from 'node:test';
import assert from 'node:assert';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMiniProgram, makePackageRoot } from './emulator.mjs';
import { importByName, linkPackage } from '../js/helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, carRental, failureInjection, gmHotelCheckIn, hotelCheckIn, refusals, world } from '../js/helpers/flow-scenario.mjs';
import { depthBomb } from '../js/helpers/depth-bomb.mjs';

const link = linkPackage();
const { m: rp } = await importByName(link.dir);
test.after(link.cleanup);
await rp.init();

async function snapshot(store) {
  return store.entries().map(([k, v]) => [k, Buffer.from(v).toString('hex')]);
}

for (const profile of ['ios', 'android']) {
  test(`${profile}: the flow with the wallet in the mini-program`, async (t) => {
    const pkg = makePackageRoot();
    t.after(pkg.cleanup);
    const mp = createMiniProgram({ profile, root: pkg.root });
    const w = mp.run("require('mpshield')");
    await w.init();
    await hotelCheckIn(w, rp, assert, w.storage.wx(mp.run('wx')));
    await hotelCheckIn(w, rp, assert);
    await carRental(w, rp, assert);
    await refusals(w, rp, assert);
    await failureInjection(w, rp, assert, snapshot);
  });
}

// The gm (国密) flow in the gm phone module, laid out as a gm deployment
// does (README "Two modules": copied into the code package, its path given
// to init): SM2 holder and device keys, the log in wx storage, a gm
// envelope the hotel (in Node) opens; an intl request is refused.
const GM_MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../pkg/dist/mpshield_gm_bg.wasm.br');
const GM_PATH = '/mpshield-gm/mpshield_gm_bg.wasm.br';
for (const profile of ['ios', 'android']) {
  test(`${profile}: the gm flow in the gm phone module`, async (t) => {
    const pkg = makePackageRoot();
    t.after(pkg.cleanup);
    mkdirSync(path.join(pkg.root, path.dirname(GM_PATH)), { recursive: true });
    cpSync(GM_MODULE, path.join(pkg.root, GM_PATH));
    const mp = createMiniProgram({ profile, root: pkg.root });
    const w = mp.run("require('mpshield')");
    await w.init({ wasmPath: GM_PATH, suite: 'gm' });
    assert.deepEqual([...w.moduleInfo().suites], ['gm']);
    await gmHotelCheckIn(w, rp, assert, w.storage.wx(mp.run('wx')));
    await gmHotelCheckIn(w, rp, assert);
  });
}

// Issue 11: a 10,000-link chain of nested disclosures in the mini-program
// bundle (tests/js/helpers/depth-bomb.mjs) is INVALID_CREDENTIAL, and the
// instance keeps answering.
for (const profile of ['ios', 'android']) {
  test(`${profile}: a chain of nested disclosures is refused and the instance keeps working`, async (t) => {
    const pkg = makePackageRoot();
    t.after(pkg.cleanup);
    const mp = createMiniProgram({ profile, root: pkg.root });
    const w = mp.run("require('mpshield')");
    await w.init();
    await depthBomb(w, assert);
  });
}

// The phone module (Cargo feature "full" off) leaves out issuance and the
// relying party: the exports exist and fail with INVALID_STATE naming the
// phone module. Moving the log is in it: an export made in the mini-program
// imports on a second one, and the hotel (in Node) follows the move.
test('ios: the phone module refuses issuer and relying-party calls, and moves a log', async (t) => {
  const pkg = makePackageRoot();
  t.after(pkg.cleanup);
  const mp = createMiniProgram({ profile: 'ios', root: pkg.root });
  const w = mp.run("require('mpshield')");
  await w.init();
  const key = w.SigningKey.generate('ES256');
  for (const f of [
    () => w.licence.issue({ type: 'resident_id_card', issuerKey: key, holderPublicJwk: key.publicJwk(), iss: 'https://gov.example/issuer', fields: {} }),
    () => w.Verifier.create({ name: '测试酒店有限公司', uscc: '91440300MA5FBTE67N', signingKey: key, hpkeKeyPair: w.hpke.generateKeyPair(), trustedIssuers: [] }),
    () => w.consent.verifyContinuity({ proof: new Uint8Array(8), checkpoint: 'x', devicePublicJwk: key.publicJwk(), origin: 'x' }),
  ]) {
    let err;
    try {
      f();
    } catch (e) {
      err = e;
    }
    assert.equal(err && err.code, 'INVALID_STATE');
    assert.match(err.message, /phone module/);
  }
  const s = await world(w, rp);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  const sent = await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  const accepted = await s.hotel.v.open(sent.envelope);
  const exported = await s.wallet.exportLog();
  const moved = await w.Wallet.importLog({
    storage: w.storage.memory(), storageKey: w.randomBytes(32), data: exported.data,
    recoveryCode: exported.recoveryCode, trustedVerifiers: [s.hotel.v.publicJwk()],
  });
  assert.equal(moved.reissue.length, 2);
  const checkpoint = accepted.receipt.checkpoint;
  const c = rp.consent.verifyContinuity({
    proof: moved.wallet.continuityProof(checkpoint), checkpoint,
    devicePublicJwk: accepted.devicePublicJwk, origin: checkpoint.split('\n')[0],
  });
  assert.equal(c.checkpoint.note, moved.wallet.checkpoint());
});
