//! Lists of entries across programmes in date order (home's latest
//! entries, the verification queue), read as a ledger: a row names its
//! date only when the row above in view has another, and its programme
//! only when the date or the programme changes. The rows then read as
//! groups by day and programme, and a day's entries cost the link their
//! date once (issue 12).

use crate::domain::date::format_date;
use crate::domain::entry::Entry;
use crate::tui::theme::Theme;

/// The date's and the programme's columns of `entry`'s row, padded to 10
/// and `program_cells` cells, blank where `above` (the row above it in
/// view; none for the first) already names them.
pub fn date_and_program(
    theme: Theme,
    above: Option<&Entry>,
    entry: &Entry,
    program: &str,
    program_cells: usize,
) -> String {
    let same_day = above.is_some_and(|a| a.draft.date == entry.draft.date);
    let same_program = same_day && above.is_some_and(|a| a.draft.program == entry.draft.program);
    let date = if same_day { String::new() } else { format_date(entry.draft.date) };
    let program = if same_program { "" } else { program };
    format!("{} {}", theme.pad(&date, 10), theme.pad(program, program_cells))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::{Quantity, test_entry};
    use crate::domain::sector::Kind;
    use chrono::NaiveDate;

    fn entry(day: u32, program: u32) -> Entry {
        let date = NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        let mut e = test_entry(1, date, Kind::Harvest, Quantity::parse("1 kg cabai").unwrap());
        e.draft.program = program;
        e
    }

    #[test]
    fn a_date_and_a_programme_the_row_above_names_are_left_blank() {
        let theme = Theme { color: false, ascii: false };
        let (a, b, c) = (entry(9, 1), entry(9, 2), entry(10, 2));
        assert_eq!(date_and_program(theme, None, &a, "Domba", 6), "09/03/2026 Domba ");
        assert_eq!(date_and_program(theme, Some(&a), &a, "Domba", 6), format!("{} {}", " ".repeat(10), " ".repeat(6)));
        assert_eq!(date_and_program(theme, Some(&a), &b, "Sampah", 6), format!("{} Sampah", " ".repeat(10)));
        // Another day names its programme again, even the same one.
        assert_eq!(date_and_program(theme, Some(&b), &c, "Sampah", 6), "10/03/2026 Sampah");
    }
}
