//! Small helpers for what the CLI prints.

use authdeck_core::config::{Flow, Service, ServiceId};
use authdeck_core::token::{relative_time, rfc3339};

/// Prints one JSON value as a line on stdout.
pub fn json_line(value: &serde_json::Value) {
    println!("{value}");
}

/// "in 42 min (2026-11-25T10:42:00Z)", or "no expiry given".
pub fn expiry(expires_at: Option<i64>, now: i64) -> String {
    match expires_at {
        Some(at) if at >= now => format!("expires {} ({})", relative_time(at, now), rfc3339(at)),
        Some(at) => format!("expired {} ({})", relative_time(at, now), rfc3339(at)),
        None => "no expiry given".to_owned(),
    }
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    use authdeck_core::token::Clock;
    authdeck_core::token::SystemClock.now()
}

/// The client secret and the password a command's `--client-secret-stdin` and
/// `--password-stdin` ask for, read from stdin in that order (the client secret's line
/// first when both are asked for); `None` for one not asked for.
pub struct StdinSecrets {
    pub client_secret: Option<authdeck_core::secret::ClientSecret>,
    pub password: Option<authdeck_core::secret::Password>,
}

/// Reads the [`StdinSecrets`] asked for.
pub fn read_client_secret_and_password(
    client_secret: bool,
    password: bool,
) -> authdeck_core::Result<StdinSecrets> {
    let wanted = usize::from(client_secret) + usize::from(password);
    let mut lines = read_stdin_secrets(wanted)?.into_iter();
    Ok(StdinSecrets {
        client_secret: if client_secret {
            lines.next().map(authdeck_core::secret::ClientSecret::new)
        } else {
            None
        },
        password: if password {
            lines.next().map(authdeck_core::secret::Password::new)
        } else {
            None
        },
    })
}

/// Reads the secrets a command asked for from stdin: one line each, in order. On a
/// terminal they are read without echo, so a pasted secret never shows on screen. The
/// caller wraps each line at once in the secret type of what it asked for.
pub fn read_stdin_secrets(count: usize) -> authdeck_core::Result<Vec<String>> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        return (0..count)
            .map(|_| {
                rpassword::read_password().map_err(|e| {
                    authdeck_core::Error::Local(format!("could not read the terminal: {e}"))
                })
            })
            .collect();
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let line = lines
            .next()
            .transpose()
            .map_err(|e| authdeck_core::Error::Local(format!("could not read stdin: {e}")))?
            .ok_or_else(|| {
                authdeck_core::Error::Config(format!(
                    "expected {count} line(s) on stdin (client secret, then password), got {i}"
                ))
            })?;
        let line = line.strip_suffix('\r').unwrap_or(&line).to_owned();
        out.push(line);
    }
    Ok(out)
}

/// What to run after adding a service.
pub fn next_step(id: &ServiceId, service: &Service) -> String {
    let login = crate::hints::command(&format!("login {id}"));
    match service.flow {
        Flow::Bearer => format!("Paste its token with `{login}` (read from stdin)."),
        Flow::ApiKey => format!("Paste its API key with `{login}` (read from stdin)."),
        _ if service.effective_client_auth().needs_key() => format!(
            "Give it a private key with `{}` (or import yours with `{}`), register the public key it prints with the provider, then log in with `{login}`.",
            crate::hints::command(&format!("key generate {id}")),
            crate::hints::command(&format!("key import {id} < key.pem"))
        ),
        _ => format!("Log in with `{login}`."),
    }
}
