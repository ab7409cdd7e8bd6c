//! Storage side of the workbench: loading an article's opinions, clustering them (keeping the
//! committee's edits), the edits themselves, dispositions and the audit trail.

use super::{
    disposition_label, ArticleList, ArticleRow, ArticleView, CampaignView, ClusterView, Member,
    AUTO_CLUSTER_MAX, DISPOSITIONS, MEMBERS_SHOWN,
};
use crate::cluster::algo::{analyse, describe, words_all, Params};
use crate::draft::time::{format_day, format_local};
use crate::error::AppError;
use crate::search::index::article_of;
use crate::ssr::{now_ms, AppState, Db};
use sqlx::Connection;
use std::collections::{BTreeMap, HashMap};

pub(crate) async fn draft_of(db: &Db, slug: &str) -> Result<(i64, String), AppError> {
    sqlx::query_as("select id, title from draft where slug = $1")
        .bind(slug)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(sqlx::FromRow, Clone)]
pub(crate) struct Row {
    pub id: i64,
    pub tracking: String,
    pub unit_uid: String,
    pub unit_label: String,
    pub version_number: i64,
    pub stance: String,
    pub reason: String,
    pub suggested: String,
    pub channel: String,
    pub station_id: Option<i64>,
    pub residents: i64,
    pub disposition: String,
    pub disposition_reason: String,
    pub created_at: i64,
    pub seq: i64,
}

impl Row {
    pub fn text(&self) -> String {
        if self.suggested.is_empty() {
            self.reason.clone()
        } else {
            format!("{}\n建议修改为：{}", self.reason, self.suggested)
        }
    }
}

pub(crate) const ROW_COLUMNS: &str =
    "c.id, c.tracking, c.unit_uid, c.unit_label, c.version_number, \
     c.stance, c.reason, c.suggested, c.channel, c.station_id, c.residents, c.disposition, \
     c.disposition_reason, c.created_at, c.seq";

/// Every opinion on the article (its paragraphs and items included, from every reading),
/// except those the moderators rejected, oldest first.
pub(crate) async fn article_rows(
    db: &Db,
    draft_id: i64,
    article: &str,
) -> Result<Vec<Row>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select {ROW_COLUMNS} from comment c where c.draft_id = $1 and c.status <> 'rejected' \
         and (c.unit_uid = $2 or c.unit_uid like $3) order by c.id"
    ))
    .bind(draft_id)
    .bind(article)
    .bind(format!("{article}-%"))
    .fetch_all(&db.pool)
    .await?)
}

/// Stations by id: (name, level, county name).
pub(crate) async fn stations(db: &Db) -> Result<HashMap<i64, (String, i64, String)>, AppError> {
    let rows: Vec<(i64, String, i64, Option<i64>)> =
        sqlx::query_as("select id, name, level, parent_id from station")
            .fetch_all(&db.pool)
            .await?;
    let by_id: HashMap<i64, (String, i64, Option<i64>)> = rows
        .iter()
        .map(|(id, n, l, p)| (*id, (n.clone(), *l, *p)))
        .collect();
    Ok(rows
        .iter()
        .map(|(id, name, level, _)| {
            let mut county = String::new();
            let mut cur = Some(*id);
            for _ in 0..8 {
                let Some(c) = cur else { break };
                let Some((n, l, p)) = by_id.get(&c) else {
                    break;
                };
                if *l == 2 {
                    county = n.clone();
                    break;
                }
                cur = *p;
            }
            (*id, (name.clone(), *level, county))
        })
        .collect())
}

pub async fn articles(state: &AppState, slug: &str) -> Result<ArticleList, AppError> {
    let (draft_id, title) = draft_of(&state.db, slug).await?;
    let d = state.intake.units(slug).await?;
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "select unit_uid, max(unit_label), count(*), \
         sum(case when disposition <> '' then 1 else 0 end) from comment \
         where draft_id = $1 and status <> 'rejected' group by unit_uid",
    )
    .bind(draft_id)
    .fetch_all(&state.db.pool)
    .await?;
    let clusters: Vec<(String, i64)> = sqlx::query_as(
        "select article_uid, count(*) from opinion_cluster where draft_id = $1 group by article_uid",
    )
    .bind(draft_id)
    .fetch_all(&state.db.pool)
    .await?;
    let clusters: HashMap<String, i64> = clusters.into_iter().collect();
    let assigned: Vec<(String, String)> = sqlx::query_as(
        "select s.article_uid, a.display_name from article_state s join account a on a.id = s.assigned_to \
         where s.draft_id = $1",
    )
    .bind(draft_id)
    .fetch_all(&state.db.pool)
    .await?;
    let assigned: HashMap<String, String> = assigned.into_iter().collect();
    let copies: Vec<(String, i64, i64)> = sqlx::query_as(
        "select k.article_uid, count(distinct m.campaign_of), \
         sum(case when m.campaign_of is not null and m.campaign_of <> m.comment_id then 1 else 0 end) \
         from cluster_member m join opinion_cluster k on k.id = m.cluster_id where k.draft_id = $1 \
         group by k.article_uid",
    )
    .bind(draft_id)
    .fetch_all(&state.db.pool)
    .await?;
    let copies: HashMap<String, (i64, i64)> =
        copies.into_iter().map(|(a, c, n)| (a, (c, n))).collect();
    let mut per: BTreeMap<String, (String, i64, i64)> = BTreeMap::new();
    for (uid, label, n, disposed) in rows {
        let article = article_of(&uid).to_string();
        let e = per.entry(article.clone()).or_insert_with(|| {
            let label = d
                .label(&article)
                .map(str::to_string)
                .unwrap_or_else(|| label.split('第').take(2).collect::<Vec<_>>().join("第"));
            (label, 0, 0)
        });
        e.1 += n;
        e.2 += disposed;
    }
    // In the order of the newest version; articles no longer in it last.
    let order: HashMap<String, usize> = d
        .ordered()
        .into_iter()
        .enumerate()
        .map(|(i, u)| (u.uid, i))
        .collect();
    let mut articles: Vec<ArticleRow> = per
        .into_iter()
        .map(|(uid, (label, received, disposed))| ArticleRow {
            clusters: clusters.get(&uid).copied().unwrap_or(0),
            unique: received - copies.get(&uid).map_or(0, |c| c.1),
            campaigns: copies.get(&uid).map_or(0, |c| c.0),
            assigned_to: assigned.get(&uid).cloned().unwrap_or_default(),
            uid,
            label,
            received,
            disposed,
        })
        .collect();
    articles.sort_by_key(|a| {
        (
            order.get(&a.uid).copied().unwrap_or(usize::MAX),
            a.uid.clone(),
        )
    });
    let published: Option<i64> =
        sqlx::query_scalar("select published_at from feedback_publication where draft_id = $1")
            .bind(draft_id)
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(ArticleList {
        slug: slug.into(),
        draft_title: title,
        articles,
        feedback_published: published.map(format_local),
    })
}

/// (existing cluster to reuse, unpinned members, keywords, representative).
type PlannedGroup = (Option<i64>, Vec<i64>, Vec<String>, Option<i64>);

/// A re-clustering computed from what was read at `version`; applied only if nothing changed
/// the article's clusters meanwhile.
pub struct Plan {
    draft_id: i64,
    article: String,
    version: i64,
    max_seq: i64,
    groups: Vec<PlannedGroup>,
    /// Pinned clusters' new descriptions: (cluster, keywords, representative).
    pinned: Vec<(i64, Vec<String>, Option<i64>)>,
    campaign_of: HashMap<i64, i64>,
}

async fn state_version(db: &Db, draft_id: i64, article: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "select version from article_state where draft_id = $1 and article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_optional(&db.pool)
    .await?
    .unwrap_or(0))
}

/// Clusters the article's opinions. Opinions a committee member placed stay where they are;
/// every other opinion follows the algorithm, and each new group takes over the existing
/// cluster most of its members were in (so names, dispositions and pins carry over).
pub async fn plan(db: &Db, draft_id: i64, article: &str) -> Result<Plan, AppError> {
    let version = state_version(db, draft_id, article).await?;
    let rows = article_rows(db, draft_id, article).await?;
    let texts: Vec<String> = rows.iter().map(Row::text).collect();
    // Word cutting and clustering are CPU work: off the async threads.
    let (analysis, words) = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        (analyse(&refs, &Params::default()), words_all(&refs))
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
    let mut claimed: Vec<i64> = Vec::new();
    let mut groups = Vec::new();
    let mut final_groups: Vec<Vec<usize>> = Vec::new();
    for c in &analysis.clusters {
        let free: Vec<usize> = c
            .members
            .iter()
            .copied()
            .filter(|&i| !was.get(&rows[i].id).is_some_and(|w| w.1))
            .collect();
        if free.is_empty() {
            continue;
        }
        let mut votes: BTreeMap<i64, usize> = BTreeMap::new();
        for &i in &free {
            if let Some((k, _)) = was.get(&rows[i].id) {
                *votes.entry(*k).or_default() += 1;
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
        groups.push((reuse, free.iter().map(|&i| rows[i].id).collect::<Vec<_>>()));
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
    let described = describe(&words, &all_groups);
    let rep = |d: &(Vec<String>, usize), g: &[usize]| (!g.is_empty()).then(|| rows[d.1].id);
    let planned: Vec<PlannedGroup> = groups
        .into_iter()
        .zip(&described)
        .zip(&all_groups)
        .map(|(((reuse, ids), d), g)| (reuse, ids, d.0.clone(), rep(d, g)))
        .collect();
    let pinned = lone_pinned
        .iter()
        .zip(described.iter().skip(planned.len()))
        .map(|((k, g), d)| (*k, d.0.clone(), rep(d, g)))
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
    })
}

fn edited_meanwhile() -> AppError {
    AppError::Conflict("聚类期间有人修改了本条的分组，为保留其修改，本次聚类未保存，请重试".into())
}

/// Bumps the article's version from `expected` (None: whatever it is). False if it was not
/// `expected`.
async fn bump(
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
async fn drop_empty_clusters(
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
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
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
    for (reuse, ids, keywords, rep) in &plan.groups {
        let id: i64 = match reuse {
            Some(k) => {
                sqlx::query(
                    "update opinion_cluster set keywords = $1, representative_id = $2, updated_at = $3 \
                     where id = $4",
                )
                .bind(keywords.join(" "))
                .bind(rep)
                .bind(now)
                .bind(k)
                .execute(&mut *tx)
                .await?;
                *k
            }
            None => sqlx::query_scalar(
                "insert into opinion_cluster (draft_id, article_uid, keywords, representative_id, \
                     created_at, updated_at) values ($1, $2, $3, $4, $5, $5) returning id",
            )
            .bind(plan.draft_id)
            .bind(&plan.article)
            .bind(keywords.join(" "))
            .bind(rep)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?,
        };
        for chunk in ids.chunks(200) {
            let mut sql = String::from(
                "insert into cluster_member (comment_id, cluster_id, pinned, campaign_of) values ",
            );
            let values: Vec<String> = chunk
                .iter()
                .map(|c| {
                    let camp = plan
                        .campaign_of
                        .get(c)
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "null".into());
                    format!("({c}, {id}, 0, {camp})")
                })
                .collect();
            sql.push_str(&values.join(","));
            // A comment filed under another article's cluster (its unit moved) comes here.
            sql.push_str(
                " on conflict (comment_id) do update set cluster_id = excluded.cluster_id, \
                 pinned = 0, campaign_of = excluded.campaign_of",
            );
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
    }
    for (k, keywords, rep) in &plan.pinned {
        sqlx::query(
            "update opinion_cluster set keywords = $1, representative_id = $2, updated_at = $3 where id = $4",
        )
        .bind(keywords.join(" "))
        .bind(rep)
        .bind(now)
        .bind(k)
        .execute(&mut *tx)
        .await?;
    }
    // Pinned members keep their place but follow the campaigns found now.
    sqlx::query(
        "update cluster_member set campaign_of = null where pinned = 1 and cluster_id in \
         (select id from opinion_cluster where draft_id = $1 and article_uid = $2)",
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
        if let Some(first) = plan.campaign_of.get(&c) {
            sqlx::query("update cluster_member set campaign_of = $1 where comment_id = $2")
                .bind(first)
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
pub async fn recluster(state: &AppState, slug: &str, article: &str) -> Result<usize, AppError> {
    let (draft_id, _) = draft_of(&state.db, slug).await?;
    let mut last = None;
    for _ in 0..3 {
        let p = plan(&state.db, draft_id, article).await?;
        match apply(&state.db, p).await {
            Err(AppError::Conflict(m)) => last = Some(AppError::Conflict(m)),
            other => return other,
        }
    }
    Err(last.unwrap_or_else(edited_meanwhile))
}

/// How many of an article's latest edits its page lists.
const HISTORY_SHOWN: i64 = 100;

/// The article's latest edits, newest first: (when, who, what), opinions named by their
/// tracking numbers.
async fn history(
    db: &Db,
    draft_id: i64,
    article: &str,
    committee: &[(i64, String)],
) -> Result<Vec<(String, String, String)>, AppError> {
    type Event = (i64, Option<String>, String, String, String, String, String);
    let events: Vec<Event> = sqlx::query_as(&format!(
        "select e.at, a.display_name, e.entity, e.entity_id, e.action, e.before, e.after \
         from audit_event e left join account a on a.id = e.account_id \
         where e.draft_id = $1 and e.article_uid = $2 order by e.id desc limit {HISTORY_SHOWN}"
    ))
    .bind(draft_id)
    .bind(article)
    .fetch_all(&db.pool)
    .await?;
    let ids: Vec<i64> = events
        .iter()
        .filter(|e| e.2 == "comment")
        .filter_map(|e| e.3.parse().ok())
        .collect();
    let mut tracking: HashMap<i64, String> = HashMap::new();
    if !ids.is_empty() {
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "select id, tracking from comment where id in ({})",
            list.join(",")
        ))
        .fetch_all(&db.pool)
        .await?;
        tracking.extend(rows);
    }
    let names: HashMap<i64, &str> = committee.iter().map(|(i, n)| (*i, n.as_str())).collect();
    Ok(events
        .into_iter()
        .map(|(at, who, entity, id, action, before, after)| {
            let subject = match entity.as_str() {
                "comment" => id
                    .parse()
                    .ok()
                    .and_then(|i: i64| tracking.get(&i).cloned())
                    .map(|t| format!("意见 {t}"))
                    .unwrap_or_else(|| format!("意见 #{id}")),
                "cluster" => format!("分组 #{id}"),
                _ => "本条".to_string(),
            };
            let what = describe_event(&subject, &action, &before, &after, &|a| {
                names.get(&a).map(|n| n.to_string())
            });
            (format_local(at), who.unwrap_or_default(), what)
        })
        .collect())
}

/// One audit event in words. `name` gives a member's name by account id.
fn describe_event(
    subject: &str,
    action: &str,
    before: &str,
    after: &str,
    name: &dyn Fn(i64) -> Option<String>,
) -> String {
    let member = |id: &str| match id.parse::<i64>() {
        Ok(0) | Err(_) => "未分配".to_string(),
        Ok(i) => name(i).unwrap_or_else(|| format!("账户 #{i}")),
    };
    let disposition = |json: &str| -> (String, String) {
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        (
            disposition_label(v["disposition"].as_str().unwrap_or(json)).to_string(),
            v["reason"].as_str().unwrap_or_default().to_string(),
        )
    };
    match action {
        "rename" => format!("{subject} 改名：“{before}” → “{after}”"),
        "merge" => format!("合并分组 {before}，并入分组 #{after}"),
        "move" => format!("{subject} 从分组 #{before} 移到分组 #{after}"),
        "assign" => format!("{subject}负责人：{} → {}", member(before), member(after)),
        "dispose" if before.is_empty() => {
            format!("{subject} 整组处理为：{}", disposition(after).0)
        }
        "dispose" => {
            let (old, _) = disposition(before);
            let (new, reason) = disposition(after);
            format!("{subject}：{old} → {new}（理由：{reason}）")
        }
        other => format!("{subject} {other}"),
    }
}

/// Whose edit it is, and the article whose trail it joins.
#[derive(Clone, Copy)]
struct Trail<'a> {
    by: i64,
    draft_id: i64,
    article: &'a str,
}

impl<'a> Trail<'a> {
    fn of(actor: Actor, draft_id: i64, article: &'a str) -> Self {
        Trail {
            by: actor.id,
            draft_id,
            article,
        }
    }
}

async fn audit(
    tx: &mut sqlx::AnyConnection,
    trail: Trail<'_>,
    entity: &str,
    id: impl ToString,
    action: &str,
    before: &str,
    after: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into audit_event (at, account_id, draft_id, article_uid, entity, entity_id, action, \
         before, after) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms())
    .bind(trail.by)
    .bind(trail.draft_id)
    .bind(trail.article)
    .bind(entity)
    .bind(id.to_string())
    .bind(action)
    .bind(before)
    .bind(after)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Who edits on the workbench: a committee member or an administrator.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub id: i64,
    pub admin: bool,
}

impl Actor {
    pub fn of(user: &crate::auth::SessionUser) -> Actor {
        Actor {
            id: user.id,
            admin: user.role == crate::auth::Role::Admin,
        }
    }

    /// While an article or cluster is assigned, only its assignees (the cluster's or the
    /// article's) and administrators act on it; unassigned work is open to every member.
    pub fn may(&self, owners: &[Option<i64>]) -> bool {
        let owners: Vec<i64> = owners.iter().flatten().copied().collect();
        self.admin || owners.is_empty() || owners.contains(&self.id)
    }
}

/// Refuses, naming the assignees, when `actor` may not act on the article (and cluster).
async fn may_act(
    tx: &mut sqlx::AnyConnection,
    actor: Actor,
    draft_id: i64,
    article: &str,
    cluster: Option<i64>,
) -> Result<(), AppError> {
    if actor.admin {
        return Ok(());
    }
    let on_article: Option<(i64, String)> = sqlx::query_as(
        "select a.id, a.display_name from article_state s join account a on a.id = s.assigned_to \
         where s.draft_id = $1 and s.article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_optional(&mut *tx)
    .await?;
    let on_cluster: Option<(i64, String)> = match cluster {
        Some(k) => {
            sqlx::query_as(
                "select a.id, a.display_name from opinion_cluster k join account a on a.id = k.assigned_to \
                 where k.id = $1",
            )
            .bind(k)
            .fetch_optional(&mut *tx)
            .await?
        }
        None => None,
    };
    if actor.may(&[
        on_article.as_ref().map(|o| o.0),
        on_cluster.as_ref().map(|o| o.0),
    ]) {
        return Ok(());
    }
    let whom = match (&on_cluster, &on_article) {
        (Some(c), _) => format!("本组意见已分配给{}", c.1),
        (None, Some(a)) => format!("本条已分配给{}", a.1),
        (None, None) => String::new(),
    };
    Err(AppError::Refused(format!(
        "{whom}，只有负责人或管理员可以处理；如需接手，请先由负责人或管理员改派"
    )))
}

/// Keeps a cluster's members where they are when the article is clustered again (the committee
/// named, merged or assigned it), and marks the article edited.
async fn pin_members(
    tx: &mut sqlx::AnyConnection,
    cluster: i64,
    draft_id: i64,
    article: &str,
) -> Result<(), AppError> {
    sqlx::query("update cluster_member set pinned = 1 where cluster_id = $1")
        .bind(cluster)
        .execute(&mut *tx)
        .await?;
    bump(tx, draft_id, article, None, None).await?;
    Ok(())
}

/// (draft id, slug, article) of a cluster.
async fn cluster_home(
    tx: &mut sqlx::AnyConnection,
    cluster: i64,
) -> Result<(i64, String, String), AppError> {
    sqlx::query_as(
        "select k.draft_id, d.slug, k.article_uid from opinion_cluster k join draft d on d.id = k.draft_id \
         where k.id = $1",
    )
    .bind(cluster)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)
}

pub async fn rename(
    db: &Db,
    actor: Actor,
    cluster: i64,
    label: &str,
) -> Result<(String, String), AppError> {
    let label = crate::comment::ssr::normalize(label);
    if label.chars().count() > 100 {
        return Err(AppError::validation("label", "分组名称不能超过 100 字"));
    }
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (draft_id, slug, article) = cluster_home(&mut tx, cluster).await?;
    may_act(&mut tx, actor, draft_id, &article, Some(cluster)).await?;
    let before: String = sqlx::query_scalar("select label from opinion_cluster where id = $1")
        .bind(cluster)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("update opinion_cluster set label = $1, pinned = 1, updated_at = $2 where id = $3")
        .bind(&label)
        .bind(now_ms())
        .bind(cluster)
        .execute(&mut *tx)
        .await?;
    // Its members stay with the name, whatever the algorithm finds next time.
    pin_members(&mut tx, cluster, draft_id, &article).await?;
    audit(
        &mut tx,
        Trail::of(actor, draft_id, &article),
        "cluster",
        cluster,
        "rename",
        &before,
        &label,
    )
    .await?;
    tx.commit().await?;
    Ok((slug, article))
}

pub async fn merge(
    db: &Db,
    actor: Actor,
    clusters: &[i64],
) -> Result<(String, String, i64), AppError> {
    let mut ids: Vec<i64> = Vec::new();
    for &k in clusters {
        if !ids.contains(&k) {
            ids.push(k);
        }
    }
    if ids.len() < 2 {
        return Err(AppError::validation("clusters", "请至少选择两个分组再合并"));
    }
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let into = ids[0];
    let (draft_id, slug, article) = cluster_home(&mut tx, into).await?;
    for &k in &ids[1..] {
        let (d, _, a) = cluster_home(&mut tx, k).await?;
        if d != draft_id || a != article {
            return Err(AppError::Conflict(
                "只能合并同一条文下的分组；所选分组属于不同条文，未合并".into(),
            ));
        }
    }
    for &k in &ids {
        may_act(&mut tx, actor, draft_id, &article, Some(k)).await?;
    }
    for &k in &ids[1..] {
        sqlx::query("update cluster_member set cluster_id = $1, pinned = 1 where cluster_id = $2")
            .bind(into)
            .bind(k)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from opinion_cluster where id = $1")
            .bind(k)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("update opinion_cluster set pinned = 1, updated_at = $1 where id = $2")
        .bind(now_ms())
        .bind(into)
        .execute(&mut *tx)
        .await?;
    pin_members(&mut tx, into, draft_id, &article).await?;
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    audit(
        &mut tx,
        Trail::of(actor, draft_id, &article),
        "cluster",
        into,
        "merge",
        &list.join(","),
        &into.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok((slug, article, into))
}

/// Moves opinions to cluster `to` of the same article, or (0) into a new cluster.
pub async fn move_to(
    db: &Db,
    actor: Actor,
    ids: &[i64],
    to: i64,
) -> Result<(String, String, i64), AppError> {
    if ids.is_empty() {
        return Err(AppError::validation("ids", "请先选择要移动的意见"));
    }
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let mut home: Option<(i64, String, String)> = None;
    let mut from = Vec::new();
    for id in ids {
        let k: Option<i64> =
            sqlx::query_scalar("select cluster_id from cluster_member where comment_id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let k =
            k.ok_or_else(|| AppError::validation("ids", format!("意见 {id} 尚未分组，请先聚类")))?;
        let h = cluster_home(&mut tx, k).await?;
        match &home {
            Some(first) if first.0 != h.0 || first.2 != h.2 => {
                return Err(AppError::Conflict("所选意见属于不同条文，未移动".into()))
            }
            _ => home = Some(h),
        }
        from.push(k);
    }
    let (draft_id, slug, article) = home.ok_or(AppError::Internal)?;
    for &k in &from {
        may_act(&mut tx, actor, draft_id, &article, Some(k)).await?;
    }
    let now = now_ms();
    let target = if to == 0 {
        sqlx::query_scalar(
            "insert into opinion_cluster (draft_id, article_uid, pinned, created_at, updated_at) \
             values ($1, $2, 1, $3, $3) returning id",
        )
        .bind(draft_id)
        .bind(&article)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
    } else {
        let h = cluster_home(&mut tx, to).await?;
        if h.0 != draft_id || h.2 != article {
            return Err(AppError::Conflict("只能移到同一条文下的分组".into()));
        }
        may_act(&mut tx, actor, draft_id, &article, Some(to)).await?;
        to
    };
    for (id, k) in ids.iter().zip(&from) {
        sqlx::query("update cluster_member set cluster_id = $1, pinned = 1 where comment_id = $2")
            .bind(target)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            Trail::of(actor, draft_id, &article),
            "comment",
            id,
            "move",
            &k.to_string(),
            &target.to_string(),
        )
        .await?;
    }
    drop_empty_clusters(&mut tx, draft_id, &article).await?;
    bump(&mut tx, draft_id, &article, None, None).await?;
    tx.commit().await?;
    Ok((slug, article, target))
}

pub enum Target {
    Opinions(Vec<i64>),
    Cluster(i64),
}

/// Records a disposition with its reason on opinions (each in the audit trail with what it was
/// before). Returns (slug, article, opinions changed).
pub async fn dispose(
    state: &AppState,
    actor: Actor,
    target: Target,
    disposition: &str,
    reason: &str,
    units: &[String],
) -> Result<(String, String, usize), AppError> {
    if !DISPOSITIONS.iter().any(|(v, _)| *v == disposition) {
        return Err(AppError::validation(
            "disposition",
            "请选择处理意见：采纳、部分采纳、未采纳、已有规定或不属于本法规调整范围",
        ));
    }
    let reason = crate::comment::ssr::normalize(reason);
    if reason.is_empty() {
        return Err(AppError::validation("reason", "请填写处理理由"));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::validation("reason", "理由不能超过 2000 字"));
    }
    let mut conn = state.db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (ids, home, cluster) = match target {
        Target::Cluster(k) => {
            let home = cluster_home(&mut tx, k).await?;
            let ids: Vec<i64> =
                sqlx::query_scalar("select comment_id from cluster_member where cluster_id = $1")
                    .bind(k)
                    .fetch_all(&mut *tx)
                    .await?;
            (ids, home, Some(k))
        }
        Target::Opinions(ids) => {
            if ids.is_empty() {
                return Err(AppError::validation("ids", "请先选择意见"));
            }
            let first: Option<(i64, String, String)> = sqlx::query_as(
                "select c.draft_id, d.slug, c.unit_uid from comment c join draft d on d.id = c.draft_id \
                 where c.id = $1",
            )
            .bind(ids[0])
            .fetch_optional(&mut *tx)
            .await?;
            let (d, slug, uid) = first.ok_or(AppError::NotFound)?;
            (ids, (d, slug, article_of(&uid).to_string()), None)
        }
    };
    let (draft_id, slug, article) = home;
    match cluster {
        Some(k) => may_act(&mut tx, actor, draft_id, &article, Some(k)).await?,
        None => {
            let mut seen = Vec::new();
            for id in &ids {
                let k: Option<i64> = sqlx::query_scalar(
                    "select cluster_id from cluster_member where comment_id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if !seen.contains(&k) {
                    seen.push(k);
                    may_act(&mut tx, actor, draft_id, &article, k).await?;
                }
            }
        }
    }
    // Units linked must be units of this article in the newest version.
    let du = state.intake.units(&slug).await?;
    let allowed: Vec<String> = du
        .ordered()
        .into_iter()
        .map(|u| u.uid)
        .filter(|u| article_of(u) == article)
        .collect();
    if let Some(bad) = units.iter().find(|u| !allowed.contains(u)) {
        return Err(AppError::validation(
            "units",
            format!("“{bad}”不是本条在最新稿中的条款"),
        ));
    }
    let units_json = if units.is_empty() {
        String::new()
    } else {
        serde_json::to_string(units).map_err(|_| AppError::Internal)?
    };
    let now = now_ms();
    let mut changed = 0;
    for id in &ids {
        let before: Option<(i64, String, String, String)> = sqlx::query_as(
            "select draft_id, unit_uid, disposition, disposition_reason from comment where id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (d, uid, old, old_reason) = before.ok_or(AppError::NotFound)?;
        if d != draft_id || article_of(&uid) != article {
            return Err(AppError::Conflict("所选意见属于不同条文，未处理".into()));
        }
        sqlx::query(
            "update comment set disposition = $1, disposition_reason = $2, disposition_units = $3, \
             disposed_by = $4, disposed_at = $5 where id = $6",
        )
        .bind(disposition)
        .bind(&reason)
        .bind(&units_json)
        .bind(actor.id)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            Trail::of(actor, draft_id, &article),
            "comment",
            id,
            "dispose",
            &serde_json::json!({ "disposition": old, "reason": old_reason }).to_string(),
            &serde_json::json!({ "disposition": disposition, "reason": reason, "units": units })
                .to_string(),
        )
        .await?;
        changed += 1;
    }
    if let Some(k) = cluster {
        sqlx::query(
            "update opinion_cluster set disposition = $1, disposition_reason = $2, updated_at = $3 \
             where id = $4",
        )
        .bind(disposition)
        .bind(&reason)
        .bind(now)
        .bind(k)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            Trail::of(actor, draft_id, &article),
            "cluster",
            k,
            "dispose",
            "",
            disposition,
        )
        .await?;
    }
    tx.commit().await?;
    state.search.poke();
    Ok((slug, article, changed))
}

/// The member to assign to (`0`: nobody), who must be an active committee member.
async fn assignee(db: &Db, account: i64) -> Result<Option<i64>, AppError> {
    if account == 0 {
        return Ok(None);
    }
    let role: Option<String> =
        sqlx::query_scalar("select role from account where id = $1 and active = 1")
            .bind(account)
            .fetch_optional(&db.pool)
            .await?;
    if !matches!(role.as_deref(), Some("committee" | "admin")) {
        return Err(AppError::validation("account", "只能分配给起草委员会成员"));
    }
    Ok(Some(account))
}

/// Assigns an article to a member. Reassigning work someone else holds is for that member or an
/// administrator.
pub async fn assign(
    state: &AppState,
    actor: Actor,
    slug: &str,
    article: &str,
    account: i64,
) -> Result<(), AppError> {
    let db = &state.db;
    let (draft_id, _) = draft_of(db, slug).await?;
    if state.intake.units(slug).await?.label(article).is_none() {
        return Err(AppError::NotFound);
    }
    let who = assignee(db, account).await?;
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    may_act(&mut tx, actor, draft_id, article, None).await?;
    sqlx::query(
        "insert into article_state (draft_id, article_uid, version) values ($1, $2, 0) on conflict do nothing",
    )
    .bind(draft_id)
    .bind(article)
    .execute(&mut *tx)
    .await?;
    let before: Option<i64> = sqlx::query_scalar(
        "select assigned_to from article_state where draft_id = $1 and article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "update article_state set assigned_to = $1 where draft_id = $2 and article_uid = $3",
    )
    .bind(who)
    .bind(draft_id)
    .bind(article)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        Trail::of(actor, draft_id, article),
        "article",
        format!("{slug}#{article}"),
        "assign",
        &before.unwrap_or(0).to_string(),
        &account.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns a cluster to a member. The cluster is pinned, so re-clustering keeps it (and the
/// assignment) whole.
pub async fn assign_cluster(
    db: &Db,
    actor: Actor,
    cluster: i64,
    account: i64,
) -> Result<(String, String), AppError> {
    let who = assignee(db, account).await?;
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (draft_id, slug, article) = cluster_home(&mut tx, cluster).await?;
    may_act(&mut tx, actor, draft_id, &article, Some(cluster)).await?;
    let before: Option<i64> =
        sqlx::query_scalar("select assigned_to from opinion_cluster where id = $1")
            .bind(cluster)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "update opinion_cluster set assigned_to = $1, pinned = 1, updated_at = $2 where id = $3",
    )
    .bind(who)
    .bind(now_ms())
    .bind(cluster)
    .execute(&mut *tx)
    .await?;
    pin_members(&mut tx, cluster, draft_id, &article).await?;
    audit(
        &mut tx,
        Trail::of(actor, draft_id, &article),
        "cluster",
        cluster,
        "assign",
        &before.unwrap_or(0).to_string(),
        &account.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok((slug, article))
}

fn count_by(items: impl Iterator<Item = String>) -> Vec<(String, i64)> {
    let mut m: BTreeMap<String, i64> = BTreeMap::new();
    for i in items {
        *m.entry(i).or_default() += 1;
    }
    let mut v: Vec<(String, i64)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// The article's page. With `cluster_first`, opinions that arrived since the last clustering
/// are clustered first (up to [`AUTO_CLUSTER_MAX`] opinions).
pub async fn view(
    state: &AppState,
    slug: &str,
    article: &str,
    cluster_first: bool,
) -> Result<ArticleView, AppError> {
    let db = &state.db;
    let (draft_id, title) = draft_of(db, slug).await?;
    let mut rows = article_rows(db, draft_id, article).await?;
    if cluster_first && cluster_if_stale(state, slug, draft_id, article, &rows).await? {
        rows = article_rows(db, draft_id, article).await?;
    }
    let stations = stations(db).await?;
    let d = state.intake.units(slug).await?;
    let units: Vec<(String, String)> = d
        .ordered()
        .into_iter()
        .filter(|u| article_of(&u.uid) == article)
        .map(|u| (u.uid, u.label))
        .collect();
    let label = d
        .label(article)
        .map(str::to_string)
        .or_else(|| rows.first().map(|r| r.unit_label.clone()))
        .ok_or(AppError::NotFound)?;
    let text = d
        .ordered()
        .into_iter()
        .find(|u| u.uid == article)
        .map(|u| u.text)
        .unwrap_or_default();
    let membership: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "select m.comment_id, m.cluster_id, m.pinned, m.campaign_of from cluster_member m \
         join opinion_cluster k on k.id = m.cluster_id where k.draft_id = $1 and k.article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_all(&db.pool)
    .await?;
    let membership: HashMap<i64, (i64, bool, Option<i64>)> = membership
        .into_iter()
        .map(|(c, k, p, camp)| (c, (k, p != 0, camp)))
        .collect();
    let station_name = |r: &Row| {
        r.station_id
            .and_then(|s| stations.get(&s))
            .map(|s| s.0.clone())
            .unwrap_or_default()
    };
    // Campaigns: groups of copies (by their first comment).
    let mut campaigns: BTreeMap<i64, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        if let Some((_, _, Some(first))) = membership.get(&r.id) {
            campaigns.entry(*first).or_default().push(r);
        }
    }
    let copies_of =
        |id: i64| -> i64 { campaigns.get(&id).map(|g| g.len() as i64 - 1).unwrap_or(0) };
    let is_copy = |r: &Row| matches!(membership.get(&r.id), Some((_, _, Some(f))) if *f != r.id);
    let unique = rows.iter().filter(|r| !is_copy(r)).count() as i64;
    let by_id: HashMap<i64, &Row> = rows.iter().map(|r| (r.id, r)).collect();
    type ClusterRow = (
        i64,
        String,
        String,
        Option<i64>,
        i64,
        String,
        String,
        Option<i64>,
        Option<String>,
    );
    let cluster_rows: Vec<ClusterRow> = sqlx::query_as(
        "select k.id, k.label, k.keywords, k.representative_id, k.pinned, k.disposition, \
         k.disposition_reason, k.assigned_to, a.display_name from opinion_cluster k \
         left join account a on a.id = k.assigned_to where k.draft_id = $1 and k.article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_all(&db.pool)
    .await?;
    let mut clusters: Vec<ClusterView> = cluster_rows
        .into_iter()
        .map(
            |(
                id,
                label,
                keywords,
                rep,
                pinned,
                disposition,
                disposition_reason,
                assigned_id,
                assigned_name,
            )| {
                let in_it: Vec<&Row> = rows
                    .iter()
                    .filter(|r| membership.get(&r.id).is_some_and(|m| m.0 == id))
                    .collect();
                let mut stations_in: Vec<String> = in_it
                    .iter()
                    .map(|r| station_name(r))
                    .filter(|s| !s.is_empty())
                    .collect();
                stations_in.sort();
                stations_in.dedup();
                let stance = |s: &str| in_it.iter().filter(|r| r.stance == s).count() as i64;
                ClusterView {
                    id,
                    label,
                    keywords: keywords.split_whitespace().map(String::from).collect(),
                    received: in_it.len() as i64,
                    unique: in_it.iter().filter(|r| !is_copy(r)).count() as i64,
                    stances: (stance("support"), stance("oppose"), stance("amend")),
                    stations: stations_in,
                    representative: rep
                        .and_then(|r| by_id.get(&r))
                        .map(|r| r.text())
                        .unwrap_or_default(),
                    disposition,
                    disposition_reason,
                    pinned: pinned != 0,
                    assigned_id,
                    assigned_to: assigned_name.unwrap_or_default(),
                    locked: false,
                    members: in_it
                        .iter()
                        .filter(|r| !is_copy(r))
                        .take(MEMBERS_SHOWN)
                        .map(|r| Member {
                            id: r.id,
                            tracking: r.tracking.clone(),
                            unit_label: r.unit_label.clone(),
                            version: r.version_number,
                            stance: r.stance.clone(),
                            text: r.text(),
                            channel: r.channel.clone(),
                            station: station_name(r),
                            residents: r.residents,
                            disposition: r.disposition.clone(),
                            disposition_reason: r.disposition_reason.clone(),
                            copies: copies_of(r.id),
                            pinned: membership.get(&r.id).is_some_and(|m| m.1),
                        })
                        .collect(),
                }
            },
        )
        .collect();
    clusters.sort_by(|a, b| b.received.cmp(&a.received).then(a.id.cmp(&b.id)));
    let campaign_list: Vec<CampaignView> = campaigns
        .iter()
        .map(|(first, g)| CampaignView {
            first_id: *first,
            copies: g.len() as i64,
            text: by_id.get(first).map(|r| r.text()).unwrap_or_default(),
            sources: count_by(g.iter().map(|r| {
                let s = station_name(r);
                if s.is_empty() {
                    "网上".to_string()
                } else {
                    s
                }
            })),
        })
        .collect();
    let level_name = |r: &Row| {
        r.station_id
            .and_then(|s| stations.get(&s))
            .map(|s| crate::station::level_label(s.1).to_string())
            .unwrap_or_else(|| "网上".into())
    };
    let assigned: Option<(i64, String)> = sqlx::query_as(
        "select a.id, a.display_name from article_state s join account a on a.id = s.assigned_to \
         where s.draft_id = $1 and s.article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_optional(&db.pool)
    .await?;
    let committee: Vec<(i64, String)> = sqlx::query_as(
        "select id, display_name from account where role in ('committee', 'admin') and active = 1 order by id",
    )
    .fetch_all(&db.pool)
    .await?;
    let clustered: i64 = membership.len() as i64;
    let history = history(db, draft_id, article, &committee).await?;
    Ok(ArticleView {
        slug: slug.into(),
        draft_title: title,
        article_uid: article.into(),
        label,
        text,
        received: rows.len() as i64,
        unique,
        campaigns: campaigns.len() as i64,
        by_stance: count_by(rows.iter().map(|r| {
            crate::comment::Stance::parse(&r.stance)
                .map(|s| s.label().to_string())
                .unwrap_or_default()
        })),
        by_channel: count_by(rows.iter().map(|r| {
            if r.channel == "station" {
                "联系点"
            } else {
                "网上"
            }
            .to_string()
        })),
        by_level: count_by(rows.iter().map(level_name)),
        by_county: count_by(
            rows.iter()
                .filter_map(|r| r.station_id.and_then(|s| stations.get(&s)))
                .map(|s| {
                    if s.2.is_empty() {
                        s.0.clone()
                    } else {
                        s.2.clone()
                    }
                }),
        ),
        timeline: count_by(rows.iter().map(|r| format_day(r.created_at)))
            .into_iter()
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect(),
        clusters,
        campaign_list,
        unclustered: (rows.len() as i64 - clustered).max(0),
        units,
        assigned_id: assigned.as_ref().map(|a| a.0),
        assigned_to: assigned.map(|a| a.1).unwrap_or_default(),
        locked: false,
        committee,
        history,
    })
}

/// Clusters the article again when opinions arrived (or left) since its last clustering, up to
/// [`AUTO_CLUSTER_MAX`] opinions. True when it did.
async fn cluster_if_stale(
    state: &AppState,
    slug: &str,
    draft_id: i64,
    article: &str,
    rows: &[Row],
) -> Result<bool, AppError> {
    let db = &state.db;
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
    let stale = rows.len() as i64 != members || rows.iter().any(|r| r.seq > clustered_seq);
    if !stale || rows.is_empty() || rows.len() as i64 > AUTO_CLUSTER_MAX {
        return Ok(false);
    }
    match recluster(state, slug, article).await {
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

#[cfg(test)]
mod tests {
    use super::describe_event;

    #[test]
    fn audit_events_read_as_sentences() {
        let name = |i: i64| (i == 7).then(|| "张委员".to_string());
        assert_eq!(
            describe_event("本条", "assign", "0", "7", &name),
            "本条负责人：未分配 → 张委员"
        );
        assert_eq!(
            describe_event(
                "意见 YJ-1",
                "dispose",
                r#"{"disposition":"","reason":""}"#,
                r#"{"disposition":"partly","reason":"已修改","units":[]}"#,
                &name
            ),
            "意见 YJ-1：未处理 → 部分采纳（理由：已修改）"
        );
        assert_eq!(
            describe_event("分组 #3", "dispose", "", "rejected", &name),
            "分组 #3 整组处理为：未采纳"
        );
        assert_eq!(
            describe_event("分组 #3", "rename", "", "室温", &name),
            "分组 #3 改名：“” → “室温”"
        );
    }
}
