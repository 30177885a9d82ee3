//! JavaScript bindings for [`crate::seal`]: raw HPKE, envelopes, streams.
//!
//! The package layer (`pkg/src`) wraps these in the contract's `hpke`
//! namespace, `seal`/`open`, `envelope` and `createSealStream`/
//! `createOpenStream`; it maps algorithm names to ids (or calls
//! `hpkeAlgorithmId`), fills in empty `Uint8Array`s for omitted byte
//! fields, and re-throws errors as `MpShieldError`. Every argument is a
//! plain typed value; `?` marks one that may be `undefined`. `suite` is
//! `[kem, kdf, aead]` ids, 0 for "the default": the KEM is the key's
//! (told by a public key's length; for a secret key by `enc`'s length
//! unless named), the KDF the KEM's, the AEAD ChaCha20-Poly1305 with X25519
//! and SM4-GCM with SM2:
//!
//! ```text
//! hpkeAlgorithmId(kind: "kem" | "kdf" | "aead", name: string): number
//! hpkeGenerateKeyPair(kem?: number): { publicKey: Uint8Array, secretKey: Uint8Array }
//! hpkeSeal(mode?: string, suite: Uint32Array, recipientPublicKey, info, aad, plaintext,
//!          psk, pskId, senderSecretKey?): { enc: Uint8Array, ciphertext: Uint8Array }
//! hpkeOpen(mode?: string, suite, recipientSecretKey, enc, info, aad, ciphertext,
//!          psk, pskId, senderPublicKey?): Uint8Array
//! hpkeSetupSender(mode?, suite, recipientPublicKey, info, psk, pskId,
//!                 senderSecretKey?): HpkeSenderContext
//!     .enc: Uint8Array (getter), .seal(plaintext, aad): Uint8Array,
//!     .exportSecret(exporterContext, length: number): Uint8Array, .free()
//! hpkeSetupReceiver(mode?, suite, recipientSecretKey, enc, info, psk, pskId,
//!                   senderPublicKey?): HpkeReceiverContext
//!     .open(ciphertext, aad): Uint8Array,
//!     .exportSecret(exporterContext, length: number): Uint8Array, .free()
//! hpkeExportSecret(mode?, suite, recipientSecretKey, enc, info, psk, pskId,
//!                  senderPublicKey?, exporterContext, length: number): Uint8Array
//! sealEnvelope(recipientPublicKey, plaintext, info, aad, aead?: number,
//!              suite?: string): Uint8Array
//! openEnvelope(recipientSecretKey, envelope, info, aad): Uint8Array
//! envelopeInspect(envelope): { version, suite, mode, kem, kdf, aead, keyId: Uint8Array }
//! envelopeToText(envelope): string
//! envelopeFromText(text: string): Uint8Array
//! createSealStream(recipientPublicKey, info, aad, aead?: number,
//!                  chunkSize?: number, suite?: string): SealStream
//!     .header: Uint8Array (getter), .push(chunk): Uint8Array,
//!     .finish(lastChunk?: Uint8Array): Uint8Array, .free()
//! createOpenStream(recipientSecretKey, header, info, aad): OpenStream
//!     .push(sealedChunk): Uint8Array, .finish(): void, .free()
//! ```
//!
//! Unnamed arguments are `Uint8Array`s (empty for "not given": `psk`,
//! `pskId`, `info`, `aad`). `mode` defaults to `"base"`, `chunkSize` to
//! 65536. Envelopes and streams say their suite, so opening one needs no
//! algorithm argument. Plaintexts and secrets are
//! copied into fresh `Uint8Array`s and the module's copies are zeroized.
//! Calling a stream after `finish` throws `INVALID_INPUT`.

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::js_err;
use crate::error::Error;
use crate::seal::envelope::{self, OpenOptions, SealOptions};
use crate::seal::hpke::{
    self, Aead, Kdf, Kem, Mode, PublicKey, ReceiverContext, ReceiverParams, SecretKey,
    SenderContext, SenderParams,
};
use crate::seal::stream::{self, OpenStream, SealStream, StreamOptions};
use crate::suite::Suite;

type JsResult<T> = Result<T, JsValue>;

fn object(fields: &[(&str, JsValue)]) -> JsResult<JsValue> {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).map_err(|_| {
            js_err(Error::Internal {
                context: "build result object",
            })
        })?;
    }
    Ok(o.into())
}

fn bytes(b: &[u8]) -> Uint8Array {
    Uint8Array::from(b)
}

fn id16(id: u32, what: &str) -> JsResult<u16> {
    u16::try_from(id).map_err(|_| {
        js_err(Error::UnsupportedAlgorithm {
            name: format!("HPKE {what} id {id}"),
        })
    })
}

fn aead(id: Option<u32>) -> JsResult<Option<Aead>> {
    id.map(|id| Aead::from_id(id16(id, "AEAD")?).map_err(js_err))
        .transpose()
}

pub(crate) fn opt_suite(name: Option<String>) -> JsResult<Option<Suite>> {
    name.map(|n| Suite::from_name(&n).map_err(js_err))
        .transpose()
}

/// The mode and the `[kem, kdf, aead]` ids (0: the default) of an `hpke.*`
/// call, read once for the sender and the receiver sides.
struct Spec {
    mode: Mode,
    kem: Option<Kem>,
    kdf: Option<Kdf>,
    aead: Option<Aead>,
}

impl Spec {
    fn parse(mode_name: Option<String>, suite: &[u32]) -> JsResult<Self> {
        let [kem, kdf, aead_id] = <[u32; 3]>::try_from(suite).map_err(|_| {
            js_err(Error::Internal {
                context: "hpke suite ids",
            })
        })?;
        let nonzero = |id: u32| (id != 0).then_some(id);
        Ok(Self {
            mode: mode(mode_name)?,
            kem: nonzero(kem)
                .map(|id| Kem::from_id(id16(id, "KEM")?).map_err(js_err))
                .transpose()?,
            kdf: nonzero(kdf)
                .map(|id| Kdf::from_id(id16(id, "KDF")?).map_err(js_err))
                .transpose()?,
            aead: aead(nonzero(aead_id))?,
        })
    }

    /// The recipient's public key, which must be of the named KEM.
    fn public_key(&self, b: &[u8]) -> JsResult<PublicKey> {
        let key = public_key(b)?;
        match self.kem {
            Some(kem) if kem != key.kem() => Err(js_err(Error::UnsupportedAlgorithm {
                name: format!("KEM {} with a {} public key", kem.name(), key.kem().name()),
            })),
            _ => Ok(key),
        }
    }

    /// A secret key: of the named KEM, else the one `enc`'s length tells
    /// (65 bytes: SM2), else X25519.
    fn secret_key(&self, b: &[u8], enc: &[u8]) -> JsResult<SecretKey> {
        let kem = self
            .kem
            .unwrap_or(if enc.len() == hpke::SM2_PUBLIC_KEY_LEN {
                Kem::Sm2
            } else {
                Kem::X25519
            });
        SecretKey::from_bytes(kem, &Zeroizing::new(b.to_vec())).map_err(js_err)
    }

    fn sender<'a>(
        &self,
        info: &'a [u8],
        psk: &'a [u8],
        psk_id: &'a [u8],
        sender_secret_key: Option<&'a SecretKey>,
    ) -> SenderParams<'a> {
        SenderParams {
            mode: self.mode,
            kdf: self.kdf,
            aead: self.aead,
            info,
            psk,
            psk_id,
            sender_secret_key,
        }
    }

    fn receiver<'a>(
        &self,
        info: &'a [u8],
        psk: &'a [u8],
        psk_id: &'a [u8],
        sender_public_key: Option<&'a PublicKey>,
    ) -> ReceiverParams<'a> {
        ReceiverParams {
            mode: self.mode,
            kdf: self.kdf,
            aead: self.aead,
            info,
            psk,
            psk_id,
            sender_public_key,
        }
    }

    /// The sender's secret key of an auth mode: of the recipient's KEM.
    fn sender_secret_key(&self, b: Option<Vec<u8>>, kem: Kem) -> JsResult<Option<SecretKey>> {
        b.map(|b| SecretKey::from_bytes(kem, &Zeroizing::new(b)).map_err(js_err))
            .transpose()
    }
}

fn mode(name: Option<String>) -> JsResult<Mode> {
    name.map_or(Ok(Mode::Base), |n| Mode::from_name(&n).map_err(js_err))
}

fn public_key(b: &[u8]) -> JsResult<PublicKey> {
    PublicKey::from_bytes(b).map_err(js_err)
}

fn opt_public_key(b: Option<Vec<u8>>) -> JsResult<Option<PublicKey>> {
    b.map(|b| public_key(&b)).transpose()
}

fn export_len(length: u32) -> JsResult<usize> {
    usize::try_from(length).map_err(|_| js_err(Error::input("length is too large")))
}

/// The id of an HPKE algorithm name: `kind` `"kem"` (`"X25519"`, `"SM2"`),
/// `"kdf"` (`"HKDF-SHA256"`, `"HKDF-SM3"`) or `"aead"` (`"AES-128-GCM"`,
/// `"AES-256-GCM"`, `"ChaCha20-Poly1305"`, `"SM4-GCM"`, `"export-only"`).
///
/// # Errors
/// `UNSUPPORTED_ALGORITHM` for any other name.
#[wasm_bindgen(js_name = hpkeAlgorithmId)]
pub fn hpke_algorithm_id(kind: &str, name: &str) -> JsResult<u32> {
    match kind {
        "kem" => Kem::from_name(name).map(Kem::id),
        "kdf" => Kdf::from_name(name).map(Kdf::id),
        _ => Aead::from_name(name).map(Aead::id),
    }
    .map(u32::from)
    .map_err(js_err)
}

/// A fresh key pair of `kem` (default X25519): `{ publicKey, secretKey }`,
/// 32 + 32 bytes (X25519) or 65 + 32 (SM2).
///
/// # Errors
/// `NOT_INITIALIZED` before `init()`; `UNSUPPORTED_ALGORITHM` for another
/// KEM id.
#[wasm_bindgen(js_name = hpkeGenerateKeyPair)]
pub fn hpke_generate_key_pair(kem: Option<u32>) -> JsResult<JsValue> {
    let kem = match kem {
        None => Kem::X25519,
        Some(id) => Kem::from_id(id16(id, "KEM")?).map_err(js_err)?,
    };
    let kp = hpke::generate_key_pair(kem).map_err(js_err)?;
    object(&[
        ("publicKey", bytes(kp.public_key.as_bytes()).into()),
        ("secretKey", bytes(&*kp.secret_key.to_bytes()).into()),
    ])
}

/// Single-shot HPKE seal: `{ enc, ciphertext }`.
///
/// # Errors
/// `INVALID_INPUT` (mode parameters), `INVALID_KEY`,
/// `UNSUPPORTED_ALGORITHM`, `NOT_INITIALIZED`.
#[wasm_bindgen(js_name = hpkeSeal)]
#[allow(clippy::too_many_arguments)]
pub fn hpke_seal(
    mode_name: Option<String>,
    suite: &[u32],
    recipient_public_key: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_secret_key: Option<Vec<u8>>,
) -> JsResult<JsValue> {
    let spec = Spec::parse(mode_name, suite)?;
    let recipient = spec.public_key(recipient_public_key)?;
    let sender = spec.sender_secret_key(sender_secret_key, recipient.kem())?;
    let params = spec.sender(info, psk, psk_id, sender.as_ref());
    let sealed = hpke::seal(&recipient, &params, aad, plaintext).map_err(js_err)?;
    object(&[
        ("enc", bytes(&sealed.enc).into()),
        ("ciphertext", bytes(&sealed.ciphertext).into()),
    ])
}

/// Single-shot HPKE open: the plaintext.
///
/// # Errors
/// `DECRYPT_FAILED`, `INVALID_INPUT`, `INVALID_KEY`,
/// `UNSUPPORTED_ALGORITHM`.
#[wasm_bindgen(js_name = hpkeOpen)]
#[allow(clippy::too_many_arguments)]
pub fn hpke_open(
    mode_name: Option<String>,
    suite: &[u32],
    recipient_secret_key: &[u8],
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_public_key: Option<Vec<u8>>,
) -> JsResult<Uint8Array> {
    let spec = Spec::parse(mode_name, suite)?;
    let recipient = spec.secret_key(recipient_secret_key, enc)?;
    let sender = opt_public_key(sender_public_key)?;
    let params = spec.receiver(info, psk, psk_id, sender.as_ref());
    let plain =
        Zeroizing::new(hpke::open(&recipient, enc, &params, aad, ciphertext).map_err(js_err)?);
    Ok(bytes(&plain))
}

/// An HPKE sender context (`hpke.setupSender`).
#[wasm_bindgen]
pub struct HpkeSenderContext {
    inner: SenderContext,
}

#[wasm_bindgen]
impl HpkeSenderContext {
    /// The encapsulated key for the recipient.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn enc(&self) -> Uint8Array {
        bytes(self.inner.enc())
    }

    /// Seals the next message.
    ///
    /// # Errors
    /// `UNSUPPORTED_ALGORITHM` for the export-only AEAD.
    pub fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> JsResult<Uint8Array> {
        self.inner
            .seal(plaintext, aad)
            .map(|c| bytes(&c))
            .map_err(js_err)
    }

    /// RFC 9180 secret export.
    ///
    /// # Errors
    /// `INVALID_INPUT` unless `1 ≤ length ≤ 8160`.
    #[wasm_bindgen(js_name = exportSecret)]
    pub fn export_secret(&self, exporter_context: &[u8], length: u32) -> JsResult<Uint8Array> {
        let secret = self
            .inner
            .export_secret(exporter_context, export_len(length)?)
            .map_err(js_err)?;
        Ok(bytes(&secret))
    }
}

/// Sets up an HPKE sender context.
///
/// # Errors
/// As `hpkeSeal`.
#[wasm_bindgen(js_name = hpkeSetupSender)]
pub fn hpke_setup_sender(
    mode_name: Option<String>,
    suite: &[u32],
    recipient_public_key: &[u8],
    info: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_secret_key: Option<Vec<u8>>,
) -> JsResult<HpkeSenderContext> {
    let spec = Spec::parse(mode_name, suite)?;
    let recipient = spec.public_key(recipient_public_key)?;
    let sender = spec.sender_secret_key(sender_secret_key, recipient.kem())?;
    let params = spec.sender(info, psk, psk_id, sender.as_ref());
    hpke::setup_sender(&recipient, &params)
        .map(|inner| HpkeSenderContext { inner })
        .map_err(js_err)
}

/// An HPKE receiver context (`hpke.setupReceiver`).
#[wasm_bindgen]
pub struct HpkeReceiverContext {
    inner: ReceiverContext,
}

#[wasm_bindgen]
impl HpkeReceiverContext {
    /// Opens the next message.
    ///
    /// # Errors
    /// `DECRYPT_FAILED`; `UNSUPPORTED_ALGORITHM` for the export-only AEAD.
    pub fn open(&mut self, ciphertext: &[u8], aad: &[u8]) -> JsResult<Uint8Array> {
        let plain = Zeroizing::new(self.inner.open(ciphertext, aad).map_err(js_err)?);
        Ok(bytes(&plain))
    }

    /// RFC 9180 secret export.
    ///
    /// # Errors
    /// `INVALID_INPUT` unless `1 ≤ length ≤ 8160`.
    #[wasm_bindgen(js_name = exportSecret)]
    pub fn export_secret(&self, exporter_context: &[u8], length: u32) -> JsResult<Uint8Array> {
        let secret = self
            .inner
            .export_secret(exporter_context, export_len(length)?)
            .map_err(js_err)?;
        Ok(bytes(&secret))
    }
}

#[allow(clippy::too_many_arguments)]
fn receiver_context(
    mode_name: Option<String>,
    suite: &[u32],
    recipient_secret_key: &[u8],
    enc: &[u8],
    info: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_public_key: Option<Vec<u8>>,
) -> JsResult<ReceiverContext> {
    let spec = Spec::parse(mode_name, suite)?;
    let recipient = spec.secret_key(recipient_secret_key, enc)?;
    let sender = opt_public_key(sender_public_key)?;
    let params = spec.receiver(info, psk, psk_id, sender.as_ref());
    hpke::setup_receiver(&recipient, enc, &params).map_err(js_err)
}

/// Sets up an HPKE receiver context.
///
/// # Errors
/// As `hpkeOpen`.
#[wasm_bindgen(js_name = hpkeSetupReceiver)]
#[allow(clippy::too_many_arguments)]
pub fn hpke_setup_receiver(
    mode_name: Option<String>,
    suite: &[u32],
    recipient_secret_key: &[u8],
    enc: &[u8],
    info: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_public_key: Option<Vec<u8>>,
) -> JsResult<HpkeReceiverContext> {
    receiver_context(
        mode_name,
        suite,
        recipient_secret_key,
        enc,
        info,
        psk,
        psk_id,
        sender_public_key,
    )
    .map(|inner| HpkeReceiverContext { inner })
}

/// One-shot receiver-side secret export.
///
/// # Errors
/// As `hpkeSetupReceiver`; `INVALID_INPUT` unless `1 ≤ length ≤ 8160`.
#[wasm_bindgen(js_name = hpkeExportSecret)]
#[allow(clippy::too_many_arguments)]
pub fn hpke_export_secret(
    mode_name: Option<String>,
    suite: &[u32],
    recipient_secret_key: &[u8],
    enc: &[u8],
    info: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_public_key: Option<Vec<u8>>,
    exporter_context: &[u8],
    length: u32,
) -> JsResult<Uint8Array> {
    let len = export_len(length)?;
    let ctx = receiver_context(
        mode_name,
        suite,
        recipient_secret_key,
        enc,
        info,
        psk,
        psk_id,
        sender_public_key,
    )?;
    let secret = ctx.export_secret(exporter_context, len).map_err(js_err)?;
    Ok(bytes(&secret))
}

/// Seals an envelope to `recipientPublicKey`.
///
/// # Errors
/// `INVALID_KEY`, `UNSUPPORTED_ALGORITHM`, `INVALID_INPUT`,
/// `NOT_INITIALIZED`.
#[wasm_bindgen(js_name = sealEnvelope)]
pub fn seal_envelope(
    recipient_public_key: &[u8],
    plaintext: &[u8],
    info: &[u8],
    aad: &[u8],
    aead_id: Option<u32>,
    suite: Option<String>,
) -> JsResult<Vec<u8>> {
    let recipient = public_key(recipient_public_key)?;
    let options = SealOptions {
        info,
        aad,
        aead: aead(aead_id)?,
        suite: opt_suite(suite)?,
    };
    envelope::seal(&recipient, plaintext, &options).map_err(js_err)
}

/// Opens an envelope.
///
/// # Errors
/// `DECRYPT_FAILED`, `INVALID_ENVELOPE`, `TRUNCATED`,
/// `UNSUPPORTED_ALGORITHM`, `INVALID_KEY`.
#[wasm_bindgen(js_name = openEnvelope)]
pub fn open_envelope(
    recipient_secret_key: &[u8],
    envelope_bytes: &[u8],
    info: &[u8],
    aad: &[u8],
) -> JsResult<Uint8Array> {
    let kem = Kem::of(envelope::inspect(envelope_bytes).map_err(js_err)?.suite);
    let recipient = SecretKey::from_bytes(kem, recipient_secret_key).map_err(js_err)?;
    let plain = Zeroizing::new(
        envelope::open(&recipient, envelope_bytes, &OpenOptions { info, aad }).map_err(js_err)?,
    );
    Ok(bytes(&plain))
}

/// `{ version, mode, kem, kdf, aead, keyId }` of an envelope, without
/// decrypting it.
///
/// # Errors
/// `INVALID_ENVELOPE`, `TRUNCATED`, `UNSUPPORTED_ALGORITHM`.
#[wasm_bindgen(js_name = envelopeInspect)]
pub fn envelope_inspect(envelope_bytes: &[u8]) -> JsResult<JsValue> {
    let info = envelope::inspect(envelope_bytes).map_err(js_err)?;
    object(&[
        ("version", JsValue::from(info.version)),
        ("suite", JsValue::from_str(info.suite.name())),
        ("mode", JsValue::from_str(info.mode.name())),
        ("kem", JsValue::from(info.kem)),
        ("kdf", JsValue::from(info.kdf)),
        ("aead", JsValue::from(info.aead.id())),
        ("keyId", bytes(&info.key_id).into()),
    ])
}

/// The envelope as base64url without padding.
///
/// # Errors
/// As `envelopeInspect`.
#[wasm_bindgen(js_name = envelopeToText)]
pub fn envelope_to_text(envelope_bytes: &[u8]) -> JsResult<String> {
    envelope::to_text(envelope_bytes).map_err(js_err)
}

/// The envelope from its text form.
///
/// # Errors
/// `INVALID_ENVELOPE` if not base64url; otherwise as `envelopeInspect`.
#[wasm_bindgen(js_name = envelopeFromText)]
pub fn envelope_from_text(text: &str) -> JsResult<Vec<u8>> {
    envelope::from_text(text).map_err(js_err)
}

fn finished() -> JsValue {
    js_err(Error::input("this stream is finished: start a new one"))
}

/// A sealing stream (`createSealStream`).
#[wasm_bindgen(js_name = SealStream)]
pub struct JsSealStream {
    inner: Option<SealStream>,
    header: Vec<u8>,
}

#[wasm_bindgen(js_class = SealStream)]
impl JsSealStream {
    /// The stream header (64 bytes intl, 97 gm); send it first.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn header(&self) -> Vec<u8> {
        self.header.clone()
    }

    /// Adds plaintext; returns the sealed chunks it completes (maybe none).
    ///
    /// # Errors
    /// `INVALID_INPUT` after `finish` or an earlier failure.
    pub fn push(&mut self, chunk: &[u8]) -> JsResult<Vec<u8>> {
        self.inner
            .as_mut()
            .ok_or_else(finished)?
            .push(chunk)
            .map_err(js_err)
    }

    /// Adds the last plaintext and returns the remaining sealed chunks.
    ///
    /// # Errors
    /// `INVALID_INPUT` after `finish` or an earlier failure.
    pub fn finish(&mut self, last_chunk: Option<Vec<u8>>) -> JsResult<Vec<u8>> {
        let last = Zeroizing::new(last_chunk.unwrap_or_default());
        self.inner
            .take()
            .ok_or_else(finished)?
            .finish(&last)
            .map_err(js_err)
    }
}

/// Starts a sealing stream to `recipientPublicKey`.
///
/// # Errors
/// `INVALID_KEY`, `INVALID_INPUT` (chunk size), `UNSUPPORTED_ALGORITHM`,
/// `NOT_INITIALIZED`.
#[wasm_bindgen(js_name = createSealStream)]
pub fn create_seal_stream(
    recipient_public_key: &[u8],
    info: &[u8],
    aad: &[u8],
    aead_id: Option<u32>,
    chunk_size: Option<u32>,
    suite: Option<String>,
) -> JsResult<JsSealStream> {
    let recipient = public_key(recipient_public_key)?;
    let chunk_size = match chunk_size {
        None => stream::DEFAULT_CHUNK_SIZE,
        Some(c) => {
            usize::try_from(c).map_err(|_| js_err(Error::input("chunkSize is too large")))?
        }
    };
    let options = StreamOptions {
        info,
        aad,
        aead: aead(aead_id)?,
        suite: opt_suite(suite)?,
        chunk_size,
    };
    let inner = SealStream::new(&recipient, &options).map_err(js_err)?;
    Ok(JsSealStream {
        header: inner.header().to_vec(),
        inner: Some(inner),
    })
}

/// An opening stream (`createOpenStream`).
#[wasm_bindgen(js_name = OpenStream)]
pub struct JsOpenStream {
    inner: Option<OpenStream>,
}

#[wasm_bindgen(js_class = OpenStream)]
impl JsOpenStream {
    /// Adds sealed bytes; returns the plaintext of the chunks they complete.
    ///
    /// # Errors
    /// `DECRYPT_FAILED`, `INVALID_ENVELOPE`; `INVALID_INPUT` after `finish`.
    pub fn push(&mut self, sealed_chunk: &[u8]) -> JsResult<Uint8Array> {
        let plain = Zeroizing::new(
            self.inner
                .as_mut()
                .ok_or_else(finished)?
                .push(sealed_chunk)
                .map_err(js_err)?,
        );
        Ok(bytes(&plain))
    }

    /// Ends the input.
    ///
    /// # Errors
    /// `TRUNCATED` if the final chunk never came; the earlier error if a
    /// push failed; `INVALID_INPUT` if already finished.
    pub fn finish(&mut self) -> JsResult<()> {
        self.inner
            .take()
            .ok_or_else(finished)?
            .finish()
            .map_err(js_err)
    }
}

/// Starts opening the stream whose header is `header`.
///
/// # Errors
/// `INVALID_ENVELOPE`, `TRUNCATED`, `UNSUPPORTED_ALGORITHM`,
/// `DECRYPT_FAILED`, `INVALID_KEY`.
#[wasm_bindgen(js_name = createOpenStream)]
pub fn create_open_stream(
    recipient_secret_key: &[u8],
    header: &[u8],
    info: &[u8],
    aad: &[u8],
) -> JsResult<JsOpenStream> {
    let kem = Kem::of(stream::inspect_header(header).map_err(js_err)?.suite);
    let recipient = SecretKey::from_bytes(kem, recipient_secret_key).map_err(js_err)?;
    OpenStream::new(&recipient, header, &OpenOptions { info, aad })
        .map(|s| JsOpenStream { inner: Some(s) })
        .map_err(js_err)
}
