//! # mpshield
//!
//! Seal, selectively disclose and account for personal data on the phone,
//! before anything leaves it. mpshield is written for government
//! mini-programs (WeChat first, also browsers and Node) and compiles to a
//! WebAssembly 1.0 module; this crate is also a plain Rust library, tested
//! natively.
//!
//! - [`rng`]: the one host-seeded DRBG every random value comes from;
//! - [`seal`]: HPKE (RFC 9180), envelopes and streams that only the
//!   intended recipient can open;
//! - [`credential::idcard`]: GB 11643-1999 citizen ID numbers;
//! - [`credential::keys`], [`credential::sdjwt`], [`credential::licence`],
//!   [`credential::mask`]: signing keys as JWKs, SD-JWT VCs (RFC 9901),
//!   Chinese licence schemas with derived claims, and masking rules;
//! - [`consent`]: consent records, the device-signed Merkle log, receipts
//!   and encrypted storage;
//! - [`error`]: the one error type, with stable codes.
//!
//! ```
//! # fn main() -> Result<(), mpshield::Error> {
//! mpshield::rng::add_entropy(&[0x5a, 0xa5].repeat(16))?; // the host's entropy
//! let id = mpshield::credential::idcard::parse("11010519491231002X")?;
//! assert_eq!(id.province, "北京市");
//! assert_eq!(id.birth_date, "1949-12-31");
//! let nonce = mpshield::random_bytes(16)?;
//! assert_eq!(nonce.len(), 16);
//! assert_eq!(mpshield::version(), env!("CARGO_PKG_VERSION"));
//! # Ok(())
//! # }
//! ```

#![cfg_attr(test, allow(clippy::indexing_slicing))]
// The phone module (feature "full" off) leaves out exports whose helpers
// then go unused there; every lint still runs on the full build.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

pub mod clock;
pub mod consent;
pub mod credential;
pub mod error;
pub mod flow;
mod json;
pub mod rng;
pub mod seal;
pub mod suite;
pub mod wasm;

pub use error::{Error, Result};
pub use json::{MAX_JSON_DEPTH, MAX_JSON_TEXT_BYTES};
pub use rng::random_bytes;

/// The library's semantic version (the same in `Cargo.toml` and
/// `pkg/package.json`).
#[must_use]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
