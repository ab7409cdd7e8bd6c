//! Accounts, roles, login and sessions.
//!
//! Roles follow the people in CONTEXT.md: the admin runs the platform, committee members work on
//! drafts and opinions, station operators act for one 代表之家, citizens comment. Every server
//! function asks [`ssr::require`] (one guard) before it does anything.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Committee,
    /// The congress office (人大常委会选联/代表工作机构): hands deputies' suggestions to units,
    /// chases them, runs the 微实事 ballots. A role of its own rather than the drafting
    /// committee's: the people differ, and neither needs the other's work (least privilege).
    Office,
    Station,
    /// A deputy (代表), grouped into a station (编组入家).
    Deputy,
    /// An operator of a handling unit (承办单位).
    Unit,
    Citizen,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::Committee,
        Role::Office,
        Role::Station,
        Role::Deputy,
        Role::Unit,
        Role::Citizen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Committee => "committee",
            Role::Office => "office",
            Role::Station => "station",
            Role::Deputy => "deputy",
            Role::Unit => "unit",
            Role::Citizen => "citizen",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Committee => "起草委员会",
            Role::Office => "人大办公室",
            Role::Station => "联系点管理员",
            Role::Deputy => "人大代表",
            Role::Unit => "承办单位",
            Role::Citizen => "公众",
        }
    }
}

/// The logged-in account as pages and server functions see it. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub station_id: Option<i64>,
    pub station_name: Option<String>,
    /// An administrator reset the password: until the user sets their own, every page leads to
    /// the password form.
    #[serde(default)]
    pub must_change_password: bool,
}

/// What the page shell needs on every request: who is logged in, whether their session just
/// ran out, and an error message carried across a no-JavaScript redirect.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<SessionUser>,
    pub expired: bool,
    pub flash: Option<String>,
    /// A form refused without JavaScript, to show again as it was typed (read once).
    #[serde(default)]
    pub form: Option<crate::form::StashedForm>,
}

#[server(prefix = "/api", endpoint = "session/info")]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    use crate::ssr::web::{append_set_cookie, request_cookie, FLASH_COOKIE};
    let viewer = ssr::viewer();
    let flash = request_cookie(FLASH_COOKIE).map(|raw| ssr::decode_flash(&raw));
    if flash.is_some() {
        append_set_cookie(&ssr::expired_cookie(FLASH_COOKIE));
    }
    let form = match request_cookie(crate::form::FORM_COOKIE) {
        Some(id) => {
            append_set_cookie(&ssr::expired_cookie(crate::form::FORM_COOKIE));
            let state = crate::ssr::app_state()?;
            crate::form::ssr::take(&state.db, &id).await?
        }
        None => None,
    };
    Ok(SessionInfo {
        expired: matches!(viewer, ssr::Viewer::Expired),
        user: viewer.user().cloned(),
        flash,
        form,
    })
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(
    name: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::web::{append_set_cookie, client_ip, redirect_plain_form, safe_next};
    let state = crate::ssr::app_state()?;
    let ip = client_ip()
        .map(crate::ssr::web::client_key)
        .unwrap_or_else(|| "unknown".into());
    let user = ssr::check_login(&state.db, &state.settings, name.trim(), &password, &ip).await?;
    let token = ssr::create_session(&state.db, user.id, state.settings.session_ttl_s).await?;
    append_set_cookie(&ssr::session_cookie(&token, &state.settings));
    let next = safe_next(next.as_deref());
    redirect_plain_form(&next);
    Ok(next)
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::web::{append_set_cookie, redirect_plain_form, request_cookie};
    let state = crate::ssr::app_state()?;
    // Logging out needs no live session: an expired one is cleared the same way.
    if let Some(token) = request_cookie(ssr::SESSION_COOKIE) {
        ssr::delete_session(&state.db, &token).await?;
    }
    append_set_cookie(&ssr::expired_cookie(ssr::SESSION_COOKIE));
    redirect_plain_form("/");
    Ok(())
}
