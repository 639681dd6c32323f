//! Draws the model: a header, the current screen, a message line and the
//! footer with the screen's keys; help on top when asked. Pure: the same
//! model always gives the same frame, which the snapshot tests rely on.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Parked, Tone};
use super::bindings::{self, GLOBAL_KEYS, HELP_KEYS, Hint, OFFER_KEYS};
use super::screens::{Screen, entry_form, help};
use super::theme::Theme;
use super::ui::{MIN_HEIGHT, MIN_WIDTH, Ui};
use super::widgets::footer;
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, fill, text};

/// The screen's title for the header line.
pub fn title(screen: &Screen, lang: Lang) -> String {
    screen.page().title(lang)
}

/// The keys in force: help's, a draft offered back's, or the screen's,
/// then the keys of every screen that the footer shows.
pub fn hints(app: &App) -> Vec<Hint> {
    if app.help {
        return bindings::hints(HELP_KEYS);
    }
    if app.offer.is_some() {
        return bindings::hints(OFFER_KEYS);
    }
    let mut all = app.screen.page().hints();
    all.extend(bindings::hints(GLOBAL_KEYS).into_iter().filter(|h| h.footer));
    all
}

pub fn draw(app: &App, theme: Theme, frame: &mut Frame) {
    draw_screen(app, theme, frame);
    if theme.ascii {
        super::theme::to_ascii(frame.buffer_mut());
    }
}

fn draw_screen(app: &App, theme: Theme, frame: &mut Frame) {
    let ui = Ui { lang: app.lang, theme, today: app.today };
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let notice = fill(
            app.lang,
            "tui.too_small",
            &[("cols", Arg::Number(MIN_WIDTH.into())), ("rows", Arg::Number(MIN_HEIGHT.into()))],
        );
        frame.render_widget(Paragraph::new(notice).wrap(Wrap { trim: true }), area);
        return;
    }
    let notice_lines = match &app.notice {
        Some(n) => (super::theme::cells(&n.text) as u16).div_ceil(area.width).clamp(1, 3),
        None => 0,
    };
    let [head, body, notice, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(notice_lines),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(app, &ui, frame, head);
    let cursor = app.screen.page().render(frame, body, &ui);
    let cursor = match &app.offer {
        Some(parked) => {
            render_offer(parked, frame, body, &ui);
            None
        }
        None => cursor,
    };
    if let Some(n) = &app.notice {
        let style = match n.tone {
            Tone::Ok => theme.ok(),
            Tone::Error => theme.error(),
        };
        frame.render_widget(Paragraph::new(Line::styled(n.text.clone(), style)).wrap(Wrap { trim: true }), notice);
    }
    footer::render(frame, foot, theme, &bindings::footer(app.lang, &hints(app)));
    if app.help {
        help::render(app.screen.page(), frame, body, &ui);
    } else if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
}

fn draw_header(app: &App, ui: &Ui, frame: &mut Frame, area: Rect) {
    let theme = ui.theme;
    let title = title(&app.screen, app.lang);
    let (width, date) = (usize::from(area.width), format_date(app.today));
    let lead = super::theme::cells("binalog") + super::theme::cells(theme.separator());
    let right = match &app.actor {
        // The officer's name gives way first: the title says where one is.
        Some(actor) => {
            let fixed = lead + super::theme::cells(&title) + 1 + super::theme::cells(theme.separator()) + date.len();
            let name = &actor.officer().name;
            let room = width.saturating_sub(fixed).max(NAME_AT_LEAST.min(super::theme::cells(name)));
            format!("{}{}{date}", theme.fit(name, room), theme.separator())
        }
        None => date,
    };
    let room = width.saturating_sub(lead + 1 + super::theme::cells(&right));
    let left = Line::from(vec![
        Span::styled("binalog", theme.title()),
        Span::raw(theme.separator()),
        Span::styled(theme.fit(&title, room), theme.strong()),
    ]);
    frame.render_widget(left, area);
    frame.render_widget(Line::from(right).right_aligned(), area);
}

/// Cells the officer's name keeps in the header however long the title.
const NAME_AT_LEAST: usize = 12;

/// Asks the officer who just logged in whether to go on with the form they
/// left unsaved when another officer took the terminal.
fn render_offer(parked: &Parked, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let what = parked.unsaved_screen().map(|s| match s {
        Screen::EntryForm(f) => entry_form::form_title(f, lang),
        other => title(other, lang),
    });
    let width = 64.min(area.width);
    let boxed =
        Rect { x: area.x + (area.width - width) / 2, y: area.y + area.height / 3, width, height: 7.min(area.height) };
    let block = crate::tui::ui::dialog(theme, text(lang, "tui.offer_title"));
    let inner = block.inner(boxed);
    frame.render_widget(ratatui::widgets::Clear, boxed);
    frame.render_widget(block, boxed);
    let lines = vec![
        Line::from(text(lang, "tui.offer_intro")),
        Line::styled(theme.fit(&what.unwrap_or_default(), usize::from(inner.width)), theme.strong()),
        Line::raw(""),
        Line::styled(text(lang, "tui.offer_keys"), theme.key()),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
