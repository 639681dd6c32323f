//! Reports against what `export` writes for the same period and filters,
//! a month against its days, targets and achievement, the filtered queue
//! and `verify_range`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;

use super::{Actor, EntryFilter, QueueFilter, Records};
use crate::clock::FixedClock;
use crate::domain::Amount;
use crate::domain::date::wib;
use crate::domain::entry::{Entry, EntryDraft, Quantity, Status};
use crate::domain::officer::Role;
use crate::domain::report::{Grouping, Period, PeriodKind, ReportSpec};
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::records::OpenMode;
use crate::report::export::{Format, export};
use crate::store::AuditAction;

const ADMIN: &str = "198001012005011001";
const OPERATOR: &str = "199002022015021002";
const SUPERVISOR: &str = "198503032010031003";
const PIN: &str = "246810";

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A database on 30 September 2025 with an admin, an operator at site 1
/// and a supervisor at sites 1 to 3.
pub(crate) fn opened(dir: &std::path::Path) -> (Records, Actor, Actor, Actor) {
    let now = DateTime::parse_from_rfc3339("2025-09-30T09:00:00+07:00").unwrap().with_timezone(&Utc);
    let records = Records::open(dir, OpenMode::CreateIfMissing, Box::new(FixedClock(now)), wib()).unwrap();
    records.init(false).unwrap();
    records.add_officer(None, ADMIN, "Admin", Role::Admin, PIN).unwrap();
    let admin = records.login(ADMIN, PIN).unwrap();
    records.add_officer(Some(&admin), OPERATOR, "Operator", Role::Operator, PIN).unwrap();
    records.assign_sites(&admin, OPERATOR, &[1]).unwrap();
    records.add_officer(Some(&admin), SUPERVISOR, "Supervisor", Role::Supervisor, PIN).unwrap();
    records.assign_sites(&admin, SUPERVISOR, &[1, 2, 3]).unwrap();
    let operator = records.login(OPERATOR, PIN).unwrap();
    let supervisor = records.login(SUPERVISOR, PIN).unwrap();
    (records, admin, operator, supervisor)
}

/// Programmes 1 and 5 are farms at different sites, 4 takes in waste.
fn draft(program: u32, date: NaiveDate, n: i64, status: Status) -> EntryDraft {
    let (kind, unit, item) = match program {
        4 => (Kind::WasteReceived, Unit::Kg, "sampah"),
        _ => (Kind::Harvest, Unit::Kg, ["cabai", "tomat"][(n % 2) as usize]),
    };
    EntryDraft {
        program,
        date,
        kind,
        quantities: vec![Quantity { value: Amount::from_milli((n % 40 + 1) * 750), unit, item: item.into() }],
        participants: 2,
        officers: 0,
        cadets: 0,
        notes: String::new(),
        status,
    }
}

#[derive(Clone, Debug)]
enum Op {
    Add { program: u32, day: i64, pending: bool },
    Correct { target: usize, day: i64 },
    Void { target: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let program = prop::sample::select(vec![1u32, 4, 5]);
    prop_oneof![
        5 => (program, 0i64..130, prop::bool::weighted(0.15)).prop_map(|(program, day, pending)| Op::Add { program, day, pending }),
        2 => (any::<usize>(), 0i64..130).prop_map(|(target, day)| Op::Correct { target, day }),
        1 => any::<usize>().prop_map(|target| Op::Void { target }),
    ]
}

/// Applies the operations as the admin, through the records API.
fn build(records: &Records, admin: &Actor, ops: &[Op]) {
    let start = day(2025, 5, 20);
    let mut made: Vec<Entry> = Vec::new();
    for (n, op) in ops.iter().enumerate() {
        let n = n as i64;
        match op {
            Op::Add { program, day, pending } => {
                let status = if *pending { Status::Pending } else { Status::Done };
                made.push(records.add_entry(admin, draft(*program, start + Duration::days(*day), n, status)).unwrap());
            }
            Op::Correct { target, day } if !made.is_empty() => {
                let slot = target % made.len();
                let e = &made[slot];
                if !e.voided {
                    let d = draft(e.draft.program, start + Duration::days(*day), n, e.draft.status);
                    made[slot] = records.correct_entry(admin, e.id, e.revision, d, "salah tanggal").unwrap();
                }
            }
            Op::Void { target } if !made.is_empty() => {
                let slot = target % made.len();
                let e = &made[slot];
                if !e.voided {
                    made[slot] = records.void_entry(admin, e.id, e.revision, "ganda").unwrap();
                }
            }
            _ => {}
        }
    }
}

type Sums = BTreeMap<(u32, String, String, String), i64>;

/// Done rows of `export` for the period and programme, summed per
/// programme, kind, unit and item, in thousandths; only `site`'s if given.
fn exported(records: &Records, period: &Period, program: Option<u32>, site: Option<&str>) -> Sums {
    let filter = EntryFilter { from: Some(period.from), to: Some(period.to), program, history: false };
    let mut out = Vec::new();
    export(records, &filter, Format::Csv, &mut out).unwrap().unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let mut sums = Sums::new();
    for row in reader.records() {
        let row = row.unwrap();
        if row[13] != *"done" || site.is_some_and(|s| row[2] != *s) {
            continue;
        }
        let value = Amount::parse(&row[9], Unit::Kg).unwrap().milli();
        let key = (row[3].parse().unwrap(), row[7].to_string(), row[10].to_string(), row[8].to_string());
        *sums.entry(key).or_default() += value;
    }
    sums
}

fn reported(records: &Records, by: &Actor, spec: ReportSpec) -> Sums {
    let report = records.report(by, spec).unwrap();
    let mut sums = Sums::new();
    for group in &report.groups {
        let crate::domain::report::GroupKey::Program(program) = group.key else { panic!("grouped by programme") };
        for line in group.lines.iter().filter(|l| l.value != Amount::ZERO || l.entries > 0) {
            let key = (program, line.kind.code().into(), line.unit.code().into(), line.item.clone());
            *sums.entry(key).or_default() += line.value.milli();
        }
    }
    sums
}

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (0i64..130, 0i64..60).prop_map(|(start, len)| {
            let from = day(2025, 5, 10) + Duration::days(start);
            Period::range(from, from + Duration::days(len)).unwrap()
        }),
        (5u32..11).prop_map(|month| Period::month(2025, month).unwrap()),
        (0i64..140).prop_map(|d| Period::day(day(2025, 5, 10) + Duration::days(d)).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn report_totals_are_the_sums_of_export_and_a_month_the_sum_of_its_days(
        ops in prop::collection::vec(op(), 1..40),
        periods in prop::collection::vec(period(), 4),
        programs in prop::collection::vec(prop::option::of(prop::sample::select(vec![1u32, 4, 5])), 4),
        sites in prop::collection::vec(prop::option::of(1u32..=3), 4),
        month in 5u32..10,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (records, admin, _, _) = opened(dir.path());
        build(&records, &admin, &ops);
        let site_names: BTreeMap<u32, String> = records.sites().unwrap().into_iter().map(|s| (s.id, s.name)).collect();
        for ((period, program), site) in periods.iter().zip(&programs).zip(&sites) {
            let spec = ReportSpec { period: *period, by: Grouping::Program, site: *site, program: *program };
            let site_name = site.map(|s| site_names[&s].as_str());
            prop_assert_eq!(reported(&records, &admin, spec), exported(&records, period, *program, site_name), "{:?}", spec);
        }
        let whole = Period::month(2025, month).unwrap();
        let spec = |period| ReportSpec { period, by: Grouping::Program, site: None, program: None };
        let mut days = Sums::new();
        for d in whole.each_day() {
            for (key, value) in reported(&records, &admin, spec(Period::day(d).unwrap())) {
                *days.entry(key).or_default() += value;
            }
        }
        prop_assert_eq!(reported(&records, &admin, spec(whole)), days);
    }
}

#[test]
fn an_operator_reports_on_their_sites_only_and_is_refused_another_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, operator, _) = opened(dir.path());
    records.add_entry(&admin, draft(1, day(2025, 9, 2), 3, Status::Done)).unwrap();
    records.add_entry(&admin, draft(5, day(2025, 9, 2), 3, Status::Done)).unwrap();
    let spec = ReportSpec { period: Period::month(2025, 9).unwrap(), by: Grouping::Site, site: None, program: None };
    let seen: Vec<_> = records.report(&operator, spec).unwrap().groups.iter().map(|g| g.key).collect();
    assert_eq!(seen, [crate::domain::report::GroupKey::Site(1)]);
    assert_eq!(records.report(&admin, spec).unwrap().groups.len(), 3, "the admin sees every site");
    let other = records.report(&operator, ReportSpec { program: Some(5), ..spec });
    assert!(matches!(other, Err(super::Error::NotAtSite { .. })), "{other:?}");
    let unknown = records.report(&admin, ReportSpec { program: Some(999), ..spec });
    assert!(matches!(unknown, Err(super::Error::ProgramUnknown { id: 999 })));
}

#[test]
fn targets_are_set_by_admins_audited_listed_and_measured_against() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, operator, _) = opened(dir.path());
    let refused = records.set_target(&operator, 1, 2025, Kind::Harvest, "1200 kg cabai");
    assert!(matches!(refused, Err(super::Error::Denied(_))), "{refused:?}");
    let target = records.set_target(&admin, 1, 2025, Kind::Harvest, "1200 kg Cabai").unwrap();
    assert_eq!((target.value, target.item.as_str()), (Amount::whole(1200), "Cabai"));
    // Set again, in any capitals: the same item's target replaced, not added.
    records.set_target(&admin, 1, 2025, Kind::Harvest, "1800 kg cabai").unwrap();
    let listed = records.targets(Some(1), None).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].value, listed[0].item.as_str()), (Amount::whole(1800), "cabai"));
    assert!(records.targets(None, Some(2026)).unwrap().is_empty());
    let audit = records.audit(&admin, &Default::default()).unwrap();
    let notes: Vec<_> = audit.iter().filter(|r| r.detail.starts_with("target program 1 2025 harvest")).collect();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().all(|r| r.action == AuditAction::ReferenceUpdated));
    let zero = records.set_target(&admin, 1, 2025, Kind::Harvest, "0 kg cabai").unwrap_err();
    assert_eq!(
        crate::i18n::error(crate::i18n::Lang::En, &zero),
        "A target must be more than zero. Write the amount to reach in a year."
    );
    let wrong_kind = records.set_target(&admin, 1, 2025, Kind::Birth, "3 ekor domba").unwrap_err();
    assert!(
        crate::i18n::error(crate::i18n::Lang::Id, &wrong_kind).to_lowercase().contains("pertanian"),
        "{wrong_kind:?}"
    );

    // 150 kg in September and 300 kg before: a twelfth of 1800 is 150.
    let mut sept = draft(1, day(2025, 9, 2), 0, Status::Done);
    sept.quantities[0] = Quantity::parse("150 kg cabai").unwrap();
    records.add_entry(&admin, sept.clone()).unwrap();
    sept.date = day(2025, 6, 2);
    sept.quantities[0] = Quantity::parse("300 kg cabai").unwrap();
    records.add_entry(&admin, sept).unwrap();
    let spec =
        ReportSpec { period: Period::month(2025, 9).unwrap(), by: Grouping::Program, site: None, program: Some(1) };
    let report = records.report(&admin, spec).unwrap();
    let line = report.groups[0].lines.iter().find(|l| l.item == "cabai").unwrap();
    let achieved = line.target.as_ref().unwrap();
    assert_eq!((achieved.period_target, achieved.period_percent.unwrap().0), (Amount::whole(150), 1000));
    assert_eq!((achieved.year_to_date, achieved.year_percent.unwrap().0), (Amount::whole(450), 250));
    assert_eq!(report.spec.period.kind, PeriodKind::Month);
}

#[test]
fn the_queue_filters_and_a_range_is_verified_at_once_each_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, operator, supervisor) = opened(dir.path());
    for (n, (program, d)) in [(1, 2), (1, 3), (1, 20), (5, 2), (4, 2)].into_iter().enumerate() {
        records.add_entry(&admin, draft(program, day(2025, 9, d), n as i64, Status::Done)).unwrap();
    }
    let all = records.verification_queue(&supervisor).unwrap();
    assert_eq!(all.len(), 5);
    let filter = QueueFilter { program: Some(1), from: Some(day(2025, 9, 1)), to: Some(day(2025, 9, 10)), site: None };
    let early = records.verification_queue_in(&supervisor, &filter).unwrap();
    assert_eq!(early.iter().map(|e| e.draft.date.format("%d").to_string()).collect::<Vec<_>>(), ["02", "03"]);
    let site = records.programs().unwrap().into_iter().find(|p| p.id == 5).unwrap().site;
    let at_site = records.verification_queue_in(&supervisor, &QueueFilter { site: Some(site), ..Default::default() });
    assert!(
        at_site.unwrap().iter().all(|e| e.draft.program == 5 || records.program(e.draft.program).unwrap().site == site)
    );

    let refused = records.verify_range(&operator, &[(early[0].id, 1)]);
    assert!(refused.is_err());
    let marked: Vec<_> = early.iter().map(|e| (e.id, e.revision)).collect();
    assert_eq!(records.verify_range(&supervisor, &marked).unwrap(), 2);
    assert_eq!(records.verification_queue(&supervisor).unwrap().len(), 3);
    let audit = records.audit(&admin, &Default::default()).unwrap();
    let verified: Vec<_> =
        audit.iter().filter(|r| r.action == AuditAction::EntryVerified).flat_map(|r| r.entries.clone()).collect();
    assert_eq!(verified, marked, "a record per verification");
    assert_eq!(audit.iter().filter(|r| r.action == AuditAction::EntryVerified).count(), 2);
    // A stale revision refuses the whole range: nothing half-verified.
    let rest = records.verification_queue(&supervisor).unwrap();
    let stale = [(rest[0].id, rest[0].revision), (rest[1].id, rest[1].revision + 1)];
    assert!(records.verify_range(&supervisor, &stale).is_err());
    assert_eq!(records.verification_queue(&supervisor).unwrap().len(), 3);
}

fn typed(program: u32, date: NaiveDate, kind: Kind, quantity: &str, participants: u32) -> EntryDraft {
    EntryDraft {
        program,
        date,
        kind,
        quantities: vec![Quantity::parse(quantity).unwrap()],
        participants,
        officers: 1,
        cadets: 2,
        notes: if kind.needs_reason() { "sakit".into() } else { String::new() },
        status: Status::Done,
    }
}

#[test]
fn livestock_stock_training_attendance_and_agreements_come_with_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, _, _) = opened(dir.path());
    let add =
        |program, d: NaiveDate, kind, q: &str, wbp| records.add_entry(&admin, typed(program, d, kind, q, wbp)).unwrap();
    add(3, day(2025, 7, 1), Kind::HeadCount, "40 ekor domba", 1);
    add(3, day(2025, 8, 3), Kind::Birth, "3 ekor domba", 1);
    add(3, day(2025, 8, 9), Kind::Sale, "5 ekor domba", 1);
    add(3, day(2025, 9, 4), Kind::Death, "50 ekor domba", 1);
    add(2, day(2025, 9, 4), Kind::Training, "3 jam las", 10);
    add(2, day(2025, 9, 5), Kind::Training, "2 jam las", 6);
    add(2, day(2025, 8, 5), Kind::Training, "2 jam las", 4);
    let spec = |period| ReportSpec { period, by: Grouping::Program, site: None, program: None };
    let report = records.report(&admin, spec(Period::range(day(2025, 8, 1), day(2025, 9, 30)).unwrap())).unwrap();
    let sheep = &report.groups.iter().find(|g| g.programs == [3]).unwrap().livestock;
    let end_of = |m| sheep.iter().find(|s| s.from.format("%m").to_string() == m).unwrap();
    assert_eq!((end_of("08").stock, end_of("08").births, end_of("08").sales), (38, 3, 5));
    assert_eq!(end_of("08").stock, records.head_counts(3, day(2025, 8, 31)).unwrap()["domba"], "as the entry walk");
    assert_eq!(end_of("09").stock, -12);
    assert!(end_of("09").went_below_zero() && !end_of("08").went_below_zero());

    let report = records.report(&admin, spec(Period::month(2025, 9).unwrap())).unwrap();
    let training = report.groups.iter().find(|g| g.programs == [2]).unwrap().training.unwrap();
    assert_eq!((training.current.sessions, training.current.participants), (2, 16));
    assert_eq!(training.current.participant_hours, Amount::whole(42));
    assert_eq!((training.current.officers, training.current.cadets), (2, 4));
    assert_eq!((training.previous.sessions, training.previous.participant_hours), (1, Amount::whole(8)));
    let agreement = report.agreements.iter().find(|a| a.id == 3).unwrap();
    assert_eq!(agreement.days_left, (agreement.end - day(2025, 9, 30)).num_days());
    assert_eq!(report.groups.len(), 6, "every programme, with entries or not");
}

#[test]
fn series_for_a_sparkline_and_a_bar_chart() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, _, _) = opened(dir.path());
    records.add_entry(&admin, typed(1, day(2025, 9, 2), Kind::Harvest, "2,5 kg cabai", 1)).unwrap();
    records.add_entry(&admin, typed(1, day(2025, 9, 2), Kind::Harvest, "1 kg tomat", 1)).unwrap();
    records.add_entry(&admin, typed(1, day(2025, 6, 9), Kind::Harvest, "4 kg cabai", 1)).unwrap();
    let week = Period::range(day(2025, 9, 1), day(2025, 9, 7)).unwrap();
    let days = records.daily_totals(&admin, 1, week, Some(Kind::Harvest), Some(Unit::Kg)).unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!((days[1].from, days[1].value, days[1].entries), (day(2025, 9, 2), Amount::from_milli(3_500), 2));
    assert!(days.iter().enumerate().all(|(i, p)| i == 1 || p.entries == 0));
    let months = records.monthly_totals(&admin, 1, 2025, None, Some(Unit::Kg)).unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!((months[5].value, months[8].value), (Amount::whole(4), Amount::from_milli(3_500)));
    assert!(records.monthly_totals(&admin, 1, 1850, None, None).is_err());
}
