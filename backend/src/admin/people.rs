//! People and access in the browser: the users (disable, enable), API keys for sales points'
//! and partners' systems (made with the secret shown once, revoked after a confirmation), and
//! every user's own password.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::http::Shared;
use crate::http::forms::{CsrfForm, trimmed};
use crate::http::web::{Ctx, SESSION_COOKIE, WebError, cookie};
use crate::i18n::present::local_time_in;

/// Names of sales points and partners by id, from today's catalogue.
async fn names(
    state: &Shared,
) -> Result<
    (
        std::collections::HashMap<i64, String>,
        std::collections::HashMap<i64, String>,
    ),
    WebError,
> {
    let cat = state.store.load_catalogue().await?;
    let sc = state.store.settlement_catalogue().await?;
    let sales_points = sc
        .sales_points
        .into_iter()
        .map(|(id, code)| {
            let name = cat
                .as_ref()
                .and_then(|c| c.sales_points.iter().find(|s| s.code == code))
                .map_or(code.clone(), |s| s.name.clone());
            (id, name)
        })
        .collect();
    let ids = state.store.partner_ids().await?;
    let partners = ids
        .into_iter()
        .map(|(code, id)| {
            let name = cat
                .as_ref()
                .and_then(|c| c.partners.iter().find(|p| p.code == code))
                .map_or(code.clone(), |p| p.name.clone());
            (id, name)
        })
        .collect();
    Ok((sales_points, partners))
}

pub async fn users(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_users(&state, &ctx, None, &InviteForm::default()).await
}

/// Where a user works: a sales point (desk users) or a partner (partner users), as the form's
/// `place` says it ("sales_point:CODE", "partner:CODE", or empty).
struct Places {
    /// (code, name, id)
    sales_points: Vec<(String, String, i64)>,
    partners: Vec<(String, String, i64)>,
}

/// Records a change to people and access in the audit log, made by the admin `me`.
async fn audit(
    state: &Shared,
    me: &crate::store::UserRow,
    now: i64,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), WebError> {
    let actor = format!("admin:{}", me.email);
    state
        .store
        .record_audit(now, &actor, action, subject, detail)
        .await?;
    Ok(())
}

async fn places(state: &Shared) -> Result<Places, WebError> {
    let cat = state.store.load_catalogue().await?;
    let sc = state.store.settlement_catalogue().await?;
    let partner_ids = state.store.partner_ids().await?;
    let Some(cat) = cat else {
        return Ok(Places {
            sales_points: Vec::new(),
            partners: Vec::new(),
        });
    };
    let sales_points = cat
        .sales_points
        .iter()
        .filter_map(|s| {
            sc.sales_points
                .iter()
                .find(|(_, code)| *code == &s.code)
                .map(|(id, _)| (s.code.clone(), s.name.clone(), *id))
        })
        .collect();
    let partners = cat
        .partners
        .iter()
        .filter_map(|p| {
            partner_ids
                .iter()
                .find(|(code, _)| *code == &p.code)
                .map(|(_, id)| (p.code.clone(), p.name.clone(), *id))
        })
        .collect();
    Ok(Places {
        sales_points,
        partners,
    })
}

impl Places {
    /// The (sales point, partner) ids for a role and a place, or the message id of what is wrong.
    fn resolve(&self, role: &str, place: &str) -> Result<(Option<i64>, Option<i64>), &'static str> {
        let find = |list: &[(String, String, i64)], code: &str| {
            list.iter()
                .find(|(c, _, _)| c == code)
                .map(|(_, _, id)| *id)
        };
        match (role, place.split_once(':')) {
            ("admin", _) => Ok((None, None)),
            ("desk", Some(("sales_point", code))) => find(&self.sales_points, code)
                .map(|id| (Some(id), None))
                .ok_or("adm_users_place_desk"),
            ("desk", _) => Err("adm_users_place_desk"),
            ("partner", Some(("partner", code))) => find(&self.partners, code)
                .map(|id| (None, Some(id)))
                .ok_or("adm_users_place_partner"),
            ("partner", _) => Err("adm_users_place_partner"),
            _ => Err("adm_users_role_needed"),
        }
    }

    /// The form value of a user's place.
    fn value_of(&self, u: &crate::store::UserRow) -> String {
        if let Some(id) = u.sales_point_id
            && let Some((code, _, _)) = self.sales_points.iter().find(|(_, _, i)| *i == id)
        {
            return format!("sales_point:{code}");
        }
        if let Some(id) = u.partner_id
            && let Some((code, _, _)) = self.partners.iter().find(|(_, _, i)| *i == id)
        {
            return format!("partner:{code}");
        }
        String::new()
    }

    /// Role and place fields, with `role` and `place` chosen.
    fn fields(&self, ctx: &Ctx, prefix: &str, role: &str, place: &str) -> maud::Markup {
        html! {
            label for={ (prefix) "-role" } { (ctx.t("adm_users_role")) }
            select id={ (prefix) "-role" } name="role" required {
                @for r in ["desk", "partner", "admin"] {
                    option value=(r) selected[role == r] { (ctx.t(&format!("adm_role_{r}"))) }
                }
            }
            label for={ (prefix) "-place" } { (ctx.t("adm_users_where")) }
            select id={ (prefix) "-place" } name="place" {
                option value="" selected[place.is_empty()] { (ctx.t("adm_users_place_none")) }
                optgroup label=(ctx.t("adm_api_sales_points")) {
                    @for (code, name, _) in &self.sales_points {
                        @let v = format!("sales_point:{code}");
                        option value=(v) selected[place == v] { (name) }
                    }
                }
                optgroup label=(ctx.t("adm_api_partners")) {
                    @for (code, name, _) in &self.partners {
                        @let v = format!("partner:{code}");
                        option value=(v) selected[place == v] { (name) }
                    }
                }
            }
            p.hint { (ctx.t("adm_users_place_hint")) }
        }
    }
}

async fn render_users(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
    invite: &InviteForm,
) -> Result<Response, WebError> {
    let users = state.store.users().await?;
    let (sales_points, partners) = names(state).await?;
    let places = places(state).await?;
    let failed = matches!(message, Some(Err(_)));
    let role = if invite.role.is_empty() {
        "desk"
    } else {
        invite.role.as_str()
    };
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("adm_users_intro")) }
        div.scroll { table #users {
            thead { tr { th { (ctx.t("adm_users_name")) } th { (ctx.t("adm_search_email")) } th { (ctx.t("adm_users_role")) } th { (ctx.t("adm_users_where")) } th { (ctx.t("col_status")) } } }
            tbody {
                @for u in &users {
                    tr {
                        td { a href={ "/admin/users/" (u.id) } { (u.name) } }
                        td { (u.email) }
                        td { (ctx.t(&format!("adm_role_{}", u.role))) }
                        td { (u.sales_point_id.and_then(|i| sales_points.get(&i)).or_else(|| u.partner_id.and_then(|i| partners.get(&i))).map(String::as_str).unwrap_or("—")) }
                        td { (status_of(ctx, u)) }
                    }
                }
            }
        } }
        h2 #invite { (ctx.t("adm_users_invite_title")) }
        p { (ctx.t("adm_users_invite_intro")) }
        form method="post" action="/admin/users" {
            (ctx.csrf_field())
            label for="i-name" { (ctx.t("adm_users_name")) }
            input #i-name name="name" required maxlength="100" value=(invite.name);
            label for="i-email" { (ctx.t("adm_search_email")) }
            input #i-email type="email" name="email" required maxlength="254" value=(invite.email);
            (places.fields(ctx, "i", role, &invite.place))
            label for="i-lang" { (ctx.t("adm_users_language")) }
            select #i-lang name="lang" {
                @for (code, name) in crate::i18n::languages() {
                    @let chosen = if invite.lang.is_empty() { code == ctx.lang } else { code == invite.lang };
                    option value=(code) selected[chosen] { (name) }
                }
            }
            button type="submit" { (ctx.t("adm_users_invite_submit")) }
        }
        p { a href="/admin/api-keys" { (ctx.t("adm_keys_api_title")) } " · " a href="/account/password" { (ctx.t("account_password_title")) } }
    };
    Ok(ctx.answer_page(&ctx.t("adm_users_title"), body, failed))
}

/// "active", "disabled", or "invited, no password yet".
fn status_of(ctx: &Ctx, u: &crate::store::UserRow) -> maud::Markup {
    html! {
        @if u.disabled_at.is_some() { strong { (ctx.t("adm_users_disabled")) } }
        @else if u.password_hash == crate::store::NO_PASSWORD_YET { (ctx.t("adm_users_invited")) }
        @else { (ctx.t("adm_users_active")) }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default, deserialize_with = "trimmed")]
    name: String,
    #[serde(default, deserialize_with = "trimmed")]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    lang: String,
}

/// Invites someone: the account (no password yet) and an e-mail with a link to set one, valid
/// for a week.
pub async fn invite(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    let places = places(&state).await?;
    let email_ok =
        form.email.chars().count() <= 254 && form.email.parse::<lettre::Address>().is_ok();
    let checked = if form.name.is_empty() || form.name.chars().count() > 100 {
        Err("adm_users_name_needed")
    } else if !email_ok {
        Err("adm_users_email_needed")
    } else {
        places.resolve(&form.role, &form.place)
    };
    let (sales_point_id, partner_id) = match checked {
        Ok(ids) => ids,
        Err(key) => return render_users(&state, &ctx, Some(Err(ctx.t(key))), &form).await,
    };
    let lang = crate::i18n::supported(&form.lang).unwrap_or(ctx.lang);
    let (secret, hash) =
        crate::accounts::new_link_secret().map_err(|e| WebError::Internal(e.to_string()))?;
    let now = crate::store::now();
    let done = state
        .store
        .invite_user(
            &crate::store::Invitee {
                email: &form.email,
                name: &form.name,
                role: &form.role,
                sales_point_id,
                partner_id,
            },
            &crate::store::NewLink {
                token_hash: &hash,
                secret: &secret,
                purpose: crate::store::LinkPurpose::Invite,
                expires_at: now + crate::accounts::INVITE_TTL,
                created_by: Some(&me.name),
                language: lang,
            },
            now,
        )
        .await;
    match done {
        Ok(id) => {
            tracing::info!(user = id, by = %me.email, role = %form.role, "user invited");
            let detail = format!("{} {}", form.role, form.place).trim().to_string();
            audit(
                &state,
                me,
                now,
                "user_invited",
                &form.email.to_lowercase(),
                &detail,
            )
            .await?;
            let m = ctx.tf(
                "adm_users_invited_ok",
                &[("email", &form.email.to_lowercase())],
            );
            render_users(&state, &ctx, Some(Ok(m)), &InviteForm::default()).await
        }
        Err(crate::store::StoreError::Conflict(_)) => {
            let m = ctx.tf("adm_users_exists", &[("email", &form.email.to_lowercase())]);
            render_users(&state, &ctx, Some(Err(m)), &form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One user: role and place, a set-password link by e-mail, disable or enable, and the links
/// sent so far.
pub async fn user_page(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_user(&state, &ctx, id, None).await
}

async fn render_user(
    state: &Shared,
    ctx: &Ctx,
    id: i64,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let Some(u) = state.store.user_by_id(id).await? else {
        return Err(WebError::NotFound);
    };
    let places = places(state).await?;
    let links = state.store.password_links_of(id).await?;
    let zone = state.store.settlement_catalogue().await?.operator_zone;
    let me = ctx.user.as_ref().map(|u| u.id);
    let now = crate::store::now();
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (u.email) " · " (ctx.t(&format!("adm_role_{}", u.role))) " · " (status_of(ctx, &u)) }
        @if Some(u.id) == me {
            p.hint { (ctx.t("adm_users_is_you")) }
        } @else {
            h2 { (ctx.t("adm_users_change_role")) }
            form method="post" action={ "/admin/users/" (u.id) } {
                (ctx.csrf_field())
                input type="hidden" name="action" value="role";
                (places.fields(ctx, "u", &u.role, &places.value_of(&u)))
                button type="submit" { (ctx.t("adm_users_role_save")) }
            }
            h2 { (ctx.t("adm_users_access")) }
            form.inline method="post" action={ "/admin/users/" (u.id) } {
                (ctx.csrf_field())
                input type="hidden" name="action" value="link";
                button.secondary #send-link type="submit" { (ctx.t("adm_users_send_link")) }
            }
            " "
            form.inline method="post" action={ "/admin/users/" (u.id) } {
                (ctx.csrf_field())
                @if u.disabled_at.is_some() {
                    input type="hidden" name="action" value="enable";
                    button.secondary type="submit" { (ctx.t("adm_users_enable")) }
                } @else {
                    input type="hidden" name="action" value="disable";
                    button.secondary type="submit" { (ctx.t("adm_users_disable")) }
                }
            }
        }
        @if !links.is_empty() {
            h2 { (ctx.t("adm_users_links")) }
            div.scroll { table #links {
                thead { tr { th { (ctx.t("adm_users_link_kind")) } th { (ctx.t("adm_api_created")) } th { (ctx.t("col_status")) } } }
                tbody { @for l in &links {
                    tr {
                        td { (ctx.t(&format!("adm_users_link_{}", l.purpose))) @if let Some(by) = &l.created_by { " · " (by) } }
                        td { (local_time_in(ctx.lang, l.created_at, &zone)) }
                        td {
                            @if let Some(at) = l.used_at { (ctx.tf("adm_users_link_used", &[("when", &local_time_in(ctx.lang, at, &zone))])) }
                            @else if l.open(now) { (ctx.tf("adm_users_link_open", &[("when", &local_time_in(ctx.lang, l.expires_at, &zone))])) }
                            @else { (ctx.t("adm_users_link_expired")) }
                        }
                    }
                } }
            } }
        }
        p { a href="/admin/users" { (ctx.t("adm_users_title")) } }
    };
    Ok(ctx.answer_page(&u.name, body, failed))
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    place: String,
}

/// Disables (sessions end at once) or enables a user, changes their role, or e-mails them a
/// set-password link; never for oneself.
pub async fn user_post(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    let Some(user) = state.store.user_by_id(id).await? else {
        return Err(WebError::NotFound);
    };
    if me.id == id {
        let m = ctx.t("adm_users_not_self");
        return render_user(&state, &ctx, id, Some(Err(m))).await;
    }
    let now = crate::store::now();
    let message = match form.action.as_str() {
        "disable" | "enable" => {
            let at = (form.action == "disable").then_some(now);
            state.store.set_user_disabled(id, at).await?;
            tracing::info!(user = id, by = %me.email, action = %form.action, "user access changed");
            let action = if at.is_some() {
                "user_disabled"
            } else {
                "user_enabled"
            };
            audit(&state, me, now, action, &user.email, "").await?;
            Ok(ctx.t(if at.is_some() {
                "adm_users_disabled_ok"
            } else {
                "adm_users_enabled_ok"
            }))
        }
        "role" => match places(&state).await?.resolve(&form.role, &form.place) {
            Ok((sales_point, partner)) => {
                state
                    .store
                    .set_user_role(id, &form.role, sales_point, partner)
                    .await?;
                tracing::info!(user = id, by = %me.email, role = %form.role, "user role changed");
                let detail = format!("{} {}", form.role, form.place).trim().to_string();
                audit(&state, me, now, "user_role", &user.email, &detail).await?;
                Ok(ctx.t("adm_users_role_saved"))
            }
            Err(key) => Err(ctx.t(key)),
        },
        // A disabled account's link would only say "no longer works": enable it first.
        "link" if user.disabled_at.is_some() => Err(ctx.t("adm_users_link_disabled")),
        "link" => {
            let invite = user.password_hash == crate::store::NO_PASSWORD_YET;
            let (secret, hash) = crate::accounts::new_link_secret()
                .map_err(|e| WebError::Internal(e.to_string()))?;
            let sent = state
                .store
                .add_password_link(
                    &user,
                    &crate::store::NewLink {
                        token_hash: &hash,
                        secret: &secret,
                        purpose: if invite {
                            crate::store::LinkPurpose::Invite
                        } else {
                            crate::store::LinkPurpose::Reset
                        },
                        expires_at: now
                            + if invite {
                                crate::accounts::INVITE_TTL
                            } else {
                                crate::accounts::RESET_TTL
                            },
                        created_by: Some(&me.name),
                        language: ctx.lang,
                    },
                    crate::accounts::MAX_LINKS_PER_HOUR,
                    now,
                )
                .await?;
            if sent {
                tracing::info!(user = id, by = %me.email, "set-password link sent");
                audit(&state, me, now, "user_link_sent", &user.email, "").await?;
                Ok(ctx.tf("adm_users_link_sent", &[("email", &user.email)]))
            } else {
                Err(ctx.t("adm_users_link_too_many"))
            }
        }
        _ => return Err(WebError::NotFound),
    };
    render_user(&state, &ctx, id, Some(message)).await
}

pub async fn api_keys(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_keys(&state, &ctx, None, None).await
}

async fn render_keys(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
    secret: Option<String>,
) -> Result<Response, WebError> {
    let keys = state.store.api_keys().await?;
    let zone = state.store.settlement_catalogue().await?.operator_zone;
    let cat = state.store.load_catalogue().await?;
    let (sales_points, partners) = names(state).await?;
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        @if let Some(secret) = &secret {
            div.irreversible role="alert" {
                p { strong { (ctx.t("adm_api_secret_once")) } }
                p.big #api-secret { (secret) }
            }
        }
        p { (ctx.t("adm_api_intro")) }
        h2 { (ctx.t("adm_api_new")) }
        form method="post" action="/admin/api-keys" {
            (ctx.csrf_field())
            label for="k-for" { (ctx.t("adm_api_for")) }
            select #k-for name="owner" required {
                @if let Some(c) = &cat {
                    optgroup label=(ctx.t("adm_api_sales_points")) {
                        @for s in &c.sales_points { option value={ "sales_point:" (s.code) } { (s.name) } }
                    }
                    optgroup label=(ctx.t("adm_api_partners")) {
                        @for p in &c.partners { option value={ "partner:" (p.code) } { (p.name) } }
                    }
                }
            }
            label for="k-name" { (ctx.t("adm_api_name")) }
            input #k-name name="name" required maxlength="100" placeholder="Hotel Balkan booking system";
            button type="submit" { (ctx.t("adm_api_create")) }
        }
        h2 { (ctx.t("adm_keys_api_title")) }
        div.scroll { table #api-keys {
            thead { tr { th { (ctx.t("adm_api_prefix")) } th { (ctx.t("adm_api_name")) } th { (ctx.t("adm_api_for")) } th { (ctx.t("adm_api_created")) } th { (ctx.t("col_status")) } th {} } }
            tbody {
                @for k in &keys {
                    tr {
                        td.code { (k.prefix) }
                        td { (k.name) }
                        td { (k.sales_point_id.and_then(|i| sales_points.get(&i)).or_else(|| k.partner_id.and_then(|i| partners.get(&i))).map(String::as_str).unwrap_or("—")) }
                        td { (local_time_in(ctx.lang, k.created_at, &zone)) }
                        td { @match k.revoked_at { Some(at) => strong { (ctx.tf("adm_api_revoked", &[("when", &local_time_in(ctx.lang, at, &zone))])) }, None => (ctx.t("adm_users_active")) } }
                        td { @if k.revoked_at.is_none() {
                            form method="post" action={ "/admin/api-keys/" (k.prefix) "/revoke" } {
                                (ctx.csrf_field())
                                button.secondary type="submit" { (ctx.t("adm_api_revoke")) }
                            }
                        } }
                    }
                }
            }
        } }
    };
    Ok(ctx.answer_page(&ctx.t("adm_keys_api_title"), body, failed))
}

#[derive(Debug, Deserialize)]
pub struct KeyForm {
    #[serde(default, deserialize_with = "trimmed")]
    owner: String,
    #[serde(default, deserialize_with = "trimmed")]
    name: String,
}

/// A new API key: the secret is shown on this answer only (stored as a hash).
pub async fn api_key_post(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<KeyForm>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    if form.name.is_empty() || form.name.chars().count() > 100 {
        let m = ctx.t("adm_api_name_needed");
        return render_keys(&state, &ctx, Some(Err(m)), None).await;
    }
    let (key, prefix, hash) =
        crate::accounts::new_api_key().map_err(|e| WebError::Internal(e.to_string()))?;
    let now = crate::store::now();
    let done = match form.owner.split_once(':') {
        Some(("sales_point", code)) => {
            state
                .store
                .insert_api_key(&prefix, &hash, &form.name, code, now)
                .await
        }
        Some(("partner", code)) => {
            state
                .store
                .insert_partner_api_key(&prefix, &hash, &form.name, code, now)
                .await
        }
        _ => return Err(WebError::NotFound),
    };
    match done {
        Ok(()) => {
            tracing::info!(%prefix, by = %me.email, "API key made");
            let mut page = render_keys(
                &state,
                &ctx,
                Some(Ok(ctx.tf("adm_api_made", &[("prefix", &prefix)]))),
                Some(key),
            )
            .await?;
            page.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(page)
        }
        Err(crate::store::StoreError::NotFound(_)) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct RevokeKeyForm {
    #[serde(default)]
    confirmed: String,
}

/// Revoking a key asks again (what stops working), then revokes it.
pub async fn api_key_revoke(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(prefix): Path<String>,
    CsrfForm(form): CsrfForm<RevokeKeyForm>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    let Some(key) = state.store.api_key(&prefix).await? else {
        return Err(WebError::NotFound);
    };
    if key.revoked_at.is_some() {
        let m = ctx.tf("adm_api_revoked_already", &[("prefix", &prefix)]);
        return render_keys(&state, &ctx, Some(Err(m)), None).await;
    }
    if form.confirmed != "yes" {
        let body = html! {
            div.irreversible role="alert" {
                p { strong { (ctx.tf("adm_api_revoke_confirm", &[("prefix", &key.prefix), ("name", &key.name)])) } }
                form method="post" action={ "/admin/api-keys/" (key.prefix) "/revoke" } {
                    (ctx.csrf_field())
                    input type="hidden" name="confirmed" value="yes";
                    button.danger type="submit" { (ctx.t("adm_api_revoke_button")) }
                    " "
                    a.button.secondary href="/admin/api-keys" { (ctx.t("adm_cancel")) }
                }
            }
        };
        return Ok(ctx.page(
            &ctx.tf("adm_api_revoke_title", &[("prefix", &key.prefix)]),
            body,
        ));
    }
    state
        .store
        .revoke_api_key(&prefix, crate::store::now())
        .await?;
    tracing::info!(%prefix, by = %me.email, "API key revoked");
    let m = ctx.tf("adm_api_revoked_ok", &[("prefix", &prefix)]);
    render_keys(&state, &ctx, Some(Ok(m)), None).await
}

/// Every user's own password.
pub async fn password_page(ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin", "desk", "partner"])?;
    Ok(password_form(&ctx, None))
}

fn password_form(ctx: &Ctx, message: Option<Result<String, String>>) -> Response {
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        form method="post" action="/account/password" {
            (ctx.csrf_field())
            label for="current" { (ctx.t("account_password_current")) }
            input #current type="password" name="current" required autocomplete="current-password";
            label for="new" { (ctx.t("account_password_new")) }
            input #new type="password" name="new" required minlength=(crate::accounts::PASSWORD_LENGTH.start()) maxlength=(crate::accounts::PASSWORD_LENGTH.end()) autocomplete="new-password";
            label for="again" { (ctx.t("account_password_again")) }
            input #again type="password" name="again" required minlength=(crate::accounts::PASSWORD_LENGTH.start()) maxlength=(crate::accounts::PASSWORD_LENGTH.end()) autocomplete="new-password";
            button type="submit" { (ctx.t("account_password_submit")) }
        }
    };
    ctx.answer_page(&ctx.t("account_password_title"), body, failed)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

impl std::fmt::Debug for PasswordForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordForm")
    }
}

/// Changes the user's password after checking the current one; the user's other sessions end.
pub async fn password_post(
    State(state): State<Shared>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin", "desk", "partner"])?;
    let stored = state
        .store
        .user_by_email(&user.email)
        .await?
        .ok_or(WebError::NotFound)?;
    let problem = if !crate::accounts::verify_password(&form.current, &stored.password_hash) {
        Some("account_password_wrong")
    } else {
        crate::accounts::new_password_problem(&form.new, &form.again)
    };
    if let Some(key) = problem {
        return Ok(password_form(&ctx, Some(Err(ctx.t(key)))));
    }
    let hash =
        crate::accounts::hash_password(&form.new).map_err(|e| WebError::Internal(e.to_string()))?;
    let keep = cookie(&headers, SESSION_COOKIE)
        .map(|t| crate::accounts::sha256_hex(&t))
        .unwrap_or_default();
    state.store.set_password(user.id, &hash, &keep).await?;
    tracing::info!(user = user.id, "password changed");
    Ok(password_form(
        &ctx,
        Some(Ok(ctx.t("account_password_changed"))),
    ))
}
