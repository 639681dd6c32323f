//! The key tables are the truth of every screen: each binding shows in the
//! footer or the help, and each key the footer shows is one the screen
//! answers. Run on every screen the snapshot tests visit (`snap!`), in
//! both languages and in each state they reach (questions, dialogs,
//! focused fields, roles).

use super::Harness;
use crate::tui::view;

/// The names of the keys a binding without keys may show: an explanation
/// of what typing does, answered by the field itself.
const TYPING: [&str; 3] = ["tui.keyname_letters", "tui.keyname_digits", "tui.keyname_letter"];

pub fn shown_and_bound(h: &Harness) {
    let app = &h.app;
    if app.help || app.offer.is_some() || app.too_small() {
        return;
    }
    let lang = app.lang;
    let screen = h.screen();
    let footer = screen.lines().last().unwrap_or_default().to_string();
    let mut helped = app.clone();
    helped.help = true;
    let help = super::drawn(&helped, h.theme, 80, 24);
    let title = view::title(&app.screen, lang);
    for hint in view::hints(app) {
        let name = hint.key_name(lang);
        let words = hint.words(lang);
        let in_footer = footer.contains(&format!("{name} {words}"));
        let in_help = help.lines().any(|l| l.contains(name) && l.contains(words));
        assert!(in_footer || in_help, "{title}: {name} ({words}) is in neither the footer nor the help");
        if in_footer {
            assert!(hint.footer, "{title}: {name} shows in the footer but is marked for the help only");
            assert!(
                !hint.keys.is_empty() || TYPING.contains(&hint.name),
                "{title}: the footer offers {name}, which no key does"
            );
        }
    }
}
