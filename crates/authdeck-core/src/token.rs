//! Tokens as Authdeck keeps them: the `TokenSet` and what is known about it.
//!
//! Expiry is stored as an absolute Unix time, computed when the response arrives: from
//! `expires_in` (a number or a numeric string), else Azure v1's `expires_on`, else the
//! JWT `exp` claim. A refresh token's end is kept the same way when it is known: from
//! Keycloak's `refresh_expires_in` (0 there means "does not expire": an offline token),
//! else from the service's known `refresh_token_lifetime`. JWT claims are decoded for display only: the signature is NOT
//! verified, and nothing in Authdeck trusts them for a security decision.

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};
use crate::secret::{AccessToken, IdToken, RefreshToken};

/// The current time in Unix seconds, injectable so expiry is tested without sleeping.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// The tokens of one account.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: AccessToken,
    pub refresh_token: Option<RefreshToken>,
    pub id_token: Option<IdToken>,
    /// As the provider wrote it (`Bearer`, `bearer`, …).
    pub token_type: String,
    pub scopes: Vec<String>,
    /// Unix seconds; `None` when the provider gave no expiry at all.
    pub expires_at: Option<i64>,
    /// When the refresh token stops working (Unix seconds), when that is known.
    pub refresh_expires_at: Option<i64>,
    pub obtained_at: i64,
}

impl TokenSet {
    /// Builds the token set from a token endpoint response received at `now`.
    /// `requested_scopes` stand in when the response does not list the granted ones.
    pub fn from_response(resp: TokenResponse, now: i64, requested_scopes: &[String]) -> Self {
        let expires_at = resp
            .expires_in
            .map(|secs| now.saturating_add(secs))
            .or(resp.expires_on)
            .or_else(|| jwt_exp(resp.access_token.expose()));
        let refresh_expires_at = resp
            .refresh_token
            .as_ref()
            .and(resp.refresh_expires_in)
            .filter(|secs| *secs > 0)
            .map(|secs| now.saturating_add(secs));
        let scopes = match resp.scope {
            Some(s) => s.split_whitespace().map(str::to_owned).collect(),
            None => requested_scopes.to_vec(),
        };
        TokenSet {
            access_token: resp.access_token,
            refresh_token: resp.refresh_token,
            id_token: resp.id_token,
            token_type: resp.token_type.unwrap_or_else(|| "Bearer".to_owned()),
            scopes,
            expires_at,
            refresh_expires_at,
            obtained_at: now,
        }
    }

    /// The token set with its refresh token's end taken from `lifetime` (the service's
    /// known refresh-token lifetime) when the provider did not say it.
    pub fn with_refresh_lifetime(mut self, lifetime: Option<crate::config::Lifetime>) -> Self {
        if self.refresh_token.is_some() && self.refresh_expires_at.is_none() {
            self.refresh_expires_at =
                lifetime.map(|l| self.obtained_at.saturating_add(l.secs_i64()));
        }
        self
    }

    /// The token set whose handed-out token is the response field `field`: for
    /// [`TokenField::IdToken`], the ID token (with its `exp` as the expiry), which the
    /// answer must carry.
    ///
    /// [`TokenField::IdToken`]: crate::config::TokenField::IdToken
    pub fn with_field(mut self, field: crate::config::TokenField) -> crate::error::Result<Self> {
        if field == crate::config::TokenField::IdToken {
            let id = self.id_token.as_ref().ok_or_else(|| {
                crate::error::Error::Provider(
                    "the provider's answer has no id_token, which this service hands out (token_field = \"id_token\"): ask for the openid scope, or hand out the access token".into(),
                )
            })?;
            self.access_token = AccessToken::new(id.expose());
            self.token_type = "Bearer".to_owned();
            self.expires_at = jwt_exp(id.expose()).or(self.expires_at);
        }
        Ok(self)
    }

    /// Whether the access token is still valid for at least `min_valid` seconds.
    pub fn valid_for(&self, now: i64, min_valid: i64) -> bool {
        is_valid(self.expires_at, now, min_valid)
    }
}

/// Whether a token expiring at `expires_at` is valid for `min_valid` more seconds.
/// A token without a known expiry counts as valid.
pub fn is_valid(expires_at: Option<i64>, now: i64, min_valid: i64) -> bool {
    expires_at.is_none_or(|at| at - now > min_valid)
}

/// A token endpoint's success response, tolerant of the variants seen in the wild.
#[derive(Deserialize)]
pub struct TokenResponse {
    #[serde(deserialize_with = "access_token")]
    pub access_token: AccessToken,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default, deserialize_with = "loose_number")]
    pub expires_in: Option<i64>,
    /// Azure AD v1: absolute expiry, in Unix seconds, as a string.
    #[serde(default, deserialize_with = "loose_number")]
    pub expires_on: Option<i64>,
    #[serde(default, deserialize_with = "optional_refresh_token")]
    pub refresh_token: Option<RefreshToken>,
    /// Keycloak: seconds the refresh token lives (0: it does not expire).
    #[serde(default, deserialize_with = "loose_number")]
    pub refresh_expires_in: Option<i64>,
    #[serde(default, deserialize_with = "optional_id_token")]
    pub id_token: Option<IdToken>,
    #[serde(default)]
    pub scope: Option<String>,
    /// Token exchange (RFC 8693 §2.2.1): the type of the issued token.
    #[serde(default)]
    pub issued_token_type: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("refresh_expires_in", &self.refresh_expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl TokenResponse {
    /// Parses a success body. The error never quotes the body (it holds tokens).
    pub fn parse(body: &[u8]) -> Result<Self> {
        let resp: TokenResponse = serde_json::from_slice(body).map_err(|e| {
            let what = if e.is_eof() {
                "was cut off (truncated JSON)".to_owned()
            } else if e.is_data() {
                format!("is not a token response ({})", redact_serde(&e))
            } else {
                format!(
                    "is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                )
            };
            Error::Provider(format!("the token endpoint's answer {what}"))
        })?;
        if resp.access_token.expose().is_empty() {
            return Err(Error::Provider(
                "the token endpoint answered without an access_token".into(),
            ));
        }
        Ok(resp)
    }
}

/// serde_json data errors name the field and the expected type, never the value for
/// strings; keep only the text before " at line".
fn redact_serde(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at line").next().unwrap_or_default();
    text.split(": \"").next().unwrap_or_default().to_owned()
}

fn access_token<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<AccessToken, D::Error> {
    String::deserialize(d).map(AccessToken::new)
}

/// An optional string, an empty one counting as absent.
fn optional_text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

fn optional_refresh_token<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<RefreshToken>, D::Error> {
    Ok(optional_text(d)?.map(RefreshToken::new))
}

fn optional_id_token<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<IdToken>, D::Error> {
    Ok(optional_text(d)?.map(IdToken::new))
}

/// A number, or a string holding one (Azure AD v1 sends `"3599"`).
pub(crate) fn loose_number<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Int(i64),
        Float(f64),
        Text(String),
    }
    match Option::<Loose>::deserialize(d)? {
        None => Ok(None),
        Some(Loose::Int(n)) => Ok(Some(n)),
        #[allow(clippy::cast_possible_truncation)]
        Some(Loose::Float(f)) if f.is_finite() => Ok(Some(f as i64)),
        Some(Loose::Float(_)) => Err(serde::de::Error::custom("expected a finite number")),
        Some(Loose::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Loose::Text(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("expected a number or a numeric string")),
    }
}

/// The claims of a JWT, decoded WITHOUT verifying the signature: for display only.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedClaims(pub serde_json::Map<String, serde_json::Value>);

/// How far a token's `iat` may be ahead of the local clock when it is received before
/// the clocks are said to disagree (providers stamp tokens the moment they issue them).
pub const SKEW_AHEAD_SECS: i64 = 120;

/// How far a token's `iat` may be behind the local clock when it is received. Larger
/// than [`SKEW_AHEAD_SECS`]: some providers hand out a token they issued a little
/// earlier (Azure AD reuses a client-credentials token for a while).
pub const SKEW_BEHIND_SECS: i64 = 600;

/// How far the provider's clock (a token's `iat`) was from the local clock at the moment
/// the token was received (`received_at`, the local clock then): the seconds `iat` was
/// ahead (positive) or behind (negative), when beyond [`SKEW_AHEAD_SECS`] /
/// [`SKEW_BEHIND_SECS`]; `None` when they agree or there is no `iat`. Both times are
/// fixed at receipt, so the answer does not change as the token ages. `iat` is
/// unverified: this is only shown, never acted on.
pub fn clock_skew_at_receipt(iat: Option<i64>, received_at: i64) -> Option<i64> {
    let skew = iat?.checked_sub(received_at)?;
    (!(-SKEW_BEHIND_SECS..=SKEW_AHEAD_SECS).contains(&skew)).then_some(skew)
}

/// Decodes the payload of a compact JWS (`header.payload.signature`); `None` for an
/// opaque token or anything that does not decode to a JSON object.
pub fn decode_jwt_claims(token: &str) -> Option<UnverifiedClaims> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(UnverifiedClaims(map)),
        _ => None,
    }
}

pub(crate) fn jwt_exp(token: &str) -> Option<i64> {
    let claims = decode_jwt_claims(token)?;
    let exp = claims.0.get("exp")?;
    exp.as_i64().or_else(|| exp.as_f64().map(|f| f as i64))
}

/// "in 42 min", "3 h ago": a short human form of `at - now`.
pub fn relative_time(at: i64, now: i64) -> String {
    let delta = at - now;
    let abs = delta.unsigned_abs();
    let amount = if abs < 60 {
        format!("{abs} s")
    } else if abs < 3600 {
        format!("{} min", abs / 60)
    } else if abs < 86_400 * 2 {
        format!("{} h {} min", abs / 3600, abs % 3600 / 60)
    } else {
        format!("{} days", abs / 86_400)
    };
    if delta >= 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// RFC 3339 in UTC, e.g. `2026-11-25T10:00:00Z`.
pub fn rfc3339(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_skew_is_judged_at_receipt_with_fixed_clocks() {
        use super::clock_skew_at_receipt as skew;
        let received = 1_700_000_000;
        assert_eq!(skew(None, received), None);
        assert_eq!(skew(Some(received), received), None);
        assert_eq!(skew(Some(received + 120), received), None);
        assert_eq!(skew(Some(received + 121), received), Some(121));
        assert_eq!(skew(Some(received - 600), received), None);
        assert_eq!(skew(Some(received - 3_600), received), Some(-3_600));
        assert_eq!(skew(Some(i64::MIN), received), None);
    }

    use super::*;

    fn jwt(payload: &str) -> String {
        let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            enc.encode(r#"{"alg":"none"}"#),
            enc.encode(payload)
        )
    }

    #[test]
    fn expiry_from_number_string_expires_on_or_jwt() {
        let now = 1_000_000;
        let parse = |body: &str| {
            TokenSet::from_response(
                TokenResponse::parse(body.as_bytes()).expect("parse"),
                now,
                &[],
            )
        };
        assert_eq!(
            parse(r#"{"access_token":"a","expires_in":3600}"#).expires_at,
            Some(now + 3600)
        );
        assert_eq!(
            parse(r#"{"access_token":"a","expires_in":"3599","expires_on":"5"}"#).expires_at,
            Some(now + 3599)
        );
        assert_eq!(
            parse(r#"{"access_token":"a","expires_on":"1700000000"}"#).expires_at,
            Some(1_700_000_000)
        );
        let body = format!(
            r#"{{"access_token":"{}","token_type":"Bearer"}}"#,
            jwt(r#"{"exp":1234567,"sub":"auth0|x"}"#)
        );
        assert_eq!(parse(&body).expires_at, Some(1_234_567));
        assert_eq!(parse(r#"{"access_token":"opaque"}"#).expires_at, None);
    }

    #[test]
    fn refresh_expiry_from_keycloak_or_the_known_lifetime() {
        let now = 1_000_000;
        let parse = |body: &str| {
            TokenSet::from_response(
                TokenResponse::parse(body.as_bytes()).expect("parse"),
                now,
                &[],
            )
        };
        let month = "30d".parse::<crate::config::Lifetime>().ok();
        // Keycloak (NOMAD) says it; the provider's word wins over the known lifetime.
        let keycloak = parse(
            r#"{"access_token":"a","expires_in":300,"refresh_token":"r","refresh_expires_in":"1800"}"#,
        );
        assert_eq!(keycloak.refresh_expires_at, Some(now + 1800));
        assert_eq!(
            keycloak.with_refresh_lifetime(month).refresh_expires_at,
            Some(now + 1800)
        );
        // An offline token (0) and a silent provider: unknown, unless the lifetime is.
        let offline = parse(r#"{"access_token":"a","refresh_token":"r","refresh_expires_in":0}"#);
        assert_eq!(offline.refresh_expires_at, None);
        let silent = parse(r#"{"access_token":"a","refresh_token":"r"}"#);
        assert_eq!(
            silent.with_refresh_lifetime(month).refresh_expires_at,
            Some(now + 30 * 86_400)
        );
        // No refresh token, no refresh expiry, whatever is said.
        let none = parse(r#"{"access_token":"a","refresh_expires_in":1800}"#);
        assert_eq!(none.with_refresh_lifetime(month).refresh_expires_at, None);
    }

    #[test]
    fn scopes_from_response_or_request() {
        let resp =
            TokenResponse::parse(br#"{"access_token":"a","scope":"openid  api"}"#).expect("parse");
        assert_eq!(
            TokenSet::from_response(resp, 0, &["x".into()]).scopes,
            vec!["openid", "api"]
        );
        let resp = TokenResponse::parse(br#"{"access_token":"a"}"#).expect("parse");
        assert_eq!(
            TokenSet::from_response(resp, 0, &["x".into()]).scopes,
            vec!["x"]
        );
    }

    #[test]
    fn parse_errors_never_quote_the_body() {
        for body in [
            &br#"{"access_token":"SECRET-TOKEN","expires_in":"soon"}"#[..],
            br#"{"access_token":"SECRET-TOKEN","#,
            b"<html>SECRET-TOKEN</html>",
            br#"{"access_token":42,"x":"SECRET-TOKEN"}"#,
            br#"{"token":"SECRET-TOKEN"}"#,
        ] {
            let err = TokenResponse::parse(body)
                .expect_err("must fail")
                .to_string();
            assert!(!err.contains("SECRET"), "{err}");
        }
        let err = TokenResponse::parse(br#"{"access_token":"ab"#)
            .expect_err("eof")
            .to_string();
        assert!(err.contains("truncated"), "{err}");
    }

    #[test]
    fn jwt_claims_for_display() {
        let claims = decode_jwt_claims(&jwt(r#"{"sub":"u1"}"#)).expect("claims");
        assert_eq!(claims.0["sub"], "u1");
        assert!(decode_jwt_claims("opaque-token").is_none());
        assert!(decode_jwt_claims("a.b.c.d").is_none());
        assert!(decode_jwt_claims("a.!!!.c").is_none());
    }

    #[test]
    fn validity_and_relative_time() {
        assert!(is_valid(Some(200), 100, 60));
        assert!(!is_valid(Some(150), 100, 60));
        assert!(is_valid(None, 100, 60));
        assert_eq!(relative_time(100 + 42 * 60, 100), "in 42 min");
        assert_eq!(relative_time(100, 100 + 30), "30 s ago");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
