//! The authorisation matrix: every server function and protected route × every role and
//! anonymous → allowed or refused. A server function missing from the table fails the test, so
//! nobody can add an endpoint without deciding who may call it.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    User(Role),
}

const EVERYONE: &[Who] = &[
    Who::Anonymous,
    Who::User(Role::Admin),
    Who::User(Role::Committee),
    Who::User(Role::Office),
    Who::User(Role::Station),
    Who::User(Role::Deputy),
    Who::User(Role::Unit),
    Who::User(Role::Citizen),
];
const LOGGED_IN: &[Who] = &[
    Who::User(Role::Admin),
    Who::User(Role::Committee),
    Who::User(Role::Office),
    Who::User(Role::Station),
    Who::User(Role::Deputy),
    Who::User(Role::Unit),
    Who::User(Role::Citizen),
];
const OFFICE: &[Who] = &[Who::User(Role::Admin), Who::User(Role::Office)];
const DEPUTY: &[Who] = &[Who::User(Role::Deputy)];
const UNIT: &[Who] = &[Who::User(Role::Unit)];
const STATION_OR_DEPUTY: &[Who] = &[Who::User(Role::Station), Who::User(Role::Deputy)];
const ADMIN: &[Who] = &[Who::User(Role::Admin)];
const COMMITTEE: &[Who] = &[Who::User(Role::Admin), Who::User(Role::Committee)];
const STATION: &[Who] = &[Who::User(Role::Station)];
const STATION_OR_COMMITTEE: &[Who] = &[
    Who::User(Role::Admin),
    Who::User(Role::Committee),
    Who::User(Role::Station),
];

/// What a call needs to be valid when it is allowed, so that "allowed" means "succeeded".
struct Ctx {
    probe_name: String,
    probe_password: String,
    target_id: i64,
    own_password: String,
    /// A stored preview of the caller's own (previews are private to their author).
    preview_id: String,
    /// The tracking number of an existing comment.
    tracking: String,
    comment_id: i64,
    /// A message that failed to send (a fresh one per caller: a retry re-queues it).
    failed_mail_id: i64,
    /// A notice to the caller's own station (station operators), or to some station.
    notice_id: i64,
    /// An opinion recorded by the caller's own station (station operators), or by some station.
    opinion_id: i64,
    /// A batch forwarded by the test station (every test operator's own).
    receipt: String,
    today: String,
    /// The station every test operator acts for (level 1).
    station_id: i64,
    /// Two clusters of their own for each caller (renamed, merged), one holding `comment_id`.
    clusters: (i64, i64),
    /// Two themes of the demo draft for each caller (renamed, accepted, merged, deleted).
    themes: (i64, i64),
    /// A publication of the demo draft scheduled far ahead (rescheduled, then withdrawn).
    scheduled: i64,
    /// A file the caller uploaded earlier (station operators), kept for importing.
    kept_file: String,
    /// A suggestion waiting to be handed out (fresh per caller).
    submitted: i64,
    /// A suggestion handed to the test unit as lead (fresh per caller).
    assigned: i64,
    /// An answered suggestion led by the caller (fresh per caller).
    answered: i64,
    /// The tracking number of a resident's request.
    request_tracking: String,
    /// That request's id (a station turns it into an opinion once).
    request_id: i64,
    /// The test unit (every test unit operator's).
    unit_id: i64,
    /// Another unit, to hand a suggestion to.
    other_unit: i64,
    /// Two pending reassignment requests of the test unit (fresh per caller): granted, refused.
    reassign: (i64, i64),
    /// An open ballot of the test station's county and one of its candidates.
    ballot: (i64, i64),
    /// A proposed project of the test county, for a ballot of the caller's own.
    proposed: i64,
    /// 微实事 fixtures of the caller's own (see [`MicroFixtures`]).
    micro: MicroFixtures,
    n: usize,
}

type Body = fn(&Ctx) -> Vec<(String, String)>;

/// (path, who may call it, a valid body). Logout comes last: it ends the caller's session.
fn server_fn_matrix() -> Vec<(&'static str, &'static [Who], Body)> {
    vec![
        ("/api/session/info", EVERYONE, |_| vec![]),
        ("/api/drafts/list", EVERYONE, |_| vec![]),
        ("/api/drafts/get", EVERYONE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/drafts/compare", EVERYONE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/drafts/import", COMMITTEE, |_| {
            vec![
                ("slug".into(), "matrix-draft".into()),
                ("label".into(), "征求意见稿".into()),
                ("source".into(), "# 条例\n\n第一条 内容。\n".into()),
                ("intent".into(), "preview".into()),
            ]
        }),
        ("/api/drafts/preview", COMMITTEE, |c| {
            vec![("id".into(), c.preview_id.clone())]
        }),
        ("/api/drafts/relink", COMMITTEE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("version".into(), "2".into()),
                ("new_article".into(), "10".into()),
                ("old_article".into(), "9".into()),
            ]
        }),
        ("/api/drafts/upload", COMMITTEE, |_| vec![]),
        ("/api/comments/target", EVERYONE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("uid".into(), "art-1".into()),
            ]
        }),
        ("/api/comments/submit", EVERYONE, |c| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("uid".into(), "art-1".into()),
                ("stance".into(), "support".into()),
                ("reason".into(), "赞成。".into()),
                ("idempotency_key".into(), format!("matrix-key-{:08}", c.n)),
            ]
        }),
        ("/api/comments/counts", EVERYONE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("version".into(), "2".into()),
            ]
        }),
        ("/api/comments/receipt", EVERYONE, |c| {
            vec![("tracking".into(), c.tracking.clone())]
        }),
        ("/api/comments/public", EVERYONE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("uid".into(), "art-1".into()),
            ]
        }),
        ("/api/comments/mine", LOGGED_IN, |_| vec![]),
        ("/api/search/comments", COMMITTEE, |_| {
            vec![("q".into(), "供热".into())]
        }),
        ("/api/search/public", EVERYONE, |_| {
            vec![("q".into(), "供热".into())]
        }),
        ("/api/stations/list", ADMIN, |_| vec![]),
        ("/api/stations/upload", ADMIN, |_| vec![]),
        ("/api/roster/upload", ADMIN, |_| vec![]),
        ("/api/roster/passwords", ADMIN, |_| {
            vec![("token".into(), "0123456789abcdef".into())]
        }),
        ("/api/roster/discard", ADMIN, |_| {
            vec![("token".into(), "0123456789abcdef".into())]
        }),
        ("/api/stations/get", ADMIN, |c| {
            vec![("id".into(), c.station_id.to_string())]
        }),
        ("/api/stations/update", ADMIN, |c| {
            vec![
                ("id".into(), c.station_id.to_string()),
                ("name".into(), "测试联系点".into()),
                ("parent".into(), "".into()),
                ("region_code".into(), "".into()),
                ("email".into(), "".into()),
                ("active".into(), "1".into()),
            ]
        }),
        ("/api/moderation/queue", COMMITTEE, |_| {
            vec![("status".into(), "all".into())]
        }),
        ("/api/moderation/decide", COMMITTEE, |c| {
            vec![
                ("ids[]".into(), c.comment_id.to_string()),
                ("decision".into(), "approve".into()),
            ]
        }),
        // A window of its own per caller: overlapping windows on one part are refused.
        ("/api/drafts/publish", COMMITTEE, |c| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("chapter".into(), "3".into()),
                ("opens_at".into(), format!("{}-01-01T09:00", 2030 + c.n)),
                ("closes_at".into(), format!("{}-02-01T18:00", 2030 + c.n)),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/drafts/publish-preview", COMMITTEE, |c| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("chapter".into(), "4".into()),
                ("opens_at".into(), format!("{}-01-01T09:00", 2030 + c.n)),
                ("closes_at".into(), format!("{}-02-01T18:00", 2030 + c.n)),
            ]
        }),
        ("/api/drafts/reschedule", COMMITTEE, |c| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("id".into(), c.scheduled.to_string()),
                ("opens_at".into(), format!("{}-03-01T09:00", 2050 + c.n)),
                ("closes_at".into(), format!("{}-04-01T18:00", 2050 + c.n)),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/drafts/withdraw", COMMITTEE, |c| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("id".into(), c.scheduled.to_string()),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/home", EVERYONE, |_| vec![]),
        ("/api/auth/login", EVERYONE, |c| {
            vec![
                ("name".into(), c.probe_name.clone()),
                ("password".into(), c.probe_password.clone()),
            ]
        }),
        ("/api/admin/users/list", ADMIN, |_| vec![]),
        ("/api/admin/users/create", ADMIN, |c| {
            vec![
                ("name".into(), format!("made-{}", c.n)),
                ("display_name".into(), "新账户".into()),
                ("role".into(), "citizen".into()),
                ("password".into(), "long-enough-pw".into()),
            ]
        }),
        ("/api/admin/users/active", ADMIN, |c| {
            vec![
                ("id".into(), c.target_id.to_string()),
                ("active".into(), "true".into()),
            ]
        }),
        ("/api/admin/users/reset-password", ADMIN, |c| {
            vec![
                ("id".into(), c.target_id.to_string()),
                ("password".into(), "临时密码 reset 7 蓝天 quartz".into()),
            ]
        }),
        ("/api/account/password", LOGGED_IN, |c| {
            vec![
                ("current".into(), c.own_password.clone()),
                ("new_password".into(), c.own_password.clone()),
            ]
        }),
        ("/api/admin/outbox/list", ADMIN, |_| vec![]),
        ("/api/admin/outbox/retry", ADMIN, |c| {
            vec![("id".into(), c.failed_mail_id.to_string())]
        }),
        ("/api/notices/mine", STATION, |_| vec![]),
        ("/api/notices/confirm", STATION, |c| {
            vec![("id".into(), c.notice_id.to_string())]
        }),
        ("/api/opinions/intake", STATION, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/opinions/record", STATION, |c| {
            opinion_fields(c, "slug", "changji-urban-heating")
        }),
        ("/api/opinions/from-request", STATION, |c| {
            vec![
                ("request".into(), c.request_id.to_string()),
                ("slug".into(), "changji-urban-heating".into()),
                ("unit".into(), "1".into()),
                ("stance".into(), "amend".into()),
                ("method".into(), "visit".into()),
            ]
        }),
        ("/api/opinions/get", STATION, |c| {
            vec![("id".into(), c.opinion_id.to_string())]
        }),
        ("/api/opinions/update", STATION, |c| {
            opinion_fields(c, "id", &c.opinion_id.to_string())
        }),
        ("/api/opinions/delete", STATION, |c| {
            vec![
                ("id".into(), c.opinion_id.to_string()),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/opinions/import", STATION, |_| vec![]),
        ("/api/opinions/import-check", STATION, |c| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("file_id".into(), c.kept_file.clone()),
            ]
        }),
        ("/api/batches/forward", STATION, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("note".into(), "座谈会".into()),
            ]
        }),
        ("/api/batches/list", STATION_OR_COMMITTEE, |_| vec![]),
        ("/api/batches/get", STATION_OR_COMMITTEE, |c| {
            vec![("receipt".into(), c.receipt.clone())]
        }),
        ("/api/coverage/report", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/coverage/remind", COMMITTEE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/workbench/articles", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/workbench/article", COMMITTEE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("article".into(), "art-1".into()),
            ]
        }),
        ("/api/workbench/recluster", COMMITTEE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("article".into(), "art-1".into()),
            ]
        }),
        ("/api/workbench/rename", COMMITTEE, |c| {
            vec![
                ("cluster".into(), c.clusters.0.to_string()),
                ("label".into(), "分组".into()),
            ]
        }),
        ("/api/workbench/merge", COMMITTEE, |c| {
            vec![
                ("clusters[]".into(), c.clusters.0.to_string()),
                ("clusters[]".into(), c.clusters.1.to_string()),
            ]
        }),
        ("/api/workbench/move", COMMITTEE, |c| {
            vec![
                ("ids[]".into(), c.comment_id.to_string()),
                ("to".into(), "0".into()),
            ]
        }),
        ("/api/workbench/dispose", COMMITTEE, |c| {
            vec![
                ("ids[]".into(), c.comment_id.to_string()),
                ("disposition".into(), "existing".into()),
                ("reason".into(), "已有规定".into()),
            ]
        }),
        ("/api/workbench/assign", COMMITTEE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("article".into(), "art-1".into()),
                ("account".into(), "0".into()),
            ]
        }),
        ("/api/workbench/assign-cluster", COMMITTEE, |c| {
            vec![
                ("cluster".into(), c.clusters.0.to_string()),
                ("account".into(), "0".into()),
            ]
        }),
        ("/api/themes/view", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/themes/propose", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/themes/add", COMMITTEE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("name".into(), "供热价格".into()),
            ]
        }),
        ("/api/themes/rename", COMMITTEE, |c| {
            vec![
                ("theme".into(), c.themes.0.to_string()),
                ("name".into(), "供热温度".into()),
            ]
        }),
        ("/api/themes/accept", COMMITTEE, |c| {
            vec![("theme".into(), c.themes.0.to_string())]
        }),
        ("/api/themes/merge", COMMITTEE, |c| {
            vec![
                ("theme".into(), c.themes.1.to_string()),
                ("into".into(), c.themes.0.to_string()),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/themes/reassign", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/themes/queue", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/themes/review", COMMITTEE, |c| {
            vec![("comment".into(), c.comment_id.to_string())]
        }),
        ("/api/themes/delete", COMMITTEE, |c| {
            vec![
                ("theme".into(), c.themes.0.to_string()),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/feedback/report", EVERYONE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/feedback/compilation", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/feedback/publish-preview", COMMITTEE, |_| {
            vec![("slug".into(), "changji-urban-heating".into())]
        }),
        ("/api/feedback/publish", COMMITTEE, |_| {
            vec![
                ("slug".into(), "changji-urban-heating".into()),
                ("confirmed".into(), "1".into()),
            ]
        }),
        ("/api/requests/record", STATION_OR_DEPUTY, |_| {
            vec![
                ("title".into(), "路灯不亮".into()),
                ("body".into(), "小区路灯坏了。".into()),
                ("place".into(), "幸福路".into()),
                ("category".into(), "城乡建设".into()),
                ("resident_name".into(), "".into()),
                ("resident_contact".into(), "".into()),
            ]
        }),
        ("/api/requests/station", STATION, |_| vec![]),
        ("/api/requests/status", EVERYONE, |c| {
            vec![("tracking".into(), c.request_tracking.clone())]
        }),
        ("/api/public/county", EVERYONE, |_| {
            vec![("county".into(), "0".into())]
        }),
        ("/api/suggestions/deputy", DEPUTY, |_| vec![]),
        ("/api/suggestions/create", DEPUTY, |_| {
            vec![
                ("title".into(), "关于修路灯的建议".into()),
                ("body".into(), "建议修好路灯。".into()),
            ]
        }),
        ("/api/suggestions/rate", DEPUTY, |c| {
            vec![
                ("id".into(), c.answered.to_string()),
                ("rating".into(), "satisfied".into()),
                ("comment".into(), "".into()),
            ]
        }),
        ("/api/office/suggestions", OFFICE, |_| vec![]),
        ("/api/office/assign", OFFICE, |c| {
            vec![
                ("id".into(), c.submitted.to_string()),
                ("lead".into(), c.unit_id.to_string()),
            ]
        }),
        ("/api/office/extend", OFFICE, |c| {
            vec![
                ("id".into(), c.assigned.to_string()),
                ("months".into(), "1".into()),
                ("reason".into(), "需要协调".into()),
            ]
        }),
        ("/api/office/supervise", OFFICE, |c| {
            vec![
                ("id".into(), c.assigned.to_string()),
                ("leader".into(), "州人大常委会副主任 张三".into()),
            ]
        }),
        ("/api/office/reassign", OFFICE, |c| {
            vec![
                ("request".into(), c.reassign.0.to_string()),
                ("lead".into(), c.other_unit.to_string()),
            ]
        }),
        ("/api/office/reassign-refuse", OFFICE, |c| {
            vec![
                ("request".into(), c.reassign.1.to_string()),
                ("reply".into(), "请继续办理。".into()),
            ]
        }),
        ("/api/office/report", OFFICE, |_| {
            vec![("period".into(), "2027-03".into())]
        }),
        ("/api/unit/queue", UNIT, |_| vec![]),
        ("/api/unit/reassign", UNIT, |c| {
            vec![
                ("id".into(), c.assigned.to_string()),
                ("reason".into(), "不属于本单位职责。".into()),
            ]
        }),
        ("/api/unit/answer", UNIT, |c| {
            vec![
                ("id".into(), c.assigned.to_string()),
                ("category".into(), "solved".into()),
                ("body".into(), "已修复。".into()),
            ]
        }),
        ("/api/units/list", OFFICE, |_| vec![]),
        ("/api/units/create", ADMIN, |c| {
            vec![
                ("name".into(), format!("矩阵单位{}", c.n)),
                ("kind".into(), "department".into()),
                ("email".into(), "".into()),
            ]
        }),
        ("/api/units/operator", ADMIN, |c| {
            vec![
                ("unit".into(), c.unit_id.to_string()),
                ("name".into(), format!("unit-op-{}", c.n)),
                ("display_name".into(), "经办人".into()),
                ("password".into(), "unit-operator-long-pw".into()),
            ]
        }),
        ("/api/deputies/create", ADMIN, |c| {
            vec![
                ("name".into(), format!("deputy-made-{}", c.n)),
                ("display_name".into(), "新代表".into()),
                ("password".into(), "deputy-made-long-pw".into()),
                ("level".into(), "县市".into()),
                ("station".into(), c.station_id.to_string()),
            ]
        }),
        ("/api/micro/fund", OFFICE, |c| {
            vec![
                ("county".into(), c.station_id.to_string()),
                ("year".into(), "2027".into()),
                ("amount_yuan".into(), "3000000".into()),
            ]
        }),
        ("/api/micro/propose", DEPUTY, |_| {
            vec![
                ("year".into(), "2027".into()),
                ("title".into(), "村道硬化".into()),
                ("place".into(), "".into()),
                ("cost_yuan".into(), "1000".into()),
                ("beneficiaries".into(), "".into()),
            ]
        }),
        ("/api/micro/ballot", OFFICE, |c| {
            vec![
                ("county".into(), c.station_id.to_string()),
                ("year".into(), "2027".into()),
                ("opens_at".into(), "2030-01-01T09:00".into()),
                ("closes_at".into(), "2030-02-01T09:00".into()),
                ("projects[]".into(), c.proposed.to_string()),
            ]
        }),
        ("/api/micro/vote", DEPUTY, |c| {
            vec![
                ("ballot".into(), c.ballot.0.to_string()),
                ("project".into(), c.ballot.1.to_string()),
                ("choice".into(), "yes".into()),
            ]
        }),
        ("/api/micro/mine", DEPUTY, |_| vec![]),
        ("/api/micro/office", OFFICE, |_| vec![]),
        ("/api/micro/paper/page", OFFICE, |c| {
            vec![("ballot".into(), c.ballot.0.to_string())]
        }),
        // Issued before the sheet below is entered: never more sheets than paper ballots.
        ("/api/micro/paper/issue", OFFICE, |c| {
            vec![
                ("ballot".into(), c.ballot.0.to_string()),
                ("deputy".into(), c.micro.paper_deputy.to_string()),
            ]
        }),
        ("/api/micro/paper/enter", OFFICE, |c| {
            vec![
                ("ballot".into(), c.ballot.0.to_string()),
                ("serial".into(), format!("M{}", c.n)),
                ("projects[0]".into(), c.ballot.1.to_string()),
                ("marks[0]".into(), "yes".into()),
            ]
        }),
        ("/api/micro/finalize", OFFICE, |c| {
            vec![("ballot".into(), c.micro.closed_ballot.to_string())]
        }),
        ("/api/micro/assign", OFFICE, |c| {
            vec![
                ("project".into(), c.micro.approved.to_string()),
                ("unit".into(), c.unit_id.to_string()),
            ]
        }),
        ("/api/micro/unit", UNIT, |_| vec![]),
        ("/api/micro/progress", UNIT, |c| {
            vec![
                ("project".into(), c.micro.work.to_string()),
                ("on_day".into(), c.today.clone()),
                ("body".into(), "开工".into()),
                ("spent_yuan".into(), "100".into()),
            ]
        }),
        ("/api/micro/complete", UNIT, |c| {
            vec![
                ("project".into(), c.micro.work.to_string()),
                ("on_day".into(), c.today.clone()),
            ]
        }),
        ("/api/micro/county", DEPUTY, |_| vec![]),
        ("/api/micro/accept", DEPUTY, |c| {
            vec![
                ("project".into(), c.micro.completed.to_string()),
                ("verdict".into(), "pass".into()),
                ("reason".into(), "".into()),
            ]
        }),
        ("/api/auth/logout", EVERYONE, |_| vec![]),
    ]
}

/// 微实事 records of one caller's own, in the test county.
struct MicroFixtures {
    /// A deputy of the test county who has not voted (handed a paper ballot).
    paper_deputy: i64,
    /// A closed ballot with one candidate and no paper sheets (its results confirmed).
    closed_ballot: i64,
    /// An approved project not yet handed out (handed to the test unit).
    approved: i64,
    /// An approved project handed to the test unit, not started (progress, then completion).
    work: i64,
    /// An approved project reported finished (accepted).
    completed: i64,
}

async fn micro_fixtures(app: &TestApp, county: i64, by: i64, unit: i64, n: usize) -> MicroFixtures {
    let q = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(county)
                .bind(by)
                .fetch_one(&db.pool)
                .await
                .unwrap()
        }
    };
    let paper_deputy = sqlx::query_scalar::<_, i64>(
        "insert into account (name, display_name, role, station_id, password_hash, active,          created_at, updated_at) values ($1, '领票代表', 'deputy', $2, 'x', 1, 0, 0) returning id",
    )
    .bind(format!("paper-deputy-{n}"))
    .bind(county)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("insert into deputy (account_id, level, county_id) values ($1, '县市', $2)")
        .bind(paper_deputy)
        .bind(county)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let project = "insert into micro_project (county_id, year, title, cost_yuan, proposed_by,                    status, created_at, updated_at) values ($1, 2027, '矩阵项目', 1000, $2,                    'approved', 0, 0) returning id";
    let on_ballot = q("insert into micro_project (county_id, year, title, cost_yuan, proposed_by,                        status, created_at, updated_at) values ($1, 2027, '矩阵项目', 1000, $2,                        'on_ballot', 0, 0) returning id")
    .await;
    let closed_ballot = q("insert into ballot (county_id, year, opens_at, closes_at, created_by,                            created_at) values ($1, 2027, 1000, 2000, $2, 0) returning id")
    .await;
    sqlx::query("insert into ballot_item (ballot_id, project_id) values ($1, $2)")
        .bind(closed_ballot)
        .bind(on_ballot)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (approved, work, completed) = (q(project).await, q(project).await, q(project).await);
    for (p, done) in [(work, "null"), (completed, "'2026-11-01'")] {
        let last = if done == "null" {
            "null"
        } else {
            "'2026-11-01'"
        };
        sqlx::query(&format!(
            "insert into micro_work (project_id, unit_id, assigned_by, assigned_at, spent_yuan,              last_progress_on, completed_on, updated_at) values ($1, $2, $3, 0, 0, {last}, {done}, 0)"
        ))
        .bind(p)
        .bind(unit)
        .bind(by)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    MicroFixtures {
        paper_deputy,
        closed_ballot,
        approved,
        work,
        completed,
    }
}

/// A suggestion of the test station in `status`, led by `author`, handed to `unit` (as lead)
/// unless it is still waiting.
async fn suggestion(app: &TestApp, author: i64, station: i64, status: &str, unit: i64) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "insert into suggestion (tracking, title, body, author_id, station_id, status, \
         deadline_at, created_at, updated_at) values ($1, '矩阵建议', '内容', $2, $3, $4, $5, 0, 0) \
         returning id",
    )
    .bind(app::comment::tracking::make(rand::random::<u64>() & ((1 << 35) - 1)))
    .bind(author)
    .bind(station)
    .bind(status)
    .bind((status != "submitted").then(|| app::ssr::now_ms() + 86_400_000))
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    if status != "submitted" {
        sqlx::query(
            "insert into suggestion_unit (suggestion_id, unit_id, lead) values ($1, $2, 1)",
        )
        .bind(id)
        .bind(unit)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    if status == "answered" {
        sqlx::query(
            "insert into suggestion_answer (suggestion_id, round, unit_id, category, body, \
             answered_by, created_at) values ($1, 1, $2, 'solved', '已办', $3, 0)",
        )
        .bind(id)
        .bind(unit)
        .bind(author)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    id
}

/// A suggestion handed to `unit` with a pending request of that unit to hand it elsewhere.
async fn reassign_request(app: &TestApp, author: i64, station: i64, unit: i64) -> i64 {
    let id = suggestion(app, author, station, "assigned", unit).await;
    sqlx::query_scalar(
        "insert into reassign_request (suggestion_id, unit_id, reason, requested_by, requested_at) \
         values ($1, $2, '不属于本单位职责', $3, 0) returning id",
    )
    .bind(id)
    .bind(unit)
    .bind(author)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The fields of an offline opinion on the open 第一条 of the demo draft, plus `key`.
fn opinion_fields(c: &Ctx, key: &str, value: &str) -> Vec<(String, String)> {
    vec![
        (key.into(), value.into()),
        ("unit".into(), "1".into()),
        ("stance".into(), "amend".into()),
        ("text".into(), "建议写明适用范围。".into()),
        ("method".into(), "meeting".into()),
        ("residents".into(), "12".into()),
        ("collected_on".into(), c.today.clone()),
    ]
}

/// The server functions someone without a committee or admin login may call: anonymous
/// visitors, citizens, station operators, deputies, unit operators and the congress office
/// (the publication gate's public: none of them sees an unpublished draft).
pub(crate) fn public_server_fns() -> Vec<String> {
    let public = [
        Who::Anonymous,
        Who::User(Role::Citizen),
        Who::User(Role::Station),
        Who::User(Role::Deputy),
        Who::User(Role::Unit),
        Who::User(Role::Office),
    ];
    server_fn_matrix()
        .into_iter()
        .filter(|(_, who, _)| who.iter().any(|w| public.contains(w)))
        .map(|(p, _, _)| p.to_string())
        .collect()
}

/// Plain routes with a guard: (path, who may GET it).
fn route_matrix() -> Vec<(&'static str, &'static [Who])> {
    vec![
        ("/metrics", ADMIN),
        ("/healthz", EVERYONE),
        ("/admin/stations.csv", ADMIN),
        ("/admin/stations.xlsx", ADMIN),
        ("/admin/deputies.csv", ADMIN),
        ("/admin/units.csv", ADMIN),
        ("/station/opinions/template.csv", STATION_OR_COMMITTEE),
        ("/station/opinions/template.xlsx", STATION_OR_COMMITTEE),
        ("/committee/coverage.xlsx", COMMITTEE),
        ("/office/report.xlsx?period=2027-03", OFFICE),
        ("/office/report.pdf", OFFICE),
        (
            "/committee/export.csv?draft=changji-urban-heating",
            COMMITTEE,
        ),
        (
            "/committee/export.xlsx?draft=changji-urban-heating",
            COMMITTEE,
        ),
        (
            "/committee/export.json?draft=changji-urban-heating",
            COMMITTEE,
        ),
        (
            "/committee/drafts/changji-urban-heating/compilation.pdf",
            COMMITTEE,
        ),
        (
            "/committee/drafts/changji-urban-heating/compilation.docx",
            COMMITTEE,
        ),
        (
            "/committee/drafts/changji-urban-heating/comparison.docx",
            COMMITTEE,
        ),
        (
            "/committee/drafts/changji-urban-heating/themes.csv",
            COMMITTEE,
        ),
        (
            "/committee/drafts/changji-urban-heating/themes.xlsx",
            COMMITTEE,
        ),
        ("/drafts/changji-urban-heating/handout.pdf", EVERYONE),
    ]
}

#[tokio::test]
async fn every_server_function_is_in_the_matrix() {
    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _method)| path.to_string())
        .collect();
    let listed: BTreeSet<String> = server_fn_matrix()
        .iter()
        .map(|(p, _, _)| p.to_string())
        .collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "server functions missing from the authorisation matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix lists endpoints that no longer exist: {stale:?}"
    );
}

#[tokio::test]
async fn authorisation_matrix_holds() {
    let app = TestApp::new().await;
    let (probe_name, probe_password) = app.account(Role::Citizen).await;
    let (target, _) = app.account(Role::Committee).await;
    server::demo::seed(&app.db).await.unwrap();
    let (tracking, comment_id): (String, i64) =
        sqlx::query_as("select tracking, id from comment order by id limit 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let target_id: i64 = sqlx::query_scalar("select id from account where name = $1")
        .bind(&target)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // A batch of the test station, which every test operator acts for.
    let test_station = app.station("测试联系点").await;
    let receipt = "BS-MTRX-0001".to_string();
    sqlx::query(
        "insert into station_batch (station_id, draft_id, receipt, note, opinions, residents, \
         forwarded_by, forwarded_at) values ($1, (select min(id) from draft), $2, '', 0, 0, $3, 0)",
    )
    .bind(test_station)
    .bind(&receipt)
    .bind(target_id)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let today = app::draft::time::format_day(app::ssr::now_ms());
    let unit_id = app.unit("测试承办单位").await;
    let other_unit = app.unit("矩阵改办单位").await;
    let request_tracking = app::suggestion::ssr::record_request(
        &app.db,
        test_station,
        target_id,
        &app::suggestion::ssr::NewRequest {
            title: "路灯不亮".into(),
            body: "小区路灯坏了。".into(),
            place: "".into(),
            category: "城乡建设".into(),
            resident_name: "".into(),
            resident_contact: "".into(),
        },
    )
    .await
    .unwrap();
    let request_id: i64 = sqlx::query_scalar("select id from resident_request where tracking = $1")
        .bind(&request_tracking)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    app::micro::ssr::set_fund(&app.db, test_station, 2027, 3_000_000)
        .await
        .unwrap();
    let project = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "insert into micro_project (county_id, year, title, cost_yuan, proposed_by, \
                 created_at, updated_at) values ($1, 2027, '矩阵项目', 1000, $2, 0, 0) returning id",
            )
            .bind(test_station)
            .bind(target_id)
            .fetch_one(&db.pool)
            .await
            .unwrap()
        }
    };
    let candidate = project(&app).await;
    let now = app::ssr::now_ms();
    let ballot = app::micro::ssr::create_ballot(
        &app.db,
        target_id,
        test_station,
        2027,
        now - 3_600_000,
        now + 3_600_000,
        &[candidate],
    )
    .await
    .unwrap();
    let mut failures = Vec::new();
    for (i, who) in EVERYONE.iter().enumerate() {
        let (cookie, own_password, preview_id, account_id) = match who {
            Who::Anonymous => (None, String::new(), "none".to_string(), 0),
            Who::User(role) => {
                let (name, password) = app.account(*role).await;
                let id: i64 = sqlx::query_scalar("select id from account where name = $1")
                    .bind(&name)
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap();
                let preview = app::draft::ssr::store_preview(
                    &app.db,
                    id,
                    "matrix-preview",
                    "稿",
                    "第一条 甲。",
                    &[],
                )
                .await
                .unwrap();
                (
                    Some(app.login_as(&name, &password).await),
                    password,
                    preview,
                    id,
                )
            }
        };
        let ctx = Ctx {
            probe_name: probe_name.clone(),
            probe_password: probe_password.clone(),
            target_id,
            own_password,
            preview_id,
            tracking: tracking.clone(),
            comment_id,
            failed_mail_id: sqlx::query_scalar(
                "insert into outbox (kind, recipient, subject, body_text, status, next_attempt_at, \
                 created_at) values ('test', 'x@example.cn', 's', 'b', 'failed', 0, 0) returning id",
            )
            .fetch_one(&app.db.pool)
            .await
            .unwrap(),
            notice_id: if *who == Who::User(Role::Station) {
                sqlx::query_scalar(
                    "insert into notice (publication_id, station_id, created_at) \
                     select (select min(id) from publication), station_id, 0 from account \
                     where id = $1 returning id",
                )
                .bind(account_id)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
            } else {
                sqlx::query_scalar("select min(id) from notice")
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap()
            },
            opinion_id: sqlx::query_scalar(
                "insert into station_opinion (station_id, draft_id, unit_uid, unit_label, stance, \
                 text, method, residents, collected_on, created_by, created_at, updated_at) \
                 values ($1, (select min(id) from draft), 'art-1', '第一条', 'support', '好', \
                 'meeting', 1, '2026-11-01', $2, 0, 0) returning id",
            )
            .bind(test_station)
            .bind(target_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap(),
            receipt: receipt.clone(),
            today: today.clone(),
            station_id: test_station,
            clusters: {
                let new_cluster = || async {
                    sqlx::query_scalar::<_, i64>(
                        "insert into opinion_cluster (draft_id, article_uid, created_at, updated_at) \
                         values ((select min(id) from draft), 'art-9', 0, 0) returning id",
                    )
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap()
                };
                let (a, b) = (new_cluster().await, new_cluster().await);
                sqlx::query("delete from cluster_member where comment_id = $1")
                    .bind(comment_id)
                    .execute(&app.db.pool)
                    .await
                    .unwrap();
                sqlx::query("insert into cluster_member (comment_id, cluster_id) values ($1, $2)")
                    .bind(comment_id)
                    .bind(a)
                    .execute(&app.db.pool)
                    .await
                    .unwrap();
                (a, b)
            },
            themes: {
                let new_theme = || async {
                    sqlx::query_scalar::<_, i64>(
                        "insert into theme (draft_id, name, created_by, created_at) select id, \
                         '主题', $1, 0 from draft where slug = 'changji-urban-heating' returning id",
                    )
                    .bind(target_id)
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap()
                };
                (new_theme().await, new_theme().await)
            },
            scheduled: sqlx::query_scalar(
                "insert into publication (draft_id, version_number, part_label, article_uids, \
                 opens_at, closes_at, created_at) select id, 2, '第五章', '[\"art-40\"]', $1, $2, 0 \
                 from draft where slug = 'changji-urban-heating' returning id",
            )
            .bind(2_400_000_000_000i64 + i as i64 * 10_000_000_000)
            .bind(2_400_000_000_000i64 + i as i64 * 10_000_000_000 + 86_400_000)
            .fetch_one(&app.db.pool)
            .await
            .unwrap(),
            kept_file: if account_id == 0 {
                "none".into()
            } else {
                app::form::ssr::keep_upload(
                    &app.db,
                    account_id,
                    "o.csv",
                    format!("条款,意见类型,意见内容,收集方式,代表人数,收集日期\n1,赞成,好,座谈会,3,{today}\n").as_bytes(),
                )
                .await
                .unwrap()
            },
            submitted: suggestion(&app, target_id, test_station, "submitted", unit_id).await,
            assigned: suggestion(&app, target_id, test_station, "assigned", unit_id).await,
            answered: suggestion(
                &app,
                if account_id == 0 { target_id } else { account_id },
                test_station,
                "answered",
                unit_id,
            )
            .await,
            request_tracking: request_tracking.clone(),
            request_id,
            unit_id,
            other_unit,
            reassign: (
                reassign_request(&app, target_id, test_station, unit_id).await,
                reassign_request(&app, target_id, test_station, unit_id).await,
            ),
            ballot: (ballot, candidate),
            proposed: project(&app).await,
            micro: micro_fixtures(&app, test_station, target_id, unit_id, i).await,
            n: i,
        };
        for (path, allowed, body) in server_fn_matrix() {
            let form = body(&ctx);
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let res = if path == "/api/stations/upload" {
                // A valid list that changes nothing (the prefecture as it is), checked only.
                let fields = [("dry_run", "1")];
                let file = Some((
                    "s.csv",
                    "name,level,parent,region_code,email\n昌吉回族自治州,1,,652300,station-652300@demo.yijian.invalid\n"
                        .as_bytes(),
                ));
                app.post_multipart(path, &fields, file, cookie.as_deref(), false)
                    .await
            } else if path == "/api/roster/upload" {
                // A valid unit list, checked only.
                let fields = [("kind", "units"), ("dry_run", "1")];
                let file = Some(("u.csv", "单位名称,类别\n矩阵检查单位,政府部门\n".as_bytes()));
                app.post_multipart(path, &fields, file, cookie.as_deref(), false)
                    .await
            } else if path == "/api/opinions/import" {
                let fields = [("slug", "changji-urban-heating"), ("mode", "check")];
                let csv = format!("条款,意见类型,意见内容,收集方式,代表人数,收集日期\n1,赞成,好,座谈会,3,{today}\n");
                app.post_multipart(
                    path,
                    &fields,
                    Some(("o.csv", csv.as_bytes())),
                    cookie.as_deref(),
                    false,
                )
                .await
            } else if path == "/api/drafts/upload" {
                let fields = [("slug", "matrix-upload"), ("label", "征求意见稿")];
                let file = Some(("d.md", "第一条 甲。".as_bytes()));
                app.post_multipart(path, &fields, file, cookie.as_deref(), false)
                    .await
            } else {
                app.post_form(path, &pairs, cookie.as_deref()).await
            };
            check(&mut failures, path, *who, allowed, res.status);
        }
        // The logout above ended the session; log in again for the routes.
        let cookie = match who {
            Who::Anonymous => None,
            Who::User(role) => Some(app.login(*role).await),
        };
        for (path, allowed) in route_matrix() {
            let res = app.get(path, cookie.as_deref()).await;
            check(&mut failures, path, *who, allowed, res.status);
        }
    }
    assert!(
        failures.is_empty(),
        "authorisation matrix violations:\n{}",
        failures.join("\n")
    );
}

fn check(failures: &mut Vec<String>, path: &str, who: Who, allowed: &[Who], status: StatusCode) {
    let expected_ok = allowed.contains(&who);
    let ok = if expected_ok {
        status.is_success()
    } else {
        let refusal = if who == Who::Anonymous {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::FORBIDDEN
        };
        status == refusal
    };
    if !ok {
        failures.push(format!(
            "{path} as {who:?}: got {status}, expected {}",
            if expected_ok { "success" } else { "refusal" }
        ));
    }
}
