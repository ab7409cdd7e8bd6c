//! Public pages: the list of drafts and the reading page.

use super::view::{article_anchor, DraftText};
use super::{get_draft, list_drafts, NodeKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DraftsPage() -> impl IntoView {
    let drafts = Resource::new(|| (), |_| list_drafts());
    view! {
        <Title text="法规草案 · 意见"/>
        <h1>"法规草案"</h1>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match drafts.await {
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">"目前没有公布的草案。"</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="draft-list">
                            {list.into_iter().map(|d| view! {
                                <li>
                                    <A href=format!("/drafts/{}", d.slug)>{d.title}</A>
                                    <span class="muted">" · " {d.version_label}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DraftPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let draft = Resource::new(slug, |slug| get_draft(slug, None));
    view! {
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match draft.await {
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        if e == crate::error::AppError::NotFound {
                            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                                res.set_status(http::StatusCode::NOT_FOUND);
                            }
                        }
                        view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any()
                    }
                    Ok(d) => {
                        let toc = d.tree.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Zhang | NodeKind::Bian)).map(|n| {
                            let first = n.children.iter().find(|c| c.kind == NodeKind::Tiao).map(article_anchor).unwrap_or_default();
                            let label = format!("{} {}", n.label, n.title);
                            view! { <li><a href=format!("#{first}")>{label}</a></li> }
                        }).collect_view();
                        view! {
                            <Title text=format!("{} · 意见", d.title)/>
                            <p class="muted">{d.label.clone()}</p>
                            <nav class="draft-toc" aria-label="目录"><h2>"目录"</h2><ol>{toc}</ol></nav>
                            <DraftText tree=d.tree/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
