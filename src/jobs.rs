//! Background work inside every instance: offers expire even when nobody
//! visits the site. Each job claims its rows with conditional updates, so
//! several instances running the same loop never do a job twice.
use std::time::Duration;

use rocket::fairing::AdHoc;

use crate::state::AppState;

pub fn fairing() -> AdHoc {
    AdHoc::on_liftoff("background jobs", |rocket| {
        Box::pin(async move {
            let Some(state) = rocket.state::<AppState>() else {
                return;
            };
            if !state.config.background_jobs {
                return;
            }
            let interval = Duration::from_secs(state.config.background_interval_secs.max(1));
            let shutdown = rocket.shutdown();
            let db = state.db.clone();
            let config = state.config.clone();
            let clock = state.clock.clone();
            rocket::tokio::spawn(async move {
                let mut shutdown = std::pin::pin!(shutdown);
                loop {
                    rocket::tokio::select! {
                        _ = &mut shutdown => break,
                        _ = rocket::tokio::time::sleep(interval) => {}
                    }
                    run_once(&db, &config, clock.now()).await;
                }
            });
        })
    })
}

/// One pass over every kind of due work.
pub async fn run_once(
    db: &sea_orm::DatabaseConnection,
    config: &crate::config::AppConfig,
    now: chrono::DateTime<chrono::Utc>,
) {
    match crate::services::enrollment::expire_offers(db, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(expired = n, "waitlist offers expired"),
        Err(e) => tracing::error!(error = %e, "expiring offers failed"),
    }
    match crate::services::enrollment::release_unpaid(db, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(released = n, "unpaid seats released"),
        Err(e) => tracing::error!(error = %e, "releasing unpaid seats failed"),
    }
    match crate::services::payment_mails::send_deadline_reminders(db, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(queued = n, "payment deadline reminders queued"),
        Err(e) => tracing::error!(error = %e, "queueing payment reminders failed"),
    }
    let gateway = crate::payments::gateway(config);
    match crate::services::course_refunds::refund_by_card(db, gateway.as_deref(), now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(refunded = n, "card refunds for cancelled courses made"),
        Err(e) => tracing::error!(error = %e, "card refunds for cancelled courses failed"),
    }
    match crate::services::notifications::send_reminders(db, config, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(queued = n, "session reminders queued"),
        Err(e) => tracing::error!(error = %e, "queueing reminders failed"),
    }
    match crate::services::personal_data::mask_retained(db, config, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(masked = n, "retained personal data anonymised"),
        Err(e) => tracing::error!(error = %e, "anonymising retained personal data failed"),
    }
    // Keep the offset of the service clock, but read it afresh before each mail.
    let offset = now - chrono::Utc::now();
    let clock = move || chrono::Utc::now() + offset;
    match crate::services::mail_delivery::deliver_due(db, config, clock).await {
        Ok(report) if report == Default::default() => {}
        Ok(report) => tracing::info!(?report, "mail delivery pass"),
        Err(e) => tracing::error!(error = %e, "mail delivery failed"),
    }
}
