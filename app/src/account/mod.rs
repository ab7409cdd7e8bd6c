//! Account management: the admin creates and deactivates accounts, everyone changes their own
//! password. The shell's `yijian user add` uses the same [`ssr::create_account`].

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::auth::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the admin's account list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub station_name: Option<String>,
    pub active: bool,
}

/// Input for a new account, shared by the admin form, the CLI and the demo seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    /// Station name or id; required for station operators, refused for other roles.
    pub station: Option<String>,
    pub password: String,
}

pub const MIN_PASSWORD_CHARS: usize = 10;

/// What is wrong with a login name, if anything: 2–32 letters, digits or `_ - .` (so it can be
/// typed on any keyboard and read aloud when handed out).
pub fn login_name_problem(name: &str) -> Option<&'static str> {
    let ok = (2..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (!ok).then_some("登录名须为 2–32 个字母、数字或 _ - . 字符")
}

/// Checks the fields that need no database. Pure so the CLI and the form report the same errors.
pub fn validate_new_account(a: &NewAccount) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(problem) = login_name_problem(&a.name) {
        errors.push(("name", problem.to_string()));
    }
    if a.display_name.trim().is_empty() || a.display_name.chars().count() > 64 {
        errors.push((
            "display_name",
            "显示名称不能为空，且不超过 64 个字".to_string(),
        ));
    }
    if let Some(e) = password_problem(&a.password) {
        errors.push(("password", e));
    }
    match (a.role, a.station.as_deref().map(str::trim)) {
        (Role::Station, None | Some("")) => {
            errors.push(("station", "联系点管理员必须指定所属联系点".to_string()))
        }
        (Role::Deputy, None | Some("")) => {
            errors.push(("station", "人大代表必须指定编组的代表之家".to_string()))
        }
        (Role::Station | Role::Deputy, _) | (_, None | Some("")) => {}
        (_, Some(_)) => errors.push((
            "station",
            "只有联系点管理员和人大代表可以指定联系点".to_string(),
        )),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(
            errors
                .into_iter()
                .map(|(field, message)| crate::error::FieldError {
                    field: field.into(),
                    message,
                })
                .collect(),
        ))
    }
}

pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Some(format!("密码至少 {MIN_PASSWORD_CHARS} 个字符"))
    } else if n > 128 {
        Some("密码不能超过 128 个字符".into())
    } else {
        None
    }
}

#[server(prefix = "/api", endpoint = "admin/users/list")]
pub async fn list_accounts() -> Result<Vec<AccountSummary>, AppError> {
    crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::list_accounts(&state.db).await
}

#[server(prefix = "/api", endpoint = "admin/users/create")]
pub async fn create_account(
    name: String,
    display_name: String,
    role: String,
    station: Option<String>,
    password: String,
) -> Result<i64, AppError> {
    crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let role = Role::parse(&role).ok_or_else(|| AppError::validation("role", "未知的角色"))?;
    // Deputies and unit operators need their profile (level and county, or unit) stored with
    // the account: they are created on the units and deputies page.
    if matches!(role, Role::Deputy | Role::Unit) {
        return Err(AppError::validation(
            "role",
            "人大代表和承办单位账户请在“承办单位与代表”页面创建",
        ));
    }
    let id = ssr::create_account(
        &state.db,
        &NewAccount {
            name: name.trim().into(),
            display_name: display_name.trim().into(),
            role,
            station: station.filter(|s| !s.trim().is_empty()),
            password,
        },
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/admin/users");
    Ok(id)
}

#[server(prefix = "/api", endpoint = "admin/users/active")]
pub async fn set_account_active(id: i64, active: bool) -> Result<(), AppError> {
    let admin = crate::auth::ssr::require(&[Role::Admin])?;
    if admin.id == id && !active {
        return Err(AppError::Conflict("不能停用自己的账户".into()));
    }
    let state = crate::ssr::app_state()?;
    ssr::set_active(&state.db, id, active).await?;
    crate::ssr::web::redirect_plain_form("/admin/users");
    Ok(())
}

/// Admin: gives an account a temporary password (typed by the admin, passed on in person or by
/// phone) and ends its sessions; the user must set their own at the next login.
#[server(prefix = "/api", endpoint = "admin/users/reset-password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    let admin = crate::auth::ssr::require(&[Role::Admin])?;
    if admin.id == id {
        return Err(AppError::Conflict(
            "不能重置自己的密码：请在“我的账户”中修改".into(),
        ));
    }
    let state = crate::ssr::app_state()?;
    ssr::reset_password(&state.db, id, &password).await?;
    crate::ssr::web::redirect_plain_form(&format!("/admin/users?reset={id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(Role::ALL)?;
    if let Some(e) = password_problem(&new_password) {
        return Err(AppError::validation("new_password", e));
    }
    let state = crate::ssr::app_state()?;
    let this_session = crate::ssr::web::request_cookie(crate::auth::ssr::SESSION_COOKIE)
        .map(|t| crate::auth::ssr::token_hash(&t));
    ssr::change_password(
        &state.db,
        user.id,
        &current,
        &new_password,
        this_session.as_deref(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/account?changed=1");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(role: Role, station: Option<&str>) -> NewAccount {
        NewAccount {
            name: "zhang.san".into(),
            display_name: "张三".into(),
            role,
            station: station.map(Into::into),
            password: "long enough pw".into(),
        }
    }

    #[test]
    fn station_role_needs_station_and_others_refuse_it() {
        assert!(validate_new_account(&acct(Role::Station, Some("昌吉市"))).is_ok());
        assert!(validate_new_account(&acct(Role::Station, None)).is_err());
        assert!(validate_new_account(&acct(Role::Citizen, Some("昌吉市"))).is_err());
        assert!(validate_new_account(&acct(Role::Committee, None)).is_ok());
    }

    #[test]
    fn rejects_bad_names_and_short_passwords() {
        let mut a = acct(Role::Admin, None);
        a.name = "有 空格".into();
        a.password = "short".into();
        let Err(AppError::Validation(errs)) = validate_new_account(&a) else {
            panic!("expected validation errors")
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "password"]);
    }
}
