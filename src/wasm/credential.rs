//! JavaScript bindings for keys, SD-JWT, licences and masking.
//!
//! The package layer (`pkg/src/api.js`) wraps these into the CONTRACT.md
//! API (`SigningKey`, `sdjwt.*`, `licence.*`, `mask.*`). Key handles are
//! passed as separate arguments; every options object and JWK comes as JSON
//! text (`json:` below) and is parsed into a camelCase struct that rejects
//! unknown keys (`INVALID_INPUT`); every structured result is JSON text
//! (`→ json`) that the package layer parses.
//!
//! | export | signature |
//! |---|---|
//! | `class SigningKey` | `static generate(alg: "EdDSA" \| "ES256"): SigningKey` |
//! | | `static fromJwk(privateJwk: json object): SigningKey` |
//! | | `get alg(): string` |
//! | | `publicJwk(): → json object` (with `kid`) |
//! | | `exportPrivateJwkDangerously(): → json object` |
//! | | `free(): void` (generated) |
//! | `sdjwtIssue` | `(issuerKey: SigningKey, json { claims, disclosable, holderPublicJwk?, vct, iss, iat?, nbf?, exp?, decoys? }): string` |
//! | `sdjwtPresent` | `(holderKey: SigningKey, json { credential, disclose, aud, nonce, iat? }): string` |
//! | `sdjwtVerify` | `(json { presentation, issuerKeys, aud?, nonce?, requireKeyBinding?, now?, maxKeyBindingAge?, clockSkew? }): → json { claims, disclosed, issuer, holderPublicJwk?, keyBinding? }` |
//! | `sdjwtDecode` | `(sdJwt: string): → json { header, payload, disclosures: [{ path, value, digest }], keyBinding? }` |
//! | `licenceSchemas` | `(): → json [{ type, vct, labels, fields, derived }]` |
//! | `licenceIssue` | `(issuerKey: SigningKey, json { type, fields, holderPublicJwk, iss, iat?, exp? }): string` |
//! | `maskRules` | `(): → json [{ id, labels: { zh, en }, example }]` |
//! | `maskApply` | `(ruleId: string, value: string): string` |

use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use super::{from_json, js_err, to_json};
use crate::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use crate::credential::{licence, mask, sdjwt};

/// An opaque signing key handle (`EdDSA` or `ES256`).
#[wasm_bindgen(js_name = SigningKey)]
pub struct JsSigningKey {
    inner: SigningKey,
}

impl JsSigningKey {
    /// The core key, for other bindings that sign (consent log, verifier).
    #[must_use]
    pub fn inner(&self) -> &SigningKey {
        &self.inner
    }
}

#[wasm_bindgen(js_class = SigningKey)]
impl JsSigningKey {
    /// A fresh key from the DRBG.
    ///
    /// # Errors
    /// `UNSUPPORTED_ALGORITHM`, `NOT_INITIALIZED`.
    pub fn generate(alg: &str) -> Result<JsSigningKey, JsValue> {
        let alg = Algorithm::parse(alg).map_err(js_err)?;
        let inner = SigningKey::generate(alg).map_err(js_err)?;
        Ok(Self { inner })
    }

    /// Imports a private JWK given as JSON text.
    ///
    /// # Errors
    /// `INVALID_JWK`, `INVALID_INPUT`.
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(jwk: &str) -> Result<JsSigningKey, JsValue> {
        let jwk: Value = from_json(jwk, "privateJwk")?;
        let inner = SigningKey::from_jwk(&jwk).map_err(js_err)?;
        Ok(Self { inner })
    }

    /// `"EdDSA"` or `"ES256"`.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn alg(&self) -> String {
        self.inner.alg().as_str().to_owned()
    }

    /// The public JWK, with `kid` = its RFC 7638 thumbprint, as JSON text.
    ///
    /// # Errors
    /// `INTERNAL` if it cannot be converted.
    #[wasm_bindgen(js_name = publicJwk)]
    pub fn public_jwk(&self) -> Result<String, JsValue> {
        to_json(&self.inner.public_jwk())
    }

    /// The private JWK as JSON text. For servers that must store keys;
    /// never on phones.
    ///
    /// # Errors
    /// `INTERNAL` if it cannot be converted.
    #[wasm_bindgen(js_name = exportPrivateJwkDangerously)]
    pub fn export_private_jwk_dangerously(&self) -> Result<String, JsValue> {
        to_json(&self.inner.export_private_jwk_dangerously())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IssueArgs {
    claims: Value,
    disclosable: Vec<String>,
    #[serde(default)]
    holder_public_jwk: Option<Value>,
    vct: String,
    iss: String,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    decoys: Option<u32>,
}

/// Issues a compact SD-JWT.
///
/// # Errors
/// `INVALID_INPUT`, `NOT_DISCLOSABLE`, `INVALID_JWK`, `NOT_INITIALIZED`.
#[wasm_bindgen(js_name = sdjwtIssue)]
pub fn sdjwt_issue(issuer_key: &JsSigningKey, options: &str) -> Result<String, JsValue> {
    let a: IssueArgs = from_json(options, "sdjwt.issue options")?;
    sdjwt::issue(
        &issuer_key.inner,
        &sdjwt::IssueOptions {
            claims: a.claims,
            disclosable: a.disclosable,
            holder_public_jwk: a.holder_public_jwk,
            vct: a.vct,
            iss: a.iss,
            iat: a.iat,
            nbf: a.nbf,
            exp: a.exp,
            decoys: a.decoys,
        },
    )
    .map_err(js_err)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PresentArgs {
    credential: String,
    disclose: Vec<String>,
    aud: String,
    nonce: String,
    #[serde(default)]
    iat: Option<i64>,
}

/// Presents a credential with the chosen disclosures and key binding.
///
/// # Errors
/// `INVALID_CREDENTIAL`, `INVALID_KEY`, `INVALID_INPUT`.
#[wasm_bindgen(js_name = sdjwtPresent)]
pub fn sdjwt_present(holder_key: &JsSigningKey, options: &str) -> Result<String, JsValue> {
    let a: PresentArgs = from_json(options, "sdjwt.present options")?;
    sdjwt::present(
        &a.credential,
        &holder_key.inner,
        &sdjwt::PresentOptions {
            disclose: a.disclose,
            aud: a.aud,
            nonce: a.nonce,
            iat: a.iat,
        },
    )
    .map_err(js_err)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyArgs {
    presentation: String,
    issuer_keys: Vec<Value>,
    #[serde(default)]
    aud: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    require_key_binding: Option<bool>,
    #[serde(default)]
    now: Option<i64>,
    #[serde(default)]
    max_key_binding_age: Option<i64>,
    #[serde(default)]
    clock_skew: Option<i64>,
}

/// Verifies a presentation; the result as JSON text.
///
/// # Errors
/// `INVALID_CREDENTIAL`, `UNTRUSTED_ISSUER`, `VERIFY_FAILED`, `EXPIRED`,
/// `NOT_YET_VALID`, `INVALID_KEY_BINDING`, `UNSUPPORTED_ALGORITHM`,
/// `INVALID_JWK`, `INVALID_INPUT`.
#[wasm_bindgen(js_name = sdjwtVerify)]
pub fn sdjwt_verify(options: &str) -> Result<String, JsValue> {
    let a: VerifyArgs = from_json(options, "sdjwt.verify options")?;
    let issuer_keys = a
        .issuer_keys
        .iter()
        .map(VerifyingKey::from_jwk)
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_err)?;
    let defaults = sdjwt::VerifyOptions::default();
    let verified = sdjwt::verify(
        &a.presentation,
        &sdjwt::VerifyOptions {
            issuer_keys,
            aud: a.aud,
            nonce: a.nonce,
            require_key_binding: a
                .require_key_binding
                .unwrap_or(defaults.require_key_binding),
            now: a.now,
            max_key_binding_age: a
                .max_key_binding_age
                .unwrap_or(defaults.max_key_binding_age),
            clock_skew: a.clock_skew.unwrap_or(defaults.clock_skew),
        },
    )
    .map_err(js_err)?;
    to_json(&verified)
}

/// Lists what an SD-JWT contains, without verifying it (JSON text).
///
/// # Errors
/// `INVALID_CREDENTIAL`, `UNSUPPORTED_ALGORITHM`.
#[wasm_bindgen(js_name = sdjwtDecode)]
pub fn sdjwt_decode(sd_jwt: &str) -> Result<String, JsValue> {
    to_json(&sdjwt::decode(sd_jwt).map_err(js_err)?)
}

/// Every licence schema, as JSON text.
///
/// # Errors
/// `INTERNAL` if a schema file is malformed.
#[wasm_bindgen(js_name = licenceSchemas)]
pub fn licence_schemas() -> Result<String, JsValue> {
    to_json(&licence::schemas().map_err(js_err)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LicenceArgs {
    #[serde(rename = "type")]
    licence_type: String,
    fields: Map<String, Value>,
    holder_public_jwk: Value,
    iss: String,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    exp: Option<i64>,
}

/// Issues a licence as an SD-JWT VC.
///
/// # Errors
/// `UNKNOWN_LICENCE_TYPE`, `INVALID_CLAIM`, `INVALID_JWK`, `INVALID_INPUT`,
/// `NOT_INITIALIZED`.
#[wasm_bindgen(js_name = licenceIssue)]
pub fn licence_issue(issuer_key: &JsSigningKey, options: &str) -> Result<String, JsValue> {
    let a: LicenceArgs = from_json(options, "licence.issue options")?;
    licence::issue(
        &issuer_key.inner,
        &licence::LicenceOptions {
            licence_type: a.licence_type,
            fields: a.fields,
            holder_public_jwk: a.holder_public_jwk,
            iss: a.iss,
            iat: a.iat,
            exp: a.exp,
        },
    )
    .map_err(js_err)
}

/// Every masking rule, as JSON text.
///
/// # Errors
/// `INTERNAL` if the list cannot be converted.
#[wasm_bindgen(js_name = maskRules)]
pub fn mask_rules() -> Result<String, JsValue> {
    to_json(&mask::rules())
}

/// Masks a value for display.
///
/// # Errors
/// `UNKNOWN_MASK_RULE`, `INVALID_CLAIM`.
#[wasm_bindgen(js_name = maskApply)]
pub fn mask_apply(rule_id: &str, value: &str) -> Result<String, JsValue> {
    mask::apply(rule_id, value).map_err(js_err)
}
