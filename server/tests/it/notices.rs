//! Distribution of published parts to the stations: notices, e-mails in the same transaction,
//! and the operator's confirmation.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;

const SLUG: &str = "changji-urban-heating";

#[tokio::test]
async fn publishing_notifies_every_active_station_and_operators_confirm() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (name, password) = app.account(Role::Station).await;
    let operator = app.login_as(&name, &password).await;
    let committee = app.login(Role::Committee).await;
    let active = app
        .count("select count(*) from station where active = 1")
        .await;
    let before = app.count("select count(*) from notice").await;
    let mails = app.count("select count(*) from outbox").await;

    // A publish that fails stores nothing: no notices, no mail.
    let res = app
        .post_form(
            "/api/drafts/publish",
            &[
                ("slug", SLUG),
                ("chapter", "99"),
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T18:00"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(app.count("select count(*) from notice").await, before);
    assert_eq!(app.count("select count(*) from outbox").await, mails);

    let res = app
        .post_form(
            "/api/drafts/publish",
            &[
                ("slug", SLUG),
                ("chapter", "3"),
                ("opens_at", "2030-01-01T09:00"),
                ("closes_at", "2030-02-01T18:00"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.count("select count(*) from notice").await,
        before + active
    );
    let with_email = app
        .count("select count(*) from station where active = 1 and email <> ''")
        .await;
    assert_eq!(
        app.count("select count(*) from outbox").await,
        mails + with_email
    );

    // The operator sees the notice and confirms it, once.
    let page = app.get("/station/notices", Some(&operator)).await;
    assert!(
        page.body.contains("第三章") && page.body.contains("已送达"),
        "{}",
        page.body
    );
    let id: i64 = sqlx::query_scalar(
        "select n.id from notice n join account a on a.station_id = n.station_id where a.name = $1",
    )
    .bind(&name)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let res = app
        .post_plain_form(
            "/api/notices/confirm",
            &[("id", &id.to_string())],
            Some(&operator),
            "/station/notices",
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let page = app.get("/station/notices", Some(&operator)).await;
    assert!(page.body.contains("已确认"), "{}", page.body);
    let res = app
        .post_form(
            "/api/notices/confirm",
            &[("id", &id.to_string())],
            Some(&operator),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "confirming twice is harmless");

    // Another station's notice cannot be confirmed by this operator.
    let other: i64 =
        sqlx::query_scalar("select id from notice where id <> $1 and status = 'delivered' limit 1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let res = app
        .post_form(
            "/api/notices/confirm",
            &[("id", &other.to_string())],
            Some(&operator),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count(&format!(
            "select count(*) from notice where id = {other} and status = 'delivered'"
        ))
        .await,
        1
    );
}
