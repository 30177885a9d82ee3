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
import { createMiniProgram, makePackageRoot } from './emulator.mjs';
import { importByName, linkPackage } from '../js/helpers/link.mjs';
import { carRental, failureInjection, hotelCheckIn, refusals } from '../js/helpers/flow-scenario.mjs';
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
