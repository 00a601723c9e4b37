//! OpenAPI 3.x documents, one per service, describing its protected endpoint and its
//! security scheme as the real service does (docs/services.md):
//!
//! - Oqtant: FastAPI `HTTPBearer` (`type: http, scheme: bearer`) — the user pastes the raw token.
//! - Quamotion: `http` bearer, `bearerFormat: JWT` (an Azure AD token for `https://cloud.quamotion.mobi/`).
//! - Autolab: Doorkeeper OAuth2 `authorizationCode` with `/oauth/authorize`, `/oauth/token`
//!   and the five Autolab scopes.
//! - PlantPredict: `http` bearer.
//! - NOMAD: FastAPI `OAuth2PasswordBearer` (password flow, `tokenUrl: auth/token`, relative
//!   as in NOMAD's document) and `HTTPBearer`.
//!
//! `servers[0].url` is the service's API base on this server; `info.title` the service name.

use serde_json::{json, Value};

fn unauthorized(example: Value) -> Value {
    json!({
        "description": "Missing, invalid or expired token",
        "content": {"application/json": {"example": example}},
    })
}

pub(crate) fn oqtant(base: &str) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Oqtant",
            "version": "demo",
            "description": "Oqtant REST API (demo-idp stand-in). Authorize with the raw access token from the Auth0 login.",
        },
        "servers": [{"url": format!("{base}/oqtant/api")}],
        "paths": {
            "/users/{user_id}/jobs": {
                "get": {
                    "summary": "Get User Jobs",
                    "operationId": "get_user_jobs_users__user_id__jobs_get",
                    "security": [{"HTTPBearer": []}],
                    "parameters": [{
                        "name": "user_id", "in": "path", "required": true,
                        "schema": {"type": "string", "title": "User Id"},
                    }],
                    "responses": {
                        "200": {
                            "description": "Successful Response",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {
                                    "items": {"type": "array", "items": {"type": "object"}},
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                    "size": {"type": "integer"},
                                    "pages": {"type": "integer"},
                                },
                                "required": ["items"],
                            }}},
                        },
                        "401": unauthorized(json!({"detail": "Not authenticated"})),
                    },
                },
            },
        },
        "components": {"securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}}},
    })
}

pub(crate) fn quamotion(base: &str) -> Value {
    json!({
        "openapi": "3.0.1",
        "info": {
            "title": "Quamotion Cloud",
            "version": "demo",
            "description": "Quamotion Cloud REST API (demo-idp stand-in). Send an Azure AD access token for the resource https://cloud.quamotion.mobi/ as a bearer token.",
        },
        "servers": [{"url": format!("{base}/quamotion/api")}],
        "paths": {
            "/version": {
                "get": {
                    "summary": "Gets the version of Quamotion Cloud",
                    "operationId": "GetVersion",
                    "security": [{"Bearer": []}],
                    "responses": {
                        "200": {
                            "description": "Success",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {
                                    "version": {"type": "string"},
                                    "informationalVersion": {"type": "string"},
                                },
                            }}},
                        },
                        "401": {"description": "Unauthorized (empty body, WWW-Authenticate: Bearer)"},
                    },
                },
            },
        },
        "components": {"securitySchemes": {"Bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Azure AD access token (client credentials, resource https://cloud.quamotion.mobi/)",
        }}},
    })
}

pub(crate) fn autolab(base: &str, scopes: &[&str]) -> Value {
    let descriptions = [
        "Access your basic info (e.g. name, email, school, year).",
        "Access your courses and assessments.",
        "Access your submissions, scores, and feedback.",
        "Submit to assessments on your behalf.",
        "Access admin options of courses where you are an instructor.",
    ];
    let scope_map: serde_json::Map<String, Value> = scopes
        .iter()
        .zip(descriptions)
        .map(|(s, d)| ((*s).to_owned(), json!(d)))
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Autolab",
            "version": "v1",
            "description": "Autolab REST API v1 (demo-idp stand-in), protected by Doorkeeper OAuth2.",
        },
        "servers": [{"url": format!("{base}/autolab/api/v1")}],
        "paths": {
            "/user": {
                "get": {
                    "summary": "Basic info of the current user",
                    "operationId": "getUser",
                    "security": [{"oauth2": ["user_info"]}],
                    "responses": {
                        "200": {
                            "description": "The user",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {
                                    "first_name": {"type": "string"},
                                    "last_name": {"type": "string"},
                                    "email": {"type": "string"},
                                    "school": {"type": "string"},
                                    "major": {"type": "string"},
                                    "year": {"type": "string"},
                                },
                            }}},
                        },
                        "401": unauthorized(json!({"error": "OAuth2 authorization failed"})),
                        "403": {"description": "The token lacks scope user_info"},
                    },
                },
            },
        },
        "components": {"securitySchemes": {"oauth2": {
            "type": "oauth2",
            "flows": {"authorizationCode": {
                "authorizationUrl": format!("{base}/autolab/oauth/authorize"),
                "tokenUrl": format!("{base}/autolab/oauth/token"),
                "refreshUrl": format!("{base}/autolab/oauth/token"),
                "scopes": scope_map,
            }},
        }}},
    })
}

pub(crate) fn plantpredict(base: &str) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "PlantPredict",
            "version": "demo",
            "description": "PlantPredict API (demo-idp stand-in). Bearer token from Cognito client credentials (or the legacy Okta password grant).",
        },
        "servers": [{"url": format!("{base}/plantpredict")}],
        "paths": {
            "/Project": {
                "get": {
                    "summary": "List projects",
                    "operationId": "Project_GetAll",
                    "security": [{"bearerAuth": []}],
                    "responses": {
                        "200": {
                            "description": "Projects",
                            "content": {"application/json": {"schema": {
                                "type": "array",
                                "items": {"type": "object", "properties": {
                                    "id": {"type": "integer"},
                                    "name": {"type": "string"},
                                    "latitude": {"type": "number"},
                                    "longitude": {"type": "number"},
                                }},
                            }}},
                        },
                        "401": unauthorized(json!({"message": "Unauthorized"})),
                    },
                },
            },
        },
        "components": {"securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        }}},
    })
}

pub(crate) fn nomad(base: &str) -> Value {
    let security = json!([{"OAuth2PasswordBearer": []}, {"HTTPBearer": []}]);
    let not_authenticated = unauthorized(json!({"detail": "Authentication required."}));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "NOMAD",
            "version": "v1, NOMAD demo",
            "description": "NOMAD API v1 (demo-idp stand-in). Use Authorize with your username and password, or paste an access or app token.",
        },
        "servers": [{"url": format!("{base}/nomad/api/v1")}],
        "paths": {
            "/auth/token": {
                "post": {
                    "tags": ["OpenID Connect Token Endpoints"],
                    "summary": "Get an OIDC token response",
                    "operationId": "get_token_auth_token_post",
                    "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
                        "type": "object",
                        "properties": {
                            "grant_type": {"type": "string", "pattern": "^password$"},
                            "username": {"type": "string"},
                            "password": {"type": "string", "format": "password"},
                            "scope": {"type": "string", "default": ""},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string", "format": "password"},
                        },
                        "required": ["grant_type", "username", "password"],
                    }}}},
                    "responses": {
                        "200": {"description": "Successful Response"},
                        "401": unauthorized(json!({"detail": "Incorrect username or password"})),
                        "422": {"description": "Validation Error"},
                    },
                },
            },
            "/auth/app_token": {
                "get": {
                    "tags": ["NOMAD Custom Token Endpoints"],
                    "summary": "Get an app token",
                    "operationId": "get_app_token_auth_app_token_get",
                    "security": security,
                    "parameters": [{
                        "name": "expires_in", "in": "query", "required": true,
                        "schema": {"type": "integer", "exclusiveMinimum": 0, "maximum": 2_592_000, "title": "Expires In"},
                    }],
                    "responses": {
                        "200": {
                            "description": "Successful Response",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {"app_token": {"type": "string"}},
                                "required": ["app_token"],
                            }}},
                        },
                        "401": not_authenticated,
                        "422": {"description": "Validation Error"},
                    },
                },
            },
            "/uploads": {
                "get": {
                    "tags": ["uploads"],
                    "summary": "Get the uploads of the user",
                    "operationId": "get_uploads_uploads_get",
                    "security": security,
                    "responses": {
                        "200": {
                            "description": "Successful Response",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {
                                    "pagination": {"type": "object"},
                                    "data": {"type": "array", "items": {"type": "object"}},
                                },
                                "required": ["data"],
                            }}},
                        },
                        "401": not_authenticated,
                    },
                },
            },
        },
        "components": {"securitySchemes": {
            "OAuth2PasswordBearer": {
                "type": "oauth2",
                "flows": {"password": {"scopes": {}, "tokenUrl": "auth/token"}},
            },
            "HTTPBearer": {"type": "http", "scheme": "bearer"},
        }},
    })
}
