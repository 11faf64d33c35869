//! The storage the support-day features need (implemented in `motcua-storage`).

use std::future::Future;

use chrono::{DateTime, Utc};

use super::{Helper, Neighborhood, NewHelper, NewNeighborhood, NewSession, Session, SessionId, SupportRef};
use crate::dossier::{Channel, DossierCode};
use crate::ports::StoreError;
use crate::unit::UnitCode;

/// An assisted dossier as its `Assisted` event recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssistedRecord {
    pub dossier: DossierCode,
    pub channel: Channel,
    pub at: DateTime<Utc>,
    pub helper: String,
    pub session: String,
    /// `None` for assistance noted at the counter without a session.
    pub support: Option<SupportRef>,
}

pub trait SupportStore: Send + Sync {
    /// Adds a neighborhood; `Conflict` when the unit already has one of that name.
    fn add_neighborhood(&self, n: &NewNeighborhood) -> impl Future<Output = Result<Neighborhood, StoreError>> + Send;
    fn neighborhoods(&self, unit: &UnitCode) -> impl Future<Output = Result<Vec<Neighborhood>, StoreError>> + Send;
    fn add_helper(&self, h: &NewHelper) -> impl Future<Output = Result<Helper, StoreError>> + Send;
    fn helpers(&self, unit: &UnitCode) -> impl Future<Output = Result<Vec<Helper>, StoreError>> + Send;
    fn add_session(&self, s: &NewSession) -> impl Future<Output = Result<Session, StoreError>> + Send;
    /// A unit's sessions, or every unit's with `None`.
    fn sessions(&self, unit: Option<&UnitCode>) -> impl Future<Output = Result<Vec<Session>, StoreError>> + Send;
    fn session(&self, id: SessionId) -> impl Future<Output = Result<Option<Session>, StoreError>> + Send;
    /// The assisted dossiers received by `unit` whose assistance was recorded in `[from, to)`.
    fn assisted(
        &self,
        unit: &UnitCode,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<AssistedRecord>, StoreError>> + Send;
    /// How many dossiers were submitted online to `unit` in `[from, to)`.
    fn online_count(
        &self,
        unit: &UnitCode,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
}
