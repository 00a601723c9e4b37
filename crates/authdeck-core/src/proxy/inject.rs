//! The credential added to a request the way the service's API takes it
//! ([`TokenKind`]): `Authorization: Bearer`, or an API key in its header, query parameter
//! or cookie; a DPoP-bound token as `Authorization: DPoP` with its proof
//! ([`inject_dpop`]). Pure; the header values are marked sensitive (hyper never logs
//! them).

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::config::KeyLocation;
use crate::format::TokenKind;

/// Why a token could not be put into a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectError {
    /// The token has characters a header cannot carry.
    NotAHeaderValue,
    /// The service's configured header name is not a valid header name.
    BadHeaderName(String),
}

/// Adds `token` to the request (`headers`, `url`) as `kind` says, replacing whatever
/// the client sent in that place.
pub fn inject(
    kind: &TokenKind,
    token: &str,
    headers: &mut HeaderMap,
    url: &mut Url,
) -> Result<(), InjectError> {
    let sensitive = |text: String| {
        let mut v = HeaderValue::from_str(&text).map_err(|_| InjectError::NotAHeaderValue)?;
        v.set_sensitive(true);
        Ok::<_, InjectError>(v)
    };
    match kind {
        TokenKind::Bearer => {
            headers.insert(header::AUTHORIZATION, sensitive(format!("Bearer {token}"))?);
        }
        TokenKind::ApiKey { location, name } => match location {
            KeyLocation::Header => {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| InjectError::BadHeaderName(name.clone()))?;
                headers.insert(name, sensitive(token.to_owned())?);
            }
            KeyLocation::Cookie => {
                headers.insert(header::COOKIE, sensitive(format!("{name}={token}"))?);
            }
            KeyLocation::Query => {
                let kept: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(k, _)| k != name.as_str())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                url.set_query(None);
                let mut pairs = url.query_pairs_mut();
                pairs.extend_pairs(kept);
                pairs.append_pair(name, token);
            }
        },
    }
    Ok(())
}

/// Adds a DPoP-bound `token` with the request's `proof` (RFC 9449 §7.1):
/// `Authorization: DPoP <token>` and `DPoP: <proof>`, replacing what the client sent.
pub fn inject_dpop(token: &str, proof: &str, headers: &mut HeaderMap) -> Result<(), InjectError> {
    let mut auth = HeaderValue::from_str(&format!("DPoP {token}"))
        .map_err(|_| InjectError::NotAHeaderValue)?;
    auth.set_sensitive(true);
    let mut proof = HeaderValue::from_str(proof).map_err(|_| InjectError::NotAHeaderValue)?;
    proof.set_sensitive(true);
    headers.insert(header::AUTHORIZATION, auth);
    headers.insert(crate::dpop::DPOP_HEADER, proof);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dpop_bound_token_goes_with_its_proof() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer mine"),
        );
        inject_dpop("tok", "a.b.c", &mut h).expect("valid");
        assert_eq!(h.get(header::AUTHORIZATION).expect("auth"), "DPoP tok");
        assert_eq!(h.get("dpop").expect("proof"), "a.b.c");
        assert!(h.get("dpop").is_some_and(HeaderValue::is_sensitive));
    }

    fn run(kind: TokenKind, url: &str) -> (HeaderMap, Url) {
        let mut headers = HeaderMap::new();
        let mut url = Url::parse(url).expect("test value");
        inject(&kind, "tok.en-1", &mut headers, &mut url).expect("test value");
        (headers, url)
    }

    fn key(location: KeyLocation, name: &str) -> TokenKind {
        TokenKind::ApiKey {
            location,
            name: name.into(),
        }
    }

    #[test]
    fn bearer_goes_in_authorization_marked_sensitive() {
        let (h, u) = run(TokenKind::Bearer, "https://a.example/x?q=1");
        let v = h.get(header::AUTHORIZATION).expect("test value");
        assert_eq!(v, "Bearer tok.en-1");
        assert!(v.is_sensitive());
        assert_eq!(u.as_str(), "https://a.example/x?q=1");
    }

    #[test]
    fn api_keys_go_where_the_service_takes_them() {
        let (h, _) = run(
            key(KeyLocation::Header, "X-Api-Token"),
            "https://a.example/x",
        );
        assert_eq!(h.get("x-api-token").expect("test value"), "tok.en-1");
        assert!(h.get(header::AUTHORIZATION).is_none());

        let (h, _) = run(key(KeyLocation::Cookie, "apikey"), "https://a.example/x");
        assert_eq!(
            h.get(header::COOKIE).expect("test value"),
            "apikey=tok.en-1"
        );

        let (h, u) = run(
            key(KeyLocation::Query, "api_key"),
            "https://a.example/x?api_key=forged&page=2",
        );
        assert!(h.is_empty());
        assert_eq!(u.as_str(), "https://a.example/x?page=2&api_key=tok.en-1");
    }

    #[test]
    fn bad_names_and_values_are_errors() {
        let mut h = HeaderMap::new();
        let mut u = Url::parse("https://a.example/").expect("test value");
        assert_eq!(
            inject(&key(KeyLocation::Header, "bad name"), "t", &mut h, &mut u),
            Err(InjectError::BadHeaderName("bad name".into()))
        );
        assert_eq!(
            inject(&TokenKind::Bearer, "line\nbreak", &mut h, &mut u),
            Err(InjectError::NotAHeaderValue)
        );
    }
}
