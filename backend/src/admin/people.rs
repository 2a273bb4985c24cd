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
    render_users(&state, &ctx, None).await
}

async fn render_users(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let users = state.store.users().await?;
    let (sales_points, partners) = names(state).await?;
    let me = ctx.user.as_ref().map(|u| u.id);
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("adm_users_intro")) " " code { "townpass users add --email E --role admin|desk|partner" } }
        div.scroll { table #users {
            thead { tr { th { (ctx.t("adm_users_name")) } th { (ctx.t("adm_search_email")) } th { (ctx.t("adm_users_role")) } th { (ctx.t("adm_users_where")) } th { (ctx.t("col_status")) } th {} } }
            tbody {
                @for u in &users {
                    tr {
                        td { (u.name) }
                        td { (u.email) }
                        td { (ctx.t(&format!("adm_role_{}", u.role))) }
                        td { (u.sales_point_id.and_then(|i| sales_points.get(&i)).or_else(|| u.partner_id.and_then(|i| partners.get(&i))).map(String::as_str).unwrap_or("—")) }
                        td { @if u.disabled_at.is_some() { strong { (ctx.t("adm_users_disabled")) } } @else { (ctx.t("adm_users_active")) } }
                        td {
                            @if Some(u.id) != me {
                                form method="post" action={ "/admin/users/" (u.id) } {
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
                        }
                    }
                }
            }
        } }
        p { a href="/admin/api-keys" { (ctx.t("adm_keys_api_title")) } " · " a href="/account/password" { (ctx.t("account_password_title")) } }
    };
    Ok(ctx.answer_page(&ctx.t("adm_users_title"), body, failed))
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    action: String,
}

/// Disables (sessions end at once) or enables a user; never oneself.
pub async fn user_post(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    if me.id == id {
        let m = ctx.t("adm_users_not_self");
        return render_users(&state, &ctx, Some(Err(m))).await;
    }
    let now = crate::store::now();
    let at = match form.action.as_str() {
        "disable" => Some(now),
        "enable" => None,
        _ => return Err(WebError::NotFound),
    };
    if !state.store.set_user_disabled(id, at).await? {
        return Err(WebError::NotFound);
    }
    tracing::info!(user = id, by = %me.email, action = %form.action, "user access changed");
    let m = ctx.t(if at.is_some() {
        "adm_users_disabled_ok"
    } else {
        "adm_users_enabled_ok"
    });
    render_users(&state, &ctx, Some(Ok(m))).await
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
            input #new type="password" name="new" required minlength="10" maxlength="200" autocomplete="new-password";
            label for="again" { (ctx.t("account_password_again")) }
            input #again type="password" name="again" required minlength="10" maxlength="200" autocomplete="new-password";
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
    } else if form.new.chars().count() < 10 || form.new.chars().count() > 200 {
        Some("account_password_short")
    } else if form.new != form.again {
        Some("account_password_mismatch")
    } else {
        None
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
