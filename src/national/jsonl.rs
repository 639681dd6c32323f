//! The change feed as JSON Lines (`binalog feed --format jsonl`): one
//! object per change, in sequence order. README "Change feed" documents
//! it; `FORMAT` is raised whenever a field changes meaning or goes away
//! (new fields may be added without raising it).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::domain::Amount;
use crate::records::{FeedChange, FeedRecord};
use crate::report::safe::escape_json_strings;

/// The version of the line format, in every line as `"format"`.
pub const FORMAT: u32 = 1;

/// An exact decimal with three places, as stored: `12.500`.
pub fn decimal(amount: Amount) -> String {
    let milli = amount.milli();
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    format!("{sign}{}.{:03}", abs / 1000, abs % 1000)
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// One change as a JSON object; `database` is the identity of the
/// database it came from.
pub fn line(database: &str, change: &FeedChange) -> Value {
    let (kind, body) = match &change.record {
        FeedRecord::Revision(e) => {
            let d = &e.draft;
            let quantities: Vec<Value> = d
                .quantities
                .iter()
                .map(|q| json!({"value": decimal(q.value), "unit": q.unit.code(), "item": q.item}))
                .collect();
            (
                "revision",
                json!({
                    "entry": e.id, "revision": e.revision, "supersedes": e.supersedes,
                    "program": d.program, "date": d.date.to_string(), "kind": d.kind.code(),
                    "status": d.status.code(), "voided": e.voided, "participants": d.participants,
                    "officers": d.officers, "cadets": d.cadets, "notes": d.notes, "reason": e.reason,
                    "recorded_by": e.recorded_by.as_str(), "recorded_at": instant(e.recorded_at),
                    "quantities": quantities,
                }),
            )
        }
        FeedRecord::Verification { id, revision, by, at } => {
            ("verification", json!({"entry": id, "revision": revision, "by": by.as_str(), "at": instant(*at)}))
        }
        FeedRecord::Site(s) => {
            ("site", json!({"id": s.id, "code": s.code, "name": s.name, "utc_offset": s.utc_offset}))
        }
        FeedRecord::Partner(p) => {
            ("partner", json!({"id": p.id, "name": p.name, "field": p.field.map(|f| f.code()), "inferred": p.inferred}))
        }
        FeedRecord::Agreement(a) => (
            "agreement",
            json!({
                "id": a.id, "number": a.number, "partner": a.partner, "signed": a.signed.to_string(),
                "start": a.start.to_string(), "end": a.end.to_string(), "sites": a.sites, "inferred": a.inferred,
            }),
        ),
        FeedRecord::Program(p) => (
            "program",
            json!({
                "id": p.id, "name": p.name, "sector": p.sector.code(), "site": p.site, "partner": p.partner,
                "agreement": p.agreement, "start": p.start.to_string(), "end": p.end.to_string(),
                "status": p.status.code(),
            }),
        ),
        FeedRecord::Officer(o) => (
            "officer",
            json!({"nip": o.nip.as_str(), "name": o.name, "role": o.role.code(), "active": o.active, "sites": o.sites}),
        ),
    };
    let mut value = json!({"format": FORMAT, "seq": change.seq, "database": database, "type": kind});
    if let (Value::Object(head), Value::Object(rest)) = (&mut value, body) {
        head.extend(rest);
    }
    // Stored text reaches a terminal or a pipe: the same escaping as export.
    escape_json_strings(&mut value);
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_with_three_places() {
        assert_eq!(decimal(Amount::from_milli(12_500)), "12.500");
        assert_eq!(decimal(Amount::from_milli(7)), "0.007");
        assert_eq!(decimal(Amount::from_milli(-1_250)), "-1.250");
        assert_eq!(decimal(Amount::ZERO), "0.000");
    }
}
