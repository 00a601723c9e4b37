//! OAuth error codes as a type: the `error` of an OAuth error answer (RFC 6749 §5.2 and
//! §4.1.2.1, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 8628 §3.5, RFC 8707 §2, RFC 9101 §6.3,
//! OpenID Connect Core §3.1.2.6)
//! and the seed services' own, with [`ErrorCode::Other`] for anything else. Code that
//! branches on a provider's answer matches on this, never on strings.

use std::fmt;

/// The `error` field of an OAuth error answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    // RFC 6749.
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    // RFC 6750.
    InvalidToken,
    InsufficientScope,
    // RFC 7009.
    UnsupportedTokenType,
    // RFC 8707 (resource indicators) and RFC 8693 (token exchange).
    /// The requested audience or resource is unknown or not allowed for this client.
    InvalidTarget,
    // RFC 9101 (JAR).
    /// The signed request object is invalid (signature, claims, algorithm).
    InvalidRequestObject,
    // RFC 8628.
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    // OpenID Connect Core.
    InteractionRequired,
    LoginRequired,
    ConsentRequired,
    // RFC 9449 (DPoP).
    InvalidDpopProof,
    UseDpopNonce,
    // The seed services' own.
    /// Azure AD v1: a resource (audience) unknown in the tenant (AADSTS500011).
    InvalidResource,
    /// Autolab's device flow: the user pressed Deny on the activation page
    /// (`{"error":"authorization denied by user"}`).
    AuthorizationDeniedByUser,
    /// Autolab's rate limiter: `{"error":"Too Many Requests. Retry Later."}` (HTTP 429).
    TooManyRequests,
    /// NOMAD (FastAPI): an HTTP 401 whose JSON is `{"detail": "…"}`, without an OAuth
    /// `error` — its answer to a wrong user name or password at `/auth/token`.
    Unauthenticated,
    /// Any other code, as the provider sent it (cleaned of control characters).
    Other(String),
}

/// Every named code with its wire form.
const NAMED: &[(ErrorCode, &str)] = &[
    (ErrorCode::InvalidRequest, "invalid_request"),
    (ErrorCode::InvalidClient, "invalid_client"),
    (ErrorCode::InvalidGrant, "invalid_grant"),
    (ErrorCode::UnauthorizedClient, "unauthorized_client"),
    (ErrorCode::UnsupportedGrantType, "unsupported_grant_type"),
    (
        ErrorCode::UnsupportedResponseType,
        "unsupported_response_type",
    ),
    (ErrorCode::InvalidScope, "invalid_scope"),
    (ErrorCode::AccessDenied, "access_denied"),
    (ErrorCode::ServerError, "server_error"),
    (ErrorCode::TemporarilyUnavailable, "temporarily_unavailable"),
    (ErrorCode::InvalidToken, "invalid_token"),
    (ErrorCode::InsufficientScope, "insufficient_scope"),
    (ErrorCode::UnsupportedTokenType, "unsupported_token_type"),
    (ErrorCode::InvalidTarget, "invalid_target"),
    (ErrorCode::InvalidRequestObject, "invalid_request_object"),
    (ErrorCode::AuthorizationPending, "authorization_pending"),
    (ErrorCode::SlowDown, "slow_down"),
    (ErrorCode::ExpiredToken, "expired_token"),
    (ErrorCode::InteractionRequired, "interaction_required"),
    (ErrorCode::LoginRequired, "login_required"),
    (ErrorCode::ConsentRequired, "consent_required"),
    (ErrorCode::InvalidDpopProof, "invalid_dpop_proof"),
    (ErrorCode::UseDpopNonce, "use_dpop_nonce"),
    (ErrorCode::InvalidResource, "invalid_resource"),
    (
        ErrorCode::AuthorizationDeniedByUser,
        "authorization denied by user",
    ),
    (
        ErrorCode::TooManyRequests,
        "Too Many Requests. Retry Later.",
    ),
    (ErrorCode::Unauthenticated, "unauthenticated"),
];

impl ErrorCode {
    /// The code for the wire form `s` (exact match; anything unknown is `Other`).
    pub fn parse(s: &str) -> ErrorCode {
        NAMED
            .iter()
            .find(|(_, wire)| *wire == s)
            .map_or_else(|| ErrorCode::Other(s.to_owned()), |(code, _)| code.clone())
    }

    /// The wire form, as a provider sends it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Other(s) => s,
            named => NAMED
                .iter()
                .find(|(code, _)| code == named)
                .map_or("", |(_, wire)| wire),
        }
    }

    /// Every standard and service code's wire form (for redaction, which must not
    /// blank out a code).
    pub fn known_wire_forms() -> impl Iterator<Item = &'static str> {
        NAMED.iter().map(|(_, wire)| *wire)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ErrorCode {
    fn from(s: &str) -> Self {
        ErrorCode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_round_trips_and_others_are_kept() {
        for (code, wire) in NAMED {
            assert_eq!(&ErrorCode::parse(wire), code);
            assert_eq!(code.as_str(), *wire);
        }
        assert_eq!(
            ErrorCode::parse("weird_thing"),
            ErrorCode::Other("weird_thing".into())
        );
        assert_eq!(ErrorCode::parse("weird_thing").to_string(), "weird_thing");
        // Exact match only: a code is not guessed from a look-alike.
        assert_eq!(
            ErrorCode::parse("Invalid_Grant"),
            ErrorCode::Other("Invalid_Grant".into())
        );
    }
}
