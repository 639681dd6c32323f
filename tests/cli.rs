//! The command line as a user or a script meets it: the real binary on a
//! real database in a temporary folder.

mod common;

use std::collections::BTreeMap;

use common::*;

fn add(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["entry", "add"];
    all.extend_from_slice(args);
    run_as_operator(db, &all)
}

#[test]
fn init_creates_the_reference_data_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["init"]);
    assert!(stdout(&first).contains("3 lapas, 6 mitra, 6 PKS, 6 program"), "{}", stdout(&first));
    let second = run(dir.path(), &["--lang", "en", "init", "--demo"]);
    assert_eq!(second.status.code(), Some(0));
    assert!(stdout(&second).contains("was set up before; nothing changed"), "{}", stdout(&second));
    let programs = stdout(&run(dir.path(), &["programs", "--format", "csv"]));
    let mut lines = programs.lines();
    assert_eq!(lines.next(), Some("program_id,program,sector,site,partner,agreement,start,end,status"));
    assert_eq!(lines.count(), 6);
    assert!(programs.contains(",peternakan,Lapas Terbuka Kelas IIB Nusakambangan,PT Suka Domba Perkasa,"));
    assert!(programs.contains("2025-05-19,2030-05-19,active"));
    let agreements = stdout(&run(dir.path(), &["agreements", "--format", "json"]));
    let parsed: serde_json::Value = serde_json::from_str(&agreements).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 6);
    assert_eq!(parsed[0]["end"], "2030-05-19");
}

#[test]
fn demo_data_is_a_year_of_valid_entries() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["init", "--demo"]);
    assert!(stdout(&out).contains("PIN 123456"), "{}", stdout(&out));
    let check = run(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    let export = stdout(&run(dir.path(), &["export"]));
    let dates: Vec<&str> = export.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert!(dates.len() > 1000);
    assert!(
        dates.iter().all(|d| *d >= "2025-05-19" && *d <= "2026-03-10"),
        "dates within the programme and not after today"
    );
}

#[test]
fn exit_codes_and_messages() {
    let db = prepared();
    let db = db.path();
    assert_eq!(run(db, &["entry", "add", "--bogus"]).status.code(), Some(2), "usage error");

    let ok = add(db, &["--program", "1", "--date", "05/03/2026", "--kind", "harvest", "--qty", "12,5 kg cabai"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let id: u64 = stdout(&ok).trim().parse().expect("prints the new entry's id only");

    let thousands = add(db, &["--program", "1", "--kind", "harvest", "--qty", "1.250,5 kg cabai"]);
    assert_eq!(thousands.status.code(), Some(1));
    assert!(stderr(&thousands).contains("pemisah ribuan"), "{}", stderr(&thousands));

    let negative =
        run_as_operator(db, &["--lang", "en", "entry", "add", "--program", "1", "--kind", "harvest", "--qty", "-2 kg"]);
    assert!(stderr(&negative).contains("is negative"), "{}", stderr(&negative));

    let sector = add(db, &["--program", "3", "--kind", "harvest", "--qty", "2 kg cabai"]);
    assert!(
        stderr(&sector).contains("Jenis Panen (harvest) bukan untuk program bidang Peternakan"),
        "{}",
        stderr(&sector)
    );

    let future = add(db, &["--program", "1", "--date", "11/03/2026", "--kind", "harvest", "--qty", "2 kg"]);
    assert!(stderr(&future).contains("11/03/2026 belum tiba (hari ini 10/03/2026)"), "{}", stderr(&future));

    // 09:00 WIB is still the 9th of March at UTC-7, but "today" is the
    // site's (WIB): --tz only changes how times are shown.
    let tz = run_as_operator(
        db,
        &[
            "--tz=-07:00",
            "entry",
            "add",
            "--program",
            "1",
            "--date",
            "10/03/2026",
            "--kind",
            "harvest",
            "--qty",
            "2 kg",
        ],
    );
    assert!(tz.status.success(), "{}", stderr(&tz));

    let args = ["entry", "add", "--program", "1", "--kind", "harvest", "--qty", "2 kg", "--as", "199901012020011001"];
    let unknown = run_with_pins(db, &args, &[PIN]);
    assert!(stderr(&unknown).contains("NIP atau PIN salah"), "{}", stderr(&unknown));
    let wrong_pin =
        run_with_pins(db, &args[..8].iter().chain(&["--as", NIP]).copied().collect::<Vec<_>>(), &["999999"]);
    assert_eq!(stderr(&wrong_pin), stderr(&unknown), "a wrong PIN and an unknown NIP read the same");

    let missing = run(&db.join("nowhere"), &["programs"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("binalog init"), "{}", stderr(&missing));

    let export = stdout(&run(db, &["export", "--to", "2026-03-10"]));
    assert_eq!(export.lines().count(), 3, "the two good entries up to the 10th: {export}");
    assert!(export.contains(&format!("{id},2026-03-05,Lapas Terbuka Kelas IIB Nusakambangan,1,")));
    assert!(export.contains(",harvest,cabai,12.5,kg,0,,done,1,198503122010121001,2026-03-10T02:00:00Z"), "{export}");
    assert_eq!(export.matches(",harvest,").count(), 2, "refused entries stored nothing: {export}");
}

#[test]
fn officer_pins_are_checked_and_the_first_officer_is_an_admin() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path();
    assert!(run(db, &["init"]).status.success());
    let short = run_with_pins(
        db,
        &["officer", "add", "--nip", "1985 0312 2010 1210 02", "--name", "Sari", "--role", "admin"],
        &["123"],
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(stderr(&short).contains("paling sedikit 6 angka"), "{}", stderr(&short));
    let operator_first =
        run_with_pins(db, &["officer", "add", "--nip", NIP, "--name", "Budi", "--role", "operator"], &[PIN]);
    assert!(stderr(&operator_first).contains("Petugas pertama harus admin"), "{}", stderr(&operator_first));
    let bad_nip = run_with_pins(db, &["officer", "add", "--nip", "123", "--name", "X", "--role", "admin"], &[PIN]);
    assert!(stderr(&bad_nip).contains("18 angka"), "{}", stderr(&bad_nip));
    add_officer_cli(db);
    // Once an admin exists, nobody is added without one.
    let no_admin =
        run_with_pins(db, &["officer", "add", "--nip", SUPERVISOR_NIP, "--name", "Y", "--role", "admin"], &[PIN]);
    assert!(stderr(&no_admin).contains("ditambahkan oleh admin"), "{}", stderr(&no_admin));
    let by_operator = run_with_pins(
        db,
        &["officer", "add", "--nip", SUPERVISOR_NIP, "--name", "Y", "--role", "admin", "--as", NIP],
        &[PIN, PIN],
    );
    assert!(stderr(&by_operator).contains("hanya untuk peran admin"), "{}", stderr(&by_operator));
    let list = run_with_pins(db, &["officer", "list", "--format", "csv", "--as", ADMIN_NIP], &[ADMIN_PIN]);
    assert!(stdout(&list).contains("198503122010121001,Budi Santoso,operator,true,1 2 3,"), "{}", stdout(&list));
    assert!(!stdout(&list).contains("argon2"), "no PIN hashes in listings");
}

#[test]
fn import_then_export_keeps_every_total() {
    let db = prepared();
    let db = db.path();
    let csv = "entry_id,program_id,date,kind,item,value,unit,participants,notes\n\
               a,1,05/03/2026,harvest,cabai,\"12,5\",kg,4,pagi\n\
               a,1,05/03/2026,harvest,tomat,3.25,kg,4,pagi\n\
               ,1,2026-03-06,harvest,Cabai,0.125,kg,2,\n\
               ,3,2026-03-06,head_count,domba,40,ekor,2,\n\
               ,3,2026-03-07,sale,domba,2,ekor,2,dijual\n\
               ,6,2026-03-07,pieces_sewn,kaos,120,pcs,15,\n";
    let file = db.join("in.csv");
    std::fs::write(&file, csv).unwrap();
    let dry = run_as_operator(db, &["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(stdout(&dry).contains("5 catatan dari 6 baris"), "{}{}", stdout(&dry), stderr(&dry));
    assert_eq!(stdout(&run(db, &["export"])).lines().count(), 1, "dry run stores nothing");

    let done = run_as_operator(db, &["import", file.to_str().unwrap()]);
    assert!(done.status.success(), "{}", stderr(&done));
    let export = stdout(&run(db, &["export"]));
    let mut totals: BTreeMap<(String, String), f64> = BTreeMap::new();
    let mut entry_ids = std::collections::BTreeSet::new();
    for line in export.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        entry_ids.insert(cols[0].to_string());
        // Grouped as the totals group items: "Cabai" and "cabai" are one.
        *totals.entry((cols[8].to_lowercase(), cols[10].to_string())).or_default() += cols[9].parse::<f64>().unwrap();
    }
    assert!(export.contains(",Cabai,0.125,"), "imported as typed: {export}");
    let check = run(db, &["check"]);
    assert!(check.status.success(), "an import in two spellings checks clean: {}", stdout(&check));
    assert_eq!(entry_ids.len(), 5, "rows with one entry_id became one entry");
    assert_eq!(totals[&("cabai".into(), "kg".into())], 12.625);
    assert_eq!(totals[&("tomat".into(), "kg".into())], 3.25);
    assert_eq!(totals[&("kaos".into(), "pcs".into())], 120.0);

    // The export reads back in: a second database ends with the same rows.
    let copy = prepared();
    let exported = copy.path().join("export.csv");
    std::fs::write(&exported, &export).unwrap();
    let again = run_as_operator(copy.path(), &["import", exported.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    let strip = |s: &str| -> Vec<String> {
        s.lines().skip(1).map(|l| l.split(',').skip(1).take(12).collect::<Vec<_>>().join(",")).collect()
    };
    assert_eq!(strip(&stdout(&run(copy.path(), &["export"]))), strip(&export));
}

#[test]
fn a_file_with_bad_rows_stores_nothing_and_names_each_line() {
    let db = prepared();
    let db = db.path();
    let csv = "program_id,date,kind,item,value,unit,participants,notes\n\
               1,05/03/2026,harvest,cabai,12,kg,4,\n\
               1,05/03/2026,harvest,cabai,\"1.250,5\",kg,4,\n\
               3,05/03/2026,harvest,cabai,2,kg,4,\n\
               1,31/02/2026,harvest,cabai,2,kg,4,\n\
               1,05/03/2026,harvest,cabai,2,kg,banyak,\n\
               3,05/03/2026,death,domba,1,ekor,1,\n\
               1,05/03/2026,harvest,cabai,5,kg,4,\n";
    let file = db.join("bad.csv");
    std::fs::write(&file, csv).unwrap();
    let out = run_as_operator(db, &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("Tidak ada yang disimpan: 5 baris bermasalah"), "{err}");
    for line in [3, 4, 5, 6, 7] {
        assert!(err.contains(&format!("baris {line}: ")), "line {line} named: {err}");
    }
    assert!(!err.contains("baris 2:") && !err.contains("baris 8:"), "{err}");
    assert!(err.contains("pemisah ribuan") && err.contains("31/02/2026") && err.contains("alasannya"), "{err}");
    assert_eq!(stdout(&run(db, &["export"])).lines().count(), 1, "nothing stored");

    let en = run_as_operator(db, &["--lang", "en", "import", file.to_str().unwrap()]);
    assert!(
        stderr(&en).contains("line 4: The kind Harvest (harvest) is not for a Livestock programme"),
        "{}",
        stderr(&en)
    );

    std::fs::write(&file, "program_id,date\n1,05/03/2026\n").unwrap();
    let columns = run_as_operator(db, &["import", file.to_str().unwrap()]);
    assert!(
        stderr(&columns).contains("Kolom wajib tidak ada: kind, item, value, unit, participants, notes"),
        "{}",
        stderr(&columns)
    );
}

#[test]
fn a_new_database_folder_is_closed_to_other_users() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("binalog");
    assert!(run(&db, &["init"]).status.success());
    let mode = std::fs::metadata(&db).unwrap().permissions().mode();
    assert_eq!(mode & 0o007, 0, "others get nothing: {mode:o}");
    assert_eq!(mode & 0o700, 0o700, "the owner gets everything: {mode:o}");
}

#[test]
fn a_scale_demo_stores_the_rows_it_writes_as_csv_on_a_new_database_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let csv = dir.path().join("rows.csv");
    let args = ["--lang", "en", "init", "--demo", "--entries", "3000", "--years", "1", "--csv", csv.to_str().unwrap()];
    // Without --direct too: the entries go straight to the store, and no
    // server is left holding the database (the export below opens it).
    let out = served(&db).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("3 sites, 6 partners, 6 agreements, 21 programmes"), "{said}");
    // One year back from 10 March 2026, but never before the programmes began.
    assert!(said.contains("3000 entries from 19/05/2025 to 10/03/2026"), "{said}");
    assert!(said.contains("PIN 123456"), "{said}");
    let written = std::fs::read_to_string(&csv).unwrap();
    let rows = written.lines().count() - 1;
    assert!(rows >= 3000 && said.contains(&format!("CSV to {}: {rows} rows", csv.display())), "{said}");
    assert_eq!(stdout(&run(&db, &["export"])), written, "the CSV holds what export gives");
    let programs = stdout(&run(&db, &["programs", "--format", "csv"]));
    assert!(programs.contains(",Penggemukan Sapi,peternakan,Lapas Terbuka Kelas IIB Nusakambangan,"), "{programs}");

    let again = run(&db, &args);
    assert!(stdout(&again).contains("was set up before; nothing changed"), "{}", stdout(&again));
    assert_eq!(stdout(&run(&db, &["export"])), written, "nothing added");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), written, "the CSV made with the database is kept");

    let no_demo = run(&dir.path().join("other"), &["init", "--entries", "5"]);
    assert_eq!(no_demo.status.code(), Some(2), "--entries needs --demo");
    let missing = dir.path().join("no/such/folder/rows.csv");
    let other = dir.path().join("other");
    let bad = run(&other, &["--lang", "en", "init", "--demo", "--entries", "5", "--csv", missing.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("cannot be written"), "{}", stderr(&bad));
    assert!(!other.exists(), "nothing made before the CSV file could be opened");
}
