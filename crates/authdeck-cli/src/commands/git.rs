//! `authdeck git-credential` (git's credential helper) and `authdeck git setup` (writes
//! that helper into the user's global git config with the real `git config`).
//!
//! The helper answers `get` with a valid token only for a request to a host tied to the
//! service (`protocol.rs`); anything else gets no answer and git asks its next helper.
//! `store` and `erase` read the request and do nothing: tokens live in the keyring.
//! `setup` writes an empty helper before Authdeck's for the host, as git's documented way
//! to drop helpers configured elsewhere (such as `store`, which would otherwise write
//! the token git got from Authdeck into a plaintext file).

mod protocol;

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use authdeck_core::activity::HandOut;
use authdeck_core::config::Config;
use authdeck_core::format::TokenKind;
use authdeck_core::ids::ServiceId;
use authdeck_core::{Broker, Error, Result};

use crate::args::{GitCommand, GitCredentialArgs, GitSetupArgs};
use crate::valid_token::{self, Wanted};

pub use protocol::{is_loopback, Request};

/// `authdeck git-credential ACTION`.
pub fn credential(demo: bool, args: &GitCredentialArgs) -> ExitCode {
    let text = match read_request() {
        Ok(text) => text,
        Err(e) => return super::token::exit_code(Err(e)),
    };
    if args.action != "get" {
        // `store`, `erase` and actions of later gits: nothing to do.
        return ExitCode::SUCCESS;
    }
    match get(demo, args, &text) {
        Ok(Some(answer)) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(answer.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("authdeck: could not write the answer to git: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => super::token::exit_code(Err(e)),
    }
}

/// The request on stdin: up to an empty line, the end, or [`protocol::MAX_REQUEST`].
fn read_request() -> Result<String> {
    let stdin = std::io::stdin();
    let mut reader = stdin.lock().take(protocol::MAX_REQUEST as u64);
    let mut text = String::new();
    loop {
        let mut line = String::new();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| Error::Local(format!("could not read git's request on stdin: {e}")))?;
        if n == 0 || line == "\n" || line == "\r\n" {
            return Ok(text);
        }
        text.push_str(&line);
    }
}

/// The answer to `get`, or `None` when this request is not for us.
fn get(demo: bool, args: &GitCredentialArgs, text: &str) -> Result<Option<String>> {
    let request = Request::parse(text).map_err(Error::Config)?;
    let config = valid_token::load_config(demo)?;
    let Some(service) = service_for(&config, args, &request)? else {
        tracing::debug!("git asked for a host not tied to a service: no answer");
        return Ok(None);
    };
    let wanted = Wanted {
        service: service.clone(),
        account: args.account.clone(),
        min_valid: crate::DEFAULT_MIN_VALID,
    };
    let (tokens, config) =
        valid_token::fetch_all(demo, std::slice::from_ref(&wanted), HandOut::Git)?;
    let Some(token) = tokens.first() else {
        return Ok(None);
    };
    let bearer = TokenKind::of(config.service(&service)?) == TokenKind::Bearer;
    Ok(Some(protocol::answer(
        &request,
        token.access_token.expose(),
        bearer,
        token.expires_at,
    )))
}

/// The service whose token this request may get: `--service` when the request goes to
/// `--host` or its API base URL's host; without `--service`, the one service whose API
/// base URL's host it goes to.
fn service_for(
    config: &Config,
    args: &GitCredentialArgs,
    request: &Request,
) -> Result<Option<ServiceId>> {
    let api_host = |id: &ServiceId| {
        config
            .service(id)
            .ok()
            .and_then(|s| s.api_base.as_ref())
            .and_then(|u| protocol::host_of(u.url()))
    };
    if let Some(id) = &args.service {
        config.service(id)?;
        let allowed: Vec<String> = args.host.iter().cloned().chain(api_host(id)).collect();
        return Ok(request.goes_to(&allowed).then(|| id.clone()));
    }
    let matching: Vec<&ServiceId> = config
        .services
        .keys()
        .filter(|id| api_host(id).is_some_and(|h| request.goes_to(&[h])))
        .collect();
    match matching.as_slice() {
        [one] => Ok(Some((*one).clone())),
        [] => Ok(None),
        several => {
            let names: Vec<&str> = several.iter().map(|id| id.as_str()).collect();
            eprintln!(
                "authdeck: several services have this host in their API base URL ({}): name one with `{}`",
                names.join(", "),
                crate::hints::command("git setup SERVICE --host HOST")
            );
            Ok(None)
        }
    }
}

/// `authdeck git …`.
pub fn run(broker: &Broker, demo: bool, command: GitCommand) -> Result<()> {
    match command {
        GitCommand::Setup(args) => setup(broker, demo, &args),
    }
}

/// Where a `--host` points: the URL scheme and `host[:port]`.
fn parse_host(host: &str) -> Result<(&'static str, String)> {
    let (scheme, rest) = if let Some(rest) = host.strip_prefix("https://") {
        ("https", rest)
    } else if let Some(rest) = host.strip_prefix("http://") {
        ("http", rest)
    } else {
        ("https", host)
    };
    let rest = rest.trim_end_matches('/');
    let plain = |c: char| c.is_ascii_alphanumeric() || "-.:[]".contains(c);
    if rest.is_empty() || !rest.chars().all(plain) {
        return Err(Error::Config(format!(
            "'{host}' is not a host: write it as git.example.org, git.example.org:8443 or https://git.example.org"
        )));
    }
    if scheme == "http" && !is_loopback(rest) {
        return Err(Error::Config(format!(
            "'{host}': a token goes over plain http only to this machine (localhost, 127.0.0.1, [::1]): use https"
        )));
    }
    Ok((scheme, rest.to_ascii_lowercase()))
}

/// The helper command git runs: this installation's `authdeck` by its absolute path.
fn helper_command(
    demo: bool,
    service: &ServiceId,
    account: Option<&str>,
    host: &str,
) -> Result<String> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::Local(format!("cannot find where authdeck is installed: {e}")))?;
    // `authdeck-full` runs this; users (and git) run the `authdeck` front beside it.
    let front = exe.with_file_name(format!("authdeck{}", std::env::consts::EXE_SUFFIX));
    let exe = if front.exists() { front } else { exe };
    let path = exe.to_string_lossy().into_owned();
    let mut line = if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        path
    } else {
        // git runs a helper starting with `!` through the shell, as written.
        format!("!'{}'", path.replace('\'', r"'\''"))
    };
    // In demo mode the helper asks the demo's configuration and keyring namespace.
    let demo = if demo { " --demo" } else { "" };
    line.push_str(&format!("{demo} git-credential --service {service}"));
    if let Some(account) = account {
        line.push_str(&format!(" --account {account}"));
    }
    line.push_str(&format!(" --host {host}"));
    Ok(line)
}

/// Whether a configured helper value is one `setup` wrote for `service`.
fn is_ours(value: &str, service: &ServiceId) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    words.contains(&"git-credential")
        && words
            .windows(2)
            .any(|w| w == ["--service", service.as_str()])
}

/// `authdeck git setup SERVICE --host HOST [--account A] [--remove]`.
fn setup(broker: &Broker, demo: bool, args: &GitSetupArgs) -> Result<()> {
    broker.load_config()?.service(&args.service)?;
    let (scheme, host) = parse_host(&args.host)?;
    let key = format!("credential.{scheme}://{host}.helper");
    let current = git_config(&["--get-all", &key], &[0, 1])?;
    let values: Vec<&str> = current.lines().collect();
    if args.remove {
        let keep: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| !v.is_empty() && !is_ours(v, &args.service))
            .collect();
        if keep.len() == values.len() {
            println!("git has no authdeck helper for {scheme}://{host} (nothing removed)");
            return Ok(());
        }
        git_config(&["--unset-all", &key], &[0])?;
        println!("git config --global --unset-all {key}");
        for value in keep {
            git_config(&["--add", &key, value], &[0])?;
            println!("git config --global --add {key} {}", quoted(value));
        }
        return Ok(());
    }
    let helper = helper_command(
        demo,
        &args.service,
        args.account.as_ref().map(|a| a.as_str()),
        &host,
    )?;
    if values == ["", helper.as_str()] {
        println!(
            "git already takes {}'s token for {scheme}://{host}: {key} = {helper}",
            args.service
        );
        return Ok(());
    }
    if !values.is_empty() {
        git_config(&["--unset-all", &key], &[0])?;
        println!(
            "git config --global --unset-all {key}   (was: {})",
            values.join(", ")
        );
    }
    git_config(&["--add", &key, ""], &[0])?;
    println!(
        "git config --global --add {key} ''   (no other helper answers or stores for this host)"
    );
    git_config(&["--add", &key, &helper], &[0])?;
    println!("git config --global --add {key} {}", quoted(&helper));
    println!(
        "git now takes {}'s token for {scheme}://{host}; undo with `{}`",
        args.service,
        crate::hints::command(&format!(
            "git setup {} --host {} --remove",
            args.service, args.host
        ))
    );
    Ok(())
}

/// A value as a shell would need it quoted.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// Runs `git config --global ARGS…`; its stdout, when it exits with one of `ok` codes.
fn git_config(args: &[&str], ok: &[i32]) -> Result<String> {
    let out = std::process::Command::new("git")
        .arg("config")
        .arg("--global")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            Error::Local(format!(
                "could not run git ({e}): install git, or put it on PATH"
            ))
        })?;
    match out.status.code() {
        Some(code) if ok.contains(&code) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => Err(Error::Local(format!(
            "`git config --global {}` failed ({}): {}",
            args.first().copied().unwrap_or(""),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_for_setup() {
        assert_eq!(
            parse_host("Git.Example.org").expect("host"),
            ("https", "git.example.org".into())
        );
        assert_eq!(
            parse_host("https://h:8443/").expect("url"),
            ("https", "h:8443".into())
        );
        assert_eq!(
            parse_host("http://127.0.0.1:9").expect("loopback"),
            ("http", "127.0.0.1:9".into())
        );
        assert!(parse_host("http://git.example.org").is_err());
        assert!(parse_host("git.example.org/path").is_err());
        assert!(parse_host("").is_err());
        assert!(parse_host("h x").is_err());
    }

    #[test]
    fn recognises_its_own_helpers() {
        let id = ServiceId::parse("nomad").expect("id");
        assert!(is_ours(
            "/usr/bin/authdeck git-credential --service nomad --host h",
            &id
        ));
        assert!(!is_ours(
            "/usr/bin/authdeck git-credential --service nomad2 --host h",
            &id
        ));
        assert!(!is_ours("store", &id));
    }
}
