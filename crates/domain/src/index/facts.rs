//! What one dossier contributes to the index, taken from its projection and its procedure, so
//! that the computation needs no storage.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{OnlineLevel, Procedure, ProcedureCode, ResultKind};
use crate::dossier::{Channel, Dossier, DossierCode, Status};
use crate::pakn::{Petition, PetitionCode};
use crate::unit::UnitCode;

/// The catalog facts the index needs about a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureFacts {
    pub code: ProcedureCode,
    /// Lĩnh vực (the reports by field).
    #[serde(default)]
    pub field: String,
    /// A non-zero fee is possible (the payment indicator counts only these).
    pub has_fee: bool,
    /// The result is a paper document (the e-result indicators count only these).
    pub paper_result: bool,
    /// Offered fully online (toàn trình).
    pub fully_online: bool,
}

impl ProcedureFacts {
    pub fn of(p: &Procedure) -> ProcedureFacts {
        ProcedureFacts {
            code: p.code.clone(),
            field: p.field.clone(),
            has_fee: p.has_fee(),
            paper_result: p.result_kind == ResultKind::Paper,
            fully_online: p.online_level == OnlineLevel::Full,
        }
    }
}

/// One dossier as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierFacts {
    pub code: DossierCode,
    pub procedure: ProcedureCode,
    /// The procedure's field (lĩnh vực); empty when the procedure is not in the catalog.
    #[serde(default)]
    pub field: String,
    pub receiving_unit: UnitCode,
    pub handling_unit: UnitCode,
    pub channel: Channel,
    pub status: Status,
    pub submitted_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Start of the pause in force (waiting for the citizen), if any.
    pub paused_since: Option<DateTime<Utc>>,
    pub supplement_requests: u32,
    /// At least one component, and at least one of them digitised (DuocSoHoa).
    pub digitized: bool,
    /// At least one component reused (DuocTaiSuDung).
    pub reused: bool,
    /// At least one component taken from the citizen's store on the national portal.
    pub from_citizen_store: bool,
    /// At least one electronic result.
    pub electronic_result: bool,
    pub paper_result: bool,
    pub has_fee: bool,
    pub fee_total: i64,
    /// 0 not online, 1 national portal, 2 provincial gateway.
    pub online_payment: u8,
    pub identity_verified: bool,
    pub fully_online_procedure: bool,
    /// The citizen's rating after return (1–5), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// The citizen flagged a complaint with the rating.
    #[serde(default)]
    pub complaint: bool,
}

impl DossierFacts {
    /// The facts of `d`; an unknown procedure counts as paper-result, fee-free, not online.
    pub fn of(d: &Dossier, procedure: Option<&ProcedureFacts>) -> DossierFacts {
        DossierFacts {
            code: d.code.clone(),
            procedure: d.procedure.clone(),
            field: procedure.map(|p| p.field.clone()).unwrap_or_default(),
            receiving_unit: d.receiving_unit.clone(),
            handling_unit: d.handling_unit.clone(),
            channel: d.channel,
            status: d.status,
            submitted_at: d.submitted_at,
            received_at: d.received_at,
            due_at: d.due_at,
            ended_at: d.ended_at,
            paused_since: d.open_pause().map(|p| p.from),
            supplement_requests: d.supplement_requests,
            digitized: d.components.iter().any(|c| c.digitized),
            reused: d.components.iter().any(|c| c.reused),
            from_citizen_store: d.components.iter().any(|c| c.from_citizen_store),
            electronic_result: d.results.iter().any(|r| r.electronic),
            paper_result: procedure.is_none_or(|p| p.paper_result),
            has_fee: procedure.is_some_and(|p| p.has_fee),
            fee_total: d.fee_total(),
            online_payment: d.online_payment,
            identity_verified: d.identity_verified,
            fully_online_procedure: procedure.is_some_and(|p| p.fully_online),
            rating: d.rating.as_ref().map(|r| r.score),
            complaint: d.rating.as_ref().is_some_and(|r| r.complaint),
        }
    }

    /// The date a dossier is attributed to a period by: receipt, else submission (§1.3).
    pub fn anchor(&self) -> DateTime<Utc> {
        self.received_at.unwrap_or(self.submitted_at)
    }

    /// Late by `as_of`: settled after its due time, open past it (a pause counts from its
    /// start), or asked for supplements more than once.
    pub fn late(&self, rule: super::EarlyRule, as_of: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let Some(due) = self.due_at else { return false };
        if self.supplement_requests > 1 {
            return true;
        }
        match self.ended_at.filter(|e| *e <= now) {
            Some(end) => super::progress::classify(rule, due, end) == crate::calendar::Timeliness::Late,
            None => self.paused_since.filter(|p| *p <= as_of).unwrap_or(as_of) > due,
        }
    }

    /// Settled by `as_of` with a result (decided or returned).
    pub fn settled_with_result(&self, as_of: DateTime<Utc>) -> bool {
        matches!(self.status, Status::Decided | Status::Returned) && self.ended_at.is_some_and(|e| e <= as_of)
    }
}

/// One PAKN (feedback or complaint) as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionFacts {
    pub code: PetitionCode,
    pub unit: UnitCode,
    pub submitted_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Handled on time (`None` while open).
    pub ended_on_time: Option<bool>,
    pub settle_due: DateTime<Utc>,
    /// Waiting for the citizen since then (the settle clock stopped).
    pub paused_since: Option<DateTime<Utc>>,
    /// Rated "dissatisfied" or complained again.
    pub disliked: bool,
}

impl PetitionFacts {
    pub fn of(p: &Petition) -> PetitionFacts {
        PetitionFacts {
            code: p.code.clone(),
            unit: p.unit.clone(),
            submitted_at: p.submitted_at,
            ended_at: p.ended_at,
            ended_on_time: p.ended_on_time(),
            settle_due: p.settle_due,
            paused_since: p.paused_since,
            disliked: p.disliked(),
        }
    }

    /// Ended by `now`, or open and still within its deadline at `as_of`.
    pub fn on_time(&self, as_of: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        match (self.ended_at, self.ended_on_time) {
            (Some(e), Some(ok)) if e <= now => ok,
            _ => self.paused_since.unwrap_or(as_of).min(as_of) <= self.settle_due,
        }
    }

    pub fn handled(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_some_and(|e| e <= now)
    }
}

/// Everything the index of one unit or province needs: its dossiers, its PAKN and its catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexInputs {
    pub dossiers: Vec<DossierFacts>,
    /// The procedures of the catalog the unit applies (denominators of the per-procedure rates).
    pub procedures: Vec<ProcedureFacts>,
    /// The PAKN sent to the unit (or the province's communes) in the period.
    #[serde(default)]
    pub petitions: Vec<PetitionFacts>,
}
