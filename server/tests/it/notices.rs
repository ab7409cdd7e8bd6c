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
                ("confirmed", "1"),
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
                ("confirmed", "1"),
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

#[tokio::test]
async fn a_publication_can_notify_a_subset_of_stations_by_level_and_county() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let publish = |extra: Vec<(&'static str, &'static str)>, articles: &'static str| {
        let mut form = vec![
            ("slug", SLUG),
            ("confirmed", "1"),
            ("articles", articles),
            ("opens_at", "2030-01-01T09:00"),
            ("closes_at", "2030-02-01T18:00"),
        ];
        form.extend(extra);
        form
    };
    let notices_of_last =
        "select count(*) from notice where publication_id = (select max(id) from publication)";
    // Levels 1 and 2: the prefecture and its 7 counties.
    let res = app
        .post_form(
            "/api/drafts/publish",
            &publish(vec![("levels[]", "1"), ("levels[]", "2")], "20-21"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(app.count(notices_of_last).await, 8);
    // One county: the county station and everything under it, and e-mail to those only.
    let area = app
        .count(
            "with recursive a(id) as (select id from station where level = 2 and name = '昌吉市' \
             union all select s.id from station s join a on s.parent_id = a.id) \
             select count(*) from station where active = 1 and id in (select id from a)",
        )
        .await;
    assert!(area > 10, "{area}");
    let mails = app
        .count("select count(*) from outbox where kind = 'publication_notice'")
        .await;
    let res = app
        .post_form(
            "/api/drafts/publish",
            &publish(vec![("county", "昌吉市")], "22"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(app.count(notices_of_last).await, area);
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'publication_notice'")
            .await
            - mails,
        area,
        "every demo station has an address"
    );
    // Villages of one county.
    let res = app
        .post_form(
            "/api/drafts/publish",
            &publish(vec![("county", "昌吉市"), ("levels[]", "4")], "23"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let villages = app.count(notices_of_last).await;
    assert!(villages > 0 && villages < area, "{villages} of {area}");
    // An unknown county or an empty choice is refused and stores nothing.
    let publications = app.count("select count(*) from publication").await;
    for (extra, message) in [
        (
            vec![("county", "不存在县")],
            "没有名为“不存在县”的县市联系点",
        ),
        (vec![("levels[]", "7")], "层级应为 1 到 4"),
        (
            vec![("county", "昌吉市"), ("levels[]", "1")],
            "所选范围内没有启用的联系点",
        ),
    ] {
        let res = app
            .post_form(
                "/api/drafts/publish",
                &publish(extra, "24"),
                Some(&committee),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(message), "{}", res.body);
    }
    assert_eq!(
        app.count("select count(*) from publication").await,
        publications
    );
}

/// The same publication sent several times at once (double clicks, or several servers behind a
/// proxy) is stored once, with one notice per station; the others are refused as overlapping.
#[tokio::test]
async fn the_same_publication_sent_at_once_is_stored_once() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let publications = app.count("select count(*) from publication").await;
    let notices = app.count("select count(*) from notice").await;
    let form = [
        ("slug", SLUG),
        ("confirmed", "1"),
        ("chapter", "4"),
        ("opens_at", "2031-01-01T09:00"),
        ("closes_at", "2031-02-01T18:00"),
    ];
    let calls = (0..4).map(|_| app.post_form("/api/drafts/publish", &form, Some(&committee)));
    let statuses: Vec<StatusCode> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert_eq!(
        app.count("select count(*) from publication").await,
        publications + 1
    );
    let active = app
        .count("select count(*) from station where active = 1")
        .await;
    assert_eq!(
        app.count("select count(*) from notice").await,
        notices + active
    );
}
