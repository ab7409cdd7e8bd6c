//! `/drafts/:slug/feedback`: the public 意见采纳情况说明.

use super::load_feedback;
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
