//! Signed requests from relying parties (`docs/FORMAT.md`, "Request").
//!
//! A request is a compact JWS (`typ: mpshield-request+jwt`) signed by the
//! relying party's key, which travels in the header as `jwk`. Its payload
//! names the relying party, why it asks, its lawful basis, and per field of
//! one licence: whether it is required, which forms it accepts, and how many
//! days it will keep it; plus a fresh nonce, the validity window and the
//! HPKE key the answer is sealed to.
//!
//! A request is of one suite ([`Suite`]), which its payload says in
//! `suite` (`"gm"`; absent means `"intl"`, so intl requests are written as
//! before this member existed and old requests keep verifying). The suite
//! fixes both keys: an intl request is signed with `EdDSA` or `ES256` and
//! names an X25519 `sealKey`; a gm request is signed with `SM2` and names a
//! 65-byte SM2 KEM key. A request whose keys contradict its suite is
//! [`Error::InvalidRequest`]; a request of a suite this module lacks is
//! [`Error::UnsupportedAlgorithm`] naming the module to load.

use serde_json::{json, Map, Value};

use crate::consent::record::{self, Form, LawfulBasis};
use crate::credential::jose::{b64url, b64url_decode, parse_compact, sign_compact};
use crate::credential::keys::{SigningKey, VerifyingKey};
use crate::credential::licence;
use crate::error::{Error, Result};
use crate::seal::hpke::{Kem, PublicKey};
use crate::suite::Suite;

/// The JWS `typ` of a request.
pub const TYP: &str = "mpshield-request+jwt";
/// Longest validity a request may have, seconds (one day).
pub const MAX_TTL: i64 = 86_400;
/// Most fields one request may name.
pub const MAX_FIELDS: usize = 64;
/// Allowance for clocks that disagree, seconds.
pub const CLOCK_SKEW: i64 = 60;
/// Longest request accepted (the compact JWS as text), checked before it is
/// decoded: 64 KiB. A request of [`MAX_FIELDS`] fields with texts of
/// [`record::MAX_TEXT`] bytes is under 16 KiB.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// The prefix of a verifier's audience: an RFC 9278 JWK thumbprint URI.
pub const AUDIENCE_PREFIX: &str = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:";

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidRequest {
        reason: reason.into(),
    }
}

/// One requested field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestField {
    /// The licence type id (`resident_id_card`, …).
    pub licence: String,
    /// The field id of that licence's schema.
    pub field: String,
    /// Whether the answer must include it.
    pub required: bool,
    /// The forms the relying party accepts, in its order of preference.
    pub forms: Vec<Form>,
    /// How many days the relying party keeps it.
    pub retention_days: u32,
    /// For the `predicate` form: the derived claim, e.g.
    /// `age_equal_or_over/18` or `household_province`.
    pub predicate: Option<String>,
}

impl RequestField {
    /// The JSON Pointer of the claim that answers this field in `form`.
    #[must_use]
    pub fn claim(&self, form: Form) -> String {
        match (form, &self.predicate) {
            (Form::Full, _) => format!("/{}", self.field),
            (Form::Masked, _) => format!("/{}_masked", self.field),
            (Form::Predicate, Some(p)) => format!("/{p}"),
            (Form::Predicate, None) => String::new(),
        }
    }

    /// Whether the licence lets the holder withhold the field (else it is
    /// always visible, like `valid_until`, and leaves with every answer).
    #[must_use]
    pub fn disclosable(&self) -> bool {
        schema_field(&self.licence, &self.field).is_some_and(|f| f.disclosable)
    }

    /// Whether the field is sensitive personal information in its schema.
    #[must_use]
    pub fn sensitive(&self) -> bool {
        schema_field(&self.licence, &self.field).is_some_and(|f| f.sensitive)
    }
}

fn schema_field(licence_type: &str, field: &str) -> Option<&'static licence::Field> {
    licence::schema(licence_type)
        .ok()?
        .fields
        .iter()
        .find(|f| f.id == field)
}

/// What a relying party asks for (the input of [`Request::sign`]).
#[derive(Clone, Debug)]
pub struct RequestOptions {
    /// Why, in the relying party's words.
    pub purpose: String,
    /// The lawful basis (PIPL Art. 13).
    pub lawful_basis: LawfulBasis,
    /// The fields, all of one licence type.
    pub fields: Vec<RequestField>,
    /// How long the request stays valid, seconds (1 – [`MAX_TTL`]).
    pub ttl_seconds: i64,
    /// Where the privacy notice is published (http or https).
    pub notice_url: Option<String>,
}

/// A request whose signature and validity have been checked.
#[derive(Clone, Debug)]
pub struct Request {
    /// The relying party's legal name.
    pub name: String,
    /// Its unified social credit code.
    pub uscc: String,
    /// The key that signed the request.
    pub verifier_key: VerifyingKey,
    /// Why it asks.
    pub purpose: String,
    /// The lawful basis.
    pub lawful_basis: LawfulBasis,
    /// The requested fields (one licence type).
    pub fields: Vec<RequestField>,
    /// The nonce the presentation must be bound to.
    pub nonce: String,
    /// When it was made.
    pub issued_at: i64,
    /// When it stops being valid.
    pub expires_at: i64,
    /// The key the answer is sealed to (of the request's suite).
    pub seal_key: PublicKey,
    /// The privacy notice's address.
    pub notice_url: Option<String>,
    /// The request's suite: its signature, its sealing key and everything
    /// the answer protects belong to it.
    pub suite: Suite,
}

/// The audience string of a verifier key: its RFC 9278 thumbprint URI.
#[must_use]
pub fn audience(key: &VerifyingKey) -> String {
    format!("{AUDIENCE_PREFIX}{}", key.kid())
}

/// The JSON name of a form.
#[must_use]
pub fn form_name(form: Form) -> &'static str {
    form.name()
}

/// Parses a form name (`full`, `masked`, `predicate`).
///
/// # Errors
/// [`Error::InvalidInput`] for anything else.
pub fn parse_form(name: &str) -> Result<Form> {
    Form::from_name(name).ok_or_else(|| {
        Error::input(format!(
            "form must be \"full\", \"masked\" or \"predicate\", got {name:?}"
        ))
    })
}

/// Parses a lawful basis name as the consent record spells it.
///
/// # Errors
/// [`Error::InvalidInput`] for an unknown name.
pub fn parse_lawful_basis(name: &str) -> Result<LawfulBasis> {
    LawfulBasis::from_name(name).ok_or_else(|| {
        Error::input(format!(
            "lawfulBasis must be one of consent, contract, hr, legal_duty, emergency, news, public_info, other_law; got {name:?}"
        ))
    })
}

/// Checks the fields against the licence schemas: one licence type, known
/// fields, no duplicates, accepted forms that the schema derives.
fn check_fields(fields: &[RequestField]) -> Result<()> {
    let Some(first) = fields.first() else {
        return Err(bad("a request names at least one field"));
    };
    if fields.len() > MAX_FIELDS {
        return Err(bad(format!("a request names at most {MAX_FIELDS} fields")));
    }
    let schema = licence::schema(&first.licence)
        .map_err(|_| bad(format!("{:?} is not a licence type", first.licence)))?;
    for (i, f) in fields.iter().enumerate() {
        if f.licence != first.licence {
            return Err(bad(
                "a request names fields of one licence type (send one request per licence)",
            ));
        }
        if fields.iter().take(i).any(|g| g.field == f.field) {
            return Err(bad(format!("{} is requested twice", f.field)));
        }
        let Some(sf) = schema.fields.iter().find(|s| s.id == f.field) else {
            return Err(bad(format!("{} is not a field of {}", f.field, f.licence)));
        };
        if f.forms.is_empty() {
            return Err(bad(format!("{} accepts no form", f.field)));
        }
        if f.retention_days > record::MAX_RETENTION_DAYS {
            return Err(bad(format!(
                "retentionDays must be at most {}",
                record::MAX_RETENTION_DAYS
            )));
        }
        for (j, form) in f.forms.iter().enumerate() {
            if f.forms.iter().take(j).any(|g| g == form) {
                return Err(bad(format!("{} lists a form twice", f.field)));
            }
            let ok = match form {
                Form::Full => true,
                Form::Masked => !sf.masks.is_empty(),
                Form::Predicate => f.predicate.as_deref().is_some_and(|p| {
                    let base = p.split('/').next().unwrap_or_default();
                    schema
                        .derived
                        .iter()
                        .any(|d| d.id == base && d.from == f.field && d.rule == base)
                        && predicate_key_ok(p)
                }),
            };
            if !ok {
                return Err(bad(format!(
                    "{} of {} has no {} form{}",
                    f.field,
                    f.licence,
                    form_name(*form),
                    if *form == Form::Predicate {
                        " (name it in predicate, e.g. age_equal_or_over/18)"
                    } else {
                        ""
                    }
                )));
            }
        }
        if f.predicate.is_some() && !f.forms.contains(&Form::Predicate) {
            return Err(bad(format!(
                "{} names a predicate but does not accept the predicate form",
                f.field
            )));
        }
    }
    Ok(())
}

/// `age_equal_or_over/NN` needs a threshold the licences carry;
/// `household_province` takes none.
fn predicate_key_ok(p: &str) -> bool {
    match p.split_once('/') {
        None => p == "household_province",
        Some(("age_equal_or_over", t)) => {
            licence::AGE_THRESHOLDS.iter().any(|a| a.to_string() == t)
        }
        Some(_) => false,
    }
}

impl Request {
    /// Signs a new request with `key`, naming `name`/`uscc` and the sealing
    /// key `seal_key`, valid from `now` for `options.ttl_seconds`. The
    /// request is of the suite of `seal_key` (X25519: intl, SM2: gm), which
    /// `key` must share; a gm request says `"suite": "gm"`, an intl one
    /// leaves the member out (as before it existed).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] if `key` and `seal_key` belong to
    /// different suites;
    /// [`Error::InvalidRequest`] if the fields do not fit the licence
    /// schemas; [`Error::InvalidInput`] for an out-of-range TTL, a name,
    /// purpose or notice URL that is empty, longer than
    /// [`record::MAX_TEXT`] bytes or holds control or bidirectional
    /// formatting characters ([`record::BIDI_CONTROLS`]), or a notice URL
    /// that is not http(s);
    /// [`Error::InvalidRecord`] for an invalid USCC;
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn sign(
        key: &SigningKey,
        name: &str,
        uscc: &str,
        seal_key: &PublicKey,
        options: &RequestOptions,
        now: i64,
    ) -> Result<String> {
        if !(1..=MAX_TTL).contains(&options.ttl_seconds) {
            return Err(Error::input(format!("ttlSeconds must be 1–{MAX_TTL}")));
        }
        check_text("purpose", &options.purpose).map_err(Error::input)?;
        check_text("name", name).map_err(Error::input)?;
        record::validate_uscc(uscc)?;
        if let Some(u) = &options.notice_url {
            check_notice_url(u).map_err(Error::input)?;
        }
        check_fields(&options.fields)?;
        let suite = seal_key.kem().suite();
        if key.alg().suite() != suite {
            return Err(Error::UnsupportedAlgorithm {
                name: format!(
                    "{} request signed with {} (the {} suite signs with {})",
                    super::a_suite(suite),
                    key.alg(),
                    suite.name(),
                    signature_algs(suite)
                ),
            });
        }
        let nonce = b64url(&crate::random_bytes(16)?);
        let fields: Vec<Value> = options
            .fields
            .iter()
            .map(|f| {
                let mut m = Map::new();
                m.insert("licence".into(), json!(f.licence));
                m.insert("field".into(), json!(f.field));
                m.insert("required".into(), json!(f.required));
                m.insert(
                    "forms".into(),
                    json!(f.forms.iter().map(|x| form_name(*x)).collect::<Vec<_>>()),
                );
                m.insert("retentionDays".into(), json!(f.retention_days));
                if let Some(p) = &f.predicate {
                    m.insert("predicate".into(), json!(p));
                }
                Value::Object(m)
            })
            .collect();
        let mut payload = Map::new();
        payload.insert("iss".into(), json!(audience(key.verifying_key())));
        payload.insert("verifier".into(), json!({ "name": name, "uscc": uscc }));
        payload.insert("purpose".into(), json!(options.purpose));
        payload.insert("lawfulBasis".into(), json!(options.lawful_basis.name()));
        payload.insert("fields".into(), Value::Array(fields));
        payload.insert("nonce".into(), json!(nonce));
        payload.insert("iat".into(), json!(now));
        payload.insert("exp".into(), json!(now.saturating_add(options.ttl_seconds)));
        payload.insert("sealKey".into(), json!(b64url(seal_key.as_bytes())));
        if let Some(u) = &options.notice_url {
            payload.insert("noticeUrl".into(), json!(u));
        }
        if suite != Suite::Intl {
            payload.insert("suite".into(), json!(suite.name()));
        }
        let mut header = Map::new();
        header.insert("alg".into(), json!(key.alg().as_str()));
        header.insert("typ".into(), json!(TYP));
        header.insert("jwk".into(), key.public_jwk());
        sign_compact(key, &header, &payload)
    }

    /// Parses `jws`, checks its signature with the key in its header and its
    /// validity at `now`. Whether that key is trusted is the caller's
    /// decision ([`Request::verifier_key`]).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] if it is malformed or not a request, longer
    /// than [`MAX_REQUEST_BYTES`], names more than [`MAX_FIELDS`] fields, or
    /// its name, purpose or notice URL would not show as signed (as in
    /// [`Request::sign`]);
    /// [`Error::InvalidRequest`] also if its `suite` is not `"intl"` or
    /// `"gm"`, or its signature algorithm or `sealKey` is not of its suite
    /// (a gm request signed with `EdDSA`/`ES256` or naming an X25519 key,
    /// an intl one signed with `SM2` or naming an SM2 key);
    /// [`Error::UnsupportedAlgorithm`] if its suite (or its key's) is not in
    /// this module;
    /// [`Error::VerifyFailed`] if the signature does not verify;
    /// [`Error::Expired`] / [`Error::NotYetValid`] outside its window.
    pub fn verify(jws: &str, now: i64) -> Result<Self> {
        Self::verify_inner(jws, None, true, now).map_err(as_request_error)
    }

    /// As [`Request::verify`], but without checking the signature again
    /// when `signature_checked`: the caller verified this exact text before
    /// (a wallet's `evaluate`, then `respond` of the same request). The
    /// signature is a function of the text alone, so it verifies again as
    /// it did; everything that depends on `now` or on the caller (time,
    /// suite, trust) is checked as in [`Request::verify`]. Saves one
    /// signature verification per answer, the most expensive step of
    /// verifying a request on a phone.
    ///
    /// # Errors
    /// As [`Request::verify`].
    pub(crate) fn verify_again(jws: &str, signature_checked: bool, now: i64) -> Result<Self> {
        Self::verify_inner(jws, None, !signature_checked, now).map_err(as_request_error)
    }

    /// As [`Request::verify`], but only for a request signed by `key` (a
    /// relying party checking a request it issued).
    ///
    /// # Errors
    /// As [`Request::verify`]; [`Error::VerifyFailed`] for another key.
    pub fn verify_issued_by(jws: &str, key: &VerifyingKey, now: i64) -> Result<Self> {
        Self::verify_inner(jws, Some(key), true, now).map_err(as_request_error)
    }

    fn verify_inner(
        jws: &str,
        expected: Option<&VerifyingKey>,
        check_signature: bool,
        now: i64,
    ) -> Result<Self> {
        if jws.len() > MAX_REQUEST_BYTES {
            return Err(bad(format!(
                "a request is at most {MAX_REQUEST_BYTES} bytes"
            )));
        }
        let parsed = parse_compact(jws, "request").map_err(|e| match e {
            Error::UnsupportedAlgorithm { name } => bad(format!("unsupported alg {name}")),
            other => other,
        })?;
        if parsed.header.get("typ").and_then(Value::as_str) != Some(TYP) {
            return Err(bad(format!("the header typ must be {TYP}")));
        }
        let jwk = parsed
            .header
            .get("jwk")
            .ok_or_else(|| bad("the header carries no jwk"))?;
        if jwk.get("d").is_some() {
            return Err(bad("the header jwk is a private key"));
        }
        // A key of a suite this module lacks stays UNSUPPORTED_ALGORITHM
        // (naming the module to load); any other bad key is a bad request.
        let key = VerifyingKey::from_jwk(jwk).map_err(|e| match e {
            Error::UnsupportedAlgorithm { .. } => e,
            _ => bad("the header jwk is not a public key"),
        })?;
        if let Some(e) = expected {
            if e.kid() != key.kid() {
                return Err(Error::VerifyFailed);
            }
        }
        if check_signature {
            parsed.verify_with(&key)?;
        }
        let p = &parsed.payload;
        let allowed = [
            "iss",
            "verifier",
            "purpose",
            "lawfulBasis",
            "fields",
            "nonce",
            "iat",
            "exp",
            "sealKey",
            "noticeUrl",
            "suite",
        ];
        if let Some(k) = p.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(bad(format!("unknown member {k}")));
        }
        let suite = match p.get("suite") {
            None => Suite::Intl,
            Some(Value::String(s)) => {
                Suite::from_name(s).map_err(|_| bad("suite must be \"intl\" or \"gm\""))?
            }
            Some(_) => return Err(bad("suite must be \"intl\" or \"gm\"")),
        };
        if key.alg().suite() != suite {
            return Err(bad(format!(
                "{} request must be signed with {}, not {}",
                super::a_suite(suite),
                signature_algs(suite),
                key.alg()
            )));
        }
        suite.require()?;
        if str_member(p, "iss")? != audience(&key) {
            return Err(bad("iss is not the signing key's thumbprint URI"));
        }
        let verifier = p
            .get("verifier")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("verifier must be an object"))?;
        let name = str_member(verifier, "name")?.to_owned();
        check_text("verifier.name", &name).map_err(bad)?;
        let uscc = str_member(verifier, "uscc")?.to_owned();
        record::validate_uscc(&uscc).map_err(|_| bad("verifier.uscc is not a valid USCC"))?;
        let purpose = str_member(p, "purpose")?.to_owned();
        check_text("purpose", &purpose).map_err(bad)?;
        let lawful_basis = parse_lawful_basis(str_member(p, "lawfulBasis")?)
            .map_err(|_| bad("lawfulBasis is unknown"))?;
        let nonce = str_member(p, "nonce")?.to_owned();
        if nonce.len() < 16 || nonce.len() > 128 {
            return Err(bad("nonce must be 16–128 characters"));
        }
        let issued_at = int_member(p, "iat")?;
        let expires_at = int_member(p, "exp")?;
        if expires_at <= issued_at || expires_at - issued_at > MAX_TTL {
            return Err(bad("exp must follow iat by at most a day"));
        }
        if issued_at > now.saturating_add(CLOCK_SKEW) {
            return Err(Error::NotYetValid);
        }
        if now > expires_at.saturating_add(CLOCK_SKEW) {
            return Err(Error::Expired);
        }
        let kem = Kem::of(suite);
        let seal_key =
            PublicKey::from_bytes_for(kem, &b64url_decode(str_member(p, "sealKey")?, "sealKey")?)
                .map_err(|_| {
                bad(match kem {
                    Kem::X25519 => "sealKey is not an X25519 public key (an intl request)",
                    Kem::Sm2 => "sealKey is not an SM2 KEM public key, 04 ‖ x ‖ y (a gm request)",
                })
            })?;
        let notice_url = match p.get("noticeUrl") {
            None => None,
            Some(Value::String(u)) => {
                check_notice_url(u).map_err(bad)?;
                Some(u.clone())
            }
            Some(_) => return Err(bad("noticeUrl must be a string")),
        };
        let list = p
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("fields must be an array"))?;
        if list.len() > MAX_FIELDS {
            return Err(bad(format!("a request names at most {MAX_FIELDS} fields")));
        }
        let mut fields = Vec::with_capacity(list.len());
        for f in list {
            fields.push(parse_field(f)?);
        }
        check_fields(&fields)?;
        Ok(Self {
            name,
            uscc,
            verifier_key: key,
            purpose,
            lawful_basis,
            fields,
            nonce,
            issued_at,
            expires_at,
            seal_key,
            notice_url,
            suite,
        })
    }

    /// The licence type the request is about.
    #[must_use]
    pub fn licence(&self) -> &str {
        self.fields.first().map_or("", |f| f.licence.as_str())
    }

    /// The audience the presentation must be bound to.
    #[must_use]
    pub fn audience(&self) -> String {
        audience(&self.verifier_key)
    }

    /// The requested field `field`, if any.
    #[must_use]
    pub fn field(&self, field: &str) -> Option<&RequestField> {
        self.fields.iter().find(|f| f.field == field)
    }
}

/// Parses one requested field from JSON (camelCase; unknown keys rejected;
/// `required` defaults to `true`, `forms` to `["full"]`).
///
/// # Errors
/// [`Error::InvalidInput`] naming the member that is wrong.
pub fn parse_field(v: &Value) -> Result<RequestField> {
    let o = v
        .as_object()
        .ok_or_else(|| Error::input("each field must be an object"))?;
    let allowed = [
        "licence",
        "field",
        "required",
        "forms",
        "retentionDays",
        "predicate",
    ];
    if let Some(k) = o.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::input(format!("unknown field member {k}")));
    }
    let licence = str_member(o, "licence")?.to_owned();
    let field = str_member(o, "field")?.to_owned();
    let required = match o.get("required") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::input("required must be a boolean")),
    };
    let forms = match o.get("forms") {
        None => vec![Form::Full],
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .ok_or_else(|| Error::input("forms must be strings"))
                    .and_then(parse_form)
            })
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(Error::input("forms must be an array")),
    };
    let retention_days = o
        .get("retentionDays")
        .and_then(Value::as_u64)
        .and_then(|d| u32::try_from(d).ok())
        .ok_or_else(|| Error::input("retentionDays must be a whole number of days"))?;
    let predicate = match o.get("predicate") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(Error::input("predicate must be a string")),
    };
    Ok(RequestField {
        licence,
        field,
        required,
        forms,
        retention_days,
        predicate,
    })
}

/// A text the consent screen shows (the relying party's name, its purpose):
/// 1–[`record::MAX_TEXT`] bytes, not blank, and displayable as it is
/// ([`record::is_display_safe`]: no control or bidirectional formatting
/// characters, which could make the screen show another text than the one
/// signed).
fn check_text(name: &str, v: &str) -> std::result::Result<(), String> {
    if v.trim().is_empty() || v.len() > record::MAX_TEXT {
        return Err(format!(
            "{name} must be 1–{} bytes of text",
            record::MAX_TEXT
        ));
    }
    if !record::is_display_safe(v) {
        return Err(format!(
            "{name} must not contain control or bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)"
        ));
    }
    Ok(())
}

/// The privacy notice's address: an http(s) URL the screen can show as
/// text, as [`check_text`].
fn check_notice_url(u: &str) -> std::result::Result<(), String> {
    if !(u.starts_with("https://") || u.starts_with("http://")) {
        return Err("noticeUrl must be an http(s) URL".to_owned());
    }
    check_text("noticeUrl", u)
}

/// Structural failures of a received request are [`Error::InvalidRequest`]
/// (an unknown `alg` too, mapped where the header is parsed); a suite this
/// module lacks stays [`Error::UnsupportedAlgorithm`].
fn as_request_error(e: Error) -> Error {
    match e {
        Error::InvalidInput { reason } | Error::InvalidCredential { reason } => bad(reason),
        other => other,
    }
}

/// The signature algorithms of `suite`'s requests, for messages.
fn signature_algs(suite: Suite) -> &'static str {
    match suite {
        Suite::Intl => "EdDSA or ES256",
        Suite::Gm => "SM2",
    }
}

pub(crate) fn str_member<'a>(o: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    match o.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        _ => Err(Error::input(format!("{name} must be a non-empty string"))),
    }
}

fn int_member(o: &Map<String, Value>, name: &str) -> Result<i64> {
    o.get(name)
        .and_then(Value::as_i64)
        .filter(|t| (0..=record::MAX_TIME).contains(t))
        .ok_or_else(|| bad(format!("{name} must be seconds since the epoch")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hotel request of a gm verifier (`tests/flow_gm.rs`, made at
    /// 2026-11-23T00:00:00Z), for the modules built with one suite.
    const GM_REQUEST: &str = "eyJhbGciOiJTTTIiLCJqd2siOnsiY3J2IjoiU00yIiwia2lkIjoicVR2eGl2ci13VE9pb0w0ak91dEtaUkFKTFB4WXphcHVoLTNXMk16V0x3USIsImt0eSI6IkVDIiwieCI6ImJjY0xBZjNsa29xQUhhSTBLU25yNlQ3ZW9NWjROQ2JQb2ZVazBjbU5EczAiLCJ5IjoiR3JwMTZIc0lLUGFRYm14aHV5bXc2UTB6cG9uQ1FnenVjU2hpTm5WdnZDayJ9LCJ0eXAiOiJtcHNoaWVsZC1yZXF1ZXN0K2p3dCJ9.eyJleHAiOjE3OTUzOTIzMDAsImZpZWxkcyI6W3siZmllbGQiOiJuYW1lIiwiZm9ybXMiOlsiZnVsbCJdLCJsaWNlbmNlIjoicmVzaWRlbnRfaWRfY2FyZCIsInJlcXVpcmVkIjp0cnVlLCJyZXRlbnRpb25EYXlzIjozMH0seyJmaWVsZCI6ImlkX251bWJlciIsImZvcm1zIjpbImZ1bGwiLCJtYXNrZWQiXSwibGljZW5jZSI6InJlc2lkZW50X2lkX2NhcmQiLCJyZXF1aXJlZCI6dHJ1ZSwicmV0ZW50aW9uRGF5cyI6MzB9LHsiZmllbGQiOiJiaXJ0aF9kYXRlIiwiZm9ybXMiOlsicHJlZGljYXRlIl0sImxpY2VuY2UiOiJyZXNpZGVudF9pZF9jYXJkIiwicHJlZGljYXRlIjoiYWdlX2VxdWFsX29yX292ZXIvMTgiLCJyZXF1aXJlZCI6dHJ1ZSwicmV0ZW50aW9uRGF5cyI6MzB9XSwiaWF0IjoxNzk1MzkyMDAwLCJpc3MiOiJ1cm46aWV0ZjpwYXJhbXM6b2F1dGg6andrLXRodW1icHJpbnQ6c2hhLTI1NjpxVHZ4aXZyLXdUT2lvTDRqT3V0S1pSQUpMUHhZemFwdWgtM1cyTXpXTHdRIiwibGF3ZnVsQmFzaXMiOiJsZWdhbF9kdXR5Iiwibm9uY2UiOiJUbTN2bER5QWZjNjh3dnRUNzlLblh3Iiwibm90aWNlVXJsIjoiaHR0cHM6Ly9ob3RlbC5leGFtcGxlL3ByaXZhY3kiLCJwdXJwb3NlIjoi5L2P5a6_55m76K6wIiwic2VhbEtleSI6IkJLN2dqUk1qbmZlWU52cGVHVUpVS3BJWERFVzFYR2lpQTJYQ1RpckFEaHZoZWFQN2VMX09RdTMtRUxMWUxjZWtEMW5VNHJfeFJCZ0k1MldTNXZIM1B2MCIsInN1aXRlIjoiZ20iLCJ2ZXJpZmllciI6eyJuYW1lIjoi5rWL6K-V6YWS5bqX5pyJ6ZmQ5YWs5Y-4IiwidXNjYyI6IjkxNDQwMzAwTUEwMDAwMDAxTCJ9fQ.YViwvwwjk08KeqhjwQKPmKD-nZWPY2zOGohEPK-k2nHWcsKMT1dyvaTpe9sOLlwF025YEKanEKdAh8ZYwWBtgg";
    /// The same request from an intl (EdDSA, X25519) verifier.
    const INTL_REQUEST: &str = "eyJhbGciOiJFZERTQSIsImp3ayI6eyJjcnYiOiJFZDI1NTE5Iiwia2lkIjoiakxhVFJPQTdQX0I3SDZyV1I3Qi0tdW1pbFEwbU1fX3F2ZW50UDR3MFlSbyIsImt0eSI6Ik9LUCIsIngiOiJnTFc3X3U4cjNoQmNsSHdVOU5EM0tRNnVla2FmYl9QOXFadUp5dkpBTktnIn0sInR5cCI6Im1wc2hpZWxkLXJlcXVlc3Qrand0In0.eyJleHAiOjE3OTUzOTIzMDAsImZpZWxkcyI6W3siZmllbGQiOiJuYW1lIiwiZm9ybXMiOlsiZnVsbCJdLCJsaWNlbmNlIjoicmVzaWRlbnRfaWRfY2FyZCIsInJlcXVpcmVkIjp0cnVlLCJyZXRlbnRpb25EYXlzIjozMH0seyJmaWVsZCI6ImlkX251bWJlciIsImZvcm1zIjpbImZ1bGwiLCJtYXNrZWQiXSwibGljZW5jZSI6InJlc2lkZW50X2lkX2NhcmQiLCJyZXF1aXJlZCI6dHJ1ZSwicmV0ZW50aW9uRGF5cyI6MzB9LHsiZmllbGQiOiJiaXJ0aF9kYXRlIiwiZm9ybXMiOlsicHJlZGljYXRlIl0sImxpY2VuY2UiOiJyZXNpZGVudF9pZF9jYXJkIiwicHJlZGljYXRlIjoiYWdlX2VxdWFsX29yX292ZXIvMTgiLCJyZXF1aXJlZCI6dHJ1ZSwicmV0ZW50aW9uRGF5cyI6MzB9XSwiaWF0IjoxNzk1MzkyMDAwLCJpc3MiOiJ1cm46aWV0ZjpwYXJhbXM6b2F1dGg6andrLXRodW1icHJpbnQ6c2hhLTI1NjpqTGFUUk9BN1BfQjdINnJXUjdCLS11bWlsUTBtTV9fcXZlbnRQNHcwWVJvIiwibGF3ZnVsQmFzaXMiOiJsZWdhbF9kdXR5Iiwibm9uY2UiOiI3SmwxbHNVbzN0T3dRWEJoanFZRmFnIiwibm90aWNlVXJsIjoiaHR0cHM6Ly9ob3RlbC5leGFtcGxlL3ByaXZhY3kiLCJwdXJwb3NlIjoi5L2P5a6_55m76K6wIiwic2VhbEtleSI6IkVscUQtRXN4cHJmTk9hcl9YNjc3bnJvZ05ZQnZpMW9ELW1WTEZDZUFhUWsiLCJ2ZXJpZmllciI6eyJuYW1lIjoi5rWL6K-V5Zu96ZmF6YWS5bqX5pyJ6ZmQ5YWs5Y-4IiwidXNjYyI6IjkxNDQwMzAwTUEwMDAwMDA0WCJ9fQ.X-D5Ky2isGjp20-XrIMdnMZkoe7doNPOkYyibU041BPu4eNiYZm5bLWJddtxK5jHDs_RtlqTMzkdmR5p_AKtCQ";
    const AT: i64 = 1_795_392_000;

    /// A request of a suite the module lacks is UNSUPPORTED_ALGORITHM
    /// (naming the module to load), not INVALID_REQUEST: `cargo test --lib
    /// --no-default-features --features intl` (or `gm`) runs the other half.
    #[test]
    fn a_request_of_a_suite_this_module_lacks_is_unsupported() {
        for (req, suite) in [(GM_REQUEST, Suite::Gm), (INTL_REQUEST, Suite::Intl)] {
            let r = Request::verify(req, AT);
            if suite.compiled_in() {
                let r = r.unwrap();
                assert_eq!(r.suite, suite);
                assert_eq!(r.seal_key.kem(), Kem::of(suite));
            } else {
                let e = r.unwrap_err();
                assert_eq!(e.code(), "UNSUPPORTED_ALGORITHM", "{suite:?}");
                assert!(e.to_string().contains("module"), "{e}");
            }
        }
    }
}
