//! Token exchange (RFC 8693) against the real oidc-provider (its token-exchange grant is
//! registered in `tests/provider/server.mjs`): `authdeck token --exchange-for` with an
//! audience given on the spot and with a target named in services.toml; the exchanged
//! token is checked at the provider (its `aud` and scope), kept in the keyring only,
//! handed out again without the provider, activity-logged, and refused with typed errors
//! (`invalid_target`, `invalid_scope`). Without the exchange on our side, the token
//! handed out is the account's own, which the provider says is not for the audience.

use authdeck_e2e::{Env, Provider};

const BILLING: &str = "https://billing.example.test";
const REPORTS: &str = "https://reports.example.test";

#[test]
fn exchange_for_an_audience_and_a_named_target_with_typed_refusals() {
    let p = Provider::start(&[]);
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "corp",
            "--issuer",
            &p.issuer,
            "--client-id",
            "conf-basic",
            "--client-auth",
            "basic",
            "--client-secret-stdin",
            "--flow",
            "password",
            "--username",
            "alice",
            "--password-stdin",
            "--scope",
            "openid",
            "--scope",
            "api:read",
            "--scope",
            "api:write",
        ],
        "conf-basic-secret\nalice-password\n",
    );
    // A named target, as a user writes it by hand.
    let path = env.dir("config").join("services.toml");
    let mut text = std::fs::read_to_string(&path).expect("services.toml");
    text.push_str(&format!(
        "\n[services.corp.exchange.reports]\nresource = \"{REPORTS}\"\nscopes = [\"api:write\"]\n"
    ));
    std::fs::write(&path, text).expect("write services.toml");

    let own = env.ok(&["token", "corp"], "").trim().to_owned();
    // The feature switched off on our side: the account's own token is not for billing.
    let info = p.introspect(&own);
    assert_ne!(info["aud"].as_str(), Some(BILLING), "{info}");

    let json = env.ok(
        &[
            "token",
            "corp",
            "--exchange-for",
            BILLING,
            "--format",
            "json",
        ],
        "",
    );
    let value: serde_json::Value = serde_json::from_str(json.trim()).expect("json");
    let billing = value["access_token"].as_str().expect("token").to_owned();
    assert_ne!(billing, own);
    assert_eq!(value["scopes"], serde_json::json!(["api:read"]), "{value}");
    let info = p.introspect(&billing);
    assert_eq!(
        (
            info["active"].as_bool(),
            info["aud"].as_str(),
            info["scope"].as_str(),
            info["sub"].as_str()
        ),
        (Some(true), Some(BILLING), Some("api:read"), Some("alice")),
        "{info}"
    );
    // Kept in the keyring (never in a file) and handed out again without the provider.
    let entry = env
        .keyring_entry("corp/default/exchanged")
        .expect("the exchanged entry");
    assert!(entry.contains(&billing));
    assert!(env.files_containing(&billing).is_empty());
    let before = p.grants();
    let again = env.ok(&["token", "corp", "--exchange-for", BILLING], "");
    assert_eq!(again.trim(), billing);
    assert_eq!(p.grants()["success"], before["success"], "no new grant");

    // The named target: its resource and scopes.
    let reports = env.ok(&["token", "corp", "--exchange-for", "reports"], "");
    let info = p.introspect(reports.trim());
    assert_eq!(
        (info["aud"].as_str(), info["scope"].as_str()),
        (Some(REPORTS), Some("api:write")),
        "{info}"
    );
    // Both are kept, under their own keys.
    let entry = env.keyring_entry("corp/default/exchanged").expect("entry");
    assert!(entry.contains(&billing) && entry.contains(reports.trim()));

    // Typed refusals: an audience the provider does not serve, a scope too wide.
    let out = env.run(
        &["token", "corp", "--exchange-for", "https://nope.test"],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("invalid_target") && out.stderr.contains("https://nope.test"),
        "{out:?}"
    );
    let out = env.run(
        &[
            "token",
            "corp",
            "--exchange-for",
            BILLING,
            "--scope",
            "api:write",
        ],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("invalid_scope"), "{out:?}");

    // Each exchange is one activity event, with the provider's answer when refused.
    let log = env.ok(&["log", "corp", "--json"], "");
    let kinds: Vec<String> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["kind"] == "exchange")
        .map(|e| e["answer"].as_str().unwrap_or("ok").to_owned())
        .collect();
    assert_eq!(kinds.len(), 4, "{log}");
    assert!(
        kinds.iter().any(|a| a.starts_with("invalid_target")),
        "{kinds:?}"
    );

    // Logging out forgets what the token was exchanged for.
    env.ok(&["logout", "corp"], "");
    assert!(env.keyring_entry("corp/default/exchanged").is_none());
}
