//! `authdeck introspect` and `authdeck revoke`: ask the provider about an account's
//! token (RFC 7662), revoke one token alone (RFC 7009) without logging out. The work is
//! core's (`broker/inspect.rs`); this prints it.

use authdeck_core::flows::revoke::WhichToken;
use authdeck_core::token::rfc3339;
use authdeck_core::{Broker, Result};

use crate::args::{IntrospectArgs, RevokeArgs};
use crate::output;

pub async fn introspect(broker: &Broker, args: &IntrospectArgs) -> Result<()> {
    let which = if args.refresh {
        WhichToken::Refresh
    } else {
        WhichToken::Access
    };
    let (account, answer) = broker
        .introspect(&args.service, args.account.as_ref(), which)
        .await?;
    if args.json {
        output::json_line(&serde_json::json!({
            "service": args.service.as_str(),
            "account": account.as_str(),
            "token": which.hint(),
            "active": answer.active,
            "exp": answer.expires_at,
            "iat": answer.issued_at,
            "scope": (!answer.scopes.is_empty()).then(|| answer.scopes.join(" ")),
            "client_id": answer.client_id,
            "token_type": answer.token_type,
            "username": answer.username,
        }));
        return Ok(());
    }
    let verdict = if answer.active {
        "active"
    } else {
        "NOT active (expired, revoked or unknown to the provider)"
    };
    println!(
        "The provider says the {} of {}/{account} is {verdict}.",
        which.noun(),
        args.service
    );
    let now = output::now();
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(exp) = answer.expires_at {
        rows.push(("expiry", output::expiry(Some(exp), now)));
    }
    if let Some(iat) = answer.issued_at {
        rows.push(("issued", rfc3339(iat)));
    }
    if !answer.scopes.is_empty() {
        rows.push(("scope", answer.scopes.join(" ")));
    }
    if let Some(client) = &answer.client_id {
        rows.push(("client_id", client.clone()));
    }
    if let Some(kind) = &answer.token_type {
        rows.push(("token_type", kind.clone()));
    }
    if let Some(user) = &answer.username {
        rows.push(("username", user.clone()));
    }
    for (name, value) in rows {
        println!("  {name:<11} {value}");
    }
    Ok(())
}

pub async fn revoke(broker: &Broker, args: &RevokeArgs) -> Result<()> {
    let which = if args.refresh {
        WhichToken::Refresh
    } else {
        WhichToken::Access
    };
    let report = broker
        .revoke(&args.service, args.account.as_ref(), which)
        .await?;
    let account = &report.account;
    println!(
        "Revoked the {} of {}/{account} at the provider and forgot it.",
        which.noun(),
        args.service
    );
    if let Some(other) = report.also_revoked {
        println!(
            "The provider revoked the {} with it, so it is forgotten too.",
            other.noun()
        );
    }
    let login = if account.as_str() == "default" {
        format!("authdeck login {}", args.service)
    } else {
        format!("authdeck login {} --account {account}", args.service)
    };
    let next = match (which, report.also_revoked) {
        (_, Some(_)) => format!("log in again: {login}"),
        (WhichToken::Access, None) => "the next use gets a new access token".to_owned(),
        (WhichToken::Refresh, None) => {
            format!("the account can no longer refresh; once the access token expires: {login}")
        }
    };
    println!("Next: {next}.");
    Ok(())
}
