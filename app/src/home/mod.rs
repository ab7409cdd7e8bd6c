//! Each role's home page (`/` after login): the work waiting and the way into it.
//!
//! - the committee: every draft with its parts and deadlines, the opinions waiting (moderation,
//!   not yet handled, on work nobody is assigned, assigned to me) and links into the reading
//!   page, the publish form, the article list (the workbench), moderation, search, exports, the
//!   意见汇编, the feedback report and station coverage;
//! - a station operator: notices to confirm, the parts open for opinions, opinions recorded but
//!   not forwarded, and the station's latest batches;
//! - an administrator: stations, accounts and mail that failed, then the committee's page;
//! - everyone else: the drafts open for comment.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One comment window as a home page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLine {
    pub label: String,
    /// 「征求意见中，截止 …」 and the like.
    pub state: String,
    pub open: bool,
}

/// One draft on the committee's home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftWork {
    pub slug: String,
    pub title: String,
    pub version_label: String,
    /// Nothing of it is released to the public yet.
    pub unpublished: bool,
    pub parts: Vec<PartLine>,
    /// Opinions waiting for a moderator (pre-moderation, or held as possible spam).
    pub moderation: i64,
    /// Opinions not rejected and not yet handled (no disposition).
    pub unhandled: i64,
    /// Of those, on articles and clusters nobody is assigned.
    pub unassigned: i64,
    /// Of those, on articles or clusters assigned to the viewer.
    pub mine: i64,
    pub feedback_published: bool,
}

/// A notice to a station, as its home page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLine {
    pub slug: String,
    pub draft_title: String,
    pub part_label: String,
    pub state: String,
    pub confirmed: bool,
}

/// Opinions a station recorded on a draft and has not forwarded yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLine {
    pub slug: String,
    pub draft_title: String,
    pub opinions: i64,
    /// Whether the draft still takes opinions (else they cannot be forwarded).
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchLine {
    pub receipt: String,
    pub draft_title: String,
    pub opinions: i64,
    pub forwarded_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationHome {
    pub station_name: String,
    pub notices: Vec<NoticeLine>,
    /// Drafts open for opinions now: (slug, title).
    pub open_drafts: Vec<(String, String)>,
    pub pending: Vec<PendingLine>,
    pub batches: Vec<BatchLine>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminHome {
    pub stations_active: i64,
    pub stations_inactive: i64,
    /// Stations without an e-mail address (they get no notices by mail).
    pub stations_without_email: i64,
    /// (role label, active accounts, inactive accounts).
    pub accounts: Vec<(String, i64, i64)>,
    pub mail_failed: i64,
    pub mail_queued: i64,
}

/// What the home page shows the viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Home {
    /// Not logged in, or a citizen: the drafts open for comment (slug, title, state).
    Public(Vec<(String, String, String)>),
    Station(StationHome),
    Committee(Vec<DraftWork>),
    Admin(AdminHome, Vec<DraftWork>),
    /// The closed loop's roles (office, deputy, unit): their work, then the public page.
    Loop(RoleWork, Vec<(String, String, String)>),
}

/// One way into a closed-loop role's work, with what waits there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkLine {
    pub href: String,
    pub label: String,
    /// 「待交办 3 件 · 逾期 1 件」; empty when nothing waits.
    pub waiting: String,
    /// Something is late or waits on the viewer (shown first and marked).
    pub urgent: bool,
}

/// The work box of an office, deputy or unit account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleWork {
    pub heading: String,
    pub lines: Vec<WorkLine>,
}

/// The viewer's home page.
#[server(prefix = "/api", endpoint = "home")]
pub async fn load_home() -> Result<Home, AppError> {
    use crate::auth::Role;
    let state = crate::ssr::app_state()?;
    let viewer = crate::auth::ssr::viewer();
    match viewer.user() {
        Some(u) if u.role == Role::Committee => {
            Ok(Home::Committee(ssr::committee(&state.db, u.id).await?))
        }
        Some(u) if u.role == Role::Admin => Ok(Home::Admin(
            ssr::admin(&state.db).await?,
            ssr::committee(&state.db, u.id).await?,
        )),
        Some(u) if u.role == Role::Station => {
            let station = u.station_id.ok_or(AppError::Forbidden)?;
            Ok(Home::Station(ssr::station(&state, station).await?))
        }
        Some(u) if matches!(u.role, Role::Office | Role::Deputy | Role::Unit) => Ok(Home::Loop(
            ssr::role_work(&state.db, u, crate::ssr::now_ms()).await?,
            ssr::public(&state.db).await?,
        )),
        _ => Ok(Home::Public(ssr::public(&state.db).await?)),
    }
}
