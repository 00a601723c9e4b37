//! `authdeck exec`: runs a command with valid tokens in its environment.
//!
//! Every token is fetched first (a login required ends here, exit 3, before the command
//! starts); then, on Unix, this process is replaced by the command (`execvp`), so its
//! exit status, standard streams, terminal and signals are the command's own and no
//! Authdeck process stays around holding a token. The token travels only in the
//! environment, never in an argument (`ps` shows arguments to every user).
//!
//! What the command inherits: std's `exec` clears the signal mask and restores SIGPIPE
//! (which Rust ignores) to its default; handlers installed by the runtime (none on this
//! path) revert to the default at `exec` by the kernel; a signal the caller ignored stays
//! ignored, as a shell would leave it. Every file Authdeck opens (agent socket, keyring
//! D-Bus connection, runtime descriptors) is close-on-exec: the command gets only the
//! descriptors Authdeck was given.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::process::ExitCode;

use authdeck_core::activity::HandOut;
use authdeck_core::config::Config;
use authdeck_core::format::{self, TokenKind};
use authdeck_core::ids::ServiceId;
use authdeck_core::{Error, Result};

use crate::args::ExecArgs;
use crate::valid_token::{self, Wanted};

/// Exit status when the command is not found (as a POSIX shell's).
const NOT_FOUND: u8 = 127;
/// Exit status when the command is found but cannot be run (as a POSIX shell's).
const NOT_EXECUTABLE: u8 = 126;

/// One service of the run and the variable its token goes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub service: ServiceId,
    pub var: String,
}

/// Fetches the tokens, then replaces this process with the command (returns only on
/// an error).
pub fn run(demo: bool, args: ExecArgs) -> ExitCode {
    match prepare(demo, args) {
        Ok(ready) => replace_with(&ready.command, ready.vars),
        Err(e) => super::token::exit_code(Err(e)),
    }
}

/// A command ready to run: its line and the variables to add to its environment.
struct Ready {
    command: Vec<OsString>,
    vars: Vec<(String, String)>,
}

/// Fetches every token and writes the variables.
fn prepare(demo: bool, args: ExecArgs) -> Result<Ready> {
    let slots = slots(&args)?;
    let min_valid = i64::try_from(args.min_valid).unwrap_or(i64::MAX);
    let wanted: Vec<Wanted> = slots
        .iter()
        .map(|slot| Wanted {
            service: slot.service.clone(),
            account: args.account.clone(),
            min_valid,
        })
        .collect();
    let (tokens, config) = valid_token::fetch_all(demo, &wanted, HandOut::Exec)?;
    let mut vars = Vec::with_capacity(slots.len() * 2);
    for (slot, token) in slots.iter().zip(&tokens) {
        let (value, api_base) = written(&config, &slot.service, args.format, token)?;
        vars.push((slot.var.clone(), value));
        if let Some(api_base) = api_base {
            vars.push((api_base_var(&slot.var), api_base));
        }
    }
    Ok(Ready {
        command: args.command,
        vars,
    })
}

/// The services of the run with their variables: SERVICE (in `--env`'s variable) and
/// each `-s SERVICE[=VAR]`. Two services in one variable (or in one API base variable)
/// are a usage error.
pub fn slots(args: &ExecArgs) -> Result<Vec<Slot>> {
    let mut slots = Vec::new();
    if let Some(service) = &args.service {
        slots.push(Slot {
            service: service.clone(),
            var: args.env.clone(),
        });
    }
    for (service, var) in &args.services {
        slots.push(Slot {
            service: service.clone(),
            var: var.clone().unwrap_or_else(|| default_var(service)),
        });
    }
    let mut seen = BTreeSet::new();
    for slot in &slots {
        for var in [slot.var.clone(), api_base_var(&slot.var)] {
            if !seen.insert(var.clone()) {
                return Err(Error::Config(format!(
                    "two services would set the variable {var}: give each its own with -s SERVICE=VAR"
                )));
            }
        }
    }
    Ok(slots)
}

/// `-s SERVICE`'s variable: the id in capitals, `-` as `_`, then `_TOKEN`.
pub fn default_var(service: &ServiceId) -> String {
    format!(
        "{}_TOKEN",
        service.as_str().to_ascii_uppercase().replace('-', "_")
    )
}

/// The variable of a service's API base URL: the token variable with its `_TOKEN`
/// ending replaced by `_API_BASE`, else with `_API_BASE` appended.
pub fn api_base_var(token_var: &str) -> String {
    match token_var.strip_suffix("_TOKEN") {
        Some(stem) if !stem.is_empty() => format!("{stem}_API_BASE"),
        _ if token_var == "TOKEN" => "API_BASE".to_owned(),
        _ => format!("{token_var}_API_BASE"),
    }
}

/// The token in the asked form, and the service's API base URL if it has one.
fn written(
    config: &Config,
    service_id: &ServiceId,
    format: crate::args::ExecFormat,
    token: &authdeck_core::broker::ValidToken,
) -> Result<(String, Option<String>)> {
    let service = config.service(service_id)?;
    let value = format::render(
        format.written(),
        token.access_token.expose(),
        &TokenKind::of(service),
        None,
    )
    .map_err(|e| {
        Error::Config(format!(
            "'{service_id}': {e}: pass it with --format raw and add it to the URL yourself"
        ))
    })?;
    let api_base = service.api_base.as_ref().map(|u| u.as_str().to_owned());
    Ok((value, api_base))
}

/// Replaces this process with `command` (Unix), with `vars` added to the environment.
#[cfg(unix)]
fn replace_with(command: &[OsString], vars: Vec<(String, String)>) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let Some((program, rest)) = command.split_first() else {
        return super::token::exit_code(Err(Error::Config("no command to run".into())));
    };
    let e = std::process::Command::new(program)
        .args(rest)
        .envs(vars)
        .exec();
    not_started(program, &e)
}

/// Without `exec`: runs `command` as a child and exits with its status.
#[cfg(not(unix))]
fn replace_with(command: &[OsString], vars: Vec<(String, String)>) -> ExitCode {
    let Some((program, rest)) = command.split_first() else {
        return super::token::exit_code(Err(Error::Config("no command to run".into())));
    };
    match std::process::Command::new(program)
        .args(rest)
        .envs(vars)
        .status()
    {
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ),
        Err(e) => not_started(program, &e),
    }
}

/// The shell's message and status for a command that could not be started.
fn not_started(program: &std::ffi::OsStr, e: &std::io::Error) -> ExitCode {
    let name = program.to_string_lossy();
    let path_like = name.contains('/');
    let (what, code) = match e.kind() {
        std::io::ErrorKind::NotFound if path_like => ("No such file or directory", NOT_FOUND),
        std::io::ErrorKind::NotFound => ("command not found", NOT_FOUND),
        std::io::ErrorKind::PermissionDenied => ("Permission denied", NOT_EXECUTABLE),
        _ => {
            eprintln!("authdeck: {name}: cannot run it: {e}");
            return ExitCode::from(NOT_EXECUTABLE);
        }
    };
    eprintln!("authdeck: {name}: {what}");
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn parse(line: &str) -> Result<ExecArgs, String> {
        let cli = Cli::try_parse_from(std::iter::once("authdeck").chain(line.split(' ')))
            .map_err(|e| e.to_string())?;
        match cli.command {
            Command::Exec(args) => Ok(args),
            other => Err(format!("not exec: {other:?}")),
        }
    }

    fn slot(service: &str, var: &str) -> Slot {
        Slot {
            service: ServiceId::parse(service).expect("id"),
            var: var.to_owned(),
        }
    }

    #[test]
    fn services_and_their_variables_from_the_command_line() {
        let args =
            parse("exec nomad -s autolab -s q2=OTHER --env MY_TOKEN --min-valid 10m -- env -0")
                .expect("parse");
        assert_eq!(
            slots(&args).expect("slots"),
            [
                slot("nomad", "MY_TOKEN"),
                slot("autolab", "AUTOLAB_TOKEN"),
                slot("q2", "OTHER")
            ]
        );
        assert_eq!(args.command, ["env", "-0"]);
        assert_eq!(args.min_valid, 600);
        let args = parse("exec nomad -- true").expect("parse");
        assert_eq!(
            slots(&args).expect("slots"),
            [slot("nomad", "AUTHDECK_TOKEN")]
        );
        assert_eq!(args.min_valid, 60);
        // Two services, one variable (or one API base variable): refused.
        for line in [
            "exec -s a -s a=A_TOKEN -- true",
            "exec a --env B_API_BASE -s b=B_TOKEN -- true",
            "exec a -s b=AUTHDECK_TOKEN -- true",
        ] {
            let e = slots(&parse(line).expect(line)).expect_err(line);
            assert_eq!(e.kind().exit_code(), 2, "{line}");
        }
        // Usage errors clap reports: no `--`, no service, --env without SERVICE, a bad name.
        for line in [
            "exec a true",
            "exec -- true",
            "exec a --",
            "exec --env X -s a -- true",
            "exec a --env 1X -- true",
            "exec -s a=B-C -- true",
            "exec a --format curl -- true",
        ] {
            assert!(parse(line).is_err(), "{line}");
        }
    }

    #[test]
    fn api_base_variables_follow_the_token_variables() {
        assert_eq!(api_base_var("AUTHDECK_TOKEN"), "AUTHDECK_API_BASE");
        assert_eq!(api_base_var("NOMAD_TOKEN"), "NOMAD_API_BASE");
        assert_eq!(api_base_var("GITLAB_PAT"), "GITLAB_PAT_API_BASE");
        assert_eq!(api_base_var("TOKEN"), "API_BASE");
        assert_eq!(api_base_var("_TOKEN"), "_TOKEN_API_BASE");
    }

    #[test]
    fn a_service_named_alone_gets_its_id_in_capitals() {
        let id = ServiceId::parse("nomad-legacy").expect("id");
        assert_eq!(default_var(&id), "NOMAD_LEGACY_TOKEN");
    }
}
