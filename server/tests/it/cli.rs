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

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../app/tests/fixtures/laws")
        .join(name)
}

#[test]
fn draft_parse_json_has_counts_warnings_and_tree() {
    let out = yijian()
        .args(["draft", "parse", "--json"])
        .arg(fixture(
            "b09-local-henan-professional-continuing-education-regs-2010.md",
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    for key in ["bian", "fenbian", "zhang", "jie", "tiao"] {
        assert!(v["counts"][key].is_u64(), "counts.{key}");
    }
    assert_eq!(v["counts"]["tiao"], 27);
    let warnings = v["warnings"].as_array().unwrap();
    assert!(warnings
        .iter()
        .any(|w| w["line"].is_u64() && w["message"].as_str().unwrap().contains("同一行")));
    let tree = v["tree"].as_array().unwrap();
    assert_eq!(tree.iter().filter(|n| n["kind"] == "tiao").count(), 27);
    assert_eq!(tree[0]["label"], "第一条");
}

#[test]
fn draft_parse_refuses_unusable_files_with_one_line() {
    let dir = std::env::temp_dir().join(format!("yijian-parse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("empty.md", b"  \n".to_vec(), "empty"),
        (
            "image.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(),
            "binary",
        ),
        ("huge.txt", vec![b'a'; 20 * 1024 * 1024], "limited to"),
        (
            "latin1.txt",
            b"caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade".to_vec(),
            "neither UTF-8 nor GB18030",
        ),
        (
            "prose.md",
            "这只是一段说明文字，没有任何条文。".as_bytes().to_vec(),
            "no article",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = yijian()
            .args(["draft", "parse"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name} must fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{name}: one line: {err}");
        assert!(err.contains(expected), "{name}: {err}");
    }
    let out = yijian()
        .args(["draft", "parse", "/no/such/file.md"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /no/such/file.md"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn draft_parse_warns_but_succeeds_on_duplicate_articles() {
    let dir = std::env::temp_dir().join(format!("yijian-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dup.md");
    std::fs::write(&path, "# 条例\n\n第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n\n第三条 <script>alert(1)</script>丁。\n").unwrap();
    let out = yijian()
        .args(["draft", "parse", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let w = &v["warnings"][0];
    assert_eq!(w["line"], 7);
    assert!(w["message"].as_str().unwrap().contains("重复"));
    std::fs::remove_dir_all(&dir).ok();
}
