//! `/drafts/:slug/feedback`: the public 意见采纳情况说明; `/drafts/:slug/compare`: the 对照表
//! (with the opinions behind each change once the feedback is published).

use super::{load_feedback, FeedbackReport};
use crate::draft::pages::{segments, RelinkForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FeedbackPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, load_feedback);
    view! {
        <Title text="意见采纳情况说明 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let r = match data.await {
                    Err(e) => return crate::components::page_error(e),
                    Ok(r) => r,
                };
                view! {
                    <crate::components::Crumbs trail=vec![
                        crate::components::crumb("法规草案", "/drafts"),
                        crate::components::crumb(format!("《{}》", r.draft_title), format!("/drafts/{}", r.slug)),
                    ]/>
                    <h1>{format!("《{}》意见采纳情况说明", r.draft_title)}</h1>
                    {match &r.published_at {
                        Some(at) => view! { <p class="muted">{format!("起草委员会于 {at} 发布。意见按条文归纳，不含个人信息。")}</p> }.into_any(),
                        None if r.articles.is_empty() => view! { <p>"起草委员会尚未发布意见采纳情况说明。"</p> }.into_any(),
                        None => view! { <p class="alert">"预览：尚未发布，公众看不到本页内容。"</p> }.into_any(),
                    }}
                    {r.articles.into_iter().map(|a| view! {
                        <section class="feedback-article">
                            <h2>{a.label.clone()}</h2>
                            <p>{format!("收到意见 {} 条，不同意见 {} 条{}。", a.received, a.unique,
                                if a.campaigns > 0 { format!("，其中内容基本相同的集中意见 {} 组", a.campaigns) } else { String::new() })}
                               <span class="muted">{a.by_disposition.iter().map(|(d, n)| format!("{d} {n}")).collect::<Vec<_>>().join("，")}</span></p>
                            <div class="table-wrap"><table class="data stacked">
                                <thead><tr><th>"意见归纳"</th><th>"条数"</th><th>"赞成/反对/修改建议"</th><th>"处理情况"</th><th>"理由"</th></tr></thead>
                                <tbody>
                                    {a.groups.into_iter().map(|g| view! {
                                        <tr>
                                            <td data-label="意见归纳">{g.summary}</td>
                                            <td data-label="条数" class="num">{if g.unique == g.received { g.received.to_string() } else { format!("{}（不同 {}）", g.received, g.unique) }}</td>
                                            <td data-label="赞成/反对/修改建议">{format!("{}/{}/{}", g.stances.0, g.stances.1, g.stances.2)}</td>
                                            <td data-label="处理情况">{g.disposition}</td>
                                            <td data-label="理由" class="cell-text">{g.reason}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        </section>
                    }).collect_view()}
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/committee/drafts/:slug/compilation`: the printable 意见汇编 — per article the text, the
/// opinions summarised by group with counts and sources, how they were handled — and the 对照表
/// (原条文 | 修改后条文 | 意见摘要 | 来源 | 处理意见 | 理由). A4 with the print stylesheet; the
/// server prints the same view to PDF.
#[component]
pub fn CompilationPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, super::load_compilation);
    view! {
        <Title text="意见汇编 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(r) => view! { <Compilation report=r/> <ThemeView slug=slug()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The 意见汇编's view by theme (points raised across articles), for the committee on screen:
/// each theme with its opinions and the articles they were made on, busiest first.
#[component]
fn ThemeView(slug: String) -> impl IntoView {
    let data = Resource::new(move || slug.clone(), crate::theme::load_themes);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let v = data.await.ok()?;
                if v.themes.is_empty() {
                    return None;
                }
                let by_article = v.breakdowns.iter().find(|b| b.dimension == "条文").cloned();
                let articles_of = move |name: &str| -> String {
                    let Some(b) = &by_article else { return String::new() };
                    let Some((_, counts)) = b.rows.iter().find(|(n, _)| n == name) else { return String::new() };
                    let mut cells: Vec<(i64, &String)> = counts.iter().copied().zip(b.values.iter()).filter(|(n, _)| *n > 0).collect();
                    cells.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
                    cells.iter().map(|(n, a)| format!("{a} {n}")).collect::<Vec<_>>().join("、")
                };
                Some(view! {
                    <section class="compilation-themes print-hide">
                        <h2>"三、按主题（跨条文）"</h2>
                        <p class="muted">{format!(
                            "{} 条意见中，委员会已审核 {} 条，其余由系统按已审核的意见分配；一条意见可以有多个主题。",
                            v.opinions, v.reviewed
                        )}</p>
                        <div class="table-wrap"><table class="data stacked">
                            <thead><tr><th>"主题"</th><th class="num">"意见"</th><th>"涉及条文（条数）"</th></tr></thead>
                            <tbody>
                                {v.themes.iter().map(|t| view! {
                                    <tr>
                                        <td data-label="主题">{t.name.clone()}{t.proposed.then_some("（系统建议，待确认）")}</td>
                                        <td data-label="意见" class="num">{t.opinions}</td>
                                        <td data-label="涉及条文（条数）">{articles_of(&t.name)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                        <p><a href=format!("/committee/drafts/{}/themes", v.slug)>"管理主题和审核分配"</a></p>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// "网上 25、五星村 1、…" cut to its first entries for a table cell; the full list is in part
/// one of the compilation.
pub(crate) fn brief_sources(sources: &str) -> String {
    const SHOWN: usize = 3;
    let parts: Vec<&str> = sources.split('、').collect();
    if parts.len() <= SHOWN + 1 {
        return sources.to_string();
    }
    format!("{}等 {} 处", parts[..SHOWN].join("、"), parts.len())
}

/// The 意见汇编 itself, without data loading: the page shows it and the PDF prints it.
#[component]
pub fn Compilation(report: FeedbackReport) -> impl IntoView {
    let r = report;
    let total: i64 = r.articles.iter().map(|a| a.received).sum();
    let (from, to) = r.versions.clone();
    let base = format!(
        "/committee/drafts/{}",
        crate::components::urlencode(&r.slug)
    );
    let pdf = format!("{base}/compilation.pdf");
    let docx = format!("{base}/compilation.docx");
    let comparison = format!("{base}/comparison.docx");
    view! {
        <article class="compilation">
            <div class="print-hide">
                <crate::components::Crumbs trail=vec![
                    crate::components::crumb("工作台", "/"),
                    crate::components::crumb(format!("《{}》条文与意见", r.draft_title), format!("/committee/drafts/{}/articles", r.slug)),
                ]/>
            </div>
            <h1>{format!("《{}》公开征求意见汇编", r.draft_title)}</h1>
            <p class="muted">{format!("共收到意见 {total} 条，涉及 {} 条条文。", r.articles.len())}</p>
            <p class="print-hide button-row">
                <a class="button primary" href=pdf rel="external">"下载 PDF（A4）"</a>
                <a class="button" href=docx rel="external">"下载 Word（意见汇编）"</a>
                <a class="button" href=comparison rel="external">"下载 Word（对照表）"</a>
                <crate::components::PrintButton/>
            </p>
            <h2>"一、逐条意见"</h2>
            {r.articles.iter().map(|a| view! {
                <section class="compilation-article">
                    <h3>{a.label.clone()}</h3>
                    {(!a.revised.is_empty()).then(|| view! { <blockquote class="article-text">{a.revised.clone()}</blockquote> })}
                    <p>{format!("收到意见 {} 条，不同意见 {} 条。", a.received, a.unique)}</p>
                    <ol>
                        {a.groups.iter().map(|g| view! {
                            <li>
                                <strong>{g.summary.clone()}</strong>
                                {format!("（{} 条；来源：{}）", g.received, g.sources)}
                                {(!g.keywords.is_empty()).then(|| view! { <span class="muted">{format!(" 关键词：{}", g.keywords)}</span> })}
                                <br/>{format!("处理意见：{}{}", g.disposition, if g.reason.is_empty() { String::new() } else { format!("。理由：{}", g.reason) })}
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            }).collect_view()}
            <h2>"二、对照表"</h2>
            // Six columns do not fit a phone: there the table scrolls inside its frame.
            <div class="table-wrap">
            <table class="data compare-table">
                <thead><tr>
                    <th>{format!("原条文（{from}）")}</th><th>{format!("修改后条文（{to}）")}</th>
                    <th>"意见摘要"</th><th>"来源"</th><th>"处理意见"</th><th>"理由"</th>
                </tr></thead>
                <tbody>
                    {r.articles.into_iter().flat_map(|a| {
                        let n = a.groups.len().max(1);
                        let original = if a.original.is_empty() { "（新增）".to_string() } else { a.original.clone() };
                        let revised = if a.revised.is_empty() { "（删除）".to_string() } else if a.revised == a.original { "（未修改）".to_string() } else { a.revised.clone() };
                        a.groups.into_iter().enumerate().map(move |(i, g)| view! {
                            <tr>
                                {(i == 0).then(|| view! {
                                    <td rowspan=n.to_string() class="cell-text">{format!("{}\n{}", a.label, original)}</td>
                                    <td rowspan=n.to_string() class="cell-text">{revised.clone()}</td>
                                })}
                                <td>{format!("{}（{} 条）", g.summary, g.received)}</td>
                                <td>{brief_sources(&g.sources)}</td>
                                <td>{g.disposition}</td>
                                <td class="cell-text">{g.reason}</td>
                            </tr>
                        }).collect::<Vec<_>>()
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_source_lists_are_cut_for_the_table() {
        assert_eq!(super::brief_sources("网上 3"), "网上 3");
        assert_eq!(
            super::brief_sources("网上 3、甲 1、乙 2、丙 1"),
            "网上 3、甲 1、乙 2、丙 1"
        );
        assert_eq!(
            super::brief_sources("网上 3、甲 1、乙 2、丙 1、丁 1"),
            "网上 3、甲 1、乙 2等 5 处"
        );
    }
}

/// The 对照表: changed articles side by side, with character-level changes marked.
#[component]
pub fn ComparePage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let key = move || {
        let q = query.read();
        let num = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        (
            params.read().get("slug").unwrap_or_default(),
            num("from"),
            num("to"),
        )
    };
    let cmp = Resource::new(key, |(slug, from, to)| {
        super::compare_versions(slug, from, to)
    });
    view! {
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match cmp.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(c) => {
                        let relink = (c.to == c.from + 1).then(|| view! { <RelinkForm slug=c.slug.clone() version=c.to/> });
                        let summary = c.summary.iter().map(|(ch, n)| format!("{}{n}条", ch.label())).collect::<Vec<_>>().join("，");
                        let old_head = format!("原条文（{}）", c.old_version);
                        let new_head = format!("修改后条文（{}）", c.new_version);
                        let back = format!("/drafts/{}", c.slug);
                        view! {
                            <Title text=format!("{} 对照表 · 意见", c.title)/>
                            <crate::components::Crumbs trail=vec![
                                crate::components::crumb("法规草案", "/drafts"),
                                crate::components::crumb(format!("《{}》", c.title), format!("/drafts/{}", c.slug)),
                            ]/>
                            <h1>{c.title.clone()} " 修改对照表"</h1>
                            <p class="muted">{format!("{} → {}：{summary}", c.old_version, c.new_version)}</p>
                            <div class="table-wrap">
                                <table class="data compare">
                                    <caption>"仅列出修改、新增和删除的条文；删除的文字以删除线标出，新增的文字以下划线标出。"</caption>
                                    <thead><tr>
                                        <th scope="col">{format!("原条文（{}）", c.old_version)}</th>
                                        <th scope="col">{format!("修改后条文（{}）", c.new_version)}</th>
                                        <th scope="col">"修改说明"</th>
                                    </tr></thead>
                                    <tbody>
                                        {c.rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td data-label=old_head.clone()><strong>{r.old_label}</strong>" "{segments(r.old, false)}</td>
                                                <td data-label=new_head.clone()><strong>{r.new_label}</strong>" "{segments(r.new, true)}</td>
                                                <td data-label="修改说明">
                                                    {r.change.label()}
                                                    {(!r.because.is_empty()).then(|| view! {
                                                        <p class="muted because">{format!("据意见修改：{}", r.because.join("、"))}</p>
                                                    })}
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {relink}
                            <p><a href=back>{format!("← 返回《{}》", c.title)}</a></p>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// `/committee/drafts/{slug}/feedback/publish`: what publishing the 意见采纳情况说明 will do —
/// how many opinions are handled, who is told — and the one button that does it.
#[component]
pub fn PublishFeedbackPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, super::preview_feedback);
    let publish = ServerAction::<super::PublishFeedback>::new();
    crate::components::reload_on_success(publish, move |_| format!("/drafts/{}/feedback", slug()));
    view! {
        <Title text="发布意见采纳情况说明 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let p = match data.await {
                    Err(e) => return crate::components::page_error(e),
                    Ok(p) => p,
                };
                let unhandled = p.opinions - p.handled;
                let back = format!("/committee/drafts/{}/articles", p.slug);
                let slug_form = p.slug.clone();
                view! {
                    <crate::components::Crumbs trail=vec![
                        crate::components::crumb("工作台", "/"),
                        crate::components::crumb(format!("《{}》条文与意见", p.draft_title), format!("/committee/drafts/{}/articles", p.slug)),
                    ]/>
                    <h1>{format!("发布《{}》意见采纳情况说明", p.draft_title)}</h1>
                    <section class="confirm-panel" aria-labelledby="confirm-h">
                        <h2 id="confirm-h">"请确认"</h2>
                        <ul>
                            <li>{format!("公开 {} 条已公开意见的归纳和处理情况：已处理 {} 条，{} 条尚未处理（将显示为“尚未处理”）。", p.opinions, p.handled, unhandled)}</li>
                            {match &p.published_before {
                                Some(at) => view! { <li>{format!("此前已于 {at} 发布过；重新发布只更新公开内容，不再发送邮件。")}</li> }.into_any(),
                                None => view! { <li>{format!("将给 {} 位留了邮箱的意见提出人、{} 个报送过意见的联系点发送通知邮件。", p.submitters_mailed, p.stations_mailed)}</li> }.into_any(),
                            }}
                        </ul>
                        {(unhandled > 0).then(|| view! {
                            <p class="alert">{format!("还有 {unhandled} 条意见没有处理。发布后仍可继续处理，再次发布即可更新。")}</p>
                        })}
                        <p><a href=format!("/drafts/{}/feedback", p.slug)>"先看看公开后的样子（预览）"</a></p>
                        <crate::components::ActionError action=publish/>
                        <ActionForm action=publish attr:class="inline-form">
                            <input type="hidden" name="slug" value=slug_form/>
                            <input type="hidden" name="confirmed" value="1"/>
                            <button type="submit" class="button primary">{if p.published_before.is_some() { "确认重新发布" } else { "确认发布并发送通知" }}</button>
                        </ActionForm>
                        " " <a href=back>"暂不发布，返回"</a>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
