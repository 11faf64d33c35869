//! `GET /can-bo/mau-thong-bao`: the unit's notice templates (administrator or center director):
//! each kind with its template in force (the unit's own or the default).
//! `GET /can-bo/mau-thong-bao/{kind}`: the edit form; `POST` with `thao_tac=xem-truoc` checks
//! the texts (unknown placeholders named in the error summary) and previews them filled with a
//! sample dossier, with the SMS length and segments; only a preview offers `thao_tac=luu`, which
//! checks again and saves; `thao_tac=mac-dinh` goes back to the default.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use motcua_domain::notify::NoticeKind;
use motcua_domain::notify::outbox::TemplateStore;
use motcua_domain::notify::preview::{Preview, encoding_label};
use motcua_domain::notify::template::placeholders;
use motcua_domain::staff::Staff;
use serde::Deserialize;

use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t};
use crate::api::notify_templates::{TemplateText, TemplateView, check, in_force, may_edit, save};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "notify_templates.html")]
pub struct TemplatesPage {
    pub layout: Layout,
    pub kinds: Vec<TemplateView>,
    /// The kind just saved or reset, in words.
    pub notice: Option<String>,
}

/// A preview on the page.
#[derive(Debug, Clone)]
pub struct PreviewRows {
    pub subject: String,
    pub text: String,
    pub sms: String,
    pub sms_size: String,
    pub sms_ascii: String,
    pub sms_ascii_size: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "notify_template_edit.html")]
pub struct TemplateEditPage {
    pub layout: Layout,
    pub kind: String,
    pub label: String,
    pub placeholders: String,
    pub custom: bool,
    pub entered: TemplateText,
    pub errors: Vec<FieldError>,
    pub preview: Option<PreviewRows>,
}

/// One text field of the form.
pub struct TextField<'a> {
    pub id: &'static str,
    pub name: &'static str,
    pub label: &'static str,
    pub value: &'a str,
    pub rows: u8,
}

impl TemplateEditPage {
    pub fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    pub fn fields(&self) -> Vec<TextField<'_>> {
        let l = &self.layout;
        let e = &self.entered;
        vec![
            TextField {
                id: "tieu-de",
                name: "tieu_de",
                label: l.t("Tiêu đề e-mail", "E-mail subject"),
                value: &e.subject,
                rows: 1,
            },
            TextField {
                id: "noi-dung",
                name: "noi_dung",
                label: l.t("Nội dung e-mail", "E-mail body"),
                value: &e.body,
                rows: 10,
            },
            TextField {
                id: "sms",
                name: "sms",
                label: l.t("Nội dung SMS (ngắn)", "SMS text (short)"),
                value: &e.sms,
                rows: 3,
            },
        ]
    }
}

#[derive(Deserialize)]
pub struct Shown {
    #[serde(rename = "da-luu")]
    saved: Option<String>,
}

fn guard(layout: &Layout, staff: &Staff) -> Result<(), PageFailure> {
    if may_edit(staff) { Ok(()) } else { Err(PageFailure::new(layout.clone(), ApiError::forbidden())) }
}

fn kind_of(layout: &Layout, kind: &str) -> Result<NoticeKind, PageFailure> {
    NoticeKind::parse_named(kind)
        .map_err(|e| PageFailure::new(layout.clone(), ApiError::described(StatusCode::NOT_FOUND, &e)))
}

pub async fn show_templates(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(shown): Query<Shown>,
) -> PageResult {
    let layout = layout.titled("Mẫu tin thông báo", "Notice templates").signed_in(&staff);
    guard(&layout, &staff)?;
    let kinds = in_force(&state, &staff).await.map_err(|e| PageFailure::new(layout.clone(), e))?;
    let notice = shown.saved.as_deref().and_then(NoticeKind::parse).map(|k| {
        let (vi, en) = k.label();
        match layout.lang {
            super::Lang::Vi => format!("Đã lưu mẫu tin «{vi}»."),
            super::Lang::En => format!("Saved the template \"{en}\"."),
        }
    });
    Ok(TemplatesPage { layout, kinds, notice }.into_response())
}

fn edit_page(layout: Layout, kind: NoticeKind, custom: bool, entered: TemplateText) -> TemplateEditPage {
    let (vi, en) = kind.label();
    let label = t(layout.lang, vi, en).to_string();
    let placeholders = placeholders(kind).iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ");
    TemplateEditPage {
        layout,
        kind: kind.as_str().into(),
        label,
        placeholders,
        custom,
        entered,
        errors: Vec::new(),
        preview: None,
    }
}

pub async fn show_template(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(kind): Path<String>,
) -> PageResult {
    let layout = layout.titled("Sửa mẫu tin thông báo", "Edit a notice template").signed_in(&staff);
    guard(&layout, &staff)?;
    let kind = kind_of(&layout, &kind)?;
    let all = in_force(&state, &staff).await.map_err(|e| PageFailure::new(layout.clone(), e))?;
    let view = all.into_iter().find(|v| v.kind == kind.as_str()).ok_or_else(|| kind_of(&layout, "").unwrap_err())?;
    Ok(edit_page(layout, kind, view.custom, view.template).into_response())
}

fn size_words(lang: super::Lang, s: motcua_domain::notify::sms::SmsSize) -> String {
    let (vi, en) = encoding_label(s.encoding);
    match lang {
        super::Lang::Vi => format!("{} ký tự, {} tin nhắn — {vi}", s.units, s.segments),
        super::Lang::En => format!("{} characters, {} message(s) — {en}", s.units, s.segments),
    }
}

pub async fn act_on_template(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(kind): Path<String>,
    form: Form,
) -> PageResult {
    let layout = layout.titled("Sửa mẫu tin thông báo", "Edit a notice template").signed_in(&staff);
    check_csrf(&layout, &form)?;
    guard(&layout, &staff)?;
    let notice_kind = kind_of(&layout, &kind)?;
    if form.get("thao_tac") == "mac-dinh" {
        state.db.reset_template(&staff.unit, notice_kind).await.or_page(&layout)?;
        return Ok(Redirect::to(&format!("/can-bo/mau-thong-bao?da-luu={}", notice_kind.as_str())).into_response());
    }
    let entered = TemplateText {
        subject: form.get("tieu_de").to_string(),
        body: form.get("noi_dung").to_string(),
        sms: form.get("sms").to_string(),
    };
    let lang = layout.lang;
    let custom = form.get("rieng") == "1";
    let mut page = edit_page(layout, notice_kind, custom, entered.clone());
    match check(&kind, &entered) {
        Err(e) => {
            let b = &e.body;
            let message = format!("{} ({})", t(lang, &b.message_vi, &b.message_en), b.code);
            page.errors.push(FieldError { id: field_at_fault(notice_kind, &entered).into(), message });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok((k, tpl)) if form.get("thao_tac") == "luu" => {
            save(&state, &staff, k, tpl).await.map_err(|e| PageFailure::new(page.layout.clone(), e))?;
            Ok(Redirect::to(&format!("/can-bo/mau-thong-bao?da-luu={}", k.as_str())).into_response())
        }
        Ok((k, tpl)) => {
            let p = Preview::of(k, &tpl);
            page.preview = Some(PreviewRows {
                subject: p.rendered.subject.clone(),
                text: p.rendered.text.clone(),
                sms: p.rendered.sms.clone(),
                sms_size: size_words(lang, p.sms),
                sms_ascii: p.sms_ascii_text.clone(),
                sms_ascii_size: size_words(lang, p.sms_ascii),
            });
            Ok(page.into_response())
        }
    }
}

/// The first field the template check refuses (subject, body, SMS), for the error link.
fn field_at_fault(kind: NoticeKind, t: &TemplateText) -> &'static str {
    use motcua_domain::notify::template::Template as T;
    if T::parse(kind, &t.subject, "x", "x").is_err() {
        "tieu-de"
    } else if T::parse(kind, "x", &t.body, "x").is_err() {
        "noi-dung"
    } else {
        "sms"
    }
}
