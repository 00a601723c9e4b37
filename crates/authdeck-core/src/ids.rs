//! The names every layer uses: service ids and account names, validated, and the
//! account used when none is named. A leaf module: config, state, vault and errors all
//! use it, and it uses none of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The account used when none is named.
pub const DEFAULT_ACCOUNT: &str = "default";

/// Implements `Deserialize` (through `FromStr`) and `Serialize` (through `Display`).
macro_rules! string_serde {
    ($ty:ty) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}
pub(crate) use string_serde;

/// A service id: a slug of lowercase letters, digits, `-` and `_`, at most 64 long.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(String);

impl ServiceId {
    pub fn parse(s: &str) -> Result<Self, String> {
        s.parse()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ServiceId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let ok_char =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        let starts_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if s.is_empty() || s.len() > 64 || !starts_ok || !s.chars().all(ok_char) {
            return Err(format!(
                "'{s}' is not a valid service id: use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit"
            ));
        }
        Ok(ServiceId(s.to_owned()))
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(ServiceId);

impl AsRef<str> for ServiceId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An account name: 1-64 of letters, digits and `._@+-`, not starting with `.`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountName(String);

impl AccountName {
    pub fn parse(s: &str) -> Result<Self, String> {
        s.parse()
    }
    pub fn default_account() -> Self {
        AccountName(DEFAULT_ACCOUNT.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AccountName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || "._@+-".contains(c);
        if s.is_empty() || s.len() > 64 || s.starts_with('.') || !s.chars().all(ok_char) {
            return Err(format!(
                "'{s}' is not a valid account name: use 1-64 letters, digits or '._@+-', not starting with '.'"
            ));
        }
        Ok(AccountName(s.to_owned()))
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(AccountName);

impl AsRef<str> for AccountName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// One account of one service: what the vault, the state files and the broker key an
/// account's tokens, password and app token by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountRef {
    pub service: ServiceId,
    pub account: AccountName,
}

impl AccountRef {
    pub fn new(service: ServiceId, account: AccountName) -> Self {
        AccountRef { service, account }
    }

    /// The service's account `account`, or its default account.
    pub fn or_default(service: &ServiceId, account: Option<&AccountName>) -> Self {
        AccountRef {
            service: service.clone(),
            account: account
                .cloned()
                .unwrap_or_else(AccountName::default_account),
        }
    }
}

/// `service/account`, as messages and keyring entries name an account.
impl fmt::Display for AccountRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.service, self.account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_at_parse_time() {
        assert!(ServiceId::parse("nomad").is_ok());
        let err = ServiceId::parse("No Mad").expect_err("invalid");
        assert!(err.contains("is not a valid service id"), "{err}");
        assert!(AccountName::parse("me@example.org").is_ok());
        assert!(AccountName::parse(".hidden").is_err());
    }

    #[test]
    fn an_account_ref_reads_service_slash_account() {
        let service = ServiceId::parse("nomad").expect("id");
        let r = AccountRef::or_default(&service, None);
        assert_eq!(r.to_string(), "nomad/default");
        let work = AccountName::parse("work").expect("name");
        assert_eq!(
            AccountRef::or_default(&service, Some(&work)).to_string(),
            "nomad/work"
        );
    }
}

/// Ids for unit tests: parsed, panicking on a typo in the test itself.
#[cfg(test)]
pub(crate) mod testing {
    use super::{AccountName, AccountRef, ServiceId};

    pub(crate) fn sid(s: &str) -> ServiceId {
        ServiceId::parse(s).expect("a valid service id in a test")
    }

    pub(crate) fn name(s: &str) -> AccountName {
        AccountName::parse(s).expect("a valid account name in a test")
    }

    pub(crate) fn aref(service: &str, account: &str) -> AccountRef {
        AccountRef::new(sid(service), name(account))
    }
}
