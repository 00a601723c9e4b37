//! Oqtant: Auth0 authorization code + PKCE S256, and the FastAPI jobs endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use demo_idp::credentials::{OQTANT_AUDIENCE, OQTANT_CLIENT_ID, OQTANT_SCOPE};
use demo_idp::DemoConfig;

fn authorize_params<'a>(challenge: &'a str, redirect: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", OQTANT_CLIENT_ID),
        ("redirect_uri", redirect),
        ("audience", OQTANT_AUDIENCE),
        ("scope", OQTANT_SCOPE),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
}

async fn exchange(
    c: &reqwest::Client,
    base: &str,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> reqwest::Response {
    c.post(format!("{base}/oqtant/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", OQTANT_CLIENT_ID),
            ("code_verifier", verifier),
            ("code", code),
            ("redirect_uri", redirect),
        ])
        .send()
        .await
        .unwrap()
}

async fn auto_code(c: &reqwest::Client, base: &str, challenge: &str) -> String {
    let resp = c
        .get(format!("{base}/oqtant/authorize"))
        .query(&authorize_params(challenge, "http://localhost:8080"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    query_of(&location(&resp))["code"].clone()
}

#[tokio::test]
async fn auto_approved_pkce_flow_gives_jwt_that_opens_the_api() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let (verifier, challenge) = pkce();

    // Authdeck sends a state: echoed back. The redirect keeps the URI as registered (no path).
    let mut params = authorize_params(&challenge, "http://localhost:8083");
    params.push(("state", "xyz-123"));
    params.push(("nonce", "n-0S6_WzA2Mj"));
    let resp = c
        .get(format!("{base}/oqtant/authorize"))
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let loc = location(&resp);
    assert!(loc.starts_with("http://localhost:8083?code="), "{loc}");
    let q = query_of(&loc);
    assert_eq!(q["state"], "xyz-123");

    let resp = exchange(&c, &base, &q["code"], &verifier, "http://localhost:8083").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body = json(resp).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert_eq!(body["scope"], OQTANT_SCOPE);
    assert!(body.get("refresh_token").is_none());
    // `openid` was asked for: Auth0 adds an ID token carrying the nonce.
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["aud"], OQTANT_CLIENT_ID);
    let token = body["access_token"].as_str().unwrap();
    let cl = claims(token);
    assert_eq!(cl["iss"], format!("{base}/oqtant/"));
    let sub = cl["sub"].as_str().unwrap();
    assert!(sub.starts_with("auth0|") && sub.len() == 30, "{sub}");
    assert!(cl["aud"]
        .as_array()
        .unwrap()
        .contains(&OQTANT_AUDIENCE.into()));
    assert_eq!(cl["azp"], OQTANT_CLIENT_ID);
    assert_eq!(cl["scope"], OQTANT_SCOPE);
    assert_eq!(
        cl["exp"].as_u64().unwrap() - cl["iat"].as_u64().unwrap(),
        86400
    );

    let api = format!("{base}/oqtant/api/users/{sub}/jobs");
    let resp = c.get(&api).bearer_auth(token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(json(resp).await["items"].is_array());
    let resp = c.get(&api).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        json(resp).await,
        serde_json::json!({"detail": "Not authenticated"})
    );
}

#[tokio::test]
async fn no_state_sent_means_no_state_returned() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let (_, challenge) = pkce();
    let resp = client()
        .get(format!("{}/oqtant/authorize", idp.base_url()))
        .query(&authorize_params(&challenge, "http://localhost:8085"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let q = query_of(&location(&resp));
    assert!(q.contains_key("code"));
    assert!(!q.contains_key("state"));
}

#[tokio::test]
async fn consent_page_approve_and_deny() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let (verifier, challenge) = pkce();
    let mut params = authorize_params(&challenge, "http://localhost:8080");
    params.push(("state", "s1"));

    let resp = c
        .get(format!("{base}/oqtant/authorize"))
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Authorize Authdeck to access Oqtant?"));
    assert!(html.contains("id=\"approve\"") && html.contains("id=\"deny\""));
    let txid = hidden(&html, "txid").unwrap();
    let resp = c
        .post(format!("{base}/oqtant/u/consent"))
        .form(&[("txid", txid.as_str()), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let q = query_of(&location(&resp));
    assert_eq!(q["state"], "s1");
    let resp = exchange(&c, &base, &q["code"], &verifier, "http://localhost:8080").await;
    assert_eq!(resp.status(), 200);

    // The same consent cannot be answered twice.
    let resp = c
        .post(format!("{base}/oqtant/u/consent"))
        .form(&[("txid", txid.as_str()), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        page_result(&resp.text().await.unwrap()).as_deref(),
        Some("error")
    );

    // Deny.
    let html = c
        .get(format!("{base}/oqtant/authorize"))
        .query(&params)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let txid = hidden(&html, "txid").unwrap();
    let resp = c
        .post(format!("{base}/oqtant/u/consent"))
        .form(&[("txid", txid.as_str()), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let q = query_of(&location(&resp));
    assert_eq!(q["error"], "access_denied");
    assert!(!q["error_description"].is_empty());
    assert_eq!(q["state"], "s1");
    assert!(!q.contains_key("code"));
}

#[tokio::test]
async fn unregistered_redirect_uri_or_client_gets_an_error_page_not_a_redirect() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let (_, challenge) = pkce();
    for bad in [
        "http://localhost:8086",
        "http://localhost:8080/",
        "http://localhost:8080/callback",
        "http://127.0.0.1:8080",
    ] {
        let resp = c
            .get(format!("{base}/oqtant/authorize"))
            .query(&authorize_params(&challenge, bad))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        assert!(resp.headers().get("location").is_none());
        assert_eq!(
            page_result(&resp.text().await.unwrap()).as_deref(),
            Some("error")
        );
    }
    let resp = c
        .get(format!("{base}/oqtant/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", "someone-else"),
            ("redirect_uri", "http://localhost:8080"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("Unknown client: someone-else"));
}

#[tokio::test]
async fn authorize_requires_s256_pkce_and_the_oqtant_audience() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let (_, challenge) = pkce();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            authorize_params(&challenge, "http://localhost:8080")
                .into_iter()
                .filter(|(k, _)| *k != "code_challenge")
                .collect(),
            "invalid_request",
        ),
        (
            authorize_params(&challenge, "http://localhost:8080")
                .into_iter()
                .map(|(k, v)| {
                    if k == "code_challenge_method" {
                        (k, "plain")
                    } else {
                        (k, v)
                    }
                })
                .collect(),
            "invalid_request",
        ),
        (
            authorize_params(&challenge, "http://localhost:8080")
                .into_iter()
                .map(|(k, v)| {
                    if k == "audience" {
                        (k, "https://example.org/api")
                    } else {
                        (k, v)
                    }
                })
                .collect(),
            "access_denied",
        ),
        (
            authorize_params(&challenge, "http://localhost:8080")
                .into_iter()
                .map(|(k, v)| {
                    if k == "response_type" {
                        (k, "token")
                    } else {
                        (k, v)
                    }
                })
                .collect(),
            "unsupported_response_type",
        ),
    ];
    for (params, error) in cases {
        let resp = c
            .get(format!("{base}/oqtant/authorize"))
            .query(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 302);
        let q = query_of(&location(&resp));
        assert_eq!(q["error"], error, "{params:?}");
        assert!(!q.contains_key("code"));
    }
}

#[tokio::test]
async fn bad_verifier_is_403_invalid_grant_and_codes_are_single_use() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let (verifier, challenge) = pkce();

    let code = auto_code(&c, &base, &challenge).await;
    let wrong = "w".repeat(50);
    let resp = exchange(&c, &base, &code, &wrong, "http://localhost:8080").await;
    assert_eq!(resp.status(), 403);
    assert_eq!(
        json(resp).await,
        serde_json::json!({"error": "invalid_grant", "error_description": "Failed to verify code verifier"})
    );
    // The code was spent by the failed attempt.
    let resp = exchange(&c, &base, &code, &verifier, "http://localhost:8080").await;
    assert_eq!(resp.status(), 403);
    assert_eq!(json(resp).await["error"], "invalid_grant");

    // A good exchange, then a replay.
    let code = auto_code(&c, &base, &challenge).await;
    assert_eq!(
        exchange(&c, &base, &code, &verifier, "http://localhost:8080")
            .await
            .status(),
        200
    );
    let resp = exchange(&c, &base, &code, &verifier, "http://localhost:8080").await;
    assert_eq!(resp.status(), 403);
    assert_eq!(json(resp).await["error"], "invalid_grant");

    // redirect_uri must equal the authorize one.
    let code = auto_code(&c, &base, &challenge).await;
    let resp = exchange(&c, &base, &code, &verifier, "http://localhost:8081").await;
    assert_eq!(resp.status(), 403);
    assert_eq!(json(resp).await["error"], "invalid_grant");

    // Unknown client; unsupported grant.
    let resp = c
        .post(format!("{base}/oqtant/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "nope"),
            ("code", "x"),
            ("code_verifier", "y"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = c
        .post(format!("{base}/oqtant/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", OQTANT_CLIENT_ID),
            ("refresh_token", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn api_refuses_foreign_and_expired_tokens() {
    let idp = start(DemoConfig {
        auto_approve: true,
        access_ttl: Some(Duration::from_secs(1)),
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let token = oqtant_token(&c, &base).await;
    let api = format!("{base}/oqtant/api/users/me/jobs");
    assert_eq!(get_status(&c, &api, Some(&token)).await, 200);
    let nomad = nomad_tokens(&c, &base).await;
    assert_eq!(
        get_status(&c, &api, nomad["access_token"].as_str()).await,
        401
    );
    assert_eq!(get_status(&c, &api, Some("garbage")).await, 401);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(get_status(&c, &api, Some(&token)).await, 401);
}
