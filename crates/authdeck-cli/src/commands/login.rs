//! `authdeck login` and `authdeck logout`.

use std::sync::Arc;
use std::time::Duration;

use authdeck_core::broker::ValidToken;
use authdeck_core::config::Flow;
use authdeck_core::flows::{LoginEvent, NoBrowser};
use authdeck_core::ids::{AccountName, DEFAULT_ACCOUNT};
use authdeck_core::{Broker, Error, Result};
use tokio_util::sync::CancellationToken;

use crate::args::{AccountArgs, LoginArgs};
use crate::output;

pub async fn run(mut broker: Broker, args: LoginArgs) -> Result<()> {
    let flow = broker.load_config()?.service(&args.service)?.flow;
    if flow.is_pasted() {
        return paste(&broker, &args, flow).await;
    }
    if args.token_stdin {
        return Err(Error::Config(format!(
            "--token-stdin is for services that take a pasted token (flow bearer or api-key); '{}' logs in with the {flow} flow",
            args.service
        )));
    }
    if args.no_browser {
        broker = broker.with_browser(Arc::new(NoBrowser));
    }
    let broker = broker.with_login_timeout(Duration::from_secs(args.timeout.max(1)));
    let cancel = CancellationToken::new();
    // Listening from here on: a Ctrl-C while the browser opens cancels the login too.
    let ctrl_c = crate::signals::stop_requested(false)?;
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        ctrl_c.await;
        on_ctrl_c.cancel();
    });
    let json = args.json;
    let no_browser = args.no_browser;
    let observer = move |event: LoginEvent| {
        if json {
            output::json_line(&event_json(&event));
        } else {
            print_event(&event, no_browser);
        }
    };
    let token = broker
        .login(&args.service, args.account.as_ref(), &observer, &cancel)
        .await?;
    let now = output::now();
    if json {
        print_done(&token, now);
    } else {
        let account = args
            .account
            .as_ref()
            .map_or(DEFAULT_ACCOUNT, AccountName::as_str);
        println!(
            "Logged in to {} (account {account}); the token {}.",
            args.service,
            output::expiry(token.expires_at, now)
        );
    }
    Ok(())
}

fn event_json(event: &LoginEvent) -> serde_json::Value {
    match event {
        LoginEvent::OpenBrowser { url } => serde_json::json!({"event": "open_browser", "url": url}),
        LoginEvent::BrowserFailed { url, message } => {
            serde_json::json!({"event": "browser_failed", "url": url, "message": message})
        }
        LoginEvent::DeviceCode {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in,
        } => serde_json::json!({
            "event": "device_code",
            "user_code": user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": verification_uri_complete,
            "expires_in": expires_in,
        }),
    }
}

fn print_event(event: &LoginEvent, no_browser: bool) {
    match event {
        LoginEvent::OpenBrowser { url } if no_browser => {
            println!("Open this URL in a browser to log in:\n\n  {url}\n\nWaiting for the browser… (Ctrl-C cancels)");
        }
        LoginEvent::OpenBrowser { url } => {
            println!("Opening the browser to log in. If it does not open, visit:\n\n  {url}\n\nWaiting for the browser… (Ctrl-C cancels)");
        }
        LoginEvent::BrowserFailed { message, .. } => {
            eprintln!("authdeck: {message}");
        }
        LoginEvent::DeviceCode {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in,
        } => {
            println!(
                "To log in, visit {verification_uri} and enter the code:\n\n    {user_code}\n"
            );
            if let Some(complete) = verification_uri_complete {
                println!("(or open {complete})");
            }
            println!(
                "The code expires in {} min. Waiting for approval… (Ctrl-C cancels)",
                expires_in.div_ceil(60)
            );
        }
    }
}

pub async fn logout(broker: &Broker, args: AccountArgs) -> Result<()> {
    let report = broker.logout(&args.service, args.account.as_ref()).await?;
    if let Some(note) = &report.revocation_note {
        eprintln!("authdeck: warning: {note}");
    }
    let how = if report.revoked {
        "tokens revoked at the provider and deleted"
    } else {
        "tokens deleted"
    };
    println!("Logged out of {}: {how}.", args.service);
    Ok(())
}

/// A pasted token or API key, read from stdin (with a prompt on a terminal).
async fn paste(broker: &Broker, args: &LoginArgs, flow: Flow) -> Result<()> {
    use std::io::IsTerminal;
    let what = if flow == Flow::ApiKey {
        "API key"
    } else {
        "token"
    };
    if !args.token_stdin && std::io::stdin().is_terminal() {
        eprintln!(
            "Paste the {what} for {} and press Enter (it goes to the keyring):",
            args.service
        );
    }
    let secret = output::read_stdin_secrets(1)?
        .into_iter()
        .next()
        .map(authdeck_core::AccessToken::new)
        .ok_or_else(|| Error::Config(format!("no {what} on stdin")))?;
    let token = broker
        .store_pasted(&args.service, args.account.as_ref(), secret)
        .await?;
    let now = output::now();
    if args.json {
        print_done(&token, now);
    } else {
        let account = args
            .account
            .as_ref()
            .map_or(DEFAULT_ACCOUNT, AccountName::as_str);
        let expiry = match (flow, token.expires_at) {
            (Flow::ApiKey, _) => "it does not expire".to_owned(),
            (_, None) => "its expiry is unknown (not a JWT with `exp`)".to_owned(),
            (_, at) => format!("the token {}", output::expiry(at, now)),
        };
        println!(
            "Stored the {what} of {} (account {account}) in the keyring; {expiry}.",
            args.service
        );
    }
    Ok(())
}

/// The last JSON event of a login or a paste (`--json`): when the token expires and its
/// scopes, never the token.
fn print_done(token: &ValidToken, now: i64) {
    output::json_line(&serde_json::json!({
        "event": "done",
        "expires_at": token.expires_at.map(authdeck_core::token::rfc3339),
        "expires_in": token.expires_at.map(|at| at - now),
        "scopes": token.scopes,
    }));
}
