//! Citizens' comments on a unit (条/款/项) of an open part: submission with a receipt number,
//! status lookup, and counts shown on the reading page.

// The submit server function mirrors the form field by field (so a plain HTML form can post
// to it); the macro's generated client function inherits the long argument list.
#![allow(clippy::too_many_arguments)]

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod tracking;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Support,
    Oppose,
    Amend,
}

impl Stance {
    pub const ALL: [Stance; 3] = [Stance::Support, Stance::Oppose, Stance::Amend];

    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Support => "support",
            Stance::Oppose => "oppose",
            Stance::Amend => "amend",
        }
    }

    pub fn parse(s: &str) -> Option<Stance> {
        Stance::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stance::Support => "赞成",
            Stance::Oppose => "反对",
            Stance::Amend => "修改建议",
        }
    }
}

/// Comment counts of one unit, as the reading page shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCounts {
    pub support: i64,
    pub oppose: i64,
    pub amend: i64,
    /// Public comments made on this unit in earlier versions.
    pub earlier: i64,
}

/// What the comment form needs to know about its unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentTarget {
    pub slug: String,
    pub draft_title: String,
    pub uid: String,
    pub label: String,
    pub text: String,
    /// The window's state description (“征求意见中，截止 …”).
    pub window: Option<String>,
    pub open: bool,
    /// A fresh key the form sends back so a retried submission is recognised.
    pub idempotency_key: String,
}

/// What a receipt page shows. Personal details are not included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub tracking: String,
    pub draft_title: String,
    pub slug: String,
    pub unit_label: String,
    pub stance: Stance,
    pub status: String,
    pub submitted_at: String,
}

pub const MAX_REASON_CHARS: usize = 5000;

#[server(prefix = "/api", endpoint = "comments/target")]
pub async fn get_comment_target(slug: String, uid: String) -> Result<CommentTarget, AppError> {
    let state = crate::ssr::app_state()?;
    ssr::target(&state.db, &slug, &uid).await
}

/// Public: submit a comment on a unit of an open part. Returns the tracking number; without
/// JavaScript the browser is sent to the receipt page. The same idempotency key sent twice
/// (double click, refresh, flaky network) gives the first comment's number.
#[server(prefix = "/api", endpoint = "comments/submit")]
pub async fn submit_comment(
    slug: String,
    uid: String,
    stance: String,
    reason: String,
    suggested: Option<String>,
    name: Option<String>,
    region: Option<String>,
    category: Option<String>,
    contact: Option<String>,
    idempotency_key: String,
) -> Result<String, AppError> {
    let state = crate::ssr::app_state()?;
    let input = ssr::NewComment {
        slug,
        uid,
        stance,
        reason,
        suggested: suggested.unwrap_or_default(),
        name: name.unwrap_or_default(),
        region: region.unwrap_or_default(),
        category: category.unwrap_or_default(),
        contact: contact.unwrap_or_default(),
        idempotency_key,
    };
    let tracking = ssr::submit(&state.db, input).await?;
    crate::ssr::web::redirect_plain_form(&format!("/receipt/{tracking}"));
    Ok(tracking)
}

/// Public: look a comment up by its tracking number (typos are caught by the check character).
#[server(prefix = "/api", endpoint = "comments/receipt")]
pub async fn get_receipt(tracking: String) -> Result<Receipt, AppError> {
    let state = crate::ssr::app_state()?;
    ssr::receipt(&state.db, &tracking).await
}
