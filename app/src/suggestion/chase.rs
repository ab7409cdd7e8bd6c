//! 督办 beyond the per-unit list: reminders to the lead unit before and after the deadline,
//! 重点督办 by a named leader, the units' requests for reassignment (改办) and the periodic report
//! (月度/季度通报). Like the rest of the loop, every mail is queued in the transaction that
//! records what it tells.

use super::ssr::{deadline_of, unit_exists};
use super::{LeaderChase, PeriodReport, ReassignView, ReportLine, SuggestionRow};
use crate::draft::time::{add_months, format_day, format_local, parse_local};
use crate::error::AppError;
use crate::ssr::Db;
use std::collections::{BTreeMap, HashMap};

const DAY: i64 = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Reminders

/// Which reminder is due for a deadline at `now`: `before` within `days_before` days of it,
/// `overdue` once it has passed, then `overdue_30`, `overdue_60` … every 30 days past it.
pub fn reminder_kind(deadline: i64, now: i64, days_before: i64) -> Option<String> {
    if deadline > now {
        (days_before > 0 && deadline - now <= days_before * DAY).then(|| "before".to_string())
    } else {
        match (now - deadline) / (30 * DAY) {
            0 => Some("overdue".into()),
            n => Some(format!("overdue_{}", n * 30)),
        }
    }
}

/// The mail of one reminder (Chinese, to the lead unit).
pub fn reminder_mail(
    unit: &str,
    title: &str,
    tracking: &str,
    deadline: i64,
    now: i64,
    supervisor: &str,
    base: &str,
) -> (String, String) {
    let due = format_local(deadline);
    let supervised = if supervisor.is_empty() {
        String::new()
    } else {
        format!("该建议已列为重点督办，督办领导：{supervisor}。\n\n")
    };
    if deadline > now {
        let days = (deadline - now + DAY - 1) / DAY;
        (
            format!("【办理提醒】代表建议《{title}》将于 {} 到期", format_day(deadline)),
            format!(
                "{unit}：\n\n贵单位主办的人大代表建议《{title}》（编号 {tracking}）办理期限为 {due}，\
                 距到期还有 {days} 天，请抓紧办理，按期书面答复代表。\n\n{supervised}\
                 请登录平台办理：\n{base}/unit\n\n（本邮件由系统自动发送，请勿直接回复。）\n"
            ),
        )
    } else {
        let days = (now - deadline) / DAY;
        (
            format!("【督办】代表建议《{title}》已超过办理期限"),
            format!(
                "{unit}：\n\n贵单位主办的人大代表建议《{title}》（编号 {tracking}）办理期限为 {due}，\
                 已超期 {days} 天仍未答复。请尽快办理并书面答复代表；确有困难的，\
                 请说明情况。\n\n{supervised}请登录平台办理：\n{base}/unit\n\n\
                 （本邮件由系统自动发送，请勿直接回复。）\n"
            ),
        )
    }
}

/// (suggestion, round, title, tracking, deadline, supervised, supervisor, unit id, unit name,
/// unit e-mail)
type DueRecord = (
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    String,
    i64,
    String,
    String,
);

/// Mails the lead unit of every suggestion in handling whose deadline is within `days_before`
/// days or has passed (see [`reminder_kind`]); units without an e-mail address are skipped.
/// Each reminder is claimed by its row in `suggestion_reminder` in the transaction that queues
/// it, so several servers send it once. Returns how many were queued.
pub async fn send_reminders(
    db: &Db,
    days_before: i64,
    base: &str,
    now: i64,
) -> Result<usize, AppError> {
    let due: Vec<DueRecord> = sqlx::query_as(
        "select s.id, s.round, s.title, s.tracking, s.deadline_at, s.supervised, s.supervisor, \
         u.id, u.name, u.email from suggestion s \
         join suggestion_unit su on su.suggestion_id = s.id and su.lead = 1 \
         join unit u on u.id = su.unit_id \
         where s.status = 'assigned' and s.deadline_at is not null and s.deadline_at <= $1 \
         and u.active = 1 and u.email <> '' order by s.deadline_at, s.id",
    )
    .bind(now + days_before.max(0) * DAY)
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for (id, round, title, tracking, deadline, supervised, supervisor, unit, name, email) in due {
        let Some(kind) = reminder_kind(deadline, now, days_before) else {
            continue;
        };
        let mut tx = db.begin().await?;
        let claimed = sqlx::query(
            "insert into suggestion_reminder (suggestion_id, round, unit_id, deadline_at, kind, \
             sent_at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
        )
        .bind(id)
        .bind(round)
        .bind(unit)
        .bind(deadline)
        .bind(&kind)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 1 {
            let supervisor = if supervised == 1 {
                supervisor
            } else {
                String::new()
            };
            let (subject, text) =
                reminder_mail(&name, &title, &tracking, deadline, now, &supervisor, base);
            crate::outbox::ssr::enqueue(&mut tx, "handling_reminder", &email, &subject, &text)
                .await?;
            queued += 1;
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// Runs the handling reminders every few minutes (`yijian serve --handling-reminder-days`).
pub async fn run(db: Db, days_before: i64, base: String) {
    loop {
        match send_reminders(&db, days_before, &base, crate::ssr::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(queued = n, "handling reminders queued"),
            Err(e) => tracing::warn!(error = %e, "handling reminders failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(300)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 重点督办

/// Marks a suggestion in handling for `leader`'s supervision, or unmarks it (`None`).
pub async fn supervise(db: &Db, id: i64, leader: Option<&str>) -> Result<(), AppError> {
    let status: Option<String> = sqlx::query_scalar("select status from suggestion where id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(status) = status else {
        return Err(AppError::NotFound);
    };
    match leader {
        None => {
            sqlx::query(
                "update suggestion set supervised = 0, supervisor = '', updated_at = $1 \
                 where id = $2",
            )
            .bind(crate::ssr::now_ms())
            .bind(id)
            .execute(&db.pool)
            .await?;
        }
        Some(leader) => {
            let leader = super::ssr::text(
                "leader",
                leader,
                "督办领导（职务和姓名，如：州人大常委会副主任 张三）",
                60,
            )?;
            if status != "assigned" {
                return Err(AppError::Conflict(
                    "只有办理中的建议可以列为重点督办".into(),
                ));
            }
            sqlx::query(
                "update suggestion set supervised = 1, supervisor = $1, updated_at = $2 \
                 where id = $3",
            )
            .bind(&leader)
            .bind(crate::ssr::now_ms())
            .bind(id)
            .execute(&db.pool)
            .await?;
        }
    }
    Ok(())
}

/// 重点督办 per leader: the supervised suggestions in handling, with how many are overdue and
/// how many in a second handling.
pub fn leaders(suggestions: &[SuggestionRow]) -> Vec<LeaderChase> {
    let mut by: BTreeMap<String, LeaderChase> = BTreeMap::new();
    for s in suggestions
        .iter()
        .filter(|s| s.status == "assigned" && !s.supervisor.is_empty())
    {
        let l = by
            .entry(s.supervisor.clone())
            .or_insert_with(|| LeaderChase {
                leader: s.supervisor.clone(),
                items: Vec::new(),
                overdue: 0,
                reopened: 0,
            });
        l.overdue += i64::from(s.overdue);
        l.reopened += i64::from(s.round > 1);
        l.items.push(s.clone());
    }
    by.into_values().collect()
}

// ---------------------------------------------------------------------------------------------
// 改办

/// id, suggestion, tracking, title, unit, reason, status, reply, new unit, requested, decided
type ReassignRecord = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);

const REASSIGN_SELECT: &str = "select r.id, r.suggestion_id, s.tracking, s.title, u.name, \
     r.reason, r.status, r.reply, n.name, r.requested_at, r.decided_at from reassign_request r \
     join suggestion s on s.id = r.suggestion_id join unit u on u.id = r.unit_id \
     left join unit n on n.id = r.new_unit_id";

fn reassign_view(r: ReassignRecord) -> ReassignView {
    let (id, suggestion_id, tracking, title, unit, reason, status, reply, new_unit, at, decided) =
        r;
    ReassignView {
        id,
        suggestion_id,
        tracking,
        title,
        unit,
        reason,
        status,
        reply,
        new_unit,
        requested_on: format_day(at),
        decided_on: decided.map(format_day),
    }
}

/// Every reassignment request on a suggestion, oldest first.
pub async fn reassign_of(db: &Db, suggestion: i64) -> Result<Vec<ReassignView>, AppError> {
    let rows: Vec<ReassignRecord> = sqlx::query_as(&format!(
        "{REASSIGN_SELECT} where r.suggestion_id = $1 order by r.id"
    ))
    .bind(suggestion)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(reassign_view).collect())
}

/// The requests waiting for the office, oldest first.
pub async fn pending_requests(db: &Db) -> Result<Vec<ReassignView>, AppError> {
    let rows: Vec<ReassignRecord> = sqlx::query_as(&format!(
        "{REASSIGN_SELECT} where r.status = 'pending' order by r.id"
    ))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(reassign_view).collect())
}

/// A unit's granted requests: the suggestions that left its queue, newest first.
pub async fn handed_away(db: &Db, unit: i64) -> Result<Vec<ReassignView>, AppError> {
    let rows: Vec<ReassignRecord> = sqlx::query_as(&format!(
        "{REASSIGN_SELECT} where r.unit_id = $1 and r.status = 'granted' order by r.id desc \
         limit 100"
    ))
    .bind(unit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(reassign_view).collect())
}

/// The lead unit asks the office to hand the suggestion to another unit, with its reason.
pub async fn request_reassign(
    db: &Db,
    unit: i64,
    by: i64,
    suggestion: i64,
    reason: &str,
    now: i64,
) -> Result<i64, AppError> {
    let reason = super::ssr::text("reason", reason, "申请改办的理由", 1000)?;
    let row: Option<(String, i64)> = sqlx::query_as(
        "select s.status, su.lead from suggestion s join suggestion_unit su \
         on su.suggestion_id = s.id and su.unit_id = $1 where s.id = $2",
    )
    .bind(unit)
    .bind(suggestion)
    .fetch_optional(&db.pool)
    .await?;
    let Some((status, lead)) = row else {
        return Err(AppError::NotFound);
    };
    if lead != 1 {
        return Err(AppError::Refused(
            "本单位是协办单位，改办申请由主办单位提出".into(),
        ));
    }
    if status != "assigned" {
        return Err(AppError::Conflict(
            "该建议当前不在办理中，不能申请改办".into(),
        ));
    }
    let pending =
        || AppError::Conflict("该建议已有一份待办公室处理的改办申请，请等待处理结果".into());
    // The partial unique index refuses a second pending request, also two at once.
    sqlx::query_scalar(
        "insert into reassign_request (suggestion_id, unit_id, reason, requested_by, \
         requested_at) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(suggestion)
    .bind(unit)
    .bind(&reason)
    .bind(by)
    .bind(now)
    .fetch_one(&db.pool)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => pending(),
        e => e.into(),
    })
}

/// A pending request: (suggestion, requesting unit).
async fn pending(conn: &mut sqlx::AnyConnection, request: i64) -> Result<(i64, i64), AppError> {
    let row: Option<(i64, i64, String)> =
        sqlx::query_as("select suggestion_id, unit_id, status from reassign_request where id = $1")
            .bind(request)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        None => Err(AppError::NotFound),
        Some((_, _, status)) if status != "pending" => {
            Err(AppError::Conflict("该改办申请已经处理过了".into()))
        }
        Some((s, u, _)) => Ok((s, u)),
    }
}

/// The office grants a request: the suggestion goes to `lead` as lead unit (the requesting
/// unit loses it; co-units stay), with a new deadline under the legal rules of 交办 counted from
/// now, and the new lead unit is mailed.
pub async fn grant_reassign(
    db: &Db,
    request: i64,
    lead: i64,
    deadline: &str,
    by: i64,
    base: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (suggestion, old) = pending(&mut tx, request).await?;
    let (status, title, difficult): (String, String, i64) =
        sqlx::query_as("select status, title, difficult from suggestion where id = $1")
            .bind(suggestion)
            .fetch_one(&mut *tx)
            .await?;
    if status != "assigned" {
        return Err(AppError::Conflict(
            "该建议已经答复或办结，不能改办；可以不同意这份申请".into(),
        ));
    }
    if lead == old {
        return Err(AppError::validation(
            "lead",
            "请选择另一家承办单位：改办不能交回原主办单位",
        ));
    }
    let deadline = deadline_of(deadline, difficult == 1, now)?;
    let Some((name, email)) = unit_exists(&mut tx, lead).await? else {
        return Err(AppError::validation(
            "lead",
            format!("承办单位（编号 {lead}）不存在或已停用"),
        ));
    };
    sqlx::query(
        "delete from suggestion_unit where suggestion_id = $1 and (lead = 1 or unit_id = $2)",
    )
    .bind(suggestion)
    .bind(lead)
    .execute(&mut *tx)
    .await?;
    sqlx::query("insert into suggestion_unit (suggestion_id, unit_id, lead) values ($1, $2, 1)")
        .bind(suggestion)
        .bind(lead)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update suggestion set assigned_at = $1, assigned_by = $2, deadline_at = $3, \
         extended = 0, extension_reason = '', updated_at = $1 where id = $4",
    )
    .bind(now)
    .bind(by)
    .bind(deadline)
    .bind(suggestion)
    .execute(&mut *tx)
    .await?;
    let decided = sqlx::query(
        "update reassign_request set status = 'granted', new_unit_id = $1, decided_by = $2, \
         decided_at = $3 where id = $4 and status = 'pending'",
    )
    .bind(lead)
    .bind(by)
    .bind(now)
    .bind(request)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if decided != 1 {
        return Err(AppError::Conflict("该改办申请已经处理过了".into()));
    }
    if !email.is_empty() {
        let (subject, text) = crate::outbox::templates::suggestion_assigned(
            &name,
            &title,
            true,
            &format_local(deadline),
            base,
        );
        crate::outbox::ssr::enqueue(&mut tx, "suggestion_assigned", &email, &subject, &text)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The office refuses a request, with the reply the unit reads on its page.
pub async fn refuse_reassign(
    db: &Db,
    request: i64,
    reply: &str,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    let reply = super::ssr::text("reply", reply, "不同意改办的理由", 1000)?;
    let mut tx = db.begin().await?;
    pending(&mut tx, request).await?;
    sqlx::query(
        "update reassign_request set status = 'refused', reply = $1, decided_by = $2, \
         decided_at = $3 where id = $4 and status = 'pending'",
    )
    .bind(&reply)
    .bind(by)
    .bind(now)
    .bind(request)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 通报

/// A report period: its key, label and bounds (China time, end exclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    pub key: String,
    pub label: String,
    pub start: i64,
    pub end: i64,
}

const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];

fn month_start(y: i64, m: i64) -> i64 {
    parse_local(&format!("{y:04}-{m:02}-01")).unwrap_or(0)
}

impl Period {
    pub fn month(y: i64, m: i64) -> Period {
        let start = month_start(y, m);
        Period {
            key: format!("{y:04}-{m:02}"),
            label: format!("{y}年{m}月"),
            start,
            end: add_months(start, 1),
        }
    }
    pub fn quarter(y: i64, q: i64) -> Period {
        let start = month_start(y, (q - 1) * 3 + 1);
        Period {
            key: format!("{y:04}-Q{q}"),
            label: format!("{y}年第{}季度", QUARTERS[(q - 1) as usize]),
            start,
            end: add_months(start, 3),
        }
    }
    /// `2027-03`, `2027-Q1` (also `2027q1`), or empty for the month of `now`.
    pub fn parse(s: &str, now: i64) -> Result<Period, AppError> {
        let s = s.trim().to_uppercase();
        let bad = || {
            AppError::validation(
                "period",
                format!("通报期间“{s}”无法识别，请写成 2027-03（月度）或 2027-Q1（季度）"),
            )
        };
        if s.is_empty() {
            let today = format_day(now);
            let y = today[..4].parse().map_err(|_| bad())?;
            let m = today[5..7].parse().map_err(|_| bad())?;
            return Ok(Period::month(y, m));
        }
        let (y, rest) = s
            .split_once('-')
            .unwrap_or((&s[..s.len().min(4)], &s[s.len().min(4)..]));
        let y: i64 = y.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&y) {
            return Err(bad());
        }
        if let Some(q) = rest.strip_prefix('Q') {
            let q: i64 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            return Ok(Period::quarter(y, q));
        }
        let m: i64 = rest.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&m) {
            return Err(bad());
        }
        Ok(Period::month(y, m))
    }
    fn year_month(&self) -> (i64, i64) {
        let d = format_day(self.start);
        (d[..4].parse().unwrap_or(2000), d[5..7].parse().unwrap_or(1))
    }
    fn is_quarter(&self) -> bool {
        self.key.contains('Q')
    }
    /// The period before this one (same length).
    pub fn previous(&self) -> Period {
        let (y, m) = self.year_month();
        let p = if self.is_quarter() { 3 } else { 1 };
        let total = y * 12 + (m - 1) - p;
        let (py, pm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if self.is_quarter() {
            Period::quarter(py, (pm - 1) / 3 + 1)
        } else {
            Period::month(py, pm)
        }
    }
    pub fn next(&self) -> Period {
        let (y, m) = self.year_month();
        let p = if self.is_quarter() { 3 } else { 1 };
        let total = y * 12 + (m - 1) + p;
        let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if self.is_quarter() {
            Period::quarter(ny, (nm - 1) / 3 + 1)
        } else {
            Period::month(ny, nm)
        }
    }
    /// The quarter a month lies in, or the first month of a quarter.
    pub fn other_kind(&self) -> Period {
        let (y, m) = self.year_month();
        if self.is_quarter() {
            Period::month(y, m)
        } else {
            Period::quarter(y, (m - 1) / 3 + 1)
        }
    }
}

/// (suggestion, status, deadline, assigned at, lead unit, author's county, station)
type ReportSuggestion = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
);

/// The periodic report: per lead unit and per county (the leading deputy's county, or that of
/// the suggestion's station for someone without a deputy record). See the note on the report
/// page for what each figure counts.
pub async fn report(db: &Db, period: &str, now: i64) -> Result<PeriodReport, AppError> {
    let p = Period::parse(period, now)?;
    let as_of = p.end.min(now);
    let units: HashMap<i64, String> =
        sqlx::query_as::<_, (i64, String)>("select id, name from unit")
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    let stations: HashMap<i64, (String, i64, Option<i64>)> =
        sqlx::query_as::<_, (i64, String, i64, Option<i64>)>(
            "select id, name, level, parent_id from station",
        )
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, name, level, parent)| (id, (name, level, parent)))
        .collect();
    let county_of_station = |mut id: i64| -> i64 {
        for _ in 0..8 {
            match stations.get(&id) {
                Some((_, 1 | 2, _)) | Some((_, _, None)) | None => return id,
                Some((_, _, Some(parent))) => id = *parent,
            }
        }
        id
    };
    let suggestions: Vec<ReportSuggestion> = sqlx::query_as(
        "select s.id, s.status, s.deadline_at, s.assigned_at, \
         (select su.unit_id from suggestion_unit su where su.suggestion_id = s.id and su.lead = 1), \
         d.county_id, s.station_id from suggestion s \
         left join deputy d on d.account_id = s.author_id where s.status <> 'submitted'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut county: HashMap<i64, i64> = HashMap::new();
    let mut by_unit: BTreeMap<i64, ReportLine> = BTreeMap::new();
    let mut by_county: BTreeMap<i64, ReportLine> = BTreeMap::new();
    let mut total = ReportLine {
        name: "合计".into(),
        ..Default::default()
    };
    // Adds to one figure of the unit's line, the county's line and the total.
    let mut add = |unit: Option<i64>, c: i64, f: &dyn Fn(&mut ReportLine)| {
        if let Some(u) = unit {
            f(by_unit.entry(u).or_default());
        }
        f(by_county.entry(c).or_default());
        f(&mut total);
    };
    for (id, status, deadline, assigned, lead, deputy_county, station) in &suggestions {
        let c = deputy_county.unwrap_or_else(|| county_of_station(*station));
        county.insert(*id, c);
        if assigned.is_some_and(|a| a >= p.start && a < p.end) {
            add(*lead, c, &|l| l.assigned += 1);
        }
        if status == "assigned" && deadline.is_some_and(|d| d < as_of) {
            add(*lead, c, &|l| l.overdue_open += 1);
        }
    }
    // Answers written in the period, and those written after its end to a deadline that had
    // passed before it (overdue and unanswered then).
    let answers: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "select suggestion_id, unit_id, created_at, deadline_at from suggestion_answer \
         where created_at >= $1",
    )
    .bind(p.start)
    .fetch_all(&db.pool)
    .await?;
    for (s, unit, at, deadline) in answers {
        let Some(&c) = county.get(&s) else { continue };
        if at < p.end {
            let late = deadline.is_some_and(|d| at > d);
            add(Some(unit), c, &|l| {
                l.answered += 1;
                if late {
                    l.late += 1;
                } else {
                    l.on_time += 1;
                }
            });
        } else if deadline.is_some_and(|d| d < as_of) {
            add(Some(unit), c, &|l| l.overdue_open += 1);
        }
    }
    let ratings: Vec<(i64, i64, String)> = sqlx::query_as(
        "select r.suggestion_id, a.unit_id, r.rating from suggestion_rating r \
         join suggestion_answer a on a.suggestion_id = r.suggestion_id and a.round = r.round \
         where r.created_at >= $1 and r.created_at < $2",
    )
    .bind(p.start)
    .bind(p.end)
    .fetch_all(&db.pool)
    .await?;
    for (s, unit, rating) in ratings {
        let Some(&c) = county.get(&s) else { continue };
        add(Some(unit), c, &|l| match rating.as_str() {
            "satisfied" => l.satisfied += 1,
            "basic" => l.basic += 1,
            _ => l.unsatisfied += 1,
        });
    }
    let name_lines = |m: BTreeMap<i64, ReportLine>, name: &dyn Fn(i64) -> String| {
        let mut v: Vec<ReportLine> = m
            .into_iter()
            .map(|(id, mut l)| {
                l.name = name(id);
                l
            })
            .collect();
        v.sort_by(|a, b| b.assigned.cmp(&a.assigned).then(a.name.cmp(&b.name)));
        v
    };
    let unit_lines = name_lines(by_unit, &|id| {
        units
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("单位 {id}"))
    });
    let county_lines = name_lines(by_county, &|id| {
        stations
            .get(&id)
            .map(|s| s.0.clone())
            .unwrap_or_else(|| format!("联系点 {id}"))
    });
    let mut links = vec![(p.previous().key, format!("上一期：{}", p.previous().label))];
    let next = p.next();
    if next.start <= now {
        links.push((next.key.clone(), format!("下一期：{}", next.label)));
    }
    let other = p.other_kind();
    links.push((other.key.clone(), other.label.clone()));
    let this_month = Period::parse("", now)?;
    if this_month.key != p.key {
        links.push((
            this_month.key.clone(),
            format!("本月：{}", this_month.label),
        ));
    }
    Ok(PeriodReport {
        period: p.key.clone(),
        label: p.label.clone(),
        from: format_day(p.start),
        to: format_day(p.end - 1),
        as_of: format_local(as_of),
        links,
        units: unit_lines,
        counties: county_lines,
        total,
    })
}

/// The report as a workbook: a sheet per handling unit, one per county.
pub fn xlsx(r: &PeriodReport) -> Result<Vec<u8>, AppError> {
    use crate::sheet::{Cell, Sheet};
    let sheet = |name: &str, first: &str, lines: &[ReportLine]| Sheet {
        name: name.into(),
        columns: [
            (first, 28.0),
            ("交办数", 8.0),
            ("已答复", 8.0),
            ("按期答复", 10.0),
            ("逾期答复", 10.0),
            ("逾期未答复", 12.0),
            ("满意", 8.0),
            ("基本满意", 10.0),
            ("不满意", 8.0),
            ("满意率", 10.0),
        ]
        .iter()
        .map(|(n, w)| (n.to_string(), *w))
        .collect(),
        rows: lines
            .iter()
            .chain(std::iter::once(&r.total))
            .map(|l| {
                vec![
                    Cell::from(l.name.clone()),
                    l.assigned.into(),
                    l.answered.into(),
                    l.on_time.into(),
                    l.late.into(),
                    l.overdue_open.into(),
                    l.satisfied.into(),
                    l.basic.into(),
                    l.unsatisfied.into(),
                    Cell::from(l.satisfaction()),
                ]
            })
            .collect(),
    };
    crate::sheet::write_xlsx(&[
        sheet("按承办单位", "承办单位", &r.units),
        sheet("按县市", "县市", &r.counties),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_step() {
        let now = parse_local("2027-03-15T10:00").unwrap();
        let m = Period::parse("", now).unwrap();
        assert_eq!(m.key, "2027-03");
        assert_eq!(m.label, "2027年3月");
        assert_eq!(format_day(m.start), "2027-03-01");
        assert_eq!(format_day(m.end), "2027-04-01");
        assert_eq!(m.previous().key, "2027-02");
        assert_eq!(
            Period::parse("2027-01", now).unwrap().previous().key,
            "2026-12"
        );
        let q = Period::parse("2027-q1", now).unwrap();
        assert_eq!(q.key, "2027-Q1");
        assert_eq!(q.label, "2027年第一季度");
        assert_eq!(format_day(q.end), "2027-04-01");
        assert_eq!(q.previous().key, "2026-Q4");
        assert_eq!(q.next().key, "2027-Q2");
        assert_eq!(m.other_kind().key, "2027-Q1");
        for bad in ["2027-13", "2027-Q5", "march", "27-03"] {
            let e = Period::parse(bad, now).unwrap_err();
            assert!(e.message().contains("2027-Q1"), "{bad}: {}", e.message());
        }
    }

    #[test]
    fn reminders_before_and_every_thirty_days_after() {
        let deadline = parse_local("2027-03-01T23:59").unwrap();
        assert_eq!(reminder_kind(deadline, deadline - 16 * DAY, 15), None);
        assert_eq!(
            reminder_kind(deadline, deadline - 15 * DAY, 15).as_deref(),
            Some("before")
        );
        assert_eq!(reminder_kind(deadline, deadline - DAY, 0), None);
        assert_eq!(
            reminder_kind(deadline, deadline + 1, 15).as_deref(),
            Some("overdue")
        );
        assert_eq!(
            reminder_kind(deadline, deadline + 31 * DAY, 15).as_deref(),
            Some("overdue_30")
        );
        assert_eq!(
            reminder_kind(deadline, deadline + 65 * DAY, 15).as_deref(),
            Some("overdue_60")
        );
    }
}
