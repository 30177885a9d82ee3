//! The two suites, `intl` and `gm` (国密), and what each compiled module
//! carries.
//!
//! Every capability exists in both suites with one code path: the formats
//! and protocols are written once, and a suite is a choice of algorithms —
//! X25519, Ed25519/P-256, SHA-256, AES-GCM/ChaCha20-Poly1305 for `intl`;
//! SM2 key agreement and signatures, SM3 and SM4-GCM for `gm`. Formats say
//! their suite, so a reader needs no option to know it.
//!
//! A module is built with one or both suites (Cargo features `intl`, `gm`):
//! the Node module carries both, each phone module one. An algorithm of a
//! suite a module leaves out fails with [`Error::UnsupportedAlgorithm`]
//! naming the module that has it ([`not_compiled_in`]).

use sha2::{Digest as _, Sha256};
use sm3::Sm3;

use crate::error::{Error, Result};

/// A suite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Suite {
    /// X25519, Ed25519/P-256, SHA-256, AES-GCM and ChaCha20-Poly1305.
    #[default]
    Intl,
    /// SM2, SM3 and SM4-GCM.
    Gm,
}

impl Suite {
    /// Both suites.
    pub const ALL: [Suite; 2] = [Suite::Intl, Suite::Gm];

    /// The name the JavaScript API and the formats use: `"intl"` or `"gm"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Intl => "intl",
            Self::Gm => "gm",
        }
    }

    /// Parses [`name`](Self::name).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for anything else.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| Error::input("suite must be \"intl\" or \"gm\""))
    }

    /// Whether this module carries the suite.
    #[must_use]
    pub fn compiled_in(self) -> bool {
        match self {
            Self::Intl => cfg!(feature = "intl"),
            Self::Gm => cfg!(feature = "gm"),
        }
    }

    /// Fails unless this module carries the suite.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] naming the module to load.
    pub fn require(self) -> Result<()> {
        if self.compiled_in() {
            Ok(())
        } else {
            Err(not_compiled_in(self, self.name()))
        }
    }

    /// The suite's hash (SHA-256 or SM3) of `bytes`: for key ids, digests
    /// and every protection that hashes.
    #[must_use]
    pub fn digest(self, bytes: &[u8]) -> [u8; 32] {
        match self {
            Self::Intl => Sha256::digest(bytes).into(),
            Self::Gm => Sm3::digest(bytes).into(),
        }
    }
}

/// The error for `what`, an algorithm of `suite`, in a module without it.
#[must_use]
pub fn not_compiled_in(suite: Suite, what: &str) -> Error {
    Error::UnsupportedAlgorithm {
        name: format!(
            "{what} ({} suite) is not in this module: load a module with the {} suite (README, \"国密\")",
            suite.name(),
            suite.name()
        ),
    }
}
