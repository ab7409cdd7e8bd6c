//! Exports: CSV with BOM, XLSX (summary + per article, or flat), JSON open data without personal
//! data; the search page's filters apply; impossible filters are refused.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;

const SLUG: &str = "changji-urban-heating";

#[tokio::test]
async fn exports_follow_the_filters_and_leave_out_personal_data_in_open_data() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    // A published comment with a phone number and a name in it, and the contact field set.
    sqlx::query(
        "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, name, contact, \
         tracking, status, created_at) values ((select id from draft where slug = $1), 2, 'art-3', '第三条', \
         'oppose', '请打我电话13812345678，供热\"太差\"，\n第二行', '王五', 'wangwu@example.cn', 'YJ-TEST-EXP1', 'published', $2)",
    )
    .bind(SLUG)
    .bind(app::ssr::now_ms())
    .execute(&app.db.pool)
    .await
    .unwrap();
    let all = app
        .count(&format!("select count(*) from comment where draft_id = (select id from draft where slug = '{SLUG}')"))
        .await;

    let (csv, records) = export_csv(&app, &committee, "").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.starts_with("\u{feff}查询编号,条款,稿次,态度,意见"),
        "{}",
        &csv.body[..80]
    );
    assert_eq!(records.len() as i64, all + 1);
    let mine = records.iter().find(|r| r.1[0] == "YJ-TEST-EXP1").unwrap();
    assert_eq!(mine.1[4], "请打我电话13812345678，供热\"太差\"，\n第二行");
    assert_eq!(mine.1[9], "王五");
    assert!(
        !csv.body.contains("wangwu@example.cn"),
        "contacts are never exported"
    );

    // Filters: stance, then the search text through the index.
    let opposed = app
        .count(&format!("select count(*) from comment where stance = 'oppose' and draft_id = (select id from draft where slug = '{SLUG}')"))
        .await;
    let (_, records) = export_csv(&app, &committee, "&stance=oppose").await;
    assert_eq!(records.len() as i64, opposed + 1);
    assert!(records[1..].iter().all(|r| r.1[3] == "反对"));
    let mut found = Vec::new();
    for _ in 0..50 {
        let (_, records) = export_csv(&app, &committee, "&q=%E5%A4%AA%E5%B7%AE").await;
        found = records;
        if found.len() > 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found.len() > 1, "the search filter found nothing");
    assert!(
        found[1..]
            .iter()
            .all(|r| r.1[4].contains("太差") || r.1[5].contains("太差")),
        "{found:?}"
    );

    // Impossible or malformed filters are refused with what is wrong.
    for (query, needle) in [
        ("&from=2026-12-01&to=2026-11-01", "晚于结束日期"),
        ("&stance=maybe", "态度"),
        ("&from=2026-13-01", "日期"),
        ("&article=abc", "条文"),
        ("&level=9", "层级"),
        ("&disposition=perhaps", "处理意见"),
        ("&day=2026-02-30", "日期"),
    ] {
        let (res, _) = export_csv(&app, &committee, query).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            res.body
        );
        assert!(res.body.contains(needle), "{query}: {}", res.body);
        // A browser that opened the link gets a page in Chinese, not the JSON error.
        assert!(
            !res.body.contains("\"Validation\""),
            "{query}: {}",
            res.body
        );
        assert!(res.body.contains("<html"), "{query}: {}", res.body);
    }
    // The search page's day facet is a one-day range.
    let today = app::draft::time::format_day(app::ssr::now_ms());
    let start = app::draft::time::parse_local(&today).unwrap();
    let of_today = app
        .count(&format!("select count(*) from comment where created_at >= {start} and created_at < {} and draft_id = (select id from draft where slug = '{SLUG}')", start + 86_400_000))
        .await;
    let (_, records) = export_csv(&app, &committee, &format!("&day={today}")).await;
    assert_eq!(records.len() as i64, of_today + 1);
    let res = app
        .get(
            "/committee/export.csv?draft=no-such-draft",
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let station = app.login(Role::Station).await;
    let (res, _) = export_csv(&app, &station, "").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // XLSX: a summary and a sheet per article; or one flat sheet with every row.
    let req = http::Request::get(format!("/committee/export.xlsx?draft={SLUG}&layout=flat"))
        .header("host", HOST)
        .header("cookie", &committee)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), with_ip(req))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap();
    let rows = app::sheet::read_table(
        &bytes,
        "意见",
        app::sheet::Limits::rows(2_000_000),
        |_| false,
    )
    .unwrap();
    assert_eq!(rows.len() as i64, all + 1);
    let req = http::Request::get(format!("/committee/export.xlsx?draft={SLUG}"))
        .header("host", HOST)
        .header("cookie", &committee)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), with_ip(req))
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap();
    let summary = app::sheet::read_table(
        &bytes,
        "汇总",
        app::sheet::Limits::rows(2_000_000),
        |_| false,
    )
    .unwrap();
    assert_eq!(summary[0].1[0], "条文");
    let total: i64 = summary[1..]
        .iter()
        .map(|r| r.1[1].parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, all);
    // With the search filter, the summary counts what the article sheets list.
    let res = app
        .get(
            &format!("/committee/export.xlsx?draft={SLUG}&q=%E5%A4%AA%E5%B7%AE"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let summary = app::sheet::read_table(
        &res.bytes,
        "汇总",
        app::sheet::Limits::rows(2_000_000),
        |_| false,
    )
    .unwrap();
    let counted: i64 = summary[1..]
        .iter()
        .map(|r| r.1[1].parse::<i64>().unwrap())
        .sum();
    assert_eq!(counted, found.len() as i64 - 1, "{summary:?}");

    // Compressed on the way, as a browser asks for it: the stream ends once and cleanly.
    let req = http::Request::get(format!("/committee/export.csv?draft={SLUG}"))
        .header("host", HOST)
        .header("cookie", &committee)
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-encoding"), Some("gzip"));
    assert!(res.bytes.len() > 100);

    // JSON open data: published only, no names or contacts, personal data masked in the text.
    let published = app
        .count(&format!("select count(*) from comment where status = 'published' and draft_id = (select id from draft where slug = '{SLUG}')"))
        .await;
    let json = app
        .get(
            &format!("/committee/export.json?draft={SLUG}"),
            Some(&committee),
        )
        .await;
    assert_eq!(json.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let comments = v["comments"].as_array().unwrap();
    assert_eq!(comments.len() as i64, published);
    let mine = comments
        .iter()
        .find(|c| c["tracking"] == "YJ-TEST-EXP1")
        .unwrap();
    assert!(
        !json.body.contains("13812345678")
            && !json.body.contains("王五")
            && !json.body.contains("wangwu")
    );
    assert!(mine["text"].as_str().unwrap().contains("已隐去"), "{mine}");
    assert!(mine.get("name").is_none() && mine.get("contact").is_none());
}

fn with_ip(mut req: http::Request<axum::body::Body>) -> http::Request<axum::body::Body> {
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        "203.0.113.7:50000".parse::<std::net::SocketAddr>().unwrap(),
    ));
    req
}

/// `/committee/export.csv?draft=SLUG` with more filters: the response and its records (none
/// unless it succeeded).
async fn export_csv(
    app: &TestApp,
    cookie: &str,
    filters: &str,
) -> (TestResponse, app::sheet::Records) {
    let res = app
        .get(
            &format!("/committee/export.csv?draft={SLUG}{filters}"),
            Some(cookie),
        )
        .await;
    let records = if res.status == StatusCode::OK {
        app::sheet::read_table(
            res.bytes.as_slice(),
            "",
            app::sheet::Limits::rows(2_000_000),
            |_| true,
        )
        .unwrap()
    } else {
        Default::default()
    };
    (res, records)
}
