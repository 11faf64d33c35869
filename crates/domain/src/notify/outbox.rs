//! The notification outbox as the domain sees it: messages claimed for sending, their outcomes,
//! and the record of what was sent (shown on the dossier). Rows are written by the dossier store
//! in the transaction of each change ([`super::notice_for`] decides which changes).

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::template::Template;
use super::{Channel, ChannelOrder, Notice, NoticeKind};
use crate::identity::ApplicantId;
use crate::ports::StoreError;
use crate::unit::UnitCode;

/// A message claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyMessage {
    pub id: i64,
    pub dossier: String,
    /// The unit whose templates apply (`None`: the defaults).
    pub unit: Option<String>,
    pub seq: u32,
    pub channel: Channel,
    pub recipient: String,
    pub notice: Notice,
    /// `{code}:{seq}:{channel}`: sent to the gateway so that it never delivers twice either.
    pub key: String,
    /// Including this one.
    pub attempts: u32,
}

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyOutcome {
    /// The gateway took it (`provider_id` identifies it in delivery reports).
    Accepted { id: i64, provider_id: String, at: DateTime<Utc> },
    /// Delivered (an SMTP server accepted the mail).
    Delivered { id: i64, provider_id: String, at: DateTime<Utc> },
    /// A temporary failure: try again at `retry_at` (failed for good after the last attempt).
    Retry { id: i64, error: String, at: DateTime<Utc>, retry_at: DateTime<Utc> },
    /// A permanent failure: failed now; the fallback channel, if any, is queued.
    Failed { id: i64, error: String, at: DateTime<Utc> },
}

/// A message as recorded for a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentMessage {
    pub seq: u32,
    pub channel: Channel,
    pub recipient: String,
    pub kind: NoticeKind,
    /// `queued`, `accepted`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The notification outbox.
pub trait NotifyStore: Send + Sync {
    /// Claims up to `limit` due queued messages, leased until `now + lease`; counts the attempt.
    fn claim_notices(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<NotifyMessage>, StoreError>> + Send;
    /// Records outcomes; a retry whose attempts reached `max_attempts` fails for good. A message
    /// failing for good queues its fallback channel (once).
    fn record_notices(
        &self,
        outcomes: &[NotifyOutcome],
        max_attempts: u32,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// A gateway's delivery report for `provider_id`: delivered, or failed with `reason` (which
    /// queues the fallback). Returns false when no accepted message has that id.
    fn delivery_report(
        &self,
        provider_id: &str,
        delivered: bool,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Every message of a dossier, in order.
    fn notices(&self, dossier: &str) -> impl Future<Output = Result<Vec<SentMessage>, StoreError>> + Send;
}

/// A unit's own template of one notice kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTemplate {
    pub unit: String,
    pub kind: NoticeKind,
    pub template: Template,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// Units' templates and citizens' channel orders.
pub trait TemplateStore: Send + Sync {
    /// The templates `unit` replaced (kinds without one use [`Template::default_for`]).
    fn unit_templates(&self, unit: &UnitCode) -> impl Future<Output = Result<Vec<UnitTemplate>, StoreError>> + Send;
    /// The replaced templates of any of `units` (for the sending worker).
    fn templates_of(&self, units: &[String]) -> impl Future<Output = Result<Vec<UnitTemplate>, StoreError>> + Send;
    /// Saves (or replaces) a unit's template of one kind.
    fn save_template(&self, t: &UnitTemplate) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Goes back to the default; false when the unit had not replaced it.
    fn reset_template(
        &self,
        unit: &UnitCode,
        kind: NoticeKind,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The channel order a citizen (by personal identification number) chose.
    fn channel_order(
        &self,
        citizen: &ApplicantId,
    ) -> impl Future<Output = Result<Option<ChannelOrder>, StoreError>> + Send;
    /// Records a citizen's channel order (for their later notices).
    fn set_channel_order(
        &self,
        citizen: &ApplicantId,
        order: &ChannelOrder,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
