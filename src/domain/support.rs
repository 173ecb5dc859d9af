//! Public support schemes (公的支援) and what they do to the price:
//! - 求職者支援訓練: tuition is free; the textbook and other components are
//!   still paid by the trainee.
//! - 教育訓練給付金: the trainee pays everything; Hello Work reimburses them
//!   afterwards, so the receipt must be in their name for the full amount.
//! - municipal subsidy (自治体の助成): the course's subsidy amount for the
//!   price category is owed by the municipality, the rest by the trainee.
//!
//! The benefit rates themselves are not computed by us (REFERENCE.md, Fees).
use super::fees::{FeeLine, ON_DEMAND};
use super::yen::format_yen;
use super::DomainError;

/// The fee line component naming a municipal subsidy's share of a price
/// category (not a charge: part of the other components, paid by someone else).
pub const MUNICIPAL_SUBSIDY: &str = "municipal_subsidy";

/// Components that are tuition (受講料), which 求職者支援訓練 makes free.
pub const TUITION: [&str; 2] = ["tuition", "受講料"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// 教育訓練給付金
    EducationBenefit,
    /// 求職者支援訓練
    JobSeekerTraining,
    /// 自治体の助成
    MunicipalSubsidy,
}

impl Scheme {
    /// From the value stored on the application (`SUPPORT_SCHEMES`).
    pub fn parse(raw: &str) -> Option<Scheme> {
        match raw {
            "kyoiku_kunren" => Some(Scheme::EducationBenefit),
            "kyushokusha" => Some(Scheme::JobSeekerTraining),
            "municipal" => Some(Scheme::MunicipalSubsidy),
            _ => None,
        }
    }

    /// The scheme named in a stored application form, if any.
    pub fn of_form(form: &serde_json::Value) -> Option<Scheme> {
        form.get("support_scheme")
            .and_then(serde_json::Value::as_str)
            .and_then(Scheme::parse)
    }
}

/// The price of an enrollment once its support scheme is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// The fee of the price category before any support.
    pub fee_yen: i64,
    /// Tuition made free by the scheme (nobody pays it).
    pub waived_yen: i64,
    /// What the ledger expects in all (every payer together).
    pub due_yen: i64,
    /// Owed by the municipality.
    pub subsidy_yen: i64,
    /// Owed by the trainee.
    pub trainee_yen: i64,
}

/// The price for a category under a scheme. A course without fee lines is
/// free; a category the course does not offer is refused (as `amount_due`).
pub fn price(
    lines: &[FeeLine],
    category: &str,
    scheme: Option<Scheme>,
) -> Result<Price, DomainError> {
    let fee_yen = super::fees::amount_due(lines, category)?;
    let charged = |pick: &dyn Fn(&str) -> bool| -> i64 {
        lines
            .iter()
            .filter(|(c, comp, _)| c == category && !ON_DEMAND.contains(&comp.as_str()))
            .filter(|(_, comp, _)| pick(comp))
            .map(|(_, _, amount)| (*amount).max(0))
            .sum()
    };
    let (waived_yen, subsidy_yen) = match scheme {
        Some(Scheme::JobSeekerTraining) => (charged(&|c| TUITION.contains(&c)).min(fee_yen), 0),
        Some(Scheme::MunicipalSubsidy) => (0, charged(&|c| c == MUNICIPAL_SUBSIDY).min(fee_yen)),
        Some(Scheme::EducationBenefit) | None => (0, 0),
    };
    let due_yen = fee_yen - waived_yen;
    Ok(Price {
        fee_yen,
        waived_yen,
        due_yen,
        subsidy_yen,
        trainee_yen: due_yen - subsidy_yen,
    })
}

/// What the trainee still owes themselves (what a card payment asks for):
/// their share less what they paid, never more than the whole balance.
pub fn trainee_owes(price: &Price, balance_yen: i64, trainee_paid_yen: i64) -> i64 {
    (price.trainee_yen - trainee_paid_yen)
        .min(balance_yen)
        .max(0)
}

/// Whether a seat waiting for payment is paid for: once at most the
/// municipality's share is outstanding, the trainee has done their part (the
/// municipality often pays after the course).
pub fn seat_paid(price: &Price, balance_yen: i64) -> bool {
    balance_yen <= price.subsidy_yen
}

/// The line a receipt prints when more than one party shares the fee:
/// `総額 ¥50,000 のうち 豊島区負担 ¥20,000`. `others` are the other payers'
/// receipts for the same enrollment (payer, amount); before the other party
/// has paid, their share comes from the price. `None` when this receipt's
/// payer bears the whole fee.
pub fn share_line(
    price: &Price,
    this_payer: &str,
    this_amount: i64,
    others: &[(String, i64)],
) -> Option<String> {
    let total = format_yen(price.fee_yen);
    let mut parts: Vec<String> = vec![];
    let mut named: Vec<(&str, i64)> = vec![];
    for (payer, amount) in others.iter().filter(|(p, _)| p != this_payer) {
        match named.iter_mut().find(|(p, _)| p == payer) {
            Some((_, sum)) => *sum += amount,
            None => named.push((payer.as_str(), *amount)),
        }
    }
    if !named.is_empty() {
        parts.extend(
            named
                .iter()
                .map(|(payer, amount)| format!("{payer}負担 {}", format_yen(*amount))),
        );
    } else if price.subsidy_yen > 0 {
        // Nobody else has paid yet: the scheme says who owes the other part.
        let pays_subsidy = this_amount == price.subsidy_yen && this_amount != price.trainee_yen;
        parts.push(if pays_subsidy {
            format!("受講者負担 {}", format_yen(price.trainee_yen))
        } else {
            format!("自治体負担 {}", format_yen(price.subsidy_yen))
        });
    }
    if price.waived_yen > 0 {
        parts.push(format!(
            "求職者支援訓練による受講料免除 {}",
            format_yen(price.waived_yen)
        ));
    }
    (!parts.is_empty()).then(|| format!("総額 {total} のうち {}", parts.join("、")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(c: &str, comp: &str, a: i64) -> FeeLine {
        (c.into(), comp.into(), a)
    }

    fn course() -> Vec<FeeLine> {
        vec![
            line("general", "tuition", 50_000),
            line("general", "textbook", 6_600),
            line("general", MUNICIPAL_SUBSIDY, 20_000),
            line("general", "makeup", 3_000),
            line("member", "受講料", 40_000),
            line("member", "textbook", 6_600),
        ]
    }

    #[test]
    fn without_a_scheme_the_trainee_pays_the_fee_and_a_subsidy_line_is_no_charge() {
        let p = price(&course(), "general", None).unwrap();
        assert_eq!(
            p,
            Price {
                fee_yen: 56_600,
                waived_yen: 0,
                due_yen: 56_600,
                subsidy_yen: 0,
                trainee_yen: 56_600
            }
        );
        assert_eq!(share_line(&p, "山田", 56_600, &[]), None);
    }

    #[test]
    fn job_seeker_training_makes_tuition_free_and_keeps_the_textbook_payable() {
        let s = Some(Scheme::JobSeekerTraining);
        let p = price(&course(), "general", s).unwrap();
        assert_eq!(
            (p.waived_yen, p.due_yen, p.trainee_yen),
            (50_000, 6_600, 6_600)
        );
        // Tuition named in Japanese is tuition too.
        let p = price(&course(), "member", s).unwrap();
        assert_eq!((p.waived_yen, p.due_yen), (40_000, 6_600));
        assert_eq!(
            share_line(&p, "山田", 6_600, &[]).as_deref(),
            Some("総額 ¥46,600 のうち 求職者支援訓練による受講料免除 ¥40,000")
        );
    }

    #[test]
    fn the_education_benefit_leaves_the_whole_fee_to_the_trainee() {
        let p = price(&course(), "general", Some(Scheme::EducationBenefit)).unwrap();
        assert_eq!(
            (p.due_yen, p.trainee_yen, p.subsidy_yen),
            (56_600, 56_600, 0)
        );
        assert_eq!(share_line(&p, "山田", 56_600, &[]), None);
    }

    #[test]
    fn a_municipal_subsidy_owes_its_share_and_the_trainee_the_rest() {
        let p = price(&course(), "general", Some(Scheme::MunicipalSubsidy)).unwrap();
        assert_eq!(
            (p.due_yen, p.subsidy_yen, p.trainee_yen),
            (56_600, 20_000, 36_600)
        );
        // A category without a subsidy line: the trainee pays all.
        let m = price(&course(), "member", Some(Scheme::MunicipalSubsidy)).unwrap();
        assert_eq!((m.subsidy_yen, m.trainee_yen), (0, 46_600));
        // A subsidy larger than the fee is capped.
        let big = [
            line("general", "tuition", 5_000),
            line("general", MUNICIPAL_SUBSIDY, 9_000),
        ];
        let b = price(&big, "general", Some(Scheme::MunicipalSubsidy)).unwrap();
        assert_eq!((b.subsidy_yen, b.trainee_yen), (5_000, 0));
    }

    #[test]
    fn the_trainee_pays_their_share_and_the_seat_is_theirs_once_they_have() {
        let p = price(&course(), "general", Some(Scheme::MunicipalSubsidy)).unwrap();
        // Nobody has paid: the card asks for the trainee's share only.
        assert_eq!(trainee_owes(&p, 56_600, 0), 36_600);
        assert!(!seat_paid(&p, 56_600));
        // The municipality paid first: still the trainee's share.
        assert_eq!(trainee_owes(&p, 36_600, 0), 36_600);
        assert!(!seat_paid(&p, 36_600));
        // The trainee paid: the seat is theirs while the subsidy is outstanding.
        assert_eq!(trainee_owes(&p, 20_000, 36_600), 0);
        assert!(seat_paid(&p, 20_000));
        let none = price(&course(), "general", None).unwrap();
        assert_eq!(trainee_owes(&none, 56_600, 0), 56_600);
        assert!(!seat_paid(&none, 1));
        assert!(seat_paid(&none, 0));
    }

    #[test]
    fn each_payers_receipt_names_the_other_payers_share() {
        let p = price(&course(), "general", Some(Scheme::MunicipalSubsidy)).unwrap();
        let others = [
            ("豊島区".to_string(), 20_000),
            ("山田 花子".to_string(), 36_600),
        ];
        assert_eq!(
            share_line(&p, "山田 花子", 36_600, &others).as_deref(),
            Some("総額 ¥56,600 のうち 豊島区負担 ¥20,000")
        );
        assert_eq!(
            share_line(&p, "豊島区", 20_000, &others).as_deref(),
            Some("総額 ¥56,600 のうち 山田 花子負担 ¥36,600")
        );
        // Before the other party has paid, the scheme's shares are named.
        assert_eq!(
            share_line(&p, "山田 花子", 36_600, &[]).as_deref(),
            Some("総額 ¥56,600 のうち 自治体負担 ¥20,000")
        );
        assert_eq!(
            share_line(&p, "豊島区", 20_000, &[]).as_deref(),
            Some("総額 ¥56,600 のうち 受講者負担 ¥36,600")
        );
    }

    #[test]
    fn schemes_are_read_from_the_stored_form() {
        let form = serde_json::json!({"support_scheme": "kyushokusha"});
        assert_eq!(Scheme::of_form(&form), Some(Scheme::JobSeekerTraining));
        assert_eq!(Scheme::of_form(&serde_json::json!({})), None);
        assert_eq!(Scheme::parse("voucher"), None);
    }
}
