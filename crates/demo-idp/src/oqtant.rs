//! Oqtant (Infleqtion): stands in for the Auth0 tenant `coldquanta.auth0.com` and the
//! Oqtant REST API `https://oqtant.infleqtion.com/api`.
//!
//! Facts from docs/services.md (PyPI `oqtant` 3.3.4): public client
//! `cTWqizVsJj2WrLtBgzgo3KZFgEY3k2OC` (no secret), scope `profile openid mail`, audience
//! `https://oqtant.infleqtion.com/oqtant`; authorization code with PKCE S256; redirect URI
//! `http://localhost:<port>` with NO path, only ports 8080–8085 registered; the Oqtant
//! client sends no `state` (we echo it when present). `POST /oauth/token` (form) returns a
//! JWT access token, `expires_in`, `token_type`, no refresh token. The API takes
//! `Authorization: Bearer`; the JWT `sub` looks like `auth0|<id>`; its OpenAPI docs use an
//! `HTTPBearer` scheme.
//!
//! Routes (below `/oqtant`): `GET /authorize`, `POST /u/consent` (the approve/deny form),
//! `POST /oauth/token`, `GET /api/users/{user_id}/jobs`, `GET /openapi.json`, `GET /docs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use crate::credentials::{OQTANT_AUDIENCE, OQTANT_CLIENT_ID, OQTANT_REDIRECT_URIS};
use crate::http::{self, Params};
use crate::pages::{self, Outcome};
use crate::tokens::{self, Issued, Kind, Service};
use crate::{lock, Ctx};

const NAME: &str = "Oqtant";
/// Auth0 authorization codes are short-lived.
const CODE_TTL: Duration = Duration::from_secs(600);
/// How long an unanswered consent page stays valid.
const CONSENT_TTL: Duration = Duration::from_secs(600);

/// An accepted `/authorize` request, waiting for consent or already turned into a code.
#[derive(Clone, Debug)]
struct AuthzRequest {
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
    scope: String,
    /// OIDC `nonce`, echoed in the ID token as Auth0 does.
    nonce: Option<String>,
    created: Instant,
}

pub(crate) struct OqtantState {
    /// The demo user's Auth0 subject, `auth0|<24 hex>`.
    user_sub: String,
    pending: Mutex<HashMap<String, AuthzRequest>>,
    codes: Mutex<HashMap<String, AuthzRequest>>,
}

impl OqtantState {
    pub(crate) fn new() -> Self {
        OqtantState {
            user_sub: format!("auth0|{}", tokens::random_hex(12)),
            pending: Mutex::default(),
            codes: Mutex::default(),
        }
    }
}

pub(crate) fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/authorize", get(authorize))
        .route("/u/consent", post(consent))
        .route("/oauth/token", post(token))
        .route("/api/users/{user_id}/jobs", get(jobs))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
}

fn error_page(title: &str, text: &str) -> Response {
    http::html(
        StatusCode::BAD_REQUEST,
        pages::message(Outcome::Error, NAME, title, text),
    )
}

fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> Response {
    let mut all: Vec<(&str, &str)> = pairs.to_vec();
    if let Some(s) = state {
        all.push(("state", s));
    }
    http::redirect(&http::append_query(redirect_uri, &all))
}

/// A base64url string of exactly 43 chars: the shape of an S256 challenge.
fn is_s256_challenge(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /authorize`: Auth0's authorization endpoint.
async fn authorize(State(ctx): State<Arc<Ctx>>, RawQuery(query): RawQuery) -> Response {
    let p = Params::from_query(query.as_deref());
    // Auth0 shows an error page (never redirects) for an unknown client or an
    // unregistered callback URL.
    let client_id = p.get("client_id").unwrap_or_default();
    if client_id.is_empty() {
        return error_page("invalid_request", "Missing required parameter: client_id");
    }
    if client_id != OQTANT_CLIENT_ID {
        return error_page("invalid_request", &format!("Unknown client: {client_id}"));
    }
    let Some(redirect_uri) = p.get("redirect_uri") else {
        return error_page(
            "invalid_request",
            "Missing required parameter: redirect_uri",
        );
    };
    if !OQTANT_REDIRECT_URIS.contains(&redirect_uri) {
        return error_page(
            "Callback URL mismatch.",
            &format!(
                "The provided redirect_uri is not in the list of allowed callback URLs: {redirect_uri}"
            ),
        );
    }
    let state = p.get("state");
    let fail = |error: &str, description: &str| {
        redirect_with(
            redirect_uri,
            &[("error", error), ("error_description", description)],
            state,
        )
    };
    match p.get("response_type") {
        None => {
            return fail(
                "invalid_request",
                "Missing required parameter: response_type",
            )
        }
        Some("code") => {}
        Some(other) => {
            return fail(
                "unsupported_response_type",
                &format!("Unsupported response type: {other}"),
            )
        }
    }
    match p.get("audience") {
        None => return fail("invalid_request", "Missing required parameter: audience"),
        Some(a) if a == OQTANT_AUDIENCE => {}
        Some(other) => return fail("access_denied", &format!("Service not found: {other}")),
    }
    let Some(code_challenge) = p.get("code_challenge") else {
        return fail(
            "invalid_request",
            "Missing required parameter: code_challenge",
        );
    };
    match p.get("code_challenge_method") {
        Some("S256") => {}
        None => {
            return fail(
                "invalid_request",
                "Missing required parameter: code_challenge_method",
            )
        }
        Some(other) => {
            return fail(
                "invalid_request",
                &format!("Unsupported code_challenge_method: {other} (this client requires S256)"),
            )
        }
    }
    if !is_s256_challenge(code_challenge) {
        return fail(
            "invalid_request",
            "code_challenge must be a 43-character base64url string",
        );
    }
    let request = AuthzRequest {
        redirect_uri: redirect_uri.to_owned(),
        state: state.map(str::to_owned),
        code_challenge: code_challenge.to_owned(),
        scope: p.get("scope").unwrap_or_default().to_owned(),
        nonce: p.get("nonce").map(str::to_owned),
        created: Instant::now(),
    };
    if ctx.auto_approve() {
        return issue_code(&ctx, request);
    }
    let txid = tokens::random_urlsafe(24);
    let details: Vec<String> = request
        .scope
        .split_whitespace()
        .map(|s| format!("scope: {s}"))
        .chain([format!("access to the Oqtant API ({OQTANT_AUDIENCE})")])
        .collect();
    {
        let mut pending = lock(&ctx.oqtant.pending);
        pending.retain(|_, r| r.created.elapsed() < CONSENT_TTL);
        pending.insert(txid.clone(), request);
    }
    http::html(
        StatusCode::OK,
        pages::consent(
            NAME,
            "Authdeck",
            &details,
            "/oqtant/u/consent",
            &[("txid", &txid)],
        ),
    )
}

fn issue_code(ctx: &Ctx, request: AuthzRequest) -> Response {
    let code = tokens::random_urlsafe(24);
    let redirect_uri = request.redirect_uri.clone();
    let state = request.state.clone();
    let mut codes = lock(&ctx.oqtant.codes);
    codes.retain(|_, r| r.created.elapsed() < CODE_TTL);
    codes.insert(
        code.clone(),
        AuthzRequest {
            created: Instant::now(),
            ..request
        },
    );
    drop(codes);
    redirect_with(&redirect_uri, &[("code", &code)], state.as_deref())
}

/// `POST /u/consent`: the Approve / Deny buttons of the consent page.
async fn consent(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = Params::from_form(&headers, &body);
    let request = p
        .get("txid")
        .and_then(|t| lock(&ctx.oqtant.pending).remove(t))
        .filter(|r| r.created.elapsed() < CONSENT_TTL);
    let Some(request) = request else {
        return error_page(
            "invalid_request",
            "This authorization request has expired or was already answered. Start the login again.",
        );
    };
    match http::decision(&p) {
        Some(true) => issue_code(&ctx, request),
        Some(false) => redirect_with(
            &request.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "User did not authorize the request"),
            ],
            request.state.as_deref(),
        ),
        _ => error_page("invalid_request", "Missing decision."),
    }
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    http::token_json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

/// `POST /oauth/token`: Auth0's token endpoint (form or JSON body).
async fn token(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = if http::content_type_is(&headers, "application/json") {
        Params::from_json(&body)
    } else {
        Params::from_form(&headers, &body)
    };
    match p.get("grant_type") {
        None => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: grant_type",
            )
        }
        Some("authorization_code") => {}
        Some(other) => {
            return token_error(
                StatusCode::FORBIDDEN,
                "unauthorized_client",
                &format!("Grant type '{other}' not allowed for the client."),
            )
        }
    }
    if p.get("client_id") != Some(OQTANT_CLIENT_ID) {
        return token_error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    }
    let Some(code) = p.get("code") else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: code",
        );
    };
    let Some(verifier) = p.get("code_verifier") else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Parameter 'code_verifier' is required",
        );
    };
    // A code is single use: presenting it consumes it, whatever happens next.
    let grant = lock(&ctx.oqtant.codes)
        .remove(code)
        .filter(|g| g.created.elapsed() < CODE_TTL);
    let Some(grant) = grant else {
        return token_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Invalid authorization code",
        );
    };
    if p.get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return token_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "redirect_uri does not match the one used in the authorization request",
        );
    }
    if tokens::s256(verifier) != grant.code_challenge {
        return token_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Failed to verify code verifier",
        );
    }

    let ttl = ctx.access_ttl(Service::Oqtant);
    let now = tokens::now_epoch();
    let exp = now + http::secs(ttl);
    let issuer = ctx.url("/oqtant/");
    let sub = ctx.oqtant.user_sub.as_str();
    let access_token = ctx.jwt.sign(
        &json!({
            "iss": issuer,
            "sub": sub,
            "aud": [OQTANT_AUDIENCE, ctx.url("/oqtant/userinfo")],
            "iat": now,
            "exp": exp,
            "scope": grant.scope,
            "azp": OQTANT_CLIENT_ID,
        }),
        Some("demo-idp-oqtant"),
    );
    ctx.tokens.insert(
        &access_token,
        Issued::new(Service::Oqtant, Kind::Access, sub, Some(ttl))
            .client(OQTANT_CLIENT_ID)
            .scope(&grant.scope),
    );
    let mut response = json!({
        "access_token": access_token,
        "scope": grant.scope,
        "expires_in": http::secs(ttl),
        "token_type": "Bearer",
    });
    // Auth0 adds an ID token when `openid` was asked for (Oqtant's client ignores it).
    if grant.scope.split_whitespace().any(|s| s == "openid") {
        let mut id_claims = json!({
            "iss": issuer,
            "sub": sub,
            "aud": OQTANT_CLIENT_ID,
            "iat": now,
            "exp": now + 36_000,
            "email": "demo@oqtant.test",
            "name": "Demo User",
        });
        if let Some(nonce) = &grant.nonce {
            id_claims["nonce"] = json!(nonce);
        }
        response["id_token"] = json!(ctx.jwt.sign(&id_claims, Some("demo-idp-oqtant")));
    }
    http::token_json(StatusCode::OK, response)
}

/// `GET /api/users/{user_id}/jobs`: a FastAPI endpoint behind `HTTPBearer`.
async fn jobs(
    State(ctx): State<Arc<Ctx>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let authorized = http::bearer(&headers)
        .map(|t| {
            ctx.tokens
                .check(&t, Service::Oqtant, &[Kind::Access])
                .is_ok()
        })
        .unwrap_or(false);
    if !authorized {
        return http::with_header(
            http::json(
                StatusCode::UNAUTHORIZED,
                json!({"detail": "Not authenticated"}),
            ),
            "www-authenticate",
            "Bearer",
        );
    }
    http::json(
        StatusCode::OK,
        json!({
            "items": [
                {
                    "external_id": "7b2f6a0e-5d1c-4f3a-9e2b-1c4d5e6f7a8b",
                    "name": "demo BEC ramp",
                    "job_type": "BEC",
                    "status": "COMPLETE",
                    "time_submit": "2024-05-01T12:00:00Z",
                    "user_id": user_id,
                },
                {
                    "external_id": "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f",
                    "name": "demo barrier scan",
                    "job_type": "BARRIER",
                    "status": "PENDING",
                    "time_submit": "2024-05-02T08:30:00Z",
                    "user_id": user_id,
                }
            ],
            "total": 2,
            "page": 1,
            "size": 50,
            "pages": 1,
        }),
    )
}

async fn openapi(State(ctx): State<Arc<Ctx>>) -> Response {
    http::json(StatusCode::OK, crate::openapi::oqtant(&ctx.base_url))
}

async fn docs() -> Response {
    http::html(StatusCode::OK, pages::docs(NAME, "/oqtant/openapi.json"))
}
