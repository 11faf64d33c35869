//! Community support days (ngày hỗ trợ cộng đồng): per unit, its neighborhoods (khu phố / ấp),
//! the helpers (staff and volunteers of the youth union, women's union, veterans' association…)
//! and recurring sessions held in a neighborhood, expanded into dated occurrences on the work
//! calendar; assisted dossiers attributed to an occurrence and a helper; the report of them.
//!
//! - [`recurrence`]: the weekly rule and its expansion (public holidays cancel a session).
//! - [`report`]: assisted dossiers by session, neighborhood and helper, and their share.
//! - [`store`]: the storage trait.

mod error;
pub mod recurrence;
pub mod report;
pub mod store;

pub use error::{SupportError, dossier_reason};
pub use recurrence::{Occurrence, Recurrence, parse_weekday, weekday_code, weekday_name};
pub use report::{ReportLine, SupportReport};
pub use store::{AssistedRecord, SupportStore};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::unit::UnitCode;

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The database key of a ", $what, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// Parses a key as a form sends it; anything else is `unknown`.
            pub fn parse(s: &str, unknown: SupportError) -> Result<$name, SupportError> {
                s.trim().parse::<i64>().map($name).map_err(|_| unknown)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(NeighborhoodId, "neighborhood");
id_type!(HelperId, "helper");
id_type!(SessionId, "support session");

/// A khu phố (ward) or ấp (commune) of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Neighborhood {
    pub id: NeighborhoodId,
    pub unit: UnitCode,
    pub name: String,
    /// Why it gets support days (e.g. many elderly residents); may be empty.
    pub note: String,
}

/// Whom a helper comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Organisation {
    /// An officer of the service center or the commune.
    Staff,
    /// Đoàn Thanh niên Cộng sản Hồ Chí Minh.
    YouthUnion,
    /// Hội Liên hiệp Phụ nữ.
    WomensUnion,
    /// Hội Cựu chiến binh.
    Veterans,
    Other,
}

impl Organisation {
    pub const ALL: [Organisation; 5] = [
        Organisation::Staff,
        Organisation::YouthUnion,
        Organisation::WomensUnion,
        Organisation::Veterans,
        Organisation::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Organisation::Staff => "staff",
            Organisation::YouthUnion => "youth_union",
            Organisation::WomensUnion => "womens_union",
            Organisation::Veterans => "veterans",
            Organisation::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Organisation, SupportError> {
        let s = s.trim();
        Organisation::ALL.into_iter().find(|o| o.code() == s).ok_or_else(|| SupportError::Organisation(s.into()))
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Organisation::Staff => "Cán bộ",
            Organisation::YouthUnion => "Đoàn Thanh niên",
            Organisation::WomensUnion => "Hội Phụ nữ",
            Organisation::Veterans => "Hội Cựu chiến binh",
            Organisation::Other => "Tổ chức khác",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Organisation::Staff => "Staff",
            Organisation::YouthUnion => "Youth Union",
            Organisation::WomensUnion => "Women's Union",
            Organisation::Veterans => "Veterans' Association",
            Organisation::Other => "Other organisation",
        }
    }
}

/// A staff member or volunteer who helps at support sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Helper {
    pub id: HelperId,
    pub unit: UnitCode,
    pub name: String,
    pub organisation: Organisation,
    pub phone: Option<String>,
}

/// A recurring support session in a neighborhood, with its helpers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub id: SessionId,
    pub unit: UnitCode,
    pub neighborhood: NeighborhoodId,
    pub place: String,
    pub rule: Recurrence,
    pub helpers: Vec<HelperId>,
}

fn text(s: &str, max: usize, err: SupportError) -> Result<String, SupportError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > max { Err(err) } else { Ok(s.to_string()) }
}

/// A neighborhood to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNeighborhood {
    pub unit: UnitCode,
    pub name: String,
    pub note: String,
}

impl NewNeighborhood {
    pub fn parse(unit: &UnitCode, name: &str, note: &str) -> Result<NewNeighborhood, SupportError> {
        let name = text(name, 100, SupportError::Name)?;
        let note = note.trim().chars().take(200).collect();
        Ok(NewNeighborhood { unit: unit.clone(), name, note })
    }
}

/// A helper to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHelper {
    pub unit: UnitCode,
    pub name: String,
    pub organisation: Organisation,
    pub phone: Option<String>,
}

impl NewHelper {
    pub fn parse(unit: &UnitCode, name: &str, organisation: &str, phone: &str) -> Result<NewHelper, SupportError> {
        let name = text(name, 100, SupportError::Name)?;
        let organisation = Organisation::parse(organisation)?;
        let phone: String = phone.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        let phone_ok = phone.len() == 10 && phone.starts_with('0') && phone.bytes().all(|b| b.is_ascii_digit());
        if !phone.is_empty() && !phone_ok {
            return Err(SupportError::Phone);
        }
        Ok(NewHelper { unit: unit.clone(), name, organisation, phone: (!phone.is_empty()).then_some(phone) })
    }
}

/// A session to add, as entered (ids as the form sends them).
#[derive(Debug, Clone, Default)]
pub struct SessionInput<'a> {
    pub neighborhood: &'a str,
    pub place: &'a str,
    pub weekday: &'a str,
    pub first: &'a str,
    pub last: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub helpers: Vec<&'a str>,
}

/// A session to add: its neighborhood and helpers are the unit's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub unit: UnitCode,
    pub neighborhood: NeighborhoodId,
    pub place: String,
    pub rule: Recurrence,
    pub helpers: Vec<HelperId>,
}

impl NewSession {
    /// Checks the entry against the unit's `neighborhoods` and `helpers`.
    pub fn parse(
        unit: &UnitCode,
        input: &SessionInput<'_>,
        neighborhoods: &[Neighborhood],
        helpers: &[Helper],
    ) -> Result<NewSession, SupportError> {
        let neighborhood = NeighborhoodId::parse(input.neighborhood, SupportError::UnknownNeighborhood)?;
        if !neighborhoods.iter().any(|n| n.id == neighborhood && n.unit == *unit) {
            return Err(SupportError::UnknownNeighborhood);
        }
        let place = text(input.place, 200, SupportError::Place)?;
        let rule = Recurrence::parse(input.weekday, input.first, input.last, input.start, input.end)?;
        let mut ids = Vec::new();
        for h in input.helpers.iter().filter(|h| !h.trim().is_empty()) {
            let id = HelperId::parse(h, SupportError::UnknownHelper)?;
            if !helpers.iter().any(|k| k.id == id && k.unit == *unit) {
                return Err(SupportError::UnknownHelper);
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(NewSession { unit: unit.clone(), neighborhood, place, rule, helpers: ids })
    }
}

/// An assisted dossier's attribution: the session occurrence (session and date) and the helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SupportRef {
    pub session: SessionId,
    pub date: NaiveDate,
    pub helper: HelperId,
}

impl SupportRef {
    /// Checks an attribution: the session and the helper are the unit's, and the session is
    /// held on `date` (scheduled, not cancelled by a holiday).
    pub fn check(
        session: &Session,
        helper: HelperId,
        helpers: &[Helper],
        date: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<SupportRef, SupportError> {
        if !helpers.iter().any(|h| h.id == helper && h.unit == session.unit) {
            return Err(SupportError::UnknownHelper);
        }
        if !session.rule.held_on(cal, date) {
            return Err(SupportError::NotHeld);
        }
        Ok(SupportRef { session: session.id, date, helper })
    }
}

#[cfg(test)]
mod tests;
