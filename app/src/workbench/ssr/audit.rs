//! The audit trail: every edit recorded with who, when, before and after, and an article's
//! trail read back as sentences.

use super::super::disposition_label;
use super::*;
use crate::draft::time::format_local;
use crate::error::AppError;
use crate::ssr::{now_ms, Db};
use std::collections::HashMap;

/// How many of an article's latest edits its page lists.
pub(super) const HISTORY_SHOWN: i64 = 100;

/// The article's latest edits, newest first: (when, who, what), opinions named by their
/// tracking numbers.
pub(super) async fn history(
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
pub(super) fn describe_event(
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
pub(super) struct Trail<'a> {
    by: i64,
    draft_id: i64,
    article: &'a str,
}

impl<'a> Trail<'a> {
    pub(super) fn of(actor: Actor, draft_id: i64, article: &'a str) -> Self {
        Trail {
            by: actor.id,
            draft_id,
            article,
        }
    }
}

pub(super) async fn audit(
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
