// The localised error messages (pkg/src/messages.js): one zh and one en
// message for every code in src/error.rs ALL_CODES plus the flow's codes —
// no more, no fewer — and describeError on real thrown MpShieldErrors,
// before init() as well as after. README.zh-CN.md's error table must quote
// the Chinese messages exactly.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importByName, linkPackage, requireByName, root } from './helpers/link.mjs';

const link = linkPackage();
const { m } = await importByName(link.dir);
test.after(link.cleanup);

/** The codes of the Wallet / Verifier flow (in src/error.rs once it lands; messages ship already). */
const FLOW_CODES = [
  'UNTRUSTED_VERIFIER',
  'INVALID_REQUEST',
  'NOT_REQUESTED',
  'SEPARATE_CONSENT_REQUIRED',
  'CREDENTIAL_NOT_FOUND',
  'REPLAYED',
  'INVALID_RESPONSE',
];

/** ALL_CODES, read from src/error.rs. */
function rustCodes() {
  const source = readFileSync(path.join(root, 'src/error.rs'), 'utf8');
  const block = /pub const ALL_CODES: &\[&str\] = &\[([^\]]*)\];/.exec(source);
  assert.ok(block, 'src/error.rs has ALL_CODES');
  const codes = Array.from(block[1].matchAll(/"([^"]*)"/g), (x) => x[1]);
  assert.ok(codes.length >= 30 && codes.includes('INTERNAL'), `parsed ${codes.length} codes`);
  return codes;
}

/** Codes of the JavaScript layer alone: a module that cannot be loaded (there is no module to ask). */
const JS_CODES = ['WASM_LOAD_FAILED'];

const expected = Array.from(new Set([...rustCodes(), ...FLOW_CODES, ...JS_CODES])).sort();

/** Calls f (sync or async) and returns what it threw / rejected with. */
async function thrown(f) {
  try {
    await f();
  } catch (e) {
    return e;
  }
  assert.fail(`${f} did not throw`);
}

test('before init(): describeError describes NOT_INITIALIZED, whose message is the table\'s', async () => {
  const e = await thrown(() => m.version());
  assert.ok(e instanceof m.MpShieldError && e.code === 'NOT_INITIALIZED');
  assert.equal(m.describeError(e), m.errorMessages.NOT_INITIALIZED.zh);
  assert.equal(m.describeError(e, 'en'), m.errorMessages.NOT_INITIALIZED.en);
  assert.equal(e.message, m.errorMessages.NOT_INITIALIZED.en, 'one English text, not two');
  await m.init();
});

test('errorMessages: zh and en for every code of ALL_CODES and the flow, and no other', () => {
  const table = m.errorMessages;
  assert.deepEqual(Object.keys(table).sort(), expected, 'exactly ALL_CODES ∪ the flow codes ∪ the JavaScript codes');
  assert.ok(Object.isFrozen(table), 'the table is frozen');
  const seen = { zh: new Set(), en: new Set() };
  for (const code of expected) {
    const entry = table[code];
    assert.ok(Object.isFrozen(entry), `${code}: frozen`);
    assert.deepEqual(Object.keys(entry), ['zh', 'en'], `${code}: zh and en, nothing else`);
    const { zh, en } = entry;
    assert.ok(typeof zh === 'string' && zh.trim().length > 0, `${code}: zh`);
    assert.ok(typeof en === 'string' && en.trim().length > 0, `${code}: en`);
    assert.match(zh, /[\u4e00-\u9fff]/, `${code}: zh is Chinese`);
    assert.ok(zh.endsWith('。'), `${code}: zh is a sentence`);
    assert.doesNotMatch(en, /[\u3000-\u9fff\uff00-\uffef]/, `${code}: en has no Chinese or full-width characters`);
    // Short: the table ships in every bundle (250 KB budget).
    assert.ok(zh.length <= 60, `${code}: zh is short (${zh.length})`);
    assert.ok(en.length <= 110, `${code}: en is short (${en.length})`);
    assert.ok(!seen.zh.has(zh) && !seen.en.has(en), `${code}: its own messages`);
    seen.zh.add(zh);
    seen.en.add(en);
  }
  // Every code the built module reports has a message.
  for (const code of m.errorCodes()) assert.ok(Object.hasOwn(table, code), `errorCodes() ${code} has a message`);
  // The same table through the default export and through require().
  assert.equal(m.default.errorMessages, table);
  assert.deepEqual(requireByName(link.dir).m.errorMessages, table);
});

test('describeError on real thrown MpShieldErrors, by locale', async () => {
  const cases = [
    [() => m.idcard.parse('110105194912310021'), 'INVALID_ID_NUMBER'],
    [() => m.SigningKey.generate('RS256'), 'UNSUPPORTED_ALGORITHM'],
    [() => m.randomBytes(0), 'INVALID_INPUT'],
    [() => m.ConsentLog.load(m.storage.memory(), new Uint8Array(32), { signingKey: m.SigningKey.generate('EdDSA'), origin: 'mpshield.example/x' }), 'STORAGE_CORRUPT'],
  ];
  for (const [call, code] of cases) {
    const e = await thrown(call);
    assert.ok(e instanceof m.MpShieldError, `${code}: an MpShieldError`);
    assert.equal(e.code, code);
    const { zh, en } = m.errorMessages[code];
    assert.equal(m.describeError(e), zh, `${code}: zh-CN by default`);
    for (const locale of ['zh-CN', 'zh', 'ZH-cn', 'zh-Hans-CN']) assert.equal(m.describeError(e, locale), zh, `${code}: ${locale}`);
    for (const locale of ['en', 'en-US', 'EN-gb']) assert.equal(m.describeError(e, locale), en, `${code}: ${locale}`);
    assert.equal(m.describeError(code, 'en'), en, `${code}: by code`);
    assert.equal(m.describeError({ code, message: 'from a server' }), zh, `${code}: an error-like object`);
    assert.notEqual(e.message, zh, 'the error keeps its own (English, detailed) message');
  }
});

test('describeError: unknown codes fall back to the error\'s own message; bad locales are INVALID_INPUT', () => {
  assert.equal(m.describeError(new m.MpShieldError('FUTURE_CODE', 'its own message')), 'its own message');
  assert.equal(m.describeError(new TypeError('x is not a function'), 'en'), 'x is not a function');
  assert.equal(m.describeError({ code: 'ENOENT', message: 'no such file' }), 'no such file');
  assert.equal(m.describeError('FUTURE_CODE'), 'FUTURE_CODE');
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.equal(m.describeError(name), name, `${name} is not a code`);
  }
  const hostile = new Proxy({}, { get() { throw new Error('hostile'); } });
  for (const v of [undefined, null, 42, {}, hostile, Symbol('s')]) {
    assert.equal(typeof m.describeError(v), 'string', `${String(typeof v)}: a string, never a throw`);
  }
  for (const locale of ['fr', 'zh_CN', '', 'english', null, 5, {}, ['en']]) {
    let e;
    try {
      m.describeError('EXPIRED', locale);
    } catch (err) {
      e = err;
    }
    assert.ok(e instanceof m.MpShieldError && e.code === 'INVALID_INPUT', `locale ${String(locale)}: INVALID_INPUT`);
    assert.match(e.message, /locale/);
  }
});

test('README.zh-CN.md quotes every Chinese message in its error table; README.md documents the API', () => {
  const zhReadme = readFileSync(path.join(root, 'README.zh-CN.md'), 'utf8');
  for (const code of expected) {
    const row = `| \`${code}\` | ${m.errorMessages[code].zh} |`;
    assert.ok(zhReadme.includes(row), `README.zh-CN.md has the row ${row}`);
  }
  const rows = zhReadme.split('\n').filter((l) => /^\| `[A-Z_]+` \|/.test(l));
  assert.equal(rows.length, expected.length, 'no stale rows');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const name of ['describeError', 'errorMessages', 'README.zh-CN.md']) assert.ok(readme.includes(name), `README.md mentions ${name}`);
  // The examples quote real messages.
  const { zh, en } = m.errorMessages.INVALID_ID_NUMBER;
  assert.ok(zhReadme.includes(`'${zh}'`) && zhReadme.includes(`'${en}'`), 'README.zh-CN.md example');
  assert.ok(readme.includes(`'${en}'`), 'README.md example');
});
