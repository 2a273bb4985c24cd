//! Set-password links: an invitation to a new account, or a password reset. Each link works once
//! and until it expires; only its SHA-256 is stored with it, and the link itself waits in the
//! outbox row that e-mails it until the message is sent.

use super::accounts::UserRow;
use super::{Result, Store, StoreError};

/// Why a link was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// A new account: the person sets their first password.
    Invite,
    /// An existing account: a new password, asked for by its owner or sent by an admin.
    Reset,
}

impl LinkPurpose {
    pub fn code(self) -> &'static str {
        match self {
            LinkPurpose::Invite => "invite",
            LinkPurpose::Reset => "reset",
        }
    }

    pub fn parse(code: &str) -> Option<LinkPurpose> {
        match code {
            "invite" => Some(LinkPurpose::Invite),
            "reset" => Some(LinkPurpose::Reset),
            _ => None,
        }
    }
}

/// A link to make: its secret (e-mailed) and the secret's SHA-256 (kept).
#[derive(Clone)]
pub struct NewLink<'a> {
    pub token_hash: &'a str,
    pub secret: &'a str,
    pub purpose: LinkPurpose,
    pub expires_at: i64,
    /// The admin who sent it; `None` when the user asked.
    pub created_by: Option<&'a str>,
    /// The language of the e-mail.
    pub language: &'a str,
}

impl std::fmt::Debug for NewLink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewLink")
            .field("purpose", &self.purpose)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A new account, invited: no password until the person sets one through the link.
#[derive(Clone, Debug)]
pub struct Invitee<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub sales_point_id: Option<i64>,
    pub partner_id: Option<i64>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub user_id: i64,
    pub purpose: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub created_by: Option<String>,
}

impl LinkRow {
    /// Whether the link still sets a password at `now`.
    pub fn open(&self, now: i64) -> bool {
        self.used_at.is_none() && self.expires_at > now
    }
}

/// The password of an invited account that has not set one: no argon2 string, so no password
/// verifies against it.
pub const NO_PASSWORD_YET: &str = "!invited";

const SELECT_LINK: &str =
    "SELECT id, user_id, purpose, created_at, expires_at, used_at, created_by FROM password_links";

async fn add_link_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    recipient: &str,
    link: &NewLink<'_>,
    now: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO password_links (user_id, token_hash, purpose, created_at, expires_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(link.token_hash)
    .bind(link.purpose.code())
    .bind(now)
    .bind(link.expires_at)
    .bind(link.created_by)
    .fetch_one(&mut **tx)
    .await?;
    super::outbox::enqueue_link_mail_in(tx, id, link.secret, recipient, link.language, now).await?;
    Ok(id)
}

impl Store {
    /// Adds an invited account and queues the e-mail with its link, in one transaction: the
    /// account exists with its invitation or not at all. A `Conflict` when the e-mail already
    /// has an account.
    pub async fn invite_user(
        &self,
        who: &Invitee<'_>,
        link: &NewLink<'_>,
        now: i64,
    ) -> Result<i64> {
        let email = who.email.trim().to_lowercase();
        let mut tx = self.begin_write().await?;
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(format!(
                "{email} already has an account"
            )));
        }
        let inserted = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, role, sales_point_id, partner_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&email)
        .bind(who.name)
        .bind(NO_PASSWORD_YET)
        .bind(who.role)
        .bind(who.sales_point_id)
        .bind(who.partner_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted.map_err(StoreError::from) {
            Ok(id) => id,
            Err(e) if e.is_unique_violation() => {
                return Err(StoreError::Conflict(format!(
                    "{email} already has an account"
                )));
            }
            Err(e) => return Err(e),
        };
        add_link_in(&mut tx, id, &email, link, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A new link for an account and the e-mail that carries it, unless `max_recent` links were
    /// made for the account in the hour before `now` (then `false`, and nothing is sent: nobody
    /// can flood a mailbox through the "forgot password" form).
    pub async fn add_password_link(
        &self,
        user: &UserRow,
        link: &NewLink<'_>,
        max_recent: i64,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        // Serialises links per account on PostgreSQL (SQLite's write transaction already does).
        sqlx::query("UPDATE users SET name = name WHERE id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        // Counted apart: the links people ask for themselves and those an operator sends, so
        // that anyone using "forgot password" three times cannot stop an operator's link.
        let origin = if link.created_by.is_some() {
            "created_by IS NOT NULL"
        } else {
            "created_by IS NULL"
        };
        let recent: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM password_links WHERE user_id = $1 AND created_at > $2 AND {origin}"
        ))
        .bind(user.id)
        .bind(now - 3600)
        .fetch_one(&mut *tx)
        .await?;
        if recent >= max_recent {
            return Ok(false);
        }
        add_link_in(&mut tx, user.id, &user.email, link, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The link with this SHA-256 (used, expired or not) and its account.
    pub async fn password_link(&self, token_hash: &str) -> Result<Option<(LinkRow, UserRow)>> {
        let link: Option<LinkRow> = sqlx::query_as(&format!("{SELECT_LINK} WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        self.with_user(link).await
    }

    pub async fn password_link_by_id(&self, id: i64) -> Result<Option<(LinkRow, UserRow)>> {
        let link: Option<LinkRow> = sqlx::query_as(&format!("{SELECT_LINK} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        self.with_user(link).await
    }

    async fn with_user(&self, link: Option<LinkRow>) -> Result<Option<(LinkRow, UserRow)>> {
        let Some(link) = link else { return Ok(None) };
        Ok(self.user_by_id(link.user_id).await?.map(|u| (link, u)))
    }

    /// The links sent to one account, newest first.
    pub async fn password_links_of(&self, user_id: i64) -> Result<Vec<LinkRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_LINK} WHERE user_id = $1 ORDER BY id DESC"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sets the password through a link, once: the link is used up, the account's other open
    /// links stop working, and every session of the account ends. `None` (and nothing changes)
    /// when the link is unknown, used, expired, or its account is disabled.
    pub async fn use_password_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<UserRow>> {
        let mut tx = self.begin_write().await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE password_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
             AND expires_at > $2 AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL) \
             RETURNING user_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user_id) = user_id else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE password_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.user_by_id(user_id).await
    }

    /// A new role for a user, with the sales point (desk) or partner (partner) it works for;
    /// `false` when there is no such user. Takes effect on the user's next request.
    pub async fn set_user_role(
        &self,
        id: i64,
        role: &str,
        sales_point_id: Option<i64>,
        partner_id: Option<i64>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE users SET role = $2, sales_point_id = $3, partner_id = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(role)
        .bind(sales_point_id)
        .bind(partner_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
