//! Token exchange (RFC 8693) for an account: its valid access token for a token meant for
//! another audience or resource. The exchanged token is kept in the account's
//! `exchanged` keyring entry, keyed by target (audience, resource, scopes), and handed
//! out again while it is valid; each exchange is one `exchange` activity event. What to
//! exchange for is a named target of the service (`[services.<id>.exchange.<name>]`) or
//! an audience given on the spot ([`Exchange`]).

use super::{existing_account, in_account, Broker, ValidToken, DEFAULT_MIN_VALID};
use crate::activity::ActivityKind;
use crate::config::{ExchangeTarget, Service};
use crate::error::{Error, Result};
use crate::flows;
use crate::ids::{AccountName, ServiceId};
use crate::vault::ExchangedToken;

/// What to exchange an account's token for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// A target the service names (`[services.<id>.exchange.<name>]`), else the audience.
    pub target: String,
    /// Scopes that replace the named target's (none: the target's own).
    pub scopes: Vec<String>,
}

impl Exchange {
    /// The target in full: the service's named one (its scopes replaced when scopes are
    /// given), else `target` taken as the audience.
    pub fn resolve(&self, service: &Service) -> Result<ExchangeTarget> {
        let name = self.target.trim();
        if name.is_empty() {
            return Err(Error::Config(
                "the audience to exchange the token for is empty".into(),
            ));
        }
        let mut target = service
            .exchange
            .get(name)
            .cloned()
            .unwrap_or_else(|| ExchangeTarget {
                audience: Some(name.to_owned()),
                ..ExchangeTarget::default()
            });
        if !self.scopes.is_empty() {
            target.scopes = self.scopes.clone();
        }
        target
            .check()
            .map_err(|m| Error::Config(format!("exchange target '{name}' {m}")))?;
        Ok(target)
    }
}

impl Broker {
    /// A token for `exchange`'s target, exchanged for the valid access token of `account`
    /// of `service_id` (the default one when `None`), valid for `min_valid` more seconds:
    /// the one stored from an earlier exchange for the same target, else a new one.
    pub async fn exchanged_token(
        &self,
        service_id: &ServiceId,
        account: Option<&AccountName>,
        exchange: &Exchange,
        min_valid: i64,
    ) -> Result<ValidToken> {
        let config = self.config.load()?;
        let service = config.service(service_id)?;
        if service.flow.is_pasted() {
            return Err(Error::Config(format!(
                "'{service_id}' takes a pasted token and has no OAuth client to exchange it with"
            )));
        }
        let at = existing_account(service_id, service, account)?;
        let target = exchange.resolve(service)?;
        let key = target.cache_key();
        let now = self.now();
        if let Some(token) = self.store.vault.exchanged(&at).await?.tokens.get(&key) {
            if crate::token::is_valid(token.expires_at, now, min_valid) {
                return Ok(valid(token));
            }
        }
        // The subject: the account's own token, refreshed first if it must be.
        let subject = self
            .token(service_id, Some(&at.account), DEFAULT_MIN_VALID)
            .await?;
        let exchanged = self
            .recorded(&at, ActivityKind::Exchange, async {
                let endpoints = self.endpoints(service_id, service).await?;
                let client = self
                    .client_identity(service_id, service, &endpoints)
                    .await?;
                flows::exchange::exchange(
                    &self.ctx,
                    &endpoints.token,
                    &client,
                    &subject.access_token,
                    &target,
                    service.token_request,
                )
                .await
                .map_err(|e| in_account(e, &at, service))
            })
            .await?;
        let token = ExchangedToken {
            access_token: exchanged.access_token,
            token_type: exchanged.token_type,
            expires_at: exchanged.expires_at,
            scopes: exchanged.scopes,
        };
        // Under the account's lock, so two exchanges for different targets keep both.
        let lock = self.store.lock(&at).await?;
        let mut stored = self.store.vault.exchanged(&at).await?;
        stored.drop_expired(self.now());
        stored.tokens.insert(key, token.clone());
        self.store.vault.set_exchanged(&at, stored).await?;
        drop(lock);
        Ok(valid(&token))
    }
}

fn valid(token: &ExchangedToken) -> ValidToken {
    ValidToken {
        access_token: token.access_token.clone(),
        token_type: token.token_type.clone(),
        expires_at: token.expires_at,
        scopes: token.scopes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_target_is_used_else_the_audience_given() {
        let mut service = Service::default();
        service.exchange.insert(
            "billing".into(),
            ExchangeTarget {
                audience: None,
                resource: Some("https://billing.test".into()),
                scopes: vec!["api:read".into()],
            },
        );
        let named = Exchange {
            target: "billing".into(),
            scopes: vec![],
        };
        let t = named.resolve(&service).expect("named");
        assert_eq!(t.resource.as_deref(), Some("https://billing.test"));
        assert_eq!(t.scopes, vec!["api:read".to_owned()]);
        let narrowed = Exchange {
            target: "billing".into(),
            scopes: vec!["api:write".into()],
        };
        assert_eq!(
            narrowed.resolve(&service).expect("narrowed").scopes,
            vec!["api:write".to_owned()]
        );
        let adhoc = Exchange {
            target: "https://other.test".into(),
            scopes: vec![],
        };
        let t = adhoc.resolve(&service).expect("audience");
        assert_eq!(t.audience.as_deref(), Some("https://other.test"));
        assert_ne!(
            t.cache_key(),
            named.resolve(&service).expect("named").cache_key()
        );
        let blank = Exchange {
            target: " ".into(),
            scopes: vec![],
        };
        assert!(blank.resolve(&service).is_err());
    }
}
