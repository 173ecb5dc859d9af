//! The only module that talks to Stripe, behind a small trait
//! (`PaymentGateway`), so that tests point it at a local fake server.
pub mod gateway;
pub mod stripe;
pub mod webhook;

use std::sync::Arc;

pub use gateway::{
    CheckoutRequest, CheckoutSession, GatewayError, PaymentGateway, RefundRequest, RefundResult,
};

use crate::config::AppConfig;

/// The card gateway when Stripe is configured; `None` means offline methods only.
pub fn gateway(config: &AppConfig) -> Option<Arc<dyn PaymentGateway>> {
    let key = config.stripe_secret_key.as_deref()?.trim();
    if key.is_empty() {
        return None;
    }
    let retry = stripe::RetryPolicy {
        timeout: std::time::Duration::from_millis(config.stripe_timeout_ms),
        max_attempts: config.stripe_max_attempts,
        base_delay: std::time::Duration::from_millis(config.stripe_retry_base_ms),
    };
    match stripe::StripeGateway::new(key, &config.stripe_api_base, retry) {
        Ok(gateway) => Some(Arc::new(gateway)),
        Err(e) => {
            tracing::error!(error = %e, "cannot build the Stripe client; card payments are off");
            None
        }
    }
}

/// Whether card payments are offered (a secret key and a webhook secret).
pub fn card_enabled(config: &AppConfig) -> bool {
    config
        .stripe_secret_key
        .as_deref()
        .is_some_and(|k| !k.trim().is_empty())
        && config
            .stripe_webhook_secret
            .as_deref()
            .is_some_and(|k| !k.trim().is_empty())
}
