//! Opening the database: settings, migrations, failures, and the demo seed.

use crate::support::*;
use app::ssr::{db, Backend};

#[tokio::test]
async fn sqlite_runs_in_wal_with_full_sync_and_foreign_keys() {
    if wants_postgres() {
        return;
    }
    let app = TestApp::new().await;
    let mode: String = sqlx::query_scalar("pragma journal_mode")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let sync: i64 = sqlx::query_scalar("pragma synchronous")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let fk: i64 = sqlx::query_scalar("pragma foreign_keys")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
}

#[tokio::test]
async fn postgres_commits_synchronously() {
    if !wants_postgres() {
        return;
    }
    let app = TestApp::new().await;
    let v: String = sqlx::query_scalar("show synchronous_commit")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(v, "on");
}

#[tokio::test]
async fn foreign_keys_and_role_rules_are_enforced_by_the_schema() {
    let app = TestApp::new().await;
    let bad_station = sqlx::query(
        "insert into account (name, display_name, role, station_id, password_hash, active, created_at, updated_at) \
         values ('x', 'x', 'station', 999999, 'h', 1, 0, 0)",
    )
    .execute(&app.db.pool)
    .await;
    assert!(bad_station.is_err(), "unknown station refused");
    let station_without_station = sqlx::query(
        "insert into account (name, display_name, role, password_hash, active, created_at, updated_at) \
         values ('y', 'y', 'station', 'h', 1, 0, 0)",
    )
    .execute(&app.db.pool)
    .await;
    assert!(
        station_without_station.is_err(),
        "station operator needs a station"
    );
}

#[tokio::test]
async fn unsupported_and_unreachable_databases_give_one_clear_line() {
    let e = db::connect("mysql://root@localhost/x")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unsupported database URL") && !e.contains('\n'),
        "{e}"
    );
    let e = db::connect("postgres://nobody:secret@127.0.0.1:1/none")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("cannot connect to the postgres database"),
        "{e}"
    );
    assert!(!e.contains("secret"), "password is redacted: {e}");
}

#[tokio::test]
async fn a_tampered_migration_history_fails_loudly() {
    let app = TestApp::new().await;
    sqlx::query("update _sqlx_migrations set checksum = $1")
        .bind(vec![0u8; 48])
        .execute(&app.db.pool)
        .await
        .unwrap();
    let db2 = db::connect(&app.url).await.unwrap();
    let e = db::migrate(&db2).await.unwrap_err().to_string();
    assert!(e.starts_with("database migration failed on"), "{e}");
}

#[tokio::test]
async fn demo_seed_is_idempotent() {
    let app = TestApp::new().await;
    let logins = server::demo::seed(&app.db).await.unwrap();
    // admin, committee, station, office, office2, citizen, deputy, unit.
    assert_eq!(logins.len(), 8);
    server::demo::seed(&app.db).await.unwrap();
    assert_eq!(app.count("select count(*) from station").await, 437);
    // The six of DEMO_ACCOUNTS, a deputy for every station and a unit operator.
    assert_eq!(app.count("select count(*) from account").await, 6 + 437 + 1);
    // The loop's five, and three more for 督办 and the month's report (server/src/demo_loop.rs).
    assert_eq!(app.count("select count(*) from suggestion").await, 8);
    let per_level: Vec<(i64, i64)> =
        sqlx::query_as("select level, count(*) from station group by level order by level")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(per_level, [(1, 1), (2, 7), (3, 63), (4, 366)]);
    // Every demo login works.
    for (name, password, _) in logins {
        app.login_as(&name, &password).await;
    }
    let expected = if wants_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    assert_eq!(app.db.backend, expected);
}
