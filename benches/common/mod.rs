//! What the benchmarks share: sample entries and the figures' form.
#![allow(dead_code)]

use std::time::Duration;

use binalog::domain::{Amount, EntryDraft, Kind, Quantity, Status, Unit};
use chrono::NaiveDate;

/// The `i`-th sample harvest: four items, values that vary, never zero.
pub fn harvest(program: u32, date: NaiveDate, i: u64) -> EntryDraft {
    let items = ["cabai", "tomat", "kangkung", "terong"];
    EntryDraft {
        program,
        date,
        kind: Kind::Harvest,
        quantities: vec![Quantity {
            value: Amount::from_milli(((i * 7919) % 40_000 + 500) as i64),
            unit: Unit::Kg,
            item: items[(i % 4) as usize].into(),
        }],
        participants: (i % 9) as u32 + 1,
        officers: 0,
        cadets: 0,
        notes: String::new(),
        status: Status::Done,
    }
}

/// The value at fraction `p` of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}
