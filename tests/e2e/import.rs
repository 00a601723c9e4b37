//! `authdeck service import` of the five demo services' OpenAPI documents (served by
//! `demo-idp` as each real service declares its security scheme), logins with what the
//! documents cannot give, calls to the demo APIs with the tokens, and the team
//! export/import round trip, which must carry no secret.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use authdeck_e2e::{wait_for_event, Demo, Env};
use demo_idp::credentials as creds;
use demo_idp::DemoConfig;

fn demo() -> Demo {
    Demo::start(DemoConfig {
        auto_approve: true,
        autolab_poll_min_interval: Duration::from_secs(1),
        autolab_init_min_interval: Duration::from_millis(100),
        ..DemoConfig::default()
    })
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn token(env: &Env, id: &str) -> String {
    env.ok(&["token", id], "").trim_end().to_owned()
}

/// A token from the service's real login, through its preset (what a user would paste).
fn token_from_preset(env: &Env, d: &Demo, service: &str) -> String {
    let id = format!("{service}-src");
    let (sets, flags, stdin): (Vec<String>, Vec<&str>, String) = match service {
        "oqtant" => (
            vec![
                format!("endpoints.authorization={}/oqtant/authorize", d.base),
                format!("endpoints.token={}/oqtant/oauth/token", d.base),
            ],
            vec![],
            String::new(),
        ),
        "quamotion" => (
            vec![
                format!("client_id={}", creds::QUAMOTION_CLIENT_ID),
                format!("endpoints.token={}/quamotion/common/oauth2/token", d.base),
            ],
            vec!["--client-secret-stdin"],
            format!("{}\n", creds::QUAMOTION_CLIENT_SECRET),
        ),
        "plantpredict" => (
            vec![
                format!("client_id={}", creds::PLANTPREDICT_CLIENT_ID),
                format!("endpoints.token={}/plantpredict/oauth2/token", d.base),
            ],
            vec!["--client-secret-stdin"],
            format!("{}\n", creds::PLANTPREDICT_CLIENT_SECRET),
        ),
        other => panic!("no token source for {other}"),
    };
    let mut args = vec!["service", "add", id.as_str(), "--preset", service];
    for s in &sets {
        args.extend(["--set", s.as_str()]);
    }
    args.extend(flags);
    env.ok(&args, &stdin);
    env.ok(&["login", &id], "");
    token(env, &id)
}

#[test]
fn bearer_only_documents_make_pasted_token_services_that_work() {
    let d = demo();
    let env = Env::new();
    // (service, its API base below the demo server, an endpoint the token opens)
    for (service, base_path, api) in [
        ("oqtant", "/oqtant/api", "/oqtant/api/users/demo/jobs"),
        ("quamotion", "/quamotion/api", "/quamotion/api/version"),
        ("plantpredict", "/plantpredict", "/plantpredict/Project"),
    ] {
        let id = format!("{service}-docs");
        let url = format!("{}/{service}/openapi.json", d.base);
        let created = json(&env.ok(
            &["service", "import", &url, "--id", &id, "--yes", "--json"],
            "",
        ));
        assert_eq!(
            created["created"][0]["flow"], "bearer",
            "{service}: {created}"
        );
        assert_eq!(created["created"][0]["paste_hint"]["kind"], "raw_token");

        let show = json(&env.ok(&["service", "show", &id, "--json"], ""));
        assert_eq!(show["service"]["flow"], "bearer");
        assert_eq!(
            show["service"]["api_base"],
            format!("{}{base_path}", d.base),
            "{show}"
        );
        assert_eq!(show["paste_hint"]["kind"], "raw_token", "{show}");
        assert_eq!(show["paste_command"], format!("authdeck token {id}"));

        // Not pasted yet: exit 3 with the instruction.
        let out = env.run(&["token", &id], "");
        assert_eq!(out.code, 3, "{out:?}");
        assert!(
            out.stderr.contains(&format!("authdeck login {id}")),
            "{}",
            out.stderr
        );

        let pasted = token_from_preset(&env, &d, service);
        let login = json(&env.ok(
            &["login", &id, "--token-stdin", "--json"],
            &format!("{pasted}\n"),
        ));
        assert!(
            login["expires_at"].is_string(),
            "{service}: expiry from the JWT: {login}"
        );
        let t = token(&env, &id);
        assert_eq!(t, pasted);
        assert_eq!(d.get_status(api, Some(&t)), 200, "{service}: {api}");
        assert!(
            env.files_containing(&t).is_empty(),
            "{service}: token on disk"
        );
        // Once the caller needs more than the token has, it is a paste, not a refresh.
        let out = env.run(&["token", &id, "--min-valid", "99999999"], "");
        assert_eq!(out.code, 3, "{out:?}");
        assert!(out.stderr.contains("paste a new token"), "{}", out.stderr);
    }
}

#[test]
fn nomad_document_password_scheme_logs_in() {
    let d = demo();
    let env = Env::new();
    let url = format!("{}/nomad/api/v1/openapi.json", d.base);
    // Two schemes and no terminal: the choice is required, and nothing blocks.
    let out = env.run(&["service", "import", &url, "--yes"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("OAuth2PasswordBearer") && out.stderr.contains("--scheme"),
        "{}",
        out.stderr
    );
    env.ok(
        &[
            "service",
            "import",
            &url,
            "--scheme",
            "OAuth2PasswordBearer",
            "--id",
            "nomad",
            "--username",
            creds::NOMAD_USERNAME,
            "--password-stdin",
            "--yes",
        ],
        &format!("{}\n", creds::NOMAD_PASSWORD),
    );
    let show = json(&env.ok(&["service", "show", "nomad", "--json"], ""));
    assert_eq!(show["service"]["flow"], "password");
    // `tokenUrl: auth/token` is relative to the server URL.
    assert_eq!(
        show["service"]["endpoints"]["token"],
        format!("{}/nomad/api/v1/auth/token", d.base)
    );
    // The token of the password login goes into the docs' HTTPBearer box.
    assert_eq!(show["paste_hint"]["kind"], "raw_token");
    assert_eq!(show["paste_hint"]["scheme"], "HTTPBearer");
    env.ok(&["login", "nomad"], "");
    let t = token(&env, "nomad");
    assert_eq!(d.get_status("/nomad/api/v1/uploads", Some(&t)), 200);
    assert!(env.files_containing(&t).is_empty());
    assert!(env.files_containing(creds::NOMAD_PASSWORD).is_empty());
}

#[test]
fn autolab_document_gets_autolabs_device_login() {
    let d = demo();
    d.set_auto_approve(false);
    let env = Env::new();
    let url = format!("{}/autolab/openapi.json", d.base);
    let out = env.ok(
        &[
            "service",
            "import",
            &url,
            "--client-id",
            creds::AUTOLAB_CLIENT_ID,
            "--client-secret-stdin",
            "--yes",
        ],
        &format!("{}\n", creds::AUTOLAB_CLIENT_SECRET),
    );
    assert!(out.contains("preset 'autolab'"), "{out}");
    assert!(
        out.contains("swagger-ui issue 5320"),
        "oauth2-only docs: {out}"
    );
    let show = json(&env.ok(&["service", "show", "autolab", "--json"], ""));
    assert_eq!(show["service"]["flow"], "device", "{show}");
    assert_eq!(show["client_secret_stored"], true);
    assert_eq!(show["paste_hint"]["kind"], "cannot_paste");
    assert!(show["curl"]
        .as_str()
        .is_some_and(|c| c.contains("authdeck token autolab --format header")));

    let mut child = env.spawn(&["login", "autolab", "--json"]);
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let code = wait_for_event(&mut lines, "device_code");
    let user_code = code["user_code"].as_str().expect("user_code");
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/autolab/activate", d.base))
        .form(&[("user_code", user_code), ("action", "approve")])
        .send()
        .expect("activate");
    assert!(resp.status().is_success() || resp.status().is_redirection());
    std::thread::spawn(move || for _ in lines {});
    assert!(child.wait().expect("login").success());
    let t = token(&env, "autolab");
    assert_eq!(d.get_status("/autolab/api/v1/user", Some(&t)), 200);
    assert!(env
        .files_containing(creds::AUTOLAB_CLIENT_SECRET)
        .is_empty());
}

#[test]
fn export_import_round_trip_carries_definitions_and_no_secret() {
    let d = demo();
    let env = Env::new();
    let base = &d.base;
    env.ok(
        &[
            "service",
            "import",
            &format!("{base}/autolab/openapi.json"),
            "--client-id",
            creds::AUTOLAB_CLIENT_ID,
            "--client-secret-stdin",
            "--yes",
        ],
        &format!("{}\n", creds::AUTOLAB_CLIENT_SECRET),
    );
    env.ok(
        &[
            "service",
            "import",
            &format!("{base}/nomad/openapi.json"),
            "--scheme",
            "OAuth2PasswordBearer",
            "--id",
            "nomad",
            "--username",
            creds::NOMAD_USERNAME,
            "--password-stdin",
            "--yes",
        ],
        &format!("{}\n", creds::NOMAD_PASSWORD),
    );
    env.ok(&["login", "nomad"], "");
    env.ok(
        &[
            "service",
            "import",
            &format!("{base}/oqtant/openapi.json"),
            "--yes",
        ],
        "",
    );
    let pasted = token_from_preset(&env, &d, "quamotion");
    env.ok(
        &["login", "oqtant", "--token-stdin"],
        &format!("{pasted}\n"),
    );
    let nomad_token = token(&env, "nomad");

    let exported = env.ok(&["service", "export", "autolab", "nomad", "oqtant"], "");
    for secret in [
        creds::AUTOLAB_CLIENT_SECRET,
        creds::NOMAD_PASSWORD,
        &pasted,
        &nomad_token,
    ] {
        assert!(
            !exported.contains(secret),
            "a secret in the export:\n{exported}"
        );
    }
    assert!(
        !exported.contains(&format!("\"{}\"", creds::NOMAD_USERNAME)),
        "accounts are personal:\n{exported}"
    );
    assert!(
        !exported.contains("accounts =") && !exported.contains(".accounts"),
        "{exported}"
    );
    assert!(
        !exported.contains("quamotion-src"),
        "only the named services:\n{exported}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("team.toml");
    std::fs::write(&file, &exported).expect("write team file");
    let file = file.to_str().expect("utf-8 path");

    let other = Env::new();
    let out = other.ok(&["service", "import", file, "--yes"], "");
    assert!(out.contains("Imported 3 service(s)"), "{out}");
    assert!(
        out.contains("authdeck service secret autolab --client-secret-stdin"),
        "{out}"
    );
    assert_eq!(
        other.ok(&["service", "export"], ""),
        exported,
        "same definitions"
    );
    // No secret came along: the autolab client secret is missing until stored.
    let show = json(&other.ok(&["service", "show", "autolab", "--json"], ""));
    assert_eq!(show["client_secret_stored"], false);
    assert!(
        other.keyring_users().is_empty(),
        "{:?}",
        other.keyring_users()
    );
    // Importing over existing services needs --replace (no terminal to ask).
    let out = other.run(&["service", "import", file, "--yes"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--replace"), "{}", out.stderr);
    other.ok(&["service", "import", file, "--yes", "--replace"], "");
}

#[test]
fn documents_that_are_not_openapi_or_unreachable_are_clear() {
    let d = demo();
    let env = Env::new();
    let missing = format!("{}/nope/openapi.json", d.base);
    let out = env.run(&["service", "import", &missing, "--yes"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains(&missing) && out.stderr.contains("HTTP 404"),
        "{}",
        out.stderr
    );

    let page = format!("{}/nomad/docs", d.base);
    let out = env.run(&["service", "import", &page, "--yes"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("is not an OpenAPI or Swagger document"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("<html"),
        "never quotes the body: {}",
        out.stderr
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.to_str().expect("utf-8").to_owned()
    };
    let out = env.run(
        &[
            "service",
            "import",
            &write("a.json", "{\"info\": {\"title\": \"x\"}}"),
            "--yes",
        ],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no `openapi` or `swagger` field"),
        "{}",
        out.stderr
    );
    let out = env.run(
        &[
            "service",
            "import",
            &write("b.yaml", "openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n"),
            "--yes",
        ],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no security scheme"), "{}", out.stderr);
    let out = env.run(
        &["service", "import", "/nonexistent/openapi.json", "--yes"],
        "",
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("/nonexistent/openapi.json"),
        "{}",
        out.stderr
    );
    assert!(env.ok(&["service", "list", "--json"], "").trim() == "[]");
}

/// OpenAPI 3.2's `oauth2MetadataUrl` at the real oidc-provider: the import discovers the
/// endpoints from it, proposes the strongest client authentication the provider lists
/// (private_key_jwt: a key is generated and registered), and `x-tokenName: id_token`
/// makes the ID token the token handed out. Without the metadata URL (the feature off on
/// the document's side), the scheme has nothing to log in with and is not proposed.
#[test]
fn oauth2_metadata_url_and_x_token_name_against_the_real_provider() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = dir.path().join("jwks.json");
    let p =
        authdeck_e2e::Provider::start(&[("CLIENT_JWKS_FILE", jwks.to_str().expect("utf-8 path"))]);
    let env = Env::new();
    let doc = |metadata: &str| {
        let mut scheme =
            serde_json::json!({"type": "oauth2", "x-tokenName": "id_token", "flows": {}});
        scheme[metadata] = format!("{}/.well-known/oauth-authorization-server", p.issuer).into();
        serde_json::json!({
            "openapi": "3.2.0",
            "info": {"title": "Ledger", "version": "1"},
            "servers": [{"url": "https://ledger.example.test/api"}],
            "components": {"securitySchemes": {"ledger": scheme}}
        })
        .to_string()
    };
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, doc("oauth2MetadataUrl")).expect("write the document");
    let source = path.to_str().expect("utf-8 path");

    let proposed = json(&env.ok(&["service", "import", source, "--dry-run", "--json"], ""));
    let service = &proposed[0]["service"];
    assert_eq!(service["issuer"], format!("{}/", p.issuer), "{proposed}");
    assert_eq!(service["client_auth"], "private_key_jwt", "{proposed}");
    assert_eq!(service["token_field"], "id_token", "{proposed}");
    assert!(
        proposed[0]["needs"]
            .as_array()
            .is_some_and(|n| n.contains(&serde_json::json!("client_key"))),
        "{proposed}"
    );

    let out = env.ok(
        &[
            "service",
            "import",
            source,
            "--client-id",
            "key-jwt",
            "--yes",
        ],
        "",
    );
    assert!(out.contains("key generate ledger"), "{out}");
    let jwk = json(&env.ok(&["key", "generate", "ledger", "--jwks"], ""));
    std::fs::write(&jwks, jwk.to_string()).expect("register the JWKS");
    env.ok(&["login", "ledger"], "");
    let token = token(&env, "ledger");
    // The ID token (a JWT for the client), not the provider's opaque access token.
    let claims = token.split('.').nth(1).expect("a JWT");
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
            .expect("base64url"),
    )
    .expect("claims");
    assert_eq!(
        (claims["aud"].as_str(), claims["iss"].as_str()),
        (Some("key-jwt"), Some(p.issuer.as_str())),
        "{claims}"
    );
    assert_eq!(p.grants()["success"]["authorization_code"], 1);

    // Without the metadata URL, the scheme offers nothing to log in with.
    std::fs::write(&path, doc("x-not-metadata")).expect("write the document");
    let out = env.run(&["service", "import", source, "--dry-run", "--json"], "");
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("no security scheme"), "{out:?}");
}
