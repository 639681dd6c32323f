//! Reads several screens share, through the records API: the programmes
//! with their site's and partner's names.

use std::collections::BTreeMap;

use super::data::ProgramInfo;
use crate::records::{Records, Result};

/// Programmes by site, then name, with their site's and partner's names.
pub fn infos(records: &Records) -> Result<Vec<ProgramInfo>> {
    let sites: BTreeMap<u32, (String, String)> =
        records.sites()?.into_iter().map(|s| (s.id, (s.name, s.code))).collect();
    let partners: BTreeMap<u32, String> = records.partners()?.into_iter().map(|p| (p.id, p.name)).collect();
    let mut infos: Vec<ProgramInfo> = records
        .programs()?
        .into_iter()
        .map(|program| ProgramInfo {
            site: sites.get(&program.site).map(|s| s.0.clone()).unwrap_or_default(),
            site_code: sites.get(&program.site).map(|s| s.1.clone()).unwrap_or_default(),
            partner: partners.get(&program.partner).cloned().unwrap_or_default(),
            program,
        })
        .collect();
    infos.sort_by(|a, b| (a.program.site, &a.program.name).cmp(&(b.program.site, &b.program.name)));
    Ok(infos)
}
