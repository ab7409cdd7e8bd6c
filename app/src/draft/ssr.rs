//! Draft storage.

use super::align::{
    assign_initial_uids, carry_identity, carry_identity_pinned, Change, Mapping, Pin,
};
use super::parse::{parse_text, Parsed};
use super::{
    CompareRow, Comparison, DraftSummary, DraftTree, DraftVersionView, NodeKind, Segment, Warning,
    WindowState,
};
use crate::error::AppError;
use crate::ssr::{now_ms, Db};

/// What importing a version produced.
#[derive(Debug)]
pub struct Imported {
    pub number: i64,
    pub parsed: Parsed,
    /// How its units continue the previous version's (empty for a first version).
    pub mappings: Vec<Mapping>,
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| {
        tracing::error!(error = %e, "draft data does not serialise");
        AppError::Internal
    })
}

/// Stores a new version of a draft (creating the draft on first import). The text is parsed
/// first and its units aligned with the previous version, so they keep their identities; a text
/// that does not parse stores nothing. A version that continues no article of the previous one
/// is stored with a warning (it is probably the wrong file).
pub async fn import_version(
    db: &Db,
    slug: &str,
    label: &str,
    source: &str,
) -> Result<Imported, AppError> {
    let mut parsed =
        parse_text(source).map_err(|e| AppError::validation("source", e.message_zh()))?;
    let now = now_ms();
    let mut tx = db.begin().await?;
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
    let previous: Option<(i64, String)> = sqlx::query_as(
        "select number, tree_json from draft_version where draft_id = $1 \
         order by number desc limit 1",
    )
    .bind(draft_id)
    .fetch_optional(&mut *tx)
    .await?;
    let number = previous.as_ref().map_or(1, |(n, _)| n + 1);
    let mappings = match &previous {
        None => {
            assign_initial_uids(&mut parsed.tree);
            Vec::new()
        }
        Some((_, json)) => {
            let old: DraftTree = serde_json::from_str(json).map_err(|e| {
                tracing::error!(error = %e, %slug, "stored draft tree does not parse");
                AppError::Internal
            })?;
            let mappings = carry_identity(&old, &mut parsed.tree, number);
            let continued = mappings.iter().any(|m| {
                m.old.as_ref().is_some_and(|o| o.kind == NodeKind::Tiao) && m.new.is_some()
            });
            if !continued {
                parsed.warnings.insert(
                    0,
                    Warning {
                        line: 0,
                        message:
                            "新版本的条文与上一稿没有任何对应关系，请确认上传的是同一草案的新稿"
                                .into(),
                    },
                );
            }
            mappings
        }
    };
    sqlx::query(
        "insert into draft_version (draft_id, number, label, source, tree_json, mapping_json, \
         warnings_json, created_at, title) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(draft_id)
    .bind(number)
    .bind(label)
    .bind(source)
    .bind(to_json(&parsed.tree)?)
    .bind(to_json(&mappings)?)
    .bind(to_json(&parsed.warnings)?)
    .bind(now)
    .bind(&parsed.tree.title)
    .execute(&mut *tx)
    .await?;
    // The draft keeps the title of its published text: a saved version's new title shows only
    // once a part of it is published (see `publish`).
    sqlx::query("update draft set updated_at = $1 where id = $2")
        .bind(now)
        .bind(draft_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    drafts_changed();
    Ok(Imported {
        number,
        parsed,
        mappings,
    })
}

/// The mapping stored with version `number` (how it continues version `number - 1`).
pub async fn mappings(db: &Db, slug: &str, number: i64) -> Result<Vec<Mapping>, AppError> {
    let json: Option<String> = sqlx::query_scalar(
        "select v.mapping_json from draft_version v join draft d on d.id = v.draft_id \
         where d.slug = $1 and v.number = $2",
    )
    .bind(slug)
    .bind(number)
    .fetch_optional(&db.pool)
    .await?;
    let json = json.ok_or(AppError::NotFound)?;
    serde_json::from_str(&json).map_err(|e| {
        tracing::error!(error = %e, %slug, "stored mapping does not parse");
        AppError::Internal
    })
}

/// Counts of changed articles, for the comparison page's summary.
pub fn article_changes(mappings: &[Mapping]) -> Vec<(Change, usize)> {
    let mut counts: Vec<(Change, usize)> = Vec::new();
    for m in mappings {
        let kind = m.old.as_ref().or(m.new.as_ref()).map(|u| u.kind);
        if kind != Some(NodeKind::Tiao) {
            continue;
        }
        match counts.iter_mut().find(|(c, _)| *c == m.change) {
            Some((_, n)) => *n += 1,
            None => counts.push((m.change, 1)),
        }
    }
    counts
}

/// The drafts `audience` may read, newest change first: for the public those with a released
/// version, named by the newest of them; for the committee every draft at its newest version.
pub async fn list(db: &Db, audience: super::gate::Audience) -> Result<Vec<DraftSummary>, AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("select id, slug from draft order by updated_at desc, id desc")
            .fetch_all(&db.pool)
            .await?;
    let mut out = Vec::new();
    for (id, slug) in rows {
        let number = match audience {
            super::gate::Audience::Staff => None,
            super::gate::Audience::Public => match super::gate::released(db, id).await?.newest() {
                Some(n) => Some(n),
                None => continue,
            },
        };
        let row: Option<(String, i64, String)> = sqlx::query_as(
            "select title, number, label from draft_version where draft_id = $1 \
             and number = coalesce($2, (select max(number) from draft_version where draft_id = $1))",
        )
        .bind(id)
        .bind(number)
        .fetch_optional(&db.pool)
        .await?;
        let Some((title, version, version_label)) = row else {
            continue;
        };
        let windows = windows(db, id).await?;
        let state = if windows.iter().any(|w| w.state == WindowState::Open) {
            WindowState::Open
        } else if windows.iter().any(|w| w.state == WindowState::Upcoming) {
            WindowState::Upcoming
        } else {
            WindowState::Closed
        };
        out.push(DraftSummary {
            slug,
            title,
            version,
            version_label,
            state,
        });
    }
    Ok(out)
}

pub use super::publication::{publish, windows, PartSpec, Recipients};

/// Bumped whenever this process changes a draft's versions or publications, so caches of what
/// is readable and commentable (the comment intake's) reload at once. Other servers of the
/// deployment see the change when their caches expire.
pub static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub(crate) fn drafts_changed() {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Release);
}

/// The newest version of a draft, or the numbered one.
pub async fn version(
    db: &Db,
    slug: &str,
    number: Option<i64>,
) -> Result<DraftVersionView, AppError> {
    let row: Option<(String, i64, String, String)> = sqlx::query_as(
        "select v.title, v.number, v.label, v.tree_json from draft d \
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
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(slug)
        .fetch_one(&db.pool)
        .await?;
    let windows = windows(db, draft_id).await?;
    let versions: Vec<(i64, String)> = sqlx::query_as(
        "select number, label from draft_version where draft_id = $1 order by number",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(DraftVersionView {
        slug: slug.into(),
        title: if title.is_empty() {
            tree.title.clone()
        } else {
            title
        },
        number,
        label,
        tree,
        windows,
        versions,
        withheld: false,
    })
}

/// Renumbers articles 1…n and chapters in document order, as a committee does after inserting
/// or deleting articles. Labels are rewritten to match.
pub fn renumber(tree: &mut DraftTree) {
    use super::parse::numerals::to_chinese;
    fn walk(nodes: &mut [super::Node], a: &mut u32, c: &mut u32) {
        for n in nodes {
            match n.kind {
                NodeKind::Zhang => {
                    *c += 1;
                    n.number = Some(*c);
                    n.label = format!("第{}章", to_chinese(*c));
                    walk(&mut n.children, a, c);
                }
                NodeKind::Tiao => {
                    *a += 1;
                    n.number = Some(*a);
                    n.sub = None;
                    n.label = format!("第{}条", to_chinese(*a));
                }
                _ => walk(&mut n.children, a, c),
            }
        }
    }
    let (mut a, mut c) = (0, 0);
    walk(&mut tree.nodes, &mut a, &mut c);
}

/// Character-level diff (the right granularity for Chinese): the old side with deletions
/// marked, the new side with insertions marked.
pub fn char_diff(old: &str, new: &str) -> (Vec<Segment>, Vec<Segment>) {
    use similar::{ChangeTag, TextDiff};
    fn push(v: &mut Vec<Segment>, changed: bool, s: &str) {
        match v.last_mut() {
            Some(last) if last.changed == changed => last.text.push_str(s),
            _ => v.push(Segment {
                changed,
                text: s.to_string(),
            }),
        }
    }
    let diff = TextDiff::from_chars(old, new);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for change in diff.iter_all_changes() {
        let s = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut a, false, s);
                push(&mut b, false, s);
            }
            ChangeTag::Delete => push(&mut a, true, s),
            ChangeTag::Insert => push(&mut b, true, s),
        }
    }
    (a, b)
}

pub(crate) fn article_texts(tree: &DraftTree) -> std::collections::HashMap<String, String> {
    tree.articles()
        .into_iter()
        .map(|a| {
            let mut text = String::new();
            a.walk(&mut |n| {
                if !n.text.is_empty() {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    if matches!(n.kind, NodeKind::Xiang | NodeKind::Mu) {
                        text.push_str(&n.label);
                    }
                    text.push_str(&n.text);
                }
            });
            (super::view::article_anchor(a), text)
        })
        .collect()
}

/// Compares two versions article by article, following stable identities (a renumbered article
/// is compared with itself). Pure: the caller decides which versions (and which of their
/// articles, through the publication gate) may be compared.
pub fn compare(old: &DraftVersionView, new: &DraftVersionView) -> Comparison {
    let index = |t: &DraftTree| -> Vec<(String, String, String, Option<u32>)> {
        let texts = article_texts(t);
        t.articles()
            .into_iter()
            .map(|a| {
                let anchor = super::view::article_anchor(a);
                let uid = if a.uid.is_empty() {
                    anchor.clone()
                } else {
                    a.uid.clone()
                };
                (
                    uid,
                    a.label.clone(),
                    texts.get(&anchor).cloned().unwrap_or_default(),
                    a.number,
                )
            })
            .collect()
    };
    let (old_arts, new_arts) = (index(&old.tree), index(&new.tree));
    let old_by_uid: std::collections::HashMap<&str, &(String, String, String, Option<u32>)> =
        old_arts.iter().map(|a| (a.0.as_str(), a)).collect();
    let new_uids: std::collections::HashSet<&str> = new_arts.iter().map(|a| a.0.as_str()).collect();
    let mut rows = Vec::new();
    let mut summary: Vec<(Change, usize)> = Vec::new();
    let mut count = |c: Change| match summary.iter_mut().find(|(k, _)| *k == c) {
        Some((_, n)) => *n += 1,
        None => summary.push((c, 1)),
    };
    let row = |change, uid: &str, old_label: &str, new_label: &str, o: &str, n: &str| {
        let (old_segs, new_segs) = char_diff(o, n);
        CompareRow {
            change,
            old_label: old_label.into(),
            new_label: new_label.into(),
            old: old_segs,
            new: new_segs,
            uid: uid.into(),
            because: Vec::new(),
        }
    };
    for (uid, label, text, number) in &new_arts {
        match old_by_uid.get(uid.as_str()) {
            Some(o) if o.2 != *text => {
                count(Change::Amended);
                rows.push(row(Change::Amended, uid, &o.1, label, &o.2, text));
            }
            Some(o) => count(if o.3 == *number {
                Change::Unchanged
            } else {
                Change::Renumbered
            }),
            // Absent from an old text the viewer sees only part of: it may have been there, so
            // nothing is claimed.
            None if old.withheld => {}
            None => {
                count(Change::New);
                rows.push(row(Change::New, uid, "", label, "", text));
            }
        }
    }
    for (uid, label, text, _) in &old_arts {
        // Likewise an article missing from a partly readable new text may only be unreleased.
        if !new_uids.contains(uid.as_str()) && !new.withheld {
            count(Change::Deleted);
            rows.push(row(Change::Deleted, uid, label, "", text, ""));
        }
    }
    Comparison {
        slug: new.slug.clone(),
        from: old.number,
        to: new.number,
        title: new.title.clone(),
        old_version: old.label.clone(),
        new_version: new.label.clone(),
        summary,
        rows,
    }
}

/// A draft slug: lower-case letters, digits and hyphens, as it appears in the URL.
pub fn check_slug(slug: &str) -> Result<(), AppError> {
    let ok = (3..=60).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(AppError::validation(
            "slug",
            "网址名须为 3–60 个小写字母、数字或连字符（例如 heating-regs）",
        ))
    }
}

/// What the committee sees before saving: counts, warnings and the outline.
pub fn preview(slug: &str, label: &str, source: &str) -> Result<super::Preview, AppError> {
    check_slug(slug)?;
    if label.trim().is_empty() {
        return Err(AppError::validation(
            "label",
            "请填写稿次名称（例如 征求意见稿、一审稿）",
        ));
    }
    let parsed = parse_text(source).map_err(|e| AppError::validation("source", e.message_zh()))?;
    let mut outline = Vec::new();
    for n in &parsed.tree.nodes {
        n.walk(&mut |n| match n.kind {
            NodeKind::Bian | NodeKind::Fenbian | NodeKind::Zhang | NodeKind::Jie => {
                outline.push(format!("{} {}", n.label, n.title))
            }
            _ => {}
        });
    }
    let articles = parsed.tree.articles();
    if let (Some(first), Some(last)) = (articles.first(), articles.last()) {
        outline.push(format!(
            "条文：{} 至 {}，共 {} 条",
            first.label,
            last.label,
            articles.len()
        ));
    }
    Ok(super::Preview {
        slug: slug.into(),
        label: label.trim().into(),
        source: source.into(),
        title: parsed.tree.title.clone(),
        counts: parsed.counts,
        warnings: parsed.warnings,
        outline,
    })
}

/// Stores a text for its preview; `notes` are what converting an uploaded file left out,
/// shown with the parser's warnings.
pub async fn store_preview(
    db: &Db,
    account_id: i64,
    slug: &str,
    label: &str,
    source: &str,
    notes: &[Warning],
) -> Result<String, AppError> {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let id = hex::encode(bytes);
    let now = now_ms();
    sqlx::query("delete from draft_preview where created_at < $1")
        .bind(now - 86_400_000)
        .execute(&db.pool)
        .await?;
    sqlx::query(
        "insert into draft_preview (id, account_id, slug, label, source, created_at, notes) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(slug)
    .bind(label)
    .bind(source)
    .bind(now)
    .bind(to_json(&notes)?)
    .execute(&db.pool)
    .await?;
    Ok(id)
}

/// A stored preview, only for the account that made it.
pub async fn load_preview(db: &Db, account_id: i64, id: &str) -> Result<super::Preview, AppError> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "select slug, label, source, notes from draft_preview where id = $1 and account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    let (slug, label, source, notes) = row.ok_or(AppError::NotFound)?;
    let mut p = preview(&slug, &label, &source)?;
    let notes: Vec<Warning> = serde_json::from_str(&notes).unwrap_or_else(|e| {
        tracing::error!(error = %e, "stored preview notes do not parse");
        Vec::new()
    });
    p.warnings.extend(notes);
    p.warnings.sort_by_key(|w| w.line);
    Ok(p)
}

/// Corrects the alignment of version `number` with the one before it: its article `new_article`
/// continues the previous version's article `old_article` (`None`: it is a new article). The
/// version is re-aligned with all corrections so far; nothing changes if any check fails.
pub async fn relink(
    db: &Db,
    slug: &str,
    number: i64,
    new_article: u32,
    old_article: Option<u32>,
) -> Result<(), AppError> {
    if number < 2 {
        return Err(AppError::validation(
            "version",
            "第一稿没有上一稿，无需对应",
        ));
    }
    let old = version(db, slug, Some(number - 1)).await?;
    let mut tx = db.begin().await?;
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "select v.id, v.source, v.pins_json from draft_version v join draft d on d.id = v.draft_id \
         where d.slug = $1 and v.number = $2",
    )
    .bind(slug)
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let (version_id, source, pins_json) = row.ok_or(AppError::NotFound)?;
    let mut parsed = parse_text(&source).map_err(|e| {
        tracing::error!(error = %e, %slug, "stored draft source no longer parses");
        AppError::Internal
    })?;
    let new_anchor = parsed
        .tree
        .articles()
        .iter()
        .find(|a| a.number == Some(new_article) && a.sub.is_none())
        .map(|a| super::view::article_anchor(a))
        .ok_or_else(|| AppError::validation("new_article", format!("本稿没有第{new_article}条")))?;
    let old_uid = match old_article {
        None => None,
        Some(n) => Some(
            old.tree
                .articles()
                .iter()
                .find(|a| a.number == Some(n) && a.sub.is_none())
                .map(|a| a.uid.clone())
                .ok_or_else(|| AppError::validation("old_article", format!("上一稿没有第{n}条")))?,
        ),
    };
    let mut pins: Vec<Pin> = serde_json::from_str(&pins_json).unwrap_or_default();
    pins.retain(|p| p.new_anchor != new_anchor && (old_uid.is_none() || p.old_uid != old_uid));
    pins.push(Pin {
        new_anchor,
        old_uid,
    });
    let mappings = carry_identity_pinned(&old.tree, &mut parsed.tree, number, &pins);
    sqlx::query(
        "update draft_version set tree_json = $1, mapping_json = $2, pins_json = $3 where id = $4",
    )
    .bind(to_json(&parsed.tree)?)
    .bind(to_json(&mappings)?)
    .bind(to_json(&pins)?)
    .bind(version_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    drafts_changed();
    Ok(())
}
