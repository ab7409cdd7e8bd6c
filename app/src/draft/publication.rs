//! Publishing parts of a draft for comment, and changing one's mind: every publication is
//! planned first ([`plan`]: every check, and what it will do — the part, its window, how many
//! stations are notified and mailed), shown to the committee, and made only once confirmed;
//! a scheduled publication can be withdrawn before it opens and any window rescheduled, the
//! notified stations told each time.

use super::{NodeKind, PublishPreview, Window};
use crate::error::AppError;
use crate::ssr::{now_ms, Db};

/// What to publish: a chapter by number, or articles by number ranges (`3-8,12`).
#[derive(Clone, Debug, Default)]
pub struct PartSpec {
    pub chapter: Option<u32>,
    pub articles: Option<String>,
    /// Also release the version's whole text for reading when the part opens (only the part
    /// takes comments).
    pub whole_text: bool,
    /// The stations notified.
    pub recipients: Recipients,
}

/// Which stations a publication notifies: every active one by default, or only those of the
/// given levels (1 州 … 4 村社区) and/or within one county-level station's area.
#[derive(Clone, Debug, Default)]
pub struct Recipients {
    pub levels: Vec<i64>,
    pub county: Option<String>,
}

impl Recipients {
    /// `(with-clause, condition on station)`; the county name, if any, is bound as `$n`.
    fn sql(&self, n: usize) -> Result<(String, String), AppError> {
        let mut cond = String::from("active = 1");
        if !self.levels.is_empty() {
            if self.levels.iter().any(|l| !(1..=4).contains(l)) {
                return Err(AppError::validation("levels", "层级应为 1 到 4"));
            }
            let list: Vec<String> = self.levels.iter().map(|l| l.to_string()).collect();
            cond.push_str(&format!(" and level in ({})", list.join(",")));
        }
        let mut with = String::new();
        if self.county.is_some() {
            // The county-level station and everything under it.
            with = format!(
                "with recursive area(id) as (select id from station where level = 2 and name = ${n} \
                 union all select s.id from station s join area a on s.parent_id = a.id) "
            );
            cond.push_str(" and id in (select id from area)");
        }
        Ok((with, cond))
    }
}

fn parse_ranges(spec: &str) -> Option<Vec<(u32, u32)>> {
    spec.split([',', '，', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(['-', '－', '—', '至']) {
            Some((a, b)) => {
                let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                (a <= b).then_some((a, b))
            }
            None => p.parse().ok().map(|n| (n, n)),
        })
        .collect()
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| {
        tracing::error!(error = %e, "publication data does not serialise");
        AppError::Internal
    })
}

/// The comment windows of a draft's publications (withdrawn ones left out), oldest first.
pub async fn windows(db: &Db, draft_id: i64) -> Result<Vec<Window>, AppError> {
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "select id, part_label, article_uids, opens_at, closes_at from publication \
         where draft_id = $1 and withdrawn_at is null order by opens_at, id",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    let now = now_ms();
    Ok(rows
        .into_iter()
        .map(|(id, part_label, uids, opens_at, closes_at)| Window {
            id,
            part_label,
            article_uids: serde_json::from_str(&uids).unwrap_or_default(),
            opens_at,
            closes_at,
            state: Window::state_at(opens_at, closes_at, now),
        })
        .collect())
}

/// A checked publication, ready to be made.
pub struct Plan {
    pub preview: PublishPreview,
    draft_id: i64,
    version: i64,
    title: String,
    uids: Vec<String>,
    recipients: Recipients,
    opens: i64,
    closes: i64,
    whole_text: bool,
}

fn parse_window(opens_at: &str, closes_at: &str) -> Result<(i64, i64), AppError> {
    let opens = super::time::parse_local(opens_at).ok_or_else(|| {
        AppError::validation("opens_at", "开始时间格式不正确（例如 2026-12-01T09:00）")
    })?;
    let closes = super::time::parse_local(closes_at).ok_or_else(|| {
        AppError::validation("closes_at", "截止时间格式不正确（例如 2026-12-31T18:00）")
    })?;
    if closes <= opens {
        return Err(AppError::validation(
            "closes_at",
            "截止时间必须晚于开始时间",
        ));
    }
    if closes <= now_ms() {
        return Err(AppError::validation("closes_at", "截止时间已经过去"));
    }
    Ok((opens, closes))
}

/// Refuses a window on `uids` that overlaps another live window on one of them (`except`: the
/// publication being rescheduled), naming it. Run it again inside the writing transaction after
/// [`lock_draft`]: two servers (or two tabs) publishing the same part at once must not both pass.
async fn check_overlap(
    conn: &mut sqlx::AnyConnection,
    draft_id: i64,
    uids: &[String],
    opens: i64,
    closes: i64,
    except: Option<i64>,
) -> Result<(), AppError> {
    let current: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "select id, part_label, article_uids, opens_at, closes_at from publication \
         where draft_id = $1 and withdrawn_at is null and closes_at > $2 and opens_at < $3",
    )
    .bind(draft_id)
    .bind(opens)
    .bind(closes)
    .fetch_all(&mut *conn)
    .await?;
    for (id, label, existing, o, c) in current {
        if Some(id) == except {
            continue;
        }
        let existing: Vec<String> = serde_json::from_str(&existing).unwrap_or_default();
        if existing.iter().any(|u| uids.contains(u)) {
            return Err(AppError::Conflict(format!(
                "所选条文已在“{label}”的征求意见期内（{} 至 {}），时间重叠。如需调整，请改期或撤回原发布。",
                super::time::format_local(o),
                super::time::format_local(c)
            )));
        }
    }
    Ok(())
}

/// Serialises the writers of one draft's publications: the row lock (PostgreSQL) is held to
/// the end of the transaction, so the overlap check that follows sees every publication
/// committed before it. SQLite's writers are serialised by `BEGIN IMMEDIATE` already.
async fn lock_draft(conn: &mut sqlx::AnyConnection, draft_id: i64) -> Result<(), AppError> {
    sqlx::query("update draft set updated_at = updated_at where id = $1")
        .bind(draft_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Checks a publication of a part of the newest version and says what it will do. Nothing is
/// stored.
pub async fn plan(
    db: &Db,
    slug: &str,
    part: &PartSpec,
    opens_at: &str,
    closes_at: &str,
) -> Result<Plan, AppError> {
    let (opens, closes) = parse_window(opens_at, closes_at)?;
    let v = super::ssr::version(db, slug, None).await?;
    let (label, uids, labels): (String, Vec<String>, Vec<String>) =
        match (part.chapter, part.articles.as_deref()) {
            (Some(ch), None) => {
                let chapter = v
                    .tree
                    .nodes
                    .iter()
                    .find(|n| n.kind == NodeKind::Zhang && n.number == Some(ch))
                    .ok_or_else(|| AppError::validation("chapter", format!("本稿没有第{ch}章")))?;
                let (mut uids, mut labels) = (Vec::new(), Vec::new());
                chapter.walk(&mut |n| {
                    if n.kind == NodeKind::Tiao {
                        uids.push(n.uid.clone());
                        labels.push(n.label.clone());
                    }
                });
                (format!("{} {}", chapter.label, chapter.title), uids, labels)
            }
            (None, Some(spec)) => {
                let ranges = parse_ranges(spec).ok_or_else(|| {
                    AppError::validation("articles", "条文范围格式不正确（例如 3-8,12）")
                })?;
                let arts = v.tree.articles();
                let (mut uids, mut labels) = (Vec::new(), Vec::new());
                for (a, b) in &ranges {
                    for n in *a..=*b {
                        let art = arts
                            .iter()
                            .find(|x| x.number == Some(n) && x.sub.is_none())
                            .ok_or_else(|| {
                                AppError::validation("articles", format!("本稿没有第{n}条"))
                            })?;
                        uids.push(art.uid.clone());
                        labels.push(art.label.clone());
                    }
                }
                (format!("第{}条", spec.trim()), uids, labels)
            }
            _ => {
                return Err(AppError::validation(
                    "chapter",
                    "请选择一章，或填写条文范围（二者选一）",
                ))
            }
        };
    if uids.is_empty() {
        return Err(AppError::validation("chapter", "所选部分没有条文"));
    }
    let draft_id = super::gate::draft_id(db, slug).await?;
    let mut conn = db.pool.acquire().await?;
    check_overlap(&mut conn, draft_id, &uids, opens, closes, None).await?;
    drop(conn);
    let county = part
        .recipients
        .county
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from);
    let recipients = Recipients {
        levels: part.recipients.levels.clone(),
        county: county.clone(),
    };
    if let Some(c) = &county {
        let known: Option<i64> =
            sqlx::query_scalar("select id from station where level = 2 and name = $1")
                .bind(c)
                .fetch_optional(&db.pool)
                .await?;
        if known.is_none() {
            return Err(AppError::validation(
                "county",
                format!("没有名为“{c}”的县市联系点"),
            ));
        }
    }
    let (with, cond) = recipients.sql(1)?;
    let sql = format!(
        "{with}select count(*), coalesce(sum(case when email <> '' then 1 else 0 end), 0) \
         from station where {cond}"
    );
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
    if let Some(c) = &county {
        q = q.bind(c);
    }
    let (notified, mailed) = q.fetch_one(&db.pool).await?;
    if notified == 0 {
        return Err(AppError::validation("levels", "所选范围内没有启用的联系点"));
    }
    Ok(Plan {
        preview: PublishPreview {
            draft_title: v.title.clone(),
            version_label: v.label.clone(),
            part_label: label,
            articles: uids.len(),
            first_article: labels.first().cloned().unwrap_or_default(),
            last_article: labels.last().cloned().unwrap_or_default(),
            opens_at: super::time::format_local(opens),
            closes_at: super::time::format_local(closes),
            opens_now: opens <= now_ms(),
            whole_text: part.whole_text,
            stations_notified: notified,
            stations_mailed: mailed,
        },
        draft_id,
        version: v.number,
        title: v.title,
        uids,
        recipients,
        opens,
        closes,
        whole_text: part.whole_text,
    })
}

/// Publishes a part of the newest version: [`plan`]s it, then stores the publication, a notice
/// to every chosen station and their e-mails, all or nothing.
pub async fn publish(
    db: &Db,
    slug: &str,
    part: PartSpec,
    opens_at: &str,
    closes_at: &str,
    by: Option<i64>,
    public_base: &str,
) -> Result<(), AppError> {
    let p = plan(db, slug, &part, opens_at, closes_at).await?;
    let now = now_ms();
    let county = p.recipients.county.clone();
    let mut tx = db.begin().await?;
    lock_draft(&mut tx, p.draft_id).await?;
    check_overlap(&mut tx, p.draft_id, &p.uids, p.opens, p.closes, None).await?;
    let publication_id: i64 = sqlx::query_scalar(
        "insert into publication (draft_id, version_number, part_label, article_uids, opens_at, \
         closes_at, created_by, created_at, whole_text) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         returning id",
    )
    .bind(p.draft_id)
    .bind(p.version)
    .bind(&p.preview.part_label)
    .bind(to_json(&p.uids)?)
    .bind(p.opens)
    .bind(p.closes)
    .bind(by)
    .bind(now)
    .bind(i64::from(p.whole_text))
    .fetch_one(&mut *tx)
    .await?;
    // The draft is named by its published text from now on.
    sqlx::query("update draft set title = $1, updated_at = $2 where id = $3")
        .bind(&p.title)
        .bind(now)
        .bind(p.draft_id)
        .execute(&mut *tx)
        .await?;
    let (with, cond) = p.recipients.sql(3)?;
    let sql = format!(
        "{with}insert into notice (publication_id, station_id, created_at) \
         select $1, id, $2 from station where {cond}"
    );
    let mut q = sqlx::query(&sql).bind(publication_id).bind(now);
    if let Some(c) = &county {
        q = q.bind(c);
    }
    q.execute(&mut *tx).await?;
    let (subject, text) = crate::outbox::templates::publication_notice(
        &p.title,
        &p.preview.part_label,
        &p.preview.opens_at,
        &p.preview.closes_at,
        public_base,
        slug,
    );
    let html = crate::outbox::templates::html_of(&text);
    let (with, cond) = p.recipients.sql(5)?;
    let sql = format!(
        "{with}insert into outbox (kind, recipient, subject, body_text, body_html, next_attempt_at, \
         created_at) select 'publication_notice', email, $1, $2, $4, $3, $3 from station \
         where {cond} and email <> ''"
    );
    let mut q = sqlx::query(&sql)
        .bind(subject)
        .bind(text)
        .bind(now)
        .bind(html);
    if let Some(c) = &county {
        q = q.bind(c);
    }
    q.execute(&mut *tx).await?;
    tx.commit().await?;
    super::ssr::drafts_changed();
    Ok(())
}

/// A live publication of draft `slug`: (draft id, part label, opens, closes, article uids).
async fn live(
    db: &Db,
    slug: &str,
    id: i64,
) -> Result<(i64, String, i64, i64, Vec<String>), AppError> {
    let row: Option<(i64, String, i64, i64, String)> = sqlx::query_as(
        "select p.draft_id, p.part_label, p.opens_at, p.closes_at, p.article_uids \
         from publication p join draft d on d.id = p.draft_id \
         where d.slug = $1 and p.id = $2 and p.withdrawn_at is null",
    )
    .bind(slug)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let (draft_id, label, o, c, uids) = row.ok_or(AppError::NotFound)?;
    Ok((
        draft_id,
        label,
        o,
        c,
        serde_json::from_str(&uids).unwrap_or_default(),
    ))
}

/// Tells every station notified of publication `id` (with an address) what changed, in the
/// caller's transaction.
async fn tell_stations(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    kind: &str,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
    let html = crate::outbox::templates::html_of(text);
    sqlx::query(
        "insert into outbox (kind, recipient, subject, body_text, body_html, next_attempt_at, \
         created_at) select $1, s.email, $2, $3, $4, $5, $5 from notice n \
         join station s on s.id = n.station_id where n.publication_id = $6 and s.email <> ''",
    )
    .bind(kind)
    .bind(subject)
    .bind(text)
    .bind(html)
    .bind(now_ms())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Withdraws a publication that has not opened yet: it releases nothing and takes no comments;
/// the stations it notified are told. One that has opened can only be rescheduled (closed
/// early), so no comment already made loses its window.
pub async fn withdraw(db: &Db, slug: &str, id: i64) -> Result<String, AppError> {
    let (_, label, opens, closes, _) = live(db, slug, id).await?;
    if opens <= now_ms() {
        return Err(AppError::Conflict(format!(
            "“{label}”已于 {} 开始征求意见，不能撤回；可以改期，提前截止。",
            super::time::format_local(opens)
        )));
    }
    let title: String = sqlx::query_scalar("select title from draft where slug = $1")
        .bind(slug)
        .fetch_one(&db.pool)
        .await?;
    let (subject, text) = crate::outbox::templates::publication_withdrawn(
        &title,
        &label,
        &super::time::format_local(opens),
        &super::time::format_local(closes),
    );
    let mut tx = db.begin().await?;
    sqlx::query("update publication set withdrawn_at = $1 where id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tell_stations(&mut tx, id, "publication_withdrawn", &subject, &text).await?;
    tx.commit().await?;
    super::ssr::drafts_changed();
    Ok(label)
}

/// Moves a publication's window. Before it opens both ends may move; once open, only the
/// deadline (a window cannot be reopened later, or started again). Overlaps are refused like
/// for a new publication; the notified stations are told what changed.
pub async fn reschedule(
    db: &Db,
    slug: &str,
    id: i64,
    opens_at: &str,
    closes_at: &str,
    base: &str,
) -> Result<String, AppError> {
    let (draft_id, label, old_opens, old_closes, uids) = live(db, slug, id).await?;
    let (opens, closes) = parse_window(opens_at, closes_at)?;
    let now = now_ms();
    if old_opens <= now && opens != old_opens {
        return Err(AppError::validation(
            "opens_at",
            format!(
                "“{label}”已于 {} 开始征求意见，开始时间不能再改；可以改截止时间",
                super::time::format_local(old_opens)
            ),
        ));
    }
    {
        let mut conn = db.pool.acquire().await?;
        check_overlap(&mut conn, draft_id, &uids, opens, closes, Some(id)).await?;
    }
    let title: String = sqlx::query_scalar("select title from draft where slug = $1")
        .bind(slug)
        .fetch_one(&db.pool)
        .await?;
    let (subject, text) = crate::outbox::templates::publication_rescheduled(
        &title,
        &label,
        (
            &super::time::format_local(old_opens),
            &super::time::format_local(old_closes),
        ),
        (
            &super::time::format_local(opens),
            &super::time::format_local(closes),
        ),
        base,
        slug,
    );
    let mut tx = db.begin().await?;
    lock_draft(&mut tx, draft_id).await?;
    check_overlap(&mut tx, draft_id, &uids, opens, closes, Some(id)).await?;
    sqlx::query("update publication set opens_at = $1, closes_at = $2 where id = $3")
        .bind(opens)
        .bind(closes)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tell_stations(&mut tx, id, "publication_rescheduled", &subject, &text).await?;
    tx.commit().await?;
    super::ssr::drafts_changed();
    Ok(label)
}
