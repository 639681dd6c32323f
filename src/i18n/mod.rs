//! Texts in Indonesian (the default) and English. Every sentence a user
//! sees comes from the catalogs in `id.rs` and `en.rs`, looked up by key,
//! with `{name}` placeholders filled from language-free values.

mod en;
mod help_id;
mod id;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::date::format_date;
use crate::domain::entry::Field;
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::sector::{Kind, Sector};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn parse(input: &str) -> Option<Lang> {
        match input.trim().to_lowercase().as_str() {
            "id" | "id_id" | "in" | "indonesia" => Some(Lang::Id),
            "en" | "en_us" | "en_gb" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The code `--lang` takes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// `12,5` in Indonesian, `12.5` in English.
    pub fn decimal_mark(self) -> char {
        match self {
            Lang::Id => ',',
            Lang::En => '.',
        }
    }

    pub fn group_mark(self) -> char {
        match self {
            Lang::Id => '.',
            Lang::En => ',',
        }
    }

    fn catalog(self) -> &'static HashMap<&'static str, &'static str> {
        static ID: OnceLock<HashMap<&str, &str>> = OnceLock::new();
        static EN: OnceLock<HashMap<&str, &str>> = OnceLock::new();
        match self {
            Lang::Id => ID.get_or_init(|| id::TEXTS.iter().copied().collect()),
            Lang::En => EN.get_or_init(|| en::TEXTS.iter().copied().collect()),
        }
    }
}

/// The text for a key; the key itself if a catalog lacks it (a test keeps
/// both catalogs complete, so users never see one).
pub fn text(lang: Lang, key: &'static str) -> &'static str {
    lang.catalog().get(key).copied().unwrap_or(key)
}

/// The text for a key with its `{name}` placeholders filled. A count's
/// word takes its form from the number as `{name|one|other}`: English
/// writes "{count} {count|entry|entries}"; Indonesian has no plural and
/// writes the word once ("{count} catatan").
pub fn fill(lang: Lang, key: &'static str, args: &[(&str, Arg)]) -> String {
    let mut out = text(lang, key).to_string();
    for (name, value) in args {
        // Any argument that is a count chooses the form; another takes the plural.
        let count = match value {
            Arg::Number(n) => Some(*n),
            Arg::Amount(a) | Arg::Decimal(a) | Arg::DecimalToType(a) => {
                Some(if *a == crate::domain::Amount::whole(1) { 1 } else { 2 })
            }
            Arg::Text(t) => t.parse().ok(),
            _ => None,
        };
        out = plural(&out, name, count.unwrap_or(2));
        let value = match value {
            Arg::Text(s) => s.clone(),
            Arg::Number(n) => n.to_string(),
            Arg::Amount(a) => a.format_grouped(lang.decimal_mark(), lang.group_mark()),
            Arg::Decimal(a) => a.format(lang.decimal_mark()),
            // Three decimals read as a thousands group: a fourth digit, a
            // zero, makes the decimal reading the only one (`7,1250`).
            Arg::DecimalToType(a) if a.milli() % 10 != 0 && a.milli().abs() >= 1000 => {
                format!("{}0", a.format(lang.decimal_mark()))
            }
            Arg::DecimalToType(a) => a.format(lang.decimal_mark()),
            Arg::Label(key) => text(lang, key).to_string(),
            Arg::Date(d) => format_date(*d),
            Arg::Kind(k) => format!("{} ({})", kind_name(lang, *k), k.code()),
            Arg::KindName(k) => kind_name(lang, *k).to_string(),
            Arg::Sector(s) => sector_name(lang, *s).to_string(),
        };
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    out
}

/// Replaces every `{name|one|other}` in `text` with the form for `n`.
fn plural(text: &str, name: &str, n: i64) -> String {
    let open = format!("{{{name}|");
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        let Some(end) = rest[at..].find('}') else { break };
        let forms = &rest[at + open.len()..at + end];
        let (one, other) = forms.split_once('|').unwrap_or((forms, forms));
        out.push_str(&rest[..at]);
        out.push_str(if n == 1 { one } else { other });
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

pub fn invalid(lang: Lang, e: &Invalid) -> String {
    fill(lang, e.key(), &e.args())
}

pub fn field(lang: Lang, field: Field) -> String {
    match field {
        Field::Program => text(lang, "field.program").to_string(),
        Field::Date => text(lang, "field.date").to_string(),
        Field::Kind => text(lang, "field.kind").to_string(),
        Field::Quantity(i) => fill(lang, "field.quantity", &[("n", Arg::Number(i as i64 + 1))]),
        Field::Participants => text(lang, "field.participants").to_string(),
        Field::Notes => text(lang, "field.notes").to_string(),
    }
}

/// A language-free message: a catalog key and its placeholders' values.
/// Every layer's error is one (domain `Invalid`, `store::StoreError`,
/// `wire::Error`, `records::Error`), so each is worded here, in the user's
/// language, and none of them needs to know the catalogs.
pub trait Message {
    fn key(&self) -> &'static str;
    fn args(&self) -> Vec<(&'static str, Arg)>;

    /// The whole message in `lang`: one sentence, unless the error says
    /// more (each problem of an import on its own line, what to do next).
    fn render(&self, lang: Lang) -> String {
        fill(lang, self.key(), &self.args())
    }

    /// The message as `Display`, in `lang`.
    fn shown(&self, lang: Lang) -> Shown<'_, Self>
    where
        Self: Sized,
    {
        Shown { lang, message: self }
    }
}

/// A message with its language: `format!("{}", e.shown(lang))`.
pub struct Shown<'a, M: ?Sized> {
    lang: Lang,
    message: &'a M,
}

impl<M: Message + ?Sized> std::fmt::Display for Shown<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.render(self.lang))
    }
}

impl Message for Invalid {
    fn key(&self) -> &'static str {
        Invalid::key(self)
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        Invalid::args(self)
    }
}

/// An error of any layer, in `lang`: one message per problem, validation
/// problems each on their own line.
pub fn error<M: Message + ?Sized>(lang: Lang, e: &M) -> String {
    e.render(lang)
}

pub fn sector_name(lang: Lang, sector: Sector) -> &'static str {
    text(
        lang,
        match sector {
            Sector::Pertanian => "sector.pertanian",
            Sector::Peternakan => "sector.peternakan",
            Sector::PengolahanSampah => "sector.pengolahan_sampah",
            Sector::Konveksi => "sector.konveksi",
            Sector::Pelatihan => "sector.pelatihan",
        },
    )
}

pub fn kind_name(lang: Lang, kind: Kind) -> &'static str {
    text(
        lang,
        match kind {
            Kind::Harvest => "kind.harvest",
            Kind::Planting => "kind.planting",
            Kind::Input => "kind.input",
            Kind::HeadCount => "kind.head_count",
            Kind::Birth => "kind.birth",
            Kind::Purchase => "kind.purchase",
            Kind::Death => "kind.death",
            Kind::Sale => "kind.sale",
            Kind::Feed => "kind.feed",
            Kind::WasteReceived => "kind.waste_received",
            Kind::WasteProcessed => "kind.waste_processed",
            Kind::ProductOut => "kind.product_out",
            Kind::PiecesCut => "kind.pieces_cut",
            Kind::PiecesSewn => "kind.pieces_sewn",
            Kind::PiecesFinished => "kind.pieces_finished",
            Kind::PiecesRejected => "kind.pieces_rejected",
            Kind::Training => "kind.training",
        },
    )
}

/// The Indonesian help of a command or option of the command line.
pub fn help_text(key: &str) -> Option<&'static str> {
    static HELP: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    let help = HELP.get_or_init(|| help_id::HELP.iter().copied().collect());
    let option = key.rsplit('.').next().filter(|_| key.contains('.')).map(|name| format!("*.{name}"));
    help.get(key).or_else(|| option.and_then(|o| help.get(o.as_str()))).copied()
}

/// Every key in a catalog, for the completeness tests.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    match lang {
        Lang::Id => id::TEXTS.iter().map(|(k, _)| *k).collect(),
        Lang::En => en::TEXTS.iter().map(|(k, _)| *k).collect(),
    }
}

#[cfg(test)]
mod tests;
