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

/// Documents the error answers every operation can give by its shape rather than by its handler
/// (all in the [`crate::error::ErrorBody`] envelope), where its own annotation does not already:
/// a JSON body refused as malformed (400), of the wrong media type (415) or shape (422); path or
/// query parameters that do not parse (400); and the look-up and sign-in limiter's 429
/// ([`crate::ratelimit`]) on sign-in and on every dossier and petition reached by its code.
pub fn add_common_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    for (path, item) in doc.paths.paths.iter_mut() {
        let limited = path == "/api/v1/auth/login"
            || path.starts_with("/api/v1/dossiers/{code}")
            || path.starts_with("/api/v1/petitions/{code}");
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            let json_body = op
                .request_body
                .as_ref()
                .is_some_and(|b| matches!(b, RefOr::T(b) if b.content.contains_key("application/json")));
            let params = |place: ParameterIn| {
                op.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let mut add: Vec<(&str, &str)> = Vec::new();
            if json_body {
                add.push(("400", "Malformed JSON body (INVALID_JSON)"));
                add.push(("415", "The body is not sent as application/json (UNSUPPORTED_MEDIA_TYPE)"));
                add.push(("422", "The JSON body does not have the expected shape (INVALID_JSON)"));
            }
            if params(ParameterIn::Path) {
                add.push(("400", "A path parameter does not parse (INVALID_PATH)"));
            }
            if params(ParameterIn::Query) {
                add.push(("400", "A query parameter is missing or does not parse (INVALID_QUERY)"));
            }
            if limited {
                add.push(("429", "Too many failed sign-ins or look-ups: retry after Retry-After seconds"));
            }
            for (status, description) in add {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| {
                    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
                    RefOr::T(
                        ResponseBuilder::new().description(description).content("application/json", content).build(),
                    )
                });
            }
        }
    }
}
