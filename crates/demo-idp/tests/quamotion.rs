//! Quamotion: Azure AD v1/v2 client credentials and the Quamotion Cloud API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use demo_idp::credentials::{
    QUAMOTION_CLIENT_ID, QUAMOTION_CLIENT_SECRET, QUAMOTION_EXPIRED_CLIENT_SECRET,
    QUAMOTION_RESOURCE, QUAMOTION_SCOPE,
};
use demo_idp::DemoConfig;

async fn v1(
    c: &reqwest::Client,
    base: &str,
    tenant: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    c.post(format!("{base}/quamotion/{tenant}/oauth2/token"))
        .form(form)
        .send()
        .await
        .unwrap()
}

fn creds<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", QUAMOTION_CLIENT_ID),
        ("client_secret", QUAMOTION_CLIENT_SECRET),
    ];
    form.extend_from_slice(extra);
    form
}

fn assert_aad_error(body: &serde_json::Value, error: &str, code: u64) {
    assert_eq!(body["error"], error, "{body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains("Trace ID: "));
    assert_eq!(body["error_codes"], serde_json::json!([code]));
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[key].is_string(), "{key}");
    }
}

#[tokio::test]
async fn v1_client_credentials_numbers_as_strings_then_api() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = v1(
        &c,
        &base,
        "common",
        &creds(&[("resource", QUAMOTION_RESOURCE)]),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let body = json(resp).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], "3599");
    assert_eq!(body["ext_expires_in"], "3599");
    assert_eq!(body["resource"], QUAMOTION_RESOURCE);
    let on: u64 = body["expires_on"].as_str().unwrap().parse().unwrap();
    let nb: u64 = body["not_before"].as_str().unwrap().parse().unwrap();
    assert_eq!(on - nb, 3599);
    assert!(on.abs_diff(now() + 3599) <= 2);
    assert!(body.get("refresh_token").is_none());
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["aud"], QUAMOTION_RESOURCE);

    let resp = c
        .get(format!("{base}/quamotion/api/version"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(json(resp).await["version"].is_string());
}

#[tokio::test]
async fn v2_client_credentials_numbers_as_numbers_any_tenant() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = c
        .post(format!(
            "{base}/quamotion/0b5c3e4f-1a2b-4c3d-8e9f-001122334455/oauth2/v2.0/token"
        ))
        .form(&creds(&[("scope", QUAMOTION_SCOPE)]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = json(resp).await;
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["ext_expires_in"], 3599);
    assert_eq!(body["token_type"], "Bearer");
    let status = get_status(
        &c,
        &format!("{base}/quamotion/api/version"),
        body["access_token"].as_str(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn resource_without_trailing_slash_is_invalid_resource() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = v1(
        &c,
        &base,
        "common",
        &creds(&[("resource", "https://cloud.quamotion.mobi")]),
    )
    .await;
    assert_eq!(resp.status(), 400);
    assert_aad_error(&json(resp).await, "invalid_resource", 500011);

    // v2: `…mobi/.default` names the resource without its slash.
    let resp = c
        .post(format!("{base}/quamotion/common/oauth2/v2.0/token"))
        .form(&creds(&[(
            "scope",
            "https://cloud.quamotion.mobi/.default",
        )]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_aad_error(&json(resp).await, "invalid_resource", 500011);

    // v2 without `/.default`.
    let resp = c
        .post(format!("{base}/quamotion/common/oauth2/v2.0/token"))
        .form(&creds(&[("scope", "https://cloud.quamotion.mobi/")]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_aad_error(&json(resp).await, "invalid_scope", 1002012);
}

#[tokio::test]
async fn wrong_secret_is_401_invalid_client_and_unknown_client_is_rejected() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = v1(
        &c,
        &base,
        "common",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", QUAMOTION_CLIENT_ID),
            ("client_secret", "wrong"),
            ("resource", QUAMOTION_RESOURCE),
        ],
    )
    .await;
    assert_eq!(resp.status(), 401);
    assert_aad_error(&json(resp).await, "invalid_client", 7000215);

    let resp = v1(
        &c,
        &base,
        "common",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "other-app"),
            ("client_secret", QUAMOTION_CLIENT_SECRET),
            ("resource", QUAMOTION_RESOURCE),
        ],
    )
    .await;
    assert_eq!(resp.status(), 400);
    assert_aad_error(&json(resp).await, "unauthorized_client", 700016);

    // The application's other secret has expired: Azure says so, it is no wrong secret.
    let resp = v1(
        &c,
        &base,
        "common",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", QUAMOTION_CLIENT_ID),
            ("client_secret", QUAMOTION_EXPIRED_CLIENT_SECRET),
            ("resource", QUAMOTION_RESOURCE),
        ],
    )
    .await;
    assert_eq!(resp.status(), 401);
    assert_aad_error(&json(resp).await, "invalid_client", 7000222);
}

#[tokio::test]
async fn only_a_posted_form_is_read() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = c
        .get(format!("{base}/quamotion/common/oauth2/token"))
        .query(&creds(&[("resource", QUAMOTION_RESOURCE)]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_aad_error(&json(resp).await, "invalid_request", 900561);

    let body: serde_json::Map<String, serde_json::Value> =
        creds(&[("resource", QUAMOTION_RESOURCE)])
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect();
    let resp = c
        .post(format!("{base}/quamotion/common/oauth2/token"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body = json(resp).await;
    assert_aad_error(&body, "invalid_request", 900144);
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("'grant_type'"));
}

#[tokio::test]
async fn api_refuses_missing_foreign_and_expired_tokens_and_ttl_override_shows() {
    let idp = start(DemoConfig {
        access_ttl: Some(Duration::from_secs(1)),
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let resp = v1(
        &c,
        &base,
        "common",
        &creds(&[("resource", QUAMOTION_RESOURCE)]),
    )
    .await;
    let body = json(resp).await;
    assert_eq!(body["expires_in"], "1");
    let on: u64 = body["expires_on"].as_str().unwrap().parse().unwrap();
    assert!(on.abs_diff(now() + 1) <= 1);
    let token = body["access_token"].as_str().unwrap();
    let api = format!("{base}/quamotion/api/version");

    assert_eq!(get_status(&c, &api, Some(token)).await, 200);
    let resp = c.get(&api).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert!(resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let pp = plantpredict_token(&c, &base).await;
    assert_eq!(get_status(&c, &api, Some(&pp)).await, 401);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(get_status(&c, &api, Some(token)).await, 401);
}
