//! Building the feedback report and publishing it.

use super::{FeedbackArticle, FeedbackGroup, FeedbackReport};
use crate::draft::gate::article_of;
use crate::draft::time::format_local;
use crate::error::AppError;
use crate::ssr::{now_ms, AppState};
use crate::workbench::disposition_label;
use crate::workbench::ssr::{draft_of, Row, ROW_COLUMNS};
use std::collections::{BTreeMap, HashMap};

fn most_common<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut m: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items.filter(|s| !s.is_empty()) {
        *m.entry(i).or_default() += 1;
    }
    m.into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|x| x.0.to_string())
        .unwrap_or_default()
}

/// Who a report is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readers {
    /// The public 意见采纳情况说明: opinions made public by moderation only, draft text only as
    /// far as the publication gate releases it; empty until published unless `preview` (the
    /// committee checking what the public will see).
    Public { preview: bool },
    /// The committee's 意见汇编: every opinion not rejected, every version's text.
    Committee,
}

/// The report for `readers`.
pub async fn report(
    state: &AppState,
    slug: &str,
    readers: Readers,
) -> Result<FeedbackReport, AppError> {
    let staff = readers == Readers::Committee;
    let db = &state.db;
    let (draft_id, title) = draft_of(db, slug).await?;
    let published: Option<i64> =
        sqlx::query_scalar("select published_at from feedback_publication where draft_id = $1")
            .bind(draft_id)
            .fetch_optional(&db.pool)
            .await?;
    let mut out = FeedbackReport {
        slug: slug.into(),
        draft_title: title,
        published_at: published.map(format_local),
        ..Default::default()
    };
    if published.is_none() && readers == (Readers::Public { preview: false }) {
        return Ok(out);
    }
    if staff {
        // The committee's preview and compilation group every opinion, as the workbench would.
        crate::workbench::ssr::cluster_stale(state, slug).await?;
    }
    // The first and the newest text the readers may see, as far as they may see them.
    let audience = if staff {
        crate::draft::gate::Audience::Staff
    } else {
        crate::draft::gate::Audience::Public
    };
    let newest = crate::draft::gate::readable(db, slug, None, audience).await?;
    let first = match newest.versions.first() {
        Some((n, _)) if *n != newest.number => {
            crate::draft::gate::readable(db, slug, Some(*n), audience).await?
        }
        _ => newest.clone(),
    };
    out.versions = (first.label.clone(), newest.label.clone());
    let (first_texts, last_texts) = (
        crate::draft::ssr::article_texts(&first.tree),
        crate::draft::ssr::article_texts(&newest.tree),
    );
    let stations = crate::workbench::ssr::stations(db).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "select {ROW_COLUMNS} from comment c where c.draft_id = $1 and {} order by c.id",
        if staff {
            "c.status <> 'rejected'"
        } else {
            "c.status = 'published'"
        }
    ))
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    let members: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "select m.comment_id, m.cluster_id, m.campaign_of from cluster_member m \
         join opinion_cluster k on k.id = m.cluster_id where k.draft_id = $1",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    let member: HashMap<i64, (i64, Option<i64>)> =
        members.into_iter().map(|(c, k, f)| (c, (k, f))).collect();
    type ClusterRow = (i64, String, String, String, String, String, String);
    let clusters: Vec<ClusterRow> = sqlx::query_as(
        "select id, label, summary, keywords, kind, disposition, disposition_reason \
         from opinion_cluster where draft_id = $1",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    // 其他意见 (and opinions not yet grouped) are one entry per article.
    let others: std::collections::HashSet<i64> = clusters
        .iter()
        .filter(|c| c.4 == "other")
        .map(|c| c.0)
        .collect();
    let cluster: HashMap<i64, ClusterRow> = clusters.into_iter().map(|c| (c.0, c)).collect();
    let d = state.intake.units(slug).await?;
    let order: HashMap<String, usize> = d
        .ordered()
        .into_iter()
        .enumerate()
        .map(|(i, u)| (u.uid, i))
        .collect();
    let mut by_article: BTreeMap<(usize, String), Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        let a = article_of(&r.unit_uid).to_string();
        by_article
            .entry((order.get(&a).copied().unwrap_or(usize::MAX), a))
            .or_default()
            .push(r);
    }
    let is_copy = |r: &Row| matches!(member.get(&r.id), Some((_, Some(f))) if *f != r.id);
    for ((_, uid), rs) in by_article {
        let label = d
            .label(&uid)
            .map(str::to_string)
            .unwrap_or_else(|| rs[0].unit_label.clone());
        let mut groups: BTreeMap<Option<i64>, Vec<&Row>> = BTreeMap::new();
        let mut other_cluster = None;
        for r in &rs {
            let k = member.get(&r.id).map(|m| m.0);
            let k = match k {
                Some(k) if others.contains(&k) => {
                    other_cluster = Some(k);
                    None
                }
                k => k,
            };
            groups.entry(k).or_default().push(r);
        }
        let mut gs: Vec<FeedbackGroup> = groups
            .into_iter()
            .map(|(k, g)| {
                let (summary, keywords, disposition, reason) =
                    match k.or(other_cluster).and_then(|k| cluster.get(&k)) {
                        // Public: whatever a name or keyword carries, contacts are masked.
                        Some((_, l, summary, kw, _, d, r)) if k.is_some() => (
                            crate::comment::screen::mask(&crate::workbench::cluster_name(
                                l,
                                summary,
                                &kw.split_whitespace().map(String::from).collect::<Vec<_>>(),
                            )),
                            crate::comment::screen::mask(&kw.replace(' ', "、")),
                            d.clone(),
                            r.clone(),
                        ),
                        Some((.., d, r)) => (
                            crate::workbench::OTHERS.to_string(),
                            String::new(),
                            d.clone(),
                            r.clone(),
                        ),
                        None => (
                            crate::workbench::OTHERS.to_string(),
                            String::new(),
                            String::new(),
                            String::new(),
                        ),
                    };
                let disposition = if disposition.is_empty() {
                    most_common(g.iter().map(|r| r.disposition.as_str()))
                } else {
                    disposition
                };
                let reason = if reason.is_empty() {
                    most_common(g.iter().map(|r| r.disposition_reason.as_str()))
                } else {
                    reason
                };
                let stance = |s: &str| g.iter().filter(|r| r.stance == s).count() as i64;
                let online = g.iter().filter(|r| r.station_id.is_none()).count();
                let mut from: BTreeMap<&str, usize> = BTreeMap::new();
                for r in &g {
                    if let Some(s) = r.station_id.and_then(|s| stations.get(&s)) {
                        *from.entry(s.0.as_str()).or_default() += 1;
                    }
                }
                let mut sources = Vec::new();
                if online > 0 {
                    sources.push(format!("网上 {online}"));
                }
                sources.extend(from.iter().map(|(n, c)| format!("{n} {c}")));
                FeedbackGroup {
                    sources: sources.join("、"),
                    other: k.is_none(),
                    summary,
                    keywords,
                    received: g.len() as i64,
                    unique: g.iter().filter(|r| !is_copy(r)).count() as i64,
                    stances: (stance("support"), stance("oppose"), stance("amend")),
                    disposition: if disposition.is_empty() {
                        "尚未处理".into()
                    } else {
                        disposition_label(&disposition).into()
                    },
                    reason,
                }
            })
            .collect();
        // Biggest first; 其他意见 last.
        gs.sort_by_key(|g| (g.other, std::cmp::Reverse(g.received)));
        let mut by_disposition: BTreeMap<String, i64> = BTreeMap::new();
        for r in &rs {
            *by_disposition
                .entry(disposition_label(&r.disposition).to_string())
                .or_default() += 1;
        }
        let campaigns = rs
            .iter()
            .filter_map(|r| member.get(&r.id).and_then(|m| m.1))
            .collect::<std::collections::BTreeSet<_>>()
            .len() as i64;
        out.articles.push(FeedbackArticle {
            label,
            received: rs.len() as i64,
            unique: rs.iter().filter(|r| !is_copy(r)).count() as i64,
            campaigns,
            groups: gs,
            by_disposition: by_disposition.into_iter().collect(),
            original: first_texts.get(&uid).cloned().unwrap_or_default(),
            revised: last_texts.get(&uid).cloned().unwrap_or_default(),
            uid,
        });
    }
    Ok(out)
}

/// Comment → change traceability in a 对照表: each amended article lists the opinions whose
/// disposition names one of its units as changed because of them — once the committee has
/// published its feedback (before that, dispositions are not public).
pub async fn trace_changes(
    db: &crate::ssr::Db,
    slug: &str,
    c: &mut crate::draft::Comparison,
) -> Result<(), AppError> {
    let traced: Vec<(String, String, String)> = sqlx::query_as(
        "select c.tracking, c.disposition, c.disposition_units from comment c \
         join draft d on d.id = c.draft_id join feedback_publication f on f.draft_id = d.id \
         where d.slug = $1 and c.disposition_units <> '' and c.status = 'published' order by c.id",
    )
    .bind(slug)
    .fetch_all(&db.pool)
    .await?;
    let mut by_article: HashMap<String, Vec<String>> = HashMap::new();
    for (tracking, disposition, units) in traced {
        let units: Vec<String> = serde_json::from_str(&units).unwrap_or_default();
        let mut articles: Vec<&str> = units.iter().map(|u| article_of(u)).collect();
        articles.dedup();
        for a in articles {
            by_article
                .entry(a.to_string())
                .or_default()
                .push(format!("{tracking}（{}）", disposition_label(&disposition)));
        }
    }
    for r in &mut c.rows {
        if let Some(list) = by_article.get(&r.uid) {
            r.because = list.clone();
        }
    }
    Ok(())
}

/// What publishing the report would do (see [`super::PublishFeedbackPreview`]).
pub async fn publish_preview(
    db: &crate::ssr::Db,
    slug: &str,
) -> Result<super::PublishFeedbackPreview, AppError> {
    let (draft_id, title) = draft_of(db, slug).await?;
    let published: Option<i64> =
        sqlx::query_scalar("select published_at from feedback_publication where draft_id = $1")
            .bind(draft_id)
            .fetch_optional(&db.pool)
            .await?;
    let (opinions, handled): (i64, i64) = sqlx::query_as(
        "select count(*), coalesce(sum(case when disposition <> '' then 1 else 0 end), 0) \
         from comment where draft_id = $1 and status = 'published'",
    )
    .bind(draft_id)
    .fetch_one(&db.pool)
    .await?;
    let submitters: i64 = sqlx::query_scalar(
        "select count(distinct lower(contact)) from comment \
         where draft_id = $1 and contact like '%@%' and status <> 'rejected'",
    )
    .bind(draft_id)
    .fetch_one(&db.pool)
    .await?;
    let stations: i64 = sqlx::query_scalar(
        "select count(distinct s.email) from station_batch b join station s on s.id = b.station_id \
         where b.draft_id = $1 and s.email <> ''",
    )
    .bind(draft_id)
    .fetch_one(&db.pool)
    .await?;
    let first = published.is_none();
    Ok(super::PublishFeedbackPreview {
        slug: slug.into(),
        draft_title: title,
        published_before: published.map(format_local),
        opinions,
        handled,
        submitters_mailed: if first { submitters } else { 0 },
        stations_mailed: if first { stations } else { 0 },
    })
}

/// Publishes the report. The first time, each e-mail address that submitted opinions gets one
/// message listing its opinions and how each was handled, and each station that forwarded
/// batches gets one; all queued in the publishing transaction. Returns the messages queued.
pub async fn publish(state: &AppState, by: i64, slug: &str) -> Result<usize, AppError> {
    let db = &state.db;
    let (draft_id, title) = draft_of(db, slug).await?;
    // What is published groups every opinion received so far.
    crate::workbench::ssr::cluster_stale(state, slug).await?;
    let base = state.intake.public_base().to_string();
    let mut tx = db.begin().await?;
    let now = now_ms();
    let first = sqlx::query(
        "insert into feedback_publication (draft_id, published_at, published_by) values ($1, $2, $3) \
         on conflict do nothing",
    )
    .bind(draft_id)
    .bind(now)
    .bind(by)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !first {
        sqlx::query(
            "update feedback_publication set published_at = $1, published_by = $2 where draft_id = $3",
        )
        .bind(now)
        .bind(by)
        .bind(draft_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(0);
    }
    let link = format!("{base}/drafts/{slug}/feedback");
    let mut queued = 0;
    let citizens: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "select lower(contact), tracking, unit_label, disposition, disposition_reason from comment \
         where draft_id = $1 and contact like '%@%' and status <> 'rejected' order by lower(contact), id",
    )
    .bind(draft_id)
    .fetch_all(&mut *tx)
    .await?;
    for group in citizens.chunk_by(|a, b| a.0 == b.0) {
        let items: Vec<String> = group
            .iter()
            .map(|(_, t, u, d, r)| {
                if d.is_empty() {
                    format!("{t}（{u}）：尚未处理")
                } else if r.is_empty() {
                    format!("{t}（{u}）：{}", disposition_label(d))
                } else {
                    format!("{t}（{u}）：{}。理由：{r}", disposition_label(d))
                }
            })
            .collect();
        let (subject, text) =
            crate::outbox::templates::feedback_to_submitter(&title, &items, &link, &base);
        crate::outbox::ssr::enqueue(&mut tx, "feedback_citizen", &group[0].0, &subject, &text)
            .await?;
        queued += 1;
    }
    let stations: Vec<(String, String, String, i64)> = sqlx::query_as(
        "select s.email, s.name, b.receipt, b.opinions from station_batch b join station s on s.id = b.station_id \
         where b.draft_id = $1 and s.email <> '' order by s.id, b.id",
    )
    .bind(draft_id)
    .fetch_all(&mut *tx)
    .await?;
    for group in stations.chunk_by(|a, b| a.0 == b.0) {
        let batches: Vec<String> = group
            .iter()
            .map(|(_, _, receipt, n)| {
                format!("{receipt}（{n} 条）：{base}/station/batches/{receipt}")
            })
            .collect();
        let (subject, text) =
            crate::outbox::templates::feedback_to_station(&group[0].1, &title, &batches, &link);
        crate::outbox::ssr::enqueue(&mut tx, "feedback_station", &group[0].0, &subject, &text)
            .await?;
        queued += 1;
    }
    tx.commit().await?;
    Ok(queued)
}
