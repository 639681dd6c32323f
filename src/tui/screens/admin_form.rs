//! The administrator's forms: a new officer, an officer's sites or PIN, and
//! adding or correcting sites, partners, agreements and programmes. Each
//! offers exactly the fields the records API lets change; the API checks
//! them and its messages mark the field they are about.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;

use super::{Action, Page};
use crate::domain::date::{format_date, parse_date};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::officer::{NIP_DIGITS, PIN_MAX_DIGITS, Role};
use crate::domain::reference::{AgreementId, PartnerId, ProgramId, ProgramStatus, Site, SiteId};
use crate::domain::sector::Sector;
use crate::domain::text::TextField;
use crate::i18n::{self, Lang, fill, sector_name, text};
use crate::records::Error;
use crate::tui::bindings::Hint;
use crate::tui::data::{OfficerRow, RefChange, ReferenceData};
use crate::tui::keymap::Key;
use crate::tui::ops::Op;
use crate::tui::ui::Ui;
use crate::tui::widgets::form::{Field, Form, Input, Outcome};

/// What the form is for, and the record it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    AddOfficer,
    AssignSites { nip: String },
    ResetPin { nip: String },
    AddSite,
    EditSite { id: SiteId },
    AddPartner,
    EditPartner { id: PartnerId },
    AddAgreement,
    EditAgreement { id: AgreementId },
    AddProgram,
    EditProgram { id: ProgramId },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub purpose: Purpose,
    pub title: String,
    pub form: Form,
}

pub fn role_name(lang: Lang, role: Role) -> &'static str {
    text(
        lang,
        match role {
            Role::Operator => "tui.role_operator",
            Role::Supervisor => "tui.role_supervisor",
            Role::Admin => "tui.role_admin",
        },
    )
}

fn site_options(sites: &[Site]) -> Vec<(SiteId, String)> {
    sites.iter().map(|s| (s.id, s.code.clone())).collect()
}

fn sector_options(lang: Lang) -> Vec<(u32, String)> {
    Sector::ALL.iter().enumerate().map(|(i, s)| (i as u32, sector_name(lang, *s).to_string())).collect()
}

/// Dates in forms: `dd/mm/yyyy`.
fn date_input(date: Option<NaiveDate>) -> Input {
    Input::text(10, &date.map(format_date).unwrap_or_default())
}

impl State {
    fn new(purpose: Purpose, title: String, fields: Vec<Field>) -> State {
        State { purpose, title, form: Form::new(fields) }
    }

    pub fn add_officer(lang: Lang, sites: &[Site]) -> State {
        let roles = Role::ALL.iter().enumerate().map(|(i, r)| (i as u32, role_name(lang, *r).to_string())).collect();
        State::new(
            Purpose::AddOfficer,
            text(lang, "tui.form_add_officer").to_string(),
            vec![
                Field::new("tui.label_nip", Input::text(NIP_DIGITS + 6, "")),
                Field::new("tui.label_name", Input::stored_text(TextField::OfficerName, "")),
                Field::new("tui.label_role", Input::choice(roles, None)),
                Field::new("tui.label_sites", Input::checks(site_options(sites), &[])),
                Field::new("tui.label_pin", Input::masked(PIN_MAX_DIGITS)),
                Field::new("tui.label_pin_again", Input::masked(PIN_MAX_DIGITS)),
            ],
        )
    }

    pub fn assign_sites(lang: Lang, officer: &OfficerRow, sites: &[Site]) -> State {
        let args = [("name", Arg::Text(officer.name.clone())), ("nip", Arg::Text(officer.nip.to_string()))];
        State::new(
            Purpose::AssignSites { nip: officer.nip.to_string() },
            fill(lang, "tui.form_assign_sites", &args),
            vec![Field::new("tui.label_sites", Input::checks(site_options(sites), &officer.sites))],
        )
    }

    pub fn reset_pin(lang: Lang, officer: &OfficerRow) -> State {
        let args = [("name", Arg::Text(officer.name.clone())), ("nip", Arg::Text(officer.nip.to_string()))];
        State::new(
            Purpose::ResetPin { nip: officer.nip.to_string() },
            fill(lang, "tui.form_reset_pin", &args),
            vec![
                Field::new("tui.label_pin", Input::masked(PIN_MAX_DIGITS)),
                Field::new("tui.label_pin_again", Input::masked(PIN_MAX_DIGITS)),
            ],
        )
    }

    /// A new site, or a correction of `id` when given.
    pub fn site(lang: Lang, data: &ReferenceData, id: Option<SiteId>) -> State {
        let site = id.and_then(|id| data.sites.iter().find(|s| s.id == id));
        let (purpose, title) = match site {
            Some(s) => (
                Purpose::EditSite { id: s.id },
                fill(lang, "tui.form_edit_site", &[("name", Arg::Text(s.name.clone()))]),
            ),
            None => (Purpose::AddSite, text(lang, "tui.form_add_site").to_string()),
        };
        State::new(
            purpose,
            title,
            vec![
                Field::new(
                    "tui.label_code",
                    Input::stored_text(TextField::SiteCode, site.map_or("", |s| s.code.as_str())),
                ),
                Field::new(
                    "tui.label_name",
                    Input::stored_text(TextField::SiteName, site.map_or("", |s| s.name.as_str())),
                ),
            ],
        )
    }

    pub fn partner(lang: Lang, data: &ReferenceData, id: Option<PartnerId>) -> State {
        let partner = id.and_then(|id| data.partners.iter().find(|p| p.id == id));
        let (purpose, title) = match partner {
            Some(p) => (
                Purpose::EditPartner { id: p.id },
                fill(lang, "tui.form_edit_partner", &[("name", Arg::Text(p.name.clone()))]),
            ),
            None => (Purpose::AddPartner, text(lang, "tui.form_add_partner").to_string()),
        };
        // Option 0 is "not known"; the sectors follow, shifted by one.
        let mut fields = vec![(0, text(lang, "tui.field_unknown").to_string())];
        fields.extend(sector_options(lang).into_iter().map(|(i, name)| (i + 1, name)));
        let field_id = partner.and_then(|p| p.field).and_then(|f| Sector::ALL.iter().position(|s| *s == f));
        State::new(
            purpose,
            title,
            vec![
                Field::new(
                    "tui.label_name",
                    Input::stored_text(TextField::PartnerName, partner.map_or("", |p| p.name.as_str())),
                ),
                Field::new("tui.label_field", Input::choice(fields, field_id.map(|i| i as u32 + 1))),
            ],
        )
    }

    pub fn agreement(lang: Lang, data: &ReferenceData, id: Option<AgreementId>) -> State {
        let agreement = id.and_then(|id| data.agreements.iter().find(|a| a.id == id));
        let sites = Input::checks(site_options(&data.sites), agreement.map_or(&[][..], |a| a.sites.as_slice()));
        let number = Input::stored_text(TextField::AgreementNumber, agreement.map_or("", |a| a.number.as_str()));
        let signed = date_input(agreement.map(|a| a.signed));
        let start = date_input(agreement.map(|a| a.start));
        match agreement {
            Some(a) => State::new(
                Purpose::EditAgreement { id: a.id },
                fill(lang, "tui.form_edit_agreement", &[("number", Arg::Text(a.number.clone()))]),
                vec![
                    Field::new("tui.label_number", number),
                    Field::new("tui.label_signed", signed),
                    Field::new("tui.label_start", start),
                    Field::new("tui.label_sites", sites),
                ],
            ),
            None => {
                let partners = data.partners.iter().map(|p| (p.id, p.name.clone())).collect();
                State::new(
                    Purpose::AddAgreement,
                    text(lang, "tui.form_add_agreement").to_string(),
                    vec![
                        Field::new("tui.label_number", number),
                        Field::new("tui.label_partner", Input::choice(partners, None)),
                        Field::new("tui.label_signed", signed),
                        Field::new("tui.label_start", start),
                        Field::new("tui.label_sites", sites),
                    ],
                )
            }
        }
    }

    pub fn program(lang: Lang, data: &ReferenceData, id: Option<ProgramId>) -> State {
        let program = id.and_then(|id| data.programs.iter().find(|p| p.id == id));
        match program {
            Some(p) => {
                let statuses = vec![
                    (0, text(lang, "tui.program_active").to_string()),
                    (1, text(lang, "tui.program_ended").to_string()),
                ];
                let status = u32::from(p.status == ProgramStatus::Ended);
                State::new(
                    Purpose::EditProgram { id: p.id },
                    fill(lang, "tui.form_edit_program", &[("name", Arg::Text(p.name.clone()))]),
                    vec![
                        Field::new("tui.label_name", Input::stored_text(TextField::ProgramName, &p.name)),
                        Field::new("tui.label_program_status", Input::choice(statuses, Some(status))),
                    ],
                )
            }
            None => {
                let sites = data.sites.iter().map(|s| (s.id, s.name.clone())).collect();
                let partner = |id: PartnerId| data.partners.iter().find(|p| p.id == id).map_or("", |p| p.name.as_str());
                let agreements =
                    data.agreements.iter().map(|a| (a.id, format!("{} ({})", a.number, partner(a.partner)))).collect();
                State::new(
                    Purpose::AddProgram,
                    text(lang, "tui.form_add_program").to_string(),
                    vec![
                        Field::new("tui.label_name", Input::stored_text(TextField::ProgramName, "")),
                        Field::new("tui.label_sector", Input::choice(sector_options(lang), None)),
                        Field::new("tui.label_site", Input::choice(sites, None)),
                        Field::new("tui.label_agreement", Input::choice(agreements, None)),
                        Field::new("tui.label_start", date_input(None)),
                    ],
                )
            }
        }
    }

    pub fn dirty(&self) -> bool {
        self.form.dirty()
    }

    fn answer(&mut self, key: Key, lang: Lang) -> Action {
        match self.form.key(key) {
            Outcome::None => {
                if let Some((at, message)) = self.form.refusal(lang) {
                    self.form.problems.retain(|(f, _)| *f != Some(at));
                    self.form.problems.push((Some(at), message));
                }
                Action::None
            }
            Outcome::Cancel => Action::Back,
            Outcome::Submit => match self.submit() {
                Ok(op) => {
                    self.form.problems.clear();
                    Action::Do(op)
                }
                Err(found) => {
                    self.refuse_invalid(found, lang);
                    Action::None
                }
            },
        }
    }

    /// The field with this label, if the form has one.
    fn field(&self, label: &str) -> Option<usize> {
        self.form.fields.iter().position(|f| f.label == label)
    }

    fn date(&self, label: &str, found: &mut Vec<(Option<usize>, Invalid)>) -> NaiveDate {
        let at = self.field(label);
        parse_date(at.map_or("", |at| self.form.text(at))).unwrap_or_else(|e| {
            found.push((at, e));
            NaiveDate::MIN
        })
    }

    /// The operation to ask of the records API, or what the form itself
    /// can tell is wrong: two PINs that differ, a date it cannot read.
    fn submit(&self) -> Result<Op, Vec<(Option<usize>, Invalid)>> {
        let f = &self.form;
        let mut found = Vec::new();
        let pins = |found: &mut Vec<(Option<usize>, Invalid)>, pin: usize| {
            if f.text(pin) != f.text(pin + 1) {
                found.push((Some(pin + 1), Invalid::PinMismatch));
            }
            f.text(pin).to_string()
        };
        let op = match &self.purpose {
            Purpose::AddOfficer => Op::AddOfficer {
                nip: f.text(0).to_string(),
                name: f.text(1).to_string(),
                role: Role::ALL[f.choice(2) as usize],
                sites: f.checked(3),
                pin: pins(&mut found, 4),
            },
            Purpose::AssignSites { nip } => Op::AssignSites { nip: nip.clone(), sites: f.checked(0) },
            Purpose::ResetPin { nip } => Op::ResetPin { nip: nip.clone(), pin: pins(&mut found, 0) },
            Purpose::AddSite => {
                Op::SaveReference(RefChange::AddSite { code: f.text(0).into(), name: f.text(1).into() })
            }
            Purpose::EditSite { id } => {
                Op::SaveReference(RefChange::EditSite { id: *id, code: f.text(0).into(), name: f.text(1).into() })
            }
            Purpose::AddPartner | Purpose::EditPartner { .. } => {
                let field = f.choice(1).checked_sub(1).map(|i| Sector::ALL[i as usize]);
                let name = f.text(0).to_string();
                Op::SaveReference(match &self.purpose {
                    Purpose::EditPartner { id } => RefChange::EditPartner { id: *id, name, field },
                    _ => RefChange::AddPartner { name, field },
                })
            }
            Purpose::AddAgreement => Op::SaveReference(RefChange::AddAgreement {
                number: f.text(0).into(),
                partner: f.choice(1),
                signed: self.date("tui.label_signed", &mut found),
                start: self.date("tui.label_start", &mut found),
                sites: f.checked(4),
            }),
            Purpose::EditAgreement { id } => Op::SaveReference(RefChange::EditAgreement {
                id: *id,
                number: f.text(0).into(),
                signed: self.date("tui.label_signed", &mut found),
                start: self.date("tui.label_start", &mut found),
                sites: f.checked(3),
            }),
            Purpose::AddProgram => Op::SaveReference(RefChange::AddProgram {
                name: f.text(0).into(),
                sector: Sector::ALL[f.choice(1) as usize],
                site: f.choice(2),
                agreement: f.choice(3),
                start: self.date("tui.label_start", &mut found),
            }),
            Purpose::EditProgram { id } => {
                let status = if f.choice(1) == 1 { ProgramStatus::Ended } else { ProgramStatus::Active };
                Op::SaveReference(RefChange::EditProgram { id: *id, name: f.text(0).into(), status })
            }
        };
        if found.is_empty() { Ok(op) } else { Err(found) }
    }

    /// The field a problem is about, found by its label.
    fn field_of(&self, e: &Invalid) -> Option<usize> {
        match e {
            Invalid::NipFormat { .. } => self.field("tui.label_nip"),
            Invalid::PinMismatch => self.field("tui.label_pin_again"),
            Invalid::PinNotDigits | Invalid::PinTooShort { .. } => self.field("tui.label_pin"),
            Invalid::TextMissing { field }
            | Invalid::TextTooLong { field, .. }
            | Invalid::TextForbidden { field, .. } => match field {
                TextField::SiteCode => self.field("tui.label_code"),
                TextField::AgreementNumber => self.field("tui.label_number"),
                _ => self.field("tui.label_name"),
            },
            Invalid::DateOutOfRange { date, .. } => {
                let signed = self.field("tui.label_signed").filter(|at| self.form.text(*at) == format_date(*date));
                signed.or_else(|| self.field("tui.label_start"))
            }
            Invalid::DateBeforeStart { .. } | Invalid::DateAfterEnd { .. } => self.field("tui.label_start"),
            _ => None,
        }
    }

    fn refuse_invalid(&mut self, found: Vec<(Option<usize>, Invalid)>, lang: Lang) {
        let marked =
            found.iter().map(|(field, e)| (field.or_else(|| self.field_of(e)), i18n::invalid(lang, e))).collect();
        if found.iter().any(|(_, e)| *e == Invalid::PinMismatch)
            && let Some(again) = self.field("tui.label_pin_again")
        {
            self.form.clear(again);
        }
        self.form.refuse(marked);
    }

    /// The records API refused the change: show why, on the field it is about.
    pub fn refused(&mut self, e: &Error, lang: Lang) {
        match e {
            Error::Invalid(problems) => {
                self.refuse_invalid(problems.iter().map(|(_, p)| (None, p.clone())).collect(), lang);
            }
            other => self.form.refuse(vec![(None, i18n::error(lang, other))]),
        }
    }
}

impl Page for State {
    fn title(&self, _lang: Lang) -> String {
        self.title.clone()
    }

    fn about(&self) -> &'static str {
        "tui.help_admin_form"
    }

    fn hints(&self) -> Vec<Hint> {
        self.form.hints()
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        self.answer(key, lang)
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn unsaved(&self) -> bool {
        self.dirty()
    }

    fn asking(&self) -> bool {
        self.form.confirm_discard
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let theme = ui.theme;
    frame.render_widget(
        Line::styled(theme.fit(&state.title, usize::from(area.width)), theme.title()),
        Rect { height: 1, ..area },
    );
    let body = Rect { y: area.y + 2, height: area.height.saturating_sub(2), ..area };
    state.form.render(frame, body, ui, 22)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference_data::reference_data;

    fn data() -> ReferenceData {
        let r = reference_data();
        ReferenceData { sites: r.sites, partners: r.partners, agreements: r.agreements, programs: r.programs }
    }

    fn typed(state: &mut State, text: &str) {
        for c in text.chars() {
            state.key(Key::Char(c), Lang::En);
        }
    }

    #[test]
    fn a_new_officer_needs_the_same_pin_twice() {
        let mut state = State::add_officer(Lang::En, &data().sites);
        typed(&mut state, "199501012020011001");
        state.key(Key::Tab, Lang::En);
        typed(&mut state, "Rina");
        state.key(Key::Tab, Lang::En);
        state.key(Key::Right, Lang::En);
        state.key(Key::Tab, Lang::En);
        state.key(Key::Char(' '), Lang::En);
        state.key(Key::Tab, Lang::En);
        typed(&mut state, "123456");
        state.key(Key::Tab, Lang::En);
        typed(&mut state, "123457");
        state.key(Key::Tab, Lang::En);
        assert_eq!(state.key(Key::Enter, Lang::En), Action::None);
        assert_eq!(state.form.focus, 5);
        assert_eq!(state.form.text(5), "", "the repeated PIN is asked again");
        typed(&mut state, "123456");
        state.form.focus = 6;
        let action = state.key(Key::Enter, Lang::En);
        assert_eq!(
            action,
            Action::Do(Op::AddOfficer {
                nip: "199501012020011001".into(),
                name: "Rina".into(),
                role: Role::Supervisor,
                pin: "123456".into(),
                sites: vec![1],
            })
        );
    }

    #[test]
    fn dates_that_do_not_read_mark_their_field() {
        let mut state = State::agreement(Lang::En, &data(), None);
        typed(&mut state, "PKS/1");
        state.form.focus = 3;
        typed(&mut state, "32/01/2026");
        state.form.focus = 5;
        assert_eq!(state.key(Key::Enter, Lang::En), Action::None);
        let faulty: Vec<Option<usize>> = state.form.problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(faulty, vec![Some(2), Some(3)]);
    }

    #[test]
    fn editing_a_programme_offers_its_name_and_status() {
        let mut state = State::program(Lang::Id, &data(), Some(1));
        assert_eq!(state.form.text(0), "Hortikultura Cabai & Sayur");
        state.key(Key::Tab, Lang::Id);
        state.key(Key::Right, Lang::Id);
        state.form.focus = 2;
        let Action::Do(Op::SaveReference(RefChange::EditProgram { id, status, .. })) = state.key(Key::Enter, Lang::Id)
        else {
            panic!("{:?}", state.form.problems)
        };
        assert_eq!((id, status), (1, ProgramStatus::Ended));
    }

    #[test]
    fn the_api_refusal_marks_the_field() {
        let mut state = State::site(Lang::En, &data(), None);
        state.refused(&Error::from(Invalid::TextMissing { field: TextField::SiteName }), Lang::En);
        assert_eq!(state.form.problems[0].0, Some(1));
        state.refused(&Error::from(Invalid::TextTooLong { field: TextField::SiteCode, max: 80 }), Lang::En);
        assert_eq!(state.form.problems[0], (Some(0), "Site code: at most 80 characters.".to_string()));
        state.refused(&Error::OfficersExist, Lang::En);
        assert_eq!(state.form.problems[0].0, None);
    }

    #[test]
    fn typing_past_a_name_s_maximum_is_refused_with_the_message_on_that_field() {
        let mut state = State::site(Lang::Id, &data(), None);
        state.form.focus = 1;
        for _ in 0..81 {
            state.key(Key::Char('a'), Lang::Id);
        }
        assert_eq!(state.form.text(1), "a".repeat(80));
        assert_eq!(state.form.problems, vec![(Some(1), "Nama lapas: paling banyak 80 karakter.".to_string())]);
        state.key(Key::Backspace, Lang::Id);
        assert!(state.form.problems.is_empty());
    }
}
