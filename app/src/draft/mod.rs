//! Drafts (草案): the legislative text model comments, clusters and exports anchor to.
//!
//! The tree types here cross the wire (the committee's preview shows them); the parser that
//! builds them from Markdown or official plain text lives in [`parse`] and is pure: no web, no
//! database.

// The publish server function mirrors its form field by field (a plain HTML form posts to it);
// the macro's generated client function inherits the long argument list.
#![allow(clippy::too_many_arguments)]

pub mod align;
#[cfg(feature = "ssr")]
pub mod gate;
#[cfg(feature = "ssr")]
pub mod import;
pub mod import_page;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod parse;
#[cfg(feature = "ssr")]
pub mod publication;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod time;
pub mod view;

use crate::error::AppError;
use leptos::prelude::*;

use serde::{Deserialize, Serialize};

/// The levels of Chinese legislative structure, plus the parts around the articles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// 编 (part). Unnumbered parts such as a closing 附则 under 编-level headings have no number.
    Bian,
    /// 分编 (sub-part, 民法典).
    Fenbian,
    /// 章 (chapter).
    Zhang,
    /// 节 (section).
    Jie,
    /// 条 (article).
    Tiao,
    /// 款 (paragraph, unnumbered).
    Kuan,
    /// 项 (item, “（一）”).
    Xiang,
    /// 目 (sub-item, “1.”).
    Mu,
    /// A top-level numbered point “一、” in documents without articles (decisions, amendments).
    Point,
    /// 序言 (preamble).
    Preamble,
    /// 附件 / 附表 / 附录 after the last article.
    Annex,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub kind: NodeKind,
    /// The number as an integer (第一百二十条 → 120); `None` for unnumbered units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// For inserted articles 第X条之Y: Y.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<u32>,
    /// The label as written (cleaned of stray spaces): “第一百二十条之一”, “（三）”, “第二章”.
    pub label: String,
    /// Heading title (编/章/节/附件), empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub title: String,
    /// The unit's own text (款/项/目 text; an article's text is in its 款 children).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub text: String,
    /// 1-based line in the source where the unit starts.
    pub line: u32,
    /// Stable identity across versions (see [`align`]); empty until the version is stored.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub uid: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub children: Vec<Node>,
}

/// Structure counts, with the same conventions as the corpus manifests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub bian: u32,
    pub fenbian: u32,
    pub zhang: u32,
    pub jie: u32,
    pub tiao: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub line: u32,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftTree {
    pub title: String,
    /// 题注: the enactment/amendment history under the title.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub note: String,
    /// Everything in document order: 序言, 编/章/…/条, points, 附件.
    pub nodes: Vec<Node>,
}

impl Node {
    pub fn new(kind: NodeKind, line: u32) -> Node {
        Node {
            kind,
            number: None,
            sub: None,
            label: String::new(),
            title: String::new(),
            text: String::new(),
            line,
            uid: String::new(),
            children: Vec::new(),
        }
    }

    /// Depth-first walk over this node and its descendants.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }
}

impl DraftTree {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for n in &self.nodes {
            n.walk(&mut |n| match n.kind {
                NodeKind::Bian if n.number.is_some() => c.bian += 1,
                NodeKind::Fenbian => c.fenbian += 1,
                NodeKind::Zhang => c.zhang += 1,
                NodeKind::Jie => c.jie += 1,
                NodeKind::Tiao => c.tiao += 1,
                _ => {}
            });
        }
        c
    }

    /// The text as Markdown that the parser reads back to the same structure (for exports and
    /// for building versions).
    pub fn to_markdown(&self) -> String {
        fn unit(n: &Node, out: &mut String) {
            match n.kind {
                NodeKind::Bian | NodeKind::Fenbian | NodeKind::Zhang | NodeKind::Jie => {
                    let level = match n.kind {
                        NodeKind::Bian => "##",
                        NodeKind::Fenbian => "###",
                        NodeKind::Zhang => "####",
                        _ => "#####",
                    };
                    out.push_str(&format!("{level} {} {}\n\n", n.label, n.title));
                    n.children.iter().for_each(|c| unit(c, out));
                }
                NodeKind::Preamble | NodeKind::Annex => {
                    out.push_str(&format!(
                        "## {}\n\n",
                        if n.title.is_empty() {
                            &n.label
                        } else {
                            &n.title
                        }
                    ));
                    n.children.iter().for_each(|c| unit(c, out));
                }
                NodeKind::Tiao | NodeKind::Point => {
                    out.push_str(&n.label);
                    out.push(if n.kind == NodeKind::Tiao {
                        ' '
                    } else {
                        '\u{0}'
                    });
                    if out.ends_with('\u{0}') {
                        out.pop();
                    }
                    let mut first = true;
                    if !n.text.is_empty() {
                        out.push_str(&n.text);
                        out.push_str("\n\n");
                        first = false;
                    }
                    for c in &n.children {
                        if first && c.kind == NodeKind::Kuan {
                            out.push_str(&c.text);
                            out.push_str("\n\n");
                            c.children.iter().for_each(|g| unit(g, out));
                            first = false;
                        } else {
                            unit(c, out);
                        }
                    }
                    if first {
                        out.push_str("\n\n");
                    }
                }
                NodeKind::Kuan => {
                    if !n.text.is_empty() {
                        out.push_str(&n.text);
                        out.push_str("\n\n");
                    }
                    n.children.iter().for_each(|c| unit(c, out));
                }
                NodeKind::Xiang | NodeKind::Mu => {
                    // A backslash keeps "1." from becoming a Markdown list marker.
                    let label = if n.kind == NodeKind::Mu {
                        n.label.replacen('.', "\\.", 1)
                    } else {
                        n.label.clone()
                    };
                    out.push_str(&format!("{label}{}\n\n", n.text));
                    n.children.iter().for_each(|c| unit(c, out));
                }
            }
        }
        let mut out = format!("# {}\n\n", self.title);
        self.nodes.iter().for_each(|n| unit(n, &mut out));
        out
    }

    /// All articles in order.
    pub fn articles(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        for n in &self.nodes {
            n.walk(&mut |n| {
                if n.kind == NodeKind::Tiao {
                    out.push(n)
                }
            });
        }
        out
    }
}

/// One line of the public list of drafts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub version_label: String,
    /// Open if any part is open, else upcoming if any part will open, else closed.
    pub state: WindowState,
}

/// A version of a draft as the reading page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftVersionView {
    pub slug: String,
    pub title: String,
    pub number: i64,
    pub label: String,
    pub tree: DraftTree,
    /// The comment windows of the draft's published parts.
    pub windows: Vec<Window>,
    /// Every version of the draft the viewer may read: (number, label), oldest first.
    pub versions: Vec<(i64, String)>,
    /// Parts of this version are not public yet and were left out (see [`gate`]).
    #[serde(default)]
    pub withheld: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowState {
    Upcoming,
    Open,
    Closed,
}

/// A published part and its comment window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The publication's id (0 where it does not matter).
    #[serde(default)]
    pub id: i64,
    pub part_label: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub state: WindowState,
    /// The stable identities of the part's articles.
    pub article_uids: Vec<String>,
}

impl Window {
    pub fn state_at(opens_at: i64, closes_at: i64, now: i64) -> WindowState {
        if now < opens_at {
            WindowState::Upcoming
        } else if now < closes_at {
            WindowState::Open
        } else {
            WindowState::Closed
        }
    }

    /// “征求意见中，截止 2026-12-31 18:00” and the like.
    pub fn describe(&self) -> String {
        match self.state {
            WindowState::Open => format!("征求意见中，截止 {}", time::format_local(self.closes_at)),
            WindowState::Upcoming => {
                format!("将于 {} 开始征求意见", time::format_local(self.opens_at))
            }
            WindowState::Closed => {
                format!("征求意见已于 {} 截止", time::format_local(self.closes_at))
            }
        }
    }
}

/// Public: the drafts the viewer may read (the committee also sees those not published yet).
#[server(prefix = "/api", endpoint = "drafts/list")]
pub async fn list_drafts() -> Result<Vec<DraftSummary>, AppError> {
    let state = crate::ssr::app_state()?;
    ssr::list(&state.db, gate::Audience::current()).await
}

/// Public: the newest version of a draft the viewer may read (or version `number`), with only
/// what the viewer may read of it (see [`gate`]).
#[server(prefix = "/api", endpoint = "drafts/get")]
pub async fn get_draft(slug: String, number: Option<i64>) -> Result<DraftVersionView, AppError> {
    let state = crate::ssr::app_state()?;
    gate::readable(&state.db, &slug, number, gate::Audience::current()).await
}

/// A run of text in a comparison; `changed` runs are deleted (old side) or inserted (new side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub changed: bool,
    pub text: String,
}

/// One row of the 对照表: an article in the old and the new version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareRow {
    pub change: align::Change,
    pub old_label: String,
    pub new_label: String,
    pub old: Vec<Segment>,
    pub new: Vec<Segment>,
    /// The article's stable identity.
    #[serde(default)]
    pub uid: String,
    /// Opinions whose disposition names a unit of this article as changed because of them
    /// (tracking number and disposition), once the committee has published its feedback.
    #[serde(default)]
    pub because: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub slug: String,
    /// The compared versions' numbers.
    pub from: i64,
    pub to: i64,
    pub title: String,
    pub old_version: String,
    pub new_version: String,
    /// Articles per kind of change.
    pub summary: Vec<(align::Change, usize)>,
    /// Changed articles only (amended, new, deleted), in the new version's order.
    pub rows: Vec<CompareRow>,
}

/// What a publication will do, shown to the committee before it confirms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishPreview {
    pub draft_title: String,
    pub version_label: String,
    pub part_label: String,
    /// Articles in the part, and the first and last of them.
    pub articles: usize,
    pub first_article: String,
    pub last_article: String,
    pub opens_at: String,
    pub closes_at: String,
    pub opens_now: bool,
    pub whole_text: bool,
    /// Stations sent a notice, and those of them with an address (mailed).
    pub stations_notified: i64,
    pub stations_mailed: i64,
}

#[cfg(feature = "ssr")]
fn part_spec(
    chapter: Option<String>,
    articles: Option<String>,
    levels: Option<Vec<i64>>,
    county: Option<String>,
    whole_text: Option<String>,
) -> Result<ssr::PartSpec, AppError> {
    let chapter = match chapter.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            c.parse::<u32>()
                .map_err(|_| AppError::validation("chapter", "章的编号须为数字"))?,
        ),
    };
    Ok(ssr::PartSpec {
        chapter,
        articles: articles.filter(|a| !a.trim().is_empty()),
        whole_text: whole_text.is_some_and(|w| !w.is_empty()),
        recipients: ssr::Recipients {
            levels: levels.unwrap_or_default(),
            county,
        },
    })
}

/// Committee: what publishing this part would do (checked like the publication itself; nothing
/// stored). The publish page shows it before the committee confirms.
#[server(prefix = "/api", endpoint = "drafts/publish-preview")]
pub async fn preview_publication(
    slug: String,
    chapter: Option<String>,
    articles: Option<String>,
    opens_at: String,
    closes_at: String,
    levels: Option<Vec<i64>>,
    county: Option<String>,
    whole_text: Option<String>,
) -> Result<PublishPreview, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let part = part_spec(chapter, articles, levels, county, whole_text)?;
    Ok(
        publication::plan(&state.db, &slug, &part, &opens_at, &closes_at)
            .await?
            .preview,
    )
}

/// Committee: withdraw a publication that has not opened yet (its stations are told).
#[server(prefix = "/api", endpoint = "drafts/withdraw")]
pub async fn withdraw_publication(
    slug: String,
    id: i64,
    confirmed: Option<String>,
) -> Result<String, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    require_confirmed(confirmed.as_deref(), "勾选“确认撤回并通知联系点”后再撤回")?;
    let state = crate::ssr::app_state()?;
    let label = publication::withdraw(&state.db, &slug, id).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/committee/drafts/{slug}/publish?done=withdrawn"
    ));
    Ok(label)
}

/// Committee: move a publication's window (once open, only its deadline); its stations are told.
#[server(prefix = "/api", endpoint = "drafts/reschedule")]
pub async fn reschedule_publication(
    slug: String,
    id: i64,
    opens_at: String,
    closes_at: String,
    confirmed: Option<String>,
) -> Result<String, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    require_confirmed(confirmed.as_deref(), "勾选“确认改期并通知联系点”后再改期")?;
    let state = crate::ssr::app_state()?;
    let label = publication::reschedule(
        &state.db,
        &slug,
        id,
        &opens_at,
        &closes_at,
        state.intake.public_base(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/committee/drafts/{slug}/publish?done=rescheduled"
    ));
    Ok(label)
}

/// Mass and irreversible actions run only with `confirmed=1`, which their confirmation step
/// sends after showing what they will do.
#[cfg(feature = "ssr")]
pub fn require_confirmed(confirmed: Option<&str>, message: &str) -> Result<(), AppError> {
    match confirmed {
        Some("1") => Ok(()),
        _ => Err(AppError::validation("confirmed", message)),
    }
}

/// Committee: publish a chapter (by number) or a set of articles (e.g. `3-8,12`) of a version
/// for comment between two times (China time, `YYYY-MM-DDTHH:MM`). A future opening schedules it.
/// Only with `confirmed=1`, sent by the publish page after it showed what this will do.
#[server(prefix = "/api", endpoint = "drafts/publish")]
pub async fn publish_part(
    slug: String,
    chapter: Option<String>,
    articles: Option<String>,
    opens_at: String,
    closes_at: String,
    levels: Option<Vec<i64>>,
    county: Option<String>,
    whole_text: Option<String>,
    confirmed: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    require_confirmed(confirmed.as_deref(), "请先预览将要发布的内容，再确认发布")?;
    let state = crate::ssr::app_state()?;
    let part = part_spec(chapter, articles, levels, county, whole_text)?;
    ssr::publish(
        &state.db,
        &slug,
        part,
        &opens_at,
        &closes_at,
        Some(user.id),
        state.intake.public_base(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/committee/drafts/{slug}/publish?done=published"
    ));
    Ok(())
}

/// The parse of a pasted text, shown before it is saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub slug: String,
    pub label: String,
    pub source: String,
    pub title: String,
    pub counts: Counts,
    pub warnings: Vec<Warning>,
    /// Headings and the article range, for a quick check of the structure.
    pub outline: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportOutcome {
    Preview(Preview),
    Saved { slug: String },
}

/// Committee: parse a pasted text and show its structure without saving (`intent=preview`),
/// or save it as the next version of draft `slug` (`intent=save`; a new slug makes a new draft).
/// A saved version is not public until a part of it is published.
#[server(prefix = "/api", endpoint = "drafts/import")]
pub async fn import_draft(
    slug: String,
    label: String,
    source: String,
    intent: String,
) -> Result<ImportOutcome, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let slug = slug.trim().to_string();
    match intent.as_str() {
        "preview" => {
            let preview = ssr::preview(&slug, &label, &source)?;
            if crate::ssr::web::is_plain_form_post() {
                // Without JavaScript the preview is shown by the page, from a stored copy.
                let id =
                    ssr::store_preview(&state.db, user.id, &slug, &label, &source, &[]).await?;
                crate::ssr::web::redirect_plain_form(&format!(
                    "/committee/drafts/new?preview={id}"
                ));
            }
            Ok(ImportOutcome::Preview(preview))
        }
        "save" => {
            ssr::preview(&slug, &label, &source)?;
            ssr::import_version(&state.db, &slug, label.trim(), &source).await?;
            crate::ssr::web::redirect_plain_form(&format!("/drafts/{slug}"));
            Ok(ImportOutcome::Saved { slug })
        }
        _ => Err(AppError::validation("intent", "未知的操作")),
    }
}

/// Committee: a preview stored for the no-JavaScript path.
#[server(prefix = "/api", endpoint = "drafts/preview")]
pub async fn get_preview(id: String) -> Result<Preview, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::load_preview(&state.db, user.id, &id).await
}

/// Committee: correct the alignment — article `new_article` of version `version` continues
/// article `old_article` of the version before (empty: it is a new article).
#[server(prefix = "/api", endpoint = "drafts/relink")]
pub async fn relink_article(
    slug: String,
    version: i64,
    new_article: u32,
    old_article: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let old = match old_article
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(s.parse::<u32>().map_err(|_| {
            AppError::validation("old_article", "上一稿条文编号须为数字，或留空表示新增")
        })?),
    };
    ssr::relink(&state.db, &slug, version, new_article, old).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/drafts/{slug}/compare?from={}&to={version}",
        version - 1
    ));
    Ok(())
}

/// Largest draft text accepted by paste (the parser's own limit).
pub const MAX_DRAFT_BYTES: usize = 8 * 1024 * 1024;

/// Largest draft file accepted by upload: Word and PDF files carry fonts and pictures besides
/// the text.
pub const MAX_DRAFT_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Committee: upload a draft file from a plain multipart form: Word (.docx; .doc, .wps, .rtf
/// and .odt through LibreOffice), PDF with a text layer, a saved web page, Markdown or plain
/// text in UTF-8, UTF-16, GB18030/GBK or Big5 — told apart by content. The file is turned into
/// text and shown as a preview, with what the conversion left out, before anything is saved.
#[server(prefix = "/api", endpoint = "drafts/upload", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_draft(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let (mut slug, mut label, mut bytes) = (String::new(), String::new(), Vec::new());
    for (name, value) in crate::ssr::web::multipart_fields(data).await? {
        match name.as_str() {
            "slug" => slug = String::from_utf8_lossy(&value).trim().to_string(),
            "label" => label = String::from_utf8_lossy(&value).trim().to_string(),
            "file" => bytes = value,
            _ => {}
        }
    }
    let converted = tokio::task::spawn_blocking(move || {
        import::convert(&bytes, None, &import::Tools::from_path())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|e| {
        if let parse::ParseError::Conversion { tool, detail } = &e {
            tracing::warn!(%tool, %detail, "a draft file could not be converted");
        }
        AppError::validation("file", e.message_zh())
    })?;
    ssr::preview(&slug, &label, &converted.text)?;
    let id = ssr::store_preview(
        &state.db,
        user.id,
        &slug,
        &label,
        &converted.text,
        &converted.warnings,
    )
    .await?;
    crate::ssr::web::redirect(&format!("/committee/drafts/new?preview={id}"));
    Ok(())
}

/// Generated bad draft uploads: any bytes, and texts built from the parser's own structural
/// labels in random order and size, are parsed or refused with a message — never a panic —
/// and a tree that comes out only holds what the text held.
#[cfg(all(test, feature = "ssr"))]
mod generated_uploads {
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "第一条",
        "第二十条",
        "第一百零一条之一",
        "第一章",
        "第二节",
        "第三编",
        "（一）",
        "（十二）",
        "1.",
        "一、",
        "总则",
        "附则",
        "附件",
        "目录",
        "序言",
        "**",
        "#",
        "## ",
        "---",
        "===",
        "<div>",
        "</div>",
        "　",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "\u{feff}",
        "\u{200b}",
        "。",
        "，",
        "供热单位应当",
        "笫三条",
        "第三十－条",
        "條",
        "第1条",
        "（",
        "）",
        "* ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(750))]

        #[test]
        fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4000)) {
            if let Ok(p) = super::parse::parse_bytes(&bytes) {
                prop_assert!(p.tree.counts().tiao as usize <= bytes.len());
            }
        }

        #[test]
        fn structural_soup(parts in prop::collection::vec(prop::sample::select(PIECES), 0..400)) {
            let text: String = parts.concat();
            match super::parse::parse_text(&text) {
                Ok(p) => prop_assert!(p.tree.articles().len() <= text.matches('条').count()),
                Err(e) => prop_assert!(!e.message_zh().is_empty()),
            }
        }
    }
}
