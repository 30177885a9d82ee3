//! Verifying and decoding: RFC 9901 §7.1 (issuer-signed JWT and
//! disclosures), §7.3 (key binding), with SD-JWT VC's `typ`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::pointer;
use super::{
    SdAlg, DEFAULT_CLOCK_SKEW, DEFAULT_MAX_KEY_BINDING_AGE, MAX_CLAIM_DEPTH, MAX_DISCLOSURES,
    MAX_SD_JWT_BYTES, TYP_KB_JWT, TYP_SD_JWT,
};
use crate::credential::jose::{b64url_decode, parse_compact, ParsedJws};
use crate::credential::keys::VerifyingKey;
use crate::error::{Error, Result};

/// How to verify a presentation.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// Trusted issuer keys, matched by the header's `kid` when it has one,
    /// else tried in turn.
    pub issuer_keys: Vec<VerifyingKey>,
    /// The expected key-binding `aud` (required when key binding is).
    pub aud: Option<String>,
    /// The expected key-binding `nonce` (required when key binding is).
    pub nonce: Option<String>,
    /// Whether a key-binding JWT is required (default `true`).
    pub require_key_binding: bool,
    /// The time to verify at; the clock's when `None`.
    pub now: Option<i64>,
    /// Maximum age of the key-binding JWT's `iat`, seconds (default 300).
    pub max_key_binding_age: i64,
    /// Allowance for clocks that disagree, seconds (default 60).
    pub clock_skew: i64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            issuer_keys: Vec::new(),
            aud: None,
            nonce: None,
            require_key_binding: true,
            now: None,
            max_key_binding_age: DEFAULT_MAX_KEY_BINDING_AGE,
            clock_skew: DEFAULT_CLOCK_SKEW,
        }
    }
}

/// The key-binding JWT's claims, once checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyBinding {
    /// When the holder signed it.
    pub iat: i64,
    /// The audience it was made for.
    pub aud: String,
    /// The verifier's nonce.
    pub nonce: String,
}

/// A verified presentation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    /// The processed payload (RFC 9901 §7.3): always-visible claims plus
    /// the disclosed ones, without `_sd`, `_sd_alg` or hidden array slots.
    pub claims: Value,
    /// JSON Pointers of the disclosed claims, outermost first.
    pub disclosed: Vec<String>,
    /// The issuer (`iss`), if the credential names one.
    pub issuer: Option<String>,
    /// The holder's key from `cnf.jwk`, if the credential is bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_public_jwk: Option<Value>,
    /// The key binding, if the presentation had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_binding: Option<KeyBinding>,
}

/// One disclosure as [`decode`] lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecodedDisclosure {
    /// Where the claim sits (array elements by slot).
    pub path: String,
    /// Its value, without any nested digests.
    pub value: Value,
    /// Its digest, as referenced from the payload.
    pub digest: String,
}

/// A key-binding JWT as [`decode`] shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecodedKeyBinding {
    /// Its protected header.
    pub header: Value,
    /// Its payload.
    pub payload: Value,
}

/// What an SD-JWT contains, unverified.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decoded {
    /// The issuer JWT's protected header.
    pub header: Value,
    /// The issuer JWT's payload, as signed (with `_sd` digests).
    pub payload: Value,
    /// Every disclosure, outermost first.
    pub disclosures: Vec<DecodedDisclosure>,
    /// The key-binding JWT, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_binding: Option<DecodedKeyBinding>,
}

/// A decoded disclosure, with the text it was received as (its digest
/// depends on the credential's `_sd_alg`, see [`process`]).
pub(crate) struct Disclosure<'a> {
    pub encoded: &'a str,
    pub name: Option<String>,
    pub value: Value,
}

/// An SD-JWT split at its `~`s.
pub(crate) struct Split<'a> {
    pub jwt: &'a str,
    pub disclosures: Vec<Disclosure<'a>>,
    /// `<JWT>~<disclosures>~`, exactly as received (the `sd_hash` input).
    pub without_kb: &'a str,
    /// The key-binding JWT, if any.
    pub kb_jwt: Option<&'a str>,
}

fn decode_disclosure(encoded: &str) -> Result<Disclosure<'_>> {
    let bad = |why: &str| Error::credential(format!("a disclosure {why}"));
    let bytes = b64url_decode(encoded, "disclosure").map_err(|_| bad("is not base64url"))?;
    let Some(Value::Array(mut items)) = crate::credential::jose::json_from_bytes(&bytes) else {
        return Err(bad("is not a JSON array"));
    };
    let (name, value) = match items.len() {
        2 => (None, items.pop()),
        3 => {
            let value = items.pop();
            match items.pop() {
                Some(Value::String(n)) => (Some(n), value),
                _ => return Err(bad("has a claim name that is not a string")),
            }
        }
        _ => return Err(bad("does not have 2 or 3 elements")),
    };
    // A disclosure's value sits at least one level below the claims
    // object; the walk in `process` bounds what disclosures compose.
    if value
        .as_ref()
        .is_some_and(|v| crate::json::depth(v, MAX_CLAIM_DEPTH) > MAX_CLAIM_DEPTH)
    {
        return Err(bad(&format!("nests deeper than {MAX_CLAIM_DEPTH} levels")));
    }
    if !matches!(items.first(), Some(Value::String(_))) {
        return Err(bad("has a salt that is not a string"));
    }
    if let Some(n) = &name {
        if n == "_sd" || n == "..." {
            return Err(bad("uses the reserved claim name _sd or ..."));
        }
    }
    Ok(Disclosure {
        encoded,
        name,
        value: value.ok_or(Error::Internal {
            context: "disclosure value",
        })?,
    })
}

/// Splits `<JWT>~<D>~…~[KB-JWT]` and decodes each disclosure.
///
/// Refuses, before decoding anything, a text longer than
/// [`MAX_SD_JWT_BYTES`] or with more than [`MAX_DISCLOSURES`] disclosures.
pub(crate) fn split(sd_jwt: &str) -> Result<Split<'_>> {
    if sd_jwt.len() > MAX_SD_JWT_BYTES {
        return Err(Error::credential(format!(
            "an SD-JWT is at most {MAX_SD_JWT_BYTES} bytes"
        )));
    }
    // `<JWT>~` then one `~` per disclosure.
    if sd_jwt.bytes().filter(|b| *b == b'~').count() > MAX_DISCLOSURES + 1 {
        return Err(Error::credential(format!(
            "an SD-JWT carries at most {MAX_DISCLOSURES} disclosures"
        )));
    }
    let last_tilde = sd_jwt
        .rfind('~')
        .ok_or_else(|| Error::credential("no ~ separator: not an SD-JWT"))?;
    let (without_kb, kb) = sd_jwt.split_at(last_tilde + 1);
    let mut parts = without_kb.get(..last_tilde).unwrap_or_default().split('~');
    let jwt = parts.next().unwrap_or_default();
    let mut disclosures = Vec::new();
    for d in parts {
        if d.is_empty() {
            return Err(Error::credential("an empty disclosure (~~)"));
        }
        disclosures.push(decode_disclosure(d)?);
    }
    // A map, not a set: one BTreeMap instantiation serves here and in
    // `process` (a BTreeSet<&str> cost the module 0.9 KB brotli). The same
    // text twice is the same digest twice, whatever the hash.
    let mut seen = BTreeMap::new();
    for (i, d) in disclosures.iter().enumerate() {
        if seen.insert(d.encoded, i).is_some() {
            return Err(Error::credential("the same disclosure appears twice"));
        }
    }
    Ok(Split {
        jwt,
        disclosures,
        without_kb,
        kb_jwt: (!kb.is_empty()).then_some(kb),
    })
}

/// The payload with disclosures substituted (RFC 9901 §7.1 steps 3–5).
pub(crate) struct Processed {
    /// The processed claims.
    pub claims: Map<String, Value>,
    /// (disclosure index, path tokens), outermost first.
    pub entries: Vec<(usize, Vec<String>)>,
    /// Each disclosure's digest (base64url), by disclosure index.
    pub digests: Vec<String>,
}

struct Walker<'a, 'b> {
    disclosures: &'b [Disclosure<'a>],
    by_digest: BTreeMap<&'b str, usize>,
    seen: BTreeSet<String>,
    entries: Vec<(usize, Vec<String>)>,
    used: Vec<bool>,
    keep_slots: bool,
}

/// Steps into the member or slot `token` of the claim at `path`, refusing
/// to go deeper than [`MAX_CLAIM_DEPTH`]: the walk recurses once per level,
/// and disclosures can nest in one another without end.
fn enter(path: &mut Vec<String>, token: String) -> Result<()> {
    if path.len() >= MAX_CLAIM_DEPTH {
        return Err(Error::credential(format!(
            "claims nest deeper than {MAX_CLAIM_DEPTH} levels"
        )));
    }
    path.push(token);
    Ok(())
}

impl Walker<'_, '_> {
    fn claim(&mut self, digest: &str, path: &[String]) -> Result<Option<usize>> {
        if !self.seen.insert(digest.to_owned()) {
            return Err(Error::credential("a digest appears more than once"));
        }
        let Some(&i) = self.by_digest.get(digest) else {
            return Ok(None);
        };
        if let Some(u) = self.used.get_mut(i) {
            *u = true;
        }
        self.entries.push((i, path.to_vec()));
        Ok(Some(i))
    }

    fn value(&mut self, v: &Value, path: &mut Vec<String>) -> Result<Value> {
        match v {
            Value::Object(m) => Ok(Value::Object(self.object(m, path)?)),
            Value::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for (slot, el) in a.iter().enumerate() {
                    enter(path, slot.to_string())?;
                    match el {
                        Value::Object(m) if m.len() == 1 && m.contains_key("...") => {
                            let Some(Value::String(digest)) = m.get("...") else {
                                return Err(Error::credential(
                                    "an array element digest is not a string",
                                ));
                            };
                            match self.claim(digest, path)? {
                                Some(i) => {
                                    let d = self.disclosures.get(i).ok_or(Error::Internal {
                                        context: "disclosure index",
                                    })?;
                                    if d.name.is_some() {
                                        return Err(Error::credential(
                                            "an object-member disclosure is referenced from an array",
                                        ));
                                    }
                                    let inner = d.value.clone();
                                    out.push(self.value(&inner, path)?);
                                }
                                None if self.keep_slots => out.push(el.clone()),
                                None => {}
                            }
                        }
                        other => out.push(self.value(other, path)?),
                    }
                    path.pop();
                }
                Ok(Value::Array(out))
            }
            other => Ok(other.clone()),
        }
    }

    fn object(
        &mut self,
        m: &Map<String, Value>,
        path: &mut Vec<String>,
    ) -> Result<Map<String, Value>> {
        let mut out = Map::new();
        for (k, child) in m {
            if k == "_sd" {
                continue;
            }
            if k == "..." {
                return Err(Error::credential("an object uses the reserved name ..."));
            }
            enter(path, k.clone())?;
            let processed = self.value(child, path)?;
            out.insert(k.clone(), processed);
            path.pop();
        }
        let Some(sd) = m.get("_sd") else {
            return Ok(out);
        };
        let Value::Array(digests) = sd else {
            return Err(Error::credential("_sd is not an array"));
        };
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(Error::credential("_sd holds a digest that is not a string"));
            };
            let Some(i) = self.by_digest.get(digest.as_str()).copied() else {
                self.claim(digest, path)?;
                continue;
            };
            let d = self.disclosures.get(i).ok_or(Error::Internal {
                context: "disclosure index",
            })?;
            let Some(name) = d.name.clone() else {
                return Err(Error::credential(
                    "an array-element disclosure is referenced from _sd",
                ));
            };
            if out.contains_key(&name) {
                return Err(Error::credential(format!(
                    "the disclosed claim {name:?} already exists"
                )));
            }
            let inner = d.value.clone();
            enter(path, name.clone())?;
            self.claim(digest, path)?;
            let processed = self.value(&inner, path)?;
            path.pop();
            out.insert(name, processed);
        }
        Ok(out)
    }
}

/// Substitutes `disclosures` into `payload`, enforcing RFC 9901 §7.1:
/// no digest twice, no disclosure unreferenced, no reserved names, no
/// claim overwritten. Digests are `sd_alg` of each disclosure's text as
/// received. With `keep_slots`, undisclosed array elements stay as
/// `{"...": digest}` so pointers by slot still resolve.
pub(crate) fn process(
    payload: &Map<String, Value>,
    disclosures: &[Disclosure<'_>],
    sd_alg: SdAlg,
    keep_slots: bool,
) -> Result<Processed> {
    let digests: Vec<String> = disclosures
        .iter()
        .map(|d| sd_alg.digest_b64url(d.encoded.as_bytes()))
        .collect();
    // Inserted one by one: `collect()` instantiates BTreeMap's sorting bulk
    // builder for this key type (2.0 KB brotli).
    let mut by_digest = BTreeMap::new();
    for (i, d) in digests.iter().enumerate() {
        by_digest.insert(d.as_str(), i);
    }
    let mut w = Walker {
        disclosures,
        by_digest,
        seen: BTreeSet::new(),
        entries: Vec::new(),
        used: vec![false; disclosures.len()],
        keep_slots,
    };
    let mut claims = w.object(payload, &mut Vec::new())?;
    if w.used.iter().any(|u| !u) {
        return Err(Error::credential(
            "a disclosure is not referenced by any digest (from another credential?)",
        ));
    }
    claims.remove("_sd_alg");
    let entries = w.entries;
    Ok(Processed {
        claims,
        entries,
        digests,
    })
}

/// The issuer JWT's `_sd_alg` (RFC 9901's `sha-256` when absent), which
/// must belong to the suite of the header's `alg` ([`SdAlg::check_suite`]).
pub(crate) fn credential_sd_alg(jws: &ParsedJws<'_>) -> Result<SdAlg> {
    let sd_alg = match jws.payload.get("_sd_alg") {
        None => SdAlg::Sha256,
        Some(Value::String(a)) => SdAlg::parse(a)?,
        Some(_) => return Err(Error::credential("_sd_alg is not a string")),
    };
    sd_alg.check_suite(jws.alg)?;
    Ok(sd_alg)
}

fn numeric(payload: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    match payload.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.floor() as i64)
            })
            .map(Some)
            .ok_or_else(|| Error::credential(format!("{name} is not a NumericDate"))),
        Some(_) => Err(Error::credential(format!("{name} is not a number"))),
    }
}

fn typ_is(header: &Map<String, Value>, want: &str) -> bool {
    matches!(header.get("typ"), Some(Value::String(t)) if t == want)
}

/// Verifies a presentation (or, with `require_key_binding: false`, an
/// issued SD-JWT) and returns what it proves.
///
/// # Errors
/// - [`Error::InvalidCredential`]: malformed, wrong `typ`, duplicate or
///   unreferenced disclosures, reserved or colliding names, trailing data;
///   longer than [`super::MAX_SD_JWT_BYTES`], more than
///   [`super::MAX_DISCLOSURES`] disclosures, or claims nested deeper than
///   [`super::MAX_CLAIM_DEPTH`] (size, count and each part's depth are
///   checked before anything is decoded or verified);
/// - [`Error::UnsupportedAlgorithm`]: `alg` other than `EdDSA`, `ES256` or
///   `SM2` (`none` included), `_sd_alg` other than `sha-256` or `sm3`, or
///   an `_sd_alg` of another suite than the issuer's `alg` (`sm3` with
///   `ES256`, `sha-256` or none with `SM2`), checked once the signature
///   is;
/// - [`Error::UntrustedIssuer`]: the header's `kid` is not among the
///   trusted keys, or none were given;
/// - [`Error::VerifyFailed`]: the issuer or key-binding signature does not
///   verify;
/// - [`Error::Expired`], [`Error::NotYetValid`]: `exp`, `nbf`, `iat`
///   outside the clock skew;
/// - [`Error::InvalidKeyBinding`]: key binding missing when required, no
///   `cnf.jwk`, wrong `typ`, `aud`, `nonce` or `sd_hash`, `iat` too old or
///   in the future, `exp` passed or `nbf` to come (allowing for the clock
///   skew);
/// - [`Error::InvalidInput`]: key binding required but `aud` or `nonce`
///   not given.
pub fn verify(presentation: &str, options: &VerifyOptions) -> Result<Verified> {
    let parts = split(presentation)?;
    let jws = parse_compact(parts.jwt, "issuer JWT")?;
    if !typ_is(&jws.header, TYP_SD_JWT) {
        return Err(Error::credential(format!(
            "the header typ must be {TYP_SD_JWT}"
        )));
    }
    let candidates: Vec<&VerifyingKey> = match jws.header.get("kid") {
        Some(Value::String(kid)) => options
            .issuer_keys
            .iter()
            .filter(|k| k.matches_kid(kid))
            .collect(),
        Some(_) => return Err(Error::credential("the header kid is not a string")),
        None => options.issuer_keys.iter().collect(),
    };
    if candidates.is_empty() {
        return Err(Error::UntrustedIssuer);
    }
    if !candidates.iter().any(|k| jws.verify_with(k).is_ok()) {
        return Err(Error::VerifyFailed);
    }
    let payload = &jws.payload;
    let sd_alg = credential_sd_alg(&jws)?;

    let now = match options.now {
        Some(t) => t,
        None => crate::clock::now()?,
    };
    let skew = options.clock_skew.max(0);
    if numeric(payload, "exp")?.is_some_and(|exp| now.saturating_sub(skew) >= exp) {
        return Err(Error::Expired);
    }
    if numeric(payload, "nbf")?.is_some_and(|nbf| now.saturating_add(skew) < nbf)
        || numeric(payload, "iat")?.is_some_and(|iat| now.saturating_add(skew) < iat)
    {
        return Err(Error::NotYetValid);
    }

    let processed = process(payload, &parts.disclosures, sd_alg, false)?;
    let holder_jwk = match payload.get("cnf") {
        Some(Value::Object(cnf)) => cnf.get("jwk").cloned(),
        _ => None,
    };

    let key_binding = match parts.kb_jwt {
        None if options.require_key_binding => {
            return Err(Error::InvalidKeyBinding {
                reason: "the presentation has no key-binding JWT",
            })
        }
        None => None,
        Some(kb) => Some(check_key_binding(
            kb,
            parts.without_kb,
            sd_alg,
            holder_jwk.as_ref(),
            options,
            now,
            skew,
        )?),
    };

    let disclosed = processed
        .entries
        .iter()
        .map(|(_, path)| pointer::format(path))
        .collect();
    let issuer = match payload.get("iss") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    Ok(Verified {
        claims: Value::Object(processed.claims),
        disclosed,
        issuer,
        holder_public_jwk: holder_jwk,
        key_binding,
    })
}

fn check_key_binding(
    kb: &str,
    without_kb: &str,
    sd_alg: SdAlg,
    holder_jwk: Option<&Value>,
    options: &VerifyOptions,
    now: i64,
    skew: i64,
) -> Result<KeyBinding> {
    let fail = |reason| Error::InvalidKeyBinding { reason };
    let (Some(want_aud), Some(want_nonce)) = (&options.aud, &options.nonce) else {
        return Err(Error::input(
            "aud and nonce are needed to check key binding: pass the ones of this request",
        ));
    };
    let jws = parse_compact(kb, "key-binding JWT")?;
    if !typ_is(&jws.header, TYP_KB_JWT) {
        return Err(fail("its typ is not kb+jwt"));
    }
    let holder = VerifyingKey::from_jwk(
        holder_jwk.ok_or_else(|| fail("the credential has no cnf.jwk holder key"))?,
    )?;
    jws.verify_with(&holder)?;
    let p = &jws.payload;
    let aud = match p.get("aud") {
        Some(Value::String(a)) => a.clone(),
        _ => return Err(fail("aud is missing or not a string")),
    };
    if &aud != want_aud {
        return Err(fail("wrong aud"));
    }
    let nonce = match p.get("nonce") {
        Some(Value::String(n)) => n.clone(),
        _ => return Err(fail("nonce is missing or not a string")),
    };
    if &nonce != want_nonce {
        return Err(fail("wrong nonce"));
    }
    let iat = numeric(p, "iat")
        .map_err(|_| fail("iat is not a number"))?
        .ok_or_else(|| fail("iat is missing"))?;
    if iat > now.saturating_add(skew) {
        return Err(fail("iat is in the future"));
    }
    if now.saturating_sub(iat) > options.max_key_binding_age.saturating_add(skew) {
        return Err(fail("iat is too old (stale presentation)"));
    }
    // RFC 7519 §4.1.4–5, as sd-jwt-js checks them: a holder may limit its
    // presentation's life further than max_key_binding_age.
    let exp = numeric(p, "exp").map_err(|_| fail("exp is not a number"))?;
    if exp.is_some_and(|exp| now.saturating_sub(skew) >= exp) {
        return Err(fail("it has expired (exp)"));
    }
    let nbf = numeric(p, "nbf").map_err(|_| fail("nbf is not a number"))?;
    if nbf.is_some_and(|nbf| now.saturating_add(skew) < nbf) {
        return Err(fail("it is not yet valid (nbf)"));
    }
    let sd_hash = match p.get("sd_hash") {
        Some(Value::String(h)) => h,
        _ => return Err(fail("sd_hash is missing")),
    };
    let expected = sd_alg.digest_b64url(without_kb.as_bytes());
    if !bool::from(expected.as_bytes().ct_eq(sd_hash.as_bytes())) {
        return Err(fail("sd_hash does not match the presented SD-JWT"));
    }
    Ok(KeyBinding { iat, aud, nonce })
}

/// Strips nested digests from a disclosed value. It recurses, but only
/// over one disclosure's value, which `decode_disclosure` bounds to
/// [`MAX_CLAIM_DEPTH`] levels.
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            // Inserted one by one, as in `process` (2.2 KB brotli).
            let mut out = Map::new();
            for (k, v) in m {
                if k != "_sd" {
                    out.insert(k.clone(), strip(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(
                    |el| !matches!(el, Value::Object(m) if m.len() == 1 && m.contains_key("...")),
                )
                .map(strip)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Lists what an SD-JWT (issued or presented) contains, **without**
/// verifying any signature. For consent screens; never trust it.
///
/// # Errors
/// [`Error::InvalidCredential`] or [`Error::UnsupportedAlgorithm`] if it is
/// malformed, breaks the disclosure rules or exceeds the limits (as in
/// [`verify`]).
pub fn decode(sd_jwt: &str) -> Result<Decoded> {
    let parts = split(sd_jwt)?;
    let jws = parse_compact(parts.jwt, "issuer JWT")?;
    let sd_alg = credential_sd_alg(&jws)?;
    let processed = process(&jws.payload, &parts.disclosures, sd_alg, true)?;
    let disclosures = processed
        .entries
        .iter()
        .filter_map(|(i, path)| {
            let d = parts.disclosures.get(*i)?;
            Some(DecodedDisclosure {
                path: pointer::format(path),
                value: strip(&d.value),
                digest: processed.digests.get(*i)?.clone(),
            })
        })
        .collect();
    let key_binding = match parts.kb_jwt {
        None => None,
        Some(kb) => {
            let k = parse_compact(kb, "key-binding JWT")?;
            Some(DecodedKeyBinding {
                header: Value::Object(k.header),
                payload: Value::Object(k.payload),
            })
        }
    };
    Ok(Decoded {
        header: Value::Object(jws.header),
        payload: Value::Object(jws.payload),
        disclosures,
        key_binding,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9901_disclosure_digest() {
        // RFC 9901 §4.2.1 / §5.1 example: family_name "Möbius".
        let d = decode_disclosure(
            "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
        )
        .unwrap();
        assert_eq!(
            SdAlg::Sha256.digest_b64url(d.encoded.as_bytes()),
            "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
        );
        assert_eq!(d.name.as_deref(), Some("family_name"));
        assert_eq!(d.value, Value::String("Möbius".into()));
    }
}
