//! The one error type of mpshield, with stable string codes.
//!
//! Every failure in the library is an [`Error`]. Its [`Error::code`] is a
//! stable, upper-case string (`"INVALID_ID_NUMBER"`, `"DECRYPT_FAILED"`, …)
//! that JavaScript callers see as `MpShieldError.code`; the message is plain
//! English and says what to do next. Localised texts belong to the caller,
//! keyed by code.
//!
//! Cryptographic failures are deliberately opaque: a failed decryption or
//! signature check is one variant with one message, whatever the cause.

use std::fmt;

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in mpshield.
///
/// The enum is `#[non_exhaustive]`: new failure kinds may be added in minor
/// releases, each with a new code. Existing codes never change meaning.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The module was used before `init()` seeded its random generator.
    NotInitialized,
    /// The host supplied no (or too little) entropy to seed the generator.
    NoEntropy {
        /// What was wrong with the entropy that was offered.
        reason: &'static str,
    },
    /// An argument was missing, of the wrong type or out of range.
    InvalidInput {
        /// Which argument, and what was expected.
        reason: String,
    },
    /// A GB 11643-1999 citizen ID number failed validation.
    InvalidIdNumber {
        /// Why the number was rejected.
        reason: String,
    },
    /// A sealed message could not be opened: wrong key, wrong context or a
    /// modified ciphertext. Deliberately carries no detail.
    DecryptFailed,
    /// An envelope or stream header is malformed or of an unknown version.
    InvalidEnvelope {
        /// What was malformed (structure only, never secret-dependent).
        reason: &'static str,
    },
    /// A public or secret key is malformed or unusable (for example a
    /// low-order X25519 point).
    InvalidKey {
        /// What was wrong with the key.
        reason: &'static str,
    },
    /// An algorithm, suite or mode that mpshield does not support.
    UnsupportedAlgorithm {
        /// The algorithm that was asked for.
        name: String,
    },
    /// A stream ended before its final chunk, or a chunk was missing,
    /// reordered or duplicated.
    Truncated,
    /// A Merkle inclusion or consistency proof did not verify.
    InvalidProof,
    /// A signed checkpoint is malformed, for another origin, or not signed by
    /// the expected key.
    InvalidCheckpoint {
        /// What was wrong (structure only).
        reason: &'static str,
    },
    /// A consent record is malformed or breaks a consent rule (for example
    /// sensitive fields given without separate consent).
    InvalidRecord {
        /// Which field or rule, and what is expected.
        reason: String,
    },
    /// No record with this id (or index) is in the consent log.
    RecordNotFound {
        /// The record id or index that was asked for.
        id: String,
    },
    /// The operation does not fit the log's current state (for example
    /// withdrawing a consent twice, or withdrawing a refusal).
    InvalidState {
        /// What is in the way.
        reason: String,
    },
    /// A consent receipt is malformed, or its record, proof or checkpoint does
    /// not verify against the device key.
    InvalidReceipt {
        /// What was wrong (structure only).
        reason: &'static str,
    },
    /// Stored consent-log state is tampered, truncated, reordered,
    /// duplicated or mixed from different saves.
    StorageCorrupt {
        /// What was wrong (structure only).
        reason: &'static str,
    },
    /// The stored consent log is older than a checkpoint the caller trusts,
    /// or not an extension of it: an earlier state was restored.
    RollbackDetected,
    /// The consent could not be written to storage; nothing may be disclosed
    /// until it is.
    ConsentNotPersisted {
        /// What the storage reported.
        reason: String,
    },
    /// An internal invariant failed; this is a bug in mpshield.
    Internal {
        /// Where it happened.
        context: &'static str,
    },
}

impl Error {
    /// The stable code of this error, as JavaScript sees it in
    /// `MpShieldError.code`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotInitialized => "NOT_INITIALIZED",
            Self::NoEntropy { .. } => "NO_ENTROPY",
            Self::InvalidInput { .. } => "INVALID_INPUT",
            Self::InvalidIdNumber { .. } => "INVALID_ID_NUMBER",
            Self::DecryptFailed => "DECRYPT_FAILED",
            Self::InvalidEnvelope { .. } => "INVALID_ENVELOPE",
            Self::InvalidKey { .. } => "INVALID_KEY",
            Self::UnsupportedAlgorithm { .. } => "UNSUPPORTED_ALGORITHM",
            Self::Truncated => "TRUNCATED",
            Self::InvalidProof => "INVALID_PROOF",
            Self::InvalidCheckpoint { .. } => "INVALID_CHECKPOINT",
            Self::InvalidRecord { .. } => "INVALID_RECORD",
            Self::RecordNotFound { .. } => "RECORD_NOT_FOUND",
            Self::InvalidState { .. } => "INVALID_STATE",
            Self::InvalidReceipt { .. } => "INVALID_RECEIPT",
            Self::StorageCorrupt { .. } => "STORAGE_CORRUPT",
            Self::RollbackDetected => "ROLLBACK_DETECTED",
            Self::ConsentNotPersisted { .. } => "CONSENT_NOT_PERSISTED",
            Self::Internal { .. } => "INTERNAL",
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub(crate) fn input(reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotInitialized => f.write_str(
                "mpshield is not initialised: call and await init() before using it",
            ),
            Self::NoEntropy { reason } => write!(
                f,
                "no usable entropy ({reason}): pass at least 32 random bytes from the platform's secure generator to init()"
            ),
            Self::InvalidInput { reason } => write!(f, "invalid input: {reason}"),
            Self::InvalidIdNumber { reason } => write!(f, "invalid citizen ID number: {reason}"),
            Self::DecryptFailed => f.write_str(
                "decryption failed: the key, context or ciphertext does not match what was sealed",
            ),
            Self::InvalidEnvelope { reason } => write!(f, "invalid envelope: {reason}"),
            Self::InvalidKey { reason } => write!(f, "invalid key: {reason}"),
            Self::UnsupportedAlgorithm { name } => write!(f, "unsupported algorithm: {name}"),
            Self::Truncated => f.write_str(
                "the stream is truncated or its chunks are out of order: do not use any of its output",
            ),
            Self::InvalidProof => f.write_str(
                "the Merkle proof does not match the tree: the log or the proof was altered",
            ),
            Self::InvalidCheckpoint { reason } => write!(f, "invalid checkpoint: {reason}"),
            Self::InvalidRecord { reason } => write!(f, "invalid consent record: {reason}"),
            Self::RecordNotFound { id } => {
                write!(f, "no consent record {id} in this log: check the record id")
            }
            Self::InvalidState { reason } => write!(f, "not possible now: {reason}"),
            Self::InvalidReceipt { reason } => write!(
                f,
                "invalid consent receipt ({reason}): do not rely on it; ask for a fresh one"
            ),
            Self::StorageCorrupt { reason } => write!(
                f,
                "the stored consent log is damaged or was altered ({reason}): restore it from a backup"
            ),
            Self::RollbackDetected => f.write_str(
                "the stored consent log is older than a checkpoint already seen: an earlier state was restored",
            ),
            Self::ConsentNotPersisted { reason } => write!(
                f,
                "the consent could not be saved ({reason}): free storage and try again; nothing was disclosed"
            ),
            Self::Internal { context } => write!(
                f,
                "internal error in {context}: this is a bug in mpshield, please report it"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({}: {self})", self.code())
    }
}

impl std::error::Error for Error {}

/// Every error code mpshield can produce, for documentation and tests.
pub const ALL_CODES: &[&str] = &[
    "NOT_INITIALIZED",
    "NO_ENTROPY",
    "INVALID_INPUT",
    "INVALID_ID_NUMBER",
    "DECRYPT_FAILED",
    "INVALID_ENVELOPE",
    "INVALID_KEY",
    "UNSUPPORTED_ALGORITHM",
    "TRUNCATED",
    "INVALID_PROOF",
    "INVALID_CHECKPOINT",
    "INVALID_RECORD",
    "RECORD_NOT_FOUND",
    "INVALID_STATE",
    "INVALID_RECEIPT",
    "STORAGE_CORRUPT",
    "ROLLBACK_DETECTED",
    "CONSENT_NOT_PERSISTED",
    "INTERNAL",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Table: one example of every variant, its code, and a fragment its
    /// message must contain.
    fn table() -> Vec<(Error, &'static str, &'static str)> {
        vec![
            (Error::NotInitialized, "NOT_INITIALIZED", "init()"),
            (
                Error::NoEntropy {
                    reason: "too short",
                },
                "NO_ENTROPY",
                "too short",
            ),
            (
                Error::input("n must be 1..=65536"),
                "INVALID_INPUT",
                "65536",
            ),
            (
                Error::InvalidIdNumber {
                    reason: "bad check character".into(),
                },
                "INVALID_ID_NUMBER",
                "check character",
            ),
            (Error::DecryptFailed, "DECRYPT_FAILED", "decryption failed"),
            (
                Error::InvalidEnvelope {
                    reason: "unknown version",
                },
                "INVALID_ENVELOPE",
                "version",
            ),
            (
                Error::InvalidKey {
                    reason: "low order",
                },
                "INVALID_KEY",
                "low order",
            ),
            (
                Error::UnsupportedAlgorithm {
                    name: "RS256".into(),
                },
                "UNSUPPORTED_ALGORITHM",
                "RS256",
            ),
            (Error::Truncated, "TRUNCATED", "truncated"),
            (Error::InvalidProof, "INVALID_PROOF", "Merkle proof"),
            (
                Error::InvalidCheckpoint {
                    reason: "for another origin",
                },
                "INVALID_CHECKPOINT",
                "origin",
            ),
            (
                Error::InvalidRecord {
                    reason: "purposes must not be empty".into(),
                },
                "INVALID_RECORD",
                "purposes",
            ),
            (
                Error::RecordNotFound { id: "abc".into() },
                "RECORD_NOT_FOUND",
                "abc",
            ),
            (
                Error::InvalidState {
                    reason: "already withdrawn".into(),
                },
                "INVALID_STATE",
                "already withdrawn",
            ),
            (
                Error::InvalidReceipt {
                    reason: "trailing bytes",
                },
                "INVALID_RECEIPT",
                "trailing bytes",
            ),
            (
                Error::StorageCorrupt {
                    reason: "segment missing",
                },
                "STORAGE_CORRUPT",
                "segment missing",
            ),
            (
                Error::RollbackDetected,
                "ROLLBACK_DETECTED",
                "earlier state",
            ),
            (
                Error::ConsentNotPersisted {
                    reason: "quota exceeded".into(),
                },
                "CONSENT_NOT_PERSISTED",
                "quota exceeded",
            ),
            (Error::Internal { context: "rng" }, "INTERNAL", "bug"),
        ]
    }

    #[test]
    fn codes_and_messages() {
        let t = table();
        assert_eq!(t.len(), ALL_CODES.len(), "every code has a table row");
        for (err, code, fragment) in t {
            assert_eq!(err.code(), code);
            assert!(ALL_CODES.contains(&code));
            assert!(err.to_string().contains(fragment), "{err:?}");
            assert!(format!("{err:?}").contains(code));
        }
    }

    #[test]
    fn codes_are_unique_and_upper_snake() {
        let mut seen = std::collections::HashSet::new();
        for c in ALL_CODES {
            assert!(seen.insert(c), "duplicate code {c}");
            assert!(c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'));
        }
    }
}
