//! The small part of JOSE that SD-JWT needs: unpadded base64url (RFC 7515
//! §2) and compact JWS (RFC 7515 §7.1) signed with a [`SigningKey`] and
//! checked with a [`VerifyingKey`].
//!
//! Only `EdDSA` (Ed25519), `ES256` (P-256) and `SM2` (SM2 with SM3) are
//! accepted; `alg: none` and everything else is refused before any key is
//! touched. A signature is checked only with a key of the algorithm its
//! header names (an `SM2` JWS never with a P-256 key, nor `ES256` with an
//! SM2 key, though both are `kty: "EC"`). Headers with `crit`
//! are refused, since mpshield understands no extension.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::keys::{Algorithm, SigningKey, VerifyingKey};
use crate::error::{Error, Result};

/// Unpadded base64url of `bytes`.
#[must_use]
pub fn b64url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decodes unpadded base64url, refusing padding, other alphabets and
/// non-canonical trailing bits.
///
/// # Errors
/// [`Error::InvalidInput`] naming `what` if the text is not canonical
/// unpadded base64url.
pub fn b64url_decode(text: &str, what: &str) -> Result<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text)
        .map_err(|_| Error::input(format!("{what} is not unpadded base64url")))
}

/// base64url(SHA-256(`bytes`)), the digest SD-JWT uses for disclosures and
/// `sd_hash`, and RFC 7638 for thumbprints.
#[must_use]
pub fn sha256_b64url(bytes: &[u8]) -> String {
    b64url(&Sha256::digest(bytes))
}

/// A compact JWS split into its parts; the signature is not yet checked.
pub(crate) struct ParsedJws<'a> {
    /// The signing input, `header.payload`, exactly as received.
    pub signing_input: &'a str,
    /// The decoded protected header.
    pub header: Map<String, Value>,
    /// The decoded payload.
    pub payload: Map<String, Value>,
    /// The algorithm named by the header (already allow-listed).
    pub alg: Algorithm,
    /// The raw signature bytes.
    pub signature: Vec<u8>,
}

/// Signs `header` and `payload` (JSON objects) into a compact JWS.
///
/// # Errors
/// [`Error::Internal`] if the JSON cannot be serialised.
pub(crate) fn sign_compact(
    key: &SigningKey,
    header: &Map<String, Value>,
    payload: &Map<String, Value>,
) -> Result<String> {
    let h = serde_json::to_vec(header).map_err(|_| Error::Internal {
        context: "serialise JWS header",
    })?;
    let p = serde_json::to_vec(payload).map_err(|_| Error::Internal {
        context: "serialise JWS payload",
    })?;
    let signing_input = format!("{}.{}", b64url(&h), b64url(&p));
    let sig = key.sign(signing_input.as_bytes())?;
    Ok(format!("{signing_input}.{}", b64url(&sig)))
}

/// Parses JSON bytes into a value, through `from_str` rather than
/// `from_slice`: the module then carries serde_json's parser for one reader
/// instead of two (−1.7 KB brotli). Both refuse invalid UTF-8.
pub(crate) fn json_from_bytes(bytes: &[u8]) -> Option<Value> {
    serde_json::from_str(std::str::from_utf8(bytes).ok()?).ok()
}

/// Deepest JWS header or payload accepted: the claims object and claims
/// down to [`crate::credential::sdjwt::MAX_CLAIM_DEPTH`].
const MAX_JWS_DEPTH: usize = crate::credential::sdjwt::MAX_CLAIM_DEPTH + 1;

fn json_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>> {
    match json_from_bytes(bytes) {
        Some(v) if crate::json::depth(&v, MAX_JWS_DEPTH) > MAX_JWS_DEPTH => Err(Error::credential(
            format!("the {what} nests deeper than {MAX_JWS_DEPTH} levels"),
        )),
        Some(Value::Object(m)) => Ok(m),
        _ => Err(Error::credential(format!(
            "the {what} is not a JSON object"
        ))),
    }
}

/// Splits and decodes a compact JWS without checking its signature. `what`
/// names it in error messages ("issuer JWT", "key-binding JWT").
///
/// # Errors
/// [`Error::InvalidCredential`] if it is not three base64url parts holding
/// JSON objects; [`Error::UnsupportedAlgorithm`] if `alg` is not `EdDSA`,
/// `ES256` or `SM2`.
pub(crate) fn parse_compact<'a>(jws: &'a str, what: &str) -> Result<ParsedJws<'a>> {
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::credential(format!(
            "the {what} is not a compact JWS (three dot-separated parts)"
        )));
    };
    let signing_input = jws.get(..h.len() + 1 + p.len()).ok_or(Error::Internal {
        context: "jws split",
    })?;
    let bad = |part: &str| Error::credential(format!("the {what}'s {part} is not base64url"));
    let header = json_object(
        &Base64UrlUnpadded::decode_vec(h).map_err(|_| bad("header"))?,
        &format!("{what}'s header"),
    )?;
    let payload = json_object(
        &Base64UrlUnpadded::decode_vec(p).map_err(|_| bad("payload"))?,
        &format!("{what}'s payload"),
    )?;
    let signature = Base64UrlUnpadded::decode_vec(s).map_err(|_| bad("signature"))?;
    let alg = match header.get("alg") {
        Some(Value::String(a)) => Algorithm::parse(a)?,
        _ => return Err(Error::credential(format!("the {what}'s header has no alg"))),
    };
    if header.contains_key("crit") {
        return Err(Error::credential(format!(
            "the {what}'s header has crit extensions, which mpshield does not understand"
        )));
    }
    Ok(ParsedJws {
        signing_input,
        header,
        payload,
        alg,
        signature,
    })
}

impl ParsedJws<'_> {
    /// Checks the signature with `key`, whose algorithm must be the one the
    /// header names.
    ///
    /// # Errors
    /// [`Error::VerifyFailed`] on any mismatch.
    pub(crate) fn verify_with(&self, key: &VerifyingKey) -> Result<()> {
        if key.alg() != self.alg {
            return Err(Error::VerifyFailed);
        }
        key.verify(self.signing_input.as_bytes(), &self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_is_strict() {
        assert_eq!(b64url(b"\xfb\xff"), "-_8");
        assert_eq!(b64url_decode("-_8", "x").unwrap(), b"\xfb\xff");
        assert!(b64url_decode("-_8=", "x").is_err());
        assert!(b64url_decode("+/8", "x").is_err());
        // Non-canonical trailing bits ("-_9" decodes to the same bytes).
        assert!(b64url_decode("-_9", "x").is_err());
    }
}
