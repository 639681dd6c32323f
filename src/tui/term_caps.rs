//! What the terminal named by `TERM` can do, as far as binalog asks:
//! colour, an alternate screen, and the DEC line-drawing set. A small table of the terminals officers
//! meet (a PuTTY or xterm over SSH, the Linux console, screen and tmux, an
//! old VT100 or a dumb serial line) rather than a terminfo crate: the
//! answer must not depend on which terminfo files a server happens to have
//! installed, and none of the crates reading them is well kept.

/// The capabilities binalog uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// The 16 named colours (setaf/setab).
    pub colour: bool,
    /// A screen to draw on that is put back on exit (smcup/rmcup).
    pub alternate_screen: bool,
    /// The DEC special graphics set for boxes (acsc with ESC ( 0): only
    /// the DEC terminals themselves. Tried in tmux at 80x24, a UTF-8
    /// terminal that claims it showed `lqqk` for the boxes and `~` for the
    /// middle dot: garbled boxes cost an officer more than the bytes they
    /// save, so xterm, screen, tmux and PuTTY get UTF-8 boxes.
    pub line_drawing: bool,
}

/// The capabilities of `TERM`. An unknown name keeps both: the terminals
/// in use today have them, and an officer can still set NO_COLOR.
pub fn caps(term: Option<&str>) -> Caps {
    let none = Caps { colour: false, alternate_screen: false, line_drawing: false };
    let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) else {
        // No TERM at all: nothing can be assumed.
        return none;
    };
    let term = term.to_ascii_lowercase();
    let family = term.split('-').next().unwrap_or_default();
    // "-m" and "-mono" variants are the monochrome entries of a family.
    let mono = term.ends_with("-m") || term.ends_with("-mono");
    match family {
        "dumb" | "unknown" | "vt52" => none,
        // DEC terminals: no colour, no alternate screen (their terminfo
        // has neither setaf nor smcup), but the line-drawing set is theirs.
        "vt100" | "vt102" | "vt220" | "vt320" | "vt420" | "vt510" => Caps { line_drawing: true, ..none },
        // The Linux console has colour but no smcup: what was drawn stays.
        "linux" => Caps { colour: !mono, ..none },
        _ => Caps { colour: !mono, alternate_screen: true, line_drawing: false },
    }
}

/// The capabilities of this process's terminal.
pub fn from_env() -> Caps {
    caps(std::env::var("TERM").ok().as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_alternate_screen_and_line_drawing_follow_term() {
        let both = Caps { colour: true, alternate_screen: true, line_drawing: false };
        let neither = Caps { colour: false, alternate_screen: false, line_drawing: false };
        for term in
            ["xterm", "xterm-256color", "screen", "screen.xterm-256color", "tmux-256color", "putty", "rxvt-unicode"]
        {
            assert_eq!(caps(Some(term)), both, "{term}");
        }
        for term in ["dumb", "", "unknown"] {
            assert_eq!(caps(Some(term)), neither, "{term:?}");
        }
        assert_eq!(caps(None), neither);
        assert_eq!(caps(Some("vt220")), Caps { line_drawing: true, ..neither });
        assert_eq!(caps(Some("linux")), Caps { colour: true, ..neither });
        assert_eq!(caps(Some("xterm-mono")), Caps { colour: false, ..both });
        assert_eq!(caps(Some("some-new-terminal")), both, "colour and a screen, UTF-8 boxes");
    }
}
