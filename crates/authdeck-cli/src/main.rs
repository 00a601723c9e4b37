//! `authdeck`: valid API tokens for scripts and terminals, without storing credentials
//! in plaintext. See `authdeck --help`.
//!
//! This executable is a small front. Scripts run `authdeck token <service>` over and
//! over, and with an agent running (`authdeck agent`, or the desktop app) most of such a
//! run is the process start itself: loading and relocating a 16 MB executable (HTTP and
//! TLS stacks, D-Bus, the whole command tree) costs more than the agent's answer. So the
//! front, which links only the agent client, answers `authdeck token` itself (the forms
//! in `quick.rs`). For anything else (other commands, other flags, no agent, an error) it
//! replaces itself with `authdeck-full`, the whole command line, installed beside it.
//! `exec` keeps the process, its arguments, environment, terminal and signals, so users
//! see one command.
//! See docs/design.md ("The `authdeck` front").

use std::process::ExitCode;

#[cfg(unix)]
fn main() -> ExitCode {
    if let Some(code) = front::token_from_agent() {
        return code;
    }
    front::exec_full()
}

/// Without Unix sockets there is no agent to ask: the front is the whole command line.
#[cfg(not(unix))]
fn main() -> ExitCode {
    authdeck_cli::main()
}

#[cfg(unix)]
mod front {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, ExitCode};

    use authdeck_cli::quick;
    use authdeck_core::agent::{self, AgentAnswer, Reply, Request};
    use authdeck_core::format;

    /// The executable with the whole command line, in the front's own directory.
    pub const FULL: &str = "authdeck-full";

    /// `authdeck token` answered by a running agent, for the command lines
    /// [`authdeck_cli::quick`] reads: the token printed, or `None` for everything else,
    /// which `authdeck-full` then handles (asking the agent again where that applies, and
    /// saying why the agent could not be used if it could not).
    pub fn token_from_agent() -> Option<ExitCode> {
        let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
        let quick = quick::parse(&args)?;
        // With a log asked for (`AUTHDECK_LOG`), `authdeck-full` answers: it logs.
        if !agent::enabled() || std::env::var_os("AUTHDECK_LOG").is_some() {
            return None;
        }
        let dirs = authdeck_core::paths::Dirs::from_env().ok()?;
        let socket = agent::socket_path(&dirs, &authdeck_core::vault::default_namespace())?;
        let request = Request {
            service: quick.service,
            account: quick.account,
            min_valid: quick.min_valid.max(0),
        };
        let AgentAnswer::Reply(Reply::Token {
            token, token_type, ..
        }) = agent::ask(&socket, &request)
        else {
            return None;
        };
        // An API key's header is named in the service's config: `authdeck-full` reads it.
        let text = format::render_by_type(quick.format, token.expose(), &token_type, None)?.ok()?;
        let mut out = std::io::stdout().lock();
        let written = writeln!(out, "{text}");
        match written.and_then(|()| out.flush()) {
            Ok(()) => Some(ExitCode::SUCCESS),
            Err(e) => {
                eprintln!("authdeck: could not write the token to standard output: {e}");
                Some(ExitCode::FAILURE)
            }
        }
    }

    /// Replaces this process with `authdeck-full`, same arguments (including the name it
    /// was called by, for usage lines) and environment. Returns only if that fails.
    pub fn exec_full() -> ExitCode {
        let full = match std::env::current_exe() {
            Ok(exe) => exe.with_file_name(FULL),
            Err(e) => {
                eprintln!(
                    "authdeck: cannot find where this executable lives ({e}), so cannot \
                     start {FULL}: run {FULL} from the directory authdeck is installed in"
                );
                return ExitCode::FAILURE;
            }
        };
        let mut args = std::env::args_os();
        let arg0 = args.next().unwrap_or_else(|| "authdeck".into());
        let e = Command::new(&full).arg0(arg0).args(args).exec();
        eprintln!(
            "authdeck: cannot start {} ({e}). It is part of authdeck and belongs in the \
             same directory as `authdeck`: install both (see the README, \"Install\").",
            full.display()
        );
        ExitCode::FAILURE
    }
}
