//! Bytes on the wire for the real interface at 80x24: the programme screen
//! over a register of 10,000 entries, drawn through ratatui's crossterm
//! backend and through binalog's own `LeanBackend`, counted exactly.
//!
//!   cargo bench --bench wire

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::{Amount, EntryDraft, Kind, Quantity, Status, Unit};
use binalog::i18n::Lang;
use binalog::records::Records;
use binalog::store::OpenMode;
use binalog::tui::app::App;
use binalog::tui::backend::LeanBackend;
use binalog::tui::event_loop::dispatch;
use binalog::tui::keymap::Key;
use binalog::tui::msg::Msg;
use binalog::tui::theme::Theme;
use binalog::tui::{start, view};
use chrono::{Duration, TimeZone, Utc};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const OPERATOR: &str = "199001012015031002";
const PIN: &str = "123456";

/// Counts what is written; shared so the count can be read while the
/// terminal owns the writer.
#[derive(Clone, Default)]
struct Counter(std::rc::Rc<std::cell::Cell<usize>>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn press(records: &Records, app: &mut App, keys: &[Key]) {
    for key in keys {
        dispatch(records, app, Msg::Key(*key));
    }
}

fn typed(records: &Records, app: &mut App, text: &str) {
    for c in text.chars() {
        dispatch(records, app, Msg::Key(Key::Char(c)));
    }
}

/// Bytes each draw wrote: a first paint, then one per step.
fn measure<B: Backend>(
    backend: B,
    counter: &Counter,
    records: &Records,
    app: &mut App,
    theme: Theme,
    steps: &[Key],
) -> Vec<usize> {
    let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)) };
    let mut term = Terminal::with_options(backend, options).unwrap();
    let mut sizes = Vec::new();
    let mut before = 0;
    let mut draw = |term: &mut Terminal<B>, app: &App, sizes: &mut Vec<usize>| {
        term.draw(|frame| view::draw(app, theme, frame)).unwrap();
        let now = counter.0.get();
        sizes.push(now - before);
        before = now;
    };
    draw(&mut term, app, &mut sizes);
    for key in steps {
        press(records, app, &[*key]);
        draw(&mut term, app, &mut sizes);
    }
    sizes
}

fn summary(sizes: &[usize]) -> (usize, f64, f64, usize) {
    let steps = &sizes[1..];
    let within: Vec<usize> = steps[..15].to_vec();
    let scrolling: Vec<usize> = steps[15..].to_vec();
    let mean = |v: &[usize]| v.iter().sum::<usize>() as f64 / v.len() as f64;
    (sizes[0], mean(&within), mean(&scrolling), *steps.iter().max().unwrap())
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let now = wib().with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap().with_timezone(&Utc);
    let records = Records::open(dir.path(), OpenMode::CreateIfMissing, Box::new(FixedClock(now)), wib()).unwrap();
    records.init(true).unwrap();
    let operator = records.login(OPERATOR, PIN).unwrap();
    let today = records.today();
    let drafts: Vec<EntryDraft> = (0..10_000u32)
        .map(|i| EntryDraft {
            program: 1,
            date: today - Duration::days(i64::from(i % 290)),
            kind: Kind::Harvest,
            quantities: vec![Quantity {
                value: Amount::from_milli(i64::from(i % 400) * 100 + 500),
                unit: Unit::Kg,
                item: ["cabai", "tomat", "kangkung"][(i % 3) as usize].into(),
            }],
            participants: 4,
            officers: 0,
            cadets: 0,
            notes: String::new(),
            status: Status::Done,
        })
        .collect();
    records.import(&operator, drafts).unwrap();

    let mut rows = Vec::new();
    for (name, theme) in
        [("colour", Theme { color: true, ascii: false }), ("NO_COLOR", Theme { color: false, ascii: false })]
    {
        for lean in [false, true] {
            // Log in and open programme 1 (home lists it first), then step down.
            let mut app = start(&records, Lang::Id).unwrap();
            app.size = (80, 24);
            typed(&records, &mut app, OPERATOR);
            press(&records, &mut app, &[Key::Enter]);
            typed(&records, &mut app, PIN);
            press(&records, &mut app, &[Key::Enter, Key::Enter]);
            let steps = vec![Key::Down; 45];
            let counter = Counter::default();
            let sizes = if lean {
                measure(LeanBackend::with_size(counter.clone(), 80, 24), &counter, &records, &mut app, theme, &steps)
            } else {
                measure(CrosstermBackend::new(counter.clone()), &counter, &records, &mut app, theme, &steps)
            };
            let backend = if lean { "binalog LeanBackend" } else { "ratatui crossterm backend" };
            rows.push((name, backend, summary(&sizes)));
        }
    }
    println!(
        "| theme | backend | first paint | per step (mean of 15) | per step while scrolling (mean of 30) | largest step |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (theme, backend, (first, step, scroll, max)) in rows {
        println!("| {theme} | {backend} | {first} B | {step:.0} B | {scroll:.0} B | {max} B |");
    }
    println!("\nIdle: 0 B in every case: the interface draws only after an event.");
}
