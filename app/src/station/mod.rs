//! The station network (代表之家): the station list as CSV, for import and export from the shell
//! and (later) the admin UI. `csv.rs` is pure (parsing and validation); `ssr.rs` applies a
//! validated list to the database in one transaction.

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod ssr;

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
