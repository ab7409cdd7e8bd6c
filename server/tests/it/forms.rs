//! Nothing typed is lost: a refused form comes back as it was typed with its errors beside the
//! fields, receipts repeat the text to its writer only, a mistyped lookup stays in its box.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;

const SLUG: &str = "changji-urban-heating";

/// The cookie pairs a response sets, ready to send back.
fn cookies(res: &TestResponse) -> String {
    res.headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .filter(|c| !c.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn a_refused_comment_comes_back_as_typed_with_the_error_beside_its_field() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let page = format!("/drafts/{SLUG}/comment/art-1");
    let reason = "供热价格应当每年公开成本监审结果，接受居民监督。".repeat(20);
    let form = [
        ("slug", SLUG),
        ("uid", "art-1"),
        ("stance", "oppose"),
        ("reason", reason.as_str()),
        ("region", "昌吉市宁边路街道"),
        ("category", "个人"),
        ("contact", "1234567"),
        ("idempotency_key", "forms-test-key-000001"),
    ];
    let res = app
        .post_plain_form("/api/comments/submit", &form, None, &page)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // A field is in error: no fragment, so the browser focuses (and shows) that field.
    assert_eq!(res.header("location"), Some(page.as_str()));
    let back = app.get(&page, Some(&cookies(&res))).await;
    assert!(back.body.contains(&reason), "the reason is back");
    assert!(
        back.body.contains("value=\"昌吉市宁边路街道\""),
        "the region is back"
    );
    assert!(
        back.body.contains("value=\"1234567\""),
        "the contact is back"
    );
    assert!(
        back.body.contains("value=\"oppose\" required checked")
            || back.body.contains("value=\"oppose\" checked")
            || back.body.contains("checked value=\"oppose\""),
        "the stance is back"
    );
    assert!(
        back.body.contains("id=\"form-error\""),
        "the summary to land on"
    );
    let field_error = back
        .body
        .split("id=\"c-art-1-contact-error\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        field_error.contains("联系方式"),
        "the error beside the contact field"
    );
    assert!(
        back.body.contains("autofocus"),
        "the field in error has the focus"
    );
    assert!(
        back.body.contains("forms-test-key-000001"),
        "the same submission key"
    );
    // Shown once: a reload is a fresh form.
    let again = app.get(&page, Some(&cookies(&res))).await;
    assert!(!again.body.contains(&reason));
    // Corrected, it is stored once.
    let mut fixed = form.to_vec();
    fixed.retain(|(k, _)| *k != "contact");
    let res = app
        .post_plain_form("/api/comments/submit", &fixed, None, &page)
        .await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    assert_eq!(
        app.count("select count(*) from comment where idempotency_key = 'forms-test-key-000001'")
            .await,
        1
    );
    // Passwords are never kept.
    let res = app
        .post_plain_form(
            "/api/auth/login",
            &[("name", "nobody"), ("password", "secret-typed-here")],
            None,
            "/login",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let kept: Vec<String> = sqlx::query_scalar("select fields_json from form_stash")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(
        kept.iter().all(|f| !f.contains("secret-typed-here")),
        "{kept:?}"
    );
}

#[tokio::test]
async fn a_receipt_repeats_the_text_to_its_writer_only_and_a_typo_stays_in_the_box() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let res = app
        .post_plain_form(
            "/api/comments/submit",
            &[
                ("slug", SLUG),
                ("uid", "art-2"),
                ("stance", "amend"),
                ("reason", "建议写明适用范围包括工业园区。"),
                ("idempotency_key", "forms-test-key-000002"),
            ],
            None,
            &format!("/drafts/{SLUG}/comment/art-2"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let receipt = res.header("location").unwrap().to_string();
    let mine = cookies(&res);
    assert!(mine.contains("yj_mine="), "{mine}");
    let own = app.get(&receipt, Some(&mine)).await;
    assert!(own.body.contains("您提交的意见") && own.body.contains("包括工业园区"));
    let stranger = app.get(&receipt, None).await;
    assert_eq!(stranger.status, StatusCode::OK);
    assert!(
        !stranger.body.contains("包括工业园区"),
        "others see no text"
    );
    // A forged cookie proves nothing.
    let tracking = receipt.trim_start_matches("/receipt/");
    let forged = app
        .get(&receipt, Some(&format!("yj_mine={tracking}.00000000")))
        .await;
    assert!(!forged.body.contains("包括工业园区"));
    // The logged-in writer sees it from any browser.
    let (name, password) = app.account(Role::Citizen).await;
    let cookie = app.login_as(&name, &password).await;
    let res = app
        .post_form(
            "/api/comments/submit",
            &[
                ("slug", SLUG),
                ("uid", "art-2"),
                ("stance", "support"),
                ("reason", "赞成本条的写法。"),
                ("idempotency_key", "forms-test-key-000003"),
            ],
            Some(&cookie),
        )
        .await;
    let t: String = serde_json::from_str(&res.body).unwrap();
    let page = app.get(&format!("/receipt/{t}"), Some(&cookie)).await;
    assert!(page.body.contains("赞成本条的写法"));
    // A mistyped number stays in the box to be corrected.
    let typo = app.get("/track?no=YJ-ABCD-EFG", None).await;
    assert!(typo.body.contains("value=\"YJ-ABCD-EFG\""), "{}", typo.body);
}
