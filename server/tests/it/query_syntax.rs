//! Case turn2/15: characters of the query syntax typed by people who never meant syntax, on the
//! committee's search, the public search and the export — and a very long query. The queries
//! are read from `../shared/cases/turn2/15-search-query-syntax/` (skipped with a message when
//! absent).

use crate::support::*;
use app::auth::Role;
use app::search::SearchResults;
use http::StatusCode;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SLUG: &str = "changji-urban-heating";
const PARSER_ERRORS: [&str; 3] = ["SyntaxError", "AllButQueryForbidden", "FieldDoesNotExist"];

fn case_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/cases/turn2/15-search-query-syntax");
    if dir.join("queries.txt").exists() {
        Some(dir)
    } else {
        eprintln!("skipping: case 15 not found at {}", dir.display());
        None
    }
}

fn url(q: &str) -> String {
    app::components::urlencode(q)
}

async fn total(app: &TestApp, endpoint: &str, q: &str, cookie: Option<&str>) -> i64 {
    let res = app.post_form(endpoint, &[("q", q)], cookie).await;
    assert_eq!(res.status, StatusCode::OK, "{endpoint} {q:?}: {}", res.body);
    let r: SearchResults = serde_json::from_str(&res.body).expect("results");
    r.total
}

#[tokio::test]
async fn case_15_query_syntax_typed_by_people_keeps_their_words() {
    let Some(dir) = case_dir() else { return };
    let queries = std::fs::read_to_string(dir.join("queries.txt")).unwrap();
    let long = std::fs::read_to_string(dir.join("long-query.txt")).unwrap();
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    // The index follows the database: wait until every comment of the demo is searchable.
    let stored = app.count("select count(*) from comment").await;
    let started = Instant::now();
    while total(&app, "/api/search/comments", "", Some(&committee)).await < stored {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the index caught up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let plain = total(&app, "/api/search/comments", "供热", Some(&committee)).await;
    assert!(plain > 0, "the demo's comments mention 供热");
    let public_plain = total(&app, "/api/search/public", "供热", None).await;

    for q in queries.lines().map(str::trim).filter(|q| !q.is_empty()) {
        for (path, cookie) in [
            (
                format!("/committee/search?q={}", url(q)),
                Some(committee.as_str()),
            ),
            (format!("/search?q={}", url(q)), None),
            (
                format!("/committee/export.csv?draft={SLUG}&q={}", url(q)),
                Some(committee.as_str()),
            ),
        ] {
            let res = app.get(&path, cookie).await;
            assert!(
                res.status == StatusCode::OK
                    || (path.contains("export") && res.status == StatusCode::UNPROCESSABLE_ENTITY),
                "{path}: {} {}",
                res.status,
                res.body
            );
            for e in PARSER_ERRORS {
                assert!(!res.body.contains(e), "{path}: parser text {e} shown");
            }
        }
    }
    // Field syntax, brackets, boosts and operators left dangling search the words they contain.
    for q in [
        "供热:",
        "title:供热",
        "（供热）",
        "供热 AND",
        "供热^2 ~ * ? \\",
        "供热：",
        "[供热}",
    ] {
        assert_eq!(
            total(&app, "/api/search/comments", q, Some(&committee)).await,
            plain,
            "committee {q:?}"
        );
        assert_eq!(
            total(&app, "/api/search/public", q, None).await,
            public_plain,
            "public {q:?}"
        );
    }
    // `第十二条:供热` is the two words 第十二条 and 供热, as typed with a space.
    assert_eq!(
        total(
            &app,
            "/api/search/comments",
            "第十二条:供热",
            Some(&committee)
        )
        .await,
        total(
            &app,
            "/api/search/comments",
            "第十二条 供热",
            Some(&committee)
        )
        .await,
    );
    // The export with a field-syntax query is the export of the plain word.
    let a = app
        .get(
            &format!("/committee/export.csv?draft={SLUG}&q={}", url("title:供热")),
            Some(&committee),
        )
        .await;
    let b = app
        .get(
            &format!("/committee/export.csv?draft={SLUG}&q={}", url("供热")),
            Some(&committee),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body.lines().count(), b.body.lines().count());
    // Chinese quotes are quotes; an unclosed quote is the word.
    assert_eq!(
        total(&app, "/api/search/comments", "“供热单位”", Some(&committee)).await,
        total(
            &app,
            "/api/search/comments",
            "\"供热单位\"",
            Some(&committee)
        )
        .await,
    );
    assert_eq!(
        total(&app, "/api/search/comments", "\"集中供热", Some(&committee)).await,
        total(&app, "/api/search/comments", "集中供热", Some(&committee)).await,
    );

    // The long query is answered at once on every path (a message, not a hang or a 500).
    for (path, cookie) in [
        (
            format!("/committee/search?q={}", url(long.trim())),
            Some(committee.as_str()),
        ),
        (format!("/search?q={}", url(long.trim())), None),
        (
            format!("/committee/export.csv?draft={SLUG}&q={}", url(long.trim())),
            Some(committee.as_str()),
        ),
    ] {
        let res = tokio::time::timeout(Duration::from_secs(5), app.get(&path, cookie))
            .await
            .unwrap_or_else(|_| panic!("{}… not answered within 5 s", &path[..40]));
        assert!(
            matches!(res.status.as_u16(), 200 | 414 | 422),
            "{}…: {}",
            &path[..40],
            res.status
        );
        assert!(
            res.status != StatusCode::OK || res.body.contains("检索词太长"),
            "{}",
            res.body
        );
    }
}

/// The same long URL over a real connection, with and without a valid session cookie: the
/// request head is larger than hyper's first read buffer (8 KiB) and must still be answered.
#[tokio::test]
async fn a_long_url_with_a_session_cookie_is_answered_over_http() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exe = yijian_bin();
    let (db_url, dir) = fresh_database_url().await;
    let data = dir.unwrap_or_else(|| temp_dir("long-url"));
    let pg = wants_postgres().then_some(db_url.as_str());
    let server = server::bench::ServerProcess::start(&exe, &data, pg, &[])
        .await
        .unwrap();
    // The server runs with the demo, whose committee account logs in.
    let (name, password) = ("committee", "demo-committee-2026");
    let mut conn = server::httpc::Conn::connect(server.addr).await.unwrap();
    let login = conn
        .post_form(
            "/api/auth/login",
            &server::httpc::encode_form(&[("name", name), ("password", password)]),
        )
        .await
        .unwrap();
    assert_eq!(login.status, 200, "{}", login.body);
    let cookie = login
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    for size in [7_900, 8_300, 12_000, 30_000] {
        for cookie in [None, Some(cookie.as_str())] {
            let q = "a".repeat(size);
            let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            let head = format!(
                "GET /healthz?q={q} HTTP/1.1\r\nHost: {}\r\nAccept: text/html\r\n{}Connection: close\r\n\r\n",
                server.addr,
                cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default()
            );
            s.write_all(head.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut answer))
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "{size} bytes, cookie {}: no answer in 5 s",
                        cookie.is_some()
                    )
                })
                .unwrap();
            let status = String::from_utf8_lossy(&answer[..answer.len().min(12)]).to_string();
            assert!(
                status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.1 414"),
                "{size} bytes, cookie {}: {status}",
                cookie.is_some()
            );
        }
    }
    drop(server);
}
