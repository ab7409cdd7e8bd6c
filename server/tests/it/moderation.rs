//! Moderation, public display, screening, rate limits, the challenge and the receipt e-mail.

use crate::support::*;
use app::auth::Role;
use app::comment::Moderation;
use app::ssr::Settings;
use http::StatusCode;

const SLUG: &str = "changji-urban-heating";

fn comment<'a>(uid: &'a str, reason: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", SLUG),
        ("uid", uid),
        ("stance", "amend"),
        ("reason", reason),
        ("idempotency_key", key),
    ]
}

async fn submit(app: &TestApp, form: &[(&str, &str)], cookie: Option<&str>) -> String {
    let res = app.post_form("/api/comments/submit", form, cookie).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

async fn status_of(app: &TestApp, tracking: &str) -> String {
    sqlx::query_scalar("select status from comment where tracking = $1")
        .bind(tracking)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn id_of(app: &TestApp, tracking: &str) -> i64 {
    sqlx::query_scalar("select id from comment where tracking = $1")
        .bind(tracking)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn pre_moderation_holds_comments_until_approved_and_masks_personal_data() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let reason =
        "供热不达标，请联系我13800138000或写信给 li.si@example.cn，身份证652301199001011234。";
    let mut f = comment("art-3", reason, "key-pre-000000000001");
    f.push(("contact", "13800138000"));
    let t = submit(&app, &f, None).await;
    assert_eq!(status_of(&app, &t).await, "received");
    let flags: String = sqlx::query_scalar("select flags from comment where tracking = $1")
        .bind(&t)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(flags, "phone,idcard,email");
    let unit_page = format!("/drafts/{SLUG}/comment/art-3");
    let before = app.get(&unit_page, None).await;
    assert!(
        !before.body.contains("供热不达标"),
        "not public before approval"
    );

    // The queue shows it to the committee, filtered by flag and by article.
    let committee = app.login(Role::Committee).await;
    let queue = app
        .get(
            "/committee/moderation?flag=idcard&article=3",
            Some(&committee),
        )
        .await;
    assert!(queue.body.contains("供热不达标"), "{}", queue.body);
    assert!(queue.body.contains("含身份证号") && queue.body.contains("（留有联系方式）"));
    let other = app
        .get("/committee/moderation?flag=url&article=3", Some(&committee))
        .await;
    assert!(!other.body.contains("供热不达标"));
    let citizen = app.login(Role::Citizen).await;
    let refused = app
        .post_form("/api/moderation/queue", &[], Some(&citizen))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let page = app.get("/committee/moderation", Some(&citizen)).await;
    assert!(!page.body.contains("供热不达标") && page.body.contains("没有执行此操作的权限"));

    // Approving without JavaScript returns to the queue.
    let id = id_of(&app, &t).await.to_string();
    let res = app
        .post_plain_form(
            "/api/moderation/decide",
            &[("ids[]", &id), ("decision", "approve")],
            Some(&committee),
            "/committee/moderation?status=pending",
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    assert_eq!(
        res.header("location"),
        Some("/committee/moderation?status=pending")
    );
    assert_eq!(status_of(&app, &t).await, "published");
    let after = app.get(&unit_page, None).await;
    assert!(
        after.body.contains("供热不达标，请联系我［电话已隐去］"),
        "{}",
        after.body
    );
    for private in ["13800138000", "li.si@example.cn", "652301199001011234"] {
        assert!(!after.body.contains(private), "{private} leaked");
    }
    let receipt = app.get(&format!("/receipt/{t}"), None).await;
    assert!(receipt.body.contains("已公开"));
}

#[tokio::test]
async fn rejection_needs_a_reason_which_the_author_sees() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let t = submit(
        &app,
        &comment("art-2", "与本条无关的内容。", "key-rej-000000000001"),
        None,
    )
    .await;
    let t2 = submit(
        &app,
        &comment("art-2", "另一条。", "key-rej-000000000002"),
        None,
    )
    .await;
    let committee = app.login(Role::Committee).await;
    let (id, id2) = (
        id_of(&app, &t).await.to_string(),
        id_of(&app, &t2).await.to_string(),
    );
    let res = app
        .post_form(
            "/api/moderation/decide",
            &[("ids[]", &id), ("decision", "reject")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("须说明理由"), "{}", res.body);
    // An unknown id rolls the whole bulk decision back.
    let res = app
        .post_form(
            "/api/moderation/decide",
            &[
                ("ids[]", &id),
                ("ids[]", "999999"),
                ("decision", "reject"),
                ("reason", "与本条无关"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(status_of(&app, &t).await, "received");
    let res = app
        .post_form(
            "/api/moderation/decide",
            &[
                ("ids[]", &id),
                ("ids[]", &id2),
                ("decision", "reject"),
                ("reason", "与本条无关"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body, "2");
    let receipt = app.get(&format!("/track?no={t}"), None).await;
    assert!(receipt.body.contains("未公开") && receipt.body.contains("与本条无关"));
}

#[tokio::test]
async fn post_moderation_publishes_at_once_but_holds_suspected_spam() {
    let app = TestApp::with_settings(Settings {
        moderation: Moderation::Post,
        ..Settings::default()
    })
    .await;
    server::demo::seed(&app.db).await.unwrap();
    let ok = submit(
        &app,
        &comment(
            "art-6",
            "建议增加地热供暖的扶持措施。",
            "key-post-00000000001",
        ),
        None,
    )
    .await;
    assert_eq!(status_of(&app, &ok).await, "published");
    let link = submit(
        &app,
        &comment(
            "art-6",
            "优惠供暖点击 www.cheap-heat.top",
            "key-post-00000000002",
        ),
        None,
    )
    .await;
    assert_eq!(status_of(&app, &link).await, "reviewing");
    let spam = submit(
        &app,
        &comment("art-6", "顶顶顶顶顶顶顶顶顶顶顶顶", "key-post-00000000003"),
        None,
    )
    .await;
    assert_eq!(status_of(&app, &spam).await, "reviewing");
    let page = app
        .get(&format!("/drafts/{SLUG}/comment/art-6"), None)
        .await;
    assert!(page.body.contains("建议增加地热供暖的扶持措施"));
    assert!(!page.body.contains("cheap-heat") && !page.body.contains("顶顶顶"));
    assert!(
        page.body.contains("意见提交后即公开显示"),
        "the form says how moderation works"
    );
}

#[tokio::test]
async fn a_units_public_comments_are_paginated_newest_first() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let published = app
        .count("select count(*) from comment where (unit_uid = 'art-5' or unit_uid like 'art-5-%') and status = 'published'")
        .await;
    assert!(
        published > 20,
        "the demo gives 第五条 more than one page ({published})"
    );
    let first = app
        .get(&format!("/drafts/{SLUG}/comment/art-5"), None)
        .await;
    let pages = (published + 19) / 20;
    assert!(
        first
            .body
            .contains(&format!("（各稿合计）共 {published} 条，第 1/{pages} 页")),
        "{}",
        first.body
    );
    assert!(first.body.contains("page=2"), "a link to the next page");
    let newest: String = sqlx::query_scalar(
        "select reason from comment where unit_uid = 'art-5' and status = 'published' \
         order by created_at desc, id desc limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let first_item = first.body.split("class=\"public-comment\"").nth(1).unwrap();
    assert!(first_item.contains(&newest), "newest first");
    let beyond = app
        .get(&format!("/drafts/{SLUG}/comment/art-5?page=999"), None)
        .await;
    assert!(
        beyond.body.contains(&format!("第 {pages}/{pages} 页")),
        "past the end → last page"
    );
    assert!(!first.body.contains("received"));
}

#[tokio::test]
async fn a_logged_in_citizen_sees_their_own_comments() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let me = app.login(Role::Citizen).await;
    let someone = app.login(Role::Citizen).await;
    let mine = submit(
        &app,
        &comment(
            "art-7",
            "我的意见：应急热源要提前准备。",
            "key-mine-00000000001",
        ),
        Some(&me),
    )
    .await;
    submit(
        &app,
        &comment("art-7", "别人的意见。", "key-mine-00000000002"),
        Some(&someone),
    )
    .await;
    submit(
        &app,
        &comment("art-7", "匿名的意见。", "key-mine-00000000003"),
        None,
    )
    .await;
    let page = app.get("/my/comments", Some(&me)).await;
    assert!(page.body.contains(&mine) && page.body.contains("应急热源"));
    assert!(!page.body.contains("别人的意见") && !page.body.contains("匿名的意见"));
    assert!(page.body.contains("已收到"));
    let anonymous = app.post_form("/api/comments/mine", &[], None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_email_contact_gets_a_receipt_mail_queued_with_the_comment() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let mut f = comment("art-1", "赞成。", "key-mail-00000000001");
    f.push(("contact", "wang@example.cn"));
    let t = submit(&app, &f, None).await;
    let (to, subject, body): (String, String, String) = sqlx::query_as(
        "select recipient, subject, body_text from outbox where kind = 'comment_receipt'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(to, "wang@example.cn");
    assert!(subject.contains(&t) && body.contains(&format!("/track?no={t}")));
    // A phone contact queues no mail.
    let mut f = comment("art-1", "赞成。", "key-mail-00000000002");
    f.push(("contact", "13800138000"));
    submit(&app, &f, None).await;
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'comment_receipt'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_busy_address_must_answer_a_challenge_then_is_limited() {
    let app = TestApp::with_settings(Settings {
        comment_challenge_from_per_min: 2,
        comment_per_ip_per_min: 6,
        ..Settings::default()
    })
    .await;
    server::demo::seed(&app.db).await.unwrap();
    let unit_page = format!("/drafts/{SLUG}/comment/art-8");
    assert!(!app
        .get(&unit_page, None)
        .await
        .body
        .contains("challenge_answer"));
    for i in 0..2 {
        submit(
            &app,
            &comment("art-8", "赞成。", &format!("key-busy-0000000000{i}")),
            None,
        )
        .await;
    }
    // The third without an answer is refused, and nothing is stored.
    let before = app.count("select count(*) from comment").await;
    let res = app
        .post_form(
            "/api/comments/submit",
            &comment("art-8", "赞成。", "key-busy-00000000003"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("验证问题"), "{}", res.body);
    assert_eq!(app.count("select count(*) from comment").await, before);
    // The form now carries the question; without JavaScript it is an ordinary field.
    let page = app.get(&unit_page, None).await;
    assert!(
        page.body.contains("name=\"challenge_answer\""),
        "{}",
        page.body
    );
    let question = page.body.split("请计算：").nth(1).unwrap();
    let (a, rest) = question.split_once(" 加 ").unwrap();
    let b = rest.split(' ').next().unwrap();
    let answer = (a.parse::<u32>().unwrap() + b.parse::<u32>().unwrap()).to_string();
    let token = page
        .body
        .split("name=\"challenge_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut wrong = comment("art-8", "赞成。", "key-busy-00000000004");
    let bad = (answer.parse::<u32>().unwrap() + 1).to_string();
    wrong.extend([
        ("challenge_token", token.as_str()),
        ("challenge_answer", bad.as_str()),
    ]);
    let res = app.post_form("/api/comments/submit", &wrong, None).await;
    assert!(res.body.contains("答案不正确"), "{}", res.body);
    let mut right = comment("art-8", "赞成。", "key-busy-00000000005");
    right.extend([
        ("challenge_token", token.as_str()),
        ("challenge_answer", answer.as_str()),
    ]);
    submit(&app, &right, None).await;
    // A solved challenge is spent.
    let mut again = comment("art-8", "赞成。", "key-busy-00000000006");
    again.extend([
        ("challenge_token", token.as_str()),
        ("challenge_answer", answer.as_str()),
    ]);
    let res = app.post_form("/api/comments/submit", &again, None).await;
    assert!(res.body.contains("已使用过"), "{}", res.body);
    // Past the hard limit: 429 with Retry-After and a Chinese message.
    let res = app
        .post_form(
            "/api/comments/submit",
            &comment("art-8", "赞成。", "key-busy-00000000007"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.header("retry-after").is_some());
    let err: app::error::AppError = serde_json::from_str(&res.body).unwrap();
    assert!(err.message().contains("操作过于频繁"), "{}", err.message());
    // A retry of an already stored comment still gets its receipt.
    let res = app
        .post_form(
            "/api/comments/submit",
            &comment("art-8", "赞成。", "key-busy-00000000000"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn one_contact_is_limited_per_hour() {
    let app = TestApp::with_settings(Settings {
        comment_per_contact_per_hour: 2,
        ..Settings::default()
    })
    .await;
    server::demo::seed(&app.db).await.unwrap();
    for i in 0..3 {
        let key = format!("key-contact-000000{i}");
        let mut f = comment("art-1", "赞成。", &key);
        // Case does not make a new contact.
        let contact = if i == 2 {
            "Zhao@Example.cn"
        } else {
            "zhao@example.cn"
        };
        f.push(("contact", contact));
        let res = app.post_form("/api/comments/submit", &f, None).await;
        let expected = if i < 2 {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status, expected, "{i}: {}", res.body);
    }
}

#[tokio::test]
async fn bad_moderation_input_is_refused_precisely_and_changes_nothing() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    for (form, expected) in [
        (vec![("status", "whatever")], "未知的审核状态"),
        (vec![("flag", "nonsense")], "未知的标记"),
    ] {
        let res = app
            .post_form("/api/moderation/queue", &form, Some(&committee))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(expected), "{}", res.body);
    }
    let published = app
        .count("select count(*) from comment where status = 'published'")
        .await;
    let id: i64 = sqlx::query_scalar("select min(id) from comment where status = 'received'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let id = id.to_string();
    for (form, expected) in [
        (
            vec![("ids[]", id.as_str()), ("decision", "delete")],
            "请选择",
        ),
        (vec![("decision", "approve")], "请至少勾选一条意见"),
        (vec![("ids[]", "abc"), ("decision", "approve")], "表单字段"),
    ] {
        let res = app
            .post_form("/api/moderation/decide", &form, Some(&committee))
            .await;
        assert!(res.status.is_client_error(), "{}", res.body);
        let err: app::error::AppError = serde_json::from_str(&res.body).unwrap();
        assert!(
            err.message().contains(expected),
            "{expected}: {}",
            err.message()
        );
    }
    assert_eq!(
        app.count("select count(*) from comment where status = 'published'")
            .await,
        published
    );
}
