//! Account: the tamper-evident consent log.
//!
//! - [`record`]: the consent record (ISO/IEC TS 27560, PIPL) and its
//!   RFC 8785 canonical form ([`jcs`]).
//! - [`merkle`]: RFC 6962 Merkle tree with inclusion and consistency proofs.
//! - [`checkpoint`]: C2SP signed-note checkpoints, signed by the device.
//! - [`log`]: [`ConsentLog`], the append-only log of records.
//! - [`receipt`]: receipts that travel with the data, and their verification.
//! - [`store`]: encrypted, segmented persistence and `derive_storage_key`.

pub mod checkpoint;
pub mod jcs;
pub mod log;
pub mod merkle;
pub mod receipt;
pub mod record;
pub mod store;

pub use log::{Appended, ConsentLog, HistoryEntry, Status};
pub use receipt::{verify_receipt, VerifiedReceipt};
pub use record::ConsentRecord;
pub use store::{derive_storage_key, KdfParams, StorageKey};

/// The device's signing key for checkpoints (Ed25519). The one place the
/// key type is named: swap it here for the crate's `SigningKey` when that
/// lands.
pub type DeviceKey = ed25519_dalek::SigningKey;
/// The device's public key, which verifies checkpoints and receipts.
pub type DevicePublicKey = ed25519_dalek::VerifyingKey;
