//! The station network (代表之家): the station list as CSV, for import and export from the shell
//! and (later) the admin UI. `csv.rs` is pure (parsing and validation); `ssr.rs` applies a
//! validated list to the database in one transaction.

#[cfg(feature = "ssr")]
pub mod csv;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Levels: 1 州 prefecture, 2 县市 county/city, 3 乡镇街道 township/street, 4 村社区 village.
pub fn level_label(level: i64) -> &'static str {
    match level {
        1 => "州",
        2 => "县市",
        3 => "乡镇街道",
        4 => "村社区",
        _ => "?",
    }
}

/// One row of a station list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationRow {
    /// The station's id when it came from the database (0 for a row of a file).
    #[serde(default)]
    pub id: i64,
    /// 1-based line number in the file (for error messages).
    pub line: usize,
    pub name: String,
    pub level: i64,
    /// The parent's path from the top (`昌吉回族自治州/昌吉市`) or, when unique, its name; empty
    /// for the prefecture.
    pub parent: String,
    pub region_code: String,
    pub email: String,
    pub active: bool,
}

/// A problem with one row (or with the file, line 0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "第 {} 行：{}", self.line, self.message)
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A station being edited: `parent` is the parent's name or path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationEdit {
    pub id: i64,
    pub name: String,
    pub level: i64,
    pub parent: String,
    pub region_code: String,
    pub email: String,
    pub active: bool,
}

/// Admin: one station, for its edit form.
#[server(prefix = "/api", endpoint = "stations/get")]
pub async fn get_station(id: i64) -> Result<StationEdit, AppError> {
    crate::auth::ssr::require(&[crate::auth::Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::get(&state.db, id).await
}

/// Admin: rename a station, move it under another parent (one level up), change its region
/// code or e-mail, or (de)activate it. Its level stays.
#[server(prefix = "/api", endpoint = "stations/update")]
pub async fn update_station(
    id: i64,
    name: String,
    parent: String,
    region_code: String,
    email: String,
    active: Option<String>,
) -> Result<(), AppError> {
    crate::auth::ssr::require(&[crate::auth::Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let e = StationEdit {
        id,
        name,
        level: 0,
        parent,
        region_code,
        email,
        active: active.is_some_and(|a| a == "1" || a == "on" || a == "true"),
    };
    ssr::update(&state.db, &e).await?;
    crate::ssr::web::redirect_plain_form("/admin/stations?saved=1");
    Ok(())
}

/// Admin: the station list, parents before children.
#[server(prefix = "/api", endpoint = "stations/list")]
pub async fn list_stations() -> Result<Vec<StationRow>, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::export(&state.db).await
}

/// Admin: import a station list (CSV) from a plain multipart form; with `dry_run` = 1 only
/// check it. All or nothing: any problem is reported with its line and nothing is imported.
#[server(prefix = "/api", endpoint = "stations/upload", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_stations(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<ImportSummary, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let (mut bytes, mut dry_run) = (Vec::new(), false);
    for (name, value) in crate::ssr::web::multipart_fields(data).await? {
        match name.as_str() {
            "file" => bytes = value,
            "dry_run" => dry_run = value == b"1",
            _ => {}
        }
    }
    let report = |errors: Vec<RowError>| {
        let mut lines: Vec<String> = errors.iter().take(20).map(|e| e.to_string()).collect();
        if errors.len() > 20 {
            lines.push(format!("……另有 {} 处问题", errors.len() - 20));
        }
        AppError::validation("file", format!("未导入任何数据。{}", lines.join("；")))
    };
    // Reading a workbook is CPU work: off the async threads.
    let rows = tokio::task::spawn_blocking(move || csv::parse(&bytes))
        .await?
        .map_err(report)?;
    let summary = if dry_run {
        ssr::check(&state.db, &rows).await
    } else {
        ssr::import(&state.db, &rows).await
    }
    .map_err(report)?;
    crate::ssr::web::redirect(&format!(
        "/admin/stations?{}created={}&updated={}&unchanged={}",
        if dry_run { "checked=1&" } else { "" },
        summary.created,
        summary.updated,
        summary.unchanged
    ));
    Ok(summary)
}
