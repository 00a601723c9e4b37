//! Which headers cross the proxy, in each direction, and where its URLs lead.
//!
//! Pure: the client's credentials (`Authorization`, `Proxy-Authorization`, `Cookie`) and
//! the hop-by-hop headers (RFC 9110 §7.6.1, and every header `Connection` names) never go
//! upstream; `Referer` (it would carry the proxy's key) and `Origin` neither. Hop-by-hop
//! headers and the upstream's own CORS answer never come back. A `Location` under the API
//! base is rewritten to the proxy; any other is left alone (the proxy never follows it, so
//! the credential never goes there), with the credential taken out of its query.

use http::header::{self, HeaderMap, HeaderName};
use url::Url;

/// The hop-by-hop headers: they describe one connection, not the message.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
];

/// What the client sent that is never forwarded: its own credentials, and what would tell
/// the upstream the proxy's key or origin.
const CLIENT_ONLY: [HeaderName; 5] = [
    header::AUTHORIZATION,
    header::COOKIE,
    header::HOST,
    header::REFERER,
    header::ORIGIN,
];

/// Removes the hop-by-hop headers, `Upgrade` and every header `Connection` names.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove(header::UPGRADE);
}

/// The client's request headers as they go upstream (before the credential is added).
pub fn to_upstream(client: &HeaderMap) -> HeaderMap {
    let mut out = client.clone();
    strip_hop_by_hop(&mut out);
    for name in CLIENT_ONLY {
        out.remove(name);
    }
    // A client's own DPoP proof is of its key, not the account's (RFC 9449).
    out.remove(crate::dpop::DPOP_HEADER);
    out
}

/// The upstream's response headers as they go to the client (before CORS is added and
/// `Location` rewritten).
pub fn to_client(upstream: &HeaderMap) -> HeaderMap {
    let mut out = upstream.clone();
    strip_hop_by_hop(&mut out);
    let cors: Vec<HeaderName> = out
        .keys()
        .filter(|k| k.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    for name in cors {
        out.remove(name);
    }
    out
}

/// The upstream URL of a request for `rest` (`/…`, after the key) with `query`: the API
/// base's path followed by `rest`.
pub fn upstream_url(api_base: &Url, rest: &str, query: Option<&str>) -> Url {
    let mut url = api_base.clone();
    let base = api_base.path().trim_end_matches('/');
    url.set_path(&format!("{base}{rest}"));
    url.set_query(query.filter(|q| !q.is_empty()));
    url.set_fragment(None);
    url
}

/// Where a redirect sends the client. `location` is resolved against the upstream
/// `request` URL; under `api_base` it becomes the same place under `proxy_base` (which
/// ends in `/`), elsewhere it stays absolute. Either way a query parameter holding
/// `secret` is removed. `None` when `location` is not a URL (it is then passed as is).
pub fn rewrite_location(
    location: &str,
    request: &Url,
    api_base: &Url,
    proxy_base: &str,
    secret: &str,
) -> Option<String> {
    let mut target = request.join(location).ok()?;
    let had_secret = target.query_pairs().any(|(_, v)| v == secret);
    if had_secret {
        let kept: Vec<(String, String)> = target
            .query_pairs()
            .filter(|(_, v)| v != secret)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            target.set_query(None);
        } else {
            target.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    let base_path = api_base.path().trim_end_matches('/');
    let same_origin = target.origin() == api_base.origin();
    let rest = same_origin
        .then(|| target.path().strip_prefix(base_path))
        .flatten()
        .filter(|rest| rest.is_empty() || rest.starts_with('/'));
    match rest {
        Some(rest) => {
            let mut out = proxy_base.trim_end_matches('/').to_owned();
            out.push_str(if rest.is_empty() { "/" } else { rest });
            if let Some(q) = target.query() {
                out.push('?');
                out.push_str(q);
            }
            if let Some(f) = target.fragment() {
                out.push('#');
                out.push_str(f);
            }
            Some(out)
        }
        None if had_secret || location != target.as_str() => Some(target.into()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).expect("test value"),
                HeaderValue::from_str(v).expect("test value"),
            );
        }
        h
    }

    fn names(h: &HeaderMap) -> Vec<&str> {
        let mut names: Vec<&str> = h.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn client_credentials_and_hop_by_hop_headers_stay_behind() {
        let client = map(&[
            ("authorization", "Bearer mine"),
            ("proxy-authorization", "Basic x"),
            ("cookie", "session=1"),
            ("host", "127.0.0.1:5000"),
            ("referer", "http://127.0.0.1:5000/KEY/docs"),
            ("origin", "http://127.0.0.1:5000"),
            ("connection", "keep-alive, x-private"),
            ("x-private", "1"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("transfer-encoding", "chunked"),
            ("upgrade", "websocket"),
            ("accept", "application/json"),
            ("content-type", "text/plain"),
            ("content-length", "5"),
        ]);
        assert_eq!(
            names(&to_upstream(&client)),
            ["accept", "content-length", "content-type"]
        );
    }

    #[test]
    fn responses_lose_hop_by_hop_and_upstream_cors() {
        let up = map(&[
            ("connection", "close"),
            ("transfer-encoding", "chunked"),
            ("access-control-allow-origin", "*"),
            ("access-control-allow-credentials", "true"),
            ("content-type", "application/json"),
            ("set-cookie", "a=b"),
            ("etag", "\"1\""),
        ]);
        assert_eq!(
            names(&to_client(&up)),
            ["content-type", "etag", "set-cookie"]
        );
    }

    #[test]
    fn upstream_url_is_the_api_base_and_the_rest() {
        let base = Url::parse("https://h.example/nomad/api").expect("test value");
        let u = upstream_url(&base, "/v1/entries", Some("a=1&b=%2F"));
        assert_eq!(
            u.as_str(),
            "https://h.example/nomad/api/v1/entries?a=1&b=%2F"
        );
        let base = Url::parse("https://h.example/api/").expect("test value");
        assert_eq!(
            upstream_url(&base, "/", None).as_str(),
            "https://h.example/api/"
        );
        assert_eq!(
            upstream_url(&base, "/x", Some("")).as_str(),
            "https://h.example/api/x"
        );
    }

    #[test]
    fn locations_under_the_api_base_come_back_to_the_proxy() {
        let base = Url::parse("https://h.example/nomad/api").expect("test value");
        let req = Url::parse("https://h.example/nomad/api/v1/a?k=1").expect("test value");
        let proxy = "http://127.0.0.1:7/KEY/";
        let r = |loc: &str| rewrite_location(loc, &req, &base, proxy, "SECRET");
        assert_eq!(
            r("/nomad/api/v1/b").as_deref(),
            Some("http://127.0.0.1:7/KEY/v1/b")
        );
        assert_eq!(
            r("b?x=1#f").as_deref(),
            Some("http://127.0.0.1:7/KEY/v1/b?x=1#f")
        );
        assert_eq!(
            r("https://h.example/nomad/api").as_deref(),
            Some("http://127.0.0.1:7/KEY/")
        );
        // The credential never comes back in a query.
        assert_eq!(
            r("/nomad/api/v1/b/?api_key=SECRET&page=2").as_deref(),
            Some("http://127.0.0.1:7/KEY/v1/b/?page=2")
        );
        // Another origin, or outside the API base: left where it points.
        assert_eq!(r("https://other.example/x"), None);
        assert_eq!(
            r("/nomad/apiv2/x").as_deref(),
            Some("https://h.example/nomad/apiv2/x")
        );
        assert_eq!(
            r("https://other.example/x?t=SECRET").as_deref(),
            Some("https://other.example/x")
        );
        assert_eq!(
            r("http://h.example/nomad/api/x").as_deref(),
            None,
            "another scheme"
        );
    }
}
