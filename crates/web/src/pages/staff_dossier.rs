//! `GET /can-bo/ho-so/{code}`: everything about a dossier for staff who may see it, with exactly
//! the actions the signed-in role may take now (asked of the domain's own `decide`), and
//! `POST /can-bo/ho-so/{code}/{command}`, which runs them through the API's `execute`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use motcua_domain::calendar::Timeliness;
use motcua_domain::dossier::{Channel, Command, Context, DossierCode, FeeLine, LifecycleError, ResultDoc, decide};
use motcua_domain::notify::outbox::NotifyStore;
use motcua_domain::ports::{BlobStore, CatalogStore, DossierStore};
use motcua_domain::staff::{Actor, Staff};
use motcua_domain::unit::UnitCode;
use serde::Deserialize;

use super::submit::Choice;
use super::words::{self, TimelineEntry};
use super::{Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, message};
use crate::access::{self, staff_may_read};
use crate::api::commands::execute;
use crate::api::dossiers::calendar_for;
use crate::error::ApiError;
use crate::state::AppState;

/// An action the page offers: the command, its button, and the text it asks for, if any.
struct Action {
    name: &'static str,
    vi: &'static str,
    en: &'static str,
    /// The label of the text field (reason, what is missing, …).
    text: Option<(&'static str, &'static str)>,
    warning: bool,
    extra: Extra,
}

/// The fields an action asks for besides its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    None,
    /// The unit to transfer to (a commune of the same province).
    Unit,
    /// A fee line: what for, amount, copies.
    Fee,
    /// How the obligation was paid (the 766 flag).
    Payment,
}

const ACTIONS: [Action; 14] = [
    Action {
        name: "receive", vi: "Tiếp nhận hồ sơ", en: "Receive", text: None, warning: false, extra: Extra::None
    },
    Action {
        name: "start_processing",
        vi: "Bắt đầu xử lý",
        en: "Start processing",
        text: None,
        warning: false,
        extra: Extra::None,
    },
    Action {
        name: "forward_for_approval",
        vi: "Trình lãnh đạo phê duyệt",
        en: "Forward for approval",
        text: Some(("Tóm tắt đề xuất (không bắt buộc)", "Summary of the proposal (optional)")),
        warning: false,
        extra: Extra::None,
    },
    Action {
        name: "decide",
        vi: "Phê duyệt",
        en: "Approve",
        text: Some(("Tên giấy tờ kết quả (không bắt buộc)", "Name of the result document (optional)")),
        warning: false,
        extra: Extra::None,
    },
    Action {
        name: "return_result",
        vi: "Trả kết quả",
        en: "Return the result",
        text: None,
        warning: false,
        extra: Extra::None,
    },
    Action {
        name: "receive_supplement",
        vi: "Đã nhận đủ bổ sung",
        en: "Supplement received",
        text: None,
        warning: false,
        extra: Extra::None,
    },
    Action {
        name: "confirm_financial_obligation",
        vi: "Đã nộp đủ phí, lệ phí",
        en: "Fees paid",
        text: None,
        warning: false,
        extra: Extra::Payment,
    },
    Action {
        name: "request_financial_obligation",
        vi: "Yêu cầu nộp phí, lệ phí",
        en: "Ask for fees",
        text: None,
        warning: false,
        extra: Extra::Fee,
    },
    Action {
        name: "transfer",
        vi: "Chuyển đơn vị khác",
        en: "Transfer to another unit",
        text: Some(("Lý do chuyển", "Reason for the transfer")),
        warning: false,
        extra: Extra::Unit,
    },
    Action {
        name: "request_supplement",
        vi: "Yêu cầu bổ sung",
        en: "Request a supplement",
        text: Some(("Giấy tờ cần bổ sung", "Documents missing")),
        warning: false,
        extra: Extra::None,
    },
    Action {
        name: "send_back",
        vi: "Trả lại chuyên viên",
        en: "Send back",
        text: Some(("Lý do trả lại", "Reason")),
        warning: true,
        extra: Extra::None,
    },
    Action {
        name: "refuse",
        vi: "Từ chối tiếp nhận",
        en: "Refuse",
        text: Some(("Lý do từ chối", "Reason for refusal")),
        warning: true,
        extra: Extra::None,
    },
    Action {
        name: "withdraw",
        vi: "Rút hồ sơ theo yêu cầu công dân",
        en: "Withdraw at the applicant's request",
        text: Some(("Lý do rút hồ sơ", "Reason")),
        warning: true,
        extra: Extra::None,
    },
    Action {
        name: "stop",
        vi: "Dừng xử lý",
        en: "Stop processing",
        text: Some(("Lý do dừng", "Reason")),
        warning: true,
        extra: Extra::None,
    },
];

fn invalid(vi: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_FORM", vi, en)
}

/// The command a submitted action form asks for.
fn command(name: &str, form: &Form) -> Result<Command, ApiError> {
    let text = form.get("noi_dung").trim().to_string();
    Ok(match name {
        "transfer" => Command::Transfer {
            to_unit: UnitCode::parse(form.get("don_vi").trim())
                .map_err(|_| invalid("Vui lòng chọn đơn vị nhận hồ sơ.", "Choose the unit to transfer to."))?,
            reason: text,
        },
        "request_financial_obligation" => {
            let amount = form.get("so_tien").trim().replace(['.', ' '], "");
            let amount = amount.parse::<i64>().ok().filter(|a| *a > 0).ok_or_else(|| {
                invalid(
                    "Số tiền phải là số nguyên dương, tính bằng đồng (ví dụ 50000).",
                    "The amount must be a positive whole number of đồng (e.g. 50000).",
                )
            })?;
            let copies = match form.get("so_ban").trim() {
                "" => 1,
                n => n.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    invalid("Số bản phải là số nguyên dương.", "The number of copies must be a positive whole number.")
                })?,
            };
            let name = form.get("khoan_thu").trim().to_string();
            if name.is_empty() {
                return Err(invalid("Vui lòng nhập tên khoản phí, lệ phí.", "Enter what the fee is for."));
            }
            Command::RequestFinancialObligation { fees: vec![FeeLine { name, amount, copies }] }
        }
        // An officer records cash (0) or a payment made on the national portal (1); the Motcua
        // online flag (2) is set only by a verified gateway payment or a matched transfer.
        "confirm_financial_obligation" => match form.get("thanh_toan").trim() {
            "" | "0" => Command::ConfirmFinancialObligation { online_payment: 0 },
            "1" => Command::ConfirmFinancialObligation { online_payment: 1 },
            _ => {
                return Err(invalid(
                    "Hình thức nộp không hợp lệ; thanh toán trực tuyến qua Motcua được ghi nhận tự động.",
                    "Invalid payment method; online payments through Motcua are recorded automatically.",
                ));
            }
        },
        _ => simple(name, text).ok_or_else(|| ApiError::not_found("thao tác này", "This action"))?,
    })
}

/// The command an action stands for with empty fields, to ask the domain whether it is
/// available now (`to_unit`: some other unit, for a transfer).
fn probe(name: &str, to_unit: Option<&UnitCode>) -> Option<Command> {
    match name {
        "transfer" => to_unit.map(|u| Command::Transfer { to_unit: u.clone(), reason: String::new() }),
        "request_financial_obligation" => {
            Some(Command::RequestFinancialObligation { fees: vec![FeeLine { name: "?".into(), amount: 1, copies: 1 }] })
        }
        "confirm_financial_obligation" => Some(Command::ConfirmFinancialObligation { online_payment: 0 }),
        _ => simple(name, String::new()),
    }
}

/// The commands that take at most a text.
fn simple(name: &str, text: String) -> Option<Command> {
    Some(match name {
        "receive" => Command::Receive,
        "refuse" => Command::Refuse { reason: text },
        "start_processing" => Command::StartProcessing,
        "request_supplement" => Command::RequestSupplement { missing: text },
        "receive_supplement" => Command::ReceiveSupplement,
        "forward_for_approval" => Command::ForwardForApproval { summary: text },
        "send_back" => Command::SendBack { reason: text },
        "decide" => Command::Decide {
            results: if text.is_empty() {
                Vec::new()
            } else {
                vec![ResultDoc { name: text, electronic: false, file_sha256: None }]
            },
        },
        "return_result" => Command::ReturnResult,
        "withdraw" => Command::Withdraw { reason: text },
        "stop" => Command::Stop { reason: text },
        _ => return None,
    })
}

/// An action button (and its text field) as shown.
#[derive(Debug, Clone)]
pub struct ActionView {
    pub name: String,
    pub label: String,
    pub text_label: Option<String>,
    pub warning: bool,
    pub extra: Extra,
}

/// A labelled value.
#[derive(Debug, Clone)]
pub struct Item {
    pub label: String,
    pub value: String,
}

/// A paper of the dossier on the staff page.
#[derive(Debug, Clone)]
pub struct Paper {
    pub name: String,
    pub file: Option<FileLinks>,
}

/// Where staff download an attached file and see it in place (`<img>` for images, an `<iframe>`
/// for PDFs, inside a `<details>` that works without JavaScript).
#[derive(Debug, Clone)]
pub struct FileLinks {
    pub download: String,
    pub preview: String,
    pub image: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_dossier.html")]
pub struct StaffDossierPage {
    pub layout: Layout,
    pub code: String,
    pub procedure: String,
    pub status: String,
    pub status_class: String,
    pub mark: &'static str,
    pub mark_text: String,
    pub facts: Vec<Item>,
    /// Each paper, with its attached file when there is one.
    pub components: Vec<Paper>,
    pub fees: Vec<Item>,
    /// The VietQR code (inline SVG) for the fees still owed, when the unit has a bank account.
    pub transfer_qr: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub actions: Vec<ActionView>,
    /// The units a transfer may go to.
    pub units: Vec<Choice>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The printable slips this dossier has (Mẫu 01–04).
    pub slips: Vec<super::slips::SlipLink>,
    /// The apology form, when this staff member may issue one now.
    pub apology: Option<super::slips::ApologyForm>,
    /// The notices sent to the citizen and their delivery status.
    pub sent: super::notify_sent::SentList,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub xong: Option<String>,
}

pub async fn show_staff_dossier(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(code): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = q
        .xong
        .as_deref()
        .and_then(|n| ACTIONS.iter().find(|a| a.name == n))
        .map(|a| format!("{}: {}", layout.t("Đã thực hiện", "Done"), layout.t(a.vi, a.en)))
        .or_else(|| (q.xong.as_deref() == Some("issue_apology")).then(|| super::slips::apology_notice(&layout)));
    render(&state, layout, &staff, &code, notice, None).await
}

pub async fn act_on_dossier(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path((code, name)): Path<(String, String)>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    if !ACTIONS.iter().any(|a| a.name == name) {
        return Err(PageFailure::new(layout, ApiError::not_found("thao tác này", "This action")));
    }
    let done = match command(&name, &form) {
        Ok(cmd) => execute(&state, Actor::staff(&staff), &code, cmd).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(d) => Ok(Redirect::to(&format!("/can-bo/ho-so/{}?xong={name}", d.code)).into_response()),
        Err(e) => show_with_error(&state, layout, &staff, &code, e).await,
    }
}

/// The dossier page again, with why the last action was not done (and that error's status).
pub async fn show_with_error(state: &AppState, layout: Layout, staff: &Staff, code: &str, e: ApiError) -> PageResult {
    let status = e.status;
    let text = message(layout.lang, &e);
    let mut res = render(state, layout, staff, code, None, Some(text)).await?;
    *res.status_mut() = status;
    Ok(res)
}

async fn render(
    state: &AppState,
    layout: Layout,
    staff: &Staff,
    code: &str,
    notice: Option<String>,
    error: Option<String>,
) -> PageResult {
    let lang = layout.lang;
    let layout = layout.titled(&format!("Hồ sơ {code}"), &format!("Dossier {code}")).signed_in(staff);
    let code = DossierCode::parse(code).map_err(|_| PageFailure::new(layout.clone(), access::not_found()))?;
    let d = state
        .db
        .dossier(&code)
        .await
        .or_page(&layout)?
        .ok_or_else(|| PageFailure::new(layout.clone(), access::not_found()))?;
    if !staff_may_read(state, staff, &d).await.or_page(&layout)? {
        return Err(PageFailure::new(layout, access::not_found()));
    }
    let procedure = state.db.procedure(&d.procedure).await.or_page(&layout)?.ok_or_else(|| {
        PageFailure::new(layout.clone(), ApiError::not_found("thủ tục của hồ sơ", "The dossier's procedure"))
    })?;
    let (calendar, version) = calendar_for(state, &d).await.or_page(&layout)?;
    let now = state.now();
    let ctx = Context { now, calendar: &calendar, calendar_version: version, procedure: &procedure };
    let actor = Actor::staff(staff);
    // A transfer goes to another commune of the same province.
    let province = state.db.unit(&d.handling_unit).await.or_page(&layout)?.and_then(|u| u.parent);
    let units: Vec<Choice> = match &province {
        Some(p) => state
            .db
            .units(Some(p))
            .await
            .or_page(&layout)?
            .into_iter()
            .filter(|u| u.code != d.handling_unit)
            .map(|u| Choice { value: u.code.to_string(), label: u.name, selected: false })
            .collect(),
        None => Vec::new(),
    };
    let other = units.first().and_then(|u| UnitCode::parse(&u.value).ok());
    let actions = ACTIONS
        .iter()
        .filter(|a| {
            probe(a.name, other.as_ref())
                .is_some_and(|c| matches!(decide(&d, &actor, &c, &ctx), Ok(_) | Err(LifecycleError::ReasonRequired)))
        })
        .map(|a| ActionView {
            name: a.name.into(),
            label: layout.t(a.vi, a.en).into(),
            text_label: a.text.map(|(vi, en)| layout.t(vi, en).to_string()),
            warning: a.warning,
            extra: a.extra,
        })
        .collect();
    let (mark, mark_text) = match d.timeliness(&calendar, now) {
        Some(Timeliness::Late) => ("late", layout.t("Quá hạn", "Late")),
        Some(Timeliness::OnTime) => ("", layout.t("Đúng hạn", "On time")),
        Some(Timeliness::Early) => ("", layout.t("Trước hạn", "Early")),
        None => ("", ""),
    };
    let item = |vi: &str, en: &str, value: String| Item { label: layout.t(vi, en).into(), value };
    let mut facts = vec![
        item("Người nộp", "Applicant", d.applicant.name.clone()),
        item("Số định danh", "ID number", d.applicant.id_number.to_string()),
    ];
    if let Some(b) = d.applicant.birth_date {
        facts.push(item("Ngày sinh", "Birth date", b.format("%d/%m/%Y").to_string()));
    }
    if let Some(p) = &d.applicant.phone {
        facts.push(item("Điện thoại", "Phone", p.clone()));
    }
    if let Some(e) = &d.applicant.email {
        facts.push(item("Thư điện tử", "E-mail", e.clone()));
    }
    let channel = match d.channel {
        Channel::Online => layout.t("Trực tuyến", "Online"),
        Channel::Counter => layout.t("Trực tiếp", "In person"),
        Channel::Post => layout.t("Bưu chính", "By post"),
    };
    facts.push(item("Kênh nộp", "Channel", channel.into()));
    facts.push(item("Ngày nộp", "Submitted", words::when(lang, d.submitted_at)));
    if let Some(t) = d.received_at {
        facts.push(item("Ngày tiếp nhận", "Received", words::when(lang, t)));
    }
    facts.push(item(
        "Hạn trả kết quả",
        "Due",
        d.due_at.map_or_else(|| layout.t("Chưa tiếp nhận", "Not received yet").to_string(), |t| words::when(lang, t)),
    ));
    facts.push(item(
        "Thời hạn theo quy định",
        "Statutory time",
        words::statutory_time(lang, &procedure.statutory_time),
    ));
    for p in &d.pauses {
        let until = p.until.map_or_else(|| layout.t("nay", "now").to_string(), |t| words::when(lang, t));
        facts.push(item("Tạm dừng tính thời hạn", "Clock paused", format!("{} – {until}", words::when(lang, p.from))));
    }
    if let Some(n) = &d.pending_note {
        facts.push(item("Ghi chú đang chờ", "Pending note", n.clone()));
    }
    for r in &d.results {
        facts.push(item("Kết quả", "Result", r.name.clone()));
    }
    let mut components = Vec::new();
    for c in &d.components {
        let name = if c.name.is_empty() { c.code.clone() } else { c.name.clone() };
        let file = match &c.file_sha256 {
            Some(sha) => Some(FileLinks {
                download: format!("/can-bo/ho-so/{}/tep/{sha}", d.code),
                preview: super::staff_preview::href(&d.code, sha),
                image: state
                    .db
                    .blob_meta(sha)
                    .await
                    .or_page(&layout)?
                    .is_some_and(|m| m.media_type.starts_with("image/")),
            }),
            None => None,
        };
        components.push(Paper { name, file });
    }
    let transfer_qr = super::payment::transfer_payload(state, &d)
        .await
        .or_page(&layout)?
        .and_then(|p| super::payment::qr_svg(&p, layout.t("Mã VietQR nộp phí", "VietQR code to pay the fees")));
    let mut fees: Vec<Item> =
        d.fees.iter().map(|f| Item { label: f.name.clone(), value: words::money(lang, f.total()) }).collect();
    if !fees.is_empty() {
        fees.push(item("Tổng cộng", "Total", words::money(lang, d.fee_total())));
    }
    let events = state.db.events(&code).await.or_page(&layout)?;
    if let Some(check) = words::identity_check(lang, &d.applicant, &events) {
        facts.insert(
            2,
            Item {
                label: layout.t("Kiểm tra CSDL quốc gia về dân cư", "Population database check").into(),
                value: check,
            },
        );
    }
    let (slips, apology) = super::slips::offered(&layout, staff, &d, &events, now);
    let sent = super::notify_sent::list(
        lang,
        NotifyStore::notices(&state.db, &d.code.to_string()).await.or_page(&layout)?,
        true,
    );
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = StaffDossierPage {
        code: d.code.to_string(),
        procedure: procedure.name.clone(),
        status: words::status(lang, d.status).into(),
        status_class: words::status_class(d.status).into(),
        mark,
        mark_text: mark_text.into(),
        facts,
        components,
        fees,
        transfer_qr,
        timeline: words::timeline(lang, &events, true),
        slips,
        apology,
        sent,
        actions,
        units,
        notice,
        error,
        layout,
    };
    Ok((status, page).into_response())
}
