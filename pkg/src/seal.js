// hpke, seal/open, envelope, createSealStream/createOpenStream: end-to-end
// encryption with HPKE (RFC 9180) in either suite — intl: DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256, AES-GCM / ChaCha20-Poly1305; gm: DHKEM(curveSM2,
// HKDF-SM3), HKDF-SM3, SM4-GCM — the mpshield envelope and the chunked
// stream format (docs/FORMAT.md).
//
// Arguments are checked here (bytes, names, ids, lengths) so that the glue
// never coerces a wrong value (a number wrapping modulo 2^32, an ArrayBuffer
// read as empty); omitted byte fields become empty Uint8Arrays and omitted
// `mode`/`kem`/`kdf`/`aead` take the module's defaults ("base"; the key's
// KEM, its KDF, ChaCha20-Poly1305 with X25519 and SM4-GCM with SM2).
// Context and stream objects are handles (see handles.js): their methods go
// through the init guard and error conversion, and free() zeroises them.

import {
  createOpenStream as glueCreateOpenStream,
  createSealStream as glueCreateSealStream,
  envelopeFromText,
  envelopeInspect,
  envelopeToText,
  hpkeAlgorithmId,
  hpkeExportSecret,
  hpkeGenerateKeyPair,
  hpkeOpen,
  hpkeSeal,
  hpkeSetupReceiver,
  hpkeSetupSender,
  openEnvelope,
  sealEnvelope,
} from 'mpshield-glue';
import { fn, namespace } from './runtime.js';
import { LIMITS, bytes, integer, invalid, options, string } from './args.js';
import { defineHandle } from './handles.js';

const EMPTY = () => new Uint8Array(0);


/**
 * `kem`, `kdf` or `aead`: an id (other 16-bit ids are UNSUPPORTED_ALGORITHM)
 * or a name; `undefined` stays undefined (the default).
 */
function algorithmOption(kind, value, name) {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    // The module maps names (and says UNSUPPORTED_ALGORITHM for others);
    // a huge string is cut so the message stays short.
    return hpkeAlgorithmId(kind, value.length > 64 ? value.slice(0, 64) + '…' : value);
  }
  // 0 means "the default" to the module, so it is not an id here.
  if (typeof value === 'number') return integer(value, name, 1, 0xffff);
  throw invalid(name, 'an HPKE ' + kind + ' id or name (README, "API")', value);
}

function aeadOption(value, name) {
  return algorithmOption('aead', value, name);
}

/** `[kem, kdf, aead]` ids for the module, 0 for each default. */
function suiteIds(o, where) {
  return Uint32Array.of(
    algorithmOption('kem', o.kem, where + ': options.kem') ?? 0,
    algorithmOption('kdf', o.kdf, where + ': options.kdf') ?? 0,
    aeadOption(o.aead, where + ': options.aead') ?? 0,
  );
}

/** `suite`: "intl" or "gm" (checked by the module: against the key here, by the flow's Verifier and Wallet). */
export function suiteOption(value, name) {
  if (value === undefined) return undefined;
  return string(value, name, 16);
}

function modeOption(value, name) {
  if (value === undefined) return undefined;
  return string(value, name);
}

function optionalBytes(value, name) {
  return value === undefined ? EMPTY() : bytes(value, name);
}

function optionalKey(value, name) {
  return value === undefined ? undefined : bytes(value, name);
}

/** An exporter length: an integer (the module limits it to 255 × 32). */
function exportLength(value, name) {
  return integer(value, name, 0, 0xffffffff);
}

/** The fields shared by the setup and one-shot calls, checked. */
function senderFields(o, where) {
  return {
    mode: modeOption(o.mode, where + ': options.mode'),
    suite: suiteIds(o, where),
    recipientPublicKey: bytes(o.recipientPublicKey, where + ': options.recipientPublicKey'),
    info: optionalBytes(o.info, where + ': options.info'),
    psk: optionalBytes(o.psk, where + ': options.psk'),
    pskId: optionalBytes(o.pskId, where + ': options.pskId'),
    senderSecretKey: optionalKey(o.senderSecretKey, where + ': options.senderSecretKey'),
  };
}

function receiverFields(o, where) {
  return {
    mode: modeOption(o.mode, where + ': options.mode'),
    suite: suiteIds(o, where),
    recipientSecretKey: bytes(o.recipientSecretKey, where + ': options.recipientSecretKey'),
    enc: bytes(o.enc, where + ': options.enc'),
    info: optionalBytes(o.info, where + ': options.info'),
    psk: optionalBytes(o.psk, where + ': options.psk'),
    pskId: optionalBytes(o.pskId, where + ': options.pskId'),
    senderPublicKey: optionalKey(o.senderPublicKey, where + ': options.senderPublicKey'),
  };
}

const SENDER_KEYS = ['mode', 'kem', 'kdf', 'aead', 'recipientPublicKey', 'info', 'psk', 'pskId', 'senderSecretKey'];
const RECEIVER_KEYS = ['mode', 'kem', 'kdf', 'aead', 'recipientSecretKey', 'enc', 'info', 'psk', 'pskId', 'senderPublicKey'];

// --- Handles: HPKE contexts and streams ---------------------------------------

/** An HPKE sender context (RFC 9180 §5.2): `enc`, `seal`, `exportSecret`, `free`. */
const SenderContext = defineHandle('SenderContext', {
  getters: {
    enc(ctx) {
      return ctx.enc;
    },
  },
  methods: {
    seal(ctx, plaintext, aad) {
      return ctx.seal(bytes(plaintext, 'plaintext', LIMITS.plaintext), optionalBytes(aad, 'aad'));
    },
    exportSecret(ctx, exporterContext, length) {
      return ctx.exportSecret(bytes(exporterContext, 'exporterContext'), exportLength(length, 'length'));
    },
  },
});

/** An HPKE receiver context: `open`, `exportSecret`, `free`. */
const ReceiverContext = defineHandle('ReceiverContext', {
  methods: {
    open(ctx, ciphertext, aad) {
      return ctx.open(bytes(ciphertext, 'ciphertext'), optionalBytes(aad, 'aad'));
    },
    exportSecret(ctx, exporterContext, length) {
      return ctx.exportSecret(bytes(exporterContext, 'exporterContext'), exportLength(length, 'length'));
    },
  },
});

/** A sealing stream: `header`, `push(chunk)`, `finish(lastChunk?)`, `free`. */
const SealStream = defineHandle('SealStream', {
  getters: {
    header(s) {
      return s.header;
    },
  },
  methods: {
    push(s, chunk) {
      return s.push(bytes(chunk, 'chunk', LIMITS.streamChunk));
    },
    finish(s, lastChunk) {
      return s.finish(lastChunk === undefined ? undefined : bytes(lastChunk, 'lastChunk', LIMITS.streamChunk));
    },
  },
});

/** An opening stream: `push(sealedChunk)`, `finish()` (TRUNCATED without the final chunk), `free`. */
const OpenStream = defineHandle('OpenStream', {
  methods: {
    push(s, sealedChunk) {
      return s.push(bytes(sealedChunk, 'sealedChunk', LIMITS.streamChunk));
    },
    finish(s) {
      s.finish();
    },
  },
});

// --- hpke ----------------------------------------------------------------------

export const hpke = namespace({
  /**
   * A fresh key pair: `{ publicKey, secretKey }` — X25519 (32 + 32 bytes,
   * the default) or, with `{ kem: 'SM2' }`, SM2 (65 bytes `04‖x‖y` + 32).
   */
  generateKeyPair: fn(
    function generateKeyPair(opts) {
      const o = options(opts, 'hpke.generateKeyPair options', ['kem']);
      return hpkeGenerateKeyPair(algorithmOption('kem', o.kem, 'hpke.generateKeyPair: options.kem'));
    },
    { random: true },
  ),

  /** Single-shot seal (RFC 9180 §6.1): `{ enc, ciphertext }`. */
  seal: fn(
    function seal(args) {
      const where = 'hpke.seal';
      const o = options(args, where + ' options', SENDER_KEYS.concat(['aad', 'plaintext']));
      const f = senderFields(o, where);
      const aad = optionalBytes(o.aad, where + ': options.aad');
      const plaintext = bytes(o.plaintext, where + ': options.plaintext', LIMITS.plaintext);
      return hpkeSeal(f.mode, f.suite, f.recipientPublicKey, f.info, aad, plaintext, f.psk, f.pskId, f.senderSecretKey);
    },
    { random: true },
  ),

  /** Single-shot open: the plaintext. */
  open: fn(function open(args) {
    const where = 'hpke.open';
    const o = options(args, where + ' options', RECEIVER_KEYS.concat(['aad', 'ciphertext']));
    const f = receiverFields(o, where);
    const aad = optionalBytes(o.aad, where + ': options.aad');
    const ciphertext = bytes(o.ciphertext, where + ': options.ciphertext');
    return hpkeOpen(f.mode, f.suite, f.recipientSecretKey, f.enc, f.info, aad, ciphertext, f.psk, f.pskId, f.senderPublicKey);
  }),

  /** A sender context for several messages and the exporter. */
  setupSender: fn(
    function setupSender(args) {
      const where = 'hpke.setupSender';
      const f = senderFields(options(args, where + ' options', SENDER_KEYS), where);
      return SenderContext.wrap(
        hpkeSetupSender(f.mode, f.suite, f.recipientPublicKey, f.info, f.psk, f.pskId, f.senderSecretKey),
      );
    },
    { random: true },
  ),

  /** A receiver context for several messages and the exporter. */
  setupReceiver: fn(function setupReceiver(args) {
    const where = 'hpke.setupReceiver';
    const f = receiverFields(options(args, where + ' options', RECEIVER_KEYS), where);
    return ReceiverContext.wrap(
      hpkeSetupReceiver(f.mode, f.suite, f.recipientSecretKey, f.enc, f.info, f.psk, f.pskId, f.senderPublicKey),
    );
  }),

  /** The receiver's exported secret (RFC 9180 §5.3) without keeping a context. */
  exportSecret: fn(function exportSecret(args) {
    const where = 'hpke.exportSecret';
    const o = options(args, where + ' options', RECEIVER_KEYS.concat(['exporterContext', 'length']));
    const f = receiverFields(o, where);
    const exporterContext = bytes(o.exporterContext, where + ': options.exporterContext');
    const length = exportLength(o.length, where + ': options.length');
    return hpkeExportSecret(
      f.mode, f.suite, f.recipientSecretKey, f.enc, f.info, f.psk, f.pskId, f.senderPublicKey, exporterContext, length,
    );
  }),
});

// --- Envelopes -------------------------------------------------------------------

/** Seals `plaintext` to `recipientPublicKey` as a self-describing envelope. */
export const seal = fn(
  function seal(recipientPublicKey, plaintext, opts) {
    const o = options(opts, 'seal options', ['info', 'aad', 'aead', 'suite']);
    return sealEnvelope(
      bytes(recipientPublicKey, 'recipientPublicKey'),
      bytes(plaintext, 'plaintext', LIMITS.plaintext),
      optionalBytes(o.info, 'options.info'),
      optionalBytes(o.aad, 'options.aad'),
      aeadOption(o.aead, 'options.aead'),
      suiteOption(o.suite, 'options.suite'),
    );
  },
  { random: true },
);

/** Opens an envelope made by `seal`: the plaintext. */
export const open = fn(function open(recipientSecretKey, envelopeBytes, opts) {
  const o = options(opts, 'open options', ['info', 'aad']);
  return openEnvelope(
    bytes(recipientSecretKey, 'recipientSecretKey'),
    bytes(envelopeBytes, 'envelope'),
    optionalBytes(o.info, 'options.info'),
    optionalBytes(o.aad, 'options.aad'),
  );
});

export const envelope = namespace({
  /** Envelope bytes as base64url text without padding. */
  toText: fn(function toText(envelopeBytes) {
    return envelopeToText(bytes(envelopeBytes, 'bytes'));
  }),
  /** Envelope bytes from base64url text. */
  fromText: fn(function fromText(text) {
    return envelopeFromText(string(text, 'text', LIMITS.envelopeText));
  }),
  /** `{ version, suite, mode, kem, kdf, aead, keyId }` without decrypting. */
  inspect: fn(function inspect(envelopeBytes) {
    return envelopeInspect(bytes(envelopeBytes, 'bytes'));
  }),
});

// --- Streams ---------------------------------------------------------------------

/** A chunked sealing stream to `recipientPublicKey`. */
export const createSealStream = fn(
  function createSealStream(recipientPublicKey, opts) {
    const o = options(opts, 'createSealStream options', ['info', 'aad', 'aead', 'chunkSize', 'suite']);
    return SealStream.wrap(
      glueCreateSealStream(
        bytes(recipientPublicKey, 'recipientPublicKey'),
        optionalBytes(o.info, 'options.info'),
        optionalBytes(o.aad, 'options.aad'),
        aeadOption(o.aead, 'options.aead'),
        o.chunkSize === undefined ? undefined : integer(o.chunkSize, 'options.chunkSize', 0, 0xffffffff),
        suiteOption(o.suite, 'options.suite'),
      ),
    );
  },
  { random: true },
);

/** An opening stream for a stream whose `header` came from `createSealStream`. */
export const createOpenStream = fn(function createOpenStream(recipientSecretKey, header, opts) {
  const o = options(opts, 'createOpenStream options', ['info', 'aad']);
  return OpenStream.wrap(
    glueCreateOpenStream(
      bytes(recipientSecretKey, 'recipientSecretKey'),
      bytes(header, 'header'),
      optionalBytes(o.info, 'options.info'),
      optionalBytes(o.aad, 'options.aad'),
    ),
  );
});
