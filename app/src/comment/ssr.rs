//! Comment storage.

use super::{tracking, CommentTarget, Receipt, Stance, UnitCounts, MAX_REASON_CHARS};
use crate::draft::{Node, WindowState};
use crate::error::{AppError, FieldError};
use crate::ssr::{now_ms, Db};
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Unicode NFC, control characters removed (line breaks kept), trimmed — and nothing else.
pub fn normalize(s: &str) -> String {
    s.nfc()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .replace("\r", "")
        .trim()
        .to_string()
}

fn valid_contact(c: &str) -> bool {
    if c.contains('@') {
        let mut parts = c.split('@');
        let (user, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        parts.next().is_none()
            && !user.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !c.contains(char::is_whitespace)
    } else {
        let digits = c.chars().filter(|c| c.is_ascii_digit()).count();
        c.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
            && (7..=20).contains(&digits)
    }
}

pub struct NewComment {
    pub slug: String,
    pub uid: String,
    pub stance: String,
    pub reason: String,
    pub suggested: String,
    pub name: String,
    pub region: String,
    pub category: String,
    pub contact: String,
    pub idempotency_key: String,
}

fn find_unit<'a>(
    nodes: &'a [Node],
    uid: &str,
    article: Option<&'a Node>,
) -> Option<(&'a Node, &'a Node)> {
    for n in nodes {
        let art = if n.kind == crate::draft::NodeKind::Tiao {
            Some(n)
        } else {
            article
        };
        if n.uid == uid {
            return art.map(|a| (n, a));
        }
        if let Some(found) = find_unit(&n.children, uid, art) {
            return Some(found);
        }
    }
    None
}

fn unit_text(n: &Node) -> String {
    let mut out = String::new();
    n.walk(&mut |d| {
        if !d.text.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            if matches!(
                d.kind,
                crate::draft::NodeKind::Xiang | crate::draft::NodeKind::Mu
            ) {
                out.push_str(&d.label);
            }
            out.push_str(&d.text);
        }
    });
    out
}

fn random_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The unit a comment is for, in the newest version, with whether its part is open.
pub async fn target(db: &Db, slug: &str, uid: &str) -> Result<CommentTarget, AppError> {
    let v = crate::draft::ssr::version(db, slug, None).await?;
    let (unit, article) = find_unit(&v.tree.nodes, uid, None).ok_or(AppError::NotFound)?;
    let window = v
        .windows
        .iter()
        .rev()
        .find(|w| w.article_uids.contains(&article.uid));
    let label = if unit.uid == article.uid {
        article.label.clone()
    } else {
        let pos = uid.rsplit('-').next().unwrap_or("");
        let kind = if uid.contains("-i-") { "项" } else { "款" };
        format!("{}第{}{}", article.label, pos, kind)
    };
    Ok(CommentTarget {
        slug: slug.into(),
        draft_title: v.title.clone(),
        uid: uid.into(),
        label,
        text: unit_text(unit),
        open: window.is_some_and(|w| w.state == WindowState::Open),
        window: window.map(|w| w.describe()),
        idempotency_key: random_key(),
    })
}

pub async fn submit(db: &Db, c: NewComment) -> Result<String, AppError> {
    let key = c.idempotency_key.trim();
    if !(16..=64).contains(&key.len())
        || !key
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    {
        return Err(AppError::BadRequest(
            "提交标识无效，请刷新页面后重试".into(),
        ));
    }
    // A retry of a comment already stored: same receipt, nothing new.
    let existing: Option<String> =
        sqlx::query_scalar("select tracking from comment where idempotency_key = $1")
            .bind(key)
            .fetch_optional(&db.pool)
            .await?;
    if let Some(t) = existing {
        return Ok(t);
    }
    let stance = Stance::parse(&c.stance)
        .ok_or_else(|| AppError::validation("stance", "请选择赞成、反对或修改建议"))?;
    let target = target(db, &c.slug, &c.uid).await?;
    if !target.open {
        return Err(AppError::Conflict(match &target.window {
            Some(w) => format!("本条目前不接受意见：{w}"),
            None => "本条尚未公开征求意见".into(),
        }));
    }
    let reason = normalize(&c.reason);
    let suggested = normalize(&c.suggested);
    let (name, region, category, contact) = (
        normalize(&c.name),
        normalize(&c.region),
        normalize(&c.category),
        normalize(&c.contact),
    );
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    if reason.is_empty() {
        err("reason", "请填写理由");
    } else if reason.chars().count() > MAX_REASON_CHARS {
        err("reason", "理由不能超过 5000 字");
    }
    if suggested.chars().count() > MAX_REASON_CHARS {
        err("suggested", "建议条文不能超过 5000 字");
    }
    if name.chars().count() > 50 || region.chars().count() > 50 || category.chars().count() > 20 {
        err("name", "姓名、地区或类别过长");
    }
    if !contact.is_empty() && !valid_contact(&contact) {
        err("contact", "联系方式须为手机号码或电子邮箱");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let v = crate::draft::ssr::version(db, &c.slug, None).await?;
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(&c.slug)
        .fetch_one(&db.pool)
        .await?;
    for _ in 0..5 {
        let t = tracking::make(rand::random::<u64>() & ((1 << 35) - 1));
        let res = sqlx::query(
            "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, suggested, \
             reason, name, region, category, contact, tracking, status, idempotency_key, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $13, $14)",
        )
        .bind(draft_id)
        .bind(v.number)
        .bind(&c.uid)
        .bind(&target.label)
        .bind(stance.as_str())
        .bind(&suggested)
        .bind(&reason)
        .bind(&name)
        .bind(&region)
        .bind(&category)
        .bind(&contact)
        .bind(&t)
        .bind(key)
        .bind(now_ms())
        .execute(&db.pool)
        .await;
        match res {
            Ok(_) => return Ok(t),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                // Either a concurrent retry with the same key, or (rarely) a tracking collision.
                if let Some(t) = sqlx::query_scalar::<_, String>(
                    "select tracking from comment where idempotency_key = $1",
                )
                .bind(key)
                .fetch_optional(&db.pool)
                .await?
                {
                    return Ok(t);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal)
}

pub async fn receipt(db: &Db, input: &str) -> Result<Receipt, AppError> {
    let t = tracking::normalize(input).ok_or_else(|| {
        AppError::validation("tracking", "回执编号有误，请核对（例如 YJ-7K3Q-9M2P）")
    })?;
    let row: Option<(String, String, String, String, String, i64)> = sqlx::query_as(
        "select d.title, d.slug, c.unit_label, c.stance, c.status, c.created_at from comment c \
         join draft d on d.id = c.draft_id where c.tracking = $1",
    )
    .bind(&t)
    .fetch_optional(&db.pool)
    .await?;
    let (draft_title, slug, unit_label, stance, status, at) = row.ok_or(AppError::NotFound)?;
    Ok(Receipt {
        tracking: t,
        draft_title,
        slug,
        unit_label,
        stance: Stance::parse(&stance).unwrap_or(Stance::Amend),
        status: match status.as_str() {
            "received" => "已收到".into(),
            "reviewing" => "审核中".into(),
            "published" => "已公开".into(),
            _ => "未公开".into(),
        },
        submitted_at: crate::draft::time::format_local(at),
    })
}

/// Public comment counts per unit uid: by stance in the current version, plus the number made
/// on the same unit in earlier versions.
pub async fn counts(
    db: &Db,
    slug: &str,
    current_version: i64,
) -> Result<HashMap<String, UnitCounts>, AppError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "select c.unit_uid, c.stance, c.version_number, count(*) from comment c \
         join draft d on d.id = c.draft_id where d.slug = $1 and c.status = 'published' \
         group by c.unit_uid, c.stance, c.version_number",
    )
    .bind(slug)
    .fetch_all(&db.pool)
    .await?;
    let mut out: HashMap<String, UnitCounts> = HashMap::new();
    for (uid, stance, version, n) in rows {
        let e = out.entry(uid).or_default();
        if version < current_version {
            e.earlier += n;
        } else {
            match Stance::parse(&stance) {
                Some(Stance::Support) => e.support += n,
                Some(Stance::Oppose) => e.oppose += n,
                _ => e.amend += n,
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_only_what_it_must() {
        assert_eq!(normalize("  e\u{301}\u{0007}供热\r\n好 "), "é供热\n好");
        assert_eq!(
            normalize("<script>alert(1)</script>"),
            "<script>alert(1)</script>"
        );
    }

    #[test]
    fn contacts() {
        for ok in ["13800138000", "+86 138-0013-8000", "zhang@example.cn"] {
            assert!(valid_contact(ok), "{ok}");
        }
        for bad in ["abc", "123", "zhang@", "a@b", "a b@c.cn", "a@b@c.cn"] {
            assert!(!valid_contact(bad), "{bad}");
        }
    }
}
