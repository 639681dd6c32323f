//! One entry: its current fields and its whole history. Each revision says
//! who made it (name and NIP), when, what changed from the revision before
//! and why; voided and verified revisions are marked. Corrections and voids
//! are new revisions: nothing is overwritten. The keys to correct, void or
//! verify show only when the officer's role allows them; the records API
//! decides in the end.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Action, Context, Load, Loads, Page, leave};
use crate::domain::date::format_date;
use crate::domain::entry::EntryId;
use crate::domain::entry::{Entry, EntryDraft, Status};
use crate::domain::invalid::Arg;
use crate::domain::officer::{Nip, Officer};
use crate::domain::permission::{self, Action as Permit};
use crate::domain::text::TextField;
use crate::i18n::{Lang, fill, kind_name, text};
use crate::records::{Actor, Records, Result, Update};
use crate::tui::bindings::{Binding, EDIT_KEYS, Hint, TYPING_LIST_KEYS, find, hints, hints_and_leave};
use crate::tui::data::{EntryData, RevisionRow};
use crate::tui::keymap::{Key, Nav, list_nav};
use crate::tui::ops::Op;
use crate::tui::theme::{Theme, cells};
use crate::tui::ui::{Ui, local_time, quantities, titled};
use crate::tui::widgets::field::{Label, labelled_input};
use crate::tui::widgets::input::TextInput;

/// Which changes the logged-in officer's role allows on this entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allowed {
    pub correct: bool,
    pub void: bool,
    pub verify: bool,
}

impl Allowed {
    /// From the pure role rules, to hide keys that would only be refused.
    pub fn of(data: &EntryData, officer: &Officer, today: NaiveDate) -> Allowed {
        let entry = &data.entry;
        let Some(first) = data.history.first() else { return Allowed::default() };
        if entry.voided {
            return Allowed::default();
        }
        let site = data.program.site;
        let ok = |action| permission::check(officer, action).is_ok();
        let correct = ok(Permit::CorrectEntry {
            site,
            own: first.entry.recorded_by == officer.nip,
            recorded_on: first.at.date_naive(),
            today,
        });
        let verified = current(data).is_some_and(|r| r.verified.is_some());
        let verify = !verified && ok(Permit::VerifyEntry { site, own: entry.recorded_by == officer.nip });
        Allowed { correct, void: ok(Permit::VoidEntry { site }), verify }
    }
}

/// Asking why an entry is voided, then whether to go ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoidDialog {
    pub reason: TextInput,
    pub confirming: bool,
    /// What the records API said was wrong.
    pub problem: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: EntryData,
    pub scroll: u16,
    pub allowed: Allowed,
    pub void: Option<VoidDialog>,
    /// Lines of text the screen holds, to stop scrolling past the end.
    lines: u16,
}

/// Lines and columns of the body an 80x24 terminal shows at once.
const VISIBLE: u16 = 19;
const BODY_WIDTH: usize = 77;

impl State {
    pub fn new(data: EntryData, lang: Lang, officer: Option<&Officer>, today: NaiveDate) -> State {
        let allowed = officer.map(|o| Allowed::of(&data, o, today)).unwrap_or_default();
        let plain = Theme { color: false, ascii: true };
        let lines = body(&data, lang, plain, BODY_WIDTH).len() as u16;
        State { data, scroll: 0, allowed, void: None, lines }
    }

    /// The records API refused the void: say why and let the reason be fixed.
    pub fn void_refused(&mut self, message: String) {
        if let Some(dialog) = &mut self.void {
            dialog.confirming = false;
            dialog.problem = Some(message);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Scroll,
    Correct,
    Void,
    Verify,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_scroll", Do::Scroll),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_scroll", Do::Scroll),
    Binding::shown(&[Key::Char('c')], "c", "tui.do_correct", Do::Correct),
    Binding::shown(&[Key::Char('b')], "b", "tui.do_void", Do::Void),
    Binding::shown(&[Key::Char('v')], "v", "tui.do_verify", Do::Verify),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InVoid {
    Type,
    Go,
    Cancel,
}

/// Typing the reason for a void.
const VOID_KEYS: &[Binding<InVoid>] = &[
    Binding::shown(&[Key::Enter], "Enter", "tui.do_continue", InVoid::Go),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", InVoid::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_cancel", InVoid::Cancel),
];

/// Asked whether to void.
const VOID_CONFIRM_KEYS: &[Binding<bool>] = &[
    Binding::shown(&[Key::Char('y'), Key::Char('Y')], "y", "tui.do_void_entry", true),
    Binding::shown(&[Key::Char('n'), Key::Char('N'), Key::Esc], "n", "tui.do_back_to_reason", false),
];

impl State {
    /// The keys the officer's role allows on this entry.
    fn keys(&self) -> Vec<Binding<Do>> {
        let allowed = |b: &&Binding<Do>| match b.action {
            Do::Scroll => true,
            Do::Correct => self.allowed.correct,
            Do::Void => self.allowed.void,
            Do::Verify => self.allowed.verify,
        };
        KEYS.iter().filter(allowed).copied().collect()
    }
}

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_entry").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_entry"
    }

    fn hints(&self) -> Vec<Hint> {
        match &self.void {
            Some(dialog) if dialog.confirming => hints(VOID_CONFIRM_KEYS),
            Some(_) => hints(VOID_KEYS),
            None => hints_and_leave(&self.keys()),
        }
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        if let Some(dialog) = &mut self.void {
            return match void_key(dialog, key, &self.data.entry) {
                Some(action) => action,
                None => {
                    self.void = None;
                    Action::None
                }
            };
        }
        let entry = &self.data.entry;
        match find(&self.keys(), key) {
            Some(Do::Scroll) => {
                let max = self.lines.saturating_sub(VISIBLE);
                self.scroll = match list_nav(key) {
                    Some(Nav::Up) => self.scroll.saturating_sub(1),
                    Some(Nav::Down) => self.scroll.saturating_add(1).min(max),
                    Some(Nav::PageUp) => self.scroll.saturating_sub(10),
                    Some(Nav::PageDown) => self.scroll.saturating_add(10).min(max),
                    Some(Nav::First) => 0,
                    Some(Nav::Last) => max,
                    None => self.scroll,
                };
                Action::None
            }
            Some(Do::Correct) => Action::Correct,
            Some(Do::Void) => {
                self.void = Some(VoidDialog {
                    reason: TextInput::for_field(TextField::Reason),
                    confirming: false,
                    problem: None,
                });
                Action::None
            }
            Some(Do::Verify) => Action::Do(Op::Verify { id: entry.id, revision: entry.revision }),
            None => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(Load::EntryView(self.data.entry.id))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { programs, .. } if programs.contains(&self.data.entry.draft.program))
    }

    fn asking(&self) -> bool {
        self.void.as_ref().is_some_and(|d| d.confirming)
    }
}

/// A key in the void dialog; `None` closes it.
fn void_key(dialog: &mut VoidDialog, key: Key, entry: &Entry) -> Option<Action> {
    if dialog.confirming {
        match find(VOID_CONFIRM_KEYS, key) {
            Some(true) => {
                let reason = dialog.reason.text().to_string();
                return Some(Action::Do(Op::Void { id: entry.id, base: entry.revision, reason }));
            }
            Some(false) => dialog.confirming = false,
            None => {}
        }
        return Some(Action::None);
    }
    match find(VOID_KEYS, key) {
        Some(InVoid::Go) => dialog.confirming = true,
        Some(InVoid::Cancel) => return None,
        Some(InVoid::Type) | None => {
            if dialog.reason.edit(key) {
                dialog.problem = None;
            }
        }
    }
    Some(Action::None)
}

/// The current revision's row in the history.
fn current(data: &EntryData) -> Option<&RevisionRow> {
    data.history.iter().find(|r| r.entry.revision == data.entry.revision)
}

fn who(names: &BTreeMap<Nip, String>, nip: &Nip) -> String {
    match names.get(nip) {
        Some(name) => format!("{name} ({nip})"),
        None => nip.to_string(),
    }
}

fn status(lang: Lang, entry: &Entry) -> &'static str {
    if entry.voided {
        return text(lang, "tui.voided");
    }
    match entry.draft.status {
        Status::Done => text(lang, "tui.status_done"),
        Status::Pending => text(lang, "tui.status_pending"),
    }
}

fn people(lang: Lang, draft: &EntryDraft) -> String {
    let mut said = fill(lang, "tui.entry_participants", &[("count", Arg::Number(i64::from(draft.participants)))]);
    if draft.officers > 0 || draft.cadets > 0 {
        let args =
            [("officers", Arg::Number(i64::from(draft.officers))), ("cadets", Arg::Number(i64::from(draft.cadets)))];
        said = format!("{said}, {}", fill(lang, "tui.entry_training", &args));
    }
    said
}

fn notes(draft: &EntryDraft) -> String {
    if draft.notes.is_empty() { "-".into() } else { draft.notes.clone() }
}

/// `Field: old -> new` for each field that differs between two revisions.
pub fn changes(lang: Lang, theme: Theme, before: &EntryDraft, after: &EntryDraft) -> Vec<String> {
    let mut found = Vec::new();
    let mut differs = |key: &'static str, old: String, new: String| {
        if old != new {
            found.push(format!("{}: {old} {} {new}", text(lang, key), theme.arrow()));
        }
    };
    differs("tui.label_program", before.program.to_string(), after.program.to_string());
    differs("tui.label_date", format_date(before.date), format_date(after.date));
    differs("tui.label_kind", kind_name(lang, before.kind).into(), kind_name(lang, after.kind).into());
    differs("tui.label_quantities", quantities(lang, &before.quantities), quantities(lang, &after.quantities));
    differs("tui.label_participants", people(lang, before), people(lang, after));
    differs("tui.label_notes", notes(before), notes(after));
    let status_of = |s: Status| match s {
        Status::Done => text(lang, "tui.status_done").to_string(),
        Status::Pending => text(lang, "tui.status_pending").to_string(),
    };
    differs("tui.label_status", status_of(before.status), status_of(after.status));
    found
}

/// Where a revision's details start, under its heading.
const INDENT: &str = "        ";

/// `text` broken at spaces into lines of at most `width` terminal cells;
/// a word longer than a line goes on over the next lines, so nothing of
/// it is lost.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        let len = cells(line);
        if len > 0 && len + 1 + cells(word) > width {
            lines.push(String::new());
        }
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            let line = lines.last_mut().expect("one line at least");
            if cells(line) + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > width {
                lines.push(String::new());
            }
            lines.last_mut().expect("one line at least").push(c);
        }
    }
    lines
}

/// Every line the screen shows, each at most `width` characters.
fn body(data: &EntryData, lang: Lang, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let entry = &data.entry;
    let draft = &entry.draft;
    let label_width = 18;
    let row = |key: &'static str, value: String| {
        Line::from(vec![
            Span::styled(theme.pad(text(lang, key), label_width), theme.strong()),
            Span::raw(theme.fit(&value, width.saturating_sub(label_width))),
        ])
    };
    let verified = current(data).and_then(|r| r.verified.as_ref());
    let check = if entry.voided {
        String::new()
    } else if verified.is_some() {
        format!("{}{} {}", theme.separator(), theme.check(), text(lang, "tui.verified"))
    } else {
        format!("{}{}", theme.separator(), text(lang, "tui.not_verified"))
    };
    let mut lines = vec![
        row("tui.label_date", format_date(draft.date)),
        row("tui.label_kind", kind_name(lang, draft.kind).to_string()),
    ];
    if draft.quantities.is_empty() {
        lines.push(row("tui.label_quantities", "-".into()));
    }
    // Several quantities: one a line, so none is cut off.
    for (i, q) in draft.quantities.iter().enumerate() {
        let one = quantities(lang, std::slice::from_ref(q));
        if i == 0 {
            lines.push(row("tui.label_quantities", one));
        } else {
            lines.push(Line::raw(format!(
                "{}{}",
                " ".repeat(label_width),
                theme.fit(&one, width.saturating_sub(label_width))
            )));
        }
    }
    lines.push(row("tui.label_participants", people(lang, draft)));
    // Notes in full, over as many lines as they need: the screen scrolls.
    for (i, part) in wrap(&notes(draft), width.saturating_sub(label_width)).into_iter().enumerate() {
        let label =
            if i == 0 { theme.pad(text(lang, "tui.label_notes"), label_width) } else { " ".repeat(label_width) };
        lines.push(Line::from(vec![Span::styled(label, theme.strong()), Span::raw(part)]));
    }
    lines.extend([
        row("tui.label_status", format!("{}{check}", status(lang, entry))),
        row("tui.label_id", format!("{} (rev. {})", entry.id, entry.revision)),
        Line::styled(text(lang, "tui.revisions_title"), theme.title()),
    ]);
    let detail = |lines: &mut Vec<Line<'static>>, s: String, style| {
        for part in wrap(&s, width.saturating_sub(INDENT.len())) {
            lines.push(Line::styled(format!("{INDENT}{part}"), style));
        }
    };
    let mut previous: Option<&Entry> = None;
    for row in &data.history {
        let revision = &row.entry;
        let marker = if revision.revision == entry.revision { ">" } else { " " };
        let head = format!(
            "{marker}{} {:<3}{}  {}",
            text(lang, "tui.rev"),
            revision.revision,
            local_time(row.at),
            who(&data.names, &revision.recorded_by)
        );
        lines.push(Line::styled(theme.fit(&head, width), theme.strong()));
        match previous {
            None => detail(&mut lines, text(lang, "tui.revision_created").to_string(), theme.plain()),
            Some(_) if revision.voided => {
                let said = fill(lang, "tui.revision_voided", &[("reason", Arg::Text(revision.reason.clone()))]);
                detail(&mut lines, said, theme.error());
            }
            Some(before) => {
                let changed = changes(lang, theme, &before.draft, &revision.draft);
                if changed.is_empty() {
                    detail(&mut lines, text(lang, "tui.revision_unchanged").to_string(), theme.plain());
                }
                for change in changed {
                    detail(&mut lines, change, theme.plain());
                }
                let reason = if revision.reason.is_empty() { "-".to_string() } else { revision.reason.clone() };
                detail(&mut lines, fill(lang, "tui.revision_reason", &[("reason", Arg::Text(reason))]), theme.plain());
            }
        }
        if let Some((by, at)) = &row.verified {
            let args = [("by", Arg::Text(who(&data.names, by))), ("at", Arg::Text(local_time(*at)))];
            detail(&mut lines, format!("{} {}", theme.check(), fill(lang, "tui.verified_by", &args)), theme.ok());
        }
        previous = Some(revision);
    }
    lines
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let data = &state.data;
    let title = fill(lang, "tui.entry_title", &[("program", Arg::Text(data.program.name.clone()))]);
    let block = titled(theme, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let pad = Rect { x: inner.x + 1, width: inner.width.saturating_sub(1), ..inner };
    let lines = body(data, lang, theme, usize::from(pad.width));
    frame.render_widget(Paragraph::new(lines).scroll((state.scroll, 0)), pad);
    match &state.void {
        Some(dialog) => render_void(dialog, frame, area, ui),
        None => None,
    }
}

fn render_void(dialog: &VoidDialog, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let width = 70.min(area.width);
    let height = 8.min(area.height);
    let boxed = Rect { x: area.x + (area.width - width) / 2, y: area.y + area.height - height, width, height };
    let block = crate::tui::ui::dialog(theme, text(lang, "tui.void_title"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    let pad = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    frame.render_widget(
        Paragraph::new(text(lang, "tui.void_intro")).wrap(Wrap { trim: true }),
        Rect { height: 2, ..pad },
    );
    let row = Rect { y: pad.y + 2, height: 1, ..pad };
    let label = Label {
        text: text(lang, "tui.label_void_reason"),
        width: 10,
        focused: !dialog.confirming,
        faulty: dialog.problem.is_some(),
    };
    // A character the reason's field refused, until the next edit.
    let refused = dialog.reason.refusal(lang);
    let problem = dialog.problem.clone().or(refused);
    let label = Label { faulty: problem.is_some(), ..label };
    let cursor = labelled_input(frame, row, theme, label, &dialog.reason);
    let below = Rect { y: pad.y + 3, height: pad.height.saturating_sub(3), ..pad };
    if dialog.confirming {
        let lines = vec![
            Line::styled(text(lang, "tui.void_confirm"), theme.strong()),
            Line::styled(text(lang, "tui.confirm_yes_no"), theme.key()),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), below);
        return None;
    }
    if let Some(problem) = &problem {
        crate::tui::widgets::field::problems(frame, below, theme, std::slice::from_ref(problem));
    }
    cursor
}

/// An entry with its revisions, each with its verification.
impl Loads for State {
    type Query = EntryId;
    type Data = EntryData;

    fn fetch(records: &Records, _actor: &Actor, id: &EntryId) -> Result<EntryData> {
        read(records, *id)
    }

    fn takes(&self, id: &EntryId) -> bool {
        self.data.entry.id == *id
    }

    /// What the officer may do is worked out again, for the new revision.
    fn take(&mut self, _id: &EntryId, data: EntryData, context: &Context) {
        *self = State::new(data, context.lang, context.officer, context.today);
    }

    fn open(_id: &EntryId, data: EntryData, context: &Context) -> Option<State> {
        Some(State::new(data, context.lang, context.officer, context.today))
    }
}

pub fn read(records: &Records, id: EntryId) -> Result<EntryData> {
    let entry = records.current(id)?;
    let program = records.program(entry.draft.program)?;
    let mut history = Vec::new();
    for revision in records.history(id)? {
        let verified = records.verification(id, revision.revision)?.map(|v| (v.by, records.local_time(v.at)));
        history.push(RevisionRow { at: records.local_time(revision.recorded_at), verified, entry: revision });
    }
    Ok(EntryData { history, items: records.items_used(program.id)?, program, names: records.officer_names()?, entry })
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_details_wrap_at_spaces() {
        assert_eq!(
            wrap("verified by Supervisor Demo (198705052010012003), 10/03/2026", 30),
            ["verified by Supervisor Demo", "(198705052010012003),", "10/03/2026"]
        );
        assert_eq!(wrap("short", 30), ["short"]);
        assert_eq!(wrap("abcdefgh", 4), ["abcd", "efgh"], "a long word goes on, not cut");
        assert_eq!(wrap("鸡蛋鸡蛋鸡", 4), ["鸡蛋", "鸡蛋", "鸡"], "two cells a character");
    }
}
