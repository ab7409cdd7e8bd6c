//! The reading page: a draft's text as the viewer may read it (through the publication gate),
//! with each open unit's comment form and published-opinion counts.

use super::pages::InlineComment;
use crate::draft::pages::PublishForm;
use crate::draft::view::{article_anchor, CommentSlot, DraftText};
use crate::draft::{get_draft, NodeKind};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DraftPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("slug").unwrap_or_default(),
            p.get("n").and_then(|n| n.parse::<i64>().ok()),
        )
    };
    let draft = Resource::new(key, |(slug, n)| async move {
        let d = get_draft(slug.clone(), n).await?;
        let counts = super::get_unit_counts(slug, d.number).await?;
        Ok::<_, AppError>((d, counts))
    });
    view! {
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match draft.await {
                    Err(e) => crate::components::page_error(e),
                    Ok((d, counts)) => {
                        let toc = d.tree.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Zhang | NodeKind::Bian)).map(|n| {
                            let first = n.children.iter().find(|c| c.kind == NodeKind::Tiao).map(article_anchor).unwrap_or_default();
                            let label = format!("{} {}", n.label, n.title);
                            view! { <li><a href=format!("#{first}")>{label}</a></li> }
                        }).collect::<Vec<_>>();
                        let toc_len = toc.len();
                        let parts = d.windows.iter().map(|w| {
                            let text = format!("{}：{}", w.part_label, w.describe());
                            view! { <li>{text}</li> }
                        }).collect_view();
                        // The busiest articles of this version (their paragraphs and items
                        // included), so the committee and the public see where debate is.
                        let by_unit: std::collections::HashMap<&str, i64> = counts.iter()
                            .map(|(uid, c)| (uid.as_str(), c.current() + c.earlier))
                            .collect();
                        let mut busiest: Vec<(i64, String, String)> = d.tree.articles().into_iter().map(|a| {
                            let mut n = 0;
                            a.walk(&mut |u| n += by_unit.get(u.uid.as_str()).copied().unwrap_or(0));
                            (n, a.label.clone(), a.uid.clone())
                        }).filter(|(n, _, _)| *n > 0).collect();
                        busiest.sort_by_key(|x| std::cmp::Reverse(x.0));
                        busiest.truncate(5);
                        let slug_for_form = d.slug.clone();
                        let older = d.versions.last().is_some_and(|(n, _)| *n > d.number);
                        let slot = CommentSlot(std::sync::Arc::new(|slug, uid, href, label| view! {
                            <InlineComment slug uid href label/>
                        }.into_any()));
                        let chapters: Vec<(u32, String)> = d.tree.nodes.iter()
                            .filter(|n| n.kind == NodeKind::Zhang)
                            .map(|n| (n.number.unwrap_or(0), format!("{} {}", n.label, n.title)))
                            .collect();
                        let preface = view! {
                            {(!d.windows.is_empty()).then(|| view! {
                                <section class="parts" aria-label="征求意见的部分"><ul>{parts}</ul></section>
                            })}
                            <PublishForm slug=slug_for_form chapters/>
                            <nav class="versions muted" aria-label="各稿">
                                {d.versions.iter().map(|(n, label)| {
                                    let current = *n == d.number;
                                    let href = format!("/drafts/{}/v/{n}", d.slug);
                                    view! {
                                        <a href=href aria-current=current.then_some("page")>{label.clone()}</a>
                                        " "
                                    }
                                }).collect_view()}
                                {(d.number > 1).then(|| view! {
                                    " · " <A href=format!("/drafts/{}/compare?from={}&to={}", d.slug, d.number - 1, d.number)>"与上一稿对照"</A>
                                })}
                                " · " <a href=format!("/drafts/{}/handout.pdf?v={}", d.slug, d.number) rel="external">"打印版（PDF，附意见反馈表）"</a>
                            </nav>
                            {(toc_len > 0).then(|| view! {
                                <nav class="draft-toc" aria-label="目录">
                                    <details><summary>{format!("目录（{toc_len} 项）")}</summary><ol>{toc}</ol></details>
                                </nav>
                            })}
                            {(!busiest.is_empty()).then(|| view! {
                                <section class="busiest" aria-labelledby="busiest-h">
                                    <h2 id="busiest-h">"意见最多的条款"</h2>
                                    <ol>{busiest.into_iter().map(|(n, label, uid)| view! {
                                        <li><a href=format!("#{uid}")>{label}</a>{format!("（{n} 条公开意见）")}</li>
                                    }).collect_view()}</ol>
                                </section>
                            })}
                            {d.withheld.then(|| view! {
                                <p class="alert">"本稿只公布了部分内容，其余部分尚未公开。"</p>
                            })}
                            {older.then(|| view! {
                                <p class="alert">
                                    {format!("这是较早的稿本（{}），不再接受意见。", d.label)}
                                    " " <A href=format!("/drafts/{}", d.slug)>"阅读最新稿"</A>
                                </p>
                            })}
                        }.into_any();
                        view! {
                            <Title text=format!("{} · 意见", d.title)/>
                            <crate::components::Crumbs trail=vec![crate::components::crumb("法规草案", "/drafts")]/>
                            <StaffLinks slug=d.slug.clone()/>
                            <DraftText tree=d.tree windows=if older { Vec::new() } else { d.windows } counts slug=d.slug.clone() comment=slot preface/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// For the committee: the way from the text to its work on it.
#[component]
fn StaffLinks(slug: String) -> impl IntoView {
    let session = crate::components::use_session();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    let staff = session.await.ok().and_then(|s| s.user).is_some_and(|u| {
                        matches!(u.role, crate::auth::Role::Committee | crate::auth::Role::Admin)
                    });
                    staff.then(|| view! {
                        <p class="staff-links">
                            <a href=format!("/committee/drafts/{slug}/articles")>"条文与意见（工作台）"</a>
                            " · " <a href=format!("/drafts/{slug}?publish=1#publish")>"发布征求意见"</a>
                        </p>
                    })
                })
            }}
        </Suspense>
    }
}
