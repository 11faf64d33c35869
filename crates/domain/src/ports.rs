//! Storage traits the domain owns. `motcua-storage` implements them for SQLite and PostgreSQL,
//! and one contract test suite checks both.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::calendar::Amendment;
use crate::catalog::{Procedure, ProcedureCode};
use crate::dossier::chain::{BrokenLink, StoredEvent};
use crate::dossier::{Channel, Dossier, DossierCode, EventKind, NewDossier, SecretHash, Status};
use crate::error::Described;
use crate::staff::{Actor, Role, Staff};
use crate::unit::{Unit, UnitCode};

/// A storage failure. Backend details stay in the message; the domain never sees driver types.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Backend(String),
}

impl Described for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound => "NOT_FOUND",
            StoreError::Conflict(_) => "CONFLICT",
            StoreError::Backend(_) => "STORAGE_UNAVAILABLE",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            StoreError::NotFound => "Không tìm thấy dữ liệu yêu cầu.".into(),
            StoreError::Conflict(_) => "Dữ liệu đã tồn tại hoặc vừa được người khác thay đổi; vui lòng thử lại.".into(),
            StoreError::Backend(_) => "Hệ thống lưu trữ tạm thời không phản hồi; vui lòng thử lại sau ít phút.".into(),
        }
    }
    fn message_en(&self) -> String {
        match self {
            StoreError::NotFound => "The requested data was not found.".into(),
            StoreError::Conflict(_) => {
                "The data already exists or was just changed by someone else; please retry.".into()
            }
            StoreError::Backend(_) => "Storage is temporarily unavailable; please retry in a few minutes.".into(),
        }
    }
}

/// Either the domain refused the change or storage failed; in both cases nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError<E> {
    #[error(transparent)]
    Rejected(E),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A search of the procedure catalog.
#[derive(Debug, Clone, Default)]
pub struct ProcedureQuery {
    /// Free text; diacritics and case are ignored.
    pub text: Option<String>,
    pub field: Option<String>,
    pub limit: u32,
}

/// Filters for listing dossiers; every one is optional.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    /// Dossiers received at or handled by this unit.
    pub unit: Option<UnitCode>,
    /// Dossiers of the communes of this province.
    pub province: Option<UnitCode>,
    pub status: Option<Status>,
    pub procedure: Option<ProcedureCode>,
    pub channel: Option<Channel>,
    pub due_before: Option<DateTime<Utc>>,
    /// Only dossiers past their deadline at this instant (unfinished) or finished after it.
    pub late_at: Option<DateTime<Utc>>,
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_to: Option<DateTime<Utc>>,
}

/// A page of dossiers, newest first, with the cursor of the next page.
#[derive(Debug, Clone)]
pub struct DossierPage {
    pub items: Vec<Dossier>,
    pub next_cursor: Option<String>,
}

/// An event decided on a dossier being created, appended after its submission.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
}

/// A dossier to create: the checked submission, who submits it, when, and the secret's hash.
#[derive(Debug, Clone)]
pub struct Creation {
    pub new: NewDossier,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub secret: SecretHash,
}

/// The procedure catalog and the units.
pub trait CatalogStore: Send + Sync {
    fn upsert_units(&self, units: &[Unit]) -> impl Future<Output = Result<usize, StoreError>> + Send;
    fn unit(&self, code: &UnitCode) -> impl Future<Output = Result<Option<Unit>, StoreError>> + Send;
    /// Provinces when `parent` is `None`, else the communes of that province.
    fn units(&self, parent: Option<&UnitCode>) -> impl Future<Output = Result<Vec<Unit>, StoreError>> + Send;
    fn upsert_procedures(&self, procedures: &[Procedure]) -> impl Future<Output = Result<usize, StoreError>> + Send;
    fn procedure(&self, code: &ProcedureCode) -> impl Future<Output = Result<Option<Procedure>, StoreError>> + Send;
    fn search_procedures(&self, q: &ProcedureQuery) -> impl Future<Output = Result<Vec<Procedure>, StoreError>> + Send;
}

/// Dossiers, their events and projections, written together in one transaction.
pub trait DossierStore: Send + Sync {
    /// Assigns the next code of the receiving agency's day (no gaps, no duplicates) and writes
    /// the submission event and projection. `then`, if given, returns further events decided on
    /// the new dossier, appended in the same transaction (counter intake: submit and receive at
    /// once; simulations: a whole history). If it fails, nothing is written.
    fn create<F>(
        &self,
        creation: Creation,
        then: Option<F>,
    ) -> impl Future<Output = Result<Dossier, ExecuteError<crate::dossier::LifecycleError>>> + Send
    where
        F: FnOnce(&Dossier) -> Result<Vec<FollowUp>, crate::dossier::LifecycleError> + Send;

    /// Loads the dossier under a write lock, lets `decide` choose the event, appends it to the
    /// chain and updates the projection, all in one transaction. If `decide` fails nothing changes.
    fn execute<F, E>(
        &self,
        code: &DossierCode,
        actor: &Actor,
        at: DateTime<Utc>,
        decide: F,
    ) -> impl Future<Output = Result<Dossier, ExecuteError<E>>> + Send
    where
        F: FnOnce(&Dossier) -> Result<EventKind, E> + Send,
        E: Send;

    fn dossier(&self, code: &DossierCode) -> impl Future<Output = Result<Option<Dossier>, StoreError>> + Send;
    fn secret_hash(&self, code: &DossierCode) -> impl Future<Output = Result<Option<SecretHash>, StoreError>> + Send;
    fn list(
        &self,
        filter: &DossierFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<DossierPage, StoreError>> + Send;
    fn events(&self, code: &DossierCode) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send;
    /// Checks every dossier's chain and projection; returns the problems found, first link each.
    fn verify_all(&self) -> impl Future<Output = Result<VerifyReport, StoreError>> + Send;
}

/// The outcome of checking the whole event log.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub dossiers: u64,
    pub events: u64,
    pub broken: Vec<(String, BrokenLink)>,
    /// Dossiers whose stored projection differs from a replay of their events.
    pub drifted: Vec<String>,
}

/// Staff accounts and API tokens.
pub trait StaffStore: Send + Sync {
    fn create_staff(
        &self,
        username: &str,
        full_name: &str,
        role: Role,
        unit: &UnitCode,
        password_hash: &str,
    ) -> impl Future<Output = Result<Staff, StoreError>> + Send;
    /// The account and its password hash.
    fn staff_by_username(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<(Staff, String)>, StoreError>> + Send;
    fn staff_list(&self) -> impl Future<Output = Result<Vec<Staff>, StoreError>> + Send;
    /// Stores the hash of a bearer token for `staff` until `expires`.
    fn create_token(
        &self,
        token_hash: &str,
        staff: &Staff,
        expires: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn staff_by_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<Staff>, StoreError>> + Send;
}

/// Filters for listing PAKN; every one is optional.
#[derive(Debug, Clone, Default)]
pub struct PetitionFilter {
    pub unit: Option<UnitCode>,
    /// PAKN sent to the communes of this province.
    pub province: Option<UnitCode>,
    pub status: Option<crate::pakn::PetitionStatus>,
    pub limit: u32,
}

/// A PAKN to create: its submission event (deadlines already counted), when, the secret's hash.
#[derive(Debug, Clone)]
pub struct PetitionCreation {
    pub submission: crate::pakn::PetitionEvent,
    pub at: DateTime<Utc>,
    pub secret: SecretHash,
}

/// PAKN (feedback and complaints): each change is an event written with the projection.
pub trait PetitionStore: Send + Sync {
    /// Assigns the next code of the unit's day (no gaps, no duplicates) and writes the petition
    /// and its submission event. `NotFound` if the unit does not exist.
    fn create_petition(
        &self,
        creation: PetitionCreation,
    ) -> impl Future<Output = Result<crate::pakn::Petition, StoreError>> + Send;
    /// Loads the petition under a write lock, lets `decide` choose the event, appends it and
    /// rewrites the projection in one transaction; if `decide` fails nothing changes.
    fn execute_petition<F>(
        &self,
        code: &crate::pakn::PetitionCode,
        actor: &Actor,
        at: DateTime<Utc>,
        decide: F,
    ) -> impl Future<Output = Result<crate::pakn::Petition, ExecuteError<crate::pakn::PaknError>>> + Send
    where
        F: FnOnce(&crate::pakn::Petition) -> Result<crate::pakn::PetitionEvent, crate::pakn::PaknError> + Send;
    fn petition(
        &self,
        code: &crate::pakn::PetitionCode,
    ) -> impl Future<Output = Result<Option<crate::pakn::Petition>, StoreError>> + Send;
    fn petition_secret(
        &self,
        code: &crate::pakn::PetitionCode,
    ) -> impl Future<Output = Result<Option<SecretHash>, StoreError>> + Send;
    /// The petition's events, oldest first.
    fn petition_events(
        &self,
        code: &crate::pakn::PetitionCode,
    ) -> impl Future<Output = Result<Vec<crate::pakn::PetitionRecord>, StoreError>> + Send;
    /// Open ones first by deadline, then the others newest first; at most `filter.limit`.
    fn petitions(
        &self,
        filter: &PetitionFilter,
    ) -> impl Future<Output = Result<Vec<crate::pakn::Petition>, StoreError>> + Send;
}

/// Administrators' amendments to the holiday data.
pub trait CalendarStore: Send + Sync {
    fn amendments(&self) -> impl Future<Output = Result<Vec<Amendment>, StoreError>> + Send;
    fn add_amendment(&self, amendment: &Amendment) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Which dossiers an index computation reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexScope {
    /// Dossiers received at or handled by this commune.
    Unit(UnitCode),
    /// Dossiers of every commune of this province.
    Province(UnitCode),
}

/// The read side of the 766 index.
pub trait IndexStore: Send + Sync {
    /// The facts of the dossiers of `scope` whose receipt (else submission) falls in
    /// `[from, to)`, or that were received before `from` and had not ended by then, together
    /// with the procedures of the catalog.
    fn index_inputs(
        &self,
        scope: &IndexScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<crate::index::IndexInputs, StoreError>> + Send;
}

/// The national portal (DVCQG) connector's name in the sync outbox.
pub const DVCQG: &str = "dvcqg";
/// The civil-registry (hộ tịch) connector's name: decisions and results of civil-status procedures.
pub const CIVIL_REGISTRY: &str = "hotich";
/// The national population database (CSDL quốc gia về dân cư) connector: the intake identity check.
pub const POPULATION: &str = "dancu";

/// A message of the sync outbox claimed for delivery: one dossier change for one connector.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: i64,
    pub connector: String,
    pub dossier: String,
    /// The sequence number of the dossier's last event in the change.
    pub seq: u32,
    /// `{code}:{seq}`: the remote applies a key once.
    pub key: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
    /// The dossier projection (JSON) as the change left it.
    pub payload: String,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// The remote acknowledged it.
    Delivered { id: i64, ack: String, at: DateTime<Utc> },
    /// It failed; retried at `retry_at`, or dead once its attempts reach the limit.
    Failed { id: i64, error: String, at: DateTime<Utc>, retry_at: DateTime<Utc> },
    /// The remote refused the record itself (a permanent 4xx) or it cannot be built: dead at once.
    Rejected { id: i64, error: String, at: DateTime<Utc> },
}

/// The health of one connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorStatus {
    pub connector: String,
    /// Queued, never tried.
    pub pending: u64,
    /// Queued after at least one failed attempt.
    pub retrying: u64,
    /// Attempts exhausted, waiting for an operator.
    pub dead: u64,
    pub delivered: u64,
    /// When the oldest undelivered message (dead ones included) was written.
    pub oldest_undelivered_at: Option<DateTime<Utc>>,
}

/// A dead-lettered message, for the operator.
#[derive(Debug, Clone)]
pub struct DeadMessage {
    pub id: i64,
    pub connector: String,
    pub dossier: String,
    pub seq: u32,
    pub key: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub use crate::notify::outbox::NotifyStore;
pub use crate::support::SupportStore;

/// The sync outbox: rows are written by [`DossierStore`] in the transaction of each change; a
/// worker claims them (a lease; several servers never claim the same row) and records outcomes.
pub trait SyncStore: Send + Sync {
    /// Claims up to `limit` due messages of `connector`, each the earliest undelivered message of
    /// its dossier, leased until `now + lease`; counts the attempt.
    fn claim(
        &self,
        connector: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxMessage>, StoreError>> + Send;
    /// Records outcomes; a failure whose attempts reached `max_attempts` becomes dead.
    fn record(&self, outcomes: &[Delivery], max_attempts: u32) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every connector's counts (connectors with no message at all are absent).
    fn sync_status(&self) -> impl Future<Output = Result<Vec<ConnectorStatus>, StoreError>> + Send;
    /// Dead messages, oldest first.
    fn dead_messages(&self, limit: u32) -> impl Future<Output = Result<Vec<DeadMessage>, StoreError>> + Send;
    /// Queues a dead message again with fresh attempts; `NotFound` if `id` is not dead.
    fn replay(&self, id: i64, now: DateTime<Utc>) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Deletes up to `limit` rows of `connector` delivered before `before`, except each dossier's
    /// latest delivered one (its last acknowledgement stays); returns how many went.
    fn prune_delivered(
        &self,
        connector: &str,
        before: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Queues the dossier's current state for `connector` again under a fresh idempotency key
    /// (`{code}:{seq}:r{n}`), in per-dossier order after what is queued; returns the key.
    /// `NotFound` if there is no such dossier.
    fn repush(
        &self,
        connector: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;
}

/// A stored file's address and what was recorded with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    /// Hex SHA-256 of the content: the file's address.
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
}

/// Files addressed by the SHA-256 of their content (citizens' documents, scans, electronic
/// results), kept in the database so that every app server sees them. The same bytes are
/// stored once. Checking what may be stored (type, size) is the caller's job.
pub trait BlobStore: Send + Sync {
    /// Stores `bytes` durably (before returning) and returns their address.
    fn put_blob(
        &self,
        media_type: &str,
        bytes: &[u8],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<BlobMeta, StoreError>> + Send;
    /// What is recorded about a stored file, without its content.
    fn blob_meta(&self, sha256: &str) -> impl Future<Output = Result<Option<BlobMeta>, StoreError>> + Send;
    /// A stored file and its content.
    fn blob(&self, sha256: &str) -> impl Future<Output = Result<Option<(BlobMeta, Vec<u8>)>, StoreError>> + Send;
}

/// A payment to open on a dossier; its amount is what the dossier still owes, decided under the
/// dossier's lock.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub reference: crate::payment::PaymentRef,
    pub dossier: DossierCode,
    pub method: crate::payment::PaymentMethod,
    pub order_info: String,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When the reconciliation job first asks the gateway (`None`: never, e.g. cash).
    pub first_check_at: Option<DateTime<Utc>>,
}

/// What a report did to a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The payment moved (an event was appended to the dossier).
    Moved(crate::payment::Payment),
    /// Nothing changed: it was already there, or the report was stale news.
    Unchanged(crate::payment::Payment),
}

/// An open payment the reconciliation job should ask the gateway about.
#[derive(Debug, Clone)]
pub struct DueCheck {
    pub payment: crate::payment::Payment,
    /// Checks made so far.
    pub checks: u32,
}

/// Something a gateway or bank said that disagrees with our record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub reference: String,
    /// `ipn`, `querydr`, `statement`, `return`.
    pub source: String,
    pub ours: String,
    pub theirs: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// Payments of dossier fees. Every state change appends a `PaymentRecorded` event to the
/// dossier's chain in the same transaction, under the payment's row lock, so concurrent duplicate
/// reports change it once.
pub trait PaymentStore: Send + Sync {
    /// Opens a pending payment for what the dossier still owes.
    fn open_payment(
        &self,
        new: NewPayment,
    ) -> impl Future<Output = Result<crate::payment::Payment, ExecuteError<crate::payment::PaymentError>>> + Send;
    fn payment(
        &self,
        reference: &crate::payment::PaymentRef,
    ) -> impl Future<Output = Result<Option<crate::payment::Payment>, StoreError>> + Send;
    /// The dossier's payments, oldest first.
    fn dossier_payments(
        &self,
        code: &DossierCode,
    ) -> impl Future<Output = Result<Vec<crate::payment::Payment>, StoreError>> + Send;
    /// Applies a verified report (`NotFound` for an unknown reference). A refused report
    /// (wrong amount) changes nothing.
    fn report(
        &self,
        reference: &crate::payment::PaymentRef,
        report: &crate::payment::Report,
        actor: &Actor,
    ) -> impl Future<Output = Result<Recorded, ExecuteError<crate::payment::PaymentError>>> + Send;
    /// Open payments whose next check is due, soonest first.
    fn due_checks(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueCheck>, StoreError>> + Send;
    /// Sets the next check (`None`: stop checking) and counts the one just made.
    fn schedule_check(
        &self,
        reference: &crate::payment::PaymentRef,
        next: Option<DateTime<Utc>>,
        error: Option<String>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn record_mismatch(&self, m: &Mismatch) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Mismatches found in `[from, to)`, oldest first.
    fn mismatches(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<Mismatch>, StoreError>> + Send;
    /// The dossiers handled by `unit` that still owe fees, and how much.
    fn owed(&self, unit: &str)
    -> impl Future<Output = Result<Vec<crate::payment::statement::Owed>, StoreError>> + Send;
    /// Records a statement's credits with their matching outcome; a matched credit whose amount
    /// is still exactly owed becomes a paid VietQR payment (an event on the dossier). A credit
    /// already imported (same unit and bank reference) is skipped.
    fn import_credits(
        &self,
        unit: &str,
        credits: &[(crate::payment::statement::Credit, crate::payment::statement::Outcome)],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<ImportSummary, StoreError>> + Send;
    /// An officer assigns an unresolved credit of `unit` to `dossier`: a paid VietQR payment if
    /// the dossier owes exactly the credit's amount (`NotFound` for a resolved or unknown credit).
    fn resolve_credit(
        &self,
        unit: &str,
        id: i64,
        dossier: &DossierCode,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<crate::payment::Payment, ExecuteError<crate::payment::PaymentError>>> + Send;
    /// The unit's imported credits; only those an officer must resolve when `open_only`.
    fn bank_credits(
        &self,
        unit: &str,
        open_only: bool,
    ) -> impl Future<Output = Result<Vec<BankCredit>, StoreError>> + Send;
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub matched: u32,
    pub ambiguous: u32,
    pub unmatched: u32,
    /// Already imported before.
    pub duplicates: u32,
}

/// A credit of an imported statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankCredit {
    pub id: i64,
    pub bank_ref: String,
    pub booked_on: String,
    pub amount: i64,
    pub memo: String,
    /// `matched`, `ambiguous`, `unmatched`.
    pub status: String,
    pub payment: Option<String>,
    /// The dossiers it might be for, or why none fits.
    pub candidates: String,
}

/// Administration changes, each stored with its audit record in one transaction.
pub trait AdminStore: Send + Sync {
    /// Applies `change` made by `actor` at `at` and writes who, when, what, before and after in
    /// the same transaction; returns the record. Disabling an account, or changing its role or
    /// unit, deletes its tokens in that transaction (its sessions end at once).
    fn administer(
        &self,
        change: &crate::audit::AdminChange,
        actor: &Staff,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<crate::audit::AuditRecord, StoreError>> + Send;
    /// The newest `limit` records, of one kind or all.
    fn audit_log(
        &self,
        kind: Option<crate::audit::AuditKind>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<crate::audit::AuditRecord>, StoreError>> + Send;
    /// Every staff account, disabled ones too, by unit, role and username.
    fn staff_accounts(&self) -> impl Future<Output = Result<Vec<crate::staff::StaffAccount>, StoreError>> + Send;
    fn staff_account(
        &self,
        id: crate::staff::StaffId,
    ) -> impl Future<Output = Result<Option<crate::staff::StaffAccount>, StoreError>> + Send;
}
