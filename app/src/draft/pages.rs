//! Public pages of drafts: the list of drafts, and the committee's forms shown on the reading
//! page and the 对照表 (the pages themselves compose comments and feedback, so they live with
//! those features: `comment::reading`, `feedback::pages`).

use super::{list_drafts, PublishPart, RelinkArticle, Segment, WindowState};
use crate::components::{reload_on_success, use_session, ActionError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn DraftsPage() -> impl IntoView {
    let drafts = Resource::new(|| (), |_| list_drafts());
    view! {
        <Title text="法规草案 · 意见"/>
        <h1>"法规草案"</h1>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match drafts.await {
                    Err(e) => crate::components::page_error(e),
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

/// The committee's form to publish a chapter or a set of articles with a comment window.
#[component]
pub fn PublishForm(slug: String, chapters: Vec<(u32, String)>) -> impl IntoView {
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
                                <label class="inline"><input type="checkbox" name="whole_text" value="1"/>"开始时同时公开本稿全文供阅读（只有所选部分接受意见）"</label>
                                <p class="muted">"不勾选时，公众只能看到已发布部分的条文；本稿其他条文在发布前不公开。"</p>
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
pub fn RelinkForm(slug: String, version: i64) -> impl IntoView {
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

/// A comparison's text runs: changed runs marked as deleted (old side) or inserted (new side).
pub fn segments(segs: Vec<Segment>, inserted: bool) -> impl IntoView {
    segs.into_iter()
        .map(|s| match (s.changed, inserted) {
            (false, _) => view! { <span>{s.text}</span> }.into_any(),
            (true, true) => view! { <ins>{s.text}</ins> }.into_any(),
            (true, false) => view! { <del>{s.text}</del> }.into_any(),
        })
        .collect_view()
}
