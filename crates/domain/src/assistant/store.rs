//! What the assistant keeps: citizens' messages (each Zalo `msg_id` once), the human queue, the
//! outbox of replies to send through the OA (retried until Zalo takes them), and the OA tokens.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::ports::StoreError;

/// A citizen's message, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// Zalo's `message.msg_id`: a second event with it is a replay.
    pub msg_id: String,
    /// The citizen (`sender.id`).
    pub user_id: String,
    /// The unit whose OA received it.
    pub unit: String,
    pub text: String,
    /// `question`, `lookup`, `bad_code` or `empty`.
    pub intent: String,
    /// The procedure the question was matched to.
    pub procedure: Option<String>,
    pub at: DateTime<Utc>,
}

/// What happens to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handling {
    /// The assistant answers it.
    Answered { reply: String },
    /// It waits for an officer; `holding` is sent unless the citizen already waits.
    HandedOver { holding: String },
}

/// A message of the human queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: i64,
    pub user_id: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// One line of a conversation, in either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// From the citizen (else to them).
    pub inbound: bool,
    pub text: String,
    /// For replies: `assistant` or the officer's username.
    pub sender: Option<String>,
    /// For replies: `queued`, `sent` or `failed`.
    pub status: Option<String>,
    pub at: DateTime<Utc>,
}

/// A reply claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub user_id: String,
    pub text: String,
    pub key: String,
    /// Including this one.
    pub attempts: u32,
}

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent { id: i64, message_id: String, at: DateTime<Utc> },
    Retry { id: i64, error: String, at: DateTime<Utc>, retry_at: DateTime<Utc> },
    Failed { id: i64, error: String, at: DateTime<Utc> },
}

/// The OA's access and refresh tokens (a refresh token is used once: Zalo issues a new one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
}

/// How many replies wait, are sent, or failed for good.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
}

pub trait AssistantStore {
    /// Records `m` and, in the same transaction, queues its reply; `false` (nothing written) when
    /// its `msg_id` was seen before.
    fn record_inbound(&self, m: &Inbound, handling: &Handling)
    -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The unit's messages waiting for an officer, oldest first.
    fn waiting(&self, unit: &str, limit: u32) -> impl Future<Output = Result<Vec<Waiting>, StoreError>> + Send;
    /// The last `limit` lines with a citizen of the unit, oldest first.
    fn conversation(
        &self,
        unit: &str,
        user_id: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Line>, StoreError>> + Send;
    /// An officer answers waiting message `id` (and every earlier one of that citizen): queued for
    /// sending in the same transaction. `false` when it is not waiting (answered, or not the unit's).
    fn answer(
        &self,
        unit: &str,
        id: i64,
        officer: &str,
        text: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Claims due replies under a lease.
    fn claim_replies(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Outgoing>, StoreError>> + Send;
    /// Records outcomes; a retry after `max_attempts` fails for good.
    fn record_replies(
        &self,
        outcomes: &[SendOutcome],
        max_attempts: u32,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn reply_counts(&self) -> impl Future<Output = Result<OutboxCounts, StoreError>> + Send;
    fn oa_tokens(&self, app_id: &str) -> impl Future<Output = Result<Option<OaTokens>, StoreError>> + Send;
    /// Stores fresh tokens; with `replacing`, only if the stored refresh token is still that one
    /// (`false`: another server refreshed first).
    fn save_oa_tokens(
        &self,
        app_id: &str,
        tokens: &OaTokens,
        replacing: Option<&str>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
