//! Issuer keys and bulk issuing, on SQLite and PostgreSQL.

use townpass::issuer_keys::{self, KeyError};
use townpass::sales::{self, IssueRequest, SalesError};
use townpass::store::ApplyAction;
use townpass::testing::{TestDb, demo_catalogue};
use townpass_core::{Category, KeyStatus, ProductId};

const NOW: i64 = 1_790_000_000;

fn request(product: &str, category: &str, count: u32) -> IssueRequest {
    IssueRequest::cli(product, category, count)
}

async fn ready(db: &TestDb) -> townpass_core::IssuerKey {
    townpass::catalog::apply(&db.store, demo_catalogue(), NOW)
        .await
        .expect("catalogue");
    db.key_ring()
        .ensure_active(&db.store, NOW)
        .await
        .expect("key")
}

#[tokio::test]
async fn the_first_start_makes_one_active_key_stored_with_mode_0600() {
    for db in TestDb::all().await {
        let ring = db.key_ring();
        let first = ring.ensure_active(&db.store, NOW).await.expect("first key");
        let again = ring
            .ensure_active(&db.store, NOW + 5)
            .await
            .expect("same key");
        assert_eq!(first.kid(), again.kid(), "{}", db.kind);
        let rows = db.store.keys().await.expect("keys");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, "active");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = ring.dir().join(format!("{}.key", first.kid()));
            let mode = std::fs::metadata(&path)
                .expect("key file")
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        // The private key is not in the database, in any column.
        let seed = hex::encode(first.seed());
        let dump: Vec<(String, String)> = sqlx::query_as("SELECT kid, public_key FROM issuer_keys")
            .fetch_all(db.store.pool())
            .await
            .expect("rows");
        assert!(
            dump.iter()
                .all(|(k, p)| !k.contains(&seed) && !p.contains(&seed))
        );
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_key_file_readable_by_others_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::sqlite().await;
    let ring = db.key_ring();
    let key = ring.ensure_active(&db.store, NOW).await.expect("key");
    let path = ring.dir().join(format!("{}.key", key.kid()));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let err = ring
        .ensure_active(&db.store, NOW)
        .await
        .expect_err("refused");
    assert!(matches!(err, KeyError::Permissions { .. }), "{err}");
    assert!(err.to_string().contains("chmod 600"), "{err}");
}

#[tokio::test]
async fn rotation_retires_the_old_key_whose_passes_still_verify() {
    for db in TestDb::all().await {
        let old = ready(&db).await;
        let issued = sales::issue(
            &db.store,
            &old,
            &request("sofia-24h", "adult", 2),
            NOW,
            sales::no_progress(),
        )
        .await
        .expect("issue");
        let new = db
            .key_ring()
            .rotate(&db.store, NOW + 10)
            .await
            .expect("rotate");
        assert_ne!(old.kid(), new.kid());
        let trusted = issuer_keys::trusted_keys(&db.store).await.expect("trusted");
        assert_eq!(
            trusted.get(old.kid()).map(|(_, s)| s),
            Some(KeyStatus::Retired),
            "{}",
            db.kind
        );
        assert_eq!(
            trusted.get(new.kid()).map(|(_, s)| s),
            Some(KeyStatus::Active)
        );
        for p in &issued.passes {
            let v = trusted.verify(&p.token).expect("old pass still verifies");
            assert_eq!(v.key_status, KeyStatus::Retired);
        }
        let old_row = db.store.key(&old.kid().to_string()).await.expect("row");
        assert_eq!(
            old_row.last_pass_expires_at,
            Some(issued.expires_at),
            "{}",
            db.kind
        );
        assert!(issuer_keys::still_needed(&old_row, NOW + 20));
        assert!(!issuer_keys::still_needed(&old_row, issued.expires_at + 1));
    }
}

#[tokio::test]
async fn a_revoked_key_is_reported_revoked_and_cannot_be_revoked_twice() {
    for db in TestDb::all().await {
        let key = ready(&db).await;
        let kid = key.kid().to_string();
        db.store
            .revoke_key(&kid, "laptop stolen", NOW + 1)
            .await
            .expect("revoke");
        let trusted = issuer_keys::trusted_keys(&db.store).await.expect("trusted");
        assert_eq!(
            trusted.get(key.kid()).map(|(_, s)| s),
            Some(KeyStatus::Revoked),
            "{}",
            db.kind
        );
        let again = db
            .store
            .revoke_key(&kid, "again", NOW + 2)
            .await
            .expect_err("twice");
        assert!(again.to_string().contains("already revoked"), "{again}");
        let unknown = db
            .store
            .revoke_key("00000000", "x", NOW)
            .await
            .expect_err("unknown");
        assert!(unknown.to_string().contains("not found"), "{unknown}");
        // The server makes a new active key at its next start.
        let next = db
            .key_ring()
            .ensure_active(&db.store, NOW + 3)
            .await
            .expect("new key");
        assert_ne!(next.kid(), key.kid());
    }
}

#[tokio::test]
async fn two_instances_starting_at_once_end_up_with_one_active_key() {
    for db in TestDb::all().await {
        let ring = db.key_ring();
        let (a, b) = tokio::join!(
            ring.ensure_active(&db.store, NOW),
            ring.ensure_active(&db.store, NOW)
        );
        let (a, b) = (a.expect("instance a"), b.expect("instance b"));
        let active: Vec<_> = db
            .store
            .keys()
            .await
            .expect("keys")
            .into_iter()
            .filter(|k| k.status == "active")
            .collect();
        assert_eq!(active.len(), 1, "{}", db.kind);
        assert_eq!(
            a.kid(),
            b.kid(),
            "{}: both instances sign with the one active key",
            db.kind
        );
    }
}

#[tokio::test]
async fn bulk_issue_stores_every_pass_with_a_token_that_verifies_and_says_what_was_sold() {
    for db in TestDb::all().await {
        let key = ready(&db).await;
        let mut req = request("bulgaria-72h", "child", 1200);
        req.holder = Some("  Школа „Христо Ботев“ ".into());
        let issued = sales::issue(&db.store, &key, &req, NOW, sales::no_progress())
            .await
            .expect("issue");
        assert_eq!(issued.passes.len(), 1200);
        assert_eq!(
            db.store.count_passes().await.expect("count"),
            1200,
            "{}",
            db.kind
        );
        let trusted = issuer_keys::trusted_keys(&db.store).await.expect("keys");
        let serials: std::collections::BTreeSet<_> =
            issued.passes.iter().map(|p| p.serial.clone()).collect();
        assert_eq!(serials.len(), 1200, "serials are unique");
        for p in issued.passes.iter().step_by(97) {
            let v = trusted.verify(&p.token).expect("verifies");
            assert_eq!(v.claims.serial.to_string(), p.serial);
            assert_eq!(v.claims.product, ProductId(issued.product.id as u32));
            assert_eq!(v.claims.category, Category::CHILD);
            assert_eq!(
                v.claims.holder.as_deref(),
                Some("Школа „Христо Ботев“"),
                "trimmed"
            );
            assert_eq!(v.claims.exp, Some((NOW + 365 * 86_400) as u64));
            assert_eq!(v.claims.nbf, None);
        }
        let order = db
            .store
            .order_by_public_id(&issued.order_public_id)
            .await
            .expect("order");
        assert_eq!(
            (order.status.as_str(), order.total_minor),
            ("paid", 1200 * 2200),
            "{}",
            db.kind
        );
        assert_eq!(order.public_id.len(), 32);
        let stored = db.store.passes_of_order(order.id).await.expect("passes");
        assert_eq!(stored.len(), 1200);
        assert!(
            stored
                .iter()
                .all(|p| p.price_minor == 2200 && p.currency == "EUR")
        );
    }
}

#[tokio::test]
async fn issuing_refuses_unknown_products_missing_prices_and_oversized_names_and_stores_nothing() {
    for db in TestDb::all().await {
        let key = ready(&db).await;
        let e = sales::issue(
            &db.store,
            &key,
            &request("no-such", "adult", 1),
            NOW,
            sales::no_progress(),
        )
        .await;
        assert!(
            e.expect_err("unknown")
                .to_string()
                .contains("product 'no-such' not found")
        );
        let e = sales::issue(
            &db.store,
            &key,
            &request("sofia-24h", "family", 1),
            NOW,
            sales::no_progress(),
        )
        .await;
        let e = e.expect_err("no price").to_string();
        assert!(
            e.contains("no price for category 'family'") && e.contains("adult, child"),
            "{e}"
        );
        let mut long = request("sofia-24h", "adult", 3);
        long.holder = Some("Ж".repeat(400));
        let e = sales::issue(&db.store, &key, &long, NOW, sales::no_progress())
            .await
            .expect_err("too long");
        assert!(matches!(e, SalesError::HolderTooLong { .. }), "{e}");
        let e = sales::issue(
            &db.store,
            &key,
            &request("sofia-24h", "adult", 0),
            NOW,
            sales::no_progress(),
        )
        .await;
        assert!(matches!(e, Err(SalesError::BadCount)));
        assert_eq!(
            db.store.count_passes().await.expect("count"),
            0,
            "{}",
            db.kind
        );
    }
}

#[tokio::test]
async fn changing_a_sold_product_makes_a_new_version_and_old_passes_keep_theirs() {
    for db in TestDb::all().await {
        let key = ready(&db).await;
        let sold = sales::issue(
            &db.store,
            &key,
            &request("sofia-24h", "adult", 1),
            NOW,
            sales::no_progress(),
        )
        .await
        .expect("issue");
        let text = demo_catalogue().replace("prices = { adult = 2000,", "prices = { adult = 2400,");
        let report = townpass::catalog::apply(&db.store, &text, NOW + 60)
            .await
            .expect("apply");
        let versions: Vec<_> = report
            .changes
            .iter()
            .filter(|c| c.code == "sofia-24h")
            .map(|c| c.action.clone())
            .collect();
        assert_eq!(
            versions,
            vec![ApplyAction::NewVersion {
                version: 2,
                previous: 1
            }],
            "{}",
            db.kind
        );
        let old = db
            .store
            .product_by_id(sold.product.id)
            .await
            .expect("old version");
        assert_eq!(
            (old.version, old.on_sale, old.product.prices["adult"]),
            (1, false, 2000),
            "{}",
            db.kind
        );
        let new = db
            .store
            .product_by_code("sofia-24h")
            .await
            .expect("new version");
        assert_eq!(
            (new.version, new.on_sale, new.product.prices["adult"]),
            (2, true, 2400)
        );
        assert_ne!(new.id, old.id);
        let next = sales::issue(
            &db.store,
            &key,
            &request("sofia-24h", "adult", 1),
            NOW + 120,
            sales::no_progress(),
        )
        .await
        .expect("issue v2");
        assert_eq!((next.product.id, next.price.minor), (new.id, 2400));
        // Applying the same file again is a no-op.
        let again = townpass::catalog::apply(&db.store, &text, NOW + 180)
            .await
            .expect("apply again");
        assert!(!again.changed(), "{}: {:?}", db.kind, again.changes);
    }
}

#[test]
fn a_date_range_product_starts_and_ends_at_local_midnight() {
    use townpass_core::catalog::Validity;
    let mut product = townpass::catalog::parse(demo_catalogue())
        .expect("demo")
        .products
        .remove(0);
    product.validity = Validity::Dates {
        from: "2026-06-01".into(),
        until: "2026-09-30".into(),
    };
    // Sofia is UTC+3 in summer: 2026-06-01 00:00 local = 2026-05-31 21:00 UTC.
    let (nbf, exp) = sales::pass_dates(&product, 1_777_000_000).expect("dates");
    assert_eq!(nbf, Some(1_780_261_200), "2026-05-31T21:00:00Z");
    assert_eq!(
        exp, 1_790_802_000,
        "2026-10-01 00:00 local = 2026-09-30T21:00:00Z"
    );
}
