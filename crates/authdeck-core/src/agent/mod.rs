//! The token agent: a long-running process that answers `authdeck token` from memory.
//!
//! A keyring read over D-Bus costs tens of milliseconds, far more than a whole
//! `authdeck token` otherwise needs. The agent (`authdeck agent`, or later the desktop
//! app) keeps the tokens it has read in memory and serves them on a Unix socket that only
//! its own user can reach; the CLI asks it first and falls back to the keyring when no
//! agent runs. See docs/design.md ("Why an agent on a Unix socket") for the choice.
//!
//! Security, in layers:
//! - the socket lives in a directory of its own, created `0700` and checked to be owned by
//!   this user (not a symlink), inside `$XDG_RUNTIME_DIR` (itself `0700`); the socket is
//!   `0600`;
//! - the agent reads the peer's uid with `SO_PEERCRED` and answers nothing to another uid;
//! - the client checks the agent's uid the same way before sending a request, so a socket
//!   planted by someone else is never trusted;
//! - tokens never reach a log line; the agent holds them as [`crate::AccessToken`]s.
//!
//! The socket path names the instance it serves (config and state directories, keyring
//! namespace), so a CLI pointed at other directories never gets another instance's token.
//!
//! `protocol.rs` is the pure wire format, `server.rs` the agent, `client.rs` the CLI side
//! (blocking std I/O, no async runtime: it runs before the CLI starts one).

mod client;
mod protocol;
mod server;

use std::path::PathBuf;

use crate::paths::Dirs;

pub use client::{ask, AgentAnswer};
pub use protocol::{Reply, Request, WireHint, MAX_LINE};
pub use server::{serve, Agent};

/// Overrides the socket path (tests, or an agent shared on purpose).
pub const SOCKET_ENV: &str = "AUTHDECK_AGENT_SOCKET";
/// Set to `0` to make the CLI skip the agent (always read the keyring itself).
pub const USE_ENV: &str = "AUTHDECK_AGENT";

/// The socket of the agent serving `dirs` and keyring `namespace`:
/// `$AUTHDECK_AGENT_SOCKET`, else `$XDG_RUNTIME_DIR/authdeck/agent-<hash>.sock` where the
/// hash names the instance. `None` when there is no runtime directory.
pub fn socket_path(dirs: &Dirs, namespace: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(SOCKET_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty())?;
    Some(PathBuf::from(runtime).join("authdeck").join(format!(
        "agent-{:016x}.sock",
        instance_hash(dirs, namespace)
    )))
}

/// Whether the CLI should ask an agent (`AUTHDECK_AGENT=0` turns it off).
pub fn enabled() -> bool {
    std::env::var(USE_ENV).map_or(true, |v| v != "0")
}

/// FNV-1a over the instance's identity: stable across builds, so the desktop app and the
/// CLI (different binaries) agree on the name.
fn instance_hash(dirs: &Dirs, namespace: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [
        dirs.config.as_os_str().as_encoded_bytes(),
        dirs.state.as_os_str().as_encoded_bytes(),
        namespace.as_bytes(),
    ];
    for part in parts {
        for byte in part.iter().chain(std::iter::once(&0u8)) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_get_their_own_socket() {
        let a = Dirs::under(std::path::Path::new("/a"));
        let b = Dirs::under(std::path::Path::new("/b"));
        assert_eq!(instance_hash(&a, "ns"), instance_hash(&a, "ns"));
        assert_ne!(instance_hash(&a, "ns"), instance_hash(&b, "ns"));
        assert_ne!(instance_hash(&a, "ns"), instance_hash(&a, "ns2"));
    }
}
