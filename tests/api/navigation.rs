//! Every page a person can reach by following links works: starting from the
//! pages each role lands on, follow every same-site link two steps deep and
//! expect a page or a redirect, never "not found" or a server error. This is
//! what catches a menu entry pointing at a route that was renamed.
use std::collections::{BTreeSet, VecDeque};

use kouza::domain::Role;
use rocket::http::Status;

use crate::catalog_pages::{course, enroll_directly, session, staff, Spec};
use crate::helpers::{spawn, Account, TestApp};

/// Same-site links in a page, without fragments; the logout form and
/// language switch are forms, not links, so they are not followed.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or("").replace("&amp;", "&"))
        .filter(|href| !href.is_empty() && !href.starts_with("/static/"))
        .collect()
}

/// Walks the links reachable from `start` in `depth` steps and returns the
/// pages that answered with something other than a page or a redirect.
async fn broken_links(app: &TestApp, start: &[&str], depth: usize) -> (usize, Vec<String>) {
    let mut seen: BTreeSet<String> = start.iter().map(|s| s.to_string()).collect();
    let mut queue: VecDeque<(String, usize)> = start.iter().map(|s| (s.to_string(), 0)).collect();
    let mut broken = vec![];
    while let Some((path, level)) = queue.pop_front() {
        let response = app.client.get(path.clone()).dispatch().await;
        let status = response.status();
        let is_html = response.content_type().is_some_and(|t| t.is_html());
        let body = response.into_string().await.unwrap_or_default();
        if !(status == Status::Ok || status.class().is_redirection()) {
            broken.push(format!("{path} → {status}"));
            continue;
        }
        if level < depth && is_html {
            for link in links(&body) {
                if seen.insert(link.clone()) {
                    queue.push_back((link, level + 1));
                }
            }
        }
    }
    (seen.len(), broken)
}

async fn walk_as(app: &TestApp, who: &Account, start: &[&str]) {
    app.login_page(who).await;
    let (visited, broken) = broken_links(app, start, 2).await;
    assert!(visited > start.len(), "links were found from {start:?}");
    assert!(
        broken.is_empty(),
        "broken links for {:?}: {broken:#?}",
        who.email
    );
}

#[rocket::async_test]
async fn every_link_each_role_can_follow_leads_to_a_page() {
    let app = spawn().await;
    let staff_account = staff(&app).await;
    let c = course(&app, staff_account.id, Spec::default()).await;
    session(&app, staff_account.id, &c).await;
    let trainee = app.account(Role::Trainee).await;
    let row = enroll_directly(&app, c.id, trainee.id).await;

    let (visited, broken) = broken_links(&app, &["/", "/courses"], 2).await;
    assert!(visited > 2 && broken.is_empty(), "anonymous: {broken:#?}");

    walk_as(&app, &trainee, &["/", "/my", "/account"]).await;
    let instructor = app.account(Role::Instructor).await;
    walk_as(&app, &instructor, &["/instructor", "/account"]).await;
    let staff_start = [
        "/staff".to_string(),
        format!("/staff/courses/{}", c.id),
        format!("/staff/enrollments/{}", row.id),
    ];
    let staff_start: Vec<&str> = staff_start.iter().map(String::as_str).collect();
    walk_as(&app, &staff_account, &staff_start).await;
    let admin = app.account(Role::Admin).await;
    walk_as(&app, &admin, &["/admin/users", "/admin/certificates"]).await;
}

#[rocket::async_test]
async fn the_menus_lead_to_the_pages_of_each_feature() {
    let app = spawn().await;
    let staff_account = staff(&app).await;
    let c = course(&app, staff_account.id, Spec::default()).await;
    let trainee = app.account(Role::Trainee).await;
    let row = enroll_directly(&app, c.id, trainee.id).await;

    app.login_page(&trainee).await;
    let my = app
        .client
        .get("/my")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    for link in [
        "/my/certificates".to_string(),
        "/my/check-in".to_string(),
        format!("/my/enrollments/{}/progress", row.id),
    ] {
        assert!(
            my.contains(&format!("href=\"{link}\"")),
            "My page links {link}"
        );
    }
    assert!(
        !my.contains("href=\"/staff"),
        "a trainee's menu has no staff pages"
    );

    app.login_page(&staff_account).await;
    let page = app
        .client
        .get(format!("/staff/courses/{}", c.id))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    for part in [
        "attendance",
        "check-in",
        "certificates",
        "completers",
        "message",
    ] {
        let link = format!("href=\"/staff/courses/{}/{part}\"", c.id);
        assert!(page.contains(&link), "course page links {part}");
    }
    for link in [
        "/staff/payments",
        "/staff/mail-delivery",
        "/instructor",
        "/staff/report-packs",
        "/staff/import",
    ] {
        assert!(
            page.contains(&format!("href=\"{link}\"")),
            "staff menu links {link}"
        );
    }
}
