//! Applying a station list to the database, and reading it back out.

use super::{ImportSummary, RowError, StationRow};
use crate::error::AppError;
use crate::ssr::{now_ms, Db};
use std::collections::HashMap;

struct Known {
    id: i64,
    level: i64,
    path: String,
    name: String,
}

type StationRecord = (i64, String, i64, Option<i64>, String, String, i64);

/// Every station with its path from the top, parents before children.
async fn known(conn: &mut sqlx::AnyConnection) -> Result<Vec<(Known, StationRow)>, AppError> {
    let rows: Vec<StationRecord> = sqlx::query_as(
        "select id, name, level, parent_id, region_code, email, active from station order by level, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut path_of: HashMap<i64, String> = HashMap::new();
    let mut out = Vec::new();
    for (id, name, level, parent_id, region_code, email, active) in rows {
        let parent = parent_id
            .and_then(|p| path_of.get(&p).cloned())
            .unwrap_or_default();
        let path = if parent.is_empty() {
            name.clone()
        } else {
            format!("{parent}/{name}")
        };
        path_of.insert(id, path.clone());
        out.push((
            Known {
                id,
                level,
                path,
                name: name.clone(),
            },
            StationRow {
                line: 0,
                name,
                level,
                parent,
                region_code,
                email,
                active: active != 0,
            },
        ));
    }
    Ok(out)
}

/// The station list, parents before children, each parent written as its full path.
pub async fn export(db: &Db) -> Result<Vec<StationRow>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(known(&mut conn)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// Applies a parsed list in one transaction: new stations are created, existing ones (same name
/// under the same parent) updated; nothing is deleted (a row with `active` 0 deactivates).
/// Parents may be in the file or already in the database. Any problem rolls everything back and
/// is reported with its line.
pub async fn import(db: &Db, rows: &[StationRow]) -> Result<ImportSummary, Vec<RowError>> {
    apply(db, rows, true).await
}

/// The same checks and counts as [`import`], rolled back (`--dry-run`).
pub async fn check(db: &Db, rows: &[StationRow]) -> Result<ImportSummary, Vec<RowError>> {
    apply(db, rows, false).await
}

async fn apply(db: &Db, rows: &[StationRow], commit: bool) -> Result<ImportSummary, Vec<RowError>> {
    let internal = |e: sqlx::Error| {
        tracing::error!(error = %e, "station import failed");
        vec![RowError {
            line: 0,
            message: "数据库错误，未导入任何数据".into(),
        }]
    };
    let mut tx = db.pool.begin().await.map_err(internal)?;
    let existing = known(&mut tx).await.map_err(|_| {
        vec![RowError {
            line: 0,
            message: "数据库错误，未导入任何数据".into(),
        }]
    })?;
    let mut stations: Vec<Known> = Vec::new();
    let mut current: HashMap<i64, StationRow> = HashMap::new();
    for (k, r) in existing {
        current.insert(k.id, r);
        stations.push(k);
    }
    let mut errors = Vec::new();
    let mut summary = ImportSummary::default();
    let mut sorted: Vec<&StationRow> = rows.iter().collect();
    sorted.sort_by_key(|r| (r.level, r.line));
    let now = now_ms();
    for r in sorted {
        let parent = if r.parent.is_empty() {
            None
        } else {
            let matches: Vec<&Known> = if r.parent.contains('/') {
                stations.iter().filter(|k| k.path == r.parent).collect()
            } else {
                stations.iter().filter(|k| k.name == r.parent).collect()
            };
            match matches.as_slice() {
                [] => {
                    errors.push(RowError {
                        line: r.line,
                        message: format!("上级联系点“{}”不存在（文件和系统中都没有）", r.parent),
                    });
                    continue;
                }
                [one] => Some((one.id, one.level, one.path.clone())),
                _ => {
                    errors.push(RowError {
                        line: r.line,
                        message: format!(
                            "上级“{}”有 {} 个同名联系点，请写完整路径（如 {}）",
                            r.parent,
                            matches.len(),
                            matches[0].path
                        ),
                    });
                    continue;
                }
            }
        };
        if let Some((_, plevel, ppath)) = &parent {
            if *plevel != r.level - 1 {
                errors.push(RowError {
                    line: r.line,
                    message: format!(
                        "层级不符：“{}”是{}级，其上级“{}”是{}级（上级应高一级）",
                        r.name,
                        super::level_label(r.level),
                        ppath,
                        super::level_label(*plevel)
                    ),
                });
                continue;
            }
        }
        let parent_id = parent.as_ref().map(|p| p.0);
        let path = match &parent {
            Some((_, _, p)) => format!("{p}/{}", r.name),
            None => r.name.clone(),
        };
        let found: Option<i64> = sqlx::query_scalar(
            "select id from station where coalesce(parent_id, 0) = $1 and name = $2",
        )
        .bind(parent_id.unwrap_or(0))
        .bind(&r.name)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        let active = if r.active { 1i64 } else { 0 };
        match found {
            Some(id) => {
                let old = current.get(&id);
                let same = old.is_some_and(|o| {
                    o.level == r.level
                        && o.region_code == r.region_code
                        && o.email == r.email
                        && o.active == r.active
                });
                if same {
                    summary.unchanged += 1;
                } else {
                    sqlx::query(
                        "update station set level = $1, region_code = $2, email = $3, active = $4, \
                         updated_at = $5 where id = $6",
                    )
                    .bind(r.level)
                    .bind(&r.region_code)
                    .bind(&r.email)
                    .bind(active)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
                    summary.updated += 1;
                }
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "insert into station (name, level, parent_id, region_code, email, active, \
                     created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
                )
                .bind(&r.name)
                .bind(r.level)
                .bind(parent_id)
                .bind(&r.region_code)
                .bind(&r.email)
                .bind(active)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(internal)?;
                stations.push(Known {
                    id,
                    level: r.level,
                    path,
                    name: r.name.clone(),
                });
                summary.created += 1;
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        // Dropping the transaction rolls back what was written.
        return Err(errors);
    }
    if commit {
        tx.commit().await.map_err(internal)?;
    }
    Ok(summary)
}
