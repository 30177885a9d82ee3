// An independent reader of mpshield's consent-log formats, written from
// their specifications (no mpshield code): RFC 6962 / RFC 9162 Merkle trees
// over SHA-256 (node:crypto) or SM3 (sm-crypto-v2), C2SP signed-note
// checkpoints with SM2 signatures checked and made by sm-crypto-v2 (GB/T
// 32918.2, SM3, distinguishing ID 1234567812345678, signature r‖s), and the
// receipt layout of src/consent/receipt.rs. Used by consent-gm.test.mjs.
import { createHash } from 'node:crypto';
import { sm2, sm3 } from 'sm-crypto-v2';

/** The SM2 distinguishing ID of every mpshield SM2 signature. */
export const SM2_USER_ID = '1234567812345678';
/** The signed-note identifier after signature type 0xff (docs/FORMAT.md, "Checkpoint"). */
export const SM2_NOTE_IDENTIFIER = 'mpshield.example/signed-note/sm2-sm3';
/** Receipt magics: version 1 (intl) and version 2 (gm). */
export const RECEIPT_MAGIC = { intl: [0x4d, 0x50, 0x52, 0x01], gm: [0x4d, 0x50, 0x52, 0x02] };

const utf8 = (s) => new TextEncoder().encode(s);
const hex = (b) => Buffer.from(b).toString('hex');

/** The tree hashes, by the names of merkle's `hash` option. */
export const HASHES = {
  sha256: (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest()),
  sm3: (bytes) => Uint8Array.from(Buffer.from(sm3(Uint8Array.from(bytes)), 'hex')),
};

/** The concatenation of byte arrays (or arrays of numbers). */
export function concat(...parts) {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** RFC 6962 §2.1: leaf hash H(0x00 ‖ data). */
export const leafHash = (h, data) => h(concat([0x00], data));
/** RFC 6962 §2.1: node hash H(0x01 ‖ left ‖ right). */
export const nodeHash = (h, l, r) => h(concat([0x01], l, r));

/** RFC 6962 §2.1 MTH over leaf hashes (split at the largest power of two below n). */
export function treeHash(h, leaves) {
  if (leaves.length === 0) return h(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(h, treeHash(h, leaves.slice(0, k)), treeHash(h, leaves.slice(k)));
}

/** RFC 9162 §2.1.3.2: whether `proof` puts `leaf` at `index` of the tree of `size` with `root`. */
export function verifyInclusion(h, leaf, index, size, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(h, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(h, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

/** `04‖x‖y` in hex, from an SM2 JWK. */
export function sm2PublicHex(jwk) {
  return '04' + Buffer.from(jwk.x, 'base64url').toString('hex') + Buffer.from(jwk.y, 'base64url').toString('hex');
}

/** The note key ID of an SM2 key: SHA-256(name ‖ 0x0A ‖ 0xFF ‖ identifier ‖ 04‖x‖y)[:4]. */
export function sm2KeyId(name, publicHex) {
  const digest = createHash('sha256')
    .update(concat(utf8(name), [0x0a, 0xff], utf8(SM2_NOTE_IDENTIFIER), Buffer.from(publicHex, 'hex')))
    .digest();
  return new Uint8Array(digest.subarray(0, 4));
}

/**
 * A C2SP signed note split into its body (the signed text, final newline
 * included), the checkpoint lines and its signature lines.
 */
export function parseNote(note) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('not a signed note');
  const body = note.slice(0, split + 1);
  const [origin, size, root] = body.slice(0, -1).split('\n');
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      if (!line.startsWith('\u2014 ')) throw new Error('not a signature line: ' + line);
      const [name, b64] = line.slice(2).split(' ');
      const blob = new Uint8Array(Buffer.from(b64, 'base64'));
      return { name, keyId: blob.slice(0, 4), signature: blob.slice(4) };
    });
  return { body, origin, size: Number(size), root: new Uint8Array(Buffer.from(root, 'base64')), signatures };
}

/**
 * Whether `note` carries a valid SM2 signature by `jwk` under the name
 * `origin`, checked with sm-crypto-v2 (SM3 with Z, userId 1234567812345678).
 */
export function sm2VerifyNote(note, jwk, origin) {
  const n = parseNote(note);
  if (n.origin !== origin) return false;
  const pub = sm2PublicHex(jwk);
  const id = sm2KeyId(origin, pub);
  const mine = n.signatures.filter((s) => s.name === origin && equalBytes(s.keyId, id));
  if (mine.length === 0) return false;
  return mine.every(
    (s) => s.signature.length === 64 && sm2.doVerifySignature(utf8(n.body), hex(s.signature), pub, { hash: true, der: false, userId: SM2_USER_ID }),
  );
}

/** A checkpoint note of `origin`, `size`, `root`, signed by sm-crypto-v2 with the SM2 secret `dHex`. */
export function sm2SignCheckpoint(origin, size, root, dHex, publicHex) {
  const body = `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
  const sig = sm2.doSignature(utf8(body), dHex, { hash: true, der: false, userId: SM2_USER_ID, publicKey: publicHex });
  const blob = concat(sm2KeyId(origin, publicHex), Buffer.from(sig.padStart(128, '0'), 'hex'));
  return `${body}\n\u2014 ${origin} ${Buffer.from(blob).toString('base64')}\n`;
}

/**
 * A receipt's parts, read by hand (src/consent/receipt.rs: magic 4 ‖
 * recordLen u32 ‖ record ‖ index u64 ‖ proofLen u8 ‖ proof 32 × proofLen ‖
 * noteLen u16 ‖ note; big-endian, nothing after).
 */
export function parseReceipt(bytes) {
  const b = Uint8Array.from(bytes);
  const view = new DataView(b.buffer);
  let at = 0;
  const take = (n) => {
    if (at + n > b.length) throw new Error('truncated receipt');
    const out = b.slice(at, at + n);
    at += n;
    return out;
  };
  const magic = take(4);
  const recordLen = view.getUint32(at);
  at += 4;
  const record = take(recordLen);
  const index = Number(view.getBigUint64(at));
  at += 8;
  const proofLen = b[at];
  at += 1;
  const proof = [];
  for (let i = 0; i < proofLen; i++) proof.push(take(32));
  const noteLen = view.getUint16(at);
  at += 2;
  const note = new TextDecoder('utf-8', { fatal: true }).decode(take(noteLen));
  if (at !== b.length) throw new Error('trailing bytes after the receipt');
  return { magic, record, index, proof, note };
}
