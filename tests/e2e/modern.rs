//! The current OAuth security profile against the real oidc-provider: client
//! authentication with signed JWTs (`private_key_jwt` with a key Authdeck generates or
//! imports, `client_secret_jwt`), each with its negative twin (the provider refuses when
//! our side does not do it). The private key is searched for in every output and file.

use std::path::PathBuf;

use authdeck_e2e::{Env, Outcome, Provider};

/// A provider whose client `key-jwt` trusts the JWKS written to [`KeyedProvider::jwks`].
struct KeyedProvider {
    p: Provider,
    _dir: tempfile::TempDir,
    jwks: PathBuf,
}

impl KeyedProvider {
    fn start(extra: &[(&str, &str)]) -> KeyedProvider {
        let dir = tempfile::tempdir().expect("tempdir");
        let jwks = dir.path().join("jwks.json");
        let path = jwks.to_str().expect("utf-8 path").to_owned();
        let mut env = vec![("CLIENT_JWKS_FILE", path.as_str())];
        env.extend_from_slice(extra);
        KeyedProvider {
            p: Provider::start(&env),
            _dir: dir,
            jwks,
        }
    }

    /// Registers these public keys (JWKs) for `key-jwt`, as a person would at the provider.
    fn register(&self, keys: &[serde_json::Value]) {
        let jwks = serde_json::json!({ "keys": keys });
        std::fs::write(&self.jwks, jwks.to_string()).expect("write the JWKS");
    }
}

fn add(env: &Env, id: &str, issuer: &str, client: &str, flow: &str, extra: &[&str], stdin: &str) {
    let mut args = vec![
        "service",
        "add",
        id,
        "--issuer",
        issuer,
        "--client-id",
        client,
        "--flow",
        flow,
    ];
    if flow == "client-credentials" {
        args.extend(["--scope", "api:read"]);
    } else {
        args.extend(["--scope", "openid", "--scope", "offline_access"]);
    }
    args.extend_from_slice(extra);
    env.ok(&args, stdin);
}

/// The one JWK `authdeck key …` printed, checked to hold no private member.
fn public_jwk(out: &str) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_str(out.trim()).expect("JWK JSON");
    let jwk = value.get("keys").map_or(value.clone(), |k| k[0].clone());
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(
            jwk.get(private).is_none(),
            "private member {private}: {jwk}"
        );
    }
    jwk
}

/// The base64 lines of the PEM key in the keyring entry `user` (what must never leave
/// the keyring), less those that also appear in the printed public key (an RSA key's
/// PEM holds its modulus, whose base64 can line up with the JWK's `n`).
fn key_lines(env: &Env, user: &str, public: &[&Outcome]) -> Vec<String> {
    let pem = env
        .keyring_entry(user)
        .expect("the private key is in the keyring");
    assert!(pem.starts_with("-----BEGIN "), "a PEM key");
    let lines: Vec<String> = pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .filter(|l| !public.iter().any(|o| o.stdout.contains(l)))
        .map(str::to_owned)
        .collect();
    assert!(
        lines.len() >= 2,
        "too little private material to search for"
    );
    lines
}

fn assert_nowhere(env: &Env, outputs: &[&Outcome], secrets: &[String]) {
    assert!(!secrets.is_empty());
    for secret in secrets {
        for out in outputs {
            assert!(
                !out.stdout.contains(secret.as_str()) && !out.stderr.contains(secret.as_str()),
                "key material in the output: {out:?}"
            );
        }
        let hits = env.files_containing(secret);
        assert!(hits.is_empty(), "key material in files: {hits:?}");
    }
}

fn login_json(env: &Env, id: &str) -> (Outcome, serde_json::Value) {
    let out = env.run(&["login", id, "--json"], "");
    let last = out
        .stdout
        .lines()
        .last()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .unwrap_or_default();
    (out, last)
}

#[test]
fn private_key_jwt_es256_client_credentials_auth_code_refresh_and_revocation() {
    let kp = KeyedProvider::start(&[]);
    let p = &kp.p;
    let env = Env::new();
    add(
        &env,
        "kcc",
        &p.issuer,
        "key-jwt",
        "client-credentials",
        &["--client-auth", "private-key-jwt"],
        "",
    );
    add(
        &env,
        "kac",
        &p.issuer,
        "key-jwt",
        "auth-code",
        &["--client-auth", "private-key-jwt"],
        "",
    );

    // No key yet: the login says how to make one.
    let out = env.run(&["login", "kcc"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("authdeck key generate kcc"),
        "{}",
        out.stderr
    );

    let gen_cc = env.run(&["key", "generate", "kcc"], "");
    assert_eq!(gen_cc.code, 0, "{gen_cc:?}");
    let jwk_cc = public_jwk(&gen_cc.stdout);
    assert_eq!(
        (jwk_cc["kty"].as_str(), jwk_cc["alg"].as_str()),
        (Some("EC"), Some("ES256"))
    );
    let gen_ac = env.run(&["key", "generate", "kac", "--jwks"], "");
    assert_eq!(gen_ac.code, 0, "{gen_ac:?}");
    let jwk_ac = public_jwk(&gen_ac.stdout);
    let show = env.run(&["key", "show", "kac"], "");
    assert_eq!(
        public_jwk(&show.stdout),
        jwk_ac,
        "show prints the generated key"
    );
    kp.register(&[jwk_cc, jwk_ac]);

    let login_cc = env.run(&["login", "kcc"], "");
    assert_eq!(login_cc.code, 0, "{login_cc:?}");
    let t = env.ok(&["token", "kcc"], "").trim().to_owned();
    assert_eq!(p.introspect(&t)["active"], true);
    assert_eq!(p.introspect(&t)["client_id"], "key-jwt");

    let login_ac = env.run(&["login", "kac"], "");
    assert_eq!(login_ac.code, 0, "{login_ac:?}");
    let t1 = env.ok(&["token", "kac"], "").trim().to_owned();
    let t2 = env
        .ok(&["token", "kac", "--min-valid", "999999"], "")
        .trim()
        .to_owned();
    assert_ne!(t1, t2, "refreshed with a fresh assertion");
    assert_eq!(p.introspect(&t2)["active"], true);
    let logout = env.run(&["logout", "kac"], "");
    assert_eq!(logout.code, 0, "{logout:?}");
    assert_eq!(
        p.introspect(&t2)["active"],
        false,
        "revoked with an assertion"
    );
    let grants = p.grants();
    assert_eq!(grants["success"]["refresh_token"], 1, "{grants}");
    assert!(grants["error"].get("invalid_client").is_none(), "{grants}");

    let mut secrets = key_lines(&env, "kcc/client_key", &[&gen_cc]);
    secrets.extend(key_lines(&env, "kac/client_key", &[&gen_ac]));
    assert_nowhere(
        &env,
        &[&gen_cc, &gen_ac, &show, &login_cc, &login_ac, &logout],
        &secrets,
    );

    // Removing the service removes its key.
    env.ok(&["service", "remove", "kcc"], "");
    assert!(env.keyring_entry("kcc/client_key").is_none());
}

#[test]
fn private_key_jwt_rs256_imported_and_an_unregistered_key_is_a_client_refusal() {
    let kp = KeyedProvider::start(&[]);
    let p = &kp.p;
    let env = Env::new();
    let extra = [
        "--client-auth",
        "private-key-jwt",
        "--assertion-audience",
        "issuer",
    ];
    add(
        &env,
        "krs",
        &p.issuer,
        "key-jwt",
        "client-credentials",
        &extra,
        "",
    );
    add(
        &env,
        "kwrong",
        &p.issuer,
        "key-jwt",
        "client-credentials",
        &["--client-auth", "private-key-jwt"],
        "",
    );

    // RS256: an RSA key made elsewhere (a fixture made with OpenSSL) is imported.
    let pem = include_str!("../../crates/authdeck-core/src/client_key/test-rsa-pkcs1.pem");
    let imported = env.run(&["key", "import", "krs", "--jwks"], pem);
    assert_eq!(imported.code, 0, "{imported:?}");
    let jwk = public_jwk(&imported.stdout);
    assert_eq!(jwk["alg"], "RS256");
    // Authdeck does not make RSA keys itself, and says how to get one.
    let rs = env.run(&["key", "generate", "krs", "--alg", "RS256"], "");
    assert_eq!(rs.code, 2, "{rs:?}");
    assert!(
        rs.stderr.contains("openssl genpkey") && rs.stderr.contains("authdeck key import krs"),
        "{}",
        rs.stderr
    );
    let wrong = env.run(&["key", "generate", "kwrong"], "");
    assert_eq!(wrong.code, 0, "{wrong:?}");
    kp.register(&[jwk]);

    let ok = env.run(&["login", "krs"], "");
    assert_eq!(ok.code, 0, "{ok:?}");
    let t = env.ok(&["token", "krs"], "").trim().to_owned();
    assert_eq!(p.introspect(&t)["active"], true);

    // The negative twin: a key the provider does not know is refused as the client's
    // credentials (typed), and the hint says what to do about the key.
    let (out, event) = login_json(&env, "kwrong");
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(event["code"], "bad_client_credentials", "{event}");
    assert!(out.stderr.contains("authdeck key"), "{}", out.stderr);
    assert_eq!(p.grants()["error"]["invalid_client"], 1);

    let mut secrets = key_lines(&env, "krs/client_key", &[&imported]);
    secrets.extend(key_lines(&env, "kwrong/client_key", &[&wrong]));
    assert_nowhere(&env, &[&imported, &rs, &wrong, &ok, &out], &secrets);
}

#[test]
fn client_secret_jwt_client_credentials_and_auth_code_and_its_negative_twin() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let secret = "jwt-secret-client-secret-of-32-bytes\n";
    let extra = [
        "--client-auth",
        "client-secret-jwt",
        "--client-secret-stdin",
    ];
    add(
        &env,
        "scc",
        &p.issuer,
        "jwt-secret",
        "client-credentials",
        &extra,
        secret,
    );
    add(
        &env,
        "sac",
        &p.issuer,
        "jwt-secret",
        "auth-code",
        &extra,
        secret,
    );
    let mut extra_endpoint = extra.to_vec();
    extra_endpoint.extend(["--assertion-audience", "endpoint"]);
    add(
        &env,
        "send",
        &p.issuer,
        "jwt-secret",
        "client-credentials",
        &extra_endpoint,
        secret,
    );
    // The same client, but our side sends the secret in the form instead of a JWT.
    add(
        &env,
        "spost",
        &p.issuer,
        "jwt-secret",
        "client-credentials",
        &["--client-auth", "post", "--client-secret-stdin"],
        secret,
    );

    env.ok(&["login", "scc"], "");
    env.ok(&["login", "send"], "");
    let t = env.ok(&["token", "scc"], "").trim().to_owned();
    assert_eq!(p.introspect(&t)["client_id"], "jwt-secret");
    env.ok(&["login", "sac"], "");
    let t1 = env.ok(&["token", "sac"], "").trim().to_owned();
    let t2 = env
        .ok(&["token", "sac", "--min-valid", "999999"], "")
        .trim()
        .to_owned();
    assert_ne!(t1, t2);
    env.ok(&["logout", "sac"], "");
    assert_eq!(p.introspect(&t2)["active"], false);

    let (out, event) = login_json(&env, "spost");
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(event["code"], "bad_client_credentials", "{event}");
    let grants = p.grants();
    assert_eq!(grants["error"]["invalid_client"], 1, "{grants}");
    assert_eq!(grants["success"]["client_credentials"], 2, "{grants}");
}

/// Starts a browser login that opens no browser, and returns the process, its JSON
/// lines, and the authorization URL it printed.
fn start_login(
    env: &Env,
    id: &str,
) -> (
    std::process::Child,
    impl Iterator<Item = std::io::Result<String>>,
    reqwest::Url,
) {
    use std::io::BufRead;
    let mut child = env.spawn(&["login", id, "--json", "--no-browser", "--timeout", "60"]);
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let open = authdeck_e2e::wait_for_event(&mut lines, "open_browser");
    let url = reqwest::Url::parse(open["url"].as_str().expect("url")).expect("authorization URL");
    (child, lines, url)
}

fn param(url: &reqwest::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[test]
fn a_callback_with_a_wrong_or_missing_iss_is_refused_as_a_mix_up() {
    let p = Provider::start(&[]);
    let env = Env::new();
    add(&env, "h", &p.issuer, "native-app", "auth-code", &[], "");
    for (iss, expect) in [
        (Some("https://evil.example"), "'https://evil.example'"),
        (None, "carried no `iss`"),
    ] {
        let (mut child, lines, url) = start_login(&env, "h");
        let state = param(&url, "state").expect("state");
        let redirect = param(&url, "redirect_uri").expect("redirect_uri");
        // The right state (it leaked, or another provider got it in a mix-up), a code,
        // and the wrong issuer or none.
        let mut hostile = reqwest::Url::parse(&redirect).expect("redirect URI");
        hostile
            .query_pairs_mut()
            .append_pair("code", "code-from-another-provider")
            .append_pair("state", &state);
        if let Some(iss) = iss {
            hostile.query_pairs_mut().append_pair("iss", iss);
        }
        let page = reqwest::blocking::get(hostile.as_str()).expect("callback");
        let body = page.text().expect("page");
        assert!(body.contains("mix-up"), "the browser is told: {body}");
        let error = lines
            .map(|l| serde_json::from_str::<serde_json::Value>(&l.expect("line")).expect("json"))
            .find(|v| v["event"] == "error")
            .expect("an error event");
        let message = error["message"].as_str().expect("message");
        assert!(
            message.contains(expect) && message.contains("mix-up"),
            "{error}"
        );
        assert_eq!(error["kind"], "provider", "{error}");
        assert_eq!(child.wait().expect("wait").code(), Some(4));
    }
    // The code was never sent to the token endpoint.
    let grants = p.grants();
    assert!(
        grants["success"].get("authorization_code").is_none(),
        "{grants}"
    );
    assert!(grants["error"].get("invalid_grant").is_none(), "{grants}");
    // The real provider's answer carries its iss, and passes.
    env.ok(&["login", "h"], "");
}

#[test]
fn par_required_by_the_provider_is_used_with_client_authentication_and_its_twin_fails() {
    let kp = KeyedProvider::start(&[("REQUIRE_PAR", "1")]);
    let p = &kp.p;
    let env = Env::new();
    add(
        &env,
        "par",
        &p.issuer,
        "key-jwt",
        "auth-code",
        &["--client-auth", "private-key-jwt"],
        "",
    );
    add(
        &env,
        "public",
        &p.issuer,
        "native-app",
        "auth-code",
        &[],
        "",
    );
    add(
        &env,
        "nopar",
        &p.issuer,
        "native-app",
        "auth-code",
        &["--par", "never"],
        "",
    );
    let out = env.run(&["key", "generate", "par"], "");
    kp.register(&[public_jwk(&out.stdout)]);

    // The browser gets client_id and request_uri only.
    let (mut child, mut lines, url) = start_login(&env, "public");
    let names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "request_uri"], "{url}");
    assert!(param(&url, "request_uri")
        .is_some_and(|u| u.starts_with("urn:ietf:params:oauth:request_uri:")));
    let _ = child.kill();
    let _ = child.wait();
    drop(lines.next());

    env.ok(&["login", "public"], "");
    env.ok(&["login", "par"], "");
    let t = env
        .ok(&["token", "par", "--min-valid", "999999"], "")
        .trim()
        .to_owned();
    assert_eq!(p.introspect(&t)["active"], true);
    let grants = p.grants();
    assert_eq!(grants["par"], 3, "{grants}");
    assert_eq!(grants["success"]["authorization_code"], 2, "{grants}");

    // The negative twin: our PAR switched off, the provider refuses the plain request.
    let out = env.run(&["login", "nopar", "--timeout", "30"], "");
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("invalid_request") || out.stderr.contains("Pushed"),
        "{}",
        out.stderr
    );
}
