//! The modules' layers, checked: each top-level module may use only
//! modules of lower layers, so the graph between them has no circle (the
//! records API does not reach into the server, the interface not into the
//! command line). Read from the source text, as `use crate::x` and
//! `crate::x::` paths; test code is left out (a domain test may print
//! through the catalog).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first; a module uses only modules
/// of strictly lower layers.
const LAYERS: &[&[&str]] = &[
    &["allocator", "clock", "unix", "domain"],
    // The catalogs word every layer's errors (`i18n::Message`).
    &["i18n"],
    &["store", "wire"],
    &["records"],
    &["report", "server"],
    // What the front ends share: the language, how to reach the records;
    // the national feed and push (it writes the export's safe text).
    &["frontend", "national"],
    &["tui"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the source folder is readable") {
        let path = entry.expect("a folder entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name == "tests" || name.ends_with("tests.rs") || name == "tests.rs" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The text before a file's inline test module (`#[cfg(test)] mod x {`;
/// a test module in its own file is left out by its name).
pub(crate) fn without_tests(text: &str) -> &str {
    let marker = "#[cfg(test)]\nmod ";
    let cut = text.match_indices(marker).map(|(at, _)| at).find(|&at| {
        let line = text[at + marker.len()..].lines().next().unwrap_or_default();
        line.find('{').is_some_and(|brace| line.find(';').is_none_or(|semi| brace < semi))
    });
    &text[..cut.unwrap_or(text.len())]
}

/// Every top-level module a file names through `crate::`.
fn uses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

/// The parts of a source folder: each file and each subfolder, by name,
/// with the Rust files it holds (test files left out), except `skip`.
pub(crate) fn parts_of(dir: &Path, skip: &[&str]) -> Vec<(String, Vec<PathBuf>)> {
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder is readable") {
        let path = entry.expect("a folder entry").path();
        let Some(part) = path.file_stem().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        if skip.contains(&part.as_str()) {
            continue;
        }
        let mut files = Vec::new();
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path.clone());
        }
        parts.push((part, files));
    }
    parts
}

/// Module -> (used module -> a file that uses it).
fn graph() -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for (module, files) in parts_of(&src, &["lib", "main", "layers"]) {
        let used = graph.entry(module.clone()).or_default();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file is readable");
            for name in uses(without_tests(&text)) {
                if name != module {
                    used.entry(name).or_insert_with(|| file.clone());
                }
            }
        }
    }
    graph
}

/// Uses against the layers still to be undone, each named with the step
/// that removes it.
const NOT_YET: &[(&str, &str)] = &[];

#[test]
fn every_module_uses_only_lower_layers() {
    let graph = graph();
    assert!(graph.contains_key("records") && graph.contains_key("wire"), "the source was read: {graph:?}");
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        let Some(own) = layer(module) else {
            wrong.push(format!("{module} has no layer in LAYERS"));
            continue;
        };
        for (name, file) in used {
            match layer(name) {
                Some(theirs) if theirs < own => {}
                _ if NOT_YET.contains(&(module.as_str(), name.as_str())) => {}
                _ => wrong.push(format!("{module} uses {name} ({})", file.display())),
            }
        }
    }
    assert!(wrong.is_empty(), "uses against the layers:\n{}", wrong.join("\n"));
}

/// The modules that may name the store, though the layers above it would
/// allow more: only the records API opens it. The front ends (`cli`,
/// `tui`, `frontend`, `national`), the server, `report` and `wire` reach
/// what it keeps through records, as records types.
const STORE_USERS: &[&str] = &["records"];

#[test]
fn only_records_uses_the_store() {
    let graph = graph();
    let users: Vec<String> = graph
        .iter()
        .filter(|(module, used)| used.contains_key("store") && !STORE_USERS.contains(&module.as_str()))
        .map(|(module, used)| format!("{module} ({})", used["store"].display()))
        .collect();
    assert!(users.is_empty(), "modules using the store directly: {users:?}");
}

/// The names a file brings in from the store with `use crate::store::...`
/// (the last segment of each path, or its `as` name).
fn store_imports(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices("use crate::store::") {
        let statement = &text[at..];
        let statement = &statement[..statement.find(';').unwrap_or(statement.len())];
        let inner = statement.trim_start_matches("use crate::store::");
        for path in inner.split([',', '{', '}']).map(str::trim).filter(|p| !p.is_empty()) {
            let name = path.rsplit([' ', ':']).next().unwrap_or(path);
            if name != "self" && name.chars().next().is_some_and(char::is_uppercase) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Where a records file hands out a store type: a re-export of the store,
/// or a public item (`pub` or `pub(crate)`: the server sees those too)
/// whose line names a store path or a type the file imports from it,
/// before any `=` (a constant's value may come from the store).
fn store_types_handed_out(text: &str) -> Vec<String> {
    let imported = store_imports(text);
    let names_store = |line: &str| {
        line.contains("store::")
            || imported.iter().any(|name| {
                line.match_indices(name.as_str()).any(|(at, _)| {
                    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                    let before = line[..at].chars().next_back().is_none_or(|c| !word(c));
                    let after = line[at + name.len()..].chars().next().is_none_or(|c| !word(c));
                    before && after
                })
            })
    };
    text.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("pub ") || line.starts_with("pub(crate) "))
        .filter(|line| names_store(line.split(" = ").next().unwrap_or(line)))
        .map(str::to_string)
        .collect()
}

/// The records API hands out only records and domain types: its files
/// re-export nothing of the store, and no public signature or field names
/// a store type (records/kept.rs holds its own, made in convert.rs).
#[test]
fn records_hands_out_no_store_type() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/records"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("local.rs")), "records was read: {files:?}");
    let mut wrong = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file is readable");
        for line in store_types_handed_out(without_tests(&text)) {
            wrong.push(format!("{}: {line}", file.display()));
        }
    }
    assert!(wrong.is_empty(), "records hands out store types:\n{}", wrong.join("\n"));
}

#[test]
fn a_store_type_in_a_public_signature_is_seen() {
    let text = "use crate::store::{AuditRecord, damage::newest as newest_backup, SharedStore};\n\
                use crate::store::Problem;\n\
                pub use crate::store::Verification;\n\
                pub fn audit() -> Vec<AuditRecord> {}\n\
                pub(crate) fn check() -> Vec<Problem> {}\n\
                pub fn fine() -> Vec<AuditRecordRow> {}\n\
                pub const FOLDER: &str = crate::store::FOLDER;\n\
                fn private(s: SharedStore) {}\n";
    assert_eq!(store_imports(text), vec!["AuditRecord", "SharedStore", "Problem", "Verification"]);
    assert_eq!(
        store_types_handed_out(text),
        vec![
            "pub use crate::store::Verification;",
            "pub fn audit() -> Vec<AuditRecord> {}",
            "pub(crate) fn check() -> Vec<Problem> {}"
        ]
    );
}

/// The API list names only records and domain types: what crosses the
/// socket is the records API's, whatever the store keeps.
#[test]
fn the_api_list_names_no_store_type() {
    let api = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/records/api.rs");
    let text = std::fs::read_to_string(api).expect("api.rs is readable");
    assert!(text.contains("records_api!"), "api.rs was read");
    assert_eq!(uses(&text).iter().filter(|m| *m == "store").count(), 0, "api.rs names a store path");
}

#[test]
fn the_reader_sees_grouped_and_plain_paths() {
    let text = "use crate::wire::protocol;\nuse crate::{domain::Amount, store};\nlet x = crate::records::Error;";
    assert_eq!(uses(text), vec!["wire", "domain", "records"]);
    assert_eq!(without_tests("a\n#[cfg(test)]\nmod tests { crate::cli }"), "a\n");
    assert_eq!(without_tests("#[cfg(test)]\nmod tests;\nb"), "#[cfg(test)]\nmod tests;\nb");
}
