//! `authdeck status`: every account with its state and expiry.

use authdeck_core::broker::{AccountStatus, StatusKind};
use authdeck_core::token::{relative_time, rfc3339};
use authdeck_core::{Broker, Result};

use crate::args::StatusArgs;
use crate::output;

pub fn run(broker: &Broker, args: &StatusArgs) -> Result<()> {
    let accounts = broker.status()?;
    let now = output::now();
    if args.json {
        let list: Vec<_> = accounts.iter().map(|a| json(a, now)).collect();
        output::json_line(&serde_json::Value::Array(list));
        return Ok(());
    }
    if accounts.is_empty() {
        println!(
            "No services configured. Add one with `{}` (see `{}`).",
            crate::hints::command("service add"),
            crate::hints::command("service add --help")
        );
        return Ok(());
    }
    let rows: Vec<[String; 4]> = accounts
        .iter()
        .map(|a| {
            [
                a.service.to_string(),
                a.account.to_string(),
                a.flow.to_string(),
                describe(a, now),
            ]
        })
        .collect();
    print_table(["SERVICE", "ACCOUNT", "FLOW", "STATE"], &rows);
    Ok(())
}

/// "logged in, expires in 42 min", "login required: logged out", …
pub fn describe(a: &AccountStatus, now: i64) -> String {
    match a.status {
        StatusKind::LoggedIn => match a.expires_at {
            Some(at) => format!("logged in, expires {}", relative_time(at, now)),
            None => "logged in (no expiry given)".into(),
        },
        StatusKind::Expired => match a.expires_at {
            Some(at) => format!("expired {} (renews on next use)", relative_time(at, now)),
            None => "expired (renews on next use)".into(),
        },
        StatusKind::LoginRequired => format!(
            "login required: {}",
            a.reason.as_deref().unwrap_or("no usable token")
        ),
        StatusKind::NotLoggedIn => "not logged in".into(),
    }
}

fn json(a: &AccountStatus, now: i64) -> serde_json::Value {
    serde_json::json!({
        "service": a.service,
        "service_name": a.service_name,
        "account": a.account,
        "flow": a.flow,
        "state": a.status,
        "expires_at": a.expires_at.map(rfc3339),
        "expires_in": a.expires_at.map(|at| at - now),
        "reason": a.reason,
        "scopes": a.scopes,
    })
}

pub fn print_table<const N: usize>(header: [&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == N {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        println!("{}", out.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}
