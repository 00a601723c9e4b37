//! Autolab's own device login (see docs/services.md): not RFC 8628, but close.
//!
//! 1. `GET <device_flow_init>?client_id=…` → `device_code`, `user_code`, `verification_uri`.
//! 2. Poll `GET <device_flow_authorize>?client_id=…&device_code=…`: 400
//!    `authorization_pending` → keep polling; 400 `authorization denied by user` → access
//!    denied; 429 → back off and continue (never a failure); 200 `{"code"}` → approved.
//! 3. Exchange the code at the token endpoint (`grant_type=authorization_code`, the client
//!    secret, and `redirect_uri=<base>/device_flow_auth_cb`, exactly).
//!
//! Refresh afterwards is the standard refresh grant (with rotation).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::client_credentials::push_extra;
use super::device::{poll, PollStep};
use super::error_code::ErrorCode;
use super::refusal::{self, Grant};
use super::token_endpoint::{self, clean_text, Placement};
use super::{ClientIdentity, FlowContext, LoginEvent, LoginObserver};
use crate::error::{Error, Result};
use crate::http::HttpResponse;
use crate::token::TokenSet;

/// Autolab rate-limits polling to once per 5 s per client.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// How long Authdeck waits for the approval (Autolab states no expiry).
const PATIENCE: Duration = Duration::from_secs(15 * 60);

/// The endpoints and settings of one Autolab login.
#[derive(Debug)]
pub struct AutolabLogin<'a> {
    pub init_url: &'a Url,
    pub poll_url: &'a Url,
    pub token_url: &'a Url,
    pub redirect_uri: &'a Url,
    pub client: &'a ClientIdentity,
    pub token_params: &'a BTreeMap<String, String>,
    pub placement: Placement,
}

#[derive(Deserialize)]
struct InitResponse {
    device_code: String,
    user_code: String,
    verification_uri: String,
}

#[derive(Deserialize)]
struct CodeResponse {
    code: String,
}

/// Runs the whole Autolab device login.
pub async fn login(
    ctx: &FlowContext,
    req: &AutolabLogin<'_>,
    observer: &dyn LoginObserver,
    cancel: &CancellationToken,
) -> Result<TokenSet> {
    let client_id = req.client.client_id.as_str();
    let mut init = req.init_url.clone();
    init.query_pairs_mut().append_pair("client_id", client_id);
    let resp = get(ctx, &init, "Autolab's device_flow_init").await?;
    let started: InitResponse = match resp.status {
        200 => serde_json::from_slice(&resp.body).map_err(|_| {
            Error::Provider("Autolab's device_flow_init answer is not the expected JSON: check the deployment URL".into())
        })?,
        429 => {
            return Err(Error::Provider(
                "Autolab allows one device login every 30 seconds from this address: wait half a minute and try again".into(),
            ))
        }
        _ => {
            return Err(autolab_error(
                "start the device login",
                Grant::Other,
                req.init_url,
                &resp,
            ))
        }
    };
    observer.on_event(LoginEvent::DeviceCode {
        user_code: started.user_code.clone(),
        verification_uri: started.verification_uri.clone(),
        verification_uri_complete: None,
        expires_in: PATIENCE.as_secs(),
    });

    let mut poll_url = req.poll_url.clone();
    poll_url
        .query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("device_code", &started.device_code);
    let code = poll(POLL_INTERVAL, PATIENCE, cancel, || async {
        match get(ctx, &poll_url, "Autolab's device_flow_authorize").await {
            Ok(resp) => classify(req.poll_url, &resp),
            Err(e @ Error::Network(_)) => PollStep::Transient(e),
            Err(e) => PollStep::Failed(e),
        }
    })
    .await?;

    let mut params = vec![
        ("grant_type".to_owned(), "authorization_code".to_owned()),
        ("code".to_owned(), code),
        ("redirect_uri".to_owned(), req.redirect_uri.to_string()),
    ];
    push_extra(&mut params, req.token_params);
    let resp = token_endpoint::request(
        &ctx.http,
        req.token_url,
        req.client.creds(),
        &params,
        req.placement,
    )
    .await
    .map_err(|e| e.into_error(Grant::AuthorizationCode, "the Autolab code exchange"))?;
    Ok(TokenSet::from_response(resp, ctx.clock.now(), &[]))
}

async fn get(ctx: &FlowContext, url: &Url, what: &str) -> Result<HttpResponse> {
    let req = ctx
        .http
        .request(reqwest::Method::GET, url)
        .header(reqwest::header::ACCEPT, "application/json");
    ctx.http.send(req, what).await
}

/// One poll's answer, as Autolab's device flow controller and rate limiter give it.
fn classify(url: &Url, resp: &HttpResponse) -> PollStep<String> {
    let code = token_endpoint::parse_oauth_error(resp).map(|o| o.code);
    match (resp.status, code) {
        (200, _) => match serde_json::from_slice::<CodeResponse>(&resp.body) {
            Ok(c) if !c.code.is_empty() => PollStep::Done(c.code),
            _ => PollStep::Failed(Error::Provider(
                "Autolab approved the login but sent no code".into(),
            )),
        },
        (429, _) => {
            tracing::info!(
                "Autolab is rate-limiting the polling (HTTP 429); waiting {} s before the next poll",
                (POLL_INTERVAL * 2).as_secs()
            );
            PollStep::BackOff(POLL_INTERVAL * 2)
        }
        (400, Some(ErrorCode::AuthorizationPending)) => PollStep::Pending,
        _ => PollStep::Failed(autolab_error(
            "finish the device login",
            Grant::DevicePoll,
            url,
            resp,
        )),
    }
}

/// A refusal when it is one (the user pressed Deny: `authorization denied by user`),
/// else Autolab's error as it stated it.
fn autolab_error(action: &str, grant: Grant, url: &Url, resp: &HttpResponse) -> Error {
    match token_endpoint::parse_oauth_error(resp) {
        Some(o) if refusal::classify(grant, &o).is_some() => {
            refusal::to_error(grant, &o, "the Autolab device login")
        }
        Some(o) => Error::Provider(format!(
            "Autolab refused to {action}: {} (HTTP {})",
            clean_text(&o.summary()),
            o.status
        )),
        None => token_endpoint::not_oauth(url, resp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some("application/json".into()),
            body: body.as_bytes().to_vec(),
            dpop_nonce: None,
        }
    }

    #[test]
    fn poll_answers() {
        let url = Url::parse("https://autolab.test/oauth/device_flow_authorize").expect("url");
        assert!(matches!(
            classify(&url, &resp(400, r#"{"error":"authorization_pending"}"#)),
            PollStep::Pending
        ));
        assert!(matches!(
            classify(
                &url,
                &resp(429, r#"{"error":"Too Many Requests. Retry Later."}"#)
            ),
            PollStep::BackOff(_)
        ));
        assert!(matches!(
            classify(
                &url,
                &resp(400, r#"{"error":"authorization denied by user"}"#)
            ),
            PollStep::Failed(Error::Refused {
                refusal: crate::Refusal::ConsentDenied,
                ..
            })
        ));
        assert!(
            matches!(classify(&url, &resp(200, r#"{"code":"abc"}"#)), PollStep::Done(c) if c == "abc")
        );
        assert!(matches!(
            classify(&url, &resp(500, "oops")),
            PollStep::Failed(Error::Refused {
                refusal: crate::Refusal::ProviderBroken,
                ..
            })
        ));
    }
}
