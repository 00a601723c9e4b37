//! The one place a provider's refusal is classified into a [`Refusal`]: from the parsed
//! answer ([`OAuthError`]: its code, HTTP status and, for Azure AD, the `AADSTS` number
//! that starts its description) and which request was refused ([`Grant`]). Nothing else
//! looks at a provider's text to decide anything.
//!
//! What the five seed services send (docs/services.md; `crates/demo-idp` fakes each):
//! - NOMAD `/auth/token`: 401 `{"detail":"Incorrect username or password"}` (no OAuth
//!   code: [`ErrorCode::Unauthenticated`]) → bad user credentials. Its Keycloak:
//!   `invalid_grant` "Invalid user credentials" (password grant) → bad user credentials,
//!   `invalid_grant` on a refresh → grant expired; `invalid_client` → bad client.
//! - PlantPredict's Okta: `invalid_grant` (password grant) → bad user credentials,
//!   (refresh) → grant expired; 401 `invalid_client` → bad client. Its Cognito: 400
//!   `invalid_client` with no description → bad client.
//! - Quamotion's Azure AD: `invalid_client` with AADSTS7000215 (wrong secret),
//!   AADSTS7000222 (expired secret), AADSTS7000218 (no secret) and `unauthorized_client`
//!   with AADSTS700016 (application not found) → bad client; AADSTS50126 (`invalid_grant`,
//!   wrong user name or password) → bad user; AADSTS65001/65004 (no consent) → consent
//!   denied; AADSTS70008/700082/50173 (grant expired) → grant expired.
//! - Autolab (Doorkeeper): 401 `invalid_client` → bad client; `invalid_grant` on a refresh
//!   or a code exchange → grant expired; its device flow's `authorization denied by user`
//!   → consent denied.
//! - Oqtant (Auth0): `access_denied` from the browser login → consent denied; its token
//!   endpoint answers an unknown client with 401 `access_denied` "Unauthorized" → bad
//!   client.
//! - A provider that wants DPoP-bound tokens (RFC 9449) for the client, asked without a
//!   proof: no code names this, so a refusal whose description names DPoP
//!   ([`wants_dpop`]; oidc-provider: `invalid_grant` "DPoP proof JWT not provided") →
//!   DPoP required.
//! - Any provider: `access_denied` from a browser login or a device flow → consent denied;
//!   `server_error`, `temporarily_unavailable`, or a non-OAuth HTTP 5xx → provider broken.

use super::error_code::ErrorCode;
use super::token_endpoint::OAuthError;
use crate::error::{Error, Refusal};

/// Which request the provider refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// The password grant (RFC 6749 §4.3) or NOMAD's `/auth/token`.
    Password,
    /// A refresh (RFC 6749 §6).
    Refresh,
    /// The client credentials grant (RFC 6749 §4.4).
    ClientCredentials,
    /// Exchanging an authorization code (browser login, Autolab's device flow).
    AuthorizationCode,
    /// Polling a device flow (RFC 8628 or Autolab's).
    DevicePoll,
    /// The browser's redirect back from the authorization endpoint.
    Authorization,
    /// A token exchange (RFC 8693) with the account's access token as subject.
    Exchange,
    /// Any other request (revocation, device authorization, app tokens).
    Other,
}

impl Grant {
    /// Whether this request goes to the token endpoint with the client's credentials.
    fn at_token_endpoint(self) -> bool {
        matches!(
            self,
            Grant::Password
                | Grant::Refresh
                | Grant::ClientCredentials
                | Grant::AuthorizationCode
                | Grant::Exchange
        )
    }

    /// What the user knows the grant as, for messages.
    fn grant_name(self) -> &'static str {
        match self {
            Grant::Refresh => "the refresh token",
            Grant::AuthorizationCode => "the login's authorization code",
            Grant::DevicePoll => "the device login",
            Grant::Exchange => "the account's token",
            _ => "the login",
        }
    }
}

/// The Azure AD error number (`AADSTS<n>: …`) at the start of a description.
fn aadsts(description: Option<&str>) -> Option<u32> {
    let rest = description?.trim_start().strip_prefix("AADSTS")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The refusal `answer` is, for a `grant` request; `None` when it is not one (an invalid
/// request, a scope problem, …: a provider error like any other).
pub fn classify(grant: Grant, answer: &OAuthError) -> Option<Refusal> {
    // Azure AD says precisely what it refused in the AADSTS number.
    if let Some(n) = aadsts(answer.description.as_deref()) {
        match n {
            // Wrong user name or password, unknown user, locked account, expired password.
            50126 | 50034 | 50053 | 50055 => return Some(Refusal::BadUserCredentials),
            // Invalid, expired or missing client secret; application not found or disabled.
            7_000_215 | 7_000_222 | 7_000_218 | 700_016 | 7_000_112 => {
                return Some(Refusal::BadClientCredentials)
            }
            // No consent by the user or an administrator; the user declined.
            65001 | 65004 => return Some(Refusal::ConsentDenied),
            // The grant expired, was revoked, or outlived a password change.
            70008 | 700_082 | 50173 | 70000 => return Some(Refusal::GrantExpired),
            _ => {}
        }
    }
    match &answer.code {
        ErrorCode::InvalidClient => Some(Refusal::BadClientCredentials),
        ErrorCode::InvalidGrant => match grant {
            Grant::Password => Some(Refusal::BadUserCredentials),
            // For an exchange: the subject token (the account's) was refused.
            Grant::Refresh | Grant::AuthorizationCode | Grant::DevicePoll | Grant::Exchange => {
                Some(Refusal::GrantExpired)
            }
            _ => None,
        },
        ErrorCode::Unauthenticated if grant == Grant::Password => Some(Refusal::BadUserCredentials),
        // Auth0 answers an unknown client at its token endpoint with 401 access_denied.
        ErrorCode::AccessDenied if grant.at_token_endpoint() && answer.status == 401 => {
            Some(Refusal::BadClientCredentials)
        }
        ErrorCode::AccessDenied
        | ErrorCode::AuthorizationDeniedByUser
        | ErrorCode::ConsentRequired => Some(Refusal::ConsentDenied),
        ErrorCode::ServerError | ErrorCode::TemporarilyUnavailable => Some(Refusal::ProviderBroken),
        _ => None,
    }
}

/// Whether `answer` refuses a token request that carried no DPoP proof for carrying none.
/// RFC 9449 names no error code for it: providers answer `invalid_request`,
/// `invalid_grant` or `invalid_dpop_proof` with a description naming DPoP. Asked only of
/// answers to requests without a proof (`token_endpoint.rs`).
pub fn wants_dpop(answer: &OAuthError) -> bool {
    let names_dpop = answer
        .description
        .as_deref()
        .is_some_and(|d| d.to_ascii_lowercase().contains("dpop"));
    match answer.code {
        ErrorCode::InvalidDpopProof => true,
        ErrorCode::InvalidRequest | ErrorCode::InvalidGrant | ErrorCode::InvalidClient => {
            names_dpop
        }
        _ => false,
    }
}

/// The refusal of a token request without a DPoP proof by a provider that wants one.
pub fn dpop_required(answer: &OAuthError) -> Error {
    let refusal = Refusal::DpopRequired;
    Error::refused(refusal, reason(refusal, Grant::Other, &answer.summary()))
}

/// The error for a refused `grant` request: a [`Refusal`] when it is one, else a provider
/// error naming `what` was refused.
pub fn to_error(grant: Grant, answer: &OAuthError, what: &str) -> Error {
    let summary = answer.summary();
    match classify(grant, answer) {
        Some(refusal) => Error::refused(refusal, reason(refusal, grant, &summary)),
        None => Error::Provider(format!("the provider refused {what}: {summary}")),
    }
}

/// What happened, in words (no next step: that is the hint, worded by each front end).
fn reason(refusal: Refusal, grant: Grant, summary: &str) -> String {
    match refusal {
        Refusal::BadUserCredentials => {
            format!("the provider refused the user name or password ({summary})")
        }
        Refusal::BadClientCredentials => {
            format!("the provider refused the client id or client secret ({summary})")
        }
        Refusal::ConsentDenied => format!("{} was denied ({summary})", grant.grant_name()),
        Refusal::GrantExpired => format!(
            "the provider no longer accepts {} (it expired or was revoked: {summary})",
            grant.grant_name()
        ),
        Refusal::ProviderBroken => {
            format!("the provider failed on its side ({summary}); try again later")
        }
        Refusal::DpopRequired => format!(
            "the provider wants DPoP-bound tokens for this client, and the service does not use DPoP ({summary})"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, code: &str, description: Option<&str>) -> OAuthError {
        OAuthError {
            status,
            code: ErrorCode::parse(code),
            description: description.map(str::to_owned),
        }
    }

    #[test]
    fn what_each_seed_service_sends_is_classified() {
        use Grant::*;
        use Refusal::*;
        let cases: &[(Grant, OAuthError, Option<Refusal>)] = &[
            // NOMAD's own endpoint and its Keycloak.
            (
                Password,
                answer(401, "unauthenticated", Some("Incorrect username or password")),
                Some(BadUserCredentials),
            ),
            (
                Password,
                answer(401, "invalid_grant", Some("Invalid user credentials")),
                Some(BadUserCredentials),
            ),
            (
                Refresh,
                answer(400, "invalid_grant", Some("Token is not active")),
                Some(GrantExpired),
            ),
            (
                Refresh,
                answer(401, "invalid_client", Some("Invalid client or Invalid client credentials")),
                Some(BadClientCredentials),
            ),
            // Okta and Cognito.
            (
                Password,
                answer(400, "invalid_grant", Some("The credentials provided were invalid.")),
                Some(BadUserCredentials),
            ),
            (
                Refresh,
                answer(400, "invalid_grant", Some("The refresh token is invalid or expired.")),
                Some(GrantExpired),
            ),
            (ClientCredentials, answer(400, "invalid_client", None), Some(BadClientCredentials)),
            // Azure AD.
            (
                ClientCredentials,
                answer(401, "invalid_client", Some("AADSTS7000215: Invalid client secret provided.")),
                Some(BadClientCredentials),
            ),
            (
                ClientCredentials,
                answer(401, "invalid_client", Some("AADSTS7000222: The provided client secret keys for app 'x' are expired.")),
                Some(BadClientCredentials),
            ),
            (
                ClientCredentials,
                answer(400, "unauthorized_client", Some("AADSTS700016: Application with identifier 'x' was not found")),
                Some(BadClientCredentials),
            ),
            (
                Password,
                answer(400, "invalid_grant", Some("AADSTS50126: Error validating credentials due to invalid username or password.")),
                Some(BadUserCredentials),
            ),
            (
                ClientCredentials,
                answer(400, "invalid_grant", Some("AADSTS65001: The user or administrator has not consented to use the application")),
                Some(ConsentDenied),
            ),
            (
                Refresh,
                answer(400, "invalid_grant", Some("AADSTS700082: The refresh token has expired due to inactivity.")),
                Some(GrantExpired),
            ),
            (
                ClientCredentials,
                answer(400, "invalid_resource", Some("AADSTS500011: The resource principal named x was not found")),
                None,
            ),
            // Autolab.
            (AuthorizationCode, answer(401, "invalid_client", None), Some(BadClientCredentials)),
            (DevicePoll, answer(400, "authorization denied by user", None), Some(ConsentDenied)),
            (AuthorizationCode, answer(400, "invalid_grant", None), Some(GrantExpired)),
            // Oqtant (Auth0) and every browser login or device flow.
            (AuthorizationCode, answer(401, "access_denied", Some("Unauthorized")), Some(BadClientCredentials)),
            (Authorization, answer(400, "access_denied", None), Some(ConsentDenied)),
            (DevicePoll, answer(400, "access_denied", None), Some(ConsentDenied)),
            // The provider's own failures, and what is no refusal at all.
            (Refresh, answer(500, "server_error", None), Some(ProviderBroken)),
            (Password, answer(503, "temporarily_unavailable", None), Some(ProviderBroken)),
            (Password, answer(400, "invalid_scope", None), None),
            (ClientCredentials, answer(400, "unsupported_grant_type", None), None),
            (ClientCredentials, answer(401, "unauthenticated", Some("x")), None),
        ];
        for (grant, answer, expected) in cases {
            assert_eq!(classify(*grant, answer), *expected, "{grant:?} {answer:?}");
        }
    }

    #[test]
    fn a_refusal_for_want_of_a_dpop_proof_is_recognised() {
        let missing = answer(400, "invalid_grant", Some("DPoP proof JWT not provided"));
        assert!(wants_dpop(&missing));
        assert!(wants_dpop(&answer(400, "invalid_dpop_proof", None)));
        assert!(!wants_dpop(&answer(
            400,
            "invalid_grant",
            Some("grant expired")
        )));
        assert!(!wants_dpop(&answer(
            400,
            "invalid_scope",
            Some("DPoP scope")
        )));
        let e = dpop_required(&missing);
        assert_eq!(e.refusal(), Some(Refusal::DpopRequired));
        assert_eq!(e.kind().exit_code(), 2);
        assert!(e.to_string().contains("DPoP-bound"), "{e}");
    }

    #[test]
    fn the_error_says_what_happened_without_a_command() {
        let e = to_error(
            Grant::Password,
            &answer(
                401,
                "unauthenticated",
                Some("Incorrect username or password"),
            ),
            "the login",
        );
        assert_eq!(e.refusal(), Some(Refusal::BadUserCredentials));
        assert_eq!(e.kind().exit_code(), 3);
        let text = e.to_string();
        assert!(text.contains("user name or password"), "{text}");
        assert!(!text.contains("authdeck"), "{text}");
        let e = to_error(
            Grant::Password,
            &answer(400, "invalid_scope", None),
            "the login",
        );
        assert!(matches!(e, Error::Provider(_)), "{e:?}");
    }
}
