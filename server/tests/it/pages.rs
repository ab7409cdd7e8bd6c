//! Server-rendered pages, headers, health and metrics.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;

#[tokio::test]
async fn home_page_is_complete_chinese_html_with_security_headers() {
    let app = TestApp::new().await;
    let res = app.get("/", None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<html lang=\"zh-CN\">"));
    assert!(res.body.contains("让立法就在家门口"));
    assert!(
        res.body.contains("/pkg/yijian.js"),
        "hydration script is referenced"
    );
    let csp = res.header("content-security-policy").unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        res.body.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        res.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
}

#[tokio::test]
async fn unknown_page_is_a_404_in_chinese() {
    let app = TestApp::new().await;
    let res = app.get("/no/such/page", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("页面不存在"));
}

#[tokio::test]
async fn admin_page_lists_accounts_only_for_admins() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    let res = app.get("/admin/users", Some(&admin)).await;
    assert!(res.body.contains("新建账户") && res.body.contains("测试系统管理员"));
    let committee = app.login(Role::Committee).await;
    let res = app.get("/admin/users", Some(&committee)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("没有执行此操作的权限") && !res.body.contains("新建账户"));
    let res = app.get("/admin/users", None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("请先登录"));
}

#[tokio::test]
async fn healthz_names_backend_and_migration() {
    let app = TestApp::new().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let expected = if wants_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(v["backend"], expected);
    assert!(v["migration"].as_i64().unwrap() >= 20261126000001);
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let app = TestApp::new().await;
    app.get("/healthz", None).await;
    let admin = app.login(Role::Admin).await;
    let res = app.get("/metrics", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res
        .body
        .contains("yijian_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"));
    assert!(res
        .body
        .contains("yijian_http_request_duration_seconds_bucket{route=\"/api/auth/login\""));
}

#[tokio::test]
async fn demo_draft_is_listed_and_readable_with_anchors() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    server::demo::seed(&app.db).await.unwrap();
    assert_eq!(
        app.count("select count(*) from draft_version").await,
        2,
        "seed is idempotent"
    );
    let list = app.get("/drafts", None).await;
    assert!(
        list.body.contains("昌吉回族自治州城镇供热条例"),
        "{}",
        list.body
    );
    let page = app.get("/drafts/changji-urban-heating", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("id=\"art-46\""),
        "all 46 articles rendered"
    );
    assert!(
        page.body.contains("第二章 规划与建设"),
        "bare chapter title recovered"
    );
    let missing = app.get("/drafts/no-such-draft", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("找不到"));
}

#[tokio::test]
async fn importing_an_unusable_text_stores_nothing() {
    let app = TestApp::new().await;
    let err = app::draft::ssr::import_version(&app.db, "x", "一审稿", "没有条文的说明文字。")
        .await
        .unwrap_err();
    assert!(err.message().contains("没有找到任何条文"));
    assert_eq!(app.count("select count(*) from draft").await, 0);
}

#[tokio::test]
async fn second_reading_keeps_identities_and_has_a_comparison_table() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let maps = app::draft::ssr::mappings(&app.db, "changji-urban-heating", 2)
        .await
        .unwrap();
    use app::draft::align::Change;
    let articles: Vec<_> = maps
        .iter()
        .filter(|m| m.old.as_ref().or(m.new.as_ref()).unwrap().kind == app::draft::NodeKind::Tiao)
        .collect();
    let count = |c: Change| articles.iter().filter(|m| m.change == c).count();
    assert_eq!(
        (
            count(Change::Amended),
            count(Change::New),
            count(Change::Deleted)
        ),
        (1, 1, 1)
    );
    // 第九条 became 第十条 and keeps its identity.
    let nine = articles
        .iter()
        .find(|m| m.old.as_ref().is_some_and(|o| o.label == "第九条"))
        .unwrap();
    assert_eq!(nine.new.as_ref().unwrap().label, "第十条");
    assert_eq!(nine.change, Change::Renumbered);
    assert_eq!(nine.new.as_ref().unwrap().uid, "art-9");

    let page = app.get("/drafts/changji-urban-heating/compare", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("修改对照表"));
    assert!(
        page.body.contains("<ins>统筹</ins>"),
        "character-level insertion marked"
    );
    assert!(page.body.contains("新增") && page.body.contains("删除"));
    let reading = app.get("/drafts/changji-urban-heating", None).await;
    assert!(reading.body.contains("一审稿") && reading.body.contains("与上一稿对照"));
    // Links follow the text: #art-9 is 第九条 in the first reading and 第十条 in the second.
    let v1 = app.get("/drafts/changji-urban-heating/v/1", None).await;
    assert!(v1.body.contains("<div id=\"art-9\" class=\"article\"><a href=\"#art-9\" class=\"article-label\">第九条</a>"), "{}", v1.body);
    assert!(reading.body.contains(
        "<div id=\"art-9\" class=\"article\"><a href=\"#art-9\" class=\"article-label\">第十条</a>"
    ));
    // Any two versions compare; a reversed pair is refused.
    let res = app
        .get("/drafts/changji-urban-heating/compare?from=1&to=2", None)
        .await;
    assert!(res.body.contains("<ins>统筹</ins>"));
    let res = app
        .post_form(
            "/api/drafts/compare",
            &[
                ("slug", "changji-urban-heating"),
                ("from", "2"),
                ("to", "1"),
            ],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn importing_an_unrelated_text_as_a_new_version_warns() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let imported = app::draft::ssr::import_version(
        &app.db,
        "changji-urban-heating",
        "二审稿",
        "# 绿化条例\n\n第一条 城市绿地由园林部门统一规划和养护管理。\n",
    )
    .await
    .unwrap();
    assert!(imported.parsed.warnings[0]
        .message
        .contains("没有任何对应关系"));
}

#[tokio::test]
async fn parts_are_published_with_windows_and_statuses() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let page = app.get("/drafts/changji-urban-heating", None).await;
    assert!(
        page.body.contains("第一章 总则：征求意见中，截止"),
        "open chapter with its deadline"
    );
    assert!(
        page.body.contains("开始征求意见"),
        "the upcoming chapter says when it opens"
    );
    assert!(page.body.contains("status status-open"));
    let list = app.get("/drafts", None).await;
    assert!(list.body.contains("正在征求意见"));

    let committee = app.login(Role::Committee).await;
    let publish = |form: Vec<(&'static str, &'static str)>| {
        let mut f = vec![("slug", "changji-urban-heating"), ("confirmed", "1")];
        f.extend(form);
        f
    };
    // Bad input: each refused with a precise message, nothing stored.
    let before = app.count("select count(*) from publication").await;
    for (form, expected) in [
        (
            vec![
                ("chapter", "3"),
                ("opens_at", "2030-13-01T09:00"),
                ("closes_at", "2030-12-01T09:00"),
            ],
            "开始时间格式不正确",
        ),
        (
            vec![
                ("chapter", "3"),
                ("opens_at", "2030-02-01T09:00"),
                ("closes_at", "2030-01-01T09:00"),
            ],
            "必须晚于",
        ),
        (
            vec![
                ("chapter", "3"),
                ("opens_at", "2020-01-01T09:00"),
                ("closes_at", "2020-02-01T09:00"),
            ],
            "已经过去",
        ),
        (
            vec![
                ("chapter", "99"),
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T09:00"),
            ],
            "没有第99章",
        ),
        (
            vec![
                ("articles", "3-x"),
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T09:00"),
            ],
            "范围格式不正确",
        ),
        (
            vec![
                ("articles", "500"),
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T09:00"),
            ],
            "没有第500条",
        ),
        (
            vec![
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T09:00"),
            ],
            "二者选一",
        ),
    ] {
        let res = app
            .post_form("/api/drafts/publish", &publish(form), Some(&committee))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(expected), "{expected}: {}", res.body);
    }
    assert_eq!(app.count("select count(*) from publication").await, before);
    let citizen = app.login(Role::Citizen).await;
    let res = app
        .post_form(
            "/api/drafts/publish",
            &publish(vec![
                ("articles", "3-5"),
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T09:00"),
            ]),
            Some(&citizen),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .post_form(
            "/api/drafts/publish",
            &publish(vec![
                ("articles", "3-5,12"),
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T09:00"),
            ]),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let uids: String =
        sqlx::query_scalar("select article_uids from publication order by id desc limit 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(serde_json::from_str::<Vec<String>>(&uids).unwrap().len(), 4);
}

#[tokio::test]
async fn the_draft_prints_as_a_handout_with_an_opinion_form() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let res = app
        .get("/drafts/changji-urban-heating/handout.pdf", None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.header("content-type"), Some("application/pdf"));
    let (text, _) = pdf_text_and_fonts(&res.bytes);
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        "昌吉回族自治州城镇供热条例",
        "征求意见中，截止",
        "/drafts/changji-urban-heating",
        "第一条",
        "意见反馈表",
        "意见和理由",
    ] {
        assert!(text.contains(needle), "{needle} not in the handout: {text}");
    }
    // Printed once: the second download is the same file (a new print would carry a new
    // creation time).
    let again = app
        .get("/drafts/changji-urban-heating/handout.pdf", None)
        .await;
    assert_eq!(again.bytes, res.bytes);
    // An earlier reading; a bad or unknown version.
    let first = app
        .get("/drafts/changji-urban-heating/handout.pdf?v=1", None)
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_ne!(first.bytes, res.bytes);
    let bad = app
        .get("/drafts/changji-urban-heating/handout.pdf?v=x", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let none = app
        .get("/drafts/changji-urban-heating/handout.pdf?v=99", None)
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    // The reading page links it.
    let page = app.get("/drafts/changji-urban-heating", None).await;
    assert!(page.body.contains("/handout.pdf?v="), "{}", page.body);
}

#[tokio::test]
async fn unpublished_drafts_are_not_public() {
    let app = TestApp::new().await;
    app::draft::ssr::import_version(
        &app.db,
        "secret",
        "征求意见稿",
        "# 内部草案\n\n第一条 尚未公布。\n",
    )
    .await
    .unwrap();
    let res = app.get("/drafts/secret", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app.get("/drafts/secret/handout.pdf", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/drafts", None).await.body.contains("内部草案"));
    let committee = app.login(Role::Committee).await;
    let res = app.get("/drafts/secret", Some(&committee)).await;
    assert!(
        res.body.contains("尚未公布"),
        "the committee sees its own drafts"
    );
}

#[tokio::test]
async fn committee_previews_then_saves_a_draft_with_and_without_javascript() {
    let app = TestApp::new().await;
    let committee = app.login(Role::Committee).await;
    let text = "# 某县物业条例\n\n## 第一章 总则\n\n第一条 为了规范物业管理，制定本条例。\n\n第三条 跳号的条文。\n";
    let form = |intent: &'static str| {
        vec![
            ("slug", "property-regs"),
            ("label", "征求意见稿"),
            ("source", text),
            ("intent", intent),
        ]
    };
    // With JavaScript: the preview comes back as data, nothing is stored.
    let res = app
        .post_form("/api/drafts/import", &form("preview"), Some(&committee))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["Preview"]["counts"]["tiao"], 2);
    assert!(v["Preview"]["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("不连续"));
    assert_eq!(app.count("select count(*) from draft").await, 0);
    // Without JavaScript: redirected to the page, which shows the stored preview.
    let res = app
        .post_plain_form(
            "/api/drafts/import",
            &form("preview"),
            Some(&committee),
            "/committee/drafts/new",
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let location = res.header("location").unwrap().to_string();
    assert!(
        location.starts_with("/committee/drafts/new?preview="),
        "{location}"
    );
    let page = app.get(&location, Some(&committee)).await;
    assert!(
        page.body.contains("需要核对的地方（1 处）"),
        "{}",
        page.body
    );
    assert!(page.body.contains("某县物业条例"));
    // Another committee member cannot read this preview.
    let other = app.login(Role::Committee).await;
    let id = location.split("preview=").nth(1).unwrap();
    let res = app
        .post_form("/api/drafts/preview", &[("id", id)], Some(&other))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Save.
    let res = app
        .post_plain_form(
            "/api/drafts/import",
            &form("save"),
            Some(&committee),
            "/committee/drafts/new",
        )
        .await;
    assert_eq!(res.header("location"), Some("/drafts/property-regs"));
    assert_eq!(app.count("select count(*) from draft_version").await, 1);
    let warnings: String = sqlx::query_scalar("select warnings_json from draft_version")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(
        warnings.contains("不连续"),
        "warnings are kept with the version"
    );
}

#[tokio::test]
async fn import_refuses_bad_input_and_stores_nothing() {
    let app = TestApp::new().await;
    let committee = app.login(Role::Committee).await;
    for (slug, label, source, expected) in [
        ("Bad Slug!", "稿", "第一条 甲。", "网址名"),
        ("good-slug", " ", "第一条 甲。", "稿次"),
        (
            "good-slug",
            "稿",
            "没有任何条文的文字。",
            "没有找到任何条文",
        ),
        ("good-slug", "稿", "", "文件为空"),
    ] {
        let res = app
            .post_form(
                "/api/drafts/import",
                &[
                    ("slug", slug),
                    ("label", label),
                    ("source", source),
                    ("intent", "save"),
                ],
                Some(&committee),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{expected}: {}",
            res.body
        );
        assert!(res.body.contains(expected), "{expected}: {}", res.body);
    }
    assert_eq!(app.count("select count(*) from draft").await, 0);
    let citizen = app.login(Role::Citizen).await;
    let res = app
        .post_form(
            "/api/drafts/import",
            &[
                ("slug", "x-y-z"),
                ("label", "稿"),
                ("source", "第一条 甲。"),
                ("intent", "save"),
            ],
            Some(&citizen),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn committee_corrects_an_article_pairing() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    // The inserted 第九条 of the second reading is declared to continue old 第八条 instead.
    let res = app
        .post_form(
            "/api/drafts/relink",
            &[
                ("slug", "changji-urban-heating"),
                ("version", "2"),
                ("new_article", "9"),
                ("old_article", "8"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v2 = app::draft::ssr::version(&app.db, "changji-urban-heating", Some(2))
        .await
        .unwrap();
    let arts = v2.tree.articles();
    assert_eq!(arts[8].uid, "art-8", "第九条 now continues old 第八条");
    let cmp = app
        .get(
            "/drafts/changji-urban-heating/compare?from=1&to=2",
            Some(&committee),
        )
        .await;
    assert!(cmp.body.contains("更正条文对应关系"));
    // Bad input changes nothing.
    for (new, old, expected) in [
        ("99", "8", "本稿没有第99条"),
        ("9", "999", "上一稿没有第999条"),
        ("9", "八", "须为数字"),
    ] {
        let res = app
            .post_form(
                "/api/drafts/relink",
                &[
                    ("slug", "changji-urban-heating"),
                    ("version", "2"),
                    ("new_article", new),
                    ("old_article", old),
                ],
                Some(&committee),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(expected), "{expected}: {}", res.body);
    }
    let again = app::draft::ssr::version(&app.db, "changji-urban-heating", Some(2))
        .await
        .unwrap();
    assert_eq!(again.tree, v2.tree);
    let res = app
        .post_form(
            "/api/drafts/relink",
            &[
                ("slug", "changji-urban-heating"),
                ("version", "1"),
                ("new_article", "9"),
                ("old_article", "8"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn committee_uploads_a_gbk_file_and_sees_its_preview() {
    let app = TestApp::new().await;
    let committee = app.login(Role::Committee).await;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/tests/fixtures/laws/b08-local-zhejiang-rural-sewage-facilities-regs-2019.md"
    ))
    .unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let fields = [("slug", "sewage-regs"), ("label", "征求意见稿")];
    let res = app
        .post_multipart(
            "/api/drafts/upload",
            &fields,
            Some(("草案.txt", &gbk)),
            Some(&committee),
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    let location = res.header("location").unwrap().to_string();
    let page = app.get(&location, Some(&committee)).await;
    assert!(
        page.body.contains("浙江省农村生活污水处理设施管理条例"),
        "decoded from GBK"
    );
    assert!(page.body.contains("条 36"), "{}", page.body);
    assert_eq!(
        app.count("select count(*) from draft").await,
        0,
        "preview stores no draft"
    );

    // An image, a binary file, a 20 MB text and a 40 MB file: precise errors in Chinese,
    // nothing stored.
    for (name, bytes, expected) in [
        (
            "x.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "不支持图片",
        ),
        (
            "x.bin",
            b"\x00\x01\x02\x03binary\x00\x00".to_vec(),
            "二进制",
        ),
        ("big.txt", vec![b'a'; 20 * 1024 * 1024], "文件过大"),
    ] {
        let res = app
            .post_multipart(
                "/api/drafts/upload",
                &fields,
                Some((name, &bytes)),
                Some(&committee),
                false,
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(res.body.contains(expected), "{name}: {}", res.body);
        assert!(!res.body.contains("binary"), "Chinese only: {}", res.body);
    }
    let huge = vec![b'a'; 40 * 1024 * 1024];
    let res = app
        .post_multipart(
            "/api/drafts/upload",
            &fields,
            Some(("huge.txt", &huge)),
            Some(&committee),
            false,
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("select count(*) from draft_preview").await, 1);
}

/// A Word file whose articles and items are numbered by Word: the preview counts them, and
/// lists what reading the file left out.
#[tokio::test]
async fn committee_uploads_a_word_file_and_sees_its_preview() {
    let app = TestApp::new().await;
    let committee = app.login(Role::Committee).await;
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/tests/fixtures/laws/b08-local-zhejiang-rural-sewage-facilities-regs-2019.md"
    ))
    .unwrap();
    let tree = app::draft::parse::parse_bytes(&text).unwrap().tree;
    let mut doc = app::docx::draft_docx(&tree, app::docx::Labels::Automatic);
    // A page break and a table after the text, as Word files have them.
    doc.blocks.push(app::docx::Block::PageBreak);
    doc.blocks
        .push(app::docx::Block::Paragraph("附件：设施清单".into()));
    doc.blocks.push(app::docx::Block::Table {
        widths: vec![2000, 4000],
        header: vec!["序号".into(), "设施".into()],
        rows: vec![vec!["1".into(), "污水处理终端".into()]],
        merged: vec![],
    });
    let docx = doc.to_bytes().unwrap();
    let fields = [("slug", "sewage-word"), ("label", "征求意见稿")];
    let res = app
        .post_multipart(
            "/api/drafts/upload",
            &fields,
            Some(("草案.docx", &docx)),
            Some(&committee),
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    let location = res.header("location").unwrap().to_string();
    let page = app.get(&location, Some(&committee)).await;
    assert!(page.body.contains("条 36"), "{}", page.body);
    assert!(
        page.body.contains("第三十六条"),
        "the outline names Word's labels"
    );
    // The converted text is what the form would save.
    assert!(page.body.contains("序号　设施"), "{}", page.body);
    assert_eq!(app.count("select count(*) from draft").await, 0);

    // What a conversion leaves out is listed with the preview, also when the page is loaded
    // again later: here the code of a saved web page.
    let html = "<!DOCTYPE html><html><head><title>某市人大</title><script>track()</script></head><body><h1>某市供热条例（草案）</h1><p>第一条 为了规范供热，制定本条例。</p><p>第二条 本条例自公布之日起施行。</p></body></html>";
    let res = app
        .post_multipart(
            "/api/drafts/upload",
            &[("slug", "heating-web"), ("label", "征求意见稿")],
            Some(("page.htm", html.as_bytes())),
            Some(&committee),
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    let location = res.header("location").unwrap().to_string();
    let page = app.get(&location, Some(&committee)).await;
    assert!(page.body.contains("条 2"), "{}", page.body);
    assert!(
        page.body.contains("网页文件：已去掉网页代码"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("track()"), "{}", page.body);
}

#[tokio::test]
async fn a_whole_code_can_be_pasted() {
    let app = TestApp::new().await;
    let committee = app.login(Role::Committee).await;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/tests/fixtures/laws/004-national-civil-code-book3-contracts.md"
    ))
    .unwrap();
    assert!(text.len() > 100_000);
    let res = app
        .post_form(
            "/api/drafts/import",
            &[
                ("slug", "contracts"),
                ("label", "征求意见稿"),
                ("source", &text),
                ("intent", "save"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "{}",
        &res.body[..res.body.len().min(300)]
    );
    assert_eq!(app.count("select count(*) from draft_version").await, 1);
}

#[tokio::test]
async fn responses_are_gzipped_when_the_browser_accepts_it() {
    let app = TestApp::new().await;
    let req = http::Request::get("/")
        .header("host", HOST)
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-encoding"), Some("gzip"));
}
