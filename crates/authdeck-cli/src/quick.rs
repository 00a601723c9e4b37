//! The `authdeck token` command lines the `authdeck` front answers without the full
//! parser: `token <service>` with any of `--account <name>`, `--min-valid <seconds>` and
//! `--format raw|bearer|header` (`--flag value` or `--flag=value`, in any order). The
//! tests below check that clap reads each such line the same way.

use std::ffi::OsString;

use authdeck_core::format::TokenFormat;
use authdeck_core::ids::{AccountName, ServiceId};

/// A token request as the front reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickToken {
    pub service: ServiceId,
    pub account: Option<AccountName>,
    pub min_valid: i64,
    /// Raw, bearer or header: the front prints these itself (`json`, and `curl`, which
    /// needs the service's API base URL from its config, are left to `authdeck-full`).
    pub format: TokenFormat,
}

/// The request on a command line (`args` without the program name), or `None` when the
/// line is anything else: another command, a global flag, a flag or value the front does
/// not know, a repeated flag, non-UTF-8, an invalid service id or account name. `None`
/// never means an error: the full command
/// line then handles it (and reports what is wrong with it, if anything).
pub fn parse(args: &[OsString]) -> Option<QuickToken> {
    let mut args = args.iter().map(|a| a.to_str());
    if args.next()?? != "token" {
        return None;
    }
    let mut service = None;
    let mut account = None;
    let mut min_valid = None;
    let mut format = None;
    while let Some(arg) = args.next() {
        let arg = arg?;
        if !arg.starts_with('-') {
            set_once(&mut service, plain_value(arg)?)?;
            continue;
        }
        let (flag, value) = match arg.split_once('=') {
            Some((flag, value)) => (flag, value),
            None => (arg, args.next()??),
        };
        let value = plain_value(value)?;
        match flag {
            "--account" => set_once(&mut account, AccountName::parse(value).ok()?)?,
            "--min-valid" => set_once(&mut min_valid, seconds(value)?)?,
            "--format" => set_once(
                &mut format,
                match value {
                    "raw" => TokenFormat::Raw,
                    "bearer" => TokenFormat::Bearer,
                    "header" => TokenFormat::Header,
                    _ => return None,
                },
            )?,
            _ => return None,
        }
    }
    Some(QuickToken {
        service: ServiceId::parse(service?).ok()?,
        account,
        min_valid: min_valid.unwrap_or(crate::DEFAULT_MIN_VALID),
        format: format.unwrap_or(TokenFormat::Raw),
    })
}

/// A value the parsers cannot read differently: not empty, not like a flag.
fn plain_value(value: &str) -> Option<&str> {
    (!value.is_empty() && !value.starts_with('-')).then_some(value)
}

fn seconds(value: &str) -> Option<i64> {
    if value.len() > 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn set_once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn os(line: &str) -> Vec<OsString> {
        line.split(' ').map(Into::into).collect()
    }

    fn clap_reads(line: &str) -> Option<QuickToken> {
        let cli = Cli::try_parse_from(std::iter::once("authdeck").chain(line.split(' '))).ok()?;
        let Command::Token(a) = cli.command else {
            return None;
        };
        if cli.demo || a.app_token || a.expires_in.is_some() || a.dpop_proof.is_some() {
            return None;
        }
        Some(QuickToken {
            service: a.service,
            account: a.account,
            min_valid: a.min_valid,
            format: a.format.written()?,
        })
    }

    #[test]
    fn every_line_the_front_takes_means_the_same_to_clap() {
        for line in [
            "token pw",
            "token nomad-legacy",
            "token pw --min-valid 99999999",
            "token pw --min-valid=0",
            "token --min-valid 5 pw",
            "token pw --account alice --format bearer",
            "token --format=header --account=bob pw",
            "token pw --format raw",
        ] {
            let quick = parse(&os(line));
            assert!(quick.is_some(), "{line}");
            assert_eq!(quick, clap_reads(line), "{line}");
        }
    }

    #[test]
    fn other_lines_are_left_to_the_full_parser() {
        for line in [
            "",
            "token",
            "status",
            "login pw",
            "--demo token pw",
            "token pw --demo",
            "token --help",
            "token pw -h",
            "token pw --format json",
            "token pw --format curl",
            "token pw --format xml",
            "token pw --app-token",
            "token pw --dpop-proof GET https://api.test/x",
            "token pw --min-valid -5",
            "token pw --min-valid 1h",
            "token pw --min-valid",
            "token pw --account",
            "token pw --account=",
            "token pw --account -x",
            "token pw --account a --account b",
            "token pw other",
            "token pw -- x",
            "token -",
            "exec pw -- true",
        ] {
            assert_eq!(parse(&os(line)), None, "{line}");
        }
    }
}
