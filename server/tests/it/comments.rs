//! Citizens' comments: submission with and without JavaScript, receipts, retries, bad input.

use crate::support::*;
use http::StatusCode;

const SLUG: &str = "changji-urban-heating";

fn form<'a>(
    uid: &'a str,
    stance: &'a str,
    reason: &'a str,
    key: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", SLUG),
        ("uid", uid),
        ("stance", stance),
        ("reason", reason),
        ("idempotency_key", key),
    ]
}

#[tokio::test]
async fn a_citizen_comments_without_javascript_and_gets_a_receipt() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let page = app
        .get(&format!("/drafts/{SLUG}/comment/art-2-p-1"), None)
        .await;
    assert!(page.body.contains("对第二条第1款发表意见"), "{}", page.body);
    let key = page
        .body
        .split("name=\"idempotency_key\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut f = form(
        "art-2-p-1",
        "amend",
        "建议写明<script>alert(1)</script>适用范围。",
        &key,
    );
    f.push(("contact", "citizen@example.cn"));
    let res = app
        .post_plain_form(
            "/api/comments/submit",
            &f,
            None,
            &format!("/drafts/{SLUG}/comment/art-2-p-1"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let location = res.header("location").unwrap().to_string();
    assert!(location.starts_with("/receipt/YJ-"), "{location}");
    let receipt = app.get(&location, None).await;
    assert!(receipt.body.contains("已收到") && receipt.body.contains("修改建议"));
    assert!(
        !receipt.body.contains("citizen@example.cn"),
        "contact is private"
    );
    // The same submission again (refresh, double click): same receipt, one comment.
    let again = app
        .post_plain_form("/api/comments/submit", &f, None, "/")
        .await;
    assert_eq!(again.header("location"), Some(location.as_str()));
    assert_eq!(
        app.count("select count(*) from comment where unit_uid = 'art-2-p-1'")
            .await,
        1
    );
    let stored: String =
        sqlx::query_scalar("select reason from comment where unit_uid = 'art-2-p-1'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(stored.contains("<script>"), "stored as text, as written");
    // Lookup by tracking number, typed sloppily; a typo is caught by the check character.
    let tracking = location.trim_start_matches("/receipt/").to_string();
    let sloppy = tracking.to_lowercase().replace('-', " ");
    let found = app
        .get(&format!("/track?no={}", sloppy.replace(' ', "+")), None)
        .await;
    assert!(found.body.contains(&tracking), "{}", found.body);
    let mut typo: Vec<char> = tracking.chars().collect();
    typo[4] = if typo[4] == '2' { '3' } else { '2' };
    let typo: String = typo.into_iter().collect();
    let res = app
        .post_form("/api/comments/receipt", &[("tracking", &typo)], None)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("回执编号有误"));
}

#[tokio::test]
async fn bad_comments_are_refused_precisely_and_store_nothing() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let before = app.count("select count(*) from comment").await;
    let long = "长".repeat(5001);
    type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        (
            form("art-1", "support", "   ", "key-aaaaaaaaaaaaaaaa"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "请填写理由",
        ),
        (
            form("art-1", "support", &long, "key-bbbbbbbbbbbbbbbb"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "5000",
        ),
        (
            form("art-999", "support", "理由", "key-cccccccccccccccc"),
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            form("art-15", "support", "理由", "key-dddddddddddddddd"),
            StatusCode::CONFLICT,
            "不接受意见",
        ),
        (
            form("art-1", "love-it", "理由", "key-eeeeeeeeeeeeeeee"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择",
        ),
        (
            form("art-1", "support", "理由", "短"),
            StatusCode::BAD_REQUEST,
            "提交标识无效",
        ),
    ];
    for (f, status, expected) in cases {
        let res = app.post_form("/api/comments/submit", &f, None).await;
        assert_eq!(res.status, status, "{expected}: {}", res.body);
        assert!(res.body.contains(expected), "{expected}: {}", res.body);
    }
    let mut bad_mail = form("art-1", "support", "理由", "key-ffffffffffffffff");
    bad_mail.push(("contact", "not-an-email@"));
    let res = app.post_form("/api/comments/submit", &bad_mail, None).await;
    assert!(res.body.contains("手机号码或电子邮箱"), "{}", res.body);
    assert_eq!(app.count("select count(*) from comment").await, before);
}

#[tokio::test]
async fn reading_page_shows_counts_and_earlier_versions_comments() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let page = app.get(&format!("/drafts/{SLUG}"), None).await;
    // 第四条 and its paragraphs: the article shows the sum of its units' public comments.
    let count = |stance: &str, version: &str| {
        format!(
            "select count(*) from comment where (unit_uid = 'art-4' or unit_uid like 'art-4-p-%') \
             and status = 'published' and stance like '{stance}' and version_number {version}"
        )
    };
    let (s, o, a, e) = (
        app.count(&count("support", "= 2")).await,
        app.count(&count("oppose", "= 2")).await,
        app.count(&count("amend", "= 2")).await,
        app.count(&count("%", "< 2")).await,
    );
    assert!(s + o + a > 3, "the demo has opinions on 第四条");
    let expected = if e > 0 {
        format!("赞成 {s} · 反对 {o} · 修改建议 {a}；上一稿中对本条的 {e} 条意见")
    } else {
        format!("赞成 {s} · 反对 {o} · 修改建议 {a}")
    };
    let art4 = page.body.split("id=\"art-4\"").nth(1).unwrap();
    assert!(art4.contains(&expected), "第四条 {expected}: {art4}");
    // The busiest article heads the list of 意见最多的条款, counted as its own page counts:
    // the article with its paragraphs and items, every version.
    let per_unit: Vec<(String, i64)> = sqlx::query_as(
        "select unit_uid, count(*) from comment where status = 'published' group by unit_uid",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let mut per_article = std::collections::BTreeMap::<String, i64>::new();
    for (uid, n) in per_unit {
        *per_article
            .entry(uid.split("-p-").next().unwrap().to_string())
            .or_default() += n;
    }
    let top = per_article.iter().max_by_key(|(_, n)| **n).unwrap();
    let busiest = page
        .body
        .split("意见最多的条款")
        .nth(1)
        .expect("busiest list");
    let first = busiest.split("<li>").nth(1).unwrap();
    assert!(
        first.contains(&format!("href=\"#{}\"", top.0))
            && first.contains(&format!("（{} 条公开意见）", top.1)),
        "{top:?}: {first}"
    );
    let own = app
        .get(
            &format!("/drafts/changji-urban-heating/comment/{}", top.0),
            None,
        )
        .await;
    assert!(
        own.body.contains(&format!("（各稿合计）共 {} 条", top.1)),
        "the article's page counts the same {top:?}"
    );
    let e1 = app
        .count(&count("%", "< 2").replace("art-4", "art-1"))
        .await;
    assert!(e1 >= 2);
    assert!(
        page.body.contains(&format!("上一稿中对本条的 {e1} 条意见")),
        "第一条's earlier comments"
    );
    assert!(
        page.body
            .contains(&format!("href=\"/drafts/{SLUG}/comment/art-1\"")),
        "open articles link to the form"
    );
    assert!(
        !page
            .body
            .contains(&format!("/drafts/{SLUG}/comment/art-15\"")),
        "no form link on a part that is not open"
    );
}
