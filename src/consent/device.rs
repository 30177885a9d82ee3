//! The device key: the key a phone signs its consent log's checkpoints
//! with, of either suite.
//!
//! - `intl`: Ed25519 (RFC 8032); the seed is the 32-byte secret, the public
//!   key 32 bytes.
//! - `gm`: SM2 with SM3 (GB/T 32918.2), distinguishing ID
//!   [`SM2_DISTINGUISHING_ID`], signature `r‖s` (64 bytes); the 32-byte
//!   secret is the scalar `d` (big-endian, `0 < d < n`), the public key 65
//!   bytes `04‖x‖y`.
//!
//! A log's suite is its device key's suite: an SM2 key makes an SM3 tree,
//! SM2-signed checkpoints, `MPR\x02` receipts and SM4-GCM storage
//! (`docs/FORMAT.md`, "The two suites and their private identifiers").
//! Both types wrap the crate's [`SigningKey`] / [`VerifyingKey`], so the
//! SM2 and Ed25519 code (and the SM2 key's scrubbing on drop) is the one in
//! `credential::keys`.
//!
//! [`SM2_DISTINGUISHING_ID`]: crate::credential::keys::SM2_DISTINGUISHING_ID

use std::fmt;

use zeroize::Zeroizing;

use crate::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use crate::error::{Error, Result};
use crate::rng::CryptoRng;
use crate::suite::Suite;

/// The algorithm of a suite's device keys.
fn algorithm(suite: Suite) -> Algorithm {
    match suite {
        Suite::Intl => Algorithm::EdDsa,
        Suite::Gm => Algorithm::Sm2,
    }
}

/// The device's signing key for checkpoints: Ed25519 (`intl`) or SM2
/// (`gm`). No `Debug`; the secret is zeroized on drop (as
/// [`SigningKey`]'s is). `Clone` makes a second handle on the same secret.
pub struct DeviceKey(SigningKey);

impl Clone for DeviceKey {
    fn clone(&self) -> Self {
        Self(self.0.duplicate())
    }
}

impl DeviceKey {
    /// The key of `suite` from its 32 secret bytes: an Ed25519 seed, or an
    /// SM2 secret scalar (big-endian).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an SM2 scalar of 0 or ≥ n;
    /// [`Error::UnsupportedAlgorithm`] for `gm` in a module without it.
    pub fn from_seed(suite: Suite, seed: &[u8; 32]) -> Result<Self> {
        match suite {
            Suite::Intl => Ok(Self::from_bytes(seed)),
            #[cfg(feature = "gm")]
            Suite::Gm => SigningKey::sm2_from_scalar(seed)
                .map(Self)
                .ok_or(Error::InvalidKey {
                    reason: "an SM2 device key is a scalar 0 < d < n",
                }),
            #[cfg(not(feature = "gm"))]
            Suite::Gm => Err(crate::suite::not_compiled_in(suite, "SM2 device keys")),
        }
    }

    /// The Ed25519 (`intl`) key with this seed.
    #[must_use]
    pub fn from_bytes(seed: &[u8; 32]) -> Self {
        Self(SigningKey::ed25519_from_seed(seed))
    }

    /// A fresh key of `suite` from the module's generator.
    ///
    /// # Errors
    /// [`Error::NotInitialized`] before the generator is seeded;
    /// [`Error::UnsupportedAlgorithm`] for `gm` in a module without it.
    pub fn generate(suite: Suite) -> Result<Self> {
        Self::generate_with_rng(suite, &mut crate::rng::rng()?)
    }

    /// [`DeviceKey::generate`] from a caller-supplied generator.
    ///
    /// # Errors
    /// As [`DeviceKey::generate`], except [`Error::NotInitialized`].
    pub fn generate_with_rng(suite: Suite, rng: &mut impl CryptoRng) -> Result<Self> {
        if suite == Suite::Gm {
            suite.require()?;
        }
        SigningKey::generate_with_rng(algorithm(suite), rng).map(Self)
    }

    /// A device key from a signing key of the crate (`EdDSA` or `SM2`).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for `ES256`: checkpoints are signed
    /// with Ed25519 or SM2.
    pub fn from_signing_key(key: &SigningKey) -> Result<Self> {
        match key.alg() {
            Algorithm::EdDsa | Algorithm::Sm2 => Ok(Self(key.duplicate())),
            Algorithm::Es256 => Err(Error::UnsupportedAlgorithm {
                name: "ES256 (the consent log signs checkpoints with an EdDSA or SM2 key)".into(),
            }),
        }
    }

    /// The key's suite (the suite of the log it signs).
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.0.alg().suite()
    }

    /// The public key.
    #[must_use]
    pub fn verifying_key(&self) -> DevicePublicKey {
        DevicePublicKey::from_verifying_key(self.0.verifying_key().clone())
    }

    /// The 32 secret bytes [`DeviceKey::from_seed`] reads (the Ed25519
    /// seed or the SM2 scalar), for the wallet's encrypted state and the
    /// export. Handle with care.
    #[must_use]
    pub fn to_seed(&self) -> Zeroizing<[u8; 32]> {
        self.0.secret_bytes()
    }

    /// Signs `message`: Ed25519 `R‖S` or SM2 `r‖s`, 64 bytes.
    ///
    /// # Errors
    /// [`Error::Internal`] if the signer fails.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.0.sign(message)
    }
}

/// The device's public key, which verifies checkpoints and receipts:
/// Ed25519 (32 bytes) or SM2 (65 bytes `04‖x‖y`).
#[derive(Clone)]
pub struct DevicePublicKey {
    key: VerifyingKey,
    bytes: Vec<u8>,
}

impl fmt::Debug for DevicePublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DevicePublicKey({}, {})",
            self.suite().name(),
            self.key.kid()
        )
    }
}

impl PartialEq for DevicePublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for DevicePublicKey {}

impl DevicePublicKey {
    fn from_verifying_key(key: VerifyingKey) -> Self {
        Self {
            bytes: key.to_raw(),
            key,
        }
    }

    /// Reads a public key: 32 bytes are Ed25519 (`intl`), 65 bytes
    /// `04‖x‖y` SM2 (`gm`).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for any other length or a point not on its
    /// curve; [`Error::UnsupportedAlgorithm`] for an SM2 key in a module
    /// without the `gm` suite.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let alg = match bytes.len() {
            32 => Algorithm::EdDsa,
            65 => Algorithm::Sm2,
            _ => {
                return Err(Error::InvalidKey {
                    reason: "a device public key is 32 bytes (Ed25519) or 65 bytes (SM2, 04‖x‖y)",
                })
            }
        };
        VerifyingKey::from_raw(alg, bytes).map(Self::from_verifying_key)
    }

    /// Reads a public key of `suite` (see [`DevicePublicKey::from_bytes`]).
    ///
    /// # Errors
    /// As [`DevicePublicKey::from_bytes`]; [`Error::InvalidKey`] for a key
    /// of the other suite.
    pub fn from_bytes_of(suite: Suite, bytes: &[u8]) -> Result<Self> {
        let key = Self::from_bytes(bytes)?;
        if key.suite() != suite {
            return Err(Error::InvalidKey {
                reason: "the device key is of the other suite",
            });
        }
        Ok(key)
    }

    /// A device public key from a public key of the crate (`EdDSA` or
    /// `SM2`), e.g. one read from a JWK.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for `ES256`.
    pub fn from_verifying_key_of(key: &VerifyingKey) -> Result<Self> {
        match key.alg() {
            Algorithm::EdDsa | Algorithm::Sm2 => Ok(Self::from_verifying_key(key.clone())),
            Algorithm::Es256 => Err(Error::UnsupportedAlgorithm {
                name: "ES256 (checkpoints are signed with Ed25519 or SM2 keys)".into(),
            }),
        }
    }

    /// The encoding [`DevicePublicKey::from_bytes`] reads.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// The encoding, borrowed.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The key's suite.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.key.alg().suite()
    }

    /// The key as the crate's [`VerifyingKey`] (for its JWK).
    #[must_use]
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The public JWK without `kid`: `{ kty: "OKP", crv: "Ed25519", x }`
    /// (`intl`) or `{ kty: "EC", crv: "SM2", x, y }` (`gm`), the form the
    /// wallet's `devicePublicJwk` and `consent.verifyContinuity` give.
    #[must_use]
    pub fn jwk(&self) -> serde_json::Value {
        let mut jwk = self.key.to_jwk();
        if let Some(o) = jwk.as_object_mut() {
            o.remove("kid");
        }
        jwk
    }

    /// Checks a 64-byte signature over `message`.
    ///
    /// # Errors
    /// [`Error::VerifyFailed`] if it does not verify.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        self.key.verify(message, signature)
    }
}
