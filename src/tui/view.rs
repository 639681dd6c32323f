//! Draws the model: a header, the current screen, a message line and the
//! footer with the screen's keys; help on top when asked. Pure: the same
//! model always gives the same frame, which the snapshot tests rely on.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Parked, Tone};
use super::screens::Screen;
use super::screens::{
    admin, admin_form, audit, entry_form, entry_view, help, home, lock, login, officers, program, programs, queue,
    reference, setup,
};
use super::theme::Theme;
use super::ui::{MIN_HEIGHT, MIN_WIDTH, Ui, titled};
use super::widgets::footer;
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, fill, text};

/// The screen's title for the header line.
pub fn title(screen: &Screen, lang: Lang) -> String {
    let key = match screen {
        Screen::Setup(_) => "tui.title_setup",
        Screen::Login(_) => "tui.title_login",
        Screen::Home(_) => "tui.title_home",
        Screen::Programs(_) => "tui.title_programs",
        Screen::Program(p) => return p.data.info.program.name.clone(),
        Screen::EntryForm(f) if f.correcting.is_some() => "tui.title_correct",
        Screen::EntryForm(_) => "tui.title_form",
        Screen::EntryView(_) => "tui.title_entry",
        Screen::Lock(_) => "tui.title_lock",
        Screen::Queue(_) => "tui.title_queue",
        Screen::AdminMenu(_) => "tui.title_admin",
        Screen::Officers(_) => "tui.title_officers",
        Screen::Reference(r) => reference::title_key(r.section),
        Screen::AdminForm(f) => return f.title.clone(),
        Screen::Audit(_) => "tui.title_audit",
    };
    text(lang, key).to_string()
}

/// The footer: the keys of the screen, as `key words|key words`.
fn footer(app: &App) -> String {
    let lang = app.lang;
    if app.help {
        return text(lang, "tui.footer_help").to_string();
    }
    if app.offer.is_some() {
        return text(lang, "tui.footer_offer").to_string();
    }
    let key = match &app.screen {
        Screen::Setup(_) => "tui.footer_setup",
        Screen::Login(_) => "tui.footer_login",
        Screen::Home(h) => home::footer_key(h.role),
        Screen::Programs(_) => "tui.footer_programs",
        Screen::Program(_) => "tui.footer_program",
        Screen::EntryForm(form) => form.footer_key(),
        Screen::EntryView(v) => return v.footer(lang),
        Screen::Lock(_) => "tui.footer_lock",
        Screen::Queue(_) => "tui.footer_queue",
        Screen::AdminMenu(_) => "tui.footer_admin",
        Screen::Officers(o) if o.confirm_active.is_some() => "tui.footer_yes_no",
        Screen::Officers(_) => "tui.footer_officers",
        Screen::Reference(_) => "tui.footer_reference",
        Screen::AdminForm(f) if f.form.confirm_discard => "tui.footer_confirm",
        Screen::AdminForm(_) => "tui.footer_admin_form",
        Screen::Audit(_) => "tui.footer_audit",
    };
    text(lang, key).to_string()
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
    let cursor = match &app.screen {
        Screen::Setup(s) => setup::render(s, frame, body, &ui),
        Screen::Login(s) => login::render(s, frame, body, &ui),
        Screen::Home(s) => home::render(s, frame, body, &ui),
        Screen::Programs(s) => programs::render(s, frame, body, &ui),
        Screen::Program(s) => program::render(s, frame, body, &ui),
        Screen::EntryForm(s) => entry_form::render(s, frame, body, &ui),
        Screen::EntryView(s) => entry_view::render(s, frame, body, &ui),
        Screen::Lock(s) => lock::render(s, frame, body, &ui),
        Screen::Queue(s) => queue::render(s, frame, body, &ui),
        Screen::AdminMenu(s) => admin::render(s, frame, body, &ui),
        Screen::Officers(s) => officers::render(s, frame, body, &ui),
        Screen::Reference(s) => reference::render(s, frame, body, &ui),
        Screen::AdminForm(s) => admin_form::render(s, frame, body, &ui),
        Screen::Audit(s) => audit::render(s, frame, body, &ui),
    };
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
    footer::render(frame, foot, theme, &footer(app));
    if app.help {
        help::render(&app.screen, frame, body, &ui);
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
    let block = titled(theme, text(lang, "tui.offer_title"));
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
