//! Help: the keys of the screen underneath and the keys of every screen,
//! drawn over it so the officer sees where they will return to.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::i18n::text;
use crate::tui::screens::Screen;
use crate::tui::ui::{Ui, titled};

pub fn key_for(screen: &Screen) -> &'static str {
    match screen {
        Screen::Setup(_) => "tui.help_setup",
        Screen::Login(_) => "tui.help_login",
        Screen::Home(_) => "tui.help_home",
        Screen::Programs(_) => "tui.help_programs",
        Screen::Program(_) => "tui.help_program",
        Screen::EntryForm(_) => "tui.help_form",
        Screen::EntryView(_) => "tui.help_entry",
        Screen::Lock(_) => "tui.help_lock",
        Screen::Queue(_) => "tui.help_queue",
        Screen::AdminMenu(_) => "tui.help_admin",
        Screen::Officers(_) => "tui.help_officers",
        Screen::Reference(_) => "tui.help_reference",
        Screen::AdminForm(_) => "tui.help_admin_form",
        Screen::Audit(_) => "tui.help_audit",
    }
}

pub fn render(screen: &Screen, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let boxed = area;
    let block = titled(theme, text(lang, "tui.help_title"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    let mut lines: Vec<Line> = text(lang, key_for(screen)).lines().map(Line::from).collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(text(lang, "tui.help_everywhere_title"), theme.strong()));
    lines.extend(text(lang, "tui.help_everywhere").lines().map(Line::from));
    let pad = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), pad);
}
