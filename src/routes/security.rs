//! Security headers on every response. The CSP allows no inline script and no
//! other origin: every script and style is served from `/static`. The one
//! exception is where forms may lead: with card payments on, the card button's
//! form is answered with a redirect to Stripe's hosted Checkout, and
//! `form-action` governs that redirect too — without Stripe's origin the
//! browser stays on the payment page.
use std::sync::OnceLock;

use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Build, Request, Response, Rocket};

use crate::state::AppState;

#[derive(Default)]
pub struct SecurityHeaders {
    /// Decided at ignite, from the configuration.
    policy: OnceLock<String>,
}

/// The Content-Security-Policy; `checkout_origin` is where forms may also go
/// (Stripe's hosted Checkout, when card payments are on).
pub fn content_security_policy(checkout_origin: Option<&str>) -> String {
    let form_action = match checkout_origin {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".into(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action {form_action}; frame-ancestors 'none'"
    )
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Ignite | Kind::Response,
        }
    }

    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        let checkout = rocket
            .state::<AppState>()
            .filter(|state| crate::payments::card_enabled(&state.config))
            .map(|state| state.config.stripe_checkout_origin.clone());
        let _ = self
            .policy
            .set(content_security_policy(checkout.as_deref()));
        Ok(rocket)
    }

    async fn on_response<'r>(&self, _req: &'r Request<'_>, res: &mut Response<'r>) {
        let policy = self
            .policy
            .get()
            .cloned()
            .unwrap_or_else(|| content_security_policy(None));
        res.set_header(Header::new("Content-Security-Policy", policy));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        res.set_header(Header::new(
            "Permissions-Policy",
            "camera=(self), geolocation=(), microphone=()",
        ));
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
    }
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn forms_go_only_to_the_app_unless_card_payments_send_them_on_to_checkout() {
        let strict = content_security_policy(None);
        assert!(strict.contains("form-action 'self';"), "{strict}");
        assert!(!strict.contains("stripe"), "{strict}");
        let card = content_security_policy(Some("https://checkout.stripe.com"));
        assert!(
            card.contains("form-action 'self' https://checkout.stripe.com;"),
            "{card}"
        );
        // Nothing else is widened.
        assert_eq!(card.replace(" https://checkout.stripe.com", ""), strict);
    }
}
