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
