//! The JavaScript boundary: the only module that imports `wasm_bindgen` and
//! `js_sys`.
//!
//! Functions here are thin: they convert arguments, call the core and turn
//! every [`Error`] into a JavaScript `Error` whose `name` is
//! `"MpShieldError"` and whose `code` is [`Error::code`]. The hand-written
//! package layer (`pkg/src/api.js`) re-throws those as `MpShieldError`
//! instances, checks argument types and refuses calls before `init()`.
//! Nothing here unwraps or panics: a panic would trap the whole instance.
//!
//! Structured values (options, JWKs, results) cross the boundary as JSON
//! text: the package layer `JSON.stringify`s the arguments it has checked
//! and `JSON.parse`s the results. The module thus has one serialiser,
//! serde_json's (which the core needs anyway), rather than a second
//! instantiation of every `Serialize`/`Deserialize` impl for JavaScript
//! values. Bytes stay `Uint8Array`s, built directly with `js_sys`.

use serde::Serialize;
use wasm_bindgen::prelude::*;

pub mod consent;
pub mod credential;
pub mod flow;

use crate::error::Error;

/// Runs `$body` in the full module (feature `full`: the Node module, and
/// what the demos load); the phone module leaves it out to stay within the
/// 250 KB a phone downloads, and the export fails with `INVALID_STATE`
/// naming `$what`. The export itself, and so the glue, is the same in both.
macro_rules! full_only {
    ($what:literal, $body:block) => {{
        #[cfg(feature = "full")]
        {
            $body
        }
        #[cfg(not(feature = "full"))]
        {
            Err($crate::wasm::js_err($crate::error::Error::InvalidState {
                reason: concat!(
                    $what,
                    " is not in the phone modules; the Node module (mpshield_bg.wasm) has it"
                )
                .into(),
            }))
        }
    }};
}
pub(crate) use full_only;

pub mod seal;

/// Converts a core error into the JavaScript error object the package layer
/// expects: an `Error` with `name = "MpShieldError"` and a `code` property.
#[must_use]
pub fn error_to_js(err: &Error) -> JsValue {
    let e = js_sys::Error::new(&err.to_string());
    e.set_name("MpShieldError");
    let _ = js_sys::Reflect::set(
        &e,
        &JsValue::from_str("code"),
        &JsValue::from_str(err.code()),
    );
    e.into()
}

fn js_err(err: Error) -> JsValue {
    error_to_js(&err)
}

/// A result as JSON text, for the package layer to `JSON.parse`.
fn to_json<T: Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|_| {
        js_err(Error::Internal {
            context: "serialise result",
        })
    })
}

/// An argument given as JSON text; malformed JSON, a text longer than
/// [`crate::json::MAX_JSON_TEXT_BYTES`] or nested deeper than
/// [`crate::json::MAX_JSON_DEPTH`] is `INVALID_INPUT` naming `what`.
fn from_json(text: &str, what: &str) -> Result<serde_json::Value, JsValue> {
    crate::json::parse_text(text).map_err(|e| js_err(Error::input(format!("{what}: {e}"))))
}

/// An options object given as JSON text, read with [`crate::json`] (with
/// the limits of [`from_json`]).
fn members(text: &str, known: &[&str]) -> Result<crate::json::Members, String> {
    crate::json::Members::new(crate::json::parse_text(text)?, known)
}

fn bad_args(what: &str, reason: String) -> JsValue {
    js_err(Error::input(format!("{what}: {reason}")))
}

fn host_now() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// Runs once when the module is instantiated: registers the host's clock.
#[wasm_bindgen(start)]
pub fn start() {
    crate::clock::set_host_clock(host_now);
}

/// Seeds the DRBG or mixes fresh host entropy into it (≥ 32 bytes).
///
/// # Errors
/// `NO_ENTROPY` if the bytes are too few or constant.
#[wasm_bindgen(js_name = addEntropy)]
pub fn add_entropy(entropy: &[u8]) -> Result<(), JsValue> {
    crate::rng::add_entropy(entropy).map_err(js_err)
}

/// Whether the DRBG has been seeded.
#[wasm_bindgen(js_name = isSeeded)]
#[must_use]
pub fn is_seeded() -> bool {
    crate::rng::is_seeded()
}

/// The library's semantic version.
#[wasm_bindgen]
#[must_use]
pub fn version() -> String {
    crate::version().to_owned()
}

/// What this module carries, as JSON text: `{ "suites": [...], "relyingParty": bool }`
/// — the suites compiled in (`"intl"`, `"gm"`; the phone modules carry one,
/// the Node module both) and whether issuance and the relying party's calls
/// are in it (only the Node module). `init({ suite })` checks it.
#[wasm_bindgen(js_name = moduleInfo)]
#[must_use]
pub fn module_info() -> String {
    // Constant text chosen at compile time (no JSON serialisation code).
    const SUITES: &str = match (cfg!(feature = "intl"), cfg!(feature = "gm")) {
        (true, true) => r#"["intl","gm"]"#,
        (true, false) => r#"["intl"]"#,
        (false, true) => r#"["gm"]"#,
        (false, false) => "[]",
    };
    let full = if cfg!(feature = "full") {
        "true"
    } else {
        "false"
    };
    format!(r#"{{"suites":{SUITES},"relyingParty":{full}}}"#)
}

/// Every error code the module can produce.
#[wasm_bindgen(js_name = errorCodes)]
#[must_use]
pub fn error_codes() -> Vec<String> {
    crate::error::ALL_CODES
        .iter()
        .map(|c| (*c).to_owned())
        .collect()
}

/// `n` random bytes from the DRBG, `1 ≤ n ≤ 65536`.
///
/// # Errors
/// `INVALID_INPUT` out of range, `NOT_INITIALIZED` before seeding.
#[wasm_bindgen(js_name = randomBytes)]
pub fn random_bytes(n: u32) -> Result<Vec<u8>, JsValue> {
    let n = usize::try_from(n).map_err(|_| js_err(Error::input("n is too large")))?;
    crate::rng::random_bytes(n).map_err(js_err)
}

/// Parses a GB 11643-1999 citizen ID number; the result as JSON text.
///
/// # Errors
/// `INVALID_ID_NUMBER` with the reason.
#[wasm_bindgen(js_name = idcardParse)]
pub fn idcard_parse(number: &str) -> Result<String, JsValue> {
    let parsed = crate::credential::idcard::parse(number).map_err(js_err)?;
    to_json(&parsed)
}
