//! 微实事, continued: paper ballots entered by two tellers (agreeing sheets count, differing ones
//! are flagged and keep the results provisional until corrected; a deputy votes online or on
//! paper, never both, also when the two happen at once; no row ties a sheet to a deputy), and
//! approved projects carried out by a unit up to the deputies' acceptance, shown on the county's
//! public page. Bad input is refused with a precise message and changes nothing.

use crate::support::*;
use app::auth::Role;
use app::micro::ssr;
use app::micro::{paper_ssr, work_ssr, Choice};
use http::StatusCode;

async fn id_of(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("select id from account where name = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// A county (level-2 station) under the prefecture.
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

/// `n` deputies of `county`, created directly (they act through the plain functions).
async fn deputies(app: &TestApp, county: i64, n: usize, tag: &str) -> Vec<i64> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let id: i64 = sqlx::query_scalar(
            "insert into account (name, display_name, role, station_id, password_hash, active, \
             created_at, updated_at) values ($1, $2, 'deputy', $3, 'x', 1, 0, 0) returning id",
        )
        .bind(format!("{tag}-{i}"))
        .bind(format!("{tag}代表{i}"))
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

/// A deputy who can log in, moved to `county`; returns (id, session cookie).
async fn deputy_login(app: &TestApp, county: i64) -> (i64, String) {
    let (name, pw) = app.account(Role::Deputy).await;
    let id = id_of(app, &name).await;
    sqlx::query("update deputy set county_id = $1 where account_id = $2")
        .bind(county)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    (id, app.login_as(&name, &pw).await)
}

async fn office_login(app: &TestApp) -> (i64, String, String) {
    let (name, pw) = app.account(Role::Office).await;
    let id = id_of(app, &name).await;
    let display: String = sqlx::query_scalar("select display_name from account where id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (id, app.login_as(&name, &pw).await, display)
}

async fn propose(app: &TestApp, deputy: i64, title: &str, cost: i64) -> i64 {
    ssr::propose(
        &app.db,
        deputy,
        &ssr::NewProject {
            year: 2027,
            title: title.into(),
            place: "镇上".into(),
            cost_yuan: cost,
            beneficiaries: "居民".into(),
            requests: vec![],
        },
    )
    .await
    .unwrap()
}

fn form(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

async fn post(app: &TestApp, path: &str, f: &[(String, String)], cookie: &str) -> TestResponse {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(path, &pairs, Some(cookie)).await
}

/// A teller's entry of a sheet through the server function, as the page's form sends it.
async fn enter(
    app: &TestApp,
    cookie: &str,
    ballot: i64,
    serial: &str,
    marks: &[(i64, &str)],
    correct: bool,
) -> TestResponse {
    let mut f = vec![
        ("ballot".to_string(), ballot.to_string()),
        ("serial".to_string(), serial.to_string()),
    ];
    for (i, (p, m)) in marks.iter().enumerate() {
        f.push((format!("projects[{i}]"), p.to_string()));
        f.push((format!("marks[{i}]"), m.to_string()));
    }
    if correct {
        f.push(("correct".into(), "1".into()));
    }
    post(app, "/api/micro/paper/enter", &f, cookie).await
}

async fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let mut c: Vec<String> = match app.db.backend {
        app::ssr::db::Backend::Sqlite => {
            sqlx::query_scalar(&format!("select name from pragma_table_info('{table}')"))
                .fetch_all(&app.db.pool)
                .await
                .unwrap()
        }
        app::ssr::db::Backend::Postgres => sqlx::query_scalar(
            "select column_name::text from information_schema.columns where table_name = $1",
        )
        .bind(table)
        .fetch_all(&app.db.pool)
        .await
        .unwrap(),
    };
    c.sort();
    c
}

#[tokio::test]
async fn two_tellers_enter_paper_sheets_and_a_difference_keeps_results_provisional() {
    let app = TestApp::new().await;
    let qitai = county(&app, "奇台县").await;
    let mulei = county(&app, "木垒县").await;
    ssr::set_fund(&app.db, qitai, 2027, 1_000_000)
        .await
        .unwrap();
    let online = deputies(&app, qitai, 3, "qt").await;
    let paper = deputies(&app, qitai, 2, "qp").await;
    let outsider = deputies(&app, mulei, 1, "ml").await[0];
    let (t1, c1, n1) = office_login(&app).await;
    let (t2, c2, n2) = office_login(&app).await;
    let a = propose(&app, online[0], "村级文化广场", 400_000).await;
    let b = propose(&app, online[1], "背街小巷硬化", 300_000).await;
    let now = app::ssr::now_ms();
    let (opens, closes) = (now - 3_600_000, now + 3_600_000);
    let ballot = ssr::create_ballot(&app.db, t1, qitai, 2027, opens, closes, &[a, b])
        .await
        .unwrap();

    // Online: A gets 1 赞成 of 3, B 3 of 3.
    for (i, d) in online.iter().enumerate() {
        let on_a = if i == 0 { Choice::Yes } else { Choice::No };
        ssr::cast(&app.db, *d, ballot, a, on_a, now).await.unwrap();
        ssr::cast(&app.db, *d, ballot, b, Choice::Yes, now)
            .await
            .unwrap();
    }

    // 领票, through the office's form; the refusals change nothing.
    let issue = |d: i64| form(&[("ballot", ballot.to_string()), ("deputy", d.to_string())]);
    let res = post(&app, "/api/micro/paper/issue", &issue(online[0]), &c1).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body.contains("qt代表0已在网上投票，不能再领取纸质选票"),
        "{}",
        res.body
    );
    let res = post(&app, "/api/micro/paper/issue", &issue(outsider), &c1).await;
    assert!(res.body.contains("ml代表0不是本县市的代表"), "{}", res.body);
    for d in &paper {
        let res = post(&app, "/api/micro/paper/issue", &issue(*d), &c1).await;
        assert!(res.status.is_success(), "{}", res.body);
    }
    let res = post(&app, "/api/micro/paper/issue", &issue(paper[0]), &c2).await;
    assert!(
        res.body.contains("已领取过本次票决的纸质选票"),
        "{}",
        res.body
    );
    let issued = "select paper_issued from ballot";
    assert_eq!(app.count(issued).await, 2);
    assert_eq!(
        app.count("select count(*) from ballot_channel where paper = 1")
            .await,
        2
    );
    // A deputy with a paper ballot cannot vote online.
    let err = ssr::cast(&app.db, paper[0], ballot, a, Choice::Yes, now)
        .await
        .unwrap_err();
    assert!(
        err.message().contains("已领取本次票决的纸质选票"),
        "{}",
        err.message()
    );
    assert_eq!(app.count("select count(*) from ballot_voter").await, 6);

    // Sheet 001: both tellers read 赞成 on A and B.
    let res = enter(&app, &c1, ballot, "001", &[(a, "yes"), (b, "yes")], false).await;
    assert!(res.status.is_success(), "{}", res.body);
    assert!(res.body.contains("待另一位计票人录入"), "{}", res.body);
    // The same teller entering it a second time is refused, nothing stored.
    let res = enter(&app, &c1, ballot, "001", &[(a, "yes"), (b, "yes")], false).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body
            .contains("您已录入过第 001 号选票；第二次录入须由另一位计票人独立完成"),
        "{}",
        res.body
    );
    assert_eq!(app.count("select count(*) from paper_entry").await, 1);
    // A candidate left out of an entry is refused by name.
    let res = enter(&app, &c2, ballot, "001", &[(a, "yes")], false).await;
    assert!(
        res.body.contains("请录入“背街小巷硬化”一栏"),
        "{}",
        res.body
    );
    assert_eq!(app.count("select count(*) from paper_entry").await, 1);
    let res = enter(&app, &c2, ballot, "001", &[(a, "yes"), (b, "yes")], false).await;
    assert!(res.body.contains("两次录入一致，已计入"), "{}", res.body);
    // Sheet 002: the tellers differ on A.
    enter(&app, &c1, ballot, "002", &[(a, "yes"), (b, "none")], false).await;
    let res = enter(&app, &c2, ballot, "002", &[(a, "no"), (b, "none")], false).await;
    assert!(res.body.contains("两次录入不一致"), "{}", res.body);
    // A third sheet: only two paper ballots were handed out.
    let res = enter(&app, &c1, ballot, "003", &[(a, "yes"), (b, "yes")], false).await;
    assert!(
        res.body
            .contains("纸质选票只发放了 2 张，已录入 2 张，不能再录入新的第 003 号选票"),
        "{}",
        res.body
    );
    assert_eq!(app.count("select count(*) from paper_sheet").await, 2);
    assert_eq!(app.count("select paper_sheets from ballot").await, 2);

    // After the close: provisional, the differing sheet not counted. A: 1 online + 1 paper
    // 赞成 of 4, not a majority.
    let after = closes + 1;
    let r = ssr::results(&app.db, ballot, after).await.unwrap();
    assert_eq!(r.provisional, "有 1 张纸质选票两次录入不一致，结果暂不生效");
    assert_eq!(
        (r.paper.issued, r.paper.agreed, r.paper.mismatched),
        (2, 1, 1)
    );
    let ca = r.candidates.iter().find(|c| c.project == a).unwrap();
    assert_eq!((ca.yes, ca.no, ca.abstain, ca.approved), (2, 2, 0, false));
    let cb = r.candidates.iter().find(|c| c.project == b).unwrap();
    assert_eq!((cb.yes, cb.approved), (4, true));
    assert_eq!(r.voters, 4);
    // The results cannot be confirmed; the sheet is flagged on the office's page with what each
    // teller entered; the deputies and the public see the results are provisional.
    let err = paper_ssr::finalize(&app.db, ballot, after)
        .await
        .unwrap_err();
    assert!(
        err.message()
            .contains("有 1 张纸质选票两次录入不一致，结果暂不生效，不能确认结果"),
        "{}",
        err.message()
    );
    assert_eq!(
        app.count("select count(*) from ballot where finalized_at is not null")
            .await,
        0
    );
    let page = paper_ssr::page(&app.db, t2, ballot, after).await.unwrap();
    let flagged: Vec<_> = page
        .sheets
        .iter()
        .filter(|s| !s.differences.is_empty())
        .collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].serial, "002");
    assert_eq!(
        flagged[0].differences,
        vec![(
            "村级文化广场".to_string(),
            format!("{n1}：赞成"),
            format!("{n2}：反对")
        )]
    );
    assert!(flagged[0].mine);
    let page = app
        .get(&format!("/office/micro/ballot?id={ballot}"), Some(&c1))
        .await;
    assert!(page.body.contains("两次录入不一致") && page.body.contains("002"));

    // Teller B corrects their entry: the sheet agrees, the results stand, A is approved.
    let res = enter(&app, &c2, ballot, "002", &[(a, "yes"), (b, "none")], true).await;
    assert!(res.body.contains("两次录入一致"), "{}", res.body);
    // Correcting a sheet one never entered is refused.
    let (_, c3, _) = office_login(&app).await;
    let res = enter(&app, &c3, ballot, "002", &[(a, "yes"), (b, "none")], true).await;
    assert!(
        res.body.contains("您没有录入过第 002 号选票，无从更正"),
        "{}",
        res.body
    );
    let r = ssr::results(&app.db, ballot, after).await.unwrap();
    assert_eq!(r.provisional, "");
    let ca = r.candidates.iter().find(|c| c.project == a).unwrap();
    assert_eq!((ca.yes, ca.no, ca.approved), (3, 2, true));
    let cb = r.candidates.iter().find(|c| c.project == b).unwrap();
    assert_eq!(
        (cb.yes, cb.no, cb.abstain),
        (4, 0, 0),
        "a blank is not counted"
    );
    paper_ssr::finalize(&app.db, ballot, after).await.unwrap();
    let statuses: Vec<String> = sqlx::query_scalar("select status from micro_project order by id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(statuses, vec!["approved", "approved"]);
    // Once confirmed, no more entries.
    let res = enter(&app, &c1, ballot, "002", &[(a, "no"), (b, "none")], true).await;
    assert!(
        res.body.contains("本次票决结果已确认，不能再录入纸质选票"),
        "{}",
        res.body
    );

    // Secrecy: the sheet tables have no column for a deputy; the only accounts on them are the
    // tellers; the row of who took a paper ballot has neither a choice nor a time.
    assert_eq!(
        columns(&app, "paper_sheet").await,
        vec!["ballot_id", "id", "serial"]
    );
    assert_eq!(
        columns(&app, "paper_mark").await,
        vec!["choice", "entry", "project_id", "sheet_id"]
    );
    assert_eq!(
        columns(&app, "paper_entry").await,
        vec!["entered_at", "entry", "sheet_id", "teller_id"]
    );
    assert_eq!(
        columns(&app, "ballot_channel").await,
        vec!["account_id", "ballot_id", "paper"]
    );
    assert_eq!(
        app.count("select count(*) from paper_entry e join deputy d on d.account_id = e.teller_id")
            .await,
        0
    );
    let tellers: Vec<i64> =
        sqlx::query_scalar("select distinct teller_id from paper_entry order by teller_id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(tellers, vec![t1.min(t2), t1.max(t2)]);
}

/// While the ballot is closed but a sheet still differs, the county's public page says the
/// results are pending; the deputies' page says so too.
#[tokio::test]
async fn pending_paper_sheets_show_on_the_public_and_deputy_pages() {
    let app = TestApp::new().await;
    let hutubi = county(&app, "呼图壁县").await;
    ssr::set_fund(&app.db, hutubi, 2027, 1_000_000)
        .await
        .unwrap();
    let ds = deputies(&app, hutubi, 1, "hb").await;
    let (deputy, dc) = deputy_login(&app, hutubi).await;
    let (t1, _, _) = office_login(&app).await;
    let (t2, _, _) = office_login(&app).await;
    let a = propose(&app, ds[0], "社区日间照料中心", 400_000).await;
    let now = app::ssr::now_ms();
    let ballot = ssr::create_ballot(&app.db, t1, hutubi, 2027, now - 1000, now + 3_600_000, &[a])
        .await
        .unwrap();
    paper_ssr::issue(&app.db, ballot, deputy, now)
        .await
        .unwrap();
    let mine = app.get("/deputy/ballots", Some(&dc)).await;
    assert!(
        mine.body.contains("您已领取本次票决的纸质选票"),
        "{}",
        mine.body
    );
    for (t, m) in [(t1, "yes"), (t2, "no")] {
        paper_ssr::enter(
            &app.db,
            t,
            &paper_ssr::SheetEntry {
                ballot,
                serial: "A1".into(),
                marks: vec![(a, m.into())],
                correct: false,
            },
            now,
        )
        .await
        .unwrap();
    }
    // Closed (the ballot moved into the past).
    sqlx::query("update ballot set opens_at = $1, closes_at = $2")
        .bind(now - 7_200_000)
        .bind(now - 3_600_000)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let public = app.get(&format!("/counties?county={hutubi}"), None).await;
    assert!(
        public
            .body
            .contains("票决已结束，结果待确认：有 1 张纸质选票两次录入不一致，结果暂不生效"),
        "{}",
        public.body
    );
    let mine = app.get("/deputy/ballots", Some(&dc)).await;
    assert!(
        mine.body
            .contains("有 1 张纸质选票两次录入不一致，结果暂不生效"),
        "{}",
        mine.body
    );
}

/// A deputy voting online while the office hands them a paper ballot at the same moment:
/// exactly one of the two wins, for every deputy.
#[tokio::test]
async fn online_vote_and_paper_ballot_at_once_exactly_one_wins() {
    let app = TestApp::new().await;
    let manas = county(&app, "玛纳斯县").await;
    ssr::set_fund(&app.db, manas, 2027, 1_000_000)
        .await
        .unwrap();
    let ds = deputies(&app, manas, 60, "mn").await;
    let (office, _, _) = office_login(&app).await;
    let a = propose(&app, ds[0], "老旧小区加装路灯", 400_000).await;
    let now = app::ssr::now_ms();
    let ballot = ssr::create_ballot(
        &app.db,
        office,
        manas,
        2027,
        now - 1000,
        now + 3_600_000,
        &[a],
    )
    .await
    .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, d) in ds.iter().copied().enumerate() {
        let (db1, db2) = (app.db.clone(), app.db.clone());
        // Alternate which call starts first, and hold the office back a little for some, so
        // that either may reach the database first.
        let lag = std::time::Duration::from_millis((i % 4) as u64);
        let issue = async move {
            tokio::time::sleep(lag).await;
            (d, false, paper_ssr::issue(&db2, ballot, d, now).await)
        };
        let vote = async move {
            (
                d,
                true,
                ssr::cast(&db1, d, ballot, a, Choice::Yes, now).await,
            )
        };
        if i % 2 == 0 {
            tasks.spawn(vote);
            tasks.spawn(issue);
        } else {
            tasks.spawn(issue);
            tasks.spawn(vote);
        }
    }
    let mut wins: std::collections::HashMap<i64, Vec<bool>> = Default::default();
    let (mut online_wins, mut paper_wins) = (0i64, 0i64);
    while let Some(joined) = tasks.join_next().await {
        let (d, online, result) = joined.unwrap();
        match result {
            Ok(()) => {
                wins.entry(d).or_default().push(online);
                if online {
                    online_wins += 1;
                } else {
                    paper_wins += 1;
                }
            }
            Err(e) => {
                let m = e.message();
                if online {
                    assert!(m.contains("已领取本次票决的纸质选票"), "{m}");
                } else {
                    assert!(m.contains("已在网上投票，不能再领取纸质选票"), "{m}");
                }
            }
        }
    }
    // Which kind wins depends on timing (both refusals are also tried one after the other in
    // the tellers' test); what must hold is one winner per deputy.
    eprintln!("online won: {online_wins}, paper won: {paper_wins}");
    assert_eq!(wins.len(), 60, "every deputy got exactly one way in");
    assert!(wins.values().all(|w| w.len() == 1));
    assert_eq!(online_wins + paper_wins, 60);
    assert_eq!(app.count("select count(*) from ballot_channel").await, 60);
    assert_eq!(
        app.count("select count(*) from ballot_channel where paper = 1")
            .await,
        paper_wins
    );
    assert_eq!(
        app.count("select paper_issued from ballot").await,
        paper_wins
    );
    assert_eq!(
        app.count("select count(*) from ballot_voter").await,
        online_wins
    );
    assert_eq!(app.count("select yes from ballot_item").await, online_wins);
}

/// An approved project handed to a unit, reported on, finished, sent back by a deputy, finished
/// again and accepted; the county's public page shows budget, stage, spending and the last
/// progress day, and nothing personal.
#[tokio::test]
async fn an_approved_project_is_carried_out_to_acceptance_and_shown_to_the_public() {
    let app = TestApp::new().await;
    let jimsar = county(&app, "吉木萨尔县").await;
    let fukang = county(&app, "阜康市").await;
    ssr::set_fund(&app.db, jimsar, 2027, 1_000_000)
        .await
        .unwrap();
    let (deputy, dc) = deputy_login(&app, jimsar).await;
    let (_, outsider_c) = deputy_login(&app, fukang).await;
    let (_, oc, _) = office_login(&app).await;
    let p = propose(&app, deputy, "村道路灯改造", 100_000).await;
    let q = propose(&app, deputy, "未通过的项目", 50_000).await;
    sqlx::query("update micro_project set status = 'approved' where id = $1")
        .bind(p)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let unit = app.unit("测试承办单位").await;
    let other_unit = app.unit("其他承办单位").await;
    let (uname, upw) = app.account(Role::Unit).await;
    let uc = app.login_as(&uname, &upw).await;
    let (oname, opw) = app.account(Role::Unit).await;
    sqlx::query("update unit_operator set unit_id = $1 where account_id = $2")
        .bind(other_unit)
        .bind(id_of(&app, &oname).await)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let other_c = app.login_as(&oname, &opw).await;

    // The office hands it to the unit; a project not approved cannot be.
    let assign =
        |project: i64| form(&[("project", project.to_string()), ("unit", unit.to_string())]);
    let res = post(&app, "/api/micro/assign", &assign(q), &oc).await;
    assert!(
        res.body
            .contains("项目“未通过的项目”未经票决通过，不能交付实施"),
        "{}",
        res.body
    );
    let res = post(&app, "/api/micro/assign", &assign(p), &oc).await;
    assert!(res.status.is_success(), "{}", res.body);
    assert_eq!(app.count("select count(*) from micro_work").await, 1);
    let public = app.get(&format!("/counties?county={jimsar}"), None).await;
    assert!(public.body.contains("村道路灯改造") && public.body.contains("未开工"));

    let now = app::ssr::now_ms();
    let day = |d: i64| app::draft::time::format_day(now + d * 86_400_000);
    let progress = |on: String, spent: i64| {
        form(&[
            ("project", p.to_string()),
            ("on_day", on),
            ("body", "路灯基础施工".into()),
            ("spent_yuan", spent.to_string()),
        ])
    };
    let unchanged = "select count(*) from micro_progress";
    // Another unit's operator, a future day: refused, nothing stored.
    let res = post(
        &app,
        "/api/micro/progress",
        &progress(day(-2), 30_000),
        &other_c,
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body.contains("项目“村道路灯改造”不由本单位承办"),
        "{}",
        res.body
    );
    let res = post(&app, "/api/micro/progress", &progress(day(1), 30_000), &uc).await;
    assert!(
        res.body.contains(&format!(
            "日期 {} 晚于今天（{}），不能填报尚未发生的进展",
            day(1),
            day(0)
        )),
        "{}",
        res.body
    );
    assert_eq!(app.count(unchanged).await, 0);
    let res = post(&app, "/api/micro/progress", &progress(day(-2), 30_000), &uc).await;
    assert!(res.status.is_success(), "{}", res.body);
    // Spending that goes down, or past the budget by more than 10%: refused.
    let res = post(&app, "/api/micro/progress", &progress(day(-1), 20_000), &uc).await;
    assert!(
        res.body
            .contains("累计支出 20000 元少于上次填报的 30000 元：累计支出只增不减"),
        "{}",
        res.body
    );
    let res = post(
        &app,
        "/api/micro/progress",
        &progress(day(-1), 110_001),
        &uc,
    )
    .await;
    assert!(
        res.body
            .contains("累计支出 110001 元超出预算 100000 元的 10%（上限 110000 元），请核实"),
        "{}",
        res.body
    );
    let res = post(&app, "/api/micro/progress", &progress(day(-3), 40_000), &uc).await;
    assert!(
        res.body
            .contains(&format!("早于上一次进展的日期 {}", day(-2))),
        "{}",
        res.body
    );
    assert_eq!(app.count(unchanged).await, 1);
    assert_eq!(app.count("select spent_yuan from micro_work").await, 30_000);
    // Within 10% over the budget: taken, and flagged.
    let res = post(
        &app,
        "/api/micro/progress",
        &progress(day(-1), 105_000),
        &uc,
    )
    .await;
    assert!(res.status.is_success(), "{}", res.body);
    let public = app.get(&format!("/counties?county={jimsar}"), None).await;
    assert!(public.body.contains("实施中"), "{}", public.body);
    assert!(public.body.contains("105000") && public.body.contains("超出预算"));
    assert!(public.body.contains(&day(-1)));
    let page = app.get("/unit/projects", Some(&uc)).await;
    assert!(page.body.contains("村道路灯改造") && page.body.contains("报完工"));
    let page = app.get("/unit/projects", Some(&other_c)).await;
    assert!(!page.body.contains("村道路灯改造"));

    // Finished; a deputy of another county cannot accept it; a failure needs a reason.
    let res = post(
        &app,
        "/api/micro/complete",
        &form(&[("project", p.to_string()), ("on_day", day(0))]),
        &uc,
    )
    .await;
    assert!(res.status.is_success(), "{}", res.body);
    let public = app.get(&format!("/counties?county={jimsar}"), None).await;
    assert!(public.body.contains("已完工待验收"));
    let res = post(&app, "/api/micro/progress", &progress(day(0), 106_000), &uc).await;
    assert!(res.body.contains("正等待代表验收"), "{}", res.body);
    let accept = |verdict: &str, reason: &str| {
        form(&[
            ("project", p.to_string()),
            ("verdict", verdict.into()),
            ("reason", reason.into()),
        ])
    };
    let res = post(&app, "/api/micro/accept", &accept("pass", ""), &outsider_c).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body
            .contains("您不是项目“村道路灯改造”所在县市的代表，不能验收该项目"),
        "{}",
        res.body
    );
    let res = post(&app, "/api/micro/accept", &accept("fail", " "), &dc).await;
    assert!(res.body.contains("验收不通过须写明理由"), "{}", res.body);
    assert_eq!(app.count("select count(*) from micro_acceptance").await, 0);
    let page = app.get("/deputy/ballots", Some(&dc)).await;
    assert!(page.body.contains("已完工待验收") && page.body.contains("提交验收意见"));
    // 不通过: back to the unit, which reports again and finishes again.
    let res = post(
        &app,
        "/api/micro/accept",
        &accept("fail", "两盏路灯不亮"),
        &dc,
    )
    .await;
    assert!(res.status.is_success(), "{}", res.body);
    let w = work_ssr::for_deputy(&app.db, deputy).await.unwrap();
    assert_eq!(w[0].stage, "实施中");
    assert!(w[0].acceptances[0].contains("验收不通过：两盏路灯不亮"));
    let res = post(&app, "/api/micro/progress", &progress(day(0), 106_000), &uc).await;
    assert!(res.status.is_success(), "{}", res.body);
    post(
        &app,
        "/api/micro/complete",
        &form(&[("project", p.to_string()), ("on_day", day(0))]),
        &uc,
    )
    .await;
    let res = post(&app, "/api/micro/accept", &accept("pass", ""), &dc).await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = post(&app, "/api/micro/accept", &accept("pass", ""), &dc).await;
    assert!(
        res.body.contains("项目“村道路灯改造”已验收"),
        "{}",
        res.body
    );
    let res = post(&app, "/api/micro/progress", &progress(day(0), 107_000), &uc).await;
    assert!(res.body.contains("已验收，不能再更改"), "{}", res.body);
    assert_eq!(app.count("select count(*) from micro_acceptance").await, 2);

    let public = app.get(&format!("/counties?county={jimsar}"), None).await;
    assert!(public.body.contains("已验收") && public.body.contains("106000"));
    // Nothing personal: neither the deputy's nor the operator's name, nor the reasons.
    for (who, name) in [
        (deputy, "吉木萨尔张代表"),
        (id_of(&app, &uname).await, "经办人李四"),
    ] {
        sqlx::query("update account set display_name = $1 where id = $2")
            .bind(name)
            .bind(who)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    let page = app.get("/deputy/ballots", Some(&dc)).await;
    assert!(page.body.contains("已验收"));
    let public = app.get(&format!("/counties?county={jimsar}"), None).await;
    assert!(public.body.contains("村道路灯改造"));
    for private in [
        "吉木萨尔张代表",
        "经办人李四",
        "两盏路灯不亮",
        "路灯基础施工",
    ] {
        assert!(
            !public.body.contains(private),
            "{private} on the public page"
        );
    }
}

/// The demo's 微实事: the finished ballot counts three agreed paper sheets; of its approved
/// projects one is accepted, one under way with two updates, one finished awaiting acceptance.
#[tokio::test]
async fn the_demo_shows_paper_sheets_and_projects_at_every_stage() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let ballot: i64 = sqlx::query_scalar("select id from ballot")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = ssr::results(&app.db, ballot, app::ssr::now_ms())
        .await
        .unwrap();
    assert_eq!((r.paper.issued, r.paper.agreed), (3, 3));
    assert!(r.finalized && r.provisional.is_empty());
    let tellers = app
        .count("select count(distinct teller_id) from paper_entry")
        .await;
    assert_eq!(tellers, 2);
    let deputy = id_of(&app, "deputy").await;
    let works = work_ssr::for_deputy(&app.db, deputy).await.unwrap();
    let stages: Vec<&str> = works.iter().map(|w| w.stage.as_str()).collect();
    assert_eq!(stages, vec!["已验收", "实施中", "已完工待验收"]);
    assert_eq!(works[1].progress.len(), 2);
    assert!(works.iter().all(|w| w.unit == "昌吉州住房和城乡建设局"));
    let county: i64 = sqlx::query_scalar("select county_id from ballot")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let public = app.get(&format!("/counties?county={county}"), None).await;
    for stage in ["已验收", "实施中", "已完工待验收", "未通过"] {
        assert!(public.body.contains(stage), "{stage}");
    }
}
