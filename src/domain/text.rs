//! Free text as it is stored: one line, trimmed, within a length.

use super::invalid::Invalid;

pub const NAME_MAX: usize = 80;
pub const ITEM_MAX: usize = 40;
pub const NOTES_MAX: usize = 500;

/// Trims and folds runs of white space (including newlines and tabs) into
/// one space, so a pasted note cannot break a CSV row or a screen line.
pub fn clean_line(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Item labels group totals, so `Cabai ` and `cabai` must be one item.
pub fn clean_item(input: &str) -> String {
    clean_line(input).to_lowercase()
}

pub fn check_length(text: &str, max: usize) -> Result<(), Invalid> {
    if text.chars().count() > max {
        return Err(Invalid::TextTooLong { max });
    }
    Ok(())
}

/// Characters no stored text may hold, whatever the field:
/// - C0 and C1 controls and DEL: a terminal runs them as commands (an
///   escape sequence in a note could retitle the window or write the
///   clipboard of whoever prints it);
/// - bidirectional overrides, embeddings and isolates: they reorder what a
///   reader sees, so a figure or a name can be shown other than stored;
/// - zero-width and other invisible format characters (and the BOM): two
///   different texts would look the same, splitting one item's totals.
///
/// Ordinary white space (space, tab, newline) is folded by `clean_line`
/// before this is asked, so it never reaches a stored value.
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}' // LRE RLE PDF LRO RLO
            | '\u{2066}'..='\u{2069}' // LRI RLI FSI PDI
            | '\u{200E}' | '\u{200F}' | '\u{061C}' // LRM RLM ALM
            | '\u{200B}'..='\u{200D}' // zero-width space, non-joiner, joiner
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{FEFF}' // zero-width no-break space (BOM)
            | '\u{00AD}' // soft hyphen
            | '\u{180E}' // Mongolian vowel separator
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation controls
        )
}

/// Stored text made safe to print: every forbidden character written as an
/// escape (`\x1b`, `\u{202e}`), and a backslash doubled so an escape stays
/// unambiguous. Text that needs nothing is borrowed as it is.
pub fn escape_forbidden(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| is_forbidden(c) || c == '\\') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if is_forbidden(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_forbidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_invisible_characters_are_forbidden() {
        for c in ['\u{1b}', '\u{7}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2067}', '\u{200b}', '\u{feff}', '\u{ad}'] {
            assert!(is_forbidden(c), "{:?}", c);
        }
        for c in ['a', 'é', '²', '中', '😀', ' ', ',', '-'] {
            assert!(!is_forbidden(c), "{:?}", c);
        }
    }

    #[test]
    fn escaping_shows_every_forbidden_character_and_nothing_raw() {
        assert_eq!(escape_forbidden("cabai 12,5 kg"), "cabai 12,5 kg");
        assert!(matches!(escape_forbidden("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape_forbidden("a\u{1b}]52;c;x\u{7}b"), "a\\x1b]52;c;x\\x07b");
        assert_eq!(escape_forbidden("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape_forbidden("a\\x1b"), "a\\\\x1b");
        let nasty: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!escape_forbidden(&nasty).chars().any(is_forbidden));
    }
}
