//! Login, logout, sessions, the login rate limit, and the request guards.

use crate::support::*;
use app::auth::Role;
use app::ssr::Settings;
use http::StatusCode;

#[tokio::test]
async fn login_without_javascript_redirects_and_sets_a_strict_cookie() {
    let app = TestApp::new().await;
    let (name, password) = app.account(Role::Committee).await;
    let res = app
        .post_plain_form(
            "/api/auth/login",
            &[
                ("name", &name),
                ("password", &password),
                ("next", "/account"),
            ],
            None,
            "/login?next=/account",
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(res.header("location"), Some("/account"));
    let raw = res.header("set-cookie").expect("cookie set").to_string();
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
        "{raw}"
    );
    let cookie = res.set_cookie("yj_session").unwrap();

    let page = app.get("/account", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("测试起草委员会"),
        "header shows the user"
    );
    assert!(page.body.contains(&name));
}

#[tokio::test]
async fn login_refuses_offsite_next() {
    let app = TestApp::new().await;
    let (name, password) = app.account(Role::Admin).await;
    let res = app
        .post_plain_form(
            "/api/auth/login",
            &[
                ("name", &name),
                ("password", &password),
                ("next", "//evil.example/x"),
            ],
            None,
            "/login",
        )
        .await;
    assert_eq!(res.header("location"), Some("/"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_message_and_no_session() {
    let app = TestApp::new().await;
    let (name, _) = app.account(Role::Citizen).await;
    for (n, p) in [
        (name.as_str(), "not-the-password"),
        ("nobody-here", "whatever-pass"),
    ] {
        let res = app
            .post_form("/api/auth/login", &[("name", n), ("password", p)], None)
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.body, "\"BadCredentials\"");
        assert!(res.set_cookie("yj_session").is_none());
    }
    assert_eq!(app.count("select count(*) from session").await, 0);

    // Without JavaScript the message travels in a one-time cookie and is shown on the form.
    let res = app
        .post_plain_form(
            "/api/auth/login",
            &[("name", &name), ("password", "nope-nope")],
            None,
            "/login",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.header("location"),
        Some("/login#form-error"),
        "no field error: the summary"
    );
    assert_eq!(res.header("x-yijian-error-status"), Some("401"));
    let flash = res.set_cookie("yj_flash").expect("flash cookie");
    let page = app.get("/login", Some(&flash)).await;
    assert!(page.body.contains("用户名或密码错误"), "{}", page.body);
    assert!(
        page.headers
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("yj_flash=;")),
        "the flash is cleared once shown"
    );
}

#[tokio::test]
async fn logout_ends_the_session_everywhere() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Station).await;
    assert_eq!(app.count("select count(*) from session").await, 1);
    let res = app
        .post_plain_form("/api/auth/logout", &[], Some(&cookie), "/")
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert!(res.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(app.count("select count(*) from session").await, 0);
    let page = app.get("/account", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("请先登录"));
}

#[tokio::test]
async fn expired_session_is_refused_with_its_own_message() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Admin).await;
    sqlx::query("update session set expires_at = 1")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/api/admin/users/create",
            &[
                ("name", "x-late"),
                ("display_name", "x"),
                ("role", "citizen"),
                ("password", "long-enough-pw"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.body, r#"{"Unauthorized":{"expired":true}}"#);
    assert_eq!(
        app.count("select count(*) from account where name = 'x-late'")
            .await,
        0
    );
    let page = app.get("/", Some(&cookie)).await;
    assert!(
        page.body.contains("登录已过期"),
        "page tells the user the session ended"
    );
}

#[tokio::test]
async fn login_is_rate_limited_per_account_even_with_the_right_password() {
    let app = TestApp::new().await;
    let (name, password) = app.account(Role::Committee).await;
    for _ in 0..5 {
        let res = app
            .post_form(
                "/api/auth/login",
                &[("name", &name), ("password", "wrong-one")],
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    let res = app
        .post_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.header("retry-after"), Some("900"));
    assert!(res.set_cookie("yj_session").is_none());
    let plain = app
        .post_plain_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
            "/login",
        )
        .await;
    let flash = plain.set_cookie("yj_flash").unwrap();
    let page = app.get("/login", Some(&flash)).await;
    assert!(page.body.contains("操作过于频繁"), "Chinese message shown");
}

#[tokio::test]
async fn login_is_rate_limited_per_ip_across_accounts() {
    let app = TestApp::with_settings(Settings {
        login_max_per_ip: 3,
        ..Settings::default()
    })
    .await;
    for i in 0..3 {
        let res = app
            .post_form(
                "/api/auth/login",
                &[("name", &format!("ghost{i}")), ("password", "x-x-x-x")],
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    let (name, password) = app.account(Role::Citizen).await;
    let res = app
        .post_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn cross_site_and_originless_posts_change_nothing() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Admin).await;
    let body = encode(&[
        ("name", "csrf-victim"),
        ("display_name", "x"),
        ("role", "admin"),
        ("password", "long-enough-pw"),
    ]);
    // No Origin and no Sec-Fetch-Site.
    let req = http::Request::post("/api/admin/users/create")
        .header("host", HOST)
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body.clone()))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.body, "\"CrossSite\"");
    // A browser saying the form came from another site, shown a Chinese page.
    let req = http::Request::post("/api/admin/users/create")
        .header("host", HOST)
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("accept", "text/html")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("请求来源无法验证"));
    assert_eq!(
        app.count("select count(*) from account where name = 'csrf-victim'")
            .await,
        0
    );
}

#[tokio::test]
async fn oversized_and_non_utf8_forms_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Admin).await;
    let huge = format!(
        "name=big&display_name={}&role=citizen&password=long-enough-pw",
        "x".repeat(70 * 1024)
    );
    let res = app
        .post_raw("/api/admin/users/create", huge, Some(&cookie), false)
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    let res = app
        .post_raw(
            "/api/admin/users/create",
            "name=bad%FF&display_name=x&role=citizen&password=long-enough-pw",
            Some(&cookie),
            true,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("UTF-8"));
    assert_eq!(
        app.count("select count(*) from account where name in ('big', 'bad')")
            .await,
        0
    );
}

#[tokio::test]
async fn citizen_cannot_call_committee_only_functions() {
    let app = TestApp::new().await;
    let cookie = app.login(Role::Citizen).await;
    let res = app
        .post_form(
            "/api/admin/users/create",
            &[
                ("name", "sneaky"),
                ("display_name", "x"),
                ("role", "admin"),
                ("password", "long-enough-pw"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.body, "\"Forbidden\"");
    let plain = app
        .post_plain_form(
            "/api/admin/users/create",
            &[
                ("name", "sneaky"),
                ("display_name", "x"),
                ("role", "admin"),
                ("password", "long-enough-pw"),
            ],
            Some(&cookie),
            "/admin/users",
        )
        .await;
    assert_eq!(plain.header("x-yijian-error-status"), Some("403"));
    assert_eq!(
        app.count("select count(*) from account where name = 'sneaky'")
            .await,
        0
    );
}

#[tokio::test]
async fn deactivating_an_account_logs_it_out() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    let (name, password) = app.account(Role::Committee).await;
    let victim = app.login_as(&name, &password).await;
    let id: i64 = sqlx::query_scalar("select id from account where name = $1")
        .bind(&name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/api/admin/users/active",
            &[("id", &id.to_string()), ("active", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post_form(
            "/api/account/password",
            &[("current", &password), ("new_password", "another-long-pw")],
            Some(&victim),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = app
        .post_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn admin_creates_accounts_with_validation() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    let res = app
        .post_form(
            "/api/admin/users/create",
            &[
                ("name", "有空 格"),
                ("display_name", ""),
                ("role", "station"),
                ("password", "short"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = serde_json::from_str(&res.body).unwrap();
    let app::error::AppError::Validation(fields) = err else {
        panic!("{}", res.body)
    };
    let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["name", "display_name", "password", "station"]);

    app.station("昌吉市").await;
    let res = app
        .post_form(
            "/api/admin/users/create",
            &[
                ("name", "op.changji"),
                ("display_name", "昌吉市管理员"),
                ("role", "station"),
                ("station", "昌吉市"),
                ("password", "long-enough-pw"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post_form(
            "/api/admin/users/create",
            &[
                ("name", "op.changji"),
                ("display_name", "重复"),
                ("role", "citizen"),
                ("password", "long-enough-pw"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let op = app.login_as("op.changji", "long-enough-pw").await;
    let page = app.get("/account", Some(&op)).await;
    assert!(
        page.body.contains("昌吉市"),
        "station shown on the account page"
    );
}

#[tokio::test]
async fn an_admin_reset_password_must_be_changed_before_anything_else() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    let (name, password) = app.account(Role::Committee).await;
    let before = app.login_as(&name, &password).await;
    let id: i64 = sqlx::query_scalar("select id from account where name = $1")
        .bind(&name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // A weak temporary password is refused and changes nothing.
    let res = app
        .post_form(
            "/api/admin/users/reset-password",
            &[("id", &id.to_string()), ("password", "1234567890")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        app.get("/committee/moderation", Some(&before)).await.status,
        StatusCode::OK
    );
    let temporary = "河流 temporary 9 铅笔 walnut";
    let res = app
        .post_form(
            "/api/admin/users/reset-password",
            &[("id", &id.to_string()), ("password", temporary)],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The old session is gone, and so is the old password.
    let res = app.get("/committee/moderation", Some(&before)).await;
    assert_ne!(res.status, StatusCode::OK);
    let res = app
        .post_form(
            "/api/auth/login",
            &[("name", &name), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // With the temporary password every page leads to the password form, every other call is
    // refused, until the user sets their own.
    let cookie = app.login_as(&name, temporary).await;
    let res = app.get("/committee/moderation", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.header("location"), Some("/account?must=1"));
    let page = app.get("/account?must=1", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("管理员已为您重置密码"), "{}", page.body);
    let res = app
        .post_form("/api/moderation/queue", &[], Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let own = "我自己的 new passphrase 42 海燕";
    let res = app
        .post_form(
            "/api/account/password",
            &[("current", temporary), ("new_password", own)],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get("/committee/moderation", Some(&cookie)).await.status,
        StatusCode::OK
    );
    // The admin cannot reset their own password this way.
    let admin_id: i64 =
        sqlx::query_scalar("select id from account where role = 'admin' order by id desc limit 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let res = app
        .post_form(
            "/api/admin/users/reset-password",
            &[("id", &admin_id.to_string()), ("password", temporary)],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
}
