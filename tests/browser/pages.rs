//! The main pages, on a phone and on a desk: no serious or critical axe-core
//! violations, a screenshot of each in `docs/screenshots/`, and the weight of
//! each (HTML + CSS + JS) in `docs/screenshots/page-weights.md`.
use kouza::domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::harness::{root, App, Browser, Demo, Person, Viewport};

pub struct Ids {
    pub community: i64,
    pub session: i64,
}

/// The demo data, with the demo trainee enrolled in the community course.
pub async fn demo_app() -> (App, Demo, Ids) {
    let app = App::start().await;
    let demo = app.demo().await;
    let community = kouza::entities::course::Entity::find()
        .filter(kouza::entities::course::Column::Code.eq("COMM-DEMO-01"))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("the demo community course");
    let session = kouza::services::schedule::for_course(&app.state.db, community.id)
        .await
        .expect("sessions")[0]
        .id;
    let trainee = kouza::services::accounts::find_by_email(
        &app.state.db,
        &kouza::domain::Email::parse("email", &demo.person(Role::Trainee).email).expect("email"),
    )
    .await
    .expect("query")
    .expect("the demo trainee");
    let person = Person {
        id: trainee.id,
        email: trainee.email.clone(),
        password: String::new(),
    };
    app.enroll(&person, community.id, "山田", "太郎").await;
    (
        app,
        demo,
        Ids {
            community: community.id,
            session,
        },
    )
}

/// Visits a page: checks it with axe-core, photographs it, weighs it.
async fn visit(
    browser: &Browser,
    viewport: Viewport,
    name: &str,
    path: &str,
    violations: &mut Vec<String>,
    weights: &mut Vec<(String, u64)>,
) {
    browser.go(path).await;
    browser.find("main h1").await;
    violations.extend(browser.accessibility_violations().await);
    // Reflow (WCAG 1.4.10): on a phone nothing makes the whole page scroll sideways.
    if viewport == Viewport::Phone {
        let widths = browser
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .expect("page width");
        if widths[0].as_i64() > widths[1].as_i64() {
            violations.push(format!(
                "{path}: the page is wider than the phone ({widths})"
            ));
        }
    }
    browser.screenshot(name, viewport).await;
    weights.push((name.to_string(), browser.page_weight().await));
}

async fn tour(viewport: Viewport) -> (Vec<String>, Vec<(String, u64)>) {
    let (app, demo, ids) = demo_app().await;
    let mut violations = vec![];
    let mut weights = vec![];
    let (v, w) = (&mut violations, &mut weights);

    let browser = Browser::open(&app, viewport, "ja").await;
    visit(&browser, viewport, "catalog", "/courses", v, w).await;
    let course = format!("/courses/{}", ids.community);
    visit(&browser, viewport, "course", &course, v, w).await;
    browser.login(&demo.person(Role::Trainee)).await;
    visit(&browser, viewport, "my-page", "/my", v, w).await;
    browser.close().await;

    // A second trainee sees the empty application form.
    let browser = Browser::open(&app, viewport, "ja").await;
    let newcomer = app.person(Role::Trainee, "佐藤", "良子").await;
    browser.login(&newcomer).await;
    let apply = format!("/courses/{}/apply", ids.community);
    visit(&browser, viewport, "apply", &apply, v, w).await;
    browser.close().await;

    let browser = Browser::open(&app, viewport, "ja").await;
    browser.login(&demo.person(Role::Instructor)).await;
    let roster = format!("/instructor/sessions/{}", ids.session);
    visit(&browser, viewport, "roster", &roster, v, w).await;
    browser.close().await;

    let browser = Browser::open(&app, viewport, "ja").await;
    browser.login(&demo.person(Role::Staff)).await;
    visit(&browser, viewport, "staff-courses", "/staff", v, w).await;
    let enrollments = format!("/staff/courses/{}/enrollments", ids.community);
    visit(&browser, viewport, "staff-enrollments", &enrollments, v, w).await;
    let staff_course = format!("/staff/courses/{}", ids.community);
    visit(&browser, viewport, "staff-course", &staff_course, v, w).await;
    browser.close().await;
    (violations, weights)
}

fn report(viewport: Viewport, violations: Vec<String>, weights: Vec<(String, u64)>) {
    let mut text = format!(
        "# Page weights ({}, HTML + CSS + JS, uncompressed bytes)\n\n| page | bytes |\n|---|---|\n",
        viewport.name()
    );
    for (name, bytes) in &weights {
        text.push_str(&format!("| {name} | {bytes} |\n"));
    }
    let dir = root().join("docs/screenshots");
    std::fs::write(
        dir.join(format!("page-weights-{}.md", viewport.name())),
        text,
    )
    .expect("write page weights");
    assert!(
        violations.is_empty(),
        "serious or critical accessibility violations:\n{}",
        violations.join("\n")
    );
    for (name, bytes) in weights {
        assert!(
            bytes < 150_000,
            "{name} weighs {bytes} bytes: pages carry no framework bundle"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_on_a_phone_are_accessible_and_photographed() {
    let (violations, weights) = tour(Viewport::Phone).await;
    report(Viewport::Phone, violations, weights);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_on_a_desktop_are_accessible_and_photographed() {
    let (violations, weights) = tour(Viewport::Desktop).await;
    report(Viewport::Desktop, violations, weights);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_check_catches_a_field_without_a_label() {
    let app = App::start().await;
    let browser = Browser::open(&app, Viewport::Desktop, "ja").await;
    browser.go("/courses").await;
    browser
        .client
        .execute(
            "const i = document.createElement('input'); i.type = 'text'; document.querySelector('main').appendChild(i);",
            vec![],
        )
        .await
        .expect("add a field");
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.iter().any(|v| v.contains("label")),
        "axe-core should report the unlabelled field: {violations:?}"
    );
    browser.close().await;
}
