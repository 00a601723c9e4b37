//! Secrets stored by earlier Authdeck builds (the `keyring` crate's Secret Service
//! entries) are still found: written here with `secret-tool`, independently of Authdeck.

use std::io::Write;
use std::process::{Command, Stdio};

use authdeck_e2e::{Env, Provider};

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
    // The new tokens are stored where those builds look for them.
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
            "pw/default/refresh_token",
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
