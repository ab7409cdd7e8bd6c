//! Stable identity across versions: aligning the units (条/款/项) of a new version with the
//! previous version's, by text similarity and order — not by number — so that when an article is
//! inserted and everything after it is renumbered, identities (and the comments attached to
//! them) follow the text.
//!
//! Pure: trees in, mapping out.
//!
//! Method, per level (articles of the whole text; then paragraphs within each matched article;
//! then items within each matched paragraph):
//! 1. identical texts are matched first, in order (this follows moved chapters and renumbering);
//! 2. the remaining units are paired greedily by character-bigram Dice similarity (≥ 0.5), ties
//!    broken by closeness of relative position;
//! 3. what is left is new or deleted — except an old paragraph whose text is almost wholly
//!    contained in a new paragraph of the same article, which was merged into it.

use super::{DraftTree, Node, NodeKind};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

/// Similarity below which two units are not considered the same unit.
pub const MIN_SIMILARITY: f64 = 0.5;
/// Share of an old paragraph's bigrams found in a new paragraph for it to count as merged.
const MERGE_CONTAINMENT: f64 = 0.8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Unchanged,
    /// Same text, different number or position.
    Renumbered,
    Amended,
    New,
    Deleted,
    /// An old paragraph whose text now lives in another (matched) paragraph.
    Merged,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Unchanged => "未修改",
            Change::Renumbered => "条序变化",
            Change::Amended => "修改",
            Change::New => "新增",
            Change::Deleted => "删除",
            Change::Merged => "合并",
        }
    }
}

/// A unit as the mapping names it: kind, label in its version, anchor and identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub kind: NodeKind,
    pub label: String,
    /// `art-12`, `art-12-p-2`, `art-12-p-2-i-1` in that version.
    pub anchor: String,
    pub uid: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub old: Option<UnitRef>,
    pub new: Option<UnitRef>,
    pub change: Change,
    /// For merged paragraphs: the uid of the paragraph it was merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
}

/// Gives every unit of a first version its identity (its anchor in that version).
pub fn assign_initial_uids(tree: &mut DraftTree) {
    for_each_article_mut(&mut tree.nodes, &mut |art| {
        let anchor = super::view::article_anchor(art);
        assign_children(art, &anchor, None);
        art.uid = anchor;
    });
}

fn assign_children(art: &mut Node, anchor: &str, prefix: Option<&str>) {
    for (i, p) in art.children.iter_mut().enumerate() {
        let pa = format!("{anchor}-p-{}", i + 1);
        for (k, item) in p.children.iter_mut().enumerate() {
            let ia = format!("{pa}-i-{}", k + 1);
            item.uid = prefix.map_or(ia.clone(), |pre| format!("{pre}{ia}"));
        }
        p.uid = prefix.map_or(pa.clone(), |pre| format!("{pre}{pa}"));
    }
}

fn for_each_article_mut(nodes: &mut [Node], f: &mut impl FnMut(&mut Node)) {
    for n in nodes {
        if n.kind == NodeKind::Tiao {
            f(n);
        } else {
            for_each_article_mut(&mut n.children, f);
        }
    }
}

/// All text of a unit and its descendants, which is what is compared.
fn full_text(n: &Node) -> String {
    let mut out = String::new();
    n.walk(&mut |d| {
        if !d.text.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&d.label_if_item());
            out.push_str(&d.text);
        }
    });
    out
}

impl Node {
    fn label_if_item(&self) -> String {
        if matches!(self.kind, NodeKind::Xiang | NodeKind::Mu) {
            self.label.clone()
        } else {
            String::new()
        }
    }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut v: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    if v.is_empty() {
        if let Some(&c) = chars.first() {
            v.push((c, c));
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn overlap(a: &[(char, char)], b: &[(char, char)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

pub fn dice(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    2.0 * overlap(&x, &y) as f64 / (x.len() + y.len()) as f64
}

/// Pairs old and new texts: identical first (in order), then by similarity. Returns for each
/// new index the old index it continues, if any.
pub fn align_texts(old: &[String], new: &[String]) -> Vec<Option<usize>> {
    align_scored(old, new, false)
}

/// With `containment`, an old text wholly inside a new one scores as high as a near-identical
/// one. Used within an article, where it makes two merged paragraphs tie, so the earlier one
/// (closer in position) keeps its identity.
fn align_scored(old: &[String], new: &[String], containment: bool) -> Vec<Option<usize>> {
    let mut result = vec![None; new.len()];
    let mut old_taken = vec![false; old.len()];
    let mut by_text: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (i, t) in old.iter().enumerate() {
        by_text.entry(t.as_str()).or_default().push_back(i);
    }
    for (j, t) in new.iter().enumerate() {
        if let Some(i) = by_text.get_mut(t.as_str()).and_then(VecDeque::pop_front) {
            result[j] = Some(i);
            old_taken[i] = true;
        }
    }
    let old_grams: Vec<_> = old.iter().map(|t| bigrams(t)).collect();
    let new_grams: Vec<_> = new.iter().map(|t| bigrams(t)).collect();
    let mut candidates = Vec::new();
    for (j, ng) in new_grams.iter().enumerate() {
        if result[j].is_some() {
            continue;
        }
        for (i, og) in old_grams.iter().enumerate() {
            if old_taken[i] {
                continue;
            }
            let total = og.len() + ng.len();
            if total == 0 {
                continue;
            }
            let common = overlap(og, ng) as f64;
            let mut sim = 2.0 * common / total as f64;
            if containment && !og.is_empty() {
                sim = sim.max(0.95 * common / og.len() as f64);
            }
            if sim >= MIN_SIMILARITY {
                let rel = |k: usize, n: usize| k as f64 / n.max(1) as f64;
                let score = sim - 0.05 * (rel(i, old.len()) - rel(j, new.len())).abs();
                candidates.push((score, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, j) in candidates {
        if !old_taken[i] && result[j].is_none() {
            old_taken[i] = true;
            result[j] = Some(i);
        }
    }
    result
}

fn articles(tree: &DraftTree) -> Vec<&Node> {
    tree.articles()
}

fn unit_ref(n: &Node, anchor: String) -> UnitRef {
    UnitRef {
        kind: n.kind,
        label: n.label.clone(),
        anchor,
        uid: n.uid.clone(),
    }
}

/// A committee member's correction of the automatic alignment: the new version's article with
/// this anchor continues the old article with this uid — or, with `old_uid: None`, is new.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub new_anchor: String,
    pub old_uid: Option<String>,
}

/// Aligns `new` with `old` and gives `new`'s units their identities: a matched unit keeps the
/// old unit's uid, a new one gets `v{version}:{anchor}`. Returns the mapping of every unit.
pub fn carry_identity(old: &DraftTree, new: &mut DraftTree, version: i64) -> Vec<Mapping> {
    carry_identity_pinned(old, new, version, &[])
}

/// [`carry_identity`] with corrections: pinned pairs are fixed first, the rest aligned around them.
pub fn carry_identity_pinned(
    old: &DraftTree,
    new: &mut DraftTree,
    version: i64,
    pins: &[Pin],
) -> Vec<Mapping> {
    let old_arts = articles(old);
    let new_anchors: Vec<String> = articles(new)
        .iter()
        .map(|a| super::view::article_anchor(a))
        .collect();
    let new_texts: Vec<String> = articles(new).iter().map(|a| full_text(a)).collect();
    let old_texts: Vec<String> = old_arts.iter().map(|a| full_text(a)).collect();
    let mut fixed: Vec<Option<Option<usize>>> = vec![None; new_texts.len()];
    for pin in pins {
        if let Some(j) = new_anchors.iter().position(|a| *a == pin.new_anchor) {
            fixed[j] = Some(
                pin.old_uid
                    .as_ref()
                    .and_then(|u| old_arts.iter().position(|o| &o.uid == u)),
            );
        }
    }
    // Align only what is not pinned, then merge.
    let free_new: Vec<usize> = (0..new_texts.len())
        .filter(|j| fixed[*j].is_none())
        .collect();
    let taken: Vec<usize> = fixed.iter().flatten().flatten().copied().collect();
    let free_old: Vec<usize> = (0..old_texts.len())
        .filter(|i| !taken.contains(i))
        .collect();
    let sub_old: Vec<String> = free_old.iter().map(|i| old_texts[*i].clone()).collect();
    let sub_new: Vec<String> = free_new.iter().map(|j| new_texts[*j].clone()).collect();
    let sub = align_texts(&sub_old, &sub_new);
    let mut matched: Vec<Option<usize>> = fixed.iter().map(|f| f.flatten()).collect();
    for (k, j) in free_new.iter().enumerate() {
        matched[*j] = sub[k].map(|i| free_old[i]);
    }
    let prefix = format!("v{version}:");
    let mut mappings = Vec::new();
    let mut used_old = vec![false; old_arts.len()];
    let mut j = 0;
    for_each_article_mut(&mut new.nodes, &mut |art| {
        let anchor = super::view::article_anchor(art);
        match matched[j] {
            Some(i) => {
                used_old[i] = true;
                let o = old_arts[i];
                let o_anchor = super::view::article_anchor(o);
                art.uid = o.uid.clone();
                let change = if old_texts[i] != new_texts[j] {
                    Change::Amended
                } else if o.number != art.number || o.sub != art.sub {
                    Change::Renumbered
                } else {
                    Change::Unchanged
                };
                mappings.push(Mapping {
                    old: Some(unit_ref(o, o_anchor.clone())),
                    new: Some(unit_ref(art, anchor.clone())),
                    change,
                    into: None,
                });
                align_children(o, &o_anchor, art, &anchor, &prefix, 0, &mut mappings);
            }
            None => {
                art.uid = format!("{prefix}{anchor}");
                assign_children(art, &anchor, Some(&prefix));
                mappings.push(Mapping {
                    old: None,
                    new: Some(unit_ref(art, anchor.clone())),
                    change: Change::New,
                    into: None,
                });
                push_all_children(art, &anchor, &mut mappings, false);
            }
        }
        j += 1;
    });
    for (i, o) in old_arts.iter().enumerate() {
        if !used_old[i] {
            let a = super::view::article_anchor(o);
            mappings.push(Mapping {
                old: Some(unit_ref(o, a.clone())),
                new: None,
                change: Change::Deleted,
                into: None,
            });
            push_all_children(o, &a, &mut mappings, true);
        }
    }
    mappings
}

fn child_anchor(parent: &str, depth: u8, i: usize) -> String {
    if depth == 0 {
        format!("{parent}-p-{}", i + 1)
    } else {
        format!("{parent}-i-{}", i + 1)
    }
}

fn push_all_children(n: &Node, anchor: &str, out: &mut Vec<Mapping>, old_side: bool) {
    for (i, c) in n.children.iter().enumerate() {
        if !matches!(c.kind, NodeKind::Kuan | NodeKind::Xiang) {
            continue;
        }
        let a = child_anchor(anchor, if c.kind == NodeKind::Kuan { 0 } else { 1 }, i);
        let r = Some(unit_ref(c, a.clone()));
        out.push(if old_side {
            Mapping {
                old: r,
                new: None,
                change: Change::Deleted,
                into: None,
            }
        } else {
            Mapping {
                old: None,
                new: r,
                change: Change::New,
                into: None,
            }
        });
        push_all_children(c, &a, out, old_side);
    }
}

/// Aligns the paragraphs (depth 0) or items (depth 1) of two matched units.
fn align_children(
    old: &Node,
    old_anchor: &str,
    new: &mut Node,
    new_anchor: &str,
    prefix: &str,
    depth: u8,
    out: &mut Vec<Mapping>,
) {
    if depth > 1 {
        return;
    }
    let old_texts: Vec<String> = old.children.iter().map(full_text).collect();
    let new_texts: Vec<String> = new.children.iter().map(full_text).collect();
    let matched = align_scored(&old_texts, &new_texts, true);
    let mut used = vec![false; old.children.len()];
    for (j, c) in new.children.iter_mut().enumerate() {
        let a = child_anchor(new_anchor, depth, j);
        match matched[j] {
            Some(i) => {
                used[i] = true;
                let o = &old.children[i];
                let oa = child_anchor(old_anchor, depth, i);
                c.uid = o.uid.clone();
                let change = if old_texts[i] != new_texts[j] {
                    Change::Amended
                } else if i != j {
                    Change::Renumbered
                } else {
                    Change::Unchanged
                };
                out.push(Mapping {
                    old: Some(unit_ref(o, oa.clone())),
                    new: Some(unit_ref(c, a.clone())),
                    change,
                    into: None,
                });
                align_children(o, &oa, c, &a, prefix, depth + 1, out);
            }
            None => {
                c.uid = format!("{prefix}{a}");
                for (k, item) in c.children.iter_mut().enumerate() {
                    item.uid = format!("{prefix}{a}-i-{}", k + 1);
                }
                out.push(Mapping {
                    old: None,
                    new: Some(unit_ref(c, a.clone())),
                    change: Change::New,
                    into: None,
                });
                push_all_children(c, &a, out, false);
            }
        }
    }
    for (i, o) in old.children.iter().enumerate() {
        if used[i] {
            continue;
        }
        let oa = child_anchor(old_anchor, depth, i);
        // Merged: its text now sits inside one of the new paragraphs.
        let og = bigrams(&old_texts[i]);
        let into = new.children.iter().zip(&new_texts).find(|(_, t)| {
            !og.is_empty()
                && overlap(&og, &bigrams(t)) as f64 / og.len() as f64 >= MERGE_CONTAINMENT
        });
        let (change, into) = match into {
            Some((n, _)) => (Change::Merged, Some(n.uid.clone())),
            None => (Change::Deleted, None),
        };
        out.push(Mapping {
            old: Some(unit_ref(o, oa.clone())),
            new: None,
            change,
            into,
        });
        push_all_children(o, &oa, out, true);
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
