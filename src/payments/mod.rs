//! (being written) The only module that talks to Stripe, behind a small trait.
