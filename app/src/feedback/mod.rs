//! The public 意见采纳情况说明 of a draft: per article, what was raised (cluster summaries with
//! counts, no personal data) and how it was handled. Publishing it tells everyone who left an
//! e-mail address, and every station that forwarded opinions, through the outbox.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod word;

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

/// Public: the 对照表 of version `to` (default: the newest readable) against version `from`
/// (default: the one before it), both restricted to what the viewer may read.
#[server(prefix = "/api", endpoint = "drafts/compare")]
pub async fn compare_versions(
    slug: String,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<crate::draft::Comparison, AppError> {
    let state = crate::ssr::app_state()?;
    let audience = crate::draft::gate::Audience::current();
    let new = crate::draft::gate::readable(&state.db, &slug, to, audience).await?;
    let from = match from {
        Some(f) => f,
        // The readable version before `to`.
        None => new
            .versions
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| *n < new.number)
            .max()
            .ok_or_else(|| AppError::Conflict("该草案只有一稿，没有可对照的上一稿".into()))?,
    };
    if from >= new.number {
        return Err(AppError::validation("from", "原稿必须早于修改稿"));
    }
    let old = crate::draft::gate::readable(&state.db, &slug, Some(from), audience).await?;
    let mut c = crate::draft::ssr::compare(&old, &new);
    ssr::trace_changes(&state.db, &slug, &mut c).await?;
    Ok(c)
}

/// Public once published (the committee may preview it before).
#[server(prefix = "/api", endpoint = "feedback/report")]
pub async fn load_feedback(slug: String) -> Result<FeedbackReport, AppError> {
    let state = crate::ssr::app_state()?;
    let preview = crate::draft::gate::Audience::current() == crate::draft::gate::Audience::Staff;
    ssr::report(&state, &slug, ssr::Readers::Public { preview }).await
}

/// Committee: the printable 意见汇编 with the 对照表 (available before publication).
#[server(prefix = "/api", endpoint = "feedback/compilation")]
pub async fn load_compilation(slug: String) -> Result<FeedbackReport, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::report(&state, &slug, ssr::Readers::Committee).await
}

/// What publishing the feedback report will do, shown before the committee confirms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishFeedbackPreview {
    pub slug: String,
    pub draft_title: String,
    /// When it was published before (a re-publication sends no mail).
    pub published_before: Option<String>,
    /// Published opinions, and how many of them have a disposition.
    pub opinions: i64,
    pub handled: i64,
    /// Who is told on the first publication: submitters' addresses and stations.
    pub submitters_mailed: i64,
    pub stations_mailed: i64,
}

/// Committee: what publishing the feedback report would do.
#[server(prefix = "/api", endpoint = "feedback/publish-preview")]
pub async fn preview_feedback(slug: String) -> Result<PublishFeedbackPreview, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::publish_preview(&state.db, &slug).await
}

/// Committee: publish (or re-publish) the report — only with `confirmed=1`, sent by the page
/// that showed what this will do. The first publication notifies submitters who left an e-mail
/// address and the stations that forwarded opinions. Returns the messages queued.
#[server(prefix = "/api", endpoint = "feedback/publish")]
pub async fn publish_feedback(slug: String, confirmed: Option<String>) -> Result<usize, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    crate::draft::require_confirmed(
        confirmed.as_deref(),
        "请先查看将要发布的内容和通知对象，再确认发布",
    )?;
    let state = crate::ssr::app_state()?;
    let n = ssr::publish(&state, user.id, &slug).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/drafts/{}/feedback",
        crate::components::urlencode(&slug)
    ));
    Ok(n)
}
