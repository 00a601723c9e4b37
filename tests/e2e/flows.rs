//! Every grant, end to end, through the CLI.

use std::io::{BufRead, BufReader};

use authdeck_e2e::{wait_for_event, Env, Provider};

fn add(env: &Env, args: &[&str], stdin: &str) {
    let mut all = vec!["service", "add"];
    all.extend_from_slice(args);
    env.ok(&all, stdin);
}

fn token(env: &Env, service: &str, extra: &[&str]) -> String {
    let mut args = vec!["token", service];
    args.extend_from_slice(extra);
    env.ok(&args, "").trim_end().to_owned()
}

fn assert_not_on_disk(env: &Env, secrets: &[&str]) {
    for s in secrets {
        let hits = env.files_containing(s);
        assert!(hits.is_empty(), "a secret was written to disk: {hits:?}");
    }
}

#[test]
fn auth_code_pkce_login_refresh_rotation_reuse_and_logout() {
    let p = Provider::start(&[]);
    let env = Env::new();
    add(
        &env,
        &[
            "oidc",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "auth-code",
            "--scope",
            "openid",
            "--scope",
            "offline_access",
            "--scope",
            "api:read",
        ],
        "",
    );
    let out = env.ok(&["login", "oidc", "--json"], "");
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(
        events.first().expect("event")["event"],
        "open_browser",
        "{out}"
    );
    let url = events[0]["url"].as_str().expect("url");
    for needle in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A",
    ] {
        assert!(url.contains(needle), "{needle} missing from {url}");
    }
    assert_eq!(events.last().expect("done")["event"], "done", "{out}");

    let t1 = token(&env, "oidc", &[]);
    assert_eq!(p.introspect(&t1)["active"], true);
    assert_eq!(
        env.keyring_lookup("oidc/default/access_token").as_deref(),
        Some(t1.as_str())
    );
    let r1 = env
        .keyring_lookup("oidc/default/refresh_token")
        .expect("refresh token stored");
    // A cached token is returned as is.
    assert_eq!(token(&env, "oidc", &[]), t1);

    // Force a refresh: the provider rotates the refresh token; the new one is stored.
    let t2 = token(&env, "oidc", &["--min-valid", "999999"]);
    assert_ne!(t1, t2);
    assert_eq!(p.introspect(&t2)["active"], true);
    let r2 = env
        .keyring_lookup("oidc/default/refresh_token")
        .expect("rotated refresh token");
    assert_ne!(r1, r2, "the rotated refresh token must replace the old one");

    let bearer = token(&env, "oidc", &["--format", "bearer"]);
    assert_eq!(bearer, format!("Bearer {t2}"));
    let header = token(&env, "oidc", &["--format", "header"]);
    assert_eq!(header, format!("Authorization: Bearer {t2}"));
    let json: serde_json::Value =
        serde_json::from_str(&token(&env, "oidc", &["--format", "json"])).expect("json");
    assert_eq!(json["access_token"], t2.as_str());
    assert!(json["expires_in"].as_i64().expect("expires_in") > 3000);

    // Reusing the spent refresh token makes the provider revoke the whole grant …
    let (status, body) = p.raw_refresh("native-app", &r1);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // … so the next refresh gets invalid_grant: "login required", exit 3, no retry loop.
    let out = env.run(&["token", "oidc", "--min-valid", "999999"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("authdeck login oidc"), "{}", out.stderr);
    let again = env.run(&["token", "oidc"], "");
    assert_eq!(
        again.code, 3,
        "stays login-required without contacting the provider: {again:?}"
    );
    let status: serde_json::Value =
        serde_json::from_str(&env.ok(&["status", "--json"], "")).expect("status");
    assert_eq!(status[0]["state"], "login_required", "{status}");
    assert_eq!(
        env.keyring_lookup("oidc/default/refresh_token"),
        None,
        "the dead refresh token is forgotten"
    );

    // Log in again, then log out: the provider says the token is no longer active.
    env.ok(&["login", "oidc"], "");
    let t3 = token(&env, "oidc", &[]);
    assert_eq!(p.introspect(&t3)["active"], true);
    let r3 = env
        .keyring_lookup("oidc/default/refresh_token")
        .expect("refresh");
    let out = env.ok(&["logout", "oidc"], "");
    assert!(out.contains("revoked"), "{out}");
    assert_eq!(p.introspect(&t3)["active"], false);
    assert_eq!(p.introspect(&r3)["active"], false);
    assert!(
        env.keyring_users().is_empty(),
        "tokens left in the keyring: {:?}",
        env.keyring_users()
    );
    assert_eq!(env.run(&["token", "oidc"], "").code, 3);

    assert_not_on_disk(&env, &[&t1, &t2, &t3, &r1, &r2, &r3]);
}

#[test]
fn auth_code_confidential_clients_basic_and_post_with_localhost_and_port_range() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let (_busy, busy_port) = authdeck_e2e::occupy_port();
    let ports = format!("{busy_port}-{}", busy_port + 3);
    for (id, client, auth) in [
        ("basic", "conf-basic", "basic"),
        ("post", "conf-post", "post"),
    ] {
        add(
            &env,
            &[
                id,
                "--issuer",
                &p.issuer,
                "--client-id",
                client,
                "--client-auth",
                auth,
                "--client-secret-stdin",
                "--flow",
                "auth-code",
                "--scope",
                "openid",
                "--redirect-host",
                "localhost",
                "--port",
                &ports,
            ],
            &format!("{client}-secret\n"),
        );
        let out = env.ok(&["login", id, "--json"], "");
        let first: serde_json::Value =
            serde_json::from_str(out.lines().next().expect("line")).expect("json");
        let url = first["url"].as_str().expect("url");
        assert!(
            url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"),
            "{url}"
        );
        assert!(
            !url.contains(&format!("localhost%3A{busy_port}%2F")),
            "the busy port must be skipped: {url}"
        );
        let t = token(&env, id, &[]);
        assert_eq!(p.introspect(&t)["active"], true);
        assert_eq!(p.introspect(&t)["client_id"], client);
        assert_eq!(
            env.keyring_lookup(&format!("{id}/client_secret")),
            Some(format!("{client}-secret"))
        );
        assert_not_on_disk(&env, &[&t, &format!("{client}-secret")]);
    }
}

#[test]
fn device_flow_login_and_denial() {
    let p = Provider::start(&[("DEVICE_INTERVAL", "1")]);
    let env = Env::new();
    add(
        &env,
        &[
            "dev",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "device",
            "--scope",
            "openid",
            "--scope",
            "api:read",
        ],
        "",
    );

    let mut child = env.spawn(&["login", "dev", "--json"]);
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let code = wait_for_event(&mut lines, "device_code");
    let user_code = code["user_code"].as_str().expect("user_code");
    let uri = code["verification_uri"].as_str().expect("verification_uri");
    assert!(
        code["verification_uri_complete"]
            .as_str()
            .is_some_and(|u| u.contains("user_code=")),
        "{code}"
    );
    assert!(code["expires_in"].as_u64().expect("expires_in") > 0);
    p.approve_device(uri, user_code, false);
    let done = wait_for_event(&mut lines, "done");
    assert!(done["expires_at"].is_string(), "{done}");
    assert!(child.wait().expect("wait").success());
    let t = token(&env, "dev", &[]);
    assert_eq!(p.introspect(&t)["active"], true);
    assert!(env.keyring_lookup("dev/default/refresh_token").is_some());

    // A person who denies: a clear error event (consent denied) and exit code 3.
    let mut child = env.spawn(&["login", "dev", "--account", "other", "--json"]);
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let code = wait_for_event(&mut lines, "device_code");
    p.approve_device(
        code["verification_uri"].as_str().expect("uri"),
        code["user_code"].as_str().expect("code"),
        true,
    );
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let last: serde_json::Value =
        serde_json::from_str(rest.last().expect("error event")).expect("json");
    assert_eq!(last["event"], "error");
    assert!(
        last["message"]
            .as_str()
            .expect("message")
            .contains("denied"),
        "{last}"
    );
    assert_eq!(last["code"], "consent_denied", "{last}");
    assert_eq!(last["kind"], "login_required", "{last}");
    assert_eq!(child.wait().expect("wait").code(), Some(3));
    assert_not_on_disk(&env, &[&t]);
}

#[test]
fn client_credentials_basic_and_post_with_extra_parameters() {
    let p = Provider::start(&[]);
    let env = Env::new();
    add(
        &env,
        &[
            "m-basic",
            "--issuer",
            &p.issuer,
            "--client-id",
            "machine-basic",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:read",
            "--token-param",
            "resource=https://api.example.test/",
        ],
        "machine-basic-secret\n",
    );
    add(
        &env,
        &[
            "m-post",
            "--token-url",
            &format!("{}/token", p.issuer),
            "--client-id",
            "machine-post",
            "--client-auth",
            "post",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:write",
        ],
        "machine-post-secret\n",
    );
    // No explicit login needed: the broker fetches on demand.
    let tb = token(&env, "m-basic", &[]);
    let info = p.introspect(&tb);
    assert_eq!(info["active"], true);
    assert_eq!(info["client_id"], "machine-basic");
    assert_eq!(info["aud"], "https://api.example.test/", "{info}");
    env.ok(&["login", "m-post"], "");
    let tp = token(&env, "m-post", &[]);
    assert_eq!(p.introspect(&tp)["client_id"], "machine-post");
    // Forcing renewal re-fetches (no refresh token for client credentials).
    let tp2 = token(&env, "m-post", &["--min-valid", "999999"]);
    assert_ne!(tp, tp2);
    assert_eq!(p.introspect(&tp2)["active"], true);
    assert_not_on_disk(
        &env,
        &[
            &tb,
            &tp,
            &tp2,
            "machine-basic-secret",
            "machine-post-secret",
        ],
    );
}

#[test]
fn password_grant_public_and_confidential_and_wrong_password() {
    let p = Provider::start(&[]);
    let env = Env::new();
    add(
        &env,
        &[
            "pw",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "password",
            "--username",
            "alice",
            "--password-stdin",
            "--scope",
            "openid",
            "--scope",
            "api:read",
        ],
        "alice-password\n",
    );
    env.ok(&["login", "pw"], "");
    let t = token(&env, "pw", &[]);
    let info = p.introspect(&t);
    assert_eq!(
        (info["active"].as_bool(), info["sub"].as_str()),
        (Some(true), Some("alice")),
        "{info}"
    );
    // Refresh through the refresh token (rotation) for password accounts too.
    let t2 = token(&env, "pw", &["--min-valid", "999999"]);
    assert_ne!(t, t2);

    add(
        &env,
        &[
            "pw-post",
            "--issuer",
            &p.issuer,
            "--client-id",
            "conf-post",
            "--client-auth",
            "post",
            "--client-secret-stdin",
            "--flow",
            "password",
            "--username",
            "bob",
            "--password-stdin",
        ],
        "conf-post-secret\nbob-password\n",
    );
    let tb = token(&env, "pw-post", &[]);
    assert_eq!(p.introspect(&tb)["sub"], "bob");
    assert_eq!(
        env.keyring_lookup("pw-post/default/password").as_deref(),
        Some("bob-password")
    );

    add(
        &env,
        &[
            "pw-bad",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "password",
            "--username",
            "alice",
            "--password-stdin",
        ],
        "not-the-password\n",
    );
    let out = env.run(&["login", "pw-bad"], "");
    assert_eq!(out.code, 3, "bad user credentials: {out:?}");
    assert!(
        out.stderr.contains("user name or password") && !out.stderr.contains("not-the-password"),
        "{}",
        out.stderr
    );
    assert_not_on_disk(
        &env,
        &[
            &t,
            &t2,
            &tb,
            "alice-password",
            "bob-password",
            "conf-post-secret",
        ],
    );
}

#[test]
fn discovery_falls_back_to_rfc8414() {
    let p = Provider::start(&[("DISCOVERY", "oauth-only")]);
    let env = Env::new();
    add(
        &env,
        &[
            "rfc8414",
            "--issuer",
            &p.issuer,
            "--client-id",
            "machine-basic",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        "machine-basic-secret\n",
    );
    let t = token(&env, "rfc8414", &[]);
    assert_eq!(p.introspect(&t)["active"], true);
    let cached = std::fs::read_to_string(env.dir("cache").join("discovery/rfc8414.json"))
        .expect("metadata cached");
    assert!(cached.contains("token_endpoint"), "{cached}");
}

#[test]
fn concurrent_processes_never_spend_a_rotated_refresh_token_twice() {
    let p = Provider::start(&[]);
    let env = Env::new();
    add(
        &env,
        &[
            "rot",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "auth-code",
            "--scope",
            "openid",
        ],
        "",
    );
    env.ok(&["login", "rot"], "");
    // Every process forces a refresh. Without the cross-process lock two of them would
    // spend the same refresh token, and oidc-provider would revoke the whole grant.
    for round in 0..5 {
        let children: Vec<_> = (0..4)
            .map(|_| env.spawn(&["token", "rot", "--min-valid", "999999"]))
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let t = token(&env, "rot", &[]);
    assert_eq!(p.introspect(&t)["active"], true);
}

#[test]
fn no_browser_prints_the_url_for_another_browser() {
    let p = Provider::start(&[]);
    let env = Env::new();
    add(
        &env,
        &[
            "nb",
            "--issuer",
            &p.issuer,
            "--client-id",
            "native-app",
            "--flow",
            "auth-code",
            "--scope",
            "openid",
        ],
        "",
    );
    let mut cmd = env.authdeck();
    // A browser command that would fail the login if it were started.
    cmd.env("AUTHDECK_BROWSER", "false")
        .args(["login", "nb", "--no-browser", "--json"])
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let event = wait_for_event(&mut lines, "open_browser");
    let url = event["url"].as_str().expect("url");
    // The person opens the URL elsewhere.
    let status = std::process::Command::new("node")
        .arg(authdeck_e2e::tests_dir().join("provider/browser.mjs"))
        .arg(url)
        .status()
        .expect("browser.mjs");
    assert!(status.success());
    wait_for_event(&mut lines, "done");
    assert!(child.wait().expect("wait").success());
    assert_eq!(p.introspect(&token(&env, "nb", &[]))["active"], true);
}
