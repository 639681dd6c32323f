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

/// Fifteen more programmes (ids 7 to 21) for a scale demo database
/// (`init --demo --entries N`), never for real records: the kinds of work
/// the partners' fields suggest, spread over the three sites so that each
/// site runs every sector. Each is under its partner's agreement and runs
/// from the signing for the agreement's five years.
pub fn scale_programs() -> Vec<Program> {
    let signed = signing_date();
    let program = |id, name: &str, sector, site, partner| Program {
        id,
        name: name.into(),
        sector,
        site,
        partner,
        agreement: partner,
        start: signed,
        end: five_years_after(signed),
        status: ProgramStatus::Active,
    };
    vec![
        program(7, "Budidaya Jamur Tiram", Sector::Pertanian, 3, 1),
        program(8, "Hidroponik Sayur Daun", Sector::Pertanian, 2, 1),
        program(9, "Padi Organik Sawah Terbuka", Sector::Pertanian, 1, 5),
        program(10, "Peternakan Kambing", Sector::Peternakan, 2, 3),
        program(11, "Peternakan Ayam Kampung", Sector::Peternakan, 3, 3),
        program(12, "Penggemukan Sapi", Sector::Peternakan, 1, 3),
        program(13, "Budidaya Maggot BSF", Sector::PengolahanSampah, 1, 4),
        program(14, "Daur Ulang Plastik", Sector::PengolahanSampah, 3, 4),
        program(15, "Bank Sampah & Kompos", Sector::PengolahanSampah, 2, 4),
        program(16, "Sablon & Kaos", Sector::Konveksi, 2, 6),
        program(17, "Jahit Seragam", Sector::Konveksi, 1, 6),
        program(18, "Kerajinan Tas & Dompet", Sector::Konveksi, 2, 6),
        program(19, "Pelatihan Las & Bengkel", Sector::Pelatihan, 1, 2),
        program(20, "Pelatihan Barista & Tata Boga", Sector::Pelatihan, 2, 2),
        program(21, "Pelatihan Pertukangan Kayu", Sector::Pelatihan, 3, 2),
    ]
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

    #[test]
    fn scale_programmes_follow_the_starters_and_cover_every_site_and_sector() {
        let data = reference_data();
        let extra = scale_programs();
        let all: Vec<&Program> = data.programs.iter().chain(&extra).collect();
        let ids: Vec<u32> = all.iter().map(|p| p.id).collect();
        assert_eq!(ids, (1..=21).collect::<Vec<u32>>());
        for p in &extra {
            let agreement = data.agreements.iter().find(|a| a.id == p.agreement).unwrap();
            assert_eq!(agreement.partner, p.partner);
            assert!(agreement.sites.contains(&p.site));
            let field = data.partners.iter().find(|x| x.id == p.partner).unwrap().field;
            assert!(field.is_none_or(|f| f == p.sector), "{}", p.name);
        }
        for site in &data.sites {
            for sector in Sector::ALL {
                assert!(all.iter().any(|p| p.site == site.id && p.sector == sector), "{} {sector:?}", site.code);
            }
        }
    }
}
