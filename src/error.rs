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
    /// The data ended early: a stream before its final chunk, an envelope
    /// or header before its declared length. (A chunk that is missing,
    /// reordered or duplicated in the middle of a stream does not open at
    /// its position and is [`Error::DecryptFailed`].)
    Truncated,
    /// A signature did not verify: wrong key, or a modified credential,
    /// presentation or key-binding JWT. Deliberately carries no detail.
    VerifyFailed,
    /// The credential names an issuer key (`kid`) that is not in the list of
    /// trusted issuer keys, or no trusted keys were given.
    UntrustedIssuer,
    /// An SD-JWT (or one of its disclosures) is malformed or breaks a rule
    /// of RFC 9901: duplicate or unreferenced disclosures, reserved claim
    /// names, a wrong `typ`, and so on.
    InvalidCredential {
        /// What was wrong (structure only).
        reason: String,
    },
    /// The credential's `exp` has passed (allowing for clock skew).
    Expired,
    /// The credential's `nbf` or `iat` is still in the future (allowing for
    /// clock skew).
    NotYetValid,
    /// Key binding is missing when required, or the key-binding JWT does not
    /// match the request: wrong `aud`, `nonce` or `sd_hash`, stale `iat`.
    InvalidKeyBinding {
        /// Which check failed.
        reason: &'static str,
    },
    /// A JSON Web Key is malformed, of an unsupported type or curve, or a
    /// private key where a public one was expected.
    InvalidJwk {
        /// What was wrong with the JWK.
        reason: &'static str,
    },
    /// A claim asked to be selectively disclosable that must stay visible
    /// (`iss`, `nbf`, `exp`, `cnf`, `vct`, `status`, …).
    NotDisclosable {
        /// The JSON Pointer of the claim.
        pointer: String,
    },
    /// A licence type that has no schema.
    UnknownLicenceType {
        /// The type that was asked for.
        name: String,
    },
    /// A licence field (or a value given to a masking rule) is missing,
    /// unknown or fails validation.
    InvalidClaim {
        /// The field id (or masking rule id).
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A masking rule id that does not exist.
    UnknownMaskRule {
        /// The rule that was asked for.
        name: String,
    },
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
    /// A relying party's request is signed by a key that is not in the
    /// wallet's trusted verifiers (and unverified requesters are not
    /// allowed).
    UntrustedVerifier,
    /// A relying party's request is malformed, of another type, or asks for
    /// something no licence schema offers.
    InvalidRequest {
        /// What was wrong (structure only).
        reason: String,
    },
    /// The citizen's choices name a field or form the request did not ask
    /// for, or leave out a required field.
    NotRequested {
        /// The field, and what was wrong with it.
        reason: String,
    },
    /// A sensitive field (PIPL Art. 28–29) was chosen without the citizen's
    /// separate consent.
    SeparateConsentRequired {
        /// The field id.
        field: String,
    },
    /// The wallet holds no credential of the licence type the choice needs
    /// (or none that carries the chosen claim).
    CredentialNotFound {
        /// The licence type.
        licence: String,
    },
    /// A response to this request nonce was already accepted.
    Replayed,
    /// A sealed response is malformed or does not match the request it
    /// answers.
    InvalidResponse {
        /// What was wrong (structure only).
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
            Self::VerifyFailed => "VERIFY_FAILED",
            Self::UntrustedIssuer => "UNTRUSTED_ISSUER",
            Self::InvalidCredential { .. } => "INVALID_CREDENTIAL",
            Self::Expired => "EXPIRED",
            Self::NotYetValid => "NOT_YET_VALID",
            Self::InvalidKeyBinding { .. } => "INVALID_KEY_BINDING",
            Self::InvalidJwk { .. } => "INVALID_JWK",
            Self::NotDisclosable { .. } => "NOT_DISCLOSABLE",
            Self::UnknownLicenceType { .. } => "UNKNOWN_LICENCE_TYPE",
            Self::InvalidClaim { .. } => "INVALID_CLAIM",
            Self::UnknownMaskRule { .. } => "UNKNOWN_MASK_RULE",
            Self::InvalidProof => "INVALID_PROOF",
            Self::InvalidCheckpoint { .. } => "INVALID_CHECKPOINT",
            Self::InvalidRecord { .. } => "INVALID_RECORD",
            Self::RecordNotFound { .. } => "RECORD_NOT_FOUND",
            Self::InvalidState { .. } => "INVALID_STATE",
            Self::InvalidReceipt { .. } => "INVALID_RECEIPT",
            Self::StorageCorrupt { .. } => "STORAGE_CORRUPT",
            Self::RollbackDetected => "ROLLBACK_DETECTED",
            Self::ConsentNotPersisted { .. } => "CONSENT_NOT_PERSISTED",
            Self::UntrustedVerifier => "UNTRUSTED_VERIFIER",
            Self::InvalidRequest { .. } => "INVALID_REQUEST",
            Self::NotRequested { .. } => "NOT_REQUESTED",
            Self::SeparateConsentRequired { .. } => "SEPARATE_CONSENT_REQUIRED",
            Self::CredentialNotFound { .. } => "CREDENTIAL_NOT_FOUND",
            Self::Replayed => "REPLAYED",
            Self::InvalidResponse { .. } => "INVALID_RESPONSE",
            Self::Internal { .. } => "INTERNAL",
        }
    }

    /// Shorthand for [`Error::InvalidCredential`].
    pub(crate) fn credential(reason: impl Into<String>) -> Self {
        Self::InvalidCredential {
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::InvalidClaim`].
    pub(crate) fn claim(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidClaim {
            field: field.into(),
            reason: reason.into(),
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
                "the data is truncated (a stream ended before its final chunk, or an envelope before its declared length): do not use any of it",
            ),
            Self::VerifyFailed => f.write_str(
                "signature verification failed: the credential or presentation was modified, or signed by another key",
            ),
            Self::UntrustedIssuer => f.write_str(
                "the issuer is not trusted: add its public JWK to the trusted issuer keys if it should be",
            ),
            Self::InvalidCredential { reason } => write!(f, "invalid SD-JWT: {reason}"),
            Self::Expired => f.write_str(
                "the credential has expired: ask the holder for a current one",
            ),
            Self::NotYetValid => f.write_str(
                "the credential is not valid yet: check the device clock or wait until its nbf",
            ),
            Self::InvalidKeyBinding { reason } => write!(
                f,
                "key binding failed ({reason}): ask the holder for a fresh presentation for this request"
            ),
            Self::InvalidJwk { reason } => write!(f, "invalid JWK: {reason}"),
            Self::NotDisclosable { pointer } => write!(
                f,
                "the claim {pointer} must stay visible and cannot be selectively disclosable"
            ),
            Self::UnknownLicenceType { name } => write!(
                f,
                "unknown licence type {name:?}: see licence.schemas() for the supported types"
            ),
            Self::InvalidClaim { field, reason } => write!(f, "invalid field {field}: {reason}"),
            Self::UnknownMaskRule { name } => write!(
                f,
                "unknown masking rule {name:?}: see mask.rules() for the supported rules"
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
                "the consent could not be saved ({reason}); nothing was disclosed. If storage is full, free space: prune the consent log (wallet.prune()) or move it off the phone (wallet.exportLog()), then try again"
            ),
            Self::UntrustedVerifier => f.write_str(
                "the requester is not a trusted verifier: do not disclose to it, or add its public JWK to trustedVerifiers if it should be trusted",
            ),
            Self::InvalidRequest { reason } => write!(
                f,
                "invalid request ({reason}): ask the relying party for a fresh request"
            ),
            Self::NotRequested { reason } => write!(
                f,
                "the choices do not match the request ({reason}): choose only requested fields in accepted forms"
            ),
            Self::SeparateConsentRequired { field } => write!(
                f,
                "{field} is sensitive personal information: the citizen must give separate consent for it"
            ),
            Self::CredentialNotFound { licence } => write!(
                f,
                "the wallet holds no {licence} credential with the chosen claim: add one with addCredential()"
            ),
            Self::Replayed => f.write_str(
                "this request was already answered: a response is accepted once; issue a new request",
            ),
            Self::InvalidResponse { reason } => write!(
                f,
                "invalid response ({reason}): do not use it; ask the citizen to respond again"
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
    "VERIFY_FAILED",
    "UNTRUSTED_ISSUER",
    "INVALID_CREDENTIAL",
    "EXPIRED",
    "NOT_YET_VALID",
    "INVALID_KEY_BINDING",
    "INVALID_JWK",
    "NOT_DISCLOSABLE",
    "UNKNOWN_LICENCE_TYPE",
    "INVALID_CLAIM",
    "UNKNOWN_MASK_RULE",
    "INVALID_PROOF",
    "INVALID_CHECKPOINT",
    "INVALID_RECORD",
    "RECORD_NOT_FOUND",
    "INVALID_STATE",
    "INVALID_RECEIPT",
    "STORAGE_CORRUPT",
    "ROLLBACK_DETECTED",
    "CONSENT_NOT_PERSISTED",
    "UNTRUSTED_VERIFIER",
    "INVALID_REQUEST",
    "NOT_REQUESTED",
    "SEPARATE_CONSENT_REQUIRED",
    "CREDENTIAL_NOT_FOUND",
    "REPLAYED",
    "INVALID_RESPONSE",
    "INTERNAL",
];

/// One example of every error, with its code and a fragment its message
/// must contain: the table the error tests run over natively and, through
/// the JavaScript mapping, in the browser.
#[doc(hidden)]
#[must_use]
pub fn examples() -> Vec<(Error, &'static str, &'static str)> {
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
        (Error::VerifyFailed, "VERIFY_FAILED", "verification failed"),
        (Error::UntrustedIssuer, "UNTRUSTED_ISSUER", "not trusted"),
        (
            Error::credential("duplicate digest"),
            "INVALID_CREDENTIAL",
            "duplicate digest",
        ),
        (Error::Expired, "EXPIRED", "expired"),
        (Error::NotYetValid, "NOT_YET_VALID", "not valid yet"),
        (
            Error::InvalidKeyBinding {
                reason: "wrong aud",
            },
            "INVALID_KEY_BINDING",
            "wrong aud",
        ),
        (
            Error::InvalidJwk {
                reason: "unknown curve",
            },
            "INVALID_JWK",
            "unknown curve",
        ),
        (
            Error::NotDisclosable {
                pointer: "/iss".into(),
            },
            "NOT_DISCLOSABLE",
            "/iss",
        ),
        (
            Error::UnknownLicenceType {
                name: "fishing_permit".into(),
            },
            "UNKNOWN_LICENCE_TYPE",
            "fishing_permit",
        ),
        (
            Error::claim("birth_date", "not a date"),
            "INVALID_CLAIM",
            "birth_date",
        ),
        (
            Error::UnknownMaskRule {
                name: "iris".into(),
            },
            "UNKNOWN_MASK_RULE",
            "iris",
        ),
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
        (
            Error::UntrustedVerifier,
            "UNTRUSTED_VERIFIER",
            "trustedVerifiers",
        ),
        (
            Error::InvalidRequest {
                reason: "expired".into(),
            },
            "INVALID_REQUEST",
            "fresh request",
        ),
        (
            Error::NotRequested {
                reason: "address".into(),
            },
            "NOT_REQUESTED",
            "address",
        ),
        (
            Error::SeparateConsentRequired {
                field: "id_number".into(),
            },
            "SEPARATE_CONSENT_REQUIRED",
            "separate consent",
        ),
        (
            Error::CredentialNotFound {
                licence: "passport".into(),
            },
            "CREDENTIAL_NOT_FOUND",
            "passport",
        ),
        (Error::Replayed, "REPLAYED", "accepted once"),
        (
            Error::InvalidResponse {
                reason: "receipt".into(),
            },
            "INVALID_RESPONSE",
            "respond again",
        ),
        (Error::Internal { context: "rng" }, "INTERNAL", "bug"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_messages() {
        let t = examples();
        assert_eq!(t.len(), ALL_CODES.len(), "every code has a table row");
        for (err, code, fragment) in t {
            assert_eq!(err.code(), code);
            assert!(ALL_CODES.contains(&code));
            assert!(err.to_string().contains(fragment), "{err:?}");
            assert!(format!("{err:?}").contains(code));
        }
    }

    /// Storage full: the message keeps what the adapter said and names the
    /// way forward (prune, export), never just "try again".
    #[test]
    fn a_full_storage_names_the_way_forward() {
        let m = Error::ConsentNotPersisted {
            reason: "setStorage:fail exceed storage max size 10MB".into(),
        }
        .to_string();
        assert!(m.contains("exceed storage max size 10MB"), "{m}");
        assert!(
            m.contains("wallet.prune()") && m.contains("wallet.exportLog()"),
            "{m}"
        );
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
