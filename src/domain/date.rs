//! Dates as Indonesians write them, and the local time zone.

use chrono::{FixedOffset, NaiveDate};

use super::invalid::Invalid;

/// Western Indonesia Time, Nusakambangan's zone.
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// Accepts `dd/mm/yyyy` (also with `-` or `.`, and one-digit day or month)
/// and ISO `yyyy-mm-dd`. Two-digit years are refused: 25 could be 1925.
pub fn parse_date(input: &str) -> Result<NaiveDate, Invalid> {
    let text = input.trim();
    if text.is_empty() {
        return Err(Invalid::DateMissing);
    }
    let refuse = || Invalid::DateFormat { input: text.to_string() };
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return Err(refuse());
    }
    let number = |s: &str| s.parse::<u32>().map_err(|_| refuse());
    let (year, month, day) = if parts[0].len() == 4 {
        (number(parts[0])?, number(parts[1])?, number(parts[2])?)
    } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        (number(parts[2])?, number(parts[1])?, number(parts[0])?)
    } else {
        return Err(refuse());
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(refuse)
}

/// `dd/mm/yyyy`, the form shown to officers in both languages.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Accepts `WIB`, `WITA`, `WIT`, `UTC`, `+07:00`, `UTC+7` and the IANA names
/// of Indonesia's three zones.
/// WIB, WITA or WIT for Indonesia's zones, else the offset (`+05:30`).
pub fn zone_name(zone: FixedOffset) -> String {
    match zone.local_minus_utc() / 3600 {
        7..=9 if zone.local_minus_utc() % 3600 == 0 => {
            ["WIB", "WITA", "WIT"][(zone.local_minus_utc() / 3600 - 7) as usize].to_string()
        }
        _ => zone.to_string(),
    }
}

/// A Lapas is in Indonesia: its zone is WIB, WITA or WIT (UTC+7, +8, +9),
/// typed as a name or an offset.
pub fn parse_site_zone(input: &str) -> Result<FixedOffset, Invalid> {
    let zone = parse_time_zone(input)?;
    if [7, 8, 9].map(|h| h * 3600).contains(&zone.local_minus_utc()) {
        Ok(zone)
    } else {
        Err(Invalid::TimeZoneUnknown { input: input.trim().to_string() })
    }
}

pub fn parse_time_zone(input: &str) -> Result<FixedOffset, Invalid> {
    let text = input.trim();
    let refuse = || Invalid::TimeZoneUnknown { input: text.to_string() };
    let hours = match text.to_uppercase().as_str() {
        "WIB" | "ASIA/JAKARTA" | "ASIA/PONTIANAK" => Some(7),
        "WITA" | "ASIA/MAKASSAR" => Some(8),
        "WIT" | "ASIA/JAYAPURA" => Some(9),
        "UTC" | "GMT" | "Z" => Some(0),
        _ => None,
    };
    if let Some(h) = hours {
        return FixedOffset::east_opt(h * 3600).ok_or_else(refuse);
    }
    let offset = text
        .strip_prefix("UTC")
        .or_else(|| text.strip_prefix("utc"))
        .or_else(|| text.strip_prefix("GMT"))
        .unwrap_or(text);
    let (sign, rest) = match offset.chars().next() {
        Some('+') => (1, &offset[1..]),
        Some('-') => (-1, &offset[1..]),
        _ => return Err(refuse()),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => (&rest[..2], &rest[2..]),
        None => (rest, "0"),
    };
    let h: i32 = h.parse().map_err(|_| refuse())?;
    let m: i32 = m.parse().map_err(|_| refuse())?;
    if h > 14 || m >= 60 {
        return Err(refuse());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn accepts_indonesian_and_iso_dates() {
        assert_eq!(parse_date("05/03/2026"), Ok(d(2026, 3, 5)));
        assert_eq!(parse_date("5/3/2026"), Ok(d(2026, 3, 5)));
        assert_eq!(parse_date("05-03-2026"), Ok(d(2026, 3, 5)));
        assert_eq!(parse_date("2026-03-05"), Ok(d(2026, 3, 5)));
    }

    #[test]
    fn refuses_impossible_and_ambiguous_dates() {
        for input in ["31/02/2026", "05/03/26", "2026/13/01", "kemarin", "05/03", "1/2/3/2026"] {
            assert!(matches!(parse_date(input), Err(Invalid::DateFormat { .. })), "{input}");
        }
        assert_eq!(parse_date("  "), Err(Invalid::DateMissing));
    }

    #[test]
    fn time_zones() {
        assert_eq!(parse_time_zone("WIB").unwrap().local_minus_utc(), 7 * 3600);
        assert_eq!(parse_time_zone("WITA").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(parse_time_zone("+09:00").unwrap().local_minus_utc(), 9 * 3600);
        assert_eq!(parse_time_zone("UTC+7").unwrap().local_minus_utc(), 7 * 3600);
        assert_eq!(parse_time_zone("-0330").unwrap().local_minus_utc(), -(3 * 3600 + 1800));
        assert!(parse_time_zone("Mars").is_err());
    }
}
