//! The dossier projection: the current state, rebuilt by folding its events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Channel, DossierCode, Status};
use crate::calendar::{Timeliness, WorkCalendar};
use crate::catalog::ProcedureCode;
use crate::identity::ApplicantId;
use crate::unit::UnitCode;

/// The person or organisation the dossier is for (chủ hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: ApplicantId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Checked with the identity number and name against the national population database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<chrono::NaiveDate>,
}

/// A document of the dossier (TaiLieuNop), with the 766 flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// The procedure's component code (`ComponentSpec::code`).
    pub code: String,
    pub name: String,
    /// SHA-256 of the stored file, when a file is attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_sha256: Option<String>,
    /// DuocSoHoa: scanned or born-digital.
    #[serde(default)]
    pub digitized: bool,
    /// DuocTaiSuDung: reused from an earlier dossier.
    #[serde(default)]
    pub reused: bool,
    /// DuocLayTuKhoDMQG: taken from the citizen's personal store on the national portal.
    #[serde(default)]
    pub from_citizen_store: bool,
}

/// A fee owed by the dossier, in whole đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    pub name: String,
    pub amount: i64,
    #[serde(default = "one")]
    pub copies: u32,
}

fn one() -> u32 {
    1
}

impl FeeLine {
    pub fn total(&self) -> i64 {
        self.amount.saturating_mul(i64::from(self.copies))
    }
}

/// A result document (giấy tờ kết quả).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDoc {
    pub name: String,
    /// An electronic result (bản điện tử) rather than paper only.
    #[serde(default)]
    pub electronic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_sha256: Option<String>,
}

/// A citizen's satisfaction rating of a returned dossier (read by the 766 satisfaction indicator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// The citizen files a complaint (khiếu nại, phản ánh) about the handling.
    #[serde(default)]
    pub complaint: bool,
}

impl Rating {
    /// A dislike in the 766 sense: a score of 2 or less.
    pub fn disliked(&self) -> bool {
        self.score <= 2
    }
}

/// Why the clock stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    Supplement,
    FinancialObligation,
}

/// An interval during which the clock of the dossier was stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub kind: PauseKind,
    pub from: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
}

/// The SHA-256 of the secret a citizen receives at submission; the secret itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretHash(String);

impl SecretHash {
    pub fn of(secret: &str) -> SecretHash {
        SecretHash(hex::encode(Sha256::digest(secret.trim().as_bytes())))
    }
    pub fn from_stored(hex: String) -> SecretHash {
        SecretHash(hex)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Constant-time comparison with a presented secret.
    pub fn matches(&self, secret: &str) -> bool {
        let other = SecretHash::of(secret);
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// A dossier as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub code: DossierCode,
    pub procedure: ProcedureCode,
    /// Where it was filed.
    pub receiving_unit: UnitCode,
    /// Who decides it (Decree 118/2025: any center of the province may receive).
    pub handling_unit: UnitCode,
    pub channel: Channel,
    pub applicant: Applicant,
    pub status: Status,
    /// In status 4, whether a specialist has forwarded it to a leader.
    pub awaiting_approval: bool,
    pub submitted_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment (NgayHenTra), moved only by pauses.
    pub due_at: Option<DateTime<Utc>>,
    /// End of processing by the 766 priority (decided, then stopped/refused, then withdrawn).
    pub ended_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    /// Version of the holiday data the deadline was issued under.
    pub calendar_version: u32,
    pub pauses: Vec<Pause>,
    pub supplement_requests: u32,
    pub components: Vec<Component>,
    pub fees: Vec<FeeLine>,
    pub results: Vec<ResultDoc>,
    /// DuocThanhToanTrucTuyen: 0 not online, 1 national portal, 2 provincial gateway / Motcua.
    pub online_payment: u8,
    /// TaiKhoanDuocXacThucVoiVNeID.
    pub identity_verified: bool,
    /// What the citizen or the center is waiting for now (missing papers, reasons), if anything.
    pub pending_note: Option<String>,
    /// The citizen's satisfaction rating, given once after the result was returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// Apologies (Mẫu 04) issued so far.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub apologies: u32,
    /// Number of events so far (the sequence number of the last one).
    pub version: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Dossier {
    /// Total fees in đồng.
    pub fn fee_total(&self) -> i64 {
        self.fees.iter().map(FeeLine::total).sum()
    }

    /// Whether the dossier is late, on time or early by the 766 rules, at `now` for one in progress.
    /// `None` before receipt (no deadline yet) and for refused dossiers.
    pub fn timeliness(&self, calendar: &WorkCalendar, now: DateTime<Utc>) -> Option<Timeliness> {
        let due = self.due_at?;
        if self.status == Status::Refused {
            return None;
        }
        if self.supplement_requests > 1 {
            return Some(Timeliness::Late);
        }
        let end = match (self.ended_at, self.open_pause()) {
            (Some(end), _) => end,
            // Waiting for the citizen: the request time is the end (766 rule 2.1).
            (None, Some(p)) => p.from,
            (None, None) => now,
        };
        Some(calendar.classify(due, end))
    }

    /// The pause in force, if the clock is stopped.
    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.last().filter(|p| p.until.is_none())
    }

    /// Whether staff of `unit` work on this dossier.
    pub fn involves(&self, unit: &UnitCode) -> bool {
        &self.receiving_unit == unit || &self.handling_unit == unit
    }
}
