//! Search: near-real-time indexing from the change feed, facets and highlights, public and
//! committee scopes, bad input, crash recovery, corrupt index, rebuild with switch-over, and
//! two servers following one database.

use crate::support::*;
use app::auth::Role;
use app::search::feed::SearchIndex;
use app::search::{SearchParams, SearchResults};
use app::ssr::Settings;
use http::StatusCode;
use std::time::{Duration, Instant};

const SLUG: &str = "changji-urban-heating";

async fn submit(app: &TestApp, uid: &str, stance: &str, reason: &str) -> String {
    let key = format!("search-{:016x}", rand::random::<u64>());
    let res = app
        .post_form(
            "/api/comments/submit",
            &[
                ("slug", SLUG),
                ("uid", uid),
                ("stance", stance),
                ("reason", reason),
                ("idempotency_key", &key),
            ],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

async fn search(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> (StatusCode, SearchResults, String) {
    let res = app.post_form(endpoint, form, cookie).await;
    let parsed = serde_json::from_str(&res.body).unwrap_or_default();
    (res.status, parsed, res.body)
}

/// Searches until `found` holds or `within` passes; returns the last results and the time.
async fn search_until(
    app: &TestApp,
    form: &[(&str, &str)],
    cookie: &str,
    within: Duration,
    found: impl Fn(&SearchResults) -> bool,
) -> (SearchResults, Duration) {
    let started = Instant::now();
    loop {
        let (status, r, body) = search(app, "/api/search/comments", form, Some(cookie)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if found(&r) || started.elapsed() > within {
            return (r, started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_new_comment_is_searchable_within_a_second_with_facets_and_highlights() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let t = submit(
        &app,
        "art-3",
        "oppose",
        "地暖管道漏水三次无人维修，请联系13800138000。",
    )
    .await;
    let (r, took) = search_until(
        &app,
        &[("q", "地暖")],
        &committee,
        Duration::from_secs(1),
        |r| r.hits.iter().any(|h| h.tracking == t),
    )
    .await;
    assert!(
        r.hits.iter().any(|h| h.tracking == t),
        "searchable within a second (waited {took:?}): {r:?}"
    );
    let hit = r.hits.iter().find(|h| h.tracking == t).unwrap();
    assert!(
        hit.snippet_html.contains("<b>地暖</b>"),
        "{}",
        hit.snippet_html
    );
    assert_eq!(hit.status, "received");
    assert!(hit.unit_label.starts_with("第三条"), "{hit:?}");
    // Facets: counts by stance; filtering by one narrows the hits.
    let stance = r
        .facets
        .iter()
        .find(|f| f.name == "stance")
        .expect("stance facet");
    assert!(stance
        .values
        .iter()
        .any(|v| v.value == "oppose" && v.count >= 1));
    let (status, none, _) = search(
        &app,
        "/api/search/comments",
        &[("q", "地暖"), ("stance", "support")],
        Some(&committee),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.hits.iter().all(|h| h.tracking != t));
    // Segmentation: a word inside another word is found (供热 in 集中供热), and a broad word
    // finds many demo comments; the article facet names articles by their current label.
    let (_, heating, _) = search(
        &app,
        "/api/search/comments",
        &[("q", "供热")],
        Some(&committee),
    )
    .await;
    assert!(heating.total > 10, "{}", heating.total);
    let articles = heating.facets.iter().find(|f| f.name == "article").unwrap();
    assert!(
        articles.values.iter().any(|v| v.label.starts_with('第')),
        "{articles:?}"
    );
    // Opinions collected by stations carry their station's level and county.
    let facet = |name: &str| heating.facets.iter().find(|f| f.name == name).cloned();
    let channel = facet("channel").expect("channel facet");
    assert!(channel
        .values
        .iter()
        .any(|v| v.value == "station" && v.label == "联系点"));
    let county = facet("county").expect("county facet");
    assert!(
        county
            .values
            .iter()
            .any(|v| v.value.ends_with('市') || v.value.ends_with('县')),
        "{county:?}"
    );
    let level = facet("level").expect("level facet");
    assert!(
        level
            .values
            .iter()
            .all(|v| v.value == "3" || v.value == "4"),
        "{level:?}"
    );
    // Public search: pre-moderation holds the comment back; after approval it is found, with
    // the phone number masked and no tracking number.
    let (_, public, _) = search(&app, "/api/search/public", &[("q", "地暖")], None).await;
    assert!(
        public.hits.iter().all(|h| h.kind != "comment"),
        "{public:?}"
    );
    let id: i64 = sqlx::query_scalar("select id from comment where tracking = $1")
        .bind(&t)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/api/moderation/decide",
            &[("ids[]", &id.to_string()), ("decision", "approve")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let started = Instant::now();
    let public = loop {
        let (_, public, _) = search(&app, "/api/search/public", &[("q", "地暖")], None).await;
        if public.hits.iter().any(|h| h.kind == "comment")
            || started.elapsed() > Duration::from_secs(2)
        {
            break public;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let hit = public
        .hits
        .iter()
        .find(|h| h.kind == "comment")
        .expect("public after approval");
    assert!(
        !hit.snippet_html.contains("13800138000"),
        "{}",
        hit.snippet_html
    );
    assert!(hit.tracking.is_empty());
    // The public also finds the text of the published draft.
    let (_, text, _) = search(
        &app,
        "/api/search/public",
        &[("q", "供热单位"), ("kind", "draft")],
        None,
    )
    .await;
    assert!(
        text.total > 0 && text.hits.iter().all(|h| h.kind == "draft"),
        "{text:?}"
    );
    // The pages render, with and without a query.
    let page = app
        .get("/committee/search?q=%E5%9C%B0%E6%9A%96", Some(&committee))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<b>地暖</b>"), "{}", page.body);
    let page = app.get("/search?q=%E4%BE%9B%E7%83%AD", None).await;
    assert!(page.body.contains("共 "), "{}", page.body);
}

#[tokio::test]
async fn bad_search_input_gets_a_message_or_an_empty_result_never_a_500() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let c = Some(committee.as_str());
    let ep = "/api/search/comments";
    // Empty query: every comment, newest first (once the index has followed the seed).
    let all = app.count("select count(*) from comment").await;
    let (r, _) = search_until(
        &app,
        &[("q", "")],
        &committee,
        Duration::from_secs(5),
        |r| r.total == all,
    )
    .await;
    assert_eq!(r.total, all);
    assert!(all >= 300, "{all}");
    // 2,000 characters: refused precisely.
    let long = "供热".repeat(1000);
    let (s, _, body) = search(&app, ep, &[("q", &long)], c).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("检索词太长"), "{body}");
    // Unbalanced quotes: searched as if closed.
    let (s, r, body) = search(&app, ep, &[("q", "\"供热")], c).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(r.total > 0, "{body}");
    // Only stop words and punctuation: an explanation, no hits.
    let (s, r, _) = search(&app, ep, &[("q", "的了，。！")], c).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r.total, 0);
    assert!(r.message.unwrap_or_default().contains("没有可检索的词语"));
    // A facet value that does not exist: no hits, and the filter is shown so it can be removed.
    let (s, r, _) = search(&app, ep, &[("q", "供热"), ("stance", "maybe")], c).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r.total, 0);
    assert!(r.message.is_some());
    assert!(r
        .facets
        .iter()
        .any(|f| f.name == "stance" && f.values.iter().any(|v| v.value == "maybe" && v.active)));
    // A page past the end: the last page, with a note.
    let (s, r, _) = search(&app, ep, &[("q", "供热"), ("page", "9999")], c).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r.page, r.pages);
    assert!(!r.hits.is_empty());
    assert!(r.message.unwrap_or_default().contains("最后一页"));
    // A malformed date: refused precisely.
    let (s, _, body) = search(&app, ep, &[("q", "供热"), ("from", "昨天")], c).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // The same on the pages: a message, not an error page.
    let page = app.get("/search?q=%22%22%22&page=-4", None).await;
    assert_eq!(page.status, StatusCode::OK);
    // Citizens cannot search unpublished comments.
    let citizen = app.login(Role::Citizen).await;
    let (s, _, _) = search(&app, ep, &[("q", "供热")], Some(&citizen)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// Waits until nothing else holds the index directory's writer lock (the follower task of a
/// dropped index finishes its round first).
async fn wait_for_writer_lock(dir: &std::path::Path) {
    let current = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    let gen = dir.join(current.trim());
    for _ in 0..100 {
        if let Ok(index) = tantivy::Index::open_in_dir(&gen) {
            if index.writer::<tantivy::TantivyDocument>(15_000_000).is_ok() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the index writer lock was not released");
}

async fn insert_directly(app: &TestApp, reason: &str) {
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(SLUG)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, \
         tracking, status, created_at) values ($1, 2, 'art-5', '第五条', 'amend', $2, $3, 'published', 0)",
    )
    .bind(draft_id)
    .bind(reason)
    .bind(format!("YJ-T{:07}", rand::random::<u32>() % 10_000_000))
    .execute(&app.db.pool)
    .await
    .unwrap();
}

fn params(q: &str) -> SearchParams {
    SearchParams {
        q: Some(q.into()),
        ..SearchParams::default()
    }
}

#[tokio::test]
async fn the_index_catches_up_after_a_crash_and_rebuilds_a_corrupt_one() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let dir = temp_dir("search");
    let index = SearchIndex::start(app.db.clone(), Some(dir.clone()))
        .await
        .unwrap();
    let none = HashMap::new();
    assert!(
        index
            .searchable()
            .search(&params("供热"), false, &none)
            .unwrap()
            .total
            > 10
    );
    drop(index);
    wait_for_writer_lock(&dir).await;
    // Committed to the database while no index followed (a crash between the two commits).
    insert_directly(&app, "锅炉房烟囱冒黑烟，周边居民无法开窗。").await;
    let index = SearchIndex::start(app.db.clone(), Some(dir.clone()))
        .await
        .unwrap();
    let r = index
        .searchable()
        .search(&params("烟囱"), false, &none)
        .unwrap();
    assert_eq!(r.total, 1, "caught up at start: {r:?}");
    let generation = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    drop(index);
    wait_for_writer_lock(&dir).await;
    // Corrupt the index: it is rebuilt from the database, with nothing lost.
    std::fs::write(dir.join(generation.trim()).join("meta.json"), b"{ not json").unwrap();
    let index = SearchIndex::start(app.db.clone(), Some(dir.clone()))
        .await
        .unwrap();
    assert_ne!(
        std::fs::read_to_string(dir.join("CURRENT")).unwrap(),
        generation,
        "a new generation"
    );
    assert!(
        !dir.join(generation.trim()).exists(),
        "the corrupt generation is removed, not left on disk"
    );
    let r = index
        .searchable()
        .search(&params("烟囱"), false, &none)
        .unwrap();
    assert_eq!(r.total, 1, "{r:?}");
    assert!(
        index
            .searchable()
            .search(&params("供热"), false, &none)
            .unwrap()
            .total
            > 10
    );
    // A missing index is built too.
    drop(index);
    wait_for_writer_lock(&dir).await;
    std::fs::remove_dir_all(&dir).unwrap();
    let index = SearchIndex::start(app.db.clone(), Some(dir.clone()))
        .await
        .unwrap();
    assert_eq!(
        index
            .searchable()
            .search(&params("烟囱"), false, &none)
            .unwrap()
            .total,
        1
    );
}

use std::collections::HashMap;

#[tokio::test]
async fn reindex_builds_aside_and_the_server_switches_without_downtime() {
    let dir = temp_dir("search");
    let app = TestApp::with_settings(Settings {
        search_dir: Some(dir.clone()),
        ..Settings::default()
    })
    .await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    // Wait until the index has followed the whole seed (it may have caught a part of it).
    let all = app.count("select count(*) from comment").await;
    let (caught_up, _) = search_until(
        &app,
        &[("q", "")],
        &committee,
        Duration::from_secs(5),
        |r| r.total == all,
    )
    .await;
    assert_eq!(caught_up.total, all);
    let (_, before, _) = search(
        &app,
        "/api/search/comments",
        &[("q", "供热")],
        Some(&committee),
    )
    .await;
    assert!(before.total > 10, "{}", before.total);
    let old = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    let (new, _) = app::search::feed::rebuild(&app.db, &dir, 32 << 20)
        .await
        .unwrap();
    assert_ne!(old.trim(), new);
    // Searches go on during and after the switch, with the same answers.
    let started = Instant::now();
    while dir.join(old.trim()).exists() && started.elapsed() < Duration::from_secs(5) {
        let (s, r, _) = search(
            &app,
            "/api/search/comments",
            &[("q", "供热")],
            Some(&committee),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(r.total, before.total);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !dir.join(old.trim()).exists(),
        "the server moved to the new index and dropped the old one"
    );
    let (_, after, _) = search(
        &app,
        "/api/search/comments",
        &[("q", "供热")],
        Some(&committee),
    )
    .await;
    assert_eq!(after.total, before.total);
    // And it keeps following the feed on the new one.
    let t = submit(&app, "art-3", "amend", "换热站噪声太大影响休息。").await;
    let (r, _) = search_until(
        &app,
        &[("q", "换热站")],
        &committee,
        Duration::from_secs(2),
        |r| r.hits.iter().any(|h| h.tracking == t),
    )
    .await;
    assert!(r.hits.iter().any(|h| h.tracking == t));
}

#[tokio::test]
async fn two_servers_on_one_database_each_follow_the_feed() {
    let one = TestApp::new().await;
    server::demo::seed(&one.db).await.unwrap();
    let two = one.another_server(Settings::default()).await;
    let committee = one.login(Role::Committee).await;
    let t = submit(&one, "art-4", "support", "建议增加热计量改造补贴。").await;
    // The other server never saw the write; it finds the comment from the shared feed.
    let (r, took) = search_until(
        &two,
        &[("q", "热计量")],
        &committee,
        Duration::from_secs(3),
        |r| r.hits.iter().any(|h| h.tracking == t),
    )
    .await;
    assert!(
        r.hits.iter().any(|h| h.tracking == t),
        "second server after {took:?}: {r:?}"
    );
    // A moderation decision on the second server reaches the first one's index.
    let id: i64 = sqlx::query_scalar("select id from comment where tracking = $1")
        .bind(&t)
        .fetch_one(&two.db.pool)
        .await
        .unwrap();
    let res = two
        .post_form(
            "/api/moderation/decide",
            &[("ids[]", &id.to_string()), ("decision", "approve")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (r, _) = search_until(
        &one,
        &[("q", "热计量"), ("status", "published")],
        &committee,
        Duration::from_secs(3),
        |r| r.hits.iter().any(|h| h.tracking == t),
    )
    .await;
    assert!(r.hits.iter().any(|h| h.tracking == t), "{r:?}");
}
