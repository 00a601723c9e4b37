//! Reading what the UI shows: account views and token summaries. Config and state files
//! are read on the blocking pool, never on the async runtime.

use authdeck_core::activity::HandOut;
use authdeck_core::broker::AccountStatus;
use authdeck_core::config::Config;
use authdeck_core::ids::AccountRef;
use authdeck_core::{Broker, Error, Result};

use crate::dto::{
    AccountView, ActivityView, IntrospectionView, ProviderChecksView, RevokeOutcome, TokenChoice,
    TokenSummary,
};
use crate::state::AppState;

async fn status_and_config(broker: &Broker) -> Result<(Vec<AccountStatus>, Config)> {
    let broker = broker.clone();
    tokio::task::spawn_blocking(move || Ok((broker.status()?, broker.load_config()?)))
        .await
        .map_err(|e| Error::Local(format!("the status task failed: {e}")))?
}

/// Every account of every service.
pub async fn accounts(state: &AppState) -> Result<Vec<AccountView>> {
    let (statuses, config) = status_and_config(&state.broker).await?;
    let warn_secs = state.settings().warn_before_login_secs();
    Ok(statuses
        .iter()
        .map(|s| AccountView::new(s, &config, warn_secs))
        .collect())
}

/// One account's view.
pub async fn account(state: &AppState, target: &AccountRef) -> Result<AccountView> {
    accounts(state)
        .await?
        .into_iter()
        .find(|a| a.service == target.service.as_str() && a.account == target.account.as_str())
        .ok_or_else(|| Error::Config(format!("no account {target}")))
}

/// What is known about the account's stored token, without the token.
pub async fn token_summary(state: &AppState, target: &AccountRef) -> Result<Option<TokenSummary>> {
    Ok(state
        .broker
        .stored_tokens(&target.service, Some(&target.account))
        .await?
        .as_ref()
        .map(TokenSummary::from))
}

/// How many events of an account's activity the token panel shows.
const ACTIVITY_SHOWN: usize = 50;

/// The account's latest activity, newest first (read on the blocking pool).
pub async fn activity(state: &AppState, target: &AccountRef) -> Result<Vec<ActivityView>> {
    let (broker, target) = (state.broker.clone(), target.clone());
    let (_, events) = tokio::task::spawn_blocking(move || {
        broker.activity(&target.service, Some(&target.account), ACTIVITY_SHOWN)
    })
    .await
    .map_err(|e| Error::Local(format!("the activity task failed: {e}")))??;
    Ok(events.iter().map(ActivityView::from).collect())
}

/// Mints an app token (NOMAD) and returns the account's new view.
pub async fn create_app_token(
    state: &AppState,
    target: &AccountRef,
    expires_in_secs: u64,
) -> Result<AccountView> {
    state
        .broker
        .app_token(
            &target.service,
            Some(&target.account),
            Some(expires_in_secs),
            0,
        )
        .await?;
    self::account(state, target).await
}

/// Which of introspection and revocation the account's provider offers.
pub async fn provider_checks(state: &AppState, target: &AccountRef) -> Result<ProviderChecksView> {
    Ok(state
        .broker
        .provider_checks(&target.service, Some(&target.account))
        .await?
        .into())
}

/// Asks the provider whether the account's `which` token is active.
pub async fn introspect(
    state: &AppState,
    target: &AccountRef,
    which: TokenChoice,
) -> Result<IntrospectionView> {
    let (_, answer) = state
        .broker
        .introspect(&target.service, Some(&target.account), which.into())
        .await?;
    Ok(answer.into())
}

/// Revokes the account's `which` token alone and returns the account's new view.
pub async fn revoke(
    state: &AppState,
    target: &AccountRef,
    which: TokenChoice,
) -> Result<RevokeOutcome> {
    let report = state
        .broker
        .revoke(&target.service, Some(&target.account), which.into())
        .await?;
    Ok(RevokeOutcome {
        account: self::account(state, target).await?,
        also_revoked: report.also_revoked.map(TokenChoice::from),
    })
}

/// The account's valid access token for the user to see ("Reveal"), recorded as a
/// hand-out: the one way a token reaches the webview.
pub async fn reveal(state: &AppState, target: &AccountRef) -> Result<String> {
    let token = state
        .broker
        .token(&target.service, Some(&target.account), 0)
        .await?;
    state
        .broker
        .record_hand_out(&target.service, Some(&target.account), HandOut::Reveal)
        .await;
    Ok(token.access_token.expose().to_owned())
}
