//! Reports, targets and Excel files through the real binary on a real
//! database (issue 11).

mod common;

use common::*;

fn add(db: &std::path::Path, date: &str, qty: &str) {
    let args = ["entry", "add", "--program", "1", "--date", date, "--kind", "harvest", "--qty", qty];
    let added = run_as_operator(db, &args);
    assert!(added.status.success(), "{}", stderr(&added));
}

fn report(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as", ADMIN_NIP]);
    run_with_pins(db, &all, &[ADMIN_PIN])
}

#[test]
fn a_monthly_report_shows_target_realisation_and_achievement_in_each_format() {
    let dir = prepared();
    let db = dir.path();
    add(db, "05/01/2026", "100 kg cabai");
    add(db, "10/02/2026", "150,5 kg cabai");
    add(db, "20/02/2026", "49,5 kg cabai");

    let target = ["target", "set", "--program", "1", "--year", "2026", "--kind", "harvest", "2400 kg cabai"];
    let by_operator = run_as_operator(db, &target);
    assert_eq!(by_operator.status.code(), Some(1));
    assert!(stderr(&by_operator).contains("admin"), "{}", stderr(&by_operator));
    let set = run_with_pins(db, &[&target[..], &["--as", ADMIN_NIP]].concat(), &[ADMIN_PIN]);
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(stdout(&set).contains("Target 2026 program 1 disimpan: Panen 2.400 kg cabai."), "{}", stdout(&set));
    let listed = stdout(&run(db, &["target", "list", "--format", "csv"]));
    assert_eq!(listed, "program_id,year,kind,value,unit,item\n1,2026,harvest,2400,kg,cabai\n");
    let bad = run_with_pins(
        db,
        &["target", "set", "--program", "1", "--year", "2026", "--kind", "birth", "3 ekor domba", "--as", ADMIN_NIP],
        &[ADMIN_PIN],
    );
    assert!(stderr(&bad).contains("bukan untuk program bidang Pertanian"), "{}", stderr(&bad));

    let text = report(db, &["--month", "2026-02", "--program", "1"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let text = stdout(&text);
    assert!(text.starts_with("LAPORAN BULANAN"), "{text}");
    assert!(text.contains("Periode: 01/02/2026 s.d. 28/02/2026 (dibanding 01/01/2026 s.d. 31/01/2026)"), "{text}");
    let row: Vec<&str> = text.lines().find(|l| l.starts_with("Panen")).unwrap().split_whitespace().collect();
    // Target a twelfth of 2.400, realisation 150,5 + 49,5, January 100, the year 300 of 2.400.
    assert_eq!(row, ["Panen", "cabai", "kg", "200", "200", "100", "100", "100", "100", "2.400", "300", "12,5"]);

    let english = stdout(&report(db, &["--month", "2026-02", "--program", "1", "--lang", "en", "--format", "md"]));
    assert!(
        english.contains("| Harvest | cabai | kg | 200 | 200 | 100 | 100 | 100 | 100 | 2,400 | 300 | 12.5 |"),
        "{english}"
    );

    let csv = stdout(&report(db, &["--month", "2026-02", "--format", "csv", "--by", "site", "--site", "1"]));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "period_from,period_to,group,group_name,kind,item,unit,target,realisation,achievement,previous,change,change_percent,year_target,year_to_date,year_achievement"
    );
    assert!(rows.contains(&"2026-02-01,2026-02-28,site:1,Lapas Terbuka Kelas IIB Nusakambangan,harvest,cabai,kg,200,200,100,100,100,100,2400,300,12.5"), "{csv}");

    let json = stdout(&report(db, &["--from", "2026-01-01", "--to", "2026-02-28", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["period"]["kind"], "range");
    assert_eq!(json["previous"]["to"], "2025-12-31");
    let farm = json["groups"].as_array().unwrap().iter().find(|g| g["group"] == "program:1").unwrap();
    assert_eq!(farm["totals"][0]["realisation"], "300");
    assert!(json["agreements"].as_array().unwrap().iter().any(|a| a["days_left"].as_str().is_some()));

    // Refused before any PIN is asked.
    let week = stdout(&report(db, &["--week", "2026-W07", "--program", "1", "--format", "csv"]));
    assert!(week.contains("2026-02-09,2026-02-15,program:1,Hortikultura Cabai & Sayur,harvest,cabai,kg,"), "{week}");
    let wrong_month = run(db, &["report", "--month", "2026-13", "--as", ADMIN_NIP]);
    assert_eq!(wrong_month.status.code(), Some(1));
    assert!(stderr(&wrong_month).contains("Bulan 13 tidak ada"), "{}", stderr(&wrong_month));
    let no_period = run(db, &["report", "--as", ADMIN_NIP]);
    assert_eq!(no_period.status.code(), Some(2));
    assert!(stderr(&no_period).contains("--month 2026-11"), "{}", stderr(&no_period));
    let grouping = run(db, &["report", "--year", "2026", "--by", "kota", "--as", ADMIN_NIP]);
    assert!(stderr(&grouping).contains("Pengelompokan \"kota\" tidak dikenal"), "{}", stderr(&grouping));
}

#[test]
fn an_operator_reports_on_their_sites() {
    let dir = prepared();
    let db = dir.path();
    add(db, "05/03/2026", "2 kg cabai");
    // The operator works at every site; moved to site 2 only, programme 1 (site 1) is not theirs.
    let moved =
        run_with_pins(db, &["officer", "assign", "--nip", NIP, "--sites", "2", "--as", ADMIN_NIP], &[ADMIN_PIN]);
    assert!(moved.status.success(), "{}", stderr(&moved));
    let theirs = run_as_operator(db, &["report", "--month", "2026-03", "--by", "site", "--format", "csv"]);
    assert!(theirs.status.success(), "{}", stderr(&theirs));
    assert!(!stdout(&theirs).contains("site:1"), "{}", stdout(&theirs));
    let other = run_as_operator(db, &["report", "--month", "2026-03", "--program", "1"]);
    assert_eq!(other.status.code(), Some(1));
    assert!(stderr(&other).contains("Nusakambangan"), "{}", stderr(&other));
}

fn plain_rows(export: &str) -> Vec<String> {
    // Without the entry id (the second database numbers its own).
    let mut rows: Vec<String> =
        export.lines().skip(1).map(|l| l.split(',').skip(1).take(13).collect::<Vec<_>>().join(",")).collect();
    rows.sort();
    rows
}

#[test]
fn an_excel_indonesian_export_imports_back_to_the_same_entries() {
    let dir = prepared();
    let db = dir.path();
    let csv = "entry_id,program_id,date,kind,item,value,unit,participants,notes\n\
               a,1,05/03/2026,harvest,cabai,\"12,5\",kg,4,\"pagi; sore\"\n\
               a,1,05/03/2026,harvest,tomat,3.25,kg,4,\"pagi; sore\"\n\
               ,1,2026-03-06,harvest,Cabai,0.125,kg,2,\n\
               ,1,2026-03-06,harvest,terong,1234.5,kg,2,=awas\n\
               ,3,2026-03-06,head_count,domba,40,ekor,2,\n\
               ,6,2026-03-07,pieces_sewn,kaos,120,pcs,15,\n";
    let file = db.join("in.csv");
    std::fs::write(&file, csv).unwrap();
    let done = run_as_operator(db, &["import", file.to_str().unwrap()]);
    assert!(done.status.success(), "{}", stderr(&done));

    let excel = run(db, &["export", "--excel"]);
    assert!(excel.status.success(), "{}", stderr(&excel));
    let bytes = excel.stdout;
    assert!(bytes.starts_with("\u{feff}entry_id;date;site;".as_bytes()), "a BOM, then semicolons");
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(text.matches("\r\n").count(), text.matches('\n').count(), "every line ends CRLF");
    assert!(text.contains(";harvest;cabai;12,5;kg;4;\"pagi; sore\";done;"), "a semicolon in a cell is quoted: {text}");
    assert!(text.contains(";1234,5;kg;") && text.contains(";0,125;kg;"), "decimal commas: {text}");
    assert!(text.contains(";'=awas;"), "formulas stay text: {text}");

    let copy = prepared();
    let exported = copy.path().join("excel.csv");
    std::fs::write(&exported, &bytes).unwrap();
    let again = run_as_operator(copy.path(), &["import", exported.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("5 catatan diimpor dari 6 baris"), "{}", stdout(&again));
    assert_eq!(plain_rows(&stdout(&run(copy.path(), &["export"]))), plain_rows(&stdout(&run(db, &["export"]))));

    // A header Excel's user renamed is refused saying how the file was read.
    let renamed = copy.path().join("renamed.csv");
    std::fs::write(&renamed, text.replacen(";value;", ";nilai;", 1)).unwrap();
    let refused = run_as_operator(copy.path(), &["import", renamed.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("Berkas ini dipisah titik koma (seperti Excel berbahasa Indonesia menyimpannya), tetapi baris judulnya tidak memuat kolom value."),
        "{}",
        stderr(&refused)
    );
    let utf16 = copy.path().join("utf16.csv");
    std::fs::write(&utf16, [0xff, 0xfe, b'e', 0, b'n', 0]).unwrap();
    let refused = run_as_operator(copy.path(), &["--lang", "en", "import", utf16.to_str().unwrap()]);
    assert!(stderr(&refused).contains("saved as UTF-16"), "{}", stderr(&refused));
}

#[test]
fn through_a_server_reports_targets_and_the_queue_keep_to_roles_and_sites() {
    use binalog::domain::report::{GroupKey, Grouping, Period, ReportSpec};
    use binalog::domain::{Kind, Role};
    use binalog::records::QueueFilter;

    let dir = prepared();
    let server = common::serve::Served::start(dir.path(), &[]);
    let admin_client = server.client();
    let admin = admin_client.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    admin_client.add_officer(Some(&admin), SUPERVISOR_NIP, "Sri Supervisor", Role::Supervisor, PIN).unwrap();
    admin_client.assign_sites(&admin, SUPERVISOR_NIP, &[1]).unwrap();
    let operator_client = server.anonymous();
    let operator = operator_client.login(NIP, PIN).unwrap();
    for (program, d) in [(1, 2), (1, 3), (5, 4)] {
        let draft = draft(program, day(2026, 3, d), Kind::Harvest, "2,5 kg cabai");
        operator_client.add_entry(&operator, draft).unwrap();
    }
    admin_client.assign_sites(&admin, NIP, &[2]).unwrap();

    let spec = ReportSpec { period: Period::month(2026, 3).unwrap(), by: Grouping::Site, site: None, program: None };
    let groups: Vec<GroupKey> = operator_client.report(&operator, spec).unwrap().groups.iter().map(|g| g.key).collect();
    assert_eq!(groups, [GroupKey::Site(2)], "the operator's one site");
    assert!(operator_client.set_target(&operator, 1, 2026, Kind::Harvest, "10 kg cabai").is_err());
    admin_client.set_target(&admin, 1, 2026, Kind::Harvest, "120 kg cabai").unwrap();
    assert_eq!(operator_client.targets(Some(1), Some(2026)).unwrap().len(), 1);

    let supervisor_client = server.anonymous();
    let supervisor = supervisor_client.login(SUPERVISOR_NIP, PIN).unwrap();
    let filter = QueueFilter { program: Some(1), ..Default::default() };
    let queue = supervisor_client.verification_queue_in(&supervisor, &filter).unwrap();
    assert_eq!(queue.len(), 2);
    let marked: Vec<_> = queue.iter().map(|e| (e.id, e.revision)).collect();
    assert_eq!(supervisor_client.verify_range(&supervisor, &marked).unwrap(), 2);
    assert!(supervisor_client.verification_queue(&supervisor).unwrap().is_empty(), "programme 5 is at site 2");
    assert!(operator_client.verify_range(&operator, &marked).is_err(), "operators do not verify");
}

#[test]
fn a_supervisor_filters_the_queue_and_verifies_what_it_lists_at_once() {
    let dir = prepared();
    let db = dir.path();
    add(db, "02/03/2026", "1 kg cabai");
    add(db, "03/03/2026", "2 kg cabai");
    let other = ["entry", "add", "--program", "5", "--date", "04/03/2026", "--kind", "harvest", "--qty", "3 kg gabah"];
    assert!(run_as_operator(db, &other).status.success());
    let args = [
        "officer",
        "add",
        "--nip",
        SUPERVISOR_NIP,
        "--name",
        "Sri",
        "--role",
        "supervisor",
        "--sites",
        "1",
        "--as",
        ADMIN_NIP,
    ];
    let added = run_with_pins(db, &args, &[ADMIN_PIN, PIN]);
    assert!(added.status.success(), "{}", stderr(&added));
    let as_supervisor = |args: &[&str]| {
        let mut all = vec!["entry", "queue"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--as", SUPERVISOR_NIP]);
        run_with_pins(db, &all, &[PIN])
    };
    let listed = stdout(&as_supervisor(&["--program", "1", "--from", "2026-03-03"]));
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("2 kg cabai"), "{listed}");
    let verified = as_supervisor(&["--site", "1", "--verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert_eq!(stdout(&verified), "2 catatan diverifikasi.\n");
    assert_eq!(stdout(&as_supervisor(&[])), "", "nothing left at the supervisor's site");
}

#[test]
fn an_item_keeps_its_capitals_and_its_spellings_are_one_report_line() {
    let dir = prepared();
    let db = dir.path();
    let added = run_as_operator(
        db,
        &["entry", "add", "--program", "1", "--date", "02/03/2026", "--kind", "harvest", "--qty", "3 kg BBI  Cilacap"],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let id = stdout(&added).trim().to_string();
    let shown = stdout(&run(db, &["entry", "show", &id]));
    assert!(shown.contains("3 kg BBI Cilacap"), "shown as typed: {shown}");
    add(db, "03/03/2026", "4 kg bbi cilacap");
    add(db, "04/03/2026", "5 kg BBI CILACAP");

    let export = stdout(&run(db, &["export"]));
    let items: Vec<&str> = export.lines().skip(1).map(|l| l.split(',').nth(8).unwrap()).collect();
    assert_eq!(items, ["BBI Cilacap", "bbi cilacap", "BBI CILACAP"], "each entry exported as typed");

    let csv = stdout(&report(db, &["--month", "2026-03", "--program", "1", "--format", "csv"]));
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(lines.len(), 1, "one line for the three spellings: {csv}");
    let cols: Vec<&str> = lines[0].split(',').collect();
    assert_eq!((cols[5], cols[6], cols[8]), ("BBI Cilacap", "kg", "12"), "named by the first spelling: {csv}");

    let check = run(db, &["--lang", "en", "check"]);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
}
