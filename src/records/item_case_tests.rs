//! Items keep what was typed ("BBI Cilacap") and are one item whatever
//! their capitals: in the register, the export, totals, the items
//! offered, the register search, herds, targets and reports; each line
//! standing for several spellings shows the first one stored. On a real
//! database in a temporary folder.

use chrono::NaiveDate;

use super::report_tests::{day, opened};
use super::{EntryFilter, Records};
use crate::domain::Amount;
use crate::domain::entry::{EntryDraft, Quantity, Status};
use crate::domain::report::{Grouping, Period, ReportSpec};
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::records::register_search::RegisterQuery;
use crate::report::export::{Format, export};

fn typed(program: u32, date: NaiveDate, kind: Kind, qty: &str) -> EntryDraft {
    EntryDraft {
        program,
        date,
        kind,
        quantities: vec![Quantity::parse(qty).unwrap()],
        participants: 2,
        officers: 0,
        cadets: 0,
        // A death needs a reason; the others take one as well.
        notes: "sakit".into(),
        status: Status::Done,
    }
}

fn csv(records: &Records) -> String {
    let mut out = Vec::new();
    export(records, &EntryFilter::default(), Format::Csv, &mut out).unwrap().unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn an_item_is_stored_as_typed_and_its_spellings_are_one_line_named_by_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, _, _) = opened(dir.path());
    let first = records.add_entry(&admin, typed(1, day(2025, 9, 2), Kind::Harvest, "3 kg  BBI Cilacap ")).unwrap();
    assert_eq!(first.draft.quantities[0].item, "BBI Cilacap", "white space folded, capitals kept");
    let register = records.register(1, day(2025, 9, 1), day(2025, 9, 30)).unwrap();
    assert_eq!(register[0].draft.quantities[0].item, "BBI Cilacap");
    assert!(csv(&records).contains(",BBI Cilacap,"), "{}", csv(&records));

    records.add_entry(&admin, typed(1, day(2025, 9, 3), Kind::Harvest, "4 kg bbi cilacap")).unwrap();
    records.add_entry(&admin, typed(1, day(2025, 9, 4), Kind::Harvest, "5 kg BBI CILACAP")).unwrap();
    records.add_entry(&admin, typed(1, day(2025, 9, 4), Kind::Harvest, "1 kg cabai")).unwrap();
    let export = csv(&records);
    for spelling in [",BBI Cilacap,", ",bbi cilacap,", ",BBI CILACAP,"] {
        assert!(export.contains(spelling), "each entry as typed: {spelling} in {export}");
    }

    let totals = records.totals(1, day(2025, 9, 1), day(2025, 9, 30)).unwrap();
    let shown: Vec<(&str, Amount, u32)> = totals.iter().map(|t| (t.item.as_str(), t.value, t.entries)).collect();
    assert_eq!(shown, [("BBI Cilacap", Amount::whole(12), 3), ("cabai", Amount::whole(1), 1)]);
    assert_eq!(records.totals_by_scan(1, day(2025, 9, 1), day(2025, 9, 30)).unwrap(), totals);
    let offered: Vec<String> = records.items_used(1).unwrap().into_iter().map(|t| t.item).collect();
    assert_eq!(offered, ["BBI Cilacap", "cabai"], "offered once, most used first");

    let spec =
        ReportSpec { period: Period::month(2025, 9).unwrap(), by: Grouping::Program, site: None, program: Some(1) };
    let report = records.report(&admin, spec).unwrap();
    let lines: Vec<(&str, Amount, u32)> =
        report.groups[0].lines.iter().map(|l| (l.item.as_str(), l.value, l.entries)).collect();
    assert_eq!(lines, [("BBI Cilacap", Amount::whole(12), 3), ("cabai", Amount::whole(1), 1)]);

    let query = RegisterQuery { text: "bbi CILACAP".into(), ..RegisterQuery::default() };
    let found = records.search_register(1, &query, 10).unwrap();
    assert_eq!(found.entries.len(), 3, "the search finds every spelling");

    assert_eq!(records.check().unwrap(), vec![], "check recomputes the same grouping");
}

#[test]
fn a_herd_in_two_spellings_is_one_and_a_target_counts_every_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, _, _) = opened(dir.path());
    records.set_target(&admin, 3, 2025, Kind::Birth, "10 ekor domba").unwrap();
    records.add_entry(&admin, typed(3, day(2025, 9, 1), Kind::HeadCount, "40 ekor Domba")).unwrap();
    records.add_entry(&admin, typed(3, day(2025, 9, 2), Kind::Birth, "3 ekor domba")).unwrap();
    records.add_entry(&admin, typed(3, day(2025, 9, 3), Kind::Birth, "2 ekor DOMBA")).unwrap();
    records.add_entry(&admin, typed(3, day(2025, 9, 4), Kind::Death, "1 ekor dOMBA")).unwrap();

    let herd = records.herd_at(3, day(2025, 9, 30)).unwrap();
    assert_eq!(herd.into_iter().collect::<Vec<_>>(), [("Domba".to_string(), 44)], "one herd, first spelling");

    let spec =
        ReportSpec { period: Period::month(2025, 9).unwrap(), by: Grouping::Program, site: None, program: Some(3) };
    let report = records.report(&admin, spec).unwrap();
    let group = &report.groups[0];
    let births: Vec<_> = group.lines.iter().filter(|l| l.kind == Kind::Birth).collect();
    assert_eq!(births.len(), 1, "the target's line and the entries' line are one: {births:?}");
    assert_eq!((births[0].item.as_str(), births[0].value, births[0].unit), ("Domba", Amount::whole(5), Unit::Ekor));
    let achieved = births[0].target.as_ref().expect("the target for \"domba\" measures \"Domba\"");
    assert_eq!((achieved.year_target, achieved.year_to_date), (Amount::whole(10), Amount::whole(5)));
    let stock: Vec<(&str, i64)> = group.livestock.iter().map(|m| (m.item.as_str(), m.stock)).collect();
    assert_eq!(stock, [("Domba", 44)]);

    assert_eq!(records.check().unwrap(), vec![]);
}
