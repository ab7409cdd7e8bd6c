//! Public pages: the list of drafts and the reading page.

use super::view::{article_anchor, DraftText};
use super::{
    compare_versions, get_draft, list_drafts, NodeKind, PublishPart, RelinkArticle, Segment,
    WindowState,
};
use crate::components::{reload_on_success, use_session, ActionError};
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
                    Ok(list) => {
                        let group = |state: WindowState, heading: &'static str| {
                            let items: Vec<_> = list.iter().filter(|d| d.state == state).cloned().collect();
                            (!items.is_empty()).then(|| view! {
                                <h2>{heading}</h2>
                                <ul class="draft-list">
                                    {items.into_iter().map(|d| view! {
                                        <li>
                                            <A href=format!("/drafts/{}", d.slug)>{d.title}</A>
                                            <span class="muted">" · " {d.version_label}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })
                        };
                        view! {
                            {group(WindowState::Open, "正在征求意见")}
                            {group(WindowState::Upcoming, "即将征求意见")}
                            {group(WindowState::Closed, "征求意见已结束")}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

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
    let draft = Resource::new(key, |(slug, n)| get_draft(slug, n));
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
                        let parts = d.windows.iter().map(|w| {
                            let text = format!("{}：{}", w.part_label, w.describe());
                            view! { <li>{text}</li> }
                        }).collect_view();
                        // The busiest articles of this version (their paragraphs and items
                        // included), so the committee and the public see where debate is.
                        let counts: std::collections::HashMap<&str, i64> = d.counts.iter()
                            .map(|(uid, c)| (uid.as_str(), c.support + c.oppose + c.amend))
                            .collect();
                        let mut busiest: Vec<(i64, String, String)> = d.tree.articles().into_iter().map(|a| {
                            let mut n = 0;
                            a.walk(&mut |u| n += counts.get(u.uid.as_str()).copied().unwrap_or(0));
                            (n, a.label.clone(), a.uid.clone())
                        }).filter(|(n, _, _)| *n > 0).collect();
                        busiest.sort_by_key(|x| std::cmp::Reverse(x.0));
                        busiest.truncate(5);
                        let slug_for_form = d.slug.clone();
                        let chapters: Vec<(u32, String)> = d.tree.nodes.iter()
                            .filter(|n| n.kind == NodeKind::Zhang)
                            .map(|n| (n.number.unwrap_or(0), format!("{} {}", n.label, n.title)))
                            .collect();
                        view! {
                            <Title text=format!("{} · 意见", d.title)/>
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
                            <nav class="draft-toc" aria-label="目录"><h2>"目录"</h2><ol>{toc}</ol></nav>
                            {(!busiest.is_empty()).then(|| view! {
                                <section class="busiest" aria-labelledby="busiest-h">
                                    <h2 id="busiest-h">"意见最多的条款"</h2>
                                    <ol>{busiest.into_iter().map(|(n, label, uid)| view! {
                                        <li><a href=format!("#{uid}")>{label}</a>{format!("（{n} 条公开意见）")}</li>
                                    }).collect_view()}</ol>
                                </section>
                            })}
                            <DraftText tree=d.tree windows=d.windows counts=d.counts slug=d.slug.clone()/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn segments(segs: Vec<Segment>, inserted: bool) -> impl IntoView {
    segs.into_iter()
        .map(|s| match (s.changed, inserted) {
            (false, _) => view! { <span>{s.text}</span> }.into_any(),
            (true, true) => view! { <ins>{s.text}</ins> }.into_any(),
            (true, false) => view! { <del>{s.text}</del> }.into_any(),
        })
        .collect_view()
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
    let cmp = Resource::new(key, |(slug, from, to)| compare_versions(slug, from, to));
    view! {
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match cmp.await {
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any(),
                    Ok(c) => {
                        let relink = (c.to == c.from + 1).then(|| view! { <RelinkForm slug=c.slug.clone() version=c.to/> });
                        let summary = c.summary.iter().map(|(ch, n)| format!("{}{n}条", ch.label())).collect::<Vec<_>>().join("，");
                        view! {
                            <Title text=format!("{} 对照表 · 意见", c.title)/>
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
                                                <td><strong>{r.old_label}</strong>" "{segments(r.old, false)}</td>
                                                <td><strong>{r.new_label}</strong>" "{segments(r.new, true)}</td>
                                                <td>
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
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The committee's form to publish a chapter or a set of articles with a comment window.
#[component]
fn PublishForm(slug: String, chapters: Vec<(u32, String)>) -> impl IntoView {
    use crate::auth::Role;
    let session = use_session();
    let publish = ServerAction::<PublishPart>::new();
    let target = format!("/drafts/{slug}");
    reload_on_success(publish, move |_| target.clone());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let slug = slug.clone();
                let chapters = chapters.clone();
                Suspend::new(async move {
                    let staff = session.await.ok().and_then(|s| s.user)
                        .is_some_and(|u| matches!(u.role, Role::Committee | Role::Admin));
                    staff.then(|| view! {
                        <details class="publish">
                            <summary>"发布征求意见（起草委员会）"</summary>
                            <ActionError action=publish/>
                            <ActionForm action=publish attr:class="stack-form">
                                <input type="hidden" name="slug" value=slug/>
                                <label for="pub-chapter">"发布一章"</label>
                                <select id="pub-chapter" name="chapter">
                                    <option value="">"（不按章发布）"</option>
                                    {chapters.into_iter().map(|(n, label)| view! { <option value=n.to_string()>{label}</option> }).collect_view()}
                                </select>
                                <label for="pub-articles">"或发布条文（例如 3-8,12）"</label>
                                <input id="pub-articles" name="articles" maxlength="200"/>
                                <label for="pub-opens">"开始时间（北京时间）"</label>
                                <input id="pub-opens" type="datetime-local" name="opens_at" required/>
                                <label for="pub-closes">"截止时间（北京时间）"</label>
                                <input id="pub-closes" type="datetime-local" name="closes_at" required/>
                                <fieldset>
                                    <legend>"通知哪些联系点（不选则通知全部启用的联系点）"</legend>
                                    {[(1, "州"), (2, "县市"), (3, "乡镇街道"), (4, "村社区")].into_iter().map(|(n, l)| view! {
                                        <label class="inline"><input type="checkbox" name="levels[]" value=n.to_string()/>{l}</label>
                                    }).collect_view()}
                                    <label for="pub-county">"只通知某县市范围内（县市联系点名称，如 昌吉市）"</label>
                                    <input id="pub-county" name="county" maxlength="50"/>
                                </fieldset>
                                <button type="submit" class="button primary">"发布"</button>
                            </ActionForm>
                        </details>
                    })
                })
            }}
        </Suspense>
    }
}

/// The committee's correction of an article pairing, under the 对照表.
#[component]
fn RelinkForm(slug: String, version: i64) -> impl IntoView {
    use crate::auth::Role;
    let session = use_session();
    let relink = ServerAction::<RelinkArticle>::new();
    let target = format!("/drafts/{slug}/compare?from={}&to={version}", version - 1);
    reload_on_success(relink, move |_| target.clone());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    let staff = session.await.ok().and_then(|s| s.user)
                        .is_some_and(|u| matches!(u.role, Role::Committee | Role::Admin));
                    staff.then(|| view! {
                        <details class="publish">
                            <summary>"更正条文对应关系（起草委员会）"</summary>
                            <p class="muted">"自动对应有误时，指定本稿某条接续上一稿的哪一条；上一稿编号留空表示该条为新增。"</p>
                            <ActionError action=relink/>
                            <ActionForm action=relink attr:class="stack-form">
                                <input type="hidden" name="slug" value=slug/>
                                <input type="hidden" name="version" value=version.to_string()/>
                                <label for="rel-new">"本稿条文编号"</label>
                                <input id="rel-new" name="new_article" inputmode="numeric" required/>
                                <label for="rel-old">"对应上一稿条文编号"</label>
                                <input id="rel-old" name="old_article" inputmode="numeric"/>
                                <button type="submit" class="button primary">"更正"</button>
                            </ActionForm>
                        </details>
                    })
                })
            }}
        </Suspense>
    }
}
