//! 適格請求書 (qualified invoice) details printed on receipts.

/// Whether a text is a qualified-invoice issuer registration number
/// (適格請求書発行事業者登録番号): `T` followed by 13 half-width digits.
pub fn is_registration_number(text: &str) -> bool {
    text.strip_prefix('T')
        .is_some_and(|digits| digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_number_is_t_and_thirteen_digits() {
        assert!(is_registration_number("T1234567890123"));
        for bad in [
            "",
            "1234567890123",
            "t1234567890123",
            "T123456789012",
            "T12345678901234",
            "T123456789012A",
            "T１２３４５６７８９０１２３",
            "T 1234567890123",
        ] {
            assert!(!is_registration_number(bad), "{bad}");
        }
    }
}
