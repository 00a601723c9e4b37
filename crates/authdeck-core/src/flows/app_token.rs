//! NOMAD app tokens: a longer-lived token minted with a valid access token
//! (`GET <api>/v1/auth/app_token?expires_in=N`, 0 < N ≤ 30 days). Authdeck keeps it as a
//! token of the account's own, with its own expiry.

use serde::Deserialize;
use url::Url;

use super::token_endpoint::{self, clean_text};
use super::FlowContext;
use crate::error::{Error, Result};
use crate::secret::{self, AccessToken};
use crate::token::decode_jwt_claims;

/// The longest lifetime NOMAD grants an app token: 30 days.
pub const MAX_LIFETIME_SECS: u64 = 2_592_000;

/// A minted app token and its expiry (Unix seconds).
#[derive(Debug, Clone)]
pub struct AppToken {
    pub token: secret::AppToken,
    pub expires_at: i64,
}

#[derive(Deserialize)]
struct Response {
    app_token: String,
}

/// Mints an app token valid for `expires_in` seconds. The range is the server's to
/// judge (NOMAD answers 422 outside 1 s – 30 days); its refusal becomes a clear error.
pub async fn mint(
    ctx: &FlowContext,
    url: &Url,
    access_token: &AccessToken,
    expires_in: u64,
) -> Result<AppToken> {
    let mut target = url.clone();
    target
        .query_pairs_mut()
        .append_pair("expires_in", &expires_in.to_string());
    let req = ctx
        .http
        .request(reqwest::Method::GET, &target)
        .bearer_auth(access_token.expose())
        .header(reqwest::header::ACCEPT, "application/json");
    let started = std::time::Instant::now();
    let sent = ctx.http.send(req, "NOMAD's app token endpoint").await;
    // Noted for the account's activity like a token request (origin and path only).
    crate::activity::note_request(
        url,
        sent.as_ref().ok().map(|r| r.status),
        started.elapsed(),
        None,
    );
    let resp = sent?;
    match resp.status {
        200 => {
            let parsed: Response = serde_json::from_slice(&resp.body).map_err(|_| {
                Error::Provider("NOMAD's app token answer is not the expected JSON".into())
            })?;
            let now = ctx.clock.now();
            let exp = decode_jwt_claims(&parsed.app_token)
                .and_then(|c| c.0.get("exp").and_then(serde_json::Value::as_i64))
                .unwrap_or(now + i64::try_from(expires_in).unwrap_or(i64::MAX));
            Ok(AppToken {
                token: secret::AppToken::new(parsed.app_token),
                expires_at: exp,
            })
        }
        422 => Err(Error::Provider(format!(
            "NOMAD refused an app token lifetime of {expires_in} s ({}): choose a lifetime between 1 second and 30 days",
            validation_message(&resp.body)
        ))),
        401 | 403 => Err(Error::Provider(
            "NOMAD did not accept the access token for minting an app token: log in again".into(),
        )),
        _ => Err(token_endpoint::not_oauth(url, &resp)),
    }
}

/// The `msg` of FastAPI's 422 body, cleaned.
fn validation_message(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("detail")?
                .as_array()?
                .first()?
                .get("msg")?
                .as_str()
                .map(clean_text)
        })
        .unwrap_or_else(|| "validation error".into())
}
