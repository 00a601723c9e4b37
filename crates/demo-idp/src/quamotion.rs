//! Quamotion Cloud: stands in for Azure AD (Entra) `login.microsoftonline.com` and the
//! Quamotion Cloud API `http://cloud.quamotion.mobi/api`.
//!
//! Facts from docs/services.md (Quamotion docs; PyPI `adal` 1.2.7): client credentials at
//! `POST /<tenant>/oauth2/token` (v1), form body `grant_type=client_credentials`,
//! `client_id`, `client_secret`, `resource=https://cloud.quamotion.mobi/` — the trailing
//! `/` is part of the audience, without it authentication fails. The tenant is a setting
//! (default `common`). The v1 response carries every number as a string (`expires_in`,
//! `ext_expires_in`, `expires_on`, `not_before`); no refresh token. Errors are
//! `{"error", "error_description":"AADSTSnnnn: …", "error_codes", "timestamp", "trace_id",
//! "correlation_id", "error_uri"}`: 401 `invalid_client` AADSTS7000215 for a wrong secret,
//! AADSTS7000222 for an expired one (`QUAMOTION_EXPIRED_CLIENT_SECRET`), AADSTS7000218
//! for none; 400 `unauthorized_client` AADSTS700016 for an unknown application. v2: `POST /<tenant>/oauth2/v2.0/token` with
//! `scope=https://cloud.quamotion.mobi//.default`, numbers as numbers.
//!
//! Routes (below `/quamotion`): `POST|GET /{tenant}/oauth2/token`,
//! `POST|GET /{tenant}/oauth2/v2.0/token`, `GET /api/version`, `GET /openapi.json`, `GET /docs`.
//! Any tenant string is accepted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, on, MethodFilter};
use axum::Router;
use serde_json::{json, Value};

use crate::credentials::{
    QUAMOTION_CLIENT_ID, QUAMOTION_CLIENT_SECRET, QUAMOTION_EXPIRED_CLIENT_SECRET,
    QUAMOTION_RESOURCE, QUAMOTION_SCOPE,
};
use crate::http::{self, Params};
use crate::pages;
use crate::tokens::{self, Issued, Kind, Service};
use crate::Ctx;

const NAME: &str = "Quamotion Cloud";
/// The service principal object id of the demo application.
const APP_OBJECT_ID: &str = "5a1d2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

pub(crate) fn routes() -> Router<Arc<Ctx>> {
    let methods = MethodFilter::POST.or(MethodFilter::GET);
    Router::new()
        .route("/{tenant}/oauth2/token", on(methods, token_v1))
        .route("/{tenant}/oauth2/v2.0/token", on(methods, token_v2))
        .route("/api/version", get(version))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
}

/// An Azure AD error: `AADSTS<code>: <text>` plus the trace/correlation block.
fn aad_error(status: StatusCode, error: &str, code: u32, text: &str) -> Response {
    let trace_id = tokens::random_uuid();
    let correlation_id = tokens::random_uuid();
    let timestamp = tokens::utc_timestamp(tokens::now_epoch());
    let description = format!(
        "AADSTS{code}: {text}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"
    );
    http::token_json(
        status,
        json!({
            "error": error,
            "error_description": description,
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
        }),
    )
}

fn missing(name: &str) -> Response {
    aad_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        900_144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

fn resource_not_found(resource: &str, tenant: &str) -> Response {
    aad_error(
        StatusCode::BAD_REQUEST,
        "invalid_resource",
        500_011,
        &format!(
            "The resource principal named {resource} was not found in the tenant named {tenant}. \
This can happen if the application has not been installed by the administrator of the tenant \
or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."
        ),
    )
}

async fn token_v1(
    State(ctx): State<Arc<Ctx>>,
    method: Method,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    token(&ctx, Version::V1, &method, &tenant, &headers, &body)
}

async fn token_v2(
    State(ctx): State<Arc<Ctx>>,
    method: Method,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    token(&ctx, Version::V2, &method, &tenant, &headers, &body)
}

fn token(
    ctx: &Ctx,
    version: Version,
    method: &Method,
    tenant: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    if method != Method::POST {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900_561,
            &format!(
                "The endpoint only accepts POST, OPTIONS requests. Received a {method} request."
            ),
        );
    }
    // Only a form body counts: a JSON body or query parameters look like a missing grant_type.
    let p = Params::from_form(headers, body);
    match p.get("grant_type") {
        None => return missing("grant_type"),
        Some("client_credentials") => {}
        Some(other) => {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                70_003,
                &format!("The app requested an unsupported grant type '{other}'."),
            )
        }
    }
    let basic = http::basic_auth(headers);
    let client_id = p
        .get("client_id")
        .map(str::to_owned)
        .or_else(|| basic.as_ref().map(|(id, _)| id.clone()));
    let Some(client_id) = client_id else {
        return missing("client_id");
    };
    let secret = p
        .get("client_secret")
        .map(str::to_owned)
        .or_else(|| basic.as_ref().map(|(_, s)| s.clone()));
    if client_id != QUAMOTION_CLIENT_ID {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700_016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{tenant}'. \
This can happen if the application has not been installed by the administrator of the tenant or \
consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
            ),
        );
    }
    let Some(secret) = secret else {
        return aad_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
    };
    if secret == QUAMOTION_EXPIRED_CLIENT_SECRET {
        return aad_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_222,
            &format!(
                "The provided client secret keys for app '{QUAMOTION_CLIENT_ID}' are expired. \
Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or \
consider using certificate credentials for added security: https://aka.ms/certCreds."
            ),
        );
    }
    if secret != QUAMOTION_CLIENT_SECRET {
        return aad_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_215,
            &format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the \
client secret value, not the client secret ID, for a secret added to app '{QUAMOTION_CLIENT_ID}'."
            ),
        );
    }
    match version {
        Version::V1 => {
            let Some(resource) = p.get("resource") else {
                return missing("resource");
            };
            if resource != QUAMOTION_RESOURCE {
                return resource_not_found(resource, tenant);
            }
        }
        Version::V2 => {
            let Some(scope) = p.get("scope") else {
                return missing("scope");
            };
            let Some(resource) = scope.strip_suffix("/.default") else {
                return aad_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    1_002_012,
                    &format!(
                        "The provided value for scope {scope} is not valid. Client credential flows \
must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
                    ),
                );
            };
            // `https://cloud.quamotion.mobi/.default` names the resource without its
            // trailing slash: the audience does not exist.
            if scope != QUAMOTION_SCOPE {
                return resource_not_found(resource, tenant);
            }
        }
    }

    let ttl = ctx.access_ttl(Service::Quamotion);
    let now = tokens::now_epoch();
    let expires_in = http::secs(ttl);
    let expires_on = now + expires_in;
    let access_token = ctx.jwt.sign(
        &json!({
            "aud": QUAMOTION_RESOURCE,
            "iss": ctx.url(&format!("/quamotion/{tenant}/")),
            "iat": now,
            "nbf": now,
            "exp": expires_on,
            "aio": tokens::random_urlsafe(24),
            "appid": QUAMOTION_CLIENT_ID,
            "appidacr": "1",
            "idp": ctx.url(&format!("/quamotion/{tenant}/")),
            "oid": APP_OBJECT_ID,
            "sub": APP_OBJECT_ID,
            "tid": tenant,
            "ver": "1.0",
        }),
        Some("demo-idp-quamotion"),
    );
    ctx.tokens.insert(
        &access_token,
        Issued::new(Service::Quamotion, Kind::Access, APP_OBJECT_ID, Some(ttl))
            .client(QUAMOTION_CLIENT_ID)
            .scope(QUAMOTION_RESOURCE),
    );
    let response: Value = match version {
        Version::V1 => json!({
            "token_type": "Bearer",
            "expires_in": expires_in.to_string(),
            "ext_expires_in": expires_in.to_string(),
            "expires_on": expires_on.to_string(),
            "not_before": now.to_string(),
            "resource": QUAMOTION_RESOURCE,
            "access_token": access_token,
        }),
        Version::V2 => json!({
            "token_type": "Bearer",
            "expires_in": expires_in,
            "ext_expires_in": expires_in,
            "access_token": access_token,
        }),
    };
    http::token_json(StatusCode::OK, response)
}

/// `GET /api/version`: an ASP.NET Core endpoint behind JWT bearer authentication, which
/// answers 401 with an empty body and a `WWW-Authenticate` challenge.
async fn version(State(ctx): State<Arc<Ctx>>, headers: HeaderMap) -> Response {
    let Some(token) = http::bearer(&headers) else {
        return unauthorized("Bearer");
    };
    if ctx
        .tokens
        .check(&token, Service::Quamotion, &[Kind::Access])
        .is_err()
    {
        return unauthorized("Bearer error=\"invalid_token\"");
    }
    http::json(
        StatusCode::OK,
        json!({
            "version": "2.4.1",
            "informationalVersion": "2.4.1+demo",
            "product": "Quamotion Cloud (demo-idp)",
        }),
    )
}

fn unauthorized(challenge: &str) -> Response {
    http::with_header(
        StatusCode::UNAUTHORIZED.into_response(),
        "www-authenticate",
        challenge,
    )
}

async fn openapi(State(ctx): State<Arc<Ctx>>) -> Response {
    http::json(StatusCode::OK, crate::openapi::quamotion(&ctx.base_url))
}

async fn docs() -> Response {
    http::html(StatusCode::OK, pages::docs(NAME, "/quamotion/openapi.json"))
}
