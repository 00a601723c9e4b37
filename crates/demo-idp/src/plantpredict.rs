//! PlantPredict: stands in for the AWS Cognito domain `terabase-prd.auth.us-west-2.amazoncognito.com`
//! (current SDK), the legacy Okta authorization server `afse.okta.com/oauth2/aus3jzhulkrINTdnc356`
//! (SDK 0.8–1.0.3, what the seed describes) and the PlantPredict API.
//!
//! Facts from docs/services.md (PyPI `plantpredict` 0.8.0–1.0.24, github plantpredict/python-sdk):
//! the current SDK posts client credentials to `POST /oauth2/token` with ALL parameters in the
//! URL query string and an empty body (`grant_type=client_credentials&scope=transactions/post
//! transactions/get&client_id&client_secret`); no refresh token. The legacy SDK posts, again
//! all in the query string, `grant_type=password&scope=openid offline_access&username&password
//! &client_id&client_secret` to Okta's `/v1/token`, and refreshes with
//! `grant_type=refresh_token&refresh_token&scope=offline_access&client_id&client_secret`.
//! Tokens live 1 hour. The API takes `Authorization: Bearer`.
//!
//! Strictness: only the query string is read, so a client that sends the parameters as a
//! form body gets Cognito's/Okta's answer to a request without `grant_type`.
//!
//! Routes (below `/plantpredict`): `POST /oauth2/token` (Cognito),
//! `POST /okta/oauth2/{authorization_server}/v1/token` (Okta), `GET /Project`,
//! `GET /openapi.json`, `GET /docs`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::credentials::{
    PLANTPREDICT_CLIENT_ID, PLANTPREDICT_CLIENT_SECRET, PLANTPREDICT_PASSWORD, PLANTPREDICT_SCOPE,
    PLANTPREDICT_USERNAME,
};
use crate::http::{self, Params};
use crate::pages;
use crate::tokens::{self, Issued, Kind, Service};
use crate::Ctx;

const NAME: &str = "PlantPredict";
const OKTA_SERVER_ID: &str = "aus3jzhulkrINTdnc356";
const OKTA_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];
/// The demo user's Okta id.
const OKTA_UID: &str = "00u1demo7plantpred0x7";

pub(crate) fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/oauth2/token", post(cognito_token))
        .route("/okta/oauth2/{server}/v1/token", post(okta_token))
        .route("/Project", get(projects))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
}

/// Client id and secret from HTTP Basic or, failing that, from the query parameters.
fn client_credentials(headers: &HeaderMap, p: &Params) -> (Option<String>, Option<String>) {
    match http::basic_auth(headers) {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            p.get("client_id").map(str::to_owned),
            p.get("client_secret").map(str::to_owned),
        ),
    }
}

/// The query parameters: the only place the SDK puts them, and the only place read here.
fn query_params(query: Option<&str>, body: &Bytes) -> Params {
    let p = Params::from_query(query);
    if p.is_empty() && !body.is_empty() {
        tracing::warn!(
            "plantpredict: token request has a body but no query parameters; \
             the PlantPredict SDK sends everything in the query string"
        );
    }
    p
}

fn cognito_error(error: &str) -> Response {
    http::token_json(StatusCode::BAD_REQUEST, json!({"error": error}))
}

/// `POST /oauth2/token`: Cognito's token endpoint, as the SDK calls it.
async fn cognito_token(
    State(ctx): State<Arc<Ctx>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = query_params(query.as_deref(), &body);
    match p.get("grant_type") {
        None => return cognito_error("invalid_request"),
        Some("client_credentials") => {}
        Some(_) => return cognito_error("unsupported_grant_type"),
    }
    let (client_id, secret) = client_credentials(&headers, &p);
    if client_id.as_deref() != Some(PLANTPREDICT_CLIENT_ID)
        || secret.as_deref() != Some(PLANTPREDICT_CLIENT_SECRET)
    {
        return cognito_error("invalid_client");
    }
    let allowed: Vec<&str> = PLANTPREDICT_SCOPE.split_whitespace().collect();
    let scope = match p.get("scope") {
        None => PLANTPREDICT_SCOPE.to_owned(),
        Some(s) if s.split_whitespace().all(|x| allowed.contains(&x)) => s.to_owned(),
        Some(_) => return cognito_error("invalid_scope"),
    };
    let ttl = ctx.access_ttl(Service::PlantPredict);
    let now = tokens::now_epoch();
    let access_token = ctx.jwt.sign(
        &json!({
            "sub": PLANTPREDICT_CLIENT_ID,
            "token_use": "access",
            "scope": scope,
            "auth_time": now,
            "iss": ctx.url("/plantpredict"),
            "exp": now + http::secs(ttl),
            "iat": now,
            "version": 2,
            "jti": tokens::random_uuid(),
            "client_id": PLANTPREDICT_CLIENT_ID,
        }),
        Some("demo-idp-cognito"),
    );
    ctx.tokens.insert(
        &access_token,
        Issued::new(
            Service::PlantPredict,
            Kind::Access,
            PLANTPREDICT_CLIENT_ID,
            Some(ttl),
        )
        .client(PLANTPREDICT_CLIENT_ID)
        .scope(&scope),
    );
    http::token_json(
        StatusCode::OK,
        json!({
            "access_token": access_token,
            "expires_in": http::secs(ttl),
            "token_type": "Bearer",
        }),
    )
}

fn okta_error(status: StatusCode, error: &str, description: &str) -> Response {
    http::token_json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

/// `POST /okta/oauth2/{server}/v1/token`: Okta's token endpoint (legacy SDK).
async fn okta_token(
    State(ctx): State<Arc<Ctx>>,
    Path(server): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if server != OKTA_SERVER_ID {
        return http::json(
            StatusCode::NOT_FOUND,
            json!({
                "errorCode": "E0000007",
                "errorSummary": format!("Not found: Resource not found: {server} (AuthorizationServer)"),
                "errorLink": "E0000007",
                "errorId": format!("oae{}", tokens::random_alnum(19)),
                "errorCauses": [],
            }),
        );
    }
    let p = query_params(query.as_deref(), &body);
    let grant_type = match p.get("grant_type") {
        None => {
            return okta_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The token request must specify a 'grant_type'. Valid values: [password, refresh_token]",
            )
        }
        Some(g @ ("password" | "refresh_token")) => g,
        Some(_) => {
            return okta_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server. Configured grant types: [password, refresh_token].",
            )
        }
    };
    let (client_id, secret) = client_credentials(&headers, &p);
    if client_id.as_deref() != Some(PLANTPREDICT_CLIENT_ID) {
        return okta_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed. Either the client or the client credentials are invalid.",
        );
    }
    if secret.as_deref() != Some(PLANTPREDICT_CLIENT_SECRET) {
        return okta_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The client secret supplied for a confidential client is invalid.",
        );
    }
    let (scope, grant_scope) = if grant_type == "password" {
        let Some(scope) = p.get("scope") else {
            return okta_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
            );
        };
        if scope.split_whitespace().any(|s| !OKTA_SCOPES.contains(&s)) {
            return okta_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "One or more scopes are not configured for the authorization server resource.",
            );
        }
        let (Some(username), Some(password)) = (p.get("username"), p.get("password")) else {
            return okta_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The 'username' and 'password' parameters are required.",
            );
        };
        if username != PLANTPREDICT_USERNAME || password != PLANTPREDICT_PASSWORD {
            return okta_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The credentials provided were invalid.",
            );
        }
        (scope.to_owned(), scope.to_owned())
    } else {
        let Some(refresh) = p.get("refresh_token") else {
            return okta_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The 'refresh_token' parameter is required.",
            );
        };
        let invalid = || {
            okta_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The refresh token is invalid or expired.",
            )
        };
        let Ok(old) = ctx
            .tokens
            .check(refresh, Service::PlantPredict, &[Kind::Refresh])
        else {
            return invalid();
        };
        let granted: Vec<&str> = old.scope.split_whitespace().collect();
        let scope = match p.get("scope") {
            None => old.scope.clone(),
            Some(s) if s.split_whitespace().all(|x| granted.contains(&x)) => s.to_owned(),
            Some(_) => {
                return okta_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "The requested scope is invalid, unknown, or malformed.",
                )
            }
        };
        // Refresh-token rotation: the presented token is spent.
        if ctx
            .tokens
            .use_refresh(refresh, Service::PlantPredict)
            .is_err()
        {
            return invalid();
        }
        (scope, old.scope)
    };
    okta_tokens(&ctx, &scope, &grant_scope)
}

/// Mints Okta's answer. `grant_scope` is the scope of the original password grant: the
/// (rotated) refresh token keeps it, so a later refresh may ask for any part of it again.
fn okta_tokens(ctx: &Ctx, scope: &str, grant_scope: &str) -> Response {
    let has = |name: &str| scope.split_whitespace().any(|s| s == name);
    let ttl = ctx.access_ttl(Service::PlantPredict);
    let now = tokens::now_epoch();
    let issuer = ctx.url(&format!("/plantpredict/okta/oauth2/{OKTA_SERVER_ID}"));
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    let access_token = ctx.jwt.sign(
        &json!({
            "ver": 1,
            "jti": format!("AT.{}", tokens::random_urlsafe(32)),
            "iss": issuer,
            "aud": "api://default",
            "iat": now,
            "exp": now + http::secs(ttl),
            "cid": PLANTPREDICT_CLIENT_ID,
            "uid": OKTA_UID,
            "scp": scopes,
            "auth_time": now,
            "sub": PLANTPREDICT_USERNAME,
        }),
        Some("demo-idp-okta"),
    );
    ctx.tokens.insert(
        &access_token,
        Issued::new(
            Service::PlantPredict,
            Kind::Access,
            PLANTPREDICT_USERNAME,
            Some(ttl),
        )
        .client(PLANTPREDICT_CLIENT_ID)
        .scope(scope),
    );
    let mut response: Value = json!({
        "token_type": "Bearer",
        "expires_in": http::secs(ttl),
        "access_token": access_token,
        "scope": scope,
    });
    if grant_scope
        .split_whitespace()
        .any(|s| s == "offline_access")
    {
        let refresh_token = tokens::random_urlsafe(32);
        ctx.tokens.insert(
            &refresh_token,
            Issued::new(
                Service::PlantPredict,
                Kind::Refresh,
                PLANTPREDICT_USERNAME,
                None,
            )
            .client(PLANTPREDICT_CLIENT_ID)
            .scope(grant_scope),
        );
        response["refresh_token"] = json!(refresh_token);
    }
    if has("openid") {
        response["id_token"] = json!(ctx.jwt.sign(
            &json!({
                "sub": OKTA_UID,
                "ver": 1,
                "iss": issuer,
                "aud": PLANTPREDICT_CLIENT_ID,
                "iat": now,
                "exp": now + 3600,
                "jti": format!("ID.{}", tokens::random_urlsafe(32)),
                "amr": ["pwd"],
                "idp": "00o1demoidp",
                "auth_time": now,
            }),
            Some("demo-idp-okta"),
        ));
    }
    http::token_json(StatusCode::OK, response)
}

/// `GET /Project`: behind API Gateway with a bearer authorizer (401 `{"message":"Unauthorized"}`).
async fn projects(State(ctx): State<Arc<Ctx>>, headers: HeaderMap) -> Response {
    let ok = http::bearer(&headers).is_some_and(|t| {
        ctx.tokens
            .check(&t, Service::PlantPredict, &[Kind::Access])
            .is_ok()
    });
    if !ok {
        return http::json(StatusCode::UNAUTHORIZED, json!({"message": "Unauthorized"}));
    }
    http::json(
        StatusCode::OK,
        json!([
            {
                "id": 4101,
                "name": "Demo Solar Farm",
                "latitude": 35.0853,
                "longitude": -106.6056,
                "country": "United States",
                "countryCode": "US",
                "elevation": 1619.0,
                "standardOffsetFromUtc": -7.0,
                "status": 1,
            },
            {
                "id": 4102,
                "name": "Demo Rooftop Array",
                "latitude": 52.52,
                "longitude": 13.405,
                "country": "Germany",
                "countryCode": "DE",
                "elevation": 34.0,
                "standardOffsetFromUtc": 1.0,
                "status": 1,
            }
        ]),
    )
}

async fn openapi(State(ctx): State<Arc<Ctx>>) -> Response {
    http::json(StatusCode::OK, crate::openapi::plantpredict(&ctx.base_url))
}

async fn docs() -> Response {
    http::html(
        StatusCode::OK,
        pages::docs(NAME, "/plantpredict/openapi.json"),
    )
}
