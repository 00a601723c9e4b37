//! Device authorization grant (RFC 8628): the user enters a short code on another
//! device while Authdeck polls the token endpoint.
//!
//! Polling honours `interval` (default 5 s), adds 5 s on `slow_down`, keeps going on
//! `authorization_pending` and stops on `access_denied`, `expired_token`, the code's own
//! expiry or cancellation. The loop itself ([`poll`]) is shared with device-style flows
//! of the seed services that are not RFC 8628.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use oauth2::StandardDeviceAuthorizationResponse;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::client_credentials::{push_extra, push_scope};
use super::error_code::ErrorCode;
use super::refusal::{self, Grant};
use super::token_endpoint::{self, Placement, TokenError};
use super::{sleep_or_cancel, ClientIdentity, FlowContext, LoginEvent, LoginObserver};
use crate::error::{Error, Result};
use crate::token::TokenSet;

/// What one poll of a device flow found.
#[derive(Debug)]
pub enum PollStep<T> {
    Done(T),
    /// Not approved yet: poll again after the interval.
    Pending,
    /// Polling too fast: add 5 s to the interval.
    SlowDown,
    /// Back off for this long, then continue (e.g. an HTTP 429).
    BackOff(Duration),
    /// A transient failure (network): retried a few times, then reported.
    Transient(Error),
    Failed(Error),
}

/// How many transient failures in a row end the polling.
const MAX_TRANSIENT: u32 = 3;

/// Polls `step` every `interval` until it finishes, the deadline passes or `cancel` fires.
pub async fn poll<T, F, Fut>(
    mut interval: Duration,
    expires_in: Duration,
    cancel: &CancellationToken,
    mut step: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = PollStep<T>>,
{
    let deadline = tokio::time::Instant::now() + expires_in;
    let mut transient = 0;
    let mut wait = interval;
    loop {
        if tokio::time::Instant::now() + wait > deadline {
            return Err(expired());
        }
        sleep_or_cancel(wait, cancel).await?;
        wait = interval;
        match step().await {
            PollStep::Done(t) => return Ok(t),
            PollStep::Pending => transient = 0,
            PollStep::SlowDown => {
                interval += Duration::from_secs(5);
                wait = interval;
            }
            PollStep::BackOff(d) => wait = d.max(interval),
            PollStep::Transient(e) => {
                transient += 1;
                if transient >= MAX_TRANSIENT {
                    return Err(e);
                }
                tracing::debug!("device flow poll failed ({e}); retrying");
                wait = interval * 2u32.pow(transient);
            }
            PollStep::Failed(e) => return Err(e),
        }
    }
}

fn expired() -> Error {
    Error::TimedOut("the device code expired before it was approved: run the login again and enter the code sooner".into())
}

/// The endpoints and settings of one device login.
#[derive(Debug)]
pub struct DeviceLogin<'a> {
    pub device_authorization_url: &'a Url,
    pub token_url: &'a Url,
    pub client: &'a ClientIdentity,
    pub scopes: &'a [String],
    /// Extra parameters of the device authorization request (`audience`, …).
    pub authorize_params: &'a BTreeMap<String, String>,
    pub token_params: &'a BTreeMap<String, String>,
}

/// Runs the whole device flow: asks for a code, reports it, polls until done.
pub async fn login(
    ctx: &FlowContext,
    req: &DeviceLogin<'_>,
    observer: &dyn LoginObserver,
    cancel: &CancellationToken,
) -> Result<TokenSet> {
    let mut params = Vec::new();
    push_scope(&mut params, req.scopes);
    push_extra(&mut params, req.authorize_params);
    let resp = token_endpoint::send(
        &ctx.http,
        req.device_authorization_url,
        req.client.creds(),
        &params,
        Placement::Form,
    )
    .await?;
    if !resp.is_success() {
        return Err(
            token_endpoint::error_from(req.device_authorization_url, &resp)
                .into_error(Grant::Other, "to start the device login"),
        );
    }
    let details: StandardDeviceAuthorizationResponse = serde_json::from_slice(&resp.body)
        .map_err(|e| {
            Error::Provider(format!(
                "the device authorization response is not valid ({}); check endpoints.device_authorization",
                e.to_string().split(" at line").next().unwrap_or_default()
            ))
        })?;
    observer.on_event(LoginEvent::DeviceCode {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().clone()),
        expires_in: details.expires_in().as_secs(),
    });

    let mut token_params = vec![
        (
            "grant_type".to_owned(),
            "urn:ietf:params:oauth:grant-type:device_code".to_owned(),
        ),
        (
            "device_code".to_owned(),
            details.device_code().secret().clone(),
        ),
    ];
    push_extra(&mut token_params, req.token_params);
    let interval = details.interval().max(Duration::from_secs(1));
    let expires_in = details.expires_in().min(Duration::from_secs(3600));
    let resp = poll(interval, expires_in, cancel, || async {
        let result = token_endpoint::request(
            &ctx.http,
            req.token_url,
            req.client.creds(),
            &token_params,
            Placement::Form,
        )
        .await;
        classify(result)
    })
    .await?;
    Ok(TokenSet::from_response(resp, ctx.clock.now(), req.scopes))
}

fn classify<T>(result: Result<T, TokenError>) -> PollStep<T> {
    match result {
        Ok(t) => PollStep::Done(t),
        Err(TokenError::OAuth(o)) => match o.code {
            ErrorCode::AuthorizationPending => PollStep::Pending,
            ErrorCode::SlowDown => PollStep::SlowDown,
            ErrorCode::ExpiredToken => PollStep::Failed(expired()),
            _ => PollStep::Failed(refusal::to_error(Grant::DevicePoll, &o, "the device login")),
        },
        Err(TokenError::Other(e @ Error::Network(_))) => PollStep::Transient(e),
        Err(TokenError::Other(e)) => PollStep::Failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn slow_down_adds_five_seconds_and_pending_keeps_polling() {
        let calls = AtomicU32::new(0);
        let start = tokio::time::Instant::now();
        let result = poll(
            Duration::from_secs(5),
            Duration::from_secs(600),
            &CancellationToken::new(),
            || {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    match n {
                        0 => PollStep::Pending,
                        1 => PollStep::SlowDown,
                        2 => PollStep::Pending,
                        _ => PollStep::Done(n),
                    }
                }
            },
        )
        .await
        .expect("done");
        assert_eq!(result, 3);
        // 5 + 5 + 10 + 10 seconds.
        assert_eq!(start.elapsed().as_secs(), 30);
    }

    #[tokio::test(start_paused = true)]
    async fn expiry_and_cancel() {
        let err = poll::<(), _, _>(
            Duration::from_secs(5),
            Duration::from_secs(12),
            &CancellationToken::new(),
            || async { PollStep::Pending },
        )
        .await
        .expect_err("expires");
        assert!(matches!(err, Error::TimedOut(_)), "{err}");

        let cancel = CancellationToken::new();
        cancel.cancel();
        let err = poll::<(), _, _>(
            Duration::from_secs(5),
            Duration::from_secs(60),
            &cancel,
            || async { PollStep::Pending },
        )
        .await
        .expect_err("cancelled");
        assert!(matches!(err, Error::Cancelled));
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_then_reported() {
        let calls = AtomicU32::new(0);
        let err = poll::<(), _, _>(
            Duration::from_secs(1),
            Duration::from_secs(600),
            &CancellationToken::new(),
            || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { PollStep::Transient(Error::Network("down".into())) }
            },
        )
        .await
        .expect_err("fails");
        assert!(matches!(err, Error::Network(_)));
        assert_eq!(calls.load(Ordering::SeqCst), MAX_TRANSIENT);
    }

    #[test]
    fn oauth_codes_map_to_steps() {
        let oauth = |code: &str| {
            Err::<(), _>(TokenError::OAuth(token_endpoint::OAuthError {
                status: 400,
                code: ErrorCode::parse(code),
                description: None,
            }))
        };
        assert!(matches!(
            classify(oauth("authorization_pending")),
            PollStep::Pending
        ));
        assert!(matches!(classify(oauth("slow_down")), PollStep::SlowDown));
        assert!(matches!(
            classify(oauth("access_denied")),
            PollStep::Failed(Error::Refused {
                refusal: crate::Refusal::ConsentDenied,
                ..
            })
        ));
        assert!(matches!(
            classify(oauth("expired_token")),
            PollStep::Failed(Error::TimedOut(_))
        ));
    }
}
