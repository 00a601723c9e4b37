//! Value types of the config that validate themselves while being deserialised, so that
//! a bad value is reported at its own line and column.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::string_serde;

/// The grant used to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flow {
    #[default]
    AuthCode,
    Device,
    ClientCredentials,
    Password,
    /// No login at the provider: the user pastes a bearer token (expiry from its JWT
    /// `exp` when it has one).
    Bearer,
    /// No login at the provider: the user pastes an API key, used as is; it never expires.
    ApiKey,
}

impl Flow {
    pub const ALL: [Flow; 6] = [
        Flow::AuthCode,
        Flow::Device,
        Flow::ClientCredentials,
        Flow::Password,
        Flow::Bearer,
        Flow::ApiKey,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::AuthCode => "auth-code",
            Flow::Device => "device",
            Flow::ClientCredentials => "client-credentials",
            Flow::Password => "password",
            Flow::Bearer => "bearer",
            Flow::ApiKey => "api-key",
        }
    }

    /// Whether the user pastes the token (no OAuth client, no endpoints).
    pub fn is_pasted(self) -> bool {
        matches!(self, Flow::Bearer | Flow::ApiKey)
    }
}

impl FromStr for Flow {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Flow::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!("unknown flow '{s}': use auth-code, device, client-credentials, password, bearer or api-key")
            })
    }
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(Flow);

/// How the client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// A public client: `client_id` in the body, no secret.
    None,
    /// HTTP Basic with the client id and secret.
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// A JWT assertion signed with the client secret (HS256; RFC 7523, OIDC Core 9).
    ClientSecretJwt,
    /// A JWT assertion signed with the service's private key, kept in the keyring
    /// (ES256 or RS256; RFC 7523, OIDC Core 9).
    PrivateKeyJwt,
}

impl ClientAuth {
    pub const ALL: [ClientAuth; 5] = [
        ClientAuth::None,
        ClientAuth::ClientSecretBasic,
        ClientAuth::ClientSecretPost,
        ClientAuth::ClientSecretJwt,
        ClientAuth::PrivateKeyJwt,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::None => "none",
            ClientAuth::ClientSecretBasic => "client_secret_basic",
            ClientAuth::ClientSecretPost => "client_secret_post",
            ClientAuth::ClientSecretJwt => "client_secret_jwt",
            ClientAuth::PrivateKeyJwt => "private_key_jwt",
        }
    }
    /// Whether the client authenticates with a client secret (stored in the keyring).
    pub fn needs_secret(self) -> bool {
        matches!(
            self,
            ClientAuth::ClientSecretBasic
                | ClientAuth::ClientSecretPost
                | ClientAuth::ClientSecretJwt
        )
    }
    /// Whether the client authenticates with a private key (stored in the keyring).
    pub fn needs_key(self) -> bool {
        self == ClientAuth::PrivateKeyJwt
    }
    /// Whether the client authenticates at all (a confidential client).
    pub fn is_confidential(self) -> bool {
        self != ClientAuth::None
    }
    /// Whether each request carries a signed `client_assertion`.
    pub fn uses_assertion(self) -> bool {
        matches!(
            self,
            ClientAuth::ClientSecretJwt | ClientAuth::PrivateKeyJwt
        )
    }
}

impl FromStr for ClientAuth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(ClientAuth::None),
            "basic" | "client_secret_basic" => Ok(ClientAuth::ClientSecretBasic),
            "post" | "client_secret_post" => Ok(ClientAuth::ClientSecretPost),
            "client_secret_jwt" => Ok(ClientAuth::ClientSecretJwt),
            "private_key_jwt" => Ok(ClientAuth::PrivateKeyJwt),
            _ => Err(format!(
                "unknown client authentication '{s}': use none, client_secret_basic (basic), client_secret_post (post), client_secret_jwt or private_key_jwt"
            )),
        }
    }
}

impl fmt::Display for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(ClientAuth);

/// The `aud` of a client assertion (`client_secret_jwt`, `private_key_jwt`). RFC 7523
/// lets the provider choose; most accept the token endpoint, some want the issuer
/// (Auth0) or the URL of the endpoint being called (Okta). oidc-provider accepts all
/// three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssertionAudience {
    /// The token endpoint, whatever endpoint the request goes to.
    #[default]
    TokenEndpoint,
    /// The issuer identifier.
    Issuer,
    /// The URL of the endpoint each request goes to (token, revocation, PAR).
    Endpoint,
}

impl AssertionAudience {
    pub fn as_str(self) -> &'static str {
        match self {
            AssertionAudience::TokenEndpoint => "token-endpoint",
            AssertionAudience::Issuer => "issuer",
            AssertionAudience::Endpoint => "endpoint",
        }
    }
    pub fn is_default(&self) -> bool {
        *self == AssertionAudience::TokenEndpoint
    }
}

impl FromStr for AssertionAudience {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            AssertionAudience::TokenEndpoint,
            AssertionAudience::Issuer,
            AssertionAudience::Endpoint,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| {
            format!("unknown assertion audience '{s}': use token-endpoint, issuer or endpoint")
        })
    }
}

impl fmt::Display for AssertionAudience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(AssertionAudience);

/// When the authorization request is pushed to the provider first (PAR, RFC 9126).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParMode {
    /// When the provider's metadata says `require_pushed_authorization_requests`.
    #[default]
    Auto,
    /// Always (the provider must have a `pushed_authorization_request_endpoint`).
    Always,
    /// Never, even when the provider requires it (its refusal is then reported).
    Never,
}

impl ParMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ParMode::Auto => "auto",
            ParMode::Always => "always",
            ParMode::Never => "never",
        }
    }
    pub fn is_default(&self) -> bool {
        *self == ParMode::Auto
    }
    /// Whether to push, given what the provider requires.
    pub fn push(self, provider_requires: bool) -> bool {
        match self {
            ParMode::Auto => provider_requires,
            ParMode::Always => true,
            ParMode::Never => false,
        }
    }
}

impl FromStr for ParMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [ParMode::Auto, ParMode::Always, ParMode::Never]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown par setting '{s}': use auto, always or never"))
    }
}

impl fmt::Display for ParMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(ParMode);

/// When an account's tokens are bound to its DPoP key (RFC 9449; see `dpop.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DpopMode {
    /// Never: plain bearer tokens (the default, so a service that never asked keeps them
    /// even with a provider that offers DPoP).
    #[default]
    Never,
    /// When the provider's metadata lists ES256 in `dpop_signing_alg_values_supported`.
    Auto,
    /// Always (a provider that does not know DPoP ignores the proofs and answers bearer
    /// tokens).
    Always,
}

impl DpopMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DpopMode::Never => "never",
            DpopMode::Auto => "auto",
            DpopMode::Always => "always",
        }
    }
    pub fn is_default(&self) -> bool {
        *self == DpopMode::Never
    }
}

impl FromStr for DpopMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [DpopMode::Never, DpopMode::Auto, DpopMode::Always]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown dpop setting '{s}': use auto, always or never"))
    }
}

impl fmt::Display for DpopMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(DpopMode);

/// Whether the browser login's authorization request travels as a signed request object
/// (JAR, RFC 9101).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestObjectMode {
    /// Signed when the provider's metadata says `require_signed_request_object`.
    #[default]
    Auto,
    /// Always signed: with the client's private key (`private_key_jwt`), else HS256
    /// with the client secret.
    Signed,
    /// Never: plain query parameters (a provider that requires request objects refuses).
    Plain,
}

impl RequestObjectMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestObjectMode::Auto => "auto",
            RequestObjectMode::Signed => "signed",
            RequestObjectMode::Plain => "plain",
        }
    }
    pub fn is_default(&self) -> bool {
        *self == RequestObjectMode::Auto
    }
    /// Whether to sign, given what the provider requires.
    pub fn sign(self, provider_requires: bool) -> bool {
        match self {
            RequestObjectMode::Auto => provider_requires,
            RequestObjectMode::Signed => true,
            RequestObjectMode::Plain => false,
        }
    }
}

impl FromStr for RequestObjectMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            RequestObjectMode::Auto,
            RequestObjectMode::Signed,
            RequestObjectMode::Plain,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
        .ok_or_else(|| format!("unknown request_object setting '{s}': use auto, signed or plain"))
    }
}

impl fmt::Display for RequestObjectMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(RequestObjectMode);

/// Which field of a token response is the token Authdeck hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenField {
    /// `access_token` (OAuth 2.0).
    #[default]
    AccessToken,
    /// `id_token` (OpenID Connect), for APIs that take the ID token as their bearer
    /// token (what Swagger UI's `x-tokenName: id_token` says).
    IdToken,
}

impl TokenField {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenField::AccessToken => "access_token",
            TokenField::IdToken => "id_token",
        }
    }
    pub fn is_default(&self) -> bool {
        *self == TokenField::AccessToken
    }
}

impl FromStr for TokenField {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [TokenField::AccessToken, TokenField::IdToken]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown token_field '{s}': use access_token or id_token"))
    }
}

impl fmt::Display for TokenField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(TokenField);

/// The host name written into a loopback redirect URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RedirectHost {
    #[default]
    Ip,
    Localhost,
}

impl RedirectHost {
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectHost::Ip => "127.0.0.1",
            RedirectHost::Localhost => "localhost",
        }
    }
}

impl FromStr for RedirectHost {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "127.0.0.1" => Ok(RedirectHost::Ip),
            "localhost" => Ok(RedirectHost::Localhost),
            _ => Err(format!(
                "redirect host '{s}' is not allowed: use 127.0.0.1 or localhost (the listener only ever binds the loopback address)"
            )),
        }
    }
}

impl fmt::Display for RedirectHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(RedirectHost);

/// An absolute `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(url::Url);

impl HttpUrl {
    pub fn parse(s: &str) -> Result<Self, String> {
        s.parse()
    }
    pub fn url(&self) -> &url::Url {
        &self.0
    }
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl FromStr for HttpUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let url = url::Url::parse(s).map_err(|e| format!("'{s}' is not a valid URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!("'{s}' must be an http:// or https:// URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "'{}' must not contain a user name or password: Authdeck keeps credentials in the keyring",
                url.host_str().unwrap_or_default()
            ));
        }
        Ok(HttpUrl(url))
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}
string_serde!(HttpUrl);

/// Loopback ports to try in order: `"8080-8085"`, `"8080,8090"`, or `"0"` for any free
/// port. A bare integer is accepted too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortList(Vec<RangeInclusive<u16>>);

impl Default for PortList {
    fn default() -> Self {
        PortList(vec![0..=0])
    }
}

impl PortList {
    pub fn parse(s: &str) -> Result<Self, String> {
        s.parse()
    }
    /// The ports in the order to try them; `[0]` means "any free port".
    pub fn ports(&self) -> impl Iterator<Item = u16> + '_ {
        self.0.iter().flat_map(|r| r.clone())
    }
}

impl FromStr for PortList {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("'{s}' is not a port list: write e.g. \"8080-8085\", \"8080,8090\" or \"0\" (any free port)")
        };
        let mut ranges = Vec::new();
        for part in s.split(',').map(str::trim) {
            let (lo, hi) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (part, part),
            };
            let lo: u16 = lo.parse().map_err(|_| bad())?;
            let hi: u16 = hi.parse().map_err(|_| bad())?;
            if lo > hi {
                return Err(bad());
            }
            ranges.push(lo..=hi);
        }
        let has_zero = ranges.iter().any(|r| *r.start() == 0);
        if has_zero && ranges != [0..=0] {
            return Err(format!(
                "'{s}': port 0 (any free port) cannot be combined with other ports"
            ));
        }
        Ok(PortList(ranges))
    }
}

impl fmt::Display for PortList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|r| {
                if r.start() == r.end() {
                    r.start().to_string()
                } else {
                    format!("{}-{}", r.start(), r.end())
                }
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

impl<'de> Deserialize<'de> for PortList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Port(u16),
            Text(String),
        }
        match Raw::deserialize(d) {
            Ok(Raw::Port(p)) => Ok(PortList(vec![p..=p])),
            Ok(Raw::Text(s)) => s.parse().map_err(serde::de::Error::custom),
            Err(_) => Err(serde::de::Error::custom(
                "ports must be a string such as \"8080-8085\" or a port number",
            )),
        }
    }
}

impl Serialize for PortList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a token request's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenPlacement {
    /// `POST` with an `application/x-www-form-urlencoded` body (RFC 6749).
    #[default]
    Form,
    /// `POST` with every parameter in the URL query and an empty body (PlantPredict).
    PostQuery,
    /// `GET` with every parameter in the URL query (NOMAD before 1.4).
    GetQuery,
}

impl TokenPlacement {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPlacement::Form => "form",
            TokenPlacement::PostQuery => "post-query",
            TokenPlacement::GetQuery => "get-query",
        }
    }
    pub fn is_form(&self) -> bool {
        *self == TokenPlacement::Form
    }
}

impl FromStr for TokenPlacement {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            TokenPlacement::Form,
            TokenPlacement::PostQuery,
            TokenPlacement::GetQuery,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
        .ok_or_else(|| format!("unknown token_request '{s}': use form, post-query or get-query"))
    }
}

impl fmt::Display for TokenPlacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(TokenPlacement);

/// The protocol of a device login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceProtocol {
    /// RFC 8628.
    #[default]
    Rfc8628,
    /// Autolab's own: `device_flow_init`, polling `device_flow_authorize` for a code,
    /// then an authorization-code exchange.
    Autolab,
}

impl DeviceProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceProtocol::Rfc8628 => "rfc8628",
            DeviceProtocol::Autolab => "autolab",
        }
    }
    pub fn is_default(&self) -> bool {
        *self == DeviceProtocol::Rfc8628
    }
}

impl FromStr for DeviceProtocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "rfc8628" => Ok(DeviceProtocol::Rfc8628),
            "autolab" => Ok(DeviceProtocol::Autolab),
            _ => Err(format!(
                "unknown device protocol '{s}': use rfc8628 or autolab"
            )),
        }
    }
}

impl fmt::Display for DeviceProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(DeviceProtocol);

/// What kind of security scheme a service's Swagger / OpenAPI page declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwaggerKind {
    /// `type: http, scheme: bearer`: the dialog wants the raw token.
    HttpBearer,
    /// `type: apiKey`: the dialog wants the header (or query, cookie) value as is.
    ApiKey,
    /// `type: oauth2`: the dialog logs in itself and takes no pasted token.
    OAuth2,
    /// `type: openIdConnect`: like oauth2.
    OpenIdConnect,
}

impl SwaggerKind {
    pub const ALL: [SwaggerKind; 4] = [
        SwaggerKind::HttpBearer,
        SwaggerKind::ApiKey,
        SwaggerKind::OAuth2,
        SwaggerKind::OpenIdConnect,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SwaggerKind::HttpBearer => "http-bearer",
            SwaggerKind::ApiKey => "api-key",
            SwaggerKind::OAuth2 => "oauth2",
            SwaggerKind::OpenIdConnect => "openid-connect",
        }
    }
}

impl FromStr for SwaggerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        SwaggerKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!("unknown swagger scheme '{s}': use http-bearer, api-key, oauth2 or openid-connect")
            })
    }
}

impl fmt::Display for SwaggerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(SwaggerKind);

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyLocation {
    #[default]
    Header,
    Query,
    Cookie,
}

impl KeyLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyLocation::Header => "header",
            KeyLocation::Query => "query",
            KeyLocation::Cookie => "cookie",
        }
    }
}

impl FromStr for KeyLocation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "header" => Ok(KeyLocation::Header),
            "query" => Ok(KeyLocation::Query),
            "cookie" => Ok(KeyLocation::Cookie),
            _ => Err(format!(
                "unknown key location '{s}': use header, query or cookie"
            )),
        }
    }
}

impl fmt::Display for KeyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
string_serde!(KeyLocation);

/// A length of time in whole seconds, written `"3600"`, `"90s"`, `"90m"`, `"12h"` or
/// `"30d"` (a bare TOML integer is seconds too). Never zero. Written back in the largest
/// unit that divides it (`"30d"`, `"90m"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lifetime(u64);

impl Lifetime {
    /// At most about ten years: a longer "lifetime" is a typo.
    const MAX_SECS: u64 = 10 * 366 * 86_400;

    /// A lifetime of `secs` seconds (1 to about ten years).
    pub fn from_secs(secs: u64) -> Result<Self, String> {
        if secs == 0 {
            return Err(
                "a lifetime of 0 seconds is no lifetime: give e.g. 3600, 90m, 12h or 30d".into(),
            );
        }
        if secs > Self::MAX_SECS {
            return Err(format!(
                "a lifetime of {secs} seconds is longer than ten years: give e.g. 30d"
            ));
        }
        Ok(Lifetime(secs))
    }

    pub fn secs(self) -> u64 {
        self.0
    }

    /// The lifetime in seconds as a signed count (for Unix-time arithmetic).
    pub fn secs_i64(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

/// "3600", "90s", "90m", "12h", "7d" → seconds (the durations the config and the CLI
/// take).
pub fn duration_secs(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration: write e.g. 3600, 90m, 12h or 7d"))?;
    let factor = match unit {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("'{s}': unknown unit '{unit}' (use s, m, h or d)")),
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("'{s}' is too long"))
}

impl FromStr for Lifetime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Lifetime::from_secs(duration_secs(s)?)
    }
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
            if s % size == 0 {
                return write!(f, "{}{unit}", s / size);
            }
        }
        write!(f, "{s}s")
    }
}

impl<'de> Deserialize<'de> for Lifetime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Secs(u64),
            Text(String),
        }
        match Raw::deserialize(d) {
            Ok(Raw::Secs(n)) => Lifetime::from_secs(n).map_err(serde::de::Error::custom),
            Ok(Raw::Text(s)) => s.parse().map_err(serde::de::Error::custom),
            Err(_) => Err(serde::de::Error::custom(
                "a lifetime is a string such as \"30d\" or a number of seconds",
            )),
        }
    }
}

impl Serialize for Lifetime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
