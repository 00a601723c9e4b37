//! Authorization code grant with PKCE (S256) in the system browser, redirected to a
//! loopback listener (RFC 8252). `state` is always sent and checked, and a `nonce` is
//! sent (and compared with the ID token's) whenever `openid` is requested.

use std::collections::BTreeMap;

use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::client_credentials::push_extra;
use super::refusal::Grant;
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

    let url = url.to_string();
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
    let (code, responder) = callback.into_parts();

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
