//! Authdeck's token engine: everything that is not UI.
//!
//! - [`config`]: services and accounts in `services.toml`.
//! - [`discovery`]: provider metadata (OpenID Connect Discovery, RFC 8414).
//! - [`flows`]: one module per OAuth grant, over one token-endpoint client.
//! - [`loopback`]: the redirect listener of browser logins.
//! - [`token`]: `TokenSet`, expiry, JWT claims for display.
//! - [`format`]: a token written out for use (raw, bearer, its header line, curl).
//! - [`client_key`]: the private keys of `private_key_jwt` and the signing of client
//!   assertions (`private_key_jwt`, `client_secret_jwt`).
//! - [`vault`]: the OS keyring, the only place secrets are stored.
//! - [`state`]: per-account expiry and status (never a token).
//! - [`relogin`]: when an account must log in again (the fronts warn ahead of it).
//! - [`activity`]: what happened to each account (logins, refreshes, hand-outs,
//!   failures), bounded and rotated (never a token).
//! - [`broker`]: a valid token for an account — cached, refreshed, re-fetched, or
//!   "login required" — plus login, logout and service administration.
//! - [`openapi`]: import services from OpenAPI / Swagger documents; paste hints.
//! - `agent` (Unix): the token agent on a user-only socket, and the CLI's client of it.
//! - [`proxy`]: the injecting loopback reverse proxy (`authdeck proxy`), its docs page.
//! - [`ids`]: service ids and account names (a leaf every layer uses).
//! - [`error`]: the one error type, its [`Refusal`] types (credentials refused) and
//!   [`Hint`]s (what to do, worded by each front end).
//! - [`paths`], [`http`], [`secret`]: the plumbing; [`panic_report`]: a panic
//!   hook that never prints the panic's message (it could hold a secret).

pub mod activity;
#[cfg(unix)]
pub mod agent;
pub mod broker;
pub mod client_key;
pub mod config;
pub mod discovery;
pub mod dpop;
pub mod error;
pub mod flows;
pub mod format;
pub mod hint;
pub mod http;
pub mod ids;
pub mod loopback;
pub mod openapi;
pub mod panic_report;
pub mod paths;
pub mod proxy;
pub mod relogin;
pub mod secret;
pub mod state;
pub mod token;
pub mod vault;

pub use broker::Broker;
pub use error::{Error, ErrorKind, Refusal, Result};
pub use hint::Hint;
pub use secret::{
    AccessToken, AppToken, AuthCode, ClientKey, ClientSecret, IdToken, Password, RefreshToken,
};
