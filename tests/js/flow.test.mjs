// The disclosure flow through the installed package in Node, ESM and
// CommonJS: the shared scenarios of helpers/flow-scenario.mjs (hotel
// check-in, car rental, every refusal, failure injection on storage), the
// wallet in one module system and the relying party in the other.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage, requireByName } from './helpers/link.mjs';
import { HOTEL_CHOICES, HOTEL_FIELDS, runFlow, world } from './helpers/flow-scenario.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
const { m: cjs } = requireByName(link.dir);
test.after(link.cleanup);
await m.init();
await cjs.init();

/** The memory adapter's contents, for before/after comparisons. */
async function snapshot(store) {
  return store.entries().map(([k, v]) => [k, Buffer.from(v).toString('hex')]);
}

test('the flow, wallet and relying party in ESM', async () => {
  await runFlow(m, m, assert, snapshot);
});

test('the flow, wallet in CommonJS and relying party in ESM', async () => {
  await runFlow(cjs, m, assert, snapshot);
});

test('a stored wallet without its commit is STORAGE_CORRUPT, not a new wallet', async () => {
  const s = await world(m, m);
  const request = s.hotel.v.createRequest({ purpose: '住宿登记', lawfulBasis: 'legal_duty', fields: HOTEL_FIELDS });
  await s.wallet.respond(request, { choices: HOTEL_CHOICES, separateConsent: true });
  for (const [k] of s.store.entries()) if (k.indexOf('/commit/') >= 0) s.store.remove(k);
  assert.equal(await s.wallet.verifyStorage().then(() => 'ok', (e) => e.code), 'STORAGE_CORRUPT');
  s.wallet.free();
  const code = await m.Wallet.open({ storage: s.store, storageKey: s.storageKey, trustedVerifiers: [] }).then(
    () => 'opened',
    (e) => e.code,
  );
  assert.equal(code, 'STORAGE_CORRUPT');
});
