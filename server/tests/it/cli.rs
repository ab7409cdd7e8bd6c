//! The `yijian` binary as an operator uses it.

use crate::support::*;
use std::process::Command;

fn yijian() -> Command {
    Command::new(crate::support::yijian_bin())
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
    let cases: [(&str, Vec<u8>, &str); 7] = [
        ("empty.md", b"  \n".to_vec(), "empty"),
        (
            "image.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(),
            "image files are not drafts",
        ),
        (
            "data.bin",
            b"\x00\x01\x02\x03binary\x00\x00\x05\x06".to_vec(),
            "binary",
        ),
        (
            "book.xlsx",
            app::sheet::write_xlsx(&[app::sheet::Sheet {
                name: "x".into(),
                columns: vec![("a".into(), 5.0)],
                rows: vec![],
            }])
            .unwrap(),
            "Excel files are not drafts",
        ),
        ("huge.txt", vec![b'a'; 20 * 1024 * 1024], "limited to"),
        (
            "latin1.txt",
            b"caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade".to_vec(),
            "neither UTF-8, UTF-16, GB18030/GBK nor Big5",
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

/// Word and PDF files through the command line: the format told by content, Word's automatic
/// numbering read, the converted text printed with `--text`, a scan refused with one line.
#[test]
fn draft_parse_reads_word_and_pdf_files() {
    let dir = temp_dir("draft-files");
    let text = std::fs::read(fixture("023-local-xj-changji-urban-heating-regs.md")).unwrap();
    let tree = app::draft::parse::parse_bytes(&text).unwrap().tree;
    let docx = app::docx::draft_docx(&tree, app::docx::Labels::Automatic)
        .to_bytes()
        .unwrap();
    // Named .txt: the content decides.
    let path = dir.join("heating.txt");
    std::fs::write(&path, &docx).unwrap();
    let out = yijian()
        .args(["draft", "parse", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "docx");
    assert_eq!(v["counts"]["tiao"], 46);
    assert_eq!(v["counts"]["zhang"], 6);
    assert_eq!(v["title"], "昌吉回族自治州城镇供热条例");
    let out = yijian()
        .args(["draft", "parse", "--text"])
        .arg(&path)
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("\n第一条 为保障城镇冬季用热供给"),
        "{printed}"
    );
    assert!(printed.contains("\n第二章 规划与建设\n"), "{printed}");

    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipping the PDF part: pdftotext (poppler-utils) is not installed");
        return;
    }
    let scan = dir.join("scan.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n").unwrap();
    let out = yijian()
        .args(["draft", "parse"])
        .arg(&scan)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("the PDF has no text layer"), "{err}");
}

/// `yijian station export` → edit → `yijian station import`, on the backend under test; bad
/// lists are refused whole, with every problem and its line.
#[tokio::test]
async fn station_lists_export_and_import_all_or_nothing() {
    let (url, _dir) = fresh_database_url().await;
    let db = app::ssr::db::connect(&url).await.unwrap();
    app::ssr::db::migrate(&db).await.unwrap();
    server::demo::seed_stations(&db).await.unwrap();
    let work = temp_dir("stations");
    let run = |args: &[&str]| {
        let out = yijian()
            .args(args)
            .args(["--database-url", &url, "--data-dir", work.to_str().unwrap()])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let export = work.join("stations.csv");
    let (ok, _, err) = run(&["station", "export", "--output", export.to_str().unwrap()]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&export).unwrap();
    assert_eq!(text.lines().count(), 438, "header + 437 stations");
    assert!(text.contains("昌吉回族自治州/昌吉市,"), "parents as paths");
    // The export imports again unchanged.
    let (ok, out, err) = run(&["station", "import", export.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("created 0, updated 0, unchanged 437"), "{out}");
    // A new village and a changed e-mail; checked first with --dry-run (nothing written).
    let edited = work.join("edited.csv");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let county = lines
        .iter()
        .position(|l| l.starts_with("昌吉市,2,"))
        .unwrap();
    lines[county] = lines[county].replacen("station-", "new-station-", 1);
    let township = lines
        .iter()
        .find(|l| l.split(',').nth(1) == Some("3"))
        .unwrap()
        .clone();
    let township_path = format!(
        "{}/{}",
        township.split(',').nth(2).unwrap(),
        township.split(',').next().unwrap()
    );
    lines.push(format!("测试新村,4,{township_path},652301999,,1"));
    std::fs::write(&edited, lines.join("\n")).unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from station")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    let (ok, out, err) = run(&["station", "import", "--dry-run", edited.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("would create 1, update 1"), "{out}");
    assert_eq!(count().await, 437);
    let (ok, out, err) = run(&["station", "import", edited.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("created 1, updated 1"), "{out}");
    assert_eq!(count().await, 438);
    // Bad lists: an unknown parent, a wrong level, a duplicate name in one parent, a cycle —
    // each reported with its line, and nothing imported even though other rows are fine.
    let bad = work.join("bad.csv");
    std::fs::write(
        &bad,
        "name,level,parent\n\
         好村,4,不存在的镇\n\
         错层村,4,昌吉回族自治州\n\
         重名村,4,测试新村\n\
         另一个新镇,3,昌吉回族自治州/昌吉市\n\
         甲,3,乙\n乙,3,甲\n\
         双村,4,另一个新镇\n双村,4,另一个新镇\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["station", "import", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("第 9 行：“双村”在同一上级“另一个新镇”下重复"),
        "{err}"
    );
    assert!(
        err.contains("上级关系成环：甲 → 乙 → 甲") || err.contains("上级关系成环：乙 → 甲 → 乙"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    // Without the file-level problems, the database checks speak: unknown parent, wrong level.
    std::fs::write(
        &bad,
        "name,level,parent\n好村,4,不存在的镇\n错层村,4,昌吉回族自治州\n另一个新镇,3,昌吉回族自治州/昌吉市\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["station", "import", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("第 2 行：上级联系点“不存在的镇”不存在"),
        "{err}"
    );
    assert!(err.contains("第 3 行：层级不符"), "{err}");
    assert_eq!(count().await, 438, "the valid row was not imported either");
    // The workbook export imports back with nothing to change.
    let (ok, _, err) = run(&["station", "export", "--format", "xlsx"]);
    assert!(!ok && err.contains("--output"), "{err}");
    let book = work.join("stations.xlsx");
    let (ok, _, err) = run(&[
        "station",
        "export",
        "--format",
        "xlsx",
        "--output",
        book.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(std::fs::read(&book).unwrap().starts_with(b"PK"));
    let (ok, out, err) = run(&["station", "import", "--dry-run", book.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        out.contains("would create 0, update 0, leave 438 unchanged"),
        "{out}"
    );
    let (ok, _, err) = run(&["station", "export", "--format", "pdf"]);
    assert!(!ok && err.contains("use csv or xlsx"), "{err}");
}

/// The same import from the admin page (a plain multipart form) and the CSV download.
#[tokio::test]
async fn admins_import_and_export_stations_in_the_browser() {
    let app = TestApp::new().await;
    server::demo::seed_stations(&app.db).await.unwrap();
    let admin = app.login(app::auth::Role::Admin).await;
    let csv = app.get("/admin/stations.csv", Some(&admin)).await;
    assert_eq!(csv.status, http::StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.body.lines().count(), 438);
    let count = || async { app.count("select count(*) from station").await };
    // A bad file: every problem listed, nothing stored.
    let bad = "name,level,parent\n新村甲,4,不存在的镇\n新镇乙,3,昌吉回族自治州/昌吉市\n新镇乙,3,昌吉回族自治州/昌吉市\n";
    let res = app
        .post_multipart(
            "/api/stations/upload",
            &[],
            Some(("s.csv", bad.as_bytes())),
            Some(&admin),
            false,
        )
        .await;
    assert_eq!(
        res.status,
        http::StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.body
    );
    assert!(
        res.body.contains("未导入任何数据") && res.body.contains("第 4 行"),
        "{}",
        res.body
    );
    assert_eq!(count().await, 437);
    // A good one: checked, then imported; the page shows the result and the new station.
    let good = "名称,层级,上级,邮箱\n新镇乙,3,昌吉回族自治州/昌吉市,xinzhen@example.cn\n新村甲,4,昌吉回族自治州/昌吉市/新镇乙,\n";
    let res = app
        .post_multipart(
            "/api/stations/upload",
            &[("dry_run", "1")],
            Some(("s.csv", good.as_bytes())),
            Some(&admin),
            true,
        )
        .await;
    assert!(res.status.is_redirection(), "{}", res.status);
    assert!(res
        .header("location")
        .unwrap()
        .contains("checked=1&created=2"));
    assert_eq!(count().await, 437);
    let res = app
        .post_multipart(
            "/api/stations/upload",
            &[],
            Some(("s.csv", good.as_bytes())),
            Some(&admin),
            true,
        )
        .await;
    let location = res.header("location").unwrap().to_string();
    assert!(location.contains("created=2&updated=0"), "{location}");
    assert_eq!(count().await, 439);
    let page = app.get(&location, Some(&admin)).await;
    assert!(
        page.body.contains("已导入：新建 2 个") && page.body.contains("新村甲"),
        "{}",
        page.body.len()
    );
}

/// `yijian cluster`: the workbench's clustering for a JSON-lines file, per article when given.
#[test]
fn cluster_groups_a_file_and_names_bad_lines() {
    let dir = temp_dir("cluster");
    let file = dir.join("opinions.jsonl");
    let campaign =
        "坚决反对提高热费，热费已经很高了，普通家庭负担不起，请委员会慎重考虑群众的承受能力。";
    let mut lines = Vec::new();
    for i in 0..4 {
        lines.push(serde_json::json!({ "id": format!("c{i}"), "text": format!("{campaign}{}", "！".repeat(i)), "article": 12 }));
    }
    for (i, t) in [
        "供热温度太低，家里只有十六度，要求提高供热温度标准。",
        "室内供热温度达不到十八度，希望提高供热温度。",
        "冬季供热温度不达标，老人冻得不行，供热温度应当提高。",
    ]
    .iter()
    .enumerate()
    {
        lines.push(serde_json::json!({ "id": 100 + i, "text": t, "article": 12 }));
    }
    lines.push(serde_json::json!({ "id": "other", "text": "供热温度太低，要求提高供热温度标准。", "article": "13" }));
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&file, text.join("\n")).unwrap();
    let out = yijian()
        .args(["cluster", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["opinions"], 8);
    assert_eq!(
        v["campaigns"][0]["ids"],
        serde_json::json!(["c0", "c1", "c2", "c3"])
    );
    assert_eq!(v["campaigns"][0]["article"], "12");
    let clusters = v["clusters"].as_array().unwrap();
    let of = |id: serde_json::Value| {
        clusters
            .iter()
            .position(|c| c["ids"].as_array().unwrap().contains(&id))
    };
    assert!(of(serde_json::json!(100)).is_some());
    assert_eq!(of(serde_json::json!(100)), of(serde_json::json!(101)));
    assert_eq!(of(serde_json::json!(101)), of(serde_json::json!(102)));
    // Opinions on another article are never put with these: alone on its article, it is in
    // no group (an entry of its own, marked other), and unlike any other.
    let alone = &clusters[of(serde_json::json!("other")).unwrap()];
    assert_eq!(alone["ids"], serde_json::json!(["other"]));
    assert_eq!(
        (alone["other"].as_bool(), alone["unique"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(v["others"], serde_json::json!(["other"]));
    assert_eq!(v["unique"], serde_json::json!(["other"]));
    let all: usize = clusters
        .iter()
        .map(|c| c["ids"].as_array().unwrap().len())
        .sum();
    assert_eq!(all, 8, "every opinion once");
    assert!(clusters
        .iter()
        .all(|c| c["ids"].as_array().unwrap().contains(&c["representative"])));
    // Each group is labelled with a clause of its opinions.
    let heat = &clusters[of(serde_json::json!(100)).unwrap()];
    let label = heat["label"].as_str().unwrap();
    assert!(
        label.contains("供热温度") && label.chars().count() <= 24,
        "{label}"
    );
    // A bad line stops it with its number.
    std::fs::write(&file, format!("{}\n{{\"id\": 1}}\n", text[0])).unwrap();
    let out = yijian()
        .args(["cluster", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && err.contains("\"text\""), "{err}");
    let out = yijian()
        .args(["cluster", file.to_str().unwrap(), "--merge", "2"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--merge must be between 0 and 1"));
}

#[tokio::test]
async fn backup_and_restore_bring_the_data_into_a_fresh_data_directory() {
    let dir = temp_dir("backup");
    let live = dir.join("live");
    let copy = dir.join("backups").join("yijian-1.db");
    let fresh = dir.join("fresh");
    let data = |d: &std::path::Path| d.to_str().unwrap().to_string();
    let out = yijian()
        .args(["user", "add", "--data-dir", &data(&live), "--role", "admin"])
        .args(["--name", "keeper", "--password", "a-long-password"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = yijian()
        .args(["backup", "--data-dir", &data(&live), "--to", &data(&copy)])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 accounts"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Never over an existing file.
    let again = yijian()
        .args(["backup", "--data-dir", &data(&live), "--to", &data(&copy)])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!again.status.success());

    // A change after the backup is not in it.
    let out = yijian()
        .args(["user", "add", "--data-dir", &data(&live), "--role", "admin"])
        .args(["--name", "later", "--password", "a-long-password"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success());

    let out = yijian()
        .args([
            "restore",
            "--data-dir",
            &data(&fresh),
            "--from",
            &data(&copy),
        ])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = app::ssr::db::connect(&format!("sqlite://{}", fresh.join("yijian.db").display()))
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar("select name from account order by name")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(names, vec!["keeper".to_string()]);
    db.pool.close().await;
    // The restored directory is a working one: the account is there for the CLI too.
    let out = yijian()
        .args([
            "user",
            "add",
            "--data-dir",
            &data(&fresh),
            "--role",
            "admin",
        ])
        .args(["--name", "keeper", "--password", "a-long-password"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("已被使用"));

    // An existing database is replaced only when asked to.
    let out = yijian()
        .args([
            "restore",
            "--data-dir",
            &data(&fresh),
            "--from",
            &data(&copy),
        ])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = yijian()
        .args([
            "restore",
            "--data-dir",
            &data(&fresh),
            "--from",
            &data(&copy),
            "--replace",
        ])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A file that is not a backup is refused before anything is touched.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let out = yijian()
        .args([
            "restore",
            "--data-dir",
            &data(&fresh),
            "--from",
            &data(&junk),
            "--replace",
        ])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());

    // PostgreSQL is backed up with pg_dump.
    let out = yijian()
        .args([
            "backup",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/x",
            "--to",
        ])
        .arg(dir.join("pg.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}
