//! Values and dates as officers type them: what is accepted, and the exact
//! message for what is refused, in Indonesian and in English.

use binalog::domain::date::{parse_date, parse_time_zone};
use binalog::domain::{Amount, Quantity, Unit};
use binalog::i18n::{Lang, invalid};

#[test]
fn accepted_values() {
    for (input, unit, milli) in [
        ("12,5", Unit::Kg, 12_500),
        ("12.5", Unit::Kg, 12_500),
        ("0,125", Unit::Kg, 125),
        ("1250", Unit::Kg, 1_250_000),
        ("100000", Unit::Kg, 100_000_000),
        ("0", Unit::Ekor, 0),
        ("7", Unit::Ekor, 7_000),
        ("2750000", Unit::Rp, 2_750_000_000),
        ("2,25", Unit::Jam, 2_250),
    ] {
        assert_eq!(Amount::parse(input, unit), Ok(Amount::from_milli(milli)), "{input} {unit:?}");
    }
}

#[test]
fn refused_values_say_what_to_fix() {
    let cases = [
        (
            "1.250,5",
            Unit::Kg,
            "Nilai \"1.250,5\" memakai pemisah ribuan. Tulis tanpa pemisah ribuan, misalnya 1250,5.",
            "The value \"1.250,5\" has a thousands separator. Write it without one, for example 1250.5.",
        ),
        (
            "1,250.5",
            Unit::Kg,
            "Nilai \"1,250.5\" memakai pemisah ribuan. Tulis tanpa pemisah ribuan, misalnya 1250,5.",
            "The value \"1,250.5\" has a thousands separator. Write it without one, for example 1250.5.",
        ),
        (
            "-3",
            Unit::Kg,
            "Nilai \"-3\" negatif. Isi angka 0 atau lebih.",
            "The value \"-3\" is negative. Enter 0 or more.",
        ),
        (
            "200000",
            Unit::Kg,
            "Nilai \"200000\" terlalu besar untuk satu catatan: paling banyak 100.000 kg. Periksa kembali angkanya.",
            "The value \"200000\" is too large for one entry: at most 100,000 kg. Check the number.",
        ),
        (
            "2,5",
            Unit::Ekor,
            "Nilai \"2,5\" harus bilangan bulat untuk satuan ekor.",
            "The value \"2,5\" must be a whole number for the unit ekor.",
        ),
        (
            "1,2345",
            Unit::Kg,
            "Nilai \"1,2345\" punya lebih dari 3 angka di belakang koma. Bulatkan ke 3 angka.",
            "The value \"1,2345\" has more than 3 decimals. Round it to 3.",
        ),
        (
            "dua",
            Unit::Kg,
            "\"dua\" bukan angka. Tulis angka saja, misalnya 12,5.",
            "\"dua\" is not a number. Write digits only, for example 12.5.",
        ),
    ];
    for (input, unit, id, en) in cases {
        let e = Amount::parse(input, unit).unwrap_err();
        assert_eq!(invalid(Lang::Id, &e), id);
        assert_eq!(invalid(Lang::En, &e), en);
    }
}

#[test]
fn quantities_name_unknown_units() {
    let e = Quantity::parse("3 bushel gandum").unwrap_err();
    assert_eq!(
        invalid(Lang::Id, &e),
        "Satuan \"bushel\" tidak dikenal. Pilih salah satu: kg, ton, ekor, pcs, karung, liter, m2, jam, rp."
    );
    assert_eq!(
        invalid(Lang::En, &e),
        "Unknown unit \"bushel\". Choose one of: kg, ton, ekor, pcs, karung, liter, m2, jam, rp."
    );
}

#[test]
fn dates_in_both_forms_and_their_refusals() {
    assert_eq!(parse_date("05/03/2026"), parse_date("2026-03-05"));
    let e = parse_date("31/02/2026").unwrap_err();
    assert_eq!(invalid(Lang::Id, &e), "Tanggal \"31/02/2026\" tidak dikenali. Tulis hh/bb/tttt, misalnya 05/03/2026.");
    assert_eq!(
        invalid(Lang::En, &e),
        "The date \"31/02/2026\" is not recognised. Write dd/mm/yyyy, for example 05/03/2026."
    );
    let e = parse_time_zone("Mars").unwrap_err();
    assert_eq!(invalid(Lang::En, &e), "Unknown time zone \"Mars\". Use WIB, WITA, WIT or a form like +07:00.");
}

/// A mark followed by exactly three digits is how Indonesian writes both a
/// thousands group and three decimals: refused, offering both readings.
/// A leading 0 or a longer whole part has one reading and is taken.
#[test]
fn ambiguous_values_offer_both_readings() {
    for (input, id, en) in [
        (
            "1.250",
            "1.250 bisa berarti 1250 atau 1,25: tulis 1250 atau 1,25.",
            "1.250 could mean 1250 or 1.25: write 1250 or 1.25.",
        ),
        (
            "1,250",
            "1,250 bisa berarti 1250 atau 1,25: tulis 1250 atau 1,25.",
            "1,250 could mean 1250 or 1.25: write 1250 or 1.25.",
        ),
        (
            "12,500",
            "12,500 bisa berarti 12500 atau 12,5: tulis 12500 atau 12,5.",
            "12,500 could mean 12500 or 12.5: write 12500 or 12.5.",
        ),
    ] {
        let e = Amount::parse(input, Unit::Kg).unwrap_err();
        assert_eq!(invalid(Lang::Id, &e), id);
        assert_eq!(invalid(Lang::En, &e), en);
    }
    let e = Quantity::parse("1.000 ekor domba").unwrap_err();
    assert_eq!(invalid(Lang::Id, &e), "1.000 bisa berarti 1000 atau 1: tulis 1000 atau 1.");
    for (input, milli) in [("0,125", 125), ("0.250", 250), ("1234,567", 1_234_567), ("1,25", 1_250), ("12.5", 12_500)] {
        assert_eq!(Amount::parse(input, Unit::Kg), Ok(Amount::from_milli(milli)), "{input}");
    }
}

/// Items and notes under the text rules, as typed, with the message naming
/// the field.
#[test]
fn text_rules_name_the_field() {
    use binalog::domain::text::{TextField, clean_text};
    let e = Quantity::parse(&format!("3 kg {}", "c".repeat(81))).unwrap_err();
    assert_eq!(invalid(Lang::Id, &e), "Nama barang: paling banyak 80 karakter.");
    assert_eq!(invalid(Lang::En, &e), "Item name: at most 80 characters.");
    let e = Quantity::parse("3 kg cabai\u{7}").unwrap_err();
    assert_eq!(
        invalid(Lang::Id, &e),
        "Nama barang berisi karakter kendali atau tak terlihat yang tidak diizinkan (\\x07). Hapus karakter itu."
    );
    let e = clean_text(&"n".repeat(1_001), TextField::Notes).unwrap_err();
    assert_eq!(invalid(Lang::Id, &e), "Catatan: paling banyak 1.000 karakter.");
    assert_eq!(invalid(Lang::En, &e), "Notes: at most 1,000 characters.");
    assert_eq!(clean_text(" Sakit \n kembung ", TextField::Reason).unwrap(), "Sakit kembung");
}
