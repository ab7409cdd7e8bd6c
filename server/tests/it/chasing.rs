//! 督办 beyond the per-unit list: reminders to the lead unit before and after the deadline (each
//! once, whichever server gets there first), 重点督办 by a named leader seen on the office's, the
//! unit's and the public pages, a unit's request to hand a suggestion to another unit (refused
//! with a reply, then granted), and the monthly/quarterly report with known figures, as a page,
//! a workbook and a PDF.

use crate::support::*;
use app::auth::Role;
use app::draft::time::{format_day, parse_local};
use app::suggestion::chase;
use http::StatusCode;

const DAY: i64 = 86_400_000;

fn at(s: &str) -> i64 {
    parse_local(s).unwrap_or_else(|| panic!("a time: {s}"))
}

async fn account_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("select id from account where name = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// A unit with an e-mail address (or none) and an operator; returns (unit, operator's cookie).
async fn unit_with_operator(app: &TestApp, name: &str, email: &str, login: &str) -> (i64, String) {
    let unit = app::suggestion::ssr::create_unit(&app.db, name, "department", email)
        .await
        .unwrap();
    let password = format!("{login}-password-long");
    app::suggestion::ssr::create_unit_operator(
        &app.db,
        unit,
        &app::account::NewAccount {
            name: login.into(),
            display_name: format!("{name}经办人"),
            role: Role::Unit,
            station: None,
            password: password.clone(),
        },
    )
    .await
    .unwrap();
    (unit, app.login_as(login, &password).await)
}

/// A suggestion of the test station written directly with its story's times: handed to
/// `unit` as lead at `assigned` with `deadline` (none: still waiting).
async fn suggestion(
    app: &TestApp,
    title: &str,
    author: i64,
    station: i64,
    unit: Option<i64>,
    assigned: i64,
    deadline: i64,
) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "insert into suggestion (tracking, title, body, author_id, station_id, status, \
         assigned_at, deadline_at, created_at, updated_at) \
         values ($1, $2, '内容', $3, $4, $5, $6, $7, $8, $8) returning id",
    )
    .bind(app::comment::tracking::make(
        rand::random::<u64>() & ((1 << 35) - 1),
    ))
    .bind(title)
    .bind(author)
    .bind(station)
    .bind(if unit.is_some() {
        "assigned"
    } else {
        "submitted"
    })
    .bind(unit.map(|_| assigned))
    .bind(unit.map(|_| deadline))
    .bind(assigned)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    if let Some(u) = unit {
        sqlx::query(
            "insert into suggestion_unit (suggestion_id, unit_id, lead) values ($1, $2, 1)",
        )
        .bind(id)
        .bind(u)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    id
}

/// The lead unit's answer to the current round at `when`, through the loop's own rule.
async fn answer(app: &TestApp, id: i64, unit: i64, by: i64, when: i64) {
    app::suggestion::ssr::answer(
        &app.db,
        &app::suggestion::ssr::NewAnswer {
            unit,
            by,
            suggestion: id,
            category: app::suggestion::AnswerCategory::Solved,
            body: "已办理。".into(),
            measures: String::new(),
            planned_on: String::new(),
        },
        "http://yijian.test",
        when,
    )
    .await
    .unwrap();
}

async fn rate(app: &TestApp, id: i64, deputy: i64, rating: app::suggestion::Rating, when: i64) {
    app::suggestion::ssr::rate(&app.db, deputy, id, rating, "评价意见", when)
        .await
        .unwrap();
}

async fn reminders(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "select recipient, subject, body_text from outbox where kind = 'handling_reminder' \
         order by id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_lead_unit_is_reminded_once_before_and_after_the_deadline() {
    let app = TestApp::new().await;
    let station = app.station("测试联系点").await;
    let (deputy, _) = app.account(Role::Deputy).await;
    let deputy = account_id(&app, &deputy).await;
    let (office, _) = app.account(Role::Office).await;
    let office = account_id(&app, &office).await;
    let (mailed, _) = unit_with_operator(&app, "州住建局", "zhujian@example.cn", "zj-op").await;
    let (silent, _) = unit_with_operator(&app, "无邮箱单位", "", "silent-op").await;
    let co = app::suggestion::ssr::create_unit(&app.db, "协办局", "department", "co@example.cn")
        .await
        .unwrap();
    let t0 = at("2027-01-10T10:00");
    let mut ids = Vec::new();
    for (title, lead, co_units) in [
        ("关于改造供热管网的建议", mailed, vec![co]),
        ("关于增设路灯的建议", silent, vec![]),
    ] {
        let id = suggestion(&app, title, deputy, station, None, 0, 0).await;
        app::suggestion::ssr::assign(
            &app.db,
            &app::suggestion::ssr::Assignment {
                by: office,
                suggestion: id,
                lead,
                co_units,
                difficult: false,
                deadline: String::new(),
            },
            "http://yijian.test",
            t0,
        )
        .await
        .unwrap();
        ids.push(id);
    }
    let (id, tracking): (i64, String) =
        sqlx::query_as("select id, tracking from suggestion where id = $1")
            .bind(ids[0])
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let deadline = app::draft::time::add_months(t0, 3);
    assert_eq!(format_day(deadline), "2027-04-10");
    let base = "http://yijian.test";

    // Far from the deadline: nothing.
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, t0 + DAY)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, deadline - 16 * DAY)
            .await
            .unwrap(),
        0
    );
    // 15 days before: the lead unit only (the co-unit answers nothing; the unit without an
    // address is skipped), once, also when a second server sharing the database runs the job.
    let before = deadline - 10 * DAY;
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, before)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, before + 3_600_000)
            .await
            .unwrap(),
        0
    );
    let other = app.another_server(app::ssr::Settings::default()).await;
    assert_eq!(
        chase::send_reminders(&other.db, 15, base, before)
            .await
            .unwrap(),
        0
    );
    let mails = reminders(&app).await;
    assert_eq!(mails.len(), 1);
    let (to, subject, body) = &mails[0];
    assert_eq!(to, "zhujian@example.cn");
    assert!(
        subject.contains("关于改造供热管网的建议") && subject.contains("2027-04-10"),
        "{subject}"
    );
    for needle in [
        "州住建局：",
        "关于改造供热管网的建议",
        tracking.as_str(),
        "2027-04-10",
        "还有 10 天",
        "http://yijian.test/unit",
    ] {
        assert!(body.contains(needle), "{needle} in {body}");
    }

    // The day it passes: 督办 once, then every 30 days overdue.
    let overdue = deadline + 3_600_000;
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, overdue)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, overdue + 5 * DAY)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        chase::send_reminders(&other.db, 15, base, deadline + 31 * DAY)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, deadline + 32 * DAY)
            .await
            .unwrap(),
        0
    );
    let mails = reminders(&app).await;
    assert_eq!(mails.len(), 3);
    assert!(mails[1].1.contains("已超过办理期限"), "{}", mails[1].1);
    assert!(mails[2].2.contains("已超期 31 天"), "{}", mails[2].2);
    assert!(mails.iter().all(|m| m.0 == "zhujian@example.cn"));

    // An extended deadline gets its own reminders; a supervised one names the leader.
    app::suggestion::ssr::extend(&app.db, id, 3, "需纳入明年预算")
        .await
        .unwrap();
    chase::supervise(&app.db, id, Some("州人大常委会副主任 张三"))
        .await
        .unwrap();
    let extended: i64 = sqlx::query_scalar("select deadline_at from suggestion where id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, extended - 5 * DAY)
            .await
            .unwrap(),
        1
    );
    let last = reminders(&app).await.pop().unwrap();
    assert!(
        last.2.contains("督办领导：州人大常委会副主任 张三"),
        "{}",
        last.2
    );
    // 0 days: no reminder before the deadline, the overdue ones still.
    assert_eq!(
        chase::send_reminders(&app.db, 0, base, extended - DAY)
            .await
            .unwrap(),
        0
    );

    // Answered: no more reminders.
    answer(&app, id, mailed, office, extended - DAY).await;
    assert_eq!(
        chase::send_reminders(&app.db, 15, base, extended + 40 * DAY)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        app.count(
            "select count(*) from outbox where kind = 'handling_reminder' and recipient = ''"
        )
        .await,
        0
    );

    // The setting is documented in `yijian serve --help`.
    let help = std::process::Command::new(yijian_bin())
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--handling-reminder-days"), "{help}");
    assert!(help.contains("YIJIAN_HANDLING_REMINDER_DAYS"), "{help}");
    assert!(help.contains("[default: 15]"), "{help}");
}

#[tokio::test]
async fn a_leader_supervises_and_the_office_the_unit_and_the_public_see_it() {
    let app = TestApp::new().await;
    let station = app.station("测试联系点").await;
    let (deputy, _) = app.account(Role::Deputy).await;
    let deputy = account_id(&app, &deputy).await;
    let (unit, unit_cookie) = unit_with_operator(&app, "州交通运输局", "", "jt-op").await;
    let office = app.login(Role::Office).await;
    let now = app::ssr::now_ms();
    let late = suggestion(
        &app,
        "关于修复村道的建议",
        deputy,
        station,
        Some(unit),
        now - 100 * DAY,
        now - 10 * DAY,
    )
    .await;
    let fresh = suggestion(
        &app,
        "关于增开公交线路的建议",
        deputy,
        station,
        Some(unit),
        now,
        now + 80 * DAY,
    )
    .await;
    let waiting = suggestion(&app, "关于增设停车场的建议", deputy, station, None, 0, 0).await;
    // A resident's request gathered into the late one: its public page.
    let tracking = app::suggestion::ssr::record_request(
        &app.db,
        station,
        deputy,
        &app::suggestion::ssr::NewRequest {
            title: "村道坑洼".into(),
            body: "雨天无法通行。".into(),
            place: "某村".into(),
            category: "交通出行".into(),
            resident_name: "王某".into(),
            resident_contact: "13800000000".into(),
        },
    )
    .await
    .unwrap();
    sqlx::query("update resident_request set suggestion_id = $1 where tracking = $2")
        .bind(late)
        .bind(&tracking)
        .execute(&app.db.pool)
        .await
        .unwrap();

    // Precise refusals: no leader named; a suggestion not in handling.
    let res = app
        .post_form(
            "/api/office/supervise",
            &[("id", &late.to_string()), ("leader", "  ")],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("请填写督办领导"), "{}", res.body);
    let res = app
        .post_form(
            "/api/office/supervise",
            &[
                ("id", &waiting.to_string()),
                ("leader", "州人大常委会副主任 张三"),
            ],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("只有办理中的建议"), "{}", res.body);
    assert_eq!(
        app.count("select count(*) from suggestion where supervised = 1")
            .await,
        0
    );

    for id in [late, fresh] {
        let res = app
            .post_form(
                "/api/office/supervise",
                &[
                    ("id", &id.to_string()),
                    ("leader", "州人大常委会副主任 张三"),
                ],
                Some(&office),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    // The office: per leader, with what is overdue.
    let res = app
        .post_form("/api/office/suggestions", &[], Some(&office))
        .await;
    let view: app::suggestion::OfficeView = serde_json::from_str(&res.body).unwrap();
    assert_eq!(view.leaders.len(), 1);
    assert_eq!(view.leaders[0].leader, "州人大常委会副主任 张三");
    assert_eq!(view.leaders[0].items.len(), 2);
    assert_eq!(view.leaders[0].overdue, 1);
    let page = app.get("/office", Some(&office)).await;
    assert!(page.body.contains("重点督办：按督办领导"));
    assert!(
        page.body.contains("督办 2 件 · 超期 1 件"),
        "the per-leader line"
    );
    assert!(page.body.contains("status-supervised"));
    // The unit: the badge, the leader, and its counts.
    let queue = app.get("/unit", Some(&unit_cookie)).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("督办领导：州人大常委会副主任 张三"));
    assert!(queue.body.contains("待办 2 件"), "{}", queue.body);
    assert!(queue.body.contains("其中逾期 1 件，重点督办 2 件"));
    // The public page of the request: 重点督办 and the leader's title and name, no resident.
    let status = app
        .get(&format!("/requests/status?tracking={tracking}"), None)
        .await;
    assert!(status.body.contains("重点督办"));
    assert!(status.body.contains("督办领导：州人大常委会副主任 张三"));
    assert!(!status.body.contains("王某") && !status.body.contains("13800000000"));

    // Unmarked: gone from the pages.
    let res = app
        .post_form(
            "/api/office/supervise",
            &[("id", &fresh.to_string()), ("off", "1")],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let queue = app.get("/unit", Some(&unit_cookie)).await;
    assert!(queue.body.contains("其中逾期 1 件，重点督办 1 件"));
    // Nobody else may mark one.
    let res = app
        .post_form(
            "/api/office/supervise",
            &[("id", &fresh.to_string()), ("leader", "某人")],
            Some(&unit_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_unit_asks_for_reassignment_the_office_refuses_then_grants() {
    let app = TestApp::new().await;
    let station = app.station("测试联系点").await;
    let (deputy, _) = app.account(Role::Deputy).await;
    let deputy = account_id(&app, &deputy).await;
    let (old, old_cookie) = unit_with_operator(&app, "州住建局", "", "old-op").await;
    let (new, new_cookie) =
        unit_with_operator(&app, "昌吉市人民政府", "gov@example.cn", "new-op").await;
    let (co, co_cookie) = unit_with_operator(&app, "协办局", "", "co-op").await;
    let office = app.login(Role::Office).await;
    let now = app::ssr::now_ms();
    let id = suggestion(
        &app,
        "关于规范物业收费的建议",
        deputy,
        station,
        Some(old),
        now - 20 * DAY,
        now + 70 * DAY,
    )
    .await;
    sqlx::query("insert into suggestion_unit (suggestion_id, unit_id, lead) values ($1, $2, 0)")
        .bind(id)
        .bind(co)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let sid = id.to_string();
    let appr = &app;
    let sid_c = sid.clone();
    let ask = move |cookie: &str, reason: &str| {
        let (cookie, reason, sid) = (cookie.to_string(), reason.to_string(), sid_c.clone());
        let app = appr;
        async move {
            app.post_form(
                "/api/unit/reassign",
                &[("id", &sid), ("reason", &reason)],
                Some(&cookie),
            )
            .await
        }
    };
    // No reason: refused precisely; a co-unit may not ask.
    let res = ask(&old_cookie, " ").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("请填写申请改办的理由"), "{}", res.body);
    let res = ask(&co_cookie, "不归我们管").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("主办单位"), "{}", res.body);
    assert_eq!(app.count("select count(*) from reassign_request").await, 0);
    // Asked; a second request while one is pending is refused.
    let res = ask(&old_cookie, "物业收费标准由市政府价格主管部门核定。").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = ask(&old_cookie, "再次申请").await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("待办公室处理的改办申请"), "{}", res.body);
    let queue = app.get("/unit", Some(&old_cookie)).await;
    assert!(queue.body.contains("待办公室处理"));
    assert!(
        !queue.body.contains("提交改办申请"),
        "no second form while one is pending"
    );

    // The office sees it with the reason and refuses with a reply (required).
    let res = app
        .post_form("/api/office/suggestions", &[], Some(&office))
        .await;
    let view: app::suggestion::OfficeView = serde_json::from_str(&res.body).unwrap();
    assert_eq!(view.reassign_pending.len(), 1);
    let request = view.reassign_pending[0].id.to_string();
    assert_eq!(view.reassign_pending[0].unit, "州住建局");
    let page = app.get("/office", Some(&office)).await;
    assert!(page.body.contains("改办申请（1 件待处理）"));
    assert!(page.body.contains("物业收费标准由市政府价格主管部门核定。"));
    let res = app
        .post_form(
            "/api/office/reassign-refuse",
            &[("request", &request), ("reply", "")],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("请填写不同意改办的理由"), "{}", res.body);
    let res = app
        .post_form(
            "/api/office/reassign-refuse",
            &[
                ("request", &request),
                ("reply", "物业服务质量属住建部门监管职责，请继续办理。"),
            ],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Decided once only.
    let res = app
        .post_form(
            "/api/office/reassign",
            &[("request", &request), ("lead", &new.to_string())],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let queue = app.get("/unit", Some(&old_cookie)).await;
    assert!(queue.body.contains("不同意改办"));
    assert!(queue
        .body
        .contains("物业服务质量属住建部门监管职责，请继续办理。"));
    assert!(queue.body.contains("提交改办申请"), "may ask again");

    // Asked again and granted: to another lead unit with a new legal deadline.
    let res = ask(&old_cookie, "经与市政府协商，由市政府牵头办理。").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let request: i64 =
        sqlx::query_scalar("select id from reassign_request where status = 'pending'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let request = request.to_string();
    for (lead, deadline, message) in [
        (old.to_string(), "", "改办不能交回原主办单位"),
        ("99999".to_string(), "", "承办单位（编号 99999）不存在"),
        (
            new.to_string(),
            "2099-01-01",
            "办理期限不能晚于交办之日起三个月",
        ),
    ] {
        let res = app
            .post_form(
                "/api/office/reassign",
                &[
                    ("request", &request),
                    ("lead", &lead),
                    ("deadline", deadline),
                ],
                Some(&office),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(message), "{message}: {}", res.body);
    }
    sqlx::query("delete from outbox")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/api/office/reassign",
            &[("request", &request), ("lead", &new.to_string())],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (deadline, assigned): (i64, i64) =
        sqlx::query_as("select deadline_at, assigned_at from suggestion where id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let expected = app::draft::time::add_months(app::ssr::now_ms(), 3);
    assert!(
        (deadline - expected).abs() < 60_000,
        "the legal three months from today"
    );
    assert!(assigned > now - 60_000);
    let leads: Vec<(i64, i64)> = sqlx::query_as(
        "select unit_id, lead from suggestion_unit where suggestion_id = $1 order by unit_id",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(leads, vec![(new, 1), (co, 0)], "the co-unit stays");
    // The new unit is mailed and finds it in its queue; the old one has lost it.
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'suggestion_assigned' and recipient = 'gov@example.cn'")
            .await,
        1
    );
    let queue = app.get("/unit", Some(&new_cookie)).await;
    assert!(queue.body.contains("关于规范物业收费的建议"));
    let queue = app.get("/unit", Some(&old_cookie)).await;
    assert!(queue.body.contains("已改办的建议"), "the history");
    assert!(queue.body.contains("改由昌吉市人民政府办理"));
    assert!(queue.body.contains("待办 0 件"));
    let res = app
        .post_form(
            "/api/unit/answer",
            &[("id", &sid), ("category", "solved"), ("body", "已办")],
            Some(&old_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // Both requests are kept.
    assert_eq!(
        app.count("select count(*) from reassign_request where status in ('refused', 'granted')")
            .await,
        2
    );
}

/// Known figures for March 2027: units 甲局 and 乙局, counties 甲县 and 乙县 (a suggestion of
/// someone without a deputy record counts in the county of its station's).
async fn report_story(app: &TestApp) {
    let now_station = app.station("测试联系点").await;
    let county = |name: &'static str, parent: Option<i64>, level: i64| async move {
        sqlx::query_scalar::<_, i64>(
            "insert into station (name, level, parent_id, region_code, email, active, created_at, \
             updated_at) values ($1, $2, $3, '', '', 1, 0, 0) returning id",
        )
        .bind(name)
        .bind(level)
        .bind(parent)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
    };
    let x = county("甲县", Some(now_station), 2).await;
    let y = county("乙县", Some(now_station), 2).await;
    let town = county("乙县某镇", Some(y), 3).await;
    let deputy_in = |c: i64| async move {
        let (name, _) = app.account(Role::Deputy).await;
        let id = account_id(app, &name).await;
        sqlx::query("update deputy set county_id = $1 where account_id = $2")
            .bind(c)
            .bind(id)
            .execute(&app.db.pool)
            .await
            .unwrap();
        id
    };
    let (dx, dy) = (deputy_in(x).await, deputy_in(y).await);
    let (office, _) = app.account(Role::Office).await;
    let office = account_id(app, &office).await;
    let a = app.unit("甲局").await;
    let b = app.unit("乙局").await;
    use app::suggestion::Rating::*;
    // s1: handed out and answered on time in March, 满意.
    let s1 = suggestion(
        app,
        "s1",
        dx,
        now_station,
        Some(a),
        at("2027-03-05T10:00"),
        at("2027-06-05T10:00"),
    )
    .await;
    answer(app, s1, a, office, at("2027-03-20T10:00")).await;
    rate(app, s1, dx, Satisfied, at("2027-03-25T10:00")).await;
    // s2: handed out in November, answered late in March, 不满意 (in its second handling).
    let s2 = suggestion(
        app,
        "s2",
        dx,
        now_station,
        Some(a),
        at("2026-11-01T10:00"),
        at("2027-02-01T10:00"),
    )
    .await;
    answer(app, s2, a, office, at("2027-03-10T10:00")).await;
    rate(app, s2, dx, Unsatisfied, at("2027-03-12T10:00")).await;
    // s3: handed out in March with a short deadline, still unanswered.
    suggestion(
        app,
        "s3",
        dy,
        now_station,
        Some(b),
        at("2027-03-15T10:00"),
        at("2027-03-25T23:59"),
    )
    .await;
    // s4: written by someone without a deputy record at a station of 乙县, due in February,
    // answered only in April (so overdue and unanswered at the end of March), rated in April.
    let s4 = suggestion(
        app,
        "s4",
        office,
        town,
        Some(b),
        at("2026-12-01T10:00"),
        at("2027-02-28T23:59"),
    )
    .await;
    answer(app, s4, b, office, at("2027-04-10T10:00")).await;
    // s5: handed out in February, answered on time in March, 基本满意.
    let s5 = suggestion(
        app,
        "s5",
        dy,
        now_station,
        Some(b),
        at("2027-02-20T10:00"),
        at("2027-05-20T10:00"),
    )
    .await;
    answer(app, s5, b, office, at("2027-03-30T10:00")).await;
    rate(app, s5, dy, Basic, at("2027-03-31T10:00")).await;
    // Waiting to be handed out: in no figure.
    suggestion(app, "s6", dx, now_station, None, 0, 0).await;
    let _ = s4;
}

/// (name, 交办, 已答复, 按期, 逾期答复, 逾期未答复, 满意, 基本满意, 不满意, 满意率)
type Figures = (String, i64, i64, i64, i64, i64, i64, i64, i64, String);

fn figures(l: &app::suggestion::ReportLine) -> Figures {
    (
        l.name.clone(),
        l.assigned,
        l.answered,
        l.on_time,
        l.late,
        l.overdue_open,
        l.satisfied,
        l.basic,
        l.unsatisfied,
        l.satisfaction(),
    )
}

fn line(name: &str, f: [i64; 8], rate: &str) -> Figures {
    (
        name.into(),
        f[0],
        f[1],
        f[2],
        f[3],
        f[4],
        f[5],
        f[6],
        f[7],
        rate.into(),
    )
}

#[tokio::test]
async fn the_report_counts_per_unit_and_per_county() {
    let app = TestApp::new().await;
    report_story(&app).await;
    let now = at("2027-05-01T10:00");

    let march = chase::report(&app.db, "2027-03", now).await.unwrap();
    assert_eq!(march.label, "2027年3月");
    assert_eq!(
        (march.from.as_str(), march.to.as_str()),
        ("2027-03-01", "2027-03-31")
    );
    let units: Vec<Figures> = march.units.iter().map(figures).collect();
    assert_eq!(
        units,
        vec![
            line("乙局", [1, 1, 1, 0, 2, 0, 1, 0], "100.0%"),
            line("甲局", [1, 2, 1, 1, 0, 1, 0, 1], "50.0%"),
        ]
    );
    let counties: Vec<Figures> = march.counties.iter().map(figures).collect();
    assert_eq!(
        counties,
        vec![
            line("乙县", [1, 1, 1, 0, 2, 0, 1, 0], "100.0%"),
            line("甲县", [1, 2, 1, 1, 0, 1, 0, 1], "50.0%"),
        ]
    );
    assert_eq!(
        figures(&march.total),
        line("合计", [2, 3, 2, 1, 2, 1, 1, 1], "66.7%")
    );

    // The quarter adds s5's handing-over in February.
    let q1 = chase::report(&app.db, "2027-Q1", now).await.unwrap();
    assert_eq!(q1.label, "2027年第一季度");
    assert_eq!(
        figures(&q1.total),
        line("合计", [3, 3, 2, 1, 2, 1, 1, 1], "66.7%")
    );
    // April: s4's late answer; s3 still overdue at its end; no rating.
    let april = chase::report(&app.db, "2027-04", now).await.unwrap();
    assert_eq!(
        figures(&april.total),
        line("合计", [0, 1, 0, 1, 1, 0, 0, 0], "—")
    );
    assert!(
        april.links.iter().any(|(k, _)| k == "2027-03"),
        "links to the month before"
    );
    // A bad period is refused precisely.
    let e = chase::report(&app.db, "2027-13", now).await.unwrap_err();
    assert!(e.message().contains("2027-Q1"), "{}", e.message());
}

#[tokio::test]
async fn the_report_is_a_page_a_workbook_and_a_pdf() {
    let app = TestApp::new().await;
    report_story(&app).await;
    let office = app.login(Role::Office).await;
    let page = app
        .get("/office/report?period=2027-03", Some(&office))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for needle in [
        "2027年3月",
        "按承办单位",
        "按县市",
        "甲局",
        "乙县",
        "50.0%",
        "66.7%",
        "统计口径",
        "/office/report.xlsx?period=2027-03",
        "/office/report.pdf?period=2027-03",
        "period=2027-02",
        "data-label=\"逾期未答复\"",
    ] {
        assert!(page.body.contains(needle), "{needle} on the page");
    }
    // Not for units or the public.
    let unit = app.login(Role::Unit).await;
    assert_eq!(
        app.get("/office/report.xlsx", Some(&unit)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/office/report.xlsx", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A bad period: a Chinese page for a browser.
    let res = app
        .get("/office/report.xlsx?period=2027-13", Some(&office))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("2027-Q1"), "{}", res.body);

    // The workbook reads back with the page's figures.
    let res = app
        .get("/office/report.xlsx?period=2027-03", Some(&office))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res
        .header("content-disposition")
        .is_some_and(|d| d.contains("report-2027-03.xlsx")));
    let limits = app::sheet::Limits::rows(1000);
    let units = app::sheet::read_table(&res.bytes, "按承办单位", limits, |_| false).unwrap();
    let rows: Vec<Vec<String>> = units.into_iter().map(|r| r.1).collect();
    assert_eq!(rows[0][0], "承办单位");
    assert_eq!(rows[0][5], "逾期未答复");
    let jia = rows.iter().find(|r| r[0] == "甲局").unwrap();
    assert_eq!(&jia[1..], ["1", "2", "1", "1", "0", "1", "0", "1", "50.0%"]);
    assert_eq!(rows.last().unwrap()[0], "合计");
    let counties = app::sheet::read_table(&res.bytes, "按县市", limits, |_| false).unwrap();
    assert!(
        counties.iter().any(|r| r.1[0] == "乙县" && r.1[2] == "1"),
        "{counties:?}"
    );

    // The PDF, where a Chromium is installed.
    if app::pdf::find_browser(None).is_none() {
        eprintln!("skipping the PDF part: no Chromium (chromium, chromium-browser, google-chrome) on the PATH");
        return;
    }
    let res = app
        .get("/office/report.pdf?period=2027-03", Some(&office))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.header("content-type"), Some("application/pdf"));
    assert!(res.bytes.starts_with(b"%PDF"));
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
    {
        let (text, _) = pdf_text_and_fonts(&res.bytes);
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("代表建议办理情况通报（2027年3月）"), "{text}");
        assert!(flat.contains("甲局"), "{text}");
    }
}

#[tokio::test]
async fn the_demo_has_supervision_a_reassignment_request_and_a_report() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    assert_eq!(
        app.count("select count(*) from suggestion where supervised = 1 and supervisor <> ''")
            .await,
        2
    );
    assert_eq!(
        app.count("select count(*) from reassign_request where status = 'pending'")
            .await,
        1
    );
    let r = chase::report(&app.db, "", app::ssr::now_ms())
        .await
        .unwrap();
    assert!(r.total.answered >= 4, "{r:?}");
    assert!(r.total.late >= 1 && r.total.rated() >= 3, "{r:?}");
    assert!(r.counties.len() >= 2, "{r:?}");
    // The demo unit operator's queue shows the supervised item and the pending request.
    let unit = app.login_as("unit", server::demo_loop::UNIT_PASSWORD).await;
    let queue = app.get("/unit", Some(&unit)).await;
    assert!(queue.body.contains("重点督办 1 件"), "{}", queue.body);
    assert!(queue.body.contains("待办公室处理"));
}
