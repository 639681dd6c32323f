//! Stored text made safe in the files and listings binalog writes, and read
//! back by `import`. Both directions of each rule live here side by side, so
//! that export then import gives the stored text back unchanged.
//!
//! - Forbidden characters (controls, bidi overrides, zero-width) are written
//!   escaped (`domain::text::escape_forbidden`): a terminal or an editor
//!   showing the file must not run or hide them. Such text exists only in
//!   databases older than the input rules; `import` turns the escapes back
//!   into the characters, and the domain rules then refuse them by name.
//! - A CSV text cell that a spreadsheet would run as a formula gets a
//!   leading apostrophe, which `import` removes again.

use std::borrow::Cow;

use crate::domain::text::{escape_forbidden, is_forbidden};

/// First characters that make a spreadsheet read a cell as a formula (tab
/// and carriage return because some programs drop them and then evaluate).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell, once its leading apostrophes are set aside, starts like
/// a formula. Counting text that already begins `'=` keeps the rule
/// reversible: it is written `''=`, and reading removes exactly one.
fn guarded_start(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A stored text as a CSV cell: escaped, and with a leading apostrophe if a
/// spreadsheet would take it for a formula. Numbers and dates are written as
/// they are; only text goes through here.
pub fn csv_text(text: &str) -> Cow<'_, str> {
    let escaped = escape_forbidden(text);
    if guarded_start(&escaped) { Cow::Owned(format!("'{escaped}")) } else { escaped }
}

/// The inverse of `csv_text`: the stored text a CSV text cell stands for.
pub fn read_csv_text(cell: &str) -> Cow<'_, str> {
    let unguarded = match cell.strip_prefix('\'') {
        Some(rest) if guarded_start(rest) => rest,
        _ => cell,
    };
    unescape_forbidden(unguarded)
}

/// The inverse of `escape_forbidden`: `\\` is one backslash, and `\x1b` or
/// `\u{202e}` the forbidden character it names. Anything else after a
/// backslash (`C:\data` typed by hand, `\x41`, which the escaping never
/// writes) is kept as it is.
pub fn unescape_forbidden(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (decoded, used) = decode_escape(after).unwrap_or(('\\', 0));
        out.push(decoded);
        rest = &after[used..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One escape after its backslash: the character and how many bytes of
/// `after` it took; None if `after` starts no escape the printer writes.
fn decode_escape(after: &str) -> Option<(char, usize)> {
    if after.starts_with('\\') {
        return Some(('\\', 1));
    }
    let (code, used, wide) = if let Some(hex) = after.strip_prefix('x') {
        let digits = hex.get(..2)?;
        (digits, 3, false)
    } else {
        let body = after.strip_prefix("u{")?;
        let digits = &body[..body.find('}')?];
        (digits, digits.len() + 3, true)
    };
    if !code.chars().all(|c| c.is_ascii_hexdigit()) || code.is_empty() {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(code, 16).ok()?)?;
    // Only what `escape_forbidden` writes: `\x` below 0x100, `\u{}` above.
    (is_forbidden(c) && wide == (u32::from(c) >= 0x100)).then_some((c, used))
}

/// Escapes every string in a JSON value before it is serialised: serde_json
/// writes C0 controls as `\u001b`, but C1 controls, DEL, bidi overrides and
/// zero-width characters would reach the reader's terminal raw.
pub fn escape_json_strings(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(escaped) = escape_forbidden(s) {
                *s = escaped;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_json_strings),
        Value::Object(fields) => fields.values_mut().for_each(escape_json_strings),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_an_apostrophe_that_reading_removes() {
        for (stored, written) in [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+62 812", "'+62 812"),
            ("-", "'-"),
            ("@cmd", "'@cmd"),
            ("'=already", "''=already"),
            ("''+x", "'''+x"),
            ("'plain", "'plain"),
            ("cabai", "cabai"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_text(stored), written, "{stored:?}");
            assert_eq!(read_csv_text(written), stored, "{written:?}");
        }
    }

    #[test]
    fn forbidden_characters_are_escaped_and_read_back() {
        let stored = "a\u{1b}]52;c;eA==\u{7}b \u{202e}x\u{200b} C:\\data \\x41 \u{9b}";
        let written = csv_text(stored);
        assert!(!written.chars().any(is_forbidden), "{written}");
        assert_eq!(read_csv_text(&written), stored);
        // Hand-written backslashes that start no escape stay as typed.
        assert_eq!(unescape_forbidden("C:\\data\\x41\\u{41}\\"), "C:\\data\\x41\\u{41}\\");
        assert_eq!(unescape_forbidden("\\x1b\\u{202e}\\\\"), "\u{1b}\u{202e}\\");
    }

    #[test]
    fn every_character_survives_the_round_trip() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        for start in ["", "=", "'", "''-", "\\", "\\x"] {
            let stored = format!("{start}{all}");
            assert_eq!(read_csv_text(&csv_text(&stored)), stored);
        }
    }

    #[test]
    fn json_strings_are_escaped_at_any_depth() {
        let mut value = serde_json::json!({"notes": "x\u{9b}y", "q": [{"item": "\u{202e}a"}], "n": 3});
        escape_json_strings(&mut value);
        let text = value.to_string();
        assert!(!text.chars().any(is_forbidden), "{text}");
        assert_eq!(value["notes"], "x\\x9by");
        assert_eq!(value["q"][0]["item"], "\\u{202e}a");
    }
}
