//! Themes across a draft: points that cut across articles (供热价格 raised on five articles),
//! proposed by the system from all opinions, confirmed by the committee, and assigned to new
//! opinions by a model trained on the committee's confirmed assignments, with a quality meter.
//! `model.rs` is the pure part (features, training, assignment, the meter, proposals), `ssr.rs`
//! the storage, `pages.rs` the committee's pages. Themes are the committee's working tool: no
//! public page or export shows them.

#[cfg(feature = "ssr")]
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The quality meter as the page shows it (the same figures as `model::Quality`, which exists
/// only on the server).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meter {
    /// Reviewed opinions the machine had assigned before the review (the meter's sample).
    pub reviewed: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub f1_low: f64,
    pub f1_high: f64,
    /// F1 under 0.75 over at least 30 reviewed opinions.
    pub warning: bool,
}

/// One theme in the draft's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The machine proposed it and no member has accepted it yet.
    pub proposed: bool,
    /// Who created it: "系统" or the member's name.
    pub created_by: String,
    /// Opinions carrying it (the committee's themes for reviewed opinions, the machine's for the
    /// others), and of them reviewed by the committee.
    pub opinions: i64,
    pub reviewed: i64,
}

/// Counts of one theme along one dimension: (value, opinions) per value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub dimension: String,
    /// Column heads: the values of the dimension.
    pub values: Vec<String>,
    /// Per theme: (name, count per value in `values`' order).
    pub rows: Vec<(String, Vec<i64>)>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ThemesView {
    pub slug: String,
    pub draft_title: String,
    pub themes: Vec<ThemeRow>,
    /// Opinions of the draft (moderators' rejections excluded), reviewed ones, ones the machine
    /// has assigned, and ones carrying no theme.
    pub opinions: i64,
    pub reviewed: i64,
    pub machine_assigned: i64,
    pub without_theme: i64,
    pub meter: Meter,
    /// Reviewed opinions needed before the machine is trained.
    pub train_min: i64,
    /// By article, channel, station level and county.
    pub breakdowns: Vec<Breakdown>,
}

/// One opinion to review: its text and the themes it carries now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub id: i64,
    pub tracking: String,
    pub unit_label: String,
    pub text: String,
    /// (theme id, the machine's confidence in thousandths) of the machine's themes.
    pub machine: Vec<(i64, i64)>,
    /// The committee's themes (reviewed opinions only).
    pub committee: Vec<i64>,
    /// "" when not reviewed; else who reviewed it and when.
    pub reviewed: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub slug: String,
    pub draft_title: String,
    /// (id, name) of the themes to choose from.
    pub themes: Vec<(i64, String)>,
    pub items: Vec<ReviewItem>,
    /// Unreviewed opinions in all.
    pub remaining: i64,
}

/// Opinions shown per review page.
pub const REVIEW_PAGE: i64 = 20;

#[cfg(feature = "ssr")]
fn committee() -> Result<crate::auth::SessionUser, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])
}

#[cfg(feature = "ssr")]
fn back_to_themes(slug: &str) {
    crate::ssr::web::redirect_plain_form(&format!(
        "/committee/drafts/{}/themes",
        crate::components::urlencode(slug)
    ));
}

/// Committee: the draft's themes with counts, the quality meter and the breakdowns. Opinions
/// the machine has never assigned are assigned first, once the committee has reviewed enough.
#[server(prefix = "/api", endpoint = "themes/view")]
pub async fn load_themes(slug: String) -> Result<ThemesView, AppError> {
    committee()?;
    let state = crate::ssr::app_state()?;
    ssr::assign_new(&state.db, &slug).await?;
    ssr::view(&state.db, &slug).await
}

/// Committee: propose themes from all of the draft's opinions (the machine's proposals wait to be
/// accepted; earlier proposals nobody accepted are replaced).
#[server(prefix = "/api", endpoint = "themes/propose")]
pub async fn propose_themes(slug: String) -> Result<usize, AppError> {
    committee()?;
    let state = crate::ssr::app_state()?;
    let n = ssr::propose(&state.db, &slug).await?;
    back_to_themes(&slug);
    Ok(n)
}

/// Committee: add a theme of one's own.
#[server(prefix = "/api", endpoint = "themes/add")]
pub async fn add_theme(slug: String, name: String) -> Result<i64, AppError> {
    let user = committee()?;
    let state = crate::ssr::app_state()?;
    let id = ssr::add(&state.db, user.id, &slug, &name).await?;
    back_to_themes(&slug);
    Ok(id)
}

/// Committee: rename a theme (which also accepts a proposed one).
#[server(prefix = "/api", endpoint = "themes/rename")]
pub async fn rename_theme(theme: i64, name: String) -> Result<(), AppError> {
    let user = committee()?;
    let state = crate::ssr::app_state()?;
    let slug = ssr::rename(&state.db, user.id, theme, &name).await?;
    back_to_themes(&slug);
    Ok(())
}

/// Committee: accept a theme the machine proposed.
#[server(prefix = "/api", endpoint = "themes/accept")]
pub async fn accept_theme(theme: i64) -> Result<(), AppError> {
    let user = committee()?;
    let state = crate::ssr::app_state()?;
    let slug = ssr::accept(&state.db, user.id, theme).await?;
    back_to_themes(&slug);
    Ok(())
}

/// Committee: merge a theme into another; its opinions carry the other from then on. Refused
/// without `confirmed=1` (the form asks first).
#[server(prefix = "/api", endpoint = "themes/merge")]
pub async fn merge_theme(theme: i64, into: i64, confirmed: Option<String>) -> Result<(), AppError> {
    let user = committee()?;
    confirm(confirmed.as_deref())?;
    let state = crate::ssr::app_state()?;
    let slug = ssr::merge(&state.db, user.id, theme, into).await?;
    back_to_themes(&slug);
    Ok(())
}

/// Committee: delete a theme and its assignments. Refused without `confirmed=1`.
#[server(prefix = "/api", endpoint = "themes/delete")]
pub async fn delete_theme(theme: i64, confirmed: Option<String>) -> Result<(), AppError> {
    let user = committee()?;
    confirm(confirmed.as_deref())?;
    let state = crate::ssr::app_state()?;
    let slug = ssr::delete(&state.db, user.id, theme).await?;
    back_to_themes(&slug);
    Ok(())
}

/// Committee: 重新分配 — train the model on the committee's reviewed opinions and assign every
/// unreviewed opinion again. Returns the opinions assigned.
#[server(prefix = "/api", endpoint = "themes/reassign")]
pub async fn reassign_themes(slug: String) -> Result<usize, AppError> {
    committee()?;
    let state = crate::ssr::app_state()?;
    let n = ssr::reassign(&state.db, &slug, true).await?;
    back_to_themes(&slug);
    Ok(n)
}

/// Committee: the opinions to review, unreviewed first (`reviewed=1`: those already reviewed,
/// newest first).
#[server(prefix = "/api", endpoint = "themes/queue")]
pub async fn load_review_queue(
    slug: String,
    reviewed: Option<String>,
) -> Result<ReviewQueue, AppError> {
    committee()?;
    let state = crate::ssr::app_state()?;
    ssr::queue(&state.db, &slug, reviewed.as_deref() == Some("1")).await
}

/// Committee: confirm or correct an opinion's themes (all of them: several, or none). The
/// member's name and the time are recorded.
#[server(prefix = "/api", endpoint = "themes/review")]
pub async fn review_opinion(comment: i64, themes: Option<Vec<i64>>) -> Result<(), AppError> {
    let user = committee()?;
    let state = crate::ssr::app_state()?;
    ssr::review(&state.db, user.id, comment, &themes.unwrap_or_default()).await?;
    crate::ssr::web::redirect_plain_form_back();
    Ok(())
}

#[cfg(feature = "ssr")]
fn confirm(confirmed: Option<&str>) -> Result<(), AppError> {
    if confirmed == Some("1") {
        Ok(())
    } else {
        Err(AppError::validation("confirmed", "请勾选确认后再提交"))
    }
}
