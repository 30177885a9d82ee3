//! JavaScript bindings for the consent log, Merkle proofs, checkpoints,
//! receipts and storage keys.
//!
//! The package layer (`pkg/src/consent.js`) wraps these into the
//! CONTRACT.md API (`ConsentLog`, `merkle.*`, `checkpoint.*`, `consent.*`,
//! `deriveStorageKey`, `storage.*`) and does the asynchronous storage I/O:
//! the module plans each save of storage format 2 (`commit.rs`) and reads a
//! stored log back through a `StoreOpener`.
//!
//! | export | signature |
//! |---|---|
//! | `class ConsentLog` | `static create(signingKey: SigningKey, origin: string): ConsentLog` — an `EdDSA` key makes an `intl` log (SHA-256, Ed25519), an `SM2` key a `gm` one (SM3, SM2, `MPR\x02` receipts, SM4-GCM storage) |
//! | | `append(recordJson: string): { index, leafHash }` |
//! | | `withdraw(recordId: string, time?: number): { index, leafHash }` |
//! | | `get size(): number`, `root(): Uint8Array`, `checkpoint(): string` |
//! | | `inclusionProof(index, treeSize?)`, `consistencyProof(oldSize, newSize?)`: `Uint8Array` (the hashes concatenated) |
//! | | `get(index): string` (the record's JSON), `receipt(index): Uint8Array` |
//! | | `status(now?): { active, withdrawn, expired, refused }` |
//! | | `history(locale?, timeZone?): [{ index, record: string, line }]` |
//! | | `prune(upTo?, now?): { from, to, records, stop }`, `get pruned(): number` |
//! | | `planSave(storageKey)`, `saveFailed(storageKey)`, `saveConfirmed(storageKey, headBusy)`, `headWritten(ok)`, `foreignWriter()`: as `FlowWallet`'s (storage format 2) |
//! | | `static fromStore(opener: StoreOpener, signingKey, origin, trustedCheckpoint?): ConsentLog` |
//! | | `get suite(): "intl" \| "gm"` (the device key's) |
//! | `merkleLeafHash` | `(data: Uint8Array, hash?: "sha256" \| "sm3"): Uint8Array` |
//! | `merkleVerifyInclusion` | `(leafHash, index, treeSize, proof: Uint8Array, root, hash?): true` |
//! | `merkleVerifyConsistency` | `(oldSize, newSize, oldRoot, newRoot, proof: Uint8Array, hash?): true` |
//! | `checkpointVerify` | `(note: string, publicJwk: string (JSON), origin: string): { origin, size, root }` |
//! | `consentVerifyReceipt` | `(receipt: Uint8Array, devicePublicJwk: string (JSON)): { record: string, index, checkpoint: { origin, size, root, note } }` |
//! | `consentVerifyContinuity` | `(proof, checkpoint, devicePublicJwk: string (JSON), origin): { devicePublicJwk: string (JSON), checkpoint, restored }` |
//! | `deriveStorageKey` | `(pinText?: string, pinBytes?: Uint8Array, salt, memoryKib?, iterations?, parallelism?): Uint8Array` |
//!
//! JWKs come in as JSON text (the package layer `JSON.stringify`s the JWK it
//! has checked). Records come out as their RFC 8785 JSON text (the package
//! layer parses it); results holding bytes are objects built here, so that
//! roots and leaf hashes are `Uint8Array`s. Proofs cross the boundary as one `Uint8Array` of 32-byte hashes laid end
//! to end (the package layer splits and joins them). Sizes, indexes and
//! times are JavaScript numbers: non-negative integers up to 2^53 − 1.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::credential::JsSigningKey;
use super::flow::{keys_array, pair, pairs, JsOpener};
use super::{full_only, js_err};
use crate::consent::checkpoint::{self, Checkpoint};
use crate::consent::commit::{self, Committer};
use crate::consent::merkle::{self, Hash};
use crate::consent::{record, store, ConsentLog, DeviceKey, DevicePublicKey, StorageKey};
use crate::credential::keys::VerifyingKey;
use crate::error::Error;
use crate::suite::Suite;

type JsResult<T> = Result<T, JsValue>;

/// Largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

pub(crate) fn object(fields: &[(&str, JsValue)]) -> JsResult<JsValue> {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).map_err(|_| {
            js_err(Error::Internal {
                context: "build result object",
            })
        })?;
    }
    Ok(o.into())
}

/// A non-negative integer number (an index, size or time).
fn whole(v: f64, name: &str) -> JsResult<u64> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_SAFE_INTEGER {
        Ok(v as u64)
    } else {
        Err(js_err(Error::input(format!(
            "{name} must be an integer from 0 to 2^53 - 1"
        ))))
    }
}

pub(crate) fn time(v: Option<f64>, name: &str) -> JsResult<i64> {
    match v {
        Some(t) => i64::try_from(whole(t, name)?)
            .map_err(|_| js_err(Error::input(format!("{name} is out of range")))),
        None => crate::clock::now().map_err(js_err),
    }
}

fn hash(bytes: &[u8], name: &str) -> JsResult<Hash> {
    bytes
        .try_into()
        .map_err(|_| js_err(Error::input(format!("{name} must be 32 bytes"))))
}

fn hashes(bytes: &[u8], name: &str) -> JsResult<Vec<Hash>> {
    if !bytes.len().is_multiple_of(32) {
        return Err(js_err(Error::input(format!(
            "{name} must be a list of 32-byte hashes"
        ))));
    }
    bytes
        .chunks_exact(32)
        .map(|c| hash(c, name))
        .collect::<JsResult<Vec<_>>>()
}

fn joined(proof: &[Hash]) -> Vec<u8> {
    proof.concat()
}

/// The device key of a log: an `EdDSA` key makes an `intl` log, an `SM2`
/// key a `gm` one (the suite follows the key, CONTRACT.md "Suites").
///
/// # Errors
/// `UNSUPPORTED_ALGORITHM` for `ES256`.
fn device_key(key: &JsSigningKey) -> JsResult<DeviceKey> {
    DeviceKey::from_signing_key(key.inner()).map_err(js_err)
}

/// A device public key from its public JWK (JSON text): Ed25519
/// `{ kty: "OKP", crv: "Ed25519", x }` (`intl`) or SM2 `{ kty: "EC", crv:
/// "SM2", x, y }` (`gm`); the suite of what it verifies follows the key.
///
/// # Errors
/// [`Error::InvalidInput`] for malformed or oversized JSON (naming `name`);
/// [`Error::InvalidJwk`] for a JWK that is malformed, private, of an
/// unknown type or curve, or not a point on its curve;
/// [`Error::UnsupportedAlgorithm`] for a P-256 key (checkpoints are
/// Ed25519 or SM2), and for an SM2 key in a module without the `gm` suite.
pub(crate) fn device_public_key_of(jwk: &str, name: &str) -> Result<DevicePublicKey, Error> {
    let jwk = crate::json::parse_text(jwk).map_err(|e| Error::input(format!("{name}: {e}")))?;
    let key = VerifyingKey::from_jwk(&jwk)?;
    DevicePublicKey::from_verifying_key_of(&key).map_err(|e| match e {
        Error::UnsupportedAlgorithm { .. } => Error::UnsupportedAlgorithm {
            name: format!(
                "{} ({name} must be an Ed25519 or SM2 key: checkpoints are signed with one of those)",
                key.alg()
            ),
        },
        other => other,
    })
}

fn device_public_key(jwk: &str, name: &str) -> JsResult<DevicePublicKey> {
    device_public_key_of(jwk, name).map_err(js_err)
}

/// The tree hash a `merkle.*` call names in its `hash` option: `"sha256"`
/// (the default, `intl`) or `"sm3"` (`gm`). Both hashes are in every
/// module (Cargo.toml, `[features]`).
///
/// # Errors
/// [`Error::InvalidInput`] for any other value.
pub(crate) fn tree_hash(hash: Option<&str>) -> Result<Suite, Error> {
    match hash {
        None | Some("sha256") => Ok(Suite::Intl),
        Some("sm3") => Ok(Suite::Gm),
        Some(other) => Err(Error::input(format!(
            "hash must be \"sha256\" (the default) or \"sm3\", got {:?}",
            other.chars().take(32).collect::<String>()
        ))),
    }
}

fn tree_suite(hash: Option<String>) -> JsResult<Suite> {
    tree_hash(hash.as_deref()).map_err(js_err)
}

/// A record as its canonical JSON text, which the package layer parses:
/// one serialiser for records in the module (serde_json's, which the log
/// needs anyway) rather than a second one for JavaScript values.
fn record_text(r: &record::ConsentRecord) -> JsResult<String> {
    let bytes = r.canonical_bytes().map_err(js_err)?;
    String::from_utf8(bytes).map_err(|_| {
        js_err(Error::Internal {
            context: "record text",
        })
    })
}

pub(crate) fn storage_key(bytes: &[u8]) -> JsResult<StorageKey> {
    StorageKey::from_slice(bytes).map_err(js_err)
}

fn appended(a: crate::consent::Appended) -> JsResult<JsValue> {
    object(&[
        ("index", JsValue::from_f64(a.index as f64)),
        ("leafHash", Uint8Array::from(&a.leaf_hash[..]).into()),
    ])
}

/// `{ from, to, records, stop }` of a prune.
pub(crate) fn pruned_object(p: crate::consent::Pruned) -> JsResult<JsValue> {
    object(&[
        ("from", JsValue::from_f64(p.from as f64)),
        ("to", JsValue::from_f64(p.to as f64)),
        ("records", JsValue::from_f64(p.records() as f64)),
        ("stop", JsValue::from_str(p.stop.as_str())),
    ])
}

/// An optional size (`None`: no limit).
pub(crate) fn up_to(v: Option<f64>) -> JsResult<Option<u64>> {
    v.map(|s| whole(s, "upTo")).transpose()
}

fn checkpoint_object(cp: &Checkpoint, note: Option<&str>) -> JsResult<JsValue> {
    let mut fields = vec![
        ("origin", JsValue::from_str(&cp.origin)),
        ("size", JsValue::from_f64(cp.size as f64)),
        ("root", Uint8Array::from(&cp.root[..]).into()),
    ];
    if let Some(n) = note {
        fields.push(("note", JsValue::from_str(n)));
    }
    object(&fields)
}

/// A device's consent log (an opaque handle).
#[wasm_bindgen(js_name = ConsentLog)]
pub struct JsConsentLog {
    inner: ConsentLog,
    committer: Committer,
}

#[wasm_bindgen(js_class = ConsentLog)]
impl JsConsentLog {
    /// An empty log whose checkpoints `signing_key` signs under `origin`;
    /// its suite is the key's: `EdDSA` makes an `intl` log, `SM2` a `gm`
    /// one (SM3 tree, SM2-signed checkpoints, `MPR\x02` receipts, SM4-GCM
    /// storage).
    ///
    /// # Errors
    /// `UNSUPPORTED_ALGORITHM` for an `ES256` key, `INVALID_INPUT` for an
    /// invalid origin.
    pub fn create(signing_key: &JsSigningKey, origin: &str) -> JsResult<JsConsentLog> {
        let inner = ConsentLog::create(device_key(signing_key)?, origin).map_err(js_err)?;
        Ok(Self {
            inner,
            committer: Committer::new(commit::LOG_PREFIX),
        })
    }

    /// Appends a record given as JSON text (camelCase, unknown keys refused).
    ///
    /// # Errors
    /// `INVALID_RECORD`, `INVALID_STATE`, `RECORD_NOT_FOUND`,
    /// `NOT_INITIALIZED`.
    pub fn append(&mut self, record_json: &str) -> JsResult<JsValue> {
        let rec = record::from_json(record_json).map_err(js_err)?;
        appended(self.inner.append(rec).map_err(js_err)?)
    }

    /// Withdraws a consent at `time` (default: now).
    ///
    /// # Errors
    /// `RECORD_NOT_FOUND`, `INVALID_STATE`, `INVALID_INPUT`, `NOT_INITIALIZED`.
    pub fn withdraw(&mut self, record_id: &str, time_secs: Option<f64>) -> JsResult<JsValue> {
        let t = time(time_secs, "time")?;
        appended(self.inner.withdraw(record_id, t).map_err(js_err)?)
    }

    /// The log's suite, its device key's: `"intl"` or `"gm"`.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn suite(&self) -> String {
        self.inner.suite().name().to_owned()
    }

    /// Number of records.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn size(&self) -> f64 {
        self.inner.size() as f64
    }

    /// How many leading records are pruned (only their frontier is kept).
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn pruned(&self) -> f64 {
        self.inner.pruned() as f64
    }

    /// Prunes, in memory, the records no longer needed under the rule of
    /// `ConsentLog::prune_point`, up to `up_to` records (default: all) at
    /// `now` (default: the current time); the next save writes it.
    /// Returns `{ from, to, records, stop }`.
    ///
    /// # Errors
    /// `INVALID_INPUT`.
    pub fn prune(&mut self, up_to_size: Option<f64>, now: Option<f64>) -> JsResult<JsValue> {
        let limit = up_to(up_to_size)?.unwrap_or(u64::MAX);
        let t = time(now, "now")?;
        pruned_object(self.inner.prune(limit, t))
    }

    /// The Merkle root.
    #[must_use]
    pub fn root(&self) -> Vec<u8> {
        self.inner.root().to_vec()
    }

    /// A signed checkpoint (C2SP signed note).
    ///
    /// # Errors
    /// `INVALID_INPUT` (not for a log made by `create`).
    pub fn checkpoint(&self) -> JsResult<String> {
        self.inner.checkpoint().map_err(js_err)
    }

    /// The inclusion proof of `index` in the first `tree_size` records
    /// (default: all), hashes concatenated.
    ///
    /// # Errors
    /// `INVALID_INPUT` unless `index < treeSize ≤ size`.
    #[wasm_bindgen(js_name = inclusionProof)]
    pub fn inclusion_proof(&self, index: f64, tree_size: Option<f64>) -> JsResult<Vec<u8>> {
        let index = whole(index, "index")?;
        let size = match tree_size {
            Some(s) => whole(s, "treeSize")?,
            None => self.inner.size(),
        };
        let proof = self.inner.inclusion_proof(index, size).map_err(js_err)?;
        Ok(joined(&proof))
    }

    /// The consistency proof from `old_size` to `new_size` (default: all).
    ///
    /// # Errors
    /// `INVALID_INPUT` unless `0 < oldSize ≤ newSize ≤ size`.
    #[wasm_bindgen(js_name = consistencyProof)]
    pub fn consistency_proof(&self, old_size: f64, new_size: Option<f64>) -> JsResult<Vec<u8>> {
        let old = whole(old_size, "oldSize")?;
        let new = match new_size {
            Some(s) => whole(s, "newSize")?,
            None => self.inner.size(),
        };
        let proof = self.inner.consistency_proof(old, new).map_err(js_err)?;
        Ok(joined(&proof))
    }

    /// The record at `index`, as its canonical JSON text.
    ///
    /// # Errors
    /// `RECORD_NOT_FOUND`, `INVALID_INPUT`.
    pub fn get(&self, index: f64) -> JsResult<String> {
        let index = whole(index, "index")?;
        record_text(self.inner.get(index).map_err(js_err)?)
    }

    /// A receipt for the record at `index`.
    ///
    /// # Errors
    /// `RECORD_NOT_FOUND`, `INVALID_INPUT`.
    pub fn receipt(&self, index: f64) -> JsResult<Vec<u8>> {
        let index = whole(index, "index")?;
        self.inner.receipt(index).map_err(js_err)
    }

    /// Which consents are active, withdrawn, expired (at `now`, default:
    /// the current time) or refused.
    ///
    /// # Errors
    /// `INVALID_INPUT`.
    pub fn status(&self, now: Option<f64>) -> JsResult<JsValue> {
        let s = self.inner.status(time(now, "now")?);
        let list = |ids: &[String]| -> JsValue {
            ids.iter()
                .map(|i| JsValue::from_str(i))
                .collect::<Array>()
                .into()
        };
        object(&[
            ("active", list(&s.active)),
            ("withdrawn", list(&s.withdrawn)),
            ("expired", list(&s.expired)),
            ("refused", list(&s.refused)),
        ])
    }

    /// Every record with one readable line (`locale` `zh-CN` by default or
    /// `en`); the only time zone is `Asia/Shanghai`.
    ///
    /// # Errors
    /// `INVALID_INPUT` for another locale or time zone.
    pub fn history(&self, locale: Option<String>, time_zone: Option<String>) -> JsResult<Array> {
        history_of(&self.inner, locale, time_zone)
    }

    /// Plans a save (storage format 2): `[key, bytes]` pairs to write in
    /// order, the commit last (its key must not exist yet), then read back.
    ///
    /// # Errors
    /// `INVALID_STATE` (a save in flight), `CONSENT_NOT_PERSISTED` (too
    /// many failures in a row, or another writer), `INVALID_KEY`,
    /// `NOT_INITIALIZED`.
    #[wasm_bindgen(js_name = planSave)]
    pub fn plan_save(&mut self, storage_key_bytes: &[u8]) -> JsResult<Array> {
        let key = storage_key(storage_key_bytes)?;
        let plan = self
            .committer
            .plan(&self.inner, &[], &key)
            .map_err(js_err)?;
        Ok(pairs(plan.writes))
    }

    /// The planned save failed; returns the abandoned marker `[key, bytes]`
    /// to write, best effort.
    ///
    /// # Errors
    /// `INVALID_STATE` if no save is planned.
    #[wasm_bindgen(js_name = saveFailed)]
    pub fn save_failed(&mut self, storage_key_bytes: &[u8]) -> JsResult<Array> {
        let key = storage_key(storage_key_bytes)?;
        let (k, v) = self.committer.failed(&key).map_err(js_err)?;
        Ok(pair(&k, &v))
    }

    /// The planned save is written and read back; returns the head write
    /// `[key, bytes]`, or `null` when `head_busy`.
    ///
    /// # Errors
    /// `INVALID_STATE` if no save is planned.
    #[wasm_bindgen(js_name = saveConfirmed)]
    pub fn save_confirmed(
        &mut self,
        storage_key_bytes: &[u8],
        head_busy: bool,
    ) -> JsResult<JsValue> {
        let key = storage_key(storage_key_bytes)?;
        let head = self.committer.confirmed(&key, head_busy).map_err(js_err)?;
        Ok(head.map_or(JsValue::NULL, |h| pair(&h.key, &h.value).into()))
    }

    /// The next save goes to another storage: it starts a new store there
    /// (everything is written again, under generation 1).
    #[wasm_bindgen(js_name = restartStore)]
    pub fn restart_store(&mut self) {
        self.committer = Committer::new(commit::LOG_PREFIX);
    }

    /// The planned commit's key already existed: another writer uses this
    /// storage, and this log saves no more.
    #[wasm_bindgen(js_name = foreignWriter)]
    pub fn foreign_writer(&mut self) {
        self.committer.foreign_writer();
    }

    /// How the head write went; returns the keys to remove (best effort).
    #[wasm_bindgen(js_name = headWritten)]
    pub fn head_written(&mut self, ok: bool) -> Array {
        keys_array(&self.committer.head_written(ok))
    }

    /// The log an opener (made with `forLog`) found; the opener is used up.
    ///
    /// # Errors
    /// `DECRYPT_FAILED`, `STORAGE_CORRUPT` (also when nothing is stored),
    /// `INVALID_CHECKPOINT`, `ROLLBACK_DETECTED`, `UNSUPPORTED_ALGORITHM`,
    /// `INVALID_INPUT`.
    #[wasm_bindgen(js_name = fromStore)]
    pub fn from_store(
        opener: &mut JsOpener,
        signing_key: &JsSigningKey,
        origin: &str,
        trusted_checkpoint: Option<String>,
    ) -> JsResult<JsConsentLog> {
        let device = device_key(signing_key)?;
        let opened = opener.take()?.finish().map_err(js_err)?;
        let (inner, committer) = opened
            .into_log(device, origin, trusted_checkpoint.as_deref())
            .map_err(js_err)?;
        Ok(Self { inner, committer })
    }
}

/// Every record of `log` with one readable line (`JsConsentLog::history`).
///
/// # Errors
/// `INVALID_INPUT` for another locale or time zone.
pub(crate) fn history_of(
    log: &ConsentLog,
    locale: Option<String>,
    time_zone: Option<String>,
) -> JsResult<Array> {
    if let Some(tz) = time_zone.as_deref() {
        if tz != "Asia/Shanghai" {
            return Err(js_err(Error::input(format!(
                "timeZone must be \"Asia/Shanghai\" (the only one supported), got {tz:?}"
            ))));
        }
    }
    let entries = log
        .history(locale.as_deref().unwrap_or("zh-CN"))
        .map_err(js_err)?;
    let out = Array::new();
    for e in entries {
        out.push(&object(&[
            ("index", JsValue::from_f64(e.index as f64)),
            ("record", JsValue::from_str(&record_text(&e.record)?)),
            ("line", JsValue::from_str(&e.line)),
        ])?);
    }
    Ok(out)
}

/// The RFC 6962 leaf hash of `data`, `H(0x00 ‖ data)`, with `H` the
/// `hash` named (`"sha256"`, the default, or `"sm3"`).
///
/// # Errors
/// `INVALID_INPUT` for another `hash`.
#[wasm_bindgen(js_name = merkleLeafHash)]
pub fn merkle_leaf_hash(data: &[u8], hash_name: Option<String>) -> JsResult<Vec<u8>> {
    let suite = tree_suite(hash_name)?;
    Ok(merkle::leaf_hash_with(suite, data).to_vec())
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2) in a tree over the
/// `hash` named (`"sha256"`, the default, or `"sm3"`).
///
/// # Errors
/// `INVALID_INPUT` for malformed arguments (another `hash` included),
/// `INVALID_PROOF` if it fails.
#[wasm_bindgen(js_name = merkleVerifyInclusion)]
pub fn merkle_verify_inclusion(
    leaf_hash: &[u8],
    index: f64,
    tree_size: f64,
    proof: &[u8],
    root: &[u8],
    hash_name: Option<String>,
) -> JsResult<bool> {
    let suite = tree_suite(hash_name)?;
    let leaf = hash(leaf_hash, "leafHash")?;
    let index = whole(index, "index")?;
    let size = whole(tree_size, "treeSize")?;
    let proof = hashes(proof, "proof")?;
    let root = hash(root, "root")?;
    merkle::verify_inclusion_with(suite, &leaf, index, size, &proof, &root).map_err(js_err)?;
    Ok(true)
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2) between trees over the
/// `hash` named (`"sha256"`, the default, or `"sm3"`).
///
/// # Errors
/// `INVALID_INPUT` for malformed arguments (another `hash` included),
/// `INVALID_PROOF` if it fails.
#[wasm_bindgen(js_name = merkleVerifyConsistency)]
pub fn merkle_verify_consistency(
    old_size: f64,
    new_size: f64,
    old_root: &[u8],
    new_root: &[u8],
    proof: &[u8],
    hash_name: Option<String>,
) -> JsResult<bool> {
    let suite = tree_suite(hash_name)?;
    let old = whole(old_size, "oldSize")?;
    let new = whole(new_size, "newSize")?;
    let old_root = hash(old_root, "oldRoot")?;
    let new_root = hash(new_root, "newRoot")?;
    let proof = hashes(proof, "proof")?;
    merkle::verify_consistency_with(suite, old, new, &old_root, &new_root, &proof)
        .map_err(js_err)?;
    Ok(true)
}

/// Verifies a signed checkpoint against the device's public JWK (JSON
/// text; Ed25519, or SM2 for a `gm` log's SM2-signed checkpoint over an SM3
/// tree) and origin. A key of the other suite than the signature finds no
/// signature by it: `INVALID_CHECKPOINT`.
///
/// # Errors
/// `INVALID_CHECKPOINT`, `INVALID_JWK`, `UNSUPPORTED_ALGORITHM`,
/// `INVALID_INPUT`.
#[wasm_bindgen(js_name = checkpointVerify)]
pub fn checkpoint_verify(note: &str, public_jwk: &str, origin: &str) -> JsResult<JsValue> {
    let key = device_public_key(public_jwk, "publicJwk")?;
    let cp = checkpoint::verify(note, &key, origin).map_err(js_err)?;
    checkpoint_object(&cp, None)
}

/// Verifies a consent receipt against the device's public JWK (JSON text).
/// The receipt's magic says its suite (`MPR\x01` `intl`, `MPR\x02` `gm`);
/// it must be the key's (Ed25519 / SM2), else `INVALID_RECEIPT`.
///
/// # Errors
/// `INVALID_RECEIPT`, `INVALID_CHECKPOINT`, `INVALID_PROOF`, `INVALID_JWK`,
/// `UNSUPPORTED_ALGORITHM`, `INVALID_INPUT`.
#[wasm_bindgen(js_name = consentVerifyReceipt)]
pub fn consent_verify_receipt(receipt: &[u8], device_public_jwk: &str) -> JsResult<JsValue> {
    let key = device_public_key(device_public_jwk, "devicePublicJwk")?;
    let v = crate::consent::verify_receipt(receipt, &key).map_err(js_err)?;
    object(&[
        ("record", JsValue::from_str(&record_text(&v.record)?)),
        ("index", JsValue::from_f64(v.index as f64)),
        (
            "checkpoint",
            checkpoint_object(&v.checkpoint, Some(&v.note))?,
        ),
    ])
}

/// Checks that the current device continues the log of `checkpoint`
/// (signed by `device_public_jwk` for `origin`) across handovers, given the
/// device's continuity proof; either suite, following the key. Returns
/// `{ devicePublicJwk (JSON text of the current key's JWK, without `kid`),
/// checkpoint: { origin, size, root, note }, restored: null | [fromSize,
/// lostSize] }`.
///
/// # Errors
/// `INVALID_CHECKPOINT`, `INVALID_PROOF`, `ROLLBACK_DETECTED`,
/// `INVALID_JWK`, `UNSUPPORTED_ALGORITHM`.
#[wasm_bindgen(js_name = consentVerifyContinuity)]
#[cfg_attr(not(feature = "full"), allow(unused_variables, clippy::unused_self))]
pub fn consent_verify_continuity(
    proof: &[u8],
    checkpoint: &str,
    device_public_jwk: &str,
    origin: &str,
) -> JsResult<JsValue> {
    full_only!("consent.verifyContinuity", {
        let key = device_public_key(device_public_jwk, "devicePublicJwk")?;
        let c = crate::consent::handover::verify_continuity(proof, checkpoint, &key, origin)
            .map_err(js_err)?;
        let restored = c.restored.map_or(JsValue::NULL, |(f, l)| {
            Array::of2(&JsValue::from_f64(f as f64), &JsValue::from_f64(l as f64)).into()
        });
        object(&[
            (
                "devicePublicJwk",
                JsValue::from_str(&super::to_json(&c.key.jwk())?),
            ),
            (
                "checkpoint",
                checkpoint_object(&c.checkpoint, Some(&c.note))?,
            ),
            ("restored", restored),
        ])
    })
}

/// Derives a 32-byte storage key from a PIN or passphrase (text or bytes)
/// with Argon2id; omitted parameters take the defaults (12 MiB, 3 passes,
/// 1 lane).
///
/// # Errors
/// `INVALID_INPUT` for an empty PIN, a salt outside 16–64 bytes or
/// parameters outside the bounds of [`store::derive_storage_key`]
/// (memory 8 × lanes KiB–256 MiB, 1–16 passes, 1–4 lanes).
#[wasm_bindgen(js_name = deriveStorageKey)]
pub fn derive_storage_key(
    pin_text: Option<String>,
    pin_bytes: Option<Box<[u8]>>,
    salt: &[u8],
    memory_kib: Option<u32>,
    iterations: Option<u32>,
    parallelism: Option<u32>,
) -> JsResult<Vec<u8>> {
    let pin = zeroize::Zeroizing::new(match (pin_text, pin_bytes) {
        (Some(t), None) => t.into_bytes(),
        (None, Some(b)) => b.into_vec(),
        _ => return Err(js_err(Error::input("pin must be a string or bytes"))),
    });
    let defaults = store::KdfParams::default();
    let params = store::KdfParams {
        memory_kib: memory_kib.unwrap_or(defaults.memory_kib),
        iterations: iterations.unwrap_or(defaults.iterations),
        parallelism: parallelism.unwrap_or(defaults.parallelism),
    };
    let key = store::derive_storage_key(&pin, salt, &params).map_err(js_err)?;
    Ok(key.expose_secret().to_vec())
}

/// The conversions at this boundary that do not touch JavaScript values
/// (they run natively): the `hash` option of `merkle.*` and the device
/// public JWKs of `checkpoint.verify` / `consent.verifyReceipt` /
/// `consent.verifyContinuity`, both suites, with their refusals. The
/// JavaScript side is `tests/js/consent-gm.test.mjs`.
#[cfg(all(test, feature = "gm", feature = "intl"))]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::consent::receipt;

    const ORIGIN: &str = "mpshield.example/device/wasm-test";

    fn record_json(time: i64) -> String {
        format!(
            r#"{{ "event": "refused", "time": {time},
              "controller": {{ "name": "某某酒店", "uscc": "91440300MA0000000H" }},
              "purposes": ["住宿登记"], "lawfulBasis": "consent", "consentType": "explicit",
              "fields": [{{ "licence": "resident_id_card", "field": "name", "form": "full",
                           "sensitive": false, "retentionDays": 0 }}] }}"#
        )
    }

    /// A log of `suite` with three records, and its device key.
    fn log_of(suite: Suite) -> (ConsentLog, DeviceKey) {
        crate::rng::add_entropy(&(0u8..32).collect::<Vec<_>>()).unwrap();
        let device = DeviceKey::from_seed(suite, &[3; 32]).unwrap();
        let mut log = ConsentLog::create(device.clone(), ORIGIN).unwrap();
        for i in 0..3 {
            log.append(record::from_json(&record_json(1_795_327_380 + i)).unwrap())
                .unwrap();
        }
        (log, device)
    }

    fn jwk_text(device: &DeviceKey) -> String {
        device.verifying_key().jwk().to_string()
    }

    #[test]
    fn hash_option_names_sha256_or_sm3_and_nothing_else() {
        assert_eq!(tree_hash(None).unwrap(), Suite::Intl);
        assert_eq!(tree_hash(Some("sha256")).unwrap(), Suite::Intl);
        assert_eq!(tree_hash(Some("sm3")).unwrap(), Suite::Gm);
        for bad in [
            "SM3", "sha-256", "SHA256", "", " sm3", "sm3\0", "sha512", "gm",
        ] {
            let e = tree_hash(Some(bad)).unwrap_err();
            assert_eq!(e.code(), "INVALID_INPUT", "{bad:?}");
        }
        // A hostile value is not echoed whole.
        let long = "x".repeat(100_000);
        let e = tree_hash(Some(&long)).unwrap_err();
        assert!(e.to_string().len() < 200, "{}", e.to_string().len());
    }

    #[test]
    fn hash_option_chooses_the_tree_hash() {
        use sha2::Digest as _;
        let data = b"mpshield";
        let sha = merkle::leaf_hash_with(tree_hash(Some("sha256")).unwrap(), data);
        let sm3 = merkle::leaf_hash_with(tree_hash(Some("sm3")).unwrap(), data);
        let mut want_sha = sha2::Sha256::new();
        want_sha.update([0u8]);
        want_sha.update(data);
        assert_eq!(sha, <[u8; 32]>::from(want_sha.finalize()));
        let mut want_sm3 = sm3::Sm3::new();
        want_sm3.update([0u8]);
        want_sm3.update(data);
        assert_eq!(sm3, <[u8; 32]>::from(want_sm3.finalize()));
        // A gm log's proof checks under sm3 and fails under sha256.
        let (log, _) = log_of(Suite::Gm);
        let leaf = log.get(1).unwrap().leaf_hash_with(Suite::Gm).unwrap();
        let proof = log.inclusion_proof(1, 3).unwrap();
        let root = log.root();
        merkle::verify_inclusion_with(tree_hash(Some("sm3")).unwrap(), &leaf, 1, 3, &proof, &root)
            .unwrap();
        let e = merkle::verify_inclusion_with(tree_hash(None).unwrap(), &leaf, 1, 3, &proof, &root)
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_PROOF");
        let old = log.consistency_proof(1, 3).unwrap();
        let r1 = log.get(0).unwrap().leaf_hash_with(Suite::Gm).unwrap(); // the root of size 1
        merkle::verify_consistency_with(Suite::Gm, 1, 3, &r1, &root, &old).unwrap();
        let e = merkle::verify_consistency_with(
            tree_hash(Some("sha256")).unwrap(),
            1,
            3,
            &r1,
            &root,
            &old,
        )
        .unwrap_err();
        assert_eq!(e.code(), "INVALID_PROOF");
    }

    #[test]
    fn device_public_jwks_of_both_suites() {
        for suite in Suite::ALL {
            let (log, device) = log_of(suite);
            let jwk = device.verifying_key().jwk();
            match suite {
                Suite::Intl => {
                    assert_eq!(
                        (jwk["kty"].as_str(), jwk["crv"].as_str()),
                        (Some("OKP"), Some("Ed25519"))
                    );
                }
                Suite::Gm => {
                    assert_eq!(
                        (jwk["kty"].as_str(), jwk["crv"].as_str()),
                        (Some("EC"), Some("SM2"))
                    );
                    assert!(jwk["y"].is_string());
                }
            }
            assert!(jwk.get("kid").is_none());
            let key = device_public_key_of(&jwk.to_string(), "publicJwk").unwrap();
            assert_eq!(key, device.verifying_key());
            assert_eq!(key.suite(), suite);
            // With its kid (as SigningKey.publicJwk() gives it) too.
            let with_kid = device.verifying_key().verifying_key().to_jwk().to_string();
            assert_eq!(device_public_key_of(&with_kid, "publicJwk").unwrap(), key);
            // The key verifies the log's checkpoint and receipts.
            let note = log.checkpoint().unwrap();
            checkpoint::verify(&note, &key, ORIGIN).unwrap();
            let r = log.receipt(2).unwrap();
            assert_eq!(&r[..4], &receipt::magic(suite));
            let v = crate::consent::verify_receipt(&r, &key).unwrap();
            assert_eq!(v.index, 2);
        }
    }

    #[test]
    fn a_receipt_under_a_key_of_the_other_suite_is_a_typed_error() {
        let (intl, intl_device) = log_of(Suite::Intl);
        let (gm, gm_device) = log_of(Suite::Gm);
        let sm2 = device_public_key_of(&jwk_text(&gm_device), "devicePublicJwk").unwrap();
        let ed = device_public_key_of(&jwk_text(&intl_device), "devicePublicJwk").unwrap();
        // An SM2 JWK under an intl receipt (MPR\x01), and the other way round.
        let e = crate::consent::verify_receipt(&intl.receipt(0).unwrap(), &sm2).unwrap_err();
        assert_eq!(e.code(), "INVALID_RECEIPT");
        let e = crate::consent::verify_receipt(&gm.receipt(0).unwrap(), &ed).unwrap_err();
        assert_eq!(e.code(), "INVALID_RECEIPT");
        // A gm receipt relabelled as intl (and back) finds no signature by
        // the key of the label's suite: still typed, never a trap.
        let mut relabelled = gm.receipt(0).unwrap();
        relabelled[3] = 0x01;
        let e = crate::consent::verify_receipt(&relabelled, &ed).unwrap_err();
        assert_eq!(e.code(), "INVALID_CHECKPOINT");
        let e = crate::consent::verify_receipt(&relabelled, &sm2).unwrap_err();
        assert_eq!(e.code(), "INVALID_RECEIPT");
        // Checkpoints: a key of the other suite finds no signature by it.
        let e = checkpoint::verify(&gm.checkpoint().unwrap(), &ed, ORIGIN).unwrap_err();
        assert_eq!(e.code(), "INVALID_CHECKPOINT");
        let e = checkpoint::verify(&intl.checkpoint().unwrap(), &sm2, ORIGIN).unwrap_err();
        assert_eq!(e.code(), "INVALID_CHECKPOINT");
    }

    #[test]
    fn wrong_curves_and_malformed_jwks_are_refused() {
        let (_, gm_device) = log_of(Suite::Gm);
        let sm2 = gm_device.verifying_key().jwk();
        let (x, y) = (sm2["x"].as_str().unwrap(), sm2["y"].as_str().unwrap());
        let p256 = crate::credential::keys::SigningKey::generate(
            crate::credential::keys::Algorithm::Es256,
        )
        .unwrap()
        .public_jwk()
        .to_string();
        let cases: &[(String, &str)] = &[
            // P-256 is a fine JWK, but not a device key.
            (p256, "UNSUPPORTED_ALGORITHM"),
            // SM2 coordinates under another curve or key type.
            (
                format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}"}}"#),
                "INVALID_JWK",
            ),
            (
                format!(r#"{{"kty":"OKP","crv":"SM2","x":"{x}","y":"{y}"}}"#),
                "INVALID_JWK",
            ),
            (
                format!(r#"{{"kty":"EC","crv":"sm2","x":"{x}","y":"{y}"}}"#),
                "INVALID_JWK",
            ),
            // Not on the curve, short, missing y.
            (
                format!(r#"{{"kty":"EC","crv":"SM2","x":"{x}","y":"{x}"}}"#),
                "INVALID_JWK",
            ),
            (
                format!(r#"{{"kty":"EC","crv":"SM2","x":"{x}","y":"AAAA"}}"#),
                "INVALID_JWK",
            ),
            (
                format!(r#"{{"kty":"EC","crv":"SM2","x":"{x}"}}"#),
                "INVALID_JWK",
            ),
            // A private JWK is no public key.
            (gm_device_private_jwk(&gm_device), "INVALID_JWK"),
            // Not JSON, not an object, too deep.
            ("{".into(), "INVALID_INPUT"),
            ("[1]".into(), "INVALID_JWK"),
            ("[".repeat(10_000), "INVALID_INPUT"),
        ];
        for (jwk, want) in cases {
            let e = device_public_key_of(jwk, "devicePublicJwk").unwrap_err();
            assert_eq!(e.code(), *want, "{}", &jwk[..jwk.len().min(80)]);
        }
    }

    #[test]
    fn continuity_with_an_sm2_jwk_gives_the_sm2_device_jwk() {
        use crate::consent::handover;
        let (mut log, device) = log_of(Suite::Gm);
        let theirs = log.checkpoint().unwrap();
        log.append(record::from_json(&record_json(1_795_327_999)).unwrap())
            .unwrap();
        let proof = handover::continuity_proof(&log, &[], &theirs).unwrap();
        let key = device_public_key_of(&jwk_text(&device), "devicePublicJwk").unwrap();
        let c = handover::verify_continuity(&proof, &theirs, &key, ORIGIN).unwrap();
        let jwk = c.key.jwk();
        assert_eq!(
            (jwk["kty"].as_str(), jwk["crv"].as_str()),
            (Some("EC"), Some("SM2"))
        );
        assert_eq!(jwk, device.verifying_key().jwk());
        assert_eq!(c.checkpoint.size, 4);
        // The proof under the key of the other suite: a typed error.
        let (_, ed) = log_of(Suite::Intl);
        let ed = device_public_key_of(&jwk_text(&ed), "devicePublicJwk").unwrap();
        let e = handover::verify_continuity(&proof, &theirs, &ed, ORIGIN).unwrap_err();
        assert_eq!(e.code(), "INVALID_CHECKPOINT");
    }

    fn gm_device_private_jwk(device: &DeviceKey) -> String {
        let mut jwk = device.verifying_key().jwk();
        let d = crate::credential::jose::b64url(&device.to_seed()[..]);
        jwk.as_object_mut().unwrap().insert("d".into(), d.into());
        jwk.to_string()
    }
}
