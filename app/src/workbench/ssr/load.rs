//! Loading: the draft, an article's opinions (every reading, paragraphs and items
//! included), stations with their county, and the draft's list of articles with counts.

use super::super::{ArticleList, ArticleRow};
use crate::draft::time::format_local;
use crate::error::AppError;
use crate::search::index::article_of;
use crate::ssr::{AppState, Db};
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
