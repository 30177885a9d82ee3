//! JavaScript bindings for [`crate::seal`]: raw HPKE, envelopes, streams.
//!
//! The package layer (`pkg/src`) wraps these in the contract's `hpke`
//! namespace, `seal`/`open`, `envelope` and `createSealStream`/
//! `createOpenStream`; it maps AEAD names to ids (or calls
//! `hpkeAeadId`), fills in empty `Uint8Array`s for omitted byte fields, and
//! re-throws errors as `MpShieldError`. Every argument is a plain typed
//! value; `?` marks one that may be `undefined`:
//!
//! ```text
//! hpkeAeadId(name: string): number
//! hpkeGenerateKeyPair(): { publicKey: Uint8Array, secretKey: Uint8Array }
//! hpkeSeal(mode?: string, aead?: number, recipientPublicKey, info, aad, plaintext,
//!          psk, pskId, senderSecretKey?): { enc: Uint8Array, ciphertext: Uint8Array }
//! hpkeOpen(mode?: string, aead?: number, recipientSecretKey, enc, info, aad, ciphertext,
//!          psk, pskId, senderPublicKey?): Uint8Array
//! hpkeSetupSender(mode?, aead?, recipientPublicKey, info, psk, pskId,
//!                 senderSecretKey?): HpkeSenderContext
//!     .enc: Uint8Array (getter), .seal(plaintext, aad): Uint8Array,
//!     .exportSecret(exporterContext, length: number): Uint8Array, .free()
//! hpkeSetupReceiver(mode?, aead?, recipientSecretKey, enc, info, psk, pskId,
//!                   senderPublicKey?): HpkeReceiverContext
//!     .open(ciphertext, aad): Uint8Array,
//!     .exportSecret(exporterContext, length: number): Uint8Array, .free()
//! hpkeExportSecret(mode?, aead?, recipientSecretKey, enc, info, psk, pskId,
//!                  senderPublicKey?, exporterContext, length: number): Uint8Array
//! sealEnvelope(recipientPublicKey, plaintext, info, aad, aead?: number): Uint8Array
//! openEnvelope(recipientSecretKey, envelope, info, aad): Uint8Array
//! envelopeInspect(envelope): { version, mode, kem, kdf, aead, keyId: Uint8Array }
//! envelopeToText(envelope): string
//! envelopeFromText(text: string): Uint8Array
//! createSealStream(recipientPublicKey, info, aad, aead?: number,
//!                  chunkSize?: number): SealStream
//!     .header: Uint8Array (getter), .push(chunk): Uint8Array,
//!     .finish(lastChunk?: Uint8Array): Uint8Array, .free()
//! createOpenStream(recipientSecretKey, header, info, aad): OpenStream
//!     .push(sealedChunk): Uint8Array, .finish(): void, .free()
//! ```
//!
//! Unnamed arguments are `Uint8Array`s (empty for "not given": `psk`,
//! `pskId`, `info`, `aad`). `mode` defaults to `"base"`, `aead` to `3`
//! (ChaCha20-Poly1305), `chunkSize` to 65536. Plaintexts and secrets are
//! copied into fresh `Uint8Array`s and the module's copies are zeroized.
//! Calling a stream after `finish` throws `INVALID_INPUT`.

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::js_err;
use crate::error::Error;
use crate::seal::envelope::{self, OpenOptions, SealOptions};
use crate::seal::hpke::{
    self, Aead, Mode, PublicKey, ReceiverContext, ReceiverParams, SecretKey, SenderContext,
    SenderParams,
};
use crate::seal::stream::{self, OpenStream, SealStream, StreamOptions};

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

fn aead(id: Option<u32>) -> JsResult<Aead> {
    match id {
        None => Ok(Aead::default()),
        Some(id) => u16::try_from(id)
            .map_err(|_| Error::UnsupportedAlgorithm {
                name: format!("HPKE AEAD id {id}"),
            })
            .and_then(Aead::from_id)
            .map_err(js_err),
    }
}

fn mode(name: Option<String>) -> JsResult<Mode> {
    name.map_or(Ok(Mode::Base), |n| Mode::from_name(&n).map_err(js_err))
}

fn public_key(b: &[u8]) -> JsResult<PublicKey> {
    PublicKey::from_bytes(b).map_err(js_err)
}

fn secret_key(b: &[u8]) -> JsResult<SecretKey> {
    SecretKey::from_bytes(b).map_err(js_err)
}

fn opt_public_key(b: Option<Vec<u8>>) -> JsResult<Option<PublicKey>> {
    b.map(|b| public_key(&b)).transpose()
}

fn opt_secret_key(b: Option<Vec<u8>>) -> JsResult<Option<SecretKey>> {
    b.map(|b| secret_key(&Zeroizing::new(b))).transpose()
}

fn export_len(length: u32) -> JsResult<usize> {
    usize::try_from(length).map_err(|_| js_err(Error::input("length is too large")))
}

/// The RFC 9180 id of an AEAD name (`"AES-128-GCM"`, `"AES-256-GCM"`,
/// `"ChaCha20-Poly1305"`, `"export-only"`).
///
/// # Errors
/// `UNSUPPORTED_ALGORITHM` for any other name.
#[wasm_bindgen(js_name = hpkeAeadId)]
pub fn hpke_aead_id(name: &str) -> JsResult<u32> {
    Aead::from_name(name)
        .map(|a| u32::from(a.id()))
        .map_err(js_err)
}

/// A fresh X25519 key pair: `{ publicKey, secretKey }`, 32 bytes each.
///
/// # Errors
/// `NOT_INITIALIZED` before `init()`.
#[wasm_bindgen(js_name = hpkeGenerateKeyPair)]
pub fn hpke_generate_key_pair() -> JsResult<JsValue> {
    let kp = hpke::generate_key_pair().map_err(js_err)?;
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
    aead_id: Option<u32>,
    recipient_public_key: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_secret_key: Option<Vec<u8>>,
) -> JsResult<JsValue> {
    let recipient = public_key(recipient_public_key)?;
    let sender = opt_secret_key(sender_secret_key)?;
    let params = SenderParams {
        mode: mode(mode_name)?,
        aead: aead(aead_id)?,
        info,
        psk,
        psk_id,
        sender_secret_key: sender.as_ref(),
    };
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
    aead_id: Option<u32>,
    recipient_secret_key: &[u8],
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_public_key: Option<Vec<u8>>,
) -> JsResult<Uint8Array> {
    let recipient = secret_key(recipient_secret_key)?;
    let sender = opt_public_key(sender_public_key)?;
    let params = ReceiverParams {
        mode: mode(mode_name)?,
        aead: aead(aead_id)?,
        info,
        psk,
        psk_id,
        sender_public_key: sender.as_ref(),
    };
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
    aead_id: Option<u32>,
    recipient_public_key: &[u8],
    info: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_secret_key: Option<Vec<u8>>,
) -> JsResult<HpkeSenderContext> {
    let recipient = public_key(recipient_public_key)?;
    let sender = opt_secret_key(sender_secret_key)?;
    let params = SenderParams {
        mode: mode(mode_name)?,
        aead: aead(aead_id)?,
        info,
        psk,
        psk_id,
        sender_secret_key: sender.as_ref(),
    };
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
    aead_id: Option<u32>,
    recipient_secret_key: &[u8],
    enc: &[u8],
    info: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_public_key: Option<Vec<u8>>,
) -> JsResult<ReceiverContext> {
    let recipient = secret_key(recipient_secret_key)?;
    let sender = opt_public_key(sender_public_key)?;
    let params = ReceiverParams {
        mode: mode(mode_name)?,
        aead: aead(aead_id)?,
        info,
        psk,
        psk_id,
        sender_public_key: sender.as_ref(),
    };
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
    aead_id: Option<u32>,
    recipient_secret_key: &[u8],
    enc: &[u8],
    info: &[u8],
    psk: &[u8],
    psk_id: &[u8],
    sender_public_key: Option<Vec<u8>>,
) -> JsResult<HpkeReceiverContext> {
    receiver_context(
        mode_name,
        aead_id,
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
    aead_id: Option<u32>,
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
        aead_id,
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
) -> JsResult<Vec<u8>> {
    let recipient = public_key(recipient_public_key)?;
    let options = SealOptions {
        info,
        aad,
        aead: aead(aead_id)?,
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
    let recipient = secret_key(recipient_secret_key)?;
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
    /// The 64-byte stream header; send it first.
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

/// Starts opening the stream whose 64-byte header is `header`.
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
    let recipient = secret_key(recipient_secret_key)?;
    OpenStream::new(&recipient, header, &OpenOptions { info, aad })
        .map(|s| JsOpenStream { inner: Some(s) })
        .map_err(js_err)
}
