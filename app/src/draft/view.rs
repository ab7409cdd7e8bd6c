//! The draft text as HTML: the reading page's body and the printable handout.
//!
//! Every unit gets a stable anchor (`art-12`, `art-12-p-2`, `art-12-p-2-i-3`) so links to an
//! article or paragraph can be shared and survive re-rendering.

use super::{DraftTree, Node, NodeKind, Window, WindowState};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// Published-opinion counts of one unit, shown beside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCounts {
    pub support: i64,
    pub oppose: i64,
    pub amend: i64,
    /// Published opinions made on this unit in earlier versions.
    pub earlier: i64,
}

impl UnitCounts {
    /// Opinions on this version's text.
    pub fn current(&self) -> i64 {
        self.support + self.oppose + self.amend
    }
}

/// What a page puts beside a unit open for comments, given (slug, unit uid, link, label) — the
/// reading page puts the inline comment form there. The draft text itself knows nothing of
/// comments.
#[derive(Clone)]
pub struct CommentSlot(pub Arc<dyn Fn(String, String, String, String) -> AnyView + Send + Sync>);

/// Each article's comment-window status, by uid, for the badges beside the articles; the
/// public comment counts; the draft's slug for the comment links; and the comment slot.
#[derive(Clone, Default)]
struct Statuses(
    Arc<HashMap<String, (WindowState, String)>>,
    Arc<HashMap<String, UnitCounts>>,
    Arc<str>,
    Option<CommentSlot>,
);

/// The id a unit has on the page: its stable identity when it has one, so a link to an article
/// keeps pointing at the same text in later versions even when it is renumbered.
fn page_id(n: &Node, fallback: String) -> String {
    if n.uid.is_empty() {
        fallback
    } else {
        n.uid.clone()
    }
}

/// The article a unit belongs to: `art-12-p-2-i-3` → `art-12` (stable identities of
/// paragraphs and items extend their article's).
pub fn article_of(uid: &str) -> &str {
    let cut = [uid.find("-p-"), uid.find("-i-")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(uid.len());
    &uid[..cut]
}

/// The anchor of an article: `art-12`, or `art-12-1` for 第十二条之一.
pub fn article_anchor(n: &Node) -> String {
    match (n.number, n.sub) {
        (Some(num), Some(sub)) => format!("art-{num}-{sub}"),
        (Some(num), None) => format!("art-{num}"),
        _ => format!("line-{}", n.line),
    }
}

#[component]
pub fn DraftText(
    tree: DraftTree,
    #[prop(optional)] windows: Vec<Window>,
    #[prop(optional)] counts: Vec<(String, UnitCounts)>,
    #[prop(optional, into)] slug: String,
    #[prop(optional)] comment: Option<CommentSlot>,
    // What the reading page shows between the title and the text (parts, versions, contents):
    // the title comes first, also on a phone.
    #[prop(optional)] preface: Option<AnyView>,
) -> impl IntoView {
    let mut statuses = HashMap::new();
    for w in &windows {
        for uid in &w.article_uids {
            // The most recent window decides (a part may be re-opened).
            statuses.insert(uid.clone(), (w.state, w.describe()));
        }
    }
    provide_context(Statuses(
        Arc::new(statuses),
        Arc::new(counts.into_iter().collect()),
        slug.into(),
        comment,
    ));
    let nodes = tree.nodes.clone();
    view! {
        <article class="draft-text">
            <h1 class="draft-title">{tree.title.clone()}</h1>
            {(!tree.note.is_empty()).then(|| view! { <p class="draft-note">{tree.note.clone()}</p> })}
            {preface}
            {nodes.into_iter().map(|n| view! { <Unit node=n anchor=String::new()/> }).collect_view()}
        </article>
    }
}

/// Public counts of a unit and everything under it, so an article shows its paragraphs' too.
fn subtree_counts(n: &Node, counts: &HashMap<String, UnitCounts>) -> Option<UnitCounts> {
    let mut total = UnitCounts::default();
    let mut any = false;
    n.walk(&mut |d| {
        if let Some(c) = counts.get(&d.uid) {
            any = true;
            total.support += c.support;
            total.oppose += c.oppose;
            total.amend += c.amend;
            total.earlier += c.earlier;
        }
    });
    any.then_some(total)
}

/// `open`: the unit's article is open for comments (children of an open article get their
/// own comment links).
#[component]
fn Unit(
    node: Node,
    anchor: String,
    #[prop(optional)] open: bool,
    /// The only paragraph of its article: the article's own link serves it.
    #[prop(optional)]
    solo: bool,
) -> impl IntoView {
    match node.kind {
        NodeKind::Bian
        | NodeKind::Fenbian
        | NodeKind::Zhang
        | NodeKind::Jie
        | NodeKind::Preamble
        | NodeKind::Annex => {
            let class = format!("unit-{:?}", node.kind).to_lowercase();
            let heading = format!("{} {}", node.label, node.title).trim().to_string();
            view! {
                <section class=class>
                    <h2 class="unit-heading">{heading}</h2>
                    {node.children.into_iter().map(|c| view! { <Unit node=c anchor=String::new()/> }).collect_view()}
                </section>
            }
            .into_any()
        }
        NodeKind::Tiao | NodeKind::Point => {
            let id = page_id(&node, article_anchor(&node));
            let ctx = use_context::<Statuses>().unwrap_or_default();
            let status = ctx.0.get(&node.uid).cloned();
            let counts = subtree_counts(&node, &ctx.1);
            let open = status.as_ref().is_some_and(|s| s.0 == WindowState::Open);
            let comment_link = (open && !node.uid.is_empty())
                .then(|| format!("/drafts/{}/comment/{}", ctx.2, node.uid));
            let slot = ctx.3.clone();
            let (slug, uid) = (ctx.2.to_string(), node.uid.clone());
            let label = node.label.clone();
            let text = node.text.clone();
            let solo = node.children.len() == 1;
            let children = node
                .children
                .into_iter()
                .enumerate()
                .map(|(i, c)| view! { <Unit node=c anchor=format!("{id}-p-{}", i + 1) open=open solo=solo/> })
                .collect_view();
            view! {
                <div class="article" id=id.clone()>
                    <a class="article-label" href=format!("#{id}")>{label}</a>
                    {status.map(|(state, text)| {
                        let class = format!("status status-{}", match state {
                            WindowState::Open => "open",
                            WindowState::Upcoming => "upcoming",
                            WindowState::Closed => "closed",
                        });
                        view! { <span class=class>{text}</span> }
                    })}
                    {comment_link.map(|href| match slot {
                        Some(slot) => (slot.0)(slug, uid, href, "发表意见".into()),
                        None => view! { <a class="comment-link" href=href>"发表意见"</a> }.into_any(),
                    })}
                    {counts.map(|c| {
                        let mut parts = vec![format!("赞成 {} · 反对 {} · 修改建议 {}", c.support, c.oppose, c.amend)];
                        if c.earlier > 0 {
                            parts.push(format!("上一稿中对本条的 {} 条意见", c.earlier));
                        }
                        view! { <span class="comment-counts">{parts.join("；")}</span> }
                    })}
                    {(!text.is_empty()).then(|| view! { <p>{text}</p> })}
                    {children}
                </div>
            }
            .into_any()
        }
        NodeKind::Kuan | NodeKind::Xiang | NodeKind::Mu => {
            let own_id = page_id(&node, anchor.clone());
            let ctx = use_context::<Statuses>().unwrap_or_default();
            let link = (open && !solo && !node.uid.is_empty()).then(|| {
                let href = format!("/drafts/{}/comment/{}", ctx.2, node.uid);
                let label = if node.kind == NodeKind::Kuan {
                    "对本款提意见"
                } else {
                    "对本项提意见"
                };
                match &ctx.3 {
                    Some(slot) => (slot.0)(ctx.2.to_string(), node.uid.clone(), href, label.into()),
                    None => view! { <a class="comment-link" href=href>{label}</a> }.into_any(),
                }
            });
            let prefix = if node.kind == NodeKind::Kuan {
                ""
            } else {
                "-i-"
            };
            let children = node
                .children
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let child_anchor = if prefix.is_empty() {
                        format!("{anchor}-i-{}", i + 1)
                    } else {
                        format!("{anchor}-{}", i + 1)
                    };
                    view! { <Unit node=c anchor=child_anchor open=open/> }
                })
                .collect_view();
            let class = format!("unit-{:?}", node.kind).to_lowercase();
            view! {
                <div class=class id=own_id>
                    <p>
                        {(!node.label.is_empty()).then(|| view! { <span class="unit-label">{node.label.clone()}</span> })}
                        {node.text.clone()}
                    </p>
                    {link}
                    {children}
                </div>
            }
            .into_any()
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn draft_text_is_escaped_and_anchored() {
        let text = "# 条例\n\n第一条 <script>alert(1)</script>甲<img src=x onerror=alert(2)>。\n\n[链接](javascript:alert(3))\n\n（一）项目；\n";
        let parsed = crate::draft::parse::parse_text(text).unwrap();
        assert!(parsed
            .warnings
            .iter()
            .any(|w| w.line == 3 && w.message.contains("<script>")));
        let html = Owner::new().with(|| view! { <DraftText tree=parsed.tree/> }.to_html());
        assert!(
            !html.contains("<script") && !html.contains("<img") && !html.contains("onerror"),
            "{html}"
        );
        assert!(
            html.contains("alert(1)甲。"),
            "the text itself stays: {html}"
        );
        // Text that looks like HTML in plain-text drafts is escaped, never interpreted.
        let plain =
            crate::draft::parse::parse_text("条例\n第一条 <b onclick=x>粗</b>。\n").unwrap();
        let html2 = Owner::new().with(|| view! { <DraftText tree=plain.tree/> }.to_html());
        assert!(html2.contains("&lt;b onclick=x&gt;粗&lt;/b&gt;"), "{html2}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(
            html.contains("id=\"art-1\"") && html.contains("href=\"#art-1\""),
            "{html}"
        );
        assert!(html.contains("id=\"art-1-p-2-i-1\""), "{html}");
    }
}
