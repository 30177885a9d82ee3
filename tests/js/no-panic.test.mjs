// No failure may escape as anything but MpShieldError, and nothing may break
// the instance: every exported function and every namespace method (found
// by enumerating the package's exports, so later capabilities are covered
// without editing this file) is fed malformed input — wrong types,
// undefined, null, empty, huge numbers, NaN, 10 MB strings, garbage bytes,
// hostile objects — and must either return or throw MpShieldError. Then
// the instance must still answer.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { importByName, linkPackage, pkgVersion } from './helpers/link.mjs';
import { T0, syntheticRecord } from './helpers/consent-records.mjs';
import { uscc, world } from './helpers/flow-scenario.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);

const SKIP = new Set(['default', 'MpShieldError']);

function isClass(f) {
  return /^class[\s{]/.test(Function.prototype.toString.call(f));
}

/** [label, (args) => result] for every callable the package exports. */
function callables(ns) {
  const out = [];
  for (const name of Object.keys(ns).sort()) {
    if (SKIP.has(name)) continue;
    const value = ns[name];
    if (typeof value === 'function') {
      if (isClass(value)) out.push([`new ${name}`, (args) => new value(...args)]);
      else out.push([name, (args) => value(...args)]);
      for (const key of Object.getOwnPropertyNames(value)) {
        if (['length', 'name', 'prototype', 'caller', 'arguments'].includes(key)) continue;
        if (typeof value[key] === 'function') out.push([`${name}.${key}`, (args) => value[key](...args)]);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        if (typeof value[key] === 'function') out.push([`${name}.${key}`, (args) => value[key](...args)]);
      }
    }
  }
  return out;
}

function hostileProxy() {
  const boom = () => {
    throw new Error('hostile proxy');
  };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
}

function garbage() {
  const tenMB = 'A'.repeat(10 * 1024 * 1024);
  const bytes = new Uint8Array(nodeRandomBytes(4096));
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return [
    ['undefined', undefined],
    ['null', null],
    ['true', true],
    ['0', 0],
    ['-0', -0],
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['2^32 + 8', 2 ** 32 + 8],
    ['2^53', 2 ** 53],
    ['1e308', 1e308],
    ['bigint', 10n],
    ['symbol', Symbol('x')],
    ['empty string', ''],
    ['short string', 'x'],
    ['10 MB ASCII string', tenMB],
    ['1 MB of CJK', '中'.repeat(1024 * 1024)],
    ['lone surrogates', '\uD800\uDC00\uDFFF\uD800'],
    ['NUL bytes', '\u0000'.repeat(18)],
    ['almost an ID number', '11010519491231002\u0000'],
    ['empty Uint8Array', new Uint8Array(0)],
    ['garbage bytes', bytes],
    ['garbage ArrayBuffer', bytes.slice().buffer],
    ['1 MB zeros', new Uint8Array(1024 * 1024)],
    ['Uint16Array', new Uint16Array(16)],
    ['DataView', new DataView(new ArrayBuffer(8))],
    ['number[]', [1, 2, 3]],
    ['empty object', {}],
    ['null-prototype object', Object.create(null)],
    ['object with garbage', { wasmPath: {}, entropy: 'x', length: 1e9, 0: NaN }],
    ['throwing getter', Object.defineProperty({}, 'entropy', { enumerable: true, get() { throw new Error('getter'); } })],
    ['throwing toString', { toString() { throw new Error('toString'); }, valueOf() { throw new Error('valueOf'); } }],
    ['hostile proxy', hostileProxy()],
    ['revoked proxy', revoked.proxy],
    ['function', () => 1],
    ['Date', new Date(NaN)],
    ['Error', new Error('an error')],
    ['Promise', Promise.resolve(1)],
    ['array-like', { length: 2 ** 31, 0: 1 }],
  ];
}

/** Calls, awaiting promises; returns null if fine, else a description. */
async function probe(label, call, args) {
  let result;
  try {
    result = call(args);
    if (result && typeof result.then === 'function') await result;
    return null;
  } catch (e) {
    if (e instanceof m.MpShieldError && typeof e.code === 'string' && e.code.length > 0) return null;
    return `${label}: threw ${e && e.name}: ${e && e.message}`;
  }
}

function argLists(values) {
  const lists = [[]];
  for (const [, v] of values) lists.push([v], [v, v], [v, v, v]);
  return lists;
}

test('the enumeration finds every known export', () => {
  const labels = callables(m).map(([l]) => l);
  for (const known of [
    'init', 'version', 'randomBytes', 'addEntropy', 'errorCodes', 'idcard.parse',
    'new SigningKey', 'SigningKey.generate', 'SigningKey.fromJwk',
    'sdjwt.issue', 'sdjwt.present', 'sdjwt.verify', 'sdjwt.decode', 'licence.schemas', 'licence.issue', 'mask.rules', 'mask.apply',
    'hpke.generateKeyPair', 'hpke.seal', 'hpke.open', 'hpke.setupSender', 'hpke.setupReceiver', 'hpke.exportSecret',
    'seal', 'open', 'envelope.toText', 'envelope.fromText', 'envelope.inspect', 'createSealStream', 'createOpenStream',
  ]) {
    assert.ok(labels.includes(known), `${known} is enumerated`);
  }
});

test('before init(): every function throws MpShieldError NOT_INITIALIZED, whatever the arguments', async () => {
  const notInitialised = (e) => e instanceof m.MpShieldError && e.code === 'NOT_INITIALIZED';
  for (const [label, call] of callables(m)) {
    // describeError is plain JavaScript that must describe init()'s own
    // failures, so it works before init() (tests/js/messages.test.mjs).
    if (label === 'init' || label === 'describeError') continue;
    for (const args of [[], [null], [{}], ['x', 1, undefined]]) {
      // Synchronous functions throw; the Promise-returning ones (CONTRACT.md
      // "Sync vs async") may reject instead, as init() does.
      let result;
      try {
        result = call(args);
      } catch (e) {
        assert.ok(notInitialised(e), `${label}: ${e && e.code} ${e && e.message}`);
        continue;
      }
      assert.ok(result && typeof result.then === 'function', `${label}: neither threw nor returned a Promise`);
      await assert.rejects(result, notInitialised, label);
    }
  }
});

test('malformed input to every export returns or throws MpShieldError, and the instance still answers', async () => {
  await m.init();
  const values = garbage();
  const failures = [];
  let calls = 0;
  for (const [label, call] of callables(m)) {
    for (const args of argLists(values)) {
      calls++;
      const problem = await probe(`${label}(${args.length} args)`, call, args);
      if (problem) failures.push(problem);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${calls} calls escaped as non-MpShieldError`);
  assert.ok(calls > 500, `${calls} calls`);

  // Still answering, correctly.
  assert.equal(m.version(), pkgVersion());
  const r = m.randomBytes(8);
  assert.ok(r instanceof Uint8Array && r.length === 8);
  assert.equal(m.idcard.parse('440524188001010014').province, '广东省');
  assert.deepEqual(m.errorCodes().includes('INTERNAL'), true);
});

// Handle objects (keys, and whatever else the API hands out with methods):
// one factory per kind. Every exported class must have an entry, so a new
// class cannot go unprobed; objects returned by functions (contexts,
// streams) are listed here as they are added.
const handleFactories = {
  SigningKey: () => [m.SigningKey.generate('EdDSA'), m.SigningKey.generate('ES256')],
  ConsentLog: () => {
    const log = m.ConsentLog.create({ signingKey: m.SigningKey.generate('EdDSA'), origin: 'mpshield.example/device/probe' });
    log.append(syntheticRecord(0, T0));
    log.append(syntheticRecord(6, T0));
    return [log, m.ConsentLog.create({ signingKey: m.SigningKey.generate('EdDSA'), origin: 'mpshield.example/device/empty' })];
  },
  Verifier: () => {
    const issuer = m.SigningKey.generate('ES256');
    return [m.Verifier.create({ name: '测试酒店', uscc: uscc(1), signingKey: m.SigningKey.generate('EdDSA'), hpkeKeyPair: m.hpke.generateKeyPair(), trustedIssuers: [issuer.publicJwk()] })];
  },
  Wallet: async () => [(await world(m, m)).wallet, await m.Wallet.open({ storage: m.storage.memory(), storageKey: m.randomBytes(32), trustedVerifiers: [] })],
  'hpke contexts': () => {
    const kp = m.hpke.generateKeyPair();
    const sender = m.hpke.setupSender({ recipientPublicKey: kp.publicKey });
    const receiver = m.hpke.setupReceiver({ recipientSecretKey: kp.secretKey, enc: sender.enc });
    const exportOnly = m.hpke.setupSender({ recipientPublicKey: kp.publicKey, aead: 0xffff });
    return [sender, receiver, exportOnly];
  },
  streams: () => {
    const kp = m.hpke.generateKeyPair();
    const writer = m.createSealStream(kp.publicKey, { chunkSize: 1024 });
    const reader = m.createOpenStream(kp.secretKey, writer.header);
    return [writer, reader];
  },
};

/** [name, call(thisArg, args)] for every method and getter on the prototype chain below Object.prototype. */
function members(obj) {
  const out = [];
  const seen = new Set();
  for (let proto = Object.getPrototypeOf(obj); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || seen.has(key)) continue;
      seen.add(key);
      const d = Object.getOwnPropertyDescriptor(proto, key);
      const name = typeof key === 'symbol' ? `[${key.description}]` : key;
      if (typeof d.value === 'function') out.push([name, (self, args) => d.value.apply(self, args)]);
      if (typeof d.get === 'function') out.push([`get ${name}`, (self) => d.get.call(self)]);
    }
  }
  return out;
}

const RELEASES = new Set(['free', '[Symbol.dispose]']);

test('every exported class has a handle factory', () => {
  const classes = Object.keys(m).filter((k) => !SKIP.has(k) && typeof m[k] === 'function' && isClass(m[k]));
  assert.ok(classes.includes('SigningKey'));
  for (const name of classes) assert.ok(handleFactories[name], `tests/js/no-panic.test.mjs: add a factory for ${name}`);
  // Objects handed out by functions (contexts, streams) are listed by hand.
  for (const kind of ['hpke contexts', 'streams']) assert.ok(handleFactories[kind]);
});

test('handle methods: malformed arguments, foreign `this`, use after free — MpShieldError or a result, never a trap', async () => {
  await m.init();
  const values = garbage().filter(([label]) => !/10 MB|1 MB/.test(label)); // the big ones are covered above
  const failures = [];
  let calls = 0;
  for (const [kind, make] of Object.entries(handleFactories)) {
    for (const handle of await make()) {
      const list = members(handle);
      assert.ok(list.length > 0, `${kind} has methods`);
      for (const [name, call] of list) {
        const label = `${kind}.${name}`;
        // On a live handle, with garbage arguments (release methods last, below).
        if (!RELEASES.has(name)) {
          for (const args of argLists(values)) {
            calls++;
            const problem = await probe(`${label}(${args.length} args)`, () => call(handle, args), args);
            if (problem) failures.push(problem);
          }
        }
        // With a `this` that is not a live handle of the kind.
        for (const [what, self] of values) {
          calls++;
          const problem = await probe(`${label} on ${what}`, () => call(self, []), []);
          if (problem) failures.push(problem);
        }
      }
      // Released (twice), then every member again.
      for (const [name, call] of list) {
        if (RELEASES.has(name)) {
          for (let i = 0; i < 2; i++) {
            calls++;
            const problem = await probe(`${kind}.${name} (release #${i + 1})`, () => call(handle, []), []);
            if (problem) failures.push(problem);
          }
        }
      }
      for (const [name, call] of list) {
        calls++;
        const problem = await probe(`${kind}.${name} after free`, () => call(handle, []), []);
        if (problem) failures.push(problem);
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${calls} calls escaped as non-MpShieldError`);
  assert.ok(calls > 200, `${calls} calls`);
  assert.equal(m.version(), pkgVersion(), 'still answers');
  const k = m.SigningKey.generate('EdDSA');
  assert.equal(k.publicJwk().kty, 'OKP', 'still makes keys');
  k.free();
});

test('the probe itself catches a non-MpShieldError escape', async () => {
  const problem = await probe('self-test', () => {
    throw new TypeError('escaped');
  }, []);
  assert.match(problem, /TypeError: escaped/);
  assert.equal(await probe('self-test', () => Promise.reject(new m.MpShieldError('INTERNAL', 'x')), []), null);
  assert.match(await probe('self-test', () => Promise.reject(new Error('raw')), []), /Error: raw/);
});
