//! The CLI's side: one blocking request to the agent, before any async runtime exists.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use super::protocol::{Reply, Request, MAX_LINE};

/// How long to wait for the answer: a refresh by the agent may take discovery plus a
/// token request, each bounded by the HTTP client's own timeout.
const REPLY_TIMEOUT: Duration = Duration::from_secs(120);
const SEND_TIMEOUT: Duration = Duration::from_secs(2);

/// What asking the agent gave.
#[derive(Debug)]
pub enum AgentAnswer {
    /// No agent listens there: read the keyring instead, silently.
    NoAgent,
    /// The agent's answer (a token, or an error such as "login required").
    Reply(Reply),
    /// Something is wrong with the agent or its socket (why, without secrets): read the
    /// keyring instead, and say so in the log.
    Unusable(String),
}

/// Asks the agent on `socket` for a token. The socket's directory must be private to
/// this user, and the process listening must run as this user (`SO_PEERCRED`); otherwise
/// the request is not sent.
pub fn ask(socket: &Path, request: &Request) -> AgentAnswer {
    let line = request.encode();
    let Some(dir) = socket.parent() else {
        return AgentAnswer::NoAgent;
    };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return AgentAnswer::NoAgent,
        Err(e) => return AgentAnswer::Unusable(format!("cannot inspect {}: {e}", dir.display())),
    };
    if let Some(problem) = super::server::not_private(dir, &meta) {
        return AgentAnswer::Unusable(problem);
    }
    let mut stream = match UnixStream::connect(socket) {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return AgentAnswer::NoAgent;
        }
        Err(e) => return AgentAnswer::Unusable(format!("cannot connect to the agent: {e}")),
    };
    let uid = rustix::process::getuid().as_raw();
    match rustix::net::sockopt::socket_peercred(&stream) {
        Ok(cred) if cred.uid.as_raw() == uid => {}
        Ok(cred) => {
            return AgentAnswer::Unusable(format!(
                "the agent's socket is served by uid {}, not you: ignored",
                cred.uid.as_raw()
            ))
        }
        Err(e) => {
            return AgentAnswer::Unusable(format!(
                "cannot check who serves the agent's socket: {e}"
            ))
        }
    }
    let exchange = stream
        .set_write_timeout(Some(SEND_TIMEOUT))
        .and_then(|()| stream.set_read_timeout(Some(REPLY_TIMEOUT)))
        .and_then(|()| stream.write_all(line.as_bytes()))
        .and_then(|()| {
            let mut reply = String::new();
            BufReader::new((&stream).take(MAX_LINE as u64)).read_line(&mut reply)?;
            Ok(reply)
        });
    match exchange {
        Ok(reply) if reply.ends_with('\n') => match Reply::decode(&reply) {
            Ok(reply) => AgentAnswer::Reply(reply),
            Err(e) => AgentAnswer::Unusable(format!("the agent's answer was not understood: {e}")),
        },
        Ok(_) => AgentAnswer::Unusable("the agent closed the connection without an answer".into()),
        Err(e) => AgentAnswer::Unusable(format!("talking to the agent failed: {e}")),
    }
}
