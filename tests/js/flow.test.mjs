// The disclosure flow through the installed package in Node, ESM and
// CommonJS: the shared scenarios of helpers/flow-scenario.mjs (hotel
// check-in, car rental, every refusal, failure injection on storage), the
// wallet in one module system and the relying party in the other.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage, requireByName } from './helpers/link.mjs';
import { runFlow } from './helpers/flow-scenario.mjs';

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
