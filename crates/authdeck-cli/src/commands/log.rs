//! `authdeck log`: an account's activity (core's `activity.rs`), newest first — a table
//! for people, or one JSON object per line for scripts.

use authdeck_core::activity::{ActivityEvent, ActivityKind};
use authdeck_core::token::rfc3339;
use authdeck_core::{Broker, Result};

use crate::args::LogArgs;
use crate::commands::status::print_table;
use crate::output;

pub fn run(broker: &Broker, args: &LogArgs) -> Result<()> {
    let (account, events) = broker.activity(&args.service, args.account.as_ref(), args.limit)?;
    if args.json {
        for event in &events {
            output::json_line(&json(args.service.as_str(), account.as_str(), event));
        }
        return Ok(());
    }
    if events.is_empty() {
        println!("No activity recorded for {}/{account} yet.", args.service);
        return Ok(());
    }
    let rows: Vec<[String; 6]> = events.iter().map(row).collect();
    print_table(
        ["TIME", "WHAT", "ENDPOINT", "STATUS", "DURATION", "OUTCOME"],
        &rows,
    );
    Ok(())
}

/// What happened, in words: "refresh", "hand-out (agent)", …
pub fn what(event: &ActivityEvent) -> String {
    let word = match event.kind {
        ActivityKind::Login => "login",
        ActivityKind::Paste => "pasted token",
        ActivityKind::Refresh => "refresh",
        ActivityKind::Refetch => "re-fetch",
        ActivityKind::HandOut => "hand-out",
        ActivityKind::Logout => "logout",
        ActivityKind::Exchange => "token exchange",
        ActivityKind::Introspect => "introspection",
        ActivityKind::RevokeAccess => "revoked access token",
        ActivityKind::RevokeRefresh => "revoked refresh token",
        ActivityKind::AppToken => "app token minted",
    };
    match event.via {
        Some(via) => format!("{word} ({})", via.as_str()),
        None => word.to_owned(),
    }
}

/// "ok", or "failed (grant_expired): <message>; provider: <answer>"; an
/// introspection's verdict: "ok: active".
pub fn outcome(event: &ActivityEvent) -> String {
    let Some(error) = &event.error else {
        return match &event.answer {
            Some(answer) => format!("ok: {answer}"),
            None => "ok".to_owned(),
        };
    };
    let mut text = format!("failed ({}): {}", error.code(), error.message);
    if let Some(answer) = &event.answer {
        if !error.message.contains(answer.as_str()) {
            text.push_str(&format!("; provider: {answer}"));
        }
    }
    text
}

fn row(event: &ActivityEvent) -> [String; 6] {
    let dash = || "-".to_owned();
    [
        rfc3339(event.at),
        what(event),
        event.endpoint.clone().unwrap_or_else(dash),
        event.status.map_or_else(dash, |s| s.to_string()),
        event.duration_ms.map_or_else(dash, |ms| format!("{ms} ms")),
        outcome(event),
    ]
}

fn json(service: &str, account: &str, event: &ActivityEvent) -> serde_json::Value {
    let mut value = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("service".into(), service.into());
        object.insert("account".into(), account.into());
        object.insert("time".into(), rfc3339(event.at).into());
        object.insert("ok".into(), event.succeeded().into());
        if let Some(error) = &event.error {
            object.insert("code".into(), error.code().into());
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use authdeck_core::activity::{ActivityError, HandOut};
    use authdeck_core::{Error, Refusal};

    use super::*;

    #[test]
    fn a_failed_refresh_reads_with_its_code_and_the_providers_answer() {
        let mut event = ActivityEvent::new(0, ActivityKind::Refresh);
        event.endpoint = Some("https://id.test/token".into());
        event.status = Some(400);
        event.duration_ms = Some(12);
        event.answer = Some("invalid_grant (grant request is invalid)".into());
        event.error = Some(ActivityError::of(&Error::refused(
            Refusal::GrantExpired,
            "the provider no longer accepts the refresh token",
        )));
        let [time, what, endpoint, status, duration, outcome] = row(&event);
        assert_eq!(time, "1970-01-01T00:00:00Z");
        assert_eq!(
            (
                what.as_str(),
                endpoint.as_str(),
                status.as_str(),
                duration.as_str()
            ),
            ("refresh", "https://id.test/token", "400", "12 ms")
        );
        assert_eq!(
            outcome,
            "failed (grant_expired): the provider no longer accepts the refresh token; provider: invalid_grant (grant request is invalid)"
        );
        let value = json("s", "default", &event);
        assert_eq!(value["code"], "grant_expired");
        assert_eq!(value["ok"], false);
        assert_eq!(value["error"]["kind"], "login_required");
        assert_eq!(value["kind"], "refresh");

        let mut handed = ActivityEvent::new(0, ActivityKind::HandOut);
        handed.via = Some(HandOut::Agent);
        let [_, what, endpoint, status, _, outcome] = row(&handed);
        assert_eq!(
            (
                what.as_str(),
                endpoint.as_str(),
                status.as_str(),
                outcome.as_str()
            ),
            ("hand-out (agent)", "-", "-", "ok")
        );
        assert_eq!(json("s", "a", &handed)["via"], "agent");
    }
}
