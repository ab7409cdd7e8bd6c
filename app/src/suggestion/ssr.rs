//! Storage and rules of the closed loop. Every change that mails someone queues the mail in the
//! same transaction (the outbox), so nobody is told of an answer that was rolled back.

use super::{
    status_label, AnswerCategory, AnswerView, DeputyHome, OfficeView, Rating, RequestRow,
    RequestStatus, SuggestionRow, UnitChase, UnitOption, UnitQueue, CATEGORIES, LEVELS,
};
use crate::auth::SessionUser;
use crate::draft::time::{add_months, format_day, format_local, normalize_day, parse_local};
use crate::error::AppError;
use crate::ssr::{now_ms, Db};
use std::collections::BTreeMap;

/// Months a unit has to answer (Deputies Law): three, six for broad or difficult suggestions.
pub fn handling_months(difficult: bool) -> i64 {
    if difficult {
        6
    } else {
        3
    }
}

fn tracking() -> String {
    // The comment receipts' generator: 35 random bits with a check character.
    crate::comment::tracking::make(rand::random::<u64>() & ((1 << 35) - 1))
}

/// A required text field, trimmed, at most `max` characters (the loop's forms share it).
pub(super) fn text(field: &str, value: &str, label: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::validation(field, format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("{label}不能超过 {max} 个字"),
        ));
    }
    Ok(v.to_string())
}

fn optional(field: &str, value: &str, label: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("{label}不能超过 {max} 个字"),
        ));
    }
    Ok(v.to_string())
}

/// A resident's request as the station typed it.
pub struct NewRequest {
    pub title: String,
    pub body: String,
    pub place: String,
    pub category: String,
    pub resident_name: String,
    pub resident_contact: String,
}

/// Records a request for `station`; returns its tracking number.
pub async fn record_request(
    db: &Db,
    station: i64,
    by: i64,
    r: &NewRequest,
) -> Result<String, AppError> {
    let title = text("title", &r.title, "诉求事项", 100)?;
    let body = text("body", &r.body, "具体情况", 2000)?;
    let place = optional("place", &r.place, "地点", 200)?;
    let category = r.category.trim();
    if !CATEGORIES.contains(&category) {
        return Err(AppError::validation("category", "请选择诉求类别"));
    }
    let name = optional("resident_name", &r.resident_name, "反映人姓名", 50)?;
    let contact = optional("resident_contact", &r.resident_contact, "联系方式", 100)?;
    // The comments' rule: the answer is mailed or telephoned to it, so it must be usable.
    if !contact.is_empty() && !crate::comment::ssr::valid_contact(&contact) {
        return Err(AppError::validation(
            "resident_contact",
            "联系方式须为手机号码、固定电话或电子邮箱",
        ));
    }
    let now = now_ms();
    // A clash of two random numbers is astronomically rare; try again rather than fail.
    for _ in 0..3 {
        let t = tracking();
        let res = sqlx::query(
            "insert into resident_request (tracking, station_id, recorded_by, title, body, place, \
             category, resident_name, resident_contact, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&t)
        .bind(station)
        .bind(by)
        .bind(&title)
        .bind(&body)
        .bind(&place)
        .bind(category)
        .bind(&name)
        .bind(&contact)
        .bind(now)
        .execute(&db.pool)
        .await;
        match res {
            Ok(_) => return Ok(t),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal)
}

type RequestRecord = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
);

const REQUEST_SELECT: &str = "select r.id, r.tracking, r.title, r.body, r.place, r.category, \
     r.resident_name, r.resident_contact, r.created_at, s.tracking, s.status, s.round \
     from resident_request r left join suggestion s on s.id = r.suggestion_id";

fn request_row(r: RequestRecord) -> RequestRow {
    let (id, tracking, title, body, place, category, name, contact, at, s_tracking, status, round) =
        r;
    RequestRow {
        id,
        tracking,
        title,
        body,
        place,
        category,
        resident_name: name,
        has_contact: !contact.is_empty(),
        recorded_on: format_day(at),
        status: match &status {
            None => "已登记，待代表处理".into(),
            Some(st) => format!("已形成代表建议：{}", status_label(st, round.unwrap_or(1))),
        },
        suggestion: s_tracking,
        opinion: None,
        projects: Vec::new(),
    }
}

/// How a request turned into an opinion on a draft reads: the draft, the article, and whether
/// the station has forwarded it yet.
fn opinion_note(draft: &str, unit: &str, forwarded: bool) -> String {
    format!(
        "已转为对《{draft}》{unit}的意见，{}",
        if forwarded {
            "已由代表之家报送起草机关"
        } else {
            "将随代表之家下一批意见报送"
        }
    )
}

/// The 微实事 projects proposed on requests, by request id, as 「已纳入微实事项目《title》（state）」.
async fn projects_of(
    db: &Db,
    filter: &str,
    key: &str,
) -> Result<BTreeMap<i64, Vec<String>>, AppError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(&format!(
        "select r.id, p.title, p.status from resident_request r \
         join micro_project_request l on l.request_id = r.id \
         join micro_project p on p.id = l.project_id where {filter} order by p.id"
    ))
    .bind(key)
    .fetch_all(&db.pool)
    .await?;
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (id, title, status) in rows {
        let state = match status.as_str() {
            "proposed" => "已提出",
            "on_ballot" => "票决中",
            "approved" => "票决通过",
            _ => "未通过票决",
        };
        out.entry(id)
            .or_default()
            .push(format!("已纳入微实事项目《{title}》（{state}）"));
    }
    Ok(out)
}

/// The opinions requests became, by request id (of one station, or one request by tracking).
async fn opinions_of(db: &Db, filter: &str, key: &str) -> Result<BTreeMap<i64, String>, AppError> {
    let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(&format!(
        "select r.id, d.title, o.unit_label, o.batch_id from resident_request r \
         join station_opinion o on o.id = r.opinion_id join draft d on d.id = o.draft_id \
         where {filter}"
    ))
    .bind(key)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, draft, unit, batch)| (id, opinion_note(&draft, &unit, batch.is_some())))
        .collect())
}

pub async fn station_requests(db: &Db, station: i64) -> Result<Vec<RequestRow>, AppError> {
    let rows: Vec<RequestRecord> = sqlx::query_as(&format!(
        "{REQUEST_SELECT} where r.station_id = $1 order by r.id desc limit 500"
    ))
    .bind(station)
    .fetch_all(&db.pool)
    .await?;
    let mut opinions = opinions_of(
        db,
        "r.station_id = cast($1 as bigint)",
        &station.to_string(),
    )
    .await?;
    let mut projects = projects_of(
        db,
        "r.station_id = cast($1 as bigint)",
        &station.to_string(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let id = r.0;
            RequestRow {
                opinion: opinions.remove(&id),
                projects: projects.remove(&id).unwrap_or_default(),
                ..request_row(r)
            }
        })
        .collect())
}

async fn answers(db: &Db, suggestion: i64) -> Result<Vec<AnswerView>, AppError> {
    let rows: Vec<(i64, String, String, String, String, String, i64)> = sqlx::query_as(
        "select a.round, u.name, a.category, a.body, a.measures, a.planned_on, a.created_at \
         from suggestion_answer a join unit u on u.id = a.unit_id \
         where a.suggestion_id = $1 order by a.round",
    )
    .bind(suggestion)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(round, unit, category, body, measures, planned_on, at)| AnswerView {
                round,
                unit,
                category: AnswerCategory::parse(&category)
                    .map(|c| c.label().to_string())
                    .unwrap_or(category),
                body,
                measures,
                planned_on,
                answered_on: format_day(at),
            },
        )
        .collect())
}

/// title, category, place, station, recorded at, suggestion id, status, round, deadline,
/// supervising leader.
type StatusRecord = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// The public status of a request: its station, state and the answers, no personal data.
pub async fn request_status(db: &Db, tracking: &str) -> Result<RequestStatus, AppError> {
    let row: Option<StatusRecord> = sqlx::query_as(
        "select r.title, r.category, r.place, st.name, r.created_at, s.id, s.status, s.round, \
         s.deadline_at, case when s.supervised = 1 then s.supervisor end \
         from resident_request r join station st on st.id = r.station_id \
         left join suggestion s on s.id = r.suggestion_id where r.tracking = $1",
    )
    .bind(tracking)
    .fetch_optional(&db.pool)
    .await?;
    let Some((title, category, place, station, at, sid, status, round, deadline, supervisor)) = row
    else {
        return Err(AppError::NotFound);
    };
    let answers = match sid {
        Some(id) => answers(db, id).await?,
        None => Vec::new(),
    };
    Ok(RequestStatus {
        tracking: tracking.to_string(),
        title,
        category,
        place,
        station,
        recorded_on: format_day(at),
        status: match &status {
            None => "已登记，待代表处理".into(),
            Some(st) => format!("已形成代表建议：{}", status_label(st, round.unwrap_or(1))),
        },
        deadline: deadline
            .filter(|_| status.as_deref() == Some("assigned"))
            .map(format_day),
        answers,
        opinion: opinions_of(db, "r.tracking = $1", tracking)
            .await?
            .into_values()
            .next(),
        projects: projects_of(db, "r.tracking = $1", tracking)
            .await?
            .into_values()
            .next()
            .unwrap_or_default(),
        // The leader's title and name only (see `RequestStatus::supervisor`).
        supervisor: supervisor.unwrap_or_default(),
    })
}

/// Finds a deputy account (active) by login name.
async fn deputy_id(conn: &mut sqlx::AnyConnection, name: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "select id from account where lower(name) = lower($1) and role = 'deputy' and active = 1",
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A deputy writes a suggestion, gathering `requests` of their own station (each into one
/// suggestion only) and naming co-signers. All or nothing.
pub async fn create_suggestion(
    db: &Db,
    author: &SessionUser,
    title: &str,
    body: &str,
    requests: &[i64],
    cosigners: &[String],
) -> Result<(i64, String), AppError> {
    let title = text("title", title, "建议标题", 100)?;
    let body = text("body", body, "建议内容", 5000)?;
    let station = author.station_id.ok_or(AppError::Forbidden)?;
    let now = now_ms();
    let t = tracking();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into suggestion (tracking, title, body, author_id, station_id, created_at, \
         updated_at) values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(&t)
    .bind(&title)
    .bind(&body)
    .bind(author.id)
    .bind(station)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for r in requests {
        let taken = sqlx::query(
            "update resident_request set suggestion_id = $1, updated_at = $2 \
             where id = $3 and station_id = $4 and suggestion_id is null",
        )
        .bind(id)
        .bind(now)
        .bind(r)
        .bind(station)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken != 1 {
            return Err(AppError::validation(
                "requests",
                format!("群众诉求（编号 {r}）不存在、不属于本代表之家，或已被其他建议采纳"),
            ));
        }
    }
    for name in cosigners {
        let Some(other) = deputy_id(&mut tx, name).await? else {
            return Err(AppError::validation(
                "cosigners",
                format!("联名代表“{name}”不存在或不是人大代表"),
            ));
        };
        if other == author.id {
            continue;
        }
        sqlx::query(
            "insert into suggestion_signer (suggestion_id, account_id) values ($1, $2) \
             on conflict do nothing",
        )
        .bind(id)
        .bind(other)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok((id, t))
}

#[derive(sqlx::FromRow)]
struct SuggestionRecord {
    id: i64,
    tracking: String,
    title: String,
    body: String,
    author: String,
    author_id: i64,
    station: String,
    status: String,
    round: i64,
    difficult: i64,
    deadline_at: Option<i64>,
    extended: i64,
    extension_reason: String,
    supervised: i64,
    supervisor: String,
}

const SUGGESTION_SELECT: &str =
    "select s.id, s.tracking, s.title, s.body, a.display_name as author, \
     s.author_id, st.name as station, s.status, s.round, s.difficult, s.deadline_at, s.extended, \
     s.extension_reason, s.supervised, s.supervisor from suggestion s join account a on a.id = s.author_id \
     join station st on st.id = s.station_id";

/// Fills in units, co-signers, answers and ratings of the listed suggestions.
async fn complete(
    db: &Db,
    rows: Vec<SuggestionRecord>,
    now: i64,
    viewing_unit: Option<i64>,
) -> Result<Vec<SuggestionRow>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let units: Vec<(i64, String, i64)> = sqlx::query_as(
            "select u.id, u.name, su.lead from suggestion_unit su join unit u on u.id = su.unit_id \
             where su.suggestion_id = $1 order by su.lead desc, u.name",
        )
        .bind(r.id)
        .fetch_all(&db.pool)
        .await?;
        let signers: Vec<String> = sqlx::query_scalar(
            "select a.display_name from suggestion_signer g join account a on a.id = g.account_id \
             where g.suggestion_id = $1 order by a.display_name",
        )
        .bind(r.id)
        .fetch_all(&db.pool)
        .await?;
        let requests: i64 =
            sqlx::query_scalar("select count(*) from resident_request where suggestion_id = $1")
                .bind(r.id)
                .fetch_one(&db.pool)
                .await?;
        let ratings: Vec<(i64, String, String)> = sqlx::query_as(
            "select round, rating, comment from suggestion_rating where suggestion_id = $1 \
             order by round",
        )
        .bind(r.id)
        .fetch_all(&db.pool)
        .await?;
        out.push(SuggestionRow {
            lead_unit: units.iter().find(|u| u.2 == 1).map(|u| u.1.clone()),
            co_units: units
                .iter()
                .filter(|u| u.2 == 0)
                .map(|u| u.1.clone())
                .collect(),
            lead_here: viewing_unit.is_some_and(|v| units.iter().any(|u| u.0 == v && u.2 == 1)),
            signers,
            requests,
            answers: answers(db, r.id).await?,
            ratings: ratings
                .into_iter()
                .map(|(round, rating, comment)| {
                    let label = Rating::parse(&rating).map(Rating::label).unwrap_or("?");
                    if comment.is_empty() {
                        format!("第 {round} 次答复：{label}")
                    } else {
                        format!("第 {round} 次答复：{label}（{comment}）")
                    }
                })
                .collect(),
            reassign: super::chase::reassign_of(db, r.id).await?,
            supervisor: if r.supervised == 1 {
                r.supervisor
            } else {
                String::new()
            },
            overdue: r.status == "assigned" && r.deadline_at.is_some_and(|d| d < now),
            deadline: r.deadline_at.map(format_day),
            status_label: status_label(&r.status, r.round).to_string(),
            id: r.id,
            tracking: r.tracking,
            title: r.title,
            body: r.body,
            author: r.author,
            author_id: r.author_id,
            station: r.station,
            status: r.status,
            round: r.round,
            difficult: r.difficult == 1,
            extended: r.extended == 1,
            extension_reason: r.extension_reason,
        });
    }
    Ok(out)
}

pub async fn deputy_home(db: &Db, user: &SessionUser, now: i64) -> Result<DeputyHome, AppError> {
    let station = user.station_id.ok_or(AppError::Forbidden)?;
    let open: Vec<RequestRecord> = sqlx::query_as(&format!(
        "{REQUEST_SELECT} where r.station_id = $1 and r.suggestion_id is null \
         order by r.id desc limit 200"
    ))
    .bind(station)
    .fetch_all(&db.pool)
    .await?;
    let rows: Vec<SuggestionRecord> = sqlx::query_as(&format!(
        "{SUGGESTION_SELECT} where s.author_id = $1 or s.id in \
         (select suggestion_id from suggestion_signer where account_id = $1) order by s.id desc"
    ))
    .bind(user.id)
    .fetch_all(&db.pool)
    .await?;
    Ok(DeputyHome {
        station: user.station_name.clone().unwrap_or_default(),
        open_requests: open.into_iter().map(request_row).collect(),
        suggestions: complete(db, rows, now, None).await?,
    })
}

pub async fn units(db: &Db) -> Result<Vec<UnitOption>, AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("select id, name from unit where active = 1 order by name")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| UnitOption { id, name })
        .collect())
}

pub async fn office_view(db: &Db, now: i64) -> Result<OfficeView, AppError> {
    let rows: Vec<SuggestionRecord> = sqlx::query_as(&format!(
        "{SUGGESTION_SELECT} order by case s.status when 'submitted' then 0 when 'assigned' \
         then 1 when 'answered' then 2 else 3 end, s.deadline_at, s.id desc limit 500"
    ))
    .fetch_all(&db.pool)
    .await?;
    let suggestions = complete(db, rows, now, None).await?;
    // 督办: per lead unit, what is past its deadline and how much is in a second handling.
    let mut chase: BTreeMap<String, UnitChase> = BTreeMap::new();
    for s in &suggestions {
        let Some(unit) = &s.lead_unit else { continue };
        if s.status != "assigned" || !(s.overdue || s.round > 1) {
            continue;
        }
        let c = chase.entry(unit.clone()).or_insert_with(|| UnitChase {
            unit: unit.clone(),
            overdue: Vec::new(),
            reopened: 0,
        });
        if s.overdue {
            c.overdue.push(s.clone());
        }
        if s.round > 1 {
            c.reopened += 1;
        }
    }
    let leaders = super::chase::leaders(&suggestions);
    Ok(OfficeView {
        reassign_pending: super::chase::pending_requests(db).await?,
        leaders,
        suggestions,
        units: units(db).await?,
        chase: chase.into_values().collect(),
    })
}

/// What the office decided when handing a suggestion over.
pub struct Assignment {
    pub by: i64,
    pub suggestion: i64,
    pub lead: i64,
    pub co_units: Vec<i64>,
    pub difficult: bool,
    /// `YYYY-MM-DD` (the end of that day, China time), or empty for the legal deadline.
    pub deadline: String,
}

/// The deadline of a handing-over at `now`: the day given (refused when it has passed or lies
/// beyond the legal period), or the legal period itself.
pub fn deadline_of(day: &str, difficult: bool, now: i64) -> Result<i64, AppError> {
    let months = handling_months(difficult);
    let limit = add_months(now, months);
    if day.is_empty() {
        return Ok(limit);
    }
    let Some(day) = normalize_day(day) else {
        return Err(AppError::validation(
            "deadline",
            format!("办理期限“{day}”不是有效日期，请按 2027-03-01 的格式填写"),
        ));
    };
    let at = parse_local(&format!("{day}T23:59"))
        .ok_or_else(|| AppError::validation("deadline", format!("办理期限“{day}”不是有效日期")))?;
    if at <= now {
        return Err(AppError::validation(
            "deadline",
            format!("办理期限 {day} 已经过去，请填写今天以后的日期"),
        ));
    }
    if format_day(at) > format_day(limit) {
        return Err(AppError::validation(
            "deadline",
            format!(
                "办理期限不能晚于交办之日起{}（{}）{}",
                if difficult { "六个月" } else { "三个月" },
                format_day(limit),
                if difficult {
                    ""
                } else {
                    "；重大、复杂的建议请勾选“重大复杂”，期限为六个月"
                }
            ),
        ));
    }
    Ok(at)
}

pub(super) async fn unit_exists(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<(String, String)>, AppError> {
    Ok(
        sqlx::query_as("select name, email from unit where id = $1 and active = 1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// 交办: hands a waiting suggestion to a lead unit and co-units; the units are mailed.
pub async fn assign(db: &Db, a: &Assignment, base: &str, now: i64) -> Result<(), AppError> {
    let deadline = deadline_of(&a.deadline, a.difficult, now)?;
    let mut co: Vec<i64> = a
        .co_units
        .iter()
        .copied()
        .filter(|&u| u != a.lead)
        .collect();
    co.sort_unstable();
    co.dedup();
    let mut tx = db.begin().await?;
    let current: Option<(String, String)> =
        sqlx::query_as("select status, title from suggestion where id = $1")
            .bind(a.suggestion)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, title)) = current else {
        return Err(AppError::NotFound);
    };
    if status != "submitted" {
        return Err(AppError::Conflict("该建议已经交办，不能重复交办".into()));
    }
    let mut mail = Vec::new();
    for (unit, lead) in std::iter::once((a.lead, true)).chain(co.iter().map(|&u| (u, false))) {
        let Some((name, email)) = unit_exists(&mut tx, unit).await? else {
            return Err(AppError::validation(
                if lead { "lead" } else { "co_units" },
                format!("承办单位（编号 {unit}）不存在或已停用"),
            ));
        };
        sqlx::query(
            "insert into suggestion_unit (suggestion_id, unit_id, lead) values ($1, $2, $3)",
        )
        .bind(a.suggestion)
        .bind(unit)
        .bind(i64::from(lead))
        .execute(&mut *tx)
        .await?;
        if !email.is_empty() {
            mail.push((name, email, lead));
        }
    }
    let changed = sqlx::query(
        "update suggestion set status = 'assigned', assigned_at = $1, assigned_by = $2, \
         deadline_at = $3, difficult = $4, updated_at = $1 where id = $5 and status = 'submitted'",
    )
    .bind(now)
    .bind(a.by)
    .bind(deadline)
    .bind(i64::from(a.difficult))
    .bind(a.suggestion)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict("该建议已经交办，不能重复交办".into()));
    }
    for (unit, email, lead) in mail {
        let (subject, body) = crate::outbox::templates::suggestion_assigned(
            &unit,
            &title,
            lead,
            &format_local(deadline),
            base,
        );
        crate::outbox::ssr::enqueue(&mut tx, "suggestion_assigned", &email, &subject, &body)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The one extension a suggestion in handling may get: at most three months, with a reason.
pub async fn extend(db: &Db, id: i64, months: i64, reason: &str) -> Result<(), AppError> {
    if !(1..=3).contains(&months) {
        return Err(AppError::validation(
            "months",
            "延期为 1 至 3 个月，不能超过三个月",
        ));
    }
    let reason = text("reason", reason, "延期理由", 500)?;
    let mut tx = db.begin().await?;
    let row: Option<(String, Option<i64>, i64)> =
        sqlx::query_as("select status, deadline_at, extended from suggestion where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, deadline, extended)) = row else {
        return Err(AppError::NotFound);
    };
    let (Some(deadline), "assigned") = (deadline, status.as_str()) else {
        return Err(AppError::Conflict("只有办理中的建议可以延期".into()));
    };
    if extended == 1 {
        return Err(AppError::Conflict(
            "该建议已经延期过一次，不能再延期".into(),
        ));
    }
    sqlx::query(
        "update suggestion set deadline_at = $1, extended = 1, extension_reason = $2, \
         updated_at = $3 where id = $4",
    )
    .bind(add_months(deadline, months))
    .bind(&reason)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The unit a unit operator works for.
pub async fn unit_of(db: &Db, account: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("select unit_id from unit_operator where account_id = $1")
        .bind(account)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::Forbidden)
}

pub async fn unit_queue(db: &Db, unit: i64, now: i64) -> Result<UnitQueue, AppError> {
    let name: String = sqlx::query_scalar("select name from unit where id = $1")
        .bind(unit)
        .fetch_one(&db.pool)
        .await?;
    let rows: Vec<SuggestionRecord> = sqlx::query_as(&format!(
        "{SUGGESTION_SELECT} where s.id in (select suggestion_id from suggestion_unit \
         where unit_id = $1) order by case s.status when 'assigned' then 0 else 1 end, \
         s.deadline_at, s.id"
    ))
    .bind(unit)
    .fetch_all(&db.pool)
    .await?;
    let items = complete(db, rows, now, Some(unit)).await?;
    let open: Vec<&SuggestionRow> = items.iter().filter(|s| s.status == "assigned").collect();
    Ok(UnitQueue {
        unit: name,
        open: open.len() as i64,
        overdue: open.iter().filter(|s| s.overdue).count() as i64,
        supervised: open.iter().filter(|s| !s.supervisor.is_empty()).count() as i64,
        handed_away: super::chase::handed_away(db, unit).await?,
        items,
    })
}

/// A unit's written answer.
pub struct NewAnswer {
    pub unit: i64,
    pub by: i64,
    pub suggestion: i64,
    pub category: AnswerCategory,
    pub body: String,
    pub measures: String,
    pub planned_on: String,
}

/// The lead unit answers the current round. Every resident whose request the suggestion gathered
/// and who left an e-mail address is told, and so is each of their stations (which also passes
/// the answer on to residents who left only a telephone number).
pub async fn answer(db: &Db, a: &NewAnswer, base: &str, now: i64) -> Result<(), AppError> {
    let body = text("body", &a.body, "答复内容", 5000)?;
    let measures = optional("measures", &a.measures, "办理措施", 2000)?;
    let planned_on = match a.planned_on.trim() {
        "" if a.category == AnswerCategory::Planned => {
            return Err(AppError::validation(
                "planned_on",
                "列入计划解决的，请填写计划完成日期",
            ))
        }
        "" => String::new(),
        d => normalize_day(d).ok_or_else(|| {
            AppError::validation(
                "planned_on",
                format!("计划完成日期“{d}”不是有效日期，请按 2027-03-01 的格式填写"),
            )
        })?,
    };
    let mut tx = db.begin().await?;
    let row: Option<(String, i64, String, String, i64, Option<i64>)> = sqlx::query_as(
        "select s.status, s.round, s.title, s.tracking, su.lead, s.deadline_at from suggestion s \
         join suggestion_unit su on su.suggestion_id = s.id and su.unit_id = $1 where s.id = $2",
    )
    .bind(a.unit)
    .bind(a.suggestion)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, round, title, s_tracking, lead, deadline)) = row else {
        return Err(AppError::NotFound);
    };
    if lead != 1 {
        return Err(AppError::Refused(
            "本单位是协办单位，答复由主办单位作出".into(),
        ));
    }
    if status != "assigned" {
        return Err(AppError::Conflict("该建议当前不在办理中，不能答复".into()));
    }
    sqlx::query(
        "insert into suggestion_answer (suggestion_id, round, unit_id, category, body, measures, \
         planned_on, answered_by, created_at, deadline_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(a.suggestion)
    .bind(round)
    .bind(a.unit)
    .bind(a.category.as_str())
    .bind(&body)
    .bind(&measures)
    .bind(&planned_on)
    .bind(a.by)
    .bind(now)
    .bind(deadline)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update suggestion set status = 'answered', updated_at = $1 where id = $2 and status = 'assigned'",
    )
    .bind(now)
    .bind(a.suggestion)
    .execute(&mut *tx)
    .await?;
    let unit: String = sqlx::query_scalar("select name from unit where id = $1")
        .bind(a.unit)
        .fetch_one(&mut *tx)
        .await?;
    // Back to the people (反馈).
    let residents: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "select r.tracking, r.resident_name, r.resident_contact, st.name, st.email \
         from resident_request r join station st on st.id = r.station_id \
         where r.suggestion_id = $1 order by r.id",
    )
    .bind(a.suggestion)
    .fetch_all(&mut *tx)
    .await?;
    let mut stations: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (tracking, name, contact, station, email) in &residents {
        if contact.contains('@') {
            let (subject, text) = crate::outbox::templates::request_answered(
                tracking,
                &title,
                &unit,
                a.category.label(),
                &body,
                base,
            );
            crate::outbox::ssr::enqueue(&mut tx, "request_answered", contact, &subject, &text)
                .await?;
        }
        if !email.is_empty() {
            let who = match (name.is_empty(), contact.is_empty()) {
                (true, true) => format!("{tracking}（未留联系方式）"),
                (false, true) => format!("{tracking} {name}（未留联系方式）"),
                _ => format!("{tracking} {name} {contact}"),
            };
            stations
                .entry((station.clone(), email.clone()))
                .or_default()
                .push(who);
        }
    }
    for ((station, email), lines) in stations {
        let (subject, text) = crate::outbox::templates::station_requests_answered(
            &station,
            &title,
            &s_tracking,
            &unit,
            a.category.label(),
            &body,
            &lines,
        );
        crate::outbox::ssr::enqueue(&mut tx, "requests_answered", &email, &subject, &text).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The leading deputy rates the answer of the current round. 不满意 (with a reason) sends it
/// back to the same units for a second handling with a fresh legal period.
pub async fn rate(
    db: &Db,
    deputy: i64,
    id: i64,
    rating: Rating,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    let comment = if rating == Rating::Unsatisfied {
        text("comment", comment, "不满意的理由", 1000)?
    } else {
        optional("comment", comment, "评价意见", 1000)?
    };
    let mut tx = db.begin().await?;
    let row: Option<(String, i64, i64, i64)> =
        sqlx::query_as("select status, round, author_id, difficult from suggestion where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, round, author, difficult)) = row else {
        return Err(AppError::NotFound);
    };
    if author != deputy {
        return Err(AppError::Refused("只有领衔代表可以评价答复".into()));
    }
    if status != "answered" {
        return Err(AppError::Conflict("该建议当前没有待评价的答复".into()));
    }
    sqlx::query(
        "insert into suggestion_rating (suggestion_id, round, rating, comment, rated_by, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(round)
    .bind(rating.as_str())
    .bind(&comment)
    .bind(deputy)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if rating == Rating::Unsatisfied {
        sqlx::query(
            "update suggestion set status = 'assigned', round = round + 1, deadline_at = $1, \
             extended = 0, extension_reason = '', updated_at = $2 where id = $3",
        )
        .bind(add_months(now, handling_months(difficult == 1)))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query("update suggestion set status = 'closed', updated_at = $1 where id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// title, status, round, lead unit, answer category, answered at.
type CountyRecord = (
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// A county's public page (see [`super::CountyPage`]).
pub async fn county_page(db: &Db, county: i64) -> Result<super::CountyPage, AppError> {
    let counties: Vec<(i64, String)> =
        sqlx::query_as("select id, name from station where level = 2 order by id")
            .fetch_all(&db.pool)
            .await?;
    let counties: Vec<UnitOption> = counties
        .into_iter()
        .map(|(id, name)| UnitOption { id, name })
        .collect();
    if county == 0 {
        return Ok(super::CountyPage {
            county: String::new(),
            counties,
            suggestions: Vec::new(),
            projects: Vec::new(),
        });
    }
    let name = counties
        .iter()
        .find(|c| c.id == county)
        .map(|c| c.name.clone())
        .ok_or(AppError::NotFound)?;
    // A station of the county is the county itself, a township under it or a village under one.
    let rows: Vec<CountyRecord> = sqlx::query_as(
        "select s.title, s.status, s.round, \
             (select u.name from suggestion_unit su join unit u on u.id = su.unit_id \
              where su.suggestion_id = s.id and su.lead = 1), \
             (select a.category from suggestion_answer a where a.suggestion_id = s.id \
              order by a.round desc limit 1), \
             (select a.created_at from suggestion_answer a where a.suggestion_id = s.id \
              order by a.round desc limit 1) \
             from suggestion s join station st on st.id = s.station_id \
             left join station p on p.id = st.parent_id \
             where (st.id = $1 or p.id = $1 or p.parent_id = $1) and s.status <> 'submitted' \
             order by s.id desc limit 500",
    )
    .bind(county)
    .fetch_all(&db.pool)
    .await?;
    let projects = crate::micro::work_ssr::public_projects(db, county, now_ms()).await?;
    Ok(super::CountyPage {
        county: name,
        counties,
        suggestions: rows
            .into_iter()
            .map(|(title, status, round, unit, category, at)| {
                (
                    title,
                    status_label(&status, round).to_string(),
                    unit.unwrap_or_default(),
                    category
                        .as_deref()
                        .and_then(AnswerCategory::parse)
                        .map(|c| c.label().to_string())
                        .unwrap_or_default(),
                    at.map(format_day).unwrap_or_default(),
                )
            })
            .collect(),
        projects,
    })
}

const UNIT_KINDS: &[&str] = &["department", "government", "court", "procuratorate"];

pub async fn create_unit(db: &Db, name: &str, kind: &str, email: &str) -> Result<i64, AppError> {
    let name = text("name", name, "单位名称", 100)?;
    let kind = if kind.trim().is_empty() {
        "department"
    } else {
        kind.trim()
    };
    if !UNIT_KINDS.contains(&kind) {
        return Err(AppError::validation("kind", "未知的单位类别"));
    }
    let email = email.trim();
    if !email.is_empty() && !email.contains('@') {
        return Err(AppError::validation("email", "电子邮箱格式不对"));
    }
    let now = now_ms();
    sqlx::query_scalar(
        "insert into unit (name, kind, email, active, created_at, updated_at) \
         values ($1, $2, $3, 1, $4, $4) returning id",
    )
    .bind(&name)
    .bind(kind)
    .bind(email)
    .bind(now)
    .fetch_one(&db.pool)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::Conflict(format!("承办单位“{name}”已存在"))
        }
        e => e.into(),
    })
}

/// An operator account of a unit.
pub async fn create_unit_operator(
    db: &Db,
    unit: i64,
    a: &crate::account::NewAccount,
) -> Result<i64, AppError> {
    let mut conn = db.pool.acquire().await?;
    if unit_exists(&mut conn, unit).await?.is_none() {
        return Err(AppError::validation(
            "unit",
            format!("承办单位（编号 {unit}）不存在或已停用"),
        ));
    }
    drop(conn);
    let id = crate::account::ssr::create_account(db, a).await?;
    sqlx::query("insert into unit_operator (account_id, unit_id) values ($1, $2)")
        .bind(id)
        .bind(unit)
        .execute(&db.pool)
        .await?;
    Ok(id)
}

/// The county a station belongs to: its ancestor of level 2 (县市), or the station itself when
/// it is the prefecture.
pub async fn county_of(db: &Db, station: i64) -> Result<i64, AppError> {
    let mut id = station;
    for _ in 0..8 {
        let (level, parent): (i64, Option<i64>) =
            sqlx::query_as("select level, parent_id from station where id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
        match (level, parent) {
            (1 | 2, _) | (_, None) => return Ok(id),
            (_, Some(p)) => id = p,
        }
    }
    Ok(id)
}

/// A deputy's account and profile (level, the station they are grouped into, their county).
pub async fn create_deputy(
    db: &Db,
    a: &crate::account::NewAccount,
    level: &str,
) -> Result<i64, AppError> {
    if !LEVELS.contains(&level) {
        return Err(AppError::validation(
            "level",
            "代表层级须为 全国、自治区、州、县市 或 乡镇",
        ));
    }
    let id = crate::account::ssr::create_account(db, a).await?;
    let station: i64 = sqlx::query_scalar("select station_id from account where id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let county = county_of(db, station).await?;
    sqlx::query("insert into deputy (account_id, level, county_id) values ($1, $2, $3)")
        .bind(id)
        .bind(level)
        .bind(county)
        .execute(&db.pool)
        .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_refuse_the_past_and_beyond_the_legal_period() {
        let now = parse_local("2026-12-01T10:00").unwrap();
        assert_eq!(
            format_day(deadline_of("", false, now).unwrap()),
            "2027-03-01"
        );
        assert_eq!(
            format_day(deadline_of("", true, now).unwrap()),
            "2027-06-01"
        );
        let past = deadline_of("2026-11-30", false, now).unwrap_err();
        assert!(past.message().contains("已经过去"), "{}", past.message());
        let far = deadline_of("2027-04-01", false, now).unwrap_err();
        assert!(far.message().contains("三个月"), "{}", far.message());
        assert!(deadline_of("2027-04-01", true, now).is_ok());
        assert!(deadline_of("2027-02-30", false, now).is_err());
    }
}
