//! Statement lines in words, the same on the operator's pages, the partner portal and its CSV.

use std::collections::HashMap;

use crate::store::{StatementLineRow, Store, StoreError};

/// What a statement line is, in words, in `lang`.
pub fn line_label(
    lang: &str,
    line: &StatementLineRow,
    products: &HashMap<i64, String>,
    offers: &HashMap<i64, String>,
) -> String {
    let mut label = match line.kind.as_str() {
        kind @ ("visit" | "pool_share" | "fixed_share" | "commission" | "operator_fee"
        | "breakage" | "dispute_credit" | "dispute_debit") => {
            crate::i18n::t(lang, &format!("line_{kind}"))
        }
        other => other.to_string(),
    };
    if let Some(p) = products.get(&line.product_id) {
        label.push_str(" · ");
        label.push_str(p);
    }
    if let Some(o) = line.offer_id.and_then(|o| offers.get(&o)) {
        label.push_str(" · ");
        label.push_str(o);
    }
    if let Some(c) = &line.corrects {
        label.push_str(" · ");
        label.push_str(&crate::i18n::tf(lang, "line_adjustment", &[("month", c)]));
    }
    label
}

/// Product and offer codes by id, for line labels.
pub async fn names(
    store: &Store,
) -> Result<(HashMap<i64, String>, HashMap<i64, String>), StoreError> {
    let cat = store.settlement_catalogue().await?;
    Ok((
        cat.products
            .into_iter()
            .map(|(id, p)| (id, p.code))
            .collect(),
        cat.offers
            .into_iter()
            .map(|(id, o)| (id, o.0.code))
            .collect(),
    ))
}
