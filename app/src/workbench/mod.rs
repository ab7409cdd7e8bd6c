//! The committee's workbench: every opinion on an article (all channels, all readings, through
//! the stable unit identities) with counts and a timeline; clusters of similar opinions and
//! copy-paste campaigns; the committee's edits of the clusters (rename, merge, split, move),
//! which re-clustering keeps; dispositions per opinion or per cluster with a reason and the
//! changed units of the next version; an audit trail of every change.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How an opinion was handled: stored value and label.
pub const DISPOSITIONS: [(&str, &str); 5] = [
    ("adopted", "采纳"),
    ("partly", "部分采纳"),
    ("rejected", "未采纳"),
    ("existing", "已有规定"),
    ("out_of_scope", "不属于本法规调整范围"),
];

pub fn disposition_label(d: &str) -> &'static str {
    DISPOSITIONS
        .iter()
        .find(|(v, _)| *v == d)
        .map(|(_, l)| *l)
        .unwrap_or("未处理")
}

/// Up to this many comments on one article are re-clustered when the page is opened; beyond,
/// the committee starts it with the button.
pub const AUTO_CLUSTER_MAX: i64 = 20_000;
/// Members listed per cluster on the page (the rest: open the cluster).
pub const MEMBERS_SHOWN: usize = 30;

/// One article in the draft's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRow {
    pub uid: String,
    pub label: String,
    pub received: i64,
    pub disposed: i64,
    pub clusters: i64,
    /// Distinct opinions (a campaign's copies count once) and campaigns, as of the last
    /// clustering.
    pub unique: i64,
    pub campaigns: i64,
    /// The member it is assigned to (empty: nobody).
    pub assigned_to: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleList {
    pub slug: String,
    pub draft_title: String,
    pub articles: Vec<ArticleRow>,
    pub feedback_published: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub tracking: String,
    pub unit_label: String,
    pub version: i64,
    pub stance: String,
    pub text: String,
    pub channel: String,
    pub station: String,
    pub residents: i64,
    pub disposition: String,
    pub disposition_reason: String,
    /// Copies of the same text in this cluster besides this one (campaigns are shown once).
    pub copies: i64,
    pub pinned: bool,
    /// Unlike any other opinion on the article and in no campaign (独特意见).
    pub unique: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterView {
    pub id: i64,
    /// The committee's name (empty: none given).
    pub label: String,
    /// The point in the members' own words, from the last clustering.
    pub summary: String,
    pub keywords: Vec<String>,
    /// The article's 其他意见: opinions that fit no group.
    pub other: bool,
    /// Opinions received, and distinct ones (a campaign counts once).
    pub received: i64,
    pub unique: i64,
    /// Support, oppose, amend.
    pub stances: (i64, i64, i64),
    pub stations: Vec<String>,
    pub representative: String,
    pub disposition: String,
    pub disposition_reason: String,
    pub pinned: bool,
    /// The member it is assigned to (empty: nobody).
    pub assigned_id: Option<i64>,
    pub assigned_to: String,
    /// Assigned to others: the viewer may look but not edit.
    pub locked: bool,
    /// The first members (distinct ones; copies folded into `copies`).
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    pub first_id: i64,
    pub copies: i64,
    pub text: String,
    /// (channel or station name, copies).
    pub sources: Vec<(String, i64)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleView {
    pub slug: String,
    pub draft_title: String,
    pub article_uid: String,
    pub label: String,
    pub text: String,
    /// Received (every opinion), unique (campaign copies counted once), campaigns.
    pub received: i64,
    pub unique: i64,
    pub campaigns: i64,
    pub by_stance: Vec<(String, i64)>,
    pub by_channel: Vec<(String, i64)>,
    pub by_level: Vec<(String, i64)>,
    pub by_county: Vec<(String, i64)>,
    /// (day, opinions) oldest first.
    pub timeline: Vec<(String, i64)>,
    pub clusters: Vec<ClusterView>,
    pub campaign_list: Vec<CampaignView>,
    /// Opinions received since the last clustering.
    pub unclustered: i64,
    /// Units of this article in the newest version (uid, label), to link dispositions to.
    pub units: Vec<(String, String)>,
    pub assigned_id: Option<i64>,
    pub assigned_to: String,
    /// Assigned to someone else: the viewer may look but not edit or reassign.
    pub locked: bool,
    pub committee: Vec<(i64, String)>,
    /// The article's trail, newest first: (when, who, what).
    pub history: Vec<(String, String, String)>,
}

#[cfg(feature = "ssr")]
fn committee() -> Result<crate::auth::SessionUser, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])
}

/// After a plain form post: back to the article, at the element edited (`cluster-<id>` for a
/// group, `c<id>` for one opinion, empty for the article's head), where the page says 已保存.
#[cfg(feature = "ssr")]
fn back_to_article(slug: &str, article: &str, at: &str) {
    let at = if saved_anchor_ok(at) { at } else { "" };
    let base = format!(
        "/committee/drafts/{}/articles/{}",
        crate::components::urlencode(slug),
        crate::components::urlencode(article)
    );
    crate::ssr::web::redirect_plain_form(&if at.is_empty() {
        format!("{base}?saved=article")
    } else {
        format!("{base}?saved={at}#{at}")
    });
}

/// Whether `at` names an element of the article page that can carry the 已保存 notice.
pub fn saved_anchor_ok(at: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.len() < 20 && s.bytes().all(|b| b.is_ascii_digit());
    at.strip_prefix("cluster-").is_some_and(digits) || at.strip_prefix('c').is_some_and(digits)
}

/// The name of the group of opinions that fit no group.
pub const OTHERS: &str = "其他意见";

/// What a cluster is called: the committee's name, else the point in its members' words, else
/// its keywords, else (opinions made only of common words) a plain description.
pub fn cluster_name(label: &str, summary: &str, keywords: &[String]) -> String {
    if !label.is_empty() {
        label.to_string()
    } else if !summary.is_empty() {
        summary.to_string()
    } else if !keywords.is_empty() {
        keywords.join("、")
    } else {
        "未归纳主题的意见".to_string()
    }
}

/// Committee: the draft's articles with their opinion counts.
#[server(prefix = "/api", endpoint = "workbench/articles")]
pub async fn list_articles(slug: String) -> Result<ArticleList, AppError> {
    committee()?;
    let state = crate::ssr::app_state()?;
    ssr::articles(&state, &slug).await
}

/// Committee: everything about one article (re-clustered first when new opinions arrived).
#[server(prefix = "/api", endpoint = "workbench/article")]
pub async fn load_article(slug: String, article: String) -> Result<ArticleView, AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    let mut v = ssr::view(&state, &slug, &article, true).await?;
    v.locked = !actor.may(&[v.assigned_id]);
    for c in &mut v.clusters {
        c.locked = !actor.may(&[v.assigned_id, c.assigned_id]);
    }
    Ok(v)
}

/// Committee: cluster the article's opinions again now (the committee's edits are kept). Like
/// every edit, only for the assignee (or an administrator) while the article is assigned.
#[server(prefix = "/api", endpoint = "workbench/recluster")]
pub async fn recluster(slug: String, article: String) -> Result<usize, AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    let n = ssr::recluster(&state, &slug, &article, Some(actor)).await?;
    back_to_article(&slug, &article, "");
    Ok(n)
}

/// Committee: give a cluster a name (empty: its label from the opinions names it again).
#[server(prefix = "/api", endpoint = "workbench/rename")]
pub async fn rename_cluster(cluster: i64, label: String) -> Result<(), AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    let (slug, article) = ssr::rename(&state.db, actor, cluster, &label).await?;
    back_to_article(&slug, &article, &format!("cluster-{cluster}"));
    Ok(())
}

/// Committee: merge clusters (of one article) into the first.
#[server(prefix = "/api", endpoint = "workbench/merge")]
pub async fn merge_clusters(clusters: Option<Vec<i64>>) -> Result<i64, AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    let (slug, article, into) = ssr::merge(&state.db, actor, &clusters.unwrap_or_default()).await?;
    back_to_article(&slug, &article, &format!("cluster-{into}"));
    Ok(into)
}

/// Committee: move opinions into another cluster of the same article, or (`to` = 0) into a new
/// one split off.
#[server(prefix = "/api", endpoint = "workbench/move")]
pub async fn move_opinions(ids: Option<Vec<i64>>, to: i64) -> Result<i64, AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    let (slug, article, cluster) =
        ssr::move_to(&state.db, actor, &ids.unwrap_or_default(), to).await?;
    back_to_article(&slug, &article, &format!("cluster-{cluster}"));
    Ok(cluster)
}

/// Committee: record how opinions were handled — the chosen ones (`ids`) or a whole cluster
/// (`cluster`, applying to all its members) — with a reason and the units of the next version
/// that changed because of them. `at`: where the page returns to (see [`saved_anchor_ok`]).
#[server(prefix = "/api", endpoint = "workbench/dispose")]
pub async fn dispose(
    ids: Option<Vec<i64>>,
    cluster: Option<i64>,
    disposition: String,
    reason: String,
    units: Option<Vec<String>>,
    at: Option<String>,
) -> Result<usize, AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    let ids = ids.unwrap_or_default();
    let at = match (cluster, at) {
        (Some(c), _) if c > 0 => format!("cluster-{c}"),
        (_, Some(at)) => at,
        _ if ids.len() == 1 => format!("c{}", ids[0]),
        _ => String::new(),
    };
    let target = match cluster {
        Some(c) if c > 0 => ssr::Target::Cluster(c),
        _ => ssr::Target::Opinions(ids),
    };
    let (slug, article, n) = ssr::dispose(
        &state,
        actor,
        target,
        &disposition,
        &reason,
        &units.unwrap_or_default(),
    )
    .await?;
    back_to_article(&slug, &article, &at);
    Ok(n)
}

/// Committee: assign the article to a committee member (0: nobody). While it is assigned, only
/// that member (or an administrator) records dispositions and edits clusters on it.
#[server(prefix = "/api", endpoint = "workbench/assign")]
pub async fn assign_article(slug: String, article: String, account: i64) -> Result<(), AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    ssr::assign(&state, actor, &slug, &article, account).await?;
    back_to_article(&slug, &article, "");
    Ok(())
}

/// Committee: assign one cluster to a committee member (0: nobody), e.g. a large group of an
/// article split among several members.
#[server(prefix = "/api", endpoint = "workbench/assign-cluster")]
pub async fn assign_cluster(cluster: i64, account: i64) -> Result<(), AppError> {
    let actor = ssr::Actor::of(&committee()?);
    let state = crate::ssr::app_state()?;
    let (slug, article) = ssr::assign_cluster(&state.db, actor, cluster, account).await?;
    back_to_article(&slug, &article, &format!("cluster-{cluster}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dispositions_have_chinese_labels() {
        assert_eq!(super::disposition_label("partly"), "部分采纳");
        assert_eq!(super::disposition_label(""), "未处理");
    }

    #[test]
    fn only_anchors_of_the_page_carry_the_saved_notice() {
        assert!(super::saved_anchor_ok("cluster-12"));
        assert!(super::saved_anchor_ok("c7"));
        assert!(!super::saved_anchor_ok("cluster-"));
        assert!(!super::saved_anchor_ok("c7x"));
        assert!(!super::saved_anchor_ok("//evil.example"));
        assert!(!super::saved_anchor_ok("article"));
    }

    #[test]
    fn clusters_always_have_a_name() {
        let kw = vec!["供热".to_string(), "温度".to_string()];
        assert_eq!(
            super::cluster_name("提高室温", "室温应达到十八度", &kw),
            "提高室温"
        );
        assert_eq!(
            super::cluster_name("", "室温应达到十八度", &kw),
            "室温应达到十八度"
        );
        assert_eq!(super::cluster_name("", "", &kw), "供热、温度");
        assert_eq!(super::cluster_name("", "", &[]), "未归纳主题的意见");
    }
}
