//! Fees: what a person owes for a course, from the course's fee lines
//! (components × price categories, integer yen, tax included).
use super::DomainError;

/// One fee line: (price category, component, amount in yen).
pub type FeeLine = (String, String, i64);

/// The total due for a price category. A course without fee lines is free
/// (`Ok(0)`); a course with fees but none for this category does not offer
/// that category.
pub fn amount_due(lines: &[FeeLine], category: &str) -> Result<i64, DomainError> {
    if lines.is_empty() {
        return Ok(0);
    }
    let mine: Vec<i64> = lines
        .iter()
        .filter(|(c, _, _)| c == category)
        .map(|(_, _, amount)| *amount)
        .collect();
    if mine.is_empty() {
        return Err(DomainError::new(
            "price_category",
            "err-price-category-not-offered",
        ));
    }
    Ok(mine.iter().map(|a| (*a).max(0)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(c: &str, comp: &str, a: i64) -> FeeLine {
        (c.into(), comp.into(), a)
    }

    #[test]
    fn the_total_adds_the_components_of_the_category() {
        let lines = [
            line("general", "受講料", 55_000),
            line("general", "テキスト代", 6_600),
            line("member", "受講料", 44_000),
            line("member", "テキスト代", 6_600),
        ];
        assert_eq!(amount_due(&lines, "general"), Ok(61_600));
        assert_eq!(amount_due(&lines, "member"), Ok(50_600));
    }

    #[test]
    fn a_course_without_fees_is_free_and_an_unlisted_category_is_refused() {
        assert_eq!(amount_due(&[], "student"), Ok(0));
        let lines = [line("general", "受講料", 1_500)];
        assert!(amount_due(&lines, "student").is_err());
    }

    #[test]
    fn a_free_category_costs_nothing() {
        let lines = [line("general", "受講料", 1_500), line("free", "受講料", 0)];
        assert_eq!(amount_due(&lines, "free"), Ok(0));
    }
}
