//! The five seed services (and their variants) against `demo-idp`, their faithful local
//! stand-in: every preset logs in, its token opens the service's protected endpoint, a
//! short lifetime is renewed by the broker, and each documented error is clear and
//! changes nothing stored.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use authdeck_e2e::{wait_for_event, Demo, Env};
use demo_idp::credentials as creds;
use demo_idp::DemoConfig;

/// The access-token lifetime of the renewal tests: short enough to wait out, long enough
/// that a debug CLI on a loaded machine uses a fresh token before it expires.
const TTL: u64 = 6;

fn demo(ttl_secs: Option<u64>, auto_approve: bool) -> Demo {
    Demo::start(DemoConfig {
        access_ttl: ttl_secs.map(Duration::from_secs),
        auto_approve,
        autolab_poll_min_interval: Duration::from_secs(1),
        autolab_init_min_interval: Duration::from_millis(100),
        ..DemoConfig::default()
    })
}

fn token(env: &Env, id: &str) -> String {
    env.ok(&["token", id], "").trim_end().to_owned()
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

/// Logs in, checks the API accepts the token (and refuses no token), waits for the token
/// to expire, checks the broker renews it and the API accepts the new one.
fn login_use_expire_renew(env: &Env, demo: &Demo, id: &str, api: &str, ttl: u64) {
    env.ok(&["login", id], "");
    let t1 = token(env, id);
    assert_eq!(
        demo.get_status(api, Some(&t1)),
        200,
        "{id}: token must open {api}"
    );
    assert_eq!(
        demo.get_status(api, None),
        401,
        "{id}: {api} without a token"
    );
    std::thread::sleep(Duration::from_secs(ttl + 1));
    assert_eq!(
        demo.get_status(api, Some(&t1)),
        401,
        "{id}: the old token expired"
    );
    let t2 = env
        .ok(&["token", id, "--min-valid", "0"], "")
        .trim_end()
        .to_owned();
    assert_ne!(t1, t2, "{id}: a new token after expiry");
    assert_eq!(
        demo.get_status(api, Some(&t2)),
        200,
        "{id}: the renewed token works"
    );
    for t in [&t1, &t2] {
        assert!(env.files_containing(t).is_empty(), "{id}: token on disk");
    }
}

#[test]
fn quamotion_v1_and_v2_client_credentials() {
    let d = demo(Some(TTL), true);
    let env = Env::new();
    for (id, preset, token_path) in [
        ("q1", "quamotion", "oauth2/token"),
        ("q2", "quamotion-v2", "oauth2/v2.0/token"),
    ] {
        add_preset(
            &env,
            id,
            preset,
            &[
                format!("client_id={}", creds::QUAMOTION_CLIENT_ID),
                format!(
                    "endpoints.token={}/quamotion/my-tenant/{token_path}",
                    d.base
                ),
            ],
            &["--client-secret-stdin"],
            &format!("{}\n", creds::QUAMOTION_CLIENT_SECRET),
        );
        login_use_expire_renew(&env, &d, id, "/quamotion/api/version", TTL);
    }
}

#[test]
fn quamotion_errors_carry_the_aadsts_description_and_change_nothing() {
    let d = demo(None, true);
    let env = Env::new();
    let url = format!("endpoints.token={}/quamotion/common/oauth2/token", d.base);
    add_preset(
        &env,
        "q",
        "quamotion",
        &[
            format!("client_id={}", creds::QUAMOTION_CLIENT_ID),
            url.clone(),
        ],
        &["--client-secret-stdin"],
        "wrong-secret-value\n",
    );
    let out = env.run(&["login", "q"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("invalid_client") && out.stderr.contains("AADSTS7000215"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("wrong-secret-value"));
    // Without the trailing slash on `resource`, Azure refuses the audience.
    add_preset(
        &env,
        "q",
        "quamotion",
        &[
            format!("client_id={}", creds::QUAMOTION_CLIENT_ID),
            url,
            "token_params.resource=https://cloud.quamotion.mobi".into(),
        ],
        &["--client-secret-stdin", "--replace"],
        &format!("{}\n", creds::QUAMOTION_CLIENT_SECRET),
    );
    let out = env.run(&["login", "q"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("AADSTS500011"), "{}", out.stderr);
    assert!(env.keyring_lookup("q/default/access_token").is_none());
}

#[test]
fn plantpredict_current_and_legacy_send_everything_in_the_query() {
    let d = demo(Some(TTL), true);
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
        &format!("{}\n", creds::PLANTPREDICT_CLIENT_SECRET),
    );
    login_use_expire_renew(&env, &d, "pp", "/plantpredict/Project", TTL);

    add_preset(
        &env,
        "ppl",
        "plantpredict-legacy",
        &[
            format!("client_id={}", creds::PLANTPREDICT_CLIENT_ID),
            format!(
                "endpoints.token={}/plantpredict/okta/oauth2/aus3jzhulkrINTdnc356/v1/token",
                d.base
            ),
        ],
        &[
            "--username",
            creds::PLANTPREDICT_USERNAME,
            "--client-secret-stdin",
            "--password-stdin",
        ],
        &format!(
            "{}\n{}\n",
            creds::PLANTPREDICT_CLIENT_SECRET,
            creds::PLANTPREDICT_PASSWORD
        ),
    );
    let r1 = {
        env.ok(&["login", "ppl"], "");
        env.keyring_lookup("ppl/default/refresh_token")
            .expect("legacy refresh token")
    };
    login_use_expire_renew(&env, &d, "ppl", "/plantpredict/Project", TTL);
    let r2 = env
        .keyring_lookup("ppl/default/refresh_token")
        .expect("refresh token");
    assert_ne!(
        r1, r2,
        "the legacy variant renews through its refresh token"
    );

    // A wrong client secret: a clear error, and the stored token stays.
    let before = env.keyring_lookup("pp/default/access_token");
    env.ok(
        &["service", "secret", "pp", "--client-secret-stdin"],
        "not-the-secret\n",
    );
    let out = env.run(&["token", "pp", "--min-valid", "999999"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("invalid_client"), "{}", out.stderr);
    assert_eq!(env.keyring_lookup("pp/default/access_token"), before);
}

#[test]
fn nomad_current_legacy_refresh_and_app_tokens() {
    let d = demo(Some(TTL), true);
    let env = Env::new();
    let api = format!("{}/nomad/api", d.base);
    let keycloak = format!(
        "{}/nomad/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token",
        d.base
    );
    add_preset(
        &env,
        "nomad",
        "nomad",
        &[
            format!("api_base={api}"),
            format!("endpoints.refresh={keycloak}"),
        ],
        &["--username", creds::NOMAD_USERNAME, "--password-stdin"],
        &format!("{}\n", creds::NOMAD_PASSWORD),
    );
    login_use_expire_renew(&env, &d, "nomad", "/nomad/api/v1/uploads", TTL);
    assert!(env.keyring_lookup("nomad/default/refresh_token").is_some());
    // Keycloak's refresh_expires_in (the realm's 2-hour session) is kept as an absolute
    // end in the state file, beside the token's own.
    let state: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.dir("state").join("accounts/nomad/default.json")).expect("state"),
    )
    .expect("state JSON");
    assert_eq!(
        state["refresh_expires_at"].as_i64(),
        state["obtained_at"].as_i64().map(|at| at + 7_200),
        "{state}"
    );

    // An app token: its own token with its own expiry; it opens the API too.
    let app = env
        .ok(&["token", "nomad", "--app-token", "--expires-in", "7d"], "")
        .trim_end()
        .to_owned();
    assert_eq!(d.get_status("/nomad/api/v1/uploads", Some(&app)), 200);
    assert_eq!(
        env.ok(&["token", "nomad", "--app-token"], "").trim_end(),
        app,
        "the stored app token is reused"
    );
    let out = env.run(
        &["token", "nomad", "--app-token", "--expires-in", "31d"],
        "",
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("refused an app token lifetime") && out.stderr.contains("30 days"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.keyring_lookup("nomad/default/app_token").as_deref(),
        Some(app.as_str()),
        "the old app token stays"
    );
    assert!(env.files_containing(&app).is_empty());

    add_preset(
        &env,
        "nomad-old",
        "nomad-legacy",
        &[format!("api_base={api}")],
        &["--username", creds::NOMAD_USERNAME, "--password-stdin"],
        &format!("{}\n", creds::NOMAD_PASSWORD),
    );
    login_use_expire_renew(&env, &d, "nomad-old", "/nomad/api/v1/uploads", TTL);

    add_preset(
        &env,
        "nomad-bad",
        "nomad",
        &[format!("api_base={api}")],
        &["--username", creds::NOMAD_USERNAME, "--password-stdin"],
        "not-the-password\n",
    );
    let out = env.run(&["login", "nomad-bad"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("Incorrect username or password"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not-the-password"));
}

#[test]
fn oqtant_browser_login_with_audience_and_localhost_ports() {
    // No auto-approval: the test browser clicks "Approve" on the consent page.
    let d = demo(None, false);
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
    let mut cmd = env.authdeck();
    cmd.env("BROWSER_APPROVE", "1");
    let out = env.run_with(cmd, &["login", "oqtant", "--json"], "");
    assert_eq!(out.code, 0, "{out:?}");
    let out = out.stdout;
    let first: serde_json::Value =
        serde_json::from_str(out.lines().next().expect("line")).expect("json");
    let url = first["url"].as_str().expect("url");
    assert!(
        url.contains("audience=https%3A%2F%2Foqtant.infleqtion.com%2Foqtant"),
        "{url}"
    );
    assert!(
        url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A808"),
        "{url}"
    );
    let t = token(&env, "oqtant");
    assert_eq!(d.get_status("/oqtant/api/users/me/jobs", Some(&t)), 200);
    // Another service's API refuses it.
    assert_eq!(d.get_status("/nomad/api/v1/uploads", Some(&t)), 401);
    // No refresh token: when it expires, a login is required.
    assert!(env.keyring_lookup("oqtant/default/refresh_token").is_none());
    assert_eq!(
        env.run(&["token", "oqtant", "--min-valid", "99999999"], "")
            .code,
        3
    );
}

/// Runs an Autolab device login, approving or denying on the activation page like a person.
pub(crate) fn autolab_login(
    env: &Env,
    d: &Demo,
    account: &str,
    approve: bool,
) -> std::process::Child {
    let mut child = env.spawn(&["login", "autolab", "--account", account, "--json"]);
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let code = wait_for_event(&mut lines, "device_code");
    let user_code = code["user_code"].as_str().expect("user_code");
    assert!(
        code["verification_uri"]
            .as_str()
            .expect("uri")
            .ends_with("/autolab/activate"),
        "{code}"
    );
    let decision = if approve { "approve" } else { "deny" };
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/autolab/activate", d.base))
        .form(&[("user_code", user_code), ("action", decision)])
        .send()
        .expect("activate");
    assert!(
        resp.status().is_success() || resp.status().is_redirection(),
        "{}",
        resp.status()
    );
    // Keep reading so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    child
}

#[test]
fn autolab_device_login_refresh_rotation_and_denial() {
    let d = demo(Some(3), false);
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
    let mut child = autolab_login(&env, &d, "default", true);
    assert!(child.wait().expect("wait").success());
    let t1 = token(&env, "autolab");
    assert_eq!(d.get_status("/autolab/api/v1/user", Some(&t1)), 200);
    let r1 = env
        .keyring_lookup("autolab/default/refresh_token")
        .expect("refresh token");
    std::thread::sleep(Duration::from_secs(4));
    let t2 = token(&env, "autolab");
    assert_ne!(t1, t2);
    assert_eq!(d.get_status("/autolab/api/v1/user", Some(&t2)), 200);
    assert_ne!(
        env.keyring_lookup("autolab/default/refresh_token")
            .expect("rotated"),
        r1
    );

    let mut child = autolab_login(&env, &d, "denied", false);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(3), "a denied login is consent denied");
}

#[test]
fn autolab_rate_limit_is_backed_off_not_fatal() {
    // The server demands 7 s between polls; Authdeck polls every 5 s, so its second poll
    // gets a 429 — which must slow it down, not end the login.
    let d = Demo::start(DemoConfig {
        autolab_poll_min_interval: Duration::from_secs(7),
        autolab_init_min_interval: Duration::from_millis(100),
        ..DemoConfig::default()
    });
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
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_LOG", "info")
        .args(["login", "autolab", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let code = wait_for_event(&mut lines, "device_code");
    std::thread::sleep(Duration::from_secs(6)); // the first poll (at 5 s) saw "pending"
    let user_code = code["user_code"].as_str().expect("user_code");
    reqwest::blocking::Client::new()
        .post(format!("{}/autolab/activate", d.base))
        .form(&[("user_code", user_code), ("action", "approve")])
        .send()
        .expect("activate");
    wait_for_event(&mut lines, "done");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HTTP 429"),
        "the rate limit was hit and handled: {stderr}"
    );
    let t = token(&env, "autolab");
    assert_eq!(d.get_status("/autolab/api/v1/user", Some(&t)), 200);
}

#[test]
fn demo_mode_logs_into_all_five_and_the_tokens_open_their_apis() {
    let env = Env::new();
    let (listener, port) = authdeck_e2e::occupy_port();
    drop(listener);
    let port = port.to_string();
    let demo = |args: &[&str]| {
        let mut cmd = env.authdeck();
        cmd.env("AUTHDECK_DEMO_PORT", &port)
            .env("AUTHDECK_DEMO_AUTO_APPROVE", "1")
            .env("AUTHDECK_DEMO_SERVER_LIFETIME", "90");
        let mut all = vec!["--demo"];
        all.extend_from_slice(args);
        let out = env.run_with(cmd, &all, "");
        assert_eq!(out.code, 0, "authdeck {all:?}: {out:?}");
        out.stdout
    };
    let status = demo(&["status"]);
    for id in ["oqtant", "quamotion", "autolab", "plantpredict", "nomad"] {
        assert!(status.contains(id), "{status}");
    }
    let base = format!("http://127.0.0.1:{port}");
    let apis = [
        ("oqtant", "/oqtant/api/users/demo/jobs"),
        ("quamotion", "/quamotion/api/version"),
        ("autolab", "/autolab/api/v1/user"),
        ("plantpredict", "/plantpredict/Project"),
        ("nomad", "/nomad/api/v1/uploads"),
    ];
    let http = reqwest::blocking::Client::new();
    for (id, api) in apis {
        demo(&["login", id]);
        let token = demo(&["token", id]).trim_end().to_owned();
        let status = http
            .get(format!("{base}{api}"))
            .bearer_auth(&token)
            .send()
            .expect("api")
            .status();
        assert_eq!(status.as_u16(), 200, "{id}: the demo token must open {api}");
        assert!(
            env.files_containing(&token).is_empty(),
            "{id}: token on disk"
        );
    }
    // The demo's secrets live in their own keyring namespace, not the normal one.
    assert!(env.keyring_users().is_empty(), "{:?}", env.keyring_users());
    assert!(demo(&["status"]).contains("logged in"));
}
