//! Strict reading of JSON objects from [`serde_json::Value`]s.
//!
//! `#[derive(Deserialize)]` compiles a parser per struct (and per reader),
//! which made up a large share of the WebAssembly module. Objects that are
//! only ever read from JSON text (licence schemas, options objects of the
//! JavaScript boundary) are therefore parsed into a [`Value`] with the one
//! `Value` parser the module has anyway and taken apart here, with the rules
//! of a `#[serde(deny_unknown_fields)]` derive: unknown keys, missing
//! required members and wrong types are refused, and `null` counts as absent
//! for optional members. One difference: a key given twice is taken from its
//! last occurrence, as in any [`Value`], rather than refused (text from
//! `JSON.stringify` never repeats a key).
//!
//! Errors are plain reasons (`String`s) for the caller to wrap in its own
//! [`crate::Error`] variant.

use serde_json::{Map, Value};

/// Longest JSON text the JavaScript boundary reads as an argument (an
/// options object, a record, a list of trusted keys): 1 MiB. The largest
/// legitimate one is an `sdjwt.verify` or `licence.issue` options object
/// carrying a credential with a photo, which
/// [`crate::credential::sdjwt::MAX_SD_JWT_BYTES`] (512 KiB) bounds; twice
/// that leaves room for the other members. Longer texts are refused before
/// they are parsed.
pub const MAX_JSON_TEXT_BYTES: usize = 1 << 20;

/// Deepest nesting of arrays and objects in a JSON argument of the
/// JavaScript boundary (the outermost object counts as 1). serde_json
/// alone stops at 128; 40 leaves room for claims of
/// [`crate::credential::sdjwt::MAX_CLAIM_DEPTH`] (32) inside an options
/// object, and keeps every later walk, clone and drop of the value shallow.
pub const MAX_JSON_DEPTH: usize = 40;

/// The nesting depth of `value`: 0 for a scalar, 1 for an array or object
/// of scalars, and so on. Measured with an explicit stack (never by
/// recursion) and abandoned as soon as it passes `limit`, so it is safe on
/// any value; the result is then `limit + 1`.
#[must_use]
pub(crate) fn depth(value: &Value, limit: usize) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((v, d)) = stack.pop() {
        let d = d + 1;
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, d))),
            Value::Object(m) => stack.extend(m.values().map(|c| (c, d))),
            _ => continue,
        }
        deepest = deepest.max(d);
        if deepest > limit {
            return limit + 1;
        }
    }
    deepest
}

/// Parses a JSON argument of the JavaScript boundary, refusing texts longer
/// than [`MAX_JSON_TEXT_BYTES`] before parsing and values nested deeper
/// than [`MAX_JSON_DEPTH`].
///
/// # Errors
/// A plain reason, for the caller to wrap.
pub(crate) fn parse_text(text: &str) -> Result<Value, String> {
    if text.len() > MAX_JSON_TEXT_BYTES {
        return Err(format!(
            "the JSON text is longer than {MAX_JSON_TEXT_BYTES} bytes"
        ));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if depth(&v, MAX_JSON_DEPTH) > MAX_JSON_DEPTH {
        return Err(format!(
            "the JSON text nests arrays and objects deeper than {MAX_JSON_DEPTH} levels"
        ));
    }
    Ok(v)
}

/// Parses JSON bytes (decrypted or stored, not a boundary argument): UTF-8
/// first, then the text. One parser over `&str` for every JSON in the
/// module, instead of a second copy of serde_json's parser over bytes
/// (`from_slice` instantiates it again: about 11.7 KB of the phone module).
///
/// # Errors
/// `None` if the bytes are not UTF-8 or not JSON.
pub(crate) fn from_bytes<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_str(std::str::from_utf8(bytes).ok()?).ok()
}

/// The members of one JSON object, taken out one by one.
pub(crate) struct Members {
    map: Map<String, Value>,
}

fn wrong(key: &str, expected: &str) -> String {
    format!("{key} must be {expected}")
}

impl Members {
    /// The members of `value`, which must be an object whose keys are all in
    /// `known`.
    ///
    /// # Errors
    /// Not an object, or a key that is not in `known`.
    pub(crate) fn new(value: Value, known: &[&str]) -> Result<Self, String> {
        let Value::Object(map) = value else {
            return Err("expected a JSON object".to_owned());
        };
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(format!(
                "unknown field {k:?}, expected one of {}",
                known.join(", ")
            ));
        }
        Ok(Self { map })
    }

    /// An optional member; `null` counts as absent.
    pub(crate) fn opt(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// A required member of any type (`null` included).
    ///
    /// # Errors
    /// If it is missing.
    pub(crate) fn value(&mut self, key: &str) -> Result<Value, String> {
        self.map
            .remove(key)
            .ok_or_else(|| format!("missing field {key}"))
    }

    /// A required string.
    ///
    /// # Errors
    /// If it is missing or not a string.
    pub(crate) fn string(&mut self, key: &str) -> Result<String, String> {
        match self.value(key)? {
            Value::String(s) => Ok(s),
            _ => Err(wrong(key, "a string")),
        }
    }

    /// An optional string.
    ///
    /// # Errors
    /// If it is present and not a string.
    pub(crate) fn opt_string(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.opt(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong(key, "a string")),
        }
    }

    /// A required array of strings.
    ///
    /// # Errors
    /// If it is missing or not an array of strings.
    pub(crate) fn strings(&mut self, key: &str) -> Result<Vec<String>, String> {
        let v = self.value(key)?;
        strings(v).ok_or_else(|| wrong(key, "an array of strings"))
    }

    /// An optional array of strings.
    ///
    /// # Errors
    /// If it is present and not an array of strings.
    pub(crate) fn opt_strings(&mut self, key: &str) -> Result<Option<Vec<String>>, String> {
        match self.opt(key) {
            None => Ok(None),
            Some(v) => strings(v)
                .map(Some)
                .ok_or_else(|| wrong(key, "an array of strings")),
        }
    }

    /// A required array.
    ///
    /// # Errors
    /// If it is missing or not an array.
    pub(crate) fn array(&mut self, key: &str) -> Result<Vec<Value>, String> {
        match self.value(key)? {
            Value::Array(a) => Ok(a),
            _ => Err(wrong(key, "an array")),
        }
    }

    /// A required object.
    ///
    /// # Errors
    /// If it is missing or not an object.
    pub(crate) fn object(&mut self, key: &str) -> Result<Map<String, Value>, String> {
        match self.value(key)? {
            Value::Object(m) => Ok(m),
            _ => Err(wrong(key, "an object")),
        }
    }

    /// A required boolean.
    ///
    /// # Errors
    /// If it is missing or not a boolean.
    pub(crate) fn bool(&mut self, key: &str) -> Result<bool, String> {
        match self.value(key)? {
            Value::Bool(b) => Ok(b),
            _ => Err(wrong(key, "a boolean")),
        }
    }

    /// An optional boolean.
    ///
    /// # Errors
    /// If it is present and not a boolean.
    pub(crate) fn opt_bool(&mut self, key: &str) -> Result<Option<bool>, String> {
        match self.opt(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(wrong(key, "a boolean")),
        }
    }

    /// An optional integer that fits an `i64`.
    ///
    /// # Errors
    /// If it is present and not such an integer.
    pub(crate) fn opt_i64(&mut self, key: &str) -> Result<Option<i64>, String> {
        match self.opt(key) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| wrong(key, "an integer")),
        }
    }

    /// An optional integer that fits a `u32`.
    ///
    /// # Errors
    /// If it is present and not such an integer.
    pub(crate) fn opt_u32(&mut self, key: &str) -> Result<Option<u32>, String> {
        match self.opt(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| wrong(key, "an integer from 0 to 4294967295")),
        }
    }
}

fn strings(v: Value) -> Option<Vec<String>> {
    let Value::Array(items) = v else {
        return None;
    };
    items
        .into_iter()
        .map(|i| match i {
            Value::String(s) => Some(s),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Members;
    use serde_json::json;

    #[test]
    fn like_a_deny_unknown_fields_derive() {
        let known = &["s", "n", "b", "list", "o"];
        assert!(Members::new(json!([]), known).is_err());
        assert!(Members::new(json!({"s": "x", "extra": 1}), known).is_err());

        let mut m = Members::new(
            json!({"s": "x", "n": 7, "b": null, "list": ["a", "b"], "o": {}}),
            known,
        )
        .unwrap();
        assert_eq!(m.string("s").unwrap(), "x");
        assert_eq!(m.opt_i64("n").unwrap(), Some(7));
        assert_eq!(m.opt_bool("b").unwrap(), None);
        assert_eq!(m.strings("list").unwrap(), ["a", "b"]);
        assert!(m.object("o").unwrap().is_empty());
        // Taken members are gone; absent ones are missing or None.
        assert!(m.string("s").is_err());
        assert_eq!(m.opt_string("s").unwrap(), None);

        let mut m = Members::new(
            json!({"s": 1, "n": 1.5, "b": "yes", "list": ["a", 1], "o": null}),
            known,
        )
        .unwrap();
        assert!(m.string("s").is_err());
        assert!(m.opt_i64("n").is_err());
        assert!(m.opt_bool("b").is_err());
        assert!(m.strings("list").is_err());
        // A required member may be null only where any value is allowed.
        assert!(m.value("o").unwrap().is_null());

        let mut m = Members::new(json!({"n": 4_294_967_296_u64}), known).unwrap();
        assert!(m.opt_u32("n").is_err());
        let mut m = Members::new(json!({"n": -1}), known).unwrap();
        assert!(m.opt_u32("n").is_err());
        let mut m = Members::new(json!({"b": true}), known).unwrap();
        assert!(m.bool("b").unwrap());
        assert!(m.array("list").is_err());
    }
}
