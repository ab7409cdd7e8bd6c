//! One database handle for both backends.
//!
//! The URL decides the backend at run time (`sqlite:` or `postgres:`), so one binary serves the
//! embedded default and the multi-server deployment. Queries go through sqlx's `Any` driver and
//! use only portable types: `bigint`/`integer` (i64), `text`, and timestamps as Unix milliseconds.
//! Placeholders are `$1, $2, …`, which both PostgreSQL and SQLite understand.

use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use sqlx::{AnyConnection, AnyPool};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

impl Db {
    /// A transaction that writes. On SQLite it takes the write lock at `BEGIN IMMEDIATE`: a
    /// deferred transaction that read first fails at once ("database is locked", no waiting)
    /// when its first write finds another writer, whereas this one waits its turn
    /// (`busy_timeout`) like a single statement does.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

/// Why the database could not be opened. Each message is one line an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL {0:?}: it must start with sqlite: or postgres://")]
    UnsupportedUrl(String),
    #[error("cannot connect to the {backend} database at {url}: {source}")]
    Connect {
        backend: &'static str,
        url: String,
        source: sqlx::Error,
    },
    #[error("database migration failed on {backend}: {source}")]
    Migrate {
        backend: &'static str,
        source: sqlx::migrate::MigrateError,
    },
    #[error("widening the account roles failed on sqlite: {0}")]
    WidenRoles(sqlx::Error),
}

/// Removes the password from a URL so it can be logged.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// SQLite settings applied to every pooled connection.
///
/// `synchronous=FULL`: in WAL mode NORMAL may lose the last commits on power loss, and a citizen's
/// receipt promises the comment is on disk. `busy_timeout` lets writers queue instead of failing.
///
/// `journal_size_limit`: after a checkpoint the write-ahead log is cut back to 16 MB instead of
/// keeping the size of its busiest moment (it grew to 71 MB beside a 4 MB database).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
     PRAGMA journal_size_limit = 16777216;";

pub async fn connect(url: &str) -> Result<Db, OpenError> {
    let backend = Backend::from_url(url).ok_or_else(|| OpenError::UnsupportedUrl(url.into()))?;
    sqlx::any::install_default_drivers();
    let url_to_open = match backend {
        // Create the file on first use; an explicit `mode=` in the URL wins.
        Backend::Sqlite if !url.contains("mode=") => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        }
        _ => url.to_string(),
    };
    let options = AnyPoolOptions::new()
        .max_connections(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn: &mut AnyConnection, _meta| {
            Box::pin(async move {
                match backend {
                    Backend::Sqlite => {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Backend::Postgres => {
                        conn.execute("SET synchronous_commit = on").await?;
                        // A lock held elsewhere is waited for as long as SQLite's busy timeout,
                        // then the request gets 503 (`AppError::Unavailable`), not a hang.
                        conn.execute("SET lock_timeout = '10s'").await?;
                    }
                }
                Ok(())
            })
        });
    let pool = options
        .connect(&url_to_open)
        .await
        .map_err(|source| OpenError::Connect {
            backend: backend.name(),
            url: redact_url(url),
            source,
        })?;
    Ok(Db { pool, backend })
}

/// Applies the migrations of the chosen backend. Runs at every start-up; fails loudly.
pub async fn migrate(db: &Db) -> Result<(), OpenError> {
    let result = match db.backend {
        Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&db.pool).await,
        Backend::Postgres => sqlx::migrate!("../migrations/postgres").run(&db.pool).await,
    };
    result.map_err(|source| OpenError::Migrate {
        backend: db.backend.name(),
        source,
    })?;
    if db.backend == Backend::Sqlite {
        widen_account_roles(db)
            .await
            .map_err(OpenError::WidenRoles)?;
    }
    Ok(())
}

const OLD_ROLES: &str = "check (role in ('admin', 'committee', 'station', 'citizen'))";
const NEW_ROLES: &str =
    "check (role in ('admin', 'committee', 'office', 'station', 'deputy', 'unit', 'citizen'))";
const OLD_STATION: &str = "check ((role = 'station') = (station_id is not null))";
/// A station operator acts for a station; a deputy is grouped into one (编组入家).
const NEW_STATION: &str = "check ((role in ('station', 'deputy')) = (station_id is not null))";

/// Lets `account` hold the roles of the closed loop (office, deputy, unit) on SQLite, once.
///
/// PostgreSQL swaps the constraints in migration 20261201100000. SQLite cannot alter a CHECK
/// constraint, and sqlx runs each SQLite migration inside a transaction, where foreign keys
/// cannot be switched off — and with them on, dropping `account` would delete every session
/// (cascade) and fail on every other reference. So this follows SQLite's documented rebuild
/// ("Making Other Kinds Of Table Schema Changes") on one connection: foreign keys off, then in
/// one transaction a copy of the table made from its own stored definition (so columns added by
/// later migrations come along), the rows, the indexes, and a foreign-key check before the
/// commit. A database already widened is left alone.
async fn widen_account_roles(db: &Db) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut conn = db.pool.acquire().await?;
    let sql: Option<String> = sqlx::query_scalar(
        "select sql from sqlite_master where type = 'table' and name = 'account'",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(sql) = sql.filter(|s| s.contains(OLD_ROLES)) else {
        return Ok(());
    };
    // SQLite stores the statement as written, but with `CREATE TABLE` upper-cased: the new
    // table's statement is the old one's from its column list on.
    let Some(columns) = sql.find('(').map(|i| &sql[i..]) else {
        return Ok(());
    };
    let create = format!("create table account_widened {columns}")
        .replace(OLD_ROLES, NEW_ROLES)
        .replace(OLD_STATION, NEW_STATION);
    let indexes: Vec<String> = sqlx::query_scalar(
        "select sql from sqlite_master where type = 'index' and tbl_name = 'account' \
         and sql is not null",
    )
    .fetch_all(&mut *conn)
    .await?;
    conn.execute("PRAGMA foreign_keys = OFF").await?;
    let rebuilt = async {
        let mut tx = conn.begin().await?;
        tx.execute(create.as_str()).await?;
        tx.execute("insert into account_widened select * from account")
            .await?;
        tx.execute("drop table account").await?;
        tx.execute("alter table account_widened rename to account")
            .await?;
        for index in &indexes {
            tx.execute(index.as_str()).await?;
        }
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *tx)
            .await?;
        if !broken.is_empty() {
            return Err(sqlx::Error::Protocol(format!(
                "{} rows would break a foreign key after rebuilding account",
                broken.len()
            )));
        }
        tx.commit().await
    }
    .await;
    // Back on for whoever gets this pooled connection next, whatever happened.
    conn.execute("PRAGMA foreign_keys = ON").await?;
    rebuilt
}

/// The newest applied migration, as shown by `/healthz`.
pub async fn migration_version(db: &Db) -> Result<i64, sqlx::Error> {
    let v: Option<i64> =
        sqlx::query_scalar("select max(version) from _sqlx_migrations where success = $1")
            .bind(true)
            .fetch_one(&db.pool)
            .await?;
    Ok(v.unwrap_or(0))
}

/// Wall-clock time as Unix milliseconds, the portable timestamp stored in every table.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
