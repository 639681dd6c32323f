//! Free text as it is stored: one line, trimmed, within a length, without
//! characters a terminal or a reader would take for something else. These
//! are THE text rules: the records API, the import, the interface's fields
//! and `check` all ask them here.

use serde::{Deserialize, Serialize};

use super::invalid::Invalid;

/// Names of people, places, partners, programmes, agreement numbers, codes:
/// long enough for the longest official name, short enough for a column.
pub const NAME_MAX: usize = 80;
/// Items (`cabai merah`, `domba`) are grouped in totals; same as a name.
pub const ITEM_MAX: usize = 80;
/// Notes and the reasons for a correction or a void: a short paragraph.
pub const NOTES_MAX: usize = 1_000;

/// Every stored free-text field, so a message can say which one to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextField {
    Notes,
    /// Why an entry was corrected or voided.
    Reason,
    Item,
    OfficerName,
    SiteCode,
    SiteName,
    PartnerName,
    AgreementNumber,
    ProgramName,
}

impl TextField {
    pub const ALL: [TextField; 9] = [
        TextField::Notes,
        TextField::Reason,
        TextField::Item,
        TextField::OfficerName,
        TextField::SiteCode,
        TextField::SiteName,
        TextField::PartnerName,
        TextField::AgreementNumber,
        TextField::ProgramName,
    ];

    /// The most characters the field holds.
    pub fn max(self) -> usize {
        match self {
            TextField::Notes | TextField::Reason => NOTES_MAX,
            TextField::Item => ITEM_MAX,
            _ => NAME_MAX,
        }
    }

    /// The catalog key of the field's name in messages.
    pub fn label_key(self) -> &'static str {
        match self {
            TextField::Notes => "text_field.notes",
            TextField::Reason => "text_field.reason",
            TextField::Item => "text_field.item",
            TextField::OfficerName => "text_field.officer_name",
            TextField::SiteCode => "text_field.site_code",
            TextField::SiteName => "text_field.site_name",
            TextField::PartnerName => "text_field.partner_name",
            TextField::AgreementNumber => "text_field.agreement_number",
            TextField::ProgramName => "text_field.program_name",
        }
    }
}

/// The rules a text must meet to be stored in `field`, as it is (already
/// cleaned): no forbidden character, at most the field's length. `check`
/// asks this of stored values, the input paths via `clean_text`.
pub fn check_text(text: &str, field: TextField) -> Result<(), Invalid> {
    if let Some(c) = text.chars().find(|c| is_forbidden(*c)) {
        return Err(Invalid::TextForbidden { field, found: escape_forbidden(&c.to_string()).into_owned() });
    }
    if text.chars().count() > field.max() {
        return Err(Invalid::TextTooLong { field, max: field.max() });
    }
    Ok(())
}

/// Text as typed, made ready to store in `field`: white space folded, then
/// checked. Nothing else is changed (an item keeps its capitals: "BBI
/// Cilacap" is a name): a forbidden character or an overlong text is
/// refused, never silently cut.
pub fn clean_text(input: &str, field: TextField) -> Result<String, Invalid> {
    let text = clean_line(input);
    check_text(&text, field)?;
    Ok(text)
}

/// Like `clean_text`, for a field that may not be left empty.
pub fn required_text(input: &str, field: TextField) -> Result<String, Invalid> {
    let text = clean_text(input, field)?;
    if text.is_empty() {
        return Err(Invalid::TextMissing { field });
    }
    Ok(text)
}

/// Trims and folds runs of white space (including newlines and tabs) into
/// one space, so a pasted note cannot break a CSV row or a screen line.
pub fn clean_line(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What items are grouped and matched by: an item is stored as typed
/// ("BBI Cilacap"), and "bbi cilacap" or "BBI CILACAP" is the same item in
/// every total, rollup, herd, target, report and search. THE fold: every
/// key and comparison of items goes through here, so the rollups, `check`
/// and the national push cannot disagree. A full Unicode lowercase
/// (`str::to_lowercase`): databases written before items kept their
/// capitals stored exactly this, so their keys are unchanged. Not a full
/// case fold ("STRASSE" and "straße" stay two items), for that reason.
pub fn item_key(item: &str) -> String {
    item.to_lowercase()
}

/// The spelling shown for each of one programme's items, by `item_key`:
/// the first spelling stored for that programme and item (kept by the
/// store beside the entries, store/item_names.rs). One line of totals, a
/// report or the items offered stands for every spelling of its item and
/// shows this one; an item it does not know is shown as given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemNames(pub std::collections::BTreeMap<String, String>);

impl ItemNames {
    pub fn shown(&self, item: &str) -> String {
        self.0.get(&item_key(item)).cloned().unwrap_or_else(|| item.to_string())
    }
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

    #[test]
    fn notes_and_reasons_take_a_thousand_characters_names_and_items_eighty() {
        for field in TextField::ALL {
            let max = field.max();
            assert_eq!(max, if matches!(field, TextField::Notes | TextField::Reason) { 1_000 } else { 80 });
            let full = "é".repeat(max);
            assert_eq!(clean_text(&full, field).as_deref(), Ok(full.as_str()), "{field:?}");
            let over = "é".repeat(max + 1);
            assert_eq!(clean_text(&over, field), Err(Invalid::TextTooLong { field, max }), "{field:?}");
        }
    }

    #[test]
    fn forbidden_characters_are_refused_naming_the_field_and_the_character() {
        for field in TextField::ALL {
            for (text, shown) in
                [("a\u{1b}[31mb", "\\x1b"), ("x\u{202e}y", "\\u{202e}"), ("ca\u{200b}bai", "\\u{200b}")]
            {
                assert_eq!(
                    clean_text(text, field),
                    Err(Invalid::TextForbidden { field, found: shown.to_string() }),
                    "{field:?} {text:?}"
                );
            }
        }
    }

    #[test]
    fn white_space_is_folded_and_everything_else_kept() {
        assert_eq!(clean_text("  Panen\tcabai\r\n  merah ", TextField::Notes).unwrap(), "Panen cabai merah");
        assert_eq!(clean_text(" Cabai  Merah ", TextField::Item).unwrap(), "Cabai Merah");
        assert_eq!(clean_text("  BBI\tCilacap ", TextField::Item).unwrap(), "BBI Cilacap");
        assert_eq!(clean_text("Lapas Kelas I — Batu ²", TextField::SiteName).unwrap(), "Lapas Kelas I — Batu ²");
        assert_eq!(
            required_text("   ", TextField::ProgramName),
            Err(Invalid::TextMissing { field: TextField::ProgramName })
        );
        assert_eq!(clean_text("", TextField::Notes).unwrap(), "");
    }

    fn same_item(a: &str, b: &str) -> bool {
        item_key(a) == item_key(b)
    }

    #[test]
    fn items_are_one_item_whatever_their_capitals() {
        let table = [
            ("BBI Cilacap", "bbi cilacap", true),
            ("BBI CILACAP", "bbi cilacap", true),
            ("Domba", "domba", true),
            ("ÉLEVAGE", "élevage", true),
            ("ΣΟΦΙΑ", "σοφια", true),
            ("İkan", "i\u{307}kan", true),
            ("cabai", "cabai merah", false),
            ("domba", "dombа", false), // the last letter Cyrillic: another item
            // A lowercase, not a full case fold: "ß" stays "ß", "SS" is "ss".
            ("STRASSE", "straße", false),
        ];
        for (a, b, same) in table {
            assert_eq!(same_item(a, b), same, "{a:?} {b:?}");
            assert_eq!(same_item(b, a), same, "{b:?} {a:?}");
        }
        assert_eq!(item_key("BBI Cilacap"), "bbi cilacap");
    }

    proptest::proptest! {
        /// The fold of a stored (lowercased) item is itself, so databases
        /// written before items kept their capitals keep their keys; and
        /// any spelling's key is the key of its key.
        #[test]
        fn the_fold_is_idempotent_and_ignores_capitals(item in "\\PC{0,24}") {
            let key = item_key(&item);
            proptest::prop_assert_eq!(item_key(&key), key.clone());
            proptest::prop_assert!(same_item(&item.to_ascii_uppercase(), &item));
            proptest::prop_assert!(same_item(&item, &key));
        }
    }
}
