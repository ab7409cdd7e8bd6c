//! Server side of authentication: password hashing, the session store, the login rate limit and
//! the authorisation guard.
//!
//! Sessions live in the database (table `session`), so every server sharing one PostgreSQL sees
//! the same logins. The cookie holds a random token; the table holds only its SHA-256, so a
//! leaked database dump cannot be replayed as cookies.

use super::{Role, SessionUser};
use crate::error::AppError;
use crate::ssr::{now_ms, Db, Settings};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use http::request::Parts;
use leptos::prelude::use_context;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "yj_session";

/// Who is making the current request. Inserted into the request by the server's session layer.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    #[default]
    Anonymous,
    /// A session cookie was sent but its session is gone or past its expiry.
    Expired,
    User(SessionUser),
}

impl Viewer {
    pub fn user(&self) -> Option<&SessionUser> {
        match self {
            Viewer::User(u) => Some(u),
            _ => None,
        }
    }
}

/// The viewer of the request being handled (anonymous when no session layer ran).
pub fn viewer() -> Viewer {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<Viewer>().cloned())
        .unwrap_or_default()
}

/// The one authorisation rule: the viewer must be logged in with one of `allowed` roles.
/// Used by every server function and every protected route.
pub fn authorize(viewer: &Viewer, allowed: &[Role]) -> Result<SessionUser, AppError> {
    match viewer {
        Viewer::Anonymous => Err(AppError::Unauthorized { expired: false }),
        Viewer::Expired => Err(AppError::Unauthorized { expired: true }),
        Viewer::User(u) if allowed.contains(&u.role) => Ok(u.clone()),
        Viewer::User(_) => Err(AppError::Forbidden),
    }
}

/// [`authorize`] for the current request.
pub fn require(allowed: &[Role]) -> Result<SessionUser, AppError> {
    authorize(&viewer(), allowed)
}

pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    // Argon2 is deliberately slow; keep it off the async worker threads.
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal
            })
    })
    .await?
}

pub async fn verify_password(password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| {
            tracing::error!(error = %e, "stored password hash is malformed");
            AppError::Internal
        })?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// A hash of a password nobody has, verified against when the account does not exist so that
/// a login for an unknown name takes as long as one for a known name.
async fn dummy_hash() -> &'static str {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            hash_password("yijian-no-such-account")
                .await
                .unwrap_or_default()
        })
        .await
}

/// The stored form of a session token (the cookie's value is never stored).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn create_session(db: &Db, account_id: i64, ttl_s: i64) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = now_ms();
    sqlx::query(
        "insert into session (id, account_id, created_at, expires_at) values ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(now)
    .bind(now + ttl_s * 1000)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

pub async fn delete_session(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("delete from session where id = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    name: String,
    display_name: String,
    role: String,
    station_id: Option<i64>,
    station_name: Option<String>,
    password_hash: String,
    active: i64,
    must_change_password: i64,
}

impl AccountRow {
    fn into_user(self) -> Result<SessionUser, AppError> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            tracing::error!(role = %self.role, account = self.id, "unknown role in database");
            AppError::Internal
        })?;
        Ok(SessionUser {
            id: self.id,
            name: self.name,
            display_name: self.display_name,
            role,
            station_id: self.station_id,
            station_name: self.station_name,
            must_change_password: self.must_change_password != 0,
        })
    }
}

enum AccountKey<'a> {
    Id(i64),
    Name(&'a str),
}

async fn find_account(db: &Db, key: AccountKey<'_>) -> Result<Option<AccountRow>, AppError> {
    let select = "select a.id, a.name, a.display_name, a.role, a.station_id, \
         s.name as station_name, a.password_hash, a.active, a.must_change_password \
         from account a left join station s on s.id = a.station_id";
    let row = match key {
        AccountKey::Id(id) => {
            sqlx::query_as::<_, AccountRow>(&format!("{select} where a.id = $1"))
                .bind(id)
                .fetch_optional(&db.pool)
                .await?
        }
        AccountKey::Name(name) => {
            sqlx::query_as::<_, AccountRow>(&format!("{select} where lower(a.name) = lower($1)"))
                .bind(name.trim())
                .fetch_optional(&db.pool)
                .await?
        }
    };
    Ok(row)
}

/// Resolves a session cookie to the viewer. Extends the session (sliding expiry) at most once
/// an hour, so most requests only read.
pub async fn load_viewer(db: &Db, token: Option<&str>, ttl_s: i64) -> Result<Viewer, AppError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(Viewer::Anonymous);
    };
    let id = token_hash(token);
    let now = now_ms();
    let row: Option<(i64, i64)> =
        sqlx::query_as("select account_id, expires_at from session where id = $1")
            .bind(&id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((account_id, expires_at)) = row else {
        return Ok(Viewer::Expired);
    };
    if expires_at <= now {
        sqlx::query("delete from session where id = $1")
            .bind(&id)
            .execute(&db.pool)
            .await?;
        return Ok(Viewer::Expired);
    }
    let account = find_account(db, AccountKey::Id(account_id)).await?;
    let Some(account) = account.filter(|a| a.active == 1) else {
        return Ok(Viewer::Expired);
    };
    let new_expiry = now + ttl_s * 1000;
    if new_expiry - expires_at > 3600 * 1000 {
        sqlx::query("update session set expires_at = $1 where id = $2")
            .bind(new_expiry)
            .bind(&id)
            .execute(&db.pool)
            .await?;
    }
    Ok(Viewer::User(account.into_user()?))
}

/// Counts one failure against `key` before the password is checked, atomically (an upsert
/// that returns the new count), so a hundred concurrent guesses cannot all pass a count taken
/// before any of them was recorded. Returns (failures in the window including this one, when
/// the window started).
async fn reserve(db: &Db, key: &str, now: i64, window_ms: i64) -> Result<(i64, i64), AppError> {
    let row: (i64, i64) = sqlx::query_as(
        "insert into login_throttle (key, window_start, failures) values ($1, $2, 1) \
         on conflict (key) do update set \
           failures = case when login_throttle.window_start <= $3 then 1 \
                      else login_throttle.failures + 1 end, \
           window_start = case when login_throttle.window_start <= $3 then $2 \
                          else login_throttle.window_start end \
         returning failures, window_start",
    )
    .bind(key)
    .bind(now)
    .bind(now - window_ms)
    .fetch_one(&db.pool)
    .await?;
    Ok(row)
}

/// The throttle keys of a login: the account as typed (any case) from this client, and the
/// client alone.
fn throttle_keys(name: &str, client: &str) -> (String, String) {
    (
        format!("a:{}|{client}", name.trim().to_lowercase()),
        format!("c:{client}"),
    )
}

/// Checks a login. The limits apply to the failing client, not to the account: five wrong
/// passwords for one account from one client (and thirty for any accounts from one client)
/// within the window lock out that client only, so nobody can lock the real owner — the admin
/// included — out of their account from elsewhere. Each attempt is reserved against both
/// limits before the password is verified; a success gives its reservations back. Unknown
/// names and wrong passwords give the same error. Every attempt is recorded for the audit.
pub async fn check_login(
    db: &Db,
    settings: &Settings,
    name: &str,
    password: &str,
    client: &str,
) -> Result<SessionUser, AppError> {
    let now = now_ms();
    let window = settings.login_window_s * 1000;
    let (account_key, client_key) = throttle_keys(name, client);
    let (by_account, account_since) = reserve(db, &account_key, now, window).await?;
    let (by_client, client_since) = reserve(db, &client_key, now, window).await?;
    let over_account = by_account > settings.login_max_per_account;
    let over_client = by_client > settings.login_max_per_ip;
    if over_account || over_client {
        let since = if over_account {
            account_since
        } else {
            client_since
        };
        tracing::warn!(%name, %client, by_account, by_client, "login rate limit hit");
        return Err(AppError::RateLimited {
            retry_after_s: ((since + window - now).max(1) as u64).div_ceil(1000),
        });
    }
    let account = find_account(db, AccountKey::Name(name)).await?;
    let ok = match &account {
        Some(a) => verify_password(password, &a.password_hash).await? && a.active == 1,
        None => {
            let _ = verify_password(password, dummy_hash().await).await;
            false
        }
    };
    sqlx::query("insert into login_attempt (name, ip, at, succeeded) values ($1, $2, $3, $4)")
        .bind(name)
        .bind(client)
        .bind(now)
        .bind(i64::from(ok))
        .execute(&db.pool)
        .await?;
    if ok {
        // A success is not a failure: its reservations are given back, and the account's
        // earlier failures from this client are forgotten.
        sqlx::query("delete from login_throttle where key = $1")
            .bind(&account_key)
            .execute(&db.pool)
            .await?;
        sqlx::query(
            "update login_throttle set failures = failures - 1 where key = $1 and failures > 0",
        )
        .bind(&client_key)
        .execute(&db.pool)
        .await?;
    }
    match account {
        Some(a) if ok => a.into_user(),
        _ => Err(AppError::BadCredentials),
    }
}

/// Lifts every login limit on account `name` (any client), for an owner locked out of their own
/// client: `yijian user unlock`. Returns how many limits were lifted.
pub async fn unlock(db: &Db, name: &str) -> Result<u64, AppError> {
    let prefix = format!("a:{}|", name.trim().to_lowercase());
    let keys: Vec<String> = sqlx::query_scalar("select key from login_throttle where key like $1")
        .bind(format!("{prefix}%"))
        .fetch_all(&db.pool)
        .await?;
    let mut lifted = 0;
    for key in keys {
        // The clients that failed on this account are let in again too (their own limit
        // would otherwise keep the owner's computer out).
        let client = format!("c:{}", key.trim_start_matches(&prefix));
        for k in [key, client] {
            lifted += sqlx::query("delete from login_throttle where key = $1")
                .bind(k)
                .execute(&db.pool)
                .await?
                .rows_affected();
        }
    }
    Ok(lifted)
}

pub fn session_cookie(token: &str, settings: &Settings) -> String {
    let secure = if settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        settings.session_ttl_s
    )
}

pub fn expired_cookie(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// The flash cookie carries a message percent-encoded (cookies are ASCII).
pub fn encode_flash(message: &str) -> String {
    url::form_urlencoded::byte_serialize(message.as_bytes()).collect()
}

pub fn decode_flash(raw: &str) -> String {
    url::form_urlencoded::parse(format!("m={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Viewer {
        Viewer::User(SessionUser {
            id: 1,
            name: "u".into(),
            display_name: "U".into(),
            role,
            station_id: None,
            station_name: None,
            must_change_password: false,
        })
    }

    #[test]
    fn guard_distinguishes_anonymous_expired_and_forbidden() {
        assert_eq!(
            authorize(&Viewer::Anonymous, Role::ALL),
            Err(AppError::Unauthorized { expired: false })
        );
        assert_eq!(
            authorize(&Viewer::Expired, Role::ALL),
            Err(AppError::Unauthorized { expired: true })
        );
        assert_eq!(
            authorize(&user(Role::Citizen), &[Role::Admin]),
            Err(AppError::Forbidden)
        );
        assert!(authorize(&user(Role::Admin), &[Role::Admin]).is_ok());
    }

    #[test]
    fn flash_round_trips_chinese() {
        let m = "用户名或密码错误。";
        assert_eq!(decode_flash(&encode_flash(m)), m);
        assert!(encode_flash(m).is_ascii());
    }

    #[tokio::test]
    async fn password_hash_verifies() {
        let h = hash_password("correct horse").await.unwrap();
        assert!(verify_password("correct horse", &h).await.unwrap());
        assert!(!verify_password("wrong", &h).await.unwrap());
    }
}
