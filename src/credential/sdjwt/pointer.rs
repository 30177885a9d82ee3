//! JSON Pointers (RFC 6901): how mpshield names claims, e.g. `/address/province`
//! or `/age_equal_or_over/18`.
//!
//! In SD-JWT, an array element is named by its *slot* in the issuer-signed
//! array (counting elements that stay hidden), so a pointer means the same
//! claim at issuance, in `decode`, in `present` and in `verify`. In the
//! verifier's `claims`, hidden elements are removed (RFC 9901 §7.3), so an
//! array there can be shorter than its slots.

use serde_json::Value;

use crate::error::{Error, Result};

/// Splits a JSON Pointer into its unescaped reference tokens (`""` → none).
///
/// # Errors
/// [`Error::InvalidInput`] if it does not start with `/` (and is not empty)
/// or has a `~` not followed by `0` or `1`.
pub fn parse(pointer: &str) -> Result<Vec<String>> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(Error::input(format!(
            "{pointer:?} is not a JSON Pointer: it must start with /"
        )));
    };
    rest.split('/')
        .map(|token| {
            let mut out = String::with_capacity(token.len());
            let mut chars = token.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => {
                            return Err(Error::input(format!(
                                "{pointer:?} is not a JSON Pointer: ~ must be followed by 0 or 1"
                            )))
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            Ok(out)
        })
        .collect()
}

/// Joins reference tokens into a JSON Pointer, escaping `~` and `/`.
#[must_use]
pub fn format<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut out = String::new();
    for t in tokens {
        out.push('/');
        out.push_str(&t.as_ref().replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// An array index token: `0`, or digits without a leading zero.
#[must_use]
pub fn array_index(token: &str) -> Option<usize> {
    if token.is_empty()
        || !token.bytes().all(|b| b.is_ascii_digit())
        || (token.len() > 1 && token.starts_with('0'))
    {
        return None;
    }
    token.parse().ok()
}

/// The value at `tokens` inside `root`, if any.
#[must_use]
pub fn get<'a, S: AsRef<str>>(root: &'a Value, tokens: &[S]) -> Option<&'a Value> {
    let mut v = root;
    for t in tokens {
        v = match v {
            Value::Object(m) => m.get(t.as_ref())?,
            Value::Array(a) => a.get(array_index(t.as_ref())?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Whether `prefix` is `tokens` or one of its ancestors.
#[must_use]
pub fn is_prefix<S: AsRef<str>, T: AsRef<str>>(prefix: &[S], tokens: &[T]) -> bool {
    prefix.len() <= tokens.len()
        && prefix
            .iter()
            .zip(tokens)
            .all(|(a, b)| a.as_ref() == b.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc6901_examples() {
        // The document and pointers of RFC 6901 §5.
        let doc = json!({
            "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3,
            "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8
        });
        let cases = [
            ("", doc.clone()),
            ("/foo", json!(["bar", "baz"])),
            ("/foo/0", json!("bar")),
            ("/", json!(0)),
            ("/a~1b", json!(1)),
            ("/c%d", json!(2)),
            ("/e^f", json!(3)),
            ("/g|h", json!(4)),
            ("/i\\j", json!(5)),
            ("/k\"l", json!(6)),
            ("/ ", json!(7)),
            ("/m~0n", json!(8)),
        ];
        for (p, want) in cases {
            let tokens = parse(p).unwrap();
            assert_eq!(get(&doc, &tokens), Some(&want), "{p}");
            assert_eq!(format(&tokens), p);
        }
    }

    #[test]
    fn rejects_malformed() {
        for p in ["foo", "/a~2", "/a~"] {
            assert_eq!(parse(p).unwrap_err().code(), "INVALID_INPUT", "{p}");
        }
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-"), None);
        assert_eq!(array_index("10"), Some(10));
        assert!(is_prefix(&["a"], &["a", "b"]));
        assert!(!is_prefix(&["a", "b"], &["a"]));
    }
}
