//! Signed request objects (JAR, RFC 9101) against the real oidc-provider, whose client
//! `jar-secret` takes no authorization request without one: the browser login with the
//! request object in the browser's URL, and pushed (PAR), both logging in; its negative
//! twin, the same client with request objects switched off on our side, is refused by
//! the provider with a clear error.

use base64::Engine as _;

use authdeck_e2e::{Env, Provider};

const SECRET: &str = "jar-secret-client-secret-of-32-bytes\n";

fn add(env: &Env, id: &str, issuer: &str, extra: &[&str]) {
    let mut args = vec![
        "service",
        "add",
        id,
        "--issuer",
        issuer,
        "--client-id",
        "jar-secret",
        "--client-auth",
        "client-secret-jwt",
        "--client-secret-stdin",
        "--flow",
        "auth-code",
        "--scope",
        "openid",
    ];
    args.extend_from_slice(extra);
    env.ok(&args, SECRET);
}

/// The claims of a JWT, unverified (the provider verifies it).
fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

#[test]
fn signed_request_objects_log_in_plain_and_pushed_and_their_twin_is_refused() {
    let p = Provider::start(&[]);
    let env = Env::new();
    add(&env, "jar", &p.issuer, &["--request-object", "signed"]);
    add(
        &env,
        "jarpar",
        &p.issuer,
        &["--request-object", "signed", "--par", "always"],
    );
    add(&env, "plain", &p.issuer, &["--request-object", "plain"]);

    // The browser's URL holds the client id and the signed request only.
    let mut child = env.spawn(&["login", "jar", "--json", "--no-browser", "--timeout", "60"]);
    let mut lines = {
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().expect("stdout")).lines()
    };
    let open = authdeck_e2e::wait_for_event(&mut lines, "open_browser");
    let _ = child.kill();
    let _ = child.wait();
    let url = reqwest::Url::parse(open["url"].as_str().expect("url")).expect("URL");
    let names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "request"], "{url}");
    let request = url
        .query_pairs()
        .find(|(k, _)| k == "request")
        .map(|(_, v)| v.into_owned())
        .expect("request");
    let c = claims(&request);
    assert_eq!(
        (
            c["iss"].as_str(),
            c["client_id"].as_str(),
            c["aud"].as_str()
        ),
        (
            Some("jar-secret"),
            Some("jar-secret"),
            Some(p.issuer.as_str())
        ),
        "{c}"
    );
    assert!(c["exp"].as_i64() > c["iat"].as_i64(), "{c}");
    assert!(c["jti"].as_str().is_some_and(|j| j.len() >= 16), "{c}");
    assert_eq!(c["response_type"], "code", "{c}");
    assert_eq!(c["code_challenge_method"], "S256", "{c}");
    assert!(
        c["state"].is_string() && c["redirect_uri"].is_string(),
        "{c}"
    );

    // Both ways log in.
    env.ok(&["login", "jar"], "");
    env.ok(&["login", "jarpar"], "");
    let t = env.ok(&["token", "jarpar"], "").trim().to_owned();
    assert_eq!(p.introspect(&t)["active"], true);
    let grants = p.grants();
    assert_eq!(grants["par"], 1, "{grants}");
    assert_eq!(grants["success"]["authorization_code"], 2, "{grants}");

    // The negative twin: no request object, and the provider refuses the login.
    let out = env.run(&["login", "plain", "--timeout", "30"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("invalid_request") && out.stderr.contains("Request Object"),
        "{}",
        out.stderr
    );
    let grants = p.grants();
    assert_eq!(grants["success"]["authorization_code"], 2, "{grants}");
}
