//! The article's page: counts by stance, channel, level and county, the timeline, the
//! clusters with their members, campaigns, assignments and the trail.

use super::super::{ArticleView, CampaignView, ClusterView, Member, MEMBERS_SHOWN};
use super::*;
use crate::draft::time::format_day;
use crate::error::AppError;
use crate::search::index::article_of;
use crate::ssr::AppState;
use std::collections::{BTreeMap, HashMap};

pub(super) fn count_by(items: impl Iterator<Item = String>) -> Vec<(String, i64)> {
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
    let membership: Vec<(i64, i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "select m.comment_id, m.cluster_id, m.pinned, m.campaign_of, m.unique_point \
         from cluster_member m join opinion_cluster k on k.id = m.cluster_id \
         where k.draft_id = $1 and k.article_uid = $2",
    )
    .bind(draft_id)
    .bind(article)
    .fetch_all(&db.pool)
    .await?;
    let unique_points: std::collections::HashSet<i64> = membership
        .iter()
        .filter(|m| m.4 != 0)
        .map(|m| m.0)
        .collect();
    let membership: HashMap<i64, (i64, bool, Option<i64>)> = membership
        .into_iter()
        .map(|(c, k, p, camp, _)| (c, (k, p != 0, camp)))
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
        "select k.id, k.label, k.summary, k.keywords, k.kind, k.representative_id, k.pinned, \
         k.disposition, k.disposition_reason, k.assigned_to, a.display_name from opinion_cluster k \
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
                summary,
                keywords,
                kind,
                rep,
                pinned,
                disposition,
                disposition_reason,
                assigned_id,
                assigned_name,
            )| {
                let mut in_it: Vec<&Row> = rows
                    .iter()
                    .filter(|r| membership.get(&r.id).is_some_and(|m| m.0 == id))
                    .collect();
                // 独特意见 first: a minority point is not buried under the rest.
                in_it.sort_by_key(|r| !unique_points.contains(&r.id));
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
                    summary,
                    keywords: keywords.split_whitespace().map(String::from).collect(),
                    other: kind == "other",
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
                            unique: unique_points.contains(&r.id),
                            pinned: membership.get(&r.id).is_some_and(|m| m.1),
                        })
                        .collect(),
                }
            },
        )
        .collect();
    // Biggest first; 其他意见 last.
    clusters.sort_by(|a, b| {
        a.other
            .cmp(&b.other)
            .then(b.received.cmp(&a.received))
            .then(a.id.cmp(&b.id))
    });
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
