//! Selective Disclosure for JWTs (RFC 9901) in the SD-JWT VC profile.
//!
//! - [`issue`] (government side, test fixtures): claims + the JSON Pointers
//!   of the disclosable ones → `<issuer-JWT>~<disclosure>~…~`, header
//!   `typ: dc+sd-jwt`, `_sd_alg` of the issuer key's suite ([`SdAlg`]:
//!   `sha-256` for `EdDSA`/`ES256`, `sm3` for `SM2`), salts of 128 bits from the DRBG,
//!   decoy digests, `_sd` sorted by digest (which hides the claim order as
//!   well as shuffling would, and is reproducible), `cnf.jwk` holder binding.
//!   `iss`, `nbf`, `exp`, `cnf`, `vct` and `status` can never be
//!   disclosable.
//! - [`present`] (holder): keep only the chosen disclosures and append a
//!   key-binding JWT (`typ: kb+jwt`, `iat`, `aud`, `nonce`, `sd_hash`).
//!   Choosing a claim also reveals every disclosable object or array element
//!   that contains it, and everything disclosable beneath it.
//! - [`verify`] (relying party): signature by a trusted issuer key, `typ`,
//!   `_sd_alg`, time claims, every RFC 9901 §7 rule on disclosures, and key
//!   binding → the processed claims (§7.3) and the pointers disclosed.
//! - [`decode`]: what a credential contains, without verifying it, for the
//!   consent screen.
//!
//! Everything hashed (disclosure and decoy digests, `sd_hash`) follows the
//! credential's `_sd_alg`; a key-binding JWT is signed with the holder
//! key's own algorithm, so holders of either suite present credentials of
//! either.
//!
//! Disclosures are always hashed exactly as received (the base64url text),
//! never re-encoded, so credentials from other implementations verify.
//!
//! ```
//! # fn main() -> Result<(), mpshield::Error> {
//! use mpshield::credential::keys::{Algorithm, SigningKey};
//! use mpshield::credential::sdjwt::{self, IssueOptions, PresentOptions, VerifyOptions};
//! use serde_json::json;
//! mpshield::rng::add_entropy(&[0x5a, 0xa5].repeat(16))?;
//! let issuer = SigningKey::generate(Algorithm::Es256)?;
//! let holder = SigningKey::generate(Algorithm::EdDsa)?;
//! let credential = sdjwt::issue(&issuer, &IssueOptions {
//!     claims: json!({ "name": "测试甲", "age_equal_or_over": { "18": true } }),
//!     disclosable: vec!["/name".into(), "/age_equal_or_over/18".into()],
//!     holder_public_jwk: Some(holder.public_jwk()),
//!     vct: "urn:example:test".into(),
//!     iss: "https://issuer.example".into(),
//!     iat: Some(1_700_000_000),
//!     ..IssueOptions::default()
//! })?;
//! let presentation = sdjwt::present(&credential, &holder, &PresentOptions {
//!     disclose: vec!["/age_equal_or_over/18".into()],
//!     aud: "hotel".into(),
//!     nonce: "n-1".into(),
//!     iat: Some(1_700_000_100),
//! })?;
//! let verified = sdjwt::verify(&presentation, &VerifyOptions {
//!     issuer_keys: vec![issuer.verifying_key().clone()],
//!     aud: Some("hotel".into()),
//!     nonce: Some("n-1".into()),
//!     now: Some(1_700_000_200),
//!     ..VerifyOptions::default()
//! })?;
//! assert_eq!(verified.disclosed, ["/age_equal_or_over/18"]);
//! assert_eq!(verified.claims["age_equal_or_over"]["18"], true);
//! assert!(verified.claims.get("name").is_none());
//! # Ok(())
//! # }
//! ```

mod hash;
mod issue;
pub mod pointer;
mod present;
mod verify;

pub use hash::SdAlg;
pub use issue::{issue, issue_with_rng, IssueOptions};
pub use present::{present, PresentOptions};
pub use verify::{
    decode, verify, Decoded, DecodedDisclosure, DecodedKeyBinding, KeyBinding, Verified,
    VerifyOptions,
};

/// The `typ` of an issuer-signed SD-JWT VC.
pub const TYP_SD_JWT: &str = "dc+sd-jwt";
/// The `typ` of a key-binding JWT.
pub const TYP_KB_JWT: &str = "kb+jwt";
/// RFC 9901's default `_sd_alg` (assumed when a credential has none), the
/// one of the `intl` suite; see [`SdAlg`] for `sm3`.
pub const SD_ALG: &str = "sha-256";
/// Top-level claims that must stay visible (RFC 9901 and SD-JWT VC).
pub const NEVER_DISCLOSABLE: &[&str] = &["iss", "nbf", "exp", "cnf", "vct", "status"];
/// Default allowance for clocks that disagree, in seconds.
pub const DEFAULT_CLOCK_SKEW: i64 = 60;
/// Default maximum age of a key-binding JWT, in seconds.
pub const DEFAULT_MAX_KEY_BINDING_AGE: i64 = 300;
/// Most decoy digests [`issue`] adds to one object.
pub const MAX_DECOYS: u32 = 64;

/// Deepest claim mpshield issues, presents, verifies or decodes, in JSON
/// Pointer reference tokens: `/name` is 1 deep, `/address/province` 2,
/// `/nationalities/0` 2. Counted in the processed claims, that is after
/// every disclosure is substituted, so it bounds a chain of disclosures
/// nested in one another (each disclosure is parsed on its own, and
/// serde_json's limit of 128 per parse never sees the whole); the
/// issuer-signed payload and each disclosure's value are also refused when
/// they alone nest deeper.
///
/// The licences of `credential::licence` are at most 2 deep (a predicate
/// such as `/age_equal_or_over/18`); real credentials, RFC 9901's examples
/// included, stay within 4. 32 is eight times that, while keeping every walk, clone, serialisation
/// and drop of the claims to a few dozen stack frames, far inside the
/// stack of the WebAssembly module (1 MiB) and of the JavaScript engine.
pub const MAX_CLAIM_DEPTH: usize = 32;

/// Longest SD-JWT (issued credential or presentation, as text) accepted,
/// 512 KiB, checked before anything is decoded. The largest licence, with a
/// portrait photo of ~100 KB (base64 in a JSON string, then base64url in a
/// disclosure: about 180 KB), fits with room to spare; wallets store up to
/// `flow::wallet::MAX_CREDENTIALS` of them.
pub const MAX_SD_JWT_BYTES: usize = 512 * 1024;

/// Most disclosures one SD-JWT may carry, checked (by counting `~`) before
/// any is decoded. The largest licence schema has about 30 disclosable
/// claims, masked forms and predicates; 256 leaves room for issuers that make array
/// elements disclosable one by one.
pub const MAX_DISCLOSURES: usize = 256;
