//! The publication gate: the one rule every read path asks before showing any of a draft.
//!
//! *May this viewer see this version, and which of its units?* The committee and administrators
//! ([`Audience::Staff`]) see everything. Everyone else ([`Audience::Public`]) sees a version only
//! once one of its publications has opened, and of that version only
//!
//! - the articles of its opened publications,
//! - everything, when an opened publication released the whole text for reading
//!   (`whole_text`), and
//! - articles whose text is word for word the text of the same article (same stable identity)
//!   in an earlier released version where the public could already read it — republishing
//!   unchanged text leaks nothing.
//!
//! A scheduled publication releases nothing before it opens; a withdrawn one never does. Saving
//! a new version changes nothing for the public until a part of it opens.
//!
//! The rule itself ([`Released::compute`], [`restrict`]) is pure; [`released`] loads its inputs.
//! Pages, server functions, downloads, search and the comment intake go through it; the suite's
//! public-read-path test (`server/tests/it/gate.rs`) enumerates them.

use super::{DraftTree, Node, NodeKind};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Who is reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Anyone without a committee or admin login: citizens, station operators, the anonymous.
    Public,
    /// The drafting committee and administrators: every version, published or not.
    Staff,
}

impl Audience {
    /// The audience of the request being handled.
    pub fn current() -> Audience {
        Audience::of(&crate::auth::ssr::viewer())
    }

    pub fn of(viewer: &crate::auth::ssr::Viewer) -> Audience {
        use crate::auth::Role;
        match viewer.user() {
            Some(u) if matches!(u.role, Role::Committee | Role::Admin) => Audience::Staff,
            _ => Audience::Public,
        }
    }
}

/// What of one version the public may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Whole,
    /// The stable identities of the readable articles.
    Articles(HashSet<String>),
}

impl Scope {
    pub fn article(&self, uid: &str) -> bool {
        match self {
            Scope::Whole => true,
            Scope::Articles(set) => set.contains(uid),
        }
    }
}

/// One publication as the gate needs it.
#[derive(Clone, Debug)]
pub struct PublicationRow {
    pub version: i64,
    pub article_uids: Vec<String>,
    pub opens_at: i64,
    pub whole_text: bool,
    pub withdrawn: bool,
}

/// What of one draft the public may read at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Released {
    versions: BTreeMap<i64, Scope>,
    /// When the answer changes next by itself (a scheduled publication opens), if ever.
    pub next_change: Option<i64>,
}

impl Released {
    /// The rule. `texts` gives, for each version the rows name, its articles' full text by
    /// stable identity (only needed to carry unchanged text forward; a version missing from it
    /// carries nothing).
    pub fn compute(
        rows: &[PublicationRow],
        texts: &HashMap<i64, HashMap<String, String>>,
        now: i64,
    ) -> Released {
        let mut own: BTreeMap<i64, Scope> = BTreeMap::new();
        let mut next_change: Option<i64> = None;
        for r in rows.iter().filter(|r| !r.withdrawn) {
            if r.opens_at > now {
                next_change = Some(next_change.map_or(r.opens_at, |t: i64| t.min(r.opens_at)));
                continue;
            }
            let scope = own
                .entry(r.version)
                .or_insert_with(|| Scope::Articles(HashSet::new()));
            match scope {
                Scope::Whole => {}
                Scope::Articles(_) if r.whole_text => *scope = Scope::Whole,
                Scope::Articles(set) => set.extend(r.article_uids.iter().cloned()),
            }
        }
        // Unchanged text already public in an earlier released version stays readable.
        let mut public_text: HashMap<&str, &str> = HashMap::new();
        let mut versions = BTreeMap::new();
        for (n, mut scope) in own {
            let mine = texts.get(&n);
            if let (Scope::Articles(set), Some(mine)) = (&mut scope, mine) {
                for (uid, text) in mine {
                    if public_text.get(uid.as_str()) == Some(&text.as_str()) {
                        set.insert(uid.clone());
                    }
                }
            }
            if let Some(mine) = mine {
                for (uid, text) in mine {
                    if scope.article(uid) {
                        public_text.insert(uid, text);
                    }
                }
            }
            versions.insert(n, scope);
        }
        Released {
            versions,
            next_change,
        }
    }

    /// Whether the public may read anything of the draft.
    pub fn any(&self) -> bool {
        !self.versions.is_empty()
    }

    /// The newest version the public may read.
    pub fn newest(&self) -> Option<i64> {
        self.versions.keys().next_back().copied()
    }

    /// What of version `n` the public may read (`None`: nothing).
    pub fn scope(&self, n: i64) -> Option<&Scope> {
        self.versions.get(&n)
    }

    /// The released versions, oldest first.
    pub fn numbers(&self) -> impl Iterator<Item = i64> + '_ {
        self.versions.keys().copied()
    }

    /// The newest released version in which the public may read article `uid`.
    pub fn newest_with_article(&self, uid: &str) -> Option<i64> {
        self.versions
            .iter()
            .rev()
            .find(|(_, s)| s.article(uid))
            .map(|(n, _)| *n)
    }
}

/// Each article's full text by stable identity (what the gate compares across versions).
pub fn article_texts_by_uid(tree: &DraftTree) -> HashMap<String, String> {
    tree.articles()
        .into_iter()
        .filter(|a| !a.uid.is_empty())
        .map(|a| {
            let mut text = String::new();
            a.walk(&mut |n| {
                text.push_str(&n.label);
                text.push('\u{1f}');
                text.push_str(&n.title);
                text.push('\u{1f}');
                text.push_str(&n.text);
                text.push('\n');
            });
            (a.uid.clone(), text)
        })
        .collect()
}

/// The tree with only what `scope` lets the public read: readable articles, and the headings
/// above them. Preamble, annexes and points go only with the whole text. Returns whether
/// anything was left out.
pub fn restrict(tree: &DraftTree, scope: &Scope) -> (DraftTree, bool) {
    let Scope::Articles(set) = scope else {
        return (tree.clone(), false);
    };
    fn keep(n: &Node, set: &HashSet<String>, withheld: &mut bool) -> Option<Node> {
        match n.kind {
            NodeKind::Tiao if set.contains(&n.uid) => Some(n.clone()),
            NodeKind::Tiao => {
                *withheld = true;
                None
            }
            NodeKind::Bian | NodeKind::Fenbian | NodeKind::Zhang | NodeKind::Jie => {
                let children: Vec<Node> = n
                    .children
                    .iter()
                    .filter_map(|c| keep(c, set, withheld))
                    .collect();
                if children.iter().any(|c| c.kind != NodeKind::Kuan) {
                    Some(Node {
                        children,
                        ..n.clone()
                    })
                } else {
                    *withheld = true;
                    None
                }
            }
            _ => {
                *withheld = true;
                None
            }
        }
    }
    let mut withheld = false;
    let nodes = tree
        .nodes
        .iter()
        .filter_map(|n| keep(n, set, &mut withheld))
        .collect();
    (
        DraftTree {
            title: tree.title.clone(),
            note: tree.note.clone(),
            nodes,
        },
        withheld,
    )
}

pub use storage::*;

mod storage {
    use super::*;
    use crate::error::AppError;
    use crate::ssr::{now_ms, Db};

    /// What the public may read of draft `draft_id` now, from its publications and the texts
    /// of its released versions.
    pub async fn released(db: &Db, draft_id: i64) -> Result<Released, AppError> {
        let rows: Vec<(i64, String, i64, i64, Option<i64>)> = sqlx::query_as(
            "select version_number, article_uids, opens_at, whole_text, withdrawn_at \
             from publication where draft_id = $1 order by id",
        )
        .bind(draft_id)
        .fetch_all(&db.pool)
        .await?;
        let now = now_ms();
        let rows: Vec<PublicationRow> = rows
            .into_iter()
            .map(
                |(version, uids, opens_at, whole, withdrawn)| PublicationRow {
                    version,
                    article_uids: serde_json::from_str(&uids).unwrap_or_default(),
                    opens_at,
                    whole_text: whole != 0,
                    withdrawn: withdrawn.is_some(),
                },
            )
            .collect();
        let mut opened: Vec<i64> = rows
            .iter()
            .filter(|r| !r.withdrawn && r.opens_at <= now)
            .map(|r| r.version)
            .collect();
        opened.sort_unstable();
        opened.dedup();
        // Texts matter only where an earlier released version could carry articles forward.
        let mut texts = HashMap::new();
        if opened.len() > 1 {
            for n in &opened {
                let json: Option<String> = sqlx::query_scalar(
                    "select tree_json from draft_version where draft_id = $1 and number = $2",
                )
                .bind(draft_id)
                .bind(n)
                .fetch_optional(&db.pool)
                .await?;
                if let Some(tree) = json.and_then(|j| serde_json::from_str::<DraftTree>(&j).ok()) {
                    texts.insert(*n, article_texts_by_uid(&tree));
                }
            }
        }
        Ok(Released::compute(&rows, &texts, now))
    }

    /// The draft's id, or `NotFound`.
    pub async fn draft_id(db: &Db, slug: &str) -> Result<i64, AppError> {
        sqlx::query_scalar("select id from draft where slug = $1")
            .bind(slug)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The version `number` (default: the newest the audience may read) of a draft, restricted
    /// to what the audience may read; `NotFound` when it may read none of it (a draft or version
    /// nothing of which is released looks exactly like one that does not exist).
    pub async fn readable(
        db: &Db,
        slug: &str,
        number: Option<i64>,
        audience: Audience,
    ) -> Result<super::super::DraftVersionView, AppError> {
        let draft_id = draft_id(db, slug).await?;
        if audience == Audience::Staff {
            return super::super::ssr::version(db, slug, number).await;
        }
        let released = released(db, draft_id).await?;
        let number = match number {
            Some(n) => n,
            None => released.newest().ok_or(AppError::NotFound)?,
        };
        let scope = released.scope(number).ok_or(AppError::NotFound)?;
        let mut v = super::super::ssr::version(db, slug, Some(number)).await?;
        let (tree, withheld) = restrict(&v.tree, scope);
        v.tree = tree;
        v.withheld = withheld;
        v.versions.retain(|(n, _)| released.scope(*n).is_some());
        Ok(v)
    }

    /// Whether the public may read unit `unit_uid` (an article, paragraph or item) in any
    /// released version of the draft.
    pub async fn unit_readable(db: &Db, draft_id: i64, unit_uid: &str) -> Result<bool, AppError> {
        let r = released(db, draft_id).await?;
        Ok(r.newest_with_article(article_of(unit_uid)).is_some())
    }
}

pub use super::view::article_of;

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: i64, uids: &[&str], opens_at: i64, whole: bool) -> PublicationRow {
        PublicationRow {
            version,
            article_uids: uids.iter().map(|s| s.to_string()).collect(),
            opens_at,
            whole_text: whole,
            withdrawn: false,
        }
    }

    fn texts(pairs: &[(i64, &[(&str, &str)])]) -> HashMap<i64, HashMap<String, String>> {
        pairs
            .iter()
            .map(|(n, arts)| {
                (
                    *n,
                    arts.iter()
                        .map(|(u, t)| (u.to_string(), t.to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn nothing_is_public_before_a_publication_opens() {
        let r = Released::compute(&[row(1, &["art-1"], 100, true)], &HashMap::new(), 50);
        assert!(!r.any());
        assert_eq!(r.next_change, Some(100));
        let r = Released::compute(&[row(1, &["art-1"], 100, true)], &HashMap::new(), 100);
        assert_eq!(r.scope(1), Some(&Scope::Whole));
    }

    #[test]
    fn a_withdrawn_publication_releases_nothing() {
        let mut w = row(1, &["art-1"], 0, true);
        w.withdrawn = true;
        assert!(!Released::compute(&[w], &HashMap::new(), 10).any());
    }

    #[test]
    fn a_new_version_is_not_public_until_a_part_of_it_opens() {
        // Version 2 exists but has no publication: the newest readable is still version 1.
        let r = Released::compute(&[row(1, &["art-1", "art-2"], 0, false)], &HashMap::new(), 5);
        assert_eq!(r.newest(), Some(1));
        assert!(r.scope(2).is_none());
        assert!(r
            .scope(1)
            .is_some_and(|s| s.article("art-2") && !s.article("art-3")));
    }

    #[test]
    fn unchanged_text_carries_forward_changed_text_does_not() {
        let rows = [
            row(1, &["art-1", "art-2"], 0, false),
            row(2, &["art-3"], 0, false),
        ];
        let t = texts(&[
            (1, &[("art-1", "甲"), ("art-2", "乙"), ("art-3", "丙")]),
            (2, &[("art-1", "甲"), ("art-2", "乙改"), ("art-3", "丙二")]),
        ]);
        let r = Released::compute(&rows, &t, 5);
        let s2 = r.scope(2).unwrap();
        assert!(s2.article("art-1"), "unchanged and public in version 1");
        assert!(
            !s2.article("art-2"),
            "amended in version 2, not released there"
        );
        assert!(s2.article("art-3"), "published in version 2");
        // art-3 was never public in version 1.
        assert!(!r.scope(1).unwrap().article("art-3"));
        assert_eq!(r.newest_with_article("art-2"), Some(1));
    }

    #[test]
    fn restrict_keeps_headings_of_readable_articles_only() {
        let src = "# 条例\n\n## 第一章 总则\n\n第一条 甲。\n\n第二条 乙。\n\n## 第二章 附则\n\n第三条 丙。\n";
        let mut tree = crate::draft::parse::parse_text(src).unwrap().tree;
        crate::draft::align::assign_initial_uids(&mut tree);
        let scope = Scope::Articles(["art-2".to_string()].into_iter().collect());
        let (t, withheld) = restrict(&tree, &scope);
        assert!(withheld);
        assert_eq!(t.counts().zhang, 1);
        assert_eq!(t.articles().len(), 1);
        assert_eq!(t.articles()[0].uid, "art-2");
        let (whole, withheld) = restrict(&tree, &Scope::Whole);
        assert!(!withheld);
        assert_eq!(whole, tree);
    }

    #[test]
    fn article_of_cuts_paragraphs_and_items() {
        assert_eq!(article_of("art-12-p-2-i-3"), "art-12");
        assert_eq!(article_of("art-12-1-p-1"), "art-12-1");
        assert_eq!(article_of("v2-art-3"), "v2-art-3");
    }
}
