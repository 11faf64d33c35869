//! `POST /tra-cuu/{code}/kenh-thong-bao`: a citizen who looked their dossier up with its secret
//! chooses how notices reach them (Zalo then SMS, SMS only, e-mail…): the same channel order as
//! `PUT /api/v1/dossiers/{code}/notify-channels`, kept per applicant. The form is on the dossier's
//! page (`lookup_channels.html`); a bad choice comes back there with the error, a good one
//! redirects (303) to the page, which confirms it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use motcua_domain::dossier::Dossier;
use motcua_domain::notify::outbox::TemplateStore;
use motcua_domain::notify::{Channel, ChannelOrder};

use super::lookup::result_page;
use super::lookup_actions::with_secret;
use super::{FieldError, Form, Lang, OrPage, Page, PageResult, check_csrf, message, t};
use crate::error::ApiError;
use crate::state::AppState;

/// The orders offered (others, set through the API, are shown as well when in force).
const PRESETS: [&str; 6] = ["zns,sms", "zns,email", "sms", "sms,email", "email,sms", "email"];

/// One radio button of the form.
#[derive(Debug, Clone)]
pub struct ChannelChoice {
    pub value: String,
    pub id: String,
    pub label: String,
    pub checked: bool,
}

fn name(lang: Lang, c: Channel) -> &'static str {
    match c {
        Channel::Zns => "Zalo",
        Channel::Sms => "SMS",
        Channel::Email => t(lang, "thư điện tử (e-mail)", "e-mail"),
    }
}

/// "Zalo, rồi SMS" / "Chỉ SMS".
fn label(lang: Lang, order: &ChannelOrder) -> String {
    let names: Vec<&str> = order.channels().iter().map(|c| name(lang, *c)).collect();
    let text = match names.as_slice() {
        [one] => format!("{} {one}", t(lang, "Chỉ", "Only")),
        _ => names.join(t(lang, ", nếu không được thì ", ", failing that ")),
    };
    let mut chars = text.chars();
    chars.next().map(|f| f.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// The choices, the applicant's current order checked (the default when none was chosen).
pub async fn choices(state: &AppState, lang: Lang, d: &Dossier) -> Result<Vec<ChannelChoice>, ApiError> {
    let current = state.db.channel_order(&d.applicant.id_number).await?.unwrap_or_default();
    let mut orders: Vec<ChannelOrder> = PRESETS.iter().filter_map(|p| ChannelOrder::parse(p).ok()).collect();
    if !orders.contains(&current) {
        orders.push(current.clone());
    }
    Ok(orders
        .into_iter()
        .map(|o| {
            let value = o.as_string();
            ChannelChoice {
                id: format!("kenh-{}", value.replace(',', "-")),
                label: label(lang, &o),
                checked: o == current,
                value,
            }
        })
        .collect())
}

pub async fn set_channels(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path(code): Path<String>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let (d, proof) = match with_secret(&state, &layout, &headers, &code).await {
        Ok(found) => found,
        Err(res) => return Ok(res),
    };
    let error = match ChannelOrder::parse(form.get("kenh").trim()) {
        Ok(order) => {
            state.db.set_channel_order(&d.applicant.id_number, &order, state.now()).await.or_page(&layout)?;
            return Ok(Redirect::to(&format!("/tra-cuu/{}?da=kenh#kenh-thong-bao", d.code)).into_response());
        }
        Err(e) => ApiError::invalid(&e),
    };
    let errors = vec![FieldError { id: "kenh-thong-bao".into(), message: message(layout.lang, &error) }];
    let page = result_page(&state, layout.clone(), &d, &proof, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
