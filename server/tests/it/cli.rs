//! The `yijian` binary as an operator uses it.

use crate::support::*;
use std::process::Command;

fn yijian() -> Command {
    Command::new(env!("CARGO_BIN_EXE_yijian"))
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["user", "add", "--help"],
    ] {
        let out = yijian().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
    let out = yijian().args(["serve", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--bind",
        "--database-url",
        "--data-dir",
        "--public-url",
        "--demo",
        "DATABASE_URL",
    ] {
        assert!(text.contains(flag), "serve --help documents {flag}");
    }
}

#[test]
fn bad_database_url_exits_non_zero_with_one_line() {
    let out = yijian()
        .args([
            "serve",
            "--database-url",
            "mysql://x/y",
            "--bind",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: unsupported database URL"), "{err}");
}

#[tokio::test]
async fn user_add_creates_the_first_admin_and_refuses_duplicates() {
    let (url, _) = fresh_database_url().await;
    let run = |args: &[&str]| {
        yijian()
            .args(["user", "add", "--database-url", &url])
            .args(args)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let out = run(&[
        "--role",
        "admin",
        "--name",
        "root",
        "--password",
        "a-long-password",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin account \"root\""));

    let out = run(&[
        "--role",
        "admin",
        "--name",
        "root",
        "--password",
        "a-long-password",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("已被使用"));

    let out = run(&[
        "--role",
        "station",
        "--name",
        "op",
        "--password",
        "a-long-password",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("必须指定所属联系点"));

    let out = run(&[
        "--role",
        "station",
        "--name",
        "op",
        "--station",
        "不存在的站",
        "--password",
        "a-long-password",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不存在"));

    // The new admin can log in through the web.
    let db = app::ssr::db::connect(&url).await.unwrap();
    let n: i64 =
        sqlx::query_scalar("select count(*) from account where name = 'root' and role = 'admin'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
}
