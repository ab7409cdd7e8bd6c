//! The mail outbox: every e-mail is queued in the database with the event that causes it and
//! delivered by a background sender. The admin sees undelivered mail and can retry it.

pub mod notices;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod templates;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A message not (yet) delivered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    /// Given up (permanent refusal or too many attempts); otherwise still queued.
    pub failed: bool,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: String,
    pub next_attempt_at: String,
}

/// Admin: mail that is queued or failed.
#[server(prefix = "/api", endpoint = "admin/outbox/list")]
pub async fn list_outbox() -> Result<Vec<OutboxItem>, AppError> {
    crate::auth::ssr::require(&[crate::auth::Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::list(&state.db).await
}

/// Admin: queue a failed message again.
#[server(prefix = "/api", endpoint = "admin/outbox/retry")]
pub async fn retry_outbox(id: i64) -> Result<(), AppError> {
    crate::auth::ssr::require(&[crate::auth::Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::retry(&state.db, id).await?;
    crate::ssr::web::redirect_plain_form_back();
    Ok(())
}
