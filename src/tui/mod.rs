//! The terminal interface. For now a start screen that opens the database
//! (creating it on first run) and quits on q.

use std::io::Write;
use std::process::ExitCode;

use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::cli::Context;
use crate::i18n::text;
use crate::store::OpenMode;

pub fn run(ctx: &Context) -> ExitCode {
    let records = match ctx.open(OpenMode::CreateIfMissing) {
        Ok(r) => r,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = records.init(false) {
        return ctx.fail(&e);
    }
    let lang = ctx.lang();
    let result = with_terminal(|terminal| {
        loop {
            terminal.draw(|frame| {
                let [body, footer] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(frame.area());
                let block = Block::default().borders(Borders::ALL).title(text(lang, "tui.start_title"));
                let body_text = Paragraph::new(text(lang, "tui.start_body")).block(block).wrap(Wrap { trim: true });
                frame.render_widget(body_text, body);
                frame.render_widget(Line::from(text(lang, "tui.key_quit")), footer);
            })?;
            if let Event::Key(key) = event::read()?
                && key.kind == KeyEventKind::Press
                && matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
            {
                return Ok(());
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ctx.fail(&crate::records::Error::Io { detail: e.to_string() }),
    }
}

type Term = Terminal<CrosstermBackend<std::io::Stdout>>;

/// Enters raw mode and the alternate screen, runs `body`, and restores the
/// terminal however `body` ends, panics included.
fn with_terminal(body: impl FnOnce(&mut Term) -> std::io::Result<()>) -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(std::io::stdout(), terminal::EnterAlternateScreen)?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    let result = Terminal::new(CrosstermBackend::new(std::io::stdout())).and_then(|mut t| body(&mut t));
    restore();
    result
}

fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(std::io::stdout(), terminal::LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = std::io::stdout().flush();
}
