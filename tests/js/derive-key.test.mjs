// deriveStorageKey: bounded cost, and no synchronous blocking. The attack
// (or mistake): an Argon2 cost — 2^31 passes, 4 GiB — that blocks the phone
// for hours or makes the module trap; and a caller that expects the returned
// Promise to let it show a spinner before the work starts. The parameters
// are bounded (LIMITS.argon2, the same bounds as Rust's
// consent::store::KDF_MAX_*) and the computation runs in a later task.
import test from 'node:test';
import assert from 'node:assert/strict';
import { importByName, linkPackage } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);
await m.init();

test('LIMITS.argon2 names the bounds', () => {
  assert.deepEqual({ ...m.LIMITS.argon2 }, { maxMemoryKib: 256 * 1024, maxIterations: 16, maxParallelism: 4 });
  assert.ok(Object.isFrozen(m.LIMITS.argon2));
});

test('deriveStorageKey: parameters are bounded (LIMITS.argon2), refused before any work', async () => {
  const salt = m.randomBytes(16);
  const cases = [
    { iterations: 17 }, { iterations: 2 ** 31 }, { iterations: 0 },
    { parallelism: 5 }, { parallelism: 0 },
    { memoryKib: 256 * 1024 + 1 }, { memoryKib: 2 ** 32 - 1 },
  ];
  for (const params of cases) {
    const e = await m.deriveStorageKey({ pin: '123456', salt, params }).then(() => null, (err) => err);
    assert.ok(e instanceof m.MpShieldError && e.code === 'INVALID_INPUT', JSON.stringify(params));
  }
  const key = await m.deriveStorageKey({ pin: '123456', salt, params: { memoryKib: 64, iterations: 16, parallelism: 4 } });
  assert.equal(key.length, 32, 'the maxima themselves are accepted');
});

test('deriveStorageKey returns its Promise before Argon2 runs (a timer queued first fires before the result)', async () => {
  const salt = m.randomBytes(16);
  const order = [];
  setTimeout(() => order.push('timer'), 0);
  const p = m.deriveStorageKey({ pin: '123456', salt, params: { memoryKib: 1024, iterations: 1 } });
  order.push('returned');
  await p;
  order.push('derived');
  // Computed inside the call, the Promise would already be settled and
  // `derived` would come before the timer.
  assert.deepEqual(order, ['returned', 'timer', 'derived']);
  // The caller's buffers may change once the call returned: they were copied.
  const pin = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const salt2 = m.randomBytes(16);
  const expected = await m.deriveStorageKey({ pin: pin.slice(), salt: salt2.slice(), params: { memoryKib: 64, iterations: 1 } });
  const q = m.deriveStorageKey({ pin, salt: salt2, params: { memoryKib: 64, iterations: 1 } });
  pin.fill(0);
  salt2.fill(0);
  assert.deepEqual([...(await q)], [...expected]);
});
