//! binalog: record keeping for the self-reliance work programmes
//! (pembinaan kemandirian) of Indonesian correctional facilities.
//!
//! Data flows one way: a front end (command line or terminal interface)
//! calls the `records` API, which validates with the pure `domain` rules and
//! writes through `store`, the only module that knows sled.

// The records API list (records/api.rs) expands one method parameter per
// macro step.
#![recursion_limit = "512"]

pub mod cli;
pub mod clock;
pub mod domain;
pub mod i18n;
pub mod national;
pub mod records;
pub mod report;
pub mod server;
pub mod store;
pub mod tui;
pub mod unix;
