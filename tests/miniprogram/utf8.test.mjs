// The mini-program's own UTF-8 codec (pkg/src/utf8.js), which replaces
// TextEncoder/TextDecoder in the WeChat bundle: known answers, then
// differential tests against Node's WHATWG implementation on random and
// adversarial input (lone surrogates, overlongs, encoded surrogates, code
// points above U+10FFFF, truncated sequences), for encode, encodeInto with
// every short destination, and decode with and without `fatal`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import * as ours from '../../pkg/src/utf8.js';

const nodeEncoder = new globalThis.TextEncoder();
const nodeDecoder = new globalThis.TextDecoder('utf-8', { ignoreBOM: true });
const nodeFatal = new globalThis.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const enc = new ours.TextEncoder();
const dec = new ours.TextDecoder('utf-8', { ignoreBOM: true });
const fatal = new ours.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const hex = (b) => Buffer.from(b).toString('hex');

test('known answers', () => {
  const cases = [
    ['', ''],
    ['A', '41'],
    ['é', 'c3a9'],
    ['北京市', 'e58c97e4baace5b882'],
    ['😀', 'f09f9880'],
    ['\uD800', 'efbfbd'], // lone high surrogate → U+FFFD
    ['\uDC00x', 'efbfbd78'], // lone low surrogate → U+FFFD
    ['\uD83D\uDE00\uD83D', 'f09f9880efbfbd'],
    ['\u0000\u007f\u0080\u07ff\u0800\uffff', '007fc280dfbfe0a080efbfbf'],
  ];
  for (const [s, h] of cases) {
    assert.equal(hex(enc.encode(s)), h, JSON.stringify(s));
    if (!/[\uD800-\uDFFF]/.test(s)) assert.equal(dec.decode(Buffer.from(h, 'hex')), s);
  }
  assert.equal(enc.encoding, 'utf-8');
  assert.equal(dec.encoding, 'utf-8');
});

test('decode: invalid sequences, one U+FFFD per maximal subpart (as WHATWG)', () => {
  const bad = [
    'c0af', // overlong '/'
    'e080af', // overlong
    'eda080', // encoded surrogate
    'f4908080', // above U+10FFFF
    'f8888080', // 5-byte form
    '80', // stray continuation
    'e282', // truncated
    'f09f98', // truncated 4-byte
    'ff',
    'c2',
    'e2e282ac', // truncated then valid
    'f0808080',
  ];
  for (const h of bad) {
    const b = Buffer.from(h, 'hex');
    assert.equal(dec.decode(b), nodeDecoder.decode(b), h);
    assert.throws(() => fatal.decode(b), TypeError, `fatal ${h}`);
    assert.throws(() => nodeFatal.decode(b), TypeError);
  }
});

test('BOM handling, input types, labels, streaming refused', () => {
  const bom = Buffer.from('efbbbf41', 'hex');
  assert.equal(new ours.TextDecoder().decode(bom), 'A');
  assert.equal(new ours.TextDecoder('utf-8', { ignoreBOM: true }).decode(bom), '\uFEFFA');
  assert.equal(dec.decode(), '');
  assert.equal(dec.decode(new Uint8Array([0x41, 0x42]).buffer), 'AB');
  assert.equal(dec.decode(new DataView(new Uint8Array([0x43]).buffer)), 'C');
  assert.equal(dec.decode(new Uint8Array([0x40, 0x41, 0x42, 0x43]).subarray(1, 3)), 'AB');
  assert.equal(new ours.TextDecoder('UTF8').encoding, 'utf-8');
  assert.throws(() => new ours.TextDecoder('gbk'), RangeError);
  assert.throws(() => dec.decode(new Uint8Array(1), { stream: true }), TypeError);
  assert.throws(() => dec.decode('not bytes'), TypeError);
  assert.throws(() => enc.encodeInto('x', [0]), TypeError);
});

function randomString(len) {
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = randomInt(100);
    if (r < 40) s += String.fromCharCode(randomInt(0x80));
    else if (r < 55) s += String.fromCharCode(0x80 + randomInt(0x780));
    else if (r < 75) s += String.fromCharCode(0x800 + randomInt(0xd800 - 0x800));
    else if (r < 85) s += String.fromCodePoint(0x10000 + randomInt(0x100000));
    else if (r < 90) s += String.fromCharCode(0xd800 + randomInt(0x800)); // lone surrogate
    else s += String.fromCharCode(0xe000 + randomInt(0x2000));
  }
  return s;
}

test('differential: encode and encodeInto agree with Node on random strings', () => {
  for (let round = 0; round < 400; round++) {
    const s = randomString(randomInt(1, 64));
    const expected = nodeEncoder.encode(s);
    assert.equal(hex(enc.encode(s)), hex(expected), JSON.stringify(s));
    assert.equal(ours.utf8Length(s), expected.length);
    // encodeInto with every destination size up to the full length.
    for (let cap = 0; cap <= expected.length; cap += 1 + (round % 3)) {
      const a = new Uint8Array(cap);
      const b = new Uint8Array(cap);
      assert.deepEqual(enc.encodeInto(s, a), nodeEncoder.encodeInto(s, b), `${JSON.stringify(s)} into ${cap}`);
      assert.equal(hex(a), hex(b));
    }
  }
});

test('differential: decode agrees with Node on random bytes and mutated valid UTF-8', () => {
  for (let round = 0; round < 2000; round++) {
    let b;
    if (round % 2 === 0) {
      b = randomBytes(randomInt(0, 48));
    } else {
      b = Buffer.from(nodeEncoder.encode(randomString(randomInt(1, 24))));
      for (let k = randomInt(0, 3); k > 0 && b.length > 0; k--) b[randomInt(b.length)] = randomInt(256);
      if (randomInt(4) === 0) b = b.subarray(0, randomInt(b.length + 1));
    }
    assert.equal(dec.decode(b), nodeDecoder.decode(b), hex(b));
    let nodeThrew = false;
    try {
      nodeFatal.decode(b);
    } catch {
      nodeThrew = true;
    }
    let oursThrew = false;
    try {
      fatal.decode(b);
    } catch {
      oursThrew = true;
    }
    assert.equal(oursThrew, nodeThrew, `fatal on ${hex(b)}`);
  }
});

test('large input round-trips (chunked String.fromCharCode)', () => {
  const s = randomString(100_000);
  const bytes = enc.encode(s);
  assert.equal(dec.decode(bytes), nodeDecoder.decode(bytes));
});
