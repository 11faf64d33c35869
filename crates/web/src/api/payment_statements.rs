//! Bank statements of a unit's fee account: import a CSV export (matched to the dossiers that owe
//! fees by the dossier code in the memo and the amount; a matched credit pays its dossier), and
//! the credits an officer must resolve. The accepted layouts are documented in
//! `motcua_domain::payment::statement`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_domain::Described;
use motcua_domain::dossier::DossierCode;
use motcua_domain::payment::PaymentState;
use motcua_domain::payment::statement::{Matcher, Outcome, parse_statement};
use motcua_domain::ports::{BankCredit, ExecuteError, PaymentStore, StoreError};
use motcua_domain::staff::Actor;
use motcua_domain::staff::{Role, Staff};
use motcua_domain::unit::UnitCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::payments::PaymentView;
use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// Credits that paid a dossier.
    pub matched: u32,
    /// Credits fitting several dossiers (or one already paid by another credit).
    pub ambiguous: u32,
    pub unmatched: u32,
    /// Credits imported before (same bank reference), skipped.
    pub duplicates: u32,
}

/// A credit of an imported statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditView {
    pub id: i64,
    pub bank_ref: String,
    /// `YYYY-MM-DD`.
    pub booked_on: String,
    pub amount: i64,
    pub memo: String,
    /// `matched`, `ambiguous` or `unmatched`.
    pub status: String,
    /// The payment a matched credit made.
    pub payment: Option<String>,
    /// The dossiers it may be for, or why none fits.
    pub candidates: String,
}

impl From<BankCredit> for CreditView {
    fn from(c: BankCredit) -> CreditView {
        CreditView {
            id: c.id,
            bank_ref: c.bank_ref,
            booked_on: c.booked_on,
            amount: c.amount,
            memo: c.memo,
            status: c.status,
            payment: c.payment,
            candidates: c.candidates,
        }
    }
}

/// Intake officers and center directors of the unit itself.
fn officer_of(staff: &Staff, unit: &str) -> ApiResult<UnitCode> {
    let unit = UnitCode::parse(unit).map_err(|e| ApiError::invalid(&e))?;
    if staff.unit != unit || !matches!(staff.role, Role::IntakeOfficer | Role::CenterDirector) {
        return Err(ApiError::forbidden());
    }
    Ok(unit)
}

/// Reads, matches and records a statement; every unreadable row is reported and nothing is kept.
pub async fn import_statement(state: &AppState, unit: &UnitCode, body: &[u8]) -> ApiResult<ImportView> {
    let credits = parse_statement(body).map_err(|errors| {
        let lines: Vec<String> = errors.iter().take(10).map(ToString::to_string).collect();
        let first = &errors[0];
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            first.code(),
            format!("{} ({} dòng lỗi: {})", first.message_vi(), errors.len(), lines.join("; ")),
            format!("{} ({} bad rows: {})", first.message_en(), errors.len(), lines.join("; ")),
        )
        .with_field("statement")
    })?;
    let owed = state.db.owed(unit.as_str()).await?;
    let outcomes = Matcher::new(owed).run(&credits);
    let items: Vec<_> = credits.into_iter().zip(outcomes).collect();
    let s = state.db.import_credits(unit.as_str(), &items, state.now()).await?;
    // Dossiers waiting in their financial-obligation step continue once paid.
    for (_, outcome) in &items {
        if let Outcome::Matched(code) = outcome {
            let payments = state.db.dossier_payments(code).await?;
            if let Some(p) = payments.iter().rev().find(|p| p.state == PaymentState::Paid) {
                crate::payments::after_paid(state, p).await;
            }
        }
    }
    Ok(ImportView { matched: s.matched, ambiguous: s.ambiguous, unmatched: s.unmatched, duplicates: s.duplicates })
}

/// Import a bank statement of the unit's fee account (the CSV export as the request body).
#[utoipa::path(post, path = "/api/v1/units/{code}/bank-statements", tag = "payments",
    params(("code" = String, Path, description = "Unit code")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_statement(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportView>> {
    let unit = officer_of(&staff, &code)?;
    Ok(Json(import_statement(&state, &unit, &body).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OpenParam {
    /// Only the credits an officer must resolve (default true).
    pub open: Option<bool>,
}

/// The unit's imported credits, oldest first.
#[utoipa::path(get, path = "/api/v1/units/{code}/bank-credits", tag = "payments",
    params(("code" = String, Path, description = "Unit code"), OpenParam),
    responses((status = 200, body = Vec<CreditView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_credits(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<OpenParam>,
) -> ApiResult<Json<Vec<CreditView>>> {
    let unit = officer_of(&staff, &code)?;
    let credits = state.db.bank_credits(unit.as_str(), q.open.unwrap_or(true)).await?;
    Ok(Json(credits.into_iter().map(CreditView::from).collect()))
}

/// Which dossier an unresolved credit is for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveBody {
    pub dossier: String,
}

/// An officer resolves a credit: it pays the named dossier, which must owe exactly its amount.
pub async fn resolve(state: &AppState, staff: &Staff, id: i64, dossier: &str) -> ApiResult<PaymentView> {
    let code = DossierCode::parse(dossier).map_err(|e| ApiError::invalid(&e).with_field("dossier"))?;
    let actor = Actor::staff(staff);
    let p =
        state.db.resolve_credit(staff.unit.as_str(), id, &code, &actor, state.now()).await.map_err(|e| match e {
            ExecuteError::Store(StoreError::NotFound) => {
                ApiError::not_found("khoản ghi có cần xử lý", "Unresolved credit")
            }
            e => crate::api::payments::payment_error(e),
        })?;
    crate::payments::after_paid(state, &p).await;
    Ok(PaymentView::from(&p))
}

/// Resolve an unmatched or ambiguous credit by naming its dossier; it pays the dossier.
#[utoipa::path(post, path = "/api/v1/units/{code}/bank-credits/{id}/resolve", tag = "payments",
    params(("code" = String, Path, description = "Unit code"), ("id" = i64, Path, description = "Credit id")),
    request_body = ResolveBody,
    responses((status = 200, body = PaymentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve_credit(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath((code, id)): ApiPath<(String, i64)>,
    ApiJson(body): ApiJson<ResolveBody>,
) -> ApiResult<Json<PaymentView>> {
    officer_of(&staff, &code)?;
    Ok(Json(resolve(&state, &staff, id, &body.dossier).await?))
}
