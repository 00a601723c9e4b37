//! Small HTTP helpers shared by the emulated services: raw parameter parsing (so each
//! service can answer malformed requests with its own error shape instead of axum's),
//! bearer/basic credentials, JSON/HTML/redirect responses.

use axum::body::Bytes;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::Value;

/// URL-encoded parameters, in order; the first occurrence of a name wins.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(encoded: &[u8]) -> Params {
        Params(
            url::form_urlencoded::parse(encoded)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub(crate) fn from_query(query: Option<&str>) -> Params {
        query
            .map(|q| Params::parse(q.as_bytes()))
            .unwrap_or_default()
    }

    /// A form body, or nothing if the request is not `application/x-www-form-urlencoded`.
    pub(crate) fn from_form(headers: &HeaderMap, body: &Bytes) -> Params {
        if content_type_is(headers, "application/x-www-form-urlencoded") {
            Params::parse(body)
        } else {
            Params::default()
        }
    }

    /// A JSON object body with string (or number/bool) values.
    pub(crate) fn from_json(body: &Bytes) -> Params {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Params::default();
        };
        Params(
            map.into_iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k, s)),
                    Value::Number(n) => Some((k, n.to_string())),
                    Value::Bool(b) => Some((k, b.to_string())),
                    _ => None,
                })
                .collect(),
        )
    }

    /// The value, if present (possibly empty).
    pub(crate) fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value, if present and not empty (what OAuth servers treat as "present").
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.raw(name).filter(|v| !v.is_empty())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The answer of an approve/deny form: `Some(true)` approve, `Some(false)` deny.
/// The pages' buttons send `decision=approve|deny`; `action=…` (and `accept`) is accepted too.
pub(crate) fn decision(p: &Params) -> Option<bool> {
    match p.get("decision").or_else(|| p.get("action")) {
        Some("approve" | "accept" | "allow") => Some(true),
        Some("deny" | "reject") => Some(false),
        _ => None,
    }
}

pub(crate) fn content_type_is(headers: &HeaderMap, mime: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(mime))
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// The (id, secret) of an `Authorization: Basic` header, percent-decoded as RFC 6749 §2.3.1 asks.
pub(crate) fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

pub(crate) fn json(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// A JSON answer of a token endpoint: `Cache-Control: no-store`, `Pragma: no-cache`.
pub(crate) fn token_json(status: StatusCode, value: Value) -> Response {
    let mut response = json(status, value);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

pub(crate) fn with_header(mut response: Response, name: &'static str, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, v);
    }
    response
}

pub(crate) fn html(status: StatusCode, body: String) -> Response {
    (status, axum::response::Html(body)).into_response()
}

/// `302 Found` to `location`.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, v);
            response
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "bad redirect location").into_response(),
    }
}

/// `uri` with `pairs` appended to its query, leaving the rest of `uri` byte for byte
/// (so `http://localhost:8080` becomes `http://localhost:8080?code=…`, as Auth0 does).
pub(crate) fn append_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    let query = serializer.finish();
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{query}")
}

/// Seconds as reported in `expires_in`: whole seconds, at least 1.
pub(crate) fn secs(d: std::time::Duration) -> u64 {
    d.as_secs().max(1)
}
