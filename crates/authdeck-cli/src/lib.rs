//! The whole `authdeck` command line: every subcommand, its parsing, output and exit
//! codes. It runs as the `authdeck-full` executable, which the `authdeck` front
//! (`src/main.rs`) replaces itself with for everything it does not answer itself.
//! See `authdeck --help`.

mod args;
mod commands;
#[cfg(feature = "demo")]
mod demo;
// Without the `demo` feature: the same items, failing with "no demo mode" (exit 2).
#[cfg(not(feature = "demo"))]
#[path = "no_demo.rs"]
mod demo;
mod hints;
mod output;
pub mod quick;
mod signals;
mod valid_token;

pub use commands::main;

/// `authdeck token --min-valid`'s default, in seconds: a token with fewer seconds left
/// is refreshed first.
pub const DEFAULT_MIN_VALID: i64 = 60;
