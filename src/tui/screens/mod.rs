//! One file per screen: its state, what its keys do, and how it is drawn.

pub mod admin;
pub mod admin_form;
pub mod audit;
pub mod entry_form;
pub mod entry_view;
pub mod help;
pub mod home;
pub mod lock;
pub mod login;
pub mod officers;
pub mod program;
pub mod programs;
pub mod queue;
pub mod reference;
pub mod report;
pub mod setup;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::bindings::{Hint, LEAVE, Leave, find};
use super::keymap::Key;
use super::ops::Op;
use super::ui::Ui;
use crate::domain::officer::Officer;
use crate::i18n::Lang;
use crate::records::{Actor, Records, Result as RecordsResult, Update};
use chrono::NaiveDate;

/// What a key on a screen asks of the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    None,
    /// Esc: back to the previous screen.
    Back,
    Quit,
    /// An officer's NIP and PIN, to be checked (the login and lock screens).
    Login {
        nip: String,
        pin: String,
    },
    /// The first administrator (the setup screen, only while no officer exists).
    CreateAdmin {
        nip: String,
        name: String,
        pin: String,
    },
    /// Records for a screen: the one on top if it asked, else a new one.
    Load(Load),
    /// From a programme: its new entry form.
    OpenForm,
    /// A checked draft, ready for the records API.
    Save(crate::domain::entry::EntryDraft),
    /// Hand the terminal to the next officer, keeping this one's screens.
    Switch,
    /// Something done as the logged-in officer.
    Do(Op),
    /// From an entry: the form that corrects it.
    Correct,
    /// A screen on top of this one.
    Push(Box<Screen>),
    /// The report of the last complete month: of one programme, or of
    /// every programme the officer sees.
    Report(Option<crate::domain::reference::ProgramId>),
}

/// The keys every browsing screen shares once its own keys are matched:
/// Esc goes back, x switches officer, q quits; anything else does nothing.
pub fn leave(key: Key) -> Action {
    match find(LEAVE, key) {
        Some(Leave::Back) => Action::Back,
        Some(Leave::Switch) => Action::Switch,
        Some(Leave::Quit) => Action::Quit,
        None => Action::None,
    }
}

/// What every screen is: one module holding its state, its key table, how
/// it draws itself, and how it reads its data again. The interface's
/// `update`, `view` and help reach a screen only through this trait.
pub trait Page {
    /// The header's title.
    fn title(&self, lang: Lang) -> String;
    /// Catalog key of the help's first lines: what the screen shows.
    fn about(&self) -> &'static str;
    /// The keys in force now, from the screen's key table: the footer and
    /// the help are made from them, and `key` answers exactly these.
    fn hints(&self) -> Vec<Hint>;
    fn key(&mut self, key: Key, lang: Lang) -> Action;
    /// Draws the screen; where the cursor goes, if a field is being typed.
    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position>;
    /// Reading its data again: coming back to it, after an unlock, or when
    /// another officer's change is one it shows.
    fn reload(&self) -> Option<Load> {
        None
    }
    /// Whether another officer's change is one this screen shows.
    fn shows(&self, _update: &Update) -> bool {
        false
    }
    /// Whether it holds typed work that is not saved yet.
    fn unsaved(&self) -> bool {
        false
    }
    /// Whether it asks a yes-or-no question, where `?` must not open help.
    fn asking(&self) -> bool {
        false
    }
}

/// A boxed screen is the screen (large states are boxed in the enum).
impl<P: Page + ?Sized> Page for Box<P> {
    fn title(&self, lang: Lang) -> String {
        (**self).title(lang)
    }
    fn about(&self) -> &'static str {
        (**self).about()
    }
    fn hints(&self) -> Vec<Hint> {
        (**self).hints()
    }
    fn key(&mut self, key: Key, lang: Lang) -> Action {
        (**self).key(key, lang)
    }
    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        (**self).render(frame, area, ui)
    }
    fn reload(&self) -> Option<Load> {
        (**self).reload()
    }
    fn shows(&self, update: &Update) -> bool {
        (**self).shows(update)
    }
    fn unsaved(&self) -> bool {
        (**self).unsaved()
    }
    fn asking(&self) -> bool {
        (**self).asking()
    }
}

/// What a screen may know of the application when its data comes: the
/// language, the site's day, and who is logged in.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub lang: Lang,
    pub today: NaiveDate,
    pub officer: Option<&'a Officer>,
}

/// A screen that shows records: what it asks of the records API, how it
/// reads it, and what it does with the answer. The reading runs on the
/// worker (tui/effects.rs); the answer comes back to `update`, which gives
/// it to the screen on top when that screen `takes` it, and otherwise
/// opens a new screen from it. So a screen that reads data is its own
/// module and one line of `screens!`, with no message of its own elsewhere.
pub trait Loads: Page + Sized {
    /// What is asked: which programme, which filter, which period.
    type Query: Clone + std::fmt::Debug + PartialEq + Eq;
    /// What comes back.
    type Data: Clone + std::fmt::Debug;
    /// Whether opening it leaves nothing behind it (home, the bottom of
    /// the stack).
    const ROOT: bool = false;
    /// Reads what `query` asks, as the logged-in officer; the records API
    /// checks their role and sites, whatever the screen asked.
    fn fetch(records: &Records, actor: &Actor, query: &Self::Query) -> RecordsResult<Self::Data>;
    /// Whether an answer to `query` is this screen's: the same programme,
    /// the same search. By default the screen of its kind on top takes any
    /// answer for its kind (a list read again under another filter).
    fn takes(&self, _query: &Self::Query) -> bool {
        true
    }
    /// New data for the screen on screen, which keeps its selection.
    fn take(&mut self, query: &Self::Query, data: Self::Data, context: &Context);
    /// A new screen from an answer no screen on top took; `None` where
    /// the answer only adds to an open screen (a register's next page).
    fn open(query: &Self::Query, data: Self::Data, context: &Context) -> Option<Self>;
    /// What follows the answer once it is on screen (a programme asked
    /// with its form opens the form).
    fn then(_query: &Self::Query) -> Action {
        Action::None
    }
}

impl<L: Loads> Loads for Box<L> {
    type Query = L::Query;
    type Data = L::Data;
    const ROOT: bool = L::ROOT;
    fn fetch(records: &Records, actor: &Actor, query: &Self::Query) -> RecordsResult<Self::Data> {
        L::fetch(records, actor, query)
    }
    fn takes(&self, query: &Self::Query) -> bool {
        (**self).takes(query)
    }
    fn take(&mut self, query: &Self::Query, data: Self::Data, context: &Context) {
        (**self).take(query, data, context)
    }
    fn open(query: &Self::Query, data: Self::Data, context: &Context) -> Option<Self> {
        L::open(query, data, context).map(Box::new)
    }
    fn then(query: &Self::Query) -> Action {
        L::then(query)
    }
}

/// Where an answer went.
#[derive(Debug)]
pub enum Applied {
    /// The screen on top took it.
    Taken(Action),
    /// A new screen to show; `root`: nothing stays behind it.
    Opened {
        screen: Box<Screen>,
        root: bool,
        then: Action,
    },
    /// Nobody asked for it any more (a page for a search since changed).
    Dropped,
    Failed(crate::records::Error),
}

/// The screens, each once: the enum the model holds, its dispatch to each
/// screen's `Page`, and for the screens that read records (`loads`) what
/// they ask and what comes back. A new screen is its module and one line
/// here.
macro_rules! screens {
    (
        shows { $($(#[$doc:meta])* $name:ident($state:ty),)* }
        loads { $($(#[$ldoc:meta])* $lname:ident($lstate:ty),)* }
    ) => {
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Screen {
            $($(#[$doc])* $name($state),)*
            $($(#[$ldoc])* $lname($lstate),)*
        }

        impl Screen {
            pub fn page(&self) -> &dyn Page {
                match self {
                    $(Screen::$name(s) => s,)*
                    $(Screen::$lname(s) => s,)*
                }
            }

            pub fn page_mut(&mut self) -> &mut dyn Page {
                match self {
                    $(Screen::$name(s) => s,)*
                    $(Screen::$lname(s) => s,)*
                }
            }
        }

        /// What a screen asks of the records API, by screen.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Load {
            $($lname(<$lstate as Loads>::Query),)*
        }

        /// The answer to a `Load`, with what was asked.
        #[derive(Clone, Debug)]
        pub enum Loaded {
            $($lname(<$lstate as Loads>::Query, RecordsResult<<$lstate as Loads>::Data>),)*
        }

        impl Load {
            /// Reads it (on the worker: tui/effects.rs).
            pub fn fetch(self, records: &Records, actor: &Actor) -> Loaded {
                match self {
                    $(Load::$lname(query) => {
                        let data = <$lstate as Loads>::fetch(records, actor, &query);
                        Loaded::$lname(query, data)
                    })*
                }
            }
        }

        impl Loaded {
            pub fn error(&self) -> Option<&crate::records::Error> {
                match self {
                    $(Loaded::$lname(_, answer) => answer.as_ref().err(),)*
                }
            }

            /// Gives the answer to the screen on top if it is the one
            /// that asked, or makes the screen it opens.
            pub fn apply(self, on_top: &mut Screen, context: &Context) -> Applied {
                match self {
                    $(Loaded::$lname(query, answer) => {
                        let data = match answer {
                            Ok(data) => data,
                            Err(e) => return Applied::Failed(e),
                        };
                        let then = <$lstate as Loads>::then(&query);
                        if let Screen::$lname(screen) = on_top
                            && screen.takes(&query)
                        {
                            screen.take(&query, data, context);
                            return Applied::Taken(then);
                        }
                        match <$lstate as Loads>::open(&query, data, context) {
                            Some(screen) => Applied::Opened {
                                screen: Box::new(Screen::$lname(screen)),
                                root: <$lstate as Loads>::ROOT,
                                then,
                            },
                            None => Applied::Dropped,
                        }
                    })*
                }
            }
        }
    };
}

screens! {
    shows {
        Setup(setup::State),
        Login(login::State),
        EntryForm(Box<entry_form::State>),
        /// The terminal locked after no key for a while: no record data shows.
        Lock(lock::State),
        AdminMenu(admin::Menu),
        AdminForm(Box<admin_form::State>),
    }
    loads {
        Home(home::State),
        Programs(programs::State),
        Program(Box<program::State>),
        EntryView(Box<entry_view::State>),
        Queue(Box<queue::State>),
        Officers(Box<officers::State>),
        Reference(Box<reference::State>),
        Audit(Box<audit::State>),
        Report(Box<report::State>),
    }
}

impl Screen {
    /// Whether the screen holds typed work that is not saved yet.
    pub fn unsaved(&self) -> bool {
        self.page().unsaved()
    }
}
