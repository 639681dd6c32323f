//! The reference data of the 19 May 2025 signing, shipped with `init`.
//! Partner fields marked `inferred` and the placeholder agreement numbers
//! come from the partners' names, not from the signed documents: admins
//! are expected to correct them.

use chrono::NaiveDate;

use super::reference::{Agreement, Partner, Program, ProgramStatus, Site, WIB_OFFSET, five_years_after};
use super::sector::Sector;

pub struct ReferenceData {
    pub sites: Vec<Site>,
    pub partners: Vec<Partner>,
    pub agreements: Vec<Agreement>,
    pub programs: Vec<Program>,
}

pub fn signing_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 5, 19).expect("a valid date")
}

pub fn reference_data() -> ReferenceData {
    let site = |id, code: &str, name: &str| Site { id, code: code.into(), name: name.into(), utc_offset: WIB_OFFSET };
    let sites = vec![
        site(1, "terbuka", "Lapas Terbuka Kelas IIB Nusakambangan"),
        site(2, "gladakan", "Lapas Kelas IIA Gladakan"),
        site(3, "batu", "Lapas Kelas I Batu"),
    ];
    let partner = |id, name: &str, field, inferred| Partner { id, name: name.into(), field, inferred };
    let partners = vec![
        partner(1, "PT Agro Bumi Pangan Mandiri", Some(Sector::Pertanian), true),
        partner(2, "PT Berkat Optima Solusi", None, true),
        partner(3, "PT Suka Domba Perkasa", Some(Sector::Peternakan), true),
        partner(4, "PT Solusi Limbah Abadi Indonesia", Some(Sector::PengolahanSampah), true),
        partner(5, "PT Padi Indonesia Maju", Some(Sector::Pertanian), true),
        partner(6, "Yayasan Bina Warga Indonesia", Some(Sector::Konveksi), true),
    ];
    let signed = signing_date();
    let agreements = partners
        .iter()
        .map(|p| Agreement {
            id: p.id,
            number: format!("PKS/DJPAS/2025/{:03}", p.id),
            partner: p.id,
            signed,
            start: signed,
            end: five_years_after(signed),
            sites: sites.iter().map(|s| s.id).collect(),
            inferred: true,
        })
        .collect();
    // One starter programme per partner, at the site whose land or workshop
    // suits its field. Berkat Optima Solusi's field is not public: it starts
    // as vocational training until an admin says otherwise.
    let program = |id, name: &str, sector, site| Program {
        id,
        name: name.into(),
        sector,
        site,
        partner: id,
        agreement: id,
        start: signed,
        end: five_years_after(signed),
        status: ProgramStatus::Active,
    };
    let programs = vec![
        program(1, "Hortikultura Cabai & Sayur", Sector::Pertanian, 1),
        program(2, "Pelatihan Kerja Terpadu", Sector::Pelatihan, 3),
        program(3, "Peternakan Domba", Sector::Peternakan, 1),
        program(4, "Pengolahan Sampah Terpadu", Sector::PengolahanSampah, 2),
        program(5, "Budidaya Padi", Sector::Pertanian, 2),
        program(6, "Konveksi Garmen", Sector::Konveksi, 3),
    ];
    ReferenceData { sites, partners, agreements, programs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_programme_points_at_existing_records() {
        let data = reference_data();
        assert_eq!((data.sites.len(), data.partners.len(), data.agreements.len()), (3, 6, 6));
        for p in &data.programs {
            assert!(data.sites.iter().any(|s| s.id == p.site));
            let agreement = data.agreements.iter().find(|a| a.id == p.agreement).unwrap();
            assert_eq!(agreement.partner, p.partner);
            assert_eq!(agreement.end, NaiveDate::from_ymd_opt(2030, 5, 19).unwrap());
        }
    }
}
