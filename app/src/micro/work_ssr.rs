//! Carrying out approved 微实事 projects (政府办): the office hands a project to a unit, the
//! unit reports progress with dates and the amount spent so far, then completion; a deputy of
//! the county accepts it (验收) or sends it back with a reason. The stage is derived from the
//! row in `micro_work` rather than widening `micro_project.status`.

use super::{
    ProgressView, PublicProject, WorkRow, STAGE_ACCEPTED, STAGE_COMPLETED, STAGE_NOT_STARTED,
    STAGE_UNDERWAY,
};
use crate::draft::time::{format_day, normalize_day};
use crate::error::AppError;
use crate::ssr::Db;

/// Spending may pass the budget by this share (in percent) and is flagged; beyond it, refused.
pub const OVERRUN_PERCENT: i64 = 10;

fn stage(
    last_progress: &Option<String>,
    completed: &Option<String>,
    accepted: Option<i64>,
) -> &'static str {
    if accepted.is_some() {
        STAGE_ACCEPTED
    } else if completed.is_some() {
        STAGE_COMPLETED
    } else if last_progress.is_some() {
        STAGE_UNDERWAY
    } else {
        STAGE_NOT_STARTED
    }
}

/// id, county, year, title, place, cost, unit, spent, last progress, completed, accepted.
type WorkRecord = (
    i64,
    String,
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

const WORK_SELECT: &str = "select p.id, s.name, p.year, p.title, p.place, p.cost_yuan, u.name, \
     w.spent_yuan, w.last_progress_on, w.completed_on, w.accepted_at \
     from micro_project p join station s on s.id = p.county_id \
     left join micro_work w on w.project_id = p.id left join unit u on u.id = w.unit_id \
     where p.status = 'approved'";

async fn rows(db: &Db, filter: &str, arg: Option<i64>) -> Result<Vec<WorkRow>, AppError> {
    let sql = format!("{WORK_SELECT} {filter} order by p.year desc, p.id");
    let mut q = sqlx::query_as::<_, WorkRecord>(&sql);
    if let Some(a) = arg {
        q = q.bind(a);
    }
    let records = q.fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(records.len());
    for (project, county, year, title, place, cost, unit, spent, last, completed, accepted) in
        records
    {
        let progress: Vec<(String, String, i64)> = sqlx::query_as(
            "select on_day, body, spent_yuan from micro_progress where project_id = $1 \
             order by id desc",
        )
        .bind(project)
        .fetch_all(&db.pool)
        .await?;
        let acceptances: Vec<(i64, i64, String)> = sqlx::query_as(
            "select created_at, passed, reason from micro_acceptance where project_id = $1 \
             order by id desc",
        )
        .bind(project)
        .fetch_all(&db.pool)
        .await?;
        let spent = spent.unwrap_or(0);
        out.push(WorkRow {
            project,
            county,
            year,
            title,
            place,
            cost_yuan: cost,
            unit: unit.unwrap_or_default(),
            stage: stage(&last, &completed, accepted).into(),
            spent_yuan: spent,
            over_budget: spent > cost,
            last_progress_on: last.unwrap_or_default(),
            completed_on: completed.unwrap_or_default(),
            progress: progress
                .into_iter()
                .map(|(on_day, body, spent_yuan)| ProgressView {
                    on_day,
                    body,
                    spent_yuan,
                })
                .collect(),
            acceptances: acceptances
                .into_iter()
                .map(|(at, passed, reason)| {
                    if passed == 1 {
                        format!("{} 代表验收通过", format_day(at))
                    } else {
                        format!("{} 代表验收不通过：{reason}", format_day(at))
                    }
                })
                .collect(),
        });
    }
    Ok(out)
}

pub async fn for_office(db: &Db) -> Result<Vec<WorkRow>, AppError> {
    rows(db, "", None).await
}

async fn unit_of(db: &Db, operator: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("select unit_id from unit_operator where account_id = $1")
        .bind(operator)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::Forbidden)
}

pub async fn for_unit(db: &Db, operator: i64) -> Result<Vec<WorkRow>, AppError> {
    let unit = unit_of(db, operator).await?;
    rows(db, "and w.unit_id = $1", Some(unit)).await
}

pub async fn for_deputy(db: &Db, deputy: i64) -> Result<Vec<WorkRow>, AppError> {
    let county: i64 = sqlx::query_scalar("select county_id from deputy where account_id = $1")
        .bind(deputy)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::Forbidden)?;
    rows(db, "and p.county_id = $1", Some(county)).await
}

/// The office hands an approved project to a unit (or to another one, before any progress).
pub async fn assign(db: &Db, by: i64, project: i64, unit: i64, now: i64) -> Result<(), AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("select title, status from micro_project where id = $1")
            .bind(project)
            .fetch_optional(&db.pool)
            .await?;
    let Some((title, status)) = row else {
        return Err(AppError::validation(
            "project",
            format!("项目（编号 {project}）不存在"),
        ));
    };
    if status != "approved" {
        return Err(AppError::validation(
            "project",
            format!("项目“{title}”未经票决通过，不能交付实施"),
        ));
    }
    let active: Option<i64> = sqlx::query_scalar("select active from unit where id = $1")
        .bind(unit)
        .fetch_optional(&db.pool)
        .await?;
    if active != Some(1) {
        return Err(AppError::validation(
            "unit",
            format!("承办单位（编号 {unit}）不存在或已停用"),
        ));
    }
    let mut tx = db.begin().await?;
    let started: Option<Option<String>> =
        sqlx::query_scalar("select last_progress_on from micro_work where project_id = $1")
            .bind(project)
            .fetch_optional(&mut *tx)
            .await?;
    match started {
        Some(Some(_)) => {
            return Err(AppError::Conflict(format!(
                "项目“{title}”已开工，不能改交其他单位"
            )))
        }
        Some(None) => {
            sqlx::query(
                "update micro_work set unit_id = $1, assigned_by = $2, assigned_at = $3, \
                 updated_at = $3 where project_id = $4 and last_progress_on is null",
            )
            .bind(unit)
            .bind(by)
            .bind(now)
            .bind(project)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query(
                "insert into micro_work (project_id, unit_id, assigned_by, assigned_at, \
                 updated_at) values ($1, $2, $3, $4, $4)",
            )
            .bind(project)
            .bind(unit)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// (unit, title, cost, spent, last progress, completed, accepted) of a project handed out.
type WorkState = (
    i64,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// The project as the operator's unit may work on it: handed to that unit, not yet accepted.
async fn own_work(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: i64,
    project: i64,
) -> Result<WorkState, AppError> {
    let row: Option<WorkState> = sqlx::query_as(
        "select w.unit_id, p.title, p.cost_yuan, w.spent_yuan, w.last_progress_on, \
         w.completed_on, w.accepted_at from micro_work w \
         join micro_project p on p.id = w.project_id where w.project_id = $1",
    )
    .bind(project)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(w) = row else {
        return Err(AppError::Refused(format!(
            "项目（编号 {project}）没有交由本单位实施"
        )));
    };
    if w.0 != unit {
        return Err(AppError::Refused(format!("项目“{}”不由本单位承办", w.1)));
    }
    if w.6.is_some() {
        return Err(AppError::Conflict(format!(
            "项目“{}”已验收，不能再更改",
            w.1
        )));
    }
    Ok(w)
}

/// A day the unit reports: a real day, not after today, not before the last progress update.
fn report_day(on_day: &str, now: i64, last: &Option<String>) -> Result<String, AppError> {
    let Some(day) = normalize_day(on_day) else {
        return Err(AppError::validation(
            "on_day",
            format!("日期“{}”无效，请按 2026-12-01 填写", on_day.trim()),
        ));
    };
    let today = format_day(now);
    if day > today {
        return Err(AppError::validation(
            "on_day",
            format!("日期 {day} 晚于今天（{today}），不能填报尚未发生的进展"),
        ));
    }
    if let Some(last) = last {
        if day < *last {
            return Err(AppError::validation(
                "on_day",
                format!("日期 {day} 早于上一次进展的日期 {last}"),
            ));
        }
    }
    Ok(day)
}

pub struct NewProgress {
    pub project: i64,
    pub on_day: String,
    pub body: String,
    /// Spent so far, in yuan (cumulative).
    pub spent_yuan: i64,
}

/// A unit operator reports progress on one of their unit's projects.
pub async fn progress(db: &Db, operator: i64, p: &NewProgress, now: i64) -> Result<(), AppError> {
    let unit = unit_of(db, operator).await?;
    let mut tx = db.begin().await?;
    let (_, title, cost, spent, last, completed, _) = own_work(&mut tx, unit, p.project).await?;
    if completed.is_some() {
        return Err(AppError::Conflict(format!(
            "项目“{title}”已报完工，正等待代表验收；验收不通过退回后才能继续填报进展"
        )));
    }
    let day = report_day(&p.on_day, now, &last)?;
    let body = p.body.trim();
    if body.is_empty() || body.chars().count() > 1000 {
        return Err(AppError::validation(
            "body",
            "请填写进展情况（不超过 1000 字）",
        ));
    }
    if p.spent_yuan < 0 {
        return Err(AppError::validation("spent_yuan", "累计支出不能为负数"));
    }
    if p.spent_yuan < spent {
        return Err(AppError::validation(
            "spent_yuan",
            format!(
                "累计支出 {} 元少于上次填报的 {spent} 元：累计支出只增不减",
                p.spent_yuan
            ),
        ));
    }
    let limit = cost + cost * OVERRUN_PERCENT / 100;
    if p.spent_yuan > limit {
        return Err(AppError::validation(
            "spent_yuan",
            format!(
                "累计支出 {} 元超出预算 {cost} 元的 {OVERRUN_PERCENT}%（上限 {limit} 元），请核实",
                p.spent_yuan
            ),
        ));
    }
    sqlx::query(
        "insert into micro_progress (project_id, on_day, body, spent_yuan, posted_by, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(p.project)
    .bind(&day)
    .bind(body)
    .bind(p.spent_yuan)
    .bind(operator)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Guarded, so two updates at once cannot make the total go down.
    let moved = sqlx::query(
        "update micro_work set spent_yuan = $1, last_progress_on = $2, updated_at = $3 \
         where project_id = $4 and spent_yuan <= $1 and completed_on is null",
    )
    .bind(p.spent_yuan)
    .bind(&day)
    .bind(now)
    .bind(p.project)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::Conflict(
            "进展刚由他人更新，请刷新页面后再填报".into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}

/// The unit reports the project finished (after at least one progress update).
pub async fn complete(
    db: &Db,
    operator: i64,
    project: i64,
    on_day: &str,
    now: i64,
) -> Result<(), AppError> {
    let unit = unit_of(db, operator).await?;
    let mut tx = db.begin().await?;
    let (_, title, _, _, last, completed, _) = own_work(&mut tx, unit, project).await?;
    if completed.is_some() {
        return Err(AppError::Conflict(format!(
            "项目“{title}”已报完工，正等待代表验收"
        )));
    }
    if last.is_none() {
        return Err(AppError::validation(
            "on_day",
            format!("项目“{title}”还没有填报实施进展，请先填报进展再报完工"),
        ));
    }
    let day = report_day(on_day, now, &last)?;
    let done = sqlx::query(
        "update micro_work set completed_on = $1, updated_at = $2 where project_id = $3 \
         and completed_on is null and accepted_at is null",
    )
    .bind(&day)
    .bind(now)
    .bind(project)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done != 1 {
        return Err(AppError::Conflict(format!(
            "项目“{title}”的状态刚被更改，请刷新页面"
        )));
    }
    tx.commit().await?;
    Ok(())
}

/// A deputy of the project's county accepts the completed project, or sends it back to the
/// unit with a reason.
pub async fn accept(
    db: &Db,
    deputy: i64,
    project: i64,
    passed: bool,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let county: i64 = sqlx::query_scalar("select county_id from deputy where account_id = $1")
        .bind(deputy)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::Forbidden)?;
    let row: Option<(i64, String)> =
        sqlx::query_as("select county_id, title from micro_project where id = $1")
            .bind(project)
            .fetch_optional(&db.pool)
            .await?;
    let Some((p_county, title)) = row else {
        return Err(AppError::NotFound);
    };
    if p_county != county {
        return Err(AppError::Refused(format!(
            "您不是项目“{title}”所在县市的代表，不能验收该项目"
        )));
    }
    let reason = reason.trim();
    if !passed && reason.is_empty() {
        return Err(AppError::validation("reason", "验收不通过须写明理由"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::validation("reason", "理由不超过 500 字"));
    }
    let mut tx = db.begin().await?;
    let state: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("select completed_on, accepted_at from micro_work where project_id = $1")
            .bind(project)
            .fetch_optional(&mut *tx)
            .await?;
    match state {
        Some((_, Some(_))) => {
            return Err(AppError::Conflict(format!("项目“{title}”已验收")));
        }
        Some((Some(_), None)) => {}
        _ => {
            return Err(AppError::Conflict(format!(
                "项目“{title}”尚未报完工，不能验收"
            )));
        }
    }
    let sql = if passed {
        "update micro_work set accepted_at = $1, updated_at = $1 where project_id = $2 \
         and completed_on is not null and accepted_at is null"
    } else {
        "update micro_work set completed_on = null, updated_at = $1 where project_id = $2 \
         and completed_on is not null and accepted_at is null"
    };
    let changed = sqlx::query(sql)
        .bind(now)
        .bind(project)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict(format!(
            "项目“{title}”的验收刚由其他代表作出，请刷新页面"
        )));
    }
    sqlx::query(
        "insert into micro_acceptance (project_id, deputy_id, passed, reason, created_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(project)
    .bind(deputy)
    .bind(i64::from(passed))
    .bind(reason)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A county's 微实事 projects for the public page: budget, state or stage, spending and the
/// day of the last progress update; nothing about who proposed, voted or reported.
pub async fn public_projects(
    db: &Db,
    county: i64,
    now: i64,
) -> Result<Vec<PublicProject>, AppError> {
    type Row = (
        i64,
        i64,
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "select p.id, p.year, p.title, p.place, p.cost_yuan, p.status, u.name, w.spent_yuan, \
         w.last_progress_on, w.completed_on, w.accepted_at, \
         (select max(i.ballot_id) from ballot_item i where i.project_id = p.id), \
         (select max(b.closes_at) from ballot_item i join ballot b on b.id = i.ballot_id \
          where i.project_id = p.id) \
         from micro_project p left join micro_work w on w.project_id = p.id \
         left join unit u on u.id = w.unit_id where p.county_id = $1 order by p.year desc, p.id",
    )
    .bind(county)
    .fetch_all(&db.pool)
    .await?;
    let mut pending: std::collections::HashMap<i64, String> = Default::default();
    let mut out = Vec::with_capacity(rows.len());
    for (
        _,
        year,
        title,
        place,
        cost,
        status,
        unit,
        spent,
        last,
        completed,
        accepted,
        ballot,
        closes,
    ) in rows
    {
        let state = match status.as_str() {
            "proposed" => "已提出".to_string(),
            "on_ballot" if closes.is_some_and(|c| now >= c) => {
                let b = ballot.unwrap_or(0);
                let note = match pending.get(&b) {
                    Some(n) => n.clone(),
                    None => {
                        let n = super::paper_ssr::tally(db, b).await?.0.pending_note();
                        pending.insert(b, n.clone());
                        n
                    }
                };
                if note.is_empty() {
                    "票决已结束，结果待确认".to_string()
                } else {
                    format!("票决已结束，结果待确认：{note}")
                }
            }
            "on_ballot" => "票决中".to_string(),
            "approved" => stage(&last, &completed, accepted).to_string(),
            _ => "未通过".to_string(),
        };
        let approved = status == "approved";
        out.push(PublicProject {
            year,
            title,
            place,
            cost_yuan: cost,
            state,
            spent_yuan: approved.then(|| spent.unwrap_or(0)),
            over_budget: approved && spent.unwrap_or(0) > cost,
            last_progress_on: last.unwrap_or_default(),
            unit: unit.unwrap_or_default(),
        });
    }
    Ok(out)
}
