//! Who may act: articles and clusters assigned to committee members, and the check every
//! edit makes before changing anything.

use super::*;
use crate::error::AppError;
use crate::ssr::{now_ms, AppState, Db};

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
pub(super) async fn may_act(
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

/// The member to assign to (`0`: nobody), who must be an active committee member.
pub(super) async fn assignee(db: &Db, account: i64) -> Result<Option<i64>, AppError> {
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
    let mut tx = db.begin().await?;
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
    let mut tx = db.begin().await?;
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
