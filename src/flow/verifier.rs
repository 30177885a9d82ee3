//! The relying party: signs requests, opens and checks the answers.
//!
//! A verifier is of one suite ([`Suite`]): an intl verifier signs with
//! `EdDSA` or `ES256` and is answered under X25519; a gm verifier signs
//! with `SM2`, is answered under an SM2 KEM key, and its requests say
//! `"suite": "gm"`. [`Verifier::check`] accepts only answers protected by
//! the request's suite: its envelope (the key decides), the holder's key
//! binding (`SM2` for gm), the consent record's `sdHash` (the suite's hash,
//! [`Suite::digest`]); the presentation's own `sd_hash` follows the
//! credential's `_sd_alg` (RFC 9901), whichever suite issued it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::request::{self, Request, RequestOptions};
use super::{RESPONSE_INFO, RESPONSE_TYP};
use crate::consent::receipt::{self, VerifiedReceipt};
use crate::consent::record::{ConsentRecord, Event, Form};
use crate::consent::DevicePublicKey;
use crate::credential::jose::{b64url, b64url_decode};
use crate::credential::keys::{SigningKey, VerifyingKey};
use crate::credential::licence;
use crate::credential::sdjwt::{self, VerifyOptions};
use crate::error::{Error, Result};
use crate::seal::envelope::{self, OpenOptions};
use crate::seal::hpke::{PublicKey, SecretKey};
use crate::suite::Suite;

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidResponse {
        reason: reason.into(),
    }
}

/// Remembers which request nonces were answered, so each is accepted once.
pub trait NonceStore {
    /// Records `nonce` (valid until `expires_at`); `true` if it was not
    /// seen before.
    ///
    /// # Errors
    /// Whatever the store reports; the response is then not accepted.
    fn consume(&mut self, nonce: &str, expires_at: i64, now: i64) -> Result<bool>;
}

/// [`NonceStore`] in memory; forgets nonces once their request has expired
/// (a response to an expired request is refused anyway).
#[derive(Default, Debug)]
pub struct MemoryNonceStore {
    seen: BTreeMap<String, i64>,
}

impl NonceStore for MemoryNonceStore {
    fn consume(&mut self, nonce: &str, expires_at: i64, now: i64) -> Result<bool> {
        let horizon = now.saturating_sub(request::CLOCK_SKEW);
        self.seen.retain(|_, exp| *exp >= horizon);
        if self.seen.contains_key(nonce) {
            return Ok(false);
        }
        self.seen.insert(nonce.to_owned(), expires_at);
        Ok(true)
    }
}

/// What a verified response disclosed.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The presentation's processed claims (RFC 9901 §7.3): the disclosed
    /// claims plus those the licence keeps always visible (`iss`, `vct`,
    /// `iat`, `exp`, `cnf`, `valid_until`).
    pub claims: Value,
    /// JSON Pointers of the disclosed claims.
    pub disclosed: Vec<String>,
    /// The citizen's consent record, from the receipt.
    pub consent_record: ConsentRecord,
    /// The verified receipt (index, checkpoint).
    pub receipt: VerifiedReceipt,
    /// The device key that signed the receipt, as a JWK.
    pub device_public_jwk: Value,
    /// The request nonce this answers.
    pub nonce: String,
    /// When that request expires.
    pub expires_at: i64,
}

/// A relying party: its identity, signing key, sealing key and trusted
/// issuers.
pub struct Verifier {
    suite: Suite,
    name: String,
    uscc: String,
    signing_key: SigningKey,
    seal_secret: SecretKey,
    seal_public: PublicKey,
    trusted_issuers: Vec<VerifyingKey>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("suite", &self.suite)
            .field("name", &self.name)
            .field("kid", &self.signing_key.kid())
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// An intl verifier named `name` (legal name) and `uscc`: as
    /// [`Verifier::with_suite`] with [`Suite::Intl`].
    ///
    /// # Errors
    /// As [`Verifier::with_suite`].
    pub fn new(
        name: &str,
        uscc: &str,
        signing_key: SigningKey,
        seal_secret: SecretKey,
        trusted_issuers: Vec<VerifyingKey>,
    ) -> Result<Self> {
        Self::with_suite(
            Suite::Intl,
            name,
            uscc,
            signing_key,
            seal_secret,
            trusted_issuers,
        )
    }

    /// A verifier of `suite` named `name` (legal name) and `uscc`: its
    /// signing key and sealing key must both be of the suite (intl:
    /// `EdDSA`/`ES256` and X25519; gm: `SM2` and an SM2 KEM key). The
    /// issuers it trusts may be of either suite.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] if a key is of the other suite, or
    /// the suite is not in this module;
    /// [`Error::InvalidInput`] for an empty or over-long name, one with
    /// control or bidirectional formatting characters, or no trusted issuers;
    /// [`Error::InvalidRecord`] for an invalid USCC.
    pub fn with_suite(
        suite: Suite,
        name: &str,
        uscc: &str,
        signing_key: SigningKey,
        seal_secret: SecretKey,
        trusted_issuers: Vec<VerifyingKey>,
    ) -> Result<Self> {
        suite.require()?;
        check_keys(suite, &signing_key, &seal_secret)?;
        if name.trim().is_empty()
            || name.len() > 256
            || !crate::consent::record::is_display_safe(name)
        {
            return Err(Error::input(
                "name must be 1–256 bytes of text without control or bidirectional formatting characters",
            ));
        }
        crate::consent::record::validate_uscc(uscc)?;
        if trusted_issuers.is_empty() {
            return Err(Error::input(
                "trustedIssuers must name at least one issuer key",
            ));
        }
        let seal_public = seal_secret.public_key();
        Ok(Self {
            suite,
            name: name.to_owned(),
            uscc: uscc.to_owned(),
            signing_key,
            seal_secret,
            seal_public,
            trusted_issuers,
        })
    }

    /// The verifier's suite.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The public JWK wallets put in their trusted verifiers.
    #[must_use]
    pub fn public_jwk(&self) -> Value {
        self.signing_key.public_jwk()
    }

    /// The key-binding audience of this verifier's requests.
    #[must_use]
    pub fn audience(&self) -> String {
        request::audience(self.signing_key.verifying_key())
    }

    /// A new signed request of the verifier's suite, valid from `now`.
    ///
    /// # Errors
    /// As [`Request::sign`].
    pub fn create_request(&self, options: &RequestOptions, now: i64) -> Result<String> {
        Request::sign(
            &self.signing_key,
            &self.name,
            &self.uscc,
            &self.seal_public,
            options,
            now,
        )
    }

    /// Opens and checks a response at `now`, accepting its nonce once
    /// through `nonces`.
    ///
    /// # Errors
    /// As [`Verifier::check`]; [`Error::Replayed`] if the nonce was already
    /// accepted.
    pub fn open(
        &self,
        envelope_bytes: &[u8],
        nonces: &mut dyn NonceStore,
        now: i64,
    ) -> Result<Opened> {
        let opened = self.check(envelope_bytes, now)?;
        if !nonces.consume(&opened.nonce, opened.expires_at, now)? {
            return Err(Error::Replayed);
        }
        Ok(opened)
    }

    /// Everything [`Verifier::open`] checks except replay (JavaScript
    /// consults its asynchronous nonce store afterwards): opens the seal,
    /// checks that the request inside is one this verifier signed and is
    /// still valid, verifies the presentation against the trusted issuers
    /// and the request's nonce and audience (the key-binding `sd_hash` with
    /// the credential's `_sd_alg`), checks that the holder's key binding is
    /// of the request's suite, that exactly requested claims in accepted
    /// forms were disclosed, and verifies the receipt and that its record
    /// describes this disclosure (its `sdHash` in the suite's hash).
    ///
    /// # Errors
    /// [`Error::DecryptFailed`] (sealed to another key or altered);
    /// [`Error::InvalidResponse`] (malformed, longer than
    /// [`super::MAX_RESPONSE_BYTES`], key-bound with a key of the other
    /// suite, or disclosing what was not requested); [`Error::VerifyFailed`] / [`Error::Expired`] for the
    /// request; the `sdjwt::verify` errors for the presentation;
    /// [`Error::InvalidReceipt`] if the receipt does not verify or does not
    /// match.
    pub fn check(&self, envelope_bytes: &[u8], now: i64) -> Result<Opened> {
        if envelope_bytes.len() > super::MAX_RESPONSE_BYTES {
            return Err(bad(format!(
                "a response is at most {} bytes",
                super::MAX_RESPONSE_BYTES
            )));
        }
        let plaintext = envelope::open(
            &self.seal_secret,
            envelope_bytes,
            &OpenOptions {
                info: RESPONSE_INFO,
                aad: &[],
            },
        )?;
        let body: Value =
            crate::json::from_bytes(&plaintext).ok_or_else(|| bad("the plaintext is not JSON"))?;
        let body = body.as_object().ok_or_else(|| bad("not a JSON object"))?;
        let text = |name: &str| {
            body.get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("{name} is missing")))
        };
        if text("typ")? != RESPONSE_TYP || body.len() != 5 {
            return Err(bad("not an mpshield response"));
        }
        let req =
            Request::verify_issued_by(text("request")?, self.signing_key.verifying_key(), now)
                .map_err(|e| match e {
                    Error::InvalidRequest { reason } => bad(reason),
                    other => other,
                })?;
        if req.suite != self.suite {
            return Err(bad("the request is of another suite"));
        }
        let presentation = text("presentation")?;
        let verified = sdjwt::verify(
            presentation,
            &VerifyOptions {
                issuer_keys: self.trusted_issuers.clone(),
                aud: Some(self.audience()),
                nonce: Some(req.nonce.clone()),
                now: Some(now),
                ..VerifyOptions::default()
            },
        )?;
        // The key binding is the holder's protection of this answer: of the
        // request's suite (SM2 in gm), whatever suite issued the credential.
        let holder_suite = verified
            .holder_public_jwk
            .as_ref()
            .and_then(|j| VerifyingKey::from_jwk(j).ok())
            .map(|k| k.alg().suite());
        if holder_suite != Some(req.suite) {
            return Err(bad(format!(
                "the presentation is not key-bound with a {} holder key",
                req.suite.name()
            )));
        }
        let schema = licence::schema(req.licence())?;
        if verified.claims.get("vct").and_then(Value::as_str) != Some(schema.vct.as_str()) {
            return Err(bad(format!(
                "the credential is not a {}",
                schema.licence_type
            )));
        }
        let fields = disclosed_fields(&req, &verified.disclosed, &verified.claims)?;

        let device_jwk = body
            .get("device")
            .cloned()
            .ok_or_else(|| bad("device is missing"))?;
        let device = device_key(req.suite, &device_jwk)?;
        let receipt_bytes = b64url_decode(text("receipt")?, "receipt")?;
        let receipt = receipt::verify_receipt(&receipt_bytes, &device)?;
        let sd_hash = super::record_sd_hash(req.suite, presentation)
            .ok_or_else(|| bad("the presentation is not an SD-JWT"))?;
        check_record(&receipt.record, self, &req, &fields, &sd_hash)?;
        Ok(Opened {
            claims: verified.claims,
            disclosed: verified.disclosed,
            consent_record: receipt.record.clone(),
            receipt,
            device_public_jwk: device_jwk,
            nonce: req.nonce,
            expires_at: req.expires_at,
        })
    }
}

/// Checks that a verifier's keys belong to `suite`.
fn check_keys(suite: Suite, signing_key: &SigningKey, seal_secret: &SecretKey) -> Result<()> {
    let hint = match suite {
        Suite::Intl => "an intl verifier signs with EdDSA or ES256 and is answered under X25519 (pass suite gm for SM2 keys)",
        Suite::Gm => "a gm verifier signs with SM2 and is answered under an SM2 KEM key pair",
    };
    if signing_key.alg().suite() != suite {
        return Err(Error::UnsupportedAlgorithm {
            name: format!("signingKey {}: {hint}", signing_key.alg()),
        });
    }
    if seal_secret.kem().suite() != suite {
        return Err(Error::UnsupportedAlgorithm {
            name: format!("hpkeKeyPair {}: {hint}", seal_secret.kem().name()),
        });
    }
    Ok(())
}

/// The device key a response names (`device`, a public JWK), which signs
/// the receipt's checkpoint: Ed25519 for an intl request, SM2 for a gm one.
fn device_key(suite: Suite, jwk: &Value) -> Result<DevicePublicKey> {
    let key = VerifyingKey::from_jwk(jwk)?;
    let device = DevicePublicKey::from_verifying_key_of(&key)
        .map_err(|_| bad("the device key is neither Ed25519 nor SM2"))?;
    if device.suite() != suite {
        return Err(bad("the device key is not of the request's suite"));
    }
    Ok(device)
}

/// The (field, form) pairs the disclosed pointers answer; errors if a
/// pointer answers nothing requested or a required field is missing.
fn disclosed_fields(
    req: &Request,
    disclosed: &[String],
    claims: &Value,
) -> Result<Vec<(String, Form)>> {
    let mut answered: Vec<(String, Form)> = Vec::new();
    // Requested fields the licence keeps visible are answered by being
    // there.
    for f in &req.fields {
        if !f.disclosable() && f.forms.contains(&Form::Full) && claims.get(&f.field).is_some() {
            answered.push((f.field.clone(), Form::Full));
        }
    }
    for p in disclosed {
        let mut hit = false;
        for f in &req.fields {
            for form in &f.forms {
                let claim = f.claim(*form);
                // A disclosed pointer may be the claim or an object on its way.
                if claim == *p || claim.starts_with(&format!("{p}/")) {
                    hit = true;
                    if claim == *p && !answered.iter().any(|(x, y)| *x == f.field && y == form) {
                        answered.push((f.field.clone(), *form));
                    }
                }
            }
        }
        if !hit {
            return Err(bad(format!("{p} was disclosed but not requested")));
        }
    }
    for f in &req.fields {
        if f.required && !answered.iter().any(|(x, _)| *x == f.field) {
            return Err(bad(format!("the required field {} is missing", f.field)));
        }
    }
    Ok(answered)
}

fn check_record(
    record: &ConsentRecord,
    verifier: &Verifier,
    req: &Request,
    fields: &[(String, Form)],
    sd_hash: &str,
) -> Result<()> {
    let mismatch = |reason: &'static str| Error::InvalidReceipt { reason };
    if record.event != Event::Given {
        return Err(mismatch("the record is not a given consent"));
    }
    let Some(p) = &record.presentation else {
        return Err(mismatch("the record names no presentation"));
    };
    if p.sd_hash != sd_hash {
        return Err(mismatch("the record is for another presentation"));
    }
    if p.nonce != req.nonce || p.audience != verifier.audience() {
        return Err(mismatch("the record is for another request"));
    }
    if p.recipient_key_id != b64url(&verifier.seal_public.key_id()) {
        return Err(mismatch("the record names another recipient key"));
    }
    if record.controller.uscc != verifier.uscc || record.controller.name != verifier.name {
        return Err(mismatch("the record names another controller"));
    }
    if record.purposes != [req.purpose.clone()] || record.lawful_basis != req.lawful_basis {
        return Err(mismatch("the record states another purpose or basis"));
    }
    let listed = |field: &str, form: Form| {
        record
            .fields
            .iter()
            .any(|rf| rf.field == field && rf.form == form)
    };
    if record.fields.len() != fields.len() || !fields.iter().all(|(f, form)| listed(f, *form)) {
        return Err(mismatch(
            "the record's fields differ from what was disclosed",
        ));
    }
    for rf in &record.fields {
        let requested = req.field(&rf.field);
        let ok = requested.is_some_and(|f| {
            f.licence == rf.licence
                && f.retention_days == rf.retention_days
                && f.sensitive() == rf.sensitive
        }) && fields.iter().any(|(x, y)| *x == rf.field && *y == rf.form);
        if !ok {
            return Err(mismatch(
                "the record's fields differ from what was disclosed",
            ));
        }
    }
    Ok(())
}
