//! Exact fixed-point quantities. Five years of daily totals must add up to the
//! last digit, so values are integers counting thousandths, never floats.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::invalid::Invalid;
use super::unit::Unit;

/// Thousandths per whole unit: three decimals cover grams in a kilogram and
/// millilitres in a litre, the finest anyone weighs in a workshop.
pub const SCALE: i64 = 1000;
const DECIMALS: usize = 3;

/// A non-negative amount in thousandths of its unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub fn from_milli(milli: i64) -> Amount {
        Amount(milli)
    }

    pub fn whole(units: i64) -> Amount {
        Amount(units * SCALE)
    }

    pub fn milli(self) -> i64 {
        self.0
    }

    pub fn is_whole(self) -> bool {
        self.0 % SCALE == 0
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// Parses a value as officers type it: `12,5` and `12.5` are both twelve
    /// and a half. Thousands separators are refused rather than guessed,
    /// because `1.250` means 1250 to some and 1,25 to others.
    ///
    /// The ambiguity rule: one mark followed by exactly three digits and
    /// nothing else, after one to three digits not starting with 0 (`1.250`,
    /// `12,500`, `999.000`), is how Indonesian writes a thousands group as
    /// well as how it writes three decimals, so it is refused with both
    /// readings. Everything else has one reading: `12,5` and `0,125` (a
    /// thousands group never follows a lone 0, nor a leading 0), `,125`,
    /// `1234.567` (a group would be `1.234.567`), `1.25`, `1.2500` (too
    /// precise anyway).
    pub fn parse(input: &str, unit: Unit) -> Result<Amount, Invalid> {
        Amount::parse_with(input, unit, None)
    }

    /// `parse` for a value whose decimal mark is known to be a comma (a
    /// file Excel wrote in Indonesian): `1,125` is one and an eighth, never
    /// ambiguous, and a dot is a thousands separator, refused as one.
    pub fn parse_decimal_comma(input: &str, unit: Unit) -> Result<Amount, Invalid> {
        Amount::parse_with(input, unit, Some(','))
    }

    fn parse_with(input: &str, unit: Unit, decimal_mark: Option<char>) -> Result<Amount, Invalid> {
        let text = input.trim();
        let owned = || text.to_string();
        if text.is_empty() {
            return Err(Invalid::ValueMissing);
        }
        if text.starts_with('-') {
            return Err(Invalid::ValueNegative { input: owned() });
        }
        let text = text.strip_prefix('+').unwrap_or(text);
        let separators: Vec<char> = text.chars().filter(|c| *c == '.' || *c == ',').collect();
        if separators.len() > 1 || decimal_mark.is_some_and(|mark| separators.iter().any(|c| *c != mark)) {
            return Err(Invalid::ValueThousands { input: owned() });
        }
        let (int_part, frac_part) = match text.find(['.', ',']) {
            Some(at) => (&text[..at], &text[at + 1..]),
            None => (text, ""),
        };
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if !digits_only(int_part) || !digits_only(frac_part) || (int_part.is_empty() && frac_part.is_empty()) {
            return Err(Invalid::ValueNotNumber { input: owned() });
        }
        let looks_grouped = (1..=3).contains(&int_part.len()) && !int_part.starts_with('0');
        if decimal_mark.is_none() && separators.len() == 1 && frac_part.len() == DECIMALS && looks_grouped {
            // Both readings fit in i64: at most 999 999 whole units.
            let int: i64 = int_part.parse().unwrap_or_default();
            let frac: i64 = frac_part.parse().unwrap_or_default();
            return Err(Invalid::ValueAmbiguous {
                input: owned(),
                thousands: Amount((int * SCALE + frac) * SCALE),
                decimal: Amount(int * SCALE + frac),
            });
        }
        // Zeros past the third decimal say nothing more: `7,1250` is how a
        // value with three decimals is typed unambiguously.
        let frac_part = match frac_part.get(DECIMALS..) {
            Some(rest) if rest.chars().all(|c| c == '0') => &frac_part[..DECIMALS],
            _ => frac_part,
        };
        if frac_part.len() > DECIMALS {
            return Err(Invalid::ValueTooPrecise { input: owned() });
        }
        let whole: i64 = if int_part.is_empty() {
            0
        } else {
            // Longer than any allowed maximum: report it as too large, not as an overflow.
            int_part.parse().map_err(|_| Invalid::ValueTooLarge { input: owned(), max: unit.max_value(), unit })?
        };
        let mut frac: i64 = 0;
        for (i, c) in frac_part.chars().enumerate() {
            frac += i64::from(c as u8 - b'0') * 10_i64.pow((DECIMALS - 1 - i) as u32);
        }
        let amount = whole
            .checked_mul(SCALE)
            .and_then(|m| m.checked_add(frac))
            .map(Amount)
            .ok_or(Invalid::ValueTooLarge { input: owned(), max: unit.max_value(), unit })?;
        amount.check_for(unit, text)?;
        Ok(amount)
    }

    /// The unit's own rules: whole animals and pieces, and a sane maximum.
    pub fn check_for(self, unit: Unit, input: &str) -> Result<(), Invalid> {
        if self.0 < 0 {
            return Err(Invalid::ValueNegative { input: input.to_string() });
        }
        if unit.whole_only() && !self.is_whole() {
            return Err(Invalid::ValueNotWhole { input: input.to_string(), unit });
        }
        if self > unit.max_value() {
            return Err(Invalid::ValueTooLarge { input: input.to_string(), max: unit.max_value(), unit });
        }
        Ok(())
    }

    /// Machine form for CSV and JSON: a dot, no trailing zeros (`12.5`).
    pub fn to_plain(self) -> String {
        self.format('.')
    }

    /// Display form with the given decimal mark (`12,5` in Indonesian).
    pub fn format(self, decimal_mark: char) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = abs / SCALE as u64;
        let frac = abs % SCALE as u64;
        if frac == 0 {
            return format!("{sign}{whole}");
        }
        let frac = format!("{frac:03}");
        format!("{sign}{whole}{decimal_mark}{}", frac.trim_end_matches('0'))
    }

    /// Display form with thousands grouping, for totals on screen and in
    /// reports (`1.250,5` in Indonesian, `1,250.5` in English).
    pub fn format_grouped(self, decimal_mark: char, group_mark: char) -> String {
        let plain = self.format(decimal_mark);
        let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
        let (int_part, frac_part) = match rest.find(decimal_mark) {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        let mut grouped = String::new();
        for (i, c) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                grouped.push(group_mark);
            }
            grouped.push(c);
        }
        format!("{sign}{grouped}{frac_part}")
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_and_dot_both_mean_a_decimal() {
        assert_eq!(Amount::parse("12,5", Unit::Kg), Ok(Amount(12_500)));
        assert_eq!(Amount::parse("12.5", Unit::Kg), Ok(Amount(12_500)));
        assert_eq!(Amount::parse(" 0,125 ", Unit::Kg), Ok(Amount(125)));
        assert_eq!(Amount::parse("7", Unit::Ekor), Ok(Amount(7_000)));
        assert_eq!(Amount::parse(",5", Unit::Kg), Ok(Amount(500)));
    }

    #[test]
    fn a_mark_before_exactly_three_digits_is_ambiguous_and_both_readings_are_offered() {
        let ambiguous = |input: &str, thousands: i64, decimal: i64| {
            assert_eq!(
                Amount::parse(input, Unit::Kg),
                Err(Invalid::ValueAmbiguous {
                    input: input.trim().to_string(),
                    thousands: Amount(thousands),
                    decimal: Amount(decimal)
                }),
                "{input}"
            );
        };
        ambiguous("1.250", 1_250_000, 1_250);
        ambiguous("1,250", 1_250_000, 1_250);
        ambiguous(" 12,500 ", 12_500_000, 12_500);
        ambiguous("999.999", 999_999_000, 999_999);
        ambiguous("1.000", 1_000_000, 1_000);
        ambiguous("+5,000", 5_000_000, 5_000);
        // A whole-only unit too: "1.000 ekor" once meant one animal.
        assert!(matches!(Amount::parse("1.000", Unit::Ekor), Err(Invalid::ValueAmbiguous { .. })));
        // The decimal reading offered is one that can be typed: a zero more.
        let e = Amount::parse("7,125", Unit::Kg).unwrap_err();
        assert_eq!(
            crate::i18n::invalid(crate::i18n::Lang::Id, &e),
            "7,125 bisa berarti 7125 atau 7,1250: tulis 7125 atau 7,1250."
        );
        assert_eq!(Amount::parse("7,1250", Unit::Kg), Ok(Amount(7_125)));
        assert_eq!(Amount::parse("7.12500", Unit::Kg), Ok(Amount(7_125)));
        assert!(matches!(Amount::parse("7,1251", Unit::Kg), Err(Invalid::ValueTooPrecise { .. })));
        let e = Amount::parse("1.250", Unit::Kg).unwrap_err();
        assert_eq!(
            crate::i18n::invalid(crate::i18n::Lang::Id, &e),
            "1.250 bisa berarti 1250 atau 1,25: tulis 1250 atau 1,25."
        );
        assert_eq!(
            crate::i18n::invalid(crate::i18n::Lang::En, &e),
            "1.250 could mean 1250 or 1.25: write 1250 or 1.25."
        );
    }

    #[test]
    fn values_with_one_reading_are_accepted() {
        for (input, milli) in [
            ("0,125", 125),
            ("0.125", 125),
            ("00,125", 125),
            ("01.250", 1_250),
            (",125", 125),
            ("1234.567", 1_234_567),
            ("1.25", 1_250),
            ("12,50", 12_500),
            ("1250", 1_250_000),
            ("1.2", 1_200),
        ] {
            assert_eq!(Amount::parse(input, Unit::Kg), Ok(Amount(milli)), "{input}");
        }
    }

    #[test]
    fn a_known_decimal_comma_is_never_ambiguous_and_a_dot_is_then_a_thousands_mark() {
        assert_eq!(Amount::parse_decimal_comma("1,125", Unit::Kg), Ok(Amount(1_125)));
        assert_eq!(Amount::parse_decimal_comma("12", Unit::Kg), Ok(Amount(12_000)));
        assert!(matches!(Amount::parse_decimal_comma("1.125", Unit::Kg), Err(Invalid::ValueThousands { .. })));
        assert!(matches!(Amount::parse_decimal_comma("1.250,5", Unit::Kg), Err(Invalid::ValueThousands { .. })));
    }

    #[test]
    fn thousands_separators_are_refused() {
        for input in ["1.250,5", "1,250.5", "1.250.000", "1,250,000"] {
            assert!(matches!(Amount::parse(input, Unit::Kg), Err(Invalid::ValueThousands { .. })), "{input}");
        }
    }

    #[test]
    fn unit_rules_apply() {
        assert!(matches!(Amount::parse("-3", Unit::Kg), Err(Invalid::ValueNegative { .. })));
        assert!(matches!(Amount::parse("2,5", Unit::Ekor), Err(Invalid::ValueNotWhole { .. })));
        assert!(matches!(Amount::parse("1,2345", Unit::Kg), Err(Invalid::ValueTooPrecise { .. })));
        assert!(matches!(Amount::parse("100001", Unit::Kg), Err(Invalid::ValueTooLarge { .. })));
        assert!(matches!(Amount::parse("99999999999999999999", Unit::Kg), Err(Invalid::ValueTooLarge { .. })));
        assert!(matches!(Amount::parse("12kg", Unit::Kg), Err(Invalid::ValueNotNumber { .. })));
        assert!(matches!(Amount::parse("", Unit::Kg), Err(Invalid::ValueMissing)));
        assert!(matches!(Amount::parse(".", Unit::Kg), Err(Invalid::ValueNotNumber { .. })));
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(Amount(12_500).format(','), "12,5");
        assert_eq!(Amount(12_000).to_plain(), "12");
        assert_eq!(Amount(5).to_plain(), "0.005");
        assert_eq!(Amount(1_250_500_000).format_grouped(',', '.'), "1.250.500");
        assert_eq!(Amount(1_250_500).format_grouped('.', ','), "1,250.5");
        assert_eq!(Amount(-1_250_500).format_grouped(',', '.'), "-1.250,5");
    }
}
