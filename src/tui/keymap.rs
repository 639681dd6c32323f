//! Keys as the interface understands them. Only keys every SSH client and
//! terminal sends alike: no function keys, no mouse; Ctrl-C (quit),
//! Ctrl-L (lock) and a shell line's editing keys (Ctrl-U, Ctrl-W, Ctrl-A,
//! Ctrl-E) are the only control combinations.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Ctrl-C: leave at once, as every terminal program does.
    Interrupt,
    /// Ctrl-L: lock the terminal now, from any screen, even while typing.
    Lock,
    /// Ctrl-U in a text field: delete everything before the cursor.
    ClearToStart,
    /// Ctrl-W in a text field: delete the word before the cursor.
    DeleteWord,
}

/// The keys a key press stands for. Releases and control combinations
/// other than Ctrl-C give none. Alt+key gives Esc then the key: a terminal
/// sends Esc as the byte that also starts an Alt sequence, so an officer
/// typing Esc and then a letter quickly, or a slow link delivering both in
/// one packet, arrives as Alt+letter.
pub fn from_event(event: KeyEvent) -> Vec<Key> {
    if event.kind == KeyEventKind::Release || event.modifiers.contains(KeyModifiers::CONTROL) {
        return match event.code {
            _ if event.kind == KeyEventKind::Release => vec![],
            KeyCode::Char('c') => vec![Key::Interrupt],
            KeyCode::Char('l') => vec![Key::Lock],
            // The editing keys of a shell line.
            KeyCode::Char('u') => vec![Key::ClearToStart],
            KeyCode::Char('w') => vec![Key::DeleteWord],
            KeyCode::Char('a') => vec![Key::Home],
            KeyCode::Char('e') => vec![Key::End],
            _ => vec![],
        };
    }
    let Some(key) = key_of(event) else {
        return vec![];
    };
    if event.modifiers.contains(KeyModifiers::ALT) { vec![Key::Esc, key] } else { vec![key] }
}

fn key_of(event: KeyEvent) -> Option<Key> {
    Some(match event.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => Key::BackTab,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => return None,
    })
}

/// A move in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
}

/// List moves on a screen without a text field: j and k move too.
pub fn list_nav(key: Key) -> Option<Nav> {
    match key {
        Key::Char('k') => Some(Nav::Up),
        Key::Char('j') => Some(Nav::Down),
        other => typing_nav(other),
    }
}

/// List moves beside a text field, where every letter must type.
pub fn typing_nav(key: Key) -> Option<Nav> {
    match key {
        Key::Up => Some(Nav::Up),
        Key::Down => Some(Nav::Down),
        Key::PageUp => Some(Nav::PageUp),
        Key::PageDown => Some(Nav::PageDown),
        Key::Home => Some(Nav::First),
        Key::End => Some(Nav::Last),
        _ => None,
    }
}

/// Rows a page key moves. Screens draw more or fewer rows; a fixed step
/// keeps the update logic free of layout.
pub const PAGE: usize = 10;

/// The selection after a move in a list of `len` rows.
pub fn apply(nav: Nav, selected: usize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let last = len - 1;
    match nav {
        Nav::Up => selected.saturating_sub(1),
        Nav::Down => (selected + 1).min(last),
        Nav::PageUp => selected.saturating_sub(PAGE),
        Nav::PageDown => (selected + PAGE).min(last),
        Nav::First => 0,
        Nav::Last => last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_inside_the_list() {
        assert_eq!(apply(Nav::Up, 0, 5), 0);
        assert_eq!(apply(Nav::Down, 4, 5), 4);
        assert_eq!(apply(Nav::PageDown, 1, 5), 4);
        assert_eq!(apply(Nav::PageUp, 12, 50), 2);
        assert_eq!(apply(Nav::Last, 0, 50), 49);
        assert_eq!(apply(Nav::Down, 0, 0), 0);
    }

    #[test]
    fn letters_type_beside_a_text_field() {
        assert_eq!(list_nav(Key::Char('j')), Some(Nav::Down));
        assert_eq!(typing_nav(Key::Char('j')), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(from_event(ctrl_c), vec![Key::Interrupt]);
        let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(from_event(shift_tab), vec![Key::BackTab]);
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(from_event(ctrl_s), vec![]);
        let ctrl_l = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL);
        assert_eq!(from_event(ctrl_l), vec![Key::Lock]);
        let ctrl = |c| from_event(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        assert_eq!([ctrl('u'), ctrl('w')], [vec![Key::ClearToStart], vec![Key::DeleteWord]]);
        assert_eq!([ctrl('a'), ctrl('e')], [vec![Key::Home], vec![Key::End]]);
    }

    #[test]
    fn esc_then_a_letter_in_one_read_is_both_keys() {
        let alt_p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::ALT);
        assert_eq!(from_event(alt_p), vec![Key::Esc, Key::Char('p')]);
    }
}
