//! DPoP (RFC 9449) against the real oidc-provider, whose client `dpop-app` requires
//! DPoP-bound tokens and whose nonces are required (`DPOP_NONCE=1`), with pushed
//! authorization requests (so `dpop_jkt` is pushed too): the login binds the tokens
//! (`token_type` DPoP) after the nonce retry, a refresh keeps them bound, `authdeck token`
//! refuses to hand the token out alone, `--dpop-proof` prints headers that curl gets a 200
//! with from the provider's own DPoP-checking route, and so does `authdeck proxy`. The
//! negative twin: the same client with DPoP off on our side is refused, as a typed
//! error. The DPoP private key is searched for in every output and file.

use std::process::Command;

use authdeck_e2e::{Env, Outcome, Provider, StopOnDrop};

fn add(env: &Env, p: &Provider, id: &str, dpop: Option<&str>) {
    let api_base = format!("{}/test", p.issuer);
    let mut args = vec![
        "service",
        "add",
        id,
        "--issuer",
        &p.issuer,
        "--client-id",
        "dpop-app",
        "--flow",
        "auth-code",
        "--scope",
        "openid",
        "--scope",
        "offline_access",
        "--api-base",
        &api_base,
    ];
    if let Some(mode) = dpop {
        args.extend(["--dpop", mode]);
    }
    env.ok(&args, "");
}

fn token_type(env: &Env, id: &str) -> serde_json::Value {
    let path = env.dir("state").join(format!("accounts/{id}/default.json"));
    let text = std::fs::read_to_string(&path).expect("the account's state file");
    let state: serde_json::Value = serde_json::from_str(&text).expect("state JSON");
    state["token_type"].clone()
}

/// `curl -H <line>… url`: the status code and the response headers.
fn curl(url: &str, header_lines: &str) -> (u16, String) {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}"]);
    for line in header_lines.lines() {
        cmd.args(["-H", line]);
    }
    let out = cmd.arg(url).output().expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let code = text
        .get(text.len().saturating_sub(3)..)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, text)
}

fn header<'a>(headers: &'a str, name: &str) -> Option<&'a str> {
    headers.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn dpop_bound_login_refresh_hand_outs_proxy_and_the_twin_without_dpop() {
    let p = Provider::start(&[("DPOP_NONCE", "1"), ("REQUIRE_PAR", "1")]);
    let env = Env::new();
    let api = format!("{}/test/api", p.issuer);
    add(&env, &p, "dp", Some("auto"));

    // The login: a proof on the token request, sent again with the provider's nonce.
    let login = env.run(&["login", "dp"], "");
    assert_eq!(login.code, 0, "{login:?}");
    assert_eq!(token_type(&env, "dp"), "DPoP");
    let grants = p.grants();
    assert_eq!(grants["success"]["authorization_code"], 1, "{grants}");
    assert!(
        grants["error"]["use_dpop_nonce"].as_u64() >= Some(1),
        "no nonce retry: {grants}"
    );
    assert_eq!(grants["dpop_jkt"], 1, "dpop_jkt pushed: {grants}");
    assert!(
        env.keyring_entry("dp/default/dpop_key").is_some(),
        "the DPoP key is in the keyring"
    );

    // The token alone is refused, with what to do instead.
    let alone = env.run(&["token", "dp"], "");
    assert_eq!(alone.code, 2, "{alone:?}");
    assert!(alone.stdout.is_empty(), "{alone:?}");
    for expected in [
        "DPoP-bound",
        "authdeck proxy dp",
        "authdeck token dp --dpop-proof",
    ] {
        assert!(alone.stderr.contains(expected), "{}", alone.stderr);
    }
    let exec = env.run(&["exec", "dp", "--", "true"], "");
    assert_eq!(exec.code, 2, "exec hands out no DPoP-bound token: {exec:?}");

    // --dpop-proof with a refresh first: still bound, and curl gets in (after the API's
    // own nonce challenge, answered with --dpop-nonce).
    let first = env.run(
        &[
            "token",
            "dp",
            "--min-valid",
            "999999",
            "--dpop-proof",
            "GET",
            &api,
        ],
        "",
    );
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(p.grants()["success"]["refresh_token"], 1, "refreshed");
    assert_eq!(token_type(&env, "dp"), "DPoP", "the refresh stays bound");
    let lines: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", first.stdout);
    assert!(lines[0].starts_with("Authorization: DPoP "), "{}", lines[0]);
    assert!(lines[1].starts_with("DPoP: ey"), "{}", lines[1]);
    let (code, headers) = curl(&api, &first.stdout);
    assert_eq!(code, 401, "the API asks for its nonce: {headers}");
    let nonce = header(&headers, "dpop-nonce")
        .expect("a DPoP-Nonce")
        .to_owned();
    let second = env.ok(
        &[
            "token",
            "dp",
            "--dpop-proof",
            "GET",
            &api,
            "--dpop-nonce",
            &nonce,
        ],
        "",
    );
    let (code, headers) = curl(&api, &second);
    assert_eq!(code, 200, "{headers}");
    // The same headers again: a proof is good for one request.
    assert_eq!(curl(&api, &second).0, 401, "a replayed proof is refused");

    // The proxy adds a fresh proof to each request, answering the nonce challenge itself.
    let mut child = env
        .authdeck()
        .args(["proxy", "dp"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn authdeck proxy");
    let mut first_line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut first_line,
    )
    .expect("the proxy's URL");
    let _proxy = StopOnDrop::new(child);
    let base = first_line.trim_end().trim_end_matches('/');
    let client = reqwest::blocking::Client::new();
    for _ in 0..2 {
        let resp = client.get(format!("{base}/api")).send().expect("proxy");
        assert_eq!(resp.status(), 200, "through the proxy");
        let body: serde_json::Value = resp.json().expect("json");
        assert_eq!(body["client_id"], "dpop-app");
    }
    let api_counts = &p.grants()["api"];
    assert_eq!(api_counts["ok"], 3, "{api_counts}");
    assert_eq!(
        api_counts["nonce"], 2,
        "curl's and the proxy's first: {api_counts}"
    );

    // The private key never left the keyring.
    let pem = env.keyring_entry("dp/default/dpop_key").expect("key");
    let key_lines: Vec<String> = pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(str::to_owned)
        .collect();
    assert!(key_lines.len() >= 2, "too little key material");
    for line in &key_lines {
        for out in [&login, &alone, &exec, &first] {
            assert!(
                !out.stdout.contains(line.as_str()) && !out.stderr.contains(line.as_str()),
                "key material in the output: {out:?}"
            );
        }
        assert!(
            env.files_containing(line).is_empty(),
            "key material in files"
        );
    }

    // The negative twin: DPoP off on our side, the provider refuses, typed.
    add(&env, &p, "plain", None);
    let twin = env.run(&["login", "plain", "--json"], "");
    assert_eq!(twin.code, 2, "{twin:?}");
    let last: serde_json::Value = twin
        .stdout
        .lines()
        .last()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .unwrap_or_default();
    assert_eq!(last["code"], "dpop_required", "{twin:?}");
    assert!(twin.stderr.contains("dpop = \"auto\""), "{twin:?}");

    // Logout forgets the key with the tokens.
    let logout: Outcome = env.run(&["logout", "dp"], "");
    assert_eq!(logout.code, 0, "{logout:?}");
    assert!(env.keyring_entry("dp/default/dpop_key").is_none());
}
