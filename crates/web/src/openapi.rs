//! The OpenAPI 3.1 document's header and security scheme; paths come from the route table.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Motcua API",
        description = "Hệ thống một cửa điện tử cấp xã — JSON API. Errors share one envelope {code, message_vi, message_en, field}.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&Bearer),
    tags(
        (name = "system"), (name = "auth", description = "Staff sign-in"),
        (name = "catalog", description = "Procedure catalog"), (name = "units"),
        (name = "dossiers"), (name = "lifecycle", description = "One endpoint per lifecycle command"),
        (name = "calendar", description = "Working days, holidays and deadlines"),
        (name = "index", description = "The 766 service index: scores, ranking, drill-down"),
        (name = "sync", description = "Synchronisation with national systems: health, dead letters, replay")
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as committed in `openapi.json` (pretty JSON with a final newline).
pub fn document() -> String {
    let (_, doc) = crate::routes::api();
    let mut s = serde_json::to_string_pretty(&doc).expect("the OpenAPI document serializes");
    s.push('\n');
    s
}
