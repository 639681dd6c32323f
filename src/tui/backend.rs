//! A terminal backend that spends as few bytes as it can, for officers on
//! a slow SSH link. Compared with ratatui's crossterm backend it
//! - moves the cursor with the shortest sequence (CR, CR LF, relative steps
//!   or an absolute position, whichever is shorter, or none at all when
//!   the next cell is where the cursor already is),
//! - sends a style change only when the style changes, as one SGR with the
//!   5-byte codes of the 16 named colours,
//! - leaves the style as it is at the end of a frame instead of resetting
//!   it (the next frame starts from what the terminal already has),
//! - hides or shows the cursor only when that changes (ratatui asks on
//!   every frame: a key that changes nothing would cost 6 bytes),
//! - erases a line's trailing blanks with one erase-to-end-of-line instead
//!   of sending them as spaces,
//! - steps over a few unchanged cells by writing them again when that is
//!   shorter than moving the cursor past them,
//! - scrolls a block of lines that moved up or down by one line with a
//!   scrolling region (DECSTBM and a line feed or reverse index, all
//!   VT100), so a list that scrolls by one line costs about one line,
//! - where the terminal has it (`with_line_drawing`), draws boxes with the
//!   DEC special graphics set: one byte a line-drawing character instead
//!   of three in UTF-8, and the same lines on screen.
//!
//! It keeps a copy of what the terminal shows (`shown`) to know which
//! cells are blank, which moved, and what a skipped cell holds.
//!
//! What it writes is verified against a terminal emulator in the tests.

use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The drawing state the terminal is in, as far as we know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen { fg: Color::Reset, bg: Color::Reset, modifier: Modifier::empty() };

/// One cell as the terminal shows it. A wide character's second column
/// holds an empty symbol.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shown {
    symbol: String,
    pen: Pen,
}

impl Shown {
    fn blank() -> Shown {
        Shown { symbol: " ".into(), pen: PLAIN }
    }

    /// What an erase leaves: a space that looks unstyled.
    fn is_blank(&self) -> bool {
        self.symbol == " " && blank_look(self.pen) == PLAIN
    }

    /// Whether the two cells look the same. A space shows only its
    /// background and what is drawn across a whole cell: bold, dim, italic,
    /// blink or a foreground colour change nothing on it, so a field's
    /// blanks going bold with its focus cost no byte (issue 12).
    fn looks_like(&self, other: &Shown) -> bool {
        self.symbol == other.symbol
            && (self.pen == other.pen || (self.symbol == " " && blank_look(self.pen) == blank_look(other.pen)))
    }

    fn columns(&self) -> u16 {
        self.symbol.width().max(1) as u16
    }
}

/// What of `pen` shows on a space: the background, and reverse video,
/// underline and strike-through in the foreground colour.
fn blank_look(pen: Pen) -> Pen {
    let modifier = pen.modifier & (Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT);
    let fg = if modifier.is_empty() { Color::Reset } else { pen.fg };
    Pen { fg, bg: pen.bg, modifier }
}

fn same_row(a: &[Shown], b: &[Shown]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.looks_like(b))
}

/// Runs of fewer changed blanks than this are never erased (the erase
/// costs 3 bytes, often a style change and a move; `paint_row` weighs
/// the rest).
const ERASE_FROM: usize = 4;
/// The longest runs tried per line.
const ERASE_TRIES: usize = 3;

/// Where an erase to the end of the line might pay: the first changed
/// cell of each run of blanks with enough changed cells, longest first.
fn erase_candidates(want: &[Shown], shown: &[Shown]) -> Vec<usize> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut x = 0;
    while x < want.len() {
        if !want[x].is_blank() {
            x += 1;
            continue;
        }
        let run = x..want[x..].iter().position(|c| !c.is_blank()).map_or(want.len(), |n| x + n);
        let changed: Vec<usize> = run.clone().filter(|&x| !want[x].looks_like(&shown[x])).collect();
        if changed.len() >= ERASE_FROM {
            runs.push((changed.len(), changed[0]));
        }
        x = run.end;
    }
    runs.sort_by_key(|&(changed, _)| std::cmp::Reverse(changed));
    runs.into_iter().take(ERASE_TRIES).map(|(_, x)| x).collect()
}
/// Fewer moved lines than this are never scrolled (the region, the move
/// and the reset cost about 17 bytes; `paint` weighs the rest).
const SCROLL_FROM: usize = 2;

pub struct LeanBackend<W: Write> {
    out: W,
    /// `None` asks the real terminal; tests and benchmarks fix it.
    fixed_size: Option<Size>,
    /// Where the cursor is; `None` when unknown (after a write in the last
    /// column the terminal may be about to wrap, so we stop trusting it).
    cursor: Option<(u16, u16)>,
    pen: Option<Pen>,
    /// Whether the cursor shows; `None` until first set.
    visible: Option<bool>,
    /// What the terminal shows, row after row; empty until the first draw
    /// (a new screen is blank, as ratatui assumes too).
    shown: Vec<Shown>,
    /// Bytes of the current frame, written out in one go on flush.
    pending: String,
    /// Whether box drawing may use the DEC special graphics set.
    line_drawing: bool,
    /// Whether that set is selected now (a terminal starts without it).
    graphics: bool,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(out: W) -> LeanBackend<W> {
        LeanBackend {
            out,
            fixed_size: None,
            cursor: None,
            pen: None,
            visible: None,
            shown: Vec::new(),
            pending: String::new(),
            line_drawing: false,
            graphics: false,
        }
    }

    /// Draws boxes with the DEC special graphics set (the terminal must
    /// have it: see term_caps.rs). Leaving the program selects the usual
    /// set again (`LEAVE_LINE_DRAWING`).
    pub fn with_line_drawing(self, on: bool) -> LeanBackend<W> {
        LeanBackend { line_drawing: on, ..self }
    }

    /// The bytes that put `symbol` on screen, selecting the set it needs.
    fn put(&mut self, symbol: &str) {
        let graphic = if self.line_drawing { dec_graphic(symbol) } else { None };
        if graphic.is_some() != self.graphics && !(self.graphics && same_in_both_sets(symbol)) {
            self.graphics = graphic.is_some();
            self.pending.push_str(if self.graphics { ENTER_LINE_DRAWING } else { LEAVE_LINE_DRAWING });
        }
        match graphic {
            Some(c) => self.pending.push(c),
            None => self.pending.push_str(symbol),
        }
    }

    /// Whether writing `symbol` needs no change of character set.
    fn in_current_set(&self, symbol: &str) -> bool {
        !self.line_drawing || dec_graphic(symbol).is_some() == self.graphics || same_in_both_sets(symbol)
    }

    /// A backend of a fixed size, for tests and benchmarks.
    pub fn with_size(out: W, width: u16, height: u16) -> LeanBackend<W> {
        LeanBackend { fixed_size: Some(Size::new(width, height)), ..LeanBackend::new(out) }
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn move_to(&mut self, x: u16, y: u16) {
        if self.cursor == Some((x, y)) {
            return;
        }
        let best = self.cursor_move(x, y);
        self.pending.push_str(&best);
        self.cursor = Some((x, y));
    }

    /// The shortest sequence that takes the cursor to (x, y).
    fn cursor_move(&self, x: u16, y: u16) -> String {
        let absolute = if x == 0 { format!("\x1b[{}H", y + 1) } else { format!("\x1b[{};{}H", y + 1, x + 1) };
        match self.cursor {
            Some((cx, cy)) => {
                let relative = relative_move(cx, cy, x, y);
                if relative.len() < absolute.len() { relative } else { absolute }
            }
            None => absolute,
        }
    }

    fn set_pen(&mut self, want: Pen) {
        if self.pen == Some(want) {
            return;
        }
        // Attributes can only be switched off together, by a reset; where
        // none is switched off, the change alone may still cost more than
        // a reset and the whole style (`ESC[39m` against `ESC[m`).
        let reset = sgr(None, want);
        let best = match self.pen {
            Some(pen) if pen.modifier.difference(want.modifier).is_empty() => {
                let change = sgr(Some(pen), want);
                if change.len() <= reset.len() { change } else { reset }
            }
            _ => reset,
        };
        self.pending.push_str(&best);
        self.pen = Some(want);
    }

    fn set_visible(&mut self, visible: bool) {
        if self.visible != Some(visible) {
            self.pending.push_str(if visible { "\x1b[?25h" } else { "\x1b[?25l" });
            self.visible = Some(visible);
        }
    }

    /// The terminal shows `target` from now on: scrolls what moved by a
    /// line, then draws each line's changed cells.
    fn paint(&mut self, target: Vec<Shown>, width: u16, height: u16) {
        let scroll = find_scroll(&self.shown, &target, usize::from(width), usize::from(height));
        // Scrolling pays when the moved lines cost more than the region:
        // both ways are tried, the shorter is sent.
        let scrolled = scroll.map(|scroll| {
            let mut scrolled = self.trial();
            scrolled.scroll(scroll, usize::from(width));
            scrolled.paint_rows(&target, width, height);
            scrolled
        });
        // The state the frame starts from, for the cleared way below.
        let (start, written) = (self.trial_over(Vec::new(), self.pending.clone()), self.pending.len());
        self.paint_rows(&target, width, height);
        if let Some(scrolled) = scrolled.filter(|scrolled| scrolled.pending.len() < self.pending.len()) {
            self.take_from(scrolled);
        }
        // Another screen shares few cells with this one: erased first,
        // every blank of it is free, where line by line each line that
        // ends sooner costs an erase of its own. That way writes the erase
        // and a byte at the least for every cell that is not blank, so it
        // is tried only when the frame costs more (a step or a Tab never
        // does: no second painting of the screen per key). The erase may
        // start at any line, the lines above it changed cell by cell: two
        // screens share their title line's name and date.
        let least = "\x1b[J".len() + target.iter().filter(|c| !c.symbol.is_empty() && c.symbol != " ").count();
        if self.pending.len() - written > least {
            // The lines above the erase, changed cell by cell, grow a line
            // a try: each is painted once, not once for every erase below it.
            let mut above = start.trial_over(self.shown.clone(), start.pending.clone());
            for top in 0..height {
                let mut cleared = above.trial();
                cleared.erase_below(top, usize::from(width));
                for y in top..height {
                    cleared.paint_row(&target, y, width);
                }
                if cleared.pending.len() < self.pending.len() {
                    self.take_from(cleared);
                }
                above.paint_row(&target, top, width);
            }
        }
        self.shown = target;
    }

    /// Takes the way of painting a trial found.
    fn take_from(&mut self, trial: LeanBackend<io::Sink>) {
        (self.cursor, self.pen, self.pending, self.graphics) = (trial.cursor, trial.pen, trial.pending, trial.graphics);
    }

    /// Erases the screen from the start of line `top` down (not the
    /// "erase display" some terminals push into their scrollback), with
    /// no background.
    fn erase_below(&mut self, top: u16, width: usize) {
        self.set_pen(PLAIN);
        self.move_to(0, top);
        self.pending.push_str("\x1b[J");
        self.shown[usize::from(top) * width..].fill(Shown::blank());
    }

    /// A copy of the drawing state to try a way of painting on.
    fn trial(&self) -> LeanBackend<io::Sink> {
        self.trial_over(self.shown.clone(), self.pending.clone())
    }

    /// The drawing state over `shown`, with `pending` bytes written so far.
    fn trial_over(&self, shown: Vec<Shown>, pending: String) -> LeanBackend<io::Sink> {
        LeanBackend {
            out: io::sink(),
            fixed_size: self.fixed_size,
            cursor: self.cursor,
            pen: self.pen,
            visible: self.visible,
            shown,
            pending,
            line_drawing: self.line_drawing,
            graphics: self.graphics,
        }
    }

    fn paint_rows(&mut self, target: &[Shown], width: u16, height: u16) {
        for y in 0..height {
            self.paint_row(target, y, width);
        }
    }

    fn scroll(&mut self, scroll: Scroll, width: usize) {
        let Scroll { top, bottom, up } = scroll;
        // The line scrolled in is erased with the current background.
        self.set_pen(PLAIN);
        let _ = write!(self.pending, "\x1b[{};{}r", top + 1, bottom + 1);
        // Setting the region moves the cursor: home on a DEC terminal,
        // to the region's top on some emulators.
        self.cursor = None;
        if up {
            self.move_to(0, bottom as u16);
            self.pending.push('\n');
        } else {
            self.move_to(0, top as u16);
            self.pending.push_str("\x1bM");
        }
        self.pending.push_str("\x1b[r");
        self.cursor = Some((0, 0));
        let row = |y: usize| y * width..(y + 1) * width;
        if up {
            let moved: Vec<Shown> = self.shown[row(top + 1).start..row(bottom).end].to_vec();
            self.shown.splice(row(top).start..row(bottom - 1).end, moved);
            self.shown[row(bottom)].fill(Shown::blank());
        } else {
            let moved: Vec<Shown> = self.shown[row(top).start..row(bottom - 1).end].to_vec();
            self.shown.splice(row(top + 1).start..row(bottom).end, moved);
            self.shown[row(top)].fill(Shown::blank());
        }
    }

    /// Draws a line's changed cells. A run of blanks may go out as one
    /// erase to the end of the line, the cells after it drawn again: each
    /// such run is tried, and the shortest way sent.
    fn paint_row(&mut self, target: &[Shown], y: u16, width: u16) {
        let w = usize::from(width);
        let start = usize::from(y) * w;
        let want = &target[start..start + w];
        let shown = self.shown[start..start + w].to_vec();
        let mut best = self.trial_row();
        best.paint_row_erasing(want, &shown, y, width, None);
        for erase in erase_candidates(want, &shown) {
            let mut trial = self.trial_row();
            trial.paint_row_erasing(want, &shown, y, width, Some(erase));
            if trial.pending.len() < best.pending.len() {
                best = trial;
            }
        }
        (self.cursor, self.pen, self.graphics) = (best.cursor, best.pen, best.graphics);
        self.pending.push_str(&best.pending);
    }

    /// A drawing state for trying a line: its own bytes, no copy of the screen.
    fn trial_row(&self) -> LeanBackend<io::Sink> {
        self.trial_over(Vec::new(), String::new())
    }

    /// Draws the line `want` over `shown`, erasing from `erase` to the end
    /// of the line on the way when asked.
    fn paint_row_erasing(&mut self, want: &[Shown], shown: &[Shown], y: u16, width: u16, erase: Option<usize>) {
        let w = usize::from(width);
        // A wide character's second column is drawn with its first; after
        // the erase, every cell that is not blank is drawn again.
        let changed = |x: usize| {
            !want[x].symbol.is_empty()
                && match erase {
                    Some(e) if x >= e => !want[x].is_blank(),
                    _ => !want[x].looks_like(&shown[x]),
                }
        };
        let mut x = 0;
        while x < w {
            if erase == Some(x) {
                self.move_to(x as u16, y);
                self.set_pen(PLAIN);
                self.pending.push_str("\x1b[K");
            }
            if !changed(x) {
                x += 1;
                continue;
            }
            self.reach(want, x as u16, y);
            let cell = &want[x];
            self.set_pen(cell.pen);
            self.put(&cell.symbol);
            let advance = cell.columns();
            self.cursor = (x as u16 + advance < width).then_some((x as u16 + advance, y));
            x += usize::from(advance);
        }
    }

    /// Brings the cursor to (x, y): by writing the unchanged cells between
    /// it and x again when they look the same in the current style and
    /// that is shorter than a move. On the next line or the one after,
    /// that is a CR LF each and the line's first cells (an indent costs a
    /// byte a column, where a move costs 6).
    fn reach(&mut self, row: &[Shown], x: u16, y: u16) {
        if let (Some((cx, cy)), Some(pen)) = (self.cursor, self.pen) {
            let (from, newlines) = match () {
                _ if cy == y && cx < x => (cx, 0),
                _ if cy < y && y - cy <= 2 => (0, usize::from(y - cy)),
                _ => return self.move_to(x, y),
            };
            let gap = &row[usize::from(from)..usize::from(x)];
            let bytes: usize = 2 * newlines
                + gap
                    .iter()
                    .map(|c| if self.line_drawing && dec_graphic(&c.symbol).is_some() { 1 } else { c.symbol.len() })
                    .sum::<usize>();
            // A blank in another style that shows nothing different (bold,
            // a foreground colour) is written as a space in this one.
            let same = |c: &Shown| {
                c.looks_like(&Shown { symbol: c.symbol.clone(), pen })
                    && c.symbol.width() == 1
                    && self.in_current_set(&c.symbol)
            };
            if gap.iter().all(same) && bytes < self.cursor_move(x, y).len() {
                self.pending.push_str(&"\r\n".repeat(newlines));
                for cell in gap {
                    self.put(&cell.symbol);
                }
                self.cursor = Some((x, y));
                return;
            }
        }
        self.move_to(x, y);
    }
}

/// Selects the DEC special graphics set as G0, and the usual one back.
pub const ENTER_LINE_DRAWING: &str = "\x1b(0";
pub const LEAVE_LINE_DRAWING: &str = "\x1b(B";

/// The line-drawing characters binalog's boxes use, and their letters in
/// the DEC special graphics set (the same glyphs on a VT100 and its heirs).
const DEC_GRAPHICS: [(char, char); 12] = [
    ('─', 'q'),
    ('│', 'x'),
    ('┌', 'l'),
    ('┐', 'k'),
    ('└', 'm'),
    ('┘', 'j'),
    ('├', 't'),
    ('┤', 'u'),
    ('┬', 'w'),
    ('┴', 'v'),
    ('┼', 'n'),
    ('·', '~'),
];

/// Space, digits, capitals and most punctuation: the DEC set replaces only
/// 0x5F to 0x7E (lower case and a few signs).
fn same_in_both_sets(symbol: &str) -> bool {
    matches!(symbol.as_bytes(), [b] if (0x20..0x5f).contains(b))
}

fn dec_graphic(symbol: &str) -> Option<char> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    DEC_GRAPHICS.iter().find(|(unicode, _)| *unicode == c).map(|(_, dec)| *dec)
}

/// What a terminal with the DEC special graphics set shows, as UTF-8: for
/// checking output with an emulator that lacks the set (the vt100 crate).
/// Fed the output piece by piece as it arrives; a control sequence cut
/// between two pieces waits for the rest.
#[derive(Debug, Default)]
pub struct DecGraphicsAsUtf8 {
    /// Whether the set is selected.
    graphics: bool,
    held: Vec<u8>,
}

impl DecGraphicsAsUtf8 {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut input = std::mem::take(&mut self.held);
        input.extend_from_slice(bytes);
        let mut out = Vec::with_capacity(input.len());
        let mut i = 0;
        while i < input.len() {
            let rest = &input[i..];
            match rest {
                [0x1b, b'(', b'0', ..] => (self.graphics, i) = (true, i + 3),
                [0x1b, b'(', b'B', ..] => (self.graphics, i) = (false, i + 3),
                // Control sequences are read before any set applies.
                [0x1b, b'[', tail @ ..] => match tail.iter().position(|b| (0x40..=0x7e).contains(b)) {
                    Some(p) => {
                        out.extend_from_slice(&rest[..p + 3]);
                        i += p + 3;
                    }
                    None => break,
                },
                [0x1b] | [0x1b, b'('] => break,
                [0x1b, _, ..] => {
                    out.extend_from_slice(&rest[..2]);
                    i += 2;
                }
                [b, ..] => {
                    let dec = DEC_GRAPHICS.iter().find(|(_, dec)| *dec as u32 == u32::from(*b));
                    match dec {
                        Some((unicode, _)) if self.graphics => out.extend_from_slice(unicode.to_string().as_bytes()),
                        // Another symbol of the set: never what was meant.
                        None if self.graphics && (0x5f..=0x7e).contains(b) => {
                            out.extend_from_slice("\u{fffd}".as_bytes())
                        }
                        _ => out.push(*b),
                    }
                    i += 1;
                }
                [] => break,
            }
        }
        self.held = input[i..].to_vec();
        out
    }
}

/// Lines `top..=bottom` scrolled by one: up (a line feed at the bottom)
/// or down (a reverse index at the top).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scroll {
    top: usize,
    bottom: usize,
    up: bool,
}

/// The longest block of changed lines that the terminal already shows one
/// line lower (the list scrolled up) or higher.
fn find_scroll(shown: &[Shown], target: &[Shown], width: usize, height: usize) -> Option<Scroll> {
    fn row(grid: &[Shown], y: usize, width: usize) -> &[Shown] {
        &grid[y * width..(y + 1) * width]
    }
    let row = |grid, y| row(grid, y, width);
    let changed: Vec<bool> = (0..height).map(|y| !same_row(row(shown, y), row(target, y))).collect();
    let mut best: Option<(usize, Scroll)> = None;
    for up in [true, false] {
        let mut run = 0;
        for (y, &changed) in changed.iter().enumerate() {
            // Target line y is shown line y+1 (up) or y-1 (down).
            let from = if up { y + 1 } else { y.wrapping_sub(1) };
            let moved = from < height && changed && same_row(row(target, y), row(shown, from));
            run = if moved { run + 1 } else { 0 };
            if run >= SCROLL_FROM && best.is_none_or(|(longest, _)| run > longest) {
                let first = y + 1 - run;
                let scroll = if up {
                    Scroll { top: first, bottom: y + 1, up }
                } else {
                    Scroll { top: first - 1, bottom: y, up }
                };
                best = Some((run, scroll));
            }
        }
    }
    best.map(|(_, scroll)| scroll)
}

/// The shortest relative way from one cell to another (never a line feed
/// from the last line, which would scroll: we only move down from above).
/// The SGR that takes the terminal from `from` to `want` (`None`: from a
/// reset, written as the sequence's first, empty, code).
fn sgr(from: Option<Pen>, want: Pen) -> String {
    let mut codes: Vec<String> = Vec::new();
    let from = from.unwrap_or_else(|| {
        codes.push(String::new());
        PLAIN
    });
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if want.modifier.contains(flag) && !from.modifier.contains(flag) {
            codes.push(code.into());
        }
    }
    if want.fg != from.fg {
        codes.push(colour_code(want.fg, false));
    }
    if want.bg != from.bg {
        codes.push(colour_code(want.bg, true));
    }
    format!("\x1b[{}m", codes.join(";"))
}

fn relative_move(cx: u16, cy: u16, x: u16, y: u16) -> String {
    let mut out = String::new();
    let horizontal = |out: &mut String, from: u16| {
        if x == from {
            return;
        }
        if x == 0 {
            out.push('\r');
        } else if x > from {
            push_step(out, x - from, 'C');
        } else {
            // Back to the start and forward can beat stepping back.
            let mut back = String::new();
            push_step(&mut back, from - x, 'D');
            let mut restart = String::from("\r");
            push_step(&mut restart, x, 'C');
            out.push_str(if restart.len() < back.len() { &restart } else { &back });
        }
    };
    if y == cy {
        horizontal(&mut out, cx);
    } else if y > cy && y - cy <= 2 {
        // CR LF per line is two bytes, and lands in column 0.
        for _ in cy..y {
            out.push_str("\r\n");
        }
        horizontal(&mut out, 0);
    } else {
        if y > cy {
            push_step(&mut out, y - cy, 'B');
        } else {
            push_step(&mut out, cy - y, 'A');
        }
        horizontal(&mut out, cx);
    }
    out
}

fn push_step(out: &mut String, n: u16, code: char) {
    if n == 1 {
        let _ = write!(out, "\x1b[{code}");
    } else {
        let _ = write!(out, "\x1b[{n}{code}");
    }
}

/// SGR code of a colour: the 16 named ones in their short forms.
fn colour_code(colour: Color, background: bool) -> String {
    let base = if background { 10 } else { 0 };
    let named = |n: u8| (n + base).to_string();
    match colour {
        Color::Reset => named(39),
        Color::Black => named(30),
        Color::Red => named(31),
        Color::Green => named(32),
        Color::Yellow => named(33),
        Color::Blue => named(34),
        Color::Magenta => named(35),
        Color::Cyan => named(36),
        Color::Gray => named(37),
        Color::DarkGray => named(90),
        Color::LightRed => named(91),
        Color::LightGreen => named(92),
        Color::LightYellow => named(93),
        Color::LightBlue => named(94),
        Color::LightMagenta => named(95),
        Color::LightCyan => named(96),
        Color::White => named(97),
        Color::Indexed(i) => format!("{};5;{i}", if background { 48 } else { 38 }),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", if background { 48 } else { 38 }),
    }
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let Size { width, height } = self.size()?;
        let w = usize::from(width);
        if self.shown.len() != w * usize::from(height) {
            self.shown = vec![Shown::blank(); w * usize::from(height)];
        }
        let mut target = self.shown.clone();
        for (x, y, cell) in content {
            if x >= width || y >= height {
                continue;
            }
            let i = usize::from(y) * w + usize::from(x);
            let pen = Pen { fg: cell.fg, bg: cell.bg, modifier: cell.modifier };
            let new = Shown { symbol: cell.symbol().into(), pen };
            let last = x + 1 >= width;
            // A narrow character over a wide one leaves its second column blank.
            if !last && target[i].columns() == 2 && target[i + 1].symbol.is_empty() {
                target[i + 1] = Shown::blank();
            }
            if !last && new.columns() == 2 {
                target[i + 1] = Shown { symbol: String::new(), pen };
            }
            target[i] = new;
        }
        self.paint(target, width, height);
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.set_visible(false);
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.set_visible(true);
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        let (x, y) = self.cursor.unwrap_or((0, 0));
        Ok(Position::new(x, y))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        self.move_to(p.x, p.y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Erasing fills with the current background: erase with none. Only
        // a whole clear leaves a screen we know; after the others every
        // cell is drawn again.
        self.set_pen(PLAIN);
        let unknown = Shown { symbol: "\0".into(), pen: PLAIN };
        let after = if clear_type == ClearType::All { Shown::blank() } else { unknown };
        self.shown.fill(after);
        self.pending.push_str(match clear_type {
            ClearType::All => "\x1b[2J",
            ClearType::AfterCursor => "\x1b[J",
            ClearType::BeforeCursor => "\x1b[1J",
            ClearType::CurrentLine => "\x1b[2K",
            ClearType::UntilNewLine => "\x1b[K",
        });
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        match self.fixed_size {
            Some(size) => Ok(size),
            None => crossterm::terminal::size().map(|(w, h)| Size::new(w, h)),
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize { columns_rows: self.size()?, pixels: Size::new(0, 0) })
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.out.write_all(self.pending.as_bytes())?;
            self.pending.clear();
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    const W: u16 = 12;
    const H: u16 = 5;

    const COLOURS: [Color; 5] = [Color::Reset, Color::Red, Color::LightBlue, Color::DarkGray, Color::White];
    const MODIFIERS: [Modifier; 4] = [Modifier::empty(), Modifier::BOLD, Modifier::REVERSED, Modifier::UNDERLINED];
    const SYMBOLS: [&str; 10] = [" ", "a", "Z", "│", "²", "é", ">", "─", "q", "m"];

    type Grid = Vec<(u16, u16, usize, usize, usize, usize)>;

    fn vt_colour(c: Color) -> vt100::Color {
        match c {
            Color::Reset => vt100::Color::Default,
            Color::Red => vt100::Color::Idx(1),
            Color::LightBlue => vt100::Color::Idx(12),
            Color::DarkGray => vt100::Color::Idx(8),
            Color::White => vt100::Color::Idx(15),
            other => panic!("not used here: {other:?}"),
        }
    }

    fn terminal() -> Terminal<LeanBackend<Vec<u8>>> {
        terminal_drawing_lines(false)
    }

    fn terminal_drawing_lines(line_drawing: bool) -> Terminal<LeanBackend<Vec<u8>>> {
        let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, W, H)) };
        let backend = LeanBackend::with_size(Vec::new(), W, H).with_line_drawing(line_drawing);
        Terminal::with_options(backend, options).unwrap()
    }

    /// Draws a frame of cells (x, y, symbol, fg, bg, modifier indices).
    fn draw(term: &mut Terminal<LeanBackend<Vec<u8>>>, grid: &Grid) -> ratatui::buffer::Buffer {
        let frame = term
            .draw(|f| {
                let buf = f.buffer_mut();
                for &(x, y, s, fg, bg, m) in grid {
                    let style = Style::default().fg(COLOURS[fg]).bg(COLOURS[bg]).add_modifier(MODIFIERS[m]);
                    buf[(x, y)].set_symbol(SYMBOLS[s]).set_style(style);
                }
            })
            .unwrap();
        frame.buffer.clone()
    }

    /// The emulator shows every cell of the buffer, symbol and style.
    fn assert_shows(screen: &vt100::Screen, buffer: &ratatui::buffer::Buffer) {
        for y in 0..H {
            for x in 0..W {
                let want = &buffer[(x, y)];
                let got = screen.cell(y, x).unwrap();
                if got.is_wide_continuation() {
                    continue;
                }
                // A cell never written reads as empty; a written blank as a space.
                let shown = if got.contents().is_empty() { " " } else { got.contents() };
                assert_eq!(shown, want.symbol(), "symbol at {x},{y}");
                assert_eq!(got.bgcolor(), vt_colour(want.bg), "bg at {x},{y}");
                assert_eq!(got.inverse(), want.modifier.contains(Modifier::REVERSED), "reverse at {x},{y}");
                assert_eq!(got.underline(), want.modifier.contains(Modifier::UNDERLINED), "underline at {x},{y}");
                // On a space, bold and the foreground colour show only
                // under reverse video or an underline.
                if shown != " " || got.inverse() || got.underline() {
                    assert_eq!(got.fgcolor(), vt_colour(want.fg), "fg at {x},{y}");
                }
                if shown != " " {
                    assert_eq!(got.bold(), want.modifier.contains(Modifier::BOLD), "bold at {x},{y}");
                }
            }
        }
    }

    fn cell() -> impl Strategy<Value = (u16, u16, usize, usize, usize, usize)> {
        (0..W - 1, 0..H, 0..SYMBOLS.len(), 0..COLOURS.len(), 0..COLOURS.len(), 0..MODIFIERS.len())
    }

    proptest! {
        /// Frame after frame, the terminal shows exactly what was drawn.
        #[test]
        fn the_terminal_shows_every_frame(
            frames in prop::collection::vec(prop::collection::vec(cell(), 0..30), 1..6),
            line_drawing in any::<bool>(),
        ) {
            let mut term = terminal_drawing_lines(line_drawing);
            let mut screen = vt100::Parser::new(H, W, 0);
            let mut shown = DecGraphicsAsUtf8::default();
            for grid in &frames {
                let buffer = draw(&mut term, grid);
                screen.process(&shown.feed(term.backend().writer()));
                term.backend_mut().writer_mut().clear();
                assert_shows(screen.screen(), &buffer);
            }
        }
    }

    /// Frames of whole lines: each a shift of the last by one line within
    /// a random block (a list scrolling), plus random cells changed.
    fn lines_frame(lines: &[String], changes: &[(u16, u16, usize, usize, usize, usize)]) -> Grid {
        let mut grid: Grid = Vec::new();
        for (y, line) in lines.iter().enumerate() {
            for (x, c) in line.chars().enumerate() {
                let s = SYMBOLS.iter().position(|s| s.starts_with(c)).unwrap_or(1);
                grid.push((x as u16, y as u16, s, (x + y) % 2, 0, 0));
            }
        }
        grid.extend_from_slice(changes);
        grid
    }

    fn shifted(lines: &[String], top: usize, bottom: usize, up: bool, fresh: &str) -> Vec<String> {
        let mut out = lines.to_vec();
        let (top, bottom) = (top.min(bottom), top.max(bottom));
        if up {
            out[top..bottom].clone_from_slice(&lines[top + 1..=bottom]);
            out[bottom] = fresh.into();
        } else {
            out[top + 1..=bottom].clone_from_slice(&lines[top..bottom]);
            out[top] = fresh.into();
        }
        out
    }

    proptest! {
        /// Lines that scroll by one in any block, with blanks at their
        /// ends, come out right frame after frame.
        #[test]
        fn scrolled_and_erased_lines_come_out_right(
            first in prop::collection::vec("[aZ> ]{0,11}", H as usize),
            moves in prop::collection::vec((0..H as usize, 0..H as usize, any::<bool>(), "[aZ ]{0,11}", prop::collection::vec(cell(), 0..3)), 1..8),
        ) {
            let mut term = terminal();
            let mut screen = vt100::Parser::new(H, W, 0);
            let mut lines = first;
            let buffer = draw(&mut term, &lines_frame(&lines, &[]));
            screen.process(term.backend().writer());
            assert_shows(screen.screen(), &buffer);
            for (top, bottom, up, fresh, changes) in moves {
                term.backend_mut().writer_mut().clear();
                lines = shifted(&lines, top, bottom, up, &fresh);
                let buffer = draw(&mut term, &lines_frame(&lines, &changes));
                screen.process(term.backend().writer());
                assert_shows(screen.screen(), &buffer);
            }
        }
    }

    fn text_frame(term: &mut Terminal<LeanBackend<Vec<u8>>>, lines: &[&str]) -> (ratatui::buffer::Buffer, String) {
        term.backend_mut().writer_mut().clear();
        let frame = term
            .draw(|f| {
                for (y, line) in lines.iter().enumerate() {
                    f.buffer_mut().set_string(0, y as u16, line, Style::default());
                }
            })
            .unwrap();
        let buffer = frame.buffer.clone();
        (buffer, String::from_utf8(term.backend().writer().clone()).unwrap())
    }

    #[test]
    fn blanks_at_the_end_of_a_line_are_erased_not_sent() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let (_, first) = text_frame(&mut term, &["", "abcdefghijkl", "aZaZaZ"]);
        screen.process(first.as_bytes());
        let (buffer, written) = text_frame(&mut term, &["", "ab", "aZaZaZ"]);
        screen.process(written.as_bytes());
        assert_eq!(written, "\x1b[2;3H\x1b[K", "a move and one erase, no spaces");
        assert_shows(screen.screen(), &buffer);
        // Three blanks are cheaper as spaces than as an erase.
        let (buffer, written) = text_frame(&mut term, &["", "ab", "aZa"]);
        screen.process(written.as_bytes());
        assert!(written.ends_with("   "), "{written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn blanks_inside_a_line_are_erased_and_what_follows_drawn_again() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let (_, first) = text_frame(&mut term, &["", "abcdefghijkl"]);
        screen.process(first.as_bytes());
        let (buffer, written) = text_frame(&mut term, &["", "ab         l"]);
        screen.process(written.as_bytes());
        assert_eq!(written, "\x1b[2;3H\x1b[K\x1b[9Cl", "an erase and the last cell, not nine spaces");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn blanks_that_only_go_bold_or_change_colour_are_not_sent_again() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let field = |term: &mut Terminal<LeanBackend<Vec<u8>>>, style: Style| {
            term.backend_mut().writer_mut().clear();
            let frame = term.draw(|f| f.buffer_mut().set_string(0, 1, "[ab      ]", style)).unwrap();
            (frame.buffer.clone(), String::from_utf8(term.backend().writer().clone()).unwrap())
        };
        let (_, first) = field(&mut term, Style::default());
        screen.process(first.as_bytes());
        // The focused field goes bold: its text is drawn again, its blanks not.
        let (buffer, written) = field(&mut term, Style::default().add_modifier(Modifier::BOLD).fg(Color::Red));
        screen.process(written.as_bytes());
        assert_eq!(written, "\r\x1b[1;31m[ab\x1b[6C]", "{written:?}");
        assert_shows(screen.screen(), &buffer);
        // The same screen as the plain backend draws from scratch.
        let mut plain = vt100::Parser::new(H, W, 0);
        let (_, whole) = field(&mut terminal(), Style::default().add_modifier(Modifier::BOLD).fg(Color::Red));
        plain.process(whole.as_bytes());
        assert_eq!(screen.screen().contents(), plain.screen().contents());
        // Under reverse video a blank shows: then it is sent.
        let (buffer, written) = field(&mut term, Style::default().add_modifier(Modifier::REVERSED));
        screen.process(written.as_bytes());
        assert!(written.contains("      "), "{written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn a_key_that_changes_nothing_sends_nothing() {
        let mut term = terminal();
        text_frame(&mut term, &["abc"]);
        let (_, written) = text_frame(&mut term, &["abc"]);
        assert_eq!(written, "", "not even the cursor's hide");
    }

    #[test]
    fn unchanged_cells_between_changes_are_written_again_when_that_is_shorter() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let (_, first) = text_frame(&mut term, &["abcdef"]);
        screen.process(first.as_bytes());
        let (buffer, written) = text_frame(&mut term, &["aZcZef"]);
        screen.process(written.as_bytes());
        assert_eq!(written, "\x1b[5DZcZ", "c written again instead of a 3-byte move");
        assert_shows(screen.screen(), &buffer);
    }

    /// The first line drawn with pieces of text in their styles: the
    /// buffer and what the backend wrote for it.
    fn styled_line(
        term: &mut Terminal<LeanBackend<Vec<u8>>>,
        pieces: &[(u16, &str, Style)],
    ) -> (ratatui::buffer::Buffer, String) {
        term.backend_mut().writer_mut().clear();
        let frame = term
            .draw(|f| {
                for &(x, piece, style) in pieces {
                    f.buffer_mut().set_string(x, 0, piece, style);
                }
            })
            .unwrap();
        let buffer = frame.buffer.clone();
        (buffer, String::from_utf8(term.backend().writer().clone()).unwrap())
    }

    #[test]
    fn a_blank_between_bold_words_is_a_space_not_a_move() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let (buffer, written) =
            styled_line(&mut term, &[(0, "Esc", bold), (4, "lagi", Style::default()), (9, "?", bold)]);
        screen.process(written.as_bytes());
        assert!(written.contains("Esc \x1b[mlagi \x1b[1m?"), "the blanks went out as moves: {written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn an_indent_on_the_next_line_is_sent_as_spaces_after_cr_lf() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let (buffer, written) = text_frame(&mut term, &["Lapas", "   Konveksi"]);
        screen.process(written.as_bytes());
        assert!(written.contains("Lapas\r\n   Konveksi"), "{written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn a_list_scrolled_by_one_line_costs_about_one_line() {
        let rows: Vec<String> = (0..8).map(|i| format!("{i}{}", "aZ>"[i % 3..].repeat(3))).collect();
        let list = |from: usize| -> Vec<&str> {
            let mut lines = vec!["title"];
            lines.extend(rows[from..from + 3].iter().map(String::as_str));
            lines.push("footer");
            lines
        };
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let (_, first) = text_frame(&mut term, &list(0));
        screen.process(first.as_bytes());
        let (buffer, written) = text_frame(&mut term, &list(1));
        screen.process(written.as_bytes());
        assert!(written.starts_with("\x1b[2;4r\x1b[4H\n\x1b[r"), "{written:?}");
        assert!(written.len() <= 3 + 14 + 12, "one line drawn: {written:?}");
        assert_shows(screen.screen(), &buffer);
        let (buffer, written) = text_frame(&mut term, &list(0));
        screen.process(written.as_bytes());
        assert!(written.starts_with("\x1b[2;4r\x1b[2H\x1bM\x1b[r"), "back up: {written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn another_screen_is_drawn_after_one_erase_when_that_is_shorter() {
        let full: Vec<String> = (0..H).map(|y| format!("{y}").repeat(usize::from(W) - 2)).collect();
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let (_, first) = text_frame(&mut term, &full.iter().map(String::as_str).collect::<Vec<_>>());
        screen.process(first.as_bytes());
        // Every line of the new screen ends sooner: one erase, not one a line.
        let (buffer, written) = text_frame(&mut term, &["a", "", "b"]);
        screen.process(written.as_bytes());
        assert!(written.contains("\x1b[J"), "{written:?}");
        assert!(!written.contains("\x1b[K"), "{written:?}");
        assert!(!written.contains("\x1b[2J"), "never the erase some terminals keep in their scrollback: {written:?}");
        assert_shows(screen.screen(), &buffer);
        // A step on it keeps drawing line by line.
        let (buffer, written) = text_frame(&mut term, &["a", "", "c"]);
        screen.process(written.as_bytes());
        assert!(!written.contains("\x1b[J"), "{written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn a_title_line_two_screens_share_is_kept_and_the_erase_starts_below_it() {
        let full: Vec<String> = (0..H).map(|y| if y == 0 { "binalog Home".into() } else { "x".repeat(11) }).collect();
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let (_, first) = text_frame(&mut term, &full.iter().map(String::as_str).collect::<Vec<_>>());
        screen.process(first.as_bytes());
        let (buffer, written) = text_frame(&mut term, &["binalog Regs", "a", "", "b"]);
        screen.process(written.as_bytes());
        assert!(!written.contains("binalog"), "the shared title is not sent again: {written:?}");
        assert!(written.contains("\x1b[2H\x1b[J") || written.contains("\r\n\x1b[J"), "{written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn a_style_is_reset_when_that_is_shorter_than_changing_its_colour_back() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let blue = Style::default().fg(Color::LightBlue);
        let (buffer, written) = styled_line(&mut term, &[(0, "ok", blue), (2, "done", Style::default())]);
        screen.process(written.as_bytes());
        assert!(written.contains("ok\x1b[mdone"), "a 3-byte reset, not a 5-byte colour change: {written:?}");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn an_unchanged_frame_sends_nothing_and_a_step_sends_little() {
        let mut term = terminal();
        let grid: Grid = (0..W - 1).map(|x| (x, 2, 1, 0, 0, 0)).collect();
        draw(&mut term, &grid);
        term.backend_mut().writer_mut().clear();
        draw(&mut term, &grid);
        let unchanged = term.backend().writer().len();
        // One cell changes colour: a move, one SGR and one character.
        let mut step = grid.clone();
        step[3].3 = 1;
        draw(&mut term, &step);
        let written = String::from_utf8(term.backend().writer()[unchanged..].to_vec()).unwrap();
        assert_eq!(unchanged, 0);
        assert!(written.contains("\x1b[31ma"), "{written:?}");
        assert!(!written.contains("38;5"), "named colours use their short codes: {written:?}");
    }

    #[test]
    fn wide_characters_advance_two_columns() {
        let mut term = terminal();
        let mut screen = vt100::Parser::new(H, W, 0);
        let frame = term
            .draw(|f| {
                f.buffer_mut().set_string(0, 1, "中文 ok", Style::default());
            })
            .unwrap();
        let buffer = frame.buffer.clone();
        screen.process(term.backend().writer());
        assert_eq!(screen.screen().contents_between(1, 0, 1, W), "中文 ok");
        assert_shows(screen.screen(), &buffer);
    }

    #[test]
    fn boxes_take_one_byte_a_line_character_in_the_dec_graphics_set() {
        let boxed = ["┌─ ab ────┐", "│ Zq · x  │", "└─────────┘"];
        let (buffer, plain) = text_frame(&mut terminal(), &boxed);
        let mut term = terminal_drawing_lines(true);
        let (_, written) = text_frame(&mut term, &boxed);
        assert!(written.contains("\x1b(0lq \x1b(Bab \x1b(0qqqqk"), "a space is the same in both sets: {written:?}");
        assert!(!written.contains('─'), "{written:?}");
        assert!(written.len() + 20 <= plain.len(), "{} against {}", written.len(), plain.len());
        // The same screen as the UTF-8 characters make.
        let mut screen = vt100::Parser::new(H, W, 0);
        screen.process(&DecGraphicsAsUtf8::default().feed(written.as_bytes()));
        assert_shows(screen.screen(), &buffer);
        let mut plain_screen = vt100::Parser::new(H, W, 0);
        plain_screen.process(plain.as_bytes());
        assert_eq!(screen.screen().contents(), plain_screen.screen().contents());
    }

    #[test]
    fn the_line_drawing_set_is_read_across_pieces_of_output() {
        let mut shown = DecGraphicsAsUtf8::default();
        let mut out = Vec::new();
        for piece in [&b"\x1b("[..], b"0q\x1b[1;3", b"6mq\x1b", b"(Bq"] {
            out.extend(shown.feed(piece));
        }
        assert_eq!(String::from_utf8(out).unwrap(), "─\x1b[1;36m─q");
    }

    #[test]
    fn relative_moves_are_shortest() {
        assert_eq!(relative_move(5, 3, 0, 4), "\r\n");
        assert_eq!(relative_move(5, 3, 7, 3), "\x1b[2C");
        assert_eq!(relative_move(5, 3, 4, 3), "\x1b[D");
        assert_eq!(relative_move(9, 3, 0, 3), "\r");
        assert_eq!(relative_move(2, 9, 2, 3), "\x1b[6A");
    }
}
