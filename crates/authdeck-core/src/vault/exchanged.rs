//! The tokens an account's token was exchanged for (RFC 8693), in one keyring entry
//! `service/account/exchanged`: a small JSON document keyed by the target (audience,
//! resource and scopes, see [`crate::config::ExchangeTarget::cache_key`]), each with its
//! expiry, so a repeated exchange for the same target is answered without the provider.
//! Expired tokens are dropped whenever the entry is written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{SecretKey, SecretKind, SecretStore};
use crate::error::{Error, Result};
use crate::ids::AccountRef;
use crate::secret::{AccessToken, EntryText};

/// The format version written into the entry.
const VERSION: u32 = 1;

/// One exchanged token.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangedToken {
    pub access_token: AccessToken,
    pub token_type: String,
    pub expires_at: Option<i64>,
    pub scopes: Vec<String>,
}

/// An account's exchanged tokens, by target key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExchangedTokens {
    pub tokens: BTreeMap<String, ExchangedToken>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    v: u32,
    #[serde(default)]
    tokens: BTreeMap<String, WireToken>,
}

#[derive(Serialize, Deserialize)]
struct WireToken {
    access_token: String,
    token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    scopes: Vec<String>,
}

impl ExchangedTokens {
    /// Drops the tokens that expired by `now` (a token without an expiry stays).
    pub fn drop_expired(&mut self, now: i64) {
        self.tokens
            .retain(|_, t| crate::token::is_valid(t.expires_at, now, 0));
    }

    fn encode(&self) -> Result<EntryText> {
        let wire = Wire {
            v: VERSION,
            tokens: self
                .tokens
                .iter()
                .map(|(k, t)| {
                    (
                        k.clone(),
                        WireToken {
                            access_token: t.access_token.expose().to_owned(),
                            token_type: t.token_type.clone(),
                            expires_at: t.expires_at,
                            scopes: t.scopes.clone(),
                        },
                    )
                })
                .collect(),
        };
        // The error (which would carry no secret) is reported rather than unwrapped.
        serde_json::to_string(&wire)
            .map(EntryText::new)
            .map_err(|e| Error::Keyring(format!("could not encode the exchanged tokens: {e}")))
    }

    /// Reads the entry's text; an unreadable entry is treated as empty (it only caches
    /// tokens that can be exchanged again), and the next write replaces it.
    fn decode(text: &EntryText, key: &SecretKey) -> Self {
        match serde_json::from_str::<Wire>(text.expose()) {
            Ok(wire) if wire.v == VERSION => ExchangedTokens {
                tokens: wire
                    .tokens
                    .into_iter()
                    .map(|(k, t)| {
                        (
                            k,
                            ExchangedToken {
                                access_token: AccessToken::new(t.access_token),
                                token_type: t.token_type,
                                expires_at: t.expires_at,
                                scopes: t.scopes,
                            },
                        )
                    })
                    .collect(),
            },
            _ => {
                tracing::warn!(
                    "the keyring entry '{}' is not readable; it is replaced at the next exchange",
                    key.user()
                );
                ExchangedTokens::default()
            }
        }
    }
}

fn key(account: &AccountRef) -> SecretKey {
    SecretKey::account(account, SecretKind::Exchanged)
}

/// The account's exchanged tokens (none when the entry is missing or unreadable).
pub(super) fn read(store: &dyn SecretStore, account: &AccountRef) -> Result<ExchangedTokens> {
    let key = key(account);
    Ok(store
        .get(&key)?
        .map(|text| ExchangedTokens::decode(&text, &key))
        .unwrap_or_default())
}

/// Replaces the account's exchanged tokens (deletes the entry when there are none).
pub(super) fn write(
    store: &dyn SecretStore,
    account: &AccountRef,
    tokens: &ExchangedTokens,
) -> Result<()> {
    if tokens.tokens.is_empty() {
        return store.delete(&key(account));
    }
    store.set(&key(account), &tokens.encode()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::aref;
    use crate::vault::MemoryStore;

    fn token(at: &str, expires_at: Option<i64>) -> ExchangedToken {
        ExchangedToken {
            access_token: AccessToken::new(at),
            token_type: "Bearer".into(),
            expires_at,
            scopes: vec!["api:read".into()],
        }
    }

    #[test]
    fn round_trip_drop_expired_and_delete_when_empty() {
        let store = MemoryStore::default();
        let at = aref("s", "a");
        assert!(read(&store, &at).expect("read").tokens.is_empty());
        let mut tokens = ExchangedTokens::default();
        tokens.tokens.insert("k1".into(), token("x-1", Some(100)));
        tokens.tokens.insert("k2".into(), token("x-2", Some(300)));
        tokens.tokens.insert("k3".into(), token("x-3", None));
        write(&store, &at, &tokens).expect("write");
        assert_eq!(read(&store, &at).expect("read"), tokens);

        tokens.drop_expired(200);
        assert_eq!(
            tokens.tokens.keys().collect::<Vec<_>>(),
            vec!["k2", "k3"],
            "the expired one is gone, the one without expiry stays"
        );
        tokens.tokens.clear();
        write(&store, &at, &tokens).expect("write");
        assert!(store.is_empty(), "an empty set deletes the entry");
    }

    #[test]
    fn an_unreadable_entry_is_empty() {
        let store = MemoryStore::default();
        let at = aref("s", "a");
        store
            .set(&key(&at), &EntryText::new("{\"v\":7,\"tokens\":{}}"))
            .expect("set");
        assert!(read(&store, &at).expect("read").tokens.is_empty());
    }
}
