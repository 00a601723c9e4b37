//! Errors as the UI sees them: `{ kind, message }`. The message is the core error's,
//! which never contains a secret.

use serde::Serialize;
use ts_rs::TS;

/// An error sent to the webview.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorDto {
    /// A stable name the UI can branch on: config, login_required, provider, keyring,
    /// cancelled, local.
    pub kind: String,
    pub message: String,
}

impl From<authdeck_core::Error> for ErrorDto {
    fn from(e: authdeck_core::Error) -> Self {
        ErrorDto {
            kind: e.kind().as_str().to_owned(),
            message: e.to_string(),
        }
    }
}

/// The result type of every command.
pub type CmdResult<T> = Result<T, ErrorDto>;
