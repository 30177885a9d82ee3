//! Seal: end-to-end encryption to the intended recipient with HPKE
//! (RFC 9180), a documented envelope, and streaming for large payloads.
//!
//! Everything here runs one RFC 9180 implementation ([`hpke`]) in two
//! suites, chosen by the recipient's key and written into every envelope
//! and stream header:
//! - **intl** (format version 1): KEM DHKEM(X25519, HKDF-SHA256) `0x0020`,
//!   KDF HKDF-SHA256 `0x0001`, and the AEADs AES-128-GCM `0x0001`,
//!   AES-256-GCM `0x0002`, ChaCha20-Poly1305 `0x0003` (the default: about
//!   four times faster than software AES-GCM in WebAssembly);
//! - **gm** (format version 2): KEM DHKEM(curveSM2, HKDF-SM3) `0xFE10`, KDF
//!   HKDF-SM3 `0xFE01`, AEAD SM4-GCM `0xFE01` — mpshield's own ids, as
//!   RFC 9180's registries have none for SM algorithms (docs/FORMAT.md);
//! - and export-only `0xFFFF` with either, for the raw API.
//!
//! - [`hpke`]: the raw RFC 9180 API — key pairs, single-shot
//!   [`seal`](hpke::seal)/[`open`](hpke::open), sender and receiver contexts
//!   for many messages, and the secret exporter — in all four modes
//!   (`base`, `psk`, `auth`, `auth_psk`).
//! - [`envelope`]: one message in a versioned, self-describing byte format
//!   (suite ids, mode, recipient key id, `enc`, ciphertext) whose header is
//!   bound into the AEAD; base64url text form; inspection without the key.
//! - [`stream`]: a STREAM-style chunked construction (as in age) for large
//!   payloads with constant memory, which detects truncation, reordering,
//!   duplication and extension of chunks.
//!
//! The byte formats are specified in `docs/FORMAT.md`.
//!
//! # Keys and secrets
//! - [`hpke::SecretKey`] has no `Debug`, is zeroized on drop and is stored
//!   clamped (RFC 7748), so `to_bytes(from_bytes(sk))` is the clamped form.
//! - Ephemeral keys never leave [`hpke`]: each `seal` or `setup_sender`
//!   derives a fresh one from [`crate::rng`] and drops (zeroizes) it after
//!   the Diffie–Hellman it is used for.
//! - SM2 secret keys are scalars in `[1, n)`; SM2 public keys and `enc` are
//!   uncompressed points (`04 ‖ x ‖ y`) checked to be on curveSM2 with
//!   coordinates below p (curveSM2 has cofactor 1: no low-order points).
//! - Exported secrets come back in [`zeroize::Zeroizing`] buffers.
//!
//! # Low-order points and non-contributory results
//! X25519 has seven public values (and their variants with the ignored top
//! bit set) whose shared secret with any key is all zeros. mpshield decides:
//! - a **key** the caller hands in ([`hpke::PublicKey::from_bytes`]: the
//!   recipient's key to seal to, the sender's key in the `auth` modes) that
//!   is one of them is refused with [`Error::InvalidKey`](crate::Error)
//!   before any computation;
//! - an **`enc`** read from a ciphertext, envelope or stream header that is
//!   one of them is [`Error::DecryptFailed`](crate::Error), like any other
//!   tampering: it is attacker-controlled ciphertext, not a key;
//! - any Diffie–Hellman result that is all zeros (checked for every one, in
//!   constant time) is [`Error::InvalidKey`](crate::Error) when sealing and
//!   [`Error::DecryptFailed`](crate::Error) when opening.
//!
//! # Errors
//! Failures are typed: malformed arguments are `INVALID_INPUT`, bad keys
//! `INVALID_KEY`, unknown suites or modes `UNSUPPORTED_ALGORITHM`, malformed
//! envelopes and stream headers `INVALID_ENVELOPE`, inputs that end early
//! `TRUNCATED`, and every authentication failure the one opaque
//! `DECRYPT_FAILED`.
//!
//! ```
//! # fn main() -> Result<(), mpshield::Error> {
//! use mpshield::seal::{envelope, hpke};
//! mpshield::rng::add_entropy(&[0x5a, 0xa5].repeat(16))?;
//! for (kem, aead) in [
//!     (hpke::Kem::X25519, hpke::Aead::ChaCha20Poly1305),
//!     (hpke::Kem::Sm2, hpke::Aead::Sm4Gcm),
//! ] {
//!     let recipient = hpke::generate_key_pair(kem)?;
//!     let sealed = envelope::seal(&recipient.public_key, b"licence photo", &Default::default())?;
//!     assert_eq!(envelope::inspect(&sealed)?.aead, aead);
//!     let opened = envelope::open(&recipient.secret_key, &sealed, &Default::default())?;
//!     assert_eq!(opened, b"licence photo");
//! }
//! # Ok(())
//! # }
//! ```

pub mod envelope;
pub mod hpke;
pub mod stream;

mod header;
