//! The public 意见采纳情况说明 of a draft: per article, what was raised (cluster summaries with
//! counts, no personal data) and how it was handled. Publishing it tells everyone who left an
//! e-mail address, and every station that forwarded opinions, through the outbox.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackGroup {
    /// The group's name: the committee's, else the point in its opinions' words.
    pub summary: String,
    /// Secondary: the group's keywords (、-separated).
    pub keywords: String,
    /// 其他意见: the opinions that fit no group.
    pub other: bool,
    pub received: i64,
    pub unique: i64,
    /// Support, oppose, amend.
    pub stances: (i64, i64, i64),
    pub disposition: String,
    pub reason: String,
    /// Where the opinions came from: 网上 and the stations (no personal data).
    pub sources: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackArticle {
    pub uid: String,
    pub label: String,
    pub received: i64,
    pub unique: i64,
    pub campaigns: i64,
    pub groups: Vec<FeedbackGroup>,
    /// (disposition label, opinions).
    pub by_disposition: Vec<(String, i64)>,
    /// The article's text in the first and in the newest version (empty where it did not
    /// exist).
    pub original: String,
    pub revised: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackReport {
    pub slug: String,
    pub draft_title: String,
    pub published_at: Option<String>,
    pub articles: Vec<FeedbackArticle>,
    /// Labels of the first and newest versions (一审稿 …).
    pub versions: (String, String),
}

/// Public once published (the committee may preview it before).
#[server(prefix = "/api", endpoint = "feedback/report")]
pub async fn load_feedback(slug: String) -> Result<FeedbackReport, AppError> {
    let state = crate::ssr::app_state()?;
    let staff = crate::auth::ssr::viewer().user().is_some_and(|u| {
        matches!(
            u.role,
            crate::auth::Role::Committee | crate::auth::Role::Admin
        )
    });
    ssr::report(&state, &slug, staff).await
}

/// Committee: the printable 意见汇编 with the 对照表 (available before publication).
#[server(prefix = "/api", endpoint = "feedback/compilation")]
pub async fn load_compilation(slug: String) -> Result<FeedbackReport, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::report(&state, &slug, true).await
}

/// Committee: publish (or re-publish) the report. The first publication notifies submitters who
/// left an e-mail address and the stations that forwarded opinions. Returns the messages queued.
#[server(prefix = "/api", endpoint = "feedback/publish")]
pub async fn publish_feedback(slug: String) -> Result<usize, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let n = ssr::publish(&state, user.id, &slug).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/drafts/{}/feedback",
        crate::components::urlencode(&slug)
    ));
    Ok(n)
}
