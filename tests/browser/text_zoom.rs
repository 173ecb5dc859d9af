//! Text resized to 200 % (WCAG 1.4.4) through Chromium's own font-size
//! setting, the one a user changes: the main pages lose no content and no
//! function — nothing cut off, nothing pushed off the screen, the page does
//! not scroll sideways on a phone, and the main button can still be pressed.
use kouza::domain::Role;
use serde_json::json;

use crate::harness::{App, Browser, Cdp, Demo, Person, Viewport};
use crate::newcomer::newcomer_journey;
use crate::pages::{demo_app, Ids};

/// Chromium's default text size is 16 px (monospace 13 px); this doubles both.
async fn enlarge_text(browser: &Browser) {
    browser
        .client
        .issue_cmd(Cdp::new(
            "Page.setFontSizes",
            json!({"fontSizes": {"standard": 32, "fixed": 26}}),
        ))
        .await
        .expect("set the browser's text size");
}

/// The computed font sizes (px) of the root, the body text and the heading.
async fn font_sizes(browser: &Browser) -> Vec<f64> {
    let sizes = browser
        .client
        .execute(
            "return [document.documentElement, document.body, document.querySelector('main h1')]
               .map(e => parseFloat(getComputedStyle(e).fontSize));",
            vec![],
        )
        .await
        .expect("font sizes");
    sizes
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_f64().expect("a size"))
        .collect()
}

/// Text that is cut off or pushed off the screen, one line each. Tables may
/// scroll sideways inside their own box (as WCAG allows for data tables), so
/// what such a box holds is not counted as off the screen.
const LOST_TEXT: &str = r#"
const problems = [];
const width = document.documentElement.clientWidth;
const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
  (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
  ' "' + e.textContent.trim().replace(/\s+/g, ' ').slice(0, 30) + '"';
const scrollsSideways = e => {
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if (o === 'auto' || o === 'scroll') return true;
  }
  return false;
};
for (const e of document.querySelectorAll('body *')) {
  if (e.closest('.skip-link, .visually-hidden, script, style')) continue;
  if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
  const r = e.getBoundingClientRect();
  const s = getComputedStyle(e);
  if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
  const clipsX = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
  if (clipsX && e.scrollWidth > e.clientWidth + 1)
    problems.push(describe(e) + ' is cut off at the side (' + e.scrollWidth + ' > ' + e.clientWidth + ')');
  if (['hidden', 'clip'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
    problems.push(describe(e) + ' is cut off at the bottom (' + e.scrollHeight + ' > ' + e.clientHeight + ')');
  if (!scrollsSideways(e) && (r.left < -1 || r.right > width + 1))
    problems.push(describe(e) + ' is outside the screen (' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + width + ')');
}
if (document.documentElement.scrollWidth > width + 1)
  problems.push('the page scrolls sideways (' + document.documentElement.scrollWidth + ' > ' + width + ')');
return problems;
"#;

/// Whether the element is within the screen's width and is what a tap at
/// its centre reaches (nothing covers it).
const PRESSABLE: &str = r#"
const e = document.querySelector(arguments[0]);
if (!e) return 'missing';
e.scrollIntoView({block: 'center'});
const r = e.getBoundingClientRect();
if (r.left < -1 || r.right > document.documentElement.clientWidth + 1)
  return 'outside the screen (' + Math.round(r.left) + '..' + Math.round(r.right) + ')';
const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
return hit && (hit === e || e.contains(hit)) ? 'ok' : 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing');
"#;

/// Checks one page at 200 % text; `action` is its main button or link.
async fn check(browser: &Browser, path: &str, action: &str, problems: &mut Vec<String>) {
    browser.go(path).await;
    browser.find("main h1").await;
    let sizes = font_sizes(browser).await;
    if (sizes[0] - 32.0).abs() > 0.01 {
        problems.push(format!("{path}: the root text is {}px, not 32px", sizes[0]));
    }
    let lost = browser
        .client
        .execute(LOST_TEXT, vec![])
        .await
        .expect("look for lost text");
    for line in lost.as_array().expect("a list") {
        problems.push(format!("{path}: {}", line.as_str().unwrap_or_default()));
    }
    let pressable = browser
        .client
        .execute(PRESSABLE, vec![json!(action)])
        .await
        .expect("look at the main action");
    if pressable != "ok" {
        problems.push(format!("{path}: {action} is {pressable}"));
    }
}

/// A browser with text at 200 %, signed in as `person` if given.
async fn enlarged(app: &App, viewport: Viewport, person: Option<&Person>) -> Browser {
    let browser = Browser::open(app, viewport, "ja").await;
    enlarge_text(&browser).await;
    if let Some(person) = person {
        browser.login(person).await;
    }
    browser
}

async fn main_pages_at_200_percent(viewport: Viewport) {
    let (app, demo, ids): (App, Demo, Ids) = demo_app().await;
    let mut problems = vec![];

    // The setting really scales the text: the stylesheets size it in rem.
    let browser = Browser::open(&app, viewport, "ja").await;
    browser.go("/courses").await;
    browser.find("main h1").await;
    let normal = font_sizes(&browser).await;
    enlarge_text(&browser).await;
    browser.go("/courses").await;
    browser.find("main h1").await;
    let large = font_sizes(&browser).await;
    for (what, (n, l)) in ["root", "body text", "heading"]
        .iter()
        .zip(normal.iter().zip(&large))
    {
        assert!(
            (l / n - 2.0).abs() < 0.01,
            "the {what} should double with the browser's text size: {n}px → {l}px"
        );
    }
    let p = &mut problems;
    check(&browser, "/courses", ".filter-form button[type=submit]", p).await;
    let course = format!("/courses/{}", ids.community);
    check(&browser, &course, "main .apply-box a.button", p).await;
    check(&browser, "/login", "main form button[type=submit]", p).await;
    browser.close().await;

    let newcomer = app.person(Role::Trainee, "佐藤", "良子").await;
    let browser = enlarged(&app, viewport, Some(&newcomer)).await;
    let apply = format!("/courses/{}/apply", ids.community);
    check(&browser, &apply, "form.apply-form button[type=submit]", p).await;
    browser.close().await;

    let browser = enlarged(&app, viewport, Some(&demo.person(Role::Trainee))).await;
    check(&browser, "/my", "main .card h3 a", p).await;
    browser.close().await;

    let browser = enlarged(&app, viewport, Some(&demo.person(Role::Instructor))).await;
    let roster = format!("/instructor/sessions/{}", ids.session);
    check(&browser, &roster, "form.roster button[name=save]", p).await;
    browser.close().await;

    assert!(
        problems.is_empty(),
        "with text at 200 % ({}):\n{}",
        viewport.name(),
        problems.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_with_text_at_200_percent_the_main_pages_lose_nothing() {
    main_pages_at_200_percent(Viewport::Phone).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_desktop_with_text_at_200_percent_the_main_pages_lose_nothing() {
    main_pages_at_200_percent(Viewport::Desktop).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_with_text_at_200_percent_a_newcomer_still_signs_up_and_enrolls() {
    let app = App::start().await;
    app.demo().await;
    let browser = enlarged(&app, Viewport::Phone, None).await;
    newcomer_journey(&browser).await;
    assert_eq!(
        font_sizes(&browser).await[0],
        32.0,
        "the text stayed enlarged"
    );
    browser.close().await;
}
