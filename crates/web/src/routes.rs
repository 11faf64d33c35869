//! The route table: every URL of Motcua, in one place.

use axum::Router;
use axum::http::StatusCode;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::index;
use crate::api::sync;
use crate::api::{auth, calendar, catalog, commands, dossiers, health, units};
use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::pages;
use crate::state::AppState;

/// The API routes and the OpenAPI document generated from their annotations.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::me))
        .routes(routes!(catalog::list_procedures))
        .routes(routes!(catalog::get_procedure))
        .routes(routes!(units::list_units))
        .routes(routes!(units::get_unit))
        .routes(routes!(dossiers::submit_dossier, dossiers::list_dossiers))
        .routes(routes!(dossiers::get_dossier))
        .routes(routes!(dossiers::list_events))
        .routes(routes!(commands::receive))
        .routes(routes!(commands::refuse))
        .routes(routes!(commands::start_processing))
        .routes(routes!(commands::transfer))
        .routes(routes!(commands::request_supplement))
        .routes(routes!(commands::receive_supplement))
        .routes(routes!(commands::request_financial_obligation))
        .routes(routes!(commands::confirm_financial_obligation))
        .routes(routes!(commands::withdraw))
        .routes(routes!(commands::stop))
        .routes(routes!(commands::forward_for_approval))
        .routes(routes!(commands::send_back))
        .routes(routes!(commands::decide_dossier))
        .routes(routes!(commands::return_result))
        .routes(routes!(calendar::is_working))
        .routes(routes!(calendar::working_time))
        .routes(routes!(calendar::due))
        .routes(routes!(calendar::holidays))
        .routes(routes!(calendar::add_amendment))
        .routes(routes!(index::get_unit_index))
        .routes(routes!(index::get_indicator))
        .routes(routes!(index::get_province_ranking))
        .routes(routes!(sync::sync_status))
        .routes(routes!(sync::list_dead))
        .routes(routes!(sync::replay_dead))
        .split_for_parts()
}

/// The whole application: the API, its OpenAPI document, and envelope-shaped 404/405 answers.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json((*doc).clone()) }
        }),
    )
    .route("/metrics", axum::routing::get(sync::metrics))
    .merge(pages())
    .fallback(|| async {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "ROUTE_NOT_FOUND",
            "Không có trang hoặc địa chỉ này.",
            "There is no such page or address.",
        )
    })
    .method_not_allowed_fallback(|| async {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "Phương thức HTTP này không được hỗ trợ tại địa chỉ này.",
            "This HTTP method is not supported at this address.",
        )
    })
    // People (not API clients) who open an unknown address get an HTML page, not the JSON envelope.
    .layer(axum::middleware::from_fn(pages::not_found::html_outside_api))
    .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
    .layer(tower_http::trace::TraceLayer::new_for_http())
    .with_state(state)
}

/// The server-rendered pages: the citizen portal (Vietnamese URLs) and the back office under
/// `/can-bo`, with their middleware (CSRF cookie, remembered language, security headers).
pub fn pages() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/", get(pages::home::show_home))
        .route("/thu-tuc/{code}", get(pages::procedure::show_procedure))
        .route("/nop-ho-so/{code}", get(pages::submit::show_submit_form).post(pages::submit::submit_form))
        .route("/tra-cuu", get(pages::lookup::show_lookup).post(pages::lookup::look_up))
        .route(pages::confirmation::PATH, get(pages::confirmation::show_confirmation))
        .route("/can-bo/dang-nhap", get(pages::staff_sign_in::show_sign_in).post(pages::staff_sign_in::sign_in_staff))
        .route("/can-bo/dang-xuat", post(pages::staff_sign_in::sign_out_staff))
        .route("/can-bo", get(pages::inbox::show_inbox))
        .route("/can-bo/ho-so/{code}", get(pages::staff_dossier::show_staff_dossier))
        .route("/can-bo/ho-so/{code}/{command}", post(pages::staff_dossier::act_on_dossier))
        .route("/static/motcua.css", get(pages::assets::stylesheet))
        .layer(axum::middleware::from_fn(pages::page_layer))
}
