//! Waits for an event, handles it and every event already queued behind
//! it, then draws once. Nothing is drawn on a timer: an idle screen sends
//! no bytes, and a burst of keys over a slow link costs one frame. Events
//! are keys and resizes from the terminal, and other officers' saves
//! pushed by the server (live refresh); both arrive on one channel. The
//! one deadline is the idle lock: while an officer is logged in, the wait
//! ends at the moment the lock is due, which locks and draws once.
//!
//! Records calls run on a worker thread, one at a time and in order, and
//! their answers come back on the same channel: a server that stops
//! answering never freezes the screen (`Calls`). The loop may start before
//! the records are open (`Opening::Pending`): the first frame is drawn and
//! keys handled at once, and the worker takes its first call once the
//! open has answered.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};
use ratatui::Terminal;
use ratatui::backend::Backend;

use super::app::{App, Tone};
use super::msg::{Cmd, Msg};
use super::screens::Screen;
use super::terminal::{self, Term};
use super::theme::Theme;
use super::{effects, keymap, update, view};
use crate::records::{Error, Records, Update};

/// Something for the interface to handle.
enum Input {
    Terminal(Event),
    Records(Update),
    /// The answer to a call the worker ran; `change` when the call was one.
    Answer {
        msg: Box<Msg>,
        change: bool,
    },
    /// Reading the terminal failed: it is gone.
    Failed(std::io::Error),
    /// The records opened in the background are open (today's date, and
    /// the first screen when it is not the login drawn meanwhile), or
    /// could not be opened.
    Opened(Box<Result<(chrono::NaiveDate, Option<Screen>), Error>>),
}

/// The records the loop works on: open already, or being opened on
/// another thread, whose answer comes on the channel.
pub enum Opening {
    Open(Arc<Records>),
    Pending(Receiver<Result<Opened, Error>>),
}

/// Records just opened, and the first screen when it is not the login.
pub struct Opened {
    pub records: Arc<Records>,
    pub screen: Option<Screen>,
}

/// Starts the thread that reads the terminal: from the first frame on, so
/// that no key waits for the records.
fn keys(keys: Sender<Input>) -> std::io::Result<()> {
    std::thread::Builder::new().name("keys".into()).spawn(move || {
        loop {
            let input = match event::read() {
                Ok(e) => Input::Terminal(e),
                Err(e) => Input::Failed(e),
            };
            let failed = matches!(input, Input::Failed(_));
            if keys.send(input).is_err() || failed {
                return;
            }
        }
    })?;
    Ok(())
}

/// Starts the thread that passes on the records' change notices.
fn updates(records: &Records, send: Sender<Input>) -> std::io::Result<()> {
    let updates = records.subscribe();
    std::thread::Builder::new().name("updates".into()).spawn(move || {
        for update in updates {
            if send.send(Input::Records(update)).is_err() {
                return;
            }
        }
    })?;
    Ok(())
}

/// After this long without an answer, the screen says it is waiting.
const TELL_WAITING_AFTER: Duration = Duration::from_secs(1);

/// The records calls handed to the worker and not answered yet, and the
/// keys typed ahead of their answers.
struct Calls {
    worker: Sender<Cmd>,
    outstanding: usize,
    /// Of those, the ones that change something stored.
    changes: usize,
    /// When the oldest outstanding call was sent, until the screen has
    /// said it is waiting.
    untold_since: Option<Instant>,
    /// Keys that came while an answer was due and before the screen said
    /// it is waiting: typed ahead (a burst over SSH), they are meant for
    /// the screen the answer brings, so they wait for it, in order.
    held: VecDeque<keymap::Key>,
    /// Why the records could not be opened, which ends the loop.
    open_failed: Option<Error>,
}

impl Calls {
    fn new(worker: Sender<Cmd>) -> Calls {
        Calls { worker, outstanding: 0, changes: 0, untold_since: None, held: VecDeque::new(), open_failed: None }
    }

    /// Whether a key goes to the screen now: when no answer is due, or
    /// when the officer has been told that one is late and has typed
    /// nothing ahead (then the key answers what they see).
    fn live(&self) -> bool {
        self.outstanding == 0 || (self.untold_since.is_none() && self.held.is_empty())
    }

    fn send(&mut self, cmds: Vec<Cmd>) {
        for cmd in cmds {
            // A change sent while an earlier answer is already known to be
            // late is told about in its turn: the officer who pressed Save
            // hears that it waits.
            if self.outstanding == 0 || (!cmd.repeatable() && self.untold_since.is_none()) {
                self.untold_since = Some(Instant::now());
            }
            self.outstanding += 1;
            self.changes += usize::from(!cmd.repeatable());
            // The worker lives as long as this loop; were it gone, the
            // call would go unanswered, which is what the count says.
            let _ = self.worker.send(cmd);
        }
    }

    fn answered(&mut self, change: bool) {
        self.outstanding = self.outstanding.saturating_sub(1);
        if change {
            self.changes = self.changes.saturating_sub(1);
        }
        if self.outstanding == 0 {
            self.untold_since = None;
        }
    }
}

/// Runs calls in order as they come, answering each on `answers`. A change
/// in this process holds the busy lock, so that a signal never ends the
/// program between a save and its acknowledgement; over a server it does
/// not, so a server that stops answering cannot hold up the screen.
///
/// First it waits for the records (`Opening`), hands them to `on_open`,
/// tells the loop, and starts passing on their change notices; calls sent
/// meanwhile wait in the queue, in order.
fn work(
    opening: Opening,
    on_open: impl FnOnce(&Arc<Records>),
    calls: Receiver<Cmd>,
    answers: Sender<Input>,
    leaving: &AtomicBool,
) {
    let records = match opening {
        Opening::Open(records) => records,
        Opening::Pending(answer) => {
            let opened = answer.recv().unwrap_or_else(|_| {
                Err(Error::Io { detail: "the database was not opened (the opening thread ended)".into() })
            });
            match opened {
                Ok(Opened { records, screen }) => {
                    let today = records.today();
                    if answers.send(Input::Opened(Box::new(Ok((today, screen))))).is_err() {
                        return;
                    }
                    records
                }
                Err(e) => {
                    let _ = answers.send(Input::Opened(Box::new(Err(e))));
                    return;
                }
            }
        }
    };
    on_open(&records);
    if let Err(e) = updates(&records, answers.clone()) {
        let _ = answers.send(Input::Failed(e));
        return;
    }
    let records = &*records;
    let here = records.server().is_none();
    for cmd in calls {
        // Calls still queued when the officer quits are not made: none was
        // acknowledged, and a stopped server would hold up the exit.
        if leaving.load(Ordering::SeqCst) {
            return;
        }
        let change = !cmd.repeatable();
        let _busy = (here && change).then(terminal::busy);
        if answers.send(Input::Answer { msg: Box::new(run_reconnecting(records, cmd)), change }).is_err() {
            return;
        }
    }
}

/// Runs the interface on `term` until the officer quits, the terminal is
/// gone, or the records could not be opened (that error is returned).
/// `on_open` gets the records once they are open.
pub fn run(
    term: &mut Term,
    opening: Opening,
    app: &mut App,
    theme: Theme,
    on_open: impl FnOnce(&Arc<Records>) + Send,
) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io { detail: e.to_string() };
    let (send, inputs) = channel();
    keys(send.clone()).map_err(io)?;
    let (worker, work_queue) = channel();
    let leaving = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let leaving = &leaving;
        std::thread::Builder::new()
            .name("records".into())
            .spawn_scoped(scope, move || work(opening, on_open, work_queue, send, leaving))
            .map_err(io)?;
        let mut calls = Calls::new(worker);
        let ended = run_with(term, app, theme, &inputs, &mut calls);
        // Leaving the scope waits for a call under way (a stopped server's
        // answer is given up on within seconds, see records::remote), or
        // for an open under way.
        leaving.store(true, Ordering::SeqCst);
        match calls.open_failed.take() {
            Some(e) => Err(e),
            None => ended.map_err(io),
        }
    })
}

fn run_with<B: Backend<Error = std::io::Error>>(
    term: &mut Terminal<B>,
    app: &mut App,
    theme: Theme,
    inputs: &Receiver<Input>,
    calls: &mut Calls,
) -> std::io::Result<()> {
    term.draw(|frame| view::draw(app, theme, frame))?;
    loop {
        let Some(first) = next_input(app, calls, inputs) else {
            let _busy = terminal::busy();
            if calls.untold_since.is_some_and(|since| since.elapsed() >= TELL_WAITING_AFTER) {
                tell_late(app, calls);
            }
            calls.send(update::update(app, Msg::IdleAt(Instant::now())));
            term.draw(|frame| view::draw(app, theme, frame))?;
            continue;
        };
        let _busy = terminal::busy();
        let mut changed = handle(app, calls, first)?;
        while !app.quit
            && let Ok(next) = inputs.try_recv()
        {
            changed |= handle(app, calls, next)?;
        }
        if app.quit {
            return Ok(());
        }
        if changed {
            term.draw(|frame| view::draw(app, theme, frame))?;
        }
    }
}

/// Says that an answer is late. Keys typed while it was due go on now, as
/// keys after the word do: held any longer, every key behind them would
/// wait too, and the screen would seem frozen.
fn tell_late(app: &mut App, calls: &mut Calls) {
    calls.untold_since = None;
    app.notify(Tone::Ok, crate::i18n::text(app.lang, "tui.waiting").to_string());
    for key in std::mem::take(&mut calls.held) {
        key_at(app, calls, key);
    }
}

/// The next input, or `None` when the idle lock falls due, or it is time
/// to say that a call is still waiting, before one comes.
fn next_input(app: &App, calls: &Calls, inputs: &Receiver<Input>) -> Option<Input> {
    // Both feeding threads end only with the process or a failed terminal,
    // which they report; a closed channel is reported as that failure.
    let gone = || Input::Failed(std::io::Error::other("input closed"));
    let tell = calls.untold_since.map(|since| since + TELL_WAITING_AFTER);
    match [app.lock_deadline(), tell].into_iter().flatten().min() {
        None => Some(inputs.recv().unwrap_or_else(|_| gone())),
        Some(deadline) => match inputs.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(input) => Some(input),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some(gone()),
        },
    }
}

/// True when the input meant something to show (a key, a resize, a change,
/// an answer).
fn handle(app: &mut App, calls: &mut Calls, input: Input) -> std::io::Result<bool> {
    let event = match input {
        Input::Terminal(event) => event,
        Input::Records(update) => {
            calls.send(update::update(app, Msg::Changed(update)));
            return Ok(true);
        }
        Input::Answer { msg, change } => {
            calls.answered(change);
            calls.send(update::update(app, *msg));
            // Keys typed ahead go on once every answer is in, and stop
            // again at the next key that asks for one.
            while calls.outstanding == 0
                && !app.quit
                && let Some(key) = calls.held.pop_front()
            {
                key_at(app, calls, key);
            }
            // An answer that asked for more (a save, then the register's
            // fresh page) is drawn with their answers, in one frame: drawn
            // at once, the register came back as it was, scrolled where it
            // was, then jumped to the new entry (about 700 bytes a save,
            // issue 12). A late answer is still told after a second, and
            // the keys typed meanwhile wait for the answers anyway.
            return Ok(calls.outstanding == 0);
        }
        Input::Failed(e) => return Err(e),
        Input::Opened(opened) => {
            match *opened {
                Ok((today, screen)) => {
                    app.today = today;
                    // No officer yet: the login drawn meanwhile was not the
                    // first screen; the NIP typed into it goes to the setup.
                    if let Some(screen) = screen {
                        app.screen = match (screen, &app.screen) {
                            (Screen::Setup(setup), Screen::Login(login)) => Screen::Setup(setup.after_login(login)),
                            (screen, _) => screen,
                        };
                    }
                }
                Err(e) => {
                    calls.open_failed = Some(e);
                    app.quit = true;
                }
            }
            return Ok(true);
        }
    };
    Ok(match event {
        Event::Key(key) => {
            let keys = keymap::from_event(key);
            let meant = !keys.is_empty();
            for key in keys {
                if app.quit {
                    break;
                }
                key_at(app, calls, key);
            }
            meant
        }
        Event::Resize(width, height) => {
            calls.send(update::update(app, Msg::Resize(width, height)));
            true
        }
        _ => false,
    })
}

/// One key, with the idle lock's clock around it. A key typed ahead of an
/// answer waits for it (`Calls::held`). Once the screen has said that an
/// answer is late, keys work at once (help, Esc, moving about, typing),
/// except one that would start another change, or leave the screen while a
/// change waits for its answer: that one is undone, with a word that
/// binalog is waiting, so nothing is sent twice and the answer finds the
/// screen it belongs to.
fn key_at(app: &mut App, calls: &mut Calls, key: keymap::Key) {
    let now = Instant::now();
    if !calls.live() {
        calls.held.push_back(key);
        // The officer is at the keyboard: no idle lock meanwhile.
        app.touch(now);
        return;
    }
    // A key after the lock fell due (the process was stopped, or the key
    // raced the deadline) meets the lock, not the screen behind it.
    calls.send(update::update(app, Msg::IdleAt(now)));
    app.touch(now);
    let before = (calls.outstanding > 0).then(|| app.clone());
    let cmds = update::update(app, Msg::Key(key));
    if let Some(before) = before {
        // A change waits its turn behind reads and kept drafts; only
        // behind another change is it refused (it might be sent twice).
        let starts_change = calls.changes > 0 && cmds.iter().any(|cmd| !cmd.repeatable());
        let leaves = calls.changes > 0
            && (std::mem::discriminant(&before.screen) != std::mem::discriminant(&app.screen)
                || before.back.len() != app.back.len());
        if starts_change || leaves {
            *app = before;
            app.notify(Tone::Ok, crate::i18n::text(app.lang, "tui.waiting").to_string());
            return;
        }
    }
    calls.send(cmds);
}

/// Updates the model with `msg`, then runs each command it asks for and
/// feeds the answer back, until nothing is left to do: the same steps as
/// the loop, in one go (for tests of the interface without a terminal).
pub fn dispatch(records: &Records, app: &mut App, msg: Msg) {
    let mut queue: VecDeque<_> = update::update(app, msg).into();
    while let Some(cmd) = queue.pop_front() {
        let answer = run_reconnecting(records, cmd);
        queue.extend(update::update(app, answer));
    }
}

/// Runs a command; if the server has gone, connects again (the records
/// log the officer back in) and repeats it when it only reads. A change
/// is answered with the "server stopped" message instead and the screen
/// keeps what was typed: the officer checks, then saves again.
fn run_reconnecting(records: &Records, cmd: super::msg::Cmd) -> Msg {
    let answer = effects::run(records, cmd.clone());
    if !answer.error().is_some_and(Error::is_server_stopped) || records.reconnect().is_err() {
        return answer;
    }
    if cmd.repeatable() { effects::run(records, cmd) } else { answer }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{Receiver, channel};

    use super::super::keymap::Key;
    use super::super::msg::{Cmd, Msg};
    use super::super::screens::Screen;
    use super::super::screens::entry_form::FormField;
    use super::super::tests::Harness;
    use super::{Calls, Input, handle, key_at, run_with, tell_late};
    use crate::i18n::Lang;
    use crate::records::Error;

    /// A filled entry form with its save button focused, and the calls of
    /// the loop, none sent yet (the worker's end kept to see what is).
    fn form_to_save() -> (Harness, Calls, Receiver<Cmd>) {
        let mut h = Harness::logged_in(Lang::En);
        h.key(Key::Enter).key(Key::Char('t'));
        h.keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("Cabai");
        h.keys(&[Key::Tab, Key::Tab]).typed("6").focus_field(FormField::Save);
        let (worker, sent) = channel();
        (h, Calls::new(worker), sent)
    }

    fn not_answering() -> Input {
        let e = Error::from(crate::records::WireError::ServerNotAnswering {
            socket: "/srv/binalog.sock".into(),
            seconds: 8,
        });
        Input::Answer { msg: Box::new(Msg::Saved(Err(e))), change: true }
    }

    #[test]
    fn a_save_pressed_behind_a_late_read_is_told_about_in_its_turn() {
        let (mut h, mut calls, sent) = form_to_save();
        // A read already known to be late (told, so keys are live).
        let actor = h.app.actor.clone().expect("logged in");
        calls.send(vec![Cmd::Load { actor, load: crate::tui::screens::Load::Programs(()) }]);
        calls.untold_since = None;
        key_at(&mut h.app, &mut calls, Key::Enter);
        assert!(matches!(sent.try_recv(), Ok(Cmd::Load { .. })));
        assert!(matches!(sent.try_recv(), Ok(Cmd::Save { .. })), "the save waits its turn behind the read");
        assert!(calls.untold_since.is_some(), "the officer will be told the save waits");
    }

    #[test]
    fn keys_typed_ahead_of_an_answer_wait_for_it_in_order() {
        let (mut h, mut calls, sent) = form_to_save();
        key_at(&mut h.app, &mut calls, Key::Enter);
        assert!(matches!(sent.try_recv(), Ok(Cmd::Save { .. })));
        let form = h.app.screen.clone();
        key_at(&mut h.app, &mut calls, Key::Esc);
        key_at(&mut h.app, &mut calls, Key::Char('y'));
        assert_eq!(h.app.screen, form, "typed-ahead keys waited");
        // The answer: the save was not answered; then Esc asks whether to
        // throw the form away, and y does.
        handle(&mut h.app, &mut calls, not_answering()).unwrap();
        assert!(calls.held.is_empty());
        assert!(matches!(h.app.screen, Screen::Program(_)), "{:?}", h.app.screen);
    }

    #[test]
    fn keys_typed_before_the_word_that_an_answer_is_late_go_on_after_it() {
        let (mut h, mut calls, sent) = form_to_save();
        key_at(&mut h.app, &mut calls, Key::Enter);
        assert!(matches!(sent.try_recv(), Ok(Cmd::Save { .. })));
        key_at(&mut h.app, &mut calls, Key::Char('?'));
        key_at(&mut h.app, &mut calls, Key::Enter);
        assert!(!h.app.help, "typed ahead: it waits");
        tell_late(&mut h.app, &mut calls);
        // Help opened; the Enter behind it went to the help (closing
        // nothing twice), and no second save was sent.
        assert!(calls.held.is_empty());
        assert!(sent.try_recv().is_err(), "the save was sent twice");
        key_at(&mut h.app, &mut calls, Key::Char('x'));
        assert!(calls.held.is_empty(), "keys after the word are not held");
    }

    #[test]
    fn once_a_late_answer_is_told_help_and_esc_work_but_the_save_is_not_sent_again() {
        let (mut h, mut calls, sent) = form_to_save();
        key_at(&mut h.app, &mut calls, Key::Enter);
        assert!(matches!(sent.try_recv(), Ok(Cmd::Save { .. })));
        assert_eq!((calls.outstanding, calls.changes), (1, 1));
        // What the loop does once the answer is a second late.
        calls.untold_since = None;

        let form = h.app.screen.clone();
        key_at(&mut h.app, &mut calls, Key::Enter);
        assert!(sent.try_recv().is_err(), "the save was sent twice");
        assert_eq!(h.app.screen, form);
        assert_eq!(h.app.notice.as_ref().map(|n| n.text.as_str()), Some("Still waiting for an answer..."));
        // Help opens and Esc closes it; the form stays as it was.
        key_at(&mut h.app, &mut calls, Key::Char('?'));
        assert!(h.app.help);
        key_at(&mut h.app, &mut calls, Key::Esc);
        assert!(!h.app.help);
        // Esc on the form asks whether to throw it away; yes would leave
        // it before its save is answered, so it is undone; no stays.
        key_at(&mut h.app, &mut calls, Key::Esc);
        assert!(matches!(&h.app.screen, Screen::EntryForm(f) if f.confirm_discard));
        key_at(&mut h.app, &mut calls, Key::Char('y'));
        assert!(matches!(&h.app.screen, Screen::EntryForm(f) if f.confirm_discard));
        key_at(&mut h.app, &mut calls, Key::Char('n'));
        assert_eq!(h.app.screen, form);
        assert!(sent.try_recv().is_err());
        // The answer comes: the form is kept, and Enter saves it again.
        handle(&mut h.app, &mut calls, not_answering()).unwrap();
        assert_eq!(h.app.screen, form);
        key_at(&mut h.app, &mut calls, Key::Enter);
        assert!(matches!(sent.try_recv(), Ok(Cmd::Save { .. })));
    }

    #[test]
    fn a_save_is_drawn_once_with_the_register_that_shows_the_new_entry() {
        let (mut h, mut calls, sent) = form_to_save();
        // Scrolled down the register behind the form, as an officer may be.
        if let Some(Screen::Program(register)) = h.app.back.last_mut() {
            register.selected.step(super::super::keymap::Nav::Last, register.data.register.len());
        }
        key_at(&mut h.app, &mut calls, Key::Enter);
        let save = sent.try_recv().expect("the save is sent");
        let saved = super::run_reconnecting(&h.records, save);
        let draw = handle(&mut h.app, &mut calls, Input::Answer { msg: Box::new(saved), change: true }).unwrap();
        assert!(!draw, "the register is not drawn as it was before its fresh page");
        assert!(matches!(h.app.screen, Screen::Program(_)));
        // What the save asked for: the register read again, the kept
        // draft dropped. Only the last answer draws.
        let mut draws = Vec::new();
        while let Ok(cmd) = sent.try_recv() {
            let change = !cmd.repeatable();
            let answer = super::run_reconnecting(&h.records, cmd);
            draws.push(handle(&mut h.app, &mut calls, Input::Answer { msg: Box::new(answer), change }).unwrap());
        }
        assert!(draws.len() >= 2, "{draws:?}");
        assert_eq!(draws.iter().filter(|d| **d).count(), 1, "one frame: {draws:?}");
        assert_eq!(draws.last(), Some(&true), "drawn once every answer is in");
        let Screen::Program(register) = &h.app.screen else { panic!("{:?}", h.app.screen) };
        let shown = &register.data.register[register.selected.row()];
        assert_eq!(shown.draft.quantities[0].item, "Cabai", "the new entry is selected");
        assert_eq!(register.selected.row(), 0, "the newest, at the top");
    }

    #[test]
    fn a_nip_typed_before_the_open_finds_no_officer_goes_to_the_setup_and_a_pin_does_not() {
        use super::super::screens::{login, setup};
        let mut h = Harness::new(Lang::Id, false);
        h.app.screen = Screen::Login(login::State::new());
        let (worker, _sent) = channel();
        let mut calls = Calls::new(worker);
        let nip = "198001012005011001";
        for c in nip.chars().chain(['\r']).chain("123456".chars()) {
            key_at(&mut h.app, &mut calls, if c == '\r' { Key::Enter } else { Key::Char(c) });
        }
        let setup = Screen::Setup(setup::State::new(setup::Reference::default()));
        let today = h.app.today;
        handle(&mut h.app, &mut calls, Input::Opened(Box::new(Ok((today, Some(setup)))))).unwrap();
        let Screen::Setup(shown) = &h.app.screen else { panic!("{:?}", h.app.screen) };
        assert_eq!(shown.fields[0].text(), nip, "the NIP typed is kept");
        assert_eq!(shown.focus, 1, "the name is next");
        assert!(shown.fields[2..].iter().all(|f| f.text().is_empty()), "a login PIN is not a new PIN");
    }

    /// The bytes of each frame written: the terminal flushes once per frame.
    #[derive(Default)]
    struct Frames {
        written: usize,
        frames: Vec<usize>,
    }

    impl std::io::Write for Frames {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.written += buf.len();
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            self.frames.push(std::mem::take(&mut self.written));
            Ok(())
        }
    }

    /// Runs the loop on home with `keys` arriving at once, until the
    /// terminal is gone; the bytes of each frame drawn.
    fn frames_for(h: &mut Harness, keys: &[crossterm::event::KeyCode]) -> Vec<usize> {
        use crossterm::event::{Event, KeyEvent, KeyModifiers};
        use ratatui::layout::Rect;
        use ratatui::{Terminal, TerminalOptions, Viewport};

        let (send, inputs) = channel();
        for &code in keys {
            send.send(Input::Terminal(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))).unwrap();
        }
        // Then the terminal is gone: the loop ends after drawing what came.
        drop(send);
        let (worker, _sent) = channel();
        let backend = crate::tui::backend::LeanBackend::with_size(Frames::default(), 80, 24);
        let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)) };
        let mut term = Terminal::with_options(backend, options).unwrap();
        let ended = run_with(&mut term, &mut h.app, h.theme, &inputs, &mut Calls::new(worker));
        assert!(ended.is_err(), "ends with the terminal");
        term.backend().writer().frames.clone()
    }

    #[test]
    fn fifty_keys_arriving_at_once_draw_one_frame() {
        let mut h = Harness::logged_in(Lang::En);
        let Screen::Home(home) = &h.app.screen else { panic!("not home") };
        let last = home.data.today.len() - 1;
        let frames = frames_for(&mut h, &[crossterm::event::KeyCode::Down; 50]);
        let Screen::Home(home) = &h.app.screen else { panic!("not home") };
        assert_eq!(home.selected.row(), last, "every key was handled");
        assert_eq!(frames.len(), 2, "the first paint, then one frame for all fifty keys: {frames:?}");
    }

    #[test]
    fn a_key_that_changes_nothing_sends_nothing() {
        let mut h = Harness::logged_in(Lang::En);
        // Up on the first row of home: drawn again, nothing changed.
        let frames = frames_for(&mut h, &[crossterm::event::KeyCode::Up]);
        assert_eq!(frames.len(), 2);
        assert!(frames[0] > 0);
        assert_eq!(frames[1], 0, "{frames:?}");
    }
}
