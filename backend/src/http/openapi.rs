//! The OpenAPI document of the JSON routes, generated from the handlers' `#[utoipa::path]`
//! annotations and the typed request and answer structs, served at `/api/v1/openapi.json`.
//! `backend/tests/openapi.rs` fails when a JSON route of the route table is missing here.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::{devices, portal, sales};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "townpass API",
        version = "1",
        description = "Sales points sell passes with a sales point key; partners read their statements \
            and visits with a partner key. Keys are made with `townpass api-keys add --sales-point CODE` \
            or `--partner CODE` and sent as `Authorization: Bearer tp_<prefix>_<secret>`. Venue devices \
            enrol with a one-time code and sign what they send (`/api/device/v1`). Money is always \
            integer minor units with an ISO 4217 currency. Errors are `{\"error\": {\"code\", \"message\"}}` \
            with a 4xx status and change nothing."
    ),
    paths(
        sales::api::products,
        sales::api::create_order,
        sales::api::get_order,
        sales::api::revoke_pass,
        portal::api::statements,
        portal::api::statement,
        portal::api::items,
        portal::api::visits,
        devices::api::enroll,
        devices::api::bundle,
        devices::api::upload,
        openapi,
    ),
    components(schemas(
        townpass_core::protocol::Upload,
        townpass_core::protocol::Bundle,
        devices::sync::BundleRequest,
    )),
    modifiers(&ApiKeyScheme),
    tags(
        (name = "sales", description = "Selling passes from a sales point's own system"),
        (name = "partners", description = "A partner's statements and visits"),
        (name = "devices", description = "Venue scanners: enrolment, bundles, uploads"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// `Authorization: Bearer tp_<prefix>_<secret>`.
#[derive(Debug)]
struct ApiKeyScheme;

impl Modify for ApiKeyScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The shape of this document, for its own entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OpenApiDocument {
    /// The OpenAPI version.
    pub openapi: String,
    #[schema(value_type = Object)]
    pub info: serde_json::Value,
    #[schema(value_type = Object)]
    pub paths: serde_json::Value,
    #[schema(value_type = Object)]
    pub components: serde_json::Value,
}

/// The document as JSON text, made once.
pub fn document() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

/// This document: every JSON route with its request and answer schemas.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", body = OpenApiDocument)))]
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document()).into_response()
}
