//! binalog: record keeping for the self-reliance work programmes
//! (pembinaan kemandirian) of Indonesian correctional facilities.
//!
//! Data flows one way: a front end (command line or terminal interface)
//! calls the `records` API, which validates with the pure `domain` rules and
//! writes through `store`, the only module that knows sled.

pub mod cli;
pub mod clock;
pub mod domain;
pub mod i18n;
pub mod records;
pub mod report;
pub mod store;
pub mod tui;
