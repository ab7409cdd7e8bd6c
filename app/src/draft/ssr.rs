//! Draft storage.

use super::parse::{parse_text, Parsed};
use super::{DraftSummary, DraftTree, DraftVersionView};
use crate::error::AppError;
use crate::ssr::{now_ms, Db};

/// Stores a new version of a draft (creating the draft on first import). The text is parsed
/// first: a text that does not parse stores nothing.
pub async fn import_version(
    db: &Db,
    slug: &str,
    label: &str,
    source: &str,
) -> Result<(i64, Parsed), AppError> {
    let parsed = parse_text(source).map_err(|e| AppError::validation("source", e.message_zh()))?;
    let tree_json = serde_json::to_string(&parsed.tree).map_err(|e| {
        tracing::error!(error = %e, "draft tree does not serialise");
        AppError::Internal
    })?;
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let existing: Option<i64> = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?;
    let draft_id = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar(
                "insert into draft (slug, title, created_at, updated_at) values ($1, $2, $3, $3) returning id",
            )
            .bind(slug)
            .bind(&parsed.tree.title)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let number: i64 = sqlx::query_scalar(
        "select coalesce(max(number), 0) + 1 from draft_version where draft_id = $1",
    )
    .bind(draft_id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into draft_version (draft_id, number, label, source, tree_json, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(draft_id)
    .bind(number)
    .bind(label)
    .bind(source)
    .bind(tree_json)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update draft set title = $1, updated_at = $2 where id = $3")
        .bind(&parsed.tree.title)
        .bind(now)
        .bind(draft_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((number, parsed))
}

pub async fn list(db: &Db) -> Result<Vec<DraftSummary>, AppError> {
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "select d.slug, d.title, v.number, v.label from draft d \
         join draft_version v on v.draft_id = d.id \
         where v.number = (select max(number) from draft_version where draft_id = d.id) \
         order by d.updated_at desc",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, title, version, version_label)| DraftSummary {
            slug,
            title,
            version,
            version_label,
        })
        .collect())
}

/// The newest version of a draft, or the numbered one.
pub async fn version(
    db: &Db,
    slug: &str,
    number: Option<i64>,
) -> Result<DraftVersionView, AppError> {
    let row: Option<(String, i64, String, String)> = sqlx::query_as(
        "select d.title, v.number, v.label, v.tree_json from draft d \
         join draft_version v on v.draft_id = d.id \
         where d.slug = $1 and v.number = coalesce($2, \
           (select max(number) from draft_version where draft_id = d.id))",
    )
    .bind(slug)
    .bind(number)
    .fetch_optional(&db.pool)
    .await?;
    let (title, number, label, tree_json) = row.ok_or(AppError::NotFound)?;
    let tree: DraftTree = serde_json::from_str(&tree_json).map_err(|e| {
        tracing::error!(error = %e, %slug, "stored draft tree does not parse");
        AppError::Internal
    })?;
    Ok(DraftVersionView {
        slug: slug.into(),
        title,
        number,
        label,
        tree,
    })
}
