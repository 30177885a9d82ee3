//! Account: the tamper-evident consent log.
//!
//! - [`record`]: the consent record (ISO/IEC TS 27560, PIPL) and its
//!   RFC 8785 canonical form ([`jcs`]).
//! - [`merkle`]: RFC 6962 Merkle tree with inclusion and consistency proofs,
//!   over SHA-256 (`intl`) or SM3 (`gm`).
//! - [`device`]: the device key ([`DeviceKey`]), Ed25519 (`intl`) or SM2
//!   (`gm`); a log's suite is its device key's.
//! - [`checkpoint`]: C2SP signed-note checkpoints, signed by the device.
//! - [`log`]: [`ConsentLog`], the append-only log of records.
//! - [`receipt`]: receipts that travel with the data, and their verification.
//! - [`store`]: storage keys and `derive_storage_key`.
//! - [`commit`]: storage format 2 (append-only, crash-safe).
//! - [`handover`]: moving the log to a new phone, and continuity proofs.
//!
//! ```
//! # fn main() -> Result<(), mpshield::Error> {
//! use mpshield::consent::{commit, record, verify_receipt, ConsentLog, DeviceKey, StorageKey};
//! mpshield::rng::add_entropy(&(0u8..32).collect::<Vec<_>>())?; // the host's entropy
//! let device = DeviceKey::from_bytes(&[1; 32]); // synthetic; keep real keys secret
//! let mut log = ConsentLog::create(device.clone(), "mpshield.example/device/1a2b")?;
//! let uscc = format!("91440300MA0000001{}", record::uscc_check_character("91440300MA0000001")?);
//! let rec = record::from_json(&format!(r#"{{
//!   "event": "disclosed", "time": 1795327380,
//!   "controller": {{ "name": "某某酒店", "uscc": "{uscc}" }},
//!   "purposes": ["住宿登记"], "lawfulBasis": "legal_duty", "consentType": "explicit",
//!   "fields": [{{ "licence": "resident_id_card", "field": "id_number",
//!                 "form": "masked", "sensitive": false, "retentionDays": 30 }}] }}"#))?;
//! let at = log.append(rec)?;
//! let receipt = log.receipt(at.index)?; // travels with the data
//! let proven = verify_receipt(&receipt, &device.verifying_key())?;
//! assert_eq!(proven.record.controller.name, "某某酒店");
//! let line = &log.history("zh-CN")?[0].line;
//! assert_eq!(line, "2026-11-22 14:03 向 某某酒店 提供了 公民身份号码（脱敏）用于 住宿登记，保存 30 天");
//! let key = StorageKey::from_bytes([7; 32]); // from the host, or derive_storage_key
//! let mut storage = mpshield::flow::MemoryStorage::new(); // any get/set/remove store
//! let mut committer = commit::Committer::new(commit::LOG_PREFIX);
//! commit::save_sync(&mut committer, &mut storage, &log, &[], &key)?; // writes what is new
//! let note = log.checkpoint()?; // kept outside the log's storage
//! let (back, _) = commit::open_log(&mut storage, &key, device, "mpshield.example/device/1a2b", Some(&note))?;
//! assert_eq!(back.root(), log.root());
//! # Ok(())
//! # }
//! ```
//!
//! A log of the `gm` (国密) suite is the same code with an SM2 device key:
//! an SM3 tree, SM2-signed checkpoints, version-2 receipts, SM4-GCM storage
//! (`docs/FORMAT.md`, "The consent log in the two suites").
//!
//! ```
//! # fn main() -> Result<(), mpshield::Error> {
//! # #[cfg(feature = "gm")] {
//! use mpshield::consent::{verify_receipt, ConsentLog, DeviceKey};
//! use mpshield::suite::Suite;
//! mpshield::rng::add_entropy(&(0u8..32).collect::<Vec<_>>())?;
//! let device = DeviceKey::generate(Suite::Gm)?; // SM2
//! let mut log = ConsentLog::create(device.clone(), "mpshield.example/device/3c4d")?;
//! assert_eq!(log.suite(), Suite::Gm);
//! let rec = mpshield::consent::record::from_json(r#"{
//!   "event": "refused", "time": 1795327380,
//!   "controller": { "name": "某某酒店", "uscc": "91440300MA0000000H" },
//!   "purposes": ["住宿登记"], "lawfulBasis": "consent", "consentType": "explicit",
//!   "fields": [{ "licence": "resident_id_card", "field": "name", "form": "full",
//!                "sensitive": false, "retentionDays": 0 }] }"#)?;
//! let at = log.append(rec)?;
//! let receipt = log.receipt(at.index)?;
//! assert_eq!(&receipt[..4], b"MPR\x02");
//! verify_receipt(&receipt, &device.verifying_key())?;
//! # }
//! # Ok(())
//! # }
//! ```

pub mod checkpoint;
pub mod commit;
pub mod device;
pub mod handover;
pub mod jcs;
pub mod log;
pub mod merkle;
pub mod receipt;
pub mod record;
pub mod store;

pub use log::{Appended, ConsentLog, HistoryEntry, PruneStop, Pruned, Status};
pub use receipt::{verify_receipt, VerifiedReceipt};
pub use record::ConsentRecord;
pub use store::{derive_storage_key, KdfParams, StorageKey};

pub use device::{DeviceKey, DevicePublicKey};
