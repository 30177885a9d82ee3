//! Presenting: keep the chosen disclosures, add a key-binding JWT.

use serde_json::{json, Map, Value};

use super::pointer;
use super::verify::{credential_sd_alg, process, split};
use super::{TYP_KB_JWT, TYP_SD_JWT};
use crate::credential::jose::{parse_compact, sign_compact};
use crate::credential::keys::{SigningKey, VerifyingKey};
use crate::error::{Error, Result};

/// What to present.
#[derive(Clone, Debug, Default)]
pub struct PresentOptions {
    /// JSON Pointers of the claims to disclose. A pointer reveals the
    /// disclosures on its way (a disclosable parent object or array element)
    /// and every disclosure beneath it.
    pub disclose: Vec<String>,
    /// The verifier the presentation is for (`aud`).
    pub aud: String,
    /// The verifier's nonce.
    pub nonce: String,
    /// Key-binding time; the clock's when `None`.
    pub iat: Option<i64>,
}

/// Builds a presentation of `credential` (an issued SD-JWT without key
/// binding): `<JWT>~<chosen disclosures>~<KB-JWT>`, signed by `holder_key`.
///
/// The issuer's signature is not checked here (the wallet checks it when it
/// stores the credential); the structure and disclosure rules are.
///
/// # Errors
/// [`Error::InvalidCredential`] if the credential is malformed, already
/// carries a key-binding JWT, or is not holder-bound (`cnf.jwk`);
/// [`Error::UnsupportedAlgorithm`] if its `_sd_alg` is unknown or of
/// another suite than its issuer's `alg`, or the holder key is of a suite
/// this module lacks;
/// [`Error::InvalidKey`] if `holder_key` is not the bound key;
/// [`Error::InvalidInput`] for an empty `aud` or `nonce`, more than
/// [`super::MAX_DISCLOSURES`] pointers, a malformed pointer or one that
/// names no claim.
pub fn present(
    credential: &str,
    holder_key: &SigningKey,
    options: &PresentOptions,
) -> Result<String> {
    if options.aud.is_empty() || options.nonce.is_empty() {
        return Err(Error::input("aud and nonce must not be empty"));
    }
    // Each pointer is compared with every disclosure below.
    if options.disclose.len() > super::MAX_DISCLOSURES {
        return Err(Error::input(format!(
            "at most {} claims can be disclosed",
            super::MAX_DISCLOSURES
        )));
    }
    let parts = split(credential)?;
    if parts.kb_jwt.is_some() {
        return Err(Error::credential(
            "this is already a presentation: present the issued credential",
        ));
    }
    let jws = parse_compact(parts.jwt, "issuer JWT")?;
    if !matches!(jws.header.get("typ"), Some(Value::String(t)) if t == TYP_SD_JWT) {
        return Err(Error::credential(format!(
            "the header typ must be {TYP_SD_JWT}"
        )));
    }
    let bound = match jws.payload.get("cnf") {
        Some(Value::Object(cnf)) => cnf.get("jwk"),
        _ => None,
    }
    .ok_or_else(|| Error::credential("the credential is not holder-bound (no cnf.jwk)"))?;
    if VerifyingKey::from_jwk(bound)?.kid() != holder_key.kid() {
        return Err(Error::InvalidKey {
            reason: "the holder key is not the one the credential is bound to",
        });
    }

    let sd_alg = credential_sd_alg(&jws)?;
    let processed = process(&jws.payload, &parts.disclosures, sd_alg, true)?;
    let view = Value::Object(processed.claims);
    let mut chosen = vec![false; parts.disclosures.len()];
    for p in &options.disclose {
        let tokens = pointer::parse(p)?;
        if pointer::get(&view, &tokens).is_none() {
            return Err(Error::input(format!(
                "{p:?} names no claim in this credential"
            )));
        }
        for (i, path) in &processed.entries {
            if pointer::is_prefix(path, &tokens) || pointer::is_prefix(&tokens, path) {
                if let Some(c) = chosen.get_mut(*i) {
                    *c = true;
                }
            }
        }
    }

    let mut out = String::from(parts.jwt);
    out.push('~');
    for (d, keep) in parts.disclosures.iter().zip(&chosen) {
        if *keep {
            out.push_str(d.encoded);
            out.push('~');
        }
    }
    let iat = match options.iat {
        Some(t) => t,
        None => crate::clock::now()?,
    };
    let mut header = Map::new();
    header.insert(
        "alg".into(),
        Value::String(holder_key.alg().as_str().into()),
    );
    header.insert("typ".into(), Value::String(TYP_KB_JWT.into()));
    let payload = json!({
        "iat": iat,
        "aud": options.aud,
        "nonce": options.nonce,
        "sd_hash": sd_alg.digest_b64url(out.as_bytes()),
    });
    let Value::Object(payload) = payload else {
        return Err(Error::Internal {
            context: "kb-jwt payload",
        });
    };
    let kb = sign_compact(holder_key, &header, &payload)?;
    out.push_str(&kb);
    Ok(out)
}
