//! `/drafts/:slug/feedback`: the public 意见采纳情况说明.

use super::{load_feedback, FeedbackReport};
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
                    Err(e) => return view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any(),
                    Ok(r) => r,
                };
                view! {
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
                            <div class="table-wrap"><table class="data">
                                <thead><tr><th>"意见归纳"</th><th>"条数"</th><th>"赞成/反对/修改建议"</th><th>"处理情况"</th><th>"理由"</th></tr></thead>
                                <tbody>
                                    {a.groups.into_iter().map(|g| view! {
                                        <tr>
                                            <td>{g.summary}</td>
                                            <td class="num">{if g.unique == g.received { g.received.to_string() } else { format!("{}（不同 {}）", g.received, g.unique) }}</td>
                                            <td>{format!("{}/{}/{}", g.stances.0, g.stances.1, g.stances.2)}</td>
                                            <td>{g.disposition}</td>
                                            <td class="cell-text">{g.reason}</td>
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
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any(),
                    Ok(r) => view! { <Compilation report=r/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "网上 25、五星村 1、…" cut to its first entries for a table cell; the full list is in part
/// one of the compilation.
fn brief_sources(sources: &str) -> String {
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
    let pdf = format!(
        "/committee/drafts/{}/compilation.pdf",
        crate::components::urlencode(&r.slug)
    );
    view! {
        <article class="compilation">
            <h1>{format!("《{}》公开征求意见汇编", r.draft_title)}</h1>
            <p class="muted">{format!("共收到意见 {total} 条，涉及 {} 条条文。", r.articles.len())}</p>
            <p class="print-hide button-row">
                <a class="button primary" href=pdf rel="external">"下载 PDF（A4）"</a>
                <button type="button" class="button" onclick="window.print()">"打印"</button>
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
