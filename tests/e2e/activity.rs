//! `authdeck log`: an account's activity against the real oidc-provider. A login, a
//! forced refresh (with the token handed out), then a refresh the provider refuses (its
//! refresh token was spent elsewhere, so it revokes the grant): the log shows each, newest
//! first by sequence number, with the token endpoint's path, the HTTP status, and for the
//! failure the typed error and the provider's answer. Nothing here compares times.

use authdeck_e2e::{Env, Provider};

fn events(env: &Env, service: &str) -> Vec<serde_json::Value> {
    env.ok(&["log", service, "--json"], "")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?} ({e})")))
        .collect()
}

#[test]
fn the_log_shows_login_refresh_hand_out_and_a_refused_refresh() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.logged_in_auth_code(&p, "oidc");
    let token_url = format!("{}/token", p.issuer);
    assert!(
        !token_url.contains('?'),
        "the issuer has no query: {token_url}"
    );

    env.ok(&["token", "oidc", "--min-valid", "999999"], "");
    let log = events(&env, "oidc");
    let kinds: Vec<_> = log
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["hand_out", "refresh", "login"], "{log:#?}");
    let seqs: Vec<_> = log.iter().map(|e| e["seq"].as_u64().unwrap_or(0)).collect();
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "{seqs:?}");
    for e in &log[1..] {
        assert_eq!(e["endpoint"], token_url.as_str(), "{e}");
        assert_eq!(e["status"], 200, "{e}");
        assert_eq!(e["ok"], true, "{e}");
        assert!(e["duration_ms"].is_u64(), "{e}");
        assert_eq!(e["account"], "default", "{e}");
    }
    assert_eq!(log[0]["via"], "cli");

    // The stored refresh token spent elsewhere: the provider revokes the grant, and the
    // next refresh is refused.
    let spent = env
        .keyring_lookup("oidc/default/refresh_token")
        .expect("a refresh token");
    let (status, _) = p.raw_refresh("native-app", &spent);
    assert_eq!(status, 200, "spending the refresh token elsewhere");
    let out = env.run(&["token", "oidc", "--min-valid", "999999"], "");
    assert_eq!(out.code, 3, "{out:?}");
    // Now login-required: asking again is no new event (nothing is tried).
    assert_eq!(env.run(&["token", "oidc"], "").code, 3);

    let log = events(&env, "oidc");
    let failed = &log[0];
    assert_eq!(failed["kind"], "refresh", "{log:#?}");
    assert_eq!(failed["seq"], seqs[0] + 1, "{failed}");
    assert_eq!(failed["ok"], false, "{failed}");
    assert_eq!(failed["endpoint"], token_url.as_str(), "{failed}");
    assert_eq!(failed["status"], 400, "{failed}");
    assert_eq!(failed["code"], "grant_expired", "{failed}");
    assert_eq!(failed["error"]["kind"], "login_required", "{failed}");
    assert!(
        failed["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no longer accepts the refresh token")),
        "{failed}"
    );
    assert!(
        failed["answer"]
            .as_str()
            .is_some_and(|a| a.starts_with("invalid_grant")),
        "the provider's answer: {failed}"
    );
    assert_eq!(log[1]["kind"], "hand_out", "{log:#?}");

    // The table for people: newest first, the failure with its code and the answer.
    let table = env.ok(&["log", "oidc", "--limit", "3"], "");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(
        lines[0].starts_with("TIME") && lines[0].contains("OUTCOME"),
        "{table}"
    );
    assert!(
        lines[1].contains("refresh")
            && lines[1].contains(&token_url)
            && lines[1].contains(" 400 ")
            && lines[1].contains("failed (grant_expired)")
            && lines[1].contains("provider: invalid_grant"),
        "{table}"
    );
    assert!(
        lines[2].contains("hand-out (cli)") && lines[2].ends_with("ok"),
        "{table}"
    );
    assert!(
        lines[3].contains("refresh") && lines[3].contains(" 200 ") && lines[3].ends_with("ok"),
        "{table}"
    );
    assert!(env.files_containing(&spent).is_empty(), "a token on disk");

    // Logging in again and out: both recorded; the account's activity goes with it.
    env.ok(&["login", "oidc"], "");
    env.ok(&["logout", "oidc"], "");
    let log = events(&env, "oidc");
    assert_eq!(log[0]["kind"], "logout", "{log:#?}");
    assert!(
        log[0]["endpoint"]
            .as_str()
            .is_some_and(|e| e.starts_with(&p.issuer)),
        "the revocation request: {}",
        log[0]
    );
    assert_eq!(log[1]["kind"], "login", "{log:#?}");
    env.ok(&["service", "remove", "oidc"], "");
    assert!(
        !env.dir("state").join("activity/oidc").exists(),
        "activity left behind"
    );
}
