//! Pure types and rules of the work programmes: no I/O, no clock, no store.

pub mod amount;
pub mod audit;
pub mod backup_plan;
pub mod date;
pub mod demo;
pub mod draft_text;
pub mod entry;
pub mod invalid;
pub mod inventory;
pub mod officer;
pub mod permission;
pub mod reference;
pub mod reference_data;
pub mod report;
pub mod scale_demo;
pub mod sector;
pub mod text;
pub mod unit;

pub use amount::Amount;
pub use entry::{Entry, EntryDraft, EntryId, Field, Quantity, Status};
pub use invalid::{Arg, Invalid};
pub use officer::{Nip, Officer, Role};
pub use reference::{Agreement, Partner, Program, ProgramId, ProgramStatus, Site};
pub use sector::{Kind, Sector};
pub use unit::Unit;
