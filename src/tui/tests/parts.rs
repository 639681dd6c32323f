//! The interface's own parts import no circle: each top-level file of
//! `src/tui` and each of its folders (`screens`, `widgets`) is a part, and
//! the parts form layers as the top-level modules do (src/layers.rs), so a
//! screen can be read without reading `update`, and messages without
//! screens' drawing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::layers::{parts_of, without_tests};

/// The parts a file names: `crate::tui::x`, and from a top-level file
/// `super::x` or `super::{x, y::z}`.
fn named(text: &str, top_level: bool) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let word = |rest: &str| -> String { rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    for (at, _) in text.match_indices("crate::tui::") {
        found.insert(word(&text[at + "crate::tui::".len()..]));
    }
    if top_level {
        for (at, _) in text.match_indices("super::") {
            let rest = &text[at + "super::".len()..];
            match rest.strip_prefix('{') {
                Some(group) => {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    found.extend(group.split(',').map(|item| word(item.trim())));
                }
                None => {
                    found.insert(word(rest));
                }
            }
        }
    }
    found.retain(|name| !name.is_empty() && name != "super");
    found
}

/// Part -> the parts it names.
fn parts() -> BTreeMap<String, BTreeSet<String>> {
    let tui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (part, files) in parts_of(&tui, &["mod", "tests"]) {
        let used = graph.entry(part.clone()).or_default();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file is readable");
            let top_level = file.parent() == Some(tui.as_path());
            used.extend(named(without_tests(&text), top_level).into_iter().filter(|name| *name != part));
        }
    }
    graph
}

/// A circle through `from`, if one exists: the parts in order.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut path = vec![from.to_string()];
    let mut seen = BTreeSet::new();
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let last = path.last().cloned().unwrap_or_default();
        for next in graph.get(&last).into_iter().flatten() {
            if next == from {
                return true;
            }
            if graph.contains_key(next) && seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, from, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(graph, from, &mut path, &mut seen).then_some(path)
}

#[test]
fn the_interfaces_parts_import_no_circle() {
    let graph = parts();
    assert!(graph.get("update").is_some_and(|used| used.contains("screens")), "the source was read: {graph:?}");
    let circles: Vec<String> = graph.keys().filter_map(|part| circle(&graph, part)).map(|c| c.join(" -> ")).collect();
    assert!(circles.is_empty(), "parts of src/tui in a circle:\n{}", circles.join("\n"));
}

#[test]
fn the_reader_sees_the_parts_a_file_names() {
    let text = "use super::{effects, keymap::Key};\nuse super::msg::Cmd;\nlet x = crate::tui::ui::Ui;";
    assert_eq!(named(text, true), ["effects", "keymap", "msg", "ui"].map(String::from).into());
    assert_eq!(named("use super::Action;", false), BTreeSet::new());
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", "b"), ("b", "a")].iter().map(|(x, y)| (x.to_string(), [y.to_string()].into())).collect();
    assert_eq!(circle(&graph, "a"), Some(vec!["a".to_string(), "b".to_string()]));
}
