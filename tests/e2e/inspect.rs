//! `authdeck introspect` and `authdeck revoke` against the real oidc-provider: the
//! provider says the token is active; the access token is revoked (the provider's own
//! introspection then says it is inactive and the keyring no longer holds it; this
//! provider revokes the grant's refresh token with it, which Authdeck notices and
//! forgets too); after a new login the refresh token is revoked (the account can no
//! longer refresh). Both are in the activity log. Nothing here compares times.

use authdeck_e2e::{Env, Provider};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON: {text:?} ({e})"))
}

#[test]
fn introspect_then_revoke_the_access_token_then_the_refresh_token() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.logged_in_auth_code(&p, "oidc");

    let answer = json(&env.ok(&["introspect", "oidc", "--json"], ""));
    assert_eq!(answer["active"], true, "{answer}");
    assert_eq!(answer["client_id"], "native-app", "{answer}");
    assert_eq!(answer["token"], "access_token", "{answer}");
    assert!(answer["exp"].is_i64(), "the provider's exp: {answer}");
    let text = env.ok(&["introspect", "oidc"], "");
    assert!(text.contains("is active"), "{text}");

    // Revoke the access token: gone at the provider and here. oidc-provider revokes the
    // grant's refresh token with it (RFC 7009 allows that); Authdeck asks, and forgets
    // that one too, so the account shows it needs a login.
    let access = env
        .keyring_lookup("oidc/default/access_token")
        .expect("an access token");
    let refresh = env
        .keyring_lookup("oidc/default/refresh_token")
        .expect("a refresh token");
    let out = env.ok(&["revoke", "oidc", "--access"], "");
    assert!(out.contains("Revoked the access token"), "{out}");
    assert!(out.contains("revoked the refresh token with it"), "{out}");
    assert_eq!(p.introspect(&access)["active"], false, "the revoked token");
    assert_eq!(p.introspect(&refresh)["active"], false, "revoked with it");
    assert_eq!(env.keyring_lookup("oidc/default/access_token"), None);
    assert_eq!(env.keyring_lookup("oidc/default/refresh_token"), None);
    // Asking about the dropped token: there is none to ask about.
    let none = env.run(&["introspect", "oidc"], "");
    assert_eq!(none.code, 3, "{none:?}");
    assert!(
        none.stderr.contains("no access token is stored"),
        "{none:?}"
    );
    assert_eq!(env.run(&["token", "oidc"], "").code, 3, "a login is needed");

    // Log in again and revoke the refresh token: the account can no longer refresh
    // (the access token went with it at this provider, and is forgotten too).
    env.ok(&["login", "oidc"], "");
    let access = env
        .keyring_lookup("oidc/default/access_token")
        .expect("a new access token");
    let refresh = env
        .keyring_lookup("oidc/default/refresh_token")
        .expect("a new refresh token");
    assert_eq!(
        json(&env.ok(&["introspect", "oidc", "--refresh", "--json"], ""))["active"],
        true
    );
    env.ok(&["revoke", "oidc", "--refresh"], "");
    assert_eq!(
        p.introspect(&refresh)["active"],
        false,
        "the revoked refresh token"
    );
    assert_eq!(env.keyring_lookup("oidc/default/refresh_token"), None);
    let cannot = env.run(&["token", "oidc", "--min-valid", "999999"], "");
    assert_eq!(cannot.code, 3, "no refresh token, so a login: {cannot:?}");
    let status = env.ok(&["status", "--json"], "");
    assert!(!status.contains(&refresh) && !status.contains(&access));

    // Both flags, or neither, is a usage error.
    assert_eq!(env.run(&["revoke", "oidc"], "").code, 2);
    assert_eq!(
        env.run(&["revoke", "oidc", "--access", "--refresh"], "")
            .code,
        2
    );

    let kinds: Vec<String> = env
        .ok(&["log", "oidc", "--json"], "")
        .lines()
        .map(|l| json(l)["kind"].as_str().unwrap_or("").to_owned())
        .collect();
    for kind in ["introspect", "revoke_access", "revoke_refresh"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    let revoke_event = env
        .ok(&["log", "oidc", "--json"], "")
        .lines()
        .map(json)
        .find(|e| e["kind"] == "revoke_access")
        .expect("the revocation event");
    assert_eq!(
        revoke_event["endpoint"],
        format!("{}/token/revocation", p.issuer).as_str(),
        "{revoke_event}"
    );
    assert_eq!(revoke_event["status"], 200, "{revoke_event}");
}
