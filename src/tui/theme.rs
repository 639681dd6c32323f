//! Colours and line drawing. Only the 16 named colours (every terminal has
//! them, and they cost the fewest bytes); none at all under NO_COLOR, where
//! reverse video and the `>` marker still show the selection. Borders fall
//! back to + - | when the terminal cannot be trusted with UTF-8.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    /// From the environment: NO_COLOR (any non-empty value, as
    /// no-color.org says), a `TERM` without colour (as NO_COLOR does), and
    /// the locale, or `--ascii`.
    pub fn from_env(ascii_flag: bool) -> Theme {
        let var = |name: &str| std::env::var(name).ok();
        let no_color = var("NO_COLOR").is_some_and(|v| !v.is_empty());
        let colour = super::term_caps::from_env().colour;
        Theme { color: colour && !no_color, ascii: ascii_flag || !utf8_locale(var) }
    }

    fn fg(self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The selected row or the focused field's label.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn error(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::LightGreen).add_modifier(Modifier::BOLD)
    }

    /// What is done, in a list of what is and is not (home's week and
    /// today's entries): green without bold, as `missing` is yellow.
    pub fn done(self) -> Style {
        self.fg(Color::LightGreen)
    }

    pub fn missing(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// A key in the hints: bright cyan, or bold without colour. Not both:
    /// the bold costs two bytes a key on every screen's hints (issue 12).
    pub fn key(self) -> Style {
        if self.color { self.fg(Color::LightCyan) } else { Style::new().add_modifier(Modifier::BOLD) }
    }

    pub fn strong(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Text without any style.
    pub fn plain(self) -> Style {
        Style::new()
    }

    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// A box in the text's own colour: a coloured border costs a colour
    /// change on and off on every row it crosses (about 250 bytes a screen
    /// on the wire, issue 12) and says nothing the lines do not.
    /// A part of a screen: its title on a line of its own, no box. Box
    /// lines cost three bytes a cell in UTF-8 and made half of home's
    /// bytes on a 9600-baud link (issue 12); a title in bold sets the
    /// parts apart as well.
    pub fn section(self) -> Block<'static> {
        Block::new()
    }

    /// A box over what is already on screen (a question, the login): its
    /// border keeps it apart from what lies under it.
    pub fn dialog(self) -> Block<'static> {
        let block = Block::new().borders(Borders::ALL);
        if self.ascii { block.border_set(ASCII_BORDER) } else { block }
    }

    pub fn check(self) -> &'static str {
        if self.ascii { "+" } else { "✓" }
    }

    /// Marks a voided entry.
    pub fn voided(self) -> &'static str {
        if self.ascii { "x" } else { "×" }
    }

    pub fn cross(self) -> &'static str {
        if self.ascii { "-" } else { "·" }
    }

    pub fn mask(self) -> char {
        if self.ascii { '*' } else { '•' }
    }

    pub fn ellipsis(self) -> &'static str {
        if self.ascii { "~" } else { "…" }
    }

    pub fn separator(self) -> &'static str {
        if self.ascii { " | " } else { " · " }
    }

    pub fn choice(self) -> (&'static str, &'static str) {
        if self.ascii { ("< ", " >") } else { ("‹ ", " ›") }
    }

    /// Between a value before a change and after it.
    pub fn arrow(self) -> &'static str {
        if self.ascii { "->" } else { "→" }
    }

    /// More above what is shown.
    pub fn up(self) -> &'static str {
        if self.ascii { "^" } else { "↑" }
    }

    /// More below what is shown.
    pub fn down(self) -> &'static str {
        if self.ascii { "v" } else { "↓" }
    }

    pub fn dash(self) -> &'static str {
        if self.ascii { "-" } else { "–" }
    }

    /// `text` cut to `width` terminal cells, marking the cut at the end.
    /// Cells, not characters: an emoji or a CJK character takes two.
    pub fn fit(self, text: &str, width: usize) -> String {
        if text.width() <= width {
            return text.to_string();
        }
        if width == 0 {
            return String::new();
        }
        let mut cut = take_cells(text.chars(), width - 1);
        cut.push_str(self.ellipsis());
        cut
    }

    /// `text` cut to `width` cells in the middle, keeping its start and
    /// end: items that share a long prefix stay apart ("pakan ayam…jagung").
    pub fn fit_middle(self, text: &str, width: usize) -> String {
        if text.width() <= width {
            return text.to_string();
        }
        if width < 3 {
            return self.fit(text, width);
        }
        let room = width - 1;
        let tail_cells = room - room / 2;
        let tail: String = take_cells(text.chars().rev(), tail_cells).chars().rev().collect();
        let head = take_cells(text.chars(), room - tail.width());
        format!("{head}{}{tail}", self.ellipsis())
    }

    /// `text` cut or padded to exactly `width` cells.
    pub fn pad(self, text: &str, width: usize) -> String {
        pad_cells(&self.fit(text, width), width)
    }

    /// `text` cut in the middle or padded to exactly `width` cells.
    pub fn pad_middle(self, text: &str, width: usize) -> String {
        pad_cells(&self.fit_middle(text, width), width)
    }

    /// `text` cut or padded on the left to exactly `width` cells: numbers
    /// in columns.
    pub fn pad_left(self, text: &str, width: usize) -> String {
        let fitted = self.fit(text, width);
        format!("{}{fitted}", " ".repeat(width.saturating_sub(fitted.width())))
    }
}

/// The leading characters of `chars` that fill at most `cells` cells.
fn take_cells(chars: impl Iterator<Item = char>, cells: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in chars {
        let w = c.width().unwrap_or(0);
        if used + w > cells {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Spaces after `text` up to `width` cells.
fn pad_cells(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// How many terminal cells `text` takes.
pub fn cells(text: &str) -> usize {
    text.width()
}

/// Replaces every character a non-UTF-8 terminal cannot show: the few
/// the screens use by their ASCII look-alikes, any other (an accented name,
/// m²) by its nearest ASCII or `?`. Applied to the finished frame, so no
/// text anywhere can slip a UTF-8 byte onto such a terminal.
pub fn to_ascii(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        let plain: String = symbol.chars().map(ascii_of).collect();
        cell.set_symbol(&plain);
    }
}

fn ascii_of(c: char) -> char {
    match c {
        c if c.is_ascii() => c,
        '²' => '2',
        '…' => '~',
        '·' | '│' | '┃' => '|',
        '‹' | '«' => '<',
        '›' | '»' => '>',
        '✓' => '+',
        '×' => 'x',
        '•' => '*',
        '–' | '—' | '─' => '-',
        'à'..='å' => 'a',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ò'..='ö' => 'o',
        'ù'..='ü' => 'u',
        'À'..='Å' => 'A',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ò'..='Ö' => 'O',
        'Ù'..='Ü' => 'U',
        _ => '?',
    }
}

/// Whether the locale promises UTF-8: LC_ALL, else LC_CTYPE, else LANG,
/// as the C library picks them. No locale at all is the C locale: ASCII.
pub fn utf8_locale(var: impl Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"].into_iter().filter_map(var).find(|v| !v.is_empty());
    locale.is_some_and(|l| {
        let l = l.to_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_locale_decides_line_drawing() {
        assert!(utf8_locale(env(&[("LANG", "id_ID.UTF-8")])));
        assert!(utf8_locale(env(&[("LC_ALL", "C.utf8"), ("LANG", "C")])));
        assert!(!utf8_locale(env(&[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")])));
        assert!(!utf8_locale(env(&[("LANG", "id_ID.ISO-8859-1")])));
        assert!(!utf8_locale(env(&[])));
        assert!(utf8_locale(env(&[("LC_ALL", ""), ("LC_CTYPE", "en_US.UTF-8")])));
    }

    #[test]
    fn without_colour_styles_carry_no_colour() {
        let plain = Theme { color: false, ascii: true };
        for style in [plain.title(), plain.error(), plain.ok(), plain.done(), plain.key(), plain.dim(), plain.missing()]
        {
            assert_eq!((style.fg, style.bg), (None, None));
        }
        assert!(plain.selected().add_modifier.contains(Modifier::REVERSED));
        assert_eq!(plain.fit("Lapas Terbuka", 6), "Lapas~");
    }

    #[test]
    fn widths_count_terminal_cells_not_characters() {
        let theme = Theme { color: true, ascii: false };
        // Two emoji take four cells: the pad leaves room for exactly that.
        assert_eq!(cells(&theme.pad("🐑🐑", 6)), 6);
        assert_eq!(theme.pad("🐑🐑", 6), "🐑🐑  ");
        assert_eq!(theme.fit("鸡蛋鸡蛋", 5), "鸡蛋…");
        assert_eq!(cells(&theme.pad("鸡蛋鸡蛋鸡蛋", 7)), 7);
        assert_eq!(theme.pad_left("1.250", 8), "   1.250");
        // Items sharing a long prefix stay apart when cut in the middle.
        let a = theme.fit_middle("domba garut betina dewasa", 12);
        let b = theme.fit_middle("domba garut betina anakan", 12);
        assert_ne!(a, b);
        assert_eq!(cells(&a), 12);
        assert_eq!(a, "domba…dewasa");
        assert_eq!(theme.fit_middle("domba", 12), "domba");
    }

    #[test]
    fn an_ascii_frame_holds_only_ascii() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 1));
        buffer.set_string(0, 0, "189 m² José ✓ 中", ratatui::style::Style::new());
        to_ascii(&mut buffer);
        let line: String = buffer.content.iter().map(|c| c.symbol()).collect();
        assert!(line.is_ascii(), "{line}");
        assert!(line.starts_with("189 m2 Jose + ?"), "{line}");
    }
}
