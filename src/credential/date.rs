//! Proleptic Gregorian calendar dates, as used on licences (`YYYY-MM-DD`).

use std::fmt;

/// A calendar date. Construct it with [`Date::new`], which checks that the
/// date exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Whether `year` is a Gregorian leap year.
#[must_use]
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
#[must_use]
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date `year-month-day`, if it exists in the Gregorian calendar.
    #[must_use]
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=9999).contains(&year) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }

    /// The UTC calendar date of a Unix time (seconds), or `None` out of range.
    #[must_use]
    pub fn from_unix(secs: i64) -> Option<Self> {
        let days = secs.div_euclid(86_400);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = if m <= 2 { y + 1 } else { y };
        Self::new(
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }

    /// Parses `YYYY-MM-DD`.
    #[must_use]
    pub fn parse_iso(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        Self::new(
            i32::try_from(num(0..4)?).ok()?,
            u8::try_from(num(5..7)?).ok()?,
            u8::try_from(num(8..10)?).ok()?,
        )
    }

    /// Parses the compact form `YYYYMMDD`.
    #[must_use]
    pub fn parse_compact(s: &str) -> Option<Self> {
        if s.len() != 8 || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let y = s.get(0..4)?.parse().ok()?;
        let m = s.get(4..6)?.parse().ok()?;
        let d = s.get(6..8)?.parse().ok()?;
        Self::new(y, m, d)
    }

    /// Whole years from `self` to `on` (age on a given day).
    #[must_use]
    pub fn years_until(self, on: Date) -> i32 {
        let mut years = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2024, 4, 31).is_none());
        assert!(Date::new(2024, 13, 1).is_none());
        assert!(Date::new(2024, 0, 1).is_none());
    }

    #[test]
    fn unix_conversion() {
        assert_eq!(Date::from_unix(0).unwrap().to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix(951_782_400).unwrap().to_string(),
            "2000-02-29"
        );
        assert_eq!(Date::from_unix(-86_400).unwrap().to_string(), "1969-12-31");
        assert_eq!(
            Date::from_unix(1_795_392_000).unwrap().to_string(),
            "2026-11-23"
        );
    }

    #[test]
    fn parsing_and_age() {
        let b = Date::parse_iso("2008-11-24").unwrap();
        assert_eq!(b.years_until(Date::parse_iso("2026-11-23").unwrap()), 17);
        assert_eq!(b.years_until(Date::parse_iso("2026-11-24").unwrap()), 18);
        assert!(Date::parse_iso("2008-1-24").is_none());
        assert!(Date::parse_iso("2008-01-+4").is_none());
        assert_eq!(
            Date::parse_compact("19491231").unwrap().to_string(),
            "1949-12-31"
        );
        assert!(Date::parse_compact("19490231").is_none());
    }
}
