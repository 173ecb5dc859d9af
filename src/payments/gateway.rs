//! What the service needs from a card payment provider: a hosted checkout
//! page for an amount in yen, and refunds. Both take an idempotency key so a
//! retried call never charges or refunds twice.

/// One payment attempt: a hosted page where the trainee pays `amount_yen`.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub enrollment_id: i64,
    /// JPY is a zero-decimal currency: ¥5,000 is sent as `5000`.
    pub amount_yen: i64,
    pub description: String,
    pub customer_email: Option<String>,
    pub success_url: String,
    pub cancel_url: String,
    pub idempotency_key: String,
    /// Unix seconds; the provider closes the page then.
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub enrollment_id: i64,
    pub payment_intent: String,
    pub amount_yen: i64,
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundResult {
    pub id: String,
    pub amount_yen: i64,
    /// `pending | succeeded | failed | canceled | requires_action`
    pub status: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The provider answered and said no (bad request, card error…).
    #[error("the payment provider refused: {0}")]
    Refused(String),
    /// The provider could not be reached or answered nonsense.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
}

#[rocket::async_trait]
pub trait PaymentGateway: Send + Sync {
    async fn create_checkout_session(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, GatewayError>;

    async fn create_refund(&self, request: &RefundRequest) -> Result<RefundResult, GatewayError>;
}
