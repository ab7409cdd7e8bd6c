//! Clustering an article's opinions while keeping the committee's edits: a plan computed
//! from what was read, applied only if nobody edited the article meanwhile; re-clustering stale
//! articles before reports.

use super::super::{AUTO_CLUSTER_MAX, OTHERS};
use super::*;
use crate::cluster::algo::{analyse, describe, point_words_all, Params, Side};
use crate::cluster::frame::core;
use crate::error::AppError;
use crate::search::index::article_of;
use crate::ssr::{now_ms, AppState, Db};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One group of a plan.
pub(super) struct PlannedGroup {
    /// The existing cluster it continues (None: a new one).
    reuse: Option<i64>,
    /// Its members that no committee member placed (comment ids).
    ids: Vec<i64>,
    keywords: Vec<String>,
    /// The point in the members' words (其他意见 for the others).
    summary: String,
    representative: Option<i64>,
    /// The article's opinions that fit no group.
    other: bool,
}

/// A re-clustering computed from what was read at `version`; applied only if nothing changed
/// the article's clusters meanwhile.
pub struct Plan {
    draft_id: i64,
    article: String,
    version: i64,
    max_seq: i64,
    groups: Vec<PlannedGroup>,
    /// Pinned clusters' new descriptions: (cluster, keywords, summary, representative).
    pinned: Vec<(i64, Vec<String>, String, Option<i64>)>,
    campaign_of: HashMap<i64, i64>,
    /// Opinions unlike any other and in no campaign (独特意见).
    unique: HashSet<i64>,
    /// The member who asked for it (None: the system, clustering new opinions): refused like
    /// any other edit when the article is assigned to someone else.
    by: Option<Actor>,
}

pub(super) async fn state_version(db: &Db, draft_id: i64, article: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "select version from article_state where draft_id = $1 and article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_optional(&db.pool)
    .await?
    .unwrap_or(0))
}

/// The side an opinion's stance takes in grouping: support and opposition are never grouped.
pub(crate) fn side_of(stance: &str) -> Side {
    match stance {
        "support" => Side::Support,
        "oppose" => Side::Oppose,
        _ => Side::Neutral,
    }
}

/// Clusters the article's opinions. Opinions a committee member placed stay where they are;
/// every other opinion follows the algorithm, and each new group takes over the existing
/// cluster most of its members were in (so names, dispositions and pins carry over). The
/// opinions that fit no group are one group, 其他意见, which continues the article's last one.
pub async fn plan(db: &Db, draft_id: i64, article: &str) -> Result<Plan, AppError> {
    let version = state_version(db, draft_id, article).await?;
    let rows = article_rows(db, draft_id, article).await?;
    let texts: Vec<String> = rows.iter().map(Row::text).collect();
    let sides: Vec<Side> = rows.iter().map(|r| side_of(&r.stance)).collect();
    // Word cutting and clustering are CPU work: off the async threads.
    let (analysis, words, texts) = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let cores: Vec<&str> = refs.iter().map(|t| core(t)).collect();
        let words = point_words_all(&cores);
        (analyse(&refs, &sides, &Params::default()), words, texts)
    })
    .await
    .map_err(|_| AppError::Internal)?;
    let members: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select m.comment_id, m.cluster_id, m.pinned from cluster_member m \
         join opinion_cluster k on k.id = m.cluster_id where k.draft_id = $1 and k.article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_all(&db.pool)
    .await?;
    let was: HashMap<i64, (i64, bool)> = members
        .into_iter()
        .map(|(c, k, p)| (c, (k, p != 0)))
        .collect();
    let kinds: Vec<(i64, String)> = sqlx::query_as(
        "select id, kind from opinion_cluster where draft_id = $1 and article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_all(&db.pool)
    .await?;
    let is_other: HashMap<i64, bool> = kinds
        .into_iter()
        .map(|(k, kind)| (k, kind == "other"))
        .collect();
    let mut found: Vec<(&[usize], bool)> = analysis
        .clusters
        .iter()
        .map(|c| (c.members.as_slice(), false))
        .collect();
    if !analysis.others.is_empty() {
        found.push((&analysis.others, true));
    }
    let mut claimed: Vec<i64> = Vec::new();
    let mut groups: Vec<(Option<i64>, Vec<i64>, bool)> = Vec::new();
    let mut final_groups: Vec<Vec<usize>> = Vec::new();
    for (members, other) in found {
        let free: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| !was.get(&rows[i].id).is_some_and(|w| w.1))
            .collect();
        if free.is_empty() {
            continue;
        }
        // A group continues a group, 其他意见 continues 其他意见.
        let mut votes: BTreeMap<i64, usize> = BTreeMap::new();
        for &i in &free {
            if let Some((k, _)) = was.get(&rows[i].id) {
                if is_other.get(k).copied().unwrap_or(false) == other {
                    *votes.entry(*k).or_default() += 1;
                }
            }
        }
        if other && votes.is_empty() {
            if let Some((&k, _)) = is_other.iter().filter(|(_, o)| **o).min_by_key(|x| x.0) {
                votes.insert(k, 0);
            }
        }
        let reuse = votes
            .into_iter()
            .filter(|(k, _)| !claimed.contains(k))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(k, _)| k);
        if let Some(k) = reuse {
            claimed.push(k);
        }
        groups.push((reuse, free.iter().map(|&i| rows[i].id).collect(), other));
        final_groups.push(free);
    }
    // Pinned members stay; their clusters are described from everyone now in them.
    let index_of: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut pinned_groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (cid, (k, pinned)) in &was {
        if *pinned {
            if let Some(&i) = index_of.get(cid) {
                pinned_groups.entry(*k).or_default().push(i);
            }
        }
    }
    for (k, extra) in &pinned_groups {
        if let Some(g) = groups.iter().position(|g| g.0 == Some(*k)) {
            final_groups[g].extend(extra);
        }
    }
    let lone_pinned: Vec<(i64, Vec<usize>)> = pinned_groups
        .into_iter()
        .filter(|(k, _)| !groups.iter().any(|g| g.0 == Some(*k)))
        .collect();
    let all_groups: Vec<Vec<usize>> = final_groups
        .iter()
        .cloned()
        .chain(lone_pinned.iter().map(|(_, g)| g.clone()))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let described = describe(&refs, &words, &all_groups);
    let rep = |d: &(Vec<String>, usize, String), g: &[usize]| (!g.is_empty()).then(|| rows[d.1].id);
    // 其他意见 is not one point: no keywords, no representative, its own name.
    let description = |other: bool, d: &(Vec<String>, usize, String), g: &[usize]| {
        if other {
            (Vec::new(), OTHERS.to_string(), None)
        } else {
            (d.0.clone(), d.2.clone(), rep(d, g))
        }
    };
    let planned: Vec<PlannedGroup> = groups
        .into_iter()
        .zip(&described)
        .zip(&all_groups)
        .map(|(((reuse, ids, other), d), g)| {
            let (keywords, summary, representative) = description(other, d, g);
            PlannedGroup {
                reuse,
                ids,
                keywords,
                summary,
                representative,
                other,
            }
        })
        .collect();
    let pinned = lone_pinned
        .iter()
        .zip(described.iter().skip(planned.len()))
        .map(|((k, g), d)| {
            let (keywords, summary, representative) =
                description(is_other.get(k).copied().unwrap_or(false), d, g);
            (*k, keywords, summary, representative)
        })
        .collect();
    let mut campaign_of = HashMap::new();
    for g in &analysis.campaigns {
        for &m in g {
            campaign_of.insert(rows[m].id, rows[g[0]].id);
        }
    }
    Ok(Plan {
        draft_id,
        article: article.to_string(),
        version,
        max_seq: rows.iter().map(|r| r.seq).max().unwrap_or(0),
        groups: planned,
        pinned,
        campaign_of,
        unique: analysis.unique.iter().map(|&i| rows[i].id).collect(),
        by: None,
    })
}

pub(super) fn edited_meanwhile() -> AppError {
    AppError::Conflict("聚类期间有人修改了本条的分组，为保留其修改，本次聚类未保存，请重试".into())
}

/// Bumps the article's version from `expected` (None: whatever it is). False if it was not
/// `expected`.
pub(super) async fn bump(
    tx: &mut sqlx::AnyConnection,
    draft_id: i64,
    article: &str,
    expected: Option<i64>,
    clustered: Option<i64>,
) -> Result<bool, AppError> {
    sqlx::query(
        "insert into article_state (draft_id, article_uid, version) values ($1, $2, 0) \
         on conflict do nothing",
    )
    .bind(draft_id)
    .bind(article)
    .execute(&mut *tx)
    .await?;
    let now = now_ms();
    let changed = match (expected, clustered) {
        (Some(v), Some(seq)) => sqlx::query(
            "update article_state set version = version + 1, clustered_at = $1, clustered_seq = $2 \
             where draft_id = $3 and article_uid = $4 and version = $5",
        )
        .bind(now)
        .bind(seq)
        .bind(draft_id)
        .bind(article)
        .bind(v),
        _ => sqlx::query(
            "update article_state set version = version + 1 where draft_id = $1 and article_uid = $2 \
             and version >= $3",
        )
        .bind(draft_id)
        .bind(article)
        .bind(expected.unwrap_or(0)),
    }
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Removes the article's clusters that no opinion is in any more.
pub(super) async fn drop_empty_clusters(
    tx: &mut sqlx::AnyConnection,
    draft_id: i64,
    article: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "delete from opinion_cluster where draft_id = $1 and article_uid = $2 and not exists \
         (select 1 from cluster_member m where m.cluster_id = opinion_cluster.id)",
    )
    .bind(draft_id)
    .bind(article)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Stores a plan; refused (and nothing changed) if the clusters were edited since it was read.
pub async fn apply(db: &Db, plan: Plan) -> Result<usize, AppError> {
    let mut tx = db.begin().await?;
    if let Some(actor) = plan.by {
        may_act(&mut tx, actor, plan.draft_id, &plan.article, None).await?;
    }
    if !bump(
        &mut tx,
        plan.draft_id,
        &plan.article,
        Some(plan.version),
        Some(plan.max_seq),
    )
    .await?
    {
        return Err(edited_meanwhile());
    }
    let now = now_ms();
    sqlx::query(
        "delete from cluster_member where pinned = 0 and cluster_id in \
         (select id from opinion_cluster where draft_id = $1 and article_uid = $2)",
    )
    .bind(plan.draft_id)
    .bind(&plan.article)
    .execute(&mut *tx)
    .await?;
    for g in &plan.groups {
        let kind = if g.other { "other" } else { "group" };
        let id: i64 = match g.reuse {
            Some(k) => {
                sqlx::query(
                    "update opinion_cluster set keywords = $1, summary = $2, representative_id = $3, \
                     kind = $4, updated_at = $5 where id = $6",
                )
                .bind(g.keywords.join(" "))
                .bind(&g.summary)
                .bind(g.representative)
                .bind(kind)
                .bind(now)
                .bind(k)
                .execute(&mut *tx)
                .await?;
                k
            }
            None => {
                sqlx::query_scalar(
                    "insert into opinion_cluster (draft_id, article_uid, keywords, summary, \
                     representative_id, kind, created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
                )
                .bind(plan.draft_id)
                .bind(&plan.article)
                .bind(g.keywords.join(" "))
                .bind(&g.summary)
                .bind(g.representative)
                .bind(kind)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        for chunk in g.ids.chunks(200) {
            let mut sql = String::from(
                "insert into cluster_member (comment_id, cluster_id, pinned, campaign_of, \
                 unique_point) values ",
            );
            let values: Vec<String> = chunk
                .iter()
                .map(|c| {
                    let camp = plan
                        .campaign_of
                        .get(c)
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "null".into());
                    let unique = i64::from(plan.unique.contains(c));
                    format!("({c}, {id}, 0, {camp}, {unique})")
                })
                .collect();
            sql.push_str(&values.join(","));
            // A comment filed under another article's cluster (its unit moved) comes here.
            sql.push_str(
                " on conflict (comment_id) do update set cluster_id = excluded.cluster_id, \
                 pinned = 0, campaign_of = excluded.campaign_of, unique_point = excluded.unique_point",
            );
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
    }
    for (k, keywords, summary, rep) in &plan.pinned {
        sqlx::query(
            "update opinion_cluster set keywords = $1, summary = $2, representative_id = $3, \
             updated_at = $4 where id = $5",
        )
        .bind(keywords.join(" "))
        .bind(summary)
        .bind(rep)
        .bind(now)
        .bind(k)
        .execute(&mut *tx)
        .await?;
    }
    // Pinned members keep their place but follow the campaigns (and 独特意见) found now.
    sqlx::query(
        "update cluster_member set campaign_of = null, unique_point = 0 where pinned = 1 and \
         cluster_id in (select id from opinion_cluster where draft_id = $1 and article_uid = $2)",
    )
    .bind(plan.draft_id)
    .bind(&plan.article)
    .execute(&mut *tx)
    .await?;
    let pinned_ids: Vec<i64> = sqlx::query_scalar(
        "select m.comment_id from cluster_member m join opinion_cluster k on k.id = m.cluster_id \
         where m.pinned = 1 and k.draft_id = $1 and k.article_uid = $2",
    )
    .bind(plan.draft_id)
    .bind(&plan.article)
    .fetch_all(&mut *tx)
    .await?;
    for c in pinned_ids {
        let first = plan.campaign_of.get(&c).copied();
        let unique = plan.unique.contains(&c);
        if first.is_some() || unique {
            sqlx::query(
                "update cluster_member set campaign_of = $1, unique_point = $2 where comment_id = $3",
            )
            .bind(first)
            .bind(i64::from(unique))
            .bind(c)
            .execute(&mut *tx)
            .await?;
        }
    }
    drop_empty_clusters(&mut tx, plan.draft_id, &plan.article).await?;
    tx.commit().await?;
    Ok(plan.groups.len() + plan.pinned.len())
}

/// Plans and applies, trying again when an edit came in between. Returns the clusters.
/// Asked for by a member (`by`), it is an edit of the article's groups: while the article is
/// assigned to someone else it is refused, naming the assignee, before anything is computed
/// and again when the result is stored.
pub async fn recluster(
    state: &AppState,
    slug: &str,
    article: &str,
    by: Option<Actor>,
) -> Result<usize, AppError> {
    let (draft_id, _) = draft_of(&state.db, slug).await?;
    if let Some(actor) = by {
        let mut conn = state.db.pool.acquire().await?;
        may_act(&mut conn, actor, draft_id, article, None).await?;
    }
    let mut last = None;
    for attempt in 0..3 {
        // Automatic clustering that lost the race to another server (or to a member's edit)
        // stops once the article is no longer stale: every server that saw it stale at the
        // same moment must not cluster it once more.
        if by.is_none() && attempt > 0 {
            let rows = article_rows(&state.db, draft_id, article).await?;
            if !needs_clustering(&state.db, draft_id, article, &rows).await? {
                return Ok(0);
            }
        }
        let mut p = plan(&state.db, draft_id, article).await?;
        p.by = by;
        match apply(&state.db, p).await {
            Err(AppError::Conflict(m)) => last = Some(AppError::Conflict(m)),
            other => return other,
        }
    }
    Err(last.unwrap_or_else(edited_meanwhile))
}

/// Whether opinions arrived at (or left) the article since its last clustering.
async fn needs_clustering(
    db: &Db,
    draft_id: i64,
    article: &str,
    rows: &[Row],
) -> Result<bool, AppError> {
    let clustered_seq: i64 = sqlx::query_scalar(
        "select clustered_seq from article_state where draft_id = $1 and article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_optional(&db.pool)
    .await?
    .unwrap_or(0);
    let members: i64 = sqlx::query_scalar(
        "select count(*) from cluster_member m join opinion_cluster k on k.id = m.cluster_id \
         where k.draft_id = $1 and k.article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_one(&db.pool)
    .await?;
    Ok(rows.len() as i64 != members || rows.iter().any(|r| r.seq > clustered_seq))
}

/// Clusters the article again when opinions arrived (or left) since its last clustering, up to
/// [`AUTO_CLUSTER_MAX`] opinions. True when it did.
pub(super) async fn cluster_if_stale(
    state: &AppState,
    slug: &str,
    draft_id: i64,
    article: &str,
    rows: &[Row],
) -> Result<bool, AppError> {
    let stale = needs_clustering(&state.db, draft_id, article, rows).await?;
    if !stale || rows.is_empty() || rows.len() as i64 > AUTO_CLUSTER_MAX {
        return Ok(false);
    }
    match recluster(state, slug, article, None).await {
        // Someone else's edit or clustering won: theirs stands.
        Ok(_) | Err(AppError::Conflict(_)) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Clusters every article of the draft whose opinions changed since its last clustering (as
/// opening each article would), so a report groups them all.
pub async fn cluster_stale(state: &AppState, slug: &str) -> Result<(), AppError> {
    let (draft_id, _) = draft_of(&state.db, slug).await?;
    let uids: Vec<String> = sqlx::query_scalar(
        "select distinct unit_uid from comment where draft_id = $1 and status <> 'rejected'",
    )
    .bind(draft_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut articles: Vec<&str> = uids.iter().map(|u| article_of(u)).collect();
    articles.sort();
    articles.dedup();
    for article in articles {
        let rows = article_rows(&state.db, draft_id, article).await?;
        cluster_if_stale(state, slug, draft_id, article, &rows).await?;
    }
    Ok(())
}
