//! `update(model, msg)`: the only place the model changes. No I/O: what
//! must reach the records API is returned as `Cmd`s, and their answers come
//! back as `Msg`s, so all of this is tested without a terminal or database.
//! Time comes in messages too (`Msg::IdleAt`), so the idle lock is tested
//! without waiting.

use super::app::{App, Parked, Tone};
use super::bindings::{GLOBAL_KEYS, Global, HELP_KEYS, OFFER_KEYS, find};
use super::drafts;
use super::keymap::Key;
use super::msg::{Cmd, Msg, Op};
use super::screens::{Action, Applied, Context, Load, Loaded, Screen, entry_form, home, lock, login, program};
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::domain::officer::Role;
use crate::i18n::{fill, kind_name, text};
use crate::records::{Error, Update};

pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    let key = matches!(msg, Msg::Key(_));
    let before = drafts::before(app);
    let mut cmds = handle(app, msg);
    // The form being typed goes to the server when due (tui/drafts.rs).
    cmds.extend(drafts::after(app, before, key));
    cmds
}

fn handle(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Key(key) => on_key(app, key),
        // The frame is redrawn after every message; the size decides what it shows.
        Msg::Resize(width, height) => {
            app.size = (width, height);
            vec![]
        }
        Msg::IdleAt(now) => {
            if app.lock_due(now) {
                lock(app);
            }
            vec![]
        }
        Msg::AdminCreated(Ok(nip)) => {
            app.screen = Screen::Login(login::State::for_nip(&nip));
            app.notify(Tone::Ok, text(app.lang, "tui.admin_created").to_string());
            vec![]
        }
        Msg::LoggedIn(Ok(actor)) => logged_in(app, actor),
        Msg::Loaded(loaded) => loaded_msg(app, loaded),
        Msg::Saved(Ok(entry)) => {
            let draft = &entry.draft;
            let what = format!(
                "{} {}",
                kind_name(app.lang, draft.kind),
                crate::tui::ui::quantities(app.lang, &draft.quantities)
            );
            let args = [("what", Arg::Text(what)), ("date", Arg::Text(format_date(draft.date)))];
            let saved = fill(app.lang, "tui.saved", &args);
            let program = draft.program;
            let mut cmds = go_back(app);
            match &mut app.screen {
                // The reload go_back asked for brings the new entry: it is selected.
                Screen::Program(state) if state.id() == program => state.select_on_reload = Some(entry.id),
                _ => cmds.extend(load(app, program::open(program, false))),
            }
            app.notify(Tone::Ok, saved);
            cmds
        }
        Msg::Saved(Err(Error::Invalid(problems))) | Msg::Corrected(Err(Error::Invalid(problems))) => {
            let lang = app.lang;
            if let Screen::EntryForm(form) = &mut app.screen {
                form.refused(&problems, lang);
            }
            vec![]
        }
        Msg::Corrected(Ok(entry)) => {
            // Back on the entry, which go_back reloads with the new revision.
            let cmds = go_back(app);
            let said = fill(app.lang, "tui.corrected", &[("revision", Arg::Number(i64::from(entry.revision)))]);
            app.notify(Tone::Ok, said);
            cmds
        }
        Msg::Corrected(Err(Error::ChangedByAnother { current })) => {
            // The form was based on an older revision. What was typed stays:
            // the form says who changed what, and saving again replaces it.
            let by = &current.recorded_by;
            let name = app.back.iter().rev().find_map(|s| match s {
                Screen::EntryView(v) if v.data.entry.id == current.id => v.data.names.get(by).cloned(),
                _ => None,
            });
            let who = name.map_or_else(|| by.to_string(), |n| format!("{n} ({by})"));
            let what = format!(
                "{} {}",
                kind_name(app.lang, current.draft.kind),
                crate::tui::ui::quantities(app.lang, &current.draft.quantities)
            );
            let args = [
                ("id", Arg::Number(current.id as i64)),
                ("revision", Arg::Number(i64::from(current.revision))),
                ("who", Arg::Text(who)),
                ("what", Arg::Text(what)),
                ("date", Arg::Date(current.draft.date)),
            ];
            let said = fill(app.lang, "tui.correct_stale", &args);
            match &mut app.screen {
                Screen::EntryForm(form) => form.rebase(current.revision, said),
                _ => app.notify(Tone::Error, said),
            }
            vec![]
        }
        Msg::Voided(Ok(entry)) => {
            let said = fill(app.lang, "tui.voided_done", &[("revision", Arg::Number(i64::from(entry.revision)))]);
            app.notify(Tone::Ok, said);
            load(app, Load::EntryView(entry.id))
        }
        Msg::Voided(Err(Error::ChangedByAnother { current })) => {
            let id = current.id;
            app.fail(&Error::ChangedByAnother { current });
            load(app, Load::EntryView(id))
        }
        Msg::Voided(Err(e)) => {
            let message = crate::i18n::error(app.lang, &e);
            match &mut app.screen {
                Screen::EntryView(view) if view.void.is_some() => view.void_refused(message),
                _ => app.fail(&e),
            }
            vec![]
        }
        Msg::Verified(Ok(entry)) => {
            // Named as the officer sees it on the queue or the entry: number,
            // programme and date, not only the revision.
            let program = match &app.screen {
                Screen::Queue(q) => q.data.rows.iter().find(|r| r.entry.id == entry.id).map(|r| r.program.clone()),
                Screen::EntryView(v) => Some(v.data.program.name.clone()),
                _ => None,
            };
            let args = [
                ("revision", Arg::Number(i64::from(entry.revision))),
                ("id", Arg::Number(entry.id as i64)),
                ("program", Arg::Text(program.unwrap_or_else(|| entry.draft.program.to_string()))),
                ("date", Arg::Date(entry.draft.date)),
            ];
            let said = fill(app.lang, "tui.verified_done", &args);
            app.notify(Tone::Ok, said);
            refresh(app)
        }
        Msg::Verified(Err(e)) => {
            let stale = matches!(e, Error::ChangedByAnother { .. });
            app.fail(&e);
            if stale { refresh(app) } else { vec![] }
        }
        Msg::Exported(Ok((path, rows))) => {
            let args = [("path", Arg::Text(path.display().to_string())), ("count", Arg::Number(rows as i64))];
            app.notify(Tone::Ok, fill(app.lang, "tui.exported", &args));
            vec![]
        }
        Msg::RangeVerified(Ok(count)) => {
            let said = fill(app.lang, "tui.queue_verified_range", &[("count", Arg::Number(count as i64))]);
            app.notify(Tone::Ok, said);
            refresh(app)
        }
        Msg::AdminSaved(Ok(())) => {
            let cmds = if matches!(app.screen, Screen::AdminForm(_)) { go_back(app) } else { refresh(app) };
            app.notify(Tone::Ok, text(app.lang, "tui.admin_saved").to_string());
            cmds
        }
        Msg::AdminSaved(Err(e)) => {
            let lang = app.lang;
            match &mut app.screen {
                Screen::AdminForm(form) => form.refused(&e, lang),
                _ => app.fail(&e),
            }
            vec![]
        }
        Msg::Changed(update) => changed(app, &update),
        // A reload's answer, for the screen that asked only.
        Msg::Refreshed { asked, answer } => {
            if reloads(app).contains(&asked) {
                handle(app, *answer)
            } else {
                vec![]
            }
        }
        Msg::DraftKept(Ok(())) | Msg::DraftLoaded(Ok(None)) => vec![],
        Msg::DraftKept(Err(_)) => {
            drafts::failed(app);
            vec![]
        }
        Msg::DraftLoaded(Ok(Some(kept))) => {
            drafts::offer(app, *kept);
            vec![]
        }
        // What is left are refusals and failures (successes are above).
        other => {
            if let Some(e) = other.error() {
                app.fail(e);
            }
            vec![]
        }
    }
}

/// Another officer's change: re-read the screen if it shows what changed.
/// A form keeps what is typed; the lock screen shows nothing to refresh.
fn changed(app: &mut App, update: &Update) -> Vec<Cmd> {
    if *update == Update::Disconnected {
        app.notify(Tone::Error, text(app.lang, "tui.server_lost").to_string());
        return vec![];
    }
    if app.actor.is_none() {
        return vec![];
    }
    let shows = app.screen.page().shows(update);
    if shows { refresh(app) } else { vec![] }
}

/// Ctrl-C quits at once, unless typed work would go with it: then it
/// warns first, as q and Esc do, and a second Ctrl-C quits.
fn interrupt(app: &mut App) {
    let warned = std::mem::take(&mut app.quit_warned);
    let others = app.parked.iter().filter(|p| p.unsaved()).count();
    let here = app.screen.unsaved() || app.back.iter().any(Screen::unsaved) || app.offer.is_some();
    if warned || (others == 0 && !here) {
        app.quit = true;
        return;
    }
    app.quit_warned = true;
    let said = if here {
        text(app.lang, "tui.quit_unsaved").to_string()
    } else {
        fill(app.lang, "tui.quit_loses_drafts", &[("count", Arg::Number(others as i64))])
    };
    app.notify(Tone::Error, said);
}

fn on_key(app: &mut App, key: Key) -> Vec<Cmd> {
    // A message stays until the officer does something else.
    app.notice = None;
    let global = find(GLOBAL_KEYS, key);
    if global == Some(Global::Quit) {
        interrupt(app);
        return vec![];
    }
    if app.too_small() {
        // The officer cannot see the screen: a key would act blindly.
        return vec![];
    }
    if global == Some(Global::Lock) {
        lock(app);
        return vec![];
    }
    if app.help {
        if find(HELP_KEYS, key).is_some() {
            app.help = false;
        }
        return vec![];
    }
    if app.offer.is_some() {
        return offer_key(app, key);
    }
    if global == Some(Global::Help) && !app.screen.page().asking() {
        app.help = true;
        return vec![];
    }
    let lang = app.lang;
    // The warning about parked drafts lasts for the next key only.
    let warned = std::mem::take(&mut app.quit_warned);
    let action = app.screen.page_mut().key(key, lang);
    perform(app, action, warned)
}

/// What a screen's key, or an answer a screen took, asks for.
fn perform(app: &mut App, action: Action, warned: bool) -> Vec<Cmd> {
    match action {
        Action::None => vec![],
        Action::Quit if !app.parked.is_empty() && !warned => {
            // Their drafts went to the server when the terminal locked;
            // the officers' other screens end with this process.
            app.quit_warned = true;
            let args = [("count", Arg::Number(app.parked.len() as i64))];
            app.notify(Tone::Error, fill(app.lang, "tui.quit_loses_drafts", &args));
            vec![]
        }
        Action::Quit => {
            app.quit = true;
            vec![]
        }
        Action::Login { nip, pin } => vec![Cmd::Login { nip, pin }],
        Action::CreateAdmin { nip, name, pin } => vec![Cmd::CreateAdmin { nip, name, pin }],
        Action::Load(what) => load(app, what),
        Action::Back => go_back(app),
        Action::OpenForm => {
            open_form(app);
            vec![]
        }
        Action::Save(draft) => save(app, draft),
        Action::Switch => {
            switch(app);
            vec![]
        }
        Action::Do(op) => act(app, op),
        Action::Correct => {
            open_correction(app);
            vec![]
        }
        Action::Push(screen) => {
            app.push(*screen);
            vec![]
        }
        Action::Report(program) => {
            use crate::domain::report::{Grouping, Period, ReportSpec};
            let period = Period::last_complete_month(app.today);
            let by = if program.is_some() { Grouping::Program } else { Grouping::Site };
            load(app, Load::Report(ReportSpec { period, by, site: None, program }))
        }
    }
}

/// A screen's records, read as the logged-in officer.
fn load(app: &App, what: Load) -> Vec<Cmd> {
    app.actor.iter().map(|actor| Cmd::Load { actor: actor.clone(), load: what.clone() }).collect()
}

/// A screen's records came: the screen on top takes them if it asked,
/// else they open a new screen (home: with nothing behind it).
fn loaded_msg(app: &mut App, loaded: Loaded) -> Vec<Cmd> {
    let context = Context { lang: app.lang, today: app.today, officer: app.actor.as_ref().map(|a| a.officer()) };
    match loaded.apply(&mut app.screen, &context) {
        Applied::Taken(then) => perform(app, then, false),
        Applied::Opened { screen, root, then } => {
            if root {
                app.back.clear();
                app.screen = *screen;
            } else {
                app.push(*screen);
            }
            perform(app, then, false)
        }
        Applied::Dropped => vec![],
        Applied::Failed(e) => {
            app.fail(&e);
            vec![]
        }
    }
}

/// The home screen's data, as the logged-in officer sees it.
fn load_home(app: &App) -> Vec<Cmd> {
    let role = app.actor.as_ref().map_or(Role::Operator, |a| a.officer().role);
    load(app, home::load(role))
}

fn act(app: &App, op: Op) -> Vec<Cmd> {
    app.actor
        .iter()
        .map(|actor| {
            // A file goes to the officer's own folder of the export folder.
            let mut op = op.clone();
            if let Op::ExportRegister { folder, .. } | Op::ExportReport { folder, .. } = &mut op {
                *folder = app.exports.join(actor.nip().as_str());
            }
            Cmd::Act { actor: actor.clone(), op }
        })
        .collect()
}

fn save(app: &App, draft: crate::domain::entry::EntryDraft) -> Vec<Cmd> {
    match &app.screen {
        Screen::EntryForm(form) => match &form.correcting {
            Some(c) => {
                let reason = form.reason.text().to_string();
                act(app, Op::Correct { id: c.id, base: c.base, draft, reason })
            }
            None => app.actor.iter().map(|actor| Cmd::Save { actor: actor.clone(), draft: draft.clone() }).collect(),
        },
        _ => vec![],
    }
}

/// Returns to the previous screen, reloading what may have changed.
fn go_back(app: &mut App) -> Vec<Cmd> {
    let Some(previous) = app.back.pop() else {
        return vec![];
    };
    app.screen = previous;
    refresh(app)
}

/// Reads the current screen's data again.
fn refresh(app: &App) -> Vec<Cmd> {
    reloads(app).into_iter().map(|cmd| Cmd::Refresh(Box::new(cmd))).collect()
}

/// What reading the current screen's data again asks of the records API.
fn reloads(app: &App) -> Vec<Cmd> {
    app.screen.page().reload().map_or_else(Vec::new, |what| load(app, what))
}

fn open_form(app: &mut App) {
    if let Screen::Program(state) = &app.screen {
        let data = &state.data;
        // Refused before anything is typed, naming the site: the records
        // API would refuse the save anyway.
        let add = crate::domain::permission::Action::AddEntry { site: data.info.program.site };
        if let Some(actor) = &app.actor
            && crate::domain::permission::check(actor.officer(), add).is_err()
        {
            let said = fill(app.lang, "tui.form_not_at_site", &[("site", Arg::Text(data.info.site.clone()))]);
            app.notify(Tone::Error, said);
            return;
        }
        let form = entry_form::State::new(data.info.program.clone(), data.items.clone(), app.today)
            .with_herd(data.herd.clone());
        app.push(Screen::EntryForm(Box::new(form)));
    }
}

/// From an entry: the form correcting its current revision.
fn open_correction(app: &mut App) {
    let (Screen::EntryView(view), Some(actor)) = (&app.screen, &app.actor) else { return };
    let form = entry_form::State::correction(&view.data, actor.officer(), app.today, app.lang);
    app.push(Screen::EntryForm(Box::new(form)));
}

/// Locks the terminal: the officer's screens are put aside, untouched, and
/// only who it is locked for shows.
fn lock(app: &mut App) {
    let Some(actor) = app.actor.take() else { return };
    // A draft still being offered is the officer's work: it is what they
    // return to.
    if let Some(offer) = app.offer.take() {
        app.screen = offer.screen;
        app.back = offer.back;
    }
    let (nip, name) = (actor.nip().clone(), actor.officer().name.clone());
    let locked = Screen::Lock(lock::State::new(nip.as_str(), &name));
    let screen = std::mem::replace(&mut app.screen, locked);
    let back = std::mem::take(&mut app.back);
    app.help = false;
    // A message may name what was saved: record data, which the lock hides.
    app.notice = None;
    app.parked.retain(|p| p.nip != nip);
    app.parked.push(Parked { nip, name, screen, back, draft: false });
}

/// Another officer takes the terminal; this one's screens wait for them.
fn switch(app: &mut App) {
    lock(app);
    app.screen = Screen::Login(login::State::new());
}

fn logged_in(app: &mut App, actor: crate::records::Actor) -> Vec<Cmd> {
    let nip = actor.nip().clone();
    app.actor = Some(actor);
    drafts::logged_in(app);
    // Anyone else's screens: only unsaved work is kept, as a draft for
    // when they log in again.
    app.parked.retain_mut(|p| {
        if p.nip == nip {
            return true;
        }
        p.draft = true;
        p.unsaved()
    });
    if let Some(at) = app.parked.iter().position(|p| p.nip == nip) {
        let parked = app.parked.remove(at);
        if !parked.draft {
            // Nobody else came in between: back exactly where they were,
            // with what others saved meanwhile (the lock ignored their
            // updates).
            app.screen = parked.screen;
            app.back = parked.back;
            return refresh(app);
        }
        app.offer = Some(parked);
        return load_home(app);
    }
    // Nothing of theirs in this process: the server may have kept a draft
    // (a dropped link, a closed terminal), offered once home is shown.
    let mut cmds = load_home(app);
    cmds.extend(act(app, Op::LoadDraft));
    cmds
}

/// Enter takes the offered draft up again; d or Esc throws it away, on
/// the server too.
fn offer_key(app: &mut App, key: Key) -> Vec<Cmd> {
    match find(OFFER_KEYS, key) {
        Some(true) => {
            if let Some(parked) = app.offer.take() {
                app.screen = parked.screen;
                app.back = parked.back;
            }
            vec![]
        }
        Some(false) => {
            app.offer = None;
            app.notify(Tone::Ok, text(app.lang, "tui.offer_discarded").to_string());
            drafts::declined(app)
        }
        _ => vec![],
    }
}
