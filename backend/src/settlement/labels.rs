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
    if let (kind @ ("balance_carried" | "balance_recovered"), Some(month)) =
        (line.kind.as_str(), &line.corrects)
    {
        return crate::i18n::tf(lang, &format!("line_{kind}"), &[("month", month)]);
    }
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

/// Product and offer names in `lang` by id, for line labels (the code where an item has no name).
pub async fn names(
    store: &Store,
    lang: &str,
) -> Result<(HashMap<i64, String>, HashMap<i64, String>), StoreError> {
    let cat = store.settlement_catalogue().await?;
    let venues: HashMap<String, townpass_core::catalog::Names> = store
        .load_catalogue()
        .await?
        .map(|c| c.venues.into_iter().map(|v| (v.code, v.name)).collect())
        .unwrap_or_default();
    let named = |names: &townpass_core::catalog::Names, code: String| {
        if names.is_empty() {
            code
        } else {
            crate::i18n::present::name(names, lang)
        }
    };
    Ok((
        cat.products
            .into_iter()
            .map(|(id, p)| (id, named(&p.name, p.code)))
            .collect(),
        cat.offers
            .into_iter()
            .map(|(id, (offer, _, _))| {
                // An offer without a name of its own is its venue's.
                let name = match venues.get(&offer.venue) {
                    Some(v) if offer.name.is_empty() => named(v, offer.code),
                    _ => named(&offer.name, offer.code),
                };
                (id, name)
            })
            .collect(),
    ))
}

/// Who a statement is for, by name: `partner:nim` is the partner's name, `sales_point:x` the
/// sales point's, `operator` the operator's (the code where the catalogue no longer has it).
pub fn party_name(cat: &townpass_core::catalog::Catalogue, party: &str) -> String {
    if party == "operator" {
        return cat.operator.name.clone();
    }
    if let Some(code) = party.strip_prefix("partner:") {
        return cat
            .partners
            .iter()
            .find(|p| p.code == code)
            .map_or_else(|| code.to_string(), |p| p.name.clone());
    }
    if let Some(code) = party.strip_prefix("sales_point:") {
        return cat
            .sales_points
            .iter()
            .find(|s| s.code == code)
            .map_or_else(|| code.to_string(), |s| s.name.clone());
    }
    party.to_string()
}
