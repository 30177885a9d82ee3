//! Bindings for the disclosure flow. The JavaScript layer
//! (`pkg/src/flow.js`) owns the asynchronous parts — storage writes, their
//! timeouts, the nonce store — and calls these steps in order; structured
//! values cross as JSON text.

use js_sys::{Array, Uint8Array};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::consent::{history_of, pruned_object, storage_key, time, up_to};
use super::credential::JsSigningKey;
use super::seal::opt_suite;
use super::{from_json, full_only, js_err, to_json};
use crate::consent::commit::Opener;
use crate::credential::keys::VerifyingKey;
use crate::error::Error;
use crate::flow::request::{self, RequestOptions};
use crate::flow::verifier::Verifier;
use crate::flow::wallet::{self, OpenOptions, PendingResponse, Wallet};
use crate::seal::hpke::{Kem, PublicKey, SecretKey};
use crate::suite::Suite;

type JsResult<T> = Result<T, JsValue>;

fn keys(jwks_json: &str, what: &str) -> JsResult<Vec<VerifyingKey>> {
    let Value::Array(list) = from_json(jwks_json, what)? else {
        return Err(js_err(Error::input(format!("{what}: expected an array"))));
    };
    list.iter()
        .map(|j| VerifyingKey::from_jwk(j).map_err(js_err))
        .collect()
}

/// `[key, bytes]`.
pub(crate) fn pair(k: &str, v: &[u8]) -> Array {
    Array::of2(&JsValue::from_str(k), &Uint8Array::from(v))
}

/// `[[key, bytes], …]`.
pub(crate) fn pairs(writes: Vec<(String, Vec<u8>)>) -> Array {
    writes
        .iter()
        .map(|(k, v)| -> JsValue { pair(k, v).into() })
        .collect()
}

/// An array of strings.
pub(crate) fn keys_array(keys: &[String]) -> Array {
    keys.iter().map(|k| JsValue::from_str(k)).collect()
}

/// Reads a wallet's storage (format 2): the keys to read, then what they
/// hold, until none are wanted.
#[wasm_bindgen(js_name = StoreOpener)]
pub struct JsOpener {
    inner: Option<Opener>,
}

#[wasm_bindgen(js_class = StoreOpener)]
impl JsOpener {
    /// An opener for a wallet's storage under `storage_key_bytes`, or
    /// with `for_log` a standalone `ConsentLog`'s.
    ///
    /// # Errors
    /// `INVALID_KEY`.
    pub fn create(storage_key_bytes: &[u8], for_log: Option<bool>) -> JsResult<JsOpener> {
        let key = storage_key(storage_key_bytes)?;
        let prefix = if for_log == Some(true) {
            crate::consent::commit::LOG_PREFIX
        } else {
            wallet::STORE_PREFIX
        };
        Ok(Self {
            inner: Some(Opener::new(prefix, &key)),
        })
    }

    pub(crate) fn take(&mut self) -> JsResult<Opener> {
        self.inner.take().ok_or_else(|| {
            js_err(Error::InvalidState {
                reason: "this opener was used up".into(),
            })
        })
    }

    fn get(&mut self) -> JsResult<&mut Opener> {
        self.inner.as_mut().ok_or_else(|| {
            js_err(Error::InvalidState {
                reason: "this opener was used up".into(),
            })
        })
    }

    /// The keys to read next (an array of strings; empty when done).
    ///
    /// # Errors
    /// `STORAGE_CORRUPT`, `DECRYPT_FAILED`.
    pub fn wanted(&mut self) -> JsResult<Array> {
        Ok(keys_array(&self.get()?.wanted().map_err(js_err)?))
    }

    /// What storage holds under `key` (`undefined` if nothing).
    ///
    /// # Errors
    /// `INVALID_INPUT` for a key that was not asked for.
    pub fn feed(&mut self, key: &str, value: Option<Vec<u8>>) -> JsResult<()> {
        self.get()?.feed(key, value).map_err(js_err)
    }

    /// Whether nothing of format 2 is stored.
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.inner.as_ref().is_some_and(Opener::is_empty)
    }
}

/// The relying party (an opaque handle).
#[wasm_bindgen(js_name = FlowVerifier)]
pub struct JsVerifier {
    inner: Verifier,
}

/// The sealing key of a verifier of `suite` from `hpkeKeyPair`: the secret
/// key as the suite's KEM's; the public key, if given, must be of the
/// suite (an X25519 pair is refused by a gm verifier, an SM2 pair by an
/// intl one) and, in gm, the secret key's.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
fn seal_secret(suite: Suite, secret: &[u8], public: Option<&[u8]>) -> crate::Result<SecretKey> {
    suite.require()?;
    if let Some(pk) = public {
        let kem = match pk.len() {
            crate::seal::hpke::X25519_PUBLIC_KEY_LEN => Kem::X25519,
            crate::seal::hpke::SM2_PUBLIC_KEY_LEN => Kem::Sm2,
            _ => Kem::of(suite),
        };
        if kem.suite() != suite {
            return Err(Error::UnsupportedAlgorithm {
                name: format!(
                    "hpkeKeyPair is an {} pair, but the verifier's suite is {} (pass suite {:?} or a key pair of the suite)",
                    kem.name(),
                    suite.name(),
                    kem.suite().name()
                ),
            });
        }
        let secret = SecretKey::from_bytes(kem, secret)?;
        let pk = PublicKey::from_bytes_for(kem, pk)?;
        if suite == Suite::Gm && pk != secret.public_key() {
            return Err(Error::InvalidKey {
                reason: "hpkeKeyPair.publicKey is not the public key of hpkeKeyPair.secretKey",
            });
        }
        return Ok(secret);
    }
    SecretKey::from_bytes(Kem::of(suite), secret)
}

#[wasm_bindgen(js_class = FlowVerifier)]
impl JsVerifier {
    /// A verifier of `suite` (`"intl"`, the default, or `"gm"`);
    /// `trusted_issuers_json` is a JSON array of public JWKs;
    /// `hpke_public_key` the key pair's public key, if the caller gave it.
    ///
    /// # Errors
    /// `INVALID_INPUT`, `INVALID_RECORD` (USCC), `INVALID_KEY`, `INVALID_JWK`,
    /// `UNSUPPORTED_ALGORITHM` (a key of the other suite, or a suite this
    /// module lacks).
    #[cfg_attr(not(feature = "full"), allow(unused_variables, clippy::unused_self))]
    pub fn create(
        name: &str,
        uscc: &str,
        signing_key: &JsSigningKey,
        hpke_secret_key: &[u8],
        trusted_issuers_json: &str,
        suite: Option<String>,
        hpke_public_key: Option<Vec<u8>>,
    ) -> JsResult<JsVerifier> {
        full_only!("Verifier.create", {
            let suite = opt_suite(suite)?.unwrap_or_default();
            let secret =
                seal_secret(suite, hpke_secret_key, hpke_public_key.as_deref()).map_err(js_err)?;
            let trusted = keys(trusted_issuers_json, "trustedIssuers")?;
            let inner = Verifier::with_suite(
                suite,
                name,
                uscc,
                signing_key.inner().duplicate(),
                secret,
                trusted,
            )
            .map_err(js_err)?;
            Ok(Self { inner })
        })
    }

    /// The verifier's suite: `"intl"` or `"gm"`.
    #[must_use]
    pub fn suite(&self) -> String {
        self.inner.suite().name().to_owned()
    }

    /// The verifier's public JWK, as JSON text.
    ///
    /// # Errors
    /// `INTERNAL` only.
    #[wasm_bindgen(js_name = publicJwk)]
    pub fn public_jwk(&self) -> JsResult<String> {
        to_json(&self.inner.public_jwk())
    }

    /// The key-binding audience of its requests.
    #[must_use]
    pub fn audience(&self) -> String {
        self.inner.audience()
    }

    /// A signed request; `options_json` is `{ purpose, lawfulBasis,
    /// fields, ttlSeconds?, noticeUrl?, iat? }` (`iat`: issue time, default
    /// `now`).
    ///
    /// # Errors
    /// `INVALID_INPUT`, `INVALID_REQUEST`, `NOT_INITIALIZED`.
    #[wasm_bindgen(js_name = createRequest)]
    #[cfg_attr(not(feature = "full"), allow(unused_variables, clippy::unused_self))]
    pub fn create_request(&self, options_json: &str, now: Option<f64>) -> JsResult<String> {
        full_only!("verifier.createRequest", {
            let Value::Object(o) = from_json(options_json, "options")? else {
                return Err(js_err(Error::input("options: expected a JSON object")));
            };
            let allowed = [
                "purpose",
                "lawfulBasis",
                "fields",
                "ttlSeconds",
                "noticeUrl",
                "iat",
            ];
            if let Some(k) = o.keys().find(|k| !allowed.contains(&k.as_str())) {
                return Err(js_err(Error::input(format!("unknown option {k}"))));
            }
            let purpose = request::str_member(&o, "purpose").map_err(js_err)?;
            let basis = request::str_member(&o, "lawfulBasis")
                .and_then(request::parse_lawful_basis)
                .map_err(js_err)?;
            let fields = o
                .get("fields")
                .and_then(Value::as_array)
                .ok_or_else(|| js_err(Error::input("fields must be an array")))?
                .iter()
                .map(request::parse_field)
                .collect::<crate::Result<Vec<_>>>()
                .map_err(js_err)?;
            let ttl = match o.get("ttlSeconds") {
                None => 300,
                Some(v) => v
                    .as_i64()
                    .ok_or_else(|| js_err(Error::input("ttlSeconds must be a whole number")))?,
            };
            let notice_url = match o.get("noticeUrl") {
                None => None,
                Some(Value::String(u)) => Some(u.clone()),
                Some(_) => return Err(js_err(Error::input("noticeUrl must be a string"))),
            };
            let options = RequestOptions {
                purpose: purpose.to_owned(),
                lawful_basis: basis,
                fields,
                ttl_seconds: ttl,
                notice_url,
            };
            let iat = match o.get("iat") {
                None => time(now, "now")?,
                Some(v) => v
                    .as_i64()
                    .filter(|t| *t >= 0)
                    .ok_or_else(|| js_err(Error::input("iat must be seconds since the epoch")))?,
            };
            self.inner.create_request(&options, iat).map_err(js_err)
        })
    }

    /// Opens and checks a response (all but replay, which the caller's
    /// nonce store decides). Returns JSON text `{ claims, disclosed,
    /// consentRecord, receipt: { index, checkpoint }, devicePublicJwk,
    /// nonce, expiresAt }`.
    ///
    /// # Errors
    /// `DECRYPT_FAILED`, `TRUNCATED`, `INVALID_ENVELOPE`,
    /// `INVALID_RESPONSE`, `VERIFY_FAILED`, `EXPIRED`, `UNTRUSTED_ISSUER`,
    /// `INVALID_KEY_BINDING`, `INVALID_CREDENTIAL`, `INVALID_RECEIPT`, ….
    #[cfg_attr(not(feature = "full"), allow(unused_variables, clippy::unused_self))]
    pub fn check(&self, envelope: &[u8], now: Option<f64>) -> JsResult<String> {
        full_only!("verifier.open", {
            let o = self
                .inner
                .check(envelope, time(now, "now")?)
                .map_err(js_err)?;
            to_json(&serde_json::json!({
                "claims": o.claims,
                "disclosed": o.disclosed,
                "consentRecord": o.consent_record,
                "receipt": { "index": o.receipt.index, "checkpoint": o.receipt.note },
                "devicePublicJwk": o.device_public_jwk,
                "nonce": o.nonce,
                "expiresAt": o.expires_at,
            }))
        })
    }
}

/// The citizen's wallet (an opaque handle).
#[wasm_bindgen(js_name = FlowWallet)]
pub struct JsWallet {
    inner: Wallet,
    pending: Option<PendingResponse>,
    persisted: bool,
    reissue: String,
}

#[wasm_bindgen(js_class = FlowWallet)]
impl JsWallet {
    /// A new wallet of `suite` (`"intl"`, the default, or `"gm"`);
    /// `trusted_json` is a JSON array of verifier JWKs.
    ///
    /// # Errors
    /// `INVALID_JWK`, `INVALID_INPUT`, `NOT_INITIALIZED`,
    /// `UNSUPPORTED_ALGORITHM` (a suite this module lacks).
    pub fn create(
        trusted_json: &str,
        allow_unverified: bool,
        suite: Option<String>,
    ) -> JsResult<JsWallet> {
        let suite = opt_suite(suite)?.unwrap_or_default();
        let trusted = keys(trusted_json, "trustedVerifiers")?;
        Ok(Self::wrap(
            Wallet::create_with_suite(suite, trusted, allow_unverified).map_err(js_err)?,
        ))
    }

    /// The wallet an opener found (format 2); the opener is used up.
    /// `suite`, if given, must be the stored wallet's.
    ///
    /// # Errors
    /// `STORAGE_CORRUPT`, `DECRYPT_FAILED`, `ROLLBACK_DETECTED`,
    /// `INVALID_CHECKPOINT`, `INVALID_JWK`, `INVALID_INPUT` (another
    /// suite than the stored wallet's), `UNSUPPORTED_ALGORITHM`.
    #[wasm_bindgen(js_name = fromStore)]
    pub fn from_store(
        opener: &mut JsOpener,
        trusted_json: &str,
        allow_unverified: bool,
        trusted_checkpoint: Option<String>,
        suite: Option<String>,
    ) -> JsResult<JsWallet> {
        let suite = opt_suite(suite)?;
        let trusted = keys(trusted_json, "trustedVerifiers")?;
        let opened = opener.take()?.finish().map_err(js_err)?;
        let inner = Wallet::from_opened(
            opened,
            &OpenOptions {
                trusted,
                allow_unverified,
                trusted_checkpoint,
                suite,
            },
        )
        .map_err(js_err)?;
        Ok(Self::wrap(inner))
    }

    /// The wallet's suite: `"intl"` or `"gm"`.
    #[must_use]
    pub fn suite(&self) -> String {
        self.inner.suite().name().to_owned()
    }

    fn wrap(inner: Wallet) -> Self {
        Self {
            inner,
            pending: None,
            persisted: false,
            reissue: "[]".into(),
        }
    }

    /// Plans a save: `[key, bytes]` pairs to write in order (the commit
    /// last; its key must not exist yet), then read back.
    ///
    /// # Errors
    /// `INVALID_STATE` (a save in flight), `CONSENT_NOT_PERSISTED` (too
    /// many failures in a row), `INVALID_INPUT`, `NOT_INITIALIZED`.
    #[wasm_bindgen(js_name = planSave)]
    pub fn plan_save(&mut self, storage_key_bytes: &[u8]) -> JsResult<Array> {
        let key = storage_key(storage_key_bytes)?;
        let plan = self.inner.plan_save(&key).map_err(js_err)?;
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
        let (k, v) = self.inner.save_failed(&key).map_err(js_err)?;
        Ok(pair(&k, &v))
    }

    /// The planned save is written and read back; returns the head write
    /// `[key, bytes]`, or `null` when `head_busy` (the previous head write
    /// has not settled).
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
        let head = self.inner.save_confirmed(&key, head_busy).map_err(js_err)?;
        Ok(head.map_or(JsValue::NULL, |h| pair(&h.key, &h.value).into()))
    }

    /// A new wallet continues storage where an empty store's opener says
    /// (above any interrupted first save).
    ///
    /// # Errors
    /// `INVALID_STATE` if the opener was used up.
    #[wasm_bindgen(js_name = startStore)]
    pub fn start_store(&mut self, opener: &JsOpener) -> JsResult<()> {
        let c = opener
            .inner
            .as_ref()
            .ok_or_else(|| {
                js_err(Error::InvalidState {
                    reason: "this opener was used up".into(),
                })
            })?
            .committer_for_new();
        self.inner.use_committer(c);
        Ok(())
    }

    /// The planned commit's key already existed: another writer uses this
    /// storage, and this wallet saves no more.
    #[wasm_bindgen(js_name = foreignWriter)]
    pub fn foreign_writer(&mut self) {
        self.inner.foreign_writer();
    }

    /// How the head write went; returns the keys to remove (best effort).
    #[wasm_bindgen(js_name = headWritten)]
    pub fn head_written(&mut self, ok: bool) -> Array {
        keys_array(&self.inner.head_written(ok))
    }

    /// The holder key's public JWK, as JSON text.
    ///
    /// # Errors
    /// `INTERNAL` only.
    #[wasm_bindgen(js_name = holderPublicJwk)]
    pub fn holder_public_jwk(&self) -> JsResult<String> {
        to_json(&self.inner.holder_public_jwk())
    }

    /// The device key's public JWK, as JSON text.
    ///
    /// # Errors
    /// `INTERNAL` only.
    #[wasm_bindgen(js_name = devicePublicJwk)]
    pub fn device_public_jwk(&self) -> JsResult<String> {
        to_json(&self.inner.device_public_jwk())
    }

    /// Adds a credential (in memory); JSON text `{ id, type, … }`.
    ///
    /// # Errors
    /// `INVALID_CREDENTIAL`, `EXPIRED`, `INVALID_INPUT`.
    #[wasm_bindgen(js_name = addCredential)]
    pub fn add_credential(&mut self, sd_jwt: &str, now: Option<f64>) -> JsResult<String> {
        let c = self
            .inner
            .add_credential(sd_jwt, time(now, "now")?)
            .map_err(js_err)?;
        to_json(&c.summary())
    }

    /// Starts a move to a new phone: appends the handover record (save
    /// next, then `finishExport`, or `abortExport` if the save failed).
    ///
    /// # Errors
    /// `INVALID_STATE`, `NOT_INITIALIZED`, `INVALID_INPUT`.
    #[wasm_bindgen(js_name = beginExport)]
    pub fn begin_export(&mut self, now: Option<f64>) -> JsResult<()> {
        let t = time(now, "now")?;
        self.inner.begin_export(t).map_err(js_err)
    }

    /// Starts a prune of the log (rule of `ConsentLog::prune_point`) up
    /// to `up_to` records (default: all) at `now`; save next, then
    /// `finishPrune`, or `abortPrune` if the save failed. Returns `{ from,
    /// to, records, stop }` (nothing to save when `records` is 0).
    ///
    /// # Errors
    /// `INVALID_STATE` (an export or prune pending), `INVALID_INPUT`.
    #[wasm_bindgen(js_name = beginPrune)]
    pub fn begin_prune(&mut self, up_to_size: Option<f64>, now: Option<f64>) -> JsResult<JsValue> {
        let limit = up_to(up_to_size)?;
        let t = time(now, "now")?;
        pruned_object(self.inner.begin_prune(limit, t).map_err(js_err)?)
    }

    /// The prune's save failed: the log is put back as it was.
    #[wasm_bindgen(js_name = abortPrune)]
    pub fn abort_prune(&mut self) {
        self.inner.abort_prune();
    }

    /// The prune is saved.
    #[wasm_bindgen(js_name = finishPrune)]
    pub fn finish_prune(&mut self) {
        self.inner.finish_prune();
    }

    /// How many leading records of the log are pruned.
    #[must_use]
    pub fn pruned(&self) -> f64 {
        self.inner.log().pruned() as f64
    }

    /// The handover record's save failed: takes it back.
    #[wasm_bindgen(js_name = abortExport)]
    pub fn abort_export(&mut self) {
        self.inner.abort_export();
    }

    /// `[export, recovery code]`, both bytes (the code as ASCII text, so
    /// that the caller can wipe it after showing it).
    ///
    /// # Errors
    /// `INVALID_STATE`, `INVALID_INPUT` (too large), `NOT_INITIALIZED`.
    #[wasm_bindgen(js_name = finishExport)]
    pub fn finish_export(&mut self) -> JsResult<Array> {
        let e = self.inner.finish_export().map_err(js_err)?;
        Ok(Array::of2(
            &Uint8Array::from(&e.bytes[..]),
            &Uint8Array::from(&e.code.to_text()[..]),
        ))
    }

    /// A wallet on a new phone from an export and its recovery code (text
    /// as bytes), of `suite` (default intl); save it next (`startStore`
    /// first).
    ///
    /// # Errors
    /// `DECRYPT_FAILED`, `STORAGE_CORRUPT`, `INVALID_CHECKPOINT`,
    /// `ROLLBACK_DETECTED`, `INVALID_INPUT`, `INVALID_JWK`,
    /// `UNSUPPORTED_ALGORITHM`.
    #[wasm_bindgen(js_name = importFrom)]
    pub fn import_from(
        export: &[u8],
        code: &[u8],
        trusted_json: &str,
        allow_unverified: bool,
        trusted_checkpoint: Option<String>,
        now: Option<f64>,
        suite: Option<String>,
    ) -> JsResult<JsWallet> {
        let code = crate::consent::handover::RecoveryCode::parse(code).map_err(js_err)?;
        let options = OpenOptions {
            trusted: keys(trusted_json, "trustedVerifiers")?,
            allow_unverified,
            trusted_checkpoint,
            suite: opt_suite(suite)?,
        };
        let (inner, reissue) =
            Wallet::import(export, &code, &options, time(now, "now")?).map_err(js_err)?;
        Ok(Self {
            reissue: to_json(&reissue)?,
            ..Self::wrap(inner)
        })
    }

    /// The credentials an imported wallet should have re-issued (JSON
    /// text; `[]` for other wallets).
    #[must_use]
    pub fn reissue(&self) -> String {
        self.reissue.clone()
    }

    /// The continuity proof for a relying party holding `checkpoint`.
    ///
    /// # Errors
    /// `INVALID_CHECKPOINT`.
    #[wasm_bindgen(js_name = continuityProof)]
    pub fn continuity_proof(&self, checkpoint: &str) -> JsResult<Vec<u8>> {
        self.inner.continuity_proof(checkpoint).map_err(js_err)
    }

    /// How many credentials the wallet holds.
    #[wasm_bindgen(js_name = credentialCount)]
    #[must_use]
    pub fn credential_count(&self) -> u32 {
        u32::try_from(self.inner.credentials().len()).unwrap_or(u32::MAX)
    }

    /// Forgets credentials added after the first `n` (their save failed).
    #[wasm_bindgen(js_name = keepCredentials)]
    pub fn keep_credentials(&mut self, n: u32) {
        self.inner.keep_credentials(n as usize);
    }

    /// The credentials, as JSON text.
    ///
    /// # Errors
    /// `INTERNAL` only.
    pub fn credentials(&self) -> JsResult<String> {
        let list: Vec<Value> = self
            .inner
            .credentials()
            .iter()
            .map(wallet::StoredCredential::summary)
            .collect();
        to_json(&list)
    }

    /// The consent screen's view of a request, as JSON text.
    ///
    /// # Errors
    /// `INVALID_REQUEST`, `VERIFY_FAILED`, `EXPIRED`, `NOT_YET_VALID`.
    pub fn evaluate(&self, request: &str, now: Option<f64>) -> JsResult<String> {
        let v = self
            .inner
            .evaluate(request, time(now, "now")?)
            .map_err(js_err)?;
        to_json(&v)
    }

    /// Steps 1–4 of a response; returns the record id. The caller persists
    /// the save `planSave` plans, then calls `markPersisted` and
    /// `finishRespond`, or `abortRespond` if the save failed.
    ///
    /// # Errors
    /// As `Wallet::begin_response`; `INVALID_STATE` if a response is
    /// already pending.
    #[wasm_bindgen(js_name = beginRespond)]
    pub fn begin_respond(
        &mut self,
        request: &str,
        choices_json: &str,
        separate_json: &str,
        now: Option<f64>,
    ) -> JsResult<String> {
        if self.pending.is_some() {
            return Err(js_err(Error::InvalidState {
                reason: "another response is being saved; await it first".into(),
            }));
        }
        let choices: Value = from_json(choices_json, "choices")?;
        let choices = wallet::parse_choices(&choices).map_err(js_err)?;
        let separate: Value = from_json(separate_json, "separateConsent")?;
        let separate = wallet::parse_separate(&separate).map_err(js_err)?;
        let p = self
            .inner
            .begin_response(request, &choices, &separate, time(now, "now")?)
            .map_err(js_err)?;
        let id = p.record_id().to_owned();
        self.pending = Some(p);
        self.persisted = false;
        Ok(id)
    }

    /// Records that the log holding the pending record was saved.
    #[wasm_bindgen(js_name = markPersisted)]
    pub fn mark_persisted(&mut self) {
        self.persisted = self.pending.is_some();
    }

    /// Takes the pending record back out (its save failed).
    #[wasm_bindgen(js_name = abortRespond)]
    pub fn abort_respond(&mut self) {
        if let Some(p) = self.pending.take() {
            self.inner.abort_response(p);
        }
        self.persisted = false;
    }

    /// Seals the pending response: `[envelope, receipt, recordId]`.
    ///
    /// # Errors
    /// `INVALID_STATE` if nothing is pending or it was not persisted.
    #[wasm_bindgen(js_name = finishRespond)]
    pub fn finish_respond(&mut self) -> JsResult<Array> {
        if !self.persisted {
            return Err(js_err(Error::InvalidState {
                reason: "the consent record is not persisted: nothing may be sealed".into(),
            }));
        }
        let p = self.pending.take().ok_or_else(|| {
            js_err(Error::InvalidState {
                reason: "no response is pending".into(),
            })
        })?;
        self.persisted = false;
        let r = p.seal().map_err(js_err)?;
        Ok(Array::of3(
            &Uint8Array::from(&r.envelope[..]),
            &Uint8Array::from(&r.receipt[..]),
            &JsValue::from_str(&r.record_id),
        ))
    }

    /// The log's size.
    #[must_use]
    pub fn size(&self) -> f64 {
        self.inner.log().size() as f64
    }

    /// Undoes appends back to `size` records (a save failed).
    #[wasm_bindgen(js_name = rollbackTo)]
    pub fn rollback_to(&mut self, size: f64) {
        if size >= 0.0 {
            self.inner.rollback_to(size as u64);
        }
    }

    /// Appends a refusal of `request`; returns its record id.
    ///
    /// # Errors
    /// As `Wallet::begin_refuse`.
    #[wasm_bindgen(js_name = beginRefuse)]
    pub fn begin_refuse(&mut self, request: &str, now: Option<f64>) -> JsResult<String> {
        self.inner
            .begin_refuse(request, time(now, "now")?)
            .map_err(js_err)
    }

    /// Appends a withdrawal of `record_id`.
    ///
    /// # Errors
    /// `RECORD_NOT_FOUND`, `INVALID_STATE`.
    #[wasm_bindgen(js_name = beginWithdraw)]
    pub fn begin_withdraw(&mut self, record_id: &str, now: Option<f64>) -> JsResult<()> {
        self.inner
            .begin_withdraw(record_id, time(now, "now")?)
            .map_err(js_err)
    }

    /// As `ConsentLog.history`.
    ///
    /// # Errors
    /// `INVALID_INPUT` for an unsupported locale or time zone.
    pub fn history(&self, locale: Option<String>, time_zone: Option<String>) -> JsResult<Array> {
        history_of(self.inner.log(), locale, time_zone)
    }

    /// The log's signed checkpoint.
    ///
    /// # Errors
    /// `INTERNAL` only.
    pub fn checkpoint(&self) -> JsResult<String> {
        self.inner.log().checkpoint().map_err(js_err)
    }

    /// The log's receipt for `index`.
    ///
    /// # Errors
    /// `RECORD_NOT_FOUND`.
    pub fn receipt(&self, index: f64) -> JsResult<Vec<u8>> {
        self.inner.log().receipt(index as u64).map_err(js_err)
    }

    /// The log's status at `now`, as JSON text.
    ///
    /// # Errors
    /// `INVALID_INPUT`.
    pub fn status(&self, now: Option<f64>) -> JsResult<String> {
        let s = self.inner.log().status(time(now, "now")?);
        to_json(&serde_json::json!({
            "active": s.active, "withdrawn": s.withdrawn,
            "expired": s.expired, "refused": s.refused,
        }))
    }
}
