//! A new entry, or a correction of one: the fields its kind needs. An entry
//! holds one or more quantities, one row each (value, unit, item): `+` on
//! the "[ + Another quantity ]" button or on a row's unit adds a row, `-`
//! on a row's unit removes it. Kind and unit are chosen from lists, the item
//! from those used before in the programme or typed new. A sale or purchase
//! offers a second row in rupiah for its price. A correction opens filled in
//! with every quantity of the current revision and asks why. Problems mark
//! their field (in the row at fault) and say what to fix; nothing typed is
//! lost. When the rows outgrow the screen, the fields scroll a page at a
//! time to keep the focused one in view.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Action, Page};
use crate::domain::date::format_date;
use crate::domain::draft_text::{self, TypedDraft, TypedQuantity};
use crate::domain::entry::{Entry, EntryDraft, EntryId, Field, PARTICIPANTS_MAX, Status};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::reference::Program;
use crate::domain::sector::Kind;
use crate::domain::text::TextField;
use crate::domain::unit::Unit;
use crate::i18n::{self, Lang, fill, kind_name, text};
use crate::records::{DraftRow, FormDraft, Total};
use crate::tui::bindings::{Binding, DISCARD, EDIT_KEYS, Hint, find, hints};
use crate::tui::keymap::Key;
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::field::{Label, label_line, labelled_input, problems};
use crate::tui::widgets::{input::TextInput, list};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormField {
    Date,
    Kind,
    /// The value of quantity row `n` (from 0).
    Value(usize),
    Unit(usize),
    Item(usize),
    /// The "[ + Another quantity ]" button under the last row.
    AddQuantity,
    Participants,
    Officers,
    Cadets,
    Notes,
    /// Why a correction is made.
    Reason,
    Save,
}

impl FormField {
    /// The quantity row the field belongs to.
    pub fn row(self) -> Option<usize> {
        match self {
            FormField::Value(n) | FormField::Unit(n) | FormField::Item(n) => Some(n),
            _ => None,
        }
    }

    /// The same field in row `n`.
    fn in_row(self, n: usize) -> FormField {
        match self {
            FormField::Value(_) => FormField::Value(n),
            FormField::Unit(_) => FormField::Unit(n),
            FormField::Item(_) => FormField::Item(n),
            other => other,
        }
    }
}

/// One quantity: value, unit and item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityRow {
    pub value: TextInput,
    /// Index into the kind's units.
    pub unit: usize,
    pub item: TextInput,
    /// What was typed into the item field; suggestions are filtered by it
    /// while the arrows put one suggestion after another in the field.
    item_query: String,
    pub suggestion: Option<usize>,
}

impl QuantityRow {
    fn new(unit: usize) -> QuantityRow {
        QuantityRow {
            value: TextInput::new(16),
            unit,
            item: TextInput::for_field(TextField::Item),
            item_query: String::new(),
            suggestion: None,
        }
    }

    /// Nothing typed: an added row left like this is not a quantity.
    pub fn is_blank(&self) -> bool {
        self.value.is_empty() && self.item.is_empty()
    }
}

/// What a correction form corrects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correcting {
    pub id: EntryId,
    /// The revision the correction starts from; if the entry changed since,
    /// the records API refuses the correction with the newest revision.
    pub base: u32,
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
    pub date: TextInput,
    /// One or more quantities, in the order they are saved.
    pub rows: Vec<QuantityRow>,
    pub participants: TextInput,
    pub officers: TextInput,
    pub cadets: TextInput,
    pub notes: TextInput,
    pub focus: FormField,
    /// Items used before in the programme, most used first.
    pub used: Vec<Total>,
    pub problems: Vec<(FormField, String)>,
    pub confirm_discard: bool,
    /// Set when the form corrects an entry instead of adding one.
    pub correcting: Option<Correcting>,
    pub reason: TextInput,
    /// Kept from the corrected entry; a new entry is done.
    pub status: Status,
    /// The row of each quantity in the last draft handed over for saving
    /// (blank rows are left out), to mark the right row when the records
    /// API refuses one.
    sent: Vec<usize>,
    /// How the form looked when it opened, to tell whether anything changed.
    pristine: Vec<String>,
    /// Today's head count per species, for a livestock programme: a death
    /// or sale past it asks to be confirmed first. `None` when not known.
    pub herd: Option<BTreeMap<String, i64>>,
    /// A checked draft that would take a species below zero, waiting for
    /// the officer to confirm it with a reason.
    pub below_zero: Option<Box<BelowZero>>,
}

/// The question asked before saving a death or sale larger than the herd.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BelowZero {
    pub draft: EntryDraft,
    /// Species, count on hand, count it would leave.
    pub left: Vec<(String, i64, i64)>,
    pub reason: TextInput,
    pub problem: Option<String>,
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
            date: TextInput::new(10).with_text(&format_date(today)),
            rows: vec![QuantityRow::new(0)],
            participants: count_input(),
            officers: count_input(),
            cadets: count_input(),
            notes: TextInput::for_field(TextField::Notes),
            focus: FormField::Date,
            used,
            problems: Vec::new(),
            confirm_discard: false,
            correcting: None,
            reason: TextInput::for_field(TextField::Reason),
            status: Status::Done,
            sent: Vec::new(),
            pristine: Vec::new(),
            herd: None,
            below_zero: None,
        };
        state.offer_price();
        state.pristine = state.fingerprint();
        state
    }

    /// The programme's head count today, to warn before a death or sale
    /// takes a species below zero.
    pub fn with_herd(mut self, herd: Option<BTreeMap<String, i64>>) -> State {
        self.herd = herd;
        self
    }

    /// The form correcting an entry's current revision, asking a reason of
    /// the officers who must give one.
    pub fn correction(
        data: &crate::tui::data::EntryData,
        officer: &crate::domain::officer::Officer,
        today: NaiveDate,
        lang: Lang,
    ) -> State {
        let required = crate::domain::permission::reason_required(officer);
        State::correcting(data.program.clone(), data.items.clone(), today, &data.entry, required, lang)
    }

    /// A correction of `entry`'s current revision, filled in with it: every
    /// quantity in a row of its own.
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
        let units = state.kind().units();
        let mut rows: Vec<QuantityRow> = draft
            .quantities
            .iter()
            .map(|q| {
                let mut row = QuantityRow::new(units.iter().position(|u| *u == q.unit).unwrap_or(0));
                row.value.set(&q.value.format(mark));
                row.item.set(&q.item);
                row.item_query = q.item.clone();
                row
            })
            .collect();
        if rows.is_empty() {
            rows.push(QuantityRow::new(0));
        }
        state.rows = rows;
        state.offer_price();
        let count = |n: u32| if n == 0 { String::new() } else { n.to_string() };
        state.participants.set(&count(draft.participants));
        state.officers.set(&count(draft.officers));
        state.cadets.set(&count(draft.cadets));
        state.notes.set(&draft.notes);
        state.status = draft.status;
        state.correcting = Some(Correcting { id: entry.id, base: entry.revision, reason_required });
        state.pristine = state.fingerprint();
        state
    }

    /// The form as typed, for the server to keep (records/drafts.rs): the
    /// raw texts, the kind and units chosen, and what it corrects.
    pub fn draft(&self) -> FormDraft {
        let units = self.kind().units();
        FormDraft {
            program: self.program.id,
            kind: self.kind(),
            correcting: self.correcting.as_ref().map(|c| (c.id, c.base)),
            date: self.date.text().to_string(),
            rows: self
                .rows
                .iter()
                .map(|row| DraftRow {
                    value: row.value.text().to_string(),
                    unit: units.get(row.unit).copied(),
                    item: row.item.text().to_string(),
                })
                .collect(),
            participants: self.participants.text().to_string(),
            officers: self.officers.text().to_string(),
            cadets: self.cadets.text().to_string(),
            notes: self.notes.text().to_string(),
            reason: self.reason.text().to_string(),
        }
    }

    /// Fills the form in with a kept draft, as the officer left it. What
    /// the form opened with stays its starting point, so the restored form
    /// counts as changed (Esc asks, the lock keeps it). The revision a
    /// correction started from is the draft's: if the entry changed since,
    /// saving is refused with the newest revision, as it would have been.
    pub fn restore(&mut self, draft: &FormDraft) {
        self.kind = self.kinds().iter().position(|k| *k == draft.kind).unwrap_or(self.kind);
        let units = self.kind().units();
        self.date.set(&draft.date);
        let mut rows: Vec<QuantityRow> = draft
            .rows
            .iter()
            .map(|kept| {
                let unit = kept.unit.and_then(|u| units.iter().position(|k| *k == u)).unwrap_or(0);
                let mut row = QuantityRow::new(unit);
                row.value.set(&kept.value);
                row.item.set(&kept.item);
                row.item_query = kept.item.clone();
                row
            })
            .collect();
        if rows.is_empty() {
            rows.push(QuantityRow::new(0));
        }
        self.rows = rows;
        self.participants.set(&draft.participants);
        self.officers.set(&draft.officers);
        self.cadets.set(&draft.cadets);
        self.notes.set(&draft.notes);
        self.reason.set(&draft.reason);
        if let (Some(c), Some((_, base))) = (&mut self.correcting, draft.correcting) {
            c.base = base;
        }
        self.focus = FormField::Date;
        self.problems.clear();
        self.sent.clear();
    }

    fn fingerprint(&self) -> Vec<String> {
        let mut all = vec![self.kind.to_string()];
        for row in &self.rows {
            all.extend([row.value.text().to_string(), row.unit.to_string(), row.item.text().to_string()]);
        }
        all.extend(
            [&self.date, &self.participants, &self.officers, &self.cadets, &self.notes, &self.reason]
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

    /// The unit chosen in row `n`.
    pub fn unit(&self, n: usize) -> Unit {
        let units = self.kind().units();
        self.rows.get(n).and_then(|row| units.get(row.unit)).copied().unwrap_or(units[0])
    }

    /// A sale or a purchase offers a row for its price in rupiah, unless a
    /// row is in rupiah already. Left empty, it is not saved.
    fn offer_price(&mut self) {
        let units = self.kind().units();
        let Some(rp) = units.iter().position(|u| *u == Unit::Rp) else { return };
        if matches!(self.kind(), Kind::Sale | Kind::Purchase) && !self.rows.iter().any(|r| r.unit == rp) {
            self.rows.push(QuantityRow::new(rp));
        }
    }

    /// The fields of the chosen kind, in the order Tab visits them.
    pub fn fields(&self) -> Vec<FormField> {
        use FormField::*;
        let mut fields = vec![Date, Kind];
        for n in 0..self.rows.len() {
            fields.extend([Value(n), Unit(n), Item(n)]);
        }
        fields.extend([AddQuantity, Participants]);
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
            FormField::Value(n) => &self.rows.get(n)?.value,
            FormField::Item(n) => &self.rows.get(n)?.item,
            FormField::Participants => &self.participants,
            FormField::Officers => &self.officers,
            FormField::Cadets => &self.cadets,
            FormField::Notes => &self.notes,
            FormField::Reason => &self.reason,
            FormField::Kind | FormField::Unit(_) | FormField::AddQuantity | FormField::Save => return None,
        })
    }

    fn input_mut(&mut self, field: FormField) -> Option<&mut TextInput> {
        Some(match field {
            FormField::Date => &mut self.date,
            FormField::Value(n) => &mut self.rows.get_mut(n)?.value,
            FormField::Item(n) => &mut self.rows.get_mut(n)?.item,
            FormField::Participants => &mut self.participants,
            FormField::Officers => &mut self.officers,
            FormField::Cadets => &mut self.cadets,
            FormField::Notes => &mut self.notes,
            FormField::Reason => &mut self.reason,
            FormField::Kind | FormField::Unit(_) | FormField::AddQuantity | FormField::Save => return None,
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
        let before: Vec<Unit> = (0..self.rows.len()).map(|n| self.unit(n)).collect();
        self.kind = index;
        let units = self.kind().units();
        for (row, unit) in self.rows.iter_mut().zip(before) {
            // Keep the unit when the new kind has it: kg stays kg from harvest to input.
            row.unit = units.iter().position(|u| *u == unit).unwrap_or(0);
            row.suggestion = None;
        }
        // Added rows left blank served the kind before (a sale's price row):
        // they go, and the new kind offers its own.
        for n in (1..self.rows.len()).rev() {
            if self.rows[n].is_blank() {
                self.remove_row(n);
            }
        }
        self.offer_price();
    }

    /// Adds a quantity row after the last, in the first row's unit (12,5 kg
    /// cabai, then 4 kg tomat), and moves to its value.
    fn add_row(&mut self) {
        let unit = self.rows.first().map_or(0, |r| r.unit);
        self.rows.push(QuantityRow::new(unit));
        self.focus = FormField::Value(self.rows.len() - 1);
    }

    /// Removes quantity row `n`, never the last one left. Its messages go;
    /// those of the rows below move up with them.
    fn remove_row(&mut self, n: usize) {
        if self.rows.len() < 2 || n >= self.rows.len() {
            return;
        }
        self.rows.remove(n);
        self.sent.clear();
        self.problems.retain(|(f, _)| f.row() != Some(n));
        for (field, _) in &mut self.problems {
            if let Some(m) = field.row().filter(|m| *m > n) {
                *field = field.in_row(m - 1);
            }
        }
        if let Some(m) = self.focus.row() {
            self.focus = match m.cmp(&n) {
                std::cmp::Ordering::Less => self.focus,
                std::cmp::Ordering::Equal => FormField::Value(n.min(self.rows.len() - 1)),
                std::cmp::Ordering::Greater => self.focus.in_row(m - 1),
            };
        }
    }

    /// Items used before in the programme that contain what was typed in
    /// row `n`: those of the chosen kind first, then those of any other
    /// (a species counted is the one born, bought, sold), each item once.
    pub fn suggestions(&self, n: usize) -> Vec<&Total> {
        let query = self.rows.get(n).map_or(String::new(), |r| r.item_query.trim().to_lowercase());
        let kind = self.kind();
        let matching = |t: &&Total| !t.item.is_empty() && t.item.to_lowercase().contains(&query);
        let same = self.used.iter().filter(|t| t.kind == kind).filter(matching);
        let other = self.used.iter().filter(|t| t.kind != kind).filter(matching);
        let mut seen: Vec<&Total> = Vec::new();
        for t in same.chain(other) {
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
            FormField::Unit(row) => {
                let n = self.kind().units().len();
                if let Some(r) = self.rows.get_mut(row) {
                    r.unit = if down { (r.unit + 1) % n } else { (r.unit + n - 1) % n };
                }
            }
            FormField::Item(row) => {
                let found: Vec<(String, Unit)> =
                    self.suggestions(row).iter().map(|t| (t.item.clone(), t.unit)).collect();
                let units = self.kind().units();
                let Some(r) = self.rows.get_mut(row).filter(|_| !found.is_empty()) else { return };
                let next = match (r.suggestion, down) {
                    (None, true) => 0,
                    (None, false) => found.len() - 1,
                    (Some(i), true) => (i + 1).min(found.len() - 1),
                    (Some(i), false) => i.saturating_sub(1),
                };
                r.suggestion = Some(next);
                let (item, unit) = &found[next];
                r.item.set(item);
                if let Some(u) = units.iter().position(|k| k == unit) {
                    r.unit = u;
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
            FormField::Unit(row) => {
                let units = self.kind().units();
                let n = units.len();
                if let Some(r) = self.rows.get_mut(row)
                    && let Some(i) = (1..=n).map(|d| (r.unit + d) % n).find(|&i| starts(units[i].label()))
                {
                    r.unit = i;
                }
            }
            _ => {}
        }
    }

    /// The keys in force for the focused field and any question asked.
    fn keys(&self) -> Vec<Binding<Do>> {
        if self.below_zero.is_some() {
            return BELOW_ZERO_KEYS.to_vec();
        }
        let choosing = matches!(self.focus, FormField::Kind | FormField::Unit(_));
        let wanted = |b: &&Binding<Do>| match b.action {
            Do::Save => self.focus == FormField::Save,
            Do::Add => matches!(self.focus, FormField::Unit(_) | FormField::AddQuantity),
            Do::AddHere => self.focus == FormField::AddQuantity,
            Do::Remove => matches!(self.focus, FormField::Unit(_)) && self.rows.len() > 1,
            Do::ChooseSide | Do::Jump => choosing,
            _ => true,
        };
        KEYS.iter().filter(wanted).copied().collect()
    }

    fn key_in_form(&mut self, key: Key, lang: Lang) -> Action {
        match (find(&self.keys(), key), self.focus) {
            (Some(Do::Cancel), _) if self.dirty() => self.confirm_discard = true,
            (Some(Do::Cancel), _) => return Action::Back,
            (Some(Do::Save), _) => return self.submit(lang),
            (Some(Do::Add | Do::AddHere), _) => self.add_row(),
            (Some(Do::Remove), FormField::Unit(n)) => self.remove_row(n),
            (Some(Do::Next), _) => self.step(true),
            (Some(Do::Previous), _) => self.step(false),
            (Some(Do::Choose), _) => self.choose(key == Key::Down),
            (Some(Do::ChooseSide), _) => self.choose(key == Key::Right),
            (Some(Do::Jump), _) | (None, FormField::Kind | FormField::Unit(_)) => {
                if let Key::Char(c) = key {
                    self.jump(c, lang)
                }
            }
            (_, focus) => {
                if let Some(input) = self.input_mut(focus)
                    && input.edit(key)
                {
                    // The officer is fixing this field: its old message no longer applies.
                    let refused = input.refusal(lang);
                    self.problems.retain(|(f, _)| *f != focus);
                    if let Some(message) = refused {
                        self.problems.push((focus, message));
                    }
                    if let FormField::Item(n) = focus
                        && let Some(row) = self.rows.get_mut(n)
                    {
                        row.item_query = row.item.text().to_string();
                        row.suggestion = None;
                    }
                }
            }
        }
        Action::None
    }

    /// Builds the draft and checks it as the records API will; returns the
    /// draft to save, or marks every faulty field.
    fn submit(&mut self, lang: Lang) -> Action {
        let kind = self.kind();
        // An added row left blank is no quantity: a sale's price may stay empty.
        let passed: Vec<usize> = (0..self.rows.len()).filter(|&n| n == 0 || !self.rows[n].is_blank()).collect();
        let training = kind == Kind::Training;
        // Read as the command line and an import read theirs
        // (domain/draft_text.rs); the training counts are fields of a
        // training only.
        let typed = TypedDraft {
            program: None,
            date: Some(self.date.text()),
            kind: Some(kind.code()),
            kind_required: true,
            quantities: Some(
                passed
                    .iter()
                    .map(|&n| TypedQuantity::Parts {
                        value: self.rows[n].value.text(),
                        unit: self.unit(n).code(),
                        item: self.rows[n].item.text(),
                    })
                    .collect(),
            ),
            participants: Some(self.participants.text()),
            officers: training.then(|| self.officers.text()),
            cadets: training.then(|| self.cadets.text()),
            notes: Some(self.notes.text()),
            status: Some(self.status.code()),
        };
        let parsed = typed.parse(draft_text::blank(self.program.id, self.today));
        self.sent = parsed.kept.iter().map(|&k| passed[k]).collect();
        let mut found: Vec<(FormField, Invalid)> = Vec::new();
        for (field, e) in parsed.problems {
            let Field::Quantity(i) = field else {
                found.push((self.field_of(field, &e), e));
                continue;
            };
            let n = passed[i];
            if matches!(e, Invalid::TextTooLong { .. } | Invalid::TextForbidden { .. }) {
                found.push((FormField::Item(n), e));
                continue;
            }
            found.push((FormField::Value(n), e));
            if kind.needs_item() && self.unit(n) != Unit::Rp && self.rows[n].item.is_empty() {
                found.push((FormField::Item(n), Invalid::ItemMissing { kind }));
            }
        }
        let draft = parsed.draft;
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
                // A correction's herd already holds the entry corrected:
                // the warning is for new deaths and sales only.
                let left = match (&self.herd, &self.correcting) {
                    (Some(herd), None) => crate::domain::inventory::below_zero(herd, &draft),
                    _ => Vec::new(),
                };
                if left.is_empty() {
                    return Action::Save(draft);
                }
                let reason = TextInput::for_field(TextField::Reason);
                self.below_zero = Some(Box::new(BelowZero { draft, left, reason, problem: None }));
                Action::None
            }
            _ => {
                self.mark(found, lang);
                Action::None
            }
        }
    }

    /// The question before a death or sale past the herd: Esc goes back to
    /// the form, Enter saves once a reason is typed; the reason is kept in
    /// the entry's notes, where the register and audit show it.
    fn confirm_below_zero(&mut self, key: Key, lang: Lang) -> Action {
        let Some(ask) = self.below_zero.as_mut() else { return Action::None };
        match find(BELOW_ZERO_KEYS, key) {
            Some(Do::Cancel) => self.below_zero = None,
            Some(Do::Save) if ask.reason.is_empty() => {
                ask.problem = Some(text(lang, "tui.below_zero_reason_missing").to_string());
            }
            Some(Do::Save) => {
                let mut draft = ask.draft.clone();
                let reason = ask.reason.text().trim();
                draft.notes = if draft.notes.trim().is_empty() {
                    reason.to_string()
                } else {
                    format!("{} / {reason}", draft.notes)
                };
                match draft.validate(&self.program, self.today) {
                    Ok(draft) => {
                        self.below_zero = None;
                        return Action::Save(draft);
                    }
                    Err(problems) => {
                        let said: Vec<String> = problems.iter().map(|(_, e)| i18n::invalid(lang, e)).collect();
                        ask.problem = Some(said.join(" "));
                    }
                }
            }
            _ => {
                if ask.reason.edit(key) {
                    ask.problem = ask.reason.refusal(lang);
                }
            }
        }
        Action::None
    }

    /// Another officer changed the entry after this correction began: the
    /// typed correction stays, the message says what the other revision
    /// holds, and saving again corrects that revision.
    pub fn rebase(&mut self, revision: u32, message: String) {
        if let Some(c) = &mut self.correcting {
            c.base = revision;
        }
        self.problems = vec![(FormField::Save, message)];
        self.focus = FormField::Save;
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
            (Field::Quantity(i), e) => {
                // The draft leaves blank rows out: its i-th quantity is the
                // i-th row sent.
                let n = self.sent.get(i).copied().unwrap_or(i).min(self.rows.len() - 1);
                match e {
                    Invalid::UnitNotForKind { .. } => FormField::Unit(n),
                    Invalid::ItemMissing { .. } | Invalid::TextTooLong { .. } | Invalid::TextForbidden { .. } => {
                        FormField::Item(n)
                    }
                    _ => FormField::Value(n),
                }
            }
            (Field::Participants, Invalid::ParticipantsNotNumber { input }) => {
                let holds = |typed: &TextInput| typed.text().trim() == input;
                if holds(&self.officers) {
                    FormField::Officers
                } else if holds(&self.cadets) {
                    FormField::Cadets
                } else {
                    FormField::Participants
                }
            }
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
            (
                Field::Notes,
                Invalid::TextTooLong { field: TextField::Reason, .. }
                | Invalid::TextForbidden { field: TextField::Reason, .. },
            ) => FormField::Reason,
            (Field::Notes, _) => FormField::Notes,
        }
    }

    fn faulty(&self, field: FormField) -> bool {
        self.problems.iter().any(|(f, _)| *f == field)
    }
}

const LABEL_WIDTH: u16 = 17;
const LEFT_WIDTH: u16 = 46;
/// The hint beside the fields when messages are shown under it.
const SIDE_HEIGHT: u16 = 12;
/// Fields shown at least, however many messages there are.
const MIN_SHOWN: usize = 5;

fn label_key(field: FormField, kind: Kind) -> &'static str {
    match field {
        FormField::Date => "tui.label_date",
        FormField::Kind => "tui.label_kind",
        FormField::Value(_) => "tui.label_value",
        FormField::Unit(_) => "tui.label_unit",
        FormField::Item(_) if kind.sector() == crate::domain::sector::Sector::Peternakan => "tui.label_species",
        FormField::Item(_) if kind == Kind::Training => "tui.label_topic",
        FormField::Item(_) => "tui.label_item",
        FormField::AddQuantity => "tui.form_add_quantity",
        FormField::Participants => "tui.label_participants",
        FormField::Officers => "tui.label_officers",
        FormField::Cadets => "tui.label_cadets",
        FormField::Notes if kind.needs_reason() => "tui.label_reason",
        FormField::Notes => "tui.label_notes",
        FormField::Reason => "tui.label_change_reason",
        FormField::Save => "tui.form_save",
    }
}

/// A field's label; with several quantities, each row's labels carry its
/// number: "Value 2", "Unit 2", "Item 2".
fn label_text(state: &State, field: FormField, lang: Lang) -> String {
    let label = text(lang, label_key(field, state.kind()));
    match field.row() {
        Some(n) if state.rows.len() > 1 => format!("{label} {}", n + 1),
        _ => label.to_string(),
    }
}

/// "New entry: programme" or "Correct entry 12: programme".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Type,
    Next,
    Previous,
    Choose,
    ChooseSide,
    Jump,
    Save,
    Add,
    AddHere,
    Remove,
    Cancel,
}

/// The form's keys; `keys()` keeps those that apply to the focused field.
/// Where nothing is chosen, + and - type (a value may start with +, an
/// item hold a -), and letters always type.
const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Enter], "Enter", "tui.do_save", Do::Save),
    Binding::shown(&[Key::Tab, Key::Enter], "Tab/Enter", "tui.do_next", Do::Next),
    Binding::shown(&[Key::Up, Key::Down], "tui.keyname_up_down", "tui.do_choose", Do::Choose),
    Binding::shown(&[Key::Char('+')], "+", "tui.do_add_quantity", Do::Add),
    Binding::in_help(&[Key::Char(' ')], "tui.keyname_space", "tui.do_add_quantity", Do::AddHere),
    Binding::shown(&[Key::Char('-')], "-", "tui.do_remove_quantity", Do::Remove),
    Binding::in_help(&[Key::Left, Key::Right], "tui.keyname_left_right", "tui.do_choose", Do::ChooseSide),
    Binding::in_help(&[], "tui.keyname_letter", "tui.do_choose_by_letter", Do::Jump),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Do::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_cancel", Do::Cancel),
    // Last: the first the footer leaves out when the field offers more.
    Binding::shown(&[Key::BackTab], "Shift-Tab", "tui.do_previous", Do::Previous),
];

/// Asked for the reason stock may go below zero.
const BELOW_ZERO_KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Enter], "Enter", "tui.do_save_anyway", Do::Save),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Do::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_back_to_form", Do::Cancel),
];

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        let key = if self.correcting.is_some() { "tui.title_correct" } else { "tui.title_form" };
        text(lang, key).to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_form"
    }

    fn hints(&self) -> Vec<Hint> {
        if self.confirm_discard {
            return hints(DISCARD);
        }
        // + and - go to the help only: the footer then stays the same from
        // field to field, and a Tab does not redraw it (issue 12). The side
        // hint and the [ + ] button say what + does.
        let keys: Vec<Binding<Do>> = self
            .keys()
            .into_iter()
            .map(|mut b| {
                b.footer &= !matches!(b.action, Do::Add | Do::Remove);
                b
            })
            .collect();
        hints(&keys)
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        if self.confirm_discard {
            match find(DISCARD, key) {
                Some(true) => return Action::Back,
                Some(false) => self.confirm_discard = false,
                None => {}
            }
            return Action::None;
        }
        if self.below_zero.is_some() {
            return self.confirm_below_zero(key, lang);
        }
        self.key_in_form(key, lang)
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn unsaved(&self) -> bool {
        self.dirty()
    }

    fn asking(&self) -> bool {
        self.confirm_discard || self.below_zero.is_some()
    }
}

pub fn form_title(state: &State, lang: Lang) -> String {
    let program = ("program", Arg::Text(state.program.name.clone()));
    match &state.correcting {
        Some(c) => fill(lang, "tui.correct_title", &[("id", Arg::Number(c.id as i64)), program]),
        None => fill(lang, "tui.form_title", &[program]),
    }
}

/// Where the parts of the form go in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    /// The fields shown: `first..first + shown`.
    first: usize,
    shown: usize,
    /// The first row of the messages.
    below: u16,
    side_height: u16,
}

/// Shows every field when they fit above the messages; otherwise as many
/// as fit, a page at a time (as lists turn: on a slow link one redraw per
/// page costs less than a scroll per step), the page holding the focus.
fn plan(fields: usize, focus_at: usize, area: Rect, problem_lines: usize) -> Plan {
    let top = area.y + 2;
    let bottom = area.y + area.height;
    let room = usize::from(area.height.saturating_sub(2));
    // A blank row between the fields and the messages.
    let reserve = if problem_lines > 0 { problem_lines + 1 } else { 0 };
    let (first, shown) = if fields + reserve <= room {
        (0, fields)
    } else {
        // The row under the fields then says how many more follow.
        let shown = room.saturating_sub(reserve.max(1)).max(MIN_SHOWN.min(room)).min(fields);
        (list::page_start(focus_at, shown).min(fields - shown), shown)
    };
    let after = top + shown as u16;
    let side_y = area.y + 1;
    let lines = problem_lines as u16;
    // Messages go under the hint box when there is room, else as high as they must.
    let mut below = (after + 1).max(side_y + SIDE_HEIGHT + 1);
    if below + lines > bottom {
        below = bottom.saturating_sub(lines).max(after + 1);
    }
    let side_height = if problem_lines > 0 {
        SIDE_HEIGHT.min(below.saturating_sub(side_y + 1))
    } else {
        // The hint and the earlier items take what the body gives.
        area.height.saturating_sub(1)
    };
    Plan { first, shown, below, side_height }
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
    let messages: Vec<String> = state.problems.iter().map(|(_, m)| format!("! {m}")).collect();
    let problem_lines: usize = messages.iter().map(|m| super::entry_view::wrap(m, usize::from(area.width)).len()).sum();
    let focus_at = fields.iter().position(|f| *f == state.focus).unwrap_or(0);
    let plan = plan(fields.len(), focus_at, area, problem_lines);
    let left = LEFT_WIDTH.min(area.width);
    for (k, field) in fields.iter().enumerate().skip(plan.first).take(plan.shown) {
        let row = Rect { x: area.x, y: area.y + 2 + (k - plan.first) as u16, width: left, height: 1 };
        let label_text = label_text(state, *field, lang);
        let label = Label {
            text: &label_text,
            width: LABEL_WIDTH,
            focused: state.focus == *field,
            faulty: state.faulty(*field),
        };
        let value_area = Rect { x: row.x + LABEL_WIDTH, width: row.width.saturating_sub(LABEL_WIDTH), ..row };
        match field {
            FormField::Kind | FormField::Unit(_) => {
                frame.render_widget(label_line(theme, label), row);
                let shown = match field {
                    FormField::Unit(n) => state.unit(*n).label(),
                    _ => kind_name(lang, kind),
                };
                // Not bold with the focus: the label shows it (a Tab sends less).
                frame.render_widget(Line::from(format!("{open}{shown}{close}")), value_area);
            }
            FormField::Save | FormField::AddQuantity => {
                let button = format!("[ {} ]", label_text);
                let style = match (label.focused, *field == FormField::Save) {
                    (true, true) => theme.selected().patch(theme.strong()),
                    (true, false) => theme.selected(),
                    (false, true) => theme.strong(),
                    (false, false) => theme.plain(),
                };
                let marker = if label.focused { ">" } else { " " };
                frame.render_widget(
                    Line::from(vec![Span::raw(marker), Span::styled(button, style)]),
                    Rect { x: value_area.x - 1, width: value_area.width + 1, ..value_area },
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
    let more = |count: usize, key: &'static str, arrow: &str, y: u16| {
        let said = format!("{arrow} {}", fill(lang, key, &[("count", Arg::Number(count as i64))]));
        let at = Rect { x: area.x + 1, y, width: left.saturating_sub(1), height: 1 };
        (Line::styled(theme.fit(&said, usize::from(at.width)), theme.dim()), at)
    };
    if plan.first > 0 {
        let (line, at) = more(plan.first, "tui.form_more_above", theme.up(), area.y + 1);
        frame.render_widget(line, at);
    }
    let hidden_below = fields.len() - plan.first - plan.shown;
    if hidden_below > 0 {
        let (line, at) = more(hidden_below, "tui.form_more_below", theme.down(), area.y + 2 + plan.shown as u16);
        frame.render_widget(line, at);
    }
    let side = Rect {
        x: area.x + LEFT_WIDTH + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(LEFT_WIDTH + 1),
        height: plan.side_height,
    };
    render_side(state, frame, side, ui);
    let below = Rect { y: plan.below, height: (area.y + area.height).saturating_sub(plan.below), ..area };
    let messages: Vec<String> = state.problems.iter().map(|(_, m)| m.clone()).collect();
    problems(frame, below, theme, &messages);
    if state.confirm_discard {
        render_confirm(frame, area, ui);
        return None;
    }
    if let Some(ask) = &state.below_zero {
        return render_below_zero(ask, frame, area, ui);
    }
    cursor
}

/// What the death or sale would leave, marked with `!` so it reads
/// without colour, and the reason asked for.
fn render_below_zero(ask: &BelowZero, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let width = 60.min(area.width);
    let mut lines: Vec<Line> = ask
        .left
        .iter()
        .map(|(item, on_hand, left)| {
            // Grouped as every amount: 1.200 ekor.
            let heads = |n: i64| Arg::Amount(crate::tui::ui::whole(n));
            let args = [("item", Arg::Text(item.clone())), ("on_hand", heads(*on_hand)), ("left", heads(*left))];
            Line::styled(format!("! {}", fill(lang, "tui.below_zero_left", &args)), theme.error())
        })
        .collect();
    lines.push(Line::from(text(lang, "tui.below_zero_ask")));
    let text_width = usize::from(width.saturating_sub(2)).max(1);
    let wrapped: usize = lines.iter().map(|l| super::entry_view::wrap(&l.to_string(), text_width).len()).sum();
    let problem =
        ask.problem.iter().map(|p| super::entry_view::wrap(&format!("! {p}"), text_width).len()).sum::<usize>();
    let height = (wrapped + problem + 4).min(usize::from(area.height)) as u16;
    let boxed = Rect { x: area.x + (area.width - width) / 2, y: area.y + 2, width, height };
    let block = crate::tui::ui::dialog(theme, text(lang, "tui.below_zero_title"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    let field_y = inner.y + wrapped as u16;
    if field_y >= inner.y + inner.height {
        return None;
    }
    let field = Rect { y: field_y, height: 1, ..inner };
    let cursor = ask.reason.render(frame, field, theme, true);
    let below = Rect { y: field_y + 1, height: (inner.y + inner.height).saturating_sub(field_y + 1), ..inner };
    if let Some(p) = &ask.problem {
        problems(frame, below, theme, std::slice::from_ref(p));
    } else if below.height > 0 {
        frame.render_widget(Line::styled(text(lang, "tui.below_zero_keys"), theme.key()), below);
    }
    cursor
}

/// Beside the fields: a hint, then the programme's earlier items. Both
/// stay the same whichever field has the focus, so a Tab redraws only the
/// two labels whose focus changed (a box redrawn per field cost 150 to 250
/// bytes a Tab, and the items list swapped in and out of the item field
/// about 600 bytes an entry, issue 12). The hint changes only where a
/// field needs more (a value in rupiah, an added quantity, a required
/// reason); the items narrow to what is typed into the item field.
fn render_side(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let kind = state.kind();
    let hint = match state.focus {
        FormField::Value(n) if n > 0 || state.unit(n) == Unit::Rp => {
            let value = if state.unit(n) == Unit::Rp { "tui.hint_value_rp" } else { "tui.hint_value" };
            let mut said = text(lang, value).to_string();
            if n > 0 {
                said = format!("{said}\n\n{}", text(lang, "tui.hint_row_extra"));
            }
            said
        }
        FormField::Notes if kind.needs_reason() => text(lang, "tui.hint_reason").to_string(),
        FormField::Reason => {
            let required = state.correcting.as_ref().is_some_and(|c| c.reason_required);
            let key = if required { "tui.hint_change_reason_required" } else { "tui.hint_change_reason_optional" };
            text(lang, key).to_string()
        }
        _ => text(lang, "tui.hint_form").to_string(),
    };
    if area.height < 3 {
        return;
    }
    let width = usize::from(area.width);
    let lines: Vec<String> = hint.split('\n').flat_map(|l| super::entry_view::wrap(l, width)).collect();
    let hint_height = (lines.len() as u16 + 1).min(area.height);
    let hint_area = Rect { height: hint_height, ..area };
    let block = titled(theme, text(lang, "tui.hint_title"));
    let inner = block.inner(hint_area);
    frame.render_widget(block, hint_area);
    frame.render_widget(Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>()), inner);
    // The items, a blank row under the hint, when at least one fits.
    let items_y = area.y + hint_height + 1;
    if state.used.is_empty() || items_y + 2 > area.y + area.height {
        return;
    }
    let items_area = Rect { y: items_y, height: area.y + area.height - items_y, ..area };
    let block = titled(theme, text(lang, "tui.options_item"));
    let inner = block.inner(items_area);
    frame.render_widget(block, items_area);
    // The row whose item the list serves: the focused one, else the first.
    let row = state.focus.row().unwrap_or(0);
    let found = state.suggestions(row);
    if found.is_empty() {
        let typed = state.rows.get(row).is_some_and(|r| !r.item_query.trim().is_empty());
        if !typed {
            return;
        }
        let said = Paragraph::new(text(lang, "tui.options_item_new")).style(theme.dim());
        frame.render_widget(said.wrap(Wrap { trim: true }), inner);
        return;
    }
    let selected = state.rows.get(row).and_then(|r| r.suggestion);
    let width = width.saturating_sub(2);
    list::render(frame, inner, theme, found.len(), selected, None, |i| {
        Line::from(theme.fit(&format!("{} ({})", found[i].item, found[i].unit.label()), width))
    });
}

fn render_confirm(frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let width = 56.min(area.width);
    let boxed =
        Rect { x: area.x + (area.width - width) / 2, y: area.y + area.height / 3, width, height: 5.min(area.height) };
    let block = crate::tui::ui::dialog(theme, text(lang, "tui.confirm_title"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    let lines =
        vec![Line::from(text(lang, "tui.confirm_discard")), Line::styled(text(lang, "tui.confirm_keys"), theme.key())];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Rect {
        Rect::new(0, 1, 80, 22)
    }

    #[test]
    fn every_field_shows_when_they_fit() {
        let all = plan(12, 11, body(), 0);
        assert_eq!((all.first, all.shown, all.side_height), (0, 12, 21));
        let with_messages = plan(12, 3, body(), 2);
        assert_eq!((with_messages.first, with_messages.shown), (0, 12));
        assert_eq!(with_messages.below, 1 + 15, "messages under the fields, a row apart");
    }

    #[test]
    fn too_many_fields_turn_a_page_at_a_time_around_the_focus() {
        // 20 rows under the title: 24 fields do not fit.
        let top = plan(24, 0, body(), 0);
        assert_eq!((top.first, top.shown), (0, 19), "a row left to say how many more");
        assert_eq!(plan(24, 18, body(), 0).first, 0);
        assert_eq!(plan(24, 19, body(), 0).first, 5, "the last page is full");
        let with_messages = plan(18, 17, body(), 3);
        assert_eq!((with_messages.first, with_messages.shown), (2, 16));
        assert_eq!(with_messages.below, 1 + 2 + 16 + 1);
        assert!(with_messages.side_height <= with_messages.below - 3);
    }
}
