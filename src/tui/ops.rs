//! What the logged-in officer asks of the records API from a screen
//! (`Action::Do`), apart from reading a screen's records (`screens::Load`).

use super::data::RefChange;
use crate::domain::entry::{EntryDraft, EntryId};
use crate::domain::officer::Role;
use crate::domain::reference::{ProgramId, SiteId};
use crate::records::{FormDraft, RegisterQuery};

/// What the logged-in officer asks of the records API; `update` adds who
/// they are (`Cmd::Act`), so no screen ever holds an officer's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Correct {
        id: EntryId,
        base: u32,
        draft: EntryDraft,
        reason: String,
    },
    Void {
        id: EntryId,
        base: u32,
        reason: String,
    },
    Verify {
        id: EntryId,
        revision: u32,
    },
    /// Verifies the marked entries at once (their revisions as shown).
    VerifyRange(Vec<(EntryId, u32)>),
    AddOfficer {
        nip: String,
        name: String,
        role: Role,
        pin: String,
        sites: Vec<SiteId>,
    },
    AssignSites {
        nip: String,
        sites: Vec<SiteId>,
    },
    SetActive {
        nip: String,
        active: bool,
    },
    ResetPin {
        nip: String,
        pin: String,
    },
    SaveReference(RefChange),
    /// The register as searched, to a file (tui/export.rs); `excel`: CSV
    /// as Excel in Indonesian reads it.
    ExportRegister {
        program: ProgramId,
        query: RegisterQuery,
        excel: bool,
        /// The officer's export folder; `update` fills it in.
        folder: std::path::PathBuf,
    },
    /// The report to a file, in the language on screen.
    ExportReport {
        spec: crate::domain::report::ReportSpec,
        lang: crate::i18n::Lang,
        excel: bool,
        folder: std::path::PathBuf,
    },
    /// Keeps the form being typed on the server (tui/drafts.rs).
    SaveDraft(FormDraft),
    /// The form was saved or thrown away: the server forgets its draft.
    DiscardDraft,
    /// At login: the draft the server kept, with what it needs to be shown.
    LoadDraft,
}

impl Op {
    /// Reads, and the keeping of a draft: sending the same draft (or its
    /// discarding) twice leaves the server as once, and it records nothing.
    pub fn repeatable(&self) -> bool {
        matches!(self, Op::LoadDraft | Op::SaveDraft(_) | Op::DiscardDraft)
    }
}
