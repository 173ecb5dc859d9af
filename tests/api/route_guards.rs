//! Every mounted route is either on the explicit public list or refuses an
//! anonymous request; every API route is in the OpenAPI document.
use std::collections::BTreeSet;

use rocket::http::{ContentType, Method, Status};

use crate::helpers::spawn;

/// Routes anyone may use, as (method, path pattern).
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/signup"),
    ("POST", "/signup"),
    ("GET", "/password/forgot"),
    ("POST", "/password/forgot"),
    ("GET", "/password/reset/<token>"),
    ("POST", "/password/reset/<token>"),
    ("GET", "/setup/<token>"),
    ("POST", "/setup/<token>"),
    ("POST", "/language"),
    ("POST", "/logout"),
    ("GET", "/static/<path..>"),
    ("POST", "/api/v1/auth/signup"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/openapi.json"),
    ("GET", "/courses"),
    ("GET", "/courses/<id>"),
    ("GET", "/courses/<id>/schedule.ics"),
    ("GET", "/calendar/<file>"),
    ("GET", "/api/v1/courses"),
    ("GET", "/api/v1/courses/<id>"),
    ("GET", "/api/v1/sites"),
    ("GET", "/verify/<code>"),
    ("GET", "/.well-known/kouza-certificate-keys.json"),
    ("POST", "/webhooks/stripe"),
];

/// A route's path pattern without its query part.
fn path_of(uri: &str) -> String {
    uri.split('?').next().unwrap_or(uri).to_string()
}

/// A concrete path for a route pattern: every dynamic segment becomes "1".
fn concrete(pattern: &str) -> String {
    let path = pattern.split('?').next().unwrap_or(pattern);
    path.split('/')
        .map(|seg| if seg.starts_with('<') { "1" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

#[rocket::async_test]
async fn every_route_is_public_by_decision_or_refuses_anonymous_requests() {
    let app = spawn().await;
    let public: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let mut seen_public = BTreeSet::new();
    let routes: Vec<_> = app
        .client
        .rocket()
        .routes()
        .map(|r| (r.method, path_of(&r.uri.to_string())))
        .collect();
    assert!(routes.len() > 15);
    for (method, uri) in routes {
        let key = (method.as_str().to_string(), uri.clone());
        if public.contains(&key) {
            seen_public.insert(key);
            continue;
        }
        let path = concrete(&uri);
        let request = match method {
            Method::Get => app.client.get(path.clone()),
            Method::Post => app.client.post(path.clone()),
            Method::Put => app.client.put(path.clone()),
            Method::Patch => app.client.patch(path.clone()),
            Method::Delete => app.client.delete(path.clone()),
            other => panic!("unexpected method {other} on {uri}"),
        };
        let is_api = uri.starts_with("/api/");
        let request = if is_api {
            request.header(ContentType::JSON).body("{}")
        } else {
            request.header(ContentType::Form).body("csrf_token=x")
        };
        let status = request.dispatch().await.status();
        assert!(
            status == Status::Unauthorized || status == Status::Forbidden,
            "{method} {uri} answered {status} to an anonymous request; add a guard or list it as public"
        );
    }
    let stale: Vec<_> = public.difference(&seen_public).collect();
    assert!(
        stale.is_empty(),
        "public routes no longer mounted: {stale:?}"
    );
}

#[rocket::async_test]
async fn every_public_state_change_on_a_page_needs_the_csrf_token() {
    let app = spawn().await;
    app.csrf().await;
    for (method, uri) in PUBLIC {
        if *method != "POST" || uri.starts_with("/api/") {
            continue;
        }
        let status = app
            .client
            .post(concrete(uri))
            .header(ContentType::Form)
            .body("csrf_token=forged&email=a%40example.jp&password=x&lang=en&family_name=a&given_name=b&family_name_kana=%E3%82%A2&given_name_kana=%E3%82%A2&new_password=xxxxxxxxxxxx&new_password_confirm=xxxxxxxxxxxx")
            .dispatch()
            .await
            .status();
        assert_eq!(
            status,
            Status::Forbidden,
            "POST {uri} without a valid token"
        );
    }
}

#[rocket::async_test]
async fn the_openapi_document_describes_exactly_the_mounted_api_routes() {
    let app = spawn().await;
    let response = app.client.get("/api/openapi.json").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let doc = app.json(response).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let mounted: BTreeSet<(String, String)> = app
        .client
        .rocket()
        .routes()
        .filter(|r| r.uri.to_string().starts_with("/api/v1/"))
        .map(|r| {
            let path = path_of(&r.uri.to_string())
                .replace('<', "{")
                .replace('>', "}");
            (r.method.as_str().to_string(), path)
        })
        .collect();
    assert_eq!(documented, mounted);
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
