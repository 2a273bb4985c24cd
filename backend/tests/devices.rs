//! Venue devices and enrolment codes in the store, on SQLite and PostgreSQL.

use townpass::devices;
use townpass::testing::{TestDb, demo_catalogue};

const NOW: i64 = 1_790_000_000;

#[tokio::test]
async fn a_new_code_for_the_same_device_keeps_one_device_and_stores_only_hashes() {
    for db in TestDb::all().await {
        townpass::catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("catalogue");
        let (first, code1, expires) = devices::add(&db.store, "tsarevets", "Gate 1", NOW)
            .await
            .expect("add");
        let (again, code2, _) = devices::add(&db.store, "tsarevets", " Gate 1 ", NOW + 5)
            .await
            .expect("again");
        assert_eq!(
            first.id, again.id,
            "{}: same venue and name, same device",
            db.kind
        );
        assert_ne!(code1, code2);
        assert_eq!(expires, NOW + 86_400);
        assert_eq!(
            (first.status.as_str(), first.public_key.as_deref()),
            ("pending", None)
        );
        let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM enrolment_codes")
            .fetch_all(db.store.pool())
            .await
            .expect("codes");
        assert_eq!(stored.len(), 2);
        for code in [&code1, &code2] {
            assert!(
                !stored
                    .iter()
                    .any(|h| h.contains(&devices::normalise_code(code))),
                "no plain code stored"
            );
            assert!(
                stored.contains(&townpass::accounts::sha256_hex(&devices::normalise_code(
                    code
                )))
            );
        }
        let e = devices::add(&db.store, "louvre", "Gate 1", NOW)
            .await
            .expect_err("unknown venue");
        assert!(e.to_string().contains("venue 'louvre' not found"), "{e}");
        assert!(
            devices::add(&db.store, "tsarevets", "  ", NOW)
                .await
                .is_err(),
            "a name is required"
        );
    }
}

#[test]
fn codes_compare_without_case_spaces_or_dashes() {
    assert_eq!(devices::normalise_code(" 7jak-ttay ueks\n"), "7JAKTTAYUEKS");
}
