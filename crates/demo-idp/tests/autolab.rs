//! Autolab: device flow (init → activate → poll → code), Doorkeeper token endpoint with
//! refresh rotation, rack-attack rate limits, and `/api/v1/user`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use demo_idp::credentials::{AUTOLAB_CLIENT_ID, AUTOLAB_CLIENT_SECRET};
use demo_idp::DemoConfig;
use serde_json::{json as j, Value};

const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
const INVALID_CLIENT: &str = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";
const PAUSE: Duration = Duration::from_millis(350);

async fn init(c: &reqwest::Client, base: &str) -> reqwest::Response {
    c.get(format!("{base}/autolab/oauth/device_flow_init"))
        .query(&[("client_id", AUTOLAB_CLIENT_ID)])
        .send()
        .await
        .unwrap()
}

async fn poll(c: &reqwest::Client, base: &str, device_code: &str) -> reqwest::Response {
    c.get(format!("{base}/autolab/oauth/device_flow_authorize"))
        .query(&[
            ("client_id", AUTOLAB_CLIENT_ID),
            ("device_code", device_code),
        ])
        .send()
        .await
        .unwrap()
}

async fn activate(c: &reqwest::Client, base: &str, user_code: &str, decision: &str) -> String {
    let resp = c
        .post(format!("{base}/autolab/activate"))
        .form(&[("user_code", user_code), ("decision", decision)])
        .send()
        .await
        .unwrap();
    resp.text().await.unwrap()
}

async fn token(c: &reqwest::Client, base: &str, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(format!("{base}/autolab/oauth/token"))
        .form(form)
        .send()
        .await
        .unwrap()
}

fn callback(base: &str) -> String {
    format!("{base}/autolab/device_flow_auth_cb")
}

#[tokio::test]
async fn device_flow_with_activate_page_then_refresh_rotation() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();

    let resp = init(&c, &base).await;
    assert_eq!(resp.status(), 200);
    let body = json(resp).await;
    let device_code = body["device_code"].as_str().unwrap().to_owned();
    let user_code = body["user_code"].as_str().unwrap().to_owned();
    assert_eq!(device_code.len(), 64);
    assert!(device_code.chars().all(|ch| ch.is_ascii_hexdigit()));
    assert_eq!(user_code.len(), 6);
    assert!(user_code.chars().all(|ch| ch.is_ascii_alphanumeric()));
    assert_eq!(body["verification_uri"], format!("{base}/autolab/activate"));

    let resp = poll(&c, &base, &device_code).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await, j!({"error": "authorization_pending"}));

    // The activate page, then its Approve button.
    let page = c
        .get(format!("{base}/autolab/activate"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"user_code\"")
            && page.contains("id=\"approve\"")
            && page.contains("id=\"deny\"")
    );
    let result = activate(&c, &base, &user_code, "approve").await;
    assert_eq!(page_result(&result).as_deref(), Some("approved"));

    tokio::time::sleep(PAUSE).await;
    let resp = poll(&c, &base, &device_code).await;
    assert_eq!(resp.status(), 200);
    let code = json(resp).await["code"].as_str().unwrap().to_owned();
    tokio::time::sleep(PAUSE).await;
    let resp = poll(&c, &base, &device_code).await;
    assert_eq!(resp.status(), 400, "the device code is consumed");

    // Exchange with HTTP Basic client authentication.
    let resp = c
        .post(format!("{base}/autolab/oauth/token"))
        .basic_auth(AUTOLAB_CLIENT_ID, Some(AUTOLAB_CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", &callback(&base)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let first = json(resp).await;
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 7200);
    assert_eq!(first["scope"], "user_info user_courses");
    assert!(first["created_at"].as_u64().unwrap().abs_diff(now()) <= 2);
    let access = first["access_token"].as_str().unwrap();
    let refresh = first["refresh_token"].as_str().unwrap();
    assert_eq!(access.len(), 43);

    let api = format!("{base}/autolab/api/v1/user");
    let resp = c.get(&api).bearer_auth(access).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let user = json(resp).await;
    assert_eq!(user["first_name"], "Demo");
    assert_eq!(user["email"], "demo@autolab.test");
    let resp = c
        .get(&api)
        .query(&[("access_token", access)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // Refresh (form client auth): new access AND refresh token; the old ones are dead.
    let refresh_form = |rt: &str| {
        vec![
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("client_id".to_owned(), AUTOLAB_CLIENT_ID.to_owned()),
            ("client_secret".to_owned(), AUTOLAB_CLIENT_SECRET.to_owned()),
            ("refresh_token".to_owned(), rt.to_owned()),
        ]
    };
    let resp = c
        .post(format!("{base}/autolab/oauth/token"))
        .form(&refresh_form(refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let second = json(resp).await;
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        get_status(&c, &api, second["access_token"].as_str()).await,
        200
    );
    assert_eq!(get_status(&c, &api, Some(access)).await, 401);

    let resp = c
        .post(format!("{base}/autolab/oauth/token"))
        .form(&refresh_form(refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        json(resp).await,
        j!({"error": "invalid_grant", "error_description": INVALID_GRANT})
    );

    let resp = c
        .post(format!("{base}/autolab/oauth/token"))
        .form(&refresh_form(second["refresh_token"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn denied_by_user() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let body = json(init(&c, &base).await).await;
    let device_code = body["device_code"].as_str().unwrap();
    // Codes are matched case-insensitively, like Autolab's database lookup; the decision
    // may also come as `action=…`.
    let resp = c
        .post(format!("{base}/autolab/activate"))
        .form(&[
            (
                "user_code",
                body["user_code"].as_str().unwrap().to_lowercase().as_str(),
            ),
            ("action", "deny"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let result = resp.text().await.unwrap();
    assert_eq!(page_result(&result).as_deref(), Some("denied"));
    let resp = poll(&c, &base, device_code).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        json(resp).await,
        j!({"error": "authorization denied by user"})
    );
    tokio::time::sleep(PAUSE).await;
    let resp = poll(&c, &base, device_code).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        json(resp).await["error"],
        "Invalid device_code. User may have denied access"
    );

    let result = activate(&c, &base, "ZZZZZZ", "approve").await;
    assert_eq!(page_result(&result).as_deref(), Some("error"));
}

#[tokio::test]
async fn polling_and_init_too_fast_is_429() {
    let idp = start(DemoConfig {
        autolab_poll_min_interval: Duration::from_secs(2),
        autolab_init_min_interval: Duration::from_secs(2),
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let body = json(init(&c, &base).await).await;
    let resp = init(&c, &base).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(
        json(resp).await,
        j!({"error": "Too Many Requests. Retry Later."})
    );

    let device_code = body["device_code"].as_str().unwrap();
    assert_eq!(poll(&c, &base, device_code).await.status(), 400);
    let resp = poll(&c, &base, device_code).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(
        json(resp).await,
        j!({"error": "Too Many Requests. Retry Later."})
    );
}

#[tokio::test]
async fn init_rejects_unknown_client() {
    let idp = start(config()).await;
    let c = client();
    let resp = c
        .get(format!("{}/autolab/oauth/device_flow_init", idp.base_url()))
        .query(&[("client_id", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await, j!({"error": "Unrecognized client_id"}));
}

#[tokio::test]
async fn token_endpoint_rejects_wrong_secret_and_wrong_redirect_uri() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let body = json(init(&c, &base).await).await;
    let code: Value = json(poll(&c, &base, body["device_code"].as_str().unwrap()).await).await;
    let code = code["code"].as_str().unwrap();

    for secret in [Some("wrong"), None] {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("client_id", AUTOLAB_CLIENT_ID),
            ("code", code),
        ];
        if let Some(s) = secret {
            form.push(("client_secret", s));
        }
        let cb = callback(&base);
        form.push(("redirect_uri", &cb));
        let resp = token(&c, &base, &form).await;
        assert_eq!(resp.status(), 401);
        assert_eq!(
            json(resp).await,
            j!({"error": "invalid_client", "error_description": INVALID_CLIENT})
        );
    }

    let wrong_cb = format!("{base}/device_flow_auth_cb");
    let resp = token(
        &c,
        &base,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", AUTOLAB_CLIENT_ID),
            ("client_secret", AUTOLAB_CLIENT_SECRET),
            ("code", code),
            ("redirect_uri", &wrong_cb),
        ],
    )
    .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        json(resp).await,
        j!({"error": "invalid_grant", "error_description": INVALID_GRANT})
    );

    // The code survived the failed attempts; it then works exactly once.
    let cb = callback(&base);
    let good = [
        ("grant_type", "authorization_code"),
        ("client_id", AUTOLAB_CLIENT_ID),
        ("client_secret", AUTOLAB_CLIENT_SECRET),
        ("code", code),
        ("redirect_uri", cb.as_str()),
    ];
    assert_eq!(token(&c, &base, &good).await.status(), 200);
    assert_eq!(token(&c, &base, &good).await.status(), 400);
}

#[tokio::test]
async fn auto_approve_grants_at_init() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let tokens = autolab_tokens(&client(), &idp.base_url()).await;
    assert!(tokens["refresh_token"].is_string());
}

#[tokio::test]
async fn browser_chain_resolve_consent_callback() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let body = json(init(&c, &base).await).await;

    let resp = c
        .get(format!("{base}/autolab/device_flow_resolve"))
        .query(&[("user_code", body["user_code"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let to_authorize = location(&resp);
    assert!(to_authorize.starts_with("/autolab/oauth/authorize?"));
    let html = c
        .get(format!("{base}{to_authorize}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let txid = hidden(&html, "txid").unwrap();
    let resp = c
        .post(format!("{base}/autolab/oauth/authorize"))
        .form(&[("txid", txid.as_str()), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let to_callback = location(&resp);
    assert!(to_callback.starts_with(&callback(&base)));
    let html = c
        .get(&to_callback)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page_result(&html).as_deref(), Some("approved"));

    let resp = poll(&c, &base, body["device_code"].as_str().unwrap()).await;
    assert_eq!(resp.status(), 200);
    let code = json(resp).await["code"].as_str().unwrap().to_owned();
    let cb = callback(&base);
    let resp = token(
        &c,
        &base,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", AUTOLAB_CLIENT_ID),
            ("client_secret", AUTOLAB_CLIENT_SECRET),
            ("code", &code),
            ("redirect_uri", &cb),
        ],
    )
    .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn api_refuses_missing_foreign_and_expired_tokens() {
    let idp = start(DemoConfig {
        auto_approve: true,
        access_ttl: Some(Duration::from_secs(1)),
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let tokens = autolab_tokens(&c, &base).await;
    assert_eq!(tokens["expires_in"], 1);
    let api = format!("{base}/autolab/api/v1/user");
    let access = tokens["access_token"].as_str();
    assert_eq!(get_status(&c, &api, access).await, 200);
    let resp = c.get(&api).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        json(resp).await,
        j!({"error": "OAuth2 authorization failed"})
    );
    let q = quamotion_token(&c, &base).await;
    assert_eq!(get_status(&c, &api, Some(&q)).await, 401);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(get_status(&c, &api, access).await, 401);
}
