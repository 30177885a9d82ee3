//! The consent record: what was asked, given, refused, disclosed, withdrawn
//! or expired, by whom, for what, under which law (ISO/IEC TS 27560, PIPL).
//!
//! A record is a JSON object in camelCase with unknown keys rejected; the
//! field-by-field mapping to ISO/IEC TS 27560:2023 and to PIPL articles is in
//! `docs/FORMAT.md` ("Consent record"). [`ConsentRecord::validate`] enforces
//! the consent rules; [`ConsentRecord::canonical_bytes`] is the RFC 8785
//! encoding that is hashed into the log (`leaf = H(0x00 ‖ bytes)`, `H` the
//! log's suite's hash: SHA-256 or SM3).
//!
//! The `principal` is pseudonymous: a keyed hash of the person's identifier
//! ([`principal_id`], HMAC-SHA256; [`principal_id_with`] for a `gm` log,
//! HMAC-SM3), never the ID number itself. Anything that looks like a
//! GB 11643 citizen ID number (a run of 15 or more digits) is refused.
//!
//! A notice's hash is the log's suite's: `notice.sha256` in an `intl` log,
//! `notice.sm3` in a `gm` one ([`Notice::of_text`]; the log checks it).

use base64ct::{Base64UrlUnpadded, Encoding};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sm3::Sm3;

use super::jcs;
use super::merkle::{self, Hash};
use crate::error::{Error, Result};
use crate::rng::{self, CryptoRng};
use crate::suite::Suite;

/// Serde for a unit enum written as its snake_case name. One small
/// `Serialize`/`Deserialize` pair per enum over the shared `String`
/// deserializer, instead of serde's derived visitors (five generic functions
/// per enum and deserializer; measured −1,145 B brotli in the intl phone
/// module).
/// Unknown names fail as serde's derive does (`unknown variant …`).
macro_rules! named_enum {
    ($ty:ident { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The name this value is written as.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
            /// The value written as `name`, if any.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let name = String::deserialize(d)?;
                Self::from_name(&name)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&name, &[$($name),+]))
            }
        }
    };
}

/// The schema version this library writes and accepts.
pub const SCHEMA_VERSION: u32 = 1;
/// Longest accepted text value, in bytes (names, purposes, URLs …).
pub const MAX_TEXT: usize = 1024;
/// Longest accepted retention, in days (100 years).
pub const MAX_RETENTION_DAYS: u32 = 36_500;
/// Longest consent record accepted as JSON text, checked before it is
/// parsed: 64 KiB. A record the wallet writes for a request of
/// `flow::request::MAX_FIELDS` fields is under 16 KiB.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// Most entries in each list of a record (`recipients`, `purposes`,
/// `fields`): as many as one request may name fields.
pub const MAX_RECORD_ITEMS: usize = 64;
/// Largest accepted time: `Number.MAX_SAFE_INTEGER` seconds.
pub const MAX_TIME: i64 = (1 << 53) - 1;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A relying party asked for data (nothing given yet).
    Requested,
    /// The person consented.
    Given,
    /// The person refused.
    Refused,
    /// Data was disclosed to the recipient under the consent.
    Disclosed,
    /// The person withdrew an earlier consent (`refersTo` names it).
    Withdrawn,
    /// An earlier consent reached the end of its retention (`refersTo`).
    Expired,
    /// The log was handed over to a new device key (`device.key`), by the
    /// key that signs up to and including this record.
    Handover,
    /// A new device restored the log from an export of `device.fromSize`
    /// records, which does not hold the newer checkpoint `device.lostSize`
    /// / `device.lostRoot` known off the device.
    Restored,
}
named_enum!(Event { Requested = "requested", Given = "given", Refused = "refused", Disclosed = "disclosed", Withdrawn = "withdrawn", Expired = "expired", Handover = "handover", Restored = "restored" });

/// The lawful basis, PIPL Article 13 items 1–7.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LawfulBasis {
    /// Art. 13(1): the person's consent.
    Consent,
    /// Art. 13(2): a contract with the person.
    Contract,
    /// Art. 13(2): human-resources management.
    Hr,
    /// Art. 13(3): a statutory duty or obligation.
    LegalDuty,
    /// Art. 13(4): public-health emergencies, life, health, property.
    Emergency,
    /// Art. 13(5): news reporting and public-opinion supervision.
    News,
    /// Art. 13(6): information the person already made public.
    PublicInfo,
    /// Art. 13(7): other circumstances provided by law.
    OtherLaw,
}
named_enum!(LawfulBasis { Consent = "consent", Contract = "contract", Hr = "hr", LegalDuty = "legal_duty", Emergency = "emergency", News = "news", PublicInfo = "public_info", OtherLaw = "other_law" });

/// How consent was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentType {
    /// Informed, voluntary, explicit consent (Art. 14).
    Explicit,
    /// Separate consent (Arts. 23, 29, 39).
    Separate,
    /// A guardian's consent for a person under 14 (Art. 31).
    Guardian,
}
named_enum!(ConsentType { Explicit = "explicit", Separate = "separate", Guardian = "guardian" });

/// In which form a field is disclosed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The value itself.
    Full,
    /// A masked (脱敏) value.
    Masked,
    /// Only a predicate over it (for example "18 or over").
    Predicate,
}
named_enum!(Form { Full = "full", Masked = "masked", Predicate = "predicate" });

/// The personal-information handler (controller). Absent (empty) only in
/// the device's own `handover` and `restored` records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Controller {
    /// Contact for the person's requests (Art. 17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Legal name.
    pub name: String,
    /// Unified social credit code (GB 32100-2015).
    pub uscc: String,
}

impl Controller {
    fn is_absent(&self) -> bool {
        self == &Self::default()
    }
}

/// What a `handover` or `restored` record says about the device's keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceChange {
    /// `handover`: the log's size before this record (its index);
    /// `restored`: the size of the export restored.
    pub from_size: u64,
    /// `handover`: the new device's Ed25519 public key, base64url (43).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `restored`: the root of the newer checkpoint, base64url (43).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_root: Option<String>,
    /// `restored`: the size of the newer checkpoint (more than `fromSize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_size: Option<u64>,
}

/// Another party that receives the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recipient {
    /// Legal name.
    pub name: String,
    /// Its role; `"processor"` (entrusted party, Art. 21) does not need
    /// separate consent, any other role is another handler (Art. 23).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Unified social credit code, when it is an organisation in China.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
}

/// One field of one licence, as disclosed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    /// Field id, e.g. `id_number`.
    pub field: String,
    /// Disclosure form.
    pub form: Form,
    /// Licence type id, e.g. `resident_id_card`.
    pub licence: String,
    /// The recipient's declared retention, in whole days.
    pub retention_days: u32,
    /// Sensitive personal information (Art. 28).
    pub sensitive: bool,
}

/// The privacy notice shown (Art. 17), named by the hash of its text:
/// exactly one of `sha256` (an `intl` log) and `sm3` (a `gm` log).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Notice {
    /// SHA-256 of the notice text, base64url without padding (43 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// SM3 of the notice text, base64url without padding (43 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sm3: Option<String>,
    /// Where it is published.
    pub url: String,
}

impl Notice {
    /// The notice published at `url` whose text is `text`, hashed with the
    /// suite's hash (`sha256` or `sm3`).
    #[must_use]
    pub fn of_text(suite: Suite, text: &[u8], url: &str) -> Self {
        let h = Some(Base64UrlUnpadded::encode_string(&suite.digest(text)));
        let (sha256, sm3) = match suite {
            Suite::Intl => (h, None),
            Suite::Gm => (None, h),
        };
        Self {
            sha256,
            sm3,
            url: url.to_owned(),
        }
    }

    /// The suite whose hash names the text (`None` unless exactly one of
    /// `sha256`, `sm3` is present).
    #[must_use]
    pub fn suite(&self) -> Option<Suite> {
        match (&self.sha256, &self.sm3) {
            (Some(_), None) => Some(Suite::Intl),
            (None, Some(_)) => Some(Suite::Gm),
            _ => None,
        }
    }
}

/// What the consent authorised: the disclosure it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Presentation {
    /// The audience (the recipient's identifier).
    pub audience: String,
    /// The request's nonce.
    pub nonce: String,
    /// The recipient's key id (RFC 7638 thumbprint).
    pub recipient_key_id: String,
    /// The presentation's SD-JWT `sd_hash`.
    pub sd_hash: String,
}

/// A consent record (see the module documentation and `docs/FORMAT.md`).
///
/// The fields of this struct and of the nested ones are declared in the
/// order of their JSON names (ASCII, so UTF-8, UTF-16 and code-point orders
/// agree): serialising the struct directly then yields the RFC 8785 form,
/// which [`ConsentRecord::canonical_bytes`] checks in tests against the
/// general [`jcs::canonicalize`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentRecord {
    /// How consent was obtained.
    pub consent_type: ConsentType,
    /// The handler (absent only in `handover` and `restored` records).
    #[serde(default, skip_serializing_if = "Controller::is_absent")]
    pub controller: Controller,
    /// Whether the data leaves mainland China (Arts. 38–39).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_border: Option<bool>,
    /// The device change of a `handover` or `restored` record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceChange>,
    /// What happened.
    pub event: Event,
    /// The fields concerned.
    pub fields: Vec<Field>,
    /// Governing jurisdiction, e.g. `CN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Lawful basis.
    pub lawful_basis: LawfulBasis,
    /// The privacy notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// The disclosure this consent authorised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation: Option<Presentation>,
    /// Pseudonymous id of the person ([`principal_id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Purposes, in the handler's words; at least one.
    pub purposes: Vec<String>,
    /// Other parties receiving the data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Recipient>,
    /// Unique id; generated (16 random bytes, base64url) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The record this one is about (required for withdrawn and expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<String>,
    /// Schema version; [`SCHEMA_VERSION`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u32>,
    /// Where the recipient stores the data, e.g. `CN-GD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_location: Option<String>,
    /// When, in seconds since the Unix epoch.
    pub time: i64,
    /// How to withdraw (Art. 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_method: Option<String>,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidRecord {
        reason: reason.into(),
    }
}

/// Parses a record from JSON text (camelCase, unknown keys rejected); does
/// not validate or complete it.
///
/// # Errors
/// [`Error::InvalidRecord`] if the JSON does not have the record's shape or
/// is longer than [`MAX_RECORD_BYTES`].
pub fn from_json(text: &str) -> Result<ConsentRecord> {
    if text.len() > MAX_RECORD_BYTES {
        return Err(bad(format!(
            "a record is at most {MAX_RECORD_BYTES} bytes of JSON"
        )));
    }
    serde_json::from_str(text).map_err(|e| bad(e.to_string()))
}

/// Parses a record from a JSON value.
///
/// # Errors
/// [`Error::InvalidRecord`] if the value does not have the record's shape.
pub fn from_value(value: serde_json::Value) -> Result<ConsentRecord> {
    serde_json::from_value(value).map_err(|e| bad(e.to_string()))
}

/// A fresh record id: 16 random bytes, base64url without padding.
///
/// # Errors
/// [`Error::NotInitialized`] if the generator was never seeded.
pub fn new_record_id() -> Result<String> {
    Ok(new_record_id_with_rng(&mut rng::rng()?))
}

/// [`new_record_id`] from a caller-supplied generator.
#[must_use]
pub fn new_record_id_with_rng(rng: &mut impl CryptoRng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    Base64UrlUnpadded::encode_string(&b)
}

/// The pseudonymous principal id of a person for an `intl` log: `"p1:"`
/// followed by base64url(HMAC-SHA256(key, identifier)). The key is the
/// device's (or the relying party's) secret, so the id cannot be reversed
/// by trying all ID numbers, and differs between keys.
#[must_use]
pub fn principal_id(key: &[u8; 32], identifier: &str) -> String {
    principal_id_with(Suite::Intl, key, identifier)
}

/// [`principal_id`] for a log of `suite`: `"p1:"` ‖ base64url(HMAC-SHA256)
/// for `intl`, `"g1:"` ‖ base64url(HMAC-SM3(key, identifier)) for `gm`.
#[must_use]
pub fn principal_id_with(suite: Suite, key: &[u8; 32], identifier: &str) -> String {
    // HKDF-Extract(salt = key, ikm = identifier) is HMAC-H(key, identifier).
    match suite {
        Suite::Intl => {
            let (prk, _) = Hkdf::<Sha256>::extract(Some(key), identifier.as_bytes());
            format!("p1:{}", Base64UrlUnpadded::encode_string(&prk))
        }
        Suite::Gm => {
            let (prk, _) = Hkdf::<Sm3>::extract(Some(key), identifier.as_bytes());
            format!("g1:{}", Base64UrlUnpadded::encode_string(&prk))
        }
    }
}

/// The USCC alphabet (GB 32100-2015): digits and capitals without I, O, Z, S, V.
const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights 3^i mod 31 of the first 17 characters.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100-2015 check character for the first 17 characters of a unified
/// social credit code.
///
/// # Errors
/// [`Error::InvalidInput`] unless `first17` is 17 characters of the USCC
/// alphabet.
pub fn uscc_check_character(first17: &str) -> Result<char> {
    if first17.len() != 17 {
        return Err(Error::input("need the first 17 characters of the code"));
    }
    let mut sum = 0u32;
    for (b, w) in first17.bytes().zip(USCC_WEIGHTS) {
        let v = USCC_CHARS
            .iter()
            .position(|c| *c == b)
            .ok_or_else(|| Error::input(format!("'{}' is not a USCC character", b as char)))?;
        sum += (v as u32) * w;
    }
    let check = (31 - sum % 31) % 31;
    USCC_CHARS
        .get(check as usize)
        .map(|c| *c as char)
        .ok_or(Error::Internal { context: "uscc" })
}

/// Validates a unified social credit code (18 characters, GB 32100-2015
/// alphabet, correct check character).
///
/// # Errors
/// [`Error::InvalidRecord`] otherwise, with the reason.
pub fn validate_uscc(code: &str) -> Result<()> {
    if code.len() != 18 || !code.is_ascii() {
        return Err(bad(format!(
            "unified social credit code must be 18 characters, got {:?}",
            code
        )));
    }
    let (first, last) = code.split_at(17);
    let want = uscc_check_character(first).map_err(|e| bad(format!("uscc: {e}")))?;
    if !last.starts_with(want) {
        return Err(bad(format!(
            "unified social credit code {code:?} has a wrong check character"
        )));
    }
    Ok(())
}

/// The Unicode bidirectional formatting characters (UAX #9): embeddings and
/// overrides U+202A–U+202E, isolates U+2066–U+2069, and the marks U+200E,
/// U+200F and U+061C. In a text shown to the citizen they reorder what the
/// screen shows ("deletion" can read as "noitiled", a purpose can seem to
/// end before its real ending), so texts a consent screen displays refuse
/// them, as [`is_display_safe`] does.
pub const BIDI_CONTROLS: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Whether `v` can be shown to the citizen as it is: no control characters
/// (C0, DEL and C1, line breaks and tabs included) and none of
/// [`BIDI_CONTROLS`].
#[must_use]
pub fn is_display_safe(v: &str) -> bool {
    !v.chars()
        .any(|c| c.is_control() || BIDI_CONTROLS.contains(&c))
}

fn text(name: &str, v: &str) -> Result<()> {
    if v.trim().is_empty() {
        return Err(bad(format!("{name} must not be empty")));
    }
    if v.len() > MAX_TEXT {
        return Err(bad(format!("{name} is longer than {MAX_TEXT} bytes")));
    }
    if !is_display_safe(v) {
        return Err(bad(format!(
            "{name} contains control or bidirectional formatting characters"
        )));
    }
    Ok(())
}

fn opt_text(name: &str, v: Option<&String>) -> Result<()> {
    v.map_or(Ok(()), |s| text(name, s))
}

/// Record ids: 1–64 characters of the base64url alphabet.
fn id(name: &str, v: &str) -> Result<()> {
    if v.is_empty()
        || v.len() > 64
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(bad(format!(
            "{name} must be 1–64 characters of A–Z a–z 0–9 - _"
        )));
    }
    Ok(())
}

/// Whether `s` holds a run of 15 or more digits (a GB 11643 ID number, old
/// or new, or something like it).
fn has_id_number_like_run(s: &str) -> bool {
    let mut run = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 15 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

fn principal(v: &str) -> Result<()> {
    if v.len() < 8 || v.len() > 128 || !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad(
            "principal must be a pseudonymous id of 8–128 printable ASCII characters (see principal_id)",
        ));
    }
    if has_id_number_like_run(v) {
        return Err(bad(
            "principal looks like an ID number: store a keyed hash (principal_id), never the number",
        ));
    }
    Ok(())
}

fn id_like_event(e: Event) -> bool {
    matches!(e, Event::Given | Event::Disclosed)
}

impl ConsentRecord {
    /// Fills in what may be absent: a fresh `recordId` and the
    /// `schemaVersion`.
    ///
    /// # Errors
    /// [`Error::NotInitialized`] if a record id is needed and the generator
    /// was never seeded.
    pub fn complete(&mut self) -> Result<()> {
        if self.record_id.is_none() {
            self.record_id = Some(new_record_id()?);
        }
        self.schema_version.get_or_insert(SCHEMA_VERSION);
        Ok(())
    }

    /// [`ConsentRecord::complete`] with a caller-supplied generator.
    pub fn complete_with_rng(&mut self, rng: &mut impl CryptoRng) {
        if self.record_id.is_none() {
            self.record_id = Some(new_record_id_with_rng(rng));
        }
        self.schema_version.get_or_insert(SCHEMA_VERSION);
    }

    /// The record id (empty before [`ConsentRecord::complete`]).
    #[must_use]
    pub fn id(&self) -> &str {
        self.record_id.as_deref().unwrap_or("")
    }

    /// Checks the shape and the consent rules:
    /// - `recordId` present (see [`ConsentRecord::complete`]) and
    ///   `schemaVersion` = [`SCHEMA_VERSION`];
    /// - `time` in `0..=2^53−1`; texts non-empty, ≤ 1024 bytes, no control
    ///   or bidirectional formatting characters ([`is_display_safe`]); at
    ///   least one purpose; at most [`MAX_RECORD_ITEMS`] recipients,
    ///   purposes and fields, and [`MAX_RECORD_BYTES`] of canonical JSON
    ///   in all;
    /// - `principal` pseudonymous (never an ID number);
    /// - USCCs with a correct GB 32100-2015 check character;
    /// - `given`/`disclosed`/`requested` name at least one field;
    /// - `withdrawn` and `expired` carry `refersTo` (another record);
    /// - under `lawfulBasis: consent`, a `given` or `disclosed` event needs
    ///   `consentType` `separate` or `guardian` when a field is sensitive
    ///   (Art. 29), when a recipient other than a `processor` receives the
    ///   data (Art. 23), or when it crosses the border (Art. 39);
    /// - `notice.sha256` is 32 bytes in base64url; `notice.url` is http(s).
    ///
    /// # Errors
    /// [`Error::InvalidRecord`] naming the first rule broken.
    pub fn validate(&self) -> Result<()> {
        id("recordId", self.record_id.as_deref().unwrap_or(""))?;
        if self.schema_version != Some(SCHEMA_VERSION) {
            return Err(bad(format!("schemaVersion must be {SCHEMA_VERSION}")));
        }
        if !(0..=MAX_TIME).contains(&self.time) {
            return Err(bad("time must be seconds since the Unix epoch"));
        }
        if let Some(p) = &self.principal {
            principal(p)?;
        }
        if self.recipients.len() > MAX_RECORD_ITEMS
            || self.purposes.len() > MAX_RECORD_ITEMS
            || self.fields.len() > MAX_RECORD_ITEMS
        {
            return Err(bad(format!(
                "recipients, purposes and fields hold at most {MAX_RECORD_ITEMS} entries each"
            )));
        }
        if matches!(self.event, Event::Handover | Event::Restored) {
            return self.validate_device_change();
        }
        if self.device.is_some() {
            return Err(bad("only handover and restored records carry device"));
        }
        text("controller.name", &self.controller.name)?;
        validate_uscc(&self.controller.uscc)?;
        opt_text("controller.contact", self.controller.contact.as_ref())?;
        for r in &self.recipients {
            text("recipients[].name", &r.name)?;
            if let Some(u) = &r.uscc {
                validate_uscc(u)?;
            }
            opt_text("recipients[].role", r.role.as_ref())?;
        }
        if self.purposes.is_empty() {
            return Err(bad("purposes must name at least one purpose"));
        }
        for p in &self.purposes {
            text("purposes[]", p)?;
        }
        for f in &self.fields {
            text("fields[].licence", &f.licence)?;
            text("fields[].field", &f.field)?;
            if f.retention_days > MAX_RETENTION_DAYS {
                return Err(bad(format!(
                    "fields[].retentionDays must be at most {MAX_RETENTION_DAYS}"
                )));
            }
        }
        if matches!(
            self.event,
            Event::Given | Event::Disclosed | Event::Requested
        ) && self.fields.is_empty()
        {
            return Err(bad(
                "a requested, given or disclosed event names its fields",
            ));
        }
        opt_text("jurisdiction", self.jurisdiction.as_ref())?;
        opt_text("storageLocation", self.storage_location.as_ref())?;
        opt_text("withdrawalMethod", self.withdrawal_method.as_ref())?;
        if let Some(n) = &self.notice {
            text("notice.url", &n.url)?;
            if !(n.url.starts_with("https://") || n.url.starts_with("http://")) {
                return Err(bad("notice.url must be an http(s) URL"));
            }
            let hash = match (&n.sha256, &n.sm3) {
                (Some(h), None) | (None, Some(h)) => h,
                _ => {
                    return Err(bad(
                        "notice names its text by exactly one hash: sha256 (intl) or sm3 (gm)",
                    ))
                }
            };
            let ok = Base64UrlUnpadded::decode_vec(hash).is_ok_and(|d| d.len() == 32);
            if !ok {
                return Err(bad(
                    "notice.sha256 / notice.sm3 must be 32 bytes in base64url without padding",
                ));
            }
        }
        if let Some(p) = &self.presentation {
            text("presentation.sdHash", &p.sd_hash)?;
            text("presentation.nonce", &p.nonce)?;
            text("presentation.audience", &p.audience)?;
            text("presentation.recipientKeyId", &p.recipient_key_id)?;
        }
        match (&self.refers_to, self.event) {
            (None, Event::Withdrawn | Event::Expired) => {
                return Err(bad(
                    "a withdrawn or expired event must name the record it ends in refersTo",
                ))
            }
            (Some(r), _) => {
                id("refersTo", r)?;
                if Some(r) == self.record_id.as_ref() {
                    return Err(bad("refersTo must name another record"));
                }
            }
            (None, _) => {}
        }
        if self.lawful_basis == LawfulBasis::Consent
            && id_like_event(self.event)
            && self.consent_type == ConsentType::Explicit
        {
            if self.fields.iter().any(|f| f.sensitive) {
                return Err(bad(
                    "sensitive fields need separate consent (PIPL Art. 29): consentType must be \"separate\" or \"guardian\"",
                ));
            }
            if self
                .recipients
                .iter()
                .any(|r| r.role.as_deref() != Some("processor"))
            {
                return Err(bad(
                    "providing data to another handler needs separate consent (PIPL Art. 23): consentType must be \"separate\"",
                ));
            }
            if self.cross_border == Some(true) {
                return Err(bad(
                    "cross-border provision needs separate consent (PIPL Art. 39): consentType must be \"separate\"",
                ));
            }
        }
        // What the log stores must read back: `from_json` refuses longer.
        if self.canonical_bytes()?.len() > MAX_RECORD_BYTES {
            return Err(bad(format!(
                "a record is at most {MAX_RECORD_BYTES} bytes of canonical JSON"
            )));
        }
        Ok(())
    }

    /// The rules of `handover` and `restored` records: a `device` change
    /// and nothing about a controller, fields, recipients or disclosure.
    fn validate_device_change(&self) -> Result<()> {
        let d = self
            .device
            .as_ref()
            .ok_or_else(|| bad("a handover or restored record carries device"))?;
        let empty = self.controller.is_absent()
            && self.fields.is_empty()
            && self.purposes.is_empty()
            && self.recipients.is_empty()
            && self.presentation.is_none()
            && self.refers_to.is_none()
            && self.notice.is_none()
            && self.principal.is_none()
            && self.cross_border.is_none();
        if !empty {
            return Err(bad(
                "a handover or restored record names no controller, purposes, fields, recipients or disclosure",
            ));
        }
        let hash32 = |v: &Option<String>| {
            v.as_deref()
                .is_some_and(|t| Base64UrlUnpadded::decode_vec(t).is_ok_and(|b| b.len() == 32))
        };
        // A device public key: Ed25519 (32 bytes) or SM2 (65 bytes, 04‖x‖y).
        let device_key = |v: &Option<String>| {
            v.as_deref().is_some_and(|t| {
                Base64UrlUnpadded::decode_vec(t)
                    .is_ok_and(|b| b.len() == 32 || (b.len() == 65 && b.first() == Some(&4)))
            })
        };
        let max = MAX_TIME as u64;
        let ok = d.from_size <= max
            && match self.event {
                Event::Handover => {
                    device_key(&d.key) && d.lost_root.is_none() && d.lost_size.is_none()
                }
                _ => {
                    d.key.is_none()
                        && hash32(&d.lost_root)
                        && d.lost_size.is_some_and(|n| n > d.from_size && n <= max)
                }
            };
        if !ok {
            return Err(bad(
                "device: handover names key (32 bytes Ed25519 or 65 bytes SM2, base64url); restored names lostSize > fromSize and lostRoot (32 bytes)",
            ));
        }
        Ok(())
    }

    /// The RFC 8785 canonical JSON of the record, as hashed into the log.
    ///
    /// # Errors
    /// [`Error::Internal`] if the record cannot be serialised (a bug).
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        // Sorted field declarations + serde_json's escaping (the same as
        // ECMAScript's) + integers only make this the JCS form; see
        // `canonical_bytes_slow` and the tests that compare the two.
        serde_json::to_vec(self).map_err(|_| Error::Internal {
            context: "record serialisation",
        })
    }

    /// The RFC 8785 form through the general canonicaliser: slower, and the
    /// reference that [`ConsentRecord::canonical_bytes`] is tested against.
    ///
    /// # Errors
    /// [`Error::Internal`] if the record cannot be serialised (a bug).
    pub fn canonical_bytes_slow(&self) -> Result<Vec<u8>> {
        let value = serde_json::to_value(self).map_err(|_| Error::Internal {
            context: "record serialisation",
        })?;
        jcs::canonicalize(&value).map_err(|_| Error::Internal {
            context: "record canonicalisation",
        })
    }

    /// The record's Merkle leaf hash in an `intl` log,
    /// `SHA-256(0x00 ‖ canonical bytes)`.
    ///
    /// # Errors
    /// As [`ConsentRecord::canonical_bytes`].
    pub fn leaf_hash(&self) -> Result<Hash> {
        self.leaf_hash_with(Suite::Intl)
    }

    /// The record's Merkle leaf hash in a log of `suite`,
    /// `H(0x00 ‖ canonical bytes)`.
    ///
    /// # Errors
    /// As [`ConsentRecord::canonical_bytes`].
    pub fn leaf_hash_with(&self, suite: Suite) -> Result<Hash> {
        Ok(merkle::leaf_hash_with(suite, &self.canonical_bytes()?))
    }

    /// Parses canonical bytes back into a record and checks that they are
    /// exactly the canonical form of a valid record.
    ///
    /// # Errors
    /// [`Error::InvalidRecord`] if the bytes are not UTF-8 JSON of the
    /// record's shape, not canonical, or the record is invalid.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
        let record = from_json(text)?;
        if record.canonical_bytes()? != bytes {
            return Err(bad("not in RFC 8785 canonical form"));
        }
        record.validate()?;
        Ok(record)
    }

    /// The longest declared retention of its fields, in days.
    #[must_use]
    pub fn max_retention_days(&self) -> u32 {
        self.fields
            .iter()
            .map(|f| f.retention_days)
            .max()
            .unwrap_or(0)
    }
}
