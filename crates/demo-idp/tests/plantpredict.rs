//! PlantPredict: Cognito client credentials (query string only), legacy Okta password
//! grant with rotating refresh tokens, and `/Project`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use demo_idp::credentials::{
    PLANTPREDICT_CLIENT_ID, PLANTPREDICT_CLIENT_SECRET, PLANTPREDICT_LEGACY_SCOPE,
    PLANTPREDICT_PASSWORD, PLANTPREDICT_SCOPE, PLANTPREDICT_USERNAME,
};
use demo_idp::DemoConfig;
use serde_json::json as j;

const OKTA: &str = "/plantpredict/okta/oauth2/aus3jzhulkrINTdnc356/v1/token";

fn cognito_params(secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".into()),
        ("scope", PLANTPREDICT_SCOPE.into()),
        ("client_id", PLANTPREDICT_CLIENT_ID.into()),
        ("client_secret", secret.into()),
    ]
}

fn okta_password(password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "password".into()),
        ("scope", PLANTPREDICT_LEGACY_SCOPE.into()),
        ("username", PLANTPREDICT_USERNAME.into()),
        ("password", password.into()),
        ("client_id", PLANTPREDICT_CLIENT_ID.into()),
        ("client_secret", PLANTPREDICT_CLIENT_SECRET.into()),
    ]
}

fn okta_refresh(refresh: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "refresh_token".into()),
        ("refresh_token", refresh.into()),
        ("scope", "offline_access".into()),
        ("client_id", PLANTPREDICT_CLIENT_ID.into()),
        ("client_secret", PLANTPREDICT_CLIENT_SECRET.into()),
    ]
}

async fn post_query(c: &reqwest::Client, url: &str, q: &[(&str, String)]) -> reqwest::Response {
    c.post(url).query(q).send().await.unwrap()
}

#[tokio::test]
async fn cognito_query_string_client_credentials_then_api() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = post_query(
        &c,
        &format!("{base}/plantpredict/oauth2/token"),
        &cognito_params(PLANTPREDICT_CLIENT_SECRET),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let body = json(resp).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("refresh_token").is_none());
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["scope"], PLANTPREDICT_SCOPE);
    let resp = c
        .get(format!("{base}/plantpredict/Project"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(!json(resp).await.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn cognito_parameters_in_a_form_body_are_not_read() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let resp = client()
        .post(format!("{base}/plantpredict/oauth2/token"))
        .form(&cognito_params(PLANTPREDICT_CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await, j!({"error": "invalid_request"}));
}

#[tokio::test]
async fn cognito_wrong_secret_and_bad_scope() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let url = format!("{base}/plantpredict/oauth2/token");
    let resp = post_query(&c, &url, &cognito_params("wrong")).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await, j!({"error": "invalid_client"}));
    let mut q = cognito_params(PLANTPREDICT_CLIENT_SECRET);
    q[1].1 = "transactions/delete".into();
    let resp = post_query(&c, &url, &q).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await, j!({"error": "invalid_scope"}));
}

#[tokio::test]
async fn okta_password_grant_and_rotating_refresh() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let url = format!("{base}{OKTA}");
    let resp = post_query(&c, &url, &okta_password(PLANTPREDICT_PASSWORD)).await;
    assert_eq!(resp.status(), 200);
    let first = json(resp).await;
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 3600);
    assert_eq!(first["scope"], "openid offline_access");
    assert!(first["id_token"].is_string());
    let refresh = first["refresh_token"].as_str().unwrap();
    let api = format!("{base}/plantpredict/Project");
    assert_eq!(
        get_status(&c, &api, first["access_token"].as_str()).await,
        200
    );

    let resp = post_query(&c, &url, &okta_refresh(refresh)).await;
    assert_eq!(resp.status(), 200);
    let second = json(resp).await;
    assert_eq!(second["scope"], "offline_access");
    assert!(second.get("id_token").is_none());
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        get_status(&c, &api, second["access_token"].as_str()).await,
        200
    );

    let resp = post_query(&c, &url, &okta_refresh(refresh)).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await["error"], "invalid_grant");
    let resp = post_query(
        &c,
        &url,
        &okta_refresh(second["refresh_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn okta_bad_password_body_params_and_unknown_server() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let url = format!("{base}{OKTA}");
    let resp = post_query(&c, &url, &okta_password("wrong")).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        json(resp).await,
        j!({"error": "invalid_grant", "error_description": "The credentials provided were invalid."})
    );
    let resp = c
        .post(&url)
        .form(&okta_password(PLANTPREDICT_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await["error"], "invalid_request");
    let mut q = okta_password(PLANTPREDICT_PASSWORD);
    q[5].1 = "wrong".into();
    assert_eq!(post_query(&c, &url, &q).await.status(), 401);
    let other = format!("{base}/plantpredict/okta/oauth2/default/v1/token");
    assert_eq!(
        post_query(&c, &other, &okta_password(PLANTPREDICT_PASSWORD))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn api_refuses_missing_foreign_and_expired_tokens() {
    let idp = start(DemoConfig {
        access_ttl: Some(Duration::from_secs(1)),
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let token = plantpredict_token(&c, &base).await;
    let api = format!("{base}/plantpredict/Project");
    assert_eq!(get_status(&c, &api, Some(&token)).await, 200);
    let resp = c.get(&api).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(json(resp).await, j!({"message": "Unauthorized"}));
    let q = quamotion_token(&c, &base).await;
    assert_eq!(get_status(&c, &api, Some(&q)).await, 401);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(get_status(&c, &api, Some(&token)).await, 401);
}
