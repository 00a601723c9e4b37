//! `demo-idp [--port N] [--auto-approve] [--access-ttl SECS]`
//!
//! Starts the demo identity server on 127.0.0.1, prints one line
//! `{"base_url":"http://127.0.0.1:N"}` on stdout when ready, then serves until killed.
//! Logs go to stderr (`RUST_LOG` filters them; default `info`).

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use demo_idp::{DemoConfig, DemoIdp};

const USAGE: &str = "usage: demo-idp [--port N] [--auto-approve] [--access-ttl SECS]

  --port N           TCP port on 127.0.0.1 (default 0: any free port)
  --auto-approve     approve browser and device authorizations without a click
  --access-ttl SECS  lifetime of every access token (default: each service's real one)";

fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<DemoConfig>, String> {
    let mut config = DemoConfig::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = value("--port")?;
                config.port = v
                    .parse()
                    .map_err(|_| format!("--port: not a port number: {v}"))?;
            }
            "--access-ttl" => {
                let v = value("--access-ttl")?;
                let secs: u64 = v.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    format!("--access-ttl: not a positive number of seconds: {v}")
                })?;
                config.access_ttl = Some(Duration::from_secs(secs));
            }
            "--auto-approve" => config.auto_approve = true,
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(config))
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("demo-idp: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let idp = match DemoIdp::start(config).await {
        Ok(idp) => idp,
        Err(e) => {
            eprintln!("demo-idp: {e}");
            return ExitCode::FAILURE;
        }
    };
    let line = serde_json::json!({ "base_url": idp.base_url() });
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<DemoConfig>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_all_flags() {
        let c = parse(&["--port", "4000", "--auto-approve", "--access-ttl=5"])
            .unwrap()
            .unwrap();
        assert_eq!(c.port, 4000);
        assert!(c.auto_approve);
        assert_eq!(c.access_ttl, Some(Duration::from_secs(5)));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--access-ttl", "0"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--help"]).unwrap().is_none());
    }
}
