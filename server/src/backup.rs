//! `yijian backup` and `yijian restore` for the embedded SQLite database.
//!
//! The backup is SQLite's `VACUUM INTO`: a consistent copy of the database as of one moment,
//! taken while servers keep running (WAL readers do not block writers), compacted, in one file
//! that opens as an ordinary SQLite database. PostgreSQL is backed up with its own tools
//! (`pg_dump`), which the message says.

use crate::cli::{BackupArgs, RestoreArgs};
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};

fn sqlite_path(url: &str) -> Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            anyhow!(
                "yijian backup copies the embedded SQLite database; for PostgreSQL use \
                 `pg_dump --format=custom` (see docs/deploy.md)"
            )
        })?;
    let path = rest.split('?').next().unwrap_or(rest);
    Ok(PathBuf::from(path))
}

fn sql_string(path: &Path) -> Result<String> {
    let s = path
        .to_str()
        .ok_or_else(|| anyhow!("the path {} is not UTF-8", path.display()))?;
    Ok(format!("'{}'", s.replace('\'', "''")))
}

/// Opens a database file read-only and checks it: `(comments, drafts, accounts)`.
async fn check(path: &Path) -> Result<(i64, i64, i64)> {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(path).read_only(true))
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    let integrity: String = sqlx::query_scalar("pragma integrity_check")
        .fetch_one(&pool)
        .await
        .with_context(|| format!("{} is not a readable SQLite database", path.display()))?;
    if integrity != "ok" {
        bail!(
            "{} fails SQLite's integrity check: {integrity}",
            path.display()
        );
    }
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!("select count(*) from {table}"))
                .fetch_one(&pool)
                .await
                .with_context(|| {
                    format!("{} is not a Yijian database (no {table})", path.display())
                })
        }
    };
    let counts = (
        count("comment").await?,
        count("draft").await?,
        count("account").await?,
    );
    pool.close().await;
    Ok(counts)
}

/// `yijian backup --to FILE`.
pub async fn backup(args: BackupArgs) -> Result<()> {
    let source = sqlite_path(&args.data.resolved_database_url())?;
    if !source.exists() {
        bail!("no database at {}", source.display());
    }
    if args.to.exists() {
        bail!(
            "{} exists already; choose a new file name",
            args.to.display()
        );
    }
    if let Some(dir) = args.to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Written beside the target and renamed: a file with the target's name is always whole.
    let partial = args.to.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let started = std::time::Instant::now();
    let db = app::ssr::db::connect(&args.data.resolved_database_url()).await?;
    sqlx::query(&format!("vacuum into {}", sql_string(&partial)?))
        .execute(&db.pool)
        .await
        .context("the backup failed")?;
    db.pool.close().await;
    let (comments, drafts, accounts) = check(&partial).await?;
    std::fs::rename(&partial, &args.to)
        .with_context(|| format!("cannot write {}", args.to.display()))?;
    let size = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written to {} ({:.1} MB in {:.1} s): {comments} comments, {drafts} drafts, \
         {accounts} accounts",
        args.to.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `yijian restore --from FILE`: puts a backup in place as the data directory's database.
pub async fn restore(args: RestoreArgs) -> Result<()> {
    let target = sqlite_path(&args.data.resolved_database_url())?;
    let (comments, drafts, accounts) = check(&args.from).await?;
    if target.exists() && !args.replace {
        bail!(
            "{} exists; stop the server and pass --replace to overwrite it",
            target.display()
        );
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = target.with_extension("restoring");
    std::fs::copy(&args.from, &partial)
        .with_context(|| format!("cannot copy to {}", partial.display()))?;
    // The old database's write-ahead log belongs to the old file, not to this one.
    for suffix in ["-wal", "-shm"] {
        let mut p = target.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::rename(&partial, &target)
        .with_context(|| format!("cannot write {}", target.display()))?;
    // The search index described the old database: the server rebuilds it at start.
    let search = args.data.data_dir.join("search");
    if search.exists() {
        std::fs::remove_dir_all(&search)
            .with_context(|| format!("cannot remove the old search index {}", search.display()))?;
    }
    // Bring the schema up to this version's migrations.
    let db = crate::run::open_database(&args.data).await?;
    db.pool.close().await;
    println!(
        "restored {} to {}: {comments} comments, {drafts} drafts, {accounts} accounts",
        args.from.display(),
        target.display()
    );
    Ok(())
}
