//! Signing keys for credentials and key binding: `EdDSA` (Ed25519, RFC 8032
//! / RFC 8037), `ES256` (ECDSA over P-256 with SHA-256, RFC 7518 §3.4), both
//! of the `intl` suite, and `SM2` (the `gm` suite: SM2 signatures with SM3,
//! GB/T 32918.2, distinguishing ID [`SM2_DISTINGUISHING_ID`]).
//!
//! Keys travel as JSON Web Keys (RFC 7517): Ed25519 as
//! `{kty:"OKP", crv:"Ed25519", x}`, P-256 as `{kty:"EC", crv:"P-256", x, y}`,
//! SM2 as `{kty:"EC", crv:"SM2", x, y}`, each with `kid` set to its RFC 7638
//! thumbprint (base64url SHA-256 of the required members in lexicographic
//! order, without whitespace). The thumbprint is SHA-256 for SM2 keys too:
//! it only names a key (RFC 7638 fixes the hash, and trust lists and other
//! JOSE libraries compute it that way); it protects nothing, since every
//! signature is checked against the full key it names.
//!
//! An algorithm belongs to its key type: a JWS says `alg`, and it is checked
//! only with a key of that algorithm (`SM2` never with a P-256 key, `ES256`
//! never with an SM2 key, though both are `kty: "EC"`).
//!
//! Secrets: a [`SigningKey`] has only a redacted `Debug`, its secret scalar
//! is zeroized on drop (by `ed25519-dalek` and `p256`; for SM2, whose crate
//! does not zeroize its signing key, by overwriting the key's single heap
//! copy on drop, see `Sm2Secret`), and the only way to get the secret out is
//! [`SigningKey::export_private_jwk_dangerously`].
//!
//! The SM2 code is compiled only with the cargo feature `gm`: in a module
//! without it, SM2 keys and JWKs are refused with
//! [`Error::UnsupportedAlgorithm`] naming the module to load instead.
//!
//! Signatures are JWS raw form: 64 bytes, Ed25519 `R‖S`, ES256 and SM2
//! `r‖s` (not DER). SM2 verification refuses `r` or `s` of 0 or ≥ n (the
//! crate's signature parsing) and any length but 64. Ed25519 verification is `verify_strict` (rejects small-order keys
//! and non-canonical `S`). ES256 verification accepts both low- and high-`S`
//! signatures, as JWS does and as other JOSE libraries produce them: ECDSA
//! malleability does not matter here, since a signature is never used as an
//! identifier (the KB-JWT's `sd_hash` covers the issuer JWT exactly as
//! presented). Our own ES256 signatures are deterministic (RFC 6979).

use std::fmt;

use ed25519_dalek::Signer as _;
// One `signature` crate (3.x) under ed25519-dalek, p256 and sm2.
use ed25519_dalek::Verifier as _;
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::jose::{b64url, b64url_decode, sha256_b64url};
use crate::error::{Error, Result};
use crate::rng::CryptoRng;

/// The distinguishing ID of every SM2 signature mpshield makes and checks:
/// the default user ID of GM/T 0009 (`ENTL` = 128 bits), which
/// interoperating SM2 libraries use unless told otherwise.
pub const SM2_DISTINGUISHING_ID: &str = "1234567812345678";

/// A signature algorithm mpshield supports, by its JOSE name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `EdDSA` with Ed25519 (suite `intl`).
    EdDsa,
    /// `ES256`: ECDSA with P-256 and SHA-256 (suite `intl`).
    Es256,
    /// `SM2`: SM2 with SM3 (GB/T 32918.2), distinguishing ID
    /// [`SM2_DISTINGUISHING_ID`], signature `r‖s` (suite `gm`).
    Sm2,
}

impl Algorithm {
    /// The JOSE name: `"EdDSA"`, `"ES256"` or `"SM2"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Es256 => "ES256",
            Self::Sm2 => "SM2",
        }
    }

    /// Whether the algorithm belongs to the `gm` (国密) suite.
    #[must_use]
    pub fn is_gm(self) -> bool {
        matches!(self, Self::Sm2)
    }

    /// The suite the algorithm belongs to: `gm` for `SM2`, `intl` for
    /// `EdDSA` and `ES256`.
    #[must_use]
    pub fn suite(self) -> crate::suite::Suite {
        if self.is_gm() {
            crate::suite::Suite::Gm
        } else {
            crate::suite::Suite::Intl
        }
    }

    /// Parses a JOSE algorithm name. `"SM2"` parses in every module; a
    /// module without the `gm` suite refuses it where a key is made.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for anything but `"EdDSA"`, `"ES256"`
    /// and `"SM2"` (`"none"` included).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "EdDSA" => Ok(Self::EdDsa),
            "ES256" => Ok(Self::Es256),
            "SM2" => Ok(Self::Sm2),
            other => Err(Error::UnsupportedAlgorithm {
                name: other.to_owned(),
            }),
        }
    }
}

/// What an SM2 key meets in a module built without the `gm` suite.
/// ES256 in a module without the intl suite (the gm phone module).
#[cfg(not(feature = "intl"))]
fn no_intl() -> Error {
    crate::suite::not_compiled_in(crate::suite::Suite::Intl, "ES256 (P-256)")
}

#[cfg(not(feature = "gm"))]
fn no_gm() -> Error {
    Error::UnsupportedAlgorithm {
        name: "SM2 (this module was built without the gm suite: load the gm or the full module)"
            .into(),
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// In a module without the intl suite, the boxed SM2 key sits beside the
// (unboxed) Ed25519 key; the enum is one per key handle.
#[allow(clippy::large_enum_variant)]
enum Secret {
    Ed25519(ed25519_dalek::SigningKey),
    #[cfg(feature = "intl")]
    P256(p256::ecdsa::SigningKey),
    #[cfg(feature = "gm")]
    Sm2(Sm2Secret),
}

/// An SM2 signing key (with its distinguishing-ID hash `Z` computed once).
///
/// `sm2::dsa::SigningKey` neither zeroizes on drop nor lets its scalar be
/// written, so the key lives at one heap address (boxed, never moved) and
/// is overwritten there on drop with the key whose scalar is 1; the
/// `black_box` read keeps that store from being optimised away as a write
/// to memory about to be freed. Best effort: copies a constructor may have
/// left on the stack are not reached.
#[cfg(feature = "gm")]
struct Sm2Secret(Box<sm2::dsa::SigningKey>);

#[cfg(feature = "gm")]
impl Sm2Secret {
    /// The key for scalar `d` (big-endian, 32 bytes), if `0 < d < n`.
    fn from_scalar(d: &[u8]) -> Option<Self> {
        sm2::dsa::SigningKey::from_slice(SM2_DISTINGUISHING_ID, d)
            .ok()
            .map(|k| Self(Box::new(k)))
    }
}

#[cfg(feature = "gm")]
impl Drop for Sm2Secret {
    fn drop(&mut self) {
        static SCRUB: std::sync::OnceLock<Option<Sm2Secret>> = std::sync::OnceLock::new();
        let mut one = [0u8; 32];
        if let Some(last) = one.last_mut() {
            *last = 1;
        }
        // A static is never dropped, so this key is not scrubbed itself.
        if let Some(scrub) = SCRUB.get_or_init(|| Self::from_scalar(&one)) {
            *self.0 = (*scrub.0).clone();
            std::hint::black_box(&*self.0);
        }
    }
}

/// A private signing key (issuer, holder or relying party).
///
/// No `Clone`, a redacted `Debug`, zeroized on drop.
pub struct SigningKey {
    secret: Secret,
    public: VerifyingKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKey({}, kid {}, secret redacted)",
            self.alg(),
            self.public.kid
        )
    }
}

impl SigningKey {
    /// A fresh key from the module's DRBG.
    ///
    /// # Errors
    /// [`Error::NotInitialized`] before the DRBG is seeded.
    pub fn generate(alg: Algorithm) -> Result<Self> {
        Self::generate_with_rng(alg, &mut crate::rng::rng()?)
    }

    /// [`SigningKey::generate`] from a caller-supplied generator. The key is
    /// derived from 32 bytes of its output (an Ed25519 seed, or a P-256 or
    /// SM2 scalar, redrawn in the negligible case that it is out of range).
    ///
    /// # Errors
    /// [`Error::Internal`] if no valid P-256 or SM2 scalar came out of 16
    /// draws (a broken generator); [`Error::UnsupportedAlgorithm`] for
    /// `SM2` in a module without the `gm` suite.
    pub fn generate_with_rng(alg: Algorithm, rng: &mut impl CryptoRng) -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        match alg {
            Algorithm::EdDsa => {
                rng.fill_bytes(seed.as_mut());
                Ok(Self::from_ed25519(ed25519_dalek::SigningKey::from_bytes(
                    &seed,
                )))
            }
            #[cfg(feature = "intl")]
            Algorithm::Es256 => {
                for _ in 0..16 {
                    rng.fill_bytes(seed.as_mut());
                    if let Ok(k) = p256::ecdsa::SigningKey::from_slice(seed.as_ref()) {
                        return Ok(Self::from_p256(k));
                    }
                }
                Err(Error::Internal {
                    context: "P-256 key generation",
                })
            }
            #[cfg(not(feature = "intl"))]
            Algorithm::Es256 => Err(no_intl()),
            #[cfg(feature = "gm")]
            Algorithm::Sm2 => {
                for _ in 0..16 {
                    rng.fill_bytes(seed.as_mut());
                    if let Some(k) = Sm2Secret::from_scalar(seed.as_ref()) {
                        return Ok(Self::from_sm2(k));
                    }
                }
                Err(Error::Internal {
                    context: "SM2 key generation",
                })
            }
            #[cfg(not(feature = "gm"))]
            Algorithm::Sm2 => Err(no_gm()),
        }
    }

    /// A second handle on the same key, for bindings that must own one
    /// (a verifier built from a key the caller keeps using).
    pub(crate) fn duplicate(&self) -> Self {
        match &self.secret {
            Secret::Ed25519(k) => Self::from_ed25519(k.clone()),
            #[cfg(feature = "intl")]
            Secret::P256(k) => Self::from_p256(k.clone()),
            #[cfg(feature = "gm")]
            Secret::Sm2(k) => Self::from_sm2(Sm2Secret(k.0.clone())),
        }
    }

    /// An Ed25519 key from its 32-byte seed (the consent log's device key).
    pub(crate) fn ed25519_from_seed(seed: &[u8; 32]) -> Self {
        Self::from_ed25519(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// An SM2 key from its secret scalar `d` (big-endian), if `0 < d < n`.
    #[cfg(feature = "gm")]
    pub(crate) fn sm2_from_scalar(d: &[u8; 32]) -> Option<Self> {
        Sm2Secret::from_scalar(d).map(Self::from_sm2)
    }

    /// The 32 secret bytes: the Ed25519 seed, or the P-256 or SM2 scalar.
    pub(crate) fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        match &self.secret {
            Secret::Ed25519(k) => out.copy_from_slice(&Zeroizing::new(k.to_bytes())[..]),
            #[cfg(feature = "intl")]
            Secret::P256(k) => out.copy_from_slice(&Zeroizing::new(k.to_bytes())[..]),
            #[cfg(feature = "gm")]
            Secret::Sm2(k) => out.copy_from_slice(&Zeroizing::new(k.0.to_bytes())[..]),
        }
        out
    }

    fn from_ed25519(k: ed25519_dalek::SigningKey) -> Self {
        let public = VerifyingKey::from_inner(Public::Ed25519(k.verifying_key()), None);
        Self {
            secret: Secret::Ed25519(k),
            public,
        }
    }

    #[cfg(feature = "intl")]
    fn from_p256(k: p256::ecdsa::SigningKey) -> Self {
        let public = VerifyingKey::from_inner(Public::P256(*k.verifying_key()), None);
        Self {
            secret: Secret::P256(k),
            public,
        }
    }

    #[cfg(feature = "gm")]
    fn from_sm2(k: Sm2Secret) -> Self {
        let public = VerifyingKey::from_inner(Public::Sm2(k.0.verifying_key().clone()), None);
        Self {
            secret: Secret::Sm2(k),
            public,
        }
    }

    /// Imports a private JWK (`d` present). The public members must match
    /// the private key; `kid` and `alg`, if present, are checked against
    /// the key type but otherwise ignored.
    ///
    /// # Errors
    /// [`Error::InvalidJwk`] if the JWK is malformed, of an unsupported
    /// type or curve, has no `d`, or its public part does not match;
    /// [`Error::UnsupportedAlgorithm`] for an SM2 JWK in a module without
    /// the `gm` suite.
    pub fn from_jwk(jwk: &Value) -> Result<Self> {
        let obj = jwk.as_object().ok_or(Error::InvalidJwk {
            reason: "a JWK must be a JSON object",
        })?;
        let d = Zeroizing::new(member_bytes(obj, "d", 32)?.ok_or(Error::InvalidJwk {
            reason: "a private JWK needs d",
        })?);
        let key = match key_type(obj)? {
            Algorithm::EdDsa => {
                let mut seed = Zeroizing::new([0u8; 32]);
                seed.copy_from_slice(&d);
                Self::from_ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            #[cfg(feature = "intl")]
            Algorithm::Es256 => {
                Self::from_p256(p256::ecdsa::SigningKey::from_slice(&d).map_err(|_| {
                    Error::InvalidJwk {
                        reason: "d is not a valid P-256 scalar",
                    }
                })?)
            }
            #[cfg(not(feature = "intl"))]
            Algorithm::Es256 => return Err(no_intl()),
            #[cfg(feature = "gm")]
            Algorithm::Sm2 => {
                Self::from_sm2(Sm2Secret::from_scalar(&d).ok_or(Error::InvalidJwk {
                    reason: "d is not a valid SM2 scalar",
                })?)
            }
            #[cfg(not(feature = "gm"))]
            Algorithm::Sm2 => return Err(no_gm()),
        };
        let claimed = VerifyingKey::from_members(obj)?;
        if claimed.kid != key.public.kid {
            return Err(Error::InvalidJwk {
                reason: "the public members do not match d",
            });
        }
        Ok(key)
    }

    /// The key's algorithm.
    #[must_use]
    pub fn alg(&self) -> Algorithm {
        self.public.alg()
    }

    /// The public half.
    #[must_use]
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// The Ed25519 key inside an `EdDSA` key, for signers that need the
    /// curve itself (the consent log's checkpoints); `None` for the others.
    #[must_use]
    pub fn ed25519(&self) -> Option<&ed25519_dalek::SigningKey> {
        match &self.secret {
            Secret::Ed25519(k) => Some(k),
            _ => None,
        }
    }

    /// The public JWK, with `kid` = its RFC 7638 thumbprint.
    #[must_use]
    pub fn public_jwk(&self) -> Value {
        self.public.to_jwk()
    }

    /// The RFC 7638 thumbprint, which is also the `kid`.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.public.kid
    }

    /// The private JWK (public members, `kid` and the secret `d`). Only for
    /// servers that must store their keys: on the phone, keep the handle.
    #[must_use]
    pub fn export_private_jwk_dangerously(&self) -> Value {
        let mut jwk = self.public.to_jwk();
        let d = match &self.secret {
            Secret::Ed25519(k) => b64url(&Zeroizing::new(k.to_bytes())[..]),
            #[cfg(feature = "intl")]
            Secret::P256(k) => b64url(&Zeroizing::new(k.to_bytes())[..]),
            #[cfg(feature = "gm")]
            Secret::Sm2(k) => b64url(&Zeroizing::new(k.0.to_bytes())[..]),
        };
        if let Value::Object(m) = &mut jwk {
            m.insert("d".into(), Value::String(d));
        }
        jwk
    }

    /// Signs `message`: 64 bytes, Ed25519 `R‖S`, ES256 or SM2 `r‖s`. SM2
    /// signs SM3(Z ‖ message) with the crate's deterministic nonce
    /// (RFC 6979 style, over SM3).
    ///
    /// # Errors
    /// [`Error::Internal`] if the signer fails (it does not for valid keys).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let failed = |_| Error::Internal { context: "sign" };
        match &self.secret {
            Secret::Ed25519(k) => Ok(k.try_sign(message).map_err(failed)?.to_bytes().to_vec()),
            #[cfg(feature = "intl")]
            Secret::P256(k) => {
                let sig: p256::ecdsa::Signature = k.try_sign(message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            #[cfg(feature = "gm")]
            Secret::Sm2(k) => {
                let sig: sm2::dsa::Signature = k.0.try_sign(message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
        }
    }
}

#[derive(Clone)]
enum Public {
    Ed25519(ed25519_dalek::VerifyingKey),
    #[cfg(feature = "intl")]
    P256(p256::ecdsa::VerifyingKey),
    /// With `Z` for [`SM2_DISTINGUISHING_ID`] computed once.
    #[cfg(feature = "gm")]
    Sm2(sm2::dsa::VerifyingKey),
}

/// A public key that checks signatures.
#[derive(Clone)]
pub struct VerifyingKey {
    public: Public,
    kid: String,
    declared_kid: Option<String>,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({}, kid {})", self.alg(), self.kid)
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.kid == other.kid
    }
}

fn member<'a>(obj: &'a Map<String, Value>, name: &'static str) -> Result<Option<&'a str>> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::InvalidJwk {
            reason: "JWK members must be strings",
        }),
    }
}

fn member_bytes(
    obj: &Map<String, Value>,
    name: &'static str,
    len: usize,
) -> Result<Option<Vec<u8>>> {
    let Some(text) = member(obj, name)? else {
        return Ok(None);
    };
    let bytes = b64url_decode(text, name).map_err(|_| Error::InvalidJwk {
        reason: "a key member is not unpadded base64url",
    })?;
    if bytes.len() != len {
        return Err(Error::InvalidJwk {
            reason: "a key member has the wrong length",
        });
    }
    Ok(Some(bytes))
}

fn required_bytes(obj: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>> {
    member_bytes(obj, name, 32)?.ok_or(Error::InvalidJwk {
        reason: "a required public member (x or y) is missing",
    })
}

fn key_type(obj: &Map<String, Value>) -> Result<Algorithm> {
    let alg = match (member(obj, "kty")?, member(obj, "crv")?) {
        (Some("OKP"), Some("Ed25519")) => Algorithm::EdDsa,
        (Some("EC"), Some("P-256")) => Algorithm::Es256,
        (Some("EC"), Some("SM2")) => Algorithm::Sm2,
        (Some("OKP" | "EC"), _) => {
            return Err(Error::InvalidJwk {
                reason: "unsupported curve: use Ed25519 (OKP), P-256 or SM2 (EC)",
            })
        }
        _ => {
            return Err(Error::InvalidJwk {
                reason: "unsupported kty: use OKP (Ed25519) or EC (P-256, SM2)",
            })
        }
    };
    if let Some(a) = member(obj, "alg")? {
        if a != alg.as_str() {
            return Err(Error::InvalidJwk {
                reason: "the JWK's alg does not match its key type",
            });
        }
    }
    Ok(alg)
}

impl VerifyingKey {
    fn from_inner(public: Public, declared_kid: Option<String>) -> Self {
        let canonical = match &public {
            Public::Ed25519(k) => format!(
                r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
                b64url(k.as_bytes())
            ),
            #[cfg(feature = "intl")]
            Public::P256(k) => {
                let (x, y) = p256_xy(k);
                format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#)
            }
            #[cfg(feature = "gm")]
            Public::Sm2(k) => {
                let (x, y) = sm2_xy(k);
                format!(r#"{{"crv":"SM2","kty":"EC","x":"{x}","y":"{y}"}}"#)
            }
        };
        Self {
            kid: sha256_b64url(canonical.as_bytes()),
            public,
            declared_kid,
        }
    }

    fn from_members(obj: &Map<String, Value>) -> Result<Self> {
        let declared_kid = member(obj, "kid")?.map(str::to_owned);
        let public =
            match key_type(obj)? {
                Algorithm::EdDsa => {
                    let x = required_bytes(obj, "x")?;
                    let mut arr = [0u8; 32];
                    arr.copy_from_slice(&x);
                    Public::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(&arr).map_err(
                        |_| Error::InvalidJwk {
                            reason: "x is not an Ed25519 point",
                        },
                    )?)
                }
                #[cfg(feature = "intl")]
                Algorithm::Es256 => {
                    let mut sec1 = vec![4u8];
                    sec1.extend(required_bytes(obj, "x")?);
                    sec1.extend(required_bytes(obj, "y")?);
                    Public::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(
                        |_| Error::InvalidJwk {
                            reason: "x, y is not a P-256 point",
                        },
                    )?)
                }
                #[cfg(not(feature = "intl"))]
                Algorithm::Es256 => return Err(no_intl()),
                // Each coordinate exactly 32 bytes (above); the crate refuses
                // coordinates ≥ p, points off the curve and the identity.
                #[cfg(feature = "gm")]
                Algorithm::Sm2 => {
                    let mut sec1 = vec![4u8];
                    sec1.extend(required_bytes(obj, "x")?);
                    sec1.extend(required_bytes(obj, "y")?);
                    Public::Sm2(
                        sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTINGUISHING_ID, &sec1)
                            .map_err(|_| Error::InvalidJwk {
                                reason: "x, y is not an SM2 point",
                            })?,
                    )
                }
                #[cfg(not(feature = "gm"))]
                Algorithm::Sm2 => return Err(no_gm()),
            };
        Ok(Self::from_inner(public, declared_kid))
    }

    /// A public key from its raw encoding: Ed25519 (`EdDsa`) 32 bytes
    /// (RFC 8032), SM2 65 bytes `04‖x‖y`. The consent log's device keys.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for another length or a point not on the curve
    /// (or the identity); [`Error::UnsupportedAlgorithm`] for `ES256`, and
    /// for `SM2` in a module without the `gm` suite.
    pub(crate) fn from_raw(alg: Algorithm, bytes: &[u8]) -> Result<Self> {
        let invalid = |reason| Error::InvalidKey { reason };
        let public = match alg {
            Algorithm::EdDsa => {
                let arr: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| invalid("an Ed25519 public key is 32 bytes"))?;
                Public::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(&arr)
                        .map_err(|_| invalid("not an Ed25519 point"))?,
                )
            }
            #[cfg(feature = "gm")]
            Algorithm::Sm2 => {
                if bytes.len() != 65 || bytes.first() != Some(&4) {
                    return Err(invalid("an SM2 public key is 65 bytes, 04‖x‖y"));
                }
                Public::Sm2(
                    sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTINGUISHING_ID, bytes)
                        .map_err(|_| invalid("not an SM2 point"))?,
                )
            }
            #[cfg(not(feature = "gm"))]
            Algorithm::Sm2 => return Err(no_gm()),
            Algorithm::Es256 => {
                return Err(Error::UnsupportedAlgorithm {
                    name: "ES256 (raw keys are Ed25519 or SM2)".into(),
                })
            }
        };
        Ok(Self::from_inner(public, None))
    }

    /// The raw encoding [`VerifyingKey::from_raw`] reads: Ed25519 32 bytes,
    /// P-256 and SM2 65 bytes `04‖x‖y`.
    pub(crate) fn to_raw(&self) -> Vec<u8> {
        match &self.public {
            Public::Ed25519(k) => k.as_bytes().to_vec(),
            #[cfg(feature = "intl")]
            Public::P256(k) => k.to_sec1_point(false).as_bytes().to_vec(),
            #[cfg(feature = "gm")]
            Public::Sm2(k) => {
                use elliptic_curve::sec1::ToSec1Point as _;
                k.to_sec1_point(false).as_bytes().to_vec()
            }
        }
    }

    /// Imports a public JWK. A JWK carrying `d` is refused, so private keys
    /// cannot end up in trust lists by mistake.
    ///
    /// # Errors
    /// [`Error::InvalidJwk`] if the JWK is malformed, of an unsupported
    /// type or curve, not a valid point, or private;
    /// [`Error::UnsupportedAlgorithm`] for an SM2 JWK in a module without
    /// the `gm` suite.
    pub fn from_jwk(jwk: &Value) -> Result<Self> {
        let obj = jwk.as_object().ok_or(Error::InvalidJwk {
            reason: "a JWK must be a JSON object",
        })?;
        if obj.contains_key("d") {
            return Err(Error::InvalidJwk {
                reason: "expected a public JWK but it contains the private member d",
            });
        }
        Self::from_members(obj)
    }

    /// The key's algorithm.
    #[must_use]
    pub fn alg(&self) -> Algorithm {
        match self.public {
            Public::Ed25519(_) => Algorithm::EdDsa,
            #[cfg(feature = "intl")]
            Public::P256(_) => Algorithm::Es256,
            #[cfg(feature = "gm")]
            Public::Sm2(_) => Algorithm::Sm2,
        }
    }

    /// The RFC 7638 thumbprint.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The Ed25519 key inside an `EdDSA` public key (the consent log's
    /// checkpoints and receipts); `None` for the others.
    #[must_use]
    pub fn ed25519(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        match &self.public {
            Public::Ed25519(k) => Some(k),
            _ => None,
        }
    }

    /// Whether a JWS header's `kid` names this key: its thumbprint, or the
    /// `kid` its JWK was imported with.
    #[must_use]
    pub fn matches_kid(&self, kid: &str) -> bool {
        self.kid == kid || self.declared_kid.as_deref() == Some(kid)
    }

    /// The public JWK with `kid` = the thumbprint.
    #[must_use]
    pub fn to_jwk(&self) -> Value {
        match &self.public {
            Public::Ed25519(k) => json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64url(k.as_bytes()), "kid": self.kid,
            }),
            #[cfg(feature = "intl")]
            Public::P256(k) => {
                let (x, y) = p256_xy(k);
                json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": self.kid })
            }
            #[cfg(feature = "gm")]
            Public::Sm2(k) => {
                let (x, y) = sm2_xy(k);
                json!({ "kty": "EC", "crv": "SM2", "x": x, "y": y, "kid": self.kid })
            }
        }
    }

    /// Checks a raw (JWS-form, 64-byte) signature over `message`.
    ///
    /// # Errors
    /// [`Error::VerifyFailed`] if it does not verify, whatever the reason.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        match &self.public {
            Public::Ed25519(k) => {
                let bytes: [u8; 64] = signature.try_into().map_err(|_| Error::VerifyFailed)?;
                let sig = ed25519_dalek::Signature::from_bytes(&bytes);
                k.verify_strict(message, &sig)
                    .map_err(|_| Error::VerifyFailed)
            }
            #[cfg(feature = "intl")]
            Public::P256(k) => {
                if signature.len() != 64 {
                    return Err(Error::VerifyFailed);
                }
                let sig = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| Error::VerifyFailed)?;
                k.verify(message, &sig).map_err(|_| Error::VerifyFailed)
            }
            // Parsing refuses any length but 64 and r or s of 0 or ≥ n;
            // verifying hashes SM3(Z ‖ message) with this key's Z.
            #[cfg(feature = "gm")]
            Public::Sm2(k) => {
                let sig =
                    sm2::dsa::Signature::from_slice(signature).map_err(|_| Error::VerifyFailed)?;
                k.verify(message, &sig).map_err(|_| Error::VerifyFailed)
            }
        }
    }
}

#[cfg(feature = "intl")]
fn p256_xy(k: &p256::ecdsa::VerifyingKey) -> (String, String) {
    let point = k.to_sec1_point(false);
    let bytes = point.as_bytes();
    (
        b64url(bytes.get(1..33).unwrap_or_default()),
        b64url(bytes.get(33..65).unwrap_or_default()),
    )
}

#[cfg(feature = "gm")]
fn sm2_xy(k: &sm2::dsa::VerifyingKey) -> (String, String) {
    use elliptic_curve::sec1::ToSec1Point as _;
    let point = k.to_sec1_point(false);
    let bytes = point.as_bytes();
    (
        b64url(bytes.get(1..33).unwrap_or_default()),
        b64url(bytes.get(33..65).unwrap_or_default()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn round_trips_through_jwk() {
        let mut rng = ChaCha20Rng::from_seed([7; 32]);
        for alg in [
            Algorithm::EdDsa,
            Algorithm::Es256,
            #[cfg(feature = "gm")]
            Algorithm::Sm2,
        ] {
            let k = SigningKey::generate_with_rng(alg, &mut rng).unwrap();
            let private = k.export_private_jwk_dangerously();
            let k2 = SigningKey::from_jwk(&private).unwrap();
            assert_eq!(k.public_jwk(), k2.public_jwk());
            let v = VerifyingKey::from_jwk(&k.public_jwk()).unwrap();
            let sig = k.sign(b"hello").unwrap();
            assert_eq!(sig.len(), 64);
            v.verify(b"hello", &sig).unwrap();
            assert_eq!(
                v.verify(b"hellp", &sig).unwrap_err().code(),
                "VERIFY_FAILED"
            );
            assert_eq!(
                VerifyingKey::from_jwk(&private).unwrap_err().code(),
                "INVALID_JWK"
            );
            assert!(!format!("{k:?}").contains(private["d"].as_str().unwrap()));
        }
    }

    #[test]
    fn exposes_the_ed25519_key_of_eddsa_keys_only() {
        let mut rng = ChaCha20Rng::from_seed([8; 32]);
        let ed = SigningKey::generate_with_rng(Algorithm::EdDsa, &mut rng).unwrap();
        let inner = ed.ed25519().unwrap();
        let public = VerifyingKey::from_jwk(&ed.public_jwk()).unwrap();
        assert_eq!(public.ed25519(), Some(&inner.verifying_key()));
        let es = SigningKey::generate_with_rng(Algorithm::Es256, &mut rng).unwrap();
        assert!(es.ed25519().is_none());
        assert!(es.verifying_key().ed25519().is_none());
    }
}
