//! Offline intake by station operators: recording, editing, forwarding as a batch with a
//! receipt; opinion files (CSV and XLSX) all or nothing and never twice; who sees which batch;
//! the coverage dashboard, reminders and the daily digest.

use crate::support::*;
use app::account::NewAccount;
use app::auth::Role;
use http::StatusCode;
use serde_json::Value;

const SLUG: &str = "changji-urban-heating";

/// Logs in a new operator of the station.
async fn operator_at(app: &TestApp, station: i64) -> String {
    let name = format!("op-{station}-{}", rand_suffix());
    let password = "operator-password-1".to_string();
    app::account::ssr::create_account(
        &app.db,
        &NewAccount {
            name: name.clone(),
            display_name: format!("联系点管理员{station}"),
            role: Role::Station,
            station: Some(station.to_string()),
            password: password.clone(),
        },
    )
    .await
    .unwrap();
    app.login_as(&name, &password).await
}

fn rand_suffix() -> String {
    format!("{:08x}", rand::random::<u32>())
}

fn today() -> String {
    app::draft::time::format_day(app::ssr::now_ms())
}

/// A village station, its township, and a village under another township.
async fn three_stations(app: &TestApp) -> (i64, i64, i64) {
    let (village, township): (i64, i64) = sqlx::query_as(
        "select id, parent_id from station where level = 4 and email <> '' \
         and parent_id not in (select station_id from station_batch) \
         and id not in (select station_id from station_batch) order by id limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let other: i64 = sqlx::query_scalar(
        "select id from station where level = 4 and parent_id <> $1 order by id limit 1",
    )
    .bind(township)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    (village, township, other)
}

fn opinion<'a>(unit: &'a str, text: &'a str, date: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", SLUG),
        ("unit", unit),
        ("stance", "amend"),
        ("text", text),
        ("method", "meeting"),
        ("residents", "15"),
        ("collected_on", date),
    ]
}

/// An article of the demo draft whose part has not opened yet.
async fn upcoming_article(app: &TestApp) -> String {
    let uids: String = sqlx::query_scalar(
        "select article_uids from publication where opens_at > $1 order by id limit 1",
    )
    .bind(app::ssr::now_ms())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    serde_json::from_str::<Vec<String>>(&uids).unwrap()[0].clone()
}

#[tokio::test]
async fn operators_record_edit_and_forward_batches_that_upper_stations_see() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (village, township, other) = three_stations(&app).await;
    let op = operator_at(&app, village).await;
    let upper = operator_at(&app, township).await;
    let stranger = operator_at(&app, other).await;
    let committee = app.login(Role::Committee).await;
    let day = today();
    let comments = app.count("select count(*) from comment").await;

    // Bad input: a unit that does not exist, a part not open yet, a bad date, no text, a forged
    // method, zero residents. Each gets its message; nothing is stored.
    let upcoming = upcoming_article(&app).await;
    for (form, field, needle) in [
        (opinion("999", "意见", &day), "unit", "找不到“999”"),
        (opinion(&upcoming, "意见", &day), "unit", "不接受意见"),
        (
            opinion("1", "意见", "2026-02-30"),
            "collected_on",
            "收集日期",
        ),
        (
            opinion("1", "意见", "2999-01-01"),
            "collected_on",
            "晚于今天",
        ),
        (opinion("1", "   ", &day), "text", "意见内容为空"),
    ] {
        let res = app
            .post_form("/api/opinions/record", &form, Some(&op))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(
            res.body.contains(field) && res.body.contains(needle),
            "{needle}: {}",
            res.body
        );
    }
    let mut forged = opinion("1", "意见", &day);
    forged[4] = ("method", "telepathy");
    forged[5] = ("residents", "0");
    let res = app
        .post_form("/api/opinions/record", &forged, Some(&op))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("收集方式") && res.body.contains("代表人数"),
        "{}",
        res.body
    );
    let own = format!("select count(*) from station_opinion where station_id = {village}");
    assert_eq!(app.count(&own).await, 0);

    // Record two (by number and by 第…条第…款), without JavaScript too.
    let res = app
        .post_form(
            "/api/opinions/record",
            &opinion("1", "建议明确适用范围。", &day),
            Some(&op),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let first: i64 = res.body.trim().parse().unwrap();
    let res = app
        .post_plain_form(
            "/api/opinions/record",
            &opinion("第二条", "供热单位的定义不清。", &day),
            Some(&op),
            "/station/opinions",
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert!(res.header("location").unwrap().contains("saved="));
    let page = app
        .get(&format!("/station/opinions?draft={SLUG}"), Some(&op))
        .await;
    assert!(
        page.body.contains("建议明确适用范围。")
            && page.body.contains("待报送的意见（2 条，代表群众 30 人）"),
        "{}",
        page.body
    );

    // Another station can neither read nor change it; the operator can.
    assert_eq!(
        edit(&app, &stranger, first, "篡改", &day).await.status,
        StatusCode::NOT_FOUND
    );
    let res = app
        .post_form(
            "/api/opinions/delete",
            &[("id", &first.to_string()), ("confirmed", "1")],
            Some(&stranger),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = edit(&app, &op, first, "建议明确本条例的适用范围。", &day).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Forward: one batch, a receipt, a comment with a tracking number per opinion, a receipt
    // e-mail to the station, all at once.
    let mails = app
        .count("select count(*) from outbox where kind = 'batch_receipt'")
        .await;
    let res = app
        .post_form(
            "/api/batches/forward",
            &[("slug", SLUG), ("note", "11月20日村民座谈会")],
            Some(&op),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let receipt: String = serde_json::from_str(&res.body).unwrap();
    assert!(
        receipt.starts_with("BS-") && receipt.len() == 12,
        "{receipt}"
    );
    assert_eq!(
        app.count("select count(*) from comment").await,
        comments + 2
    );
    let stored: Vec<(String, String, i64, String, Option<i64>)> = sqlx::query_as(
        "select c.tracking, c.channel, c.residents, c.reason, c.station_id from comment c \
         join station_batch b on b.id = c.batch_id where b.receipt = $1 order by c.id",
    )
    .bind(&receipt)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|r| r.0.starts_with("YJ-") && r.1 == "station" && r.2 == 15 && r.4 == Some(village)));
    assert_eq!(stored[0].3, "建议明确本条例的适用范围。");
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'batch_receipt'")
            .await,
        mails + 1
    );
    let (opinions, residents): (i64, i64) =
        sqlx::query_as("select opinions, residents from station_batch where receipt = $1")
            .bind(&receipt)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((opinions, residents), (2, 30));

    // Forwarded is final; forwarding again has nothing to send.
    assert_eq!(
        edit(&app, &op, first, "再改", &day).await.status,
        StatusCode::CONFLICT
    );
    let res = app
        .post_form(
            "/api/opinions/delete",
            &[("id", &first.to_string()), ("confirmed", "1")],
            Some(&op),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = app
        .post_form(
            "/api/batches/forward",
            &[("slug", SLUG), ("note", "")],
            Some(&op),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);

    // The village and its township see the batch; a village elsewhere does not; the committee
    // sees it.
    for (who, sees) in [
        (&op, true),
        (&upper, true),
        (&stranger, false),
        (&committee, true),
    ] {
        let list = app.post_form("/api/batches/list", &[], Some(who)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.body.contains(&receipt), sees, "{}", list.body);
        let one = app
            .post_form("/api/batches/get", &[("receipt", &receipt)], Some(who))
            .await;
        assert_eq!(one.status.is_success(), sees, "{}", one.body);
    }
    let page = app
        .get(&format!("/station/batches/{receipt}"), Some(&upper))
        .await;
    assert!(
        page.body.contains(&stored[0].0) && page.body.contains("11月20日村民座谈会"),
        "{}",
        page.body
    );
    // The citizen-facing receipt page knows the forwarded opinion.
    let res = app
        .post_form("/api/comments/receipt", &[("tracking", &stored[1].0)], None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

async fn edit(app: &TestApp, who: &str, id: i64, text: &str, day: &str) -> TestResponse {
    let id = id.to_string();
    let mut f = opinion("1", text, day);
    f[0] = ("id", &id);
    app.post_form("/api/opinions/update", &f, Some(who)).await
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from("条款,意见类型,意见内容,收集方式,代表人数,收集日期\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

async fn import(
    app: &TestApp,
    who: &str,
    mode: &str,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let res = app
        .post_multipart(
            "/api/opinions/import",
            &[("slug", SLUG), ("mode", mode)],
            Some((name, bytes)),
            Some(who),
            false,
        )
        .await;
    (
        res.status,
        serde_json::from_str(&res.body).unwrap_or(Value::String(res.body)),
    )
}

#[tokio::test]
async fn opinion_files_import_all_or_nothing_and_never_twice() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (village, _, _) = three_stations(&app).await;
    let op = operator_at(&app, village).await;
    let day = today();
    let upcoming = upcoming_article(&app).await;
    let own = format!("select count(*) from station_opinion where station_id = {village}");
    let stored = || app.count(&own);

    // Errors: each with its row number and reason; the default mode imports nothing.
    let bad = csv(&[
        &format!("1,赞成,好,座谈会,3,{day}"),
        &format!("999,赞成,没有这条,座谈会,3,{day}"),
        &format!("{upcoming},反对,未开放,走访,1,{day}"),
        "2,修改建议,日期错,来信,1,2026-13-45",
        &format!("2,中立,类型错,电话,1,{day}"),
    ]);
    let (status, body) = import(&app, &op, "all", "bad.csv", &bad).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["refused"].as_bool(), Some(true), "{body}");
    assert_eq!(body["imported"].as_i64(), Some(0));
    let msg = body.to_string();
    for needle in [
        "\"line\":3",
        "999",
        "\"line\":4",
        "不接受意见",
        "\"line\":5",
        "收集日期",
        "\"line\":6",
        "意见类型",
    ] {
        assert!(msg.contains(needle), "{needle}: {msg}");
    }
    assert!(!msg.contains("\"line\":2"), "{msg}");
    assert_eq!(stored().await, 0);
    // Checking reports the same and stores nothing either.
    let (status, checked) = import(&app, &op, "check", "bad.csv", &bad).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(checked["errors"].as_array().map(Vec::len), Some(4));
    assert_eq!(stored().await, 0);
    // Without JavaScript: the page shows the problems row by row, and the kept file is imported
    // (only its valid rows) without choosing it again.
    let file_id = checked["file_id"].as_str().unwrap().to_string();
    let page = app
        .get(
            &format!("/station/opinions?draft={SLUG}&import={file_id}&outcome=checked"),
            Some(&op),
        )
        .await;
    assert!(page.body.contains("4 行有问题（共 4 处）"), "{}", page.body);
    assert!(page.body.contains("第 5 行") && page.body.contains("只导入正确的 1 行"));
    assert!(
        page.body.contains(&format!("value=\"{file_id}\"")),
        "the file is kept"
    );
    // Someone else cannot use the kept file.
    let other = operator_at(&app, village).await;
    let res = app
        .post_multipart(
            "/api/opinions/import",
            &[("slug", SLUG), ("mode", "valid"), ("file_id", &file_id)],
            None,
            Some(&other),
            false,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // Explicitly only the valid rows, from the kept file.
    let res = app
        .post_multipart(
            "/api/opinions/import",
            &[("slug", SLUG), ("mode", "valid"), ("file_id", &file_id)],
            None,
            Some(&op),
            false,
        )
        .await;
    let (status, body): (StatusCode, Value) =
        (res.status, serde_json::from_str(&res.body).unwrap());
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["imported"].as_i64(),
            body["errors"].as_array().map(Vec::len)
        ),
        (Some(1), Some(4))
    );
    assert_eq!(stored().await, 1);

    // A clean file: checked (nothing stored), imported, imported again (nothing new).
    let good = csv(&[
        &format!("1,赞成,同意第一条,座谈会,20,{day}"),
        &format!("1,赞成,同意第一条,座谈会,20,{day}"),
        &format!("第二条,修改建议,\"建议把“热用户”定义写清楚，包括单位和个人\",意见箱,1,{day}"),
    ]);
    let (status, body) = import(&app, &op, "check", "good.csv", &good).await;
    assert_eq!(
        (status, body["valid"].as_i64(), body["imported"].as_i64()),
        (StatusCode::OK, Some(3), Some(3))
    );
    assert_eq!(stored().await, 1);
    let (status, body) = import(&app, &op, "all", "good.csv", &good).await;
    assert_eq!(
        (status, body["imported"].as_i64()),
        (StatusCode::OK, Some(3)),
        "{body}"
    );
    assert_eq!(stored().await, 4);
    let (status, body) = import(&app, &op, "all", "good.csv", &good).await;
    assert_eq!(
        (status, body["imported"].as_i64(), body["already"].as_i64()),
        (StatusCode::OK, Some(0), Some(3))
    );
    assert_eq!(stored().await, 4);

    // The same rows as XLSX from the template's sheet; then a workbook with the wrong sheet.
    use app::sheet::{Cell, Sheet};
    let sheet = |name: &str, header: &[&str]| Sheet {
        name: name.into(),
        columns: header.iter().map(|h| (h.to_string(), 10.0)).collect(),
        rows: vec![vec![
            Cell::from("3"),
            Cell::from("反对"),
            Cell::from("不同意收费标准"),
            Cell::from("电话"),
            Cell::from(2),
            Cell::from(day.clone()),
        ]],
    };
    let columns = [
        "条款",
        "意见类型",
        "意见内容",
        "收集方式",
        "代表人数",
        "收集日期",
    ];
    let book =
        app::sheet::write_xlsx(&[sheet("填写说明", &["说明"]), sheet("意见", &columns)]).unwrap();
    let (status, body) = import(&app, &op, "all", "o.xlsx", &book).await;
    assert_eq!(
        (status, body["imported"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{body}"
    );
    let wrong =
        app::sheet::write_xlsx(&[sheet("Sheet1", &["姓名", "电话", "地址", "a", "b", "c"])])
            .unwrap();
    let (status, body) = import(&app, &op, "all", "wrong.xlsx", &wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.to_string().contains("没有名为“意见”的工作表") && body.to_string().contains("Sheet1"),
        "{body}"
    );
    assert_eq!(stored().await, 5);

    // 10,000 rows: refused whole, with the limit named.
    let many: Vec<String> = (0..10_000)
        .map(|i| format!("1,赞成,第{i}条意见,座谈会,1,{day}"))
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (status, body) = import(&app, &op, "all", "many.csv", &csv(&many)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("超过 5000 行"), "{body}");
    assert_eq!(stored().await, 5);

    // The templates download for operators and import back (the CSV one is just the header).
    let t = app.get("/station/opinions/template.csv", Some(&op)).await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.body.starts_with("\u{feff}条款,意见类型,意见内容"));
    let t = app.get("/station/opinions/template.xlsx", Some(&op)).await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.header("content-type").unwrap().contains("spreadsheetml"));
}

#[tokio::test]
async fn coverage_shows_who_answered_and_reminds_the_silent_ones_once() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (village, township, _) = three_stations(&app).await;
    let op = operator_at(&app, village).await;
    let committee = app.login(Role::Committee).await;
    let day = today();
    let report = || async {
        let res = app
            .post_form("/api/coverage/report", &[("slug", SLUG)], Some(&committee))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        serde_json::from_str::<Value>(&res.body).unwrap()
    };
    let before = report().await;
    let res = app
        .post_form(
            "/api/opinions/record",
            &opinion("1", "同意。", &day),
            Some(&op),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post_form(
            "/api/batches/forward",
            &[("slug", SLUG), ("note", "")],
            Some(&op),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let cov = report().await;
    let lines = cov["lines"].as_array().unwrap();
    let active = app
        .count("select count(*) from station where active = 1")
        .await;
    assert_eq!(lines.len() as i64, active);
    let line = |id: i64| {
        lines
            .iter()
            .find(|l| l["facts"]["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(line(village)["status"], "Forwarded");
    assert_eq!(line(village)["facts"]["opinions"], 1);
    assert_eq!(line(village)["facts"]["residents"], 15);
    assert_ne!(line(township)["status"], "Forwarded");
    let grew = |a: &Value, b: &Value| a.as_i64().unwrap() - b.as_i64().unwrap();
    assert_eq!(
        grew(&cov["total"]["forwarded"], &before["total"]["forwarded"]),
        1
    );
    assert_eq!(
        grew(&cov["total"]["residents"], &before["total"]["residents"]),
        15
    );
    assert_eq!(
        grew(
            &cov["by_level"][3]["opinions"],
            &before["by_level"][3]["opinions"]
        ),
        1
    );
    let county = line(village)["county"].as_str().unwrap().to_string();
    let county_row = |c: &Value| {
        c["by_county"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["label"] == county.as_str())
            .unwrap()
            .clone()
    };
    assert_eq!(
        grew(
            &county_row(&cov)["batches"],
            &county_row(&before)["batches"]
        ),
        1
    );
    let notified = cov["total"]["notified"].as_i64().unwrap();
    assert!(notified > 400, "{notified}");

    // The page renders the same, and the workbook downloads.
    let page = app
        .get(
            &format!("/committee/coverage?draft={SLUG}"),
            Some(&committee),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("尚未报送的联系点") && page.body.contains("cov-forwarded"),
        "{}",
        page.body
    );
    let x = app
        .get(
            &format!("/committee/coverage.xlsx?draft={SLUG}"),
            Some(&committee),
        )
        .await;
    assert_eq!(x.status, StatusCode::OK);
    let bad = app
        .get(
            &format!("/committee/coverage.xlsx?draft={SLUG}&part=abc"),
            Some(&committee),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // One click reminds every silent station with an address; the automatic reminder then
    // goes once per part and station, whoever calls it.
    let silent_with_mail = cov["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            matches!(l["status"].as_str(), Some("Notified" | "Confirmed"))
                && l["facts"]["has_email"] == true
        })
        .count() as i64;
    let res = app
        .post_form(
            "/api/coverage/remind",
            &[("slug", SLUG), ("confirmed", "1")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body.trim().parse::<i64>().unwrap(), silent_with_mail);
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'deadline_reminder'")
            .await,
        silent_with_mail
    );
    let reminded: String = sqlx::query_scalar(
        "select body_text from outbox where kind = 'deadline_reminder' and recipient = \
         (select email from station where id = $1)",
    )
    .bind(township)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        reminded.contains("/station/opinions?draft=changji-urban-heating"),
        "{reminded}"
    );
    let auto = app::coverage::ssr::send_deadline_reminders(&app.db, 60, "http://x")
        .await
        .unwrap();
    assert_eq!(auto as i64, silent_with_mail);
    let again = app::coverage::ssr::send_deadline_reminders(&app.db, 60, "http://x")
        .await
        .unwrap();
    assert_eq!(again, 0);
    // A part not closing within the window gets no automatic reminder.
    assert_eq!(
        app::coverage::ssr::send_deadline_reminders(&app.db, 1, "http://x")
            .await
            .unwrap(),
        0
    );

    // The daily digest: once per day, whoever sends it.
    let to = vec!["committee@example.cn".to_string()];
    assert!(
        app::coverage::ssr::send_digest(&app.db, &day, &to, "http://x")
            .await
            .unwrap()
    );
    assert!(
        !app::coverage::ssr::send_digest(&app.db, &day, &to, "http://x")
            .await
            .unwrap()
    );
    let digest: String =
        sqlx::query_scalar("select body_text from outbox where kind = 'daily_digest'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let start = app::draft::time::parse_local(&day).unwrap();
    let station_today = app
        .count(&format!("select count(*) from comment where channel = 'station' and created_at >= {start} and created_at < {}", start + 86_400_000))
        .await;
    let batches_today = app
        .count(&format!("select count(*) from station_batch where forwarded_at >= {start} and forwarded_at < {}", start + 86_400_000))
        .await;
    assert!(batches_today >= 1);
    assert!(
        digest.contains(&format!(
            "联系点意见 {station_today} 条（{batches_today} 批）"
        )),
        "{digest}"
    );
}

#[tokio::test]
async fn admins_rename_move_and_deactivate_a_station() {
    let app = TestApp::new().await;
    server::demo::seed_stations(&app.db).await.unwrap();
    let admin = app.login(Role::Admin).await;
    let (village, township, _) = three_stations(&app).await;
    let (name, region): (String, String) =
        sqlx::query_as("select name, region_code from station where id = $1")
            .bind(village)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let other: (i64, String) = sqlx::query_as(
        "select id, name from station where level = 3 and id <> $1 order by id limit 1",
    )
    .bind(township)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let id = village.to_string();
    let form = |name: &str, parent: &str, email: &str, active: &str| {
        vec![
            ("id".to_string(), id.clone()),
            ("name".to_string(), name.to_string()),
            ("parent".to_string(), parent.to_string()),
            ("region_code".to_string(), region.clone()),
            ("email".to_string(), email.to_string()),
            ("active".to_string(), active.to_string()),
        ]
    };
    let post = |f: Vec<(String, String)>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> =
                f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post_form("/api/stations/update", &pairs, Some(&admin))
                .await
        }
    };
    // Bad moves and names are refused with the reason; nothing changes.
    for (f, needle) in [
        (form(&name, "不存在的镇", "", "1"), "没有名为“不存在的镇”"),
        (
            form(&name, "昌吉回族自治州", "", "1"),
            "没有名为“昌吉回族自治州”的乡镇街道级",
        ),
        (form("", &other.1, "", "1"), "名称"),
        (form(&name, &other.1, "not-an-address", "1"), "邮箱"),
    ] {
        let res = post(f).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(needle), "{needle}: {}", res.body);
    }
    let parent: i64 = sqlx::query_scalar("select parent_id from station where id = $1")
        .bind(village)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(parent, township);
    // A move under another township, renamed, with an address, deactivated.
    let res = post(form("新名村", &other.1, "xin@example.cn", "")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (n, p, e, a): (String, i64, String, i64) =
        sqlx::query_as("select name, parent_id, email, active from station where id = $1")
            .bind(village)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (n.as_str(), p, e.as_str(), a),
        ("新名村", other.0, "xin@example.cn", 0)
    );
    let page = app
        .get(&format!("/admin/stations/{village}"), Some(&admin))
        .await;
    assert!(page.body.contains("新名村"), "{}", page.body);
}

#[tokio::test]
async fn station_lists_round_trip_through_xlsx() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let admin = app.login(Role::Admin).await;
    let x = app.get("/admin/stations.xlsx", Some(&admin)).await;
    assert_eq!(x.status, StatusCode::OK);
    let rows = app::station::ssr::export(&app.db).await.unwrap();
    let book = app::station::csv::write_xlsx(&rows).unwrap();
    let parsed = app::station::csv::parse(&book).unwrap();
    assert_eq!(parsed.len(), 437);
    let summary = app::station::ssr::check(&app.db, &parsed).await.unwrap();
    assert_eq!(
        (summary.created, summary.updated, summary.unchanged),
        (0, 0, 437)
    );
}
