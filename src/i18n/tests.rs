use std::collections::BTreeSet;

use super::*;

fn placeholders(text: &str) -> BTreeSet<String> {
    // A plural form `{count|one|other}` names the placeholder `count`.
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.split('|').next().unwrap_or(name).to_string()))
        .collect()
}

#[test]
fn both_catalogs_have_the_same_keys_and_placeholders() {
    let id: BTreeSet<_> = keys(Lang::Id).into_iter().collect();
    let en: BTreeSet<_> = keys(Lang::En).into_iter().collect();
    assert_eq!(id.len(), keys(Lang::Id).len(), "a key appears twice in id.rs");
    assert_eq!(en.len(), keys(Lang::En).len(), "a key appears twice in en.rs");
    assert_eq!(id.difference(&en).collect::<Vec<_>>(), Vec::<&&str>::new(), "in id.rs only");
    assert_eq!(en.difference(&id).collect::<Vec<_>>(), Vec::<&&str>::new(), "in en.rs only");
    for key in &id {
        assert_eq!(placeholders(text(Lang::Id, key)), placeholders(text(Lang::En, key)), "{key}");
    }
}

/// Every key the code names exists in the catalogs: scans the sources for
/// string literals that look like catalog keys.
#[test]
fn every_key_used_in_the_code_is_in_the_catalogs() {
    let catalog: BTreeSet<_> = keys(Lang::Id).into_iter().collect();
    let prefixes =
        ["invalid.", "error.", "field.", "sector.", "kind.", "cli.", "check.", "tui.", "role.", "status.", "server."];
    let mut missing = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.ends_with("id.rs") || path.ends_with("en.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for literal in source.split('"').skip(1).step_by(2) {
            let looks_like_key = prefixes.iter().any(|p| literal.len() > p.len() && literal.starts_with(p))
                && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.');
            if looks_like_key && !catalog.contains(literal) {
                missing.push(format!("{}: {literal}", path.display()));
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn messages_use_the_language_decimal_mark_and_dates() {
    use crate::domain::{Amount, Unit};
    let e = Invalid::ValueTooLarge { input: "200000".into(), max: Amount::whole(100_000), unit: Unit::Kg };
    assert!(invalid(Lang::Id, &e).contains("100.000 kg"), "{}", invalid(Lang::Id, &e));
    assert!(invalid(Lang::En, &e).contains("100,000 kg"), "{}", invalid(Lang::En, &e));
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
    let e = Invalid::DateInFuture { date, today: date.pred_opt().unwrap() };
    assert!(invalid(Lang::Id, &e).contains("05/03/2026"));
}

#[test]
fn thousands_message_in_both_languages() {
    let e = Invalid::ValueThousands { input: "1.250,5".into() };
    assert_eq!(
        invalid(Lang::Id, &e),
        "Nilai \"1.250,5\" memakai pemisah ribuan. Tulis tanpa pemisah ribuan, misalnya 1250,5."
    );
    assert_eq!(
        invalid(Lang::En, &e),
        "The value \"1.250,5\" has a thousands separator. Write it without one, for example 1250.5."
    );
}

#[test]
fn counts_take_the_singular_in_english_and_one_word_in_indonesian() {
    let one = [("days", Arg::Number(1))];
    assert_eq!(fill(Lang::En, "tui.home_ending", &one), "Agreements ending in 1 day");
    let two = [("days", Arg::Number(2))];
    assert_eq!(fill(Lang::En, "tui.home_ending", &two), "Agreements ending in 2 days");
    assert_eq!(fill(Lang::Id, "tui.home_ending", &one), "PKS berakhir dalam 1 hari");
    assert_eq!(plural("{n} {n|field|fields} {n|is|are}", "n", 1), "{n} field is");
}

#[test]
fn a_kind_is_named_in_the_language_only() {
    let e = Invalid::ReasonMissing { kind: Kind::Death };
    let said = invalid(Lang::Id, &e);
    assert!(said.contains("Kematian") && !said.contains("death"), "{said}");
}
