//! Account: the tamper-evident consent log.
//!
//! - [`merkle`]: RFC 6962 Merkle tree with inclusion and consistency proofs.

pub mod merkle;
