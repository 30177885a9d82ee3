//! Raw HPKE (RFC 9180) for DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256, with
//! the AEAD chosen at run time ([`Aead`]) and all four modes ([`Mode`]).
//!
//! The calls mirror the JavaScript `hpke` namespace of the contract:
//! [`generate_key_pair`], [`seal`], [`open`], [`setup_sender`],
//! [`setup_receiver`] and [`export_secret`]. Parameters that JavaScript
//! passes as object fields are the fields of [`SenderParams`] and
//! [`ReceiverParams`]; empty `psk`/`psk_id` mean "not given".
//!
//! Mode rules (RFC 9180 §5.1, checked before any computation, all
//! [`Error::InvalidInput`]):
//! - `psk` and `auth_psk` need a `psk` of at least [`MIN_PSK_LEN`] bytes and
//!   a non-empty `psk_id`; `base` and `auth` refuse them;
//! - `auth` and `auth_psk` need the sender's key (its secret key to seal,
//!   its public key to open); `base` and `psk` refuse it.
//!
//! Every function that draws randomness has a `_with_rng` twin for
//! deterministic tests; the plain one draws from [`crate::rng`].

use core::fmt;

use ::hpke as rh;
use mpshield_aead::{HotAead as _, HotOpen as _};
use rh::aead::{
    AeadCtxR, AeadCtxS, AeadTag, AesGcm128, AesGcm256, ChaCha20Poly1305, ExportOnlyAead,
};
use rh::{Deserializable, HpkeError, Kem as _, OpModeR, OpModeS, PskBundle, Serializable};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};
use crate::rng::CryptoRng;

type Kem = rh::kem::X25519HkdfSha256;
type Kdf = rh::kdf::HkdfSha256;
type RhSecretKey = <Kem as rh::Kem>::PrivateKey;
type RhPublicKey = <Kem as rh::Kem>::PublicKey;
type RhEnc = <Kem as rh::Kem>::EncappedKey;

/// KEM id of DHKEM(X25519, HKDF-SHA256).
pub const KEM_ID: u16 = 0x0020;
/// KDF id of HKDF-SHA256.
pub const KDF_ID: u16 = 0x0001;
/// Length of an X25519 public key, and of `enc`.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Length of an X25519 secret key.
pub const SECRET_KEY_LEN: usize = 32;
/// Length of the encapsulated key `enc`.
pub const ENC_LEN: usize = 32;
/// Length of the authentication tag of every AEAD here (export-only has no
/// ciphertexts).
pub const TAG_LEN: usize = 16;
/// Shortest pre-shared key accepted (RFC 9180 §5.1.2: a PSK MUST have at
/// least 32 bytes of entropy).
pub const MIN_PSK_LEN: usize = 32;
/// Longest secret the exporter gives: 255 × the HKDF-SHA256 output size.
pub const MAX_EXPORT_LEN: usize = 255 * 32;
/// Length of a recipient key id ([`PublicKey::key_id`]).
pub const KEY_ID_LEN: usize = 16;

// ---------------------------------------------------------------------------
// Suites and modes
// ---------------------------------------------------------------------------

/// The AEAD of an HPKE suite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Aead {
    /// AES-128-GCM, id `0x0001`.
    Aes128Gcm,
    /// AES-256-GCM, id `0x0002`.
    Aes256Gcm,
    /// ChaCha20-Poly1305, id `0x0003` (the default).
    #[default]
    ChaCha20Poly1305,
    /// Export-only, id `0xFFFF`: the context can only export secrets.
    ExportOnly,
}

impl Aead {
    /// All four, in id order.
    pub const ALL: [Aead; 4] = [
        Aead::Aes128Gcm,
        Aead::Aes256Gcm,
        Aead::ChaCha20Poly1305,
        Aead::ExportOnly,
    ];

    /// The RFC 9180 id.
    #[must_use]
    pub fn id(self) -> u16 {
        match self {
            Self::Aes128Gcm => 0x0001,
            Self::Aes256Gcm => 0x0002,
            Self::ChaCha20Poly1305 => 0x0003,
            Self::ExportOnly => 0xFFFF,
        }
    }

    /// The AEAD with this RFC 9180 id.
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

    /// The name the JavaScript API uses: `"AES-128-GCM"`, `"AES-256-GCM"`,
    /// `"ChaCha20-Poly1305"` or `"export-only"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes128Gcm => "AES-128-GCM",
            Self::Aes256Gcm => "AES-256-GCM",
            Self::ChaCha20Poly1305 => "ChaCha20-Poly1305",
            Self::ExportOnly => "export-only",
        }
    }

    /// The AEAD with this [`name`](Self::name).
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

    /// Whether this AEAD can seal and open (everything but export-only).
    #[must_use]
    pub fn can_seal(self) -> bool {
        self != Self::ExportOnly
    }
}

/// The HPKE mode: how (if at all) the sender authenticates itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `mode_base` (0): no sender authentication.
    #[default]
    Base,
    /// `mode_psk` (1): a pre-shared key.
    Psk,
    /// `mode_auth` (2): the sender's X25519 key.
    Auth,
    /// `mode_auth_psk` (3): both.
    AuthPsk,
}

impl Mode {
    /// All four, in id order.
    pub const ALL: [Mode; 4] = [Mode::Base, Mode::Psk, Mode::Auth, Mode::AuthPsk];

    /// The RFC 9180 mode id.
    #[must_use]
    pub fn id(self) -> u8 {
        match self {
            Self::Base => 0,
            Self::Psk => 1,
            Self::Auth => 2,
            Self::AuthPsk => 3,
        }
    }

    /// The mode with this id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for ids above 3.
    pub fn from_id(id: u8) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.id() == id)
            .ok_or_else(|| Error::input(format!("unknown HPKE mode id {id}")))
    }

    /// The name the JavaScript API uses: `"base"`, `"psk"`, `"auth"` or
    /// `"auth_psk"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Psk => "psk",
            Self::Auth => "auth",
            Self::AuthPsk => "auth_psk",
        }
    }

    /// The mode with this [`name`](Self::name).
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

/// An X25519 public key: 32 bytes, never a low-order point.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; PUBLIC_KEY_LEN]);

impl PublicKey {
    /// Parses a 32-byte X25519 public key.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if it is not 32 bytes or is a low-order point
    /// (its shared secret with every key would be zero).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let key: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| Error::InvalidKey {
            reason: "an X25519 public key is 32 bytes",
        })?;
        if is_low_order(&key) {
            return Err(Error::InvalidKey {
                reason: "the X25519 public key is a low-order point: every shared secret with it would be zero",
            });
        }
        Ok(Self(key))
    }

    /// The 32 bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.0
    }

    /// The recipient key id that envelopes and stream headers carry: the
    /// first 16 bytes of SHA-256 of the 32-byte public key.
    #[must_use]
    pub fn key_id(&self) -> [u8; KEY_ID_LEN] {
        let digest = Sha256::digest(self.0);
        let mut id = [0u8; KEY_ID_LEN];
        for (o, d) in id.iter_mut().zip(digest.iter()) {
            *o = *d;
        }
        id
    }

    fn to_rh(self) -> Result<RhPublicKey> {
        RhPublicKey::from_bytes(&self.0).map_err(|_| Error::Internal {
            context: "hpke public key",
        })
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// An X25519 secret key, stored clamped, with its public key. No `Debug`,
/// zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SecretKey {
    secret: [u8; SECRET_KEY_LEN],
    #[zeroize(skip)]
    public: PublicKey,
}

impl SecretKey {
    /// Parses a 32-byte X25519 secret key. It is clamped (RFC 7748 §5), so
    /// [`to_bytes`](Self::to_bytes) may differ from the input in bits the
    /// scalar multiplication ignores anyway.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if it is not 32 bytes or is all zeros (an
    /// uninitialised buffer, not a key).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != SECRET_KEY_LEN {
            return Err(Error::InvalidKey {
                reason: "an X25519 secret key is 32 bytes",
            });
        }
        if bool::from(bytes.ct_eq(&[0u8; SECRET_KEY_LEN])) {
            return Err(Error::InvalidKey {
                reason: "the X25519 secret key is all zeros",
            });
        }
        let sk = RhSecretKey::from_bytes(bytes).map_err(|_| Error::InvalidKey {
            reason: "an X25519 secret key is 32 bytes",
        })?;
        let pk = Kem::sk_to_pk(&sk);
        Ok(Self::from_rh(&sk, &pk))
    }

    fn from_rh(sk: &RhSecretKey, pk: &RhPublicKey) -> Self {
        let mut bytes = sk.to_bytes();
        let mut key = Self {
            secret: [0u8; SECRET_KEY_LEN],
            public: public_from_rh(pk),
        };
        for (o, b) in key.secret.iter_mut().zip(bytes.iter()) {
            *o = *b;
        }
        bytes.zeroize();
        key
    }

    /// The 32 (clamped) bytes, in a buffer that is zeroized on drop.
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<[u8; SECRET_KEY_LEN]> {
        Zeroizing::new(self.secret)
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    fn to_rh(&self) -> Result<RhSecretKey> {
        RhSecretKey::from_bytes(&self.secret).map_err(|_| Error::Internal {
            context: "hpke secret key",
        })
    }
}

fn public_from_rh(pk: &RhPublicKey) -> PublicKey {
    let mut out = [0u8; PUBLIC_KEY_LEN];
    for (o, b) in out.iter_mut().zip(pk.to_bytes().iter()) {
        *o = *b;
    }
    PublicKey(out)
}

/// A recipient's (or an authenticating sender's) key pair.
pub struct KeyPair {
    /// The public key, for senders.
    pub public_key: PublicKey,
    /// The secret key, zeroized on drop.
    pub secret_key: SecretKey,
}

impl KeyPair {
    fn from_rh(sk: &RhSecretKey, pk: &RhPublicKey) -> Self {
        Self {
            public_key: public_from_rh(pk),
            secret_key: SecretKey::from_rh(sk, pk),
        }
    }
}

/// A fresh key pair from [`crate::rng`].
///
/// # Errors
/// [`Error::NotInitialized`] before the generator is seeded.
pub fn generate_key_pair() -> Result<KeyPair> {
    Ok(generate_key_pair_with_rng(&mut crate::rng::rng()?))
}

/// A fresh key pair from `rng` (32 bytes of it, through RFC 9180
/// `DeriveKeyPair`).
#[must_use]
pub fn generate_key_pair_with_rng(rng: &mut impl CryptoRng) -> KeyPair {
    let (sk, pk) = Kem::gen_keypair_with_rng(rng);
    KeyPair::from_rh(&sk, &pk)
}

/// RFC 9180 `DeriveKeyPair(ikm)`: the key pair determined by `ikm`.
///
/// # Errors
/// [`Error::InvalidInput`] if `ikm` is shorter than 32 bytes.
pub fn derive_key_pair(ikm: &[u8]) -> Result<KeyPair> {
    if ikm.len() < SECRET_KEY_LEN {
        return Err(Error::input(
            "the input keying material must be at least 32 bytes",
        ));
    }
    let (sk, pk) = Kem::derive_keypair(ikm);
    Ok(KeyPair::from_rh(&sk, &pk))
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// What the sender needs besides the recipient's key.
#[derive(Clone, Copy, Default)]
pub struct SenderParams<'a> {
    /// The mode (default `base`).
    pub mode: Mode,
    /// The AEAD (default ChaCha20-Poly1305).
    pub aead: Aead,
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
    /// The AEAD (default ChaCha20-Poly1305).
    pub aead: Aead,
    /// The `info` bound into the key schedule (default empty).
    pub info: &'a [u8],
    /// The pre-shared key, for `psk` and `auth_psk` (empty otherwise).
    pub psk: &'a [u8],
    /// The pre-shared key's id, for `psk` and `auth_psk` (empty otherwise).
    pub psk_id: &'a [u8],
    /// The sender's public key, for `auth` and `auth_psk`.
    pub sender_public_key: Option<&'a PublicKey>,
}

fn psk_bundle<'a>(mode: Mode, psk: &'a [u8], psk_id: &'a [u8]) -> Result<Option<PskBundle<'a>>> {
    if !mode.uses_psk() {
        if !psk.is_empty() || !psk_id.is_empty() {
            return Err(Error::input(format!(
                "psk and pskId are only for modes \"psk\" and \"auth_psk\", not {:?}",
                mode.name()
            )));
        }
        return Ok(None);
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
    PskBundle::new(psk, psk_id)
        .map(Some)
        .map_err(|_| Error::input("psk and pskId must both be given"))
}

fn check_auth<T>(mode: Mode, key: Option<T>, what: &str) -> Result<Option<T>> {
    match (mode.uses_auth(), key) {
        (true, Some(k)) => Ok(Some(k)),
        (true, None) => Err(Error::input(format!("mode {:?} needs {what}", mode.name()))),
        (false, Some(_)) => Err(Error::input(format!(
            "{what} is only for modes \"auth\" and \"auth_psk\", not {:?}",
            mode.name()
        ))),
        (false, None) => Ok(None),
    }
}

fn sender_mode<'a>(p: &SenderParams<'a>) -> Result<OpModeS<'a, Kem>> {
    let bundle = psk_bundle(p.mode, p.psk, p.psk_id)?;
    let sender = match check_auth(p.mode, p.sender_secret_key, "senderSecretKey")? {
        Some(sk) => {
            let sk = sk.to_rh()?;
            let pk = Kem::sk_to_pk(&sk);
            Some((sk, pk))
        }
        None => None,
    };
    Ok(match (sender, bundle) {
        (None, None) => OpModeS::Base,
        (None, Some(b)) => OpModeS::Psk(b),
        (Some(kp), None) => OpModeS::Auth(kp),
        (Some(kp), Some(b)) => OpModeS::AuthPsk(kp, b),
    })
}

fn receiver_mode<'a>(p: &ReceiverParams<'a>) -> Result<OpModeR<'a, Kem>> {
    let bundle = psk_bundle(p.mode, p.psk, p.psk_id)?;
    let sender = match check_auth(p.mode, p.sender_public_key, "senderPublicKey")? {
        Some(pk) => Some(pk.to_rh()?),
        None => None,
    };
    Ok(match (sender, bundle) {
        (None, None) => OpModeR::Base,
        (None, Some(b)) => OpModeR::Psk(b),
        (Some(pk), None) => OpModeR::Auth(pk),
        (Some(pk), Some(b)) => OpModeR::AuthPsk(pk, b),
    })
}

fn parse_enc(enc: &[u8]) -> Result<RhEnc> {
    let bytes: &[u8; ENC_LEN] = enc
        .try_into()
        .map_err(|_| Error::input("enc must be 32 bytes"))?;
    if is_low_order(bytes) {
        return Err(Error::DecryptFailed);
    }
    RhEnc::from_bytes(bytes).map_err(|_| Error::DecryptFailed)
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

fn seal_error(e: HpkeError) -> Error {
    match e {
        HpkeError::EncapError => Error::InvalidKey {
            reason: "the X25519 shared secret is zero (non-contributory): the recipient's key is a low-order point",
        },
        HpkeError::MessageLimitReached => {
            Error::input("this context has sealed its maximum number of messages")
        }
        _ => Error::Internal {
            context: "hpke seal",
        },
    }
}

fn open_error(_: HpkeError) -> Error {
    Error::DecryptFailed
}

// ---------------------------------------------------------------------------
// Contexts
// ---------------------------------------------------------------------------

/// Dispatches over the four concrete context types.
macro_rules! dispatch {
    ($inner:expr, $c:ident => $body:expr, export_only($e:pat) => $eo:expr) => {
        match $inner {
            Ctx::Aes128($c) => $body,
            Ctx::Aes256($c) => $body,
            Ctx::ChaCha($c) => $body,
            Ctx::ExportOnly($e) => $eo,
        }
    };
    ($inner:expr, $c:ident => $body:expr) => {
        match $inner {
            Ctx::Aes128($c) => $body,
            Ctx::Aes256($c) => $body,
            Ctx::ChaCha($c) => $body,
            Ctx::ExportOnly($c) => $body,
        }
    };
}

enum Ctx<S, R, C, E> {
    Aes128(S),
    Aes256(R),
    ChaCha(C),
    ExportOnly(E),
}

type SenderCtx = Ctx<
    AeadCtxS<AesGcm128, Kdf, Kem>,
    AeadCtxS<AesGcm256, Kdf, Kem>,
    AeadCtxS<ChaCha20Poly1305, Kdf, Kem>,
    AeadCtxS<ExportOnlyAead, Kdf, Kem>,
>;

type ReceiverCtx = Ctx<
    AeadCtxR<AesGcm128, Kdf, Kem>,
    AeadCtxR<AesGcm256, Kdf, Kem>,
    AeadCtxR<ChaCha20Poly1305, Kdf, Kem>,
    AeadCtxR<ExportOnlyAead, Kdf, Kem>,
>;

fn tag_bytes<A: rh::aead::Aead>(tag: &AeadTag<A>) -> Result<[u8; TAG_LEN]> {
    tag.to_bytes()
        .as_slice()
        .try_into()
        .map_err(|_| Error::Internal {
            context: "hpke tag length",
        })
}

/// The sender's side of an HPKE context: seals any number of messages (each
/// with the next sequence number) and exports secrets. No `Debug`; its keys
/// are zeroized on drop.
pub struct SenderContext {
    inner: SenderCtx,
    enc: [u8; ENC_LEN],
    aead: Aead,
}

impl SenderContext {
    /// The encapsulated key `enc` the recipient needs.
    #[must_use]
    pub fn enc(&self) -> &[u8; ENC_LEN] {
        &self.enc
    }

    /// The AEAD of this context.
    #[must_use]
    pub fn aead(&self) -> Aead {
        self.aead
    }

    /// Seals `plaintext` with `aad` as the next message: ciphertext ‖ tag.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for the export-only AEAD.
    pub fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        if !self.aead.can_seal() {
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
        dispatch!(&mut self.inner,
            c => tag_bytes(&c.hot_seal(buf, aad).map_err(seal_error)?),
            export_only(_) => Err(export_only_error()))
    }

    /// RFC 9180 `Context.Export(exporter_context, L)`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `1 ≤ len ≤ 8160`.
    pub fn export_secret(&self, exporter_context: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
        check_export_len(len)?;
        let mut out = Zeroizing::new(vec![0u8; len]);
        dispatch!(&self.inner, c => c.export(exporter_context, &mut out))
            .map_err(|_| Error::input("the exported secret is too long"))?;
        Ok(out)
    }
}

/// The recipient's side of an HPKE context: opens messages in the order
/// they were sealed and exports secrets. No `Debug`; its keys are zeroized
/// on drop.
pub struct ReceiverContext {
    inner: ReceiverCtx,
    aead: Aead,
}

impl ReceiverContext {
    /// The AEAD of this context.
    #[must_use]
    pub fn aead(&self) -> Aead {
        self.aead
    }

    /// Opens the next message (ciphertext ‖ tag) with `aad`. A failure does
    /// not advance the sequence number.
    ///
    /// # Errors
    /// [`Error::DecryptFailed`] if it does not authenticate;
    /// [`Error::UnsupportedAlgorithm`] for the export-only AEAD.
    pub fn open(&mut self, ciphertext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        if !self.aead.can_seal() {
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
        dispatch!(&mut self.inner,
            c => {
                let tag = AeadTag::from_bytes(tag).map_err(open_error)?;
                c.hot_open(buf, aad, &tag).map_err(open_error)
            },
            export_only(_) => Err(export_only_error()))
    }

    /// RFC 9180 `Context.Export(exporter_context, L)`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `1 ≤ len ≤ 8160`.
    pub fn export_secret(&self, exporter_context: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
        check_export_len(len)?;
        let mut out = Zeroizing::new(vec![0u8; len]);
        dispatch!(&self.inner, c => c.export(exporter_context, &mut out))
            .map_err(|_| Error::input("the exported secret is too long"))?;
        Ok(out)
    }
}

// ---------------------------------------------------------------------------
// Setup and single-shot
// ---------------------------------------------------------------------------

/// RFC 9180 `SetupS`: a sender context for `recipient`, with a fresh
/// ephemeral key from [`crate::rng`].
///
/// # Errors
/// [`Error::InvalidInput`] if the mode's parameters are missing or
/// superfluous; [`Error::InvalidKey`] for a non-contributory result;
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
    let mode = sender_mode(params)?;
    let pk = recipient.to_rh()?;
    let info = params.info;
    let (enc, inner) = match params.aead {
        Aead::Aes128Gcm => {
            let (e, c) = rh::setup_sender_with_rng(&mode, &pk, info, rng).map_err(seal_error)?;
            (e, Ctx::Aes128(c))
        }
        Aead::Aes256Gcm => {
            let (e, c) = rh::setup_sender_with_rng(&mode, &pk, info, rng).map_err(seal_error)?;
            (e, Ctx::Aes256(c))
        }
        Aead::ChaCha20Poly1305 => {
            let (e, c) = rh::setup_sender_with_rng(&mode, &pk, info, rng).map_err(seal_error)?;
            (e, Ctx::ChaCha(c))
        }
        Aead::ExportOnly => {
            let (e, c) = rh::setup_sender_with_rng(&mode, &pk, info, rng).map_err(seal_error)?;
            (e, Ctx::ExportOnly(c))
        }
    };
    let enc: [u8; ENC_LEN] = enc
        .to_bytes()
        .as_slice()
        .try_into()
        .map_err(|_| Error::Internal {
            context: "hpke enc length",
        })?;
    Ok(SenderContext {
        inner,
        enc,
        aead: params.aead,
    })
}

/// RFC 9180 `SetupR`: the recipient's context for `enc`.
///
/// # Errors
/// [`Error::InvalidInput`] if `enc` is not 32 bytes or the mode's
/// parameters are missing or superfluous; [`Error::DecryptFailed`] if `enc`
/// is a low-order point or the result is non-contributory.
pub fn setup_receiver(
    recipient: &SecretKey,
    enc: &[u8],
    params: &ReceiverParams<'_>,
) -> Result<ReceiverContext> {
    let mode = receiver_mode(params)?;
    let enc = parse_enc(enc)?;
    let sk = recipient.to_rh()?;
    let info = params.info;
    let inner = match params.aead {
        Aead::Aes128Gcm => {
            Ctx::Aes128(rh::setup_receiver(&mode, &sk, &enc, info).map_err(open_error)?)
        }
        Aead::Aes256Gcm => {
            Ctx::Aes256(rh::setup_receiver(&mode, &sk, &enc, info).map_err(open_error)?)
        }
        Aead::ChaCha20Poly1305 => {
            Ctx::ChaCha(rh::setup_receiver(&mode, &sk, &enc, info).map_err(open_error)?)
        }
        Aead::ExportOnly => {
            Ctx::ExportOnly(rh::setup_receiver(&mode, &sk, &enc, info).map_err(open_error)?)
        }
    };
    Ok(ReceiverContext {
        inner,
        aead: params.aead,
    })
}

/// The result of a single-shot [`seal`].
pub struct Sealed {
    /// The encapsulated key.
    pub enc: [u8; ENC_LEN],
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
    if !params.aead.can_seal() {
        return Err(export_only_error());
    }
    let mut ctx = setup_sender_with_rng(recipient, params, rng)?;
    let ciphertext = ctx.seal(plaintext, aad)?;
    Ok(Sealed {
        enc: ctx.enc,
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
    if !params.aead.can_seal() {
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

    #[test]
    fn names_and_ids_round_trip() {
        for a in Aead::ALL {
            assert_eq!(Aead::from_id(a.id()).unwrap(), a);
            assert_eq!(Aead::from_name(a.name()).unwrap(), a);
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
    fn every_mode_and_aead_round_trips() {
        let mut r = rng();
        let recipient = generate_key_pair_with_rng(&mut r);
        let sender = generate_key_pair_with_rng(&mut r);
        let psk = [9u8; 32];
        for mode in Mode::ALL {
            for aead in Aead::ALL {
                let (psk, psk_id): (&[u8], &[u8]) = if mode.uses_psk() {
                    (&psk, b"id")
                } else {
                    (b"", b"")
                };
                let sp = SenderParams {
                    mode,
                    aead,
                    info: b"info",
                    psk,
                    psk_id,
                    sender_secret_key: mode.uses_auth().then_some(&sender.secret_key),
                };
                let rp = ReceiverParams {
                    mode,
                    aead,
                    info: b"info",
                    psk,
                    psk_id,
                    sender_public_key: mode.uses_auth().then_some(&sender.public_key),
                };
                let mut s = setup_sender_with_rng(&recipient.public_key, &sp, &mut r).unwrap();
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

    #[test]
    fn secret_keys_are_clamped_and_match_their_public_keys() {
        let kp = generate_key_pair_with_rng(&mut rng());
        let again = SecretKey::from_bytes(&*kp.secret_key.to_bytes()).unwrap();
        assert_eq!(*again.to_bytes(), *kp.secret_key.to_bytes());
        assert_eq!(again.public_key(), kp.public_key);
        let raw = [0xffu8; 32];
        let clamped = SecretKey::from_bytes(&raw).unwrap().to_bytes();
        assert_eq!(clamped[0] & 7, 0);
        assert_eq!(clamped[31] & 0xc0, 0x40);
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
}
