//! The closed sets of words the webview and the shell exchange (flows, client
//! authentication, what an import still needs, …), as Rust enums whose TypeScript unions
//! ts-rs generates into `ui/src/bindings/types.ts`.
//!
//! Where core has the enum, the one here is its mirror: core has no ts-rs (it does not
//! know about the UI, ARCHITECTURE-GUIDE convention 1), so [`mirror!`] declares the
//! shell's twin with `From` conversions both ways. Each conversion is an exhaustive
//! `match`, so a variant added to core does not compile until it is mirrored, and the
//! tests below check that every mirrored variant is written on the wire exactly as core
//! writes it (`services.toml`, the CLI, serde).

use authdeck_core::activity::{ActivityKind as CoreActivityKind, HandOut as CoreHandOut};
use authdeck_core::config::{ClientAuth as CoreClientAuth, Flow as CoreFlow};
use authdeck_core::openapi::{Need as CoreNeed, PasteHint};
use authdeck_core::relogin::DeadlineCause as CoreDeadlineCause;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares the shell's twin of a fieldless core enum, with `From` both ways and `ALL`.
macro_rules! mirror {
    (
        $(#[$meta:meta])*
        pub enum $name:ident mirrors $core:ident { $($(#[$vmeta:meta])* $variant:ident,)* }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        $(#[$meta])*
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            /// Every variant, in declaration order.
            #[cfg(test)]
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
        }

        impl From<$core> for $name {
            fn from(c: $core) -> Self {
                match c { $($core::$variant => $name::$variant,)* }
            }
        }

        impl From<$name> for $core {
            fn from(d: $name) -> Self {
                match d { $($name::$variant => $core::$variant,)* }
            }
        }
    };
}

mirror! {
    /// The grant a service logs in with (`flow` in `services.toml`): four OAuth grants, and
    /// the two whose "login" is pasting a token or an API key.
    #[serde(rename_all = "kebab-case")]
    pub enum Flow mirrors CoreFlow {
        AuthCode,
        Device,
        ClientCredentials,
        Password,
        Bearer,
        ApiKey,
    }
}

mirror! {
    /// How the OAuth client authenticates to the token endpoint.
    #[serde(rename_all = "snake_case")]
    pub enum ClientAuth mirrors CoreClientAuth {
        None,
        ClientSecretBasic,
        ClientSecretPost,
        ClientSecretJwt,
        PrivateKeyJwt,
    }
}

mirror! {
    /// What the user must supply to create a service proposed from an OpenAPI document.
    #[serde(rename_all = "snake_case")]
    pub enum Need mirrors CoreNeed {
        ClientId,
        ClientIdIfRequired,
        ClientSecret,
        ClientSecretIfConfidential,
        Username,
        Password,
        Token,
        ApiKey,
        TokenUrl,
        ClientKey,
    }
}

mirror! {
    /// What happened to an account (an event of its activity).
    #[serde(rename_all = "snake_case")]
    pub enum ActivityKind mirrors CoreActivityKind {
        Login,
        Paste,
        Refresh,
        Refetch,
        HandOut,
        Logout,
        Exchange,
        Introspect,
        RevokeAccess,
        RevokeRefresh,
        AppToken,
    }
}

mirror! {
    /// Who a token was handed to.
    #[serde(rename_all = "snake_case")]
    pub enum HandOut mirrors CoreHandOut {
        Cli,
        Agent,
        Copy,
        Exec,
        Git,
        Kube,
        Reveal,
    }
}

mirror! {
    /// What ends when an account must log in again.
    #[serde(rename_all = "snake_case")]
    pub enum DeadlineCause mirrors CoreDeadlineCause {
        AccessToken,
        RefreshToken,
    }
}

/// Which box of the docs' Swagger "Authorize" dialog the token goes into (core's
/// `PasteHint` without its data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PasteHintKind {
    RawToken,
    BearerPrefix,
    AsIs,
    CannotPaste,
    Unknown,
}

impl From<&PasteHint> for PasteHintKind {
    fn from(h: &PasteHint) -> Self {
        match h {
            PasteHint::RawToken { .. } => PasteHintKind::RawToken,
            PasteHint::BearerPrefix { .. } => PasteHintKind::BearerPrefix,
            PasteHint::AsIs { .. } => PasteHintKind::AsIs,
            PasteHint::CannotPaste { .. } => PasteHintKind::CannotPaste,
            PasteHint::Unknown => PasteHintKind::Unknown,
        }
    }
}

/// The kind of a stored token. Providers name theirs in `token_type` (RFC 6749 §7.1,
/// compared without regard to case); a pasted API key is stored as `ApiKey`. A type
/// Authdeck does not know is `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    Bearer,
    ApiKey,
    /// A DPoP-bound access token (RFC 9449): useless without a proof per request.
    Dpop,
    Other,
}

impl From<&str> for TokenType {
    fn from(s: &str) -> Self {
        if s.eq_ignore_ascii_case("bearer") {
            TokenType::Bearer
        } else if s.eq_ignore_ascii_case("apikey") {
            TokenType::ApiKey
        } else if authdeck_core::format::is_dpop(s) {
            TokenType::Dpop
        } else {
            TokenType::Other
        }
    }
}

/// One paste hint of each kind, in declaration order (for tests).
#[cfg(test)]
pub(super) fn sample_paste_hints() -> [PasteHint; 5] {
    use authdeck_core::config::KeyLocation;
    let scheme = Some("s".to_owned());
    [
        PasteHint::RawToken {
            scheme: scheme.clone(),
        },
        PasteHint::BearerPrefix {
            scheme: scheme.clone(),
        },
        PasteHint::AsIs {
            scheme: scheme.clone(),
            param: "X-Key".into(),
            location: KeyLocation::Header,
        },
        PasteHint::CannotPaste { scheme },
        PasteHint::Unknown,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire<T: Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    #[test]
    fn every_flow_is_written_as_core_writes_it() {
        assert_eq!(Flow::ALL.len(), CoreFlow::ALL.len());
        for core in CoreFlow::ALL {
            let mirror = Flow::from(core);
            assert_eq!(wire(mirror), core.as_str());
            assert_eq!(CoreFlow::from(mirror), core);
            let back: Flow =
                serde_json::from_str(&format!("\"{}\"", core.as_str())).expect("a flow");
            assert_eq!(back, mirror);
        }
    }

    #[test]
    fn every_client_auth_is_written_as_core_writes_it() {
        for &mirror in ClientAuth::ALL {
            let core = CoreClientAuth::from(mirror);
            assert_eq!(wire(mirror), core.as_str());
            assert_eq!(core.as_str().parse::<CoreClientAuth>(), Ok(core));
            assert_eq!(ClientAuth::from(core), mirror);
        }
    }

    #[test]
    fn every_need_is_written_as_core_writes_it() {
        for &mirror in Need::ALL {
            let core = CoreNeed::from(mirror);
            assert_eq!(wire(mirror), wire(core));
            assert_eq!(Need::from(core), mirror);
        }
    }

    #[test]
    fn activity_words_are_written_as_core_writes_them() {
        assert_eq!(ActivityKind::ALL.len(), CoreActivityKind::ALL.len());
        for core in CoreActivityKind::ALL {
            assert_eq!(wire(ActivityKind::from(core)), core.as_str());
            assert_eq!(CoreActivityKind::from(ActivityKind::from(core)), core);
        }
        assert_eq!(HandOut::ALL.len(), CoreHandOut::ALL.len());
        for core in CoreHandOut::ALL {
            assert_eq!(wire(HandOut::from(core)), core.as_str());
            assert_eq!(CoreHandOut::from(HandOut::from(core)), core);
        }
    }

    #[test]
    fn deadline_causes_are_written_as_core_writes_them() {
        assert_eq!(DeadlineCause::ALL.len(), CoreDeadlineCause::ALL.len());
        for core in CoreDeadlineCause::ALL {
            assert_eq!(wire(DeadlineCause::from(core)), core.as_str());
            assert_eq!(CoreDeadlineCause::from(DeadlineCause::from(core)), core);
        }
    }

    #[test]
    fn paste_hint_kinds_are_core_tags() {
        for hint in &super::sample_paste_hints() {
            let value = serde_json::to_value(hint).expect("a hint serialises");
            let tag = value["kind"].as_str().expect("a kind tag").to_owned();
            assert_eq!(wire(PasteHintKind::from(hint)), tag);
        }
    }

    #[test]
    fn token_types_ignore_case() {
        assert_eq!(TokenType::from("Bearer"), TokenType::Bearer);
        assert_eq!(TokenType::from("bearer"), TokenType::Bearer);
        assert_eq!(TokenType::from("ApiKey"), TokenType::ApiKey);
        assert_eq!(TokenType::from("DPoP"), TokenType::Dpop);
        assert_eq!(TokenType::from("MAC"), TokenType::Other);
    }
}
