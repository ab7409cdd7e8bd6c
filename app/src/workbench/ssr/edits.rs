//! The committee's edits of the groups: rename, merge, move (or split off); edited groups
//! are pinned so re-clustering keeps them.

use super::*;
use crate::error::AppError;
use crate::ssr::{now_ms, Db};

/// Keeps a cluster's members where they are when the article is clustered again (the committee
/// named, merged or assigned it), and marks the article edited.
pub(super) async fn pin_members(
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

/// Whether a cluster is its article's 其他意见.
pub(super) async fn is_others(
    tx: &mut sqlx::AnyConnection,
    cluster: i64,
) -> Result<bool, AppError> {
    let kind: Option<String> = sqlx::query_scalar("select kind from opinion_cluster where id = $1")
        .bind(cluster)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(kind.as_deref() == Some("other"))
}

/// (draft id, slug, article) of a cluster.
pub(super) async fn cluster_home(
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
    let mut tx = db.begin().await?;
    let (draft_id, slug, article) = cluster_home(&mut tx, cluster).await?;
    may_act(&mut tx, actor, draft_id, &article, Some(cluster)).await?;
    if is_others(&mut tx, cluster).await? {
        return Err(AppError::validation(
            "label",
            "“其他意见”收录不属于任何分组的意见，不能改名；可以把意见移到新的分组再命名",
        ));
    }
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
    let mut tx = db.begin().await?;
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
        if is_others(&mut tx, k).await? {
            return Err(AppError::validation(
                "clusters",
                "“其他意见”不是一个观点，不能与分组合并；请勾选其中的意见移到分组",
            ));
        }
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
    let mut tx = db.begin().await?;
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
