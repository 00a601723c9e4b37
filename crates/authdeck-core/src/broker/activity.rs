//! The account's activity as the broker records it: one event per login, pasted token,
//! renewal, hand-out and logout (see `activity.rs` for what an event holds and how the
//! requests are seen). Writing happens off the async runtime, after the operation, and
//! a write that fails is logged, never returned: recording never fails what it records.

use super::{existing_account, Broker};
use crate::activity::{self, ActivityEvent, ActivityKind, HandOut, Observed};
use crate::error::{Error, Result};
use crate::ids::{AccountName, AccountRef, ServiceId};

impl Broker {
    /// Runs a broker `operation` on account `at` and records it as one event of `kind`
    /// (unless the operation said it was another, see [`activity::note_kind`]), with
    /// the last token request it sent. Returns the operation's outcome unchanged.
    pub(super) async fn recorded<T>(
        &self,
        at: &AccountRef,
        kind: ActivityKind,
        operation: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let (outcome, seen) = activity::observe(operation).await;
        self.record(at, kind, seen, outcome.as_ref().map(|_| ()))
            .await;
        outcome
    }

    /// Writes the event of an observed operation.
    pub(super) async fn record(
        &self,
        at: &AccountRef,
        kind: ActivityKind,
        seen: Observed,
        outcome: Result<(), &Error>,
    ) {
        let event = seen.event(self.now(), kind, outcome);
        self.append_activity(at, event).await;
    }

    /// Records that a valid token of the account was handed out `via` a consumer: call it
    /// once per hand-out (a front end that serves many requests with one token records
    /// the token, not every request). `account`: the default one when `None`. Never
    /// fails: a failure is logged.
    pub async fn record_hand_out(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        via: HandOut,
    ) {
        let at = match account {
            Some(name) => AccountRef::new(service_id.clone(), name.clone()),
            None => match self
                .config
                .load()
                .and_then(|c| existing_account(service_id, c.service(service_id)?, None))
            {
                Ok(at) => at,
                Err(e) => {
                    tracing::warn!("{service_id}: the hand-out was not recorded: {e}");
                    return;
                }
            },
        };
        let mut event = ActivityEvent::new(self.now(), ActivityKind::HandOut);
        event.via = Some(via);
        self.append_activity(&at, event).await;
    }

    async fn append_activity(&self, at: &AccountRef, event: ActivityEvent) {
        let (log, account) = (self.activity.clone(), at.clone());
        let written = tokio::task::spawn_blocking(move || log.append(&account, event)).await;
        match written {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("{at}: the activity was not recorded: {e}"),
            Err(e) => tracing::warn!("{at}: the activity task failed: {e}"),
        }
    }

    /// The last `limit` events of `account` of `service_id` (the default account when
    /// `None`), newest first, with the account's name.
    pub fn activity(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        limit: usize,
    ) -> Result<(AccountName, Vec<ActivityEvent>)> {
        let config = self.config.load()?;
        let at = existing_account(service_id, config.service(service_id)?, account)?;
        let events = self.activity.read(&at, limit)?;
        Ok((at.account, events))
    }

    /// Forgets an account's activity (the account is removed).
    pub(super) fn forget_activity(&self, at: &AccountRef) -> Result<()> {
        self.activity.remove(at)
    }

    /// Forgets the activity of a service's accounts (the service is removed).
    pub(super) fn forget_service_activity(&self, service_id: &ServiceId) -> Result<()> {
        self.activity.remove_service(service_id)
    }
}
