//! How a token is written out for use: the token alone, `Bearer <token>`, the header line
//! that carries it, or a curl command line. The one place this is decided, for
//! `authdeck token --format`, the `authdeck` front and the desktop's copy buttons.
//!
//! What the header and curl forms are depends on how the service's API takes the token
//! ([`TokenKind`]): an OAuth access token or a pasted bearer token goes in
//! `Authorization: Bearer …`; an API key goes as is in its own header, query parameter or
//! cookie, named in the service's config (`swagger.param`, `swagger.in`).
//!
//! Pure and std-only: the `authdeck` front (a small executable) links it.

use std::fmt;

use crate::config::{Flow, KeyLocation, Service, SwaggerKind};

/// The `token_type` the broker and the agent report for an API key.
pub const API_KEY_TOKEN_TYPE: &str = "ApiKey";

/// The `token_type` of a DPoP-bound access token (RFC 9449 §5).
pub const DPOP_TOKEN_TYPE: &str = "DPoP";

/// Whether a `token_type` (as the provider, the broker and the agent report it) says the
/// access token is DPoP-bound: useless without a fresh proof of its key for each request,
/// so it has no written form here (token types are case-insensitive, RFC 6749 §5.1).
pub fn is_dpop(token_type: &str) -> bool {
    token_type.eq_ignore_ascii_case(DPOP_TOKEN_TYPE)
}

/// The header of an API key whose service names none.
pub const DEFAULT_API_KEY_HEADER: &str = "X-API-Key";

/// The URL of a curl line for a service without an API base URL.
pub const PLACEHOLDER_API_BASE: &str = "https://api.example.org/";

/// The forms a token is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// The token alone.
    Raw,
    /// `Bearer <token>`.
    Bearer,
    /// The request header line that carries the token (`Authorization: Bearer <token>`,
    /// `X-API-Key: <key>`, `Cookie: <name>=<key>`).
    Header,
    /// A curl command line calling the API base URL with the token.
    Curl,
}

/// How a service's API takes the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// An OAuth access token or a pasted bearer token: `Authorization: Bearer <token>`.
    Bearer,
    /// An API key, sent as is in the header, query parameter or cookie `name`.
    ApiKey { location: KeyLocation, name: String },
}

impl TokenKind {
    /// How `service`'s API takes its tokens. Only an `api-key` service has an API key;
    /// its `swagger` setting names where it goes (`X-API-Key` header when it says
    /// nothing), and a `swagger.scheme` of `http-bearer` sends it as a bearer token.
    pub fn of(service: &Service) -> TokenKind {
        if service.flow != Flow::ApiKey {
            return TokenKind::Bearer;
        }
        match &service.swagger {
            Some(sw) if sw.scheme == SwaggerKind::HttpBearer => TokenKind::Bearer,
            Some(sw) if sw.scheme == SwaggerKind::ApiKey => TokenKind::ApiKey {
                location: sw.location.unwrap_or_default(),
                name: sw
                    .param
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .unwrap_or(DEFAULT_API_KEY_HEADER)
                    .to_owned(),
            },
            _ => TokenKind::ApiKey {
                location: KeyLocation::Header,
                name: DEFAULT_API_KEY_HEADER.to_owned(),
            },
        }
    }

    /// The kind a `token_type` (as the broker and the agent report it) tells: a bearer
    /// token for everything but an API key, whose kind is in its service's config
    /// ([`TokenKind::of`]): `None` then.
    pub fn of_token_type(token_type: &str) -> Option<TokenKind> {
        (token_type != API_KEY_TOKEN_TYPE).then_some(TokenKind::Bearer)
    }
}

/// A form a token of some kind does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The API key travels as the query parameter `name`: no header carries it.
    NoHeader { name: String },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::NoHeader { name } => write!(
                f,
                "its API key is sent as the query parameter '{name}', not in a header"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// The raw and bearer forms, which are the same for every kind of token; `None` for the
/// header and curl forms, which depend on it.
pub fn render_plain(format: TokenFormat, token: &str) -> Option<String> {
    match format {
        TokenFormat::Raw => Some(token.to_owned()),
        TokenFormat::Bearer => Some(format!("Bearer {token}")),
        TokenFormat::Header | TokenFormat::Curl => None,
    }
}

/// `token` written in `format` for a service whose API takes it as `kind`; `api_base`
/// is the URL of the curl line ([`PLACEHOLDER_API_BASE`] when the service has none).
pub fn render(
    format: TokenFormat,
    token: &str,
    kind: &TokenKind,
    api_base: Option<&str>,
) -> Result<String, FormatError> {
    if let Some(text) = render_plain(format, token) {
        return Ok(text);
    }
    let url = api_base.unwrap_or(PLACEHOLDER_API_BASE);
    let text = match (format, kind) {
        (TokenFormat::Header, TokenKind::Bearer) => format!("Authorization: Bearer {token}"),
        (TokenFormat::Header, TokenKind::ApiKey { location, name }) => match location {
            KeyLocation::Header => format!("{name}: {token}"),
            KeyLocation::Cookie => format!("Cookie: {name}={token}"),
            KeyLocation::Query => return Err(FormatError::NoHeader { name: name.clone() }),
        },
        (_, TokenKind::Bearer) => format!(
            "curl -H {} {}",
            shell_quote(&format!("Authorization: Bearer {token}")),
            shell_quote(url)
        ),
        (_, TokenKind::ApiKey { location, name }) => match location {
            KeyLocation::Header => format!(
                "curl -H {} {}",
                shell_quote(&format!("{name}: {token}")),
                shell_quote(url)
            ),
            KeyLocation::Cookie => format!(
                "curl --cookie {} {}",
                shell_quote(&format!("{name}={token}")),
                shell_quote(url)
            ),
            KeyLocation::Query => format!("curl {}", shell_quote(&with_query(url, name, token))),
        },
    };
    Ok(text)
}

/// `token` in `format` when its `token_type` (as the broker and the agent report it) is
/// all that is known of it: `None` when that is not enough — the header or curl form of
/// an API key, named in its service's config (then [`TokenKind::of`] and [`render`]) —
/// and for a DPoP-bound token, which has no form that works alone ([`is_dpop`]).
pub fn render_by_type(
    format: TokenFormat,
    token: &str,
    token_type: &str,
    api_base: Option<&str>,
) -> Option<Result<String, FormatError>> {
    if is_dpop(token_type) {
        return None;
    }
    if let Some(text) = render_plain(format, token) {
        return Some(Ok(text));
    }
    let kind = TokenKind::of_token_type(token_type)?;
    Some(render(format, token, &kind, api_base))
}

/// `s` as one word for a POSIX shell: in single quotes, each `'` written as `'\''`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `url` with the query parameter `name=value` added (percent-encoded), before any
/// fragment.
fn with_query(url: &str, name: &str, value: &str) -> String {
    let (base, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let separator = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with(['?', '&']) => "",
        Some(_) => "&",
    };
    format!(
        "{base}{separator}{}={}{fragment}",
        percent_encode(name),
        percent_encode(value)
    )
}

/// Every byte but RFC 3986's unreserved characters as `%XX`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{HttpUrl, SwaggerScheme};

    const ALL: [TokenFormat; 4] = [
        TokenFormat::Raw,
        TokenFormat::Bearer,
        TokenFormat::Header,
        TokenFormat::Curl,
    ];

    fn service(flow: Flow, swagger: Option<(SwaggerKind, &str, KeyLocation)>) -> Service {
        Service {
            flow,
            api_base: Some(HttpUrl::parse("https://api.test/v1").expect("url")),
            swagger: swagger.map(|(scheme, param, location)| SwaggerScheme {
                scheme,
                name: None,
                param: (scheme == SwaggerKind::ApiKey).then(|| param.to_owned()),
                location: (scheme == SwaggerKind::ApiKey).then_some(location),
            }),
            ..Service::default()
        }
    }

    fn every_format(service: &Service, token: &str) -> Vec<Result<String, FormatError>> {
        let kind = TokenKind::of(service);
        let base = service.api_base.as_ref().map(HttpUrl::as_str);
        ALL.into_iter()
            .map(|f| render(f, token, &kind, base))
            .collect()
    }

    fn ok(text: &str) -> Result<String, FormatError> {
        Ok(text.to_owned())
    }

    #[test]
    fn a_dpop_bound_token_has_no_form_by_its_type() {
        for f in ALL {
            assert_eq!(render_by_type(f, "at", "DPoP", None), None);
            assert_eq!(render_by_type(f, "at", "dpop", None), None);
        }
        assert!(render_by_type(TokenFormat::Raw, "at", "Bearer", None).is_some());
    }

    #[test]
    fn oauth_flows_and_pasted_bearer_tokens_go_in_the_authorization_header() {
        // Even with a Swagger page that declares an API key box: the API takes the token
        // as a bearer token (the paste hint says what the box wants).
        let apikey_docs = Some((SwaggerKind::ApiKey, "Authorization", KeyLocation::Header));
        for flow in [
            Flow::AuthCode,
            Flow::Device,
            Flow::ClientCredentials,
            Flow::Password,
            Flow::Bearer,
        ] {
            for swagger in [
                None,
                Some((SwaggerKind::HttpBearer, "", KeyLocation::Header)),
                apikey_docs,
            ] {
                let s = service(flow, swagger);
                assert_eq!(TokenKind::of(&s), TokenKind::Bearer, "{flow}");
                assert_eq!(
                    every_format(&s, "t0k"),
                    vec![
                        ok("t0k"),
                        ok("Bearer t0k"),
                        ok("Authorization: Bearer t0k"),
                        ok("curl -H 'Authorization: Bearer t0k' 'https://api.test/v1'"),
                    ],
                    "{flow}"
                );
            }
        }
    }

    #[test]
    fn an_api_key_in_a_header_goes_in_its_own_header() {
        let s = service(
            Flow::ApiKey,
            Some((SwaggerKind::ApiKey, "X-Demo-Key", KeyLocation::Header)),
        );
        assert_eq!(
            every_format(&s, "k3y"),
            vec![
                ok("k3y"),
                ok("Bearer k3y"),
                ok("X-Demo-Key: k3y"),
                ok("curl -H 'X-Demo-Key: k3y' 'https://api.test/v1'"),
            ]
        );
        // No swagger setting: the usual X-API-Key header.
        assert_eq!(
            every_format(&service(Flow::ApiKey, None), "k3y")[2],
            ok("X-API-Key: k3y")
        );
        // An API key the docs take as an HTTP bearer token.
        assert_eq!(
            every_format(
                &service(
                    Flow::ApiKey,
                    Some((SwaggerKind::HttpBearer, "", KeyLocation::Header))
                ),
                "k3y"
            )[2],
            ok("Authorization: Bearer k3y")
        );
    }

    #[test]
    fn an_api_key_in_the_query_is_added_to_the_url_encoded() {
        let s = service(
            Flow::ApiKey,
            Some((SwaggerKind::ApiKey, "api key", KeyLocation::Query)),
        );
        assert_eq!(
            every_format(&s, "k/3+y=&"),
            vec![
                ok("k/3+y=&"),
                ok("Bearer k/3+y=&"),
                Err(FormatError::NoHeader {
                    name: "api key".into()
                }),
                ok("curl 'https://api.test/v1?api%20key=k%2F3%2By%3D%26'"),
            ]
        );
        let kind = TokenKind::of(&s);
        let curl = |base| render(TokenFormat::Curl, "k", &kind, Some(base));
        assert_eq!(
            curl("https://a.test/x?v=1"),
            ok("curl 'https://a.test/x?v=1&api%20key=k'")
        );
        assert_eq!(
            curl("https://a.test/x?"),
            ok("curl 'https://a.test/x?api%20key=k'")
        );
        assert_eq!(
            curl("https://a.test/x#frag"),
            ok("curl 'https://a.test/x?api%20key=k#frag'")
        );
        assert!(FormatError::NoHeader {
            name: "api key".into()
        }
        .to_string()
        .contains("query parameter 'api key'"));
    }

    #[test]
    fn an_api_key_in_a_cookie_is_sent_as_a_cookie() {
        let s = service(
            Flow::ApiKey,
            Some((SwaggerKind::ApiKey, "sid", KeyLocation::Cookie)),
        );
        assert_eq!(
            every_format(&s, "k3y"),
            vec![
                ok("k3y"),
                ok("Bearer k3y"),
                ok("Cookie: sid=k3y"),
                ok("curl --cookie 'sid=k3y' 'https://api.test/v1'"),
            ]
        );
    }

    #[test]
    fn curl_lines_are_quoted_for_the_shell() {
        let kind = TokenKind::Bearer;
        assert_eq!(
            render(TokenFormat::Curl, "it's", &kind, None),
            ok("curl -H 'Authorization: Bearer it'\\''s' 'https://api.example.org/'")
        );
        let kind = TokenKind::ApiKey {
            location: KeyLocation::Header,
            name: "X-Key".into(),
        };
        assert_eq!(
            render(
                TokenFormat::Curl,
                "$(rm -rf ~)",
                &kind,
                Some("https://a.test/'x")
            ),
            ok("curl -H 'X-Key: $(rm -rf ~)' 'https://a.test/'\\''x'")
        );
    }

    #[test]
    fn the_token_type_is_enough_for_all_but_an_api_keys_header_and_curl_line() {
        for format in ALL {
            assert_eq!(
                render_by_type(format, "t", "Bearer", None),
                Some(render(format, "t", &TokenKind::Bearer, None))
            );
            assert_eq!(
                render_by_type(format, "t", "bearer", None),
                Some(render(format, "t", &TokenKind::Bearer, None))
            );
        }
        assert_eq!(
            render_by_type(TokenFormat::Raw, "k", API_KEY_TOKEN_TYPE, None),
            Some(ok("k"))
        );
        assert_eq!(
            render_by_type(TokenFormat::Bearer, "k", API_KEY_TOKEN_TYPE, None),
            Some(ok("Bearer k"))
        );
        assert_eq!(
            render_by_type(TokenFormat::Header, "k", API_KEY_TOKEN_TYPE, None),
            None
        );
        assert_eq!(
            render_by_type(TokenFormat::Curl, "k", API_KEY_TOKEN_TYPE, None),
            None
        );
    }
}
