//! Page numbers for the lists staff and admins page through.
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<u64>,
    pub next: Option<u64>,
}

impl Pager {
    pub fn new(page: u64, total: u64, per_page: u64) -> Pager {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| page - 1),
            next: (page < pages).then(|| page + 1),
        }
    }
}

/// `a=1&b=2&` for the non-empty values, ready for one more parameter.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| {
            format!(
                "{name}={}&",
                rocket::http::RawStr::new(value).percent_encode()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_page_has_no_next_and_the_first_no_previous() {
        let p = Pager::new(3, 101, 50);
        assert_eq!((p.pages, p.prev, p.next), (3, Some(2), None));
        let first = Pager::new(1, 0, 50);
        assert_eq!((first.pages, first.prev, first.next), (1, None, None));
    }

    #[test]
    fn empty_values_are_left_out_and_the_rest_encoded() {
        assert_eq!(
            query_string(&[("q", "山田 花子"), ("status", "")]),
            "q=%E5%B1%B1%E7%94%B0%20%E8%8A%B1%E5%AD%90&"
        );
    }
}
