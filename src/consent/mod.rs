//! Account: the tamper-evident consent log.
//!
//! - [`merkle`]: RFC 6962 Merkle tree with inclusion and consistency proofs.
//! - [`checkpoint`]: C2SP signed-note checkpoints, signed by the device.

pub mod checkpoint;
pub mod merkle;
