//! Gathering the coverage facts, reminders (by hand and before the deadline) and the daily
//! digest. Reminders and the digest are written to the outbox in the transaction that records
//! them, so each is sent once even with several servers.

use super::{compute, Coverage, PartChoice, StationFacts};
use crate::draft::time::{format_day, format_local};
use crate::draft::{Window, WindowState};
use crate::error::AppError;
use crate::ssr::{now_ms, Db};
use std::collections::{HashMap, HashSet};

#[derive(sqlx::FromRow)]
struct Publication {
    id: i64,
    part_label: String,
    article_uids: String,
    opens_at: i64,
    closes_at: i64,
}

async fn publications(db: &Db, draft_id: i64) -> Result<Vec<Publication>, AppError> {
    Ok(sqlx::query_as(
        "select id, part_label, article_uids, opens_at, closes_at from publication \
         where draft_id = $1 and withdrawn_at is null order by opens_at, id",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn report(db: &Db, slug: Option<&str>, part: Option<i64>) -> Result<Coverage, AppError> {
    let drafts: Vec<(String, String)> = sqlx::query_as(
        "select d.slug, d.title from draft d where exists \
         (select 1 from publication p where p.draft_id = d.id and p.withdrawn_at is null) \
         order by d.id desc",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut cov = Coverage {
        drafts,
        ..Default::default()
    };
    let Some(slug) = slug.or(cov.drafts.first().map(|d| d.0.as_str())) else {
        return Ok(cov);
    };
    let (draft_id, title): (i64, String) =
        sqlx::query_as("select id, title from draft where slug = $1")
            .bind(slug)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(AppError::NotFound)?;
    cov.slug = Some(slug.to_string());
    cov.draft_title = title;
    let pubs = publications(db, draft_id).await?;
    let now = now_ms();
    cov.parts = pubs
        .iter()
        .map(|p| {
            let w = Window {
                id: 0,
                part_label: p.part_label.clone(),
                opens_at: p.opens_at,
                closes_at: p.closes_at,
                state: Window::state_at(p.opens_at, p.closes_at, now),
                article_uids: Vec::new(),
            };
            PartChoice {
                id: p.id,
                label: p.part_label.clone(),
                window: w.describe(),
                open: w.state == WindowState::Open,
            }
        })
        .collect();
    let chosen: Vec<&Publication> = match part {
        Some(id) => {
            let p: Vec<&Publication> = pubs.iter().filter(|p| p.id == id).collect();
            if p.is_empty() {
                return Err(AppError::validation("part", "这份草案没有这个公开部分"));
            }
            p
        }
        None => pubs.iter().collect(),
    };
    cov.part = part;
    let (lines, total, by_level, by_county) =
        compute(facts(db, draft_id, &chosen, part.is_some()).await?);
    cov.lines = lines;
    cov.total = total;
    cov.by_level = by_level;
    cov.by_county = by_county;
    Ok(cov)
}

async fn facts(
    db: &Db,
    draft_id: i64,
    pubs: &[&Publication],
    one_part: bool,
) -> Result<Vec<StationFacts>, AppError> {
    let stations: Vec<(i64, String, i64, Option<i64>, String)> = sqlx::query_as(
        "select id, name, level, parent_id, email from station where active = 1 order by level, id",
    )
    .fetch_all(&db.pool)
    .await?;
    let pub_ids: Vec<String> = pubs.iter().map(|p| p.id.to_string()).collect();
    let mut notified: HashSet<i64> = HashSet::new();
    let mut confirmed: HashSet<i64> = HashSet::new();
    let mut reminders: HashMap<i64, i64> = HashMap::new();
    if !pub_ids.is_empty() {
        let list = pub_ids.join(",");
        let notices: Vec<(i64, String)> = sqlx::query_as(&format!(
            "select station_id, status from notice where publication_id in ({list})"
        ))
        .fetch_all(&db.pool)
        .await?;
        for (s, status) in notices {
            notified.insert(s);
            if status == "confirmed" {
                confirmed.insert(s);
            }
        }
        let sent: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "select station_id, count(*) from station_reminder where publication_id in ({list}) \
             group by station_id"
        ))
        .fetch_all(&db.pool)
        .await?;
        reminders.extend(sent);
    }
    // Forwarded opinions; for one part only those on its articles.
    let in_part: Option<HashSet<String>> = one_part.then(|| {
        pubs.iter()
            .flat_map(|p| serde_json::from_str::<Vec<String>>(&p.article_uids).unwrap_or_default())
            .collect()
    });
    let forwarded: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "select station_id, unit_uid, residents, batch_id from comment \
         where draft_id = $1 and batch_id is not null",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    let mut per_station: HashMap<i64, (HashSet<i64>, i64, i64)> = HashMap::new();
    for (s, uid, residents, batch) in forwarded {
        if let Some(set) = &in_part {
            if !set.contains(crate::search::index::article_of(&uid)) {
                continue;
            }
        }
        let e = per_station.entry(s).or_default();
        e.0.insert(batch);
        e.1 += 1;
        e.2 += residents;
    }
    let facts = stations
        .into_iter()
        .map(|(id, name, level, parent_id, email)| {
            let (batches, opinions, residents) = per_station
                .get(&id)
                .map(|(b, o, r)| (b.len() as i64, *o, *r))
                .unwrap_or_default();
            StationFacts {
                id,
                name,
                level,
                parent_id,
                has_email: !email.is_empty(),
                notified: notified.contains(&id),
                confirmed: confirmed.contains(&id),
                batches,
                opinions,
                residents,
                reminders: reminders.get(&id).copied().unwrap_or(0),
            }
        })
        .collect();
    Ok(facts)
}

/// Reminds the silent stations (notified, nothing forwarded) with an e-mail address, now.
/// Without a part, the open part closing first is the one reminded of.
pub async fn remind(
    db: &Db,
    slug: &str,
    part: Option<i64>,
    by: i64,
    base: &str,
) -> Result<usize, AppError> {
    let cov = report(db, Some(slug), part).await?;
    let (draft_id,): (i64,) = sqlx::query_as("select id from draft where slug = $1")
        .bind(slug)
        .fetch_one(&db.pool)
        .await?;
    let pubs = publications(db, draft_id).await?;
    let now = now_ms();
    let target = pubs
        .iter()
        .filter(|p| part.is_none_or(|id| p.id == id))
        .filter(|p| p.opens_at <= now && now < p.closes_at)
        .min_by_key(|p| p.closes_at)
        .ok_or_else(|| AppError::Conflict("所选部分目前不在征求意见期内，无需提醒".into()))?;
    let silent: Vec<(i64, String)> = cov
        .silent()
        .filter(|l| l.facts.has_email)
        .map(|l| (l.facts.id, l.facts.name.clone()))
        .collect();
    let mut tx = db.begin().await?;
    for (station, name) in &silent {
        queue_reminder(
            &mut tx,
            target,
            &cov.draft_title,
            slug,
            *station,
            name,
            base,
        )
        .await?;
        sqlx::query(
            "insert into station_reminder (publication_id, station_id, kind, sent_by, sent_at) \
             values ($1, $2, 'manual', $3, $4)",
        )
        .bind(target.id)
        .bind(station)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(silent.len())
}

async fn queue_reminder(
    conn: &mut sqlx::AnyConnection,
    p: &Publication,
    draft_title: &str,
    slug: &str,
    station: i64,
    name: &str,
    base: &str,
) -> Result<(), AppError> {
    let email: String = sqlx::query_scalar("select email from station where id = $1")
        .bind(station)
        .fetch_one(&mut *conn)
        .await?;
    let (subject, text) = crate::outbox::templates::deadline_reminder(
        name,
        draft_title,
        &p.part_label,
        &format_local(p.closes_at),
        base,
        slug,
    );
    crate::outbox::ssr::enqueue(conn, "deadline_reminder", &email, &subject, &text).await
}

/// The automatic reminder: for every part closing within `days` days, each notified station
/// with an e-mail address that has forwarded nothing on the draft gets one reminder (once per
/// part, whichever server gets there first). Returns how many were queued.
pub async fn send_deadline_reminders(db: &Db, days: i64, base: &str) -> Result<usize, AppError> {
    if days <= 0 {
        return Ok(0);
    }
    let now = now_ms();
    let due: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "select p.id, p.draft_id, d.title, d.slug, p.closes_at from publication p \
         join draft d on d.id = p.draft_id where p.opens_at <= $1 and p.closes_at > $1 \
         and p.closes_at <= $2 and p.withdrawn_at is null",
    )
    .bind(now)
    .bind(now + days * 86_400_000)
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for (pub_id, draft_id, title, slug, _) in due {
        let p: Publication = sqlx::query_as(
            "select id, part_label, article_uids, opens_at, closes_at from publication where id = $1",
        )
        .bind(pub_id)
        .fetch_one(&db.pool)
        .await?;
        let silent: Vec<(i64, String)> = sqlx::query_as(
            "select s.id, s.name from notice n join station s on s.id = n.station_id \
             where n.publication_id = $1 and s.active = 1 and s.email <> '' \
             and not exists (select 1 from station_batch b where b.station_id = s.id and b.draft_id = $2) \
             and not exists (select 1 from station_reminder r where r.publication_id = $1 \
             and r.station_id = s.id and r.kind = 'auto') order by s.id",
        )
        .bind(pub_id)
        .bind(draft_id)
        .fetch_all(&db.pool)
        .await?;
        if silent.is_empty() {
            continue;
        }
        let mut tx = db.begin().await?;
        for (station, name) in silent {
            let claimed = sqlx::query(
                "insert into station_reminder (publication_id, station_id, kind, sent_at) \
                 values ($1, $2, 'auto', $3) on conflict do nothing",
            )
            .bind(pub_id)
            .bind(station)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 1 {
                queue_reminder(&mut tx, &p, &title, &slug, station, &name, base).await?;
                queued += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// The committee's digest of the day `day` (China time), to each address in `to`; once per day
/// per deployment. Returns whether this call queued it.
pub async fn send_digest(db: &Db, day: &str, to: &[String], base: &str) -> Result<bool, AppError> {
    if to.is_empty() {
        return Ok(false);
    }
    let start = crate::draft::time::parse_local(day)
        .ok_or_else(|| AppError::BadRequest(format!("bad day {day:?}")))?;
    let end = start + 86_400_000;
    let drafts: Vec<(i64, String)> = sqlx::query_as(
        "select d.id, d.title from draft d where exists (select 1 from publication p \
         where p.draft_id = d.id and p.opens_at < $2 and p.closes_at > $1 \
         and p.withdrawn_at is null) order by d.id",
    )
    .bind(start)
    .bind(end)
    .fetch_all(&db.pool)
    .await?;
    let mut lines = Vec::new();
    for (id, title) in drafts {
        let counts: (i64, i64, i64) = sqlx::query_as(
            "select coalesce(sum(case when channel = 'online' and created_at >= $2 and created_at < $3 then 1 else 0 end), 0), \
             coalesce(sum(case when channel = 'station' and created_at >= $2 and created_at < $3 then 1 else 0 end), 0), \
             coalesce(sum(case when status in ('received', 'reviewing') then 1 else 0 end), 0) \
             from comment where draft_id = $1",
        )
        .bind(id)
        .bind(start)
        .bind(end)
        .fetch_one(&db.pool)
        .await?;
        let batches: i64 = sqlx::query_scalar(
            "select count(*) from station_batch where draft_id = $1 and forwarded_at >= $2 and forwarded_at < $3",
        )
        .bind(id)
        .bind(start)
        .bind(end)
        .fetch_one(&db.pool)
        .await?;
        let silent: i64 = sqlx::query_scalar(
            "select count(distinct n.station_id) from notice n join publication p on p.id = n.publication_id \
             where p.draft_id = $1 and p.closes_at > $2 and p.withdrawn_at is null \
             and not exists (select 1 from station_batch b \
             where b.station_id = n.station_id and b.draft_id = $1)",
        )
        .bind(id)
        .bind(start)
        .fetch_one(&db.pool)
        .await?;
        lines.push(crate::outbox::templates::DigestLine {
            draft_title: title,
            online: counts.0,
            station: counts.1,
            batches,
            awaiting_review: counts.2,
            silent_stations: silent,
        });
    }
    let (subject, text) = crate::outbox::templates::daily_digest(day, &lines, base);
    let mut tx = db.begin().await?;
    let claimed = sqlx::query(
        "insert into job_run (name, period, done_at) values ('digest', $1, $2) on conflict do nothing",
    )
    .bind(day)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    for address in to {
        crate::outbox::ssr::enqueue(&mut tx, "daily_digest", address, &subject, &text).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// When and to whom the background jobs write (see `yijian serve --help`).
#[derive(Clone, Debug)]
pub struct JobConfig {
    pub reminder_days: i64,
    pub digest_to: Vec<String>,
    /// Hour of the day (China time) from which yesterday's digest is sent.
    pub digest_hour: i64,
    pub base: String,
}

/// Runs the deadline reminders and the daily digest every few minutes.
pub async fn run(db: Db, config: JobConfig) {
    loop {
        if let Err(e) = send_deadline_reminders(&db, config.reminder_days, &config.base).await {
            tracing::warn!(error = %e, "deadline reminders failed");
        }
        let now = now_ms();
        let hour = ((now + 8 * 3_600_000).rem_euclid(86_400_000)) / 3_600_000;
        if hour >= config.digest_hour {
            let yesterday = format_day(now - 86_400_000);
            match send_digest(&db, &yesterday, &config.digest_to, &config.base).await {
                Ok(true) => tracing::info!(day = %yesterday, "daily digest queued"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "daily digest failed"),
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(300)).await;
    }
}

/// The report as a workbook: every station, then the roll-ups.
pub fn xlsx(cov: &Coverage) -> Result<Vec<u8>, AppError> {
    use crate::sheet::{Cell, Sheet};
    let cols = |names: &[(&str, f64)]| names.iter().map(|(n, w)| (n.to_string(), *w)).collect();
    let stations = Sheet {
        name: "联系点".into(),
        columns: cols(&[
            ("联系点", 28.0),
            ("层级", 10.0),
            ("所属县市", 14.0),
            ("状态", 14.0),
            ("已通知", 8.0),
            ("已确认", 8.0),
            ("报送批次", 10.0),
            ("意见条数", 10.0),
            ("代表人数", 10.0),
            ("提醒次数", 10.0),
        ]),
        rows: cov
            .lines
            .iter()
            .map(|l| {
                let f = &l.facts;
                vec![
                    Cell::from(format!("{}{}", "  ".repeat(l.depth), f.name)),
                    crate::station::level_label(f.level).into(),
                    l.county.clone().into(),
                    l.status.label().into(),
                    if f.notified { "是" } else { "否" }.into(),
                    if f.confirmed { "是" } else { "否" }.into(),
                    f.batches.into(),
                    f.opinions.into(),
                    f.residents.into(),
                    f.reminders.into(),
                ]
            })
            .collect(),
    };
    let rollup_sheet = |name: &str, first: &str, rows: Vec<&super::Rollup>| Sheet {
        name: name.into(),
        columns: cols(&[
            (first, 16.0),
            ("联系点数", 10.0),
            ("已通知", 10.0),
            ("已确认", 10.0),
            ("已报送", 10.0),
            ("批次", 10.0),
            ("意见条数", 10.0),
            ("代表人数", 10.0),
        ]),
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    Cell::from(r.label.clone()),
                    r.stations.into(),
                    r.notified.into(),
                    r.confirmed.into(),
                    r.forwarded.into(),
                    r.batches.into(),
                    r.opinions.into(),
                    r.residents.into(),
                ]
            })
            .collect(),
    };
    let mut levels: Vec<&super::Rollup> = cov.by_level.iter().collect();
    levels.push(&cov.total);
    crate::sheet::write_xlsx(&[
        stations,
        rollup_sheet("按层级", "层级", levels),
        rollup_sheet("按县市", "县市", cov.by_county.iter().collect()),
    ])
}
