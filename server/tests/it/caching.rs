//! Caching for readers: content-hashed static files kept a year, anonymous reading pages with
//! validators and a public `Cache-Control`, rendered once per change; nothing answered to a
//! logged-in reader is ever public.

use crate::support::*;
use app::auth::Role;
use app::ssr::Settings;
use axum::body::Body;
use http::{Request, StatusCode};

const SLUG: &str = "cache-test";
const TEXT: &str = "# 缓存测试条例\n\n## 第一章 总则\n\n第一条 第一章甲文字。\n\n\
                    ## 第二章 管理\n\n第二条 第二章乙文字。\n\n## 第三章 附则\n\n第三条 第三章丙文字。\n";

fn cached() -> Settings {
    Settings {
        page_cache_s: 600,
        ..Settings::default()
    }
}

async fn publish_chapter_directly(app: &TestApp, chapter: u32) {
    // A publication goes to the stations: there must be one.
    app.station("测试联系点").await;
    let at = |offset: i64| app::draft::time::format_local(app::ssr::now_ms() + offset);
    app::draft::ssr::publish(
        &app.db,
        SLUG,
        app::draft::ssr::PartSpec {
            chapter: Some(chapter),
            ..Default::default()
        },
        &at(0),
        &at(30 * 86_400_000),
        None,
        "http://yijian.test",
    )
    .await
    .expect("publish");
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    let mut b = Request::get(path)
        .header("host", "yijian.test")
        .header("accept", "text/html");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    app.send(b.body(Body::empty()).unwrap()).await
}

fn is_public(res: &TestResponse) -> bool {
    res.header("cache-control")
        .is_some_and(|c| c.contains("public"))
}

#[tokio::test]
async fn anonymous_reading_pages_get_validators_and_a_public_cache_control() {
    let app = TestApp::with_settings(cached()).await;
    app::draft::ssr::import_version(&app.db, SLUG, "征求意见稿", TEXT)
        .await
        .unwrap();
    publish_chapter_directly(&app, 1).await;
    for path in ["/", "/drafts", &format!("/drafts/{SLUG}")] {
        let first = app.get(path, None).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let cc = first.header("cache-control").unwrap_or_default();
        assert!(
            cc.starts_with("public, max-age=") && cc.contains("stale-while-revalidate="),
            "{path}: {cc}"
        );
        assert!(
            first.header("vary").is_some_and(|v| v.contains("Cookie")),
            "{path}"
        );
        let etag = first.header("etag").expect("an ETag").to_string();

        // Rendered once: the same bytes (and the same nonce in its policy) the second time.
        let second = app.get(path, None).await;
        assert_eq!(second.body, first.body, "{path}: served from the cache");
        assert_eq!(second.header("etag"), Some(etag.as_str()));
        assert_eq!(
            second.header("content-security-policy"),
            first.header("content-security-policy")
        );

        let not_modified = get_with(&app, path, &[("if-none-match", &etag)]).await;
        assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(not_modified.bytes.is_empty());
        assert_eq!(not_modified.header("etag"), Some(etag.as_str()));
        assert!(is_public(&not_modified));
        // A cache would put the 304's policy on the page it keeps: it must send none.
        assert_eq!(not_modified.header("content-security-policy"), None);

        let other = get_with(&app, path, &[("if-none-match", "W/\"0-0\"")]).await;
        assert_eq!(other.status, StatusCode::OK);

        let gz = get_with(&app, path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{path}");
        assert!(gz.bytes.len() < first.bytes.len(), "{path}: compressed");
        let mut plain = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz.bytes[..]), &mut plain)
            .unwrap();
        assert_eq!(plain, first.body, "{path}: the same page");
    }

    // Comment pages carry a per-reader form: never shared.
    let comment = app
        .get(&format!("/drafts/{SLUG}/comment/art-1"), None)
        .await;
    assert_eq!(comment.status, StatusCode::OK);
    assert!(
        !is_public(&comment),
        "{:?}",
        comment.header("cache-control")
    );
    assert_eq!(comment.header("etag"), None);
    let again = app
        .get(&format!("/drafts/{SLUG}/comment/art-1"), None)
        .await;
    assert_ne!(again.body, comment.body, "rendered per reader");
}

#[tokio::test]
async fn nothing_answered_to_a_logged_in_reader_is_public() {
    let app = TestApp::with_settings(cached()).await;
    app::draft::ssr::import_version(&app.db, SLUG, "征求意见稿", TEXT)
        .await
        .unwrap();
    publish_chapter_directly(&app, 1).await;
    for role in [Role::Citizen, Role::Committee, Role::Station, Role::Admin] {
        let session = app.login(role).await;
        for path in [
            "/".to_string(),
            "/drafts".to_string(),
            format!("/drafts/{SLUG}"),
            format!("/drafts/{SLUG}/comment/art-1"),
            "/search?q=甲".to_string(),
        ] {
            // Warm the anonymous cache first: the logged-in reader must not get its copy.
            let anonymous = app.get(&path, None).await;
            let res = app.get(&path, Some(&session)).await;
            assert_eq!(res.status, StatusCode::OK, "{role:?} {path}");
            assert_eq!(
                res.header("cache-control"),
                Some("no-store"),
                "{role:?} {path}"
            );
            assert_eq!(res.header("etag"), None, "{role:?} {path}");
            assert_ne!(
                res.body, anonymous.body,
                "{role:?} {path}: rendered for them"
            );
            // Even with the anonymous copy's ETag: a full page, not a 304.
            if let Some(etag) = anonymous.header("etag") {
                let res = get_with(
                    &app,
                    &path,
                    &[("if-none-match", etag), ("cookie", &session)],
                )
                .await;
                assert_eq!(res.status, StatusCode::OK, "{role:?} {path}");
                assert!(!is_public(&res));
            }
        }
    }
    // Logging in sets a cookie: never public.
    let (name, password) = app.account(Role::Citizen).await;
    let res = app
        .post_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
        )
        .await;
    assert!(res.set_cookie("yj_session").is_some());
    assert_eq!(res.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn a_reading_page_is_rendered_again_after_a_publication_and_not_before() {
    let app = TestApp::with_settings(cached()).await;
    let committee = app.login(Role::Committee).await;
    app::draft::ssr::import_version(&app.db, SLUG, "征求意见稿", TEXT)
        .await
        .unwrap();
    publish_chapter_directly(&app, 1).await;
    let path = format!("/drafts/{SLUG}");
    let first = app.get(&path, None).await;
    assert!(first.body.contains("第一章甲文字"));
    assert!(!first.body.contains("第二章乙文字"));
    let etag = first.header("etag").unwrap().to_string();

    // A change this server did not make (another server, a script): the page is the cached
    // rendering until the cache's seconds run out…
    publish_chapter_directly(&app, 2).await;
    let cached = app.get(&path, None).await;
    assert_eq!(cached.body, first.body, "rendered once, not per request");
    // …while the committee, logged in, sees the change at once.
    let staff = app.get(&path, Some(&committee)).await;
    assert!(staff.body.contains("第二章乙文字"));

    // A publication through this server empties the cache at once.
    let res = app
        .post_form(
            "/api/drafts/publish",
            &[
                ("slug", SLUG),
                ("confirmed", "1"),
                ("chapter", "3"),
                (
                    "opens_at",
                    &app::draft::time::format_local(app::ssr::now_ms()),
                ),
                (
                    "closes_at",
                    &app::draft::time::format_local(app::ssr::now_ms() + 30 * 86_400_000),
                ),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let fresh = get_with(&app, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(
        fresh.status,
        StatusCode::OK,
        "the old ETag no longer matches"
    );
    assert!(fresh.body.contains("第二章乙文字") && fresh.body.contains("第三章丙文字"));
    assert_ne!(fresh.header("etag"), Some(etag.as_str()));

    // A refused request changes nothing and leaves the cache alone.
    let warm = app.get(&path, None).await;
    let refused = app
        .post_form("/api/drafts/publish", &[("slug", SLUG)], None)
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert_eq!(app.get(&path, None).await.body, warm.body);
}

#[tokio::test]
async fn hashed_static_files_are_kept_a_year_and_pages_name_them() {
    let site = temp_dir("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let js = "yijian.0123456789abcdef.js";
    let wasm = "yijian.0123456789abcdef_bg.wasm";
    let css = "yijian.fedcba9876543210.css";
    std::fs::write(pkg.join(js), "export default function(){}".repeat(50)).unwrap();
    let wasm_bytes = vec![0u8; 64 * 1024];
    std::fs::write(pkg.join(wasm), &wasm_bytes).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &wasm_bytes).unwrap();
    std::fs::write(pkg.join(format!("{wasm}.gz")), gz.finish().unwrap()).unwrap();
    std::fs::write(pkg.join(css), "body{color:#222}").unwrap();
    std::fs::write(
        pkg.join("assets.txt"),
        format!("js: {js}\nwasm: {wasm}\ncss: {css}\n"),
    )
    .unwrap();
    std::fs::write(site.join("favicon.svg"), "<svg/>").unwrap();
    let app = TestApp::with_site(Settings::default(), site.to_str().unwrap()).await;

    let home = app.get("/", None).await;
    assert!(home.body.contains(&format!("/pkg/{js}")), "the script");
    assert!(home.body.contains(&format!("/pkg/{wasm}")), "the wasm");
    assert!(home.body.contains(&format!("/pkg/{css}")), "the stylesheet");

    let session = app.login(Role::Committee).await;
    for cookie in [None, Some(session.as_str())] {
        for name in [js, wasm, css] {
            let res = app.get(&format!("/pkg/{name}"), cookie).await;
            assert_eq!(res.status, StatusCode::OK, "{name}");
            assert_eq!(
                res.header("cache-control"),
                Some("public, max-age=31536000, immutable"),
                "{name}, logged in: {}",
                cookie.is_some()
            );
        }
    }
    let res = get_with(
        &app,
        &format!("/pkg/{wasm}"),
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(res.header("content-encoding"), Some("gzip"));
    assert!(res.bytes.len() < 4096, "the precompressed copy");
    assert_eq!(
        res.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let icon = app.get("/favicon.svg", None).await;
    assert_eq!(icon.header("cache-control"), Some("public, max-age=3600"));
}
