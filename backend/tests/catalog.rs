//! The catalogue file and the store, on SQLite and PostgreSQL.

use townpass::catalog::{self, CatalogError};
use townpass::store::ApplyAction;
use townpass::testing::{TestDb, demo_catalogue};

const NOW: i64 = 1_790_000_000;

fn changed<'a>(
    report: &'a townpass::store::ApplyReport,
    action: &ApplyAction,
) -> Vec<(&'a str, &'a str)> {
    report
        .changes
        .iter()
        .filter(|c| &c.action == action)
        .map(|c| (c.kind, c.code.as_str()))
        .collect()
}

#[tokio::test]
async fn applying_the_demo_catalogue_twice_changes_nothing_the_second_time() {
    for db in TestDb::all().await {
        let first = catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("first apply");
        assert!(first.changed(), "{}", db.kind);
        assert!(
            changed(&first, &ApplyAction::Added).contains(&("product", "bulgaria-72h")),
            "{}",
            db.kind
        );
        let second = catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("second apply");
        assert!(!second.changed(), "{}: {:?}", db.kind, second.changes);
        assert!(
            second
                .changes
                .iter()
                .all(|c| c.action == ApplyAction::Unchanged),
            "{}",
            db.kind
        );
    }
}

#[tokio::test]
async fn an_exported_catalogue_applies_back_without_changes_and_equals_the_original() {
    for db in TestDb::all().await {
        catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("apply");
        let exported = catalog::export(&db.store)
            .await
            .expect("export")
            .expect("a catalogue");
        let report = catalog::apply(&db.store, &exported, NOW)
            .await
            .expect("apply export");
        assert!(!report.changed(), "{}: {:?}", db.kind, report.changes);
        assert_eq!(
            catalog::parse(&exported).expect("parses"),
            catalog::parse(demo_catalogue()).expect("demo")
        );
    }
}

#[tokio::test]
async fn changing_an_unsold_product_updates_it_in_place() {
    for db in TestDb::all().await {
        catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("apply");
        let before = db
            .store
            .product_by_code("sofia-24h")
            .await
            .expect("product");
        let text = demo_catalogue().replace("prices = { adult = 2000,", "prices = { adult = 2200,");
        let report = catalog::apply(&db.store, &text, NOW)
            .await
            .expect("apply change");
        assert_eq!(
            changed(&report, &ApplyAction::Updated),
            vec![("product", "sofia-24h")],
            "{}",
            db.kind
        );
        let after = db
            .store
            .product_by_code("sofia-24h")
            .await
            .expect("product");
        assert_eq!((after.id, after.version), (before.id, 1), "{}", db.kind);
        assert_eq!(after.product.prices["adult"], 2200);
    }
}

#[tokio::test]
async fn items_missing_from_the_file_are_reported_and_kept() {
    for db in TestDb::all().await {
        catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("apply");
        let start = demo_catalogue()
            .find("[[sales_point]]\ncode = \"hotel-balkan\"")
            .expect("hotel");
        let without_hotel = &demo_catalogue()[..start];
        let report = catalog::apply(&db.store, without_hotel, NOW)
            .await
            .expect("apply");
        assert_eq!(
            changed(&report, &ApplyAction::NotInFile),
            vec![("sales point", "hotel-balkan")],
            "{}",
            db.kind
        );
        let stored = db
            .store
            .load_catalogue()
            .await
            .expect("load")
            .expect("catalogue");
        assert!(
            stored.sales_points.iter().any(|s| s.code == "hotel-balkan"),
            "{}",
            db.kind
        );
    }
}

#[tokio::test]
async fn an_invalid_catalogue_names_every_problem_and_changes_nothing() {
    for db in TestDb::all().await {
        catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("apply");
        let broken = demo_catalogue()
            .replace(
                "partner = \"rim-vt\"\ntown = \"veliko-tarnovo\"\nname = { en = \"Tsarevets",
                "partner = \"nobody\"\ntown = \"veliko-tarnovo\"\nname = { en = \"Tsarevets",
            )
            .replace(
                "name = { en = \"Rila Monastery\", bg = \"Рилски манастир\" }\ncountry = \"BG\"\ntime_zone = \"Europe/Sofia\"",
                "name = { en = \"Rila Monastery\", bg = \"Рилски манастир\" }\ncountry = \"BG\"\ntime_zone = \"Europe/Rila\"",
            )
            .replace("prices = { adult = 2000,", "prices = { adult = 9999,");
        let err = catalog::apply(&db.store, &broken, NOW)
            .await
            .expect_err("refused");
        let CatalogError::Invalid(problems) = &err else {
            panic!("{}: {err}", db.kind)
        };
        let text = err.to_string();
        assert_eq!(problems.len(), 2, "{}: {text}", db.kind);
        assert!(
            text.contains("venue 'tsarevets': unknown partner 'nobody'"),
            "{text}"
        );
        assert!(
            text.contains("town 'rila': unknown time zone 'Europe/Rila'"),
            "{text}"
        );
        let product = db
            .store
            .product_by_code("sofia-24h")
            .await
            .expect("product");
        assert_eq!(
            product.product.prices["adult"], 2000,
            "{}: the valid part was not applied either",
            db.kind
        );
    }
}

#[tokio::test]
async fn a_file_that_is_not_a_catalogue_gets_a_parse_error_with_the_line() {
    for db in TestDb::all().await {
        let err = catalog::apply(&db.store, "[operator]\nname = \"x\"\ntime_zone = 5\n", NOW)
            .await
            .expect_err("refused");
        assert!(matches!(err, CatalogError::Parse(_)), "{}: {err}", db.kind);
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(db.store.load_catalogue().await.expect("load").is_none());
    }
}

/// `catalog apply` refuses, and changes nothing: a currency code that is not ISO 4217 (the
/// Serbian dinar written "DIN"), a product sold in a second currency whose offers have no amounts
/// in it, a price list in that currency missing a category, and a name missing in a language the
/// operator requires (or a required language that is not on offer).
#[tokio::test]
async fn catalog_apply_refuses_unknown_currencies_missing_amounts_and_missing_translations() {
    for db in TestDb::all().await {
        catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("apply");
        let before = catalog::export(&db.store).await.expect("export");

        let din = demo_catalogue().replacen("currency = \"EUR\"", "currency = \"DIN\"", 1);
        let err = catalog::apply(&db.store, &din, NOW).await.expect_err("DIN");
        let text = err.to_string();
        assert!(
            text.contains("'DIN' is not an ISO 4217 currency code") && text.contains("RSD"),
            "{}: {text}",
            db.kind
        );

        // sofia-24h in MKD too: its four entry offers state rack rates and reimbursements in EUR
        // only, and the MKD list forgets the student price.
        let mkd = demo_catalogue().replace(
            "prices = { adult = 2000, child = 1000, senior = 1200, student = 1200 }",
            "prices = { adult = 2000, child = 1000, senior = 1200, student = 1200 }\nprices_in = { MKD = { adult = 123000, child = 61500, senior = 73800 } }",
        );
        assert_ne!(mkd, demo_catalogue());
        let err = catalog::apply(&db.store, &mkd, NOW).await.expect_err("MKD");
        let CatalogError::Invalid(problems) = &err else {
            panic!("{}: {err}", db.kind)
        };
        let text = err.to_string();
        assert!(
            text.contains(
                "product 'sofia-24h' is sold in MKD, but its offer 'nim-entry' has no MKD amounts"
            ),
            "{text}"
        );
        assert!(
            text.contains("product 'sofia-24h': its MKD prices must name the same categories as its EUR prices"),
            "{text}"
        );
        assert_eq!(problems.len(), 5, "4 offers and the price list: {text}");

        // An offer without a currency of its own is in each product's main currency: amounts_in
        // for one of those would be read as nothing (the osogovo-day ticket is in MKD).
        let region = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../catalog/south-morava-osogovo.toml"
        ))
        .expect("the second region");
        let vague = region.replacen(
            "code = \"sv-joakim-museum-entry\"\nvenue = \"sv-joakim-osogovski\"\nkind = \"entry\"\nlimit = \"once\"\ncurrency = \"EUR\"\n",
            "code = \"sv-joakim-museum-entry\"\nvenue = \"sv-joakim-osogovski\"\nkind = \"entry\"\nlimit = \"once\"\n",
            1,
        );
        assert_ne!(vague, region);
        let err = catalog::apply(&db.store, &vague, NOW)
            .await
            .expect_err("vague offer");
        assert!(
            err.to_string()
                .contains("offer 'sv-joakim-museum-entry': amounts_in.MKD repeats the currency of its plain amounts"),
            "{err}"
        );

        let required = demo_catalogue().replace(
            "email = \"office@heritagepass.example\"",
            "email = \"office@heritagepass.example\"\nlanguages = [\"en\", \"bg\", \"mk\", \"xx\"]",
        );
        let err = catalog::apply(&db.store, &required, NOW)
            .await
            .expect_err("mk names missing");
        let text = err.to_string();
        assert!(
            text.contains("town 'sofia' name: no 'mk' text")
                && text.contains("product 'sofia-24h' name: no 'mk' text")
                && text.contains("operator.languages: 'xx' is not a language on offer"),
            "{text}"
        );
        // The built-in categories are named in every language on offer.
        assert!(!text.contains("category 'adult' name: no 'mk'"), "{text}");
        assert!(text.contains("category 'family' name: no 'mk'"), "{text}");

        assert_eq!(
            catalog::export(&db.store).await.expect("export"),
            before,
            "{}: nothing changed",
            db.kind
        );
    }
}

/// A product sold in EUR and MKD, with its offers' amounts in both: applies, exports and applies
/// back unchanged; an order in MKD is priced from the MKD list.
#[tokio::test]
async fn a_product_with_a_price_list_per_currency_sells_in_the_one_the_buyer_picks() {
    for db in TestDb::all().await {
        let mut text = demo_catalogue().replace(
            "prices = { adult = 2000, child = 1000, senior = 1200, student = 1200 }",
            "prices = { adult = 2000, child = 1000, senior = 1200, student = 1200 }\nprices_in = { MKD = { adult = 123000, child = 61500, senior = 73800, student = 73800 } }",
        );
        for offer in [
            "nim-entry",
            "boyana-entry",
            "city-gallery-entry",
            "socialist-art-entry",
        ] {
            let at = text.find(&format!("code = \"{offer}\"")).expect("offer");
            let end = at + text[at..].find("\n\n").expect("end of offer");
            text.insert_str(
                end,
                "\namounts_in = { MKD = { rack_rate = { adult = 61500, child = 30700, senior = 30700, student = 30700 }, reimbursement = { adult = 43000, child = 21500, senior = 21500, student = 21500 } } }",
            );
        }
        catalog::apply(&db.store, &text, NOW)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let exported = catalog::export(&db.store)
            .await
            .expect("export")
            .expect("some");
        let again = catalog::apply(&db.store, &exported, NOW)
            .await
            .expect("re-apply");
        assert!(!again.changed(), "{}: {again:?}", db.kind);

        let order = townpass::sales::create_order(
            &db.store,
            &townpass::sales::OrderRequest {
                lines: vec![townpass::sales::LineRequest {
                    product: "sofia-24h".into(),
                    category: "child".into(),
                    holder: None,
                    count: 2,
                }],
                email: None,
                language: "mk".into(),
                channel: "desk",
                sales_point: None,
                payment_provider: "cash".into(),
                currency: Some("MKD".parse().expect("MKD")),
            },
            NOW,
        )
        .await
        .expect("order in MKD");
        assert_eq!(
            (order.currency.as_str(), order.total_minor),
            ("MKD", 123_000)
        );
        let huf = townpass::sales::create_order(
            &db.store,
            &townpass::sales::OrderRequest {
                lines: vec![townpass::sales::LineRequest {
                    product: "sofia-24h".into(),
                    category: "child".into(),
                    holder: None,
                    count: 1,
                }],
                email: None,
                language: "hu".into(),
                channel: "desk",
                sales_point: None,
                payment_provider: "cash".into(),
                currency: Some("HUF".parse().expect("HUF")),
            },
            NOW,
        )
        .await
        .expect_err("not sold in HUF");
        assert!(
            huf.to_string()
                .contains("not sold in HUF (it is sold in: EUR, MKD)"),
            "{huf}"
        );
    }
}

#[test]
fn bank_details_are_checked_iban_check_digits_bic_format_and_address_country() {
    let broken = demo_catalogue()
        // One digit off: the check digits no longer match.
        .replace("BG80BNBG96611020345678", "BG80BNBG96611020345679")
        .replace("bic = \"RZBBBGSF\"", "bic = \"RZB\"")
        .replace(
            "town = \"Plovdiv\", country = \"BG\" }\n\n[[partner]]\ncode = \"rim-vt\"",
            "town = \"Plovdiv\", country = \"Bulgaria\" }\n\n[[partner]]\ncode = \"rim-vt\"",
        );
    let err = catalog::validate(&catalog::parse(&broken).expect("parses")).expect_err("refused");
    let CatalogError::Invalid(problems) = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 3, "{err}");
    assert!(
        problems[0].starts_with("partner 'nim': IBAN 'BG80BNBG96611020345679' is not valid"),
        "{err}"
    );
    assert!(
        problems[1].starts_with("partner 'sofia-museums': BIC 'RZB' is not valid"),
        "{err}"
    );
    assert!(
        problems[2].starts_with(
            "partner 'old-plovdiv': address country 'Bulgaria' is not an ISO 3166 code"
        ),
        "{err}"
    );
    // Lengths as banks count them, once Cyrillic is written in Latin letters: a 30-letter town
    // in Cyrillic is longer than 35 then, and so is a long name than 70.
    let long = demo_catalogue()
        .replace(
            "name = \"National Historical Museum\"",
            "name = \"Национален исторически музей, Национален исторически музей, клон Бояна\"",
        )
        .replace(
            "town = \"Rila Monastery\"",
            "town = \"Рилски манастир Свети Иван Рилски Чудотворец\"",
        );
    let err = catalog::validate(&catalog::parse(&long).expect("parses")).expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("partner 'nim': the name is") && text.contains("bank transfers take 70"),
        "{text}"
    );
    assert!(
        text.contains("partner 'rila-monastery': address town is longer than the 35"),
        "{text}"
    );
    // The demo itself passes.
    catalog::validate(&catalog::parse(demo_catalogue()).expect("parses")).expect("valid");
}

#[test]
fn what_a_typing_slip_makes_is_refused_hours_gates_cannot_read_backwards_dates_and_absurd_amounts()
{
    let mut cat = catalog::parse(demo_catalogue()).expect("demo");
    catalog::validate(&cat).expect("the demo is valid");
    let offer = &mut cat.offers[0];
    offer.hours = Some("9-17".into());
    offer.from = Some("2026-08-31".into());
    offer.until = Some("2026-06-01".into());
    let code = offer.code.clone();
    let product = &mut cat.products[0];
    product.choose = Some(0);
    product.expires_after_days = 4_294_967_295;
    product
        .prices
        .insert("adult".into(), 9_223_372_036_854_775_807);
    let pcode = product.code.clone();
    let err = catalog::validate(&cat).expect_err("refused").to_string();
    for want in [
        format!("offer '{code}': hours '9-17' should be two times HH:MM-HH:MM"),
        format!("offer '{code}': from 2026-08-31 is after until 2026-06-01"),
        format!("product '{pcode}': choose 0 must be from 1"),
        format!("product '{pcode}': expires_after_days is at most 3650"),
        format!("product '{pcode}': a price is over 1000000000 minor units"),
    ] {
        assert!(err.contains(&want), "{want}\nin: {err}");
    }
}
