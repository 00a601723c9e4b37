//! Credential refusals of the five seed services, as `demo-idp` sends them: each is
//! classified into its type (the `code` of `login --json`'s error event), exits with that
//! type's code, says what was refused and what to do — a command that works as printed —
//! and leaves every keyring entry and file byte for byte as it was.
//!
//! | refusal                  | exit |
//! |--------------------------|------|
//! | bad user credentials     | 3    |
//! | bad client credentials   | 2    |
//! | consent denied           | 3    |
//! | grant expired or revoked | 3    |
//! | provider broken          | 4    |

use std::time::Duration;

use authdeck_e2e::{token_in_entry, Demo, Env, Outcome};
use demo_idp::credentials as creds;
use demo_idp::DemoConfig;

use crate::faults::local::{keyring, snapshot};

fn demo(auto_approve: bool) -> Demo {
    Demo::start(DemoConfig {
        auto_approve,
        autolab_poll_min_interval: Duration::from_secs(1),
        autolab_init_min_interval: Duration::from_millis(100),
        ..DemoConfig::default()
    })
}

/// Adds `id` from `preset` with `--set` pairs and stdin secrets.
fn add_preset(env: &Env, id: &str, preset: &str, sets: &[String], flags: &[&str], stdin: &str) {
    let mut args = vec!["service", "add", id, "--preset", preset];
    for s in sets {
        args.push("--set");
        args.push(s);
    }
    args.extend_from_slice(flags);
    env.ok(&args, stdin);
}

/// The `authdeck …` command between the first backticks of `stderr` that hold one.
pub(crate) fn printed_command(stderr: &str) -> Vec<String> {
    let command = stderr
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|c| c.starts_with("authdeck "))
        .unwrap_or_else(|| panic!("no command in: {stderr}"));
    command.split_whitespace().map(str::to_owned).collect()
}

/// Runs a printed `authdeck …` command in `env` with `stdin`.
pub(crate) fn run_printed(env: &Env, command: &[String], stdin: &str) -> Outcome {
    assert_eq!(command[0], "authdeck", "{command:?}");
    let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    env.run(&args, stdin)
}

/// Runs `args`, expecting `exit`, `code` in `login --json`'s error event when it is a
/// login, each of `says` in stderr; and checks nothing stored changed.
fn refused(env: &Env, args: &[&str], exit: i32, code: &str, says: &[&str]) -> Outcome {
    let (files, entries) = (snapshot(env), keyring(env));
    let out = env.run(args, "");
    assert_eq!(out.code, exit, "{args:?}: {out:?}");
    for s in says {
        assert!(
            out.stderr.contains(s),
            "{args:?}: '{s}' not in: {}",
            out.stderr
        );
    }
    if args[0] == "login" {
        let mut json = args.to_vec();
        json.push("--json");
        let out = env.run(&json, "");
        assert_eq!(out.code, exit, "{json:?}: {out:?}");
        let event: serde_json::Value = out
            .stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["event"] == "error")
            .unwrap_or_else(|| panic!("no error event: {out:?}"));
        assert_eq!(event["code"], code, "{event}");
        assert!(event["kind"].is_string(), "--json keeps `kind`: {event}");
    }
    assert_eq!(snapshot(env), files, "{args:?}: files changed");
    assert_eq!(keyring(env), entries, "{args:?}: keyring entries changed");
    out
}

#[test]
fn nomad_wrong_password_is_bad_user_credentials_not_a_broken_service() {
    let d = demo(true);
    let env = Env::new();
    add_preset(
        &env,
        "nomad",
        "nomad",
        &[format!("api_base={}/nomad/api", d.base)],
        &["--username", creds::NOMAD_USERNAME, "--password-stdin"],
        "mistyped-password\n",
    );
    for args in [&["token", "nomad"][..], &["login", "nomad"]] {
        let out = refused(
            &env,
            args,
            3,
            "bad_user_credentials",
            &[
                "nomad/default",
                "user name or password",
                "Incorrect username or password",
                "`authdeck service secret nomad --password-stdin`",
            ],
        );
        assert!(
            !out.stderr.contains("check the service's settings"),
            "{}",
            out.stderr
        );
    }
    // The printed command stores the right password, and the token comes.
    let out = env.run(&["token", "nomad"], "");
    let fix = run_printed(
        &env,
        &printed_command(&out.stderr),
        &format!("{}\n", creds::NOMAD_PASSWORD),
    );
    assert_eq!(fix.code, 0, "{fix:?}");
    env.ok(&["token", "nomad"], "");
}

#[test]
fn plantpredict_cognito_and_okta_refusals() {
    let d = demo(true);
    let env = Env::new();
    add_preset(
        &env,
        "pp",
        "plantpredict",
        &[
            format!("client_id={}", creds::PLANTPREDICT_CLIENT_ID),
            format!("endpoints.token={}/plantpredict/oauth2/token", d.base),
        ],
        &["--client-secret-stdin"],
        "not-the-secret\n",
    );
    refused(
        &env,
        &["login", "pp"],
        2,
        "bad_client_credentials",
        &[
            "client id or client secret",
            "invalid_client",
            "`authdeck service secret pp --client-secret-stdin`",
        ],
    );
    let okta = format!(
        "endpoints.token={}/plantpredict/okta/oauth2/aus3jzhulkrINTdnc356/v1/token",
        d.base
    );
    add_preset(
        &env,
        "ppl",
        "plantpredict-legacy",
        &[format!("client_id={}", creds::PLANTPREDICT_CLIENT_ID), okta],
        &[
            "--username",
            creds::PLANTPREDICT_USERNAME,
            "--client-secret-stdin",
            "--password-stdin",
        ],
        &format!("{}\nnot-the-password\n", creds::PLANTPREDICT_CLIENT_SECRET),
    );
    refused(
        &env,
        &["login", "ppl"],
        3,
        "bad_user_credentials",
        &[
            "user name or password",
            "invalid_grant",
            "`authdeck service secret ppl --password-stdin`",
        ],
    );
}

#[test]
fn quamotion_aadsts_codes_are_bad_client_credentials() {
    let d = demo(true);
    let env = Env::new();
    for (secret, aadsts) in [
        ("wrong-secret-value", "AADSTS7000215"),
        (creds::QUAMOTION_EXPIRED_CLIENT_SECRET, "AADSTS7000222"),
    ] {
        add_preset(
            &env,
            "q",
            "quamotion",
            &[
                format!("client_id={}", creds::QUAMOTION_CLIENT_ID),
                format!("endpoints.token={}/quamotion/common/oauth2/token", d.base),
            ],
            &["--client-secret-stdin", "--replace"],
            &format!("{secret}\n"),
        );
        refused(
            &env,
            &["login", "q"],
            2,
            "bad_client_credentials",
            &[
                aadsts,
                "client id or client secret",
                "`authdeck service secret q --client-secret-stdin`",
            ],
        );
    }
    // An application the tenant does not know (AADSTS700016, `unauthorized_client`).
    add_preset(
        &env,
        "q",
        "quamotion",
        &[
            "client_id=not-registered".into(),
            format!("endpoints.token={}/quamotion/common/oauth2/token", d.base),
        ],
        &["--client-secret-stdin", "--replace"],
        &format!("{}\n", creds::QUAMOTION_CLIENT_SECRET),
    );
    refused(
        &env,
        &["token", "q"],
        2,
        "",
        &["AADSTS700016", "client id or client secret"],
    );
}

#[test]
fn autolab_bad_client_denied_login_and_spent_refresh_token() {
    let d = demo(false);
    let env = Env::new();
    add_preset(
        &env,
        "autolab",
        "autolab",
        &[
            format!("base_url={}/autolab", d.base),
            format!("client_id={}", creds::AUTOLAB_CLIENT_ID),
        ],
        &["--client-secret-stdin"],
        &format!("{}\n", creds::AUTOLAB_CLIENT_SECRET),
    );
    // Denied on the activation page: consent denied.
    let child = crate::seeds::autolab_login(&env, &d, "default", false);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("was denied") && stderr.contains("`authdeck login autolab`"),
        "{stderr}"
    );
    assert!(env.keyring_users().iter().all(|u| !u.ends_with("/tokens")));

    // Logged in, then the client secret is wrong: a refresh is bad client credentials.
    let mut child = crate::seeds::autolab_login(&env, &d, "default", true);
    assert!(child.wait().expect("wait").success());
    env.ok(
        &["service", "secret", "autolab", "--client-secret-stdin"],
        "not-the-secret\n",
    );
    refused(
        &env,
        &["token", "autolab", "--min-valid", "999999"],
        2,
        "",
        &[
            "client id or client secret",
            "invalid_client",
            "`authdeck service secret autolab --client-secret-stdin`",
        ],
    );
    env.ok(
        &["service", "secret", "autolab", "--client-secret-stdin"],
        &format!("{}\n", creds::AUTOLAB_CLIENT_SECRET),
    );

    // The refresh token is spent behind Authdeck's back: the grant is revoked.
    let entry = env
        .keyring_entry("autolab/default/tokens")
        .expect("tokens entry");
    let refresh = token_in_entry(&entry, "refresh_token").expect("refresh token");
    let spent = reqwest::blocking::Client::new()
        .post(format!("{}/autolab/oauth/token", d.base))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", creds::AUTOLAB_CLIENT_ID),
            ("client_secret", creds::AUTOLAB_CLIENT_SECRET),
        ])
        .send()
        .expect("refresh");
    assert!(spent.status().is_success(), "{}", spent.status());
    let out = env.run(&["token", "autolab", "--min-valid", "999999"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("no longer accepts the refresh token")
            && out.stderr.contains("`authdeck login autolab`"),
        "{}",
        out.stderr
    );
}

#[test]
fn oqtant_denied_in_the_browser_is_consent_denied() {
    let d = demo(false);
    let env = Env::new();
    add_preset(
        &env,
        "oqtant",
        "oqtant",
        &[
            format!("endpoints.authorization={}/oqtant/authorize", d.base),
            format!("endpoints.token={}/oqtant/oauth/token", d.base),
        ],
        &[],
        "",
    );
    let (files, entries) = (snapshot(&env), keyring(&env));
    let mut cmd = env.authdeck();
    cmd.env("BROWSER_DENY", "1");
    let out = env.run_with(cmd, &["login", "oqtant", "--json"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stdout.contains("\"consent_denied\""), "{}", out.stdout);
    assert!(
        out.stderr.contains("refused in the browser")
            && out.stderr.contains("`authdeck login oqtant`"),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot(&env), files, "files changed");
    assert_eq!(keyring(&env), entries, "keyring entries changed");
}
