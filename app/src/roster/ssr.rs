//! Applying deputy and unit lists: in one transaction, every problem with its line, nothing
//! written unless the whole list applies. New accounts get a generated initial password that
//! must be changed at first login; the passwords are kept for the importing administrator to
//! print once (see the `roster_password` migration).

use super::parse::{initial_password, DeputyLine, UnitLine};
use super::{InitialPassword, RosterSummary};
use crate::account::NewAccount;
use crate::auth::Role;
use crate::error::AppError;
use crate::ssr::{now_ms, Db};
use crate::station::RowError;
use std::collections::HashMap;

/// How long generated passwords stay readable by the administrator who imported them.
const PASSWORDS_KEPT_MS: i64 = 24 * 3_600_000;

fn db_error(e: impl std::fmt::Display) -> Vec<RowError> {
    tracing::error!(error = %e, "roster import failed");
    vec![RowError {
        line: 0,
        message: "数据库错误，未导入任何数据".into(),
    }]
}

fn row_error(line: usize, message: String) -> RowError {
    RowError { line, message }
}

/// The existing account of each login name (lower-cased): id, role.
async fn accounts(
    conn: &mut sqlx::AnyConnection,
) -> Result<HashMap<String, (i64, String)>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("select id, lower(name), role from account")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, role)| (name, (id, role)))
        .collect())
}

/// Generated passwords and their hashes for the new logins (hashing is slow: done before the
/// transaction, several at once). A dry run hashes nothing.
async fn passwords_for(
    logins: Vec<String>,
    dry_run: bool,
) -> Result<HashMap<String, (String, String)>, Vec<RowError>> {
    let mut out = HashMap::new();
    if dry_run {
        return Ok(out);
    }
    let mut jobs = tokio::task::JoinSet::new();
    for login in logins {
        jobs.spawn(async move {
            let mut random = [0u8; 14];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
            let password = initial_password(&random);
            let hash = crate::auth::ssr::hash_password(&password).await;
            (login, password, hash)
        });
    }
    while let Some(done) = jobs.join_next().await {
        let (login, password, hash) = done.map_err(db_error)?;
        out.insert(login, (password, hash.map_err(db_error)?));
    }
    Ok(out)
}

/// Before an import's transaction: the existing accounts by login (lower-cased), and a
/// generated password with its hash for each of `logins` that has no account yet.
type Prepared = (
    HashMap<String, (i64, String)>,
    HashMap<String, (String, String)>,
);

async fn prepare<'a>(
    db: &Db,
    logins: impl Iterator<Item = &'a str>,
    dry_run: bool,
) -> Result<Prepared, Vec<RowError>> {
    let mut conn = db.pool.acquire().await.map_err(db_error)?;
    let known = accounts(&mut conn).await.map_err(db_error)?;
    drop(conn);
    let new_logins: Vec<String> = logins
        .map(str::to_lowercase)
        .filter(|l| !known.contains_key(l))
        .collect();
    let generated = passwords_for(new_logins, dry_run).await?;
    Ok((known, generated))
}

async fn keep_passwords(
    tx: &mut sqlx::AnyConnection,
    admin: i64,
    created: &[InitialPassword],
) -> Result<Option<String>, sqlx::Error> {
    let now = now_ms();
    sqlx::query("delete from roster_password where created_at < $1")
        .bind(now - PASSWORDS_KEPT_MS)
        .execute(&mut *tx)
        .await?;
    if created.is_empty() {
        return Ok(None);
    }
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let token = hex::encode(bytes);
    for p in created {
        sqlx::query(
            "insert into roster_password (token, admin_id, login, display_name, role, detail, \
             password, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&token)
        .bind(admin)
        .bind(&p.login)
        .bind(&p.display_name)
        .bind(&p.role)
        .bind(&p.detail)
        .bind(&p.password)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(Some(token))
}

/// Imports (or with `dry_run` only checks) a unit list: units are matched by name and created
/// or updated (kind, e-mail); operators are created with generated passwords, or left as they
/// are when the login already operates that unit. Never deletes anything.
pub async fn import_units(
    db: &Db,
    admin: i64,
    lines: &[UnitLine],
    dry_run: bool,
) -> Result<RosterSummary, Vec<RowError>> {
    let (known, mut generated) = prepare(
        db,
        lines
            .iter()
            .filter(|l| !l.operator_login.is_empty())
            .map(|l| l.operator_login.as_str()),
        dry_run,
    )
    .await?;

    let mut tx = db.begin().await.map_err(db_error)?;
    let units: Vec<(i64, String, String, String)> =
        sqlx::query_as("select id, name, kind, email from unit")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
    let mut unit_ids: HashMap<String, i64> = HashMap::new();
    let mut summary = RosterSummary::default();
    let mut errors = Vec::new();
    let mut created = Vec::new();
    let now = now_ms();
    for l in lines {
        let id = match unit_ids.get(&l.name) {
            Some(id) => *id,
            None => {
                let id = match units.iter().find(|u| u.1 == l.name) {
                    Some((id, _, kind, email)) if kind == l.kind && *email == l.email => {
                        summary.unchanged += 1;
                        *id
                    }
                    Some((id, ..)) => {
                        sqlx::query(
                            "update unit set kind = $1, email = $2, active = 1, updated_at = $3 \
                             where id = $4",
                        )
                        .bind(l.kind)
                        .bind(&l.email)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        summary.updated += 1;
                        *id
                    }
                    None => {
                        let id: i64 = sqlx::query_scalar(
                            "insert into unit (name, kind, email, active, created_at, updated_at) \
                             values ($1, $2, $3, 1, $4, $4) returning id",
                        )
                        .bind(&l.name)
                        .bind(l.kind)
                        .bind(&l.email)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        summary.created += 1;
                        id
                    }
                };
                unit_ids.insert(l.name.clone(), id);
                id
            }
        };
        if l.operator_login.is_empty() {
            continue;
        }
        let key = l.operator_login.to_lowercase();
        match known.get(&key) {
            Some((account, role)) if role == "unit" => {
                let of: Option<i64> =
                    sqlx::query_scalar("select unit_id from unit_operator where account_id = $1")
                        .bind(account)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                if of != Some(id) {
                    errors.push(row_error(
                        l.line,
                        format!(
                            "登录名“{}”已是另一承办单位的操作员；换单位请先停用原账户，或换一个登录名",
                            l.operator_login
                        ),
                    ));
                }
            }
            Some(_) => errors.push(row_error(
                l.line,
                format!(
                    "登录名“{}”已被其他账户（非承办单位操作员）使用",
                    l.operator_login
                ),
            )),
            None => {
                let (password, hash) = generated.remove(&key).unwrap_or_default();
                let account = NewAccount {
                    name: l.operator_login.clone(),
                    display_name: l.operator_name.clone(),
                    role: Role::Unit,
                    station: None,
                    password: password.clone(),
                };
                let account_id =
                    crate::account::ssr::insert_account(&mut tx, &account, None, &hash, true)
                        .await
                        .map_err(|e| vec![row_error(l.line, e.message())])?;
                sqlx::query("insert into unit_operator (account_id, unit_id) values ($1, $2)")
                    .bind(account_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                summary.accounts += 1;
                created.push(InitialPassword {
                    login: l.operator_login.clone(),
                    display_name: l.operator_name.clone(),
                    role: "承办单位操作员".into(),
                    detail: l.name.clone(),
                    password,
                });
            }
        }
    }
    finish(tx, admin, summary, errors, created, dry_run).await
}

async fn finish(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    admin: i64,
    mut summary: RosterSummary,
    mut errors: Vec<RowError>,
    created: Vec<InitialPassword>,
    dry_run: bool,
) -> Result<RosterSummary, Vec<RowError>> {
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        // Dropping the transaction rolls back what was written.
        return Err(errors);
    }
    if dry_run {
        return Ok(summary);
    }
    summary.passwords = keep_passwords(&mut tx, admin, &created)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(summary)
}

/// A station's county: its ancestor of level 2, or the prefecture itself (as `county_of`).
fn county_in(stations: &HashMap<i64, (i64, Option<i64>)>, mut id: i64) -> i64 {
    for _ in 0..8 {
        match stations.get(&id) {
            Some((1 | 2, _)) | Some((_, None)) | None => return id,
            Some((_, Some(parent))) => id = *parent,
        }
    }
    id
}

/// Imports (or with `dry_run` only checks) a deputy list: new logins become deputy accounts
/// grouped into their station with a generated password; an existing deputy's name, level and
/// station are updated. A login used by another kind of account is refused.
pub async fn import_deputies(
    db: &Db,
    admin: i64,
    lines: &[DeputyLine],
    dry_run: bool,
) -> Result<RosterSummary, Vec<RowError>> {
    let (known, mut generated) =
        prepare(db, lines.iter().map(|l| l.login.as_str()), dry_run).await?;

    let mut tx = db.begin().await.map_err(db_error)?;
    let tree: Vec<(i64, i64, Option<i64>)> =
        sqlx::query_as("select id, level, parent_id from station")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
    let tree: HashMap<i64, (i64, Option<i64>)> =
        tree.into_iter().map(|(id, l, p)| (id, (l, p))).collect();
    let paths = crate::station::ssr::paths(&mut tx)
        .await
        .map_err(db_error)?;
    let mut summary = RosterSummary::default();
    let mut errors = Vec::new();
    let mut created = Vec::new();
    let now = now_ms();
    for l in lines {
        let station = match resolve(&paths, &l.station) {
            Ok(s) => s,
            Err(m) => {
                errors.push(row_error(l.line, m));
                continue;
            }
        };
        let county = county_in(&tree, station);
        match known.get(&l.login.to_lowercase()) {
            Some((account, role)) if role == "deputy" => {
                let current: (String, Option<i64>, String) = sqlx::query_as(
                    "select a.display_name, a.station_id, d.level from account a \
                     join deputy d on d.account_id = a.id where a.id = $1",
                )
                .bind(account)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
                if current == (l.name.clone(), Some(station), l.level.clone()) {
                    summary.unchanged += 1;
                    continue;
                }
                sqlx::query(
                    "update account set display_name = $1, station_id = $2, updated_at = $3 \
                     where id = $4",
                )
                .bind(&l.name)
                .bind(station)
                .bind(now)
                .bind(account)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                sqlx::query("update deputy set level = $1, county_id = $2 where account_id = $3")
                    .bind(&l.level)
                    .bind(county)
                    .bind(account)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                summary.updated += 1;
            }
            Some(_) => errors.push(row_error(
                l.line,
                format!("登录名“{}”已被其他账户（非人大代表）使用", l.login),
            )),
            None => {
                let (password, hash) = generated
                    .remove(&l.login.to_lowercase())
                    .unwrap_or_default();
                let account = NewAccount {
                    name: l.login.clone(),
                    display_name: l.name.clone(),
                    role: Role::Deputy,
                    station: Some(station.to_string()),
                    password: password.clone(),
                };
                let id = crate::account::ssr::insert_account(
                    &mut tx,
                    &account,
                    Some(station),
                    &hash,
                    true,
                )
                .await
                .map_err(|e| vec![row_error(l.line, e.message())])?;
                sqlx::query(
                    "insert into deputy (account_id, level, county_id) values ($1, $2, $3)",
                )
                .bind(id)
                .bind(&l.level)
                .bind(county)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                summary.created += 1;
                summary.accounts += 1;
                created.push(InitialPassword {
                    login: l.login.clone(),
                    display_name: l.name.clone(),
                    role: format!("{}人大代表", l.level),
                    detail: paths
                        .iter()
                        .find(|(id, _, _)| *id == station)
                        .map(|(_, _, path)| path.clone())
                        .unwrap_or_default(),
                    password,
                });
            }
        }
    }
    finish(tx, admin, summary, errors, created, dry_run).await
}

/// A station by number, full path (州/县/乡) or unique name.
fn resolve(paths: &[(i64, String, String)], key: &str) -> Result<i64, String> {
    let key = key.trim();
    if let Ok(id) = key.parse::<i64>() {
        return paths
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(i, _, _)| *i)
            .ok_or_else(|| format!("代表之家编号 {id} 不存在"));
    }
    let found: Vec<&(i64, String, String)> = if key.contains('/') {
        paths.iter().filter(|(_, _, p)| p == key).collect()
    } else {
        paths.iter().filter(|(_, n, _)| n == key).collect()
    };
    match found.as_slice() {
        [(id, _, _)] => Ok(*id),
        [] => Err(format!(
            "代表之家“{key}”不存在（请核对名称，或先在“联系点”中导入）"
        )),
        [first, ..] => Err(format!(
            "有 {} 个名为“{key}”的代表之家，请写完整路径（如 {}）",
            found.len(),
            first.2
        )),
    }
}

/// The initial passwords of one import, for the administrator who made it (others get nothing,
/// as if the token did not exist).
pub async fn passwords(db: &Db, admin: i64, token: &str) -> Result<Vec<InitialPassword>, AppError> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "select login, display_name, role, detail, password from roster_password \
         where token = $1 and admin_id = $2 and created_at >= $3 order by detail, login",
    )
    .bind(token)
    .bind(admin)
    .bind(now_ms() - PASSWORDS_KEPT_MS)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(login, display_name, role, detail, password)| InitialPassword {
                login,
                display_name,
                role,
                detail,
                password,
            },
        )
        .collect())
}

/// Forgets one import's passwords (the administrator has handed them out).
pub async fn discard(db: &Db, admin: i64, token: &str) -> Result<(), AppError> {
    sqlx::query("delete from roster_password where token = $1 and admin_id = $2")
        .bind(token)
        .bind(admin)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The deputies as a list that imports back: login, name, level, station path.
pub async fn export_deputies(db: &Db) -> Result<Vec<Vec<String>>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let paths = crate::station::ssr::paths(&mut conn).await?;
    let rows: Vec<(String, String, String, Option<i64>)> = sqlx::query_as(
        "select a.name, a.display_name, d.level, a.station_id from deputy d \
         join account a on a.id = d.account_id where a.active = 1 order by a.station_id, a.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(login, name, level, station)| {
            let path = paths
                .iter()
                .find(|(id, _, _)| Some(*id) == station)
                .map(|(_, _, p)| p.clone())
                .unwrap_or_default();
            vec![login, name, level, path]
        })
        .collect())
}

/// A unit's name, kind and e-mail, and one operator's login and name (none for a unit without).
type UnitOperatorRow = (String, String, String, Option<String>, Option<String>);

/// The units and their operators as a list that imports back.
pub async fn export_units(db: &Db) -> Result<Vec<Vec<String>>, AppError> {
    let rows: Vec<UnitOperatorRow> = sqlx::query_as(
        "select u.name, u.kind, u.email, a.name, a.display_name from unit u \
         left join unit_operator o on o.unit_id = u.id \
         left join account a on a.id = o.account_id and a.active = 1 \
         where u.active = 1 order by u.name, a.name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, kind, email, login, display)| {
            vec![
                name,
                super::kind_label(&kind).to_string(),
                email,
                login.unwrap_or_default(),
                display.unwrap_or_default(),
            ]
        })
        .collect())
}
