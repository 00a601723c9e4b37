//! The one error type of `authdeck-core`.
//!
//! Every message says what happened and what the user can do about it. A message never
//! contains a secret: provider bodies are summarised (OAuth `error`/`error_description`,
//! or the HTTP status and content type), never echoed whole.

use std::path::PathBuf;

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
    #[error("no service '{0}' is configured: `authdeck service list` shows the configured ones")]
    UnknownService(String),
    /// The account has no usable token; the user must log in.
    #[error("{service}/{account}: {reason}: run `authdeck login {service}{account_flag}`")]
    LoginRequired {
        service: String,
        account: String,
        account_flag: String,
        reason: String,
    },
    /// The provider answered with an OAuth error or an unexpected response.
    #[error("{0}")]
    Provider(String),
    /// The user (or the provider on their behalf) refused the authorization.
    #[error("access denied: {0}")]
    AccessDenied(String),
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
    /// An error the token agent reported for a request, with the kind it had there.
    #[error("{message}")]
    Agent { kind: ErrorKind, message: String },
}

impl Error {
    /// The kind of failure, for exit codes and the UI.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::ConfigSyntax { .. } | Error::Config(_) | Error::UnknownService(_) => {
                ErrorKind::Config
            }
            Error::LoginRequired { .. } => ErrorKind::LoginRequired,
            Error::Provider(_)
            | Error::AccessDenied(_)
            | Error::Network(_)
            | Error::TimedOut(_) => ErrorKind::Provider,
            Error::Keyring(_) => ErrorKind::Keyring,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Io { .. } | Error::Local(_) => ErrorKind::Local,
            Error::Agent { kind, .. } => *kind,
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
    pub fn login_required(service: &str, account: &str, reason: impl Into<String>) -> Self {
        let account_flag = if account == crate::ids::DEFAULT_ACCOUNT {
            String::new()
        } else {
            format!(" --account {account}")
        };
        Error::LoginRequired {
            service: service.to_owned(),
            account: account.to_owned(),
            account_flag,
            reason: reason.into(),
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
