//! The demo's closed loop and 微实事: handling units, a deputy for every station, residents'
//! requests in every state (registered, in a suggestion waiting to be handed out, in handling,
//! overdue, answered, closed) and a finished 微实事 vote in 昌吉市 (with paper ballots entered by
//! two tellers), its approved projects carried out. Runs once (when no unit
//! exists yet). Built through the same functions as the pages, except where the story lies in
//! the past (deadlines, a ballot already closed), which is written directly.

use app::auth::{Role, SessionUser};
use app::error::AppError;
use app::micro::Choice;
use app::ssr::{now_ms, Db};
use app::suggestion::ssr as loop_;
use app::suggestion::{AnswerCategory, Rating};
use std::collections::HashMap;

/// Every demo deputy's password (one hash for all 437 keeps the seed fast).
pub const DEPUTY_PASSWORD: &str = "demo-deputy-2026";
pub const UNIT_PASSWORD: &str = "demo-unit-2026";

const UNITS: &[(&str, &str)] = &[
    ("昌吉州住房和城乡建设局", "department"),
    ("昌吉州交通运输局", "department"),
    ("昌吉州教育局", "department"),
    ("昌吉州卫生健康委员会", "department"),
    ("昌吉州生态环境局", "department"),
    ("昌吉州农业农村局", "department"),
    ("昌吉州人力资源和社会保障局", "department"),
    ("昌吉州民政局", "department"),
    ("昌吉州水利局", "department"),
    ("昌吉州财政局", "department"),
    ("昌吉州自然资源局", "department"),
    ("昌吉州市场监督管理局", "department"),
    ("昌吉州文化体育广电和旅游局", "department"),
    ("昌吉州应急管理局", "department"),
    ("昌吉州工业和信息化局", "department"),
    ("昌吉州医疗保障局", "department"),
    ("昌吉州城市管理局", "department"),
    ("昌吉州林业和草原局", "department"),
    ("昌吉州退役军人事务局", "department"),
    ("昌吉州公安局交通警察支队", "department"),
    ("昌吉市人民政府", "government"),
    ("阜康市人民政府", "government"),
    ("呼图壁县人民政府", "government"),
    ("玛纳斯县人民政府", "government"),
    ("奇台县人民政府", "government"),
    ("吉木萨尔县人民政府", "government"),
    ("木垒哈萨克自治县人民政府", "government"),
    ("昌吉州中级人民法院", "court"),
    ("昌吉州人民检察院", "procuratorate"),
    ("昌吉市热力有限公司", "department"),
];

fn deputy_level(station_level: i64) -> &'static str {
    match station_level {
        1 => "州",
        2 => "县市",
        _ => "乡镇",
    }
}

/// Seeds the loop; returns the demo logins it adds (deputy, unit operator).
pub async fn seed(db: &Db) -> Result<Vec<(String, String, Role)>, AppError> {
    let logins = vec![
        (
            "deputy".to_string(),
            DEPUTY_PASSWORD.to_string(),
            Role::Deputy,
        ),
        ("unit".to_string(), UNIT_PASSWORD.to_string(), Role::Unit),
    ];
    let units: i64 = sqlx::query_scalar("select count(*) from unit")
        .fetch_one(&db.pool)
        .await?;
    if units > 0 {
        return Ok(logins);
    }
    let mut unit_ids = HashMap::new();
    for (name, kind) in UNITS {
        unit_ids.insert(*name, loop_::create_unit(db, name, kind, "").await?);
    }
    let unit = |name: &str| unit_ids[name];

    // A deputy for every station (编组入家), in one transaction with one password hash.
    let stations: Vec<(i64, String, i64, Option<i64>)> =
        sqlx::query_as("select id, name, level, parent_id from station order by level, id")
            .fetch_all(&db.pool)
            .await?;
    let mut county_of: HashMap<i64, i64> = HashMap::new();
    for (id, _, level, parent) in &stations {
        let county = match (level, parent) {
            (1 | 2, _) | (_, None) => *id,
            (_, Some(p)) => county_of.get(p).copied().unwrap_or(*p),
        };
        county_of.insert(*id, county);
    }
    let changji: i64 = stations
        .iter()
        .find(|s| s.1 == "昌吉市" && s.2 == 2)
        .map(|s| s.0)
        .ok_or(AppError::NotFound)?;
    let hash = app::auth::ssr::hash_password(DEPUTY_PASSWORD).await?;
    let now = now_ms();
    let mut deputy_of: HashMap<i64, i64> = HashMap::new();
    let mut tx = db.begin().await?;
    for (id, name, level, _) in &stations {
        let login = if *id == changji {
            "deputy".to_string()
        } else {
            format!("deputy-{id}")
        };
        let account: i64 = sqlx::query_scalar(
            "insert into account (name, display_name, role, station_id, password_hash, active, \
             created_at, updated_at) values ($1, $2, 'deputy', $3, $4, 1, $5, $5) returning id",
        )
        .bind(&login)
        .bind(format!("{name}代表之家 代表"))
        .bind(id)
        .bind(&hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("insert into deputy (account_id, level, county_id) values ($1, $2, $3)")
            .bind(account)
            .bind(deputy_level(*level))
            .bind(county_of[id])
            .execute(&mut *tx)
            .await?;
        deputy_of.insert(*id, account);
    }
    tx.commit().await?;
    loop_::create_unit_operator(
        db,
        unit("昌吉州住房和城乡建设局"),
        &app::account::NewAccount {
            name: "unit".into(),
            display_name: "州住建局 赵经办".into(),
            role: Role::Unit,
            station: None,
            password: UNIT_PASSWORD.into(),
        },
    )
    .await?;

    // Requests at the 昌吉市 station and the suggestions they became.
    let station_op: i64 = sqlx::query_scalar("select id from account where name = 'station'")
        .fetch_one(&db.pool)
        .await?;
    let office: i64 = sqlx::query_scalar("select id from account where name = 'office'")
        .fetch_one(&db.pool)
        .await?;
    let deputy = SessionUser {
        id: deputy_of[&changji],
        name: "deputy".into(),
        display_name: "昌吉市代表之家 代表".into(),
        role: Role::Deputy,
        station_id: Some(changji),
        station_name: Some("昌吉市".into()),
        must_change_password: false,
    };
    let request = |title: &'static str, category: &'static str, place: &'static str| {
        let db = db.clone();
        async move {
            loop_::record_request(
                &db,
                changji,
                station_op,
                &loop_::NewRequest {
                    title: title.into(),
                    body: format!("群众反映：{title}，希望有关部门尽快解决。"),
                    place: place.into(),
                    category: category.into(),
                    resident_name: "居民".into(),
                    resident_contact: "13900000000".into(),
                },
            )
            .await?;
            sqlx::query_scalar::<_, i64>("select max(id) from resident_request")
                .fetch_one(&db.pool)
                .await
                .map_err(AppError::from)
        }
    };
    let _registered = request("小区门口缺少减速带", "交通出行", "昌吉市延安北路").await?;
    let heat1 = request("幸福小区冬季室温不达标", "供水供热", "昌吉市幸福小区").await?;
    let heat2 = request("老旧小区供热管道漏水", "供水供热", "昌吉市建国路").await?;
    let school = request("学校门口路口缺少信号灯", "交通出行", "昌吉市第三中学").await?;
    let clinic = request("社区卫生服务站药品不全", "医疗卫生", "昌吉市宁边路").await?;
    let road = request("村道破损", "农业农村", "昌吉市榆树沟镇").await?;
    let suggestion = |title: &'static str, requests: Vec<i64>| {
        let (db, deputy) = (db.clone(), deputy.clone());
        async move {
            loop_::create_suggestion(
                &db,
                &deputy,
                title,
                &format!("{title}。建议有关部门调查核实，制定方案，限期解决。"),
                &requests,
                &[],
            )
            .await
            .map(|(id, _)| id)
        }
    };
    let assign = |id: i64, lead: i64, co: Vec<i64>| loop_::Assignment {
        by: office,
        suggestion: id,
        lead,
        co_units: co,
        difficult: false,
        deadline: String::new(),
    };
    // In handling: the heating network.
    let heating = suggestion("关于改造老旧小区供热管网的建议", vec![heat1, heat2]).await?;
    loop_::assign(
        db,
        &assign(
            heating,
            unit("昌吉州住房和城乡建设局"),
            vec![unit("昌吉市热力有限公司")],
        ),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    // Overdue: handed out four months ago.
    let lights = suggestion("关于在第三中学门口增设信号灯的建议", vec![school]).await?;
    loop_::assign(
        db,
        &assign(lights, unit("昌吉州公安局交通警察支队"), vec![]),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    sqlx::query("update suggestion set assigned_at = $1, deadline_at = $2 where id = $3")
        .bind(now - 120 * 86_400_000)
        .bind(now - 30 * 86_400_000)
        .bind(lights)
        .execute(&db.pool)
        .await?;
    // Answered, waiting for the deputy's rating.
    let clinic_s = suggestion("关于充实社区卫生服务站药品的建议", vec![clinic]).await?;
    loop_::assign(
        db,
        &assign(clinic_s, unit("昌吉州卫生健康委员会"), vec![]),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    let answer = |id: i64, unit: i64, category: AnswerCategory, body: &str, planned: &str| {
        loop_::NewAnswer {
            unit,
            by: office,
            suggestion: id,
            category,
            body: body.into(),
            measures: String::new(),
            planned_on: planned.into(),
        }
    };
    loop_::answer(
        db,
        &answer(
            clinic_s,
            unit("昌吉州卫生健康委员会"),
            AnswerCategory::Planned,
            "已将宁边路社区卫生服务站纳入基本药物配备提升计划，明年一季度完成。",
            "2027-03-31",
        ),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    // Closed: answered and rated 满意.
    let road_s = suggestion("关于修复榆树沟镇村道的建议", vec![road]).await?;
    loop_::assign(
        db,
        &assign(
            road_s,
            unit("昌吉市人民政府"),
            vec![unit("昌吉州交通运输局")],
        ),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    loop_::answer(
        db,
        &answer(
            road_s,
            unit("昌吉市人民政府"),
            AnswerCategory::Solved,
            "村道破损路段已于本月修复完毕。",
            "",
        ),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    loop_::rate(db, deputy.id, road_s, Rating::Satisfied, "", now).await?;
    // Waiting to be handed out.
    suggestion("关于增加公交线路覆盖新建小区的建议", vec![]).await?;

    // 督办: two suggestions under a leader's supervision (one overdue), a unit's pending
    // request to hand one to another unit, and enough answers and ratings this month (on time,
    // late, a 不满意 that reopened the suggestion, another county) for the month's report.
    const LEADER: &str = "州人大常委会副主任 李明";
    app::suggestion::chase::supervise(db, heating, Some(LEADER)).await?;
    app::suggestion::chase::supervise(db, lights, Some(LEADER)).await?;
    let fees = suggestion("关于规范小区物业收费的建议", vec![]).await?;
    loop_::assign(
        db,
        &assign(fees, unit("昌吉州住房和城乡建设局"), vec![]),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    let unit_op: i64 = sqlx::query_scalar("select id from account where name = 'unit'")
        .fetch_one(&db.pool)
        .await?;
    app::suggestion::chase::request_reassign(
        db,
        unit("昌吉州住房和城乡建设局"),
        unit_op,
        fees,
        "小区物业服务收费标准由县市人民政府价格主管部门核定，本局不负责收费事项，\
         建议改由昌吉市人民政府办理。",
        now,
    )
    .await?;
    // Answered late: handed out a hundred days ago, due eight days ago, answered today.
    let bus = suggestion("关于延长城区公交末班车时间的建议", vec![]).await?;
    loop_::assign(
        db,
        &assign(bus, unit("昌吉州交通运输局"), vec![]),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    sqlx::query("update suggestion set assigned_at = $1, deadline_at = $2 where id = $3")
        .bind(now - 100 * 86_400_000)
        .bind(now - 8 * 86_400_000)
        .bind(bus)
        .execute(&db.pool)
        .await?;
    loop_::answer(
        db,
        &answer(
            bus,
            unit("昌吉州交通运输局"),
            AnswerCategory::Solved,
            "已协调公交公司将 1、3、5 路末班车延长至 22:30。",
            "",
        ),
        "http://127.0.0.1:3000",
        now,
    )
    .await?;
    loop_::rate(
        db,
        deputy.id,
        bus,
        Rating::Basic,
        "希望继续扩大覆盖线路。",
        now,
    )
    .await?;
    // Another county: answered, rated 不满意, in a second handling.
    if let Some(fukang) = stations
        .iter()
        .find(|s| s.1 == "阜康市" && s.2 == 2)
        .map(|s| s.0)
    {
        let other = SessionUser {
            id: deputy_of[&fukang],
            name: format!("deputy-{fukang}"),
            display_name: "阜康市代表之家 代表".into(),
            role: Role::Deputy,
            station_id: Some(fukang),
            station_name: Some("阜康市".into()),
            must_change_password: false,
        };
        let title = "关于阜康市老城区排水管网改造的建议";
        let (water, _) = loop_::create_suggestion(
            db,
            &other,
            title,
            &format!("{title}。雨季积水严重，建议纳入改造计划。"),
            &[],
            &[],
        )
        .await?;
        loop_::assign(
            db,
            &assign(water, unit("阜康市人民政府"), vec![unit("昌吉州水利局")]),
            "http://127.0.0.1:3000",
            now,
        )
        .await?;
        loop_::answer(
            db,
            &answer(
                water,
                unit("阜康市人民政府"),
                AnswerCategory::Unable,
                "受资金限制，老城区排水管网改造暂未列入今年计划。",
                "",
            ),
            "http://127.0.0.1:3000",
            now,
        )
        .await?;
        loop_::rate(
            db,
            other.id,
            water,
            Rating::Unsatisfied,
            "积水影响群众出行，请重新研究解决办法。",
            now,
        )
        .await?;
    }
    // The demo's history lies in the past: nobody is mailed about it.
    sqlx::query(
        "delete from outbox where kind in ('suggestion_assigned', 'request_answered', \
         'requests_answered')",
    )
    .execute(&db.pool)
    .await?;

    seed_micro(db, changji, &county_of, &deputy_of).await?;
    Ok(logins)
}

/// 昌吉市's 微实事 round of the year: fund, five projects, a ballot closed three days ago with
/// every deputy of the county having voted, and the outcome recorded on the projects.
async fn seed_micro(
    db: &Db,
    county: i64,
    county_of: &HashMap<i64, i64>,
    deputy_of: &HashMap<i64, i64>,
) -> Result<(), AppError> {
    use app::micro::paper_ssr;
    use app::micro::ssr as micro;
    let now = now_ms();
    let year: i64 = app::draft::time::format_day(now)[..4]
        .parse()
        .unwrap_or(2026);
    micro::set_fund(db, county, year, 3_000_000).await?;
    let mut voters: Vec<i64> = county_of
        .iter()
        .filter(|(_, c)| **c == county)
        .map(|(station, _)| deputy_of[station])
        .collect();
    voters.sort_unstable();
    let projects = [
        ("老旧小区加装路灯", "昌吉市宁边路街道", 800_000),
        ("农贸市场顶棚改造", "昌吉市建国路街道", 1_500_000),
        ("社区日间照料中心", "昌吉市延安北路街道", 1_200_000),
        ("村级文化广场", "昌吉市榆树沟镇", 600_000),
        ("背街小巷硬化", "昌吉市中山路街道", 900_000),
    ];
    let mut ids = Vec::new();
    for (i, (title, place, cost)) in projects.iter().enumerate() {
        ids.push(
            micro::propose(
                db,
                voters[i % voters.len()],
                &micro::NewProject {
                    year,
                    title: (*title).into(),
                    place: (*place).into(),
                    cost_yuan: *cost,
                    beneficiaries: "周边居民".into(),
                    requests: vec![],
                },
            )
            .await?,
        );
    }
    let office: i64 = sqlx::query_scalar("select id from account where name = 'office'")
        .fetch_one(&db.pool)
        .await?;
    let (opens, closes) = (now - 10 * 86_400_000, now - 3 * 86_400_000);
    // Written directly: a ballot cannot be set up in the past through the office's form.
    let ballot: i64 = sqlx::query_scalar(
        "insert into ballot (county_id, year, opens_at, closes_at, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $3) returning id",
    )
    .bind(county)
    .bind(year)
    .bind(opens)
    .bind(closes)
    .bind(office)
    .fetch_one(&db.pool)
    .await?;
    for p in &ids {
        sqlx::query("insert into ballot_item (ballot_id, project_id) values ($1, $2)")
            .bind(ballot)
            .bind(p)
            .execute(&db.pool)
            .await?;
        sqlx::query("update micro_project set status = 'on_ballot' where id = $1")
            .bind(p)
            .execute(&db.pool)
            .await?;
    }
    // Three deputies took paper ballots (领票) instead of voting online; both tellers entered
    // their sheets alike, so the sheets count.
    let (online, paper) = voters.split_at(voters.len().saturating_sub(3));
    for deputy in paper {
        sqlx::query("insert into ballot_channel (ballot_id, account_id, paper) values ($1, $2, 1)")
            .bind(ballot)
            .bind(deputy)
            .execute(&db.pool)
            .await?;
    }
    sqlx::query("update ballot set paper_issued = $1 where id = $2")
        .bind(paper.len() as i64)
        .bind(ballot)
        .execute(&db.pool)
        .await?;
    // Support falls from the first project to the last, so the outcome shows every case.
    for (v, deputy) in online.iter().enumerate() {
        for (k, p) in ids.iter().enumerate() {
            let yes_share = [90, 75, 60, 55, 30][k];
            let r = (v * 37 + k * 11) % 100;
            let choice = if r < yes_share {
                Choice::Yes
            } else if r < yes_share + (100 - yes_share) / 2 {
                Choice::No
            } else {
                Choice::Abstain
            };
            micro::cast(db, *deputy, ballot, *p, choice, opens + 3_600_000).await?;
        }
    }
    let office2: i64 = sqlx::query_scalar("select id from account where name = 'office2'")
        .fetch_one(&db.pool)
        .await?;
    let sheets: [[&str; 5]; 3] = [
        ["yes", "yes", "yes", "no", "no"],
        ["yes", "yes", "abstain", "yes", "none"],
        ["yes", "no", "yes", "yes", "no"],
    ];
    for (n, marks) in sheets.iter().enumerate().take(paper.len()) {
        for teller in [office, office2] {
            paper_ssr::enter(
                db,
                teller,
                &paper_ssr::SheetEntry {
                    ballot,
                    serial: format!("{:03}", n + 1),
                    marks: ids
                        .iter()
                        .zip(marks.iter())
                        .map(|(p, m)| (*p, (*m).to_string()))
                        .collect(),
                    correct: false,
                },
                closes + 3_600_000,
            )
            .await?;
        }
    }
    // The office confirmed the results; the projects are approved or not.
    paper_ssr::finalize(db, ballot, closes + 86_400_000).await?;
    seed_work(db, county, &ids, now).await
}

/// The approved projects being carried out by the demo unit: the first accepted by a deputy,
/// the second under way with two progress updates, the third finished and awaiting acceptance.
async fn seed_work(db: &Db, county: i64, ids: &[i64], now: i64) -> Result<(), AppError> {
    use app::micro::work_ssr as work;
    let approved: Vec<i64> = sqlx::query_scalar(
        "select id from micro_project where county_id = $1 and status = 'approved' order by id",
    )
    .bind(county)
    .fetch_all(&db.pool)
    .await?;
    let approved: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|p| approved.contains(p))
        .collect();
    let office: i64 = sqlx::query_scalar("select id from account where name = 'office'")
        .fetch_one(&db.pool)
        .await?;
    let operator: i64 = sqlx::query_scalar("select id from account where name = 'unit'")
        .fetch_one(&db.pool)
        .await?;
    let deputy: i64 = sqlx::query_scalar("select id from account where name = 'deputy'")
        .fetch_one(&db.pool)
        .await?;
    let unit: i64 = sqlx::query_scalar("select unit_id from unit_operator where account_id = $1")
        .bind(operator)
        .fetch_one(&db.pool)
        .await?;
    let day = |days_ago: i64| app::draft::time::format_day(now - days_ago * 86_400_000);
    let cost = |p: i64| async move {
        sqlx::query_scalar::<_, i64>("select cost_yuan from micro_project where id = $1")
            .bind(p)
            .fetch_one(&db.pool)
            .await
            .map_err(AppError::from)
    };
    let step = |p: i64, days_ago: i64, body: &'static str, spent: i64| {
        let on_day = day(days_ago);
        async move {
            work::progress(
                db,
                operator,
                &work::NewProgress {
                    project: p,
                    on_day,
                    body: body.into(),
                    spent_yuan: spent,
                },
                now,
            )
            .await
        }
    };
    for (i, p) in approved.iter().copied().enumerate().take(3) {
        work::assign(db, office, p, unit, now).await?;
        let c = cost(p).await?;
        match i {
            0 => {
                step(p, 2, "完成招标，施工队进场", c * 3 / 10).await?;
                step(p, 1, "主体工程完成，正在收尾", c * 9 / 10).await?;
                work::complete(db, operator, p, &day(1), now).await?;
                work::accept(db, deputy, p, true, "", now).await?;
            }
            1 => {
                step(p, 2, "完成设计和招标", c / 5).await?;
                step(p, 1, "施工过半", c / 2).await?;
            }
            _ => {
                step(p, 2, "施工完成", c * 19 / 20).await?;
                work::complete(db, operator, p, &day(1), now).await?;
            }
        }
    }
    Ok(())
}
