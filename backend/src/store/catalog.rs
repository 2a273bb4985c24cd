//! Catalogue storage: load the whole catalogue, apply a new one idempotently (one transaction),
//! look products up for sale. A sold product version is never edited; apply adds a version.

use serde::Serialize;
use serde_json::Value;
use sqlx::{Any, Transaction};
use townpass_core::catalog::{Catalogue, CategoryDef, Offer, Operator, Product, Town, Venue};

use super::{Result, Store, StoreError};

/// What applying a catalogue did to one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum ApplyAction {
    Added,
    Updated,
    Unchanged,
    /// The product had been sold: the change became a new version, the old one is off sale.
    NewVersion {
        version: i64,
        previous: i64,
    },
    /// In the database but not in the file: kept as it is (nothing is deleted by apply).
    NotInFile,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApplyChange {
    pub kind: &'static str,
    pub code: String,
    #[serde(flatten)]
    pub action: ApplyAction,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ApplyReport {
    pub changes: Vec<ApplyChange>,
}

impl ApplyReport {
    /// Whether anything in the database changed.
    pub fn changed(&self) -> bool {
        self.changes
            .iter()
            .any(|c| !matches!(c.action, ApplyAction::Unchanged | ApplyAction::NotInFile))
    }

    fn push(&mut self, kind: &'static str, code: &str, action: ApplyAction) {
        self.changes.push(ApplyChange {
            kind,
            code: code.to_string(),
            action,
        });
    }
}

/// One version of a product, as stored.
#[derive(Clone, Debug)]
pub struct ProductRow {
    /// The product number signed into passes.
    pub id: i64,
    pub version: i64,
    pub on_sale: bool,
    pub product: Product,
}

/// A typed column value for the generic upsert.
enum Col {
    I(i64),
    S(String),
}

fn to_doc<T: Serialize>(item: &T) -> Result<Value> {
    serde_json::to_value(item).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_doc<T: serde::de::DeserializeOwned>(what: &str, doc: &str) -> Result<T> {
    serde_json::from_str(doc).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Every stored item's document by (kind, code), as the report names them; the operator's code
/// is `""` (its report code is its name, which may change).
async fn snapshot(
    tx: &mut Transaction<'_, Any>,
) -> Result<std::collections::HashMap<(&'static str, String), String>> {
    let mut docs = std::collections::HashMap::new();
    let tables: [(&'static str, &str); 8] = [
        ("operator", "SELECT '', doc FROM operator"),
        ("category", "SELECT code, doc FROM categories"),
        ("town", "SELECT code, doc FROM towns"),
        ("partner", "SELECT code, doc FROM partners"),
        ("venue", "SELECT code, doc FROM venues"),
        ("offer", "SELECT code, doc FROM offers"),
        ("sales point", "SELECT code, doc FROM sales_points"),
        (
            "product",
            "SELECT code, doc FROM products p WHERE version = (SELECT MAX(version) FROM products q WHERE q.code = p.code)",
        ),
    ];
    for (kind, sql) in tables {
        let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&mut **tx).await?;
        for (code, doc) in rows {
            docs.insert((kind, code), doc);
        }
    }
    Ok(docs)
}

/// The document `cat` gives the item of `kind` (the report's and the audit log's word) and
/// `code` (`""` for the operator); `None` if there is no such item.
pub fn catalogue_item_doc(cat: &Catalogue, kind: &str, code: &str) -> Option<Value> {
    doc_in(cat, kind, code).ok().flatten()
}

/// The document `cat` gives the item the report names.
fn doc_in(cat: &Catalogue, kind: &str, code: &str) -> Result<Option<Value>> {
    fn find<T: Serialize>(
        items: &[T],
        code: impl Fn(&T) -> &str,
        want: &str,
    ) -> Result<Option<Value>> {
        items
            .iter()
            .find(|i| code(i) == want)
            .map(to_doc)
            .transpose()
    }
    match kind {
        "operator" => to_doc(&cat.operator).map(Some),
        "category" => find(&cat.all_categories(), |x| &x.code, code),
        "town" => find(&cat.towns, |x| &x.code, code),
        "partner" => find(&cat.partners, |x| &x.code, code),
        "venue" => find(&cat.venues, |x| &x.code, code),
        "offer" => find(&cat.offers, |x| &x.code, code),
        "sales point" => find(&cat.sales_points, |x| &x.code, code),
        "product" => find(&cat.products, |x| &x.code, code),
        _ => Ok(None),
    }
}

/// The audit log's action for a catalogue change (`catalogue_added`, ...): the prefix keeps
/// them apart from the settlement decisions the same log holds.
pub const CATALOGUE_ACTION: &str = "catalogue_";

/// One audit row per item the apply added, changed or versioned: subject `KIND:CODE`, detail
/// the item's document before and after (JSON).
async fn audit(
    tx: &mut Transaction<'static, Any>,
    cat: &Catalogue,
    report: &ApplyReport,
    before: &std::collections::HashMap<(&'static str, String), String>,
    actor: &str,
    now: i64,
) -> Result<()> {
    for c in &report.changes {
        let action = match c.action {
            ApplyAction::Added => "added",
            ApplyAction::Updated => "updated",
            ApplyAction::NewVersion { .. } => "new_version",
            ApplyAction::Unchanged | ApplyAction::NotInFile => continue,
        };
        let Some(after) = doc_in(cat, c.kind, &c.code)? else {
            continue;
        };
        let code = if c.kind == "operator" {
            ""
        } else {
            c.code.as_str()
        };
        let before_doc: Option<Value> = match c.action {
            ApplyAction::Added => None,
            _ => before
                .get(&(c.kind, code.to_string()))
                .and_then(|d| serde_json::from_str(d).ok()),
        };
        let detail = serde_json::json!({ "before": before_doc, "after": after });
        super::settlement::audit_in(
            tx,
            now,
            actor,
            &format!("{CATALOGUE_ACTION}{action}"),
            &format!("{}:{code}", c.kind),
            &detail.to_string(),
        )
        .await?;
    }
    Ok(())
}

/// One change to the catalogue, from the audit log.
#[derive(Clone, Debug)]
pub struct CatalogueChange {
    pub at: i64,
    pub actor: String,
    /// town, partner, venue, offer, product, sales point, category, operator.
    pub kind: String,
    pub code: String,
    /// added, updated or new_version.
    pub action: String,
    pub before: Value,
    pub after: Value,
}

impl CatalogueChange {
    /// The top-level fields whose value changed (all of the new document's for an added item).
    pub fn changed_fields(&self) -> Vec<String> {
        let empty = serde_json::Map::new();
        let a = self.after.as_object().unwrap_or(&empty);
        let b = self.before.as_object().unwrap_or(&empty);
        let mut keys: Vec<String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// Inserts or updates one catalogue row by code; the doc decides whether anything changed.
async fn upsert(
    tx: &mut Transaction<'_, Any>,
    table: &'static str,
    code: &str,
    doc: &Value,
    cols: &[(&'static str, Col)],
) -> Result<ApplyAction> {
    let existing: Option<String> =
        sqlx::query_scalar(&format!("SELECT doc FROM {table} WHERE code = $1"))
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
    let sql = match &existing {
        Some(old) if serde_json::from_str::<Value>(old).ok().as_ref() == Some(doc) => {
            return Ok(ApplyAction::Unchanged);
        }
        Some(_) => {
            let sets: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, (c, _))| format!("{c} = ${}", i + 3))
                .collect();
            let sets = if sets.is_empty() {
                String::new()
            } else {
                format!(", {}", sets.join(", "))
            };
            format!("UPDATE {table} SET doc = $2{sets} WHERE code = $1")
        }
        None => {
            let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
            let marks: Vec<String> = (0..cols.len()).map(|i| format!("${}", i + 3)).collect();
            let (names, marks) = if cols.is_empty() {
                (String::new(), String::new())
            } else {
                (
                    format!(", {}", names.join(", ")),
                    format!(", {}", marks.join(", ")),
                )
            };
            format!("INSERT INTO {table} (code, doc{names}) VALUES ($1, $2{marks})")
        }
    };
    let mut q = sqlx::query(&sql).bind(code).bind(doc.to_string());
    for (_, v) in cols {
        q = match v {
            Col::I(i) => q.bind(*i),
            Col::S(s) => q.bind(s.clone()),
        };
    }
    q.execute(&mut **tx).await?;
    Ok(if existing.is_some() {
        ApplyAction::Updated
    } else {
        ApplyAction::Added
    })
}

async fn id_of(tx: &mut Transaction<'_, Any>, table: &'static str, code: &str) -> Result<i64> {
    sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE code = $1"))
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("{table} '{code}'")))
}

/// Reports the codes stored in `table` that the file does not mention.
async fn not_in_file(
    tx: &mut Transaction<'_, Any>,
    report: &mut ApplyReport,
    kind: &'static str,
    table: &'static str,
    in_file: &[&str],
) -> Result<()> {
    let stored: Vec<String> =
        sqlx::query_scalar(&format!("SELECT DISTINCT code FROM {table} ORDER BY code"))
            .fetch_all(&mut **tx)
            .await?;
    for code in stored.iter().filter(|c| !in_file.contains(&c.as_str())) {
        report.push(kind, code, ApplyAction::NotInFile);
    }
    Ok(())
}

impl Store {
    /// Every offer's code with its venue's code and id, in catalogue order.
    pub async fn offer_venues(&self) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT o.code, v.code, v.id FROM offers o JOIN venues v ON v.id = o.venue_id ORDER BY o.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The whole catalogue (latest version of each product), `None` before the first apply.
    pub async fn load_catalogue(&self) -> Result<Option<Catalogue>> {
        let mut conn = self.pool.acquire().await?;
        load_in(&mut conn).await
    }

    /// Changes the stored catalogue with `change` and applies the result, all in one write
    /// transaction that holds the catalogue's lock: two operators saving at once are applied
    /// one after the other, each to what the other saved (never one undoing the other).
    /// `change` gets the stored catalogue (`None` before the first) and gives the catalogue to
    /// apply, already validated, or its refusal (then nothing changes).
    pub async fn edit_catalogue<E>(
        &self,
        now: i64,
        actor: &str,
        change: impl FnOnce(Option<Catalogue>) -> std::result::Result<Catalogue, E>,
    ) -> Result<std::result::Result<ApplyReport, E>> {
        let mut tx = self.begin_write().await?;
        self.lock_catalogue(&mut tx).await?;
        let stored = load_in(&mut tx).await?;
        let cat = match change(stored) {
            Ok(cat) => cat,
            Err(refused) => {
                tx.rollback().await?;
                return Ok(Err(refused));
            }
        };
        let report = apply_in(&mut tx, &cat, now, actor).await?;
        tx.commit().await?;
        Ok(Ok(report))
    }

    /// Serialises catalogue writers: SQLite's `BEGIN IMMEDIATE` already does; on PostgreSQL a
    /// transaction-scoped advisory lock (released at commit or rollback).
    async fn lock_catalogue(&self, tx: &mut Transaction<'static, Any>) -> Result<()> {
        if self.dialect == super::Dialect::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(7408517)")
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Makes the database say what `cat` says, in one transaction. Idempotent: a second apply of the
    /// same catalogue reports every item unchanged. `cat` must already be validated.
    /// Every item added, changed or given a new version goes to the audit log in the same
    /// transaction, with `actor` (who: `admin:EMAIL` from the pages, `command line` for the CLI),
    /// `now` and the item's document before and after.
    pub async fn apply_catalogue(
        &self,
        cat: &Catalogue,
        now: i64,
        actor: &str,
    ) -> Result<ApplyReport> {
        let mut tx = self.begin_write().await?;
        self.lock_catalogue(&mut tx).await?;
        let report = apply_in(&mut tx, cat, now, actor).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The newest `limit` catalogue changes, newest first; of one item (kind, code) when given.
    pub async fn catalogue_changes(
        &self,
        item: Option<(&str, &str)>,
        limit: i64,
    ) -> Result<Vec<CatalogueChange>> {
        let like = format!("{CATALOGUE_ACTION}%");
        let rows: Vec<(i64, String, String, String, String)> = match item {
            Some((kind, code)) => {
                sqlx::query_as(
                    "SELECT at, actor, action, subject, detail FROM audit_log \
                     WHERE action LIKE $1 AND subject = $2 ORDER BY id DESC LIMIT $3",
                )
                .bind(&like)
                .bind(format!("{kind}:{code}"))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(
                    "SELECT at, actor, action, subject, detail FROM audit_log \
                     WHERE action LIKE $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(&like)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|(at, actor, action, subject, detail)| {
                let (kind, code) = subject.split_once(':').unwrap_or((&subject, ""));
                let detail: Value = serde_json::from_str(&detail).unwrap_or(Value::Null);
                CatalogueChange {
                    at,
                    actor,
                    kind: kind.to_string(),
                    code: code.to_string(),
                    action: action
                        .strip_prefix(CATALOGUE_ACTION)
                        .unwrap_or(&action)
                        .to_string(),
                    before: detail.get("before").cloned().unwrap_or(Value::Null),
                    after: detail.get("after").cloned().unwrap_or(Value::Null),
                }
            })
            .collect())
    }

    /// The latest version of a product, on sale or not.
    pub async fn product_by_code(&self, code: &str) -> Result<ProductRow> {
        let row: Option<(i64, i64, i64, String)> = sqlx::query_as(
            "SELECT id, version, on_sale, doc FROM products WHERE code = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        product_row(row.ok_or_else(|| StoreError::NotFound(format!("product '{code}'")))?)
    }

    /// One product version by its number (the number in the token).
    pub async fn product_by_id(&self, id: i64) -> Result<ProductRow> {
        let row: Option<(i64, i64, i64, String)> =
            sqlx::query_as("SELECT id, version, on_sale, doc FROM products WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        product_row(row.ok_or_else(|| StoreError::NotFound(format!("product number {id}")))?)
    }

    /// Every product a tourist can buy now.
    pub async fn products_on_sale(&self) -> Result<Vec<ProductRow>> {
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "SELECT id, version, on_sale, doc FROM products WHERE on_sale = 1 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(product_row).collect()
    }

    /// What a product includes, town by town: (town, venue, offer), in catalogue order.
    pub async fn product_venues(&self, product_id: i64) -> Result<Vec<(Town, Venue, Offer)>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT t.doc, v.doc, o.doc FROM product_offers po JOIN offers o ON o.id = po.offer_id \
             JOIN venues v ON v.id = o.venue_id JOIN towns t ON t.id = v.town_id \
             WHERE po.product_id = $1 ORDER BY t.id, v.id, o.id",
        )
        .bind(product_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(t, v, o)| {
                Ok((
                    from_doc("town", t)?,
                    from_doc("venue", v)?,
                    from_doc("offer", o)?,
                ))
            })
            .collect()
    }

    /// A venue and its town's time zone.
    pub async fn venue_with_zone(&self, venue_id: i64) -> Result<(Venue, String)> {
        let mut conn = self.pool.acquire().await?;
        venue_with_zone(&mut conn, venue_id).await
    }

    /// Every product version (sold ones included: their passes are still valid) with an offer at
    /// this venue.
    pub async fn products_at_venue(&self, venue_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT po.product_id FROM product_offers po JOIN offers o ON o.id = po.offer_id \
             WHERE o.venue_id = $1 ORDER BY po.product_id",
        )
        .bind(venue_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn categories(&self) -> Result<Vec<CategoryDef>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT doc FROM categories ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|d| from_doc("category", d)).collect()
    }

    pub async fn sales_point_id(&self, code: &str) -> Result<(i64, i64)> {
        sqlx::query_as("SELECT id, commission_bp FROM sales_points WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("sales point '{code}'")))
    }

    pub async fn sales_point_code(&self, id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT code FROM sales_points WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("sales point {id}")))
    }

    pub async fn category_by_code(&self, code: &str) -> Result<CategoryDef> {
        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM categories WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        from_doc(
            "category",
            &doc.ok_or_else(|| StoreError::NotFound(format!("category '{code}'")))?,
        )
    }
}

fn product_row((id, version, on_sale, doc): (i64, i64, i64, String)) -> Result<ProductRow> {
    Ok(ProductRow {
        id,
        version,
        on_sale: on_sale != 0,
        product: from_doc("product", &doc)?,
    })
}

async fn apply_product(
    tx: &mut Transaction<'_, Any>,
    p: &Product,
    categories: &[CategoryDef],
    now: i64,
) -> Result<ApplyAction> {
    let doc = to_doc(p)?;
    let latest: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, version, doc FROM products WHERE code = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(&p.code)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((id, version, old)) = latest else {
        insert_product(tx, p, &doc, 1, categories, now).await?;
        return Ok(ApplyAction::Added);
    };
    if serde_json::from_str::<Value>(&old).ok().as_ref() == Some(&doc) {
        return Ok(ApplyAction::Unchanged);
    }
    let sold: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM order_lines WHERE product_id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if sold > 0 {
        sqlx::query("UPDATE products SET on_sale = 0 WHERE code = $1")
            .bind(&p.code)
            .execute(&mut **tx)
            .await?;
        insert_product(tx, p, &doc, version + 1, categories, now).await?;
        return Ok(ApplyAction::NewVersion {
            version: version + 1,
            previous: version,
        });
    }
    sqlx::query("UPDATE products SET doc = $2, currency = $3, on_sale = $4 WHERE id = $1")
        .bind(id)
        .bind(doc.to_string())
        .bind(p.currency.to_string())
        .bind(i64::from(p.on_sale))
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM product_offers WHERE product_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM product_prices WHERE product_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    link_product(tx, id, p, categories).await?;
    Ok(ApplyAction::Updated)
}

async fn insert_product(
    tx: &mut Transaction<'_, Any>,
    p: &Product,
    doc: &Value,
    version: i64,
    categories: &[CategoryDef],
    now: i64,
) -> Result<()> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (code, version, currency, on_sale, created_at, doc) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&p.code)
    .bind(version)
    .bind(p.currency.to_string())
    .bind(i64::from(p.on_sale))
    .bind(now)
    .bind(doc.to_string())
    .fetch_one(&mut **tx)
    .await?;
    link_product(tx, id, p, categories).await
}

async fn link_product(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    p: &Product,
    categories: &[CategoryDef],
) -> Result<()> {
    for code in &p.offers {
        let offer = id_of(tx, "offers", code).await?;
        sqlx::query("INSERT INTO product_offers (product_id, offer_id) VALUES ($1, $2)")
            .bind(id)
            .bind(offer)
            .execute(&mut **tx)
            .await?;
    }
    for (code, price) in &p.prices {
        let cat = categories
            .iter()
            .find(|c| &c.code == code)
            .ok_or_else(|| StoreError::NotFound(format!("category '{code}'")))?;
        sqlx::query(
            "INSERT INTO product_prices (product_id, category_id, price_minor) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(i64::from(cat.id))
        .bind(*price)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A venue and its town's time zone, on `conn`.
pub(super) async fn venue_with_zone(
    conn: &mut sqlx::AnyConnection,
    venue_id: i64,
) -> Result<(Venue, String)> {
    let (doc, zone): (String, String) = sqlx::query_as(
        "SELECT v.doc, t.time_zone FROM venues v JOIN towns t ON t.id = v.town_id WHERE v.id = $1",
    )
    .bind(venue_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("venue {venue_id}")))?;
    Ok((from_doc("venue", &doc)?, zone))
}

/// The whole catalogue as one connection (or transaction) reads it; `None` before the first apply.
async fn load_in(conn: &mut sqlx::AnyConnection) -> Result<Option<Catalogue>> {
    let Some(op): Option<String> = sqlx::query_scalar("SELECT doc FROM operator WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let operator: Operator = from_doc("operator", &op)?;
    async fn docs<T: serde::de::DeserializeOwned>(
        conn: &mut sqlx::AnyConnection,
        what: &str,
        sql: &str,
    ) -> Result<Vec<T>> {
        let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut *conn).await?;
        rows.iter().map(|d| from_doc(what, d)).collect()
    }
    let builtin = CategoryDef::builtin();
    let categories: Vec<CategoryDef> =
        docs(conn, "category", "SELECT doc FROM categories ORDER BY id").await?;
    Ok(Some(Catalogue {
        operator,
        categories: categories.into_iter().filter(|c| !builtin.contains(c)).collect(),
        towns: docs(conn, "town", "SELECT doc FROM towns ORDER BY id").await?,
        partners: docs(conn, "partner", "SELECT doc FROM partners ORDER BY id").await?,
        venues: docs(conn, "venue", "SELECT doc FROM venues ORDER BY id").await?,
        offers: docs(conn, "offer", "SELECT doc FROM offers ORDER BY id").await?,
        products: docs(
            conn,
            "product",
            "SELECT doc FROM products p WHERE version = (SELECT MAX(version) FROM products q WHERE q.code = p.code) ORDER BY id",
        )
        .await?,
        sales_points: docs(conn, "sales point", "SELECT doc FROM sales_points ORDER BY id").await?,
    }))
}

/// Makes the database say what `cat` says, inside `tx` (see [`Store::apply_catalogue`]).
async fn apply_in(
    tx: &mut Transaction<'static, Any>,
    cat: &Catalogue,
    now: i64,
    actor: &str,
) -> Result<ApplyReport> {
    let mut report = ApplyReport::default();
    let before = snapshot(tx).await?;

    let op = to_doc(&cat.operator)?;
    let old: Option<String> = sqlx::query_scalar("SELECT doc FROM operator WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?;
    let action = match old {
        None => ApplyAction::Added,
        Some(o) if serde_json::from_str::<Value>(&o).ok().as_ref() == Some(&op) => {
            ApplyAction::Unchanged
        }
        Some(_) => ApplyAction::Updated,
    };
    if action != ApplyAction::Unchanged {
        sqlx::query("DELETE FROM operator WHERE id = 1")
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO operator (id, doc) VALUES (1, $1)")
            .bind(op.to_string())
            .execute(&mut **tx)
            .await?;
    }
    report.push("operator", &cat.operator.name, action);

    for c in cat.all_categories() {
        let doc = to_doc(&c)?;
        let old: Option<String> = sqlx::query_scalar("SELECT doc FROM categories WHERE id = $1")
            .bind(i64::from(c.id))
            .fetch_optional(&mut **tx)
            .await?;
        let action = match old {
            None => {
                sqlx::query("INSERT INTO categories (id, code, doc) VALUES ($1, $2, $3)")
                    .bind(i64::from(c.id))
                    .bind(&c.code)
                    .bind(doc.to_string())
                    .execute(&mut **tx)
                    .await?;
                ApplyAction::Added
            }
            Some(o) if serde_json::from_str::<Value>(&o).ok().as_ref() == Some(&doc) => {
                ApplyAction::Unchanged
            }
            Some(_) => {
                sqlx::query("UPDATE categories SET code = $2, doc = $3 WHERE id = $1")
                    .bind(i64::from(c.id))
                    .bind(&c.code)
                    .bind(doc.to_string())
                    .execute(&mut **tx)
                    .await?;
                ApplyAction::Updated
            }
        };
        report.push("category", &c.code, action);
    }

    for t in &cat.towns {
        let cols = [
            ("country", Col::S(t.country.clone())),
            ("time_zone", Col::S(t.time_zone.clone())),
        ];
        let action = upsert(tx, "towns", &t.code, &to_doc(t)?, &cols).await?;
        report.push("town", &t.code, action);
    }
    for p in &cat.partners {
        let cols = [("currency", Col::S(p.currency.to_string()))];
        let action = upsert(tx, "partners", &p.code, &to_doc(p)?, &cols).await?;
        report.push("partner", &p.code, action);
    }
    for v in &cat.venues {
        let cols = [
            (
                "partner_id",
                Col::I(id_of(tx, "partners", &v.partner).await?),
            ),
            ("town_id", Col::I(id_of(tx, "towns", &v.town).await?)),
        ];
        let action = upsert(tx, "venues", &v.code, &to_doc(v)?, &cols).await?;
        report.push("venue", &v.code, action);
    }
    for o in &cat.offers {
        let cols = [("venue_id", Col::I(id_of(tx, "venues", &o.venue).await?))];
        let action = upsert(tx, "offers", &o.code, &to_doc(o)?, &cols).await?;
        report.push("offer", &o.code, action);
    }
    for s in &cat.sales_points {
        let cols = [("commission_bp", Col::I(i64::from(s.commission_bp)))];
        let action = upsert(tx, "sales_points", &s.code, &to_doc(s)?, &cols).await?;
        report.push("sales point", &s.code, action);
    }
    let categories = cat.all_categories();
    for p in &cat.products {
        let action = apply_product(tx, p, &categories, now).await?;
        report.push("product", &p.code, action);
    }

    fn codes<T>(items: &[T], code: impl Fn(&T) -> &str) -> Vec<&str> {
        items.iter().map(code).collect()
    }
    let in_file: [(&'static str, &'static str, Vec<&str>); 6] = [
        ("town", "towns", codes(&cat.towns, |x| &x.code)),
        ("partner", "partners", codes(&cat.partners, |x| &x.code)),
        ("venue", "venues", codes(&cat.venues, |x| &x.code)),
        ("offer", "offers", codes(&cat.offers, |x| &x.code)),
        ("product", "products", codes(&cat.products, |x| &x.code)),
        (
            "sales point",
            "sales_points",
            codes(&cat.sales_points, |x| &x.code),
        ),
    ];
    for (kind, table, codes) in &in_file {
        not_in_file(tx, &mut report, kind, table, codes).await?;
    }
    audit(tx, cat, &report, &before, actor, now).await?;
    Ok(report)
}
