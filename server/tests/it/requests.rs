//! The closed loop end to end (收集—交办—办理—督办—反馈): a station records residents' requests,
//! a deputy makes them a suggestion, the office hands it to units, the lead unit answers, the
//! residents and their station are told (over a real SMTP server), the deputy rates, 不满意
//! reopens it. Bad input is refused with a precise message and changes nothing. And 微实事:
//! 200 deputies voting at once.

use crate::mail::{free_port, from, smtp_delivery, temp_dir, Smtp};
use crate::support::*;
use app::auth::Role;
use app::micro::Choice;
use app::outbox::ssr::send_due;
use http::StatusCode;

async fn id_of(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("select id from account where name = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

fn json_str(body: &str) -> String {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("a JSON string: {body}"))
}

async fn suggestion_state(app: &TestApp, id: i64) -> (String, i64, Option<i64>) {
    sqlx::query_as("select status, round, deadline_at from suggestion where id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn request_becomes_suggestion_is_handed_out_answered_rated_and_residents_are_told() {
    let app = TestApp::new().await;
    let station = app.station("测试联系点").await;
    sqlx::query("update station set email = 'home@example.cn' where id = $1")
        .bind(station)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let operator = app.login(Role::Station).await;

    // 收集: two residents' requests, one with an e-mail address, one with a telephone number.
    let mut trackings = Vec::new();
    for (title, contact) in [
        ("幸福小区供热管道破损", "wang@example.cn"),
        ("学校门口路口危险", "13800000000"),
    ] {
        let res = app
            .post_form(
                "/api/requests/record",
                &[
                    ("title", title),
                    ("body", "冬季室温不达标，请尽快维修。"),
                    ("place", "昌吉市幸福小区"),
                    ("category", "供水供热"),
                    ("resident_name", "王某"),
                    ("resident_contact", contact),
                ],
                Some(&operator),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        trackings.push(json_str(&res.body));
    }
    // A category outside the list is refused, nothing stored.
    let res = app
        .post_form(
            "/api/requests/record",
            &[
                ("title", "x"),
                ("body", "y"),
                ("place", ""),
                ("category", "随便"),
                ("resident_name", ""),
                ("resident_contact", ""),
            ],
            Some(&operator),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("请选择诉求类别"), "{}", res.body);
    // A contact the answer could never reach is refused with the comments' rule.
    for bad in ["wang@", "找王大妈", "12345"] {
        let res = app
            .post_form(
                "/api/requests/record",
                &[
                    ("title", "路灯不亮"),
                    ("body", "晚上看不见路。"),
                    ("place", ""),
                    ("category", "供水供热"),
                    ("resident_name", ""),
                    ("resident_contact", bad),
                ],
                Some(&operator),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(res.body.contains("联系方式须为"), "{}", res.body);
    }
    assert_eq!(app.count("select count(*) from resident_request").await, 2);
    // Without JavaScript the refused form comes back with everything typed and the reason.
    let res = app
        .post_plain_form(
            "/api/requests/record",
            &[
                ("title", "路灯不亮"),
                ("body", "晚上看不见路，老人摔倒过。"),
                ("place", "建设路"),
                ("category", "供水供热"),
                ("resident_name", "李某"),
                ("resident_contact", "找王大妈"),
            ],
            Some(&operator),
            "/station/requests",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let kept: Vec<String> = res
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .filter(|c| !c.ends_with('='))
        .collect();
    let back = app
        .get(
            "/station/requests",
            Some(&format!("{operator}; {}", kept.join("; "))),
        )
        .await;
    for typed in [
        "路灯不亮",
        "晚上看不见路，老人摔倒过。",
        "value=\"建设路\"",
        "value=\"李某\"",
        "value=\"找王大妈\"",
        "联系方式须为",
    ] {
        assert!(back.body.contains(typed), "{typed} is back");
    }
    assert_eq!(app.count("select count(*) from resident_request").await, 2);

    // The public status page: the request, never who asked.
    let res = app
        .post_form("/api/requests/status", &[("tracking", &trackings[0])], None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("幸福小区供热管道破损"));
    assert!(!res.body.contains("王某") && !res.body.contains("wang@example.cn"));
    let page = app
        .get(&format!("/requests/status?tracking={}", trackings[0]), None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("待代表处理") && !page.body.contains("王某"));

    // A deputy of the station gathers both requests into a suggestion, with a co-signer.
    let (deputy, deputy_pw) = app.account(Role::Deputy).await;
    let (cosigner, cosigner_pw) = app.account(Role::Deputy).await;
    let deputy_cookie = app.login_as(&deputy, &deputy_pw).await;
    let ids: Vec<i64> = sqlx::query_scalar("select id from resident_request order by id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let (r0, r1) = (ids[0].to_string(), ids[1].to_string());
    // A co-signer who is no deputy: refused, and no request taken.
    let res = app
        .post_form(
            "/api/suggestions/create",
            &[
                ("title", "关于改造幸福小区供热管网的建议"),
                ("body", "建议供热公司对老旧管网进行改造。"),
                ("requests[]", &r0),
                ("cosigners", "nobody-here"),
            ],
            Some(&deputy_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("联名代表“nobody-here”不存在"),
        "{}",
        res.body
    );
    assert_eq!(app.count("select count(*) from suggestion").await, 0);
    assert_eq!(
        app.count("select count(*) from resident_request where suggestion_id is not null")
            .await,
        0
    );
    let res = app
        .post_form(
            "/api/suggestions/create",
            &[
                ("title", "关于改造幸福小区供热管网的建议"),
                ("body", "建议供热公司对老旧管网进行改造。"),
                ("requests[]", &r0),
                ("requests[]", &r1),
                ("cosigners", &cosigner),
            ],
            Some(&deputy_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let sid: i64 = sqlx::query_scalar("select id from suggestion")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        app.count("select count(*) from suggestion_signer").await,
        1,
        "the co-signer"
    );

    // 交办: bad inputs are refused precisely and change nothing.
    let office = app.login(Role::Office).await;
    let lead = app.unit("昌吉市住房和城乡建设局").await;
    let co = app.unit("昌吉市供热公司").await;
    let sid_s = sid.to_string();
    for (form, message) in [
        (
            vec![
                ("lead", lead.to_string()),
                ("deadline", "2020-01-01".into()),
            ],
            "办理期限 2020-01-01 已经过去",
        ),
        (
            vec![("lead", "99999".to_string())],
            "承办单位（编号 99999）不存在",
        ),
        (
            vec![
                ("lead", lead.to_string()),
                ("co_units[]", "88888".to_string()),
            ],
            "承办单位（编号 88888）不存在",
        ),
        (
            vec![
                ("lead", lead.to_string()),
                ("deadline", "2099-01-01".into()),
            ],
            "办理期限不能晚于交办之日起三个月",
        ),
    ] {
        let mut pairs: Vec<(&str, &str)> = vec![("id", sid_s.as_str())];
        pairs.extend(form.iter().map(|(k, v)| (*k, v.as_str())));
        let res = app
            .post_form("/api/office/assign", &pairs, Some(&office))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(message), "{message}: {}", res.body);
        assert_eq!(suggestion_state(&app, sid).await.0, "submitted");
        assert_eq!(app.count("select count(*) from suggestion_unit").await, 0);
    }
    // Without a deadline: the legal three months.
    let res = app
        .post_form(
            "/api/office/assign",
            &[
                ("id", &sid_s),
                ("lead", &lead.to_string()),
                ("co_units[]", &co.to_string()),
            ],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (status, _, deadline) = suggestion_state(&app, sid).await;
    assert_eq!(status, "assigned");
    let expected = app::draft::time::add_months(app::ssr::now_ms(), 3);
    assert!((deadline.unwrap() - expected).abs() < 60_000);
    // Handed out once only.
    let res = app
        .post_form(
            "/api/office/assign",
            &[("id", &sid_s), ("lead", &lead.to_string())],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // 督办: one extension of at most three months, with a reason.
    let res = app
        .post_form(
            "/api/office/extend",
            &[("id", &sid_s), ("months", "4"), ("reason", "需要预算")],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form(
            "/api/office/extend",
            &[("id", &sid_s), ("months", "1"), ("reason", "")],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(suggestion_state(&app, sid).await.2, deadline);
    let res = app
        .post_form(
            "/api/office/extend",
            &[
                ("id", &sid_s),
                ("months", "2"),
                ("reason", "需纳入明年预算"),
            ],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let extended = suggestion_state(&app, sid).await.2.unwrap();
    assert_eq!(extended, app::draft::time::add_months(deadline.unwrap(), 2));
    let res = app
        .post_form(
            "/api/office/extend",
            &[("id", &sid_s), ("months", "1"), ("reason", "再延")],
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // Overdue work shows per unit on the office's page.
    sqlx::query("update suggestion set deadline_at = 1000 where id = $1")
        .bind(sid)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .post_form("/api/office/suggestions", &[], Some(&office))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let view: app::suggestion::OfficeView = serde_json::from_str(&res.body).unwrap();
    assert_eq!(view.chase.len(), 1);
    assert_eq!(view.chase[0].unit, "昌吉市住房和城乡建设局");
    assert_eq!(view.chase[0].overdue[0].id, sid);
    let page = app.get("/office", Some(&office)).await;
    assert!(page.body.contains("已超期"), "the office page marks it");

    // 办理: the co-unit may not answer; the lead unit must give a date for 列入计划解决.
    let (co_op, co_pw) = ("co-operator".to_string(), "co-operator-pw-long".to_string());
    app::suggestion::ssr::create_unit_operator(
        &app.db,
        co,
        &app::account::NewAccount {
            name: co_op.clone(),
            display_name: "供热公司经办人".into(),
            role: Role::Unit,
            station: None,
            password: co_pw.clone(),
        },
    )
    .await
    .unwrap();
    let co_cookie = app.login_as(&co_op, &co_pw).await;
    let answer = |category: &'static str, planned: &'static str| {
        vec![
            ("id", sid_s.clone()),
            ("category", category.to_string()),
            ("body", "已安排对幸福小区供热管网进行维修改造。".to_string()),
            ("measures", "更换主管道 300 米".to_string()),
            ("planned_on", planned.to_string()),
        ]
    };
    let appr = &app;
    let send = move |cookie: String, v: Vec<(&'static str, String)>| {
        let app = appr;
        async move {
            let p: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/api/unit/answer", &p, Some(&cookie)).await
        }
    };
    let res = send(co_cookie.clone(), answer("solved", "")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("协办单位"), "{}", res.body);
    let lead_op = "lead-operator";
    app::suggestion::ssr::create_unit_operator(
        &app.db,
        lead,
        &app::account::NewAccount {
            name: lead_op.into(),
            display_name: "住建局经办人".into(),
            role: Role::Unit,
            station: None,
            password: "lead-operator-pw-long".into(),
        },
    )
    .await
    .unwrap();
    let lead_cookie = app.login_as(lead_op, "lead-operator-pw-long").await;
    let queue = app.get("/unit", Some(&lead_cookie)).await;
    assert!(queue.body.contains("关于改造幸福小区供热管网的建议"));
    let res = send(lead_cookie.clone(), answer("planned", "")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("计划完成日期"), "{}", res.body);
    assert_eq!(app.count("select count(*) from suggestion_answer").await, 0);
    sqlx::query("delete from outbox")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = send(lead_cookie.clone(), answer("planned", "2027-05-01")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(suggestion_state(&app, sid).await.0, "answered");

    // 反馈: the resident with an address and the station are mailed, over real SMTP.
    let smtp = Smtp::start(free_port(), &temp_dir("smtp-requests"));
    let sent = send_due(&app.db, &smtp_delivery(smtp.port), &from())
        .await
        .unwrap();
    assert_eq!(sent, 2);
    let got = smtp.received();
    let to_resident = got
        .iter()
        .find(|m| m["rcpt"] == serde_json::json!(["wang@example.cn"]))
        .expect("the resident is told");
    assert!(to_resident["subject"]
        .as_str()
        .unwrap()
        .contains(&trackings[0]));
    let text = to_resident["text"].as_str().unwrap();
    assert!(text.contains("列入计划解决") && text.contains("昌吉市住房和城乡建设局"));
    let to_station = got
        .iter()
        .find(|m| m["rcpt"] == serde_json::json!(["home@example.cn"]))
        .expect("the station is told");
    let text = to_station["text"].as_str().unwrap();
    assert!(
        text.contains("13800000000") && text.contains(&trackings[1]),
        "the station learns whom to telephone: {text}"
    );
    // The public page shows the answer, still without personal data.
    let page = app
        .get(&format!("/requests/status?tracking={}", trackings[1]), None)
        .await;
    assert!(page.body.contains("已更换") || page.body.contains("已安排对幸福小区供热管网"));
    assert!(!page.body.contains("13800000000") && !page.body.contains("王某"));

    // The co-signer may not rate; 不满意 needs a reason and reopens it for a second handling.
    let cosigner_cookie = app.login_as(&cosigner, &cosigner_pw).await;
    let res = app
        .post_form(
            "/api/suggestions/rate",
            &[("id", &sid_s), ("rating", "satisfied"), ("comment", "")],
            Some(&cosigner_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .post_form(
            "/api/suggestions/rate",
            &[("id", &sid_s), ("rating", "unsatisfied"), ("comment", "")],
            Some(&deputy_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(suggestion_state(&app, sid).await.0, "answered");
    // Without JavaScript: a plain form post, answered with a redirect back to the deputy page.
    let res = app
        .post_plain_form(
            "/api/suggestions/rate",
            &[
                ("id", &sid_s),
                ("rating", "unsatisfied"),
                ("comment", "计划时间太晚"),
            ],
            Some(&deputy_cookie),
            "/deputy",
        )
        .await;
    assert!(res.status.is_redirection(), "{}", res.status);
    assert_eq!(res.header("location"), Some("/deputy?rated=1"));
    let (status, round, _) = suggestion_state(&app, sid).await;
    assert_eq!((status.as_str(), round), ("assigned", 2));
    let res = send(lead_cookie.clone(), answer("solved", "")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post_form(
            "/api/suggestions/rate",
            &[("id", &sid_s), ("rating", "basic"), ("comment", "")],
            Some(&deputy_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(suggestion_state(&app, sid).await.0, "closed");
    let page = app.get("/deputy", Some(&deputy_cookie)).await;
    assert!(page.body.contains("已办结") && page.body.contains("基本满意"));
}

/// Creates `n` deputies of `county` directly (no password hashing: they vote through the plain
/// function, which is what the server function calls).
async fn deputies(app: &TestApp, county: i64, n: usize, tag: &str) -> Vec<i64> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let id: i64 = sqlx::query_scalar(
            "insert into account (name, display_name, role, station_id, password_hash, active, \
             created_at, updated_at) values ($1, $2, 'deputy', $3, 'x', 1, 0, 0) returning id",
        )
        .bind(format!("{tag}-{i}"))
        .bind(format!("代表{i}"))
        .bind(county)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        sqlx::query("insert into deputy (account_id, level, county_id) values ($1, '县市', $2)")
            .bind(id)
            .bind(county)
            .execute(&app.db.pool)
            .await
            .unwrap();
        out.push(id);
    }
    out
}

async fn county(app: &TestApp, name: &str) -> i64 {
    let top = app.station("昌吉回族自治州").await;
    sqlx::query_scalar(
        "insert into station (name, level, parent_id, region_code, email, active, created_at, \
         updated_at) values ($1, 2, $2, '', '', 1, 0, 0) returning id",
    )
    .bind(name)
    .bind(top)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn two_hundred_deputies_vote_at_once_and_every_valid_vote_counts_once() {
    use app::micro::ssr;
    let app = TestApp::new().await;
    let (office, _) = app.account(Role::Office).await;
    let office_id = id_of(&app, &office).await;
    let hutubi = county(&app, "呼图壁县").await;
    let manas = county(&app, "玛纳斯县").await;
    ssr::set_fund(&app.db, hutubi, 2027, 3_000_000)
        .await
        .unwrap();
    ssr::set_fund(&app.db, manas, 2027, 2_000_000)
        .await
        .unwrap();
    let voters = deputies(&app, hutubi, 200, "hb").await;
    let outsider = deputies(&app, manas, 1, "mn").await[0];
    let project = |deputy: i64, title: &'static str, cost: i64| {
        let db = app.db.clone();
        async move {
            ssr::propose(
                &db,
                deputy,
                &ssr::NewProject {
                    year: 2027,
                    title: title.into(),
                    place: "呼图壁镇".into(),
                    cost_yuan: cost,
                    beneficiaries: "居民".into(),
                    requests: vec![],
                },
            )
            .await
        }
    };
    let a = project(voters[0], "老旧小区加装路灯", 800_000)
        .await
        .unwrap();
    let b = project(voters[1], "农贸市场改造", 2_500_000).await.unwrap();
    let c = project(voters[2], "社区日间照料中心", 1_000_000)
        .await
        .unwrap();
    let other = project(outsider, "玛纳斯县项目", 100_000).await.unwrap();

    // Bad input, nothing changed: a fund overrun, a project of another county on the ballot.
    let over = project(voters[3], "超预算项目", 3_000_001)
        .await
        .unwrap_err();
    assert!(
        over.message()
            .contains("超出本县市 2027 年度微实事资金 3000000 元"),
        "{}",
        over.message()
    );
    let now = app::ssr::now_ms();
    let (opens, closes) = (now - 3_600_000, now + 3_600_000);
    let err = ssr::create_ballot(&app.db, office_id, hutubi, 2027, opens, closes, &[a, other])
        .await
        .unwrap_err();
    assert!(
        err.message().contains("项目“玛纳斯县项目”属于其他县市"),
        "{}",
        err.message()
    );
    assert_eq!(app.count("select count(*) from ballot").await, 0);
    assert_eq!(app.count("select count(*) from ballot_item").await, 0);
    let ballot = ssr::create_ballot(&app.db, office_id, hutubi, 2027, opens, closes, &[a, b, c])
        .await
        .unwrap();

    // A deputy of another county is refused.
    let err = ssr::cast(&app.db, outsider, ballot, a, Choice::Yes, now)
        .await
        .unwrap_err();
    assert!(
        err.message().contains("不是本县市的代表"),
        "{}",
        err.message()
    );

    // All at once: every deputy on A (A gets 100 赞成 of 200: exactly half, not a majority);
    // deputies 0..30 on A a second time; deputies 100..200 on B (all 赞成) and on C (赞成 from
    // 150..200 only: 50 of 100); deputies 0..50 on B after the close.
    let mut calls = Vec::new();
    for (i, &d) in voters.iter().enumerate() {
        let choice = match i % 4 {
            0 | 1 => Choice::Yes,
            2 => Choice::No,
            _ => Choice::Abstain,
        };
        calls.push((d, a, choice, now, true));
        if i < 30 {
            calls.push((d, a, choice, now, false));
        }
        if i >= 100 {
            calls.push((d, b, Choice::Yes, now, true));
            let on_c = if i >= 150 { Choice::Yes } else { Choice::No };
            calls.push((d, c, on_c, now, true));
        }
        if i < 50 {
            calls.push((d, b, Choice::Yes, closes + 1, false));
        }
    }
    // Interleave so that duplicates race their first vote.
    calls.sort_by_key(|(d, p, _, at, _)| (*d % 7, *p, *at));
    let mut tasks = tokio::task::JoinSet::new();
    for (d, p, choice, at, valid) in calls.clone() {
        let db = app.db.clone();
        tasks.spawn(async move { (d, p, valid, ssr::cast(&db, d, ballot, p, choice, at).await) });
    }
    let (mut accepted, mut refused) = (0i64, 0i64);
    let mut firsts_of_a_pair = 0;
    while let Some(joined) = tasks.join_next().await {
        let (d, p, valid, result) = joined.unwrap();
        match result {
            Ok(()) => accepted += 1,
            Err(e) => {
                refused += 1;
                // A duplicate pair on A: whichever of the two came second is refused; the
                // other is counted. Anything else refused must be one of the invalid calls.
                if p == a && voters[..30].contains(&d) {
                    firsts_of_a_pair += 1;
                    assert!(e.message().contains("重复投票"), "{}", e.message());
                } else {
                    assert!(!valid, "a valid vote was refused: {}", e.message());
                    assert!(e.message().contains("结束"), "{}", e.message());
                }
            }
        }
    }
    assert_eq!(
        firsts_of_a_pair, 30,
        "one of each duplicate pair is refused"
    );
    assert_eq!(accepted, 200 + 100 + 100);
    assert_eq!(refused, 30 + 50);
    assert_eq!(
        app.count("select count(*) from ballot_voter").await,
        accepted
    );
    let counts: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "select project_id, yes, no, abstain from ballot_item where ballot_id = $1 order by project_id",
    )
    .bind(ballot)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let total = |p: i64| {
        counts
            .iter()
            .find(|r| r.0 == p)
            .map(|r| r.1 + r.2 + r.3)
            .unwrap()
    };
    assert_eq!((total(a), total(b), total(c)), (200, 100, 100));
    // A duplicate repeats its deputy's first choice, so whichever of the pair won, A has
    // exactly 100 赞成 of 200.
    let yes = |p: i64| counts.iter().find(|r| r.0 == p).unwrap().1;
    assert_eq!((yes(a), yes(b), yes(c)), (100, 100, 50));
    // Secrecy: the table of who voted has no column for what.
    let columns: Vec<String> = match app.db.backend {
        app::ssr::db::Backend::Sqlite => {
            sqlx::query_scalar("select name from pragma_table_info('ballot_voter')")
                .fetch_all(&app.db.pool)
                .await
                .unwrap()
        }
        app::ssr::db::Backend::Postgres => sqlx::query_scalar(
            "select column_name::text from information_schema.columns \
             where table_name = 'ballot_voter'",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap(),
    };
    let mut columns = columns;
    columns.sort();
    assert_eq!(columns, vec!["account_id", "ballot_id", "project_id"]);

    // After the close: B is approved (100 of 100 赞成, fits the fund), C has exactly half.
    let r = ssr::results(&app.db, ballot, closes + 1).await.unwrap();
    let approved: Vec<&str> = r
        .candidates
        .iter()
        .filter(|c| c.approved)
        .map(|c| c.title.as_str())
        .collect();
    assert_eq!(approved, vec!["农贸市场改造"]);
    assert_eq!(r.voters, 200);
}

/// The vote through the pages' forms, without JavaScript: one plain POST per candidate.
#[tokio::test]
async fn a_deputy_votes_with_a_plain_form() {
    use app::micro::ssr;
    let app = TestApp::new().await;
    let (name, pw) = app.account(Role::Deputy).await;
    let deputy = id_of(&app, &name).await;
    let (office, _) = app.account(Role::Office).await;
    let county = app.station("测试联系点").await;
    ssr::set_fund(&app.db, county, 2027, 500_000).await.unwrap();
    let p = ssr::propose(
        &app.db,
        deputy,
        &ssr::NewProject {
            year: 2027,
            title: "村道硬化".into(),
            place: "".into(),
            cost_yuan: 400_000,
            beneficiaries: "".into(),
            requests: vec![],
        },
    )
    .await
    .unwrap();
    let now = app::ssr::now_ms();
    let ballot = ssr::create_ballot(
        &app.db,
        id_of(&app, &office).await,
        county,
        2027,
        now - 1000,
        now + 3_600_000,
        &[p],
    )
    .await
    .unwrap();
    let cookie = app.login_as(&name, &pw).await;
    let page = app.get("/deputy/ballots", Some(&cookie)).await;
    assert!(page.body.contains("村道硬化") && page.body.contains("赞成"));
    let form = [
        ("ballot", ballot.to_string()),
        ("project", p.to_string()),
        ("choice", "yes".to_string()),
    ];
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app
        .post_plain_form("/api/micro/vote", &pairs, Some(&cookie), "/deputy/ballots")
        .await;
    assert!(res.status.is_redirection(), "{}", res.status);
    let page = app.get("/deputy/ballots", Some(&cookie)).await;
    assert!(page.body.contains("已投票"));
    // A second vote through the form is refused and counts nothing.
    let res = app
        .post_form("/api/micro/vote", &pairs, Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(
        app.count("select yes + no + abstain from ballot_item")
            .await,
        1
    );
}

/// A request about an open draft becomes the station's opinion on the article it concerns; it
/// travels with the next batch, the request (and its public page) says so, and it cannot be
/// turned into a second one. Another station's request, a wrong article or a missing draft
/// change nothing.
#[tokio::test]
async fn a_request_about_an_open_draft_becomes_an_opinion_on_its_article() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let operator = app.login(Role::Station).await;
    let res = app
        .post_form(
            "/api/requests/record",
            &[
                ("title", "供热温度标准太低"),
                ("body", "建议把室温标准提高到二十度。"),
                ("place", "昌吉市"),
                ("category", "供水供热"),
                ("resident_name", "刘某"),
                ("resident_contact", ""),
            ],
            Some(&operator),
        )
        .await;
    let tracking = json_str(&res.body);
    let request: i64 = sqlx::query_scalar("select id from resident_request where tracking = $1")
        .bind(&tracking)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let convert = |unit: &'static str, slug: &'static str, who: String| {
        let app = &app;
        async move {
            app.post_form(
                "/api/opinions/from-request",
                &[
                    ("request", &request.to_string()),
                    ("slug", slug),
                    ("unit", unit),
                    ("stance", "amend"),
                    ("method", "visit"),
                ],
                Some(&who),
            )
            .await
        }
    };
    let opinions = || async { app.count("select count(*) from station_opinion").await };
    let before = opinions().await;
    // An article the draft does not have, no draft, another station's operator: nothing.
    let res = convert("第九百九十九条", "changji-urban-heating", operator.clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("找不到“第九百九十九条”"), "{}", res.body);
    let res = convert("1", "", operator.clone()).await;
    assert!(res.body.contains("请选择草案"), "{}", res.body);
    let other_station = app.station("另一联系点").await;
    let (other, password) = (
        format!("op-other-{}", &tracking[3..7]).to_lowercase(),
        "operator-password-2",
    );
    app::account::ssr::create_account(
        &app.db,
        &app::account::NewAccount {
            name: other.clone(),
            display_name: "另一联系点管理员".into(),
            role: Role::Station,
            station: Some(other_station.to_string()),
            password: password.into(),
        },
    )
    .await
    .unwrap();
    let other = app.login_as(&other, password).await;
    let res = convert("1", "changji-urban-heating", other).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(opinions().await, before);

    // The right article: one pending opinion with the request's words, linked to it.
    let res = convert("1", "changji-urban-heating", operator.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (unit, text, residents, method, batch): (String, String, i64, String, Option<i64>) =
        sqlx::query_as(
            "select o.unit_label, o.text, o.residents, o.method, o.batch_id from station_opinion o \
             join resident_request r on r.opinion_id = o.id where r.id = $1",
        )
        .bind(request)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        (unit.as_str(), residents, method.as_str(), batch),
        ("第一条", 1, "visit", None)
    );
    assert_eq!(text, "供热温度标准太低：建议把室温标准提高到二十度。");
    let res = convert("1", "changji-urban-heating", operator.clone()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(opinions().await, before + 1);

    // The station's list and the public page say what it became, without the resident.
    let res = app
        .post_form("/api/requests/station", &[], Some(&operator))
        .await;
    assert!(
        res.body
            .contains("第一条的意见，将随代表之家下一批意见报送"),
        "{}",
        res.body
    );
    let res = app
        .post_form("/api/requests/status", &[("tracking", &tracking)], None)
        .await;
    assert!(res.body.contains("第一条的意见"), "{}", res.body);
    assert!(!res.body.contains("刘某"), "{}", res.body);
    // Forwarded with the batch, the page says so.
    let res = app
        .post_form(
            "/api/batches/forward",
            &[("slug", "changji-urban-heating"), ("note", "")],
            Some(&operator),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post_form("/api/requests/status", &[("tracking", &tracking)], None)
        .await;
    assert!(
        res.body.contains("已由代表之家报送起草机关"),
        "{}",
        res.body
    );
}

/// A deputy proposes a 微实事 project on requests of their own station: the link is stored and
/// the requests' public pages name the project; a request of another station is refused and
/// nothing is stored.
#[tokio::test]
async fn a_micro_project_is_proposed_on_the_stations_requests() {
    let app = TestApp::new().await;
    let station = app.station("测试联系点").await;
    app::micro::ssr::set_fund(&app.db, station, 2027, 3_000_000)
        .await
        .unwrap();
    let operator = app.login(Role::Station).await;
    let deputy = app.login(Role::Deputy).await;
    let record = |title: &'static str, who: String| {
        let app = &app;
        async move {
            let res = app
                .post_form(
                    "/api/requests/record",
                    &[
                        ("title", title),
                        ("body", "天黑以后看不见路。"),
                        ("place", "幸福小区"),
                        ("category", "城乡建设"),
                        ("resident_name", ""),
                        ("resident_contact", ""),
                    ],
                    Some(&who),
                )
                .await;
            json_str(&res.body)
        }
    };
    let tracking = record("小区缺路灯", operator.clone()).await;
    let ours: i64 = sqlx::query_scalar("select id from resident_request where tracking = $1")
        .bind(&tracking)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // A request of another station.
    let elsewhere = app.station("另一联系点").await;
    let theirs = app::suggestion::ssr::record_request(
        &app.db,
        elsewhere,
        app.count("select min(id) from account").await,
        &app::suggestion::ssr::NewRequest {
            title: "别处的诉求".into(),
            body: "别处。".into(),
            place: "".into(),
            category: "其他".into(),
            resident_name: "".into(),
            resident_contact: "".into(),
        },
    )
    .await;
    let theirs: i64 = match theirs {
        Ok(t) => sqlx::query_scalar("select id from resident_request where tracking = $1")
            .bind(t)
            .fetch_one(&app.db.pool)
            .await
            .unwrap(),
        Err(e) => panic!("{e:?}"),
    };
    let propose = |requests: Vec<i64>| {
        let (app, deputy) = (&app, deputy.clone());
        async move {
            let mut form: Vec<(String, String)> = vec![
                ("year".into(), "2027".into()),
                ("title".into(), "小区加装路灯".into()),
                ("place".into(), "幸福小区".into()),
                ("cost_yuan".into(), "300000".into()),
                ("beneficiaries".into(), "小区居民".into()),
            ];
            form.extend(
                requests
                    .iter()
                    .map(|r| ("requests[]".to_string(), r.to_string())),
            );
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post_form("/api/micro/propose", &pairs, Some(&deputy))
                .await
        }
    };
    let projects = app.count("select count(*) from micro_project").await;
    let res = propose(vec![ours, theirs]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body
            .contains(&format!("群众诉求（编号 {theirs}）不是本代表之家登记的")),
        "{}",
        res.body
    );
    assert_eq!(
        app.count("select count(*) from micro_project").await,
        projects
    );
    assert_eq!(
        app.count("select count(*) from micro_project_request")
            .await,
        0
    );

    let res = propose(vec![ours]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.count("select count(*) from micro_project_request")
            .await,
        1
    );
    let res = app
        .post_form("/api/requests/status", &[("tracking", &tracking)], None)
        .await;
    assert!(
        res.body
            .contains("已纳入微实事项目《小区加装路灯》（已提出）"),
        "{}",
        res.body
    );
    let res = app
        .post_form("/api/requests/station", &[], Some(&operator))
        .await;
    assert!(
        res.body.contains("已纳入微实事项目《小区加装路灯》"),
        "{}",
        res.body
    );
}
