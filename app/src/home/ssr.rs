//! The figures of the home pages, counted by the database.

use super::{
    AdminHome, BatchLine, DraftWork, NoticeLine, PartLine, PendingLine, RoleWork, StationHome,
    WorkLine,
};
use crate::draft::gate::article_of;
use crate::draft::WindowState;
use crate::error::AppError;
use crate::ssr::{AppState, Db};
use std::collections::{HashMap, HashSet};

fn part_lines(windows: &[crate::draft::Window]) -> Vec<PartLine> {
    windows
        .iter()
        .map(|w| PartLine {
            label: w.part_label.clone(),
            state: w.describe(),
            open: w.state == WindowState::Open,
        })
        .collect()
}

/// Every draft with the work waiting on it, for committee member `me`.
pub async fn committee(db: &Db, me: i64) -> Result<Vec<DraftWork>, AppError> {
    let drafts = crate::draft::ssr::list(db, crate::draft::gate::Audience::Staff).await?;
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        let draft_id = crate::draft::gate::draft_id(db, &d.slug).await?;
        let windows = crate::draft::ssr::windows(db, draft_id).await?;
        let released = crate::draft::gate::released(db, draft_id).await?;
        let moderation: i64 = sqlx::query_scalar(
            "select count(*) from comment where draft_id = $1 and status in ('received', 'reviewing')",
        )
        .bind(draft_id)
        .fetch_one(&db.pool)
        .await?;
        // Unhandled opinions per unit, then by article: who is responsible is decided per
        // article (and per cluster).
        let by_unit: Vec<(String, i64)> = sqlx::query_as(
            "select unit_uid, count(*) from comment where draft_id = $1 and disposition = '' \
             and status <> 'rejected' group by unit_uid",
        )
        .bind(draft_id)
        .fetch_all(&db.pool)
        .await?;
        let assigned: Vec<(String, i64)> = sqlx::query_as(
            "select article_uid, assigned_to from article_state \
             where draft_id = $1 and assigned_to is not null",
        )
        .bind(draft_id)
        .fetch_all(&db.pool)
        .await?;
        let assigned: HashMap<String, i64> = assigned.into_iter().collect();
        // Unhandled opinions in clusters assigned to someone (and whether to me).
        let in_assigned_clusters: Vec<(String, i64, i64)> = sqlx::query_as(
            "select k.article_uid, k.assigned_to, count(*) from cluster_member m \
             join opinion_cluster k on k.id = m.cluster_id join comment c on c.id = m.comment_id \
             where k.draft_id = $1 and k.assigned_to is not null and c.disposition = '' \
             and c.status <> 'rejected' group by k.article_uid, k.assigned_to",
        )
        .bind(draft_id)
        .fetch_all(&db.pool)
        .await?;
        let unhandled: i64 = by_unit.iter().map(|(_, n)| n).sum();
        let mut unassigned = 0;
        let mut mine = 0;
        for (unit, n) in &by_unit {
            match assigned.get(article_of(unit)) {
                Some(who) if *who == me => mine += n,
                Some(_) => {}
                None => unassigned += n,
            }
        }
        for (article, who, n) in &in_assigned_clusters {
            // Opinions of a cluster given to someone are theirs, whatever the article's state.
            match assigned.get(article.as_str()) {
                None => unassigned -= n,
                Some(a) if *a == me => mine -= n,
                Some(_) => {}
            }
            if *who == me {
                mine += n;
            }
        }
        let feedback: Option<i64> =
            sqlx::query_scalar("select published_at from feedback_publication where draft_id = $1")
                .bind(draft_id)
                .fetch_optional(&db.pool)
                .await?;
        out.push(DraftWork {
            slug: d.slug,
            title: d.title,
            version_label: d.version_label,
            unpublished: !released.any(),
            parts: part_lines(&windows),
            moderation,
            unhandled,
            unassigned: unassigned.max(0),
            mine: mine.max(0),
            feedback_published: feedback.is_some(),
        });
    }
    Ok(out)
}

/// A station's work: notices, open drafts, what it recorded and has not forwarded, batches.
pub async fn station(state: &AppState, station: i64) -> Result<StationHome, AppError> {
    let db = &state.db;
    let station_name: String = sqlx::query_scalar("select name from station where id = $1")
        .bind(station)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::Forbidden)?;
    let now = crate::ssr::now_ms();
    let notices: Vec<(String, String, String, i64, i64, String)> = sqlx::query_as(
        "select d.slug, d.title, p.part_label, p.opens_at, p.closes_at, n.status from notice n \
         join publication p on p.id = n.publication_id join draft d on d.id = p.draft_id \
         where n.station_id = $1 and p.withdrawn_at is null and p.closes_at > $2 \
         order by n.status, p.closes_at limit 50",
    )
    .bind(station)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let notices = notices
        .into_iter()
        .map(|(slug, title, part, opens, closes, status)| NoticeLine {
            slug,
            draft_title: title,
            part_label: part.clone(),
            state: crate::draft::Window {
                id: 0,
                part_label: part,
                opens_at: opens,
                closes_at: closes,
                state: crate::draft::Window::state_at(opens, closes, now),
                article_uids: Vec::new(),
            }
            .describe(),
            confirmed: status == "confirmed",
        })
        .collect();
    let open_drafts: Vec<(String, String)> = sqlx::query_as(
        "select d.slug, d.title from draft d where exists (select 1 from publication p \
         where p.draft_id = d.id and p.opens_at <= $1 and p.closes_at > $1 \
         and p.withdrawn_at is null) order by d.id desc",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let open: HashSet<&str> = open_drafts.iter().map(|(s, _)| s.as_str()).collect();
    let pending: Vec<(String, String, i64)> = sqlx::query_as(
        "select d.slug, d.title, count(*) from station_opinion o join draft d on d.id = o.draft_id \
         where o.station_id = $1 and o.batch_id is null group by d.slug, d.title order by d.slug",
    )
    .bind(station)
    .fetch_all(&db.pool)
    .await?;
    let pending = pending
        .into_iter()
        .map(|(slug, draft_title, opinions)| PendingLine {
            open: open.contains(slug.as_str()),
            slug,
            draft_title,
            opinions,
        })
        .collect();
    let batches: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "select b.receipt, d.title, b.opinions, b.forwarded_at from station_batch b \
         join draft d on d.id = b.draft_id where b.station_id = $1 \
         order by b.forwarded_at desc limit 5",
    )
    .bind(station)
    .fetch_all(&db.pool)
    .await?;
    Ok(StationHome {
        station_name,
        notices,
        open_drafts,
        pending,
        batches: batches
            .into_iter()
            .map(|(receipt, draft_title, opinions, at)| BatchLine {
                receipt,
                draft_title,
                opinions,
                forwarded_at: crate::draft::time::format_local(at),
            })
            .collect(),
    })
}

/// The administrator's figures: stations, accounts, mail.
pub async fn admin(db: &Db) -> Result<AdminHome, AppError> {
    let (active, inactive, without_email): (i64, i64, i64) = sqlx::query_as(
        "select coalesce(sum(case when active = 1 then 1 else 0 end), 0), \
         coalesce(sum(case when active = 1 then 0 else 1 end), 0), \
         coalesce(sum(case when active = 1 and email = '' then 1 else 0 end), 0) from station",
    )
    .fetch_one(&db.pool)
    .await?;
    let accounts: Vec<(String, i64, i64)> = sqlx::query_as(
        "select role, coalesce(sum(case when active = 1 then 1 else 0 end), 0), \
         coalesce(sum(case when active = 1 then 0 else 1 end), 0) from account group by role \
         order by role",
    )
    .fetch_all(&db.pool)
    .await?;
    let (failed, queued): (i64, i64) = sqlx::query_as(
        "select coalesce(sum(case when status = 'failed' then 1 else 0 end), 0), \
         coalesce(sum(case when status = 'queued' then 1 else 0 end), 0) from outbox",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(AdminHome {
        stations_active: active,
        stations_inactive: inactive,
        stations_without_email: without_email,
        accounts: accounts
            .into_iter()
            .map(|(role, a, i)| {
                (
                    crate::auth::Role::parse(&role)
                        .map(|r| r.label().to_string())
                        .unwrap_or(role),
                    a,
                    i,
                )
            })
            .collect(),
        mail_failed: failed,
        mail_queued: queued,
    })
}

/// The drafts open or announced for comment, for the public home page.
pub async fn public(db: &Db) -> Result<Vec<(String, String, String)>, AppError> {
    let drafts = crate::draft::ssr::list(db, crate::draft::gate::Audience::Public).await?;
    let mut out = Vec::new();
    for d in drafts
        .into_iter()
        .filter(|d| d.state != WindowState::Closed)
    {
        let draft_id = crate::draft::gate::draft_id(db, &d.slug).await?;
        let windows = crate::draft::ssr::windows(db, draft_id).await?;
        let state = windows
            .iter()
            .find(|w| w.state == WindowState::Open)
            .or_else(|| windows.iter().find(|w| w.state == WindowState::Upcoming))
            .map(|w| w.describe())
            .unwrap_or_default();
        out.push((d.slug, d.title, state));
    }
    Ok(out)
}

async fn count(db: &Db, sql: &str, binds: &[i64]) -> Result<i64, AppError> {
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        q = q.bind(*b);
    }
    Ok(q.fetch_one(&db.pool).await?)
}

/// 「待交办 3 件 · 逾期 1 件」 from (label, count) pairs, leaving out the zeros.
fn waiting(parts: &[(&str, i64)]) -> String {
    parts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(label, n)| format!("{label} {n}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn line(href: &str, label: &str, parts: &[(&str, i64)], urgent: bool) -> WorkLine {
    WorkLine {
        href: href.into(),
        label: label.into(),
        waiting: waiting(parts),
        urgent,
    }
}

/// What waits for an office, deputy or unit account at `now` (ms).
pub async fn role_work(
    db: &Db,
    user: &crate::auth::SessionUser,
    now: i64,
) -> Result<RoleWork, AppError> {
    use crate::auth::Role;
    Ok(match user.role {
        Role::Office | Role::Admin => {
            let submitted = count(
                db,
                "select count(*) from suggestion where status = 'submitted'",
                &[],
            )
            .await?;
            let handling = count(
                db,
                "select count(*) from suggestion where status = 'assigned'",
                &[],
            )
            .await?;
            let overdue = count(
                db,
                "select count(*) from suggestion where status = 'assigned' and deadline_at < $1",
                &[now],
            )
            .await?;
            let reopened = count(
                db,
                "select count(*) from suggestion where status = 'assigned' and round > 1",
                &[],
            )
            .await?;
            let ballots = count(
                db,
                "select count(*) from ballot where opens_at <= $1 and closes_at > $1",
                &[now],
            )
            .await?;
            let supervised = count(
                db,
                "select count(*) from suggestion where status = 'assigned' and supervised = 1",
                &[],
            )
            .await?;
            let reassign = count(
                db,
                "select count(*) from reassign_request where status = 'pending'",
                &[],
            )
            .await?;
            // Handed out since the first of this month (China time), as the month's report counts.
            let day = crate::draft::time::format_day(now);
            let month_start =
                crate::draft::time::parse_local(&format!("{}-01T00:00", &day[..7])).unwrap_or(now);
            let this_month = count(
                db,
                "select count(*) from suggestion where assigned_at >= $1",
                &[month_start],
            )
            .await?;
            RoleWork {
                heading: "人大办公室工作台".into(),
                lines: vec![
                    line(
                        "/office",
                        "代表建议交办督办",
                        &[
                            ("待交办", submitted),
                            ("办理中", handling),
                            ("逾期", overdue),
                            ("重新办理", reopened),
                            ("重点督办", supervised),
                            ("改办申请", reassign),
                        ],
                        submitted + overdue + reassign > 0,
                    ),
                    line(
                        "/office/report",
                        "办理情况通报（月度、季度，可下载 Excel 和 PDF）",
                        &[("本月交办", this_month)],
                        false,
                    ),
                    line(
                        "/office/micro",
                        "微实事资金、项目与票决",
                        &[("进行中的票决", ballots)],
                        false,
                    ),
                ],
            }
        }
        Role::Deputy => {
            let station = user.station_id.unwrap_or(0);
            let requests = count(
                db,
                "select count(*) from resident_request where station_id = $1 \
                 and suggestion_id is null and opinion_id is null",
                &[station],
            )
            .await?;
            let to_rate = count(
                db,
                "select count(*) from suggestion where author_id = $1 and status = 'answered'",
                &[user.id],
            )
            .await?;
            let handling = count(
                db,
                "select count(*) from suggestion where author_id = $1 and status in ('submitted', 'assigned')",
                &[user.id],
            )
            .await?;
            // Candidates of open ballots in the deputy's county not yet voted on by them.
            let to_vote = count(
                db,
                "select count(*) from ballot b join ballot_item i on i.ballot_id = b.id \
                 join deputy d on d.county_id = b.county_id and d.account_id = $1 \
                 where b.opens_at <= $2 and b.closes_at > $2 and not exists (select 1 from \
                 ballot_voter v where v.ballot_id = b.id and v.project_id = i.project_id \
                 and v.account_id = $1)",
                &[user.id, now],
            )
            .await?;
            // Finished projects of the deputy's county waiting for the deputies' acceptance.
            let to_accept = count(
                db,
                "select count(*) from micro_work w join micro_project p on p.id = w.project_id \
                 join deputy d on d.county_id = p.county_id and d.account_id = $1 \
                 where w.completed_on is not null and w.accepted_at is null",
                &[user.id],
            )
            .await?;
            RoleWork {
                heading: "代表工作台".into(),
                lines: vec![
                    line(
                        "/deputy",
                        "群众诉求与我的建议",
                        &[
                            ("本家待处理诉求", requests),
                            ("答复待我评价", to_rate),
                            ("办理中", handling),
                        ],
                        to_rate > 0,
                    ),
                    line(
                        "/deputy/ballots",
                        "微实事项目与票决",
                        &[("待投票的项目", to_vote), ("已完工待验收", to_accept)],
                        to_vote + to_accept > 0,
                    ),
                ],
            }
        }
        _ => {
            let unit: i64 =
                sqlx::query_scalar("select unit_id from unit_operator where account_id = $1")
                    .bind(user.id)
                    .fetch_optional(&db.pool)
                    .await?
                    .ok_or(AppError::Forbidden)?;
            let queue = count(
                db,
                "select count(*) from suggestion_unit su join suggestion s on s.id = su.suggestion_id \
                 where su.unit_id = $1 and s.status = 'assigned'",
                &[unit],
            )
            .await?;
            let overdue = count(
                db,
                "select count(*) from suggestion_unit su join suggestion s on s.id = su.suggestion_id \
                 where su.unit_id = $1 and s.status = 'assigned' and s.deadline_at < $2",
                &[unit, now],
            )
            .await?;
            let building = count(
                db,
                "select count(*) from micro_work where unit_id = $1 and completed_on is null",
                &[unit],
            )
            .await?;
            let to_accept = count(
                db,
                "select count(*) from micro_work where unit_id = $1 and completed_on is not null \
                 and accepted_at is null",
                &[unit],
            )
            .await?;
            RoleWork {
                heading: "承办单位工作台".into(),
                lines: vec![
                    line(
                        "/unit",
                        "交办给本单位的建议与办理期限",
                        &[("待办", queue), ("逾期", overdue)],
                        overdue > 0,
                    ),
                    line(
                        "/unit/projects",
                        "微实事项目实施：进展、支出与完工",
                        &[("实施中", building), ("已完工待验收", to_accept)],
                        false,
                    ),
                ],
            }
        }
    })
}
