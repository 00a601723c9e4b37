//! Authdeck's token engine: everything that is not UI.
//!
//! - [`config`]: services and accounts in `services.toml`.
//! - [`paths`]: where files live; atomic writes and locks.
//! - [`secret`]: the `Secret<T>` type that keeps tokens out of logs.
//! - [`error`]: the crate's error type and its kinds.

pub mod config;
pub mod error;
pub mod paths;
pub mod secret;

pub use error::{Error, ErrorKind, Result};
pub use secret::Secret;
