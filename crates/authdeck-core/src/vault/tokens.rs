//! An account's tokens in one keyring entry.
//!
//! The access, refresh and ID tokens of an account are kept together, as one small JSON
//! document in the entry `service/account/tokens`, so storing a login or a refresh is one
//! keyring write (gnome-keyring rewrites and syncs its whole file on every write, ~2 ms
//! each here) and one write replaces all three at once: no reader ever sees a new access
//! token beside an old refresh token.
//!
//! Earlier builds kept one entry per token (`…/access_token`, `…/refresh_token`,
//! `…/id_token`). They are still read when the account has no `tokens` entry, and the
//! broker removes them the first time it stores the account's tokens in the new layout
//! (see `AccountState::tokens_in_one_entry`).

use serde::{Deserialize, Serialize};

use super::{SecretKey, SecretKind, SecretStore};
use crate::error::{Error, Result};
use crate::ids::AccountRef;
use crate::secret::{AccessToken, EntryText, IdToken, RefreshToken};

/// The format version written into every entry.
const VERSION: u32 = 1;

/// An account's stored tokens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredTokens {
    pub access_token: Option<AccessToken>,
    pub refresh_token: Option<RefreshToken>,
    pub id_token: Option<IdToken>,
}

impl StoredTokens {
    pub fn is_empty(&self) -> bool {
        self.access_token.is_none() && self.refresh_token.is_none() && self.id_token.is_none()
    }

    /// Puts an entry of an earlier build, of `kind` (one of [`SecretKind::OLD_TOKENS`]),
    /// in its place.
    fn put_old(&mut self, kind: SecretKind, text: EntryText) {
        match kind {
            SecretKind::AccessToken => {
                self.access_token = Some(AccessToken::new(text.into_exposed()))
            }
            SecretKind::RefreshToken => {
                self.refresh_token = Some(RefreshToken::new(text.into_exposed()));
            }
            SecretKind::IdToken => self.id_token = Some(IdToken::new(text.into_exposed())),
            _ => {}
        }
    }

    /// The token of `kind`, as text (tests).
    #[cfg(test)]
    pub(crate) fn text(&self, kind: SecretKind) -> Option<String> {
        match kind {
            SecretKind::AccessToken => self.access_token.as_ref().map(|t| t.expose().to_owned()),
            SecretKind::RefreshToken => self.refresh_token.as_ref().map(|t| t.expose().to_owned()),
            SecretKind::IdToken => self.id_token.as_ref().map(|t| t.expose().to_owned()),
            _ => None,
        }
    }

    fn encode(&self) -> Result<EntryText> {
        #[derive(Serialize)]
        struct Out<'a> {
            v: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            access_token: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            refresh_token: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            id_token: Option<&'a str>,
        }
        let out = Out {
            v: VERSION,
            access_token: self.access_token.as_ref().map(AccessToken::expose),
            refresh_token: self.refresh_token.as_ref().map(RefreshToken::expose),
            id_token: self.id_token.as_ref().map(IdToken::expose),
        };
        // Serialising strings into a string cannot fail; the error (which would carry no
        // secret) is still reported rather than unwrapped.
        serde_json::to_string(&out)
            .map(EntryText::new)
            .map_err(|e| Error::Keyring(format!("could not encode the tokens: {e}")))
    }

    /// Reads an entry's text. The error names the entry, never its content.
    fn decode(text: &EntryText, key: &SecretKey) -> Result<Self> {
        #[derive(Deserialize)]
        struct In {
            v: u32,
            #[serde(default)]
            access_token: Option<String>,
            #[serde(default)]
            refresh_token: Option<String>,
            #[serde(default)]
            id_token: Option<String>,
        }
        let unreadable = |why: &str| {
            Error::Keyring(format!(
                "the keyring entry '{}' ({why}) cannot be read by this Authdeck",
                key.user(),
            ))
            .with_hint(crate::vault::replace_entry_hint(key))
        };
        let parsed: In = serde_json::from_str(text.expose())
            .map_err(|_| unreadable("not the JSON Authdeck writes"))?;
        if parsed.v != VERSION {
            return Err(unreadable(&format!(
                "format version {}, from a newer Authdeck",
                parsed.v
            )));
        }
        Ok(StoredTokens {
            access_token: parsed.access_token.map(AccessToken::new),
            refresh_token: parsed.refresh_token.map(RefreshToken::new),
            id_token: parsed.id_token.map(IdToken::new),
        })
    }
}

fn key(account: &AccountRef, kind: SecretKind) -> SecretKey {
    SecretKey::account(account, kind)
}

/// The account's tokens: its `tokens` entry, else the per-token entries of earlier
/// builds (only the kinds in `wanted`, so a lookup of one token reads one entry).
pub(super) fn read(
    store: &dyn SecretStore,
    account: &AccountRef,
    wanted: &[SecretKind],
) -> Result<StoredTokens> {
    let bundle = key(account, SecretKind::Tokens);
    if let Some(text) = store.get(&bundle)? {
        return StoredTokens::decode(&text, &bundle);
    }
    let mut old = StoredTokens::default();
    for &kind in wanted {
        if SecretKind::OLD_TOKENS.contains(&kind) {
            if let Some(text) = store.get(&key(account, kind))? {
                old.put_old(kind, text);
            }
        }
    }
    Ok(old)
}

/// Stores the account's tokens in its one entry (replacing all three at once). With
/// `remove_old`, the per-token entries of earlier builds are deleted afterwards (if that
/// fails, the new entry is already written and is the one read from now on).
pub(super) fn write(
    store: &dyn SecretStore,
    account: &AccountRef,
    tokens: &StoredTokens,
    remove_old: bool,
) -> Result<()> {
    store.set(&key(account, SecretKind::Tokens), &tokens.encode()?)?;
    if !remove_old {
        return Ok(());
    }
    SecretKind::OLD_TOKENS
        .into_iter()
        .try_for_each(|kind| store.delete(&key(account, kind)))
}

/// Deletes the account's tokens in both layouts, stopping at the first failure.
pub(super) fn delete(store: &dyn SecretStore, account: &AccountRef) -> Result<()> {
    store.delete(&key(account, SecretKind::Tokens))?;
    SecretKind::OLD_TOKENS
        .into_iter()
        .try_for_each(|kind| store.delete(&key(account, kind)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::aref;
    use crate::vault::MemoryStore;

    fn tokens(at: &str, rt: Option<&str>, id: Option<&str>) -> StoredTokens {
        StoredTokens {
            access_token: Some(AccessToken::new(at)),
            refresh_token: rt.map(RefreshToken::new),
            id_token: id.map(IdToken::new),
        }
    }

    #[test]
    fn one_entry_round_trip() {
        let store = MemoryStore::default();
        let t = tokens("at-1", Some("rt\"1\\"), None);
        write(&store, &aref("s", "a"), &t, false).expect("write");
        assert_eq!(store.len(), 1);
        let read_back = read(&store, &aref("s", "a"), &SecretKind::OLD_TOKENS).expect("read");
        assert_eq!(read_back, t);
        let raw = store
            .get(&key(&aref("s", "a"), SecretKind::Tokens))
            .expect("get")
            .expect("entry");
        assert!(raw.expose().starts_with("{\"v\":1,"), "{}", raw.expose());
        assert!(!raw.expose().contains("id_token"), "{}", raw.expose());
    }

    #[test]
    fn earlier_entries_are_read_then_replaced() {
        let store = MemoryStore::default();
        for (kind, value) in [
            (SecretKind::AccessToken, "old-at"),
            (SecretKind::RefreshToken, "old-rt"),
            (SecretKind::IdToken, "old-id"),
        ] {
            store
                .set(&key(&aref("s", "a"), kind), &EntryText::new(value))
                .expect("set");
        }
        let old = read(&store, &aref("s", "a"), &[SecretKind::RefreshToken]).expect("read");
        assert_eq!(old.refresh_token, Some(RefreshToken::new("old-rt")));
        assert_eq!(old.access_token, None, "only the wanted kind is read");
        let all = read(&store, &aref("s", "a"), &SecretKind::OLD_TOKENS).expect("read");
        assert_eq!(all, tokens("old-at", Some("old-rt"), Some("old-id")));

        let new = tokens("new-at", Some("new-rt"), None);
        write(&store, &aref("s", "a"), &new, true).expect("write");
        assert_eq!(store.len(), 1, "the earlier entries are gone");
        assert_eq!(
            read(&store, &aref("s", "a"), &SecretKind::OLD_TOKENS).expect("read"),
            new
        );
        delete(&store, &aref("s", "a")).expect("delete");
        assert!(store.is_empty());
        assert!(read(&store, &aref("s", "a"), &SecretKind::OLD_TOKENS)
            .expect("read")
            .is_empty());
    }

    #[test]
    fn an_unreadable_entry_is_a_clear_error_without_its_content() {
        let store = MemoryStore::default();
        for text in [
            "not json at all secret-xyz",
            "{\"v\":9,\"access_token\":\"secret-xyz\"}",
        ] {
            store
                .set(
                    &key(&aref("s", "a"), SecretKind::Tokens),
                    &EntryText::new(text),
                )
                .expect("set");
            let err =
                read(&store, &aref("s", "a"), &SecretKind::OLD_TOKENS).expect_err("unreadable");
            assert!(err.to_string().contains("s/a/tokens"), "{err}");
            assert!(
                matches!(err.hint(), Some(crate::hint::Hint::LogOutAndIn { .. })),
                "{err:?}"
            );
            assert!(!err.to_string().contains("secret-xyz"), "{err}");
        }
    }
}
