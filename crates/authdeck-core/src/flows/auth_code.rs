//! Authorization code grant with PKCE (S256) in the system browser, redirected to a
//! loopback listener (RFC 8252). `state` is always sent and checked, and a `nonce` is
//! sent (and compared with the ID token's) whenever `openid` is requested.
//!
//! When asked (the provider requires it, or the service says so), the authorization
//! request is pushed to the provider first with the client's authentication (PAR,
//! RFC 9126) and the browser gets only `client_id` and the `request_uri`. The redirect's
//! `iss` (RFC 9207) must name the provider's issuer whenever it is present, and must be
//! present when the provider says it always sends it: otherwise the answer may come from
//! another provider the user also logs in to (a mix-up attack) and the login is refused.
//!
//! When asked (the provider requires it, or the service says so), the parameters travel
//! as one signed request object (JAR, RFC 9101, `request_object.rs`): in the browser's
//! URL, or in the pushed request when both are on.

use std::collections::BTreeMap;

use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::client_credentials::push_extra;
use super::refusal::Grant;
use super::request_object;
use super::token_endpoint::{self, Placement};
use super::{BrowserOpener, ClientIdentity, FlowContext, LoginEvent, LoginObserver};
use crate::config::Redirect;
use crate::error::{Error, Result};
use crate::loopback::{CallbackExpectation, LoopbackListener};
use crate::token::{decode_jwt_claims, TokenSet};

/// Parameters the flow sets itself; a service may not override them.
const RESERVED: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
];

/// The endpoints and settings of one browser login.
#[derive(Debug)]
pub struct AuthCodeLogin<'a> {
    pub service_name: &'a str,
    pub authorization_url: &'a Url,
    pub token_url: &'a Url,
    pub client: &'a ClientIdentity,
    pub scopes: &'a [String],
    pub authorize_params: &'a BTreeMap<String, String>,
    pub token_params: &'a BTreeMap<String, String>,
    pub redirect: &'a Redirect,
    /// The issuer identifier, to compare the redirect's `iss` with (RFC 9207).
    pub issuer: Option<&'a str>,
    /// Whether the provider sends `iss` with every authorization response.
    pub iss_required: bool,
    /// Push the request to this endpoint first (PAR, RFC 9126).
    pub par_endpoint: Option<&'a Url>,
    /// Send the request as a signed request object for this audience (the provider's
    /// issuer; JAR, RFC 9101).
    pub request_object_audience: Option<&'a str>,
}

/// Runs the browser login: listener, browser, callback, code exchange.
pub async fn login(
    ctx: &FlowContext,
    req: &AuthCodeLogin<'_>,
    browser: &dyn BrowserOpener,
    observer: &dyn LoginObserver,
    cancel: &CancellationToken,
) -> Result<TokenSet> {
    if let Some(bad) = req
        .authorize_params
        .keys()
        .find(|k| RESERVED.contains(&k.as_str()))
    {
        return Err(Error::Config(format!(
            "authorize parameter '{bad}' is set by Authdeck itself and cannot be configured"
        )));
    }
    let listener = LoopbackListener::bind(&req.redirect.ports).await?;
    let redirect_uri = req.redirect.uri(listener.port());
    let redirect = RedirectUrl::new(redirect_uri.clone())
        .map_err(|e| Error::Config(format!("invalid redirect URI {redirect_uri}: {e}")))?;
    let client = oauth2::basic::BasicClient::new(ClientId::new(req.client.client_id.clone()))
        .set_auth_uri(AuthUrl::from_url(req.authorization_url.clone()))
        .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut auth = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(req.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge);
    for (k, v) in req.authorize_params {
        auth = auth.add_extra_param(k.as_str(), v.as_str());
    }
    let nonce = req
        .scopes
        .iter()
        .any(|s| s == "openid")
        .then(CsrfToken::new_random);
    if let Some(n) = &nonce {
        auth = auth.add_extra_param("nonce", n.secret().as_str());
    }
    let (url, state) = auth.url();

    let url = match (req.request_object_audience, req.par_endpoint) {
        (None, None) => url.to_string(),
        (audience, par) => {
            // The request's own parameters (the endpoint's own query stays in the URL).
            let own: Vec<(String, String)> = req
                .authorization_url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut params: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .filter(|p| !own.contains(p))
                .collect();
            if let Some(audience) = audience {
                let jwt = request_object::sign(req.client, audience, &params, ctx.clock.now())?;
                params = vec![
                    ("client_id".to_owned(), req.client.client_id.clone()),
                    ("request".to_owned(), jwt),
                ];
            }
            match par {
                Some(endpoint) => push(ctx, req, endpoint, &params).await?.to_string(),
                None => {
                    let mut browser = req.authorization_url.clone();
                    browser.query_pairs_mut().extend_pairs(params.iter());
                    browser.to_string()
                }
            }
        }
    };
    observer.on_event(LoginEvent::OpenBrowser { url: url.clone() });
    if let Err(e) = browser.open(&url) {
        observer.on_event(LoginEvent::BrowserFailed {
            url: url.clone(),
            message: e.to_string(),
        });
    }

    let expect = CallbackExpectation {
        path: req.redirect.path.clone(),
        state: state.secret().clone(),
        service_name: req.service_name.to_owned(),
    };
    let callback = listener
        .wait_for_callback(&expect, ctx.login_timeout, cancel)
        .await?;
    let iss = callback.iss.clone();
    let (code, responder) = callback.into_parts();
    if let Err(e) = check_iss(iss.as_deref(), req.issuer, req.iss_required) {
        responder.finish(Err(&e.to_string())).await;
        return Err(e);
    }

    let mut params = vec![
        ("grant_type".to_owned(), "authorization_code".to_owned()),
        ("code".to_owned(), code.expose().to_owned()),
        ("redirect_uri".to_owned(), redirect_uri),
        ("code_verifier".to_owned(), verifier.secret().clone()),
    ];
    push_extra(&mut params, req.token_params);
    let result = async {
        let resp = token_endpoint::request(
            &ctx.http,
            req.token_url,
            req.client.creds(),
            &params,
            Placement::Form,
        )
        .await
        .map_err(|e| e.into_error(Grant::AuthorizationCode, "the authorization code"))?;
        let tokens = TokenSet::from_response(resp, ctx.clock.now(), req.scopes);
        if let (Some(nonce), Some(id_token)) = (&nonce, &tokens.id_token) {
            check_nonce(id_token.expose(), nonce.secret())?;
        }
        Ok::<_, Error>(tokens)
    }
    .await;
    match &result {
        Ok(_) => responder.finish(Ok(())).await,
        Err(e) => responder.finish(Err(&e.to_string())).await,
    }
    result
}

/// Pushes the authorization request's `params` to `endpoint` with the client's
/// authentication, and returns the URL for the browser: the authorization endpoint with
/// `client_id` and the `request_uri` the provider answered.
async fn push(
    ctx: &FlowContext,
    req: &AuthCodeLogin<'_>,
    endpoint: &Url,
    params: &[(String, String)],
) -> Result<Url> {
    // The client's authentication adds `client_id` itself.
    let mut params: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "client_id")
        .cloned()
        .collect();
    // RFC 9449 §10: the code is bound to the account's DPoP key from the start.
    if let Some(key) = &req.client.dpop {
        params.push(("dpop_jkt".into(), crate::dpop::thumbprint(key)?));
    }
    let what = "the pushed authorization request";
    let resp = token_endpoint::send(
        &ctx.http,
        endpoint,
        req.client.creds(),
        &params,
        Placement::Form,
    )
    .await
    .map_err(|e| e.into_error(Grant::Other, what))?;
    if !resp.is_success() {
        return Err(token_endpoint::error_from(endpoint, &resp).into_error(Grant::Other, what));
    }
    let request_uri = serde_json::from_slice::<serde_json::Value>(&resp.body)
        .ok()
        .and_then(|v| v.get("request_uri")?.as_str().map(str::to_owned))
        .ok_or_else(|| {
            Error::Provider(format!(
                "{}{} answered the pushed authorization request without a request_uri: check endpoints of the service",
                crate::http::origin(endpoint),
                endpoint.path()
            ))
        })?;
    let mut browser = req.authorization_url.clone();
    browser
        .query_pairs_mut()
        .append_pair("client_id", &req.client.client_id)
        .append_pair("request_uri", &request_uri);
    Ok(browser)
}

/// RFC 9207: the redirect's `iss` must be the provider's issuer when present, and be
/// present when the provider always sends it. Without a known issuer (endpoints
/// configured by hand) there is nothing to compare with.
pub fn check_iss(got: Option<&str>, issuer: Option<&str>, required: bool) -> Result<()> {
    let Some(expected) = issuer else {
        return Ok(());
    };
    match got {
        Some(got) if crate::discovery::same_issuer(got, expected) => Ok(()),
        Some(got) => Err(Error::IssuerMismatch {
            expected: expected.to_owned(),
            got: Some(crate::flows::token_endpoint::clean_text(got)),
        }),
        None if required => Err(Error::IssuerMismatch {
            expected: expected.to_owned(),
            got: None,
        }),
        None => Ok(()),
    }
}

/// The ID token must carry the nonce this login sent (it binds the token to the login).
fn check_nonce(id_token: &str, expected: &str) -> Result<()> {
    let claims = decode_jwt_claims(id_token)
        .ok_or_else(|| Error::Provider("the provider's ID token is not a readable JWT".into()))?;
    match claims.0.get("nonce").and_then(|n| n.as_str()) {
        Some(n) if n == expected => Ok(()),
        _ => Err(Error::Provider(
            "the ID token does not carry the nonce of this login (a replayed or foreign token): log in again".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirects_iss_must_be_the_issuer() {
        let issuer = Some("https://id.test");
        assert!(check_iss(Some("https://id.test"), issuer, true).is_ok());
        assert!(check_iss(Some("https://id.test/"), issuer, true).is_ok());
        // Another issuer: refused whether or not the provider advertises RFC 9207.
        for required in [true, false] {
            let err = check_iss(Some("https://evil.test"), issuer, required).expect_err("mix-up");
            assert!(matches!(err, Error::IssuerMismatch { .. }), "{err:?}");
            let text = err.to_string();
            assert!(
                text.contains("https://evil.test") && text.contains("https://id.test"),
                "{text}"
            );
            assert!(text.contains("mix-up"), "{text}");
            assert_eq!(err.kind(), crate::error::ErrorKind::Provider);
        }
        // Missing: refused only when the provider says it always sends it.
        let err = check_iss(None, issuer, true).expect_err("missing");
        assert!(err.to_string().contains("no `iss`"), "{err}");
        assert!(check_iss(None, issuer, false).is_ok());
        // No issuer known (explicit endpoints): nothing to compare.
        assert!(check_iss(Some("https://evil.test"), None, true).is_ok());
    }
}
