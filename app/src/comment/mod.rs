//! Citizens' comments on a unit (条/款/项) of an open part: submission with a receipt number,
//! status lookup, and counts shown on the reading page.

// The submit server function mirrors the form field by field (so a plain HTML form can post
// to it); the macro's generated client function inherits the long argument list.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
pub mod intake;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod moderation;
pub mod moderation_page;
pub mod pages;
pub mod reading;
#[cfg(feature = "ssr")]
pub mod screen;
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

pub use crate::draft::view::UnitCounts;

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
    /// Present when the client has been submitting a lot: answer it to submit.
    pub challenge: Option<Challenge>,
    pub moderation: Moderation,
}

/// A small question a person answers without JavaScript; the token is signed by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub question: String,
    pub token: String,
}

/// Whether comments are public only after approval (pre) or at once unless flagged (post).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Moderation {
    #[default]
    Pre,
    Post,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Moderation> {
        match s {
            "pre" => Some(Moderation::Pre),
            "post" => Some(Moderation::Post),
            _ => None,
        }
    }

    /// What the form tells the citizen will happen to the comment.
    pub fn notice(self) -> &'static str {
        match self {
            Moderation::Pre => "意见经审核后公开显示；联系方式不会公开。",
            Moderation::Post => {
                "意见提交后即公开显示（含链接等可疑内容的除外，需审核）；联系方式不会公开。"
            }
        }
    }
}

/// A comment as the public sees it: personal data removed, phone numbers and the like masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicComment {
    pub stance: Stance,
    pub reason: String,
    pub suggested: String,
    pub region: String,
    pub category: String,
    pub submitted_at: String,
    /// The reading it was made on, when earlier than the current one (“一审稿”).
    pub earlier_version: Option<String>,
}

/// One page of a unit's public comments, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPage {
    pub comments: Vec<PublicComment>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// A logged-in citizen's own comment, with its status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnComment {
    pub tracking: String,
    pub draft_title: String,
    pub slug: String,
    pub unit_uid: String,
    pub unit_label: String,
    pub stance: Stance,
    pub reason: String,
    pub status: String,
    pub submitted_at: String,
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
    /// Why it was not made public, when it was not.
    pub status_note: Option<String>,
    pub submitted_at: String,
    /// How the committee handled it (label, reason), once it published its feedback report.
    #[serde(default)]
    pub disposition: Option<(String, String)>,
    /// What was written (reason, suggested wording) — only for its submitter.
    #[serde(default)]
    pub own_text: Option<(String, String)>,
}

/// The cookie naming the receipts this browser submitted (tracking number and signature), so
/// their pages can repeat what was written to the person who wrote it.
pub const OWN_RECEIPTS_COOKIE: &str = "yj_mine";

pub const MAX_REASON_CHARS: usize = 5000;

#[server(prefix = "/api", endpoint = "comments/target")]
pub async fn get_comment_target(slug: String, uid: String) -> Result<CommentTarget, AppError> {
    let state = crate::ssr::app_state()?;
    state.intake.target(&slug, &uid, ssr::source()).await
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
    challenge_token: Option<String>,
    challenge_answer: Option<String>,
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
        challenge_token,
        challenge_answer,
    };
    let tracking = state.intake.submit(input, ssr::source()).await?;
    // Remember the receipt in this browser (signed, the last eight), for its page to show the
    // text to its writer.
    let mut mine: Vec<String> = crate::ssr::web::request_cookie(OWN_RECEIPTS_COOKIE)
        .unwrap_or_default()
        .split('|')
        .filter(|e| !e.is_empty() && !e.starts_with(&format!("{tracking}.")))
        .map(str::to_string)
        .collect();
    mine.insert(
        0,
        format!("{tracking}.{}", state.intake.sign_receipt(&tracking)),
    );
    mine.truncate(8);
    crate::ssr::web::append_set_cookie(&format!(
        "{OWN_RECEIPTS_COOKIE}={}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax",
        mine.join("|")
    ));
    crate::ssr::web::redirect_plain_form(&format!("/receipt/{tracking}"));
    Ok(tracking)
}

/// Public: look a comment up by its tracking number (typos are caught by the check character).
#[server(prefix = "/api", endpoint = "comments/receipt")]
pub async fn get_receipt(tracking: String) -> Result<Receipt, AppError> {
    let state = crate::ssr::app_state()?;
    state
        .intake
        .check_lookup_rate(crate::ssr::web::client_ip())?;
    let mine = crate::ssr::web::request_cookie(OWN_RECEIPTS_COOKIE).unwrap_or_default();
    let viewer = crate::auth::ssr::viewer().user().map(|u| u.id);
    ssr::receipt(&state.db, &tracking, |t, account| {
        (viewer.is_some() && viewer == account)
            || mine.split('|').any(|e| {
                e.split_once('.')
                    .is_some_and(|(k, sig)| k == t && sig == state.intake.sign_receipt(t))
            })
    })
    .await
}

/// Public: one page of a unit's published comments, newest first, personal data removed.
#[server(prefix = "/api", endpoint = "comments/public")]
pub async fn list_public_comments(
    slug: String,
    uid: String,
    page: Option<i64>,
) -> Result<PublicPage, AppError> {
    let state = crate::ssr::app_state()?;
    // Opinions on text the public may not read are not public either (the publication gate).
    let draft_id = crate::draft::gate::draft_id(&state.db, &slug).await?;
    if crate::draft::gate::Audience::current() == crate::draft::gate::Audience::Public
        && !crate::draft::gate::unit_readable(&state.db, draft_id, &uid).await?
    {
        return Err(AppError::NotFound);
    }
    ssr::public_page(&state.db, &slug, &uid, page.unwrap_or(1)).await
}

/// Public: published-opinion counts per unit of a draft (`version`: the reading shown; opinions
/// on earlier readings count as `earlier`), for the units the viewer may read.
#[server(prefix = "/api", endpoint = "comments/counts")]
pub async fn get_unit_counts(
    slug: String,
    version: i64,
) -> Result<Vec<(String, UnitCounts)>, AppError> {
    let state = crate::ssr::app_state()?;
    let draft_id = crate::draft::gate::draft_id(&state.db, &slug).await?;
    let audience = crate::draft::gate::Audience::current();
    let released = crate::draft::gate::released(&state.db, draft_id).await?;
    if audience == crate::draft::gate::Audience::Public && !released.any() {
        return Err(AppError::NotFound);
    }
    let mut counts: Vec<_> = ssr::counts(&state.db, &slug, version)
        .await?
        .into_iter()
        .filter(|(uid, _)| {
            audience == crate::draft::gate::Audience::Staff
                || released
                    .newest_with_article(crate::draft::gate::article_of(uid))
                    .is_some()
        })
        .collect();
    counts.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(counts)
}

/// A logged-in citizen's own comments (any role may list what it submitted while logged in).
#[server(prefix = "/api", endpoint = "comments/mine")]
pub async fn list_my_comments() -> Result<Vec<OwnComment>, AppError> {
    use crate::auth::Role;
    // Anyone logged in may comment on a draft, so anyone logged in has opinions of their own.
    let user = crate::auth::ssr::require(Role::ALL)?;
    let state = crate::ssr::app_state()?;
    ssr::own(&state.db, user.id).await
}
