//! Autolab (CMU): stands in for one Autolab deployment — its Doorkeeper OAuth2 server,
//! Autolab's own device flow, the `/activate` page and the `/api/v1` API.
//!
//! Facts from docs/services.md (github autolab/Autolab: `config/initializers/doorkeeper.rb`,
//! `app/controllers/oauth/device_flow_controller.rb`, `config/initializers/rack-attack.rb`;
//! Autolab-CLI): confidential client (HTTP Basic or form credentials), authorization_code
//! grant only, no PKCE, access token 7200 s, refresh tokens that do not expire and rotate,
//! scopes `user_info user_courses user_scores user_submit instructor_all`.
//! Device flow: `GET /oauth/device_flow_init?client_id=` → `{device_code (64 hex),
//! user_code (6 chars), verification_uri (/activate)}`; poll
//! `GET /oauth/device_flow_authorize?client_id=&device_code=` → 400
//! `authorization_pending` / 400 `authorization denied by user` / 429 `Too Many Requests.
//! Retry Later.` (rack-attack: 1 poll per 5 s, 1 init per 30 s, per IP) / 200 `{"code"}`;
//! the code is exchanged at `POST /oauth/token` with `redirect_uri=<base>/device_flow_auth_cb`.
//! API errors: 401 `{"error":"OAuth2 authorization failed"}`.
//!
//! Routes (below `/autolab`): `GET /oauth/device_flow_init`, `GET /oauth/device_flow_authorize`,
//! `GET|POST /oauth/authorize` (Doorkeeper consent), `POST /oauth/token`, `GET|POST /activate`,
//! `GET /device_flow_resolve`, `GET /device_flow_auth_cb`, `GET /api/v1/user`,
//! `GET /openapi.json`, `GET /docs`.
//!
//! The `/activate` form takes the user code and the decision in ONE POST (the real site
//! goes activate → `device_flow_resolve` → Doorkeeper's consent page → `device_flow_auth_cb`;
//! that chain exists here too, for browsers).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use crate::credentials::{
    AUTOLAB_CLIENT_ID, AUTOLAB_CLIENT_SECRET, AUTOLAB_REDIRECT_PATH, AUTOLAB_SCOPE,
};
use crate::http::{self, Params};
use crate::pages::{self, Outcome};
use crate::tokens::{self, Issued, Kind, Rejected, Service};
use crate::{lock, Ctx};

const NAME: &str = "Autolab";
const APP_NAME: &str = "Authdeck (demo)";
/// Doorkeeper's default authorization-code lifetime.
const CODE_TTL: Duration = Duration::from_secs(600);
const USER_ID: &str = "1042";

const INVALID_CLIENT: &str = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";
const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
const INVALID_SCOPE: &str = "The requested scope is invalid, unknown, or malformed.";
const ACCESS_DENIED: &str = "The resource owner or authorization server denied the request.";
const ALL_SCOPES: [&str; 5] = [
    "user_info",
    "user_courses",
    "user_scores",
    "user_submit",
    "instructor_all",
];

#[derive(Clone, Debug)]
enum Resolution {
    Pending,
    Granted(String),
    Denied,
}

#[derive(Debug)]
struct DeviceRequest {
    user_code: String,
    resolution: Resolution,
    requested_at: Instant,
}

#[derive(Clone, Debug)]
struct Grant {
    client_id: String,
    redirect_uri: String,
    scope: String,
    created: Instant,
}

#[derive(Clone, Debug)]
struct AuthzRequest {
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    created: Instant,
}

#[derive(Debug, Default)]
struct Inner {
    devices: HashMap<String, DeviceRequest>,
    last_init: HashMap<IpAddr, Instant>,
    last_poll: HashMap<IpAddr, Instant>,
    grants: HashMap<String, Grant>,
    consents: HashMap<String, AuthzRequest>,
}

#[derive(Debug, Default)]
pub(crate) struct AutolabState {
    inner: Mutex<Inner>,
}

pub(crate) fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/oauth/device_flow_init", get(device_flow_init))
        .route("/oauth/device_flow_authorize", get(device_flow_authorize))
        .route("/oauth/authorize", get(authorize).post(authorize_decision))
        .route("/oauth/token", post(token))
        .route("/activate", get(activate_page).post(activate_submit))
        .route("/device_flow_resolve", get(device_flow_resolve))
        .route("/device_flow_auth_cb", get(device_flow_auth_cb))
        .route("/api/v1/user", get(user))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
}

fn redirect_uri(ctx: &Ctx) -> String {
    ctx.url(AUTOLAB_REDIRECT_PATH)
}

fn device_error(status: StatusCode, message: &str) -> Response {
    http::json(status, json!({"error": message}))
}

/// rack-attack's throttled response.
fn too_many(limit_period: Duration) -> Response {
    let mut response = http::json(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"error": "Too Many Requests. Retry Later."}),
    );
    response = http::with_header(response, "x-ratelimit-limit", "1");
    response = http::with_header(response, "x-ratelimit-remaining", "0");
    let reset = tokens::now_epoch() + limit_period.as_secs().max(1);
    http::with_header(response, "x-ratelimit-reset", &reset.to_string())
}

/// True if `ip` called less than `min` ago; otherwise records this call.
/// Only accepted calls move the window (as rack-attack's fixed windows do not grow with
/// throttled calls), so a client polling at the allowed pace always gets through.
fn throttled(map: &mut HashMap<IpAddr, Instant>, ip: IpAddr, min: Duration) -> bool {
    let now = Instant::now();
    if map
        .get(&ip)
        .is_some_and(|last| now.duration_since(*last) < min)
    {
        return true;
    }
    map.insert(ip, now);
    false
}

/// Doorkeeper grant: an authorization code bound to client, redirect URI and scope.
fn new_grant(inner: &mut Inner, redirect_uri: &str, scope: &str) -> String {
    inner.grants.retain(|_, g| g.created.elapsed() < CODE_TTL);
    let code = tokens::random_urlsafe(32);
    inner.grants.insert(
        code.clone(),
        Grant {
            client_id: AUTOLAB_CLIENT_ID.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            scope: scope.to_owned(),
            created: Instant::now(),
        },
    );
    code
}

/// Autolab's `set_app` before-action of the device flow controller: the error, if any.
fn device_client_error(p: &Params) -> Option<Response> {
    match p.raw("client_id") {
        None => Some(device_error(
            StatusCode::BAD_REQUEST,
            "Required param 'client_id' not present",
        )),
        Some(AUTOLAB_CLIENT_ID) => None,
        Some(_) => Some(device_error(
            StatusCode::BAD_REQUEST,
            "Unrecognized client_id",
        )),
    }
}

/// `GET /oauth/device_flow_init?client_id=`
async fn device_flow_init(
    State(ctx): State<Arc<Ctx>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
) -> Response {
    let min = ctx.config.autolab_init_min_interval;
    let mut inner = lock(&ctx.autolab.inner);
    if throttled(&mut inner.last_init, peer.ip(), min) {
        return too_many(min);
    }
    let p = Params::from_query(query.as_deref());
    if let Some(response) = device_client_error(&p) {
        return response;
    }
    inner
        .devices
        .retain(|_, d| d.requested_at.elapsed() < Duration::from_secs(86_400));
    let user_code = loop {
        let candidate = tokens::random_alnum(6);
        if !inner
            .devices
            .values()
            .any(|d| d.user_code.eq_ignore_ascii_case(&candidate))
        {
            break candidate;
        }
    };
    let device_code = tokens::random_hex(32);
    let resolution = if ctx.auto_approve() {
        Resolution::Granted(new_grant(&mut inner, &redirect_uri(&ctx), AUTOLAB_SCOPE))
    } else {
        Resolution::Pending
    };
    inner.devices.insert(
        device_code.clone(),
        DeviceRequest {
            user_code: user_code.clone(),
            resolution,
            requested_at: Instant::now(),
        },
    );
    http::json(
        StatusCode::OK,
        json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": ctx.url("/autolab/activate"),
        }),
    )
}

/// `GET /oauth/device_flow_authorize?client_id=&device_code=`
async fn device_flow_authorize(
    State(ctx): State<Arc<Ctx>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
) -> Response {
    let min = ctx.config.autolab_poll_min_interval;
    let mut inner = lock(&ctx.autolab.inner);
    if throttled(&mut inner.last_poll, peer.ip(), min) {
        return too_many(min);
    }
    let p = Params::from_query(query.as_deref());
    if let Some(response) = device_client_error(&p) {
        return response;
    }
    let Some(device_code) = p.raw("device_code") else {
        return device_error(
            StatusCode::BAD_REQUEST,
            "Required param 'device_code' not present",
        );
    };
    let Some(request) = inner.devices.get(device_code) else {
        return device_error(
            StatusCode::BAD_REQUEST,
            "Invalid device_code. User may have denied access",
        );
    };
    match request.resolution.clone() {
        Resolution::Pending => device_error(StatusCode::BAD_REQUEST, "authorization_pending"),
        Resolution::Denied => {
            inner.devices.remove(device_code);
            device_error(StatusCode::BAD_REQUEST, "authorization denied by user")
        }
        Resolution::Granted(code) => {
            inner.devices.remove(device_code);
            http::json(StatusCode::OK, json!({"code": code}))
        }
    }
}

fn activate_response(
    status: StatusCode,
    prefill: &str,
    flash: Option<(Outcome, &str)>,
) -> Response {
    http::html(
        status,
        pages::activate("/autolab/activate", prefill, flash, APP_NAME),
    )
}

/// `GET /activate[?user_code=]`: the page where the user enters the code.
async fn activate_page(RawQuery(query): RawQuery) -> Response {
    let p = Params::from_query(query.as_deref());
    activate_response(StatusCode::OK, p.get("user_code").unwrap_or_default(), None)
}

/// Finds the pending device request whose user code is `code` (case-insensitive, as
/// Autolab's MySQL lookup is).
fn find_pending<'a>(inner: &'a mut Inner, code: &str) -> Option<&'a mut DeviceRequest> {
    inner.devices.values_mut().find(|d| {
        matches!(d.resolution, Resolution::Pending) && d.user_code.eq_ignore_ascii_case(code)
    })
}

/// `POST /activate` (`user_code`, `decision=approve|deny`).
async fn activate_submit(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = Params::from_form(&headers, &body);
    let code = p.get("user_code").map(str::trim).unwrap_or_default();
    if code.is_empty() {
        return activate_response(
            StatusCode::BAD_REQUEST,
            "",
            Some((Outcome::Error, "User code missing. Please enter user code.")),
        );
    }
    let Some(approve) = http::decision(&p) else {
        return activate_response(
            StatusCode::BAD_REQUEST,
            code,
            Some((Outcome::Error, "Choose Approve or Deny.")),
        );
    };
    let redirect = redirect_uri(&ctx);
    let mut guard = lock(&ctx.autolab.inner);
    let inner = &mut *guard;
    if find_pending(inner, code).is_none() {
        return activate_response(
            StatusCode::BAD_REQUEST,
            code,
            Some((Outcome::Error, "Invalid user code.")),
        );
    }
    let resolution = if approve {
        Resolution::Granted(new_grant(inner, &redirect, AUTOLAB_SCOPE))
    } else {
        Resolution::Denied
    };
    let approved = matches!(resolution, Resolution::Granted(_));
    if let Some(request) = find_pending(inner, code) {
        request.resolution = resolution;
    }
    drop(guard);
    if approved {
        activate_response(
            StatusCode::OK,
            "",
            Some((Outcome::Approved, "Access granted")),
        )
    } else {
        activate_response(
            StatusCode::OK,
            "",
            Some((Outcome::Denied, "Access denied by user")),
        )
    }
}

/// `GET /device_flow_resolve?user_code=`: the real activate form's target. Swaps the user
/// code for a one-time identifier and sends the browser to Doorkeeper's consent page.
async fn device_flow_resolve(State(ctx): State<Arc<Ctx>>, RawQuery(query): RawQuery) -> Response {
    let p = Params::from_query(query.as_deref());
    let code = p.get("user_code").map(str::trim).unwrap_or_default();
    if code.is_empty() {
        return activate_response(
            StatusCode::BAD_REQUEST,
            "",
            Some((Outcome::Error, "User code missing. Please enter user code.")),
        );
    }
    let new_code = tokens::random_hex(32);
    {
        let mut inner = lock(&ctx.autolab.inner);
        let Some(request) = find_pending(&mut inner, code) else {
            return activate_response(
                StatusCode::BAD_REQUEST,
                code,
                Some((Outcome::Error, "Invalid user code.")),
            );
        };
        request.user_code = new_code.clone();
    }
    let location = http::append_query(
        "/autolab/oauth/authorize",
        &[
            ("client_id", AUTOLAB_CLIENT_ID),
            ("response_type", "code"),
            ("scope", AUTOLAB_SCOPE),
            ("redirect_uri", &redirect_uri(&ctx)),
            ("state", &new_code),
        ],
    );
    http::redirect(&location)
}

/// `GET /device_flow_auth_cb?code=&state=` (or `?error=&state=`): Doorkeeper redirects
/// here after the consent page; resolves the device request.
async fn device_flow_auth_cb(State(ctx): State<Arc<Ctx>>, RawQuery(query): RawQuery) -> Response {
    let p = Params::from_query(query.as_deref());
    let state = p.get("state").unwrap_or_default();
    let mut inner = lock(&ctx.autolab.inner);
    let request = inner.devices.values_mut().find(|d| {
        !state.is_empty() && d.user_code == state && matches!(d.resolution, Resolution::Pending)
    });
    let Some(request) = request else {
        return http::html(
            StatusCode::BAD_REQUEST,
            pages::message(
                Outcome::Error,
                NAME,
                "Unknown request",
                "This authorization does not belong to a pending device request.",
            ),
        );
    };
    if p.raw("error").is_some() {
        request.resolution = Resolution::Denied;
        drop(inner);
        return activate_response(
            StatusCode::OK,
            "",
            Some((Outcome::Denied, "Access denied by user")),
        );
    }
    match p.get("code") {
        Some(code) => {
            request.resolution = Resolution::Granted(code.to_owned());
            drop(inner);
            activate_response(
                StatusCode::OK,
                "",
                Some((Outcome::Approved, "Access granted")),
            )
        }
        None => activate_response(
            StatusCode::BAD_REQUEST,
            "",
            Some((Outcome::Error, "Missing authorization code.")),
        ),
    }
}

fn doorkeeper_error_page(error: &str, description: &str) -> Response {
    http::html(
        StatusCode::BAD_REQUEST,
        pages::message(Outcome::Error, NAME, error, description),
    )
}

/// `GET /oauth/authorize`: Doorkeeper's authorization endpoint (consent page).
async fn authorize(State(ctx): State<Arc<Ctx>>, RawQuery(query): RawQuery) -> Response {
    let p = Params::from_query(query.as_deref());
    if p.get("client_id") != Some(AUTOLAB_CLIENT_ID) {
        return doorkeeper_error_page("invalid_client", INVALID_CLIENT);
    }
    let registered = redirect_uri(&ctx);
    match p.get("redirect_uri") {
        None => {
            return doorkeeper_error_page(
                "invalid_request",
                "Missing required parameter: redirect_uri.",
            )
        }
        Some(r) if r == registered => {}
        Some(_) => {
            return doorkeeper_error_page(
                "invalid_redirect_uri",
                "The requested redirect uri is malformed or doesn't match client redirect URI.",
            )
        }
    }
    let state = p.get("state");
    let fail = |error: &str, description: &str| {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if let Some(s) = state {
            pairs.push(("state", s));
        }
        http::redirect(&http::append_query(&registered, &pairs))
    };
    match p.get("response_type") {
        None => {
            return fail(
                "invalid_request",
                "Missing required parameter: response_type.",
            )
        }
        Some("code") => {}
        Some(_) => {
            return fail(
                "unsupported_response_type",
                "The authorization server does not support this response type.",
            )
        }
    }
    let scope = p.get("scope").unwrap_or(AUTOLAB_SCOPE).to_owned();
    let allowed: Vec<&str> = AUTOLAB_SCOPE.split_whitespace().collect();
    if scope.split_whitespace().any(|s| !allowed.contains(&s)) {
        return fail("invalid_scope", INVALID_SCOPE);
    }
    let request = AuthzRequest {
        redirect_uri: registered.clone(),
        scope,
        state: state.map(str::to_owned),
        created: Instant::now(),
    };
    if ctx.auto_approve() {
        return approve(&ctx, &request);
    }
    let txid = tokens::random_urlsafe(24);
    let details: Vec<String> = request
        .scope
        .split_whitespace()
        .map(|s| format!("scope: {s}"))
        .collect();
    {
        let mut inner = lock(&ctx.autolab.inner);
        inner.consents.retain(|_, r| r.created.elapsed() < CODE_TTL);
        inner.consents.insert(txid.clone(), request);
    }
    http::html(
        StatusCode::OK,
        pages::consent(
            NAME,
            APP_NAME,
            &details,
            "/autolab/oauth/authorize",
            &[("txid", &txid)],
        ),
    )
}

fn approve(ctx: &Ctx, request: &AuthzRequest) -> Response {
    let code = new_grant(
        &mut lock(&ctx.autolab.inner),
        &request.redirect_uri,
        &request.scope,
    );
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &request.state {
        pairs.push(("state", s));
    }
    http::redirect(&http::append_query(&request.redirect_uri, &pairs))
}

/// `POST /oauth/authorize` (`txid`, `decision`): the consent page's buttons.
async fn authorize_decision(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = Params::from_form(&headers, &body);
    let request = p
        .get("txid")
        .and_then(|t| lock(&ctx.autolab.inner).consents.remove(t))
        .filter(|r| r.created.elapsed() < CODE_TTL);
    let Some(request) = request else {
        return doorkeeper_error_page(
            "invalid_request",
            "This authorization request has expired or was already answered.",
        );
    };
    match http::decision(&p) {
        Some(true) => approve(&ctx, &request),
        Some(false) => {
            let mut pairs = vec![
                ("error", "access_denied"),
                ("error_description", ACCESS_DENIED),
            ];
            if let Some(s) = &request.state {
                pairs.push(("state", s));
            }
            http::redirect(&http::append_query(&request.redirect_uri, &pairs))
        }
        _ => doorkeeper_error_page("invalid_request", "Missing decision."),
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    http::token_json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

/// `POST /oauth/token`: Doorkeeper's token endpoint.
async fn token(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = Params::from_form(&headers, &body);
    let grant_type = match p.get("grant_type") {
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: grant_type.",
            )
        }
        Some(g @ ("authorization_code" | "refresh_token")) => g,
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        }
    };
    // Doorkeeper reads client credentials from the Basic header first, then the form.
    let (client_id, secret) = match http::basic_auth(&headers) {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            p.get("client_id").map(str::to_owned),
            p.get("client_secret").map(str::to_owned),
        ),
    };
    if client_id.as_deref() != Some(AUTOLAB_CLIENT_ID)
        || secret.as_deref() != Some(AUTOLAB_CLIENT_SECRET)
    {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", INVALID_CLIENT);
    }
    let scope = if grant_type == "authorization_code" {
        let Some(code) = p.get("code") else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: code.",
            );
        };
        let Some(redirect) = p.get("redirect_uri") else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: redirect_uri.",
            );
        };
        let mut inner = lock(&ctx.autolab.inner);
        let valid = inner.grants.get(code).is_some_and(|g| {
            g.created.elapsed() < CODE_TTL
                && g.client_id == AUTOLAB_CLIENT_ID
                && g.redirect_uri == redirect
        });
        let grant = if valid {
            inner.grants.remove(code)
        } else {
            None
        };
        drop(inner);
        match grant {
            Some(g) => g.scope,
            None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", INVALID_GRANT),
        }
    } else {
        let Some(refresh) = p.get("refresh_token") else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: refresh_token.",
            );
        };
        match ctx.tokens.use_refresh(refresh, Service::Autolab) {
            Ok(old) => {
                // In Doorkeeper the refresh token lives on the access-token row: revoking
                // one revokes the previous access token as well.
                ctx.tokens.revoke(&old.session);
                old.scope
            }
            Err(_) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", INVALID_GRANT),
        }
    };

    let ttl = ctx.access_ttl(Service::Autolab);
    let access_token = tokens::random_urlsafe(32);
    let refresh_token = tokens::random_urlsafe(32);
    ctx.tokens.insert(
        &access_token,
        Issued::new(Service::Autolab, Kind::Access, USER_ID, Some(ttl))
            .client(AUTOLAB_CLIENT_ID)
            .scope(&scope),
    );
    // Refresh tokens never expire; `session` remembers their access token for revocation.
    ctx.tokens.insert(
        &refresh_token,
        Issued::new(Service::Autolab, Kind::Refresh, USER_ID, None)
            .client(AUTOLAB_CLIENT_ID)
            .scope(&scope)
            .session(&access_token),
    );
    http::token_json(
        StatusCode::OK,
        json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": http::secs(ttl),
            "refresh_token": refresh_token,
            "scope": scope,
            "created_at": tokens::now_epoch(),
        }),
    )
}

/// `GET /api/v1/user`: Doorkeeper-protected (Bearer header or `access_token` parameter),
/// needs scope `user_info`.
async fn user(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let p = Params::from_query(query.as_deref());
    let token = http::bearer(&headers).or_else(|| {
        p.get("access_token")
            .or_else(|| p.get("bearer_token"))
            .map(str::to_owned)
    });
    let checked = token.map(|t| ctx.tokens.check(&t, Service::Autolab, &[Kind::Access]));
    let issued = match checked {
        Some(Ok(issued)) => issued,
        Some(Err(rejected)) => {
            let description = match rejected {
                Rejected::Expired => "The access token expired",
                Rejected::Revoked => "The access token was revoked",
                Rejected::Unknown | Rejected::Foreign => "The access token is invalid",
            };
            return http::with_header(
                http::json(
                    StatusCode::UNAUTHORIZED,
                    json!({"error": "OAuth2 authorization failed"}),
                ),
                "www-authenticate",
                &format!(
                    "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"{description}\""
                ),
            );
        }
        None => {
            return http::with_header(
                http::json(
                    StatusCode::UNAUTHORIZED,
                    json!({"error": "OAuth2 authorization failed"}),
                ),
                "www-authenticate",
                "Bearer realm=\"Doorkeeper\"",
            )
        }
    };
    if !issued.scope.split_whitespace().any(|s| s == "user_info") {
        return http::json(
            StatusCode::FORBIDDEN,
            json!({"error": "You do not have the required scope for this action"}),
        );
    }
    http::json(
        StatusCode::OK,
        json!({
            "first_name": "Demo",
            "last_name": "User",
            "email": "demo@autolab.test",
            "school": "Demo University",
            "major": "Computer Science",
            "year": "2",
        }),
    )
}

async fn openapi(State(ctx): State<Arc<Ctx>>) -> Response {
    http::json(
        StatusCode::OK,
        crate::openapi::autolab(&ctx.base_url, &ALL_SCOPES),
    )
}

async fn docs() -> Response {
    http::html(StatusCode::OK, pages::docs(NAME, "/autolab/openapi.json"))
}
