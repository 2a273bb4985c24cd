//! Card payments with Stripe's PaymentIntents (or a server that speaks its API, such as
//! `localstripe` in the tests): the order page collects the card with Stripe.js, the server makes
//! and confirms the order's payment intent, and the passes are issued once it has succeeded,
//! by whichever comes first of the buyer's page asking and the signed webhook (the order's status
//! makes it exactly once). A declined or abandoned payment leaves the order waiting, payable again.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::config::Secret;
use crate::http::Shared;
use crate::http::api::ApiError;
use crate::http::client::ClientIp;
use crate::sales::{self, SalesError};
use crate::store::{OrderRow, StoreError};

/// The provider's name on orders, payment intents and events.
pub const PROVIDER: &str = "stripe";

/// How far a webhook's signed timestamp may be from now (Stripe's libraries use 5 minutes).
pub const SIGNATURE_TOLERANCE_S: i64 = 300;

/// Declined cards before a 15-minute wait: per order, and per client address.
const MAX_DECLINES_PER_ORDER: i64 = 5;
const MAX_DECLINES_PER_ADDRESS: i64 = 10;

/// Where and how to reach the card provider.
#[derive(Debug, Clone)]
pub struct CardConfig {
    pub secret_key: Secret,
    pub publishable_key: String,
    pub webhook_secret: Secret,
    /// e.g. https://api.stripe.com
    pub api_base: String,
    /// Stripe.js, e.g. https://js.stripe.com/v3/
    pub js_url: String,
}

/// A Stripe-compatible API client (blocking HTTP, run off the async workers).
#[derive(Debug)]
pub struct Card {
    pub config: CardConfig,
    agent: ureq::Agent,
}

/// What the server reads of a payment intent.
#[derive(Clone, Debug, Deserialize)]
pub struct Intent {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    pub amount: i64,
    pub currency: String,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    #[serde(default)]
    pub last_payment_error: Option<Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The provider answered and refused the payment (a declined card, failed authentication).
    #[error("{0}")]
    Declined(String),
    /// The provider could not be reached or did not understand (try again later).
    #[error("the card provider: {0}")]
    Provider(String),
}

impl Card {
    pub fn new(config: CardConfig) -> Card {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .new_agent();
        Card { config, agent }
    }

    /// A call to the provider's API: form-encoded, as Stripe takes it.
    async fn call(
        &self,
        path: &str,
        form: Vec<(String, String)>,
        idempotency_key: Option<String>,
        get: bool,
    ) -> Result<Value, CardError> {
        let url = format!("{}{path}", self.config.api_base.trim_end_matches('/'));
        let agent = self.agent.clone();
        let auth = format!("Bearer {}", self.config.secret_key.expose());
        let answer = tokio::task::spawn_blocking(move || {
            let response = if get {
                agent.get(&url).header("Authorization", &auth).call()
            } else {
                let mut request = agent.post(&url).header("Authorization", &auth);
                if let Some(key) = &idempotency_key {
                    request = request.header("Idempotency-Key", key);
                }
                request.send_form(form.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            };
            let mut response = response.map_err(|e| CardError::Provider(e.to_string()))?;
            let status = response.status().as_u16();
            let body: Value = response
                .body_mut()
                .read_json()
                .map_err(|e| CardError::Provider(format!("HTTP {status}: {e}")))?;
            Ok::<_, CardError>((status, body))
        })
        .await
        .map_err(|e| CardError::Provider(e.to_string()))??;
        let (status, body) = answer;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let message = body["error"]["message"]
            .as_str()
            .unwrap_or("no message")
            .to_string();
        if status == 402 || body["error"]["type"] == "card_error" {
            Err(CardError::Declined(message))
        } else {
            Err(CardError::Provider(format!("HTTP {status}: {message}")))
        }
    }

    fn intent(value: Value) -> Result<Intent, CardError> {
        serde_json::from_value(value).map_err(|e| CardError::Provider(e.to_string()))
    }

    /// A new payment intent for the order's total. The provider learns the order's internal
    /// number and code, never its id (the key to the passes). A new idempotency key each time:
    /// Stripe would answer a reused key with the intent it made first, even if cancelled since.
    pub async fn create_intent(&self, order: &OrderRow) -> Result<Intent, CardError> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| CardError::Provider(e.to_string()))?;
        let form = vec![
            ("amount".into(), order.total_minor.to_string()),
            ("currency".into(), order.currency.to_ascii_lowercase()),
            ("payment_method_types[]".into(), "card".into()),
            ("capture_method".into(), "automatic".into()),
            ("metadata[order_id]".into(), order.id.to_string()),
            (
                "metadata[order_code]".into(),
                crate::i18n::present::order_code(&order.public_id),
            ),
        ];
        let key = format!("townpass-order-{}-{}", order.id, hex::encode(nonce));
        Self::intent(
            self.call("/v1/payment_intents", form, Some(key), false)
                .await?,
        )
    }

    pub async fn retrieve(&self, intent_id: &str) -> Result<Intent, CardError> {
        Self::intent(
            self.call(
                &format!("/v1/payment_intents/{intent_id}"),
                Vec::new(),
                None,
                true,
            )
            .await?,
        )
    }

    /// Confirms the intent with a card the buyer's browser handed to the provider (a payment
    /// method id): Stripe's "finalize on the server". The card is set on the intent first and
    /// then confirmed, in two calls (localstripe takes no payment method on confirm).
    pub async fn confirm(
        &self,
        intent_id: &str,
        payment_method: &str,
    ) -> Result<Intent, CardError> {
        let form = vec![("payment_method".into(), payment_method.to_string())];
        self.call(
            &format!("/v1/payment_intents/{intent_id}"),
            form,
            None,
            false,
        )
        .await?;
        Self::intent(
            self.call(
                &format!("/v1/payment_intents/{intent_id}/confirm"),
                Vec::new(),
                None,
                false,
            )
            .await?,
        )
    }
}

impl Card {
    /// Refunds an intent's payment in full (a second payment of an order already paid).
    pub async fn refund(&self, intent_id: &str) -> Result<String, CardError> {
        let refund = self
            .call(
                "/v1/refunds",
                vec![("payment_intent".into(), intent_id.to_string())],
                Some(format!("townpass-refund-{intent_id}")),
                false,
            )
            .await?;
        Ok(refund["id"].as_str().unwrap_or("").to_string())
    }

    /// Refunds one pass of an order (a partial refund of the intent's payment): `amount` minor
    /// units, marked with the pass number. Asked again (a retry after a crash or a cut
    /// connection), it finds the refund made before and returns that: a pass is refunded once.
    pub async fn refund_pass(
        &self,
        intent_id: &str,
        serial: &str,
        amount: i64,
    ) -> Result<String, CardError> {
        let earlier = self
            .call(
                &format!("/v1/refunds?payment_intent={intent_id}&limit=100"),
                Vec::new(),
                None,
                true,
            )
            .await?;
        if let Some(found) = earlier["data"].as_array().and_then(|refunds| {
            refunds
                .iter()
                .find(|r| r["metadata"]["pass"].as_str() == Some(serial))
        }) {
            return Ok(found["id"].as_str().unwrap_or("").to_string());
        }
        let refund = self
            .call(
                "/v1/refunds",
                vec![
                    ("payment_intent".into(), intent_id.to_string()),
                    ("amount".into(), amount.to_string()),
                    ("metadata[pass]".into(), serial.to_string()),
                ],
                Some(format!("townpass-refund-pass-{serial}")),
                false,
            )
            .await?;
        match refund["id"].as_str() {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            _ => Err(CardError::Provider("the refund has no id".into())),
        }
    }

    /// Cancels an intent (a failed or abandoned attempt, replaced by a new one).
    pub async fn cancel(&self, intent_id: &str) -> Result<Intent, CardError> {
        Self::intent(
            self.call(
                &format!("/v1/payment_intents/{intent_id}/cancel"),
                Vec::new(),
                None,
                false,
            )
            .await?,
        )
    }
}

/// Checks a `Stripe-Signature` header (`t=...,v1=...`): the HMAC-SHA256 of "t.payload" with the
/// endpoint's secret, compared in constant time, and the time within the tolerance.
pub fn verify_signature(
    header: &str,
    payload: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), &'static str> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("the signature has no timestamp")?;
    if now.abs_diff(timestamp) > SIGNATURE_TOLERANCE_S.unsigned_abs() {
        return Err("the signature's timestamp is too far from now");
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "unusable webhook secret")?;
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(payload);
    let expected = mac.finalize().into_bytes();
    let matches = signatures.iter().any(|s| {
        hex::decode(s).is_ok_and(|given| bool::from(given.as_slice().ct_eq(expected.as_slice())))
    });
    if matches {
        Ok(())
    } else {
        Err("no signature matches")
    }
}

/// What became of an order after a look at its payment.
#[derive(Debug, PartialEq, Eq)]
pub enum Settled {
    /// Paid now: its passes were issued by this call.
    Paid,
    /// Paid before (by the other path, or at a desk): nothing more was issued.
    AlreadyPaid,
    /// Not paid (yet): the intent's status.
    NotYet(String),
}

/// Issues the order's passes if `intent`, the order's own, has succeeded for its total. A
/// payment that succeeded for an order paid some other way (at a desk, or by an intent that was
/// replaced) is refunded: nobody pays twice.
pub async fn settle(
    state: &Shared,
    card: &Card,
    order: &OrderRow,
    intent: &Intent,
) -> Result<Settled, ApiError> {
    let stored = state.store.card_intent(order.id).await?;
    let ours = stored.as_ref().is_some_and(|(id, _)| *id == intent.id);
    if intent.status != "succeeded" {
        return Ok(if order.status == "paid" {
            Settled::AlreadyPaid
        } else {
            Settled::NotYet(intent.status.clone())
        });
    }
    let paid_by_this = stored
        .as_ref()
        .is_some_and(|(id, paid)| *id == intent.id && paid.is_some());
    if paid_by_this {
        return Ok(Settled::AlreadyPaid);
    }
    if order.status != "pending" || !ours {
        return refund_second_payment(card, order, intent).await;
    }
    if intent.amount != order.total_minor || !intent.currency.eq_ignore_ascii_case(&order.currency)
    {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!(
                "payment intent {} is for {} {}, the order for {} {}: not issued",
                intent.id, intent.amount, intent.currency, order.total_minor, order.currency
            ),
        ));
    }
    let now = crate::store::now();
    let key = state
        .keys
        .ensure_active(&state.store, now)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    match sales::pay_order_by_card(&state.store, &key, order, &intent.id, now).await {
        Ok(()) => {
            tracing::info!(order = %crate::i18n::present::order_code(&order.public_id), intent = %intent.id, "order paid by card");
            Ok(Settled::Paid)
        }
        Err(SalesError::Store(StoreError::Conflict(_))) => {
            // Paid in between (at a desk, or by this intent through the other path).
            let order = state.store.order_by_id(order.id).await?;
            let now_paid_by_this = state
                .store
                .card_intent(order.id)
                .await?
                .is_some_and(|(id, paid)| id == intent.id && paid.is_some());
            if now_paid_by_this {
                Ok(Settled::AlreadyPaid)
            } else {
                refund_second_payment(card, &order, intent).await
            }
        }
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
        )),
    }
}

async fn refund_second_payment(
    card: &Card,
    order: &OrderRow,
    intent: &Intent,
) -> Result<Settled, ApiError> {
    let code = crate::i18n::present::order_code(&order.public_id);
    match card.refund(&intent.id).await {
        Ok(refund) => {
            tracing::warn!(order = %code, intent = %intent.id, %refund, "a second payment of a paid order was refunded");
            Ok(Settled::AlreadyPaid)
        }
        Err(e) => {
            tracing::error!(order = %code, intent = %intent.id, error = %e, "a second payment of a paid order could NOT be refunded: refund it by hand");
            Ok(Settled::AlreadyPaid)
        }
    }
}

/// Before a desk takes the money for an order: its open card payment is cancelled. `Ok(true)`
/// when that payment has succeeded already (the order is now paid by card: the desk takes
/// nothing), `Ok(false)` when the desk may go on, `Err` (what to tell the clerk) when the card
/// service cannot say.
pub async fn stop_for_desk(
    state: &Shared,
    card: &Card,
    order: &OrderRow,
    intent_id: &str,
) -> Result<bool, String> {
    let unsure = |e: CardError| {
        format!("the buyer's card payment could not be checked ({e}): try again in a minute")
    };
    let intent = card.retrieve(intent_id).await.map_err(unsure)?;
    let succeeded = match intent.status.as_str() {
        "succeeded" => intent,
        "canceled" => return Ok(false),
        _ => match card.cancel(intent_id).await {
            Ok(_) => return Ok(false),
            Err(e) => {
                // It may have succeeded in between: then there is nothing to cancel.
                let again = card.retrieve(intent_id).await.map_err(unsure)?;
                if again.status != "succeeded" {
                    return Err(unsure(e));
                }
                again
            }
        },
    };
    settle(state, card, order, &succeeded)
        .await
        .map_err(|_| "the card payment could not be completed: try again".to_string())?;
    Ok(true)
}

fn card_of(state: &Shared) -> Result<&Card, ApiError> {
    state.card.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_card_payments",
            "card payments are not set up here: pay at a sales desk",
        )
    })
}

fn provider_error(e: CardError) -> ApiError {
    match e {
        CardError::Declined(m) => ApiError::new(StatusCode::PAYMENT_REQUIRED, "declined", m),
        CardError::Provider(m) => {
            tracing::warn!(error = %m, "card provider unavailable");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "provider_unavailable",
                "the card payment did not go through the card service: try again, or pay at a sales desk",
            )
        }
    }
}

/// The order of a public id (any status), or a 404.
async fn find_order(state: &Shared, id: &str) -> Result<OrderRow, ApiError> {
    if !super::orders::valid_public_id(id) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such order",
        ));
    }
    Ok(state.store.order_by_public_id(id).await?)
}

/// The order's intent, made on first use and remade when the provider cancelled it; two
/// requests that both make one keep the first stored (the other is cancelled).
async fn intent_of(state: &Shared, card: &Card, order: &OrderRow) -> Result<Intent, ApiError> {
    for _ in 0..3 {
        let stored = state.store.card_intent(order.id).await?;
        if let Some((id, _)) = &stored {
            let intent = card.retrieve(id).await.map_err(provider_error)?;
            if intent.status != "canceled" {
                return Ok(intent);
            }
        }
        let made = card.create_intent(order).await.map_err(provider_error)?;
        let old = stored.as_ref().map(|(id, _)| id.as_str());
        if state
            .store
            .replace_card_intent(order.id, PROVIDER, old, &made.id, crate::store::now())
            .await?
        {
            return Ok(made);
        }
        // Another request stored its intent first: that one is the order's.
        let _ = card.cancel(&made.id).await;
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "busy",
        "this order is being paid in another window: wait a moment",
    ))
}

/// The answer for an order paid before this request (by card, the webhook, or at a desk).
fn paid_answer(order: &OrderRow) -> Response {
    Json(json!({"order": order.public_id, "status": "paid", "paid": true})).into_response()
}

fn answer(order: &OrderRow, intent: &Intent, settled: &Settled) -> Response {
    Json(answer_body(order, intent, settled)).into_response()
}

fn answer_body(order: &OrderRow, intent: &Intent, settled: &Settled) -> Value {
    let paid = matches!(settled, Settled::Paid | Settled::AlreadyPaid);
    json!({
        "order": order.public_id,
        "status": if paid { "paid" } else { intent.status.as_str() },
        "paid": paid,
        "client_secret": if paid { None } else { intent.client_secret.clone() },
        "error": intent.last_payment_error.as_ref().and_then(|e| e["message"].as_str()),
    })
}

/// `POST /o/{id}/card/start`: the order's payment intent for the card form
/// (`{"status", "client_secret", "publishable_key", "amount", "currency"}`).
pub async fn start(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let card = card_of(&state)?;
    let order = find_order(&state, &id).await?;
    if order.status == "paid" {
        return Ok(paid_answer(&order));
    }
    if order.status != "pending" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_payable",
            "this order is not waiting for payment",
        ));
    }
    let intent = intent_of(&state, card, &order).await?;
    let settled = settle(&state, card, &order, &intent).await?;
    let mut body = answer_body(&order, &intent, &settled);
    body["publishable_key"] = card.config.publishable_key.clone().into();
    body["amount"] = order.total_minor.into();
    body["currency"] = order.currency.clone().into();
    Ok(Json(body).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ConfirmBody {
    payment_method: String,
}

/// `POST /o/{id}/card/confirm` `{"payment_method": "pm_..."}`: pays with the card the page
/// handed to the provider. `{"status": "paid"}`, `"requires_action"` (3-D Secure: the page lets
/// Stripe.js authenticate with `client_secret`, then asks `check`), or a 402 when declined.
pub async fn confirm(
    State(state): State<Shared>,
    ClientIp(client): ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let card = card_of(&state)?;
    let ConfirmBody { payment_method } = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("expected {{\"payment_method\": \"pm_...\"}}: {e}"),
        )
    })?;
    if payment_method.is_empty()
        || payment_method.len() > 255
        || !payment_method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "payment_method is a provider id such as pm_...",
        ));
    }
    let order = find_order(&state, &id).await?;
    if order.status == "paid" {
        return Ok(paid_answer(&order));
    }
    // Card testing (trying stolen numbers) costs a declined attempt each: a few per order and per
    // address, then a wait.
    let now = crate::store::now();
    let subjects = [
        format!("card-order:{}", order.id),
        format!("card-ip:{client}"),
    ];
    for (subject, limit) in subjects
        .iter()
        .zip([MAX_DECLINES_PER_ORDER, MAX_DECLINES_PER_ADDRESS])
    {
        let declines = state
            .store
            .login_failures_since(subject, now - crate::accounts::FAILURE_WINDOW)
            .await?;
        if declines >= limit {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                "too many declined cards: wait 15 minutes, or pay at a sales desk",
            ));
        }
    }
    let mut intent = intent_of(&state, card, &order).await?;
    if intent.status == "succeeded" {
        let settled = settle(&state, card, &order, &intent).await?;
        return Ok(answer(&order, &intent, &settled));
    }
    // A new card after a declined or abandoned attempt goes on a new intent (localstripe cannot
    // confirm an intent again after a decline): the old one is cancelled, so no earlier attempt
    // can be charged later behind the buyer's back.
    let fresh = matches!(
        intent.status.as_str(),
        "requires_payment_method" | "requires_confirmation"
    ) && intent.last_payment_error.is_none();
    if !fresh {
        if let Err(e) = card.cancel(&intent.id).await {
            // Cancelled by another window already, or it has just succeeded: look again.
            let again = card.retrieve(&intent.id).await.map_err(provider_error)?;
            if again.status != "canceled" {
                return paid_meanwhile(&state, card, &order, &again, e).await;
            }
        }
        intent = intent_of(&state, card, &order).await?;
    }
    let confirmed = match card.confirm(&intent.id, &payment_method).await {
        Ok(confirmed) => confirmed,
        Err(CardError::Declined(why)) => {
            state.store.record_login_failure(&subjects, now).await?;
            return Err(ApiError::new(StatusCode::PAYMENT_REQUIRED, "declined", why));
        }
        Err(e) => {
            let again = card.retrieve(&intent.id).await.map_err(provider_error)?;
            return paid_meanwhile(&state, card, &order, &again, e).await;
        }
    };
    let settled = settle(&state, card, &order, &confirmed).await?;
    Ok(answer(&order, &confirmed, &settled))
}

/// After a call to the provider failed: if the intent has succeeded meanwhile (another window
/// paid), the order is settled and the buyer told it is paid; otherwise the failure stands.
async fn paid_meanwhile(
    state: &Shared,
    card: &Card,
    order: &OrderRow,
    intent: &Intent,
    failure: CardError,
) -> Result<Response, ApiError> {
    if intent.status != "succeeded" {
        return Err(provider_error(failure));
    }
    let settled = settle(state, card, order, intent).await?;
    Ok(answer(order, intent, &settled))
}

/// `POST /o/{id}/card/check`: looks at the order's payment again (after 3-D Secure, or when the
/// page comes back) and issues the passes if it has succeeded.
pub async fn check(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let card = card_of(&state)?;
    let order = find_order(&state, &id).await?;
    if order.status == "paid" {
        return Ok(paid_answer(&order));
    }
    let Some((intent_id, _)) = state.store.card_intent(order.id).await? else {
        return Ok(Json(
            json!({"order": order.public_id, "status": "requires_payment_method", "paid": false}),
        )
        .into_response());
    };
    let intent = card.retrieve(&intent_id).await.map_err(provider_error)?;
    let settled = settle(&state, card, &order, &intent).await?;
    Ok(answer(&order, &intent, &settled))
}

/// `POST /webhooks/stripe`: the provider's signed events. A bad signature is a 400 and changes
/// nothing; an event already taken is answered 200 and changes nothing; a payment that
/// succeeded issues its order's passes (if the page has not already).
pub async fn webhook(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let card = card_of(&state)?;
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(why) = verify_signature(
        signature,
        &body,
        card.config.webhook_secret.expose(),
        crate::store::now(),
    ) {
        tracing::warn!(%why, "webhook refused");
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_signature", why));
    }
    let event: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.to_string()))?;
    let (Some(event_id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "an event has an id and a type",
        ));
    };
    if state.store.provider_event_seen(PROVIDER, event_id).await? {
        return Ok(Json(json!({"received": true, "replay": true})).into_response());
    }
    // Handled first, recorded after: a crash in between means the provider's retry is handled
    // again, which changes nothing (settling is idempotent); never an event recorded but lost.
    handle_event(&state, card, kind, &event).await?;
    state
        .store
        .record_provider_event(PROVIDER, event_id, kind, crate::store::now())
        .await?;
    Ok(Json(json!({"received": true})).into_response())
}

async fn handle_event(
    state: &Shared,
    card: &Card,
    kind: &str,
    event: &Value,
) -> Result<(), ApiError> {
    let object = &event["data"]["object"];
    match kind {
        "payment_intent.succeeded" => {
            let Some(intent_id) = object["id"].as_str() else {
                return Ok(());
            };
            // The event says what happened; the provider's own record says it for sure.
            let intent = card.retrieve(intent_id).await.map_err(provider_error)?;
            // The order's current intent, or one it replaced (its number is in the metadata).
            let order_id = match state.store.order_of_intent(intent_id).await? {
                Some(id) => Some(id),
                None => intent
                    .metadata
                    .get("order_id")
                    .and_then(|id| id.parse::<i64>().ok()),
            };
            let order = match order_id {
                Some(id) => state.store.order_by_id(id).await.ok(),
                None => None,
            };
            let Some(order) = order else {
                tracing::warn!(intent = %intent_id, "a payment for no order of ours");
                return Ok(());
            };
            settle(state, card, &order, &intent).await?;
        }
        "payment_intent.payment_failed" => {
            tracing::info!(intent = ?object["id"].as_str(), "a card payment failed; the order stays payable");
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, payload: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(format!("{t}.").as_bytes());
        mac.update(payload);
        format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn a_webhook_signature_is_accepted_only_with_the_secret_the_payload_and_a_recent_time() {
        let payload = br#"{"id":"evt_1"}"#;
        let now = 1_800_000_000;
        let good = sign("whsec_test", now - 10, payload);
        assert_eq!(verify_signature(&good, payload, "whsec_test", now), Ok(()));
        assert!(verify_signature(&good, payload, "whsec_other", now).is_err());
        assert!(verify_signature(&good, br#"{"id":"evt_2"}"#, "whsec_test", now).is_err());
        assert!(
            verify_signature(&good, payload, "whsec_test", now + 400).is_err(),
            "too old"
        );
        let with_other = format!("{good},v1=00ff,v0=abc");
        assert_eq!(
            verify_signature(&with_other, payload, "whsec_test", now),
            Ok(())
        );
        assert!(verify_signature("v1=00", payload, "whsec_test", now).is_err());
        let extreme = format!("t={},v1=00", i64::MIN);
        assert!(verify_signature(&extreme, payload, "whsec_test", now).is_err());
        let extreme = format!("t={},v1=00", i64::MAX);
        assert!(verify_signature(&extreme, payload, "whsec_test", i64::MIN).is_err());
        assert!(verify_signature("", payload, "whsec_test", now).is_err());
    }
}
