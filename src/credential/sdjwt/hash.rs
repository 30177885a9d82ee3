//! The hash of an SD-JWT (`_sd_alg`): SHA-256 (suite `intl`) or SM3
//! (suite `gm`), one code path for both.
//!
//! Everything an SD-JWT hashes follows its `_sd_alg`: the digests of its
//! disclosures, its decoy digests, and the key-binding JWT's `sd_hash`.
//! Both hashes are in every module (a wallet of either suite presents
//! credentials hashed with either), while the signature algorithms are
//! compiled per suite.
//!
//! A credential's hash belongs to its issuer's suite: an `SM2`-signed
//! credential hashes with `sm3`, an `EdDSA`/`ES256`-signed one with
//! `sha-256`. [`SdAlg::check_suite`] enforces that when issuing and when
//! reading a credential, so a gm credential relies on SM mechanisms alone
//! (what a 密评 assessment credits) and an intl one is readable by every
//! RFC 9901 implementation.

use sha2::Sha256;
use sm3::Sm3;

use crate::credential::jose::b64url;
use crate::credential::keys::Algorithm;
use crate::error::{Error, Result};

/// A digest algorithm for `_sd_alg`, by its IANA "Named Information Hash
/// Algorithm" name (`sm3` is not registered there; it is the name
/// interoperating gm implementations use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SdAlg {
    /// `sha-256`, RFC 9901's default.
    Sha256,
    /// `sm3` (GB/T 32905).
    Sm3,
}

impl SdAlg {
    /// The `_sd_alg` name: `"sha-256"` or `"sm3"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha256 => "sha-256",
            Self::Sm3 => "sm3",
        }
    }

    /// Parses an `_sd_alg` name (exactly, in lower case as RFC 9901 and
    /// the registry write them).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for anything but `"sha-256"` and
    /// `"sm3"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "sha-256" => Ok(Self::Sha256),
            "sm3" => Ok(Self::Sm3),
            other => Err(Error::UnsupportedAlgorithm {
                name: format!("_sd_alg {other}"),
            }),
        }
    }

    /// The hash of the signature algorithm's suite: `sm3` for `SM2`,
    /// `sha-256` for `EdDSA` and `ES256`.
    #[must_use]
    pub fn for_signature(alg: Algorithm) -> Self {
        if alg.is_gm() {
            Self::Sm3
        } else {
            Self::Sha256
        }
    }

    /// Checks that this hash belongs with a credential signed with `alg`
    /// (see the module docs).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] naming both when they belong to
    /// different suites.
    pub fn check_suite(self, alg: Algorithm) -> Result<()> {
        let want = Self::for_signature(alg);
        if self == want {
            return Ok(());
        }
        Err(Error::UnsupportedAlgorithm {
            name: format!(
                "_sd_alg {} with an {} issuer key (its suite hashes with {})",
                self.as_str(),
                alg.as_str(),
                want.as_str()
            ),
        })
    }

    /// The 32-byte digest of `bytes`.
    #[must_use]
    pub fn digest(self, bytes: &[u8]) -> [u8; 32] {
        use sha2::Digest as _;
        match self {
            Self::Sha256 => Sha256::digest(bytes).into(),
            Self::Sm3 => Sm3::digest(bytes).into(),
        }
    }

    /// base64url of [`SdAlg::digest`], as disclosure digests and `sd_hash`
    /// are written.
    #[must_use]
    pub fn digest_b64url(self, bytes: &[u8]) -> String {
        b64url(&self.digest(bytes))
    }
}

impl std::fmt::Display for SdAlg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
