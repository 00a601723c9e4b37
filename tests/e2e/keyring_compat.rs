//! Secrets stored by earlier Authdeck builds (the `keyring` crate's Secret Service
//! entries, and one entry per token before an account's tokens shared one) are still
//! found: written here with `secret-tool`, independently of Authdeck.

use std::io::Write;
use std::process::{Command, Stdio};

use authdeck_e2e::{token_in_entry, Env, Provider};

/// Stores `secret` under `attributes` with `secret-tool` (in the default collection).
fn secret_tool_store(attributes: &[&str], secret: &str) {
    let mut child = Command::new("secret-tool")
        .args(["store", "--label=stored by an earlier build"])
        .args(attributes)
        .stdin(Stdio::piped())
        .spawn()
        .expect("secret-tool");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(secret.as_bytes())
        .expect("write");
    assert!(child.wait().expect("secret-tool").success());
}

#[test]
fn secrets_of_earlier_builds_are_found() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "pw",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "password",
            "--username",
            "alice",
            "--scope",
            "openid",
        ],
        "",
    );
    // The password as the `keyring` crate before 3.x wrote it: no `target` attribute,
    // so it is found by the fallback search in the default collection. (Entries with
    // `target`, as `keyring` 3.x writes them, are the ones Authdeck writes itself.)
    let ns = env.namespace.as_str();
    secret_tool_store(
        &[
            "service",
            ns,
            "username",
            "pw/default/password",
            "application",
            "rust-keyring",
        ],
        "alice-password",
    );
    let out = env.run(&["token", "pw"], "");
    assert_eq!(out.code, 0, "{out:?}");
    // The new tokens are stored as the `keyring` crate stores entries.
    assert_eq!(
        env.keyring_lookup("pw/default/access_token").as_deref(),
        Some(out.stdout.trim_end())
    );
    let found = Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "target",
            "default",
            "service",
            ns,
            "username",
            "pw/default/tokens",
        ])
        .output()
        .expect("secret-tool");
    // secret-tool prints the attributes on stderr (the secret, on stdout, is not shown).
    let attributes = String::from_utf8_lossy(&found.stderr);
    assert!(
        attributes.contains("attribute.application = rust-keyring"),
        "{attributes}"
    );
    // Removing the service deletes the old entry too.
    env.ok(&["service", "remove", "pw"], "");
    assert!(env.keyring_users().is_empty(), "{:?}", env.keyring_users());
}

/// Deletes the entry `user` with `secret-tool`.
fn secret_tool_clear(ns: &str, user: &str) {
    let status = Command::new("secret-tool")
        .args(["clear", "service", ns, "username", user])
        .status()
        .expect("secret-tool");
    assert!(status.success());
}

#[test]
fn tokens_kept_one_entry_each_are_read_and_moved_into_one() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.logged_in_auth_code(&p, "old");
    let ns = env.namespace.as_str();
    // Turn the account into what a build before the one-entry layout left behind: an
    // entry per token (with the `keyring` crate's attributes) and a state file without
    // `tokens_in_one_entry`.
    let entry = env
        .keyring_entry("old/default/tokens")
        .expect("the tokens entry");
    let access = token_in_entry(&entry, "access_token").expect("access token");
    let refresh = token_in_entry(&entry, "refresh_token").expect("refresh token");
    let id = token_in_entry(&entry, "id_token").expect("ID token");
    for (kind, value) in [
        ("access_token", &access),
        ("refresh_token", &refresh),
        ("id_token", &id),
    ] {
        secret_tool_store(
            &[
                "target",
                "default",
                "service",
                ns,
                "username",
                &format!("old/default/{kind}"),
                "application",
                "rust-keyring",
            ],
            value,
        );
    }
    secret_tool_clear(ns, "old/default/tokens");
    let state_file = env.dir("state").join("accounts/old/default.json");
    let state = std::fs::read_to_string(&state_file).expect("state file");
    assert!(state.contains("\"tokens_in_one_entry\": true"), "{state}");
    let old_state = state.replace(",\n  \"tokens_in_one_entry\": true", "");
    assert_ne!(old_state, state, "{state}");
    std::fs::write(&state_file, &old_state).expect("write state");
    assert_eq!(
        env.keyring_users(),
        [
            "old/default/access_token",
            "old/default/id_token",
            "old/default/refresh_token"
        ]
    );

    // The cached token is read from the old layout, and nothing is rewritten for it.
    assert_eq!(env.ok(&["token", "old"], "").trim_end(), access);
    assert_eq!(
        std::fs::read_to_string(&state_file).expect("state"),
        old_state
    );
    // A refresh spends the old layout's refresh token and stores the new tokens in one
    // entry; the old entries are gone and the state file says so.
    let renewed = env.ok(&["token", "old", "--min-valid", "999999"], "");
    assert_ne!(renewed.trim_end(), access);
    assert_eq!(env.keyring_users(), ["old/default/tokens"]);
    assert_eq!(
        env.keyring_lookup("old/default/access_token").as_deref(),
        Some(renewed.trim_end())
    );
    let rotated = env
        .keyring_lookup("old/default/refresh_token")
        .expect("the rotated refresh token");
    assert_ne!(rotated, refresh, "the provider rotates refresh tokens");
    assert_eq!(
        p.raw_refresh("native-app", &refresh).0,
        400,
        "the old one is spent"
    );
    let state = std::fs::read_to_string(&state_file).expect("state file");
    assert!(state.contains("\"tokens_in_one_entry\": true"), "{state}");
    // Logging out removes the one entry (and would remove old ones).
    env.ok(&["logout", "old"], "");
    assert!(env.keyring_users().is_empty(), "{:?}", env.keyring_users());
}
