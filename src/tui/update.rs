//! `update(model, msg)`: the only place the model changes. No I/O: what
//! must reach the records API is returned as `Cmd`s, and their answers come
//! back as `Msg`s, so all of this is tested without a terminal or database.

use super::app::{App, Cmd, Msg, Screen, Tone};
use super::keymap::Key;
use super::screens::{Action, entry_form, entry_view, home, login, program, programs};
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::i18n::{fill, kind_name};
use crate::records::Error;

pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Key(key) => on_key(app, key),
        // The frame is redrawn after every message; the size decides what it shows.
        Msg::Resize(width, height) => {
            app.size = (width, height);
            vec![]
        }
        Msg::AdminCreated(Ok(nip)) => {
            app.screen = Screen::Login(login::State::for_nip(&nip));
            app.notify(Tone::Ok, crate::i18n::text(app.lang, "tui.admin_created").to_string());
            vec![]
        }
        Msg::LoggedIn(Ok(actor)) => {
            app.actor = Some(actor);
            vec![Cmd::LoadHome]
        }
        Msg::HomeLoaded(Ok(data)) => {
            if let Screen::Home(state) = &mut app.screen {
                state.refresh(data);
            } else {
                // Home is the bottom of the stack: nothing lies behind it.
                app.back.clear();
                app.screen = Screen::Home(home::State::new(data));
            }
            vec![]
        }
        Msg::ProgramsLoaded(Ok(rows)) => {
            if let Screen::Programs(state) = &mut app.screen {
                state.refresh(rows);
            } else {
                app.push(Screen::Programs(programs::State::new(rows)));
            }
            vec![]
        }
        Msg::ProgramLoaded(Ok(data), form) => {
            match &mut app.screen {
                Screen::Program(state) if state.id() == data.info.program.id => {
                    state.data = data;
                    state.selected = 0;
                }
                _ => app.push(Screen::Program(Box::new(program::State::new(data)))),
            }
            if form {
                open_form(app);
            }
            vec![]
        }
        Msg::OlderLoaded(id, Ok(page)) => {
            if let Screen::Program(state) = &mut app.screen
                && state.id() == id
            {
                state.append(page);
            }
            vec![]
        }
        Msg::Saved(Ok(entry)) => {
            let draft = &entry.draft;
            let what = format!(
                "{} {}",
                kind_name(app.lang, draft.kind),
                crate::tui::view::quantities(app.lang, &draft.quantities)
            );
            let args = [("what", Arg::Text(what)), ("date", Arg::Text(format_date(draft.date)))];
            let saved = fill(app.lang, "tui.saved", &args);
            let program = draft.program;
            let mut cmds = go_back(app);
            app.notify(Tone::Ok, saved);
            cmds.push(Cmd::LoadProgram { id: program, form: false });
            cmds
        }
        Msg::Saved(Err(Error::Invalid(problems))) => {
            let lang = app.lang;
            if let Screen::EntryForm(form) = &mut app.screen {
                form.refused(&problems, lang);
            }
            vec![]
        }
        Msg::EntryLoaded(Ok(data)) => {
            app.push(Screen::EntryView(Box::new(entry_view::State::new(data))));
            vec![]
        }
        Msg::AdminCreated(Err(e))
        | Msg::LoggedIn(Err(e))
        | Msg::HomeLoaded(Err(e))
        | Msg::ProgramsLoaded(Err(e))
        | Msg::ProgramLoaded(Err(e), _)
        | Msg::OlderLoaded(_, Err(e))
        | Msg::Saved(Err(e))
        | Msg::EntryLoaded(Err(e)) => {
            app.fail(&e);
            vec![]
        }
    }
}

fn on_key(app: &mut App, key: Key) -> Vec<Cmd> {
    // A message stays until the officer does something else.
    app.notice = None;
    if key == Key::Interrupt {
        app.quit = true;
        return vec![];
    }
    if app.too_small() {
        // The officer cannot see the screen: a key would act blindly.
        return vec![];
    }
    if app.help {
        if matches!(key, Key::Esc | Key::Char('?' | 'q') | Key::Enter) {
            app.help = false;
        }
        return vec![];
    }
    let confirming = matches!(&app.screen, Screen::EntryForm(f) if f.confirm_discard);
    if key == Key::Char('?') && !confirming {
        app.help = true;
        return vec![];
    }
    let lang = app.lang;
    let action = match &mut app.screen {
        Screen::Setup(s) => s.key(key, lang),
        Screen::Login(s) => s.key(key),
        Screen::Home(s) => s.key(key),
        Screen::Programs(s) => s.key(key),
        Screen::Program(s) => s.key(key),
        Screen::EntryForm(s) => s.key(key, lang),
        Screen::EntryView(s) => s.key(key),
    };
    match action {
        Action::None => vec![],
        Action::Quit => {
            app.quit = true;
            vec![]
        }
        Action::Run(cmd) => vec![cmd],
        Action::Back => go_back(app),
        Action::OpenForm => {
            open_form(app);
            vec![]
        }
        Action::Save(draft) => match &app.actor {
            Some(actor) => vec![Cmd::Save { actor: actor.clone(), draft }],
            None => vec![],
        },
        Action::Logout => {
            app.actor = None;
            app.back.clear();
            app.screen = Screen::Login(login::State::new());
            vec![]
        }
    }
}

/// Returns to the previous screen, refreshing lists that may have changed.
fn go_back(app: &mut App) -> Vec<Cmd> {
    let Some(previous) = app.back.pop() else {
        return vec![];
    };
    app.screen = previous;
    match &app.screen {
        Screen::Home(_) => vec![Cmd::LoadHome],
        Screen::Programs(_) => vec![Cmd::LoadPrograms],
        _ => vec![],
    }
}

fn open_form(app: &mut App) {
    if let Screen::Program(state) = &app.screen {
        let data = &state.data;
        let form = entry_form::State::new(data.info.program.clone(), data.items.clone(), app.today);
        app.push(Screen::EntryForm(Box::new(form)));
    }
}
