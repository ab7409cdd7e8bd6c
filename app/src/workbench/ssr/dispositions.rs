//! Dispositions: how opinions were handled, with the reason and the changed units, per
//! opinion or per cluster.

use super::super::DISPOSITIONS;
use super::*;
use crate::error::AppError;
use crate::search::index::article_of;
use crate::ssr::{now_ms, AppState};

pub enum Target {
    Opinions(Vec<i64>),
    Cluster(i64),
}

/// Records a disposition with its reason on opinions (each in the audit trail with what it was
/// before). Returns (slug, article, opinions changed).
/// The disposition value that resets opinions to 未处理.
pub const RESET: &str = "none";

pub async fn dispose(
    state: &AppState,
    actor: Actor,
    target: Target,
    disposition: &str,
    reason: &str,
    units: &[String],
) -> Result<(String, String, usize), AppError> {
    // `none` takes a disposition back (a slip, or a decision reopened): the opinions are
    // 未处理 again, with no reason and no linked units; the trail keeps what they were.
    let reset = disposition == RESET;
    if !reset && !DISPOSITIONS.iter().any(|(v, _)| *v == disposition) {
        return Err(AppError::validation(
            "disposition",
            "请选择处理意见：采纳、部分采纳、未采纳、已有规定或不属于本法规调整范围，或重置为未处理",
        ));
    }
    let disposition = if reset { "" } else { disposition };
    let units: &[String] = if reset { &[] } else { units };
    let reason = if reset {
        String::new()
    } else {
        crate::comment::ssr::normalize(reason)
    };
    if reason.is_empty() && !reset {
        return Err(AppError::validation("reason", "请填写处理理由"));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::validation("reason", "理由不能超过 2000 字"));
    }
    let mut tx = state.db.begin().await?;
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
