//! Sectors of the work programmes and the kinds of entry each one records.

use serde::{Deserialize, Serialize};

use super::unit::Unit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Sector {
    Pertanian,
    Peternakan,
    PengolahanSampah,
    Konveksi,
    Pelatihan,
}

impl Sector {
    pub const ALL: [Sector; 5] =
        [Sector::Pertanian, Sector::Peternakan, Sector::PengolahanSampah, Sector::Konveksi, Sector::Pelatihan];

    pub fn code(self) -> &'static str {
        match self {
            Sector::Pertanian => "pertanian",
            Sector::Peternakan => "peternakan",
            Sector::PengolahanSampah => "pengolahan_sampah",
            Sector::Konveksi => "konveksi",
            Sector::Pelatihan => "pelatihan",
        }
    }

    pub fn from_code(code: &str) -> Option<Sector> {
        let code = code.trim().to_lowercase();
        Sector::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Sector::Pertanian => &[Kind::Harvest, Kind::Planting, Kind::Input],
            Sector::Peternakan => &[Kind::HeadCount, Kind::Birth, Kind::Purchase, Kind::Death, Kind::Sale, Kind::Feed],
            Sector::PengolahanSampah => &[Kind::WasteReceived, Kind::WasteProcessed, Kind::ProductOut],
            Sector::Konveksi => &[Kind::PiecesCut, Kind::PiecesSewn, Kind::PiecesFinished, Kind::PiecesRejected],
            Sector::Pelatihan => &[Kind::Training],
        }
    }
}

/// How an entry changes a livestock head count (farmOS inventory semantics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InventoryEffect {
    Reset,
    Increment,
    Decrement,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    Harvest,
    Planting,
    Input,
    HeadCount,
    Birth,
    Purchase,
    Death,
    Sale,
    Feed,
    WasteReceived,
    WasteProcessed,
    ProductOut,
    PiecesCut,
    PiecesSewn,
    PiecesFinished,
    PiecesRejected,
    Training,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Harvest,
        Kind::Planting,
        Kind::Input,
        Kind::HeadCount,
        Kind::Birth,
        Kind::Purchase,
        Kind::Death,
        Kind::Sale,
        Kind::Feed,
        Kind::WasteReceived,
        Kind::WasteProcessed,
        Kind::ProductOut,
        Kind::PiecesCut,
        Kind::PiecesSewn,
        Kind::PiecesFinished,
        Kind::PiecesRejected,
        Kind::Training,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Harvest => "harvest",
            Kind::Planting => "planting",
            Kind::Input => "input",
            Kind::HeadCount => "head_count",
            Kind::Birth => "birth",
            Kind::Purchase => "purchase",
            Kind::Death => "death",
            Kind::Sale => "sale",
            Kind::Feed => "feed",
            Kind::WasteReceived => "waste_received",
            Kind::WasteProcessed => "waste_processed",
            Kind::ProductOut => "product_out",
            Kind::PiecesCut => "pieces_cut",
            Kind::PiecesSewn => "pieces_sewn",
            Kind::PiecesFinished => "pieces_finished",
            Kind::PiecesRejected => "pieces_rejected",
            Kind::Training => "training",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        let code = code.trim().to_lowercase();
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn sector(self) -> Sector {
        Sector::ALL.into_iter().find(|s| s.kinds().contains(&self)).expect("every kind belongs to a sector")
    }

    /// Units an entry of this kind may be measured in; the first is the default.
    pub fn units(self) -> &'static [Unit] {
        use Unit::*;
        match self {
            Kind::Harvest => &[Kg, Ton, Karung, Pcs, Ekor],
            Kind::Planting => &[M2, Pcs, Kg],
            Kind::Input => &[Kg, Liter, Karung, Pcs, Rp],
            Kind::HeadCount | Kind::Birth | Kind::Death => &[Ekor],
            Kind::Purchase | Kind::Sale => &[Ekor, Rp],
            Kind::Feed => &[Kg, Karung, Liter, Rp],
            Kind::WasteReceived | Kind::WasteProcessed => &[Kg, Ton, Karung, Liter],
            Kind::ProductOut => &[Kg, Ton, Karung, Liter, Pcs, Rp],
            Kind::PiecesCut | Kind::PiecesSewn | Kind::PiecesFinished | Kind::PiecesRejected => &[Pcs],
            Kind::Training => &[Jam],
        }
    }

    pub fn inventory_effect(self) -> InventoryEffect {
        match self {
            Kind::HeadCount => InventoryEffect::Reset,
            Kind::Birth | Kind::Purchase => InventoryEffect::Increment,
            Kind::Death | Kind::Sale => InventoryEffect::Decrement,
            _ => InventoryEffect::None,
        }
    }

    /// Deaths and sales must say why, so the head count can be audited.
    pub fn needs_reason(self) -> bool {
        self.inventory_effect() == InventoryEffect::Decrement
    }

    /// Animals need their species and training its topic; elsewhere the
    /// item is optional.
    pub fn needs_item(self) -> bool {
        self.sector() == Sector::Peternakan || self == Kind::Training
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_belongs_to_exactly_one_sector() {
        for kind in Kind::ALL {
            let owners = Sector::ALL.iter().filter(|s| s.kinds().contains(&kind)).count();
            assert_eq!(owners, 1, "{kind:?}");
            assert_eq!(Kind::from_code(kind.code()), Some(kind));
            assert!(!kind.units().is_empty());
        }
    }
}
