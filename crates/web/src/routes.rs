//! The route table: every URL of Motcua, in one place.

use axum::Router;
use axum::http::StatusCode;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::index;
use crate::api::sync;
use crate::api::{auth, calendar, catalog, citizen, commands, dossiers, files, health, units};
use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::pages;
use crate::state::AppState;

/// The API routes and the OpenAPI document generated from their annotations.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let router_doc = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::livez))
        .routes(routes!(health::readyz))
        .routes(routes!(auth::login))
        .routes(routes!(auth::me))
        .routes(routes!(catalog::list_procedures))
        .routes(routes!(catalog::get_procedure))
        .routes(routes!(units::list_units))
        .routes(routes!(units::get_unit))
        .routes(routes!(dossiers::submit_dossier, dossiers::list_dossiers))
        .routes(routes!(dossiers::get_dossier))
        .routes(routes!(dossiers::list_events))
        .routes(routes!(crate::api::notify::list_notifications))
        .routes(routes!(crate::api::notify::sms_report))
        .routes(routes!(crate::api::notify_templates::list_templates))
        .routes(routes!(crate::api::notify_templates::preview_template))
        .routes(routes!(crate::api::notify_templates::put_template, crate::api::notify_templates::reset_template))
        .routes(routes!(crate::api::notify_templates::put_channels))
        .routes(routes!(crate::api::notify_templates::zns_event))
        .routes(routes!(files::download_file))
        .routes(routes!(citizen::supplement))
        .routes(routes!(citizen::rating))
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
        .routes(routes!(index::forecast::get_forecast))
        .routes(routes!(index::report::get_report))
        .routes(routes!(crate::api::pakn::endpoints::submit_petition, crate::api::pakn::endpoints::list_petitions))
        .routes(routes!(crate::api::pakn::endpoints::get_petition))
        .routes(routes!(crate::api::pakn::endpoints::act_on_petition))
        .routes(routes!(sync::sync_status))
        .routes(routes!(sync::list_dead))
        .routes(routes!(sync::replay_dead))
        .routes(routes!(sync::reconcile_period))
        .routes(routes!(sync::repush))
        .routes(routes!(crate::api::payments::create_payment, crate::api::payments::list_payments))
        .routes(routes!(crate::api::payments::record_cash))
        .routes(routes!(crate::api::payment_ipn::vnpay_ipn))
        .routes(routes!(crate::api::payments::list_mismatches))
        .routes(routes!(crate::api::payment_statements::post_statement))
        .routes(routes!(crate::api::payment_statements::list_credits))
        .routes(routes!(crate::api::payment_statements::resolve_credit))
        .routes(routes!(crate::api::zalo::zalo_webhook))
        .routes(routes!(crate::api::zalo::list_waiting))
        .routes(routes!(crate::api::zalo::reply_waiting))
        .split_for_parts();
    let (router, mut doc) = router_doc;
    doc.merge(upload_api().1);
    crate::openapi::add_common_errors(&mut doc);
    (router, doc)
}

/// The API routes that take files (documented with the rest, served by [`uploads`]).
fn upload_api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::new().routes(routes!(files::upload_files)).split_for_parts()
}

/// Every route that takes files: outside the global 1 MiB body limit, with the upload limit
/// instead (every file at its size limit, plus the form).
pub fn uploads() -> Router<AppState> {
    let limit = crate::files::UploadLimits::current().request_bytes();
    use axum::routing::post;
    let pages = Router::new()
        .route("/nop-ho-so/{code}/buoc", post(pages::submit::submit_step))
        .route("/tra-cuu/{code}/bo-sung", post(pages::lookup_actions::supplement))
        .route("/can-bo/ho-so/{code}/decide/ket-qua", post(pages::decide_result::decide_with_result))
        .route("/can-bo/tiep-nhan", post(pages::intake::submit_intake))
        .route("/can-bo/doi-soat", post(pages::payment_credits::upload_statement))
        .layer(axum::middleware::from_fn(pages::page_layer));
    upload_api()
        .0
        .merge(pages)
        // Not `RequestBodyLimitLayer`: it would refuse an oversized upload before it is read, with
        // no message; under `DefaultBodyLimit` the upload reader names the file that was too large.
        .layer(axum::extract::DefaultBodyLimit::max(limit))
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
    .route(
        "/metrics",
        axum::routing::get(sync::metrics)
            .layer(axum::middleware::from_fn_with_state(state.clone(), crate::security::guard_metrics)),
    )
    // Outside `pages()`: its `frame-ancestors 'none'` would keep the preview out of our own frame.
    .route("/can-bo/ho-so/{code}/xem/{sha256}", axum::routing::get(pages::staff_preview::preview))
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
    // Added after the 1 MiB limit, so that only the upload routes accept more.
    .merge(uploads())
    // Outside the body limits: it reads the few small sign-in and look-up forms itself.
    .layer(axum::middleware::from_fn_with_state(state.clone(), crate::ratelimit::limit))
    .layer(axum::middleware::from_fn_with_state(state.clone(), crate::security::headers))
    .layer(crate::observe::trace())
    // Outermost: the request id the trace span and every log line of the request carry.
    .layer(axum::middleware::from_fn(crate::observe::request_id))
    .with_state(state)
}

/// The server-rendered pages: the citizen portal (Vietnamese URLs) and the back office under
/// `/can-bo`, with their middleware (CSRF cookie, remembered language, security headers).
pub fn pages() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/", get(pages::home::show_home))
        .route("/thu-tuc/{code}", get(pages::procedure::show_procedure))
        .route("/nop-ho-so/{code}", get(pages::submit::show_submit_form))
        .route("/tra-cuu", get(pages::lookup::show_lookup).post(pages::lookup::look_up))
        .route("/tra-cuu/{code}", get(pages::lookup::show_dossier))
        .route("/tra-cuu/{code}/tep/{sha256}", get(pages::lookup_actions::download))
        .route("/tra-cuu/{code}/danh-gia", post(pages::lookup_actions::rate_service))
        .route("/tra-cuu/{code}/kenh-thong-bao", post(pages::lookup_channels::set_channels))
        .route("/thanh-toan/ket-qua", get(pages::payment_return::show_payment_return))
        .route("/tra-cuu/{code}/thanh-toan", get(pages::payment::show_payment).post(pages::payment::pay_with_vnpay))
        .route("/tra-cuu/{code}/bien-lai/{reference}", get(pages::payment_receipt::citizen_receipt))
        .route("/can-bo/ho-so/{code}/bien-lai/{reference}", get(pages::payment_receipt::staff_receipt))
        .route("/can-bo/doi-soat", get(pages::payment_credits::show_credits))
        .route("/can-bo/doi-soat/{id}", post(pages::payment_credits::resolve_credit))
        .route("/can-bo/ho-so/{code}/tep/{sha256}", get(pages::decide_result::staff_download))
        .route(pages::confirmation::PATH, get(pages::confirmation::show_confirmation))
        .route("/can-bo/dang-nhap", get(pages::staff_sign_in::show_sign_in).post(pages::staff_sign_in::sign_in_staff))
        .route("/can-bo/dang-xuat", post(pages::staff_sign_in::sign_out_staff))
        // Sign-in with OpenID Connect: citizens (VNeID) and, when configured, staff.
        .route("/dang-nhap/vneid", get(crate::oidc::citizen::start_citizen))
        .route(crate::oidc::config::CITIZEN_CALLBACK, get(crate::oidc::citizen::citizen_callback))
        .route("/dang-xuat", post(crate::oidc::citizen::sign_out_citizen))
        .route(crate::oidc::citizen::MY_DOSSIERS, get(pages::my_dossiers::show_my_dossiers))
        .route("/can-bo/dang-nhap/oidc", get(crate::oidc::staff::start_staff))
        .route(crate::oidc::config::STAFF_CALLBACK, get(crate::oidc::staff::staff_callback))
        .route("/can-bo", get(pages::inbox::show_inbox))
        .route("/can-bo/ho-so/{code}", get(pages::staff_dossier::show_staff_dossier))
        .route("/can-bo/ho-so/{code}/{command}", post(pages::staff_dossier::act_on_dossier))
        .route("/phan-anh-kien-nghi", get(pages::pakn::show_pakn_form).post(pages::pakn::send_pakn))
        .route(
            "/phan-anh-kien-nghi/tra-cuu",
            get(pages::pakn_lookup::show_pakn_lookup).post(pages::pakn_lookup::look_up_pakn),
        )
        .route("/phan-anh-kien-nghi/tra-cuu/{action}", post(pages::pakn_lookup::answer_pakn))
        .route("/can-bo/phan-anh", get(pages::pakn_staff::show_pakn_list))
        .route("/can-bo/phan-anh/{code}", get(pages::pakn_staff::show_pakn_detail))
        .route("/can-bo/phan-anh/{code}/{action}", post(pages::pakn_staff::act_on_pakn))
        .route("/can-bo/chi-so", get(pages::index::show_index))
        .route("/can-bo/chi-so/{indicator}", get(pages::index_drill::show_indicator))
        .route("/can-bo/xep-hang", get(pages::ranking::show_ranking))
        .route("/can-bo/bao-cao", get(pages::index_report::show_report))
        .route("/can-bo/ho-so/{code}/phieu/{number}", get(pages::slips::print_slip))
        .route("/can-bo/ho-so/{code}/xin-loi", post(pages::slips::apologise))
        .route("/can-bo/tiep-nhan", get(pages::intake::show_intake))
        .route("/can-bo/so-theo-doi", get(pages::register::show_register))
        .route("/can-bo/tong-quan", get(pages::dashboard::show_dashboard))
        .route("/can-bo/quan-tri/can-bo", get(pages::admin_staff::show_staff).post(pages::admin_staff::create_staff))
        .route(
            "/can-bo/quan-tri/can-bo/{id}",
            get(pages::admin_staff::show_account).post(pages::admin_staff::update_account),
        )
        .route("/can-bo/quan-tri/can-bo/{id}/trang-thai", post(pages::admin_staff::set_active))
        .route("/can-bo/quan-tri/nhat-ky", get(pages::admin_audit::show_audit))
        .route("/can-bo/quan-tri/lich", get(pages::admin::show_calendar).post(pages::admin::add_amendment))
        .route("/can-bo/quan-tri/don-vi", get(pages::admin::show_units))
        .route("/can-bo/quan-tri/don-vi/{code}", post(pages::admin::update_unit))
        .route("/can-bo/quan-tri/thu-tuc", get(pages::admin_catalog::show_catalog))
        .route(
            "/can-bo/quan-tri/thu-tuc/{code}",
            get(pages::admin_catalog::show_procedure).post(pages::admin_catalog::save_procedure),
        )
        .route("/can-bo/so-theo-doi/xuat/{format}", get(pages::register::export_register))
        .route("/can-bo/mau-thong-bao", get(pages::notify_templates::show_templates))
        .route(
            "/can-bo/mau-thong-bao/{kind}",
            get(pages::notify_templates::show_template).post(pages::notify_templates::act_on_template),
        )
        .route("/can-bo/dong-bo", get(pages::sync::show_sync))
        .route("/can-bo/tro-ly", get(pages::assistant::show_queue))
        .route("/can-bo/tro-ly/{id}", get(pages::assistant::show_reply).post(pages::assistant::send_reply))
        .route("/can-bo/dong-bo/{id}/gui-lai", post(pages::sync::replay_dead))
        .route("/can-bo/dong-bo/ho-so/{code}/gui-lai", post(pages::sync::repush))
        .route("/ho-tro-cong-dong", get(pages::support_public::show_support_days))
        .route(pages::support::PATH, get(pages::support::show_support))
        .route("/can-bo/ho-tro-cong-dong/khu-pho", post(pages::support::add_neighborhood))
        .route("/can-bo/ho-tro-cong-dong/nguoi-ho-tro", post(pages::support::add_helper))
        .route("/can-bo/ho-tro-cong-dong/buoi", post(pages::support::add_session))
        .route("/can-bo/ho-tro-cong-dong/ghi-nhan", post(pages::support::attribute_online))
        .route("/can-bo/ho-tro-cong-dong/bao-cao", get(pages::support_report::show_support_report))
        .route("/static/motcua.css", get(pages::assets::stylesheet))
        .layer(axum::middleware::from_fn(pages::page_layer))
}
