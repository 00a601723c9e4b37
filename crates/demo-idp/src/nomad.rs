//! NOMAD (FAIRmat): stands in for the NOMAD v1 API (`https://nomad-lab.eu/prod/v1/api/v1`)
//! and its Keycloak realm `fairdi_nomad_prod`
//! (`https://nomad-lab.eu/fairdi/keycloak/auth/realms/fairdi_nomad_prod`).
//!
//! Facts from docs/services.md (PyPI `nomad-lab` 1.3.17, 1.4.3, 2.0.0) and NOMAD's
//! `nomad/app/v1/routers/auth.py`: current `POST /v1/auth/token`, form
//! `grant_type=password&username&password` (FastAPI `OAuth2PasswordRequestFormStrict`:
//! missing fields → 422) → Keycloak-shaped `{access_token, token_type, expires_in,
//! refresh_token, refresh_expires_in, scope, id_token}`; bad credentials → 401
//! `{"detail":"Incorrect username or password"}`. Legacy (≤1.3) `GET /v1/auth/token?username=
//! &password=` → `{"access_token","token_type":"bearer"}` only. Refresh goes to Keycloak
//! directly with `client_id=nomad_public` (public client). `GET /v1/auth/app_token?expires_in=N`
//! (0 < N ≤ 2 592 000, else 422) → `{"app_token": <HS256 JWT {user, exp}>}`, usable like an
//! access token. `GET /v1/uploads` → `{"data":[…]}`. Unauthenticated → 401
//! `{"detail":"Authentication required."}`.
//!
//! Routes (below `/nomad`): `POST|GET /api/v1/auth/token`, `GET /api/v1/auth/app_token`,
//! `GET /api/v1/uploads`, `POST /keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token`,
//! `…/openid-connect/revoke` (RFC 7009: Keycloak revokes a public client's access or
//! refresh token; the API then refuses a revoked access token), `…/token/introspect`
//! (RFC 7662: Keycloak refuses public clients there, 403 "Client not allowed."),
//! `GET /openapi.json` (also at `/api/v1/openapi.json`, where NOMAD serves it), `GET /docs`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::credentials::{
    NOMAD_APP_TOKEN_MAX_EXPIRES_IN, NOMAD_CLIENT_ID, NOMAD_PASSWORD, NOMAD_USERNAME,
};
use crate::http::{self, Params};
use crate::pages;
use crate::tokens::{self, Issued, Kind, Rejected, Service};
use crate::Ctx;

const NAME: &str = "NOMAD";
const REALM_PATH: &str = "/nomad/keycloak/auth/realms/fairdi_nomad_prod";
/// The demo user's Keycloak id (NOMAD's `user_id`).
const USER_ID: &str = "8f052e1f-1906-41fd-b2eb-690c03407788";
const EMAIL: &str = "demo@nomad.test";
/// Keycloak refresh-token lifetime (the realm's SSO session idle time), independent of
/// the access-token TTL override.
const REFRESH_TTL: Duration = Duration::from_secs(7_200);

pub(crate) fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/api/v1/auth/token", post(token).get(legacy_token))
        .route("/api/v1/auth/app_token", get(app_token))
        .route("/api/v1/uploads", get(uploads))
        .route(
            "/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token",
            post(keycloak_token),
        )
        .route(
            "/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/revoke",
            post(keycloak_revoke),
        )
        .route(
            "/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token/introspect",
            post(keycloak_introspect),
        )
        .route("/openapi.json", get(openapi))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/docs", get(docs))
}

fn valid_login(username: &str, password: &str) -> bool {
    (username == NOMAD_USERNAME || username.eq_ignore_ascii_case(EMAIL))
        && password == NOMAD_PASSWORD
}

/// A FastAPI/pydantic-v2 validation error item.
fn missing_field(location: &str, name: &str) -> Value {
    json!({"type": "missing", "loc": [location, name], "msg": "Field required", "input": null})
}

fn unprocessable(errors: Vec<Value>) -> Response {
    http::json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "detail": errors }),
    )
}

fn detail(status: StatusCode, text: &str, challenge: &str) -> Response {
    http::with_header(
        http::json(status, json!({ "detail": text })),
        "www-authenticate",
        challenge,
    )
}

/// One Keycloak token set (a login or a refresh within session `session`).
fn keycloak_tokens(ctx: &Ctx, session: &str, scope: &str) -> Value {
    let ttl = ctx.access_ttl(Service::Nomad);
    let now = tokens::now_epoch();
    let issuer = ctx.url(REALM_PATH);
    let profile = json!({
        "email_verified": true,
        "name": "Demo User",
        "preferred_username": NOMAD_USERNAME,
        "given_name": "Demo",
        "family_name": "User",
        "email": EMAIL,
    });
    let mut access = json!({
        "exp": now + http::secs(ttl),
        "iat": now,
        "auth_time": now,
        "jti": tokens::random_uuid(),
        "iss": issuer,
        "aud": "account",
        "sub": USER_ID,
        "typ": "Bearer",
        "azp": NOMAD_CLIENT_ID,
        "session_state": session,
        "acr": "1",
        "scope": scope,
        "sid": session,
    });
    merge(&mut access, &profile);
    let access_token = ctx.jwt.sign(&access, Some("demo-idp-keycloak"));
    ctx.tokens.insert(
        &access_token,
        Issued::new(Service::Nomad, Kind::Access, USER_ID, Some(ttl))
            .client(NOMAD_CLIENT_ID)
            .scope(scope)
            .session(session),
    );
    let refresh_token = ctx.jwt.sign(
        &json!({
            "exp": now + REFRESH_TTL.as_secs(),
            "iat": now,
            "jti": tokens::random_uuid(),
            "iss": issuer,
            "aud": issuer,
            "sub": USER_ID,
            "typ": "Refresh",
            "azp": NOMAD_CLIENT_ID,
            "session_state": session,
            "scope": scope,
            "sid": session,
        }),
        Some("demo-idp-keycloak"),
    );
    ctx.tokens.insert(
        &refresh_token,
        Issued::new(Service::Nomad, Kind::Refresh, USER_ID, Some(REFRESH_TTL))
            .client(NOMAD_CLIENT_ID)
            .scope(scope)
            .session(session),
    );
    let mut response = json!({
        "access_token": access_token,
        "expires_in": http::secs(ttl),
        "refresh_expires_in": REFRESH_TTL.as_secs(),
        "refresh_token": refresh_token,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "session_state": session,
        "scope": scope,
    });
    if scope.split_whitespace().any(|s| s == "openid") {
        let mut id = json!({
            "exp": now + http::secs(ttl),
            "iat": now,
            "auth_time": now,
            "jti": tokens::random_uuid(),
            "iss": issuer,
            "aud": NOMAD_CLIENT_ID,
            "sub": USER_ID,
            "typ": "ID",
            "azp": NOMAD_CLIENT_ID,
            "session_state": session,
            "acr": "1",
            "sid": session,
        });
        merge(&mut id, &profile);
        response["id_token"] = json!(ctx.jwt.sign(&id, Some("demo-idp-keycloak")));
    }
    response
}

fn merge(target: &mut Value, extra: &Value) {
    if let (Some(t), Some(e)) = (target.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            t.insert(k.clone(), v.clone());
        }
    }
}

/// `POST /api/v1/auth/token`: NOMAD's OIDC password grant (relayed to Keycloak).
async fn token(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = Params::from_form(&headers, &body);
    let mut errors = Vec::new();
    match p.get("grant_type") {
        None => errors.push(missing_field("body", "grant_type")),
        Some("password") => {}
        Some(other) => errors.push(json!({
            "type": "string_pattern_mismatch",
            "loc": ["body", "grant_type"],
            "msg": "String should match pattern '^password$'",
            "input": other,
            "ctx": {"pattern": "^password$"},
        })),
    }
    if p.get("username").is_none() {
        errors.push(missing_field("body", "username"));
    }
    if p.get("password").is_none() {
        errors.push(missing_field("body", "password"));
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let (username, password) = (
        p.get("username").unwrap_or_default(),
        p.get("password").unwrap_or_default(),
    );
    if !valid_login(username, password) {
        return detail(
            StatusCode::UNAUTHORIZED,
            "Incorrect username or password",
            "Basic",
        );
    }
    // NOMAD returns its `OIDCToken` model: Keycloak's answer minus the Keycloak-only keys.
    let full = keycloak_tokens(&ctx, &tokens::random_uuid(), "openid profile email");
    let mut response = json!({});
    for key in [
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
        "id_token",
        "refresh_expires_in",
    ] {
        response[key] = full.get(key).cloned().unwrap_or(Value::Null);
    }
    http::token_json(StatusCode::OK, response)
}

/// `GET /api/v1/auth/token?username=&password=`: the legacy (≤1.3) variant.
async fn legacy_token(State(ctx): State<Arc<Ctx>>, RawQuery(query): RawQuery) -> Response {
    let p = Params::from_query(query.as_deref());
    let mut errors = Vec::new();
    if p.raw("username").is_none() {
        errors.push(missing_field("query", "username"));
    }
    if p.raw("password").is_none() {
        errors.push(missing_field("query", "password"));
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let (username, password) = (
        p.raw("username").unwrap_or_default(),
        p.raw("password").unwrap_or_default(),
    );
    if !valid_login(username, password) {
        return detail(
            StatusCode::UNAUTHORIZED,
            "Incorrect username or password",
            "Bearer",
        );
    }
    let full = keycloak_tokens(&ctx, &tokens::random_uuid(), "openid profile email");
    http::json(
        StatusCode::OK,
        json!({
            "access_token": full.get("access_token").cloned().unwrap_or(Value::Null),
            "token_type": "bearer",
        }),
    )
}

/// NOMAD's user resolution: an app ("simple") token — a JWT whose payload has exactly
/// `user` and `exp` — or a Keycloak access token. The error is NOMAD's 401 detail text.
fn authenticate(ctx: &Ctx, headers: &HeaderMap) -> Result<Issued, &'static str> {
    let Some(token) = http::bearer(headers) else {
        return Err("Authentication required.");
    };
    let simple = tokens::peek_claims(&token)
        .and_then(|c| {
            c.as_object()
                .map(|o| o.len() == 2 && o.contains_key("user") && o.contains_key("exp"))
        })
        .unwrap_or(false);
    if simple {
        return match ctx.tokens.check(&token, Service::Nomad, &[Kind::App]) {
            Ok(issued) => Ok(issued),
            Err(Rejected::Expired) => Err("Expired token."),
            Err(_) => Err("Invalid token."),
        };
    }
    ctx.tokens
        .check(&token, Service::Nomad, &[Kind::Access])
        .map_err(|_| "Could not validate credentials. The given token is invalid.")
}

fn unauthorized(text: &str) -> Response {
    detail(StatusCode::UNAUTHORIZED, text, "Bearer")
}

/// `GET /api/v1/auth/app_token?expires_in=N`
async fn app_token(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    // FastAPI resolves the user dependency before validating query parameters.
    let user = match authenticate(&ctx, &headers) {
        Ok(user) => user,
        Err(text) => return unauthorized(text),
    };
    let p = Params::from_query(query.as_deref());
    let Some(raw) = p.raw("expires_in") else {
        return unprocessable(vec![missing_field("query", "expires_in")]);
    };
    let Ok(n) = raw.trim().parse::<i128>() else {
        return unprocessable(vec![json!({
            "type": "int_parsing",
            "loc": ["query", "expires_in"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": raw,
        })]);
    };
    if n <= 0 {
        return unprocessable(vec![json!({
            "type": "greater_than",
            "loc": ["query", "expires_in"],
            "msg": "Input should be greater than 0",
            "input": raw,
            "ctx": {"gt": 0},
        })]);
    }
    let max = i128::from(NOMAD_APP_TOKEN_MAX_EXPIRES_IN);
    if n > max {
        return unprocessable(vec![json!({
            "type": "less_than_equal",
            "loc": ["query", "expires_in"],
            "msg": format!("Input should be less than or equal to {max}"),
            "input": raw,
            "ctx": {"le": max},
        })]);
    }
    let seconds = u64::try_from(n).unwrap_or(NOMAD_APP_TOKEN_MAX_EXPIRES_IN);
    let token = ctx.jwt.sign(
        &json!({"user": user.subject, "exp": tokens::now_epoch() + seconds}),
        None,
    );
    ctx.tokens.insert(
        &token,
        Issued::new(
            Service::Nomad,
            Kind::App,
            &user.subject,
            Some(Duration::from_secs(seconds)),
        ),
    );
    http::json(StatusCode::OK, json!({ "app_token": token }))
}

/// `GET /api/v1/uploads`: the user's uploads (access token or app token).
async fn uploads(State(ctx): State<Arc<Ctx>>, headers: HeaderMap) -> Response {
    if let Err(text) = authenticate(&ctx, &headers) {
        return unauthorized(text);
    }
    http::json(
        StatusCode::OK,
        json!({
            "query": {},
            "pagination": {
                "page_size": 10,
                "order_by": "upload_create_time",
                "order": "asc",
                "page": 1,
                "total": 1,
                "first_page_url": ctx.url("/nomad/api/v1/uploads?page=1"),
            },
            "data": [{
                "process_running": false,
                "current_process": "process_upload",
                "process_status": "SUCCESS",
                "last_status_message": "Process process_upload completed successfully",
                "errors": [],
                "warnings": [],
                "complete_time": "2024-07-16T13:57:53.459000",
                "upload_id": "DemoUpl0ad-cdeteN2Xxaw",
                "upload_name": "demo_dataset.zip",
                "upload_create_time": "2024-07-16T13:57:53.308000",
                "main_author": USER_ID,
                "coauthors": [],
                "reviewers": [],
                "writers": [USER_ID],
                "viewers": [USER_ID],
                "published": false,
                "published_to": [],
                "with_embargo": false,
                "embargo_length": 0,
                "license": "CC BY 4.0",
                "entries": 3,
            }],
        }),
    )
}

fn keycloak_error(status: StatusCode, error: &str, description: &str) -> Response {
    http::token_json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

/// `POST …/protocol/openid-connect/token`: Keycloak's token endpoint for `nomad_public`.
async fn keycloak_token(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = Params::from_form(&headers, &body);
    let Some(grant_type) = p.get("grant_type") else {
        return keycloak_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing form parameter: grant_type",
        );
    };
    let client_id = http::basic_auth(&headers)
        .map(|(id, _)| id)
        .or_else(|| p.get("client_id").map(str::to_owned));
    if client_id.as_deref() != Some(NOMAD_CLIENT_ID) {
        return keycloak_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client or Invalid client credentials",
        );
    }
    match grant_type {
        "password" => {
            let (Some(username), Some(password)) = (p.get("username"), p.get("password")) else {
                return keycloak_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_request",
                    "Missing parameter: username",
                );
            };
            let requested = p.get("scope").unwrap_or_default();
            let unknown: Vec<&str> = requested
                .split_whitespace()
                .filter(|s| !["openid", "profile", "email"].contains(s))
                .collect();
            if !unknown.is_empty() {
                return keycloak_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("Invalid scopes: {requested}"),
                );
            }
            if !valid_login(username, password) {
                return keycloak_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_grant",
                    "Invalid user credentials",
                );
            }
            let scope = if requested.split_whitespace().any(|s| s == "openid") {
                "openid profile email"
            } else {
                "profile email"
            };
            http::token_json(
                StatusCode::OK,
                keycloak_tokens(&ctx, &tokens::random_uuid(), scope),
            )
        }
        "refresh_token" => {
            let Some(refresh) = p.get("refresh_token") else {
                return keycloak_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Missing parameter: refresh_token",
                );
            };
            match ctx.tokens.use_refresh(refresh, Service::Nomad) {
                Ok(old) => http::token_json(
                    StatusCode::OK,
                    keycloak_tokens(&ctx, &old.session, &old.scope),
                ),
                Err(Rejected::Revoked) => keycloak_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Maximum allowed refresh token reuse exceeded",
                ),
                Err(Rejected::Expired) => keycloak_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Token is not active",
                ),
                Err(Rejected::Unknown | Rejected::Foreign) => keycloak_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid refresh token",
                ),
            }
        }
        _ => keycloak_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant_type",
        ),
    }
}

/// The client of a Keycloak request: HTTP Basic, else the form's `client_id`.
fn keycloak_client(headers: &HeaderMap, p: &Params) -> Option<String> {
    http::basic_auth(headers)
        .map(|(id, _)| id)
        .or_else(|| p.get("client_id").map(str::to_owned))
}

/// `POST …/protocol/openid-connect/revoke`: Keycloak's RFC 7009 endpoint. A token of
/// `nomad_public` is revoked (an access token is then refused by the API); an unknown,
/// expired or already revoked token is answered 200 too, as RFC 7009 says.
async fn keycloak_revoke(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = Params::from_form(&headers, &body);
    if keycloak_client(&headers, &p).as_deref() != Some(NOMAD_CLIENT_ID) {
        return keycloak_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client or Invalid client credentials",
        );
    }
    let Some(token) = p.get("token") else {
        return keycloak_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Token not provided",
        );
    };
    if let Ok(issued) = ctx
        .tokens
        .check(token, Service::Nomad, &[Kind::Access, Kind::Refresh])
    {
        if issued.client_id != NOMAD_CLIENT_ID {
            return keycloak_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Unmatching clients",
            );
        }
        ctx.tokens.revoke(token);
    }
    Response::new(axum::body::Body::empty())
}

/// `POST …/protocol/openid-connect/token/introspect`: Keycloak answers a public client
/// 403 "Client not allowed." (only confidential clients may introspect).
async fn keycloak_introspect(headers: HeaderMap, body: Bytes) -> Response {
    let p = Params::from_form(&headers, &body);
    if keycloak_client(&headers, &p).as_deref() != Some(NOMAD_CLIENT_ID) {
        return keycloak_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client or Invalid client credentials",
        );
    }
    keycloak_error(
        StatusCode::FORBIDDEN,
        "invalid_request",
        "Client not allowed.",
    )
}

async fn openapi(State(ctx): State<Arc<Ctx>>) -> Response {
    http::json(StatusCode::OK, crate::openapi::nomad(&ctx.base_url))
}

async fn docs() -> Response {
    http::html(StatusCode::OK, pages::docs(NAME, "/nomad/openapi.json"))
}
