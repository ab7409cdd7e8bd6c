//! The committee's moderation queue: filter comments by draft, article, flag and status; approve
//! or reject many at once, with a reason the author sees on the tracking page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// A draft's slug; empty for all.
    pub draft: Option<String>,
    /// An article number (`12`) or a unit label fragment (`第十二条`).
    pub article: Option<String>,
    /// A flag name (`phone`, `url`, …) or `any` for every flagged comment.
    pub flag: Option<String>,
    /// `pending` (default: received or under review), `published`, `rejected` or `all`.
    pub status: Option<String>,
    pub page: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: i64,
    pub tracking: String,
    pub draft_title: String,
    pub slug: String,
    pub unit_uid: String,
    pub unit_label: String,
    pub stance: super::Stance,
    pub reason: String,
    pub suggested: String,
    pub name: String,
    pub region: String,
    pub category: String,
    /// Moderators see that a contact was left, not the contact itself.
    pub has_contact: bool,
    pub flags: Vec<String>,
    pub status: String,
    pub note: String,
    pub submitted_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// (slug, title) of every draft, for the filter.
    pub drafts: Vec<(String, String)>,
    pub moderation: super::Moderation,
}

pub const QUEUE_PAGE_SIZE: i64 = 50;

/// The automatic flags a moderator can filter by (names as stored, labels as shown).
pub const FLAG_CHOICES: [(&str, &str); 5] = [
    ("phone", "含电话号码"),
    ("idcard", "含身份证号"),
    ("email", "含邮箱"),
    ("url", "含链接"),
    ("repeat", "疑似灌水"),
];

/// Committee: the moderation queue.
#[server(prefix = "/api", endpoint = "moderation/queue")]
pub async fn moderation_queue(
    draft: Option<String>,
    article: Option<String>,
    flag: Option<String>,
    status: Option<String>,
    page: Option<i64>,
) -> Result<Queue, AppError> {
    use crate::auth::Role;
    let filter = QueueFilter {
        draft,
        article,
        flag,
        status,
        page,
    };
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::queue(&state.db, &filter, state.settings.moderation).await
}

/// Committee: approve (make public) or reject comments in bulk. Rejecting needs a reason,
/// which the authors see on their tracking pages.
#[server(prefix = "/api", endpoint = "moderation/decide")]
pub async fn moderate_comments(
    ids: Option<Vec<i64>>,
    decision: String,
    reason: Option<String>,
) -> Result<u64, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let n = ssr::decide(
        &state.db,
        user.id,
        &ids.unwrap_or_default(),
        &decision,
        reason.as_deref().unwrap_or(""),
    )
    .await?;
    crate::ssr::web::redirect_plain_form_back();
    Ok(n)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{Queue, QueueFilter, QueueItem, QUEUE_PAGE_SIZE};
    use crate::comment::intake::flag_labels;
    use crate::comment::{screen::Flag, ssr::status_label, Moderation, Stance};
    use crate::error::AppError;
    use crate::ssr::{now_ms, Db};

    /// Builds the filter's `where` clause; values are bound, never spliced.
    fn conditions(f: &QueueFilter) -> Result<(String, Vec<String>), AppError> {
        let mut sql = String::from(" where 1 = 1");
        let mut binds = Vec::new();
        let mut bind = |sql: &mut String, cond: &str, v: String| {
            binds.push(v);
            sql.push_str(&cond.replace('?', &format!("${}", binds.len())));
        };
        match f.status.as_deref().unwrap_or("pending") {
            "pending" | "" => sql.push_str(" and c.status in ('received', 'reviewing')"),
            "all" => {}
            s @ ("published" | "rejected" | "received" | "reviewing") => {
                bind(&mut sql, " and c.status = ?", s.to_string())
            }
            _ => return Err(AppError::validation("status", "未知的审核状态")),
        }
        if let Some(d) = f.draft.as_deref().filter(|d| !d.is_empty()) {
            bind(&mut sql, " and d.slug = ?", d.to_string());
        }
        if let Some(a) = f
            .article
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            if let Ok(n) = a.parse::<u32>() {
                // Article 12 and its paragraphs and items.
                let label = format!("第{}条", crate::draft::parse::numerals::to_chinese(n));
                bind(&mut sql, " and (c.unit_label = ?", label.clone());
                bind(&mut sql, " or c.unit_label like ?)", format!("{label}第%"));
            } else {
                bind(&mut sql, " and c.unit_label like ?", format!("%{a}%"));
            }
        }
        match f.flag.as_deref().filter(|x| !x.is_empty()) {
            None => {}
            Some("any") => sql.push_str(" and c.flags <> ''"),
            Some(x) => {
                let flag =
                    Flag::parse(x).ok_or_else(|| AppError::validation("flag", "未知的标记"))?;
                bind(
                    &mut sql,
                    " and (',' || c.flags || ',') like ?",
                    format!("%,{},%", flag.as_str()),
                );
            }
        }
        Ok((sql, binds))
    }

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        tracking: String,
        title: String,
        slug: String,
        unit_uid: String,
        unit_label: String,
        stance: String,
        reason: String,
        suggested: String,
        name: String,
        region: String,
        category: String,
        has_contact: i64,
        flags: String,
        status: String,
        moderation_note: String,
        created_at: i64,
    }

    pub async fn queue(
        db: &Db,
        f: &QueueFilter,
        moderation: Moderation,
    ) -> Result<Queue, AppError> {
        let (cond, binds) = conditions(f)?;
        let count_sql =
            format!("select count(*) from comment c join draft d on d.id = c.draft_id{cond}");
        let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
        for b in &binds {
            q = q.bind(b);
        }
        let total = q.fetch_one(&db.pool).await?;
        let pages = ((total + QUEUE_PAGE_SIZE - 1) / QUEUE_PAGE_SIZE).max(1);
        let page = f.page.unwrap_or(1).clamp(1, pages);
        let list_sql = format!(
            "select c.id, c.tracking, d.title, d.slug, c.unit_uid, c.unit_label, c.stance, c.reason, \
             c.suggested, c.name, c.region, c.category, \
             case when c.contact = '' then 0 else 1 end as has_contact, c.flags, c.status, \
             c.moderation_note, c.created_at \
             from comment c join draft d on d.id = c.draft_id{cond} \
             order by c.created_at, c.id limit {QUEUE_PAGE_SIZE} offset {}",
            (page - 1) * QUEUE_PAGE_SIZE
        );
        let mut q = sqlx::query_as::<_, Row>(&list_sql);
        for b in &binds {
            q = q.bind(b);
        }
        let items = q
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|r| QueueItem {
                id: r.id,
                tracking: r.tracking,
                draft_title: r.title,
                slug: r.slug,
                unit_uid: r.unit_uid,
                unit_label: r.unit_label,
                stance: Stance::parse(&r.stance).unwrap_or(Stance::Amend),
                reason: r.reason,
                suggested: r.suggested,
                name: r.name,
                region: r.region,
                category: r.category,
                has_contact: r.has_contact != 0,
                flags: flag_labels(&r.flags)
                    .into_iter()
                    .map(String::from)
                    .collect(),
                status: status_label(&r.status).into(),
                note: r.moderation_note,
                submitted_at: crate::draft::time::format_local(r.created_at),
            })
            .collect();
        let drafts = sqlx::query_as("select slug, title from draft order by id")
            .fetch_all(&db.pool)
            .await?;
        Ok(Queue {
            items,
            total,
            page,
            pages,
            drafts,
            moderation,
        })
    }

    /// Approves or rejects the given comments in one transaction; returns how many changed.
    pub async fn decide(
        db: &Db,
        moderator: i64,
        ids: &[i64],
        decision: &str,
        reason: &str,
    ) -> Result<u64, AppError> {
        let reason = crate::comment::ssr::normalize(reason);
        let status = match decision {
            "approve" => "published",
            "reject" => "rejected",
            _ => return Err(AppError::validation("decision", "请选择“公开”或“不予公开”")),
        };
        if ids.is_empty() {
            return Err(AppError::validation("ids", "请至少勾选一条意见"));
        }
        if ids.len() > 1000 {
            return Err(AppError::validation("ids", "一次最多处理 1000 条意见"));
        }
        if status == "rejected" && reason.is_empty() {
            return Err(AppError::validation(
                "reason",
                "不予公开须说明理由（提交人可看到）",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::validation("reason", "理由不能超过 500 字"));
        }
        let mut tx = db.begin().await?;
        let mut changed = 0;
        let now = now_ms();
        for id in ids {
            changed += sqlx::query(
                "update comment set status = $1, moderation_note = $2, moderated_by = $3, \
                 moderated_at = $4 where id = $5",
            )
            .bind(status)
            .bind(&reason)
            .bind(moderator)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if changed != ids.len() as u64 {
            // Nothing is half-applied: an unknown id rolls the whole decision back.
            return Err(AppError::validation(
                "ids",
                "所选意见中有不存在的条目，请刷新后重试",
            ));
        }
        tx.commit().await?;
        Ok(changed)
    }
}
