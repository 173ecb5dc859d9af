//! Writing amounts of yen for people: `¥61,600` / `61,600円`.

/// Digits grouped by thousands, with the sign in front: `-1,500`.
pub fn grouped(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `¥61,600`
pub fn format_yen(amount: i64) -> String {
    if amount < 0 {
        format!("-¥{}", grouped(-amount))
    } else {
        format!("¥{}", grouped(amount))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(format_yen(0), "¥0");
        assert_eq!(format_yen(999), "¥999");
        assert_eq!(format_yen(5_000), "¥5,000");
        assert_eq!(format_yen(1_234_567), "¥1,234,567");
        assert_eq!(format_yen(-61_600), "-¥61,600");
        assert_eq!(grouped(100_000), "100,000");
    }
}
