//! binalog: record keeping for the self-reliance work programmes
//! (pembinaan kemandirian) of Indonesian correctional facilities.
//!
//! Data flows one way: a front end (command line or terminal interface)
//! calls the `records` API, which validates with the pure `domain` rules and
//! writes through `store`, the only module that knows sled, or sends the
//! call over `wire` to a `server` running the same code. Each module uses
//! only the layers below it (tested in layers.rs).

// The records API list (records/api.rs) expands one method parameter per
// macro step.
#![recursion_limit = "512"]

pub mod allocator;
pub mod cli;
pub mod clock;
pub mod domain;
pub mod frontend;
pub mod i18n;
#[cfg(test)]
mod layers;
pub mod national;
pub mod records;
pub mod report;
pub mod server;
pub mod store;
pub mod tui;
pub mod unix;
pub mod wire;
