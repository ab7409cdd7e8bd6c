//! People and places of the closed loop, in bulk: importing the deputies (name, level, the
//! station they are grouped into) and the handling units with their operators from CSV or XLSX,
//! all or nothing with every problem on its line, and exporting both lists in the same columns.
//! Accounts created by an import get a generated initial password, shown once to the importing
//! administrator for printing and changed by its owner at first login.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod parse;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What an import did (or, checked only, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterSummary {
    /// Units or deputies created.
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Accounts created (deputies, or units' operators).
    pub accounts: usize,
    /// Names the stored initial passwords of the new accounts, when there are any.
    pub passwords: Option<String>,
}

/// A new account's initial password, for the importing administrator to hand out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitialPassword {
    pub login: String,
    pub display_name: String,
    /// 州人大代表, 承办单位操作员…
    pub role: String,
    /// The deputy's station path, or the operator's unit.
    pub detail: String,
    pub password: String,
}

/// The Chinese name of a unit kind, as lists write it.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "government" => "县市人民政府",
        "court" => "人民法院",
        "procuratorate" => "人民检察院",
        _ => "政府部门",
    }
}

/// Admin: import a deputy list (`kind` = `deputies`) or a unit list (`units`) from a plain
/// multipart form; with `dry_run` = 1 only check it. All or nothing: any problem is reported
/// with its line and nothing is imported.
#[server(prefix = "/api", endpoint = "roster/upload", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_roster(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<RosterSummary, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let (mut bytes, mut dry_run, mut kind) = (Vec::new(), false, String::new());
    for (name, value) in crate::ssr::web::multipart_fields(data).await? {
        match name.as_str() {
            "file" => bytes = value,
            "dry_run" => dry_run = value == b"1",
            "kind" => kind = String::from_utf8_lossy(&value).into_owned(),
            _ => {}
        }
    }
    let field = if kind == "units" {
        "units_file"
    } else {
        "deputies_file"
    };
    let report = |errors: Vec<crate::station::RowError>| {
        let mut lines: Vec<String> = errors.iter().take(20).map(|e| e.to_string()).collect();
        if errors.len() > 20 {
            lines.push(format!("……另有 {} 处问题", errors.len() - 20));
        }
        AppError::validation(field, format!("未导入任何数据。{}", lines.join("；")))
    };
    if bytes.is_empty() {
        return Err(AppError::validation(
            field,
            "请选择要上传的 CSV 或 XLSX 文件",
        ));
    }
    let summary = match kind.as_str() {
        "units" => {
            // Reading a workbook is CPU work: off the async threads.
            let lines = tokio::task::spawn_blocking(move || parse::parse_units(&bytes))
                .await?
                .map_err(report)?;
            ssr::import_units(&state.db, user.id, &lines, dry_run).await
        }
        "deputies" => {
            let lines = tokio::task::spawn_blocking(move || parse::parse_deputies(&bytes))
                .await?
                .map_err(report)?;
            ssr::import_deputies(&state.db, user.id, &lines, dry_run).await
        }
        _ => {
            return Err(AppError::validation(
                "kind",
                "请选择导入代表名单还是承办单位名单",
            ))
        }
    }
    .map_err(report)?;
    crate::ssr::web::redirect(&format!(
        "/admin/units?{}kind={kind}&created={}&updated={}&unchanged={}&accounts={}{}",
        if dry_run { "checked=1&" } else { "" },
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.accounts,
        summary
            .passwords
            .as_ref()
            .map(|t| format!("&passwords={t}"))
            .unwrap_or_default()
    ));
    Ok(summary)
}

/// Admin: the initial passwords of an import of theirs (empty once discarded or after a day).
#[server(prefix = "/api", endpoint = "roster/passwords")]
pub async fn load_initial_passwords(token: String) -> Result<Vec<InitialPassword>, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::passwords(&state.db, user.id, token.trim()).await
}

/// Admin: forget an import's initial passwords once they are handed out.
#[server(prefix = "/api", endpoint = "roster/discard")]
pub async fn discard_initial_passwords(token: String) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::discard(&state.db, user.id, token.trim()).await?;
    crate::ssr::web::redirect_plain_form("/admin/units?discarded=1");
    Ok(())
}
