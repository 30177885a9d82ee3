//! Raw HPKE (RFC 9180), written once over its three dimensions and
//! instantiated for the two suites:
//!
//! | suite | KEM | KDF | AEADs |
//! |---|---|---|---|
//! | `intl` | `0x0020` DHKEM(X25519, HKDF-SHA256) | `0x0001` HKDF-SHA256 | `0x0001` AES-128-GCM, `0x0002` AES-256-GCM, `0x0003` ChaCha20-Poly1305, `0xFFFF` export-only |
//! | `gm` | `0xFE10` DHKEM(curveSM2, HKDF-SM3) | `0xFE01` HKDF-SM3 | `0xFE01` SM4-GCM, `0xFFFF` export-only |
//!
//! The gm ids are mpshield's own: RFC 9180's registries have no SM entries
//! and no private-use range (docs/FORMAT.md). DHKEM(curveSM2, HKDF-SM3) is
//! RFC 9180 §4.1's DHKEM with `Nsecret = 32`, `Nenc = Npk = 65`
//! (uncompressed SEC1), `Nsk = 32`, the DH result the x-coordinate (as
//! RFC 8998 does for ECDHE) and `DeriveKeyPair` as §7.1.3 does for P-256
//! (SM2's order, bitmask `0xFF`). SM4-GCM has `Nk = 16`, `Nn = 12`,
//! `Nt = 16` (RFC 8998 §3.1). The KEM of a key fixes its KDF; an AEAD of the
//! other suite is refused ([`Error::UnsupportedAlgorithm`]).
//!
//! The key schedule below follows RFC 9180 §4 and §5 line by line
//! (`LabeledExtract`, `LabeledExpand`, `ExtractAndExpand`, `Encap`,
//! `AuthEncap`, `KeySchedule`, `ComputeNonce`, `Context.Export`) over the
//! `hkdf` crate; the Diffie–Hellman functions are `x25519-dalek` and `sm2`
//! (through `elliptic-curve`'s ECDH), the AEADs `aes-gcm`,
//! `chacha20poly1305` and `sm4` (in `crates/mpshield-aead`). Tests check it
//! against the RFC's vectors, the `hpke` crate and an independent
//! implementation.
//!
//! The calls mirror the JavaScript `hpke` namespace of the contract:
//! [`generate_key_pair`], [`seal`], [`open`], [`setup_sender`],
//! [`setup_receiver`] and [`export_secret`]. Parameters that JavaScript
//! passes as object fields are the fields of [`SenderParams`] and
//! [`ReceiverParams`]; empty `psk`/`psk_id` mean "not given"; a `kdf` or
//! `aead` of `None` is the KEM's default (HKDF-SHA256 and
//! ChaCha20-Poly1305 with X25519; HKDF-SM3 and SM4-GCM with SM2).
//!
//! Mode rules (RFC 9180 §5.1, checked before any computation, all
//! [`Error::InvalidInput`]):
//! - `psk` and `auth_psk` need a `psk` of at least [`MIN_PSK_LEN`] bytes and
//!   a non-empty `psk_id`; `base` and `auth` refuse them;
//! - `auth` and `auth_psk` need the sender's key (its secret key to seal,
//!   its public key to open) of the recipient's KEM; `base` and `psk`
//!   refuse it.
//!
//! Every function that draws randomness has a `_with_rng` twin for
//! deterministic tests; the plain one draws from [`crate::rng`].

use core::fmt;

use hkdf::{GenericHkdf, GenericHkdfExtract, HmacImpl};
use mpshield_aead::Cipher;
use sha2::Sha256;
use sm3::Sm3;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};
use crate::rng::CryptoRng;
use crate::suite::{not_compiled_in, Suite};

/// Length of an X25519 public key or `enc`.
pub const X25519_PUBLIC_KEY_LEN: usize = 32;
/// Length of an SM2 public key or `enc`: `04 ‖ x ‖ y`.
pub const SM2_PUBLIC_KEY_LEN: usize = 65;
/// The longest public key or `enc` of any KEM here.
pub const MAX_PUBLIC_KEY_LEN: usize = SM2_PUBLIC_KEY_LEN;
/// Length of a secret key of either KEM (`Nsk`).
pub const SECRET_KEY_LEN: usize = 32;
/// Length of the authentication tag of every AEAD here (export-only has no
/// ciphertexts).
pub const TAG_LEN: usize = mpshield_aead::TAG_LEN;
/// Length of every AEAD nonce here (`Nn`).
const NONCE_LEN: usize = mpshield_aead::NONCE_LEN;
/// Output length of both KDFs' hashes (`Nh`), and `Nsecret` of both KEMs.
const NH: usize = 32;
/// Shortest pre-shared key accepted (RFC 9180 §5.1.2: a PSK MUST have at
/// least 32 bytes of entropy).
pub const MIN_PSK_LEN: usize = 32;
/// Longest secret the exporter gives: 255 × `Nh`.
pub const MAX_EXPORT_LEN: usize = 255 * NH;
/// Length of a recipient key id ([`PublicKey::key_id`]).
pub const KEY_ID_LEN: usize = 16;

// ---------------------------------------------------------------------------
// Suites and modes
// ---------------------------------------------------------------------------

/// The KEM of an HPKE suite; a key's type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kem {
    /// DHKEM(X25519, HKDF-SHA256), id `0x0020`.
    #[default]
    X25519,
    /// DHKEM(curveSM2, HKDF-SM3), id `0xFE10` (mpshield's own).
    Sm2,
}

impl Kem {
    /// Both KEMs.
    pub const ALL: [Kem; 2] = [Kem::X25519, Kem::Sm2];

    /// The KEM id.
    #[must_use]
    pub fn id(self) -> u16 {
        match self {
            Self::X25519 => 0x0020,
            Self::Sm2 => 0xFE10,
        }
    }

    /// Parses a KEM id.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for any other id.
    pub fn from_id(id: u16) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.id() == id)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                name: "an HPKE KEM id other than 0x0020 (X25519) and 0xFE10 (SM2)".into(),
            })
    }

    /// The name the JavaScript API uses: `"X25519"` or `"SM2"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::X25519 => "X25519",
            Self::Sm2 => "SM2",
        }
    }

    /// Parses [`name`](Self::name).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for any other name.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                name: "an HPKE KEM other than \"X25519\" and \"SM2\"".into(),
            })
    }

    /// The suite the KEM belongs to.
    #[must_use]
    pub fn suite(self) -> Suite {
        match self {
            Self::X25519 => Suite::Intl,
            Self::Sm2 => Suite::Gm,
        }
    }

    /// The suite's KEM.
    #[must_use]
    pub fn of(suite: Suite) -> Self {
        match suite {
            Suite::Intl => Self::X25519,
            Suite::Gm => Self::Sm2,
        }
    }

    /// `Npk` = `Nenc`.
    #[must_use]
    pub fn public_key_len(self) -> usize {
        match self {
            Self::X25519 => X25519_PUBLIC_KEY_LEN,
            Self::Sm2 => SM2_PUBLIC_KEY_LEN,
        }
    }

    /// The KDF inside the KEM, and the only KDF of its suite.
    #[must_use]
    pub fn kdf(self) -> Kdf {
        match self {
            Self::X25519 => Kdf::HkdfSha256,
            Self::Sm2 => Kdf::HkdfSm3,
        }
    }

    /// The AEAD used when none is named.
    #[must_use]
    pub fn default_aead(self) -> Aead {
        match self {
            Self::X25519 => Aead::ChaCha20Poly1305,
            Self::Sm2 => Aead::Sm4Gcm,
        }
    }

    /// `suite_id` of the KEM: `"KEM" ‖ I2OSP(kem_id, 2)`.
    fn suite_id(self) -> [u8; 5] {
        let [a, b] = self.id().to_be_bytes();
        [b'K', b'E', b'M', a, b]
    }
}

/// The KDF of an HPKE suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kdf {
    /// HKDF-SHA256, id `0x0001`.
    HkdfSha256,
    /// HKDF-SM3, id `0xFE01` (mpshield's own).
    HkdfSm3,
}

impl Kdf {
    /// Both KDFs.
    pub const ALL: [Kdf; 2] = [Kdf::HkdfSha256, Kdf::HkdfSm3];

    /// The KDF id.
    #[must_use]
    pub fn id(self) -> u16 {
        match self {
            Self::HkdfSha256 => 0x0001,
            Self::HkdfSm3 => 0xFE01,
        }
    }

    /// Parses a KDF id.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for any other id.
    pub fn from_id(id: u16) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.id() == id)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                name: "an HPKE KDF id other than 0x0001 (HKDF-SHA256) and 0xFE01 (HKDF-SM3)".into(),
            })
    }

    /// The name the JavaScript API uses: `"HKDF-SHA256"` or `"HKDF-SM3"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::HkdfSha256 => "HKDF-SHA256",
            Self::HkdfSm3 => "HKDF-SM3",
        }
    }

    /// Parses [`name`](Self::name).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for any other name.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                name: "an HPKE KDF other than \"HKDF-SHA256\" and \"HKDF-SM3\"".into(),
            })
    }

    /// RFC 5869 `Extract(salt, ikm)` over the concatenation of `ikm`
    /// (an empty salt is `Nh` zero bytes, as the RFC says).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] if the KDF's suite is not in this
    /// module.
    pub fn extract(self, salt: &[u8], ikm: &[&[u8]]) -> Result<Zeroizing<[u8; NH]>> {
        let _ = (salt, ikm);
        match self {
            #[cfg(feature = "intl")]
            Self::HkdfSha256 => Ok(extract::<hkdf::hmac::Hmac<Sha256>>(salt, ikm)),
            #[cfg(feature = "gm")]
            Self::HkdfSm3 => Ok(extract::<hkdf::hmac::Hmac<Sm3>>(salt, ikm)),
            #[allow(unreachable_patterns)]
            other => Err(not_compiled_in(other.suite(), other.name())),
        }
    }

    /// RFC 5869 `Expand(prk, info, L)` over the concatenation of `info`,
    /// with `L = out.len()`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `L > 255 · Nh`;
    /// [`Error::UnsupportedAlgorithm`] if the KDF's suite is not in this
    /// module.
    pub fn expand(self, prk: &[u8; NH], info: &[&[u8]], out: &mut [u8]) -> Result<()> {
        let _ = (prk, info, &out);
        match self {
            #[cfg(feature = "intl")]
            Self::HkdfSha256 => expand::<hkdf::hmac::Hmac<Sha256>>(prk, info, out),
            #[cfg(feature = "gm")]
            Self::HkdfSm3 => expand::<hkdf::hmac::Hmac<Sm3>>(prk, info, out),
            #[allow(unreachable_patterns)]
            other => Err(not_compiled_in(other.suite(), other.name())),
        }
    }

    /// The suite the KDF belongs to.
    #[must_use]
    pub fn suite(self) -> Suite {
        match self {
            Self::HkdfSha256 => Suite::Intl,
            Self::HkdfSm3 => Suite::Gm,
        }
    }
}

fn extract<H: HmacImpl>(salt: &[u8], ikm: &[&[u8]]) -> Zeroizing<[u8; NH]> {
    let mut ctx = GenericHkdfExtract::<H>::new(Some(salt));
    for part in ikm {
        ctx.input_ikm(part);
    }
    let (mut prk, _) = ctx.finalize();
    let mut out = Zeroizing::new([0u8; NH]);
    for (o, b) in out.iter_mut().zip(prk.iter()) {
        *o = *b;
    }
    prk.as_mut_slice().zeroize();
    out
}

fn expand<H: HmacImpl>(prk: &[u8; NH], info: &[&[u8]], out: &mut [u8]) -> Result<()> {
    GenericHkdf::<H>::from_prk(prk)
        .and_then(|h| {
            h.expand_multi_info(info, out)
                .map_err(|_| hkdf::InvalidPrkLength)
        })
        .map_err(|_| Error::input("the requested HKDF output is too long"))
}

/// The AEAD of an HPKE suite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Aead {
    /// AES-128-GCM, id `0x0001`.
    Aes128Gcm,
    /// AES-256-GCM, id `0x0002`.
    Aes256Gcm,
    /// ChaCha20-Poly1305, id `0x0003` (the default with X25519).
    #[default]
    ChaCha20Poly1305,
    /// SM4-GCM, id `0xFE01` (mpshield's own; the default with SM2).
    Sm4Gcm,
    /// Export-only, id `0xFFFF`: no sealing, only
    /// [`export_secret`](SenderContext::export_secret).
    ExportOnly,
}

impl Aead {
    /// Every AEAD, in id order (export-only last).
    pub const ALL: [Aead; 5] = [
        Aead::Aes128Gcm,
        Aead::Aes256Gcm,
        Aead::ChaCha20Poly1305,
        Aead::Sm4Gcm,
        Aead::ExportOnly,
    ];

    /// The AEAD id.
    #[must_use]
    pub fn id(self) -> u16 {
        match self {
            Self::Aes128Gcm => 0x0001,
            Self::Aes256Gcm => 0x0002,
            Self::ChaCha20Poly1305 => 0x0003,
            Self::Sm4Gcm => 0xFE01,
            Self::ExportOnly => 0xFFFF,
        }
    }

    /// Parses an AEAD id.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for any other id.
    pub fn from_id(id: u16) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.id() == id)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                name: format!("HPKE AEAD id 0x{id:04x}"),
            })
    }

    /// The name the JavaScript API uses.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes128Gcm => "AES-128-GCM",
            Self::Aes256Gcm => "AES-256-GCM",
            Self::ChaCha20Poly1305 => "ChaCha20-Poly1305",
            Self::Sm4Gcm => "SM4-GCM",
            Self::ExportOnly => "export-only",
        }
    }

    /// Parses [`name`](Self::name).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for any other name.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                name: format!("HPKE AEAD {name:?}"),
            })
    }

    /// Whether the AEAD seals (everything but export-only).
    #[must_use]
    pub fn can_seal(self) -> bool {
        self != Self::ExportOnly
    }

    /// Whether the AEAD may be used with `kem` (its own suite's AEADs, and
    /// export-only).
    #[must_use]
    pub fn belongs_with(self, kem: Kem) -> bool {
        match self {
            Self::ExportOnly => true,
            Self::Sm4Gcm => kem == Kem::Sm2,
            Self::Aes128Gcm | Self::Aes256Gcm | Self::ChaCha20Poly1305 => kem == Kem::X25519,
        }
    }

    /// The cipher under `mpshield-aead`, none for export-only.
    fn cipher(self) -> Option<mpshield_aead::Alg> {
        match self {
            Self::Aes128Gcm => Some(mpshield_aead::Alg::Aes128Gcm),
            Self::Aes256Gcm => Some(mpshield_aead::Alg::Aes256Gcm),
            Self::ChaCha20Poly1305 => Some(mpshield_aead::Alg::ChaCha20Poly1305),
            Self::Sm4Gcm => Some(mpshield_aead::Alg::Sm4Gcm),
            Self::ExportOnly => None,
        }
    }
}

/// A whole HPKE ciphersuite: KEM, KDF and AEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ciphersuite {
    /// The KEM.
    pub kem: Kem,
    /// The KDF.
    pub kdf: Kdf,
    /// The AEAD.
    pub aead: Aead,
}

impl Ciphersuite {
    /// The ciphersuite for keys of `kem` with the given (or default) KDF
    /// and AEAD.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] if the KDF or AEAD does not belong
    /// with the KEM, or the suite is not in this module.
    pub fn resolve(kem: Kem, kdf: Option<Kdf>, aead: Option<Aead>) -> Result<Self> {
        let kdf = kdf.unwrap_or(kem.kdf());
        if kdf != kem.kdf() {
            return Err(Error::UnsupportedAlgorithm {
                name: "a KDF of the other suite than the key's KEM (X25519: HKDF-SHA256, SM2: HKDF-SM3)".into(),
            });
        }
        let aead = aead.unwrap_or(kem.default_aead());
        if !aead.belongs_with(kem) {
            return Err(Error::UnsupportedAlgorithm {
                name: "an AEAD of the other suite than the key's KEM (SM4-GCM is SM2's only one)"
                    .into(),
            });
        }
        kem.suite().require()?;
        Ok(Self { kem, kdf, aead })
    }

    /// The suite (`intl` or `gm`) this ciphersuite belongs to.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.kem.suite()
    }

    /// `suite_id` of HPKE: `"HPKE" ‖ I2OSP(kem_id, 2) ‖ I2OSP(kdf_id, 2) ‖
    /// I2OSP(aead_id, 2)`.
    fn suite_id(&self) -> [u8; 10] {
        let [k0, k1] = self.kem.id().to_be_bytes();
        let [d0, d1] = self.kdf.id().to_be_bytes();
        let [a0, a1] = self.aead.id().to_be_bytes();
        [b'H', b'P', b'K', b'E', k0, k1, d0, d1, a0, a1]
    }
}

/// An HPKE mode (RFC 9180 §5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `mode_base` (0).
    #[default]
    Base,
    /// `mode_psk` (1).
    Psk,
    /// `mode_auth` (2).
    Auth,
    /// `mode_auth_psk` (3).
    AuthPsk,
}

impl Mode {
    /// The four modes.
    pub const ALL: [Mode; 4] = [Mode::Base, Mode::Psk, Mode::Auth, Mode::AuthPsk];

    /// The mode id.
    #[must_use]
    pub fn id(self) -> u8 {
        match self {
            Self::Base => 0,
            Self::Psk => 1,
            Self::Auth => 2,
            Self::AuthPsk => 3,
        }
    }

    /// Parses a mode id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] beyond 3.
    pub fn from_id(id: u8) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.id() == id)
            .ok_or_else(|| Error::input(format!("unknown HPKE mode id {id}")))
    }

    /// The name the JavaScript API uses.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Psk => "psk",
            Self::Auth => "auth",
            Self::AuthPsk => "auth_psk",
        }
    }

    /// Parses [`name`](Self::name).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for any other name.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                Error::input(format!(
                    "mode must be \"base\", \"psk\", \"auth\" or \"auth_psk\", got {name:?}"
                ))
            })
    }

    fn uses_psk(self) -> bool {
        matches!(self, Self::Psk | Self::AuthPsk)
    }

    fn uses_auth(self) -> bool {
        matches!(self, Self::Auth | Self::AuthPsk)
    }
}

// ---------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------

/// The X25519 public values whose shared secret with every key is zero: the
/// points of order 1, 2, 4 and 8 and the non-canonical encodings of 0 and 1
/// (`p` and `p + 1`), top bit clear. X25519 ignores the top bit, so a value
/// is low-order if it matches one of these once that bit is cleared.
pub const LOW_ORDER_POINTS: [[u8; 32]; 7] = [
    // 0 (order 4)
    [0; 32],
    // 1 (order 1)
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    // order 8
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    // order 8
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    // p - 1 (order 2)
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p (= 0)
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p + 1 (= 1)
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// Whether `point` is a low-order X25519 public value (see
/// [`LOW_ORDER_POINTS`]).
#[must_use]
pub fn is_low_order(point: &[u8; 32]) -> bool {
    let mut masked = *point;
    if let Some(top) = masked.last_mut() {
        *top &= 0x7f;
    }
    LOW_ORDER_POINTS
        .iter()
        .fold(subtle::Choice::from(0), |acc, p| acc | p.ct_eq(&masked))
        .into()
}

/// The X25519 functions (RFC 7748), from `x25519-dalek`.
#[cfg(feature = "intl")]
mod x25519 {
    use zeroize::Zeroizing;

    /// The public key of a (clamped) secret key.
    pub(super) fn public(secret: &[u8; 32]) -> [u8; 32] {
        let sk = x25519_dalek::StaticSecret::from(*secret);
        x25519_dalek::PublicKey::from(&sk).to_bytes()
    }

    /// `DH(sk, pk)`; `None` if the result is all zeros (a low-order point).
    pub(super) fn dh(secret: &[u8; 32], public: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
        let pk: [u8; 32] = public.try_into().ok()?;
        let sk = x25519_dalek::StaticSecret::from(*secret);
        let shared = sk.diffie_hellman(&x25519_dalek::PublicKey::from(pk));
        shared
            .was_contributory()
            .then(|| Zeroizing::new(shared.to_bytes()))
    }
}

/// curveSM2 scalar and point functions, from `sm2` (`elliptic-curve`'s ECDH
/// gives the x-coordinate, RFC 8998 §3.2.1's shared secret).
#[cfg(feature = "gm")]
mod sm2dh {
    use elliptic_curve::sec1::ToSec1Point as _;
    use zeroize::{Zeroize as _, Zeroizing};

    /// Whether `secret` is a scalar in `[1, n)`.
    pub(super) fn is_scalar(secret: &[u8; 32]) -> bool {
        sm2::SecretKey::from_slice(secret).is_ok()
    }

    /// The uncompressed public key `04 ‖ x ‖ y` of `secret`.
    pub(super) fn public(secret: &[u8; 32]) -> Option<[u8; 65]> {
        let sk = sm2::SecretKey::from_slice(secret).ok()?;
        let point = sk.public_key().to_sec1_point(false);
        point.as_bytes().try_into().ok()
    }

    /// Whether `bytes` is an uncompressed point on curveSM2: `04`,
    /// coordinates below p, on the curve (the identity has no such
    /// encoding).
    pub(super) fn is_point(bytes: &[u8]) -> bool {
        bytes.len() == 65
            && bytes.first() == Some(&4)
            && sm2::PublicKey::from_sec1_bytes(bytes).is_ok()
    }

    /// `DH(sk, pk)`: the x-coordinate of `sk · pk`.
    pub(super) fn dh(secret: &[u8; 32], public: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
        if !is_point(public) {
            return None;
        }
        let pk = sm2::PublicKey::from_sec1_bytes(public).ok()?;
        let sk = sm2::SecretKey::from_slice(secret).ok()?;
        let mut scalar = sk.to_nonzero_scalar();
        let shared = elliptic_curve::ecdh::diffie_hellman(scalar, pk.as_affine());
        scalar.zeroize();
        let mut out = Zeroizing::new([0u8; 32]);
        for (o, b) in out.iter_mut().zip(shared.raw_secret_bytes().iter()) {
            *o = *b;
        }
        Some(out)
    }
}

/// An HPKE public key (or `enc`) of either KEM, checked: an X25519 key is
/// never a low-order point, an SM2 key is an uncompressed point on
/// curveSM2.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey {
    kem: Kem,
    bytes: [u8; MAX_PUBLIC_KEY_LEN],
}

impl PublicKey {
    /// Parses a public key, its KEM told by its length: 32 bytes X25519,
    /// 65 bytes (`04 ‖ x ‖ y`) SM2.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for any other length or an invalid key (see
    /// [`from_bytes_for`](Self::from_bytes_for)).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let kem = match bytes.len() {
            X25519_PUBLIC_KEY_LEN => Kem::X25519,
            SM2_PUBLIC_KEY_LEN => Kem::Sm2,
            _ => {
                return Err(Error::InvalidKey {
                    reason: "an HPKE public key is 32 bytes (X25519) or 65 bytes (SM2, 04 ‖ x ‖ y)",
                })
            }
        };
        Self::from_bytes_for(kem, bytes)
    }

    /// Parses a public key of `kem`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if it has the wrong length, is a low-order
    /// X25519 point (its shared secret with every key would be zero), or is
    /// not an uncompressed SM2 point on the curve with coordinates below p
    /// (prefixes `02`, `03`, `06`, `07` are refused);
    /// [`Error::UnsupportedAlgorithm`] if the KEM's suite is not in this
    /// module.
    pub fn from_bytes_for(kem: Kem, bytes: &[u8]) -> Result<Self> {
        if bytes.len() != kem.public_key_len() {
            return Err(Error::InvalidKey {
                reason: match kem {
                    Kem::X25519 => "an X25519 public key is 32 bytes",
                    Kem::Sm2 => "an SM2 public key is 65 bytes: 04 ‖ x ‖ y",
                },
            });
        }
        kem.suite().require()?;
        let ok = match kem {
            Kem::X25519 => {
                let mut key = [0u8; X25519_PUBLIC_KEY_LEN];
                key.copy_from_slice(bytes);
                if is_low_order(&key) {
                    return Err(Error::InvalidKey {
                        reason: "the X25519 public key is a low-order point: every shared secret with it would be zero",
                    });
                }
                true
            }
            Kem::Sm2 => sm2_is_point(bytes),
        };
        if !ok {
            return Err(Error::InvalidKey {
                reason: "the SM2 public key is not an uncompressed point (04 ‖ x ‖ y) on curveSM2",
            });
        }
        let mut key = Self {
            kem,
            bytes: [0u8; MAX_PUBLIC_KEY_LEN],
        };
        for (o, b) in key.bytes.iter_mut().zip(bytes) {
            *o = *b;
        }
        Ok(key)
    }

    /// The KEM.
    #[must_use]
    pub fn kem(&self) -> Kem {
        self.kem
    }

    /// The encoded key: 32 bytes (X25519) or 65 (SM2).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes
            .get(..self.kem.public_key_len())
            .unwrap_or(&self.bytes)
    }

    /// The recipient key id that envelopes and stream headers carry: the
    /// first 16 bytes of the suite's hash (SHA-256 or SM3) of the encoded
    /// public key.
    #[must_use]
    pub fn key_id(&self) -> [u8; KEY_ID_LEN] {
        let digest = self.kem.suite().digest(self.as_bytes());
        let mut id = [0u8; KEY_ID_LEN];
        for (o, d) in id.iter_mut().zip(digest.iter()) {
            *o = *d;
        }
        id
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, ", self.kem.name())?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

#[cfg(feature = "gm")]
fn sm2_is_point(bytes: &[u8]) -> bool {
    sm2dh::is_point(bytes)
}

#[cfg(not(feature = "gm"))]
fn sm2_is_point(_: &[u8]) -> bool {
    false
}

/// An HPKE secret key of either KEM, with its public key. No `Debug`,
/// zeroized on drop. X25519 keys are stored clamped (RFC 7748 §5); SM2 keys
/// are scalars in `[1, n)`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SecretKey {
    secret: [u8; SECRET_KEY_LEN],
    #[zeroize(skip)]
    public: PublicKey,
}

impl SecretKey {
    /// Parses a 32-byte secret key of `kem`. An X25519 key is clamped, so
    /// [`to_bytes`](Self::to_bytes) may differ from the input in bits the
    /// scalar multiplication ignores anyway.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if it is not 32 bytes, is all zeros (an
    /// uninitialised buffer, not a key) or, for SM2, is not below the
    /// group order; [`Error::UnsupportedAlgorithm`] if the KEM's suite is
    /// not in this module.
    pub fn from_bytes(kem: Kem, bytes: &[u8]) -> Result<Self> {
        let mut secret: Zeroizing<[u8; SECRET_KEY_LEN]> =
            Zeroizing::new(bytes.try_into().map_err(|_| Error::InvalidKey {
                reason: "an HPKE secret key is 32 bytes",
            })?);
        if bool::from(secret.ct_eq(&[0u8; SECRET_KEY_LEN])) {
            return Err(Error::InvalidKey {
                reason: "the secret key is all zeros",
            });
        }
        kem.suite().require()?;
        let public = match kem {
            Kem::X25519 => {
                let [first, .., last] = &mut *secret;
                *first &= 248;
                *last &= 127;
                *last |= 64;
                x25519_public(&secret)?
            }
            Kem::Sm2 => sm2_public(&secret)?,
        };
        Ok(Self {
            secret: *secret,
            public: PublicKey::from_bytes_for(
                kem,
                public.get(..kem.public_key_len()).unwrap_or(&public),
            )?,
        })
    }

    /// The KEM.
    #[must_use]
    pub fn kem(&self) -> Kem {
        self.public.kem
    }

    /// The 32 bytes (clamped for X25519), in a buffer that is zeroized on
    /// drop.
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<[u8; SECRET_KEY_LEN]> {
        Zeroizing::new(self.secret)
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// `DH(self, pk)`; `None` if it is all zeros or `pk` is of another KEM.
    fn dh(&self, pk: &PublicKey) -> Option<Zeroizing<[u8; NH]>> {
        if pk.kem != self.kem() {
            return None;
        }
        let out = match self.kem() {
            #[cfg(feature = "intl")]
            Kem::X25519 => x25519::dh(&self.secret, pk.as_bytes()),
            #[cfg(feature = "gm")]
            Kem::Sm2 => sm2dh::dh(&self.secret, pk.as_bytes()),
            #[allow(unreachable_patterns)]
            _ => None,
        }?;
        (!bool::from(out.ct_eq(&[0u8; NH]))).then_some(out)
    }
}

fn x25519_public(secret: &[u8; SECRET_KEY_LEN]) -> Result<[u8; MAX_PUBLIC_KEY_LEN]> {
    #[cfg(feature = "intl")]
    {
        let mut out = [0u8; MAX_PUBLIC_KEY_LEN];
        for (o, b) in out.iter_mut().zip(x25519::public(secret)) {
            *o = b;
        }
        Ok(out)
    }
    #[cfg(not(feature = "intl"))]
    {
        let _ = secret;
        Err(not_compiled_in(Suite::Intl, "X25519"))
    }
}

fn sm2_public(secret: &[u8; SECRET_KEY_LEN]) -> Result<[u8; MAX_PUBLIC_KEY_LEN]> {
    #[cfg(feature = "gm")]
    if let Some(public) = sm2dh::public(secret) {
        return Ok(public);
    }
    #[cfg(not(feature = "gm"))]
    let _ = secret;
    Err(Error::InvalidKey {
        reason: "an SM2 secret key is a scalar below the group order",
    })
}

#[cfg(feature = "gm")]
fn sm2_is_scalar(secret: &[u8; SECRET_KEY_LEN]) -> bool {
    sm2dh::is_scalar(secret)
}

#[cfg(not(feature = "gm"))]
fn sm2_is_scalar(_: &[u8; SECRET_KEY_LEN]) -> bool {
    false
}

/// A recipient's (or an authenticating sender's) key pair.
pub struct KeyPair {
    /// The public key, for senders.
    pub public_key: PublicKey,
    /// The secret key, zeroized on drop.
    pub secret_key: SecretKey,
}

impl KeyPair {
    fn from_secret(secret_key: SecretKey) -> Self {
        Self {
            public_key: secret_key.public_key(),
            secret_key,
        }
    }
}

/// A fresh key pair of `kem` from [`crate::rng`].
///
/// # Errors
/// [`Error::NotInitialized`] before the generator is seeded;
/// [`Error::UnsupportedAlgorithm`] if the KEM's suite is not in this module.
pub fn generate_key_pair(kem: Kem) -> Result<KeyPair> {
    generate_key_pair_with_rng(kem, &mut crate::rng::rng()?)
}

/// A fresh key pair of `kem` from `rng`: RFC 9180 `DeriveKeyPair` of 32
/// bytes of it (so a generator that yields a test vector's `ikmE`
/// reproduces its key).
///
/// # Errors
/// [`Error::UnsupportedAlgorithm`] if the KEM's suite is not in this module.
pub fn generate_key_pair_with_rng(kem: Kem, rng: &mut impl CryptoRng) -> Result<KeyPair> {
    let mut ikm = Zeroizing::new([0u8; SECRET_KEY_LEN]);
    rng.fill_bytes(&mut *ikm);
    derive_key_pair(kem, &*ikm)
}

/// RFC 9180 `DeriveKeyPair(ikm)` of `kem` (§7.1.3: X25519's, and for SM2
/// P-256's with SM2's order and bitmask `0xFF`).
///
/// # Errors
/// [`Error::InvalidInput`] if `ikm` is shorter than 32 bytes;
/// [`Error::UnsupportedAlgorithm`] if the KEM's suite is not in this module.
pub fn derive_key_pair(kem: Kem, ikm: &[u8]) -> Result<KeyPair> {
    if ikm.len() < SECRET_KEY_LEN {
        return Err(Error::input(
            "the input keying material must be at least 32 bytes",
        ));
    }
    kem.suite().require()?;
    let suite_id = kem.suite_id();
    let kdf = kem.kdf();
    // dkp_prk = LabeledExtract("", "dkp_prk", ikm)
    let dkp_prk = labeled_extract(kdf, &suite_id, b"", b"dkp_prk", ikm)?;
    let mut sk = Zeroizing::new([0u8; SECRET_KEY_LEN]);
    match kem {
        Kem::X25519 => {
            // sk = LabeledExpand(dkp_prk, "sk", "", Nsk)
            labeled_expand(kdf, &suite_id, &dkp_prk, b"sk", b"", &mut *sk)?;
        }
        Kem::Sm2 => {
            // while sk == 0 or sk >= order: bytes = LabeledExpand(dkp_prk,
            // "candidate", I2OSP(counter, 1), Nsk); bytes[0] &= bitmask
            // (0xFF: nothing to mask)
            let mut found = false;
            for counter in 0u8..=255 {
                labeled_expand(kdf, &suite_id, &dkp_prk, b"candidate", &[counter], &mut *sk)?;
                if sm2_is_scalar(&sk) {
                    found = true;
                    break;
                }
            }
            if !found {
                // DeriveKeyPairError: 256 candidates out of range, which
                // happens with probability below 2^-8000.
                return Err(Error::Internal {
                    context: "hpke DeriveKeyPair found no scalar",
                });
            }
        }
    }
    SecretKey::from_bytes(kem, &*sk).map(KeyPair::from_secret)
}

// ---------------------------------------------------------------------------
// RFC 9180 §4: LabeledExtract, LabeledExpand, ExtractAndExpand
// ---------------------------------------------------------------------------

/// `LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" ‖ suite_id
/// ‖ label ‖ ikm)`.
fn labeled_extract(
    kdf: Kdf,
    suite_id: &[u8],
    salt: &[u8],
    label: &[u8],
    ikm: &[u8],
) -> Result<Zeroizing<[u8; NH]>> {
    kdf.extract(salt, &[b"HPKE-v1", suite_id, label, ikm])
}

/// `LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) ‖
/// "HPKE-v1" ‖ suite_id ‖ label ‖ info, L)`, with `L = out.len()`.
fn labeled_expand(
    kdf: Kdf,
    suite_id: &[u8],
    prk: &[u8; NH],
    label: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> Result<()> {
    let len = u16::try_from(out.len())
        .map_err(|_| Error::input("the requested HKDF output is too long"))?;
    kdf.expand(
        prk,
        &[&len.to_be_bytes(), b"HPKE-v1", suite_id, label, info],
        out,
    )
}

/// DHKEM's `ExtractAndExpand(dh, kem_context)`: `eae_prk =
/// LabeledExtract("", "eae_prk", dh)`, `shared_secret =
/// LabeledExpand(eae_prk, "shared_secret", kem_context, Nsecret)`.
fn extract_and_expand(kem: Kem, dh: &[u8], kem_context: &[u8]) -> Result<Zeroizing<[u8; NH]>> {
    let suite_id = kem.suite_id();
    let eae_prk = labeled_extract(kem.kdf(), &suite_id, b"", b"eae_prk", dh)?;
    let mut shared_secret = Zeroizing::new([0u8; NH]);
    labeled_expand(
        kem.kdf(),
        &suite_id,
        &eae_prk,
        b"shared_secret",
        kem_context,
        &mut *shared_secret,
    )?;
    Ok(shared_secret)
}

/// `dh ‖ dh2` and `enc ‖ pkRm ‖ pkSm`, the inputs of `ExtractAndExpand`.
struct KemInputs {
    dh: Zeroizing<Vec<u8>>,
    kem_context: Vec<u8>,
}

impl KemInputs {
    fn new(first_dh: &[u8], enc: &[u8], pk_r: &PublicKey) -> Self {
        let mut dh = Zeroizing::new(Vec::with_capacity(2 * NH));
        dh.extend_from_slice(first_dh);
        let mut kem_context = Vec::with_capacity(3 * MAX_PUBLIC_KEY_LEN);
        kem_context.extend_from_slice(enc);
        kem_context.extend_from_slice(pk_r.as_bytes());
        Self { dh, kem_context }
    }

    /// `AuthEncap`/`AuthDecap`: the second DH and `pkSm`.
    fn authenticate(&mut self, second_dh: &[u8], pk_s: &PublicKey) {
        self.dh.extend_from_slice(second_dh);
        self.kem_context.extend_from_slice(pk_s.as_bytes());
    }
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// What the sender needs besides the recipient's key.
#[derive(Clone, Copy, Default)]
pub struct SenderParams<'a> {
    /// The mode (default `base`).
    pub mode: Mode,
    /// The KDF (default: the recipient KEM's).
    pub kdf: Option<Kdf>,
    /// The AEAD (default: ChaCha20-Poly1305 with X25519, SM4-GCM with SM2).
    pub aead: Option<Aead>,
    /// The `info` bound into the key schedule (default empty).
    pub info: &'a [u8],
    /// The pre-shared key, for `psk` and `auth_psk` (empty otherwise).
    pub psk: &'a [u8],
    /// The pre-shared key's id, for `psk` and `auth_psk` (empty otherwise).
    pub psk_id: &'a [u8],
    /// The sender's own key, for `auth` and `auth_psk`.
    pub sender_secret_key: Option<&'a SecretKey>,
}

/// What the recipient needs besides its secret key and `enc`.
#[derive(Clone, Copy, Default)]
pub struct ReceiverParams<'a> {
    /// The mode (default `base`).
    pub mode: Mode,
    /// The KDF (default: the recipient KEM's).
    pub kdf: Option<Kdf>,
    /// The AEAD (default: ChaCha20-Poly1305 with X25519, SM4-GCM with SM2).
    pub aead: Option<Aead>,
    /// The `info` bound into the key schedule (default empty).
    pub info: &'a [u8],
    /// The pre-shared key, for `psk` and `auth_psk` (empty otherwise).
    pub psk: &'a [u8],
    /// The pre-shared key's id, for `psk` and `auth_psk` (empty otherwise).
    pub psk_id: &'a [u8],
    /// The sender's public key, for `auth` and `auth_psk`.
    pub sender_public_key: Option<&'a PublicKey>,
}

/// RFC 9180 `VerifyPSKInputs`, with the minimum PSK length of §5.1.2.
fn verify_psk_inputs(mode: Mode, psk: &[u8], psk_id: &[u8]) -> Result<()> {
    if !mode.uses_psk() {
        if !psk.is_empty() || !psk_id.is_empty() {
            return Err(Error::input(format!(
                "psk and pskId are only for modes \"psk\" and \"auth_psk\", not {:?}",
                mode.name()
            )));
        }
        return Ok(());
    }
    if psk.len() < MIN_PSK_LEN {
        return Err(Error::input(format!(
            "mode {:?} needs a psk of at least {MIN_PSK_LEN} bytes",
            mode.name()
        )));
    }
    if psk_id.is_empty() {
        return Err(Error::input(format!(
            "mode {:?} needs a non-empty pskId",
            mode.name()
        )));
    }
    Ok(())
}

/// The sender's key (auth modes), of the recipient's KEM.
fn check_auth<'k, K>(
    mode: Mode,
    key: Option<&'k K>,
    kem: Kem,
    key_kem: impl Fn(&K) -> Kem,
    what: &str,
) -> Result<Option<&'k K>> {
    match (mode.uses_auth(), key) {
        (true, Some(k)) if key_kem(k) == kem => Ok(Some(k)),
        (true, Some(_)) => Err(Error::InvalidKey {
            reason: "the sender's key and the recipient's key are of different KEMs",
        }),
        (true, None) => Err(Error::input(format!("mode {:?} needs {what}", mode.name()))),
        (false, Some(_)) => Err(Error::input(format!(
            "{what} is only for modes \"auth\" and \"auth_psk\", not {:?}",
            mode.name()
        ))),
        (false, None) => Ok(None),
    }
}

fn check_export_len(len: usize) -> Result<()> {
    if (1..=MAX_EXPORT_LEN).contains(&len) {
        Ok(())
    } else {
        Err(Error::input(format!(
            "the exported secret's length must be 1..={MAX_EXPORT_LEN}, got {len}"
        )))
    }
}

fn export_only_error() -> Error {
    Error::UnsupportedAlgorithm {
        name: "sealing or opening with the export-only AEAD (0xFFFF); use exportSecret".into(),
    }
}

// ---------------------------------------------------------------------------
// RFC 9180 §5: the key schedule and the encryption context
// ---------------------------------------------------------------------------

/// What `KeySchedule` yields: the AEAD keyed with `key`, `base_nonce`,
/// `exporter_secret` and the sequence number.
struct Context {
    suite: Ciphersuite,
    cipher: Option<Cipher>,
    base_nonce: Zeroizing<[u8; NONCE_LEN]>,
    exporter_secret: Zeroizing<[u8; NH]>,
    seq: u64,
}

impl Context {
    /// `KeySchedule<ROLE>(mode, shared_secret, info, psk, psk_id)`.
    fn key_schedule(
        suite: Ciphersuite,
        mode: Mode,
        shared_secret: &[u8; NH],
        info: &[u8],
        psk: &[u8],
        psk_id: &[u8],
    ) -> Result<Self> {
        verify_psk_inputs(mode, psk, psk_id)?;
        let suite_id = suite.suite_id();
        let kdf = suite.kdf;
        // psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id)
        let psk_id_hash = labeled_extract(kdf, &suite_id, b"", b"psk_id_hash", psk_id)?;
        // info_hash = LabeledExtract("", "info_hash", info)
        let info_hash = labeled_extract(kdf, &suite_id, b"", b"info_hash", info)?;
        // key_schedule_context = concat(mode, psk_id_hash, info_hash)
        let mut context = [0u8; 1 + 2 * NH];
        let parts = [&[mode.id()][..], &psk_id_hash[..], &info_hash[..]];
        for (o, b) in context.iter_mut().zip(parts.iter().flat_map(|p| p.iter())) {
            *o = *b;
        }
        // secret = LabeledExtract(shared_secret, "secret", psk)
        let secret = labeled_extract(kdf, &suite_id, shared_secret, b"secret", psk)?;
        let mut base_nonce = Zeroizing::new([0u8; NONCE_LEN]);
        let cipher = match suite.aead.cipher() {
            Some(alg) => {
                // key = LabeledExpand(secret, "key", key_schedule_context, Nk)
                let mut key = Zeroizing::new([0u8; 32]);
                let key = key.get_mut(..alg.key_len()).ok_or(Error::Internal {
                    context: "hpke key length",
                })?;
                labeled_expand(kdf, &suite_id, &secret, b"key", &context, key)?;
                // base_nonce = LabeledExpand(secret, "base_nonce",
                // key_schedule_context, Nn)
                labeled_expand(
                    kdf,
                    &suite_id,
                    &secret,
                    b"base_nonce",
                    &context,
                    &mut *base_nonce,
                )?;
                Some(
                    Cipher::new(alg, key)
                        .map_err(|_| not_compiled_in(suite.suite(), suite.aead.name()))?,
                )
            }
            // Export-only: Nk = Nn = 0, no key and no nonce.
            None => None,
        };
        // exporter_secret = LabeledExpand(secret, "exp", key_schedule_context, Nh)
        let mut exporter_secret = Zeroizing::new([0u8; NH]);
        labeled_expand(
            kdf,
            &suite_id,
            &secret,
            b"exp",
            &context,
            &mut *exporter_secret,
        )?;
        Ok(Self {
            suite,
            cipher,
            base_nonce,
            exporter_secret,
            seq: 0,
        })
    }

    /// `ComputeNonce(seq)`: `base_nonce XOR I2OSP(seq, Nn)`. The sequence
    /// number is a `u64` here, so a context ends at 2^64 − 1 messages
    /// (RFC 9180's limit is 2^96 − 1).
    fn nonce(&self) -> Option<[u8; NONCE_LEN]> {
        if self.seq == u64::MAX {
            return None;
        }
        let mut nonce = *self.base_nonce;
        let seq = self.seq.to_be_bytes();
        for (n, s) in nonce.iter_mut().skip(NONCE_LEN - seq.len()).zip(seq) {
            *n ^= s;
        }
        Some(nonce)
    }

    /// `ContextS.Seal(aad, pt)` in place; `IncrementSeq()` on success.
    fn seal_in_place(&mut self, buf: &mut [u8], aad: &[u8]) -> Result<[u8; TAG_LEN]> {
        let cipher = self.cipher.as_ref().ok_or_else(export_only_error)?;
        let nonce = self.nonce().ok_or_else(|| {
            Error::input("this context has sealed its maximum number of messages")
        })?;
        let tag = cipher
            .seal_in_place(&nonce, aad, buf)
            .map_err(|_| Error::input("the message is too long for the AEAD"))?;
        self.seq = self.seq.saturating_add(1);
        Ok(tag)
    }

    /// `ContextR.Open(aad, ct)` in place; `IncrementSeq()` on success only.
    fn open_in_place(&mut self, buf: &mut [u8], tag: &[u8; TAG_LEN], aad: &[u8]) -> Result<()> {
        let cipher = self.cipher.as_ref().ok_or_else(export_only_error)?;
        let nonce = self.nonce().ok_or(Error::DecryptFailed)?;
        cipher
            .open_in_place(&nonce, aad, buf, tag)
            .map_err(|_| Error::DecryptFailed)?;
        self.seq = self.seq.saturating_add(1);
        Ok(())
    }

    /// `Context.Export(exporter_context, L) = LabeledExpand(exporter_secret,
    /// "sec", exporter_context, L)`.
    fn export(&self, exporter_context: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
        check_export_len(len)?;
        let mut out = Zeroizing::new(vec![0u8; len]);
        labeled_expand(
            self.suite.kdf,
            &self.suite.suite_id(),
            &self.exporter_secret,
            b"sec",
            exporter_context,
            &mut out,
        )?;
        Ok(out)
    }
}

/// The sender's side of an HPKE context: seals any number of messages (each
/// with the next sequence number) and exports secrets. No `Debug`; its keys
/// are zeroized on drop.
pub struct SenderContext {
    ctx: Context,
    enc: PublicKey,
}

impl SenderContext {
    /// The encapsulated key `enc` the recipient needs (`Nenc` bytes).
    #[must_use]
    pub fn enc(&self) -> &[u8] {
        self.enc.as_bytes()
    }

    /// The ciphersuite of this context.
    #[must_use]
    pub fn ciphersuite(&self) -> Ciphersuite {
        self.ctx.suite
    }

    /// The AEAD of this context.
    #[must_use]
    pub fn aead(&self) -> Aead {
        self.ctx.suite.aead
    }

    /// Seals `plaintext` with `aad` as the next message: ciphertext ‖ tag.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for the export-only AEAD.
    pub fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        if !self.aead().can_seal() {
            return Err(export_only_error());
        }
        let mut out = Vec::with_capacity(plaintext.len().saturating_add(TAG_LEN));
        out.extend_from_slice(plaintext);
        let tag = self.seal_in_place(&mut out, aad)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Encrypts `buf` in place as the next message and returns the tag.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for the export-only AEAD.
    pub fn seal_in_place(&mut self, buf: &mut [u8], aad: &[u8]) -> Result<[u8; TAG_LEN]> {
        self.ctx.seal_in_place(buf, aad)
    }

    /// RFC 9180 `Context.Export(exporter_context, L)`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `1 ≤ len ≤ 8160`.
    pub fn export_secret(&self, exporter_context: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
        self.ctx.export(exporter_context, len)
    }
}

/// The recipient's side of an HPKE context: opens messages in the order
/// they were sealed and exports secrets. No `Debug`; its keys are zeroized
/// on drop.
pub struct ReceiverContext {
    ctx: Context,
}

impl ReceiverContext {
    /// The ciphersuite of this context.
    #[must_use]
    pub fn ciphersuite(&self) -> Ciphersuite {
        self.ctx.suite
    }

    /// The AEAD of this context.
    #[must_use]
    pub fn aead(&self) -> Aead {
        self.ctx.suite.aead
    }

    /// Opens the next message (ciphertext ‖ tag) with `aad`. A failure does
    /// not advance the sequence number.
    ///
    /// # Errors
    /// [`Error::DecryptFailed`] if it does not authenticate;
    /// [`Error::UnsupportedAlgorithm`] for the export-only AEAD.
    pub fn open(&mut self, ciphertext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        if !self.aead().can_seal() {
            return Err(export_only_error());
        }
        let split = ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(Error::DecryptFailed)?;
        let (body, tag) = ciphertext
            .split_at_checked(split)
            .ok_or(Error::DecryptFailed)?;
        let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| Error::DecryptFailed)?;
        let mut out = Zeroizing::new(body.to_vec());
        self.open_in_place(&mut out, tag, aad)?;
        Ok(core::mem::take(&mut *out))
    }

    /// Decrypts `buf` in place as the next message, checking `tag`. On
    /// failure `buf` holds no plaintext.
    ///
    /// # Errors
    /// [`Error::DecryptFailed`] if it does not authenticate;
    /// [`Error::UnsupportedAlgorithm`] for the export-only AEAD.
    pub fn open_in_place(&mut self, buf: &mut [u8], tag: &[u8; TAG_LEN], aad: &[u8]) -> Result<()> {
        self.ctx.open_in_place(buf, tag, aad)
    }

    /// RFC 9180 `Context.Export(exporter_context, L)`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `1 ≤ len ≤ 8160`.
    pub fn export_secret(&self, exporter_context: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
        self.ctx.export(exporter_context, len)
    }
}

// ---------------------------------------------------------------------------
// Setup and single-shot
// ---------------------------------------------------------------------------

/// RFC 9180 `SetupS` (`SetupBaseS`, `SetupPSKS`, `SetupAuthS`,
/// `SetupAuthPSKS` by `params.mode`): a sender context for `recipient`,
/// with a fresh ephemeral key from [`crate::rng`].
///
/// # Errors
/// [`Error::InvalidInput`] if the mode's parameters are missing or
/// superfluous; [`Error::UnsupportedAlgorithm`] for a KDF or AEAD that does
/// not belong with the recipient's KEM; [`Error::InvalidKey`] for a
/// non-contributory result or a sender key of another KEM;
/// [`Error::NotInitialized`] before the generator is seeded.
pub fn setup_sender(recipient: &PublicKey, params: &SenderParams<'_>) -> Result<SenderContext> {
    setup_sender_with_rng(recipient, params, &mut crate::rng::rng()?)
}

/// [`setup_sender`] with the ephemeral key drawn from `rng` (32 bytes,
/// through `DeriveKeyPair`, so a generator that yields a test vector's
/// `ikmE` reproduces its `enc`).
///
/// # Errors
/// As [`setup_sender`].
pub fn setup_sender_with_rng(
    recipient: &PublicKey,
    params: &SenderParams<'_>,
    rng: &mut impl CryptoRng,
) -> Result<SenderContext> {
    let kem = recipient.kem();
    let suite = Ciphersuite::resolve(kem, params.kdf, params.aead)?;
    verify_psk_inputs(params.mode, params.psk, params.psk_id)?;
    let sender = check_auth(
        params.mode,
        params.sender_secret_key,
        kem,
        SecretKey::kem,
        "senderSecretKey",
    )?;
    // Encap(pkR) / AuthEncap(pkR, skS)
    let ephemeral = generate_key_pair_with_rng(kem, rng)?;
    let non_contributory = || Error::InvalidKey {
        reason:
            "the shared secret is zero (non-contributory): the recipient's key is a low-order point",
    };
    let dh = ephemeral
        .secret_key
        .dh(recipient)
        .ok_or_else(non_contributory)?;
    let enc = ephemeral.public_key;
    let mut inputs = KemInputs::new(&*dh, enc.as_bytes(), recipient);
    if let Some(sk_s) = sender {
        let dh2 = sk_s.dh(recipient).ok_or_else(non_contributory)?;
        inputs.authenticate(&*dh2, &sk_s.public_key());
    }
    let shared_secret = extract_and_expand(kem, &inputs.dh, &inputs.kem_context)?;
    let ctx = Context::key_schedule(
        suite,
        params.mode,
        &shared_secret,
        params.info,
        params.psk,
        params.psk_id,
    )?;
    Ok(SenderContext { ctx, enc })
}

/// RFC 9180 `SetupR`: the recipient's context for `enc`.
///
/// # Errors
/// [`Error::InvalidInput`] if `enc` has the wrong length for the key's KEM
/// or the mode's parameters are missing or superfluous;
/// [`Error::UnsupportedAlgorithm`] for a KDF or AEAD that does not belong
/// with the key; [`Error::DecryptFailed`] if `enc` is not a valid point or
/// the result is non-contributory.
pub fn setup_receiver(
    recipient: &SecretKey,
    enc: &[u8],
    params: &ReceiverParams<'_>,
) -> Result<ReceiverContext> {
    let kem = recipient.kem();
    let suite = Ciphersuite::resolve(kem, params.kdf, params.aead)?;
    verify_psk_inputs(params.mode, params.psk, params.psk_id)?;
    let sender = check_auth(
        params.mode,
        params.sender_public_key,
        kem,
        PublicKey::kem,
        "senderPublicKey",
    )?;
    if enc.len() != kem.public_key_len() {
        return Err(Error::input(format!(
            "enc must be {} bytes for {} keys",
            kem.public_key_len(),
            kem.name()
        )));
    }
    // Decap(enc, skR) / AuthDecap(enc, skR, pkS)
    let pk_e = PublicKey::from_bytes_for(kem, enc).map_err(|_| Error::DecryptFailed)?;
    let dh = recipient.dh(&pk_e).ok_or(Error::DecryptFailed)?;
    let mut inputs = KemInputs::new(&*dh, enc, &recipient.public_key());
    if let Some(pk_s) = sender {
        let dh2 = recipient.dh(pk_s).ok_or(Error::DecryptFailed)?;
        inputs.authenticate(&*dh2, pk_s);
    }
    let shared_secret = extract_and_expand(kem, &inputs.dh, &inputs.kem_context)?;
    let ctx = Context::key_schedule(
        suite,
        params.mode,
        &shared_secret,
        params.info,
        params.psk,
        params.psk_id,
    )?;
    Ok(ReceiverContext { ctx })
}

/// The result of a single-shot [`seal`].
pub struct Sealed {
    /// The encapsulated key (`Nenc` bytes).
    pub enc: Vec<u8>,
    /// Ciphertext ‖ tag.
    pub ciphertext: Vec<u8>,
}

/// Single-shot `Seal`: one message to `recipient`.
///
/// # Errors
/// As [`setup_sender`]; [`Error::UnsupportedAlgorithm`] for the export-only
/// AEAD.
pub fn seal(
    recipient: &PublicKey,
    params: &SenderParams<'_>,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Sealed> {
    seal_with_rng(recipient, params, aad, plaintext, &mut crate::rng::rng()?)
}

/// [`seal`] with the ephemeral key drawn from `rng`.
///
/// # Errors
/// As [`seal`].
pub fn seal_with_rng(
    recipient: &PublicKey,
    params: &SenderParams<'_>,
    aad: &[u8],
    plaintext: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<Sealed> {
    if params.aead == Some(Aead::ExportOnly) {
        return Err(export_only_error());
    }
    let mut ctx = setup_sender_with_rng(recipient, params, rng)?;
    let ciphertext = ctx.seal(plaintext, aad)?;
    Ok(Sealed {
        enc: ctx.enc().to_vec(),
        ciphertext,
    })
}

/// Single-shot `Open`.
///
/// # Errors
/// As [`setup_receiver`]; [`Error::DecryptFailed`] if the ciphertext does
/// not authenticate; [`Error::UnsupportedAlgorithm`] for the export-only
/// AEAD.
pub fn open(
    recipient: &SecretKey,
    enc: &[u8],
    params: &ReceiverParams<'_>,
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>> {
    if params.aead == Some(Aead::ExportOnly) {
        return Err(export_only_error());
    }
    setup_receiver(recipient, enc, params)?.open(ciphertext, aad)
}

/// Single-shot `ReceiveExport`: the recipient's exported secret for `enc`.
///
/// # Errors
/// As [`setup_receiver`]; [`Error::InvalidInput`] unless `1 ≤ len ≤ 8160`.
pub fn export_secret(
    recipient: &SecretKey,
    enc: &[u8],
    params: &ReceiverParams<'_>,
    exporter_context: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    check_export_len(len)?;
    setup_receiver(recipient, enc, params)?.export_secret(exporter_context, len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::from_seed([7; 32])
    }

    /// The error of a call expected to fail (its success types have no
    /// `Debug`, by design).
    fn err<T>(r: Result<T>) -> Error {
        match r {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    #[test]
    fn names_and_ids_round_trip() {
        for a in Aead::ALL {
            assert_eq!(Aead::from_id(a.id()).unwrap(), a);
            assert_eq!(Aead::from_name(a.name()).unwrap(), a);
        }
        for k in Kem::ALL {
            assert_eq!(Kem::from_id(k.id()).unwrap(), k);
            assert_eq!(Kem::from_name(k.name()).unwrap(), k);
        }
        for k in Kdf::ALL {
            assert_eq!(Kdf::from_id(k.id()).unwrap(), k);
            assert_eq!(Kdf::from_name(k.name()).unwrap(), k);
        }
        for m in Mode::ALL {
            assert_eq!(Mode::from_id(m.id()).unwrap(), m);
            assert_eq!(Mode::from_name(m.name()).unwrap(), m);
        }
        assert_eq!(
            Aead::from_id(4).unwrap_err().code(),
            "UNSUPPORTED_ALGORITHM"
        );
        assert_eq!(Mode::from_name("Base").unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(Aead::default(), Aead::ChaCha20Poly1305);
    }

    #[test]
    fn every_kem_mode_and_aead_round_trips() {
        let mut r = rng();
        let psk = [9u8; 32];
        for kem in Kem::ALL {
            let recipient = generate_key_pair_with_rng(kem, &mut r).unwrap();
            let sender = generate_key_pair_with_rng(kem, &mut r).unwrap();
            for mode in Mode::ALL {
                for aead in Aead::ALL.into_iter().filter(|a| a.belongs_with(kem)) {
                    let (psk, psk_id): (&[u8], &[u8]) = if mode.uses_psk() {
                        (&psk, b"id")
                    } else {
                        (b"", b"")
                    };
                    let sp = SenderParams {
                        mode,
                        aead: Some(aead),
                        info: b"info",
                        psk,
                        psk_id,
                        sender_secret_key: mode.uses_auth().then_some(&sender.secret_key),
                        ..SenderParams::default()
                    };
                    let rp = ReceiverParams {
                        mode,
                        aead: Some(aead),
                        info: b"info",
                        psk,
                        psk_id,
                        sender_public_key: mode.uses_auth().then_some(&sender.public_key),
                        ..ReceiverParams::default()
                    };
                    let mut s = setup_sender_with_rng(&recipient.public_key, &sp, &mut r).unwrap();
                    assert_eq!(s.enc().len(), kem.public_key_len());
                    let mut rc = setup_receiver(&recipient.secret_key, s.enc(), &rp).unwrap();
                    assert_eq!(
                        *s.export_secret(b"ctx", 42).unwrap(),
                        *rc.export_secret(b"ctx", 42).unwrap()
                    );
                    if aead.can_seal() {
                        for i in 0..3u8 {
                            let ct = s.seal(&[i; 5], b"aad").unwrap();
                            assert_eq!(rc.open(&ct, b"aad").unwrap(), vec![i; 5]);
                        }
                    } else {
                        assert_eq!(
                            s.seal(b"x", b"").unwrap_err().code(),
                            "UNSUPPORTED_ALGORITHM"
                        );
                        assert_eq!(
                            rc.open(&[0; 16], b"").unwrap_err().code(),
                            "UNSUPPORTED_ALGORITHM"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_kdf_or_aead_of_the_other_suite_is_refused() {
        let mut r = rng();
        for (kem, kdf, aead) in [
            (Kem::X25519, Some(Kdf::HkdfSm3), None),
            (Kem::X25519, None, Some(Aead::Sm4Gcm)),
            (Kem::Sm2, Some(Kdf::HkdfSha256), None),
            (Kem::Sm2, None, Some(Aead::ChaCha20Poly1305)),
            (Kem::Sm2, None, Some(Aead::Aes128Gcm)),
        ] {
            let kp = generate_key_pair_with_rng(kem, &mut r).unwrap();
            let sp = SenderParams {
                kdf,
                aead,
                ..SenderParams::default()
            };
            let e = err(setup_sender_with_rng(&kp.public_key, &sp, &mut r));
            assert_eq!(
                e.code(),
                "UNSUPPORTED_ALGORITHM",
                "{kem:?} {kdf:?} {aead:?}"
            );
        }
    }

    #[test]
    fn a_sender_key_of_the_other_kem_is_refused() {
        let mut r = rng();
        let recipient = generate_key_pair_with_rng(Kem::Sm2, &mut r).unwrap();
        let sender = generate_key_pair_with_rng(Kem::X25519, &mut r).unwrap();
        let sp = SenderParams {
            mode: Mode::Auth,
            sender_secret_key: Some(&sender.secret_key),
            ..SenderParams::default()
        };
        let e = err(setup_sender_with_rng(&recipient.public_key, &sp, &mut r));
        assert_eq!(e.code(), "INVALID_KEY");
    }

    #[test]
    fn secret_keys_are_clamped_and_match_their_public_keys() {
        let kp = generate_key_pair_with_rng(Kem::X25519, &mut rng()).unwrap();
        let again = SecretKey::from_bytes(Kem::X25519, &*kp.secret_key.to_bytes()).unwrap();
        assert_eq!(*again.to_bytes(), *kp.secret_key.to_bytes());
        assert_eq!(again.public_key(), kp.public_key);
        let raw = [0xffu8; 32];
        let clamped = SecretKey::from_bytes(Kem::X25519, &raw).unwrap().to_bytes();
        assert_eq!(clamped[0] & 7, 0);
        assert_eq!(clamped[31] & 0xc0, 0x40);
    }

    #[test]
    fn sm2_secret_keys_are_scalars_below_the_order() {
        // n of curveSM2 (GB/T 32918.5).
        let n = [
            0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0x72, 0x03, 0xdf, 0x6b, 0x21, 0xc6, 0x05, 0x2b, 0x53, 0xbb, 0xf4, 0x09,
            0x39, 0xd5, 0x41, 0x23,
        ];
        let mut n_minus_1 = n;
        n_minus_1[31] -= 1;
        assert!(SecretKey::from_bytes(Kem::Sm2, &n_minus_1).is_ok());
        for bad in [n, [0xff; 32], [0; 32]] {
            assert_eq!(
                err(SecretKey::from_bytes(Kem::Sm2, &bad)).code(),
                "INVALID_KEY"
            );
        }
        let kp = generate_key_pair_with_rng(Kem::Sm2, &mut rng()).unwrap();
        assert_eq!(kp.public_key.as_bytes().len(), 65);
        assert_eq!(kp.public_key.as_bytes()[0], 4);
        let again = SecretKey::from_bytes(Kem::Sm2, &*kp.secret_key.to_bytes()).unwrap();
        assert_eq!(again.public_key(), kp.public_key);
    }

    #[test]
    fn sm2_points_must_be_uncompressed_and_on_the_curve() {
        let kp = generate_key_pair_with_rng(Kem::Sm2, &mut rng()).unwrap();
        let good = kp.public_key.as_bytes().to_vec();
        assert_eq!(PublicKey::from_bytes(&good).unwrap().kem(), Kem::Sm2);
        for prefix in [0u8, 2, 3, 5, 6, 7] {
            let mut p = good.clone();
            p[0] = prefix;
            assert_eq!(
                PublicKey::from_bytes(&p).unwrap_err().code(),
                "INVALID_KEY",
                "{prefix}"
            );
        }
        // Off the curve: y + 1.
        let mut off = good.clone();
        off[64] ^= 1;
        assert_eq!(
            PublicKey::from_bytes(&off).unwrap_err().code(),
            "INVALID_KEY"
        );
        // Coordinates >= p: all ones.
        let mut big = vec![4u8];
        big.extend_from_slice(&[0xff; 64]);
        assert_eq!(
            PublicKey::from_bytes(&big).unwrap_err().code(),
            "INVALID_KEY"
        );
        // Wrong lengths, including the 33-byte compressed form.
        for len in [0usize, 1, 33, 64, 66] {
            let p = vec![4u8; len];
            assert_eq!(
                PublicKey::from_bytes_for(Kem::Sm2, &p).unwrap_err().code(),
                "INVALID_KEY"
            );
        }
        // The identity has no uncompressed encoding: 04 ‖ 0 ‖ 0 is off the curve.
        let mut zero = vec![4u8];
        zero.extend_from_slice(&[0; 64]);
        assert_eq!(
            PublicKey::from_bytes(&zero).unwrap_err().code(),
            "INVALID_KEY"
        );
        // An enc that is not a point: DECRYPT_FAILED at the recipient.
        assert_eq!(
            err(setup_receiver(
                &kp.secret_key,
                &off,
                &ReceiverParams::default()
            ))
            .code(),
            "DECRYPT_FAILED"
        );
    }

    #[test]
    fn low_order_points_are_refused() {
        for p in LOW_ORDER_POINTS {
            assert_eq!(PublicKey::from_bytes(&p).unwrap_err().code(), "INVALID_KEY");
            let mut high = p;
            high[31] |= 0x80;
            assert_eq!(
                PublicKey::from_bytes(&high).unwrap_err().code(),
                "INVALID_KEY"
            );
        }
    }

    #[test]
    fn key_ids_use_the_suites_hash() {
        let mut r = rng();
        let x = generate_key_pair_with_rng(Kem::X25519, &mut r).unwrap();
        let s = generate_key_pair_with_rng(Kem::Sm2, &mut r).unwrap();
        assert_eq!(
            x.public_key.key_id()[..],
            Suite::Intl.digest(x.public_key.as_bytes())[..16]
        );
        assert_eq!(
            s.public_key.key_id()[..],
            Suite::Gm.digest(s.public_key.as_bytes())[..16]
        );
    }
}
