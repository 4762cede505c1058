//! Webhook subscriptions and their delivery log (admins).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{Attempt, Delivery, DeliveryId, DeliveryState, EventKind, Webhook, WebhookId};
use colophon_service::Paging;
use colophon_service::{CreatedWebhook, WebhookInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paged;
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookBody {
    pub id: i64,
    pub url: String,
    /// The events sent; empty for every event.
    pub events: Vec<EventKind>,
    pub active: bool,
    /// Why Colophon switched it off (the receiver answered 410 Gone), if it did.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Webhook> for WebhookBody {
    fn from(w: Webhook) -> Self {
        Self {
            id: w.id.0,
            url: w.url,
            events: w.events,
            active: w.active,
            disabled_reason: w.disabled_reason,
            created_at: w.created_at.and_utc(),
        }
    }
}

/// A subscription just made, with its signing secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhookBody {
    /// `whsec_<base64>`: verifies `webhook-signature` as Standard Webhooks describes.
    pub secret: String,
    #[serde(flatten)]
    pub webhook: WebhookBody,
}

impl From<CreatedWebhook> for CreatedWebhookBody {
    fn from(c: CreatedWebhook) -> Self {
        Self { secret: c.secret, webhook: c.webhook.into() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub data: Vec<WebhookBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookBody {
    /// An http(s) URL; private, loopback and link-local destinations are refused.
    #[schema(max_length = 2048)]
    pub url: String,
    /// The events wanted; absent or empty for every event.
    #[schema(max_items = 17)]
    pub events: Option<Vec<EventKind>>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookBody {
    #[schema(max_length = 2048)]
    pub url: Option<String>,
    #[schema(max_items = 17)]
    pub events: Option<Vec<EventKind>>,
    /// `true` switches a subscription Colophon switched off on again.
    pub active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptBody {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status; null when no answer came.
    pub status: Option<i32>,
    pub latency_ms: i64,
    /// The first 512 bytes of the answer, or why there was none.
    pub response: String,
}

impl From<Attempt> for AttemptBody {
    fn from(a: Attempt) -> Self {
        Self {
            attempted_at: a.attempted_at.and_utc(),
            status: a.status,
            latency_ms: a.latency_ms,
            response: a.response,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryBody {
    pub id: i64,
    /// The event; `webhook-id` is `msg_<event_id>` on every attempt.
    pub event_id: i64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub log: Vec<AttemptBody>,
}

impl From<Delivery> for DeliveryBody {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id.0,
            event_id: d.event.0,
            kind: d.kind,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.and_utc(),
            created_at: d.created_at.and_utc(),
            finished_at: d.finished_at.map(|t| t.and_utc()),
            log: d.log.into_iter().map(Into::into).collect(),
        }
    }
}

paged!(DeliveryPage, DeliveryBody);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListParams {
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// Subscribes a URL to events; the answer holds the signing secret, once (admins).
#[utoipa::path(
    post, operation_id = "create_webhook", path = "/api/v1/webhooks", tag = "webhooks", request_body = CreateWebhookBody,
    security(("bearer" = [])),
    responses((status = 201, description = "Created; `secret` is shown this once", body = CreatedWebhookBody), responses::Create)
)]
pub async fn create(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: crate::json::Json<CreateWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = WebhookInput { url: Some(b.url), events: b.events, active: b.active };
    let created = colophon.create_webhook(caller, input).await?;
    Ok(HttpResponse::Created().insert_header(("Cache-Control", "no-store")).json(CreatedWebhookBody::from(created)))
}

/// Every subscription, without secrets (admins).
#[utoipa::path(
    get, operation_id = "list_webhooks", path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, description = "The subscriptions", body = WebhookList), responses::StaffRead)
)]
pub async fn list(Caller(caller): Caller, colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    let webhooks = colophon.webhooks(caller).await?;
    let list = WebhookList { data: webhooks.into_iter().map(Into::into).collect() };
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "private, no-store")).json(list))
}

/// Changes a subscription's URL, events or active flag (admins).
#[utoipa::path(
    patch, operation_id = "update_webhook", path = "/api/v1/webhooks/{id}", tag = "webhooks", request_body = UpdateWebhookBody,
    security(("bearer" = [])), params(("id" = i64, Path, description = "The subscription's id")),
    responses((status = 200, description = "Changed", body = WebhookBody), responses::Update)
)]
pub async fn update(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<WebhookId>,
    body: crate::json::Json<UpdateWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = WebhookInput { url: b.url, events: b.events, active: b.active };
    let webhook = colophon.update_webhook(caller, id.into_inner(), input).await?;
    Ok(HttpResponse::Ok().json(WebhookBody::from(webhook)))
}

/// Ends a subscription; its pending deliveries go with it (admins).
#[utoipa::path(
    delete, operation_id = "delete_webhook", path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The subscription's id")),
    responses((status = 204, description = "Deleted"), responses::Delete)
)]
pub async fn delete(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    colophon.delete_webhook(caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log, newest first: each delivery with its attempts (admins).
#[utoipa::path(
    get, operation_id = "list_webhook_deliveries", path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    security(("bearer" = [])), params(("id" = i64, Path, description = "The subscription's id"), DeliveryListParams),
    responses((status = 200, description = "A page of deliveries", body = DeliveryPage), responses::CallerRead)
)]
pub async fn deliveries(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<WebhookId>,
    params: crate::json::Query<DeliveryListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let page = colophon.webhook_deliveries(caller, id.into_inner(), Paging::new(p.limit, p.cursor)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(DeliveryPage::from_page(page, DeliveryBody::from)))
}

/// Sends a delivery again now, with the same `webhook-id` (admins).
#[utoipa::path(
    post, operation_id = "redeliver_webhook", path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    tag = "webhooks", security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The subscription's id"),
        ("delivery_id" = i64, Path, description = "The delivery's id"),
    ),
    responses((status = 202, description = "Queued"), responses::Delete)
)]
pub async fn redeliver(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    path: web::Path<(WebhookId, DeliveryId)>,
) -> Result<HttpResponse, ApiError> {
    let (webhook, delivery) = path.into_inner();
    colophon.redeliver(caller, webhook, delivery).await?;
    Ok(HttpResponse::Accepted().finish())
}
