//! A terminal backend that spends as few bytes as it can, for officers on
//! a slow SSH link. Compared with ratatui's crossterm backend it
//! - moves the cursor with the shortest sequence (CR, CR LF, relative steps
//!   or an absolute position, whichever is shorter, or none at all when
//!   the next cell is where the cursor already is),
//! - sends a style change only when the style changes, as one SGR with the
//!   5-byte codes of the 16 named colours,
//! - leaves the style as it is at the end of a frame instead of resetting
//!   it (the next frame starts from what the terminal already has).
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

pub struct LeanBackend<W: Write> {
    out: W,
    /// `None` asks the real terminal; tests and benchmarks fix it.
    fixed_size: Option<Size>,
    /// Where the cursor is; `None` when unknown (after a write in the last
    /// column the terminal may be about to wrap, so we stop trusting it).
    cursor: Option<(u16, u16)>,
    pen: Option<Pen>,
    /// Bytes of the current frame, written out in one go on flush.
    pending: String,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(out: W) -> LeanBackend<W> {
        LeanBackend { out, fixed_size: None, cursor: None, pen: None, pending: String::new() }
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

    fn width(&self) -> u16 {
        self.size().map(|s| s.width).unwrap_or(u16::MAX)
    }

    fn move_to(&mut self, x: u16, y: u16) {
        if self.cursor == Some((x, y)) {
            return;
        }
        let absolute = if x == 0 { format!("\x1b[{}H", y + 1) } else { format!("\x1b[{};{}H", y + 1, x + 1) };
        let best = match self.cursor {
            Some((cx, cy)) => {
                let relative = relative_move(cx, cy, x, y);
                if relative.len() < absolute.len() { relative } else { absolute }
            }
            None => absolute,
        };
        self.pending.push_str(&best);
        self.cursor = Some((x, y));
    }

    fn set_pen(&mut self, want: Pen) {
        if self.pen == Some(want) {
            return;
        }
        let mut codes: Vec<String> = Vec::new();
        // Attributes can only be switched off together, by a reset.
        let from = match self.pen {
            Some(pen) if pen.modifier.difference(want.modifier).is_empty() => pen,
            _ => {
                codes.push(String::new());
                PLAIN
            }
        };
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
        let _ = write!(self.pending, "\x1b[{}m", codes.join(";"));
        self.pen = Some(want);
    }
}

/// The shortest relative way from one cell to another (never a line feed
/// from the last line, which would scroll: we only move down from above).
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
        let width = self.width();
        for (x, y, cell) in content {
            self.move_to(x, y);
            self.set_pen(Pen { fg: cell.fg, bg: cell.bg, modifier: cell.modifier });
            let symbol = cell.symbol();
            self.pending.push_str(symbol);
            let advance = symbol.width().max(1) as u16;
            self.cursor = (x + advance < width).then_some((x + advance, y));
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.pending.push_str("\x1b[?25l");
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.pending.push_str("\x1b[?25h");
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
        // Erasing fills with the current background: erase with none.
        self.set_pen(PLAIN);
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
    const SYMBOLS: [&str; 7] = [" ", "a", "Z", "│", "²", "é", ">"];

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
        let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, W, H)) };
        Terminal::with_options(LeanBackend::with_size(Vec::new(), W, H), options).unwrap()
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
                assert_eq!(got.fgcolor(), vt_colour(want.fg), "fg at {x},{y}");
                assert_eq!(got.bgcolor(), vt_colour(want.bg), "bg at {x},{y}");
                assert_eq!(got.bold(), want.modifier.contains(Modifier::BOLD), "bold at {x},{y}");
                assert_eq!(got.inverse(), want.modifier.contains(Modifier::REVERSED), "reverse at {x},{y}");
                assert_eq!(got.underline(), want.modifier.contains(Modifier::UNDERLINED), "underline at {x},{y}");
            }
        }
    }

    fn cell() -> impl Strategy<Value = (u16, u16, usize, usize, usize, usize)> {
        (0..W - 1, 0..H, 0..SYMBOLS.len(), 0..COLOURS.len(), 0..COLOURS.len(), 0..MODIFIERS.len())
    }

    proptest! {
        /// Frame after frame, the terminal shows exactly what was drawn.
        #[test]
        fn the_terminal_shows_every_frame(frames in prop::collection::vec(prop::collection::vec(cell(), 0..30), 1..6)) {
            let mut term = terminal();
            let mut screen = vt100::Parser::new(H, W, 0);
            for grid in &frames {
                let buffer = draw(&mut term, grid);
                screen.process(term.backend().writer());
                term.backend_mut().writer_mut().clear();
                assert_shows(screen.screen(), &buffer);
            }
        }
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
        assert!(unchanged <= 12, "cursor hide/show at most: {unchanged}");
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
    fn relative_moves_are_shortest() {
        assert_eq!(relative_move(5, 3, 0, 4), "\r\n");
        assert_eq!(relative_move(5, 3, 7, 3), "\x1b[2C");
        assert_eq!(relative_move(5, 3, 4, 3), "\x1b[D");
        assert_eq!(relative_move(9, 3, 0, 3), "\r");
        assert_eq!(relative_move(2, 9, 2, 3), "\x1b[6A");
    }
}
