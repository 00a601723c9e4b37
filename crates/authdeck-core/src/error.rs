//! The one error type of `authdeck-core`.
//!
//! Every message says what happened and, unless a [`Hint`] carries it, what the user can
//! do about it. A message never names a CLI command (the desktop app shows it too): the
//! next step that needs one is a [`Hint`], which each front end words (see `hint.rs`).
//! A message never contains a secret: provider bodies are summarised (OAuth
//! `error`/`error_description`, or the HTTP status and content type), never echoed whole.
//!
//! A provider's refusal of credentials, consent or a grant is classified once, in
//! `flows/refusal.rs`, into a [`Refusal`]: exit codes and the desktop's messages follow
//! from that type, never from the provider's text.

use std::path::PathBuf;

use crate::hint::Hint;
use crate::ids::AccountRef;

/// What kind of failure this is: the CLI maps it to an exit code, the desktop shell to
/// the `kind` field it sends to the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The configuration or the command line is wrong (exit 2).
    Config,
    /// There is no usable token and no way to get one without the user (exit 3).
    LoginRequired,
    /// The provider answered with an error, or the network failed (exit 4).
    Provider,
    /// The OS keyring is unavailable, locked or failed (exit 5).
    Keyring,
    /// The user or the caller cancelled the operation (exit 130).
    Cancelled,
    /// A local I/O problem (files, sockets, the browser) (exit 1).
    Local,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 6] = [
        ErrorKind::Config,
        ErrorKind::LoginRequired,
        ErrorKind::Provider,
        ErrorKind::Keyring,
        ErrorKind::Cancelled,
        ErrorKind::Local,
    ];

    /// A stable, machine-readable name, as used in `--json` output and by the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::LoginRequired => "login_required",
            ErrorKind::Provider => "provider",
            ErrorKind::Keyring => "keyring",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Local => "local",
        }
    }

    /// The exit code the `authdeck` CLI uses for this kind.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Local => 1,
            ErrorKind::Config => 2,
            ErrorKind::LoginRequired => 3,
            ErrorKind::Provider => 4,
            ErrorKind::Keyring => 5,
            ErrorKind::Cancelled => 130,
        }
    }
}

/// Why a provider refused: the typed set every credential refusal of the seed services
/// falls into (see `flows/refusal.rs` for what each service sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The user name or password was refused (exit 3: the user must store the right one).
    BadUserCredentials,
    /// The client id or client secret was refused (exit 2: the service's settings).
    BadClientCredentials,
    /// The user (or an administrator) did not consent, or denied the login (exit 3).
    ConsentDenied,
    /// The grant (refresh token, authorization code) expired or was revoked (exit 3).
    GrantExpired,
    /// The provider failed on its side (exit 4: try again later).
    ProviderBroken,
    /// The provider wants DPoP-bound tokens (RFC 9449) for this client and the request
    /// carried no proof (exit 2: the service's `dpop` setting).
    DpopRequired,
}

impl Refusal {
    /// Every refusal, in declaration order.
    pub const ALL: [Refusal; 6] = [
        Refusal::BadUserCredentials,
        Refusal::BadClientCredentials,
        Refusal::ConsentDenied,
        Refusal::GrantExpired,
        Refusal::ProviderBroken,
        Refusal::DpopRequired,
    ];

    /// A stable, machine-readable name (`--json` output, the UI's error code).
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::BadUserCredentials => "bad_user_credentials",
            Refusal::BadClientCredentials => "bad_client_credentials",
            Refusal::ConsentDenied => "consent_denied",
            Refusal::GrantExpired => "grant_expired",
            Refusal::ProviderBroken => "provider_broken",
            Refusal::DpopRequired => "dpop_required",
        }
    }

    /// The kind (and so the exit code) of this refusal.
    pub fn kind(self) -> ErrorKind {
        match self {
            Refusal::BadUserCredentials | Refusal::ConsentDenied | Refusal::GrantExpired => {
                ErrorKind::LoginRequired
            }
            Refusal::BadClientCredentials | Refusal::DpopRequired => ErrorKind::Config,
            Refusal::ProviderBroken => ErrorKind::Provider,
        }
    }
}

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `services.toml` could not be parsed or holds an invalid value.
    #[error("{}:{line}:{column}: {message}", path.display())]
    ConfigSyntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A configuration value or a command-line argument is invalid.
    #[error("{0}")]
    Config(String),
    /// No service with this id is configured.
    #[error("no service '{0}' is configured")]
    UnknownService(String),
    /// The account has no usable token; the user must log in (or do what `hint` says).
    #[error("{service}/{account}: {reason}")]
    LoginRequired {
        service: String,
        account: String,
        reason: String,
        hint: Box<Hint>,
    },
    /// The provider answered with an OAuth error or an unexpected response.
    #[error("{0}")]
    Provider(String),
    /// The provider refused credentials, a consent or a grant. `service` and `account`
    /// are filled in by the broker, which also sets the hint.
    #[error("{}", refused_text(service.as_deref(), account.as_deref(), reason))]
    Refused {
        refusal: Refusal,
        service: Option<String>,
        account: Option<String>,
        reason: String,
        hint: Option<Box<Hint>>,
    },
    /// The browser's redirect named another issuer than the service's provider, or none
    /// where the provider always names itself (RFC 9207): possibly a mix-up attack.
    #[error("{}", issuer_text(expected, got.as_deref()))]
    IssuerMismatch {
        expected: String,
        got: Option<String>,
    },
    /// The account's access token is DPoP-bound (RFC 9449): alone it opens nothing, so it
    /// is not handed out as text; each request needs a fresh proof of the account's key.
    #[error("{service}/{account}: the access token is DPoP-bound: it works only with a fresh proof of this account's key for each request, so the token alone is useless and is not handed out")]
    DpopBound { service: String, account: String },
    /// The provider refused to exchange a token (RFC 8693) for `target` (an audience or
    /// resource): the target, the scope or the exchange itself is not allowed.
    #[error("{}", exchange_text(target, code, description.as_deref()))]
    ExchangeRefused {
        target: String,
        code: crate::flows::ErrorCode,
        description: Option<String>,
    },
    /// The network failed before the provider could answer.
    #[error("{0}")]
    Network(String),
    /// Waiting for the user took too long.
    #[error("{0}")]
    TimedOut(String),
    /// The OS keyring failed.
    #[error("{0}")]
    Keyring(String),
    /// The operation was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// A local file or socket operation failed.
    #[error("{message}")]
    Io {
        message: String,
        #[source]
        source: std::io::Error,
    },
    /// Something local other than a file failed (e.g. starting the browser).
    #[error("{0}")]
    Local(String),
    /// An error the token agent reported for a request, with the kind and hint it had
    /// there.
    #[error("{message}")]
    Agent {
        kind: ErrorKind,
        message: String,
        hint: Option<Box<Hint>>,
    },
    /// Another error, with the next step for the user.
    #[error("{error}")]
    Hinted { error: Box<Error>, hint: Hint },
}

fn issuer_text(expected: &str, got: Option<&str>) -> String {
    let what = match got {
        Some(got) => format!("came from the issuer '{got}'"),
        None => "carried no `iss`, which this provider always sends".to_owned(),
    };
    format!(
        "the login was refused: the browser's answer {what}, not from '{expected}' (RFC 9207): another provider may be answering for this one (a mix-up attack); log in again, and check the service's issuer if it happens again"
    )
}

fn exchange_text(
    target: &str,
    code: &crate::flows::ErrorCode,
    description: Option<&str>,
) -> String {
    use crate::flows::ErrorCode as C;
    let answer = match description {
        Some(d) => format!("{code} ({d})"),
        None => code.to_string(),
    };
    let what_to_do = match code {
        C::InvalidTarget => "the provider does not issue tokens for this audience or resource to this client: check the exchange target's audience and resource",
        C::InvalidScope => "ask for fewer scopes: an exchanged token may carry at most the scopes the provider allows for the target",
        C::UnauthorizedClient | C::UnsupportedGrantType => "this client may not exchange tokens at this provider: ask its administrator to allow the token-exchange grant",
        _ => "check the exchange target and the service's client settings",
    };
    format!("the provider refused to exchange the token for '{target}': {answer}; {what_to_do}")
}

fn refused_text(service: Option<&str>, account: Option<&str>, reason: &str) -> String {
    match (service, account) {
        (Some(s), Some(a)) => format!("{s}/{a}: {reason}"),
        (Some(s), None) => format!("{s}: {reason}"),
        _ => reason.to_owned(),
    }
}

impl Error {
    /// The kind of failure, for exit codes and the UI.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::ConfigSyntax { .. }
            | Error::Config(_)
            | Error::UnknownService(_)
            | Error::DpopBound { .. } => ErrorKind::Config,
            Error::LoginRequired { .. } => ErrorKind::LoginRequired,
            Error::Refused { refusal, .. } => refusal.kind(),
            Error::ExchangeRefused { code, .. } => match code {
                crate::flows::ErrorCode::InvalidTarget
                | crate::flows::ErrorCode::InvalidScope
                | crate::flows::ErrorCode::UnauthorizedClient
                | crate::flows::ErrorCode::UnsupportedGrantType => ErrorKind::Config,
                _ => ErrorKind::Provider,
            },
            Error::Provider(_)
            | Error::IssuerMismatch { .. }
            | Error::Network(_)
            | Error::TimedOut(_) => ErrorKind::Provider,
            Error::Keyring(_) => ErrorKind::Keyring,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Io { .. } | Error::Local(_) => ErrorKind::Local,
            Error::Agent { kind, .. } => *kind,
            Error::Hinted { error, .. } => error.kind(),
        }
    }

    /// The refusal this error is, if the provider refused credentials, consent or a
    /// grant.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Error::Refused { refusal, .. } => Some(*refusal),
            Error::Hinted { error, .. } => error.refusal(),
            _ => None,
        }
    }

    /// What the user can do, for the front end to word.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            Error::UnknownService(_) => Some(Hint::ListServices),
            Error::DpopBound { service, account } => Some(Hint::UseDpopProof {
                service: service.clone(),
                account: account.clone(),
            }),
            Error::LoginRequired { hint, .. } => Some(Hint::clone(hint)),
            Error::Refused { hint, .. } | Error::Agent { hint, .. } => hint.as_deref().cloned(),
            Error::Hinted { hint, .. } => Some(hint.clone()),
            _ => None,
        }
    }

    /// The same error with `hint` as its next step.
    pub fn with_hint(self, hint: Hint) -> Self {
        match self {
            Error::LoginRequired {
                service,
                account,
                reason,
                ..
            } => Error::LoginRequired {
                service,
                account,
                reason,
                hint: Box::new(hint),
            },
            Error::Refused {
                refusal,
                service,
                account,
                reason,
                ..
            } => Error::Refused {
                refusal,
                service,
                account,
                reason,
                hint: Some(Box::new(hint)),
            },
            Error::Hinted { error, .. } => Error::Hinted { error, hint },
            other => Error::Hinted {
                error: Box::new(other),
                hint,
            },
        }
    }

    /// A refusal, not yet tied to a service or account.
    pub fn refused(refusal: Refusal, reason: impl Into<String>) -> Self {
        Error::Refused {
            refusal,
            service: None,
            account: None,
            reason: reason.into(),
            hint: None,
        }
    }

    /// An I/O error on `path`, phrased as "could not <action> <path>: <cause>".
    pub fn io(action: &str, path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            message: format!("could not {action} {}: {source}", path.display()),
            source,
        }
    }

    /// "Log in again" for `service`/`account`, with the reason shown to the user.
    pub fn login_required(at: &AccountRef, reason: impl Into<String>) -> Self {
        Error::LoginRequired {
            service: at.service.to_string(),
            account: at.account.to_string(),
            reason: reason.into(),
            hint: Box::new(Hint::LogIn {
                service: at.service.to_string(),
                account: at.account.to_string(),
            }),
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
