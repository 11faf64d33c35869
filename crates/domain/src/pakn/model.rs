//! The petition as it stands ([`Petition`]), the events that change it, and the deadlines.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PaknError;
use super::code::PetitionCode;
use super::new::{NewPetition, Petitioner, Topic};
use crate::calendar::WorkCalendar;
use crate::dossier::DossierCode;
use crate::unit::UnitCode;

/// Working days allowed for each step, counted from submission (DOMAIN.md §1.3, item 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaknDeadlines {
    pub reject_days: u32,
    pub request_days: u32,
    /// Counted from submission, and again from a transfer to another unit.
    pub settle_days: u32,
    /// To publish the result once answered (DOMAIN.md §1.3, item 5.2: 2 working days). Tracked
    /// and shown; no scored indicator counts it (§1.2 does not).
    #[serde(default = "default_publish_days")]
    pub publish_days: u32,
}

fn default_publish_days() -> u32 {
    2
}

impl Default for PaknDeadlines {
    fn default() -> Self {
        PaknDeadlines { reject_days: 2, request_days: 5, settle_days: 15, publish_days: 2 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionStatus {
    /// Received, being handled.
    Received,
    /// Waiting for the citizen's additional information (the settle clock stops).
    AwaitingCitizen,
    Answered,
    Rejected,
}

impl PetitionStatus {
    pub const ALL: [PetitionStatus; 4] =
        [PetitionStatus::Received, PetitionStatus::AwaitingCitizen, PetitionStatus::Answered, PetitionStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionStatus::Received => "received",
            PetitionStatus::AwaitingCitizen => "awaiting_citizen",
            PetitionStatus::Answered => "answered",
            PetitionStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<PetitionStatus> {
        PetitionStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn name_vi(self) -> &'static str {
        match self {
            PetitionStatus::Received => "Đang xử lý",
            PetitionStatus::AwaitingCitizen => "Chờ người gửi bổ sung thông tin",
            PetitionStatus::Answered => "Đã trả lời",
            PetitionStatus::Rejected => "Từ chối tiếp nhận",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            PetitionStatus::Received => "Being handled",
            PetitionStatus::AwaitingCitizen => "Waiting for more information from you",
            PetitionStatus::Answered => "Answered",
            PetitionStatus::Rejected => "Not accepted",
        }
    }
    pub fn is_open(self) -> bool {
        matches!(self, PetitionStatus::Received | PetitionStatus::AwaitingCitizen)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Neutral,
    Dissatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [Satisfaction::Satisfied, Satisfaction::Neutral, Satisfaction::Dissatisfied];
    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Neutral => "neutral",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }
    pub fn parse(s: &str) -> Result<Satisfaction, PaknError> {
        Satisfaction::ALL.into_iter().find(|x| x.as_str() == s.trim()).ok_or(PaknError::InvalidSatisfaction(s.into()))
    }
    pub fn name_vi(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "Hài lòng",
            Satisfaction::Neutral => "Bình thường",
            Satisfaction::Dissatisfied => "Không hài lòng",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "Satisfied",
            Satisfaction::Neutral => "Neutral",
            Satisfaction::Dissatisfied => "Dissatisfied",
        }
    }
}

/// The citizen's rating of how the petition was handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
    /// The citizen complains again about the same matter (phản ánh lại).
    pub recomplaint: bool,
    pub at: DateTime<Utc>,
}

/// Every change to a petition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PetitionEvent {
    Submitted {
        petition: Box<NewPetition>,
        reject_due: DateTime<Utc>,
        request_due: DateTime<Utc>,
        settle_due: DateTime<Utc>,
    },
    Rejected {
        reason: String,
    },
    InfoRequested {
        question: String,
    },
    /// The citizen's reply; the settle deadline moves by the time spent waiting.
    InfoProvided {
        reply: String,
        settle_due: DateTime<Utc>,
    },
    Answered {
        answer: String,
    },
    Rated {
        satisfaction: Satisfaction,
        comment: Option<String>,
        recomplaint: bool,
    },
    /// Sent on to the unit that should handle it; the settle deadline restarts from here.
    Transferred {
        from: UnitCode,
        to: UnitCode,
        reason: String,
        settle_due: DateTime<Utc>,
    },
    /// The answer was made public; `due` is the publication deadline it was held to.
    Published {
        due: DateTime<Utc>,
    },
}

impl PetitionEvent {
    /// The short name stored with the event.
    pub fn name(&self) -> &'static str {
        match self {
            PetitionEvent::Submitted { .. } => "submitted",
            PetitionEvent::Rejected { .. } => "rejected",
            PetitionEvent::InfoRequested { .. } => "info_requested",
            PetitionEvent::InfoProvided { .. } => "info_provided",
            PetitionEvent::Answered { .. } => "answered",
            PetitionEvent::Rated { .. } => "rated",
            PetitionEvent::Transferred { .. } => "transferred",
            PetitionEvent::Published { .. } => "published",
        }
    }
}

/// One stored event: its number in the petition's history, when, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionRecord {
    pub seq: u32,
    pub at: DateTime<Utc>,
    /// `staff:7:specialist`, `citizen` or `system`.
    pub actor: String,
    pub event: PetitionEvent,
}

/// A petition as it stands now (the projection of its events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Petition {
    pub code: PetitionCode,
    pub unit: UnitCode,
    pub topic: Topic,
    pub about_dossier: Option<DossierCode>,
    pub title: String,
    pub content: String,
    pub petitioner: Petitioner,
    pub status: PetitionStatus,
    pub submitted_at: DateTime<Utc>,
    pub reject_due: DateTime<Utc>,
    pub request_due: DateTime<Utc>,
    pub settle_due: DateTime<Utc>,
    pub paused_since: Option<DateTime<Utc>>,
    pub info_request: Option<String>,
    pub info_reply: Option<String>,
    /// The answer, or the reason for not accepting it.
    pub answer: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    /// A step (rejection, request for information) came after its own deadline.
    pub late_step: bool,
    pub rating: Option<Rating>,
    /// The units it was transferred from, oldest first (it now belongs to `unit`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transferred_from: Vec<UnitCode>,
    /// When the answer was published, and whether by its deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on_time: Option<bool>,
}

impl Petition {
    /// The submission event of a new petition: the three deadlines counted on `calendar`.
    pub fn submission(
        new: NewPetition,
        at: DateTime<Utc>,
        calendar: &WorkCalendar,
        d: &PaknDeadlines,
    ) -> PetitionEvent {
        let due = |days: u32| calendar.due(at, &crate::calendar::StatutoryTime::WorkingDays { days });
        PetitionEvent::Submitted {
            petition: Box::new(new),
            reject_due: due(d.reject_days),
            request_due: due(d.request_days),
            settle_due: due(d.settle_days),
        }
    }

    /// The petition created by a submission event.
    pub fn open(code: PetitionCode, at: DateTime<Utc>, event: &PetitionEvent) -> Option<Petition> {
        let PetitionEvent::Submitted { petition: n, reject_due, request_due, settle_due } = event else { return None };
        Some(Petition {
            code,
            unit: n.unit.clone(),
            topic: n.topic,
            about_dossier: n.about_dossier.clone(),
            title: n.title.clone(),
            content: n.content.clone(),
            petitioner: n.petitioner.clone(),
            status: PetitionStatus::Received,
            submitted_at: at,
            reject_due: *reject_due,
            request_due: *request_due,
            settle_due: *settle_due,
            paused_since: None,
            info_request: None,
            info_reply: None,
            answer: None,
            ended_at: None,
            late_step: false,
            rating: None,
            transferred_from: Vec::new(),
            published_at: None,
            published_on_time: None,
        })
    }

    /// Applies a later event (decided by [`super::decide`], so always legal).
    pub fn evolve(mut self, at: DateTime<Utc>, event: &PetitionEvent) -> Petition {
        match event {
            PetitionEvent::Submitted { .. } => {}
            PetitionEvent::Rejected { reason } => {
                self.late_step |= at > self.reject_due;
                self.status = PetitionStatus::Rejected;
                self.answer = Some(reason.clone());
                self.ended_at = Some(at);
            }
            PetitionEvent::InfoRequested { question } => {
                self.late_step |= at > self.request_due;
                self.status = PetitionStatus::AwaitingCitizen;
                self.info_request = Some(question.clone());
                self.paused_since = Some(at);
            }
            PetitionEvent::InfoProvided { reply, settle_due } => {
                self.status = PetitionStatus::Received;
                self.info_reply = Some(reply.clone());
                self.settle_due = *settle_due;
                self.paused_since = None;
            }
            PetitionEvent::Answered { answer } => {
                self.status = PetitionStatus::Answered;
                self.answer = Some(answer.clone());
                self.ended_at = Some(at);
                self.paused_since = None;
            }
            PetitionEvent::Rated { satisfaction, comment, recomplaint } => {
                self.rating = Some(Rating {
                    satisfaction: *satisfaction,
                    comment: comment.clone(),
                    recomplaint: *recomplaint,
                    at,
                });
            }
            PetitionEvent::Transferred { from, to, settle_due, .. } => {
                self.transferred_from.push(from.clone());
                self.unit = to.clone();
                self.settle_due = *settle_due;
            }
            PetitionEvent::Published { due } => {
                self.published_at = Some(at);
                self.published_on_time = Some(at <= *due);
            }
        }
        self
    }

    /// The deadline to publish the answer: `days` working days after it, on `calendar`.
    pub fn publish_due(&self, calendar: &WorkCalendar, days: u32) -> Option<DateTime<Utc>> {
        let answered = self.ended_at.filter(|_| self.status == PetitionStatus::Answered)?;
        Some(calendar.due(answered, &crate::calendar::StatutoryTime::WorkingDays { days }))
    }

    /// Whether it was handled on time: `None` while open. A rejection is due within the reject
    /// deadline, an answer within the settle deadline, and no step may have been late.
    pub fn ended_on_time(&self) -> Option<bool> {
        let ended = self.ended_at?;
        let due = if self.status == PetitionStatus::Rejected { self.reject_due } else { self.settle_due };
        Some(!self.late_step && ended <= due)
    }

    /// Open and past its settle deadline at `t` (a pause stops the clock where it began).
    pub fn overdue_at(&self, t: DateTime<Utc>) -> bool {
        self.status.is_open() && self.paused_since.unwrap_or(t).min(t) > self.settle_due
    }

    /// The citizen disliked the handling or complained again.
    pub fn disliked(&self) -> bool {
        self.rating.as_ref().is_some_and(|r| r.satisfaction == Satisfaction::Dissatisfied || r.recomplaint)
    }
}
