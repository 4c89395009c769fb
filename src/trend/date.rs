//! Calendar dates read from the formats news data carries, and the periods
//! (day, ISO week, month, quarter, year) they fall in.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// How much of a date its text gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A date as read, with the precision its text had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedDate {
    pub date: Date,
    pub precision: Precision,
}

/// The length of a trend period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Day,
    /// ISO 8601 weeks, Monday to Sunday.
    Week,
    Month,
    Quarter,
    Year,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The formats [`parse_date`] reads, for error messages.
pub const DATE_FORMATS: &str = "YYYY-MM-DD, YYYY/MM/DD, YYYY-MM, YYYY, an ISO 8601 datetime \
     (YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]), \"28 Nov 2026\", \"Nov 28, 2026\", or an RFC 2822 date";

impl Date {
    /// A valid date, or None.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Monday is 0.
    pub fn weekday(self) -> i64 {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Period {
    /// The first day of the period holding `date`.
    pub fn start(self, date: Date) -> Date {
        match self {
            Period::Day => date,
            Period::Week => Date::from_days(date.days() - date.weekday()),
            Period::Month => Date { day: 1, ..date },
            Period::Quarter => Date {
                month: (date.month - 1) / 3 * 3 + 1,
                day: 1,
                ..date
            },
            Period::Year => Date {
                month: 1,
                day: 1,
                ..date
            },
        }
    }

    /// The period's name: `2026-11-28`, `2026-W48`, `2026-11`, `2026-Q4`, `2026`.
    pub fn label(self, start: Date) -> String {
        match self {
            Period::Day => start.to_string(),
            Period::Week => {
                // The ISO week-year is the year of the week's Thursday.
                let thursday = Date::from_days(start.days() + 3);
                let jan1 = Date::new(thursday.year, 1, 1).expect("valid");
                let week = (thursday.days() - jan1.days()) / 7 + 1;
                format!("{:04}-W{week:02}", thursday.year)
            }
            Period::Month => format!("{:04}-{:02}", start.year, start.month),
            Period::Quarter => format!("{:04}-Q{}", start.year, (start.month - 1) / 3 + 1),
            Period::Year => format!("{:04}", start.year),
        }
    }

    /// The precision a date needs to fall in one period of this length.
    pub fn needs(self) -> Precision {
        match self {
            Period::Day | Period::Week => Precision::Day,
            Period::Month | Period::Quarter => Precision::Month,
            Period::Year => Precision::Year,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// Reads a date in one of [`DATE_FORMATS`]. A datetime with a UTC offset is
/// moved to UTC first, so its day is the UTC day.
pub fn parse_date(text: &str) -> Option<ParsedDate> {
    let text = text.trim();
    if text.as_bytes().first()?.is_ascii_digit()
        && text.len() >= 4
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
    {
        parse_iso(text)
    } else {
        parse_written(text)
    }
}

fn number(s: &str, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn parse_iso(text: &str) -> Option<ParsedDate> {
    let (date_part, time_part) = match text.find(['T', 't', ' ']) {
        Some(i) => (&text[..i], Some(text[i + 1..].trim())),
        None => (text, None),
    };
    let sep = if date_part.contains('/') { '/' } else { '-' };
    let mut parts = date_part.split(sep);
    let year = number(parts.next()?, 4..=4)? as i32;
    let month = parts
        .next()
        .map(|m| number(m, 1..=2))
        .map_or(Some(None), |m| m.map(Some))?;
    let day = parts
        .next()
        .map(|d| number(d, 1..=2))
        .map_or(Some(None), |d| d.map(Some))?;
    if parts.next().is_some() {
        return None;
    }
    let (date, precision) = match (month, day) {
        (None, _) => (Date::new(year, 1, 1)?, Precision::Year),
        (Some(m), None) => (Date::new(year, m as u8, 1)?, Precision::Month),
        (Some(m), Some(d)) => (Date::new(year, m as u8, d as u8)?, Precision::Day),
    };
    let date = match time_part {
        None => date,
        Some(_) if precision != Precision::Day => return None,
        Some(time) => shift_to_utc(date, time)?,
    };
    Some(ParsedDate { date, precision })
}

/// The UTC date of `date` at `time` (`HH:MM[:SS[.frac]][Z|±HH:MM|±HHMM| UTC| GMT]`).
fn shift_to_utc(date: Date, time: &str) -> Option<Date> {
    let split = time.find(['Z', 'z', '+', '-', ' ']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(split);
    let mut fields = clock.split(':');
    let hour = number(fields.next()?, 1..=2)?;
    let minute = number(fields.next()?, 2..=2)?;
    if let Some(seconds) = fields.next() {
        let whole = seconds.split('.').next()?;
        if number(whole, 2..=2)? > 60 {
            return None;
        }
    }
    if hour > 24 || minute > 59 {
        return None;
    }
    let offset = zone_offset_minutes(zone.trim())?;
    let minutes = i64::from(hour * 60 + minute) - offset;
    Some(Date::from_days(date.days() + minutes.div_euclid(24 * 60)))
}

fn zone_offset_minutes(zone: &str) -> Option<i64> {
    match zone {
        "" | "Z" | "z" | "UTC" | "GMT" | "UT" => return Some(0),
        _ => {}
    }
    let sign = match zone.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|&c| c != ':').collect();
    let hhmm = number(&digits, 2..=4)?;
    let (h, m) = if digits.len() <= 2 {
        (hhmm, 0)
    } else {
        (hhmm / 100, hhmm % 100)
    };
    (h <= 23 && m <= 59).then_some(sign * i64::from(h * 60 + m))
}

/// `28 Nov 2026`, `28 November 2026`, `Nov 28, 2026`, `November 28 2026`,
/// each with an optional leading weekday (`Sat, `) and, after the year, an
/// optional time and zone (RFC 2822).
fn parse_written(text: &str) -> Option<ParsedDate> {
    let mut words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if words.first().is_some_and(|w| weekday_name(w)) {
        words.remove(0);
    }
    if words.len() < 3 {
        return None;
    }
    let (day, month) = match (month_of(words[0]), month_of(words[1])) {
        (Some(m), None) => (words[1], m),
        (None, Some(m)) => (words[0], m),
        _ => return None,
    };
    // "28th", "1st", "2nd", "3rd".
    let day = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| day.strip_suffix(suffix))
        .unwrap_or(day);
    let day = number(day, 1..=2)? as u8;
    let year = number(words[2], 4..=4)? as i32;
    let date = Date::new(year, month, day)?;
    let date = match &words[3..] {
        [] => date,
        [time] => shift_to_utc(date, time)?,
        [time, zone] => shift_to_utc(date, &format!("{time}{}", zone_suffix(zone)))?,
        _ => return None,
    };
    Some(ParsedDate {
        date,
        precision: Precision::Day,
    })
}

fn zone_suffix(zone: &str) -> String {
    if zone.starts_with(['+', '-']) {
        zone.to_string()
    } else {
        format!(" {zone}")
    }
}

fn month_of(word: &str) -> Option<u8> {
    let lower = word.trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let position = MONTHS.iter().position(|m| lower.starts_with(m))?;
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = FULL[position];
    (full.starts_with(&lower) || lower == "sept").then_some(position as u8 + 1)
}

fn weekday_name(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .any(|d| lower.starts_with(d))
        && lower.len() <= 9
        && month_of(word).is_none()
}
