//! NOMAD: password grant (current POST and legacy GET), Keycloak refresh with rotation,
//! app tokens, and `/uploads`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use demo_idp::credentials::{NOMAD_CLIENT_ID, NOMAD_PASSWORD, NOMAD_USERNAME};
use demo_idp::DemoConfig;
use serde_json::{json as j, Value};

const KEYCLOAK: &str =
    "/nomad/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token";

async fn app_token(
    c: &reqwest::Client,
    base: &str,
    bearer: Option<&str>,
    n: &str,
) -> reqwest::Response {
    let mut req = c
        .get(format!("{base}/nomad/api/v1/auth/app_token"))
        .query(&[("expires_in", n)]);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn password_grant_returns_keycloak_shaped_tokens_that_open_uploads() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let body = nomad_tokens(&c, &base).await;
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access_token",
            "expires_in",
            "id_token",
            "refresh_expires_in",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "openid profile email");
    let access = body["access_token"].as_str().unwrap();
    let cl = claims(access);
    assert_eq!(cl["preferred_username"], NOMAD_USERNAME);
    assert!(cl["exp"].as_u64().unwrap().abs_diff(now() + 3600) <= 2);

    let resp = c
        .get(format!("{base}/nomad/api/v1/uploads"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(json(resp).await["data"].is_array());
}

#[tokio::test]
async fn legacy_get_returns_only_access_token_and_type() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = c
        .get(format!("{base}/nomad/api/v1/auth/token"))
        .query(&[("username", NOMAD_USERNAME), ("password", NOMAD_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = json(resp).await;
    assert_eq!(body.as_object().unwrap().len(), 2);
    assert_eq!(body["token_type"], "bearer");
    let access = body["access_token"].as_str().unwrap();
    // No expires_in: the client reads the expiry from the JWT.
    assert!(claims(access)["exp"].as_u64().unwrap() > now());
    let status = get_status(&c, &format!("{base}/nomad/api/v1/uploads"), Some(access)).await;
    assert_eq!(status, 200);

    let resp = c
        .get(format!("{base}/nomad/api/v1/auth/token"))
        .query(&[("username", NOMAD_USERNAME), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        json(resp).await,
        j!({"detail": "Incorrect username or password"})
    );
}

#[tokio::test]
async fn bad_password_is_401_and_missing_fields_422() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let resp = c
        .post(format!("{base}/nomad/api/v1/auth/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", NOMAD_USERNAME),
            ("password", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        json(resp).await,
        j!({"detail": "Incorrect username or password"})
    );

    let resp = c
        .post(format!("{base}/nomad/api/v1/auth/token"))
        .form(&[("username", NOMAD_USERNAME)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body = json(resp).await;
    let locs: Vec<&Value> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["loc"])
        .collect();
    assert_eq!(
        locs,
        [&j!(["body", "grant_type"]), &j!(["body", "password"])]
    );
}

#[tokio::test]
async fn keycloak_refresh_rotates_and_password_grant_works() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let first = nomad_tokens(&c, &base).await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let url = format!("{base}{KEYCLOAK}");
    let refresh_form = |rt: &str| {
        vec![
            ("client_id".to_owned(), NOMAD_CLIENT_ID.to_owned()),
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("refresh_token".to_owned(), rt.to_owned()),
        ]
    };
    let resp = c
        .post(&url)
        .form(&refresh_form(refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let second = json(resp).await;
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["not-before-policy"], 0);
    assert!(second["session_state"].is_string());
    assert_eq!(
        claims(second["access_token"].as_str().unwrap())["sid"],
        second["session_state"]
    );
    let uploads = format!("{base}/nomad/api/v1/uploads");
    assert_eq!(
        get_status(&c, &uploads, second["access_token"].as_str()).await,
        200
    );

    let resp = c
        .post(&url)
        .form(&refresh_form(refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await["error"], "invalid_grant");

    let resp = c
        .post(&url)
        .form(&[
            ("client_id", "other"),
            ("grant_type", "refresh_token"),
            ("refresh_token", second["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(json(resp).await["error"], "invalid_client");

    let resp = c
        .post(&url)
        .form(&[
            ("client_id", NOMAD_CLIENT_ID),
            ("grant_type", "password"),
            ("username", NOMAD_USERNAME),
            ("password", NOMAD_PASSWORD),
            ("scope", "openid"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = json(resp).await;
    assert!(body["id_token"].is_string());
    assert_eq!(body["scope"], "openid profile email");

    let resp = c
        .post(&url)
        .form(&[
            ("client_id", NOMAD_CLIENT_ID),
            ("grant_type", "password"),
            ("username", NOMAD_USERNAME),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(json(resp).await["error"], "invalid_grant");
}

#[tokio::test]
async fn app_token_in_range_opens_uploads_and_out_of_range_is_422() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let access = nomad_tokens(&c, &base).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let resp = app_token(&c, &base, Some(&access), "86400").await;
    assert_eq!(resp.status(), 200);
    let app = json(resp).await["app_token"].as_str().unwrap().to_owned();
    let cl = claims(&app);
    assert_eq!(cl.as_object().unwrap().len(), 2);
    assert!(cl["user"].is_string());
    assert!(cl["exp"].as_u64().unwrap().abs_diff(now() + 86400) <= 2);
    let uploads = format!("{base}/nomad/api/v1/uploads");
    assert_eq!(get_status(&c, &uploads, Some(&app)).await, 200);
    assert_eq!(
        app_token(&c, &base, Some(&access), "2592000")
            .await
            .status(),
        200
    );

    for (n, kind) in [
        ("0", "greater_than"),
        ("2592001", "less_than_equal"),
        ("abc", "int_parsing"),
        ("-5", "greater_than"),
    ] {
        let resp = app_token(&c, &base, Some(&access), n).await;
        assert_eq!(resp.status(), 422, "{n}");
        let body = json(resp).await;
        assert_eq!(body["detail"][0]["loc"], j!(["query", "expires_in"]));
        assert_eq!(body["detail"][0]["type"], kind);
        assert!(body["detail"][0]["msg"].is_string());
    }

    let resp = app_token(&c, &base, None, "100").await;
    assert_eq!(resp.status(), 401);
    assert_eq!(json(resp).await, j!({"detail": "Authentication required."}));
    assert_eq!(
        app_token(&c, &base, Some("not-a-token"), "100")
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn uploads_refuses_missing_foreign_and_expired_tokens() {
    let idp = start(DemoConfig {
        auto_approve: true,
        access_ttl: Some(Duration::from_secs(1)),
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let body = nomad_tokens(&c, &base).await;
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(body["expires_in"], 1);
    let short_app = json(app_token(&c, &base, Some(access), "1").await).await["app_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let long_app = json(app_token(&c, &base, Some(access), "3600").await).await["app_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let uploads = format!("{base}/nomad/api/v1/uploads");
    assert_eq!(get_status(&c, &uploads, Some(access)).await, 200);
    let resp = c.get(&uploads).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(json(resp).await, j!({"detail": "Authentication required."}));
    let oqtant = oqtant_token(&c, &base).await;
    assert_eq!(get_status(&c, &uploads, Some(&oqtant)).await, 401);

    tokio::time::sleep(Duration::from_millis(1300)).await;
    let resp = c.get(&uploads).bearer_auth(access).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert!(json(resp).await["detail"]
        .as_str()
        .unwrap()
        .starts_with("Could not validate credentials"));
    let resp = c
        .get(&uploads)
        .bearer_auth(&short_app)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(json(resp).await, j!({"detail": "Expired token."}));
    // The app token keeps its own, user-chosen lifetime.
    assert_eq!(get_status(&c, &uploads, Some(&long_app)).await, 200);
}

#[tokio::test]
async fn keycloak_revokes_a_public_clients_token_and_refuses_it_introspection() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let body = nomad_tokens(&c, &base).await;
    let access = body["access_token"].as_str().unwrap();
    let uploads = |token: String| {
        let (c, url) = (c.clone(), format!("{base}/nomad/api/v1/uploads"));
        async move {
            c.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(uploads(access.to_owned()).await, 200);
    let realm = KEYCLOAK.trim_end_matches("/token");
    let introspect = c
        .post(format!("{base}{realm}/token/introspect"))
        .form(&[("client_id", NOMAD_CLIENT_ID), ("token", access)])
        .send()
        .await
        .unwrap();
    assert_eq!(introspect.status().as_u16(), 403);
    let answer: Value = introspect.json().await.unwrap();
    assert_eq!(answer["error_description"], "Client not allowed.");
    let revoke = |token: String, client_id: &'static str| {
        let (c, url) = (c.clone(), format!("{base}{realm}/revoke"));
        async move {
            c.post(url)
                .form(&[
                    ("client_id", client_id),
                    ("token", token.as_str()),
                    ("token_type_hint", "access_token"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(revoke(access.to_owned(), "someone-else").await, 401);
    assert_eq!(
        uploads(access.to_owned()).await,
        200,
        "a refused revocation changes nothing"
    );
    assert_eq!(revoke(access.to_owned(), NOMAD_CLIENT_ID).await, 200);
    assert_eq!(
        uploads(access.to_owned()).await,
        401,
        "the revoked token is refused"
    );
    // Again, or an unknown token: 200 as RFC 7009 says.
    assert_eq!(revoke(access.to_owned(), NOMAD_CLIENT_ID).await, 200);
    assert_eq!(revoke("unknown".to_owned(), NOMAD_CLIENT_ID).await, 200);
}
