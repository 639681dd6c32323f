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
