//! Fees: what a person owes for a course, from the course's fee lines
//! (components × price categories, integer yen, tax included).
use super::DomainError;

/// One fee line: (price category, component, amount in yen).
pub type FeeLine = (String, String, i64);

/// Components charged only when the service is used (補講料, 再試験料,
/// 再交付手数料), never as part of the enrollment.
pub const ON_DEMAND: [&str; 3] = ["makeup", "retake", "reissue"];

/// The total due at enrollment for a price category. A course without fee
/// lines is free (`Ok(0)`); a course with fees but none for this category
/// does not offer that category.
pub fn amount_due(lines: &[FeeLine], category: &str) -> Result<i64, DomainError> {
    if lines.is_empty() {
        return Ok(0);
    }
    let mine: Vec<&FeeLine> = lines.iter().filter(|(c, _, _)| c == category).collect();
    if mine.is_empty() {
        return Err(DomainError::new(
            "price_category",
            "err-price-category-not-offered",
        ));
    }
    Ok(mine
        .iter()
        .filter(|(_, component, _)| !ON_DEMAND.contains(&component.as_str()))
        // Not a charge: the part of the fee a municipality pays (see `support`).
        .filter(|(_, component, _)| component != super::support::MUNICIPAL_SUBSIDY)
        .map(|(_, _, amount)| (*amount).max(0))
        .sum())
}

/// What one use of an on-demand component costs in a price category (0 when
/// the course does not charge for it).
pub fn on_demand_fee(lines: &[FeeLine], category: &str, component: &str) -> i64 {
    lines
        .iter()
        .filter(|(c, comp, _)| c == category && comp == component)
        .map(|(_, _, amount)| (*amount).max(0))
        .sum()
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
    fn make_up_retake_and_reissue_fees_are_charged_when_used_not_at_enrollment() {
        let lines = [
            line("general", "tuition", 55_000),
            line("general", "makeup", 3_000),
            line("general", "reissue", 1_100),
            line("member", "tuition", 44_000),
            line("member", "makeup", 2_000),
        ];
        assert_eq!(amount_due(&lines, "general"), Ok(55_000));
        assert_eq!(on_demand_fee(&lines, "general", "makeup"), 3_000);
        assert_eq!(on_demand_fee(&lines, "member", "makeup"), 2_000);
        assert_eq!(on_demand_fee(&lines, "member", "reissue"), 0);
    }

    #[test]
    fn a_free_category_costs_nothing() {
        let lines = [line("general", "受講料", 1_500), line("free", "受講料", 0)];
        assert_eq!(amount_due(&lines, "free"), Ok(0));
    }
}
