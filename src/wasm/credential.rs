//! JavaScript bindings for keys, SD-JWT, licences and masking.
//!
//! The package layer (`pkg/src/api.js`) wraps these into the CONTRACT.md
//! API (`SigningKey`, `sdjwt.*`, `licence.*`, `mask.*`). Key handles are
//! passed as separate arguments; every options object and JWK comes as JSON
//! text (`json:` below) and is read strictly with `crate::json` (camelCase;
//! unknown keys, missing members and wrong types are `INVALID_INPUT`); every
//! structured result is JSON text (`→ json`) that the package layer parses.
//!
//! | export | signature |
//! |---|---|
//! | `class SigningKey` | `static generate(alg: "EdDSA" \| "ES256" \| "SM2"): SigningKey` |
//! | | `static fromJwk(privateJwk: json object): SigningKey` |
//! | | `get alg(): string` |
//! | | `publicJwk(): → json object` (with `kid`) |
//! | | `exportPrivateJwkDangerously(): → json object` |
//! | | `free(): void` (generated) |
//! | `sdjwtIssue` | `(issuerKey: SigningKey, json { claims, disclosable, holderPublicJwk?, vct, iss, iat?, nbf?, exp?, decoys?, sdAlg?: "sha-256" \| "sm3" }): string` |
//! | `sdjwtPresent` | `(holderKey: SigningKey, json { credential, disclose, aud, nonce, iat? }): string` |
//! | `sdjwtVerify` | `(json { presentation, issuerKeys, aud?, nonce?, requireKeyBinding?, now?, maxKeyBindingAge?, clockSkew? }): → json { claims, disclosed, issuer, holderPublicJwk?, keyBinding? }` |
//! | `sdjwtDecode` | `(sdJwt: string): → json { header, payload, disclosures: [{ path, value, digest }], keyBinding? }` |
//! | `licenceSchemas` | `(): → json [{ type, vct, labels, fields, derived }]` |
//! | `licenceIssue` | `(issuerKey: SigningKey, json { type, fields, holderPublicJwk, iss, iat?, exp? }): string` |
//! | `maskRules` | `(): → json [{ id, labels: { zh, en }, example }]` |
//! | `maskApply` | `(ruleId: string, value: string): string` |

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::full_only;
use super::{bad_args, from_json, js_err, members, to_json};
use crate::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use crate::credential::{licence, mask, sdjwt};

/// An opaque signing key handle (`EdDSA`, `ES256` or `SM2`).
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
    /// `UNSUPPORTED_ALGORITHM` (also `SM2` in a module without the gm
    /// suite), `NOT_INITIALIZED`.
    pub fn generate(alg: &str) -> Result<JsSigningKey, JsValue> {
        let alg = Algorithm::parse(alg).map_err(js_err)?;
        let inner = SigningKey::generate(alg).map_err(js_err)?;
        Ok(Self { inner })
    }

    /// Imports a private JWK given as JSON text.
    ///
    /// # Errors
    /// `INVALID_JWK`, `INVALID_INPUT`, `UNSUPPORTED_ALGORITHM` (an SM2 JWK
    /// in a module without the gm suite).
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(jwk: &str) -> Result<JsSigningKey, JsValue> {
        let jwk: Value = from_json(jwk, "privateJwk")?;
        let inner = SigningKey::from_jwk(&jwk).map_err(js_err)?;
        Ok(Self { inner })
    }

    /// `"EdDSA"`, `"ES256"` or `"SM2"`.
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

// The options objects below are read with `crate::json` rather than derived
// `Deserialize` structs: the derives' parsers cost 4.4 KB brotli in the
// module (measured with the licence schemas read the same way).

/// The options, and `sdAlg` as given (parsed by the caller, so that an
/// unknown name is `UNSUPPORTED_ALGORITHM` as in the core).
fn issue_options(text: &str) -> Result<(sdjwt::IssueOptions, Option<String>), String> {
    let mut a = members(
        text,
        &[
            "claims",
            "disclosable",
            "holderPublicJwk",
            "vct",
            "iss",
            "iat",
            "nbf",
            "exp",
            "decoys",
            "sdAlg",
        ],
    )?;
    let sd_alg = a.opt_string("sdAlg")?;
    let options = sdjwt::IssueOptions {
        claims: a.value("claims")?,
        disclosable: a.strings("disclosable")?,
        holder_public_jwk: a.opt("holderPublicJwk"),
        vct: a.string("vct")?,
        iss: a.string("iss")?,
        iat: a.opt_i64("iat")?,
        nbf: a.opt_i64("nbf")?,
        exp: a.opt_i64("exp")?,
        decoys: a.opt_u32("decoys")?,
        sd_alg: None,
    };
    Ok((options, sd_alg))
}

/// Issues a compact SD-JWT.
///
/// # Errors
/// `INVALID_INPUT`, `NOT_DISCLOSABLE`, `INVALID_JWK`, `NOT_INITIALIZED`,
/// `UNSUPPORTED_ALGORITHM` (an unknown `sdAlg`, or one of another suite
/// than the issuer key's).
#[wasm_bindgen(js_name = sdjwtIssue)]
#[cfg_attr(not(feature = "full"), allow(unused_variables, clippy::unused_self))]
pub fn sdjwt_issue(issuer_key: &JsSigningKey, options: &str) -> Result<String, JsValue> {
    full_only!("sdjwt.issue", {
        let (mut o, sd_alg) =
            issue_options(options).map_err(|e| bad_args("sdjwt.issue options", e))?;
        o.sd_alg = sd_alg
            .as_deref()
            .map(sdjwt::SdAlg::parse)
            .transpose()
            .map_err(js_err)?;
        sdjwt::issue(&issuer_key.inner, &o).map_err(js_err)
    })
}

fn present_options(text: &str) -> Result<(String, sdjwt::PresentOptions), String> {
    let mut a = members(text, &["credential", "disclose", "aud", "nonce", "iat"])?;
    Ok((
        a.string("credential")?,
        sdjwt::PresentOptions {
            disclose: a.strings("disclose")?,
            aud: a.string("aud")?,
            nonce: a.string("nonce")?,
            iat: a.opt_i64("iat")?,
        },
    ))
}

/// Presents a credential with the chosen disclosures and key binding.
///
/// # Errors
/// `INVALID_CREDENTIAL`, `INVALID_KEY`, `INVALID_INPUT`.
#[wasm_bindgen(js_name = sdjwtPresent)]
pub fn sdjwt_present(holder_key: &JsSigningKey, options: &str) -> Result<String, JsValue> {
    let (credential, o) =
        present_options(options).map_err(|e| bad_args("sdjwt.present options", e))?;
    sdjwt::present(&credential, &holder_key.inner, &o).map_err(js_err)
}

/// The presentation, the issuer JWKs and the other options (no keys yet).
fn verify_options(text: &str) -> Result<(String, Vec<Value>, sdjwt::VerifyOptions), String> {
    let mut a = members(
        text,
        &[
            "presentation",
            "issuerKeys",
            "aud",
            "nonce",
            "requireKeyBinding",
            "now",
            "maxKeyBindingAge",
            "clockSkew",
        ],
    )?;
    let defaults = sdjwt::VerifyOptions::default();
    Ok((
        a.string("presentation")?,
        a.array("issuerKeys")?,
        sdjwt::VerifyOptions {
            issuer_keys: Vec::new(),
            aud: a.opt_string("aud")?,
            nonce: a.opt_string("nonce")?,
            require_key_binding: a
                .opt_bool("requireKeyBinding")?
                .unwrap_or(defaults.require_key_binding),
            now: a.opt_i64("now")?,
            max_key_binding_age: a
                .opt_i64("maxKeyBindingAge")?
                .unwrap_or(defaults.max_key_binding_age),
            clock_skew: a.opt_i64("clockSkew")?.unwrap_or(defaults.clock_skew),
        },
    ))
}

/// Verifies a presentation; the result as JSON text.
///
/// # Errors
/// `INVALID_CREDENTIAL`, `UNTRUSTED_ISSUER`, `VERIFY_FAILED`, `EXPIRED`,
/// `NOT_YET_VALID`, `INVALID_KEY_BINDING`, `UNSUPPORTED_ALGORITHM`,
/// `INVALID_JWK`, `INVALID_INPUT`.
#[wasm_bindgen(js_name = sdjwtVerify)]
pub fn sdjwt_verify(options: &str) -> Result<String, JsValue> {
    let (presentation, keys, mut o) =
        verify_options(options).map_err(|e| bad_args("sdjwt.verify options", e))?;
    o.issuer_keys = keys
        .iter()
        .map(VerifyingKey::from_jwk)
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_err)?;
    to_json(&sdjwt::verify(&presentation, &o).map_err(js_err)?)
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

fn licence_options(text: &str) -> Result<licence::LicenceOptions, String> {
    let mut a = members(
        text,
        &["type", "fields", "holderPublicJwk", "iss", "iat", "exp"],
    )?;
    Ok(licence::LicenceOptions {
        licence_type: a.string("type")?,
        fields: a.object("fields")?,
        holder_public_jwk: a.value("holderPublicJwk")?,
        iss: a.string("iss")?,
        iat: a.opt_i64("iat")?,
        exp: a.opt_i64("exp")?,
    })
}

/// Issues a licence as an SD-JWT VC.
///
/// # Errors
/// `UNKNOWN_LICENCE_TYPE`, `INVALID_CLAIM`, `INVALID_JWK`, `INVALID_INPUT`,
/// `NOT_INITIALIZED`.
#[wasm_bindgen(js_name = licenceIssue)]
#[cfg_attr(not(feature = "full"), allow(unused_variables, clippy::unused_self))]
pub fn licence_issue(issuer_key: &JsSigningKey, options: &str) -> Result<String, JsValue> {
    full_only!("licence.issue", {
        let o = licence_options(options).map_err(|e| bad_args("licence.issue options", e))?;
        licence::issue(&issuer_key.inner, &o).map_err(js_err)
    })
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
