//! Beyond one Lapas: the change feed as JSON Lines and the push of every
//! change into a national PostgreSQL (README "National figures").

pub mod copy;
pub mod jsonl;
pub mod push;
pub mod schema;

pub use push::{PushError, PushOutcome, push};
