//! The support-day report of a period: assisted dossiers by session occurrence, neighborhood
//! and helper, and the share of the unit's online dossiers that were submitted with help.

use std::collections::BTreeMap;

use super::{AssistedRecord, Helper, Neighborhood, Session};
use crate::dossier::Channel;

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    pub label: String,
    /// The neighborhood of a session, or the organisation of a helper ("" otherwise).
    pub detail: String,
    pub dossiers: u32,
    /// Of which submitted online.
    pub online: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportReport {
    pub assisted: u32,
    pub counter: u32,
    pub online: u32,
    /// Every online dossier of the unit in the period, assisted or not.
    pub online_total: u32,
    pub by_session: Vec<ReportLine>,
    pub by_neighborhood: Vec<ReportLine>,
    pub by_helper: Vec<ReportLine>,
}

fn add(map: &mut BTreeMap<(String, String), (u32, u32)>, key: (String, String), online: bool) {
    let e = map.entry(key).or_default();
    e.0 += 1;
    e.1 += u32::from(online);
}

fn lines(map: BTreeMap<(String, String), (u32, u32)>) -> Vec<ReportLine> {
    let mut v: Vec<ReportLine> = map
        .into_iter()
        .map(|((label, detail), (dossiers, online))| ReportLine { label, detail, dossiers, online })
        .collect();
    v.sort_by(|a, b| b.dossiers.cmp(&a.dossiers).then_with(|| a.label.cmp(&b.label)));
    v
}

impl SupportReport {
    /// Tallies `records`; names come from the unit's sessions, neighborhoods and helpers, and
    /// assistance without a session is grouped under "no session" with the helper's name as noted.
    pub fn build(
        records: &[AssistedRecord],
        online_total: u32,
        sessions: &[Session],
        neighborhoods: &[Neighborhood],
        helpers: &[Helper],
        english: bool,
    ) -> SupportReport {
        let none = if english { "No session (counter)" } else { "Không thuộc buổi hỗ trợ (tại quầy)" };
        let mut r = SupportReport { online_total, ..Default::default() };
        let (mut by_session, mut by_hood, mut by_helper) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for rec in records {
            let online = rec.channel == Channel::Online;
            r.assisted += 1;
            r.online += u32::from(online);
            r.counter += u32::from(rec.channel == Channel::Counter);
            let session = rec.support.and_then(|s| sessions.iter().find(|x| x.id == s.session));
            let hood = session.and_then(|s| neighborhoods.iter().find(|n| n.id == s.neighborhood));
            let hood_name = hood.map_or_else(|| none.to_string(), |n| n.name.clone());
            let session_key = match (rec.support, session) {
                (Some(s), Some(x)) => (format!("{} — {}", s.date.format("%d/%m/%Y"), x.place), hood_name.clone()),
                (Some(s), None) => (format!("{} — {}", s.date.format("%d/%m/%Y"), rec.session), hood_name.clone()),
                (None, _) => (none.to_string(), String::new()),
            };
            add(&mut by_session, session_key, online);
            add(&mut by_hood, (hood_name, String::new()), online);
            let helper = rec.support.and_then(|s| helpers.iter().find(|h| h.id == s.helper));
            let helper_key = match helper {
                Some(h) => {
                    (h.name.clone(), if english { h.organisation.name_en() } else { h.organisation.name_vi() }.into())
                }
                None => (rec.helper.clone(), String::new()),
            };
            add(&mut by_helper, helper_key, online);
        }
        r.by_session = lines(by_session);
        r.by_neighborhood = lines(by_hood);
        r.by_helper = lines(by_helper);
        r
    }

    /// Assisted online dossiers as a percentage of all online dossiers (`None` without any).
    pub fn share_percent(&self) -> Option<f64> {
        (self.online_total > 0).then(|| f64::from(self.online) * 100.0 / f64::from(self.online_total))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::dossier::DossierCode;
    use crate::support::{HelperId, NeighborhoodId, Organisation, Recurrence, SessionId, SupportRef};
    use crate::unit::UnitCode;

    fn record(channel: Channel, support: Option<SupportRef>, helper: &str) -> AssistedRecord {
        AssistedRecord {
            dossier: DossierCode::parse("000.00.12.H62-261127-0001").unwrap(),
            channel,
            at: Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap(),
            helper: helper.into(),
            session: String::new(),
            support,
        }
    }

    #[test]
    fn assisted_dossiers_are_tallied_by_session_neighborhood_and_helper() {
        let unit = UnitCode::parse("28777").unwrap();
        let hood =
            Neighborhood { id: NeighborhoodId(1), unit: unit.clone(), name: "Khu phố 3".into(), note: String::new() };
        let helper = Helper {
            id: HelperId(2),
            unit: unit.clone(),
            name: "Lê Văn An".into(),
            organisation: Organisation::YouthUnion,
            phone: None,
        };
        let session = Session {
            id: SessionId(3),
            unit,
            neighborhood: NeighborhoodId(1),
            place: "Nhà văn hóa".into(),
            rule: Recurrence::parse("fri", "2026-11-01", "2026-12-31", "07:30", "11:00").unwrap(),
            helpers: vec![HelperId(2)],
        };
        let at = SupportRef {
            session: SessionId(3),
            date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            helper: HelperId(2),
        };
        let records = [
            record(Channel::Online, Some(at), "Lê Văn An"),
            record(Channel::Counter, Some(at), "Lê Văn An"),
            record(Channel::Counter, None, "Cán bộ Minh"),
        ];
        let r = SupportReport::build(&records, 8, &[session], &[hood], &[helper], false);
        assert_eq!((r.assisted, r.online, r.counter, r.online_total), (3, 1, 2, 8));
        assert_eq!(r.share_percent(), Some(12.5));
        assert_eq!(r.by_session[0].label, "27/11/2026 — Nhà văn hóa");
        assert_eq!(
            (r.by_session[0].detail.as_str(), r.by_session[0].dossiers, r.by_session[0].online),
            ("Khu phố 3", 2, 1)
        );
        assert_eq!(r.by_neighborhood.iter().map(|l| l.dossiers).sum::<u32>(), 3);
        assert_eq!((r.by_helper[0].label.as_str(), r.by_helper[0].detail.as_str()), ("Lê Văn An", "Đoàn Thanh niên"));
        assert_eq!(r.by_helper[1].label, "Cán bộ Minh");
        assert_eq!(SupportReport::build(&[], 0, &[], &[], &[], true).share_percent(), None);
    }
}
