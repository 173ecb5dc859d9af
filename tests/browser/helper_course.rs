//! Journey 3: a helper course (介護職員初任者研修): the trainee applies with the
//! full form, staff approve with the identity check (本人確認), and the bank
//! transfer is recorded by staff from the bank's statement.
use kouza::domain::course::CourseKind;
use kouza::domain::Role;

use crate::fixtures::CourseSpec;
use crate::harness::{App, Browser, Viewport};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_course_application_is_approved_with_an_identity_check_and_paid_by_bank_transfer()
{
    let app = App::start().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let course = app
        .course(
            &staff,
            CourseSpec {
                kind: CourseKind::Helper,
                title: "介護職員初任者研修（大塚・平日コース）",
                capacity: 20,
                approval: true,
                starts_in_days: 30,
            },
        )
        .await;
    kouza::services::catalog::set_fees(
        &app.state.db,
        course.id,
        &[("general".into(), "受講料".into(), 55_000)],
    )
    .await
    .expect("fees");
    let trainee = app.person(Role::Trainee, "佐藤", "良子").await;

    let phone = Browser::open(&app, Viewport::Phone, "ja").await;
    phone.login(&trainee).await;
    phone.go(&format!("/courses/{}/apply", course.id)).await;
    phone.find("form.apply-form").await;
    phone.set_value("#f-birth_date", "1968-04-01").await;
    phone.fill("#f-postal_code", "170-0005").await;
    phone.select("#f-prefecture", "東京都").await;
    phone.fill("#f-address", "豊島区南大塚1-2-3").await;
    phone.fill("#f-phone", "090-1234-5678").await;
    phone.click("#f-price_category").await;
    phone.fill("#f-qualifications", "なし").await;
    phone.click("#f-consent").await;
    phone.click("form.apply-form button[type=submit]").await;
    phone.wait_until_path_is_not("/courses").await;
    phone.find(".badge.status-pending_approval").await;

    let desk = Browser::open(&app, Viewport::Desktop, "ja").await;
    desk.login(&staff).await;
    desk.go(&format!("/staff/courses/{}/enrollments", course.id))
        .await;
    desk.click("details.action:has(form[action$='/approve']) summary")
        .await;
    let document = desk
        .find("form[action$='/approve'] select[name=identity_document] option:nth-child(2)")
        .await
        .attr("value")
        .await
        .expect("value")
        .expect("an identity document to choose");
    desk.select(
        "form[action$='/approve'] select[name=identity_document]",
        &document,
    )
    .await;
    desk.submit("form[action$='/approve'] button[type=submit]")
        .await;
    desk.find(".flash").await;

    // The transfer arrives in the bank statement under the applicant's name in kana.
    desk.go("/staff/payments").await;
    desk.fill(
        "#csv",
        "日付,振込依頼人名,金額\n2026-12-01,テスト ハナコ,55000",
    )
    .await;
    desk.submit("form[action='/staff/payments/bank-import'] button")
        .await;
    desk.submit("form[action$='/confirm'] button").await;
    desk.find(".flash").await;
    desk.close().await;

    phone.go("/my").await;
    phone.find(".badge.status-confirmed").await;
    phone.close().await;
}
