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
                id,
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

/// Every station's number, name and path from the top (州/县/乡), parents first: what lists
/// that name a station (deputies' groups) resolve against.
pub async fn paths(conn: &mut sqlx::AnyConnection) -> Result<Vec<(i64, String, String)>, AppError> {
    Ok(known(conn)
        .await?
        .into_iter()
        .map(|(k, _)| (k.id, k.name, k.path))
        .collect())
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
    let mut tx = db.begin().await.map_err(internal)?;
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

/// One station as the edit form shows it.
pub async fn get(db: &Db, id: i64) -> Result<super::StationEdit, AppError> {
    let mut conn = db.pool.acquire().await?;
    let (k, r) = known(&mut conn)
        .await?
        .into_iter()
        .find(|(k, _)| k.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(super::StationEdit {
        id: k.id,
        name: r.name,
        level: r.level,
        parent: r.parent,
        region_code: r.region_code,
        email: r.email,
        active: r.active,
    })
}

/// Renames, moves (to another parent one level up), re-addresses or (de)activates a station.
pub async fn update(db: &Db, e: &super::StationEdit) -> Result<(), AppError> {
    let name = e.name.trim();
    if name.is_empty() || name.contains('/') || name.chars().count() > 100 {
        return Err(AppError::validation(
            "name",
            "名称不能为空、不可含“/”，且不超过 100 个字",
        ));
    }
    let email = e.email.trim();
    if !email.is_empty() && !super::csv::plausible_email(email) {
        return Err(AppError::validation(
            "email",
            format!("邮箱“{email}”格式不正确"),
        ));
    }
    let mut tx = db.begin().await?;
    let all = known(&mut tx).await?;
    let me = all
        .iter()
        .find(|(k, _)| k.id == e.id)
        .map(|(k, _)| k)
        .ok_or(AppError::NotFound)?;
    let parent_key = e.parent.trim().trim_matches('/');
    let parent_id = if me.level == 1 {
        if !parent_key.is_empty() {
            return Err(AppError::validation("parent", "州级联系点不应有上级"));
        }
        None
    } else {
        let candidates: Vec<&Known> = all
            .iter()
            .map(|(k, _)| k)
            .filter(|k| {
                k.level == me.level - 1
                    && if parent_key.contains('/') {
                        k.path == parent_key
                    } else {
                        k.name == parent_key
                    }
            })
            .collect();
        match candidates.as_slice() {
            [one] => Some(one.id),
            [] => {
                return Err(AppError::validation(
                    "parent",
                    format!(
                        "没有名为“{parent_key}”的{}级联系点",
                        super::level_label(me.level - 1)
                    ),
                ))
            }
            many => {
                return Err(AppError::validation(
                    "parent",
                    format!(
                        "有 {} 个名为“{parent_key}”的联系点，请写完整路径（如 {}）",
                        many.len(),
                        many[0].path
                    ),
                ))
            }
        }
    };
    let taken: Option<i64> = sqlx::query_scalar(
        "select id from station where coalesce(parent_id, 0) = $1 and name = $2 and id <> $3",
    )
    .bind(parent_id.unwrap_or(0))
    .bind(name)
    .bind(e.id)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(AppError::validation(
            "name",
            format!("上级联系点下已有名为“{name}”的联系点"),
        ));
    }
    sqlx::query(
        "update station set name = $1, parent_id = $2, region_code = $3, email = $4, active = $5, \
         updated_at = $6 where id = $7",
    )
    .bind(name)
    .bind(parent_id)
    .bind(e.region_code.trim())
    .bind(email)
    .bind(i64::from(e.active))
    .bind(now_ms())
    .bind(e.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
