//! Paying a dossier's fees: open a payment (VNPay link or VietQR transfer), list them, record
//! cash at the counter, and the mismatch report. VNPay's IPN is in [`super::payment_ipn`].
//!
//! Only a verified report moves a payment: the IPN (signature, merchant, order, amount), the
//! reconciliation job's signed status query, a matched statement line, or an officer's cash
//! receipt. The return page the citizen comes back to only shows what is known.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use motcua_domain::dossier::{Dossier, DossierCode};
use motcua_domain::payment::vnpay::{self, PayRequest};
use motcua_domain::payment::words::amount_in_words;
use motcua_domain::payment::{Payment, PaymentError, PaymentMethod, PaymentRef, PaymentState, Report, vietqr};
use motcua_domain::ports::{ExecuteError, NewPayment, PaymentStore, Recorded, StoreError};
use motcua_domain::staff::{Actor, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{presented_secret, readable_dossier};
use crate::api::dossiers::SecretParam;
use crate::auth::{MaybeStaff, StaffAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// A payment as shown to the citizen and staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    pub reference: String,
    pub dossier: String,
    /// `vnpay`, `vietqr` or `cash`.
    pub method: String,
    /// Whole đồng.
    pub amount: i64,
    pub amount_in_words: String,
    /// `pending`, `paid`, `failed`, `expired`, `cancelled`.
    pub state: String,
    pub state_vi: String,
    pub state_en: String,
    pub gateway_txn: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

impl From<&Payment> for PaymentView {
    fn from(p: &Payment) -> PaymentView {
        PaymentView {
            reference: p.reference.to_string(),
            dossier: p.dossier.to_string(),
            method: p.method.as_str().into(),
            amount: p.amount,
            amount_in_words: amount_in_words(p.amount),
            state: p.state.as_str().into(),
            state_vi: p.state.name_vi().into(),
            state_en: p.state.name_en().into(),
            gateway_txn: p.gateway_txn.clone(),
            created_at: p.created_at,
            expires_at: p.expires_at,
            paid_at: p.paid_at,
        }
    }
}

/// How the citizen wants to pay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentRequest {
    /// `vnpay` or `vietqr`.
    pub method: String,
    /// The gateway page's language: `vn` (default) or `en`.
    #[serde(default)]
    pub locale: Option<String>,
    /// Pre-selects a bank or method on VNPay's page (`VNBANK`, `INTCARD`, `VNPAYQR`).
    #[serde(default)]
    pub bank_code: Option<String>,
}

/// A payment just opened, with where to pay it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenedPayment {
    pub payment: PaymentView,
    /// VNPay: the signed link to redirect the citizen to.
    pub pay_url: Option<String>,
    /// VietQR: the EMVCo payload to show as a QR code.
    pub vietqr: Option<String>,
}

pub(crate) fn payment_error(e: ExecuteError<PaymentError>) -> ApiError {
    match e {
        ExecuteError::Rejected(e) => {
            let status = match e {
                PaymentError::AlreadyPaid => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            ApiError::described(status, &e)
        }
        ExecuteError::Store(StoreError::NotFound) => crate::access::not_found(),
        ExecuteError::Store(e) => e.into(),
    }
}

/// The client's address for VNPay (`vnp_IpAddr`): the first `X-Forwarded-For` hop if a proxy
/// sets one, else the loopback address.
pub(crate) fn client_ip(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string())
        .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        .unwrap_or_else(|| "127.0.0.1".into())
}

/// Opens a payment of what `d` still owes and says where to pay it.
pub async fn open(
    state: &AppState,
    d: &Dossier,
    actor: Actor,
    method: PaymentMethod,
    locale: &str,
    bank_code: Option<String>,
    ip: String,
) -> ApiResult<OpenedPayment> {
    let unit = d.handling_unit.as_str();
    let g = &state.payments;
    let now = state.now();
    let no_gateway = || ApiError::invalid(&PaymentError::NoGateway(unit.to_string()));
    let reference = PaymentRef::generate(rand::random());
    let order_info = format!("Thanh toan phi le phi ho so {}", d.code);
    let (expires_at, first_check_at) = match method {
        PaymentMethod::Vnpay => {
            let endpoints = g.vnpay.as_ref().filter(|_| g.merchant(unit).is_some()).ok_or_else(no_gateway)?;
            let expire = Duration::from_std(endpoints.expire).unwrap_or(Duration::minutes(15));
            let first = Duration::from_std(g.policy.first).unwrap_or(Duration::minutes(5));
            (now + expire, Some(now + first))
        }
        PaymentMethod::VietQr => {
            g.account(unit).ok_or_else(no_gateway)?;
            (now + Duration::days(7), None)
        }
        PaymentMethod::Cash => (now, None),
    };
    let new = NewPayment {
        reference,
        dossier: d.code.clone(),
        method,
        order_info,
        actor,
        at: now,
        expires_at,
        first_check_at,
    };
    let p = state.db.open_payment(new).await.map_err(payment_error)?;
    let mut opened = OpenedPayment { payment: PaymentView::from(&p), pay_url: None, vietqr: None };
    match method {
        PaymentMethod::Vnpay => {
            if let (Some(e), Some(m)) = (g.vnpay.as_ref(), g.merchant(unit)) {
                let req = PayRequest {
                    txn_ref: p.reference.to_string(),
                    amount: p.amount,
                    order_info: p.order_info.clone(),
                    return_url: e.return_url.clone(),
                    ip_addr: ip,
                    created: p.created_at,
                    expires: p.expires_at,
                    locale: if locale == "en" { "en".into() } else { "vn".into() },
                    bank_code,
                };
                opened.pay_url = Some(vnpay::payment_url(&e.payment_url, m, &req));
            }
        }
        PaymentMethod::VietQr => {
            opened.vietqr = g.account(unit).map(|a| vietqr::payload(a, p.amount, &d.code.to_string()));
        }
        PaymentMethod::Cash => {}
    }
    Ok(opened)
}

/// Open a payment of what the dossier still owes: a signed VNPay link, or a VietQR transfer.
/// For the applicant (with the dossier's secret) or staff who may see the dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/payments", tag = "payments",
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    request_body = PaymentRequest,
    responses((status = 201, body = OpenedPayment), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_payment(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
    ApiJson(body): ApiJson<PaymentRequest>,
) -> ApiResult<(StatusCode, Json<OpenedPayment>)> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(&headers, q.secret.as_deref());
    let d = readable_dossier(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    let method = match PaymentMethod::parse(&body.method) {
        Some(m @ (PaymentMethod::Vnpay | PaymentMethod::VietQr)) => m,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_PAYMENT_METHOD",
                "Hình thức thanh toán trực tuyến phải là \"vnpay\" hoặc \"vietqr\".",
                "The online payment method must be \"vnpay\" or \"vietqr\".",
            )
            .with_field("method"));
        }
    };
    let actor = staff.as_ref().map_or(Actor::Citizen, Actor::staff);
    let locale = body.locale.as_deref().unwrap_or("vn");
    let opened = open(&state, &d, actor, method, locale, body.bank_code, client_ip(&headers)).await?;
    Ok((StatusCode::CREATED, Json(opened)))
}

/// The dossier's payments, oldest first.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/payments", tag = "payments",
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    responses((status = 200, body = Vec<PaymentView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_payments(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
) -> ApiResult<Json<Vec<PaymentView>>> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(&headers, q.secret.as_deref());
    readable_dossier(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    Ok(Json(state.db.dossier_payments(&code).await?.iter().map(PaymentView::from).collect()))
}

/// Record cash paid at the counter for what the dossier owes (not an online payment: flag 0).
/// Intake officers and center directors of the dossier's units.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/payments/cash", tag = "payments",
    params(("code" = String, Path, description = "Dossier code")),
    responses((status = 201, body = PaymentView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_cash(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<PaymentView>)> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let d = readable_dossier(&state, Some(&staff), None, &code).await?;
    if !matches!(staff.role, Role::IntakeOfficer | Role::CenterDirector) || !d.involves(&staff.unit) {
        return Err(ApiError::forbidden());
    }
    let actor = Actor::staff(&staff);
    let opened = open(&state, &d, actor.clone(), PaymentMethod::Cash, "vn", None, String::new()).await?;
    let reference = PaymentRef::parse(&opened.payment.reference).map_err(|e| ApiError::invalid(&e))?;
    let report = Report { to: PaymentState::Paid, amount: opened.payment.amount, gateway_txn: None, at: state.now() };
    let p = match state.db.report(&reference, &report, &actor).await.map_err(payment_error)? {
        Recorded::Moved(p) | Recorded::Unchanged(p) => p,
    };
    crate::payments::after_paid(&state, &p).await;
    Ok((StatusCode::CREATED, Json(PaymentView::from(&p))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DayParam {
    /// The day (Vietnam time), `YYYY-MM-DD`; default: today.
    pub day: Option<String>,
}

/// A disagreement between a gateway or bank and our record.
#[derive(Debug, Serialize, ToSchema)]
pub struct MismatchView {
    pub reference: String,
    /// `ipn`, `querydr` or `statement`.
    pub source: String,
    pub ours: String,
    pub theirs: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// The day's payment mismatches, for center directors, administrators and province monitors.
#[utoipa::path(get, path = "/api/v1/payments/mismatches", tag = "payments", params(DayParam),
    responses((status = 200, body = Vec<MismatchView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_mismatches(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiQuery(q): ApiQuery<DayParam>,
) -> ApiResult<Json<Vec<MismatchView>>> {
    if !matches!(staff.role, Role::CenterDirector | Role::Administrator | Role::ProvinceMonitor) {
        return Err(ApiError::forbidden());
    }
    let vn = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let day = match q.day.as_deref() {
        None => state.now().with_timezone(&vn).date_naive(),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_DATE",
                format!("Ngày \"{s}\" không đúng dạng YYYY-MM-DD."),
                format!("Date \"{s}\" is not YYYY-MM-DD."),
            )
            .with_field("day")
        })?,
    };
    let from = day.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(vn).single()).map(|t| t.to_utc());
    let from = from.unwrap_or_default();
    let items = state.db.mismatches(from, from + Duration::days(1)).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|m| MismatchView {
                reference: m.reference,
                source: m.source,
                ours: m.ours,
                theirs: m.theirs,
                detail: m.detail,
                at: m.at,
            })
            .collect(),
    ))
}
