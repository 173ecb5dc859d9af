//! `PaymentGateway` over Stripe with `async-stripe` 1.0 (hyper + rustls, no
//! native-tls). The base URL comes from configuration (`stripe_api_base`),
//! so tests point it at a fake server on 127.0.0.1; the connector accepts
//! plain `http://` for that.
//!
//! Requests are the crate's typed builders (`CreateCheckoutSession`,
//! `CreateRefund`), form-encoded by the crate and sent with
//! `RequestStrategy::Idempotent`. Answers are read into the few fields we use
//! (`SessionReply`, `RefundReply`) instead of the crate's full response
//! types, which require every field of Stripe's current object: a newer or
//! older API version (or a fake) would otherwise fail to deserialize a
//! payment that did happen.
//!
//! Retries are ours, not the crate's: `RequestStrategy::Idempotent(key)` sends
//! once, and the crate's own `Retry`/`ExponentialBackoff` strategies retry
//! under a random key of their own. A Checkout Session or refund that Stripe
//! created while our connection timed out must be found again by the retry,
//! so every try carries the key the service chose (`send_with_retries`).
use std::collections::HashMap;
use std::time::Duration;

use miniserde::Deserialize;
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionPaymentIntentData, ProductData,
};
use stripe_core::refund::CreateRefund;
use stripe_shared::CheckoutSessionMode;
use stripe_types::Currency;

use super::gateway::{
    CheckoutRequest, CheckoutSession, GatewayError, PaymentGateway, RefundRequest, RefundResult,
};

pub struct StripeGateway {
    client: Client,
    retry: RetryPolicy,
}

/// How hard one call to Stripe tries (from `stripe_*` settings).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Per try: a hanging Stripe gives the page an answer, not a spinner.
    pub timeout: Duration,
    pub max_attempts: u32,
    pub base_delay: Duration,
}

#[derive(Deserialize)]
struct SessionReply {
    id: String,
    url: Option<String>,
    amount_total: Option<i64>,
    currency: Option<String>,
}

#[derive(Deserialize)]
struct RefundReply {
    id: String,
    amount: i64,
    status: Option<String>,
}

impl StripeGateway {
    pub fn new(
        secret_key: &str,
        api_base: &str,
        retry: RetryPolicy,
    ) -> Result<StripeGateway, GatewayError> {
        let client = ClientBuilder::new(secret_key)
            .url(api_base)
            .timeout(retry.timeout)
            .build()
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        Ok(StripeGateway { client, retry })
    }

    /// Sends the request up to `max_attempts` times with the same
    /// idempotency key: Stripe answers a repeated key with the object the
    /// first try created, so a retry after a lost answer creates nothing new.
    async fn send_with_retries<T: Deserialize>(
        &self,
        request: &impl StripeRequest,
        idempotency_key: &str,
    ) -> Result<T, GatewayError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = request
                .build()
                .customize::<T>()
                .request_strategy(key(idempotency_key)?)
                .send(&self.client)
                .await;
            match result {
                Ok(reply) => return Ok(reply),
                Err(e) if attempt < self.retry.max_attempts && retryable(&e) => {
                    let path = request.build().path;
                    tracing::warn!(error = %e, attempt, path, "Stripe call failed; retrying with the same key");
                    rocket::tokio::time::sleep(backoff(self.retry.base_delay, attempt)).await;
                }
                Err(e) => return Err(gateway_error(e)),
            }
        }
    }
}

/// Whether a failed call may be tried again. With the same idempotency key a
/// retry is always safe; it is only pointless when Stripe has refused the
/// request itself (4xx), except "a request with this key is still running"
/// (409) and "too many requests" (429). A non-JSON 5xx from a proxy surfaces
/// as a deserialization error and is retried too.
fn retryable(e: &StripeError) -> bool {
    match e {
        StripeError::Stripe(_, status) => *status >= 500 || matches!(status, 409 | 429),
        StripeError::Timeout | StripeError::ClientError(_) | StripeError::JSONDeserialize(_) => {
            true
        }
        StripeError::ConfigError(_) => false,
    }
}

/// Wait before try `attempt + 1`: base, 2·base, 4·base…
fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1 << (attempt.saturating_sub(1)).min(10))
}

fn key(raw: &str) -> Result<RequestStrategy, GatewayError> {
    IdempotencyKey::new(raw)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| GatewayError::Refused(format!("idempotency key: {e}")))
}

/// What the caller tells the person: "refused" (409) or "try again later"
/// (503). A 5xx, 409 or 429 still there after the last try is the latter.
fn gateway_error(e: StripeError) -> GatewayError {
    let retryable = retryable(&e);
    match e {
        StripeError::Stripe(errors, status) if !retryable => {
            GatewayError::Refused(format!("{status}: {}", errors.message.unwrap_or_default()))
        }
        other => GatewayError::Unavailable(other.to_string()),
    }
}

fn metadata(enrollment_id: i64) -> HashMap<String, String> {
    HashMap::from([("enrollment_id".to_string(), enrollment_id.to_string())])
}

#[rocket::async_trait]
impl PaymentGateway for StripeGateway {
    async fn create_checkout_session(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, GatewayError> {
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(Currency::JPY);
        price.unit_amount = Some(request.amount_yen);
        price.product_data = Some(ProductData {
            description: None,
            images: None,
            metadata: None,
            name: request.description.clone(),
            tax_code: None,
            tax_details: None,
            unit_label: None,
        });
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(1);
        let mut intent = CreateCheckoutSessionPaymentIntentData::new();
        intent.metadata = Some(metadata(request.enrollment_id));
        let mut create = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .currency(Currency::JPY)
            .line_items(vec![item])
            .client_reference_id(request.enrollment_id.to_string())
            .metadata(metadata(request.enrollment_id))
            .payment_intent_data(intent)
            .success_url(request.success_url.clone())
            .cancel_url(request.cancel_url.clone());
        if let Some(email) = &request.customer_email {
            create = create.customer_email(email.clone());
        }
        if let Some(at) = request.expires_at {
            create = create.expires_at(at);
        }
        let reply: SessionReply = self
            .send_with_retries(&create, &request.idempotency_key)
            .await?;
        let url = reply
            .url
            .ok_or_else(|| GatewayError::Unavailable("a session without a URL".into()))?;
        Ok(CheckoutSession {
            id: reply.id,
            url,
            amount_total: reply.amount_total,
            currency: reply.currency,
        })
    }

    async fn create_refund(&self, request: &RefundRequest) -> Result<RefundResult, GatewayError> {
        let create = CreateRefund::new()
            .payment_intent(request.payment_intent.clone())
            .amount(request.amount_yen)
            .metadata(metadata(request.enrollment_id));
        let reply: RefundReply = self
            .send_with_retries(&create, &request.idempotency_key)
            .await?;
        Ok(RefundResult {
            id: reply.id,
            amount_yen: reply.amount,
            status: reply.status.unwrap_or_else(|| "pending".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_answers_server_errors_and_busy_keys_are_retried_refusals_are_not() {
        let api = |status| {
            StripeError::Stripe(
                Box::new(miniserde::json::from_str(r#"{"type":"api_error"}"#).unwrap()),
                status,
            )
        };
        for e in [
            StripeError::Timeout,
            StripeError::ClientError("connection reset".into()),
            StripeError::JSONDeserialize("<html>502</html>".into()),
            api(500),
            api(503),
            api(409),
            api(429),
        ] {
            assert!(retryable(&e), "{e}");
        }
        for e in [api(400), api(401), api(402), api(404)] {
            assert!(!retryable(&e), "{e}");
        }
        assert!(!retryable(&StripeError::ConfigError("bad".into())));
    }

    #[test]
    fn the_wait_doubles_from_the_base_and_stays_bounded() {
        let base = Duration::from_millis(250);
        assert_eq!(backoff(base, 1), Duration::from_millis(250));
        assert_eq!(backoff(base, 2), Duration::from_millis(500));
        assert_eq!(backoff(base, 3), Duration::from_millis(1000));
        assert_eq!(backoff(base, 40), Duration::from_millis(250 * 1024));
    }
}
