//! The server as a whole: index, health, OpenAPI documents, auto-approve toggle,
//! cross-service token isolation, shutdown, and the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use common::*;
use demo_idp::DemoConfig;

#[tokio::test]
async fn health_and_index() {
    let idp = start(config()).await;
    let base = idp.base_url();
    assert!(base.starts_with("http://127.0.0.1:"));
    let c = client();
    let resp = c.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "ok");
    let html = c.get(&base).send().await.unwrap().text().await.unwrap();
    for prefix in ["oqtant", "quamotion", "autolab", "plantpredict", "nomad"] {
        assert!(
            html.contains(&format!("href=\"/{prefix}/openapi.json\"")),
            "{prefix}"
        );
        assert!(
            html.contains(&format!("href=\"/{prefix}/docs\"")),
            "{prefix}"
        );
    }
    assert!(html.contains("prefers-color-scheme"));
}

#[tokio::test]
async fn openapi_documents_describe_each_security_scheme() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let cases = [
        ("oqtant", "Oqtant", "/oqtant/api", "/users/{user_id}/jobs"),
        ("quamotion", "Quamotion Cloud", "/quamotion/api", "/version"),
        ("autolab", "Autolab", "/autolab/api/v1", "/user"),
        ("plantpredict", "PlantPredict", "/plantpredict", "/Project"),
        ("nomad", "NOMAD", "/nomad/api/v1", "/uploads"),
    ];
    for (prefix, title, server, path) in cases {
        let doc = json(
            c.get(format!("{base}/{prefix}/openapi.json"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3."),
            "{prefix}"
        );
        assert_eq!(doc["info"]["title"], title);
        assert_eq!(doc["servers"][0]["url"], format!("{base}{server}"));
        assert!(doc["paths"][path]["get"]["security"].is_array(), "{prefix}");
        let docs = c
            .get(format!("{base}/{prefix}/docs"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(docs.contains(&format!("/{prefix}/openapi.json")));
    }
    let schemes = |doc: &serde_json::Value| doc["components"]["securitySchemes"].clone();
    let oqtant = json(
        c.get(format!("{base}/oqtant/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        schemes(&oqtant)["HTTPBearer"],
        serde_json::json!({"type": "http", "scheme": "bearer"})
    );
    let autolab = json(
        c.get(format!("{base}/autolab/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let flow = &schemes(&autolab)["oauth2"]["flows"]["authorizationCode"];
    assert_eq!(
        flow["authorizationUrl"],
        format!("{base}/autolab/oauth/authorize")
    );
    assert_eq!(flow["tokenUrl"], format!("{base}/autolab/oauth/token"));
    assert_eq!(flow["scopes"].as_object().unwrap().len(), 5);
    let nomad = json(
        c.get(format!("{base}/nomad/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        schemes(&nomad)["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"],
        "auth/token"
    );
    assert_eq!(schemes(&nomad)["HTTPBearer"]["scheme"], "bearer");
    for prefix in ["quamotion", "plantpredict"] {
        let doc = json(
            c.get(format!("{base}/{prefix}/openapi.json"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let scheme = schemes(&doc)
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .clone();
        assert_eq!(scheme["type"], "http");
        assert_eq!(scheme["scheme"], "bearer");
    }
}

#[tokio::test]
async fn tokens_never_cross_services() {
    let idp = start(DemoConfig {
        auto_approve: true,
        ..config()
    })
    .await;
    let base = idp.base_url();
    let c = client();
    let tokens = [
        oqtant_token(&c, &base).await,
        quamotion_token(&c, &base).await,
        autolab_tokens(&c, &base).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned(),
        plantpredict_token(&c, &base).await,
        nomad_tokens(&c, &base).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned(),
    ];
    let apis = [
        format!("{base}/oqtant/api/users/x/jobs"),
        format!("{base}/quamotion/api/version"),
        format!("{base}/autolab/api/v1/user"),
        format!("{base}/plantpredict/Project"),
        format!("{base}/nomad/api/v1/uploads"),
    ];
    for (i, api) in apis.iter().enumerate() {
        for (k, token) in tokens.iter().enumerate() {
            let expected = if i == k { 200 } else { 401 };
            assert_eq!(
                get_status(&c, api, Some(token)).await,
                expected,
                "api {i} token {k}"
            );
        }
    }
}

#[tokio::test]
async fn auto_approve_can_be_switched_at_runtime() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let (_, challenge) = pkce();
    let url = format!(
        "{base}/oqtant/authorize?response_type=code&client_id={}&redirect_uri=http://localhost:8080&audience={}&code_challenge={challenge}&code_challenge_method=S256",
        demo_idp::credentials::OQTANT_CLIENT_ID,
        demo_idp::credentials::OQTANT_AUDIENCE,
    );
    assert_eq!(get_status(&c, &url, None).await, 200);
    idp.set_auto_approve(true);
    assert_eq!(get_status(&c, &url, None).await, 302);
    idp.set_auto_approve(false);
    assert_eq!(get_status(&c, &url, None).await, 200);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let idp = start(config()).await;
    let base = idp.base_url();
    assert_eq!(
        get_status(&client(), &format!("{base}/health"), None).await,
        200
    );
    idp.shutdown().await;
    // A fresh client: no pooled connection to the old server.
    assert!(client().get(format!("{base}/health")).send().await.is_err());
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let idp = start(config()).await;
    let status = get_status(&client(), &format!("{}/nope", idp.base_url()), None).await;
    assert_eq!(status, 404);
}

/// Kills the spawned binary even when an assertion fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_prints_base_url_then_serves() {
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_demo-idp"))
            .args(["--port", "0", "--auto-approve", "--access-ttl", "60"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let ready: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let base = ready["base_url"].as_str().unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"));
    let health = get_status(&client(), &format!("{base}/health"), None).await;
    let token = quamotion_token(&client(), &base).await;
    drop(child);
    assert_eq!(health, 200);
    assert!(claims(&token)["exp"].as_u64().unwrap().abs_diff(now() + 60) <= 2);
}

/// A Swagger UI on another origin can read the documents and call the APIs: preflights
/// allow the `Authorization` header, answers (401s too) carry CORS headers, no cookies.
#[tokio::test]
async fn cors_lets_a_swagger_ui_on_another_origin_call_the_apis() {
    let idp = start(config()).await;
    let base = idp.base_url();
    let c = client();
    let origin = "http://127.0.0.1:9";
    let header = |resp: &reqwest::Response, name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
    };

    let preflight = c
        .request(
            reqwest::Method::OPTIONS,
            format!("{base}/quamotion/api/version"),
        )
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        header(&preflight, "access-control-allow-origin").as_deref(),
        Some("*")
    );
    assert!(header(&preflight, "access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    assert!(header(&preflight, "access-control-allow-methods")
        .unwrap()
        .contains("get"));
    assert_eq!(header(&preflight, "access-control-allow-credentials"), None);

    let doc = c
        .get(format!("{base}/quamotion/openapi.json"))
        .header("origin", origin)
        .send()
        .await
        .unwrap();
    assert_eq!(doc.status(), 200);
    assert_eq!(
        header(&doc, "access-control-allow-origin").as_deref(),
        Some("*")
    );

    let token = quamotion_token(&c, &base).await;
    for (bearer, status) in [(None, 401), (Some(token.as_str()), 200)] {
        let mut req = c
            .get(format!("{base}/quamotion/api/version"))
            .header("origin", origin);
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), status);
        assert_eq!(
            header(&resp, "access-control-allow-origin").as_deref(),
            Some("*")
        );
        assert!(header(&resp, "access-control-expose-headers")
            .unwrap()
            .contains("www-authenticate"));
    }
}
