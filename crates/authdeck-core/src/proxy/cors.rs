//! CORS: which web pages may call the proxy from a browser. Only pages on a loopback
//! origin (`http://localhost:<port>`, `http://127.0.0.1:<port>`) — a docs page served by
//! another local tool — get an answer; every other origin gets no CORS header, so the
//! browser keeps its response from the page. Pure.

use http::header::{self, HeaderMap, HeaderValue};

/// Whether a page of `origin` may call the proxy.
pub fn allowed(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    matches!(host, "localhost" | "127.0.0.1") && port_ok
}

/// The allowed `Origin` of a request, if it has one.
pub fn allowed_origin(headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    allowed(origin.to_str().ok()?).then(|| origin.clone())
}

/// Whether a request is a CORS preflight (answered by the proxy, never forwarded).
pub fn is_preflight(method: &http::Method, headers: &HeaderMap) -> bool {
    method == http::Method::OPTIONS
        && headers.contains_key(header::ORIGIN)
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// The headers of the answer to a preflight: empty for an origin that is not allowed.
pub fn preflight(request: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    let Some(origin) = allowed_origin(request) else {
        return out;
    };
    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(method) = request.get(header::ACCESS_CONTROL_REQUEST_METHOD) {
        out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method.clone());
    }
    if let Some(asked) = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    out.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    if request.contains_key("access-control-request-private-network") {
        out.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    out
}

/// Adds the CORS headers of an answer to a request from `origin` (as
/// [`allowed_origin`] found it: `None` adds nothing).
pub fn decorate(origin: Option<HeaderValue>, response: &mut HeaderMap) {
    if let Some(origin) = origin {
        response.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.append(header::VARY, HeaderValue::from_static("Origin"));
        response.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("*"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_origins_are_allowed() {
        for ok in [
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://127.0.0.1:1",
        ] {
            assert!(allowed(ok), "{ok}");
        }
        for no in [
            "https://localhost:3000",
            "http://localhost.evil.example:80",
            "http://evil.example",
            "http://127.0.0.2:80",
            "http://127.0.0.1:",
            "http://127.0.0.1:80/x",
            "http://127.0.0.1:123456",
            "http://[::1]:80",
            "null",
            "",
        ] {
            assert!(!allowed(no), "{no}");
        }
    }

    fn req(origin: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ORIGIN,
            HeaderValue::from_str(origin).expect("test value"),
        );
        h.insert(
            header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_static("POST"),
        );
        h.insert(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_static("content-type"),
        );
        h
    }

    #[test]
    fn preflights_are_answered_for_allowed_origins_only() {
        assert!(is_preflight(&http::Method::OPTIONS, &req("http://x")));
        assert!(!is_preflight(&http::Method::GET, &req("http://x")));
        let out = preflight(&req("http://localhost:5173"));
        assert_eq!(
            out[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://localhost:5173"
        );
        assert_eq!(out[header::ACCESS_CONTROL_ALLOW_METHODS], "POST");
        assert_eq!(out[header::ACCESS_CONTROL_ALLOW_HEADERS], "content-type");
        assert!(preflight(&req("https://evil.example")).is_empty());
    }

    #[test]
    fn answers_carry_cors_only_for_allowed_origins() {
        let mut out = HeaderMap::new();
        decorate(allowed_origin(&req("http://127.0.0.1:9000")), &mut out);
        assert_eq!(
            out[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://127.0.0.1:9000"
        );
        let mut out = HeaderMap::new();
        decorate(allowed_origin(&req("http://evil.example")), &mut out);
        assert!(out.is_empty());
        decorate(allowed_origin(&HeaderMap::new()), &mut out);
        assert!(out.is_empty());
    }
}
