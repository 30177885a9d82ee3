//! Masking (脱敏) rules: how a value is shown when only part of it may be.
//!
//! No national standard fixes these; they follow the conventions most
//! Chinese services use (see `REFERENCE.md` §4). The one hard rule: an ID or
//! licence number never shows its birth-date digits. Rules are used for
//! display ([`apply`]) and for the masked claims a licence carries
//! (`id_number_masked`, `name_masked`, …), which the issuer signs.
//!
//! Every example below is synthetic.

use serde::Serialize;

use crate::error::{Error, Result};

/// Chinese and English labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Labels {
    /// Simplified Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

/// A masking rule as [`rules`] lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The stable rule id.
    pub id: &'static str,
    /// What it masks.
    pub labels: Labels,
    /// A masked example (synthetic data).
    pub example: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        id: "id_number",
        labels: Labels {
            zh: "身份证号码（前6后4，隐藏出生日期）",
            en: "ID number (first 6 and last 4; birth date hidden)",
        },
        example: "440524********0014",
    },
    Rule {
        id: "phone",
        labels: Labels {
            zh: "手机号码（前3后4）",
            en: "Mobile number (first 3 and last 4)",
        },
        example: "138****1234",
    },
    Rule {
        id: "name",
        labels: Labels {
            zh: "姓名（保留姓和末字）",
            en: "Name (family name and last character)",
        },
        example: "张*三",
    },
    Rule {
        id: "address",
        labels: Labels {
            zh: "地址（保留省、市、区县）",
            en: "Address (province, city and district only)",
        },
        example: "广东省深圳市南山区****",
    },
    Rule {
        id: "bank_card",
        labels: Labels {
            zh: "银行卡号（前6后4）",
            en: "Bank card number (first 6 and last 4)",
        },
        example: "622202*********1234",
    },
    Rule {
        id: "plate",
        labels: Labels {
            zh: "车牌号码（保留省份、发牌机关、首尾位）",
            en: "Number plate (region, authority, first and last character)",
        },
        example: "粤B1***8",
    },
    Rule {
        id: "document_number",
        labels: Labels {
            zh: "证件号码（前2后2）",
            en: "Document number (first 2 and last 2)",
        },
        example: "E1*****78",
    },
    Rule {
        id: "birth_date",
        labels: Labels {
            zh: "出生日期（仅年份）",
            en: "Birth date (year only)",
        },
        example: "1990-**-**",
    },
];

/// Every masking rule.
#[must_use]
pub fn rules() -> &'static [Rule] {
    RULES
}

fn invalid(rule: &str, reason: &str) -> Error {
    Error::claim(rule, reason)
}

fn stars(n: usize) -> String {
    "*".repeat(n)
}

/// Keeps the first `head` and last `tail` characters, masking the rest.
fn keep(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    let mut out: String = chars.iter().take(head).collect();
    out.push_str(&stars(n.saturating_sub(head + tail)));
    out.extend(chars.iter().skip(n.saturating_sub(tail)));
    out
}

/// Masks `value` by the rule `rule_id`.
///
/// # Errors
/// [`Error::UnknownMaskRule`] for an unknown rule; [`Error::InvalidClaim`]
/// (field = the rule id) if the value does not have the shape the rule
/// expects (so nothing is shown by mistake).
pub fn apply(rule_id: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let chars: Vec<char> = value.chars().collect();
    match rule_id {
        "id_number" => {
            let digits17 = |n: usize| chars.iter().take(n).all(char::is_ascii_digit);
            match chars.len() {
                18 if digits17(17)
                    && chars
                        .last()
                        .is_some_and(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x') =>
                {
                    Ok(keep(&chars, 6, 4).to_ascii_uppercase())
                }
                // Legacy 15-digit numbers: 6 region, 6 birth (YYMMDD), 3 sequence.
                15 if digits17(15) => Ok(keep(&chars, 6, 3)),
                _ => Err(invalid(rule_id, "expected an 18-character ID number")),
            }
        }
        "phone" => {
            let (prefix, number) = match value.strip_prefix("+86") {
                Some(rest) => ("+86", rest.trim_start()),
                None => ("", value),
            };
            let digits: Vec<char> = number.chars().filter(|c| *c != ' ' && *c != '-').collect();
            if digits.len() != 11
                || digits.first() != Some(&'1')
                || !digits.iter().all(char::is_ascii_digit)
            {
                return Err(invalid(rule_id, "expected an 11-digit mobile number"));
            }
            Ok(format!("{prefix}{}", keep(&digits, 3, 4)))
        }
        "name" => match chars.len() {
            0 => Err(invalid(rule_id, "the name is empty")),
            1 => Ok(stars(1)),
            2 => Ok(keep(&chars, 1, 0)),
            _ => Ok(keep(&chars, 1, 1)),
        },
        "address" => mask_address(value).ok_or_else(|| {
            invalid(
                rule_id,
                "no province, city or district found at the start of the address",
            )
        }),
        "bank_card" => {
            let digits: Vec<char> = chars
                .into_iter()
                .filter(|c| *c != ' ' && *c != '-')
                .collect();
            if !(12..=19).contains(&digits.len()) || !digits.iter().all(char::is_ascii_digit) {
                return Err(invalid(rule_id, "expected a card number of 12–19 digits"));
            }
            Ok(keep(&digits, 6, 4))
        }
        "plate" => {
            const REGIONS: &str =
                "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";
            let ok = matches!(chars.len(), 7 | 8)
                && chars.first().is_some_and(|c| REGIONS.contains(*c))
                && chars.get(1).is_some_and(char::is_ascii_uppercase)
                && chars
                    .iter()
                    .skip(2)
                    .all(|c| c.is_ascii_alphanumeric() || "学警港澳挂领".contains(*c));
            if !ok {
                return Err(invalid(rule_id, "expected a plate such as 粤B12348"));
            }
            Ok(keep(&chars, 3, 1))
        }
        "document_number" => {
            if chars.len() < 6 || !chars.iter().all(char::is_ascii_alphanumeric) {
                return Err(invalid(rule_id, "expected at least 6 letters or digits"));
            }
            Ok(keep(&chars, 2, 2))
        }
        "birth_date" => match super::date::Date::parse_iso(value) {
            Some(d) => Ok(format!("{:04}-**-**", d.year())),
            None => Err(invalid(rule_id, "expected a date YYYY-MM-DD")),
        },
        other => Err(Error::UnknownMaskRule {
            name: other.to_owned(),
        }),
    }
}

/// Keeps the administrative prefix (province, city, district) of a Chinese
/// address and masks the rest. Cuts early rather than late: a component
/// that looks like a street (路, 街, 号, …) ends the prefix.
fn mask_address(address: &str) -> Option<String> {
    const MUNICIPALITIES: &[&str] = &["北京市", "天津市", "上海市", "重庆市"];
    const PROVINCE: &[&str] = &["省", "自治区", "特别行政区"];
    const CITY: &[&str] = &["市", "自治州", "地区", "盟"];
    const DISTRICT: &[&str] = &["区", "县", "市", "旗"];
    const STREETISH: &str = "路街道号巷弄村组楼室栋幢单元院里胡同";
    const MAX_LEN: usize = 10;

    // The shortest component of at most MAX_LEN characters ending in one of
    // `suffixes`, at the start of `rest`.
    let component = |rest: &str, suffixes: &[&str]| -> Option<usize> {
        let mut best: Option<usize> = None;
        for s in suffixes {
            if let Some(pos) = rest.find(s) {
                let end = pos + s.len();
                let len = rest.get(..end)?.chars().count();
                if (2..=MAX_LEN).contains(&len) && best.is_none_or(|b| end < b) {
                    best = Some(end);
                }
            }
        }
        let end = best?;
        let text = rest.get(..end)?;
        (!text.chars().any(|c| STREETISH.contains(c))).then_some(end)
    };

    let mut kept = 0usize;
    if let Some(m) = MUNICIPALITIES.iter().find(|m| address.starts_with(**m)) {
        kept = m.len();
    } else if let Some(end) = component(address, PROVINCE) {
        kept = end;
        if let Some(c) = component(address.get(kept..)?, CITY) {
            kept += c;
        }
    } else if let Some(end) = component(address, CITY) {
        kept = end;
    }
    if let Some(d) = component(address.get(kept..)?, DISTRICT) {
        kept += d;
    }
    if kept == 0 {
        return None;
    }
    let head = address.get(..kept)?;
    if head.len() == address.len() {
        return Some(head.to_owned());
    }
    Some(format!("{head}****"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_what_the_rules_produce() {
        let inputs = [
            ("id_number", "440524188001010014"),
            ("phone", "13812341234"),
            ("name", "张小三"),
            ("address", "广东省深圳市南山区科技园路1号"),
            ("bank_card", "6222021234567891234"),
            ("plate", "粤B12348"),
            ("document_number", "E12345678"),
            ("birth_date", "1990-05-17"),
        ];
        assert_eq!(inputs.len(), rules().len());
        for ((id, input), rule) in inputs.iter().zip(rules()) {
            assert_eq!(*id, rule.id);
            assert_eq!(apply(id, input).unwrap(), rule.example, "{id}");
        }
    }
}
