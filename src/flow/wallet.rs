//! The citizen's wallet: holder key, credentials, consent log, and the
//! respond/refuse/withdraw steps in their enforced order.
//!
//! A wallet is of one suite ([`Suite`]), fixed when it is made and kept in
//! its stored state (`"suite": "gm"`; a state without the member is intl,
//! as every state written before it existed): the holder key that binds
//! its presentations (`EdDSA` intl, `SM2` gm) and — with the gm consent
//! log — its device key, log and storage protection. It answers only
//! requests of its suite ([`Error::UnsupportedAlgorithm`] for the other,
//! before anything is appended), so a gm request is answered under gm
//! protections only: a gm envelope, an SM2 key binding, the record's
//! `sdHash` in SM3 (and the KB-JWT's `sd_hash` in SM3 for an `sm3`
//! credential). It holds and presents credentials of issuers of either
//! suite: the issuer's algorithm is independent of the holder binding.

use std::cell::Cell;

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::request::{self, form_name as form_str, Request};
use super::{Storage, RESPONSE_INFO, RESPONSE_TYP};
use crate::consent::commit::{self, Committer, HeadWrite, Opened, SavePlan};
use crate::consent::handover::{self, Export, Handover, RecoveryCode};
use crate::consent::record::{
    ConsentRecord, ConsentType, Controller, Event, Field, Form, Presentation,
};
use crate::consent::{ConsentLog, DeviceKey, HistoryEntry, Pruned, StorageKey};
use crate::credential::jose::{b64url, b64url_decode, sha256_b64url};
use crate::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use crate::credential::licence;
use crate::credential::sdjwt::{self, pointer, PresentOptions};
use crate::error::{Error, Result};
use crate::seal::envelope::{self, SealOptions};
use crate::seal::hpke::PublicKey;
use crate::suite::Suite;
use rand_core::Rng as _;

/// Prefix of every storage key of a wallet in storage format 2
/// ([`crate::consent::commit`]).
pub const STORE_PREFIX: &str = "mpshield/wallet/v2/";
/// Most credentials one wallet holds.
pub const MAX_CREDENTIALS: usize = 256;

/// A credential the wallet holds.
#[derive(Clone, Debug)]
pub struct StoredCredential {
    /// Its id: the first 22 characters of the SD-JWT's SHA-256 (base64url).
    pub id: String,
    /// The licence type.
    pub licence: String,
    /// The issuer (`iss`).
    pub iss: String,
    /// Issued at.
    pub iat: Option<i64>,
    /// Expires at.
    pub exp: Option<i64>,
    /// The issued SD-JWT.
    pub sd_jwt: String,
}

impl StoredCredential {
    /// `{ id, type, vct, iss, iat, exp, labels }` for `wallet.credentials()`.
    #[must_use]
    pub fn summary(&self) -> Value {
        let schema = licence::schema(&self.licence).ok();
        json!({
            "id": self.id,
            "type": self.licence,
            "vct": schema.map(|s| s.vct.clone()),
            "iss": self.iss,
            "iat": self.iat,
            "exp": self.exp,
            "labels": schema.map(|s| json!({ "zh": s.labels.zh, "en": s.labels.en })),
        })
    }
}

/// One choice on the consent screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Licence type.
    pub licence: String,
    /// Field id.
    pub field: String,
    /// The chosen form.
    pub form: Form,
}

/// Which sensitive fields the citizen gave separate consent for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeparateConsent {
    /// None.
    None,
    /// Every sensitive field chosen (one separate consent for all of them).
    All,
    /// These field ids.
    Fields(Vec<String>),
}

impl SeparateConsent {
    fn covers(&self, field: &str) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Fields(f) => f.iter().any(|x| x == field),
        }
    }
}

/// A response that is built and recorded (in memory) but not yet sealed:
/// persist the log, then [`PendingResponse::seal`]; on failure,
/// [`Wallet::abort_response`].
pub struct PendingResponse {
    suite: Suite,
    size_before: u64,
    record_id: String,
    receipt: Vec<u8>,
    plaintext: Zeroizing<Vec<u8>>,
    seal_key: PublicKey,
}

impl std::fmt::Debug for PendingResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingResponse")
            .field("record_id", &self.record_id)
            .finish_non_exhaustive()
    }
}

/// A sealed answer and its receipt.
#[derive(Clone, Debug)]
pub struct Response {
    /// The envelope for the relying party.
    pub envelope: Vec<u8>,
    /// The consent receipt (also inside the envelope).
    pub receipt: Vec<u8>,
    /// The consent record's id.
    pub record_id: String,
}

impl PendingResponse {
    /// The consent record's id.
    #[must_use]
    pub fn record_id(&self) -> &str {
        &self.record_id
    }

    /// Seals the presentation and receipt to the relying party. Call only
    /// once the log holding the record is persisted.
    ///
    /// # Errors
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn seal(self) -> Result<Response> {
        let envelope = envelope::seal(
            &self.seal_key,
            &self.plaintext,
            &SealOptions {
                info: RESPONSE_INFO,
                suite: Some(self.suite),
                ..SealOptions::default()
            },
        )?;
        Ok(Response {
            envelope,
            receipt: self.receipt,
            record_id: self.record_id,
        })
    }
}

/// The citizen's wallet.
pub struct Wallet {
    suite: Suite,
    holder: SigningKey,
    log: ConsentLog,
    credentials: Vec<StoredCredential>,
    trusted: Vec<VerifyingKey>,
    allow_unverified: bool,
    committer: Committer,
    /// The log's earlier device keys and their handover checkpoints.
    handovers: Vec<Handover>,
    /// An export whose handover record awaits its save: the log's size
    /// with it, and the new device key's seed.
    pending_export: Option<(u64, Zeroizing<[u8; 32]>)>,
    /// A prune awaiting its save: the size the log is pruned to once the
    /// save counts.
    pending_prune: Option<u64>,
    /// The last request text whose signature and claims verified here
    /// (at most `MAX_REQUEST_BYTES`): `respond` or `refuse` of the request
    /// `evaluate` showed does not verify its signature a second time.
    verified_request: Cell<Option<String>>,
}

/// What [`Wallet::finish_export`] gives the citizen.
pub struct Exported {
    /// The sealed export.
    pub bytes: Vec<u8>,
    /// The code that opens it, to show once.
    pub code: RecoveryCode,
}

/// How [`Wallet::open_with`] opens a wallet.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Verifier keys whose requests are trusted.
    pub trusted: Vec<VerifyingKey>,
    /// Whether requests from other verifiers may be answered.
    pub allow_unverified: bool,
    /// A checkpoint of this wallet's log kept **off the device** (the
    /// integrator's server, or the latest one a relying party
    /// acknowledged): the stored log must extend it, else
    /// [`Error::RollbackDetected`].
    pub trusted_checkpoint: Option<String>,
    /// The wallet's suite: `None` opens a stored wallet in its own suite
    /// and makes a new (or imported) wallet intl; a suite other than the
    /// stored wallet's is refused ([`Error::InvalidInput`]).
    pub suite: Option<Suite>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("suite", &self.suite)
            .field("credentials", &self.credentials.len())
            .field("log", &self.log)
            .finish_non_exhaustive()
    }
}

fn corrupt(reason: &'static str) -> Error {
    Error::StorageCorrupt { reason }
}

/// The holder key algorithm of a wallet of `suite`.
fn holder_alg(suite: Suite) -> Algorithm {
    match suite {
        Suite::Intl => Algorithm::EdDsa,
        Suite::Gm => Algorithm::Sm2,
    }
}

/// The device key of a wallet of `suite` from its 32-byte seed (Ed25519
/// seed in intl, SM2 secret scalar in gm).
fn device_key(suite: Suite, seed: &[u8; 32]) -> Result<DeviceKey> {
    DeviceKey::from_seed(suite, seed)
}

/// A stored device public key (of a handover): 32 bytes (Ed25519) or 65
/// bytes `04‖x‖y` (SM2).
fn device_public_key(bytes: &[u8]) -> Option<crate::consent::DevicePublicKey> {
    crate::consent::DevicePublicKey::from_bytes(bytes).ok()
}

/// Refuses a request of another suite than the wallet's, before anything
/// is appended.
fn check_suite(wallet: Suite, req: &Request) -> Result<()> {
    if req.suite == wallet {
        return Ok(());
    }
    Err(Error::UnsupportedAlgorithm {
        name: format!(
            "{} request in {} wallet: a wallet answers requests of its own suite only (open {} wallet for it)",
            super::a_suite(req.suite),
            super::a_suite(wallet),
            super::a_suite(req.suite)
        ),
    })
}

impl Wallet {
    /// A new intl wallet with fresh holder and device keys and an empty
    /// log: [`Wallet::create_with_suite`] with [`Suite::Intl`].
    ///
    /// # Errors
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn create(trusted: Vec<VerifyingKey>, allow_unverified: bool) -> Result<Self> {
        Self::create_with_suite(Suite::Intl, trusted, allow_unverified)
    }

    /// A new wallet of `suite` with fresh holder and device keys and an
    /// empty log.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] if the suite is not in this module;
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn create_with_suite(
        suite: Suite,
        trusted: Vec<VerifyingKey>,
        allow_unverified: bool,
    ) -> Result<Self> {
        suite.require()?;
        let holder = SigningKey::generate(holder_alg(suite))?;
        let mut seed = Zeroizing::new([0u8; 32]);
        crate::rng::rng()?.fill_bytes(seed.as_mut());
        let device = device_key(suite, &seed)?;
        // The origin names the device by 9 bytes of its public key (after
        // the constant 04 of an SM2 key) and, for a gm log, says that its
        // tree is SM3 (C2SP tlog-checkpoint assumes SHA-256 roots).
        let public = device.verifying_key();
        let (tag, id) = match suite {
            Suite::Intl => ("", public.as_bytes().get(..9)),
            Suite::Gm => ("sm3/", public.as_bytes().get(1..10)),
        };
        let origin = format!("mpshield.wallet/{tag}{}", b64url(id.unwrap_or_default()));
        Ok(Self {
            suite,
            holder,
            log: ConsentLog::create(device, &origin)?,
            credentials: Vec::new(),
            trusted,
            allow_unverified,
            committer: Committer::new(STORE_PREFIX),
            handovers: Vec::new(),
            pending_export: None,
            pending_prune: None,
            verified_request: Cell::new(None),
        })
    }

    /// The wallet state (keys and credentials) as the plaintext that
    /// storage format 2 encrypts.
    fn state_plain(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut state = json!({
            "v": 1,
            "holderKey": self.holder.export_private_jwk_dangerously(),
            "deviceKey": b64url(&self.log.device_key().to_seed()[..]),
            "origin": self.log.origin(),
            "credentials": self.credentials.iter().map(|c| c.sd_jwt.as_str()).collect::<Vec<_>>(),
            "handovers": self.handovers.iter().map(|h| json!([b64url(h.key.as_bytes()), h.note])).collect::<Vec<_>>(),
        });
        // An intl state is written as before the member existed.
        if let (Suite::Gm, Value::Object(m)) = (self.suite, &mut state) {
            m.insert("suite".into(), json!(self.suite.name()));
        }
        Ok(Zeroizing::new(serde_json::to_vec(&state).map_err(
            |_| Error::Internal {
                context: "wallet state",
            },
        )?))
    }

    /// A wallet from an [`Opened`] store: its state, and its log checked
    /// against the commit (and `options.trusted_checkpoint`).
    ///
    /// # Errors
    /// As [`Opened::into_log`]; [`Error::StorageCorrupt`] if the state is
    /// malformed (its holder key of another suite than its own included);
    /// [`Error::InvalidInput`] if `options.suite` is not the stored
    /// wallet's; [`Error::UnsupportedAlgorithm`] if the stored wallet's
    /// suite is not in this module.
    pub fn from_opened(opened: Opened, options: &OpenOptions) -> Result<Self> {
        let state = opened.state.clone();
        let v: Value = crate::json::from_bytes(&state)
            .ok_or_else(|| corrupt("the wallet state is not JSON"))?;
        let suite = match v.get("suite") {
            None => Suite::Intl,
            Some(Value::String(name)) => Suite::from_name(name)
                .map_err(|_| corrupt("the wallet state names no known suite"))?,
            Some(_) => return Err(corrupt("the wallet state names no known suite")),
        };
        if let Some(wanted) = options.suite {
            if wanted != suite {
                return Err(Error::input(format!(
                    "this storage holds {} wallet, not {} one: open it with suite {:?} or without suite (a wallet keeps its suite; {} wallet needs storage of its own)",
                    super::a_suite(suite),
                    super::a_suite(wanted),
                    suite.name(),
                    super::a_suite(wanted)
                )));
            }
        }
        suite.require()?;
        let holder = v
            .get("holderKey")
            .ok_or(corrupt("the wallet state has no holder key"))
            .and_then(|j| SigningKey::from_jwk(j).map_err(|_| corrupt("bad holder key")))?;
        if holder.alg() != holder_alg(suite) {
            return Err(corrupt("the holder key is not of the wallet's suite"));
        }
        let seed: Zeroizing<Vec<u8>> = Zeroizing::new(
            v.get("deviceKey")
                .and_then(Value::as_str)
                .and_then(|s| b64url_decode(s, "deviceKey").ok())
                .filter(|b| b.len() == 32)
                .ok_or(corrupt("bad device key"))?,
        );
        let mut arr = Zeroizing::new([0u8; 32]);
        arr.copy_from_slice(&seed);
        let device = device_key(suite, &arr)?;
        let origin = v
            .get("origin")
            .and_then(Value::as_str)
            .ok_or(corrupt("the wallet state has no origin"))?;
        let stored = v
            .get("credentials")
            .and_then(Value::as_array)
            .ok_or(corrupt("the wallet state has no credentials"))?;
        if stored.len() > MAX_CREDENTIALS {
            return Err(corrupt("the wallet state holds too many credentials"));
        }
        let handovers = match v.get("handovers") {
            None => Vec::new(),
            Some(list) => parse_handovers(list)?,
        };
        opened
            .require_suite(suite)
            .map_err(|_| corrupt("the wallet state and its log are of different suites"))?;
        let (log, committer) = opened.into_log(device, origin, None)?;
        handover::check_chain(&log, &handovers)
            .map_err(|_| corrupt("the stored handover chain does not verify"))?;
        let mut wallet = Self {
            suite,
            holder,
            log,
            credentials: Vec::new(),
            trusted: options.trusted.clone(),
            allow_unverified: options.allow_unverified,
            committer,
            handovers,
            pending_export: None,
            pending_prune: None,
            verified_request: Cell::new(None),
        };
        wallet.check_trusted(options.trusted_checkpoint.as_deref())?;
        for c in stored {
            let sd = c
                .as_str()
                .ok_or(corrupt("a stored credential is not text"))?;
            wallet
                .add_credential_at(sd, None)
                .map_err(|_| corrupt("a stored credential is malformed"))?;
        }
        Ok(wallet)
    }

    /// Plans the save of the log and, if it changed, the state (the
    /// JavaScript driver writes it; natively [`Wallet::save`] does).
    ///
    /// # Errors
    /// As [`Committer::plan`].
    pub fn plan_save(&mut self, key: &StorageKey) -> Result<SavePlan> {
        let state = self.state_plain()?;
        self.committer.plan(&self.log, &state, key)
    }

    /// The planned save failed: see [`Committer::failed`].
    ///
    /// # Errors
    /// As [`Committer::failed`].
    pub fn save_failed(&mut self, key: &StorageKey) -> Result<(String, Vec<u8>)> {
        self.committer.failed(key)
    }

    /// The planned save is written and read back: see
    /// [`Committer::confirmed`].
    ///
    /// # Errors
    /// As [`Committer::confirmed`].
    pub fn save_confirmed(
        &mut self,
        key: &StorageKey,
        head_busy: bool,
    ) -> Result<Option<HeadWrite>> {
        self.committer.confirmed(key, head_busy)
    }

    /// Continues storage with the committer an empty store's opener gave
    /// ([`commit::Opener::committer_for_new`]); for a new wallet only.
    pub fn use_committer(&mut self, committer: Committer) {
        self.committer = committer;
    }

    /// Another writer has committed to this storage: see
    /// [`Committer::foreign_writer`].
    pub fn foreign_writer(&mut self) {
        self.committer.foreign_writer();
    }

    /// How the head write went: see [`Committer::head_written`].
    pub fn head_written(&mut self, ok: bool) -> Vec<String> {
        self.committer.head_written(ok)
    }

    /// The storage generation of the newest confirmed save.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.committer.generation()
    }

    /// Saves the log and state through `storage` (storage format 2).
    ///
    /// # Errors
    /// [`Error::ConsentNotPersisted`] if storage fails.
    pub fn save(&mut self, storage: &mut dyn Storage, key: &StorageKey) -> Result<()> {
        let state = self.state_plain()?;
        commit::save_sync(&mut self.committer, storage, &self.log, &state, key)
    }

    /// The wallet's suite.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The holder key's public JWK, for issuers' `cnf`: Ed25519 in an intl
    /// wallet, `{kty:"EC", crv:"SM2"}` in a gm one.
    #[must_use]
    pub fn holder_public_jwk(&self) -> Value {
        self.holder.public_jwk()
    }

    /// The device key's public JWK, which verifies checkpoints and receipts.
    #[must_use]
    pub fn device_public_jwk(&self) -> Value {
        self.log.device_public_key().jwk()
    }

    /// The consent log.
    #[must_use]
    pub fn log(&self) -> &ConsentLog {
        &self.log
    }

    /// The credentials held.
    #[must_use]
    pub fn credentials(&self) -> &[StoredCredential] {
        &self.credentials
    }

    /// Adds an issued credential bound to this wallet's holder key (the
    /// caller then persists it with [`Wallet::save`], or calls
    /// [`Wallet::store_credential`]). Adding the same one
    /// twice returns the stored one.
    ///
    /// # Errors
    /// [`Error::InvalidCredential`] if it is malformed, a presentation, not
    /// bound to the holder key, or of no known licence type;
    /// [`Error::Expired`] if it has expired.
    pub fn add_credential(&mut self, sd_jwt: &str, now: i64) -> Result<StoredCredential> {
        let before = self.credentials.len();
        let c = self.add_credential_at(sd_jwt, Some(now))?;
        if self.credentials.len() != before {
            self.committer.state_changed();
        }
        Ok(c)
    }

    fn add_credential_at(&mut self, sd_jwt: &str, now: Option<i64>) -> Result<StoredCredential> {
        let id: String = sha256_b64url(sd_jwt.as_bytes()).chars().take(22).collect();
        if let Some(c) = self.credentials.iter().find(|c| c.id == id) {
            return Ok(c.clone());
        }
        if self.credentials.len() >= MAX_CREDENTIALS {
            return Err(Error::input(format!(
                "a wallet holds at most {MAX_CREDENTIALS} credentials"
            )));
        }
        let d = sdjwt::decode(sd_jwt)?;
        if d.key_binding.is_some() {
            return Err(Error::credential(
                "this is a presentation: add the issued credential",
            ));
        }
        let vct = d.payload.get("vct").and_then(Value::as_str).unwrap_or("");
        let schema = licence::schemas()?
            .iter()
            .find(|s| s.vct == vct)
            .ok_or_else(|| Error::credential(format!("vct {vct:?} is not a known licence")))?;
        let bound = d
            .payload
            .get("cnf")
            .and_then(|c| c.get("jwk"))
            .and_then(|j| VerifyingKey::from_jwk(j).ok());
        if bound.is_none_or(|k| k.kid() != self.holder.kid()) {
            return Err(Error::credential(
                "the credential is not bound to this wallet's holder key (issue it to holderPublicJwk())",
            ));
        }
        let exp = d.payload.get("exp").and_then(Value::as_i64);
        if let (Some(now), Some(exp)) = (now, exp) {
            if now > exp {
                return Err(Error::Expired);
            }
        }
        let c = StoredCredential {
            id,
            licence: schema.licence_type.clone(),
            iss: d
                .payload
                .get("iss")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            iat: d.payload.get("iat").and_then(Value::as_i64),
            exp,
            sd_jwt: sd_jwt.to_owned(),
        };
        self.credentials.push(c.clone());
        Ok(c)
    }

    /// Forgets the credentials added after the first `n` (their save
    /// failed).
    pub fn keep_credentials(&mut self, n: usize) {
        if self.credentials.len() > n {
            self.committer.state_changed();
        }
        self.credentials.truncate(n);
    }

    /// The newest unexpired credential of `licence_type`.
    fn credential_for(&self, licence_type: &str, now: i64) -> Option<&StoredCredential> {
        self.credentials
            .iter()
            .rev()
            .find(|c| c.licence == licence_type && c.exp.is_none_or(|e| e >= now))
    }

    fn is_trusted(&self, req: &Request) -> bool {
        self.trusted
            .iter()
            .any(|k| k.kid() == req.verifier_key.kid())
    }

    /// Everything a consent screen needs about `request` at `now`.
    ///
    /// An untrusted requester is not an error here: `verified` is `false`
    /// and `warnings` says `UNTRUSTED_VERIFIER`; [`Wallet::respond`]
    /// refuses it unless unverified requesters are allowed. `suite` is the
    /// request's; a request of the other suite than the wallet's is shown
    /// with an `UNSUPPORTED_ALGORITHM` warning (respond refuses it).
    ///
    /// # Errors
    /// As [`Request::verify`].
    pub fn evaluate(&self, request: &str, now: i64) -> Result<Value> {
        let req = self.verify_request(request, now)?;
        let verified = self.is_trusted(&req);
        let schema = licence::schema(req.licence())?;
        let cred = self.credential_for(req.licence(), now);
        let decoded = cred.map(|c| sdjwt::decode(&c.sd_jwt)).transpose()?;
        let mut items = Vec::new();
        for f in &req.fields {
            let sf = schema.fields.iter().find(|s| s.id == f.field);
            let mut forms = Vec::new();
            for form in &f.forms {
                let claim = f.claim(*form);
                let value = decoded.as_ref().and_then(|d| claim_value(d, &claim));
                let labels = form_labels(schema, f, *form);
                forms.push(json!({
                    "form": form_str(*form),
                    "available": value.is_some(),
                    "claim": claim,
                    "labels": labels,
                    "preview": value,
                }));
            }
            let satisfiable = forms.iter().any(|x| x["available"] == json!(true));
            let always_visible = !f.disclosable();
            items.push(json!({
                "licence": f.licence,
                "field": f.field,
                "labels": sf.map(|s| json!({ "zh": s.labels.zh, "en": s.labels.en })),
                "required": f.required,
                "forms": forms,
                "sensitive": f.sensitive(),
                "retentionDays": f.retention_days,
                "satisfiable": satisfiable,
                "alwaysVisible": always_visible,
            }));
        }
        let mut warnings = Vec::new();
        if let Err(e) = check_suite(self.suite, &req) {
            warnings.push(json!({ "code": e.code(), "message": e.to_string() }));
        }
        if !verified {
            warnings.push(json!({
                "code": "UNTRUSTED_VERIFIER",
                "message": Error::UntrustedVerifier.to_string(),
            }));
        }
        if cred.is_none() {
            let e = Error::CredentialNotFound {
                licence: req.licence().to_owned(),
            };
            warnings.push(json!({ "code": e.code(), "message": e.to_string() }));
        }
        let mut out = Map::new();
        out.insert("verified".into(), json!(verified));
        out.insert("suite".into(), json!(req.suite.name()));
        out.insert(
            "verifier".into(),
            json!({ "name": req.name, "uscc": req.uscc, "kid": req.verifier_key.kid() }),
        );
        out.insert("purpose".into(), json!(req.purpose));
        out.insert(
            "lawfulBasis".into(),
            serde_json::to_value(req.lawful_basis).unwrap_or_default(),
        );
        out.insert("expiresAt".into(), json!(req.expires_at));
        if let Some(u) = &req.notice_url {
            out.insert("noticeUrl".into(), json!(u));
        }
        out.insert("items".into(), Value::Array(items));
        // What leaves with any answer from this licence: the fields it keeps
        // visible (a consent screen says so even when they are not asked).
        let visible: Vec<Value> = schema
            .fields
            .iter()
            .filter(|f| !f.disclosable)
            .filter(|f| {
                decoded
                    .as_ref()
                    .is_some_and(|d| d.payload.get(&f.id).is_some())
            })
            .map(|f| {
                json!({
                    "field": f.id,
                    "labels": { "zh": f.labels.zh, "en": f.labels.en },
                    "value": decoded.as_ref().and_then(|d| d.payload.get(&f.id)),
                })
            })
            .collect();
        out.insert("alwaysVisible".into(), Value::Array(visible));
        out.insert("warnings".into(), Value::Array(warnings));
        Ok(Value::Object(out))
    }

    /// [`Request::verify`], checking the signature only if `request` is not
    /// the text this wallet last verified.
    fn verify_request(&self, request: &str, now: i64) -> Result<Request> {
        let last = self.verified_request.take();
        let known = last.as_deref() == Some(request);
        let result = Request::verify_again(request, known, now);
        self.verified_request.set(match (&result, known) {
            (Ok(_), false) => Some(request.to_owned()),
            _ => last,
        });
        result
    }

    fn checked_request(&self, request: &str, now: i64) -> Result<Request> {
        let req = self.verify_request(request, now)?;
        check_suite(self.suite, &req)?;
        if !self.allow_unverified && !self.is_trusted(&req) {
            return Err(Error::UntrustedVerifier);
        }
        Ok(req)
    }

    /// Steps 1–4 of a response: verifies the request, checks the choices,
    /// builds the key-bound presentation, and appends the consent record to
    /// the log in memory. Persist the log next; then
    /// [`PendingResponse::seal`], or [`Wallet::abort_response`] if
    /// persisting failed.
    ///
    /// # Errors
    /// As [`Request::verify`]; [`Error::UnsupportedAlgorithm`] for a request
    /// of the other suite than the wallet's; [`Error::UntrustedVerifier`];
    /// [`Error::NotRequested`] for a choice the request did not make, a
    /// form it does not accept, a duplicate, a missing required field or no
    /// choice at all; [`Error::SeparateConsentRequired`];
    /// [`Error::CredentialNotFound`].
    pub fn begin_response(
        &mut self,
        request: &str,
        choices: &[Choice],
        separate: &SeparateConsent,
        now: i64,
    ) -> Result<PendingResponse> {
        let req = self.checked_request(request, now)?;
        let not_requested = |reason: String| Error::NotRequested { reason };
        if choices.is_empty() {
            return Err(not_requested(
                "nothing was chosen: refuse the request instead".into(),
            ));
        }
        let mut fields = Vec::new();
        let mut disclose = Vec::new();
        let mut sensitive_any = false;
        for (i, c) in choices.iter().enumerate() {
            let f = req
                .field(&c.field)
                .filter(|f| f.licence == c.licence)
                .ok_or_else(|| {
                    not_requested(format!("{} of {} was not requested", c.field, c.licence))
                })?;
            if !f.forms.contains(&c.form) {
                return Err(not_requested(format!(
                    "{} is not accepted in the {} form",
                    c.field,
                    form_str(c.form)
                )));
            }
            if choices.iter().take(i).any(|d| d.field == c.field) {
                return Err(not_requested(format!("{} is chosen twice", c.field)));
            }
            let sensitive = f.sensitive();
            if sensitive && !separate.covers(&c.field) {
                return Err(Error::SeparateConsentRequired {
                    field: c.field.clone(),
                });
            }
            sensitive_any |= sensitive;
            if f.disclosable() {
                disclose.push(f.claim(c.form));
            }
            fields.push(Field {
                field: c.field.clone(),
                form: c.form,
                licence: c.licence.clone(),
                retention_days: f.retention_days,
                sensitive,
            });
        }
        if let Some(f) = req
            .fields
            .iter()
            .find(|f| f.required && f.disclosable() && !choices.iter().any(|c| c.field == f.field))
        {
            return Err(not_requested(format!("{} is required", f.field)));
        }
        // A requested field the licence keeps visible leaves with every
        // answer: the record says so even if it was not ticked.
        for f in &req.fields {
            if !f.disclosable() && !fields.iter().any(|x: &Field| x.field == f.field) {
                fields.push(Field {
                    field: f.field.clone(),
                    form: Form::Full,
                    licence: f.licence.clone(),
                    retention_days: f.retention_days,
                    sensitive: f.sensitive(),
                });
            }
        }
        let cred =
            self.credential_for(req.licence(), now)
                .ok_or_else(|| Error::CredentialNotFound {
                    licence: req.licence().to_owned(),
                })?;
        let decoded = sdjwt::decode(&cred.sd_jwt)?;
        if disclose.iter().any(|p| claim_value(&decoded, p).is_none()) {
            return Err(Error::CredentialNotFound {
                licence: req.licence().to_owned(),
            });
        }
        let presentation = sdjwt::present(
            &cred.sd_jwt,
            &self.holder,
            &PresentOptions {
                disclose,
                aud: req.audience(),
                nonce: req.nonce.clone(),
                iat: Some(now),
            },
        )?;
        let sd_hash = super::record_sd_hash(self.suite, &presentation).ok_or(Error::Internal {
            context: "presentation",
        })?;
        let record = ConsentRecord {
            consent_type: if sensitive_any {
                ConsentType::Separate
            } else {
                ConsentType::Explicit
            },
            presentation: Some(Presentation {
                audience: req.audience(),
                nonce: req.nonce.clone(),
                recipient_key_id: b64url(&req.seal_key.key_id()),
                sd_hash,
            }),
            ..base_record(&req, Event::Given, fields, now)
        };
        let size_before = self.log.size();
        let appended = self.log.append(record)?;
        let record_id = self.log.get(appended.index)?.id().to_owned();
        let receipt = self.log.receipt(appended.index);
        let receipt = match receipt {
            Ok(r) => r,
            Err(e) => {
                self.log.truncate(size_before);
                return Err(e);
            }
        };
        let body = json!({
            "typ": RESPONSE_TYP,
            "request": request,
            "presentation": presentation,
            "receipt": b64url(&receipt),
            "device": self.device_public_jwk(),
        });
        let plaintext = Zeroizing::new(serde_json::to_vec(&body).map_err(|_| Error::Internal {
            context: "response",
        })?);
        Ok(PendingResponse {
            suite: self.suite,
            size_before,
            record_id,
            receipt,
            plaintext,
            seal_key: req.seal_key,
        })
    }

    /// Takes a response's record back out of the log after persisting it
    /// failed; the pending response is dropped unsealed.
    pub fn abort_response(&mut self, pending: PendingResponse) {
        self.log.truncate(pending.size_before);
    }

    /// Undoes appends back to `size` records (a refusal or withdrawal
    /// whose save failed).
    pub fn rollback_to(&mut self, size: u64) {
        self.log.truncate(size);
    }

    /// Appends a `refused` record for `request` (verified, but refused even
    /// from an untrusted requester); returns its id. Persist the log next.
    /// A request of the other suite is not recorded (the wallet answers it
    /// in no way, and keeps nothing of it under its own suite).
    ///
    /// # Errors
    /// As [`Request::verify`]; [`Error::UnsupportedAlgorithm`] for a request
    /// of the other suite than the wallet's.
    pub fn begin_refuse(&mut self, request: &str, now: i64) -> Result<String> {
        let req = self.verify_request(request, now)?;
        check_suite(self.suite, &req)?;
        let fields = req
            .fields
            .iter()
            .map(|f| Field {
                field: f.field.clone(),
                form: f.forms.first().copied().unwrap_or(Form::Full),
                licence: f.licence.clone(),
                retention_days: f.retention_days,
                sensitive: f.sensitive(),
            })
            .collect();
        let record = ConsentRecord {
            presentation: None,
            ..base_record(&req, Event::Refused, fields, now)
        };
        let a = self.log.append(record)?;
        Ok(self.log.get(a.index)?.id().to_owned())
    }

    /// Appends a `withdrawn` record for `record_id`. Persist the log next.
    ///
    /// # Errors
    /// As [`ConsentLog::withdraw`].
    pub fn begin_withdraw(&mut self, record_id: &str, now: i64) -> Result<()> {
        self.log.withdraw(record_id, now).map(|_| ())
    }

    /// The log's history, as `log.history`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unsupported locale.
    pub fn history(&self, locale: &str) -> Result<Vec<HistoryEntry>> {
        self.log.history(locale)
    }

    /// Opens the wallet stored in `storage` under `key`, or creates and
    /// stores a new one (see [`Wallet::open_with`]).
    ///
    /// # Errors
    /// As [`Wallet::open_with`].
    pub fn open(
        storage: &mut dyn Storage,
        key: &StorageKey,
        trusted: Vec<VerifyingKey>,
        allow_unverified: bool,
    ) -> Result<Self> {
        Self::open_with(
            storage,
            key,
            &OpenOptions {
                trusted,
                allow_unverified,
                trusted_checkpoint: None,
                suite: None,
            },
        )
    }

    /// Opens the wallet stored in `storage` under `key`: the newest
    /// complete commit (storage format 2). With nothing stored, creates a
    /// new wallet and commits it at once, so it reopens before its first
    /// consent. With `trusted_checkpoint`, the stored log must extend it.
    /// `options.suite` chooses a new wallet's suite (default intl) and must
    /// be a stored wallet's own if given.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `options.suite` is not the stored
    /// wallet's; [`Error::UnsupportedAlgorithm`] if the suite is not in
    /// this module;
    /// [`Error::DecryptFailed`] (wrong key, or everything altered);
    /// [`Error::StorageCorrupt`] if the stored state was altered;
    /// [`Error::RollbackDetected`] if it is older than the trusted
    /// checkpoint (an earlier copy of storage was restored, or storage was
    /// wiped); [`Error::ConsentNotPersisted`] if the first save fails; the
    /// storage's errors.
    pub fn open_with(
        storage: &mut dyn Storage,
        key: &StorageKey,
        options: &OpenOptions,
    ) -> Result<Self> {
        let fresh = match commit::open_sync(storage, STORE_PREFIX, key)? {
            commit::Found::Opened(opened) => return Self::from_opened(*opened, options),
            commit::Found::Empty(c) => c,
        };
        if options.trusted_checkpoint.is_some() {
            // A checkpoint exists, so a wallet did: storage was wiped.
            return Err(Error::RollbackDetected);
        }
        let mut wallet = Self::create_with_suite(
            options.suite.unwrap_or_default(),
            options.trusted.clone(),
            options.allow_unverified,
        )?;
        wallet.committer = *fresh;
        wallet.save(storage, key)?;
        Ok(wallet)
    }

    /// Checks the log against a checkpoint kept off the device.
    ///
    /// # Errors
    /// [`Error::InvalidCheckpoint`] if it is not this wallet's;
    /// [`Error::RollbackDetected`] if the log does not extend it.
    pub fn check_trusted(&self, trusted_checkpoint: Option<&str>) -> Result<()> {
        let Some(note) = trusted_checkpoint else {
            return Ok(());
        };
        let cp = handover::verify_any(note, &self.log, &self.handovers)?;
        commit::check_extends(&self.log, &cp)
    }

    /// Starts a move to a new phone: appends the `handover` record to a
    /// fresh device key for the new phone. Persist the log next, then
    /// [`Wallet::finish_export`] (or [`Wallet::abort_export`] if the save
    /// failed). This wallet keeps working; records it appends later are not
    /// in the export.
    ///
    /// # Errors
    /// [`Error::InvalidState`] while another export is pending;
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn begin_export(&mut self, now: i64) -> Result<()> {
        if self.pending_export.is_some()
            || self.pending_prune.is_some()
            || self.handovers.len() >= handover::MAX_HANDOVERS
        {
            return Err(Error::InvalidState {
                reason: "an export is already in progress, or the log was handed over too often"
                    .into(),
            });
        }
        let next_key = DeviceKey::generate(self.log.suite())?;
        let seed = next_key.to_seed();
        let next = next_key.verifying_key();
        let record = handover::handover_record(self.log.size(), &next, now);
        self.log.append(record)?;
        self.pending_export = Some((self.log.size(), seed));
        Ok(())
    }

    /// The handover record could not be saved: takes it back.
    pub fn abort_export(&mut self) {
        if let Some((size, _)) = self.pending_export.take() {
            self.log.truncate(size - 1);
        }
    }

    /// Seals the export once its handover record is saved: the log up to
    /// and including it, the new device key, the handover chain (this
    /// handover's checkpoint signed by this device's key) and the
    /// credentials to re-issue, under a fresh recovery code.
    ///
    /// # Errors
    /// [`Error::InvalidState`] without a pending export or if the log
    /// changed since; as [`Export::seal`].
    pub fn finish_export(&mut self) -> Result<Exported> {
        let (size, seed) = self
            .pending_export
            .take()
            .ok_or_else(|| Error::InvalidState {
                reason: "no export is in progress".into(),
            })?;
        if self.log.size() != size {
            return Err(Error::InvalidState {
                reason: "the log changed during the export".into(),
            });
        }
        let mut handovers = self.handovers.clone();
        handovers.push(Handover {
            key: self.log.device_public_key(),
            note: self.log.checkpoint()?,
        });
        let reissue: Vec<Value> = self
            .credentials
            .iter()
            .map(StoredCredential::summary)
            .collect();
        let export = Export {
            origin: self.log.origin().to_owned(),
            device_seed: seed,
            handovers,
            records: self
                .log
                .records()
                .map(ConsentRecord::canonical_bytes)
                .collect::<Result<_>>()?,
            pruned: self.log.pruned(),
            frontier: self.log.frontier(),
            reissue: serde_json::to_vec(&reissue).map_err(|_| Error::Internal {
                context: "reissue list",
            })?,
        };
        let code = RecoveryCode::generate()?;
        Ok(Exported {
            bytes: export.seal(&code)?,
            code,
        })
    }

    /// A wallet on a new phone from an export: the same log, continued by
    /// the export's new device key after checking every handover; a fresh
    /// holder key and no credentials (the returned list names those to
    /// re-issue to [`Wallet::holder_public_jwk`]). With
    /// `options.trusted_checkpoint` newer than the export (signed by any of
    /// the log's keys), a `restored` record naming it is appended; one the
    /// export does not extend is [`Error::RollbackDetected`]. Save it next
    /// (into empty storage).
    ///
    /// # Errors
    /// [`Error::DecryptFailed`] for a wrong code or an altered export;
    /// [`Error::StorageCorrupt`] for a malformed one or a broken chain;
    /// [`Error::InvalidCheckpoint`], [`Error::RollbackDetected`].
    pub fn import(
        export: &[u8],
        code: &RecoveryCode,
        options: &OpenOptions,
        now: i64,
    ) -> Result<(Self, Value)> {
        let e = Export::open(export, code)?;
        // The export says its suite; `options.suite`, when given, must agree.
        let suite = e.suite();
        if options.suite.is_some_and(|s| s != suite) {
            return Err(Error::input(format!(
                "this export holds {} log: import it into {} wallet (suite: '{}')",
                super::a_suite(suite),
                super::a_suite(suite),
                suite.name()
            )));
        }
        suite.require()?;
        let mut log = ConsentLog::resume(
            device_key(suite, &e.device_seed)?,
            &e.origin,
            e.pruned,
            &e.frontier,
        )
        .map_err(|_| corrupt("the export is malformed"))?;
        for bytes in &e.records {
            let record = ConsentRecord::from_canonical_bytes(bytes)
                .map_err(|_| corrupt("a record of the export is malformed"))?;
            log.replay(record, bytes)
                .map_err(|_| corrupt("the export's records are inconsistent"))?;
        }
        handover::check_chain(&log, &e.handovers)
            .map_err(|_| corrupt("the export's handover chain does not verify"))?;
        let ends = e
            .handovers
            .last()
            .and_then(|h| crate::consent::checkpoint::verify(&h.note, &h.key, &e.origin).ok())
            .is_some_and(|cp| cp.size == log.size());
        if !ends {
            return Err(corrupt("the export does not end at its handover"));
        }
        let reissue: Value = crate::json::from_bytes(&e.reissue)
            .ok_or_else(|| corrupt("the export's credential list is malformed"))?;
        let mut wallet =
            Self::create_with_suite(suite, options.trusted.clone(), options.allow_unverified)?;
        wallet.log = log;
        wallet.handovers = e.handovers;
        if let Some(note) = options.trusted_checkpoint.as_deref() {
            let cp = handover::verify_any(note, &wallet.log, &wallet.handovers)?;
            if cp.size > wallet.log.size() {
                let size = wallet.log.size();
                wallet
                    .log
                    .append(handover::restored_record(size, &cp, now))?;
            } else {
                commit::check_extends(&wallet.log, &cp)?;
            }
        }
        Ok((wallet, reissue))
    }

    /// [`Wallet::import`] into `storage`, which must hold no wallet, and
    /// save it there.
    ///
    /// # Errors
    /// As [`Wallet::import`]; [`Error::InvalidState`] if `storage` holds a
    /// wallet; [`Error::ConsentNotPersisted`] if the save fails.
    pub fn import_into(
        storage: &mut dyn Storage,
        key: &StorageKey,
        export: &[u8],
        code: &RecoveryCode,
        options: &OpenOptions,
        now: i64,
    ) -> Result<(Self, Value)> {
        let commit::Found::Empty(fresh) = commit::open_sync(storage, STORE_PREFIX, key)? else {
            return Err(Error::InvalidState {
                reason: "this storage already holds a wallet".into(),
            });
        };
        let (mut wallet, reissue) = Self::import(export, code, options, now)?;
        wallet.committer = *fresh;
        wallet.save(storage, key)?;
        Ok((wallet, reissue))
    }

    /// Starts a prune of the consent log (the rule of
    /// [`ConsentLog::prune_point`]: only records no longer in force, never
    /// a device record, a withdrawal only with its consent), up to
    /// `up_to` records (`None`: the whole log): the next save commits it,
    /// and memory is pruned only by [`Wallet::finish_prune`] once that
    /// save counts ([`Wallet::abort_prune`] if it failed). Returns what is
    /// pruned (nothing to save when [`Pruned::records`] is 0).
    ///
    /// Pass as `up_to` the size of the newest checkpoint kept off the
    /// device (the integrator's server): a `trusted_checkpoint` smaller
    /// than the pruned prefix can no longer be checked
    /// ([`Error::InvalidCheckpoint`]).
    ///
    /// # Errors
    /// [`Error::InvalidState`] while an export or another prune is pending.
    pub fn begin_prune(&mut self, up_to: Option<u64>, now: i64) -> Result<Pruned> {
        if self.pending_prune.is_some() || self.pending_export.is_some() {
            return Err(Error::InvalidState {
                reason: "an export or a prune of this wallet is still being saved".into(),
            });
        }
        let p = self.log.prune_point(up_to.unwrap_or(u64::MAX), now);
        if p.records() > 0 {
            self.pending_prune = Some(p.to);
            self.committer.prune_next_save(p.to);
        }
        Ok(p)
    }

    /// The prune's save failed: nothing was pruned (in memory or storage).
    pub fn abort_prune(&mut self) {
        self.pending_prune = None;
        self.committer.prune_next_save(0);
    }

    /// The prune's save counts: the records are dropped from memory too.
    pub fn finish_prune(&mut self) {
        if let Some(to) = self.pending_prune.take() {
            self.log.prune_to(to);
        }
    }

    /// [`Wallet::begin_prune`], the save, and [`Wallet::finish_prune`]: a
    /// crash-safe save like any other (a failed one leaves both storage and
    /// memory as they were).
    ///
    /// # Errors
    /// As [`Wallet::begin_prune`]; [`Error::ConsentNotPersisted`] if the
    /// save fails.
    pub fn prune(
        &mut self,
        storage: &mut dyn Storage,
        key: &StorageKey,
        up_to: Option<u64>,
        now: i64,
    ) -> Result<Pruned> {
        let p = self.begin_prune(up_to, now)?;
        if p.records() == 0 {
            return Ok(p);
        }
        if let Err(e) = self.save(storage, key) {
            self.abort_prune();
            return Err(e);
        }
        self.finish_prune();
        Ok(p)
    }

    /// [`Wallet::begin_export`], the save, and [`Wallet::finish_export`].
    ///
    /// # Errors
    /// As those; [`Error::ConsentNotPersisted`] if the save fails.
    pub fn export(
        &mut self,
        storage: &mut dyn Storage,
        key: &StorageKey,
        now: i64,
    ) -> Result<Exported> {
        self.begin_export(now)?;
        if let Err(e) = self.save(storage, key) {
            self.abort_export();
            return Err(e);
        }
        self.finish_export()
    }

    /// The continuity proof for a relying party holding `checkpoint` (of
    /// this log, under any of its keys): see [`handover::continuity_proof`].
    ///
    /// # Errors
    /// [`Error::InvalidCheckpoint`] if `checkpoint` does not parse.
    pub fn continuity_proof(&self, checkpoint: &str) -> Result<Vec<u8>> {
        handover::continuity_proof(&self.log, &self.handovers, checkpoint)
    }

    /// [`Wallet::add_credential`] and persist the state.
    ///
    /// # Errors
    /// As [`Wallet::add_credential`]; [`Error::ConsentNotPersisted`] if the
    /// state could not be saved (the credential is then not kept), as in
    /// JavaScript.
    pub fn store_credential(
        &mut self,
        storage: &mut dyn Storage,
        key: &StorageKey,
        sd_jwt: &str,
        now: i64,
    ) -> Result<StoredCredential> {
        let before = self.credentials.len();
        let c = self.add_credential(sd_jwt, now)?;
        if self.credentials.len() != before {
            if let Err(e) = self.save(storage, key) {
                self.keep_credentials(before);
                return Err(match e {
                    Error::ConsentNotPersisted { .. } => e,
                    other => Error::ConsentNotPersisted {
                        reason: other.to_string(),
                    },
                });
            }
        }
        Ok(c)
    }

    /// The whole response in order: [`Wallet::begin_response`], persist
    /// the log, seal. If persisting fails the record is taken back and no
    /// envelope is made.
    ///
    /// # Errors
    /// As [`Wallet::begin_response`]; [`Error::ConsentNotPersisted`].
    pub fn respond(
        &mut self,
        storage: &mut dyn Storage,
        key: &StorageKey,
        request: &str,
        choices: &[Choice],
        separate: &SeparateConsent,
        now: i64,
    ) -> Result<Response> {
        let pending = self.begin_response(request, choices, separate, now)?;
        if let Err(e) = self.save(storage, key) {
            self.abort_response(pending);
            return Err(e);
        }
        pending.seal()
    }

    /// Records and persists a refusal; returns the record id.
    ///
    /// # Errors
    /// As [`Wallet::begin_refuse`]; [`Error::ConsentNotPersisted`].
    pub fn refuse(
        &mut self,
        storage: &mut dyn Storage,
        key: &StorageKey,
        request: &str,
        now: i64,
    ) -> Result<String> {
        self.append_and_save(storage, key, |w| w.begin_refuse(request, now))
    }

    /// Records and persists a withdrawal.
    ///
    /// # Errors
    /// As [`Wallet::begin_withdraw`]; [`Error::ConsentNotPersisted`].
    pub fn withdraw(
        &mut self,
        storage: &mut dyn Storage,
        key: &StorageKey,
        record_id: &str,
        now: i64,
    ) -> Result<()> {
        self.append_and_save(storage, key, |w| w.begin_withdraw(record_id, now))
    }

    /// Runs `append`, then saves the log; if the save fails, the appended
    /// records are taken back.
    fn append_and_save<T>(
        &mut self,
        storage: &mut dyn Storage,
        key: &StorageKey,
        append: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let size = self.log.size();
        let out = append(self)?;
        if let Err(e) = self.save(storage, key) {
            self.rollback_to(size);
            return Err(e);
        }
        Ok(out)
    }
}

/// The stored handover chain: `[[key (base64url), note], …]`.
fn parse_handovers(list: &Value) -> Result<Vec<Handover>> {
    let bad = || corrupt("the stored handover chain is malformed");
    let list = list.as_array().ok_or_else(bad)?;
    if list.len() > handover::MAX_HANDOVERS {
        return Err(bad());
    }
    list.iter()
        .map(|h| {
            let key = h
                .get(0)
                .and_then(Value::as_str)
                .and_then(|k| b64url_decode(k, "key").ok())
                .and_then(|k| device_public_key(&k))
                .ok_or_else(bad)?;
            let note = h.get(1).and_then(Value::as_str).ok_or_else(bad)?.to_owned();
            Ok(Handover { key, note })
        })
        .collect()
}

/// The fields every record of a request shares.
fn base_record(req: &Request, event: Event, fields: Vec<Field>, now: i64) -> ConsentRecord {
    ConsentRecord {
        consent_type: ConsentType::Explicit,
        controller: Controller {
            contact: None,
            name: req.name.clone(),
            uscc: req.uscc.clone(),
        },
        cross_border: None,
        device: None,
        event,
        fields,
        jurisdiction: Some("CN".into()),
        lawful_basis: req.lawful_basis,
        notice: None,
        presentation: None,
        principal: None,
        purposes: vec![req.purpose.clone()],
        recipients: Vec::new(),
        record_id: None,
        refers_to: None,
        schema_version: None,
        storage_location: None,
        time: now,
        withdrawal_method: None,
    }
}

/// The value the credential holds at `claim`, disclosable or visible.
fn claim_value(d: &sdjwt::Decoded, claim: &str) -> Option<Value> {
    if let Some(x) = d.disclosures.iter().find(|x| x.path == claim) {
        return Some(x.value.clone());
    }
    let tokens = pointer::parse(claim).ok()?;
    pointer::get(&d.payload, &tokens)
        .filter(|v| !v.is_object())
        .cloned()
}

fn form_labels(schema: &licence::Schema, f: &request::RequestField, form: Form) -> Value {
    let base = schema.fields.iter().find(|s| s.id == f.field);
    let (zh, en) = base.map_or(("", ""), |b| (b.labels.zh.as_str(), b.labels.en.as_str()));
    match form {
        Form::Full => json!({ "zh": zh, "en": en }),
        Form::Masked => json!({ "zh": format!("{zh}（脱敏）"), "en": format!("{en} (masked)") }),
        Form::Predicate => {
            let p = f.predicate.as_deref().unwrap_or_default();
            match p.split_once('/') {
                Some(("age_equal_or_over", n)) => json!({
                    "zh": format!("年满{n}周岁"),
                    "en": format!("Aged {n} or over"),
                }),
                _ => json!({ "zh": "户籍所在省份", "en": "Province of household registration" }),
            }
        }
    }
}

/// Parses choices from JSON: `[{ licence, field, form }]`.
///
/// # Errors
/// [`Error::InvalidInput`] for another shape.
pub fn parse_choices(v: &Value) -> Result<Vec<Choice>> {
    let list = v
        .as_array()
        .ok_or_else(|| Error::input("choices must be an array"))?;
    if list.len() > request::MAX_FIELDS {
        return Err(Error::input(format!(
            "choices name at most {} fields, as a request does",
            request::MAX_FIELDS
        )));
    }
    list.iter()
        .map(|c| {
            let o = c
                .as_object()
                .ok_or_else(|| Error::input("each choice must be an object"))?;
            if let Some(k) = o
                .keys()
                .find(|k| !["licence", "field", "form"].contains(&k.as_str()))
            {
                return Err(Error::input(format!("unknown choice member {k}")));
            }
            Ok(Choice {
                licence: request::str_member(o, "licence")?.to_owned(),
                field: request::str_member(o, "field")?.to_owned(),
                form: request::parse_form(request::str_member(o, "form")?)?,
            })
        })
        .collect()
}

/// Parses `separateConsent`: `true`/`false`, or an array of field ids.
///
/// # Errors
/// [`Error::InvalidInput`] for another shape.
pub fn parse_separate(v: &Value) -> Result<SeparateConsent> {
    match v {
        Value::Null | Value::Bool(false) => Ok(SeparateConsent::None),
        Value::Bool(true) => Ok(SeparateConsent::All),
        Value::Array(a) if a.len() > request::MAX_FIELDS => Err(Error::input(format!(
            "separateConsent lists at most {} field ids",
            request::MAX_FIELDS
        ))),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| Error::input("separateConsent lists field ids"))
            })
            .collect::<Result<Vec<_>>>()
            .map(SeparateConsent::Fields),
        _ => Err(Error::input(
            "separateConsent must be a boolean or an array of field ids",
        )),
    }
}
