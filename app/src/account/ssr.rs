//! Account storage.

use super::{validate_new_account, AccountSummary, NewAccount};
use crate::auth::Role;
use crate::error::AppError;
use crate::ssr::{now_ms, Db};

/// Finds a station by id or by exact name. A name used by several stations is ambiguous and
/// must be given as an id.
pub async fn resolve_station(db: &Db, key: &str) -> Result<i64, AppError> {
    let key = key.trim();
    if let Ok(id) = key.parse::<i64>() {
        let found: Option<i64> = sqlx::query_scalar("select id from station where id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
        return found.ok_or_else(|| AppError::validation("station", format!("联系点 {id} 不存在")));
    }
    let ids: Vec<i64> = sqlx::query_scalar("select id from station where name = $1")
        .bind(key)
        .fetch_all(&db.pool)
        .await?;
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(AppError::validation(
            "station",
            format!("联系点“{key}”不存在"),
        )),
        _ => Err(AppError::validation(
            "station",
            format!("有多个名为“{key}”的联系点，请改用编号"),
        )),
    }
}

pub async fn create_account(db: &Db, a: &NewAccount) -> Result<i64, AppError> {
    validate_new_account(a)?;
    if let Some(problem) = weak_password(&a.password, &[&a.name, &a.display_name]) {
        return Err(AppError::validation("password", problem));
    }
    let station_id = match (&a.role, &a.station) {
        (Role::Station | Role::Deputy, Some(key)) => Some(resolve_station(db, key).await?),
        _ => None,
    };
    let taken: Option<i64> =
        sqlx::query_scalar("select id from account where lower(name) = lower($1)")
            .bind(&a.name)
            .fetch_optional(&db.pool)
            .await?;
    if taken.is_some() {
        return Err(AppError::Conflict(format!("登录名“{}”已被使用", a.name)));
    }
    let hash = crate::auth::ssr::hash_password(&a.password).await?;
    let mut conn = db.pool.acquire().await?;
    insert_account(&mut conn, a, station_id, &hash, false).await
}

/// Inserts an account whose fields were checked, on the caller's connection or transaction.
/// `must_change`: the password was made by someone else and must be changed at first login.
pub async fn insert_account(
    conn: &mut sqlx::AnyConnection,
    a: &NewAccount,
    station_id: Option<i64>,
    password_hash: &str,
    must_change: bool,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "insert into account (name, display_name, role, station_id, password_hash, active, \
         must_change_password, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, 1, $6, $7, $7) returning id",
    )
    .bind(&a.name)
    .bind(&a.display_name)
    .bind(a.role.as_str())
    .bind(station_id)
    .bind(password_hash)
    .bind(i64::from(must_change))
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match e {
        // Two admins creating the same name at once: the unique index decides.
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::Conflict(format!("登录名“{}”已被使用", a.name))
        }
        e => e.into(),
    })
}

pub async fn list_accounts(db: &Db) -> Result<Vec<AccountSummary>, AppError> {
    let rows: Vec<(i64, String, String, String, Option<String>, i64)> = sqlx::query_as(
        "select a.id, a.name, a.display_name, a.role, s.name, a.active from account a \
         left join station s on s.id = a.station_id order by a.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, display_name, role, station_name, active)| {
            Some(AccountSummary {
                id,
                name,
                display_name,
                role: Role::parse(&role)?,
                station_name,
                active: active == 1,
            })
        })
        .collect())
}

pub async fn set_active(db: &Db, id: i64, active: bool) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query("update account set active = $1, updated_at = $2 where id = $3")
        .bind(i64::from(active))
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(AppError::NotFound);
    }
    if !active {
        // A deactivated account is logged out everywhere at once.
        sqlx::query("delete from session where account_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Refuses a password a guesser would find quickly: too short, too long, or weak by zxcvbn's
/// estimate (common passwords, keyboard walks, dates, repeats, the account's own name) — a
/// well-kept estimator rather than a list of our own.
pub fn weak_password(password: &str, user_inputs: &[&str]) -> Option<String> {
    if let Some(problem) = super::password_problem(password) {
        return Some(problem);
    }
    let inputs: Vec<&str> = user_inputs
        .iter()
        .copied()
        .filter(|s| !s.is_empty())
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    (estimate.score() < zxcvbn::Score::Three).then(|| {
        "密码太容易被猜到（常见密码、键盘顺序、重复字符、日期或与登录名相近），请换一个更长、更不规则的密码，例如几个不相关的词加数字".into()
    })
}

/// Changes an account's own password (the current one must be given) and ends every other
/// session of the account: whoever knew the old password is logged out everywhere else.
/// `keep_session`: the session-token hash the change was made from, which stays.
pub async fn change_password(
    db: &Db,
    account_id: i64,
    current: &str,
    new_password: &str,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let hash: String = sqlx::query_scalar("select password_hash from account where id = $1")
        .bind(account_id)
        .fetch_one(&db.pool)
        .await?;
    if !crate::auth::ssr::verify_password(current, &hash).await? {
        return Err(AppError::validation("current", "当前密码不正确"));
    }
    let (name, display_name): (String, String) =
        sqlx::query_as("select name, display_name from account where id = $1")
            .bind(account_id)
            .fetch_one(&db.pool)
            .await?;
    if let Some(problem) = weak_password(new_password, &[&name, &display_name]) {
        return Err(AppError::validation("new_password", problem));
    }
    let new_hash = crate::auth::ssr::hash_password(new_password).await?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "update account set password_hash = $1, updated_at = $2, must_change_password = 0 \
         where id = $3",
    )
    .bind(new_hash)
    .bind(now_ms())
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from session where account_id = $1 and id <> $2")
        .bind(account_id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator's reset: a temporary password (as strong as any), every session of the
/// account ended, and the password to be changed at the next login.
pub async fn reset_password(db: &Db, account_id: i64, password: &str) -> Result<(), AppError> {
    let names: Option<(String, String)> =
        sqlx::query_as("select name, display_name from account where id = $1")
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((name, display_name)) = names else {
        return Err(AppError::NotFound);
    };
    if let Some(problem) = weak_password(password, &[&name, &display_name]) {
        return Err(AppError::validation("password", problem));
    }
    let hash = crate::auth::ssr::hash_password(password).await?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "update account set password_hash = $1, updated_at = $2, must_change_password = 1 \
         where id = $3",
    )
    .bind(hash)
    .bind(now_ms())
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from session where account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the account unless one with that name exists; returns whether it was created.
/// Used by the idempotent demo seed.
pub async fn ensure_account(db: &Db, a: &NewAccount) -> Result<bool, AppError> {
    let exists: Option<i64> =
        sqlx::query_scalar("select id from account where lower(name) = lower($1)")
            .bind(&a.name)
            .fetch_optional(&db.pool)
            .await?;
    if exists.is_some() {
        return Ok(false);
    }
    create_account(db, a).await?;
    Ok(true)
}
