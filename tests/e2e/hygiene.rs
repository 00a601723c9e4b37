//! Secret hygiene: a whole session — browser login, refresh with rotation, client
//! credentials, password grant, logout — run with debug logs on, then every byte the CLI
//! wrote to stdout (except `authdeck token`'s, whose job it is) and stderr, and every file
//! under the config, state and cache dirs (the accounts' activity too), is searched for
//! every secret it handled — the private key of a `private_key_jwt` client (generated,
//! used, shown), an account's DPoP key (made at login, signing the proofs of its token
//! requests and of `token --dpop-proof`) and a token got by token exchange too.

use authdeck_e2e::{Env, Outcome, Provider};

/// Runs `authdeck` with `AUTHDECK_LOG=debug`, keeping what it printed.
struct Session<'a> {
    env: &'a Env,
    printed: Vec<(String, String)>,
}

impl Session<'_> {
    fn run(&mut self, args: &[&str], stdin: &str, stdout_may_hold_a_token: bool) -> Outcome {
        let mut cmd = self.env.authdeck();
        cmd.env("AUTHDECK_LOG", "debug");
        let out = self.env.run_with(cmd, args, stdin);
        assert_eq!(out.code, 0, "authdeck {args:?}: {out:?}");
        let what = args.join(" ");
        self.printed
            .push((format!("stderr of `{what}`"), out.stderr.clone()));
        if !stdout_may_hold_a_token {
            self.printed
                .push((format!("stdout of `{what}`"), out.stdout.clone()));
        }
        out
    }

    fn secrets(&self, users: &[&str]) -> Vec<String> {
        users
            .iter()
            .filter_map(|u| self.env.keyring_lookup(u))
            .collect()
    }
}

#[test]
fn no_secret_in_debug_logs_messages_or_files() {
    let jwks_dir = tempfile::tempdir().expect("tempdir");
    let jwks = jwks_dir.path().join("jwks.json");
    let p = Provider::start(&[("CLIENT_JWKS_FILE", jwks.to_str().expect("utf-8 path"))]);
    let env = Env::new();
    let mut s = Session {
        env: &env,
        printed: Vec::new(),
    };
    let mut secrets: Vec<String> = vec!["machine-basic-secret".into(), "alice-password".into()];

    s.run(
        &[
            "service",
            "add",
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
        ],
        "",
        false,
    );
    s.run(&["login", "oidc", "--json"], "", false);
    let users = [
        "oidc/default/access_token",
        "oidc/default/refresh_token",
        "oidc/default/id_token",
    ];
    secrets.extend(s.secrets(&users));
    s.run(&["token", "oidc", "--min-valid", "999999"], "", true);
    secrets.extend(s.secrets(&users));
    s.run(&["status", "--json"], "", false);
    s.run(&["service", "show", "oidc"], "", false);

    s.run(
        &[
            "service",
            "add",
            "cc",
            "--token-url",
            &format!("{}/token", p.issuer),
            "--client-id",
            "machine-basic",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        "machine-basic-secret\n",
        false,
    );
    s.run(&["login", "cc"], "", false);
    secrets.extend(s.secrets(&["cc/default/access_token"]));

    s.run(
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
            "--password-stdin",
            "--scope",
            "openid",
            "--scope",
            "api:read",
        ],
        "alice-password\n",
        false,
    );
    s.run(&["login", "pw"], "", false);
    secrets.extend(s.secrets(&["pw/default/access_token", "pw/default/refresh_token"]));
    s.run(&["token", "pw", "--min-valid", "999999"], "", true);
    secrets.extend(s.secrets(&["pw/default/access_token", "pw/default/refresh_token"]));
    // Token exchange: the exchanged token is kept in the keyring only.
    s.run(
        &[
            "token",
            "pw",
            "--exchange-for",
            "https://billing.example.test",
        ],
        "",
        true,
    );
    let exchanged = env
        .keyring_entry("pw/default/exchanged")
        .expect("the exchanged token is in the keyring");
    let exchanged: serde_json::Value = serde_json::from_str(&exchanged).expect("JSON");
    let tokens = exchanged["tokens"].as_object().expect("tokens");
    assert_eq!(tokens.len(), 1, "{exchanged}");
    secrets.extend(
        tokens
            .values()
            .filter_map(|t| t["access_token"].as_str().map(str::to_owned)),
    );

    // private_key_jwt: the key is generated into the keyring, its public part printed
    // (and registered), then it signs the client's assertions.
    s.run(
        &[
            "service",
            "add",
            "pk",
            "--issuer",
            &p.issuer,
            "--client-id",
            "key-jwt",
            "--flow",
            "client-credentials",
            "--client-auth",
            "private-key-jwt",
            "--scope",
            "api:read",
        ],
        "",
        false,
    );
    let generated = s.run(&["key", "generate", "pk", "--jwks"], "", false);
    std::fs::write(&jwks, &generated.stdout).expect("register the JWKS");
    s.run(&["login", "pk"], "", false);
    s.run(&["token", "pk", "--min-valid", "999999"], "", true);
    s.run(&["key", "show", "pk"], "", false);
    s.run(&["service", "show", "pk"], "", false);
    secrets.extend(s.secrets(&["pk/default/access_token"]));
    let pem = env
        .keyring_entry("pk/client_key")
        .expect("the private key is in the keyring");
    // Its base64 lines, less any that the public key printed holds as well.
    let key_lines: Vec<String> = pem
        .lines()
        .filter(|l| !l.starts_with("-----") && !generated.stdout.contains(l))
        .map(str::to_owned)
        .collect();
    assert!(key_lines.len() >= 2, "{} key lines", key_lines.len());
    secrets.extend(key_lines);

    // DPoP: the account's key is made at login and signs every proof.
    s.run(
        &[
            "service",
            "add",
            "dp",
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
            "--dpop",
            "auto",
        ],
        "",
        false,
    );
    s.run(&["login", "dp"], "", false);
    let api = format!("{}/test/api", p.issuer);
    let dp_users = ["dp/default/access_token", "dp/default/refresh_token"];
    secrets.extend(s.secrets(&dp_users));
    s.run(
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
        true,
    );
    secrets.extend(s.secrets(&dp_users));
    s.run(&["status", "--json"], "", false);
    let dpop_pem = env
        .keyring_entry("dp/default/dpop_key")
        .expect("the DPoP key is in the keyring");
    let dpop_lines: Vec<String> = dpop_pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(str::to_owned)
        .collect();
    assert!(dpop_lines.len() >= 2, "{} DPoP key lines", dpop_lines.len());
    secrets.extend(dpop_lines);

    s.run(&["logout", "oidc"], "", false);
    s.run(&["status"], "", false);
    // The accounts' activity (state/activity/…) is among the files scanned below.
    for id in ["oidc", "cc", "pw"] {
        s.run(&["log", id, "--json"], "", false);
        s.run(&["log", id], "", false);
        assert!(
            env.dir("state")
                .join(format!("activity/{id}/default.jsonl"))
                .is_file(),
            "no activity file for {id}"
        );
    }

    assert!(
        s.printed
            .iter()
            .any(|(_, text)| text.contains("DEBUG") || text.contains("debug")),
        "debug logging did not take effect"
    );
    secrets.sort();
    secrets.dedup();
    assert!(
        secrets.len() >= 8,
        "too few secrets collected: {}",
        secrets.len()
    );
    for secret in &secrets {
        assert!(secret.len() >= 8, "a secret too short to search for");
        for (what, text) in &s.printed {
            assert!(
                !text.contains(secret.as_str()),
                "a secret ({}…) appears in {what}",
                &secret[..4]
            );
        }
        let hits = env.files_containing(secret);
        assert!(
            hits.is_empty(),
            "a secret ({}…) is in {hits:?}",
            &secret[..4]
        );
    }
}
