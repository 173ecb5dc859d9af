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
    pub fn new(secret_key: &str, api_base: &str) -> Result<StripeGateway, GatewayError> {
        let client = ClientBuilder::new(secret_key)
            .url(api_base)
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        Ok(StripeGateway { client })
    }
}

fn key(raw: &str) -> Result<RequestStrategy, GatewayError> {
    IdempotencyKey::new(raw)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| GatewayError::Refused(format!("idempotency key: {e}")))
}

fn gateway_error(e: StripeError) -> GatewayError {
    match e {
        StripeError::Stripe(errors, status) => {
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
        let reply: SessionReply = create
            .build()
            .customize::<SessionReply>()
            .request_strategy(key(&request.idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(gateway_error)?;
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
        let reply: RefundReply = CreateRefund::new()
            .payment_intent(request.payment_intent.clone())
            .amount(request.amount_yen)
            .metadata(metadata(request.enrollment_id))
            .build()
            .customize::<RefundReply>()
            .request_strategy(key(&request.idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(gateway_error)?;
        Ok(RefundResult {
            id: reply.id,
            amount_yen: reply.amount,
            status: reply.status.unwrap_or_else(|| "pending".into()),
        })
    }
}
