//! Chinese electronic licences as SD-JWT VCs, described by schemas that are
//! data: `src/credential/schemas/<type>.json`, one file per licence type.
//! Adding a licence type is adding a file (and its name to [`SCHEMA_FILES`]).
//!
//! A schema field has a stable English `id`, `labels {zh, en}`, a
//! `valueType`, whether it is `required` and `disclosable`, whether it is
//! `sensitive` personal information (PIPL Art. 28: photos, disability
//! category and level; and identity-document numbers, which GB/T
//! 35273-2020 Annex B lists as sensitive: ID, licence, passport and permit
//! numbers), the masking rules it offers (`masks`) and the
//! predicates derived from it (`predicates`).
//!
//! [`issue`] validates the fields (ID numbers by GB 11643-1999, dates,
//! enumerations, plates, VINs), makes every disclosable field selectively
//! disclosable, and adds derived claims, each disclosable on its own:
//! - `age_equal_or_over`: `{"14": bool, "16": …, "18": …, "60": …, "65": …}`
//!   from the birth date, at `iat` in China Standard Time (UTC+8); each key
//!   is disclosed individually (`/age_equal_or_over/18`);
//! - `household_province`: the province from the ID number's region code;
//! - `<field>_masked` (and `<field>_masked_<rule>` for a field's further
//!   rules): the field masked by [`super::mask`], e.g. `id_number_masked`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::date::Date;
use super::idcard;
use super::keys::SigningKey;
use super::mask;
use super::sdjwt::{self, IssueOptions};
use crate::error::{Error, Result};
use crate::json::Members;
use crate::rng::CryptoRng;

/// The schema files, compiled in.
pub const SCHEMA_FILES: &[&str] = &[
    include_str!("schemas/resident_id_card.json"),
    include_str!("schemas/driving_licence.json"),
    include_str!("schemas/vehicle_licence.json"),
    include_str!("schemas/passport.json"),
    include_str!("schemas/hk_macao_permit.json"),
    include_str!("schemas/disability_certificate.json"),
    include_str!("schemas/residence_permit.json"),
];

/// The age thresholds of `age_equal_or_over`.
pub const AGE_THRESHOLDS: &[u8] = &[14, 16, 18, 60, 65];

/// China Standard Time offset, for "today" on a licence.
const CST_OFFSET: i64 = 8 * 3600;

/// Chinese and English labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// One field of a licence schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    /// Stable English id, also the claim name.
    pub id: String,
    /// Labels for consent screens.
    pub labels: Labels,
    /// `string`, `date`, `expiry_date` (a date or `long_term`), `enum`,
    /// `enum_list`, `id_number`, `licence_number`, `document_number`,
    /// `plate`, `vin` or `image`.
    pub value_type: String,
    /// Whether [`issue`] requires it.
    pub required: bool,
    /// Whether it is selectively disclosable (else always visible).
    pub disclosable: bool,
    /// Sensitive personal information (PIPL Art. 28): needs separate
    /// consent.
    pub sensitive: bool,
    /// Masking rule ids whose results are issued as derived claims.
    pub masks: Vec<String>,
    /// Predicates derived from it: `age_equal_or_over`,
    /// `household_province`.
    pub predicates: Vec<String>,
    /// The allowed values of an `enum` or `enum_list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// A claim derived at issuance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Derived {
    /// The claim name.
    pub id: String,
    /// Labels for consent screens.
    pub labels: Labels,
    /// The field it is derived from.
    pub from: String,
    /// The masking rule or predicate that derives it.
    pub rule: String,
}

/// A licence type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schema {
    /// The licence type id (`resident_id_card`, …).
    #[serde(rename = "type")]
    pub licence_type: String,
    /// The SD-JWT VC type.
    pub vct: String,
    /// Labels for consent screens.
    pub labels: Labels,
    /// Its fields, in display order.
    pub fields: Vec<Field>,
    /// The derived claims it carries (computed from `fields`).
    #[serde(default, skip_deserializing)]
    pub derived: Vec<Derived>,
}

static SCHEMAS: OnceLock<std::result::Result<Vec<Schema>, String>> = OnceLock::new();

fn load() -> std::result::Result<Vec<Schema>, String> {
    let mut out: Vec<Schema> = Vec::new();
    for text in SCHEMA_FILES {
        let value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut s = read_schema(value)?;
        if out.iter().any(|o| o.licence_type == s.licence_type) {
            return Err(format!("duplicate schema {}", s.licence_type));
        }
        s.derived = derive_list(&s.fields)?;
        out.push(s);
    }
    Ok(out)
}

// The schema files are read through `crate::json` rather than the derived
// `Deserialize` impls (which stay, for Rust callers, and which
// tests/licence.rs checks this reader against): the derives' parsers cost
// 1.4 KB brotli in the WebAssembly module.
fn read_labels(value: Value) -> std::result::Result<Labels, String> {
    let mut m = Members::new(value, &["zh", "en"])?;
    Ok(Labels {
        zh: m.string("zh")?,
        en: m.string("en")?,
    })
}

fn read_field(value: Value) -> std::result::Result<Field, String> {
    let mut m = Members::new(
        value,
        &[
            "id",
            "labels",
            "valueType",
            "required",
            "disclosable",
            "sensitive",
            "masks",
            "predicates",
            "values",
        ],
    )?;
    Ok(Field {
        id: m.string("id")?,
        labels: read_labels(m.value("labels")?)?,
        value_type: m.string("valueType")?,
        required: m.bool("required")?,
        disclosable: m.bool("disclosable")?,
        sensitive: m.bool("sensitive")?,
        masks: m.strings("masks")?,
        predicates: m.strings("predicates")?,
        values: m.opt_strings("values")?,
    })
}

fn read_schema(value: Value) -> std::result::Result<Schema, String> {
    let mut m = Members::new(value, &["type", "vct", "labels", "fields"])?;
    Ok(Schema {
        licence_type: m.string("type")?,
        vct: m.string("vct")?,
        labels: read_labels(m.value("labels")?)?,
        fields: m
            .array("fields")?
            .into_iter()
            .map(read_field)
            .collect::<std::result::Result<_, _>>()?,
        derived: Vec::new(),
    })
}

fn derive_list(fields: &[Field]) -> std::result::Result<Vec<Derived>, String> {
    let mut out = Vec::new();
    let mut age = false;
    for f in fields {
        for (j, rule) in f.masks.iter().enumerate() {
            if !mask::rules().iter().any(|r| r.id == rule) {
                return Err(format!("field {} names unknown mask {rule}", f.id));
            }
            let id = if j == 0 {
                format!("{}_masked", f.id)
            } else {
                format!("{}_masked_{rule}", f.id)
            };
            out.push(Derived {
                id,
                labels: Labels {
                    zh: format!("{}（脱敏）", f.labels.zh),
                    en: format!("{} (masked)", f.labels.en),
                },
                from: f.id.clone(),
                rule: rule.clone(),
            });
        }
        for p in &f.predicates {
            let (id, zh, en) = match p.as_str() {
                "age_equal_or_over" if age => continue,
                "age_equal_or_over" => {
                    age = true;
                    ("age_equal_or_over", "年龄不低于", "Age at least")
                }
                "household_province" => (
                    "household_province",
                    "户籍所在省份",
                    "Province of household registration",
                ),
                other => return Err(format!("field {} names unknown predicate {other}", f.id)),
            };
            out.push(Derived {
                id: id.into(),
                labels: Labels {
                    zh: zh.into(),
                    en: en.into(),
                },
                from: f.id.clone(),
                rule: p.clone(),
            });
        }
    }
    Ok(out)
}

/// Every licence schema.
///
/// # Errors
/// [`Error::Internal`] if a compiled-in schema file is malformed (a bug,
/// caught by the tests).
pub fn schemas() -> Result<&'static [Schema]> {
    match SCHEMAS.get_or_init(load) {
        Ok(s) => Ok(s),
        Err(_) => Err(Error::Internal {
            context: "licence schema files",
        }),
    }
}

/// The schema of one licence type.
///
/// # Errors
/// [`Error::UnknownLicenceType`] if there is none.
pub fn schema(licence_type: &str) -> Result<&'static Schema> {
    schemas()?
        .iter()
        .find(|s| s.licence_type == licence_type)
        .ok_or_else(|| Error::UnknownLicenceType {
            name: licence_type.to_owned(),
        })
}

/// What to issue.
#[derive(Clone, Debug, Default)]
pub struct LicenceOptions {
    /// The licence type id.
    pub licence_type: String,
    /// Field id → value (strings; `enum_list` fields take arrays).
    pub fields: Map<String, Value>,
    /// The holder's public JWK (bound as `cnf.jwk`).
    pub holder_public_jwk: Value,
    /// The issuing authority's identifier (`iss`).
    pub iss: String,
    /// Issued-at (also the day ages are computed on); the clock's if `None`.
    pub iat: Option<i64>,
    /// Expiry of the credential, if any.
    pub exp: Option<i64>,
}

/// Issues a licence as an SD-JWT VC, with salts from the module's DRBG.
///
/// # Errors
/// See [`issue_with_rng`]; [`Error::NotInitialized`] before seeding.
pub fn issue(key: &SigningKey, options: &LicenceOptions) -> Result<String> {
    issue_with_rng(key, options, &mut crate::rng::rng()?)
}

/// [`issue`] with a caller-supplied generator.
///
/// # Errors
/// [`Error::UnknownLicenceType`]; [`Error::InvalidClaim`] for an unknown,
/// missing or invalid field, or fields that contradict each other (birth
/// date or sex against the ID number, validity dates out of order);
/// [`Error::InvalidJwk`] for a bad holder key.
pub fn issue_with_rng(
    key: &SigningKey,
    options: &LicenceOptions,
    rng: &mut impl CryptoRng,
) -> Result<String> {
    let schema = schema(&options.licence_type)?;
    let iat = match options.iat {
        Some(t) => t,
        None => crate::clock::now()?,
    };
    let today = Date::from_unix(iat.saturating_add(CST_OFFSET))
        .ok_or_else(|| Error::input("iat is out of range"))?;

    for id in options.fields.keys() {
        if !schema.fields.iter().any(|f| &f.id == id) {
            return Err(Error::claim(
                id,
                format!("not a field of {}", schema.licence_type),
            ));
        }
    }
    let mut claims = Map::new();
    let mut disclosable = Vec::new();
    let mut parsed_id: Option<idcard::IdNumber> = None;
    for f in &schema.fields {
        let Some(raw) = options.fields.get(&f.id) else {
            if f.required {
                return Err(Error::claim(&f.id, "is required"));
            }
            continue;
        };
        let (value, id) = validate(f, raw, today)?;
        if let Some(id) = id {
            if parsed_id.is_none() {
                parsed_id = Some(id);
            }
        }
        if f.disclosable {
            disclosable.push(format!("/{}", f.id));
        }
        claims.insert(f.id.clone(), value);
    }
    check_consistency(&claims, parsed_id.as_ref())?;

    for f in &schema.fields {
        let Some(Value::String(value)) = claims.get(&f.id).cloned() else {
            continue;
        };
        for (j, rule) in f.masks.iter().enumerate() {
            let name = if j == 0 {
                format!("{}_masked", f.id)
            } else {
                format!("{}_masked_{rule}", f.id)
            };
            let masked = mask::apply(rule, &value).map_err(|e| match e {
                Error::InvalidClaim { reason, .. } => Error::claim(&f.id, reason),
                other => other,
            })?;
            disclosable.push(format!("/{name}"));
            claims.insert(name, Value::String(masked));
        }
        for p in &f.predicates {
            match p.as_str() {
                "age_equal_or_over" if !claims.contains_key("age_equal_or_over") => {
                    let birth = match f.value_type.as_str() {
                        "id_number" | "licence_number" => idcard::parse_on(&value, today)
                            .ok()
                            .and_then(|id| Date::parse_iso(&id.birth_date)),
                        _ => Date::parse_iso(&value),
                    };
                    let Some(birth) = birth else { continue };
                    let age = birth.years_until(today);
                    let mut over = Map::new();
                    for t in AGE_THRESHOLDS {
                        over.insert(t.to_string(), Value::Bool(age >= i32::from(*t)));
                        disclosable.push(format!("/age_equal_or_over/{t}"));
                    }
                    claims.insert("age_equal_or_over".into(), Value::Object(over));
                }
                "household_province" => {
                    if let Ok(id) = idcard::parse_on(&value, today) {
                        claims.insert("household_province".into(), json!(id.province));
                        disclosable.push("/household_province".into());
                    }
                }
                _ => {}
            }
        }
    }

    sdjwt::issue_with_rng(
        key,
        &IssueOptions {
            claims: Value::Object(claims),
            disclosable,
            holder_public_jwk: Some(options.holder_public_jwk.clone()),
            vct: schema.vct.clone(),
            iss: options.iss.clone(),
            iat: Some(iat),
            nbf: None,
            exp: options.exp,
            decoys: None,
            sd_alg: None,
        },
        rng,
    )
}

/// Validates and normalises one field's value; an ID number comes back
/// parsed too.
fn validate(f: &Field, raw: &Value, today: Date) -> Result<(Value, Option<idcard::IdNumber>)> {
    let bad = |why: &str| Error::claim(&f.id, why);
    if f.value_type == "enum_list" {
        let Value::Array(items) = raw else {
            return Err(bad("must be an array of strings"));
        };
        let allowed = f.values.as_deref().unwrap_or_default();
        let mut seen = Vec::new();
        for item in items {
            let Value::String(s) = item else {
                return Err(bad("must be an array of strings"));
            };
            if !allowed.contains(s) {
                return Err(Error::claim(
                    &f.id,
                    format!("{s:?} is not one of the allowed values"),
                ));
            }
            if seen.contains(&s) {
                return Err(Error::claim(&f.id, format!("{s:?} appears twice")));
            }
            seen.push(s);
        }
        if items.is_empty() {
            return Err(bad("must not be empty"));
        }
        return Ok((raw.clone(), None));
    }
    let Value::String(s) = raw else {
        return Err(bad("must be a string"));
    };
    let s = s.trim();
    if s.is_empty() {
        return Err(bad("must not be empty"));
    }
    let ok = |v: &str| Ok((Value::String(v.to_owned()), None));
    match f.value_type.as_str() {
        "string" => {
            if s.chars().count() > 200 {
                return Err(bad("is longer than 200 characters"));
            }
            ok(s)
        }
        "image" => ok(s),
        "date" => match Date::parse_iso(s) {
            Some(_) => ok(s),
            None => Err(bad("must be a date YYYY-MM-DD")),
        },
        "expiry_date" => match Date::parse_iso(s) {
            Some(_) => ok(s),
            None if s == "long_term" => ok(s),
            None => Err(bad("must be a date YYYY-MM-DD or long_term")),
        },
        "enum" => {
            if f.values
                .as_deref()
                .unwrap_or_default()
                .iter()
                .any(|v| v == s)
            {
                ok(s)
            } else {
                Err(Error::claim(
                    &f.id,
                    format!("{s:?} is not one of the allowed values"),
                ))
            }
        }
        "id_number" => {
            let id = idcard::parse_on(s, today).map_err(|e| Error::claim(&f.id, e.to_string()))?;
            Ok((Value::String(id.number.clone()), Some(id)))
        }
        "licence_number" => {
            if s.chars().count() == 18 {
                let id =
                    idcard::parse_on(s, today).map_err(|e| Error::claim(&f.id, e.to_string()))?;
                Ok((Value::String(id.number.clone()), Some(id)))
            } else if (6..=20).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
                ok(s)
            } else {
                Err(bad(
                    "must be an 18-character ID number or 6–20 letters and digits",
                ))
            }
        }
        "document_number" => {
            if (6..=24).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
                ok(s)
            } else {
                Err(bad("must be 6–24 letters and digits"))
            }
        }
        "plate" => mask::apply("plate", s)
            .map(|_| (Value::String(s.to_owned()), None))
            .map_err(|_| bad("must be a number plate such as 粤B12348")),
        "vin" => {
            let upper = s.to_ascii_uppercase();
            if upper.len() == 17
                && upper
                    .chars()
                    .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"IOQ".contains(c)))
            {
                Ok((Value::String(upper), None))
            } else {
                Err(bad("must be a 17-character VIN (no I, O or Q)"))
            }
        }
        _ => Err(Error::Internal {
            context: "unknown valueType in a licence schema",
        }),
    }
}

fn check_consistency(claims: &Map<String, Value>, id: Option<&idcard::IdNumber>) -> Result<()> {
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    if let Some(id) = id {
        if let Some(b) = text("birth_date") {
            if b != id.birth_date {
                return Err(Error::claim("birth_date", "does not match the ID number"));
            }
        }
        if let Some(sex) = text("sex") {
            let expected = match id.sex {
                idcard::Sex::Male => "male",
                idcard::Sex::Female => "female",
            };
            if sex != expected {
                return Err(Error::claim("sex", "does not match the ID number"));
            }
        }
    }
    if let (Some(from), Some(until)) = (text("valid_from"), text("valid_until")) {
        if let (Some(a), Some(b)) = (Date::parse_iso(from), Date::parse_iso(until)) {
            if a > b {
                return Err(Error::claim("valid_until", "is before valid_from"));
            }
        }
    }
    Ok(())
}
