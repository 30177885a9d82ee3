//! Issuing: claims + disclosable JSON Pointers → compact SD-JWT.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::pointer;
use super::{
    SdAlg, MAX_CLAIM_DEPTH, MAX_DECOYS, MAX_DISCLOSURES, MAX_SD_JWT_BYTES, NEVER_DISCLOSABLE,
    TYP_SD_JWT,
};
use crate::credential::jose::{b64url, sign_compact};
use crate::credential::keys::{SigningKey, VerifyingKey};
use crate::error::{Error, Result};
use crate::rng::CryptoRng;

/// What to issue. `claims` must be a JSON object; the registered claims
/// (`iss`, `iat`, `nbf`, `exp`, `vct`, `cnf`) come from the other fields and
/// may not appear in it.
#[derive(Clone, Debug, Default)]
pub struct IssueOptions {
    /// The credential's claims (a JSON object).
    pub claims: Value,
    /// JSON Pointers of the claims to make selectively disclosable: object
    /// members at any depth and array elements (`/nationalities/1`).
    pub disclosable: Vec<String>,
    /// The holder's public JWK, bound as `cnf.jwk` (needed for key binding).
    pub holder_public_jwk: Option<Value>,
    /// The credential type (`vct`).
    pub vct: String,
    /// The issuer (`iss`).
    pub iss: String,
    /// Issued-at; the clock's time when `None`.
    pub iat: Option<i64>,
    /// Not-before, if any.
    pub nbf: Option<i64>,
    /// Expiry, if any.
    pub exp: Option<i64>,
    /// Decoy digests per object that has disclosable members: exactly this
    /// many, or 1–3 at random when `None`. At most [`MAX_DECOYS`].
    pub decoys: Option<u32>,
    /// The `_sd_alg`; when `None`, the one of the issuer key's suite (`sm3`
    /// for an `SM2` key, `sha-256` otherwise). One of another suite is
    /// refused (see [`SdAlg::check_suite`]).
    pub sd_alg: Option<SdAlg>,
}

/// Issues a compact SD-JWT (`<JWT>~<disclosure>~…~`) signed by `key`, with
/// salts and decoys from the module's DRBG.
///
/// # Errors
/// [`Error::NotInitialized`] before seeding; see [`issue_with_rng`].
pub fn issue(key: &SigningKey, options: &IssueOptions) -> Result<String> {
    issue_with_rng(key, options, &mut crate::rng::rng()?)
}

/// [`issue`] with a caller-supplied generator.
///
/// # Errors
/// [`Error::InvalidInput`] for claims that are not an object, reserved names
/// (`_sd`, `...`, `_sd_alg`, or a registered claim) inside them, malformed
/// pointers or pointers to nothing, an empty `vct` or `iss`, too many
/// decoys, more than [`MAX_DISCLOSURES`] disclosable pointers, claims
/// nested deeper than [`MAX_CLAIM_DEPTH`], or a result longer than
/// [`MAX_SD_JWT_BYTES`]; [`Error::NotDisclosable`] for `iss`, `nbf`, `exp`, `cnf`, `vct`,
/// `status` or anything under them; [`Error::InvalidJwk`] for a bad holder
/// JWK; [`Error::UnsupportedAlgorithm`] for an `sd_alg` of another suite
/// than the issuer key's, or a holder JWK of a suite this module lacks.
pub fn issue_with_rng(
    key: &SigningKey,
    options: &IssueOptions,
    rng: &mut impl CryptoRng,
) -> Result<String> {
    let Value::Object(claims) = &options.claims else {
        return Err(Error::input("claims must be a JSON object"));
    };
    let sd_alg = options
        .sd_alg
        .unwrap_or_else(|| SdAlg::for_signature(key.alg()));
    sd_alg.check_suite(key.alg())?;
    if options.vct.is_empty() || options.iss.is_empty() {
        return Err(Error::input("vct and iss must not be empty"));
    }
    if options.decoys.is_some_and(|d| d > MAX_DECOYS) {
        return Err(Error::input(format!("decoys must be at most {MAX_DECOYS}")));
    }
    if options.disclosable.len() > MAX_DISCLOSURES {
        return Err(Error::input(format!(
            "at most {MAX_DISCLOSURES} claims can be disclosable"
        )));
    }
    // The claims object counts as one level, so a claim of MAX_CLAIM_DEPTH
    // tokens holding a scalar is the deepest accepted (and `verify` accepts
    // what this issues).
    if crate::json::depth(&options.claims, MAX_CLAIM_DEPTH) > MAX_CLAIM_DEPTH {
        return Err(Error::input(format!(
            "claims must not nest deeper than {MAX_CLAIM_DEPTH} levels"
        )));
    }
    for name in ["iss", "iat", "nbf", "exp", "vct", "cnf", "_sd_alg"] {
        if claims.contains_key(name) {
            return Err(Error::input(format!(
                "claims must not contain {name}: pass it as its own option"
            )));
        }
    }
    check_reserved(&options.claims)?;

    // RFC 6901 pointers (pointer::format is injective over token lists) in a
    // BTreeSet<String>, a type the module has anyway (-0.9 KB brotli against
    // a BTreeSet<Vec<String>>).
    let mut targets = BTreeSet::new();
    for p in &options.disclosable {
        let tokens = pointer::parse(p)?;
        let Some(first) = tokens.first() else {
            return Err(Error::input("the whole credential cannot be disclosable"));
        };
        if NEVER_DISCLOSABLE.contains(&first.as_str()) {
            return Err(Error::NotDisclosable { pointer: p.clone() });
        }
        if pointer::get(&options.claims, &tokens).is_none() {
            return Err(Error::input(format!("disclosable {p:?} names no claim")));
        }
        targets.insert(pointer::format(&tokens));
    }

    let mut builder = Builder {
        sd_alg,
        targets: &targets,
        decoys: options.decoys,
        rng,
        disclosures: Vec::new(),
    };
    let Value::Object(mut payload) = builder.object(claims, &mut Vec::new())? else {
        return Err(Error::Internal {
            context: "sd-jwt payload",
        });
    };
    let disclosures = builder.disclosures;

    payload.insert("iss".into(), Value::String(options.iss.clone()));
    let iat = match options.iat {
        Some(t) => t,
        None => crate::clock::now()?,
    };
    payload.insert("iat".into(), json!(iat));
    if let Some(nbf) = options.nbf {
        payload.insert("nbf".into(), json!(nbf));
    }
    if let Some(exp) = options.exp {
        payload.insert("exp".into(), json!(exp));
    }
    payload.insert("vct".into(), Value::String(options.vct.clone()));
    if let Some(jwk) = &options.holder_public_jwk {
        let holder = VerifyingKey::from_jwk(jwk)?;
        payload.insert("cnf".into(), json!({ "jwk": holder.to_jwk() }));
    }
    payload.insert("_sd_alg".into(), Value::String(sd_alg.as_str().into()));

    let mut header = Map::new();
    header.insert("alg".into(), Value::String(key.alg().as_str().into()));
    header.insert("typ".into(), Value::String(TYP_SD_JWT.into()));
    header.insert("kid".into(), Value::String(key.kid().into()));
    let jwt = sign_compact(key, &header, &payload)?;

    let mut out = jwt;
    out.push('~');
    for d in &disclosures {
        out.push_str(d);
        out.push('~');
    }
    if out.len() > MAX_SD_JWT_BYTES {
        return Err(Error::input(format!(
            "the credential would be longer than {MAX_SD_JWT_BYTES} bytes"
        )));
    }
    Ok(out)
}

/// Refuses `_sd` and `...` anywhere in the input claims.
fn check_reserved(v: &Value) -> Result<()> {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "_sd" || k == "..." {
                    return Err(Error::input(format!(
                        "claims must not use the reserved name {k:?}"
                    )));
                }
                check_reserved(child)?;
            }
            Ok(())
        }
        Value::Array(a) => a.iter().try_for_each(check_reserved),
        _ => Ok(()),
    }
}

struct Builder<'a, R> {
    sd_alg: SdAlg,
    targets: &'a BTreeSet<String>,
    decoys: Option<u32>,
    rng: &'a mut R,
    disclosures: Vec<String>,
}

impl<R: CryptoRng> Builder<'_, R> {
    fn salt(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.rng.fill_bytes(&mut bytes);
        b64url(&bytes)
    }

    /// Encodes a disclosure, remembers it and returns its digest.
    fn disclose(&mut self, contents: Value) -> Result<String> {
        let text = serde_json::to_string(&contents).map_err(|_| Error::Internal {
            context: "serialise disclosure",
        })?;
        let encoded = b64url(text.as_bytes());
        let digest = self.sd_alg.digest_b64url(encoded.as_bytes());
        self.disclosures.push(encoded);
        Ok(digest)
    }

    fn value(&mut self, v: &Value, path: &mut Vec<String>) -> Result<Value> {
        match v {
            Value::Object(m) => self.object(m, path),
            Value::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for (i, el) in a.iter().enumerate() {
                    path.push(i.to_string());
                    let inner = self.value(el, path)?;
                    if self.targets.contains(&pointer::format(path)) {
                        let salt = self.salt();
                        let digest = self.disclose(json!([salt, inner]))?;
                        out.push(json!({ "...": digest }));
                    } else {
                        out.push(inner);
                    }
                    path.pop();
                }
                Ok(Value::Array(out))
            }
            other => Ok(other.clone()),
        }
    }

    fn object(&mut self, m: &Map<String, Value>, path: &mut Vec<String>) -> Result<Value> {
        let mut out = Map::new();
        let mut digests = Vec::new();
        for (k, child) in m {
            path.push(k.clone());
            let inner = self.value(child, path)?;
            if self.targets.contains(&pointer::format(path)) {
                let salt = self.salt();
                digests.push(self.disclose(json!([salt, k, inner]))?);
            } else {
                out.insert(k.clone(), inner);
            }
            path.pop();
        }
        if !digests.is_empty() {
            let decoys = match self.decoys {
                Some(n) => n,
                None => 1 + self.rng.next_u32() % 3,
            };
            for _ in 0..decoys {
                let salt = self.salt();
                digests.push(self.sd_alg.digest_b64url(salt.as_bytes()));
            }
            // Sorted through a BTreeSet<String>, which the module has anyway,
            // rather than a slice sort instantiated for this one use (-2.0 KB
            // brotli). Digests of random salts never repeat.
            let mut sorted = BTreeSet::new();
            for d in digests {
                sorted.insert(d);
            }
            out.insert(
                "_sd".into(),
                Value::Array(sorted.into_iter().map(Value::String).collect()),
            );
        }
        Ok(Value::Object(out))
    }
}
