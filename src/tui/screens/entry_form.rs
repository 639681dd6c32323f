//! A new entry, or a correction of one: the fields its kind needs. Kind and
//! unit are chosen from lists, the item from those used before in the
//! programme or typed new. A correction opens filled in with the current
//! revision and asks why. Problems mark their field and say what to fix;
//! nothing typed is lost.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Action, Label, label_line, labelled_input, problems};
use crate::domain::date::{format_date, parse_date};
use crate::domain::entry::{Entry, EntryDraft, EntryId, Field, PARTICIPANTS_MAX, Quantity, Status};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::reference::Program;
use crate::domain::sector::Kind;
use crate::domain::text::{ITEM_MAX, NOTES_MAX};
use crate::domain::unit::Unit;
use crate::i18n::{self, Lang, fill, kind_name, text};
use crate::records::Total;
use crate::tui::keymap::Key;
use crate::tui::view::{Ui, titled};
use crate::tui::widgets::{input::TextInput, list};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormField {
    Date,
    Kind,
    Value,
    Unit,
    Item,
    Price,
    Participants,
    Officers,
    Cadets,
    Notes,
    /// Why a correction is made.
    Reason,
    Save,
}

/// What a correction form corrects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correcting {
    pub id: EntryId,
    /// The revision the correction starts from; if the entry changed since,
    /// the records API refuses the correction with the newest revision.
    pub base: u32,
    /// Quantities beyond the one (and its price) the form edits: kept as they are.
    pub extra: Vec<Quantity>,
    /// Whether the officer's role must give a reason (the records API decides;
    /// this only labels the field).
    pub reason_required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub program: Program,
    pub today: NaiveDate,
    /// Index into the sector's kinds.
    pub kind: usize,
    /// Index into the kind's units.
    pub unit: usize,
    pub date: TextInput,
    pub value: TextInput,
    pub item: TextInput,
    pub price: TextInput,
    pub participants: TextInput,
    pub officers: TextInput,
    pub cadets: TextInput,
    pub notes: TextInput,
    pub focus: FormField,
    /// Items used before in the programme, most used first.
    pub used: Vec<Total>,
    /// What was typed into the item field; suggestions are filtered by it
    /// while the arrows put one suggestion after another in the field.
    item_query: String,
    pub suggestion: Option<usize>,
    pub problems: Vec<(FormField, String)>,
    pub confirm_discard: bool,
    /// Set when the form corrects an entry instead of adding one.
    pub correcting: Option<Correcting>,
    pub reason: TextInput,
    /// Kept from the corrected entry; a new entry is done.
    pub status: Status,
    /// How the form looked when it opened, to tell whether anything changed.
    pristine: Vec<String>,
}

fn count_input() -> TextInput {
    TextInput::new(6)
}

impl State {
    pub fn new(program: Program, used: Vec<Total>, today: NaiveDate) -> State {
        let mut state = State {
            program,
            today,
            kind: 0,
            unit: 0,
            date: TextInput::new(10).with_text(&format_date(today)),
            value: TextInput::new(16),
            item: TextInput::new(ITEM_MAX),
            price: TextInput::new(16),
            participants: count_input(),
            officers: count_input(),
            cadets: count_input(),
            notes: TextInput::new(NOTES_MAX),
            focus: FormField::Date,
            used,
            item_query: String::new(),
            suggestion: None,
            problems: Vec::new(),
            confirm_discard: false,
            correcting: None,
            reason: TextInput::new(NOTES_MAX),
            status: Status::Done,
            pristine: Vec::new(),
        };
        state.pristine = state.fingerprint();
        state
    }

    /// A correction of `entry`'s current revision, filled in with it.
    pub fn correcting(
        program: Program,
        used: Vec<Total>,
        today: NaiveDate,
        entry: &Entry,
        reason_required: bool,
        lang: Lang,
    ) -> State {
        let mut state = State::new(program, used, today);
        let draft = &entry.draft;
        let mark = lang.decimal_mark();
        state.date.set(&format_date(draft.date));
        state.kind = state.kinds().iter().position(|k| *k == draft.kind).unwrap_or(0);
        let mut quantities = draft.quantities.clone();
        if !quantities.is_empty() {
            let first = quantities.remove(0);
            state.unit = state.kind().units().iter().position(|u| *u == first.unit).unwrap_or(0);
            state.value.set(&first.value.format(mark));
            state.item.set(&first.item);
            state.item_query = first.item.clone();
        }
        if state.wants_price() && quantities.first().is_some_and(|q| q.unit == Unit::Rp) {
            state.price.set(&quantities.remove(0).value.format(mark));
        }
        let count = |n: u32| if n == 0 { String::new() } else { n.to_string() };
        state.participants.set(&count(draft.participants));
        state.officers.set(&count(draft.officers));
        state.cadets.set(&count(draft.cadets));
        state.notes.set(&draft.notes);
        state.status = draft.status;
        state.correcting = Some(Correcting { id: entry.id, base: entry.revision, extra: quantities, reason_required });
        state.pristine = state.fingerprint();
        state
    }

    fn fingerprint(&self) -> Vec<String> {
        let mut all = vec![self.kind.to_string(), self.unit.to_string()];
        all.extend(
            [
                &self.date,
                &self.value,
                &self.item,
                &self.price,
                &self.participants,
                &self.officers,
                &self.cadets,
                &self.notes,
                &self.reason,
            ]
            .iter()
            .map(|t| t.text().to_string()),
        );
        all
    }

    pub fn kinds(&self) -> &'static [Kind] {
        self.program.sector.kinds()
    }

    pub fn kind(&self) -> Kind {
        self.kinds()[self.kind]
    }

    pub fn unit(&self) -> Unit {
        self.kind().units()[self.unit]
    }

    fn wants_price(&self) -> bool {
        matches!(self.kind(), Kind::Sale | Kind::Purchase) && self.unit() != Unit::Rp
    }

    /// The fields of the chosen kind, in the order Tab visits them.
    pub fn fields(&self) -> Vec<FormField> {
        use FormField::*;
        let mut fields = vec![Date, Kind, Value, Unit, Item];
        if self.wants_price() {
            fields.push(Price);
        }
        fields.push(Participants);
        if self.kind() == crate::domain::sector::Kind::Training {
            fields.extend([Officers, Cadets]);
        }
        fields.push(Notes);
        if self.correcting.is_some() {
            fields.push(Reason);
        }
        fields.push(Save);
        fields
    }

    pub fn input(&self, field: FormField) -> Option<&TextInput> {
        Some(match field {
            FormField::Date => &self.date,
            FormField::Value => &self.value,
            FormField::Item => &self.item,
            FormField::Price => &self.price,
            FormField::Participants => &self.participants,
            FormField::Officers => &self.officers,
            FormField::Cadets => &self.cadets,
            FormField::Notes => &self.notes,
            FormField::Reason => &self.reason,
            FormField::Kind | FormField::Unit | FormField::Save => return None,
        })
    }

    fn input_mut(&mut self, field: FormField) -> Option<&mut TextInput> {
        Some(match field {
            FormField::Date => &mut self.date,
            FormField::Value => &mut self.value,
            FormField::Item => &mut self.item,
            FormField::Price => &mut self.price,
            FormField::Participants => &mut self.participants,
            FormField::Officers => &mut self.officers,
            FormField::Cadets => &mut self.cadets,
            FormField::Notes => &mut self.notes,
            FormField::Reason => &mut self.reason,
            FormField::Kind | FormField::Unit | FormField::Save => return None,
        })
    }

    /// Whether anything was typed or chosen since the form opened: only
    /// then does Esc ask first, and only then is it kept as a draft when
    /// another officer takes the terminal.
    pub fn dirty(&self) -> bool {
        self.fingerprint() != self.pristine
    }

    fn step(&mut self, forward: bool) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward { (at + 1) % fields.len() } else { (at + fields.len() - 1) % fields.len() };
        self.focus = fields[next];
    }

    fn set_kind(&mut self, index: usize) {
        let unit = self.unit();
        self.kind = index;
        // Keep the unit when the new kind has it: kg stays kg from harvest to input.
        self.unit = self.kind().units().iter().position(|u| *u == unit).unwrap_or(0);
        self.suggestion = None;
    }

    /// Items used before with the chosen kind that contain what was typed.
    pub fn suggestions(&self) -> Vec<&Total> {
        let query = self.item_query.trim().to_lowercase();
        let mut seen: Vec<&Total> = Vec::new();
        for t in self.used.iter().filter(|t| t.kind == self.kind() && t.item.contains(&query)) {
            if !seen.iter().any(|s| s.item == t.item) {
                seen.push(t);
            }
        }
        seen
    }

    fn choose(&mut self, down: bool) {
        match self.focus {
            FormField::Kind => {
                let n = self.kinds().len();
                self.set_kind(if down { (self.kind + 1) % n } else { (self.kind + n - 1) % n });
            }
            FormField::Unit => {
                let n = self.kind().units().len();
                self.unit = if down { (self.unit + 1) % n } else { (self.unit + n - 1) % n };
            }
            FormField::Item => {
                let found: Vec<(String, Unit)> = self.suggestions().iter().map(|t| (t.item.clone(), t.unit)).collect();
                if found.is_empty() {
                    return;
                }
                let next = match (self.suggestion, down) {
                    (None, true) => 0,
                    (None, false) => found.len() - 1,
                    (Some(i), true) => (i + 1).min(found.len() - 1),
                    (Some(i), false) => i.saturating_sub(1),
                };
                self.suggestion = Some(next);
                let (item, unit) = &found[next];
                self.item.set(item);
                if let Some(u) = self.kind().units().iter().position(|k| k == unit) {
                    self.unit = u;
                }
            }
            _ => self.step(down),
        }
    }

    /// Type-ahead in a list: the next option whose name starts with `c`.
    fn jump(&mut self, c: char, lang: Lang) {
        let c = c.to_lowercase().to_string();
        let starts = |name: &str| name.to_lowercase().starts_with(&c);
        match self.focus {
            FormField::Kind => {
                let n = self.kinds().len();
                if let Some(i) =
                    (1..=n).map(|d| (self.kind + d) % n).find(|&i| starts(kind_name(lang, self.kinds()[i])))
                {
                    self.set_kind(i);
                }
            }
            FormField::Unit => {
                let units = self.kind().units();
                let n = units.len();
                if let Some(i) = (1..=n).map(|d| (self.unit + d) % n).find(|&i| starts(units[i].label())) {
                    self.unit = i;
                }
            }
            _ => {}
        }
    }

    pub fn key(&mut self, key: Key, lang: Lang) -> Action {
        if self.confirm_discard {
            match key {
                Key::Char('y' | 'Y') => return Action::Back,
                Key::Char('n' | 'N') | Key::Esc => self.confirm_discard = false,
                _ => {}
            }
            return Action::None;
        }
        let choosing = matches!(self.focus, FormField::Kind | FormField::Unit);
        match key {
            Key::Esc if self.dirty() => self.confirm_discard = true,
            Key::Esc => return Action::Back,
            Key::Enter if self.focus == FormField::Save => return self.submit(lang),
            Key::Tab | Key::Enter => self.step(true),
            Key::BackTab => self.step(false),
            Key::Up => self.choose(false),
            Key::Down => self.choose(true),
            Key::Left | Key::Right if choosing => self.choose(key == Key::Right),
            Key::Char(c) if choosing => self.jump(c, lang),
            other => {
                let focus = self.focus;
                if let Some(input) = self.input_mut(focus)
                    && input.edit(other)
                {
                    // The officer is fixing this field: its old message no longer applies.
                    self.problems.retain(|(f, _)| *f != focus);
                    if focus == FormField::Item {
                        self.item_query = self.item.text().to_string();
                        self.suggestion = None;
                    }
                }
            }
        }
        Action::None
    }

    /// Builds the draft and checks it as the records API will; returns the
    /// draft to save, or marks every faulty field.
    fn submit(&mut self, lang: Lang) -> Action {
        let mut found: Vec<(FormField, Invalid)> = Vec::new();
        let date = parse_date(self.date.text()).unwrap_or_else(|e| {
            found.push((FormField::Date, e));
            self.today
        });
        let (kind, unit) = (self.kind(), self.unit());
        let mut quantities = Vec::new();
        let extra = self.correcting.as_ref().map(|c| c.extra.clone()).unwrap_or_default();
        match Quantity::new(self.value.text(), unit, self.item.text()) {
            Ok(q) => quantities.push(q),
            Err(e @ Invalid::TextTooLong { .. }) => found.push((FormField::Item, e)),
            Err(e) => {
                found.push((FormField::Value, e));
                if kind.needs_item() && unit != Unit::Rp && self.item.is_empty() {
                    found.push((FormField::Item, Invalid::ItemMissing { kind }));
                }
            }
        }
        if self.wants_price() && !self.price.is_empty() {
            match Quantity::new(self.price.text(), Unit::Rp, self.item.text()) {
                Ok(q) => quantities.push(q),
                Err(e) => found.push((FormField::Price, e)),
            }
        }
        let mut count = |field: FormField, input: &TextInput| -> u32 {
            let typed = input.text().trim();
            if typed.is_empty() {
                return 0;
            }
            typed.parse().unwrap_or_else(|_| {
                found.push((field, Invalid::ParticipantsNotNumber { input: typed.to_string() }));
                0
            })
        };
        quantities.extend(extra);
        let participants = count(FormField::Participants, &self.participants);
        let training = kind == Kind::Training;
        let officers = if training { count(FormField::Officers, &self.officers) } else { 0 };
        let cadets = if training { count(FormField::Cadets, &self.cadets) } else { 0 };
        let draft = EntryDraft {
            program: self.program.id,
            date,
            kind,
            quantities,
            participants,
            officers,
            cadets,
            notes: self.notes.text().to_string(),
            status: self.status,
        };
        let checked = draft.validate(&self.program, self.today);
        if let Err(problems) = &checked {
            for (field, e) in problems {
                let field = self.field_of(*field, e);
                if !found.iter().any(|(f, _)| *f == field) {
                    found.push((field, e.clone()));
                }
            }
        }
        match checked {
            Ok(draft) if found.is_empty() => {
                self.problems.clear();
                Action::Save(draft)
            }
            _ => {
                self.mark(found, lang);
                Action::None
            }
        }
    }

    /// Shows problems the records API found when saving.
    pub fn refused(&mut self, problems: &[(Field, Invalid)], lang: Lang) {
        let found = problems.iter().map(|(f, e)| (self.field_of(*f, e), e.clone())).collect();
        self.mark(found, lang);
    }

    fn mark(&mut self, mut found: Vec<(FormField, Invalid)>, lang: Lang) {
        let order = self.fields();
        found.sort_by_key(|(f, _)| order.iter().position(|o| o == f).unwrap_or(order.len()));
        self.problems = found.iter().map(|(f, e)| (*f, i18n::invalid(lang, e))).collect();
        if let Some((field, _)) = found.first() {
            self.focus = *field;
        }
    }

    /// The form field a problem of the draft is about.
    fn field_of(&self, field: Field, e: &Invalid) -> FormField {
        match (field, e) {
            (Field::Date, _) => FormField::Date,
            (Field::Kind | Field::Program, _) => FormField::Kind,
            (Field::Quantity(0), Invalid::UnitNotForKind { .. }) => FormField::Unit,
            (Field::Quantity(0), Invalid::ItemMissing { .. } | Invalid::TextTooLong { .. }) => FormField::Item,
            (Field::Quantity(0), _) => FormField::Value,
            (Field::Quantity(_), _) => FormField::Price,
            (Field::Participants, _) => {
                let over = |input: &TextInput| input.text().trim().parse::<u32>().is_ok_and(|n| n > PARTICIPANTS_MAX);
                if over(&self.officers) {
                    FormField::Officers
                } else if over(&self.cadets) {
                    FormField::Cadets
                } else {
                    FormField::Participants
                }
            }
            (Field::Notes, Invalid::ChangeReasonMissing) => FormField::Reason,
            (Field::Notes, _) => FormField::Notes,
        }
    }

    fn faulty(&self, field: FormField) -> bool {
        self.problems.iter().any(|(f, _)| *f == field)
    }
}

const LABEL_WIDTH: u16 = 17;
const LEFT_WIDTH: u16 = 46;

fn label_key(field: FormField, kind: Kind) -> &'static str {
    match field {
        FormField::Date => "tui.label_date",
        FormField::Kind => "tui.label_kind",
        FormField::Value => "tui.label_value",
        FormField::Unit => "tui.label_unit",
        FormField::Item if kind.sector() == crate::domain::sector::Sector::Peternakan => "tui.label_species",
        FormField::Item if kind == Kind::Training => "tui.label_topic",
        FormField::Item => "tui.label_item",
        FormField::Price => "tui.label_price",
        FormField::Participants => "tui.label_participants",
        FormField::Officers => "tui.label_officers",
        FormField::Cadets => "tui.label_cadets",
        FormField::Notes if kind.needs_reason() => "tui.label_reason",
        FormField::Notes => "tui.label_notes",
        FormField::Reason => "tui.label_change_reason",
        FormField::Save => "tui.form_save",
    }
}

/// "New entry: programme" or "Correct entry 12: programme".
pub fn form_title(state: &State, lang: Lang) -> String {
    let program = ("program", Arg::Text(state.program.name.clone()));
    match &state.correcting {
        Some(c) => fill(lang, "tui.correct_title", &[("id", Arg::Number(c.id as i64)), program]),
        None => fill(lang, "tui.form_title", &[program]),
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let title = form_title(state, lang);
    frame.render_widget(
        Line::styled(theme.fit(&title, usize::from(area.width)), theme.title()),
        Rect { height: 1, ..area },
    );
    let kind = state.kind();
    let (open, close) = theme.choice();
    let mut cursor = None;
    let fields = state.fields();
    for (i, field) in fields.iter().enumerate() {
        let row = Rect { x: area.x, y: area.y + 2 + i as u16, width: LEFT_WIDTH.min(area.width), height: 1 };
        let label = Label {
            text: text(lang, label_key(*field, kind)),
            width: LABEL_WIDTH,
            focused: state.focus == *field,
            faulty: state.faulty(*field),
        };
        let value_area = Rect { x: row.x + LABEL_WIDTH, width: row.width.saturating_sub(LABEL_WIDTH), ..row };
        match field {
            FormField::Kind | FormField::Unit => {
                frame.render_widget(label_line(theme, label), row);
                let shown = if *field == FormField::Kind { kind_name(lang, kind) } else { state.unit().label() };
                let style = if label.focused { theme.strong() } else { ratatui::style::Style::new() };
                frame.render_widget(Line::styled(format!("{open}{shown}{close}"), style), value_area);
            }
            FormField::Save => {
                let button = format!("[ {} ]", text(lang, "tui.form_save"));
                let style = if label.focused { theme.selected().patch(theme.strong()) } else { theme.strong() };
                let marker = if label.focused { ">" } else { " " };
                frame.render_widget(
                    Line::from(vec![Span::raw(marker), Span::styled(button, style)]),
                    Rect { x: value_area.x - 1, ..value_area },
                );
            }
            other => {
                let Some(input) = state.input(*other) else { continue };
                let width = match other {
                    FormField::Participants | FormField::Officers | FormField::Cadets => 8,
                    FormField::Date => 14,
                    _ => row.width,
                };
                let narrow = Rect { width: (LABEL_WIDTH + width).min(row.width), ..row };
                cursor = labelled_input(frame, narrow, theme, label, input).or(cursor);
            }
        }
    }
    let side = Rect {
        x: area.x + LEFT_WIDTH + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(LEFT_WIDTH + 1),
        height: 12.min(area.height.saturating_sub(1)),
    };
    render_side(state, frame, side, ui);
    let below_y = (area.y + 3 + fields.len() as u16).max(side.y + side.height + 1);
    let mut below = Rect { y: below_y, height: (area.y + area.height).saturating_sub(below_y), ..area };
    if let Some(c) = state.correcting.as_ref().filter(|c| !c.extra.is_empty()) {
        let kept =
            fill(lang, "tui.correct_extra", &[("quantities", Arg::Text(crate::tui::view::quantities(lang, &c.extra)))]);
        frame.render_widget(Line::from(theme.fit(&kept, usize::from(area.width))), Rect { height: 1, ..below });
        below = Rect { y: below.y + 1, height: below.height.saturating_sub(1), ..below };
    }
    let messages: Vec<String> = state.problems.iter().map(|(_, m)| m.clone()).collect();
    problems(frame, below, theme, &messages);
    if state.confirm_discard {
        render_confirm(frame, area, ui);
        return None;
    }
    cursor
}

/// The choices of the focused list, or a hint for the focused field.
fn render_side(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let kind = state.kind();
    let (title, hint) = match state.focus {
        FormField::Kind => ("tui.options_kind", None),
        FormField::Unit => ("tui.options_unit", None),
        FormField::Item => ("tui.options_item", None),
        FormField::Date => ("tui.hint_title", Some(fill(lang, "tui.hint_date", &[("today", Arg::Date(state.today))]))),
        FormField::Value => ("tui.hint_title", Some(text(lang, "tui.hint_value").to_string())),
        FormField::Price => ("tui.hint_title", Some(text(lang, "tui.hint_price").to_string())),
        FormField::Participants => ("tui.hint_title", Some(text(lang, "tui.hint_participants").to_string())),
        FormField::Officers | FormField::Cadets => {
            ("tui.hint_title", Some(text(lang, "tui.hint_training").to_string()))
        }
        FormField::Notes if kind.needs_reason() => ("tui.hint_title", Some(text(lang, "tui.hint_reason").to_string())),
        FormField::Notes => ("tui.hint_title", Some(text(lang, "tui.hint_notes").to_string())),
        FormField::Reason => {
            let required = state.correcting.as_ref().is_some_and(|c| c.reason_required);
            let key = if required { "tui.hint_change_reason_required" } else { "tui.hint_change_reason_optional" };
            ("tui.hint_title", Some(text(lang, key).to_string()))
        }
        FormField::Save => ("tui.hint_title", Some(text(lang, "tui.hint_save").to_string())),
    };
    let block = titled(theme, text(lang, title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(hint) = hint {
        frame.render_widget(Paragraph::new(hint).wrap(Wrap { trim: true }), inner);
        return;
    }
    let width = usize::from(inner.width).saturating_sub(2);
    match state.focus {
        FormField::Kind => {
            let kinds = state.kinds();
            list::render(frame, inner, theme, kinds.len(), Some(state.kind), |i| {
                Line::from(theme.fit(kind_name(lang, kinds[i]), width))
            });
        }
        FormField::Unit => {
            let units = kind.units();
            list::render(frame, inner, theme, units.len(), Some(state.unit), |i| Line::from(units[i].label()));
        }
        _ => {
            let found = state.suggestions();
            if found.is_empty() {
                frame.render_widget(
                    Paragraph::new(text(lang, "tui.options_item_none")).wrap(Wrap { trim: true }),
                    inner,
                );
                return;
            }
            list::render(frame, inner, theme, found.len(), state.suggestion, |i| {
                Line::from(theme.fit(&format!("{} ({})", found[i].item, found[i].unit.label()), width))
            });
        }
    }
}

fn render_confirm(frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let width = 56.min(area.width);
    let boxed =
        Rect { x: area.x + (area.width - width) / 2, y: area.y + area.height / 3, width, height: 5.min(area.height) };
    let block = titled(theme, text(lang, "tui.confirm_title"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    let lines =
        vec![Line::from(text(lang, "tui.confirm_discard")), Line::styled(text(lang, "tui.confirm_keys"), theme.key())];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
