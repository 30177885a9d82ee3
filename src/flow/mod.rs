//! The disclosure flow: a relying party's signed request → the citizen's
//! consent → a persisted consent record → a key-bound presentation of only
//! the chosen claims → sealed to the relying party; and on the other side,
//! open → verify → check against the request → reject replays.
//!
//! - [`request`]: the signed request format (`docs/FORMAT.md`, "Request");
//! - [`wallet::Wallet`]: the phone's side: credentials, evaluation for a
//!   consent screen, [`wallet::Wallet::respond`] in the enforced order;
//! - [`verifier::Verifier`]: the relying party's side.
//!
//! The order is the point. [`wallet::Wallet::respond`] verifies the request,
//! checks the choices against it, builds the presentation, appends the
//! consent record and **persists it**, and only then seals the answer; if
//! the storage fails, the record is taken back out of memory and no
//! envelope exists. In JavaScript, where storage is asynchronous, the same
//! steps run in [`wallet::Wallet::begin_response`] →
//! (persist) → [`wallet::PendingResponse::seal`], with
//! [`wallet::Wallet::abort_response`] on failure.

pub mod request;
pub mod verifier;
pub mod wallet;

use std::collections::BTreeMap;

use crate::credential::jose::b64url;
use crate::error::Result;
use crate::suite::Suite;

/// The HPKE `info` of a sealed response.
pub const RESPONSE_INFO: &[u8] = b"mpshield response v1";
/// The `typ` member of a response's plaintext.
pub const RESPONSE_TYP: &str = "mpshield-response";
/// Longest sealed response a verifier opens, checked before decrypting:
/// 1 MiB, room for a presentation of
/// [`crate::credential::sdjwt::MAX_SD_JWT_BYTES`], the request of
/// [`request::MAX_REQUEST_BYTES`] and a receipt, base64url-encoded in JSON.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// The consent record's `presentation.sdHash` for `presentation` (an
/// SD-JWT with its KB-JWT): base64url of the suite's hash (SHA-256 intl,
/// SM3 gm) of `<JWT>~<disclosures>~`, the part the KB-JWT's `sd_hash` also
/// covers. The record belongs to the wallet's consent log, so it hashes
/// with the log's suite; the KB-JWT's own `sd_hash` follows the
/// credential's `_sd_alg` (both are SM3 for an `sm3` credential in gm).
/// `None` if `presentation` holds no `~`.
#[must_use]
pub fn record_sd_hash(suite: Suite, presentation: &str) -> Option<String> {
    presentation
        .rfind('~')
        .and_then(|i| presentation.get(..=i))
        .map(|p| b64url(&suite.digest(p.as_bytes())))
}

/// `suite` with its article, for messages: "an intl", "a gm".
pub(crate) fn a_suite(suite: Suite) -> &'static str {
    match suite {
        Suite::Intl => "an intl",
        Suite::Gm => "a gm",
    }
}

/// A key–value store for the wallet's encrypted state (native callers; in
/// JavaScript the storage adapters play this part): `get`, `set`,
/// `remove`.
pub use crate::consent::commit::KeyValue as Storage;

/// [`Storage`] in memory.
#[derive(Clone, Default)]
pub struct MemoryStorage {
    entries: BTreeMap<String, Vec<u8>>,
}

impl MemoryStorage {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Every key and value, for inspection in tests.
    #[must_use]
    pub fn entries(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.entries
    }

    /// Mutable access to the values, for tamper tests.
    pub fn entries_mut(&mut self) -> &mut BTreeMap<String, Vec<u8>> {
        &mut self.entries
    }
}

impl Storage for MemoryStorage {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.entries.get(key).cloned())
    }
    fn set(&mut self, key: &str, value: &[u8]) -> Result<()> {
        self.entries.insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<()> {
        self.entries.remove(key);
        Ok(())
    }
}
