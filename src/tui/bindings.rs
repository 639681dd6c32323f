//! Key bindings as tables: each screen lists its keys once, with what they
//! do and the words that say so, and its key handling, its footer and its
//! help are all made from that one list, so they cannot disagree.
//!
//! A table is a `&[Binding<A>]` of the screen's own action type `A`. The
//! screen answers a key with `find(table, key)`, the footer shows the
//! bindings marked `footer` that fit, and the help lists every binding.

use super::keymap::Key;
use crate::i18n::{Lang, text};

/// One line of a screen's key table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding<A> {
    /// The keys that do it.
    pub keys: &'static [Key],
    /// How the keys are written: `Enter`, `t`, `j/k`, or a catalog key
    /// (`tui.keyname_...`) where the name has a language (`Atas/Bawah`).
    pub name: &'static str,
    /// Catalog key of the words that say what the keys do.
    pub does: &'static str,
    /// Shown in the footer too; the help shows every binding.
    pub footer: bool,
    pub action: A,
}

impl<A> Binding<A> {
    /// Also in the footer.
    pub const fn shown(keys: &'static [Key], name: &'static str, does: &'static str, action: A) -> Binding<A> {
        Binding { keys, name, does, footer: true, action }
    }

    /// Only in the help: the footer has no room for everything.
    pub const fn in_help(keys: &'static [Key], name: &'static str, does: &'static str, action: A) -> Binding<A> {
        Binding { keys, name, does, footer: false, action }
    }
}

/// A binding without its action: what the footer and the help draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    pub keys: &'static [Key],
    pub name: &'static str,
    pub does: &'static str,
    pub footer: bool,
}

impl<A> From<&Binding<A>> for Hint {
    fn from(b: &Binding<A>) -> Hint {
        Hint { keys: b.keys, name: b.name, does: b.does, footer: b.footer }
    }
}

/// The hints of a table, in its order.
pub fn hints<A>(table: &[Binding<A>]) -> Vec<Hint> {
    table.iter().map(Hint::from).collect()
}

/// The action the first binding holding `key` stands for.
pub fn find<A: Copy>(table: &[Binding<A>], key: Key) -> Option<A> {
    table.iter().find(|b| b.keys.contains(&key)).map(|b| b.action)
}

impl Hint {
    /// The key as the officer reads it in `lang`.
    pub fn key_name(&self, lang: Lang) -> &'static str {
        if self.name.starts_with("tui.") { text(lang, self.name) } else { self.name }
    }

    pub fn words(&self, lang: Lang) -> &'static str {
        text(lang, self.does)
    }
}

/// The footer's parts, `(key, words)`, of the hints marked for it.
pub fn footer(lang: Lang, hints: &[Hint]) -> Vec<(&'static str, &'static str)> {
    hints.iter().filter(|h| h.footer).map(|h| (h.key_name(lang), h.words(lang))).collect()
}

/// The help's lines: each key, then what it does, in two columns.
pub fn help_lines(lang: Lang, hints: &[Hint]) -> Vec<String> {
    let width = hints.iter().map(|h| super::theme::cells(h.key_name(lang))).max().unwrap_or(0);
    hints
        .iter()
        .map(|h| {
            let name = h.key_name(lang);
            let pad = " ".repeat(width.saturating_sub(super::theme::cells(name)) + 2);
            format!("{name}{pad}{}", h.words(lang))
        })
        .collect()
}

/// How a browsing screen is left; its table lists these after its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leave {
    Back,
    Switch,
    Quit,
}

pub const LEAVE: &[Binding<Leave>] = &[
    Binding::shown(&[Key::Esc], "Esc", "tui.do_back", Leave::Back),
    Binding::shown(&[Key::Char('x')], "x", "tui.do_switch", Leave::Switch),
    Binding::shown(&[Key::Char('q')], "q", "tui.do_quit", Leave::Quit),
];

/// A screen's own hints, then how it is left.
pub fn hints_and_leave<A>(table: &[Binding<A>]) -> Vec<Hint> {
    let mut all = hints(table);
    all.extend(hints(LEAVE));
    all
}

/// A screen's own hints, then how it is left, where its own table answers
/// Esc (it clears a search first, and goes back only then).
pub fn hints_and_leave_but_back<A>(table: &[Binding<A>]) -> Vec<Hint> {
    let mut all = hints(table);
    all.extend(LEAVE.iter().filter(|b| b.action != Leave::Back).map(Hint::from));
    all
}

/// A key every screen answers (`GLOBAL_KEYS`), shown in a screen's footer
/// where it is the only way to do what it does (Ctrl-C on the lock).
pub fn global_in_footer(global: Global) -> Vec<Hint> {
    GLOBAL_KEYS.iter().filter(|b| b.action == global).map(|b| Hint { footer: true, ..Hint::from(b) }).collect()
}

/// A yes-or-no question: y says yes, n or Esc no.
pub const YES_NO: &[Binding<bool>] = &[
    Binding::shown(&[Key::Char('y'), Key::Char('Y')], "y", "tui.do_yes", true),
    Binding::shown(&[Key::Char('n'), Key::Char('N'), Key::Esc], "n", "tui.do_no", false),
];

/// The keys of every screen, answered before the screen's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Global {
    Help,
    Lock,
    Quit,
}

pub const GLOBAL_KEYS: &[Binding<Global>] = &[
    Binding::shown(&[Key::Char('?')], "?", "tui.do_help", Global::Help),
    Binding::in_help(&[Key::Lock], "Ctrl-L", "tui.do_lock", Global::Lock),
    Binding::in_help(&[Key::Interrupt], "Ctrl-C", "tui.do_quit", Global::Quit),
];

/// While the help is open, any of these closes it.
pub const HELP_KEYS: &[Binding<()>] =
    &[Binding::shown(&[Key::Esc, Key::Char('?'), Key::Char('q'), Key::Enter], "Esc", "tui.do_close_help", ())];

/// A draft offered back at login: go on with it, or throw it away.
pub const OFFER_KEYS: &[Binding<bool>] = &[
    Binding::shown(&[Key::Enter, Key::Char('y'), Key::Char('Y')], "Enter", "tui.do_take_draft", true),
    Binding::shown(
        &[Key::Char('d'), Key::Char('D'), Key::Char('n'), Key::Char('N'), Key::Esc],
        "d",
        "tui.do_discard_draft",
        false,
    ),
];

/// A one-line question typed in (a day, a text, a period): Enter takes
/// it, Esc leaves it, the field answers the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typed {
    Apply,
    Type,
    Cancel,
}

pub const TYPED: &[Binding<Typed>] = &[
    Binding::shown(&[Key::Enter], "Enter", "tui.do_apply", Typed::Apply),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Typed::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_cancel", Typed::Cancel),
];

/// Asked whether to throw away what was typed: y throws it away (true),
/// n or Esc goes on typing.
pub const DISCARD: &[Binding<bool>] = &[
    Binding::shown(&[Key::Char('y'), Key::Char('Y')], "y", "tui.do_discard", true),
    Binding::shown(&[Key::Char('n'), Key::Char('N'), Key::Esc], "n", "tui.do_keep_editing", false),
];

/// The keys that move in a list: the arrows, j and k, pages, first and last.
pub const LIST_KEYS: &[Key] =
    &[Key::Up, Key::Down, Key::Char('j'), Key::Char('k'), Key::PageUp, Key::PageDown, Key::Home, Key::End];

/// A text field's editing keys, as a shell line has them; listed in the
/// help, handled by the field itself.
pub const EDIT_KEYS: &[Key] = &[Key::ClearToStart, Key::DeleteWord, Key::Backspace, Key::Delete, Key::Left, Key::Right];

/// The moves of a list beside a text field, where letters type.
pub const TYPING_LIST_KEYS: &[Key] = &[Key::Up, Key::Down, Key::PageUp, Key::PageDown, Key::Home, Key::End];

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Do {
        Open,
        Quit,
    }

    const TABLE: &[Binding<Do>] = &[
        Binding::shown(&[Key::Enter], "Enter", "tui.do_open", Do::Open),
        Binding::in_help(&[Key::Char('q'), Key::Char('Q')], "q", "tui.do_quit", Do::Quit),
    ];

    #[test]
    fn a_key_finds_its_action_and_the_footer_shows_only_what_is_marked() {
        assert_eq!(find(TABLE, Key::Char('Q')), Some(Do::Quit));
        assert_eq!(find(TABLE, Key::Char('z')), None);
        let hints = hints(TABLE);
        assert_eq!(footer(Lang::En, &hints), vec![("Enter", "open")]);
        assert_eq!(help_lines(Lang::En, &hints), vec!["Enter  open".to_string(), "q      quit".to_string()]);
    }
}
