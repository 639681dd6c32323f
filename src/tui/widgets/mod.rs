//! Pieces shared by the screens.

pub mod asked;
pub mod field;
pub mod footer;
pub mod form;
pub mod input;
pub mod ledger;
pub mod list;
