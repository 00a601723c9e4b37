//! The secrets Authdeck handles, one type per kind: [`AccessToken`], [`RefreshToken`],
//! [`IdToken`], [`ClientSecret`], [`ClientKey`], [`DpopKey`], [`Password`], [`AppToken`],
//! [`AuthCode`], and
//! [`EntryText`] (the raw text of a keyring entry, below the vault's typed API).
//!
//! Every one of them has a redacted `Debug`, no `Display` and no `Serialize`, so a token
//! cannot end up in a log line, an error message or a DTO by accident. Reading one takes
//! an explicit `expose()`, which is easy to search for in review. The kinds are distinct
//! types with no conversion between them: a refresh token cannot be passed where a client
//! secret is expected. Each wipes its memory when dropped (`zeroize`).
//!
//! Two kinds cannot be swapped:
//!
//! ```compile_fail
//! use authdeck_core::secret::{ClientSecret, RefreshToken};
//! fn authenticate(_secret: &ClientSecret) {}
//! let refresh = RefreshToken::new("rt");
//! authenticate(&refresh);
//! ```
//!
//! while the right kind is accepted:
//!
//! ```
//! use authdeck_core::secret::{ClientSecret, RefreshToken};
//! fn authenticate(_secret: &ClientSecret) {}
//! let _refresh = RefreshToken::new("rt");
//! authenticate(&ClientSecret::new("cs"));
//! ```
//!
//! An account's DPoP key is not a client key either:
//!
//! ```compile_fail
//! use authdeck_core::secret::{ClientKey, DpopKey};
//! fn sign_assertion(_key: &ClientKey) {}
//! sign_assertion(&DpopKey::new("pem"));
//! ```
//!
//! There is no conversion from one kind to another either:
//!
//! ```compile_fail
//! use authdeck_core::secret::{AccessToken, Password};
//! let password: Password = AccessToken::new("at").into();
//! ```
//!
//! ```
//! use authdeck_core::secret::{AccessToken, Password};
//! let password: Password = Password::new(AccessToken::new("at").expose());
//! assert_eq!(password.expose(), "at");
//! ```
//!
//! A secret cannot be serialised (into a DTO, a file, a log's structured field):
//!
//! ```compile_fail
//! use authdeck_core::secret::AccessToken;
//! let _ = serde_json::to_string(&AccessToken::new("at"));
//! ```
//!
//! while what is not a secret can:
//!
//! ```
//! use authdeck_core::secret::AccessToken;
//! let token = AccessToken::new("at");
//! let _ = serde_json::to_string(&token.expose().len()).unwrap();
//! ```
//!
//! Nor displayed:
//!
//! ```compile_fail
//! use authdeck_core::secret::Password;
//! let _ = format!("{}", Password::new("pw"));
//! ```
//!
//! ```
//! use authdeck_core::secret::Password;
//! let shown = format!("{:?}", Password::new("hunter2"));
//! assert_eq!(shown, "Password(<redacted>)");
//! ```

use std::fmt;

use zeroize::Zeroize;

/// Declares one secret type per kind: a `String` wrapper with `new`, `expose`, a
/// redacted `Debug`, `Clone`/`PartialEq`, zeroing on drop, and nothing else.
macro_rules! secret_kinds {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The secret itself. Every call site is a place where the secret leaves its
            /// box.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// Whether the secret is the empty string.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            /// The value, moved out (for the vault's typed API, which re-wraps it as
            /// another kind only where the keyring entry says what it is). Not every kind
            /// needs it.
            #[allow(dead_code)]
            pub(crate) fn into_exposed(mut self) -> String {
                std::mem::take(&mut self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }
    )+};
}

secret_kinds! {
    /// An access token: what a service's API takes (an API key pasted as a token is one
    /// too).
    AccessToken;
    /// A refresh token: what renews the access token at the token endpoint.
    RefreshToken;
    /// An OpenID Connect ID token.
    IdToken;
    /// A service's client secret (shared by its accounts).
    ClientSecret;
    /// A service's private signing key of `private_key_jwt` (shared by its accounts), as
    /// PEM text: PKCS#8 (EC P-256 or RSA) or PKCS#1 (RSA).
    ClientKey;
    /// An account's private DPoP key (RFC 9449) as PKCS#8 PEM text (EC P-256): the key
    /// the account's tokens are bound to, made at its first DPoP login.
    DpopKey;
    /// An account's password (for the password grant).
    Password;
    /// A long-lived token minted with an access token (NOMAD app tokens).
    AppToken;
    /// An authorization code, from the redirect to the loopback listener.
    AuthCode;
    /// The raw text of a keyring entry; the vault turns it into the kind its key names.
    EntryText;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = AccessToken::new("hunter2-token");
        let shown = format!("{s:?} {:?}", Some(&s));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(
            shown,
            "AccessToken(<redacted>) Some(AccessToken(<redacted>))"
        );
        assert_eq!(s.expose(), "hunter2-token");
    }

    #[test]
    fn a_client_key_is_redacted_too() {
        let k = ClientKey::new("-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----");
        assert_eq!(format!("{k:?}"), "ClientKey(<redacted>)");
        let d = DpopKey::new("-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----");
        assert_eq!(format!("{d:?}"), "DpopKey(<redacted>)");
    }

    #[test]
    fn moving_the_value_out_leaves_nothing_behind() {
        let s = ClientSecret::new("cs");
        assert_eq!(s.into_exposed(), "cs");
    }
}
