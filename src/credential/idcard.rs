//! GB 11643-1999 citizen ID numbers (公民身份号码).
//!
//! An 18-character number: a 6-digit administrative region code, an 8-digit
//! birth date, a 3-digit sequence (odd for men, even for women) and a check
//! character computed by ISO 7064 MOD 11-2. [`parse`] validates all of it;
//! 15-digit legacy numbers are refused.

use serde::Serialize;

use super::date::Date;
use crate::error::{Error, Result};

/// ISO 7064 MOD 11-2 weights for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0–10.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level divisions by the first two digits of the region code.
const PROVINCES: &[(&str, &str)] = &[
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
    ("83", "台湾省"),
];

/// Earliest birth date accepted.
pub const EARLIEST_BIRTH_DATE: &str = "1850-01-01";

/// Sex as encoded by the sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Odd sequence number.
    Male,
    /// Even sequence number.
    Female,
}

/// A validated citizen ID number and what it encodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdNumber {
    /// The normalised number (upper-case `X`).
    pub number: String,
    /// The 6-digit administrative region code.
    pub region: String,
    /// The province-level division's Chinese name, from the first two digits.
    pub province: String,
    /// The birth date, `YYYY-MM-DD`.
    pub birth_date: String,
    /// Sex, from the parity of the sequence number.
    pub sex: Sex,
    /// The check character (`0`–`9` or `X`).
    pub check_character: String,
}

/// The Chinese name of the province-level division with this two-digit code.
#[must_use]
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
///
/// # Errors
/// [`Error::InvalidIdNumber`] if `first17` is not exactly 17 ASCII digits.
pub fn check_character(first17: &str) -> Result<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the first 17 characters must be digits"));
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK
        .get((sum % 11) as usize)
        .copied()
        .ok_or(Error::Internal {
            context: "check character",
        })
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidIdNumber {
        reason: reason.into(),
    }
}

/// Parses and validates a citizen ID number, with today's date from the
/// clock as the latest acceptable birth date.
///
/// # Errors
/// [`Error::InvalidIdNumber`] with the reason, for anything but a valid
/// 18-character number; [`Error::Internal`] if no clock is available.
pub fn parse(number: &str) -> Result<IdNumber> {
    let today =
        Date::from_unix(crate::clock::now()?).ok_or(Error::Internal { context: "clock" })?;
    parse_on(number, today)
}

/// [`parse`] with an explicit "today".
///
/// # Errors
/// [`Error::InvalidIdNumber`] with the reason.
pub fn parse_on(number: &str, today: Date) -> Result<IdNumber> {
    let len = number.chars().count();
    if len == 15 && number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "15-digit legacy numbers are not accepted; use the 18-character number",
        ));
    }
    if len != 18 || number.len() != 18 {
        return Err(invalid(format!("expected 18 characters, got {len}")));
    }
    let normalised = number.to_ascii_uppercase();
    let (first17, last) = normalised.split_at(17);
    if !first17.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the first 17 characters must be digits"));
    }
    if !(last == "X" || last.bytes().all(|b| b.is_ascii_digit())) {
        return Err(invalid("the last character must be a digit or X"));
    }
    let region = first17.get(0..6).unwrap_or_default();
    let province = province_name(region.get(0..2).unwrap_or_default()).ok_or_else(|| {
        invalid(format!(
            "unknown province code {}",
            region.get(0..2).unwrap_or_default()
        ))
    })?;
    let birth = Date::parse_compact(first17.get(6..14).unwrap_or_default())
        .ok_or_else(|| invalid("the birth date (characters 7–14) is not a real date"))?;
    let earliest =
        Date::parse_iso(EARLIEST_BIRTH_DATE).ok_or(Error::Internal { context: "date" })?;
    if birth < earliest {
        return Err(invalid("the birth date is before 1850-01-01"));
    }
    if birth > today {
        return Err(invalid("the birth date is in the future"));
    }
    let expected = check_character(first17)?;
    if last != expected.to_string() {
        return Err(invalid(format!(
            "wrong check character: expected {expected}, got {last}"
        )));
    }
    let seq_digit = first17.as_bytes().get(16).copied().unwrap_or(b'0') - b'0';
    Ok(IdNumber {
        number: normalised.clone(),
        region: region.to_owned(),
        province: province.to_owned(),
        birth_date: birth.to_string(),
        sex: if seq_digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        },
        check_character: last.to_owned(),
    })
}

/// Builds a valid synthetic ID number from a region code, a birth date and a
/// 3-digit sequence number (odd = male). For test fixtures and demos: the
/// result identifies nobody in particular.
///
/// # Errors
/// [`Error::InvalidIdNumber`] if the region is not 6 digits of a known
/// province or `sequence > 999`.
pub fn synthesize(region: &str, birth: Date, sequence: u16) -> Result<String> {
    if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("region must be 6 digits"));
    }
    if province_name(region.get(0..2).unwrap_or_default()).is_none() {
        return Err(invalid("unknown province code"));
    }
    if sequence > 999 {
        return Err(invalid("sequence must be 0–999"));
    }
    let first17 = format!(
        "{region}{:04}{:02}{:02}{sequence:03}",
        birth.year(),
        birth.month(),
        birth.day()
    );
    let c = check_character(&first17)?;
    Ok(format!("{first17}{c}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 23).unwrap()
    }

    #[test]
    fn published_examples() {
        // GB 11643-1999's own examples.
        let a = parse_on("11010519491231002X", today()).unwrap();
        assert_eq!(a.region, "110105");
        assert_eq!(a.province, "北京市");
        assert_eq!(a.birth_date, "1949-12-31");
        assert_eq!(a.sex, Sex::Female);
        assert_eq!(a.check_character, "X");
        let b = parse_on("440524188001010014", today()).unwrap();
        assert_eq!(b.province, "广东省");
        assert_eq!(b.birth_date, "1880-01-01");
        assert_eq!(b.sex, Sex::Male);
    }

    #[test]
    fn lower_case_x_is_normalised() {
        let a = parse_on("11010519491231002x", today()).unwrap();
        assert_eq!(a.number, "11010519491231002X");
    }

    #[test]
    fn rejections() {
        let cases = [
            ("", "18 characters"),
            ("110105194912310", "15-digit"),
            ("11010519491231002Y", "digit or X"),
            ("11010519491231002", "18 characters"),
            ("110105194912310021", "check character"),
            ("99010519491231002X", "province"),
            ("110105194902300028", "real date"),
            ("110105184912310028", "1850"),
            ("110105203001010028", "future"),
            ("11010519491231002X ", "18 characters"),
            ("１１010519491231002X", "18 characters"),
            ("1101051949123100AX", "digits"),
        ];
        for (input, fragment) in cases {
            let e = parse_on(input, today()).unwrap_err();
            assert_eq!(e.code(), "INVALID_ID_NUMBER", "{input}");
            assert!(e.to_string().contains(fragment), "{input}: {e}");
        }
    }

    #[test]
    fn every_single_digit_change_is_caught() {
        let valid = "440524188001010014";
        for pos in 0..18 {
            for d in b'0'..=b'9' {
                let mut bytes = valid.as_bytes().to_vec();
                if bytes[pos] == d {
                    continue;
                }
                bytes[pos] = d;
                let s = String::from_utf8(bytes).unwrap();
                assert!(parse_on(&s, today()).is_err(), "{s} accepted");
            }
        }
    }

    #[test]
    fn synthetic_numbers_round_trip() {
        let mut seed = 12345u32;
        for _ in 0..2_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let (code, _) = PROVINCES[(seed as usize >> 8) % PROVINCES.len()];
            let region = format!("{code}{:04}", (seed >> 4) % 10_000);
            let birth =
                Date::from_unix(-3_600_000_000 + i64::from(seed % 5_000_000) * 1_000).unwrap();
            let sequence = (seed % 1000) as u16;
            let n = synthesize(&region, birth, sequence).unwrap();
            let p = parse_on(&n, today()).unwrap();
            assert_eq!(p.region, region);
            assert_eq!(p.birth_date, birth.to_string());
            assert_eq!(p.sex == Sex::Male, sequence % 2 == 1);
        }
    }
}
