//! Units of measure and what each one measures.

use serde::{Deserialize, Serialize};

use super::amount::{Amount, SCALE};

/// What a unit measures, as farmOS groups quantities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    Weight,
    Count,
    Volume,
    Area,
    Time,
    Money,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Unit {
    Kg,
    Ton,
    Ekor,
    Pcs,
    Karung,
    Liter,
    M2,
    Jam,
    Rp,
}

impl Unit {
    pub const ALL: [Unit; 9] =
        [Unit::Kg, Unit::Ton, Unit::Ekor, Unit::Pcs, Unit::Karung, Unit::Liter, Unit::M2, Unit::Jam, Unit::Rp];

    /// The name used on the command line and in CSV.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::Ton => "ton",
            Unit::Ekor => "ekor",
            Unit::Pcs => "pcs",
            Unit::Karung => "karung",
            Unit::Liter => "liter",
            Unit::M2 => "m2",
            Unit::Jam => "jam",
            Unit::Rp => "rp",
        }
    }

    /// The label on screen: m² and Rp as people write them.
    pub fn label(self) -> &'static str {
        match self {
            Unit::M2 => "m²",
            Unit::Rp => "Rp",
            other => other.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<Unit> {
        let code = code.trim().to_lowercase();
        let code = match code.as_str() {
            "m²" => "m2",
            "l" => "liter",
            "ekor." => "ekor",
            other => other,
        };
        Unit::ALL.into_iter().find(|u| u.code() == code)
    }

    pub fn measure(self) -> Measure {
        match self {
            Unit::Kg | Unit::Ton => Measure::Weight,
            Unit::Ekor | Unit::Pcs | Unit::Karung => Measure::Count,
            Unit::Liter => Measure::Volume,
            Unit::M2 => Measure::Area,
            Unit::Jam => Measure::Time,
            Unit::Rp => Measure::Money,
        }
    }

    /// Animals, pieces, sacks and rupiah come whole.
    pub fn whole_only(self) -> bool {
        matches!(self, Unit::Ekor | Unit::Pcs | Unit::Karung | Unit::Rp)
    }

    /// The largest value one entry may carry: far above any real day's work
    /// in one programme, low enough to catch a slipped finger or a pasted ID.
    pub fn max_value(self) -> Amount {
        let whole = match self {
            Unit::Kg => 100_000,
            Unit::Ton => 1_000,
            Unit::Ekor => 10_000,
            Unit::Pcs => 1_000_000,
            Unit::Karung => 100_000,
            Unit::Liter => 1_000_000,
            Unit::M2 => 10_000_000,
            Unit::Jam => 10_000,
            Unit::Rp => 10_000_000_000,
        };
        Amount::from_milli(whole * SCALE)
    }
}
