//! Demo mode's stand-in in a build without the `demo` cargo feature (the release
//! packages): the same items as `demo.rs`, without demo-idp linked in. `--demo` and
//! `demo-server` fail with a usage error (exit 2) that says so and how to get a build
//! with demo mode.

use std::time::Duration;

use authdeck_core::{Broker, Error, Result};

/// `demo-server --port`'s default, as in demo mode (the command fails either way).
pub const DEFAULT_PORT: u16 = 47080;

/// `demo-server --lifetime`'s default, as in demo mode.
pub const SERVER_LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// The error of `--demo` and `demo-server` in this build.
fn unavailable() -> Error {
    Error::Config(
        "this build has no demo mode (it was built without the `demo` feature): \
         scripts/run.sh builds one with it, or `cargo install --path crates/authdeck-cli --features demo`"
            .to_owned(),
    )
}

/// `--demo`: fails, see [`unavailable`].
pub async fn broker() -> Result<Broker> {
    Err(unavailable())
}

/// `demo-server`: fails, see [`unavailable`].
pub async fn serve(
    _port: u16,
    _auto_approve: bool,
    _access_ttl: Option<u64>,
    _lifetime: Duration,
) -> Result<()> {
    Err(unavailable())
}

#[cfg(test)]
mod tests {
    use authdeck_core::ErrorKind;

    #[test]
    fn demo_mode_fails_as_a_usage_error_that_names_the_feature() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        for result in [
            rt.block_on(super::broker()).map(|_| ()),
            rt.block_on(super::serve(0, false, None, super::SERVER_LIFETIME)),
        ] {
            let e = result.expect_err("no demo mode in this build");
            assert_eq!(e.kind(), ErrorKind::Config);
            assert_eq!(e.kind().exit_code(), 2);
            assert!(e.to_string().contains("no demo mode"), "{e}");
            assert!(e.to_string().contains("--features demo"), "{e}");
        }
    }
}
