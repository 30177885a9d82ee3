//! RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! The canonical form of a JSON value is what gets hashed into the consent
//! log, so two implementations that agree on the record agree on the leaf.
//! The rules (RFC 8785 §3.2):
//! - no whitespace; arrays keep their order;
//! - object members sorted by the UTF-16 code units of their names;
//! - strings as ECMAScript `JSON.stringify` writes them: `\"`, `\\`, `\b`,
//!   `\f`, `\n`, `\r`, `\t`, other controls as `\u00xx` (lower-case hex),
//!   everything else literally, in UTF-8;
//! - numbers as IEEE 754 doubles written by ECMAScript's
//!   `Number.prototype.toString` (shortest round-trip digits; plain notation
//!   for exponents in `-6 < n ≤ 21`, otherwise `d.ddde±n`); `-0` is `0`.
//!
//! Integers that a double cannot hold exactly are refused rather than
//! silently rounded: beyond ±2^53 an integer literal is accepted if it is
//! exactly a double (`1152921504606846976`, 2^60, written as ECMAScript
//! writes that double: `1152921504606847000`) or is already that canonical
//! text, and refused otherwise (`9007199254740993`, 2^53 + 1, which no
//! double holds). So the canonical form of a double such as
//! `19241110000000000.04` (`19241110000000000`) is itself accepted, and
//! canonicalising canonical output changes nothing.

use serde_json::Value;

use crate::error::{Error, Result};

/// Largest integer magnitude a double holds exactly (2^53).
const MAX_EXACT: u64 = 1 << 53;

/// Deepest value [`canonicalize`] writes (arrays and objects, the outermost
/// counting as 1): 128, as deep as serde_json parses. The writer recurses
/// once per level, so a value composed in memory is measured first.
pub const MAX_DEPTH: usize = 128;

/// The RFC 8785 canonical UTF-8 bytes of `value`.
///
/// # Errors
/// [`Error::InvalidInput`] if the value holds an integer beyond ±2^53 that
/// is not the canonical form of a double, or nests deeper than
/// [`MAX_DEPTH`].
pub fn canonicalize(value: &Value) -> Result<Vec<u8>> {
    if crate::json::depth(value, MAX_DEPTH) > MAX_DEPTH {
        return Err(Error::input(format!(
            "a value nests deeper than {MAX_DEPTH} levels"
        )));
    }
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out.into_bytes())
}

/// An integer literal `text` denoting `value`: as it is within ±2^53;
/// beyond (`big`), written as ECMAScript writes the double `nearest` it
/// rounds to, if that loses nothing — the literal is exactly that double, or
/// is already its canonical text — and refused otherwise.
#[allow(clippy::cast_possible_truncation)]
fn exact_integer(text: String, value: i128, big: bool, nearest: f64) -> Result<String> {
    if !big {
        return Ok(text);
    }
    let canonical = format_number(nearest)?;
    // `as i128` is exact for every integral double of this magnitude.
    if nearest as i128 == value || canonical == text {
        Ok(canonical)
    } else {
        Err(Error::input(
            "a number is beyond ±2^53 and not exact as a double (JSON numbers are doubles)",
        ))
    }
}

fn write_value(value: &Value, out: &mut String) -> Result<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push_str(&exact_integer(
                    u.to_string(),
                    i128::from(u),
                    u > MAX_EXACT,
                    u as f64,
                )?);
            } else if let Some(i) = n.as_i64() {
                out.push_str(&exact_integer(
                    i.to_string(),
                    i128::from(i),
                    i.unsigned_abs() > MAX_EXACT,
                    i as f64,
                )?);
            } else {
                let f = n
                    .as_f64()
                    .ok_or_else(|| Error::input("a number is not finite"))?;
                out.push_str(&format_number(f)?);
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(Vec<u16>, &String, &Value)> = map
                .iter()
                .map(|(k, v)| (k.encode_utf16().collect(), k, v))
                .collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (_, k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(v, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number.prototype.toString` of a finite double.
///
/// # Errors
/// [`Error::InvalidInput`] for NaN and infinities, which JSON cannot hold.
pub fn format_number(x: f64) -> Result<String> {
    if !x.is_finite() {
        return Err(Error::input("NaN and infinities are not JSON numbers"));
    }
    if x == 0.0 {
        return Ok("0".to_owned());
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as ECMAScript
    // requires: "d.ddde[-]x".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci
        .split_once('e')
        .ok_or(Error::Internal { context: "jcs" })?;
    let exp: i32 = exp
        .parse()
        .map_err(|_| Error::Internal { context: "jcs" })?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let digits = break_tie_to_even(x.abs(), digits, exp);
    let k = i32::try_from(digits.len()).map_err(|_| Error::Internal { context: "jcs" })?;
    let n = exp + 1; // value = 0.digits × 10^n
    let mut s = String::new();
    if x < 0.0 {
        s.push('-');
    }
    if k <= n && n <= 21 {
        s.push_str(&digits);
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(n as usize);
        s.push_str(a);
        s.push('.');
        s.push_str(b);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-n) as usize));
        s.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        s.push_str(first);
        if !rest.is_empty() {
            s.push('.');
            s.push_str(rest);
        }
        s.push('e');
        s.push(if n - 1 < 0 { '-' } else { '+' });
        s.push_str(&(n - 1).abs().to_string());
    }
    Ok(s)
}

/// ECMAScript breaks a tie between two shortest digit strings that are
/// equally close to the value by taking the even one; Rust's shortest
/// formatting rounds such ties up. When the exact decimal expansion of `ax`
/// ends in exactly `5` right after the shortest digits, choose the even
/// neighbour (if it still reads back as `ax`).
fn break_tie_to_even(ax: f64, digits: String, exp: i32) -> String {
    let exact = format!("{ax:.800e}");
    let Some((m, e)) = exact.split_once('e') else {
        return digits;
    };
    if e.parse::<i32>().ok() != Some(exp) {
        return digits;
    }
    let all: String = m.chars().filter(|c| *c != '.').collect();
    let k = digits.len();
    let (Some(prefix), Some(tail)) = (all.get(..k), all.get(k..)) else {
        return digits;
    };
    let is_tie = tail.starts_with('5') && tail.bytes().skip(1).all(|b| b == b'0');
    if !is_tie {
        return digits;
    }
    let down = prefix.to_owned();
    let up = increment(prefix);
    let last_even = |s: &str| {
        s.bytes()
            .last()
            .is_some_and(|b| (b - b'0').is_multiple_of(2))
    };
    let candidate = if last_even(&down) { Some(down) } else { up };
    let Some(candidate) = candidate else {
        return digits;
    };
    if candidate == digits || candidate.len() != k {
        return digits;
    }
    let (first, rest) = candidate.split_at(1);
    let reread: Option<f64> = format!("{first}.{rest}e{exp}").parse().ok();
    if reread == Some(ax) {
        candidate.trim_end_matches('0').to_owned()
    } else {
        digits
    }
}

/// Adds one to the last digit of a decimal digit string (`None` on overflow
/// into a new digit).
fn increment(digits: &str) -> Option<String> {
    let mut b = digits.as_bytes().to_vec();
    for d in b.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8(b).ok();
        }
    }
    None
}
