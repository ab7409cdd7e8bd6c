//! Public pages of drafts: the list of drafts, and the committee's forms shown on the reading
//! page and the 对照表 (the pages themselves compose comments and feedback, so they live with
//! those features: `comment::reading`, `feedback::pages`).

use super::{list_drafts, NodeKind, RelinkArticle, Segment, WindowState};
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

/// On the reading page, for the committee: the way to the publish page.
#[component]
pub fn PublishForm(slug: String, chapters: Vec<(u32, String)>) -> impl IntoView {
    use crate::auth::Role;
    let session = use_session();
    let _ = chapters;
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    let staff = session.await.ok().and_then(|s| s.user)
                        .is_some_and(|u| matches!(u.role, Role::Committee | Role::Admin));
                    staff.then(|| view! {
                        <p class="staff-links" id="publish">
                            <a class="button" href=format!("/committee/drafts/{slug}/publish")>"发布征求意见、改期或撤回…"</a>
                        </p>
                    })
                })
            }}
        </Suspense>
    }
}

/// The publish form's fields as typed (query parameters of the publish page).
#[derive(Clone, Debug, Default, PartialEq)]
struct PublishInput {
    chapter: String,
    articles: String,
    opens_at: String,
    closes_at: String,
    levels: Vec<i64>,
    county: String,
    whole_text: bool,
}

impl PublishInput {
    fn from_query(q: &leptos_router::params::ParamsMap) -> Option<PublishInput> {
        let opens_at = q.get("opens_at")?;
        let levels = q
            .get_all("levels[]")
            .unwrap_or_default()
            .iter()
            .filter_map(|l| l.parse().ok())
            .collect();
        Some(PublishInput {
            chapter: q.get("chapter").unwrap_or_default(),
            articles: q.get("articles").unwrap_or_default(),
            opens_at,
            closes_at: q.get("closes_at").unwrap_or_default(),
            levels,
            county: q.get("county").unwrap_or_default(),
            whole_text: q.get("whole_text").is_some_and(|w| !w.is_empty()),
        })
    }
}

/// `/committee/drafts/{slug}/publish`: the parts published and their windows (reschedule,
/// withdraw what has not opened), and a new publication — first previewed (what it will do:
/// the part, the window, how many stations are notified and mailed), then confirmed.
#[component]
pub fn PublishPage() -> impl IntoView {
    use super::{
        get_draft, preview_publication, PublishPart, ReschedulePublication, WithdrawPublication,
    };
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let draft = Resource::new(slug, |s| get_draft(s, None));
    let input = Memo::new(move |_| PublishInput::from_query(&query.read()));
    let preview = Resource::new(
        move || (slug(), input.get()),
        |(slug, input)| async move {
            match input {
                None => None,
                Some(i) => Some(
                    preview_publication(
                        slug,
                        Some(i.chapter),
                        Some(i.articles),
                        i.opens_at,
                        i.closes_at,
                        Some(i.levels),
                        Some(i.county),
                        i.whole_text.then(|| "1".to_string()),
                    )
                    .await,
                ),
            }
        },
    );
    let publish = ServerAction::<PublishPart>::new();
    let withdraw = ServerAction::<WithdrawPublication>::new();
    let reschedule = ServerAction::<ReschedulePublication>::new();
    let target = move |done: &str| format!("/committee/drafts/{}/publish?done={done}", slug());
    reload_on_success(publish, move |_| target("published"));
    reload_on_success(withdraw, move |_| target("withdrawn"));
    reload_on_success(reschedule, move |_| target("rescheduled"));
    let done = move || match query.read().get("done").as_deref() {
        Some("published") => Some("已发布，已通知所选联系点。"),
        Some("withdrawn") => Some("已撤回，已通知收到过通知的联系点。"),
        Some("rescheduled") => Some("已改期，已通知收到过通知的联系点。"),
        _ => None,
    };
    view! {
        <Title text="发布征求意见 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let d = match draft.await {
                    Err(e) => return crate::components::page_error(e),
                    Ok(d) => d,
                };
                let slug = d.slug.clone();
                let i = input.get().unwrap_or_default();
                let chapters: Vec<(u32, String)> = d.tree.nodes.iter()
                    .filter(|n| n.kind == NodeKind::Zhang)
                    .map(|n| (n.number.unwrap_or(0), format!("{} {}", n.label, n.title)))
                    .collect();
                let live: Vec<super::Window> = d.windows.iter()
                    .filter(|w| w.state != WindowState::Closed)
                    .cloned()
                    .collect();
                let closed = d.windows.len() - live.len();
                let preview_panel = match preview.await {
                    None => ().into_any(),
                    Some(Err(e)) => view! {
                        <p class="alert alert-error" role="alert" id="form-error" tabindex="-1">{format!("不能发布：{}", e.message())}</p>
                    }.into_any(),
                    Some(Ok(p)) => {
                        let (i, slug) = (i.clone(), slug.clone());
                        let levels = i.levels.clone();
                        view! {
                            <section class="confirm-panel" id="confirm" aria-labelledby="confirm-h">
                                <h2 id="confirm-h">"请确认"</h2>
                                <ul>
                                    <li>{format!("发布《{}》（{}）的 {}：{} 至 {}，共 {} 条。", p.draft_title, p.version_label, p.part_label, p.first_article, p.last_article, p.articles)}</li>
                                    <li>{format!("征求意见时间：{} 至 {}{}。", p.opens_at, p.closes_at, if p.opens_now { "（立即开始，公众马上可以阅读和提意见）" } else { "（届时开始，在此之前公众看不到这部分）" })}</li>
                                    <li>{if p.whole_text { "同时公开本稿全文供阅读；只有这一部分接受意见。" } else { "只公开这一部分；本稿其他条文不公开。" }}</li>
                                    <li>{format!("通知 {} 个联系点，其中 {} 个有邮箱，将收到通知邮件。", p.stations_notified, p.stations_mailed)}</li>
                                </ul>
                                <ActionForm action=publish attr:class="inline-form">
                                    <input type="hidden" name="slug" value=slug.clone()/>
                                    <input type="hidden" name="chapter" value=i.chapter.clone()/>
                                    <input type="hidden" name="articles" value=i.articles.clone()/>
                                    <input type="hidden" name="opens_at" value=i.opens_at.clone()/>
                                    <input type="hidden" name="closes_at" value=i.closes_at.clone()/>
                                    {levels.into_iter().map(|l| view! { <input type="hidden" name="levels[]" value=l.to_string()/> }).collect_view()}
                                    <input type="hidden" name="county" value=i.county.clone()/>
                                    {i.whole_text.then(|| view! { <input type="hidden" name="whole_text" value="1"/> })}
                                    <input type="hidden" name="confirmed" value="1"/>
                                    <button type="submit" class="button primary">{format!("确认发布并通知 {} 个联系点", p.stations_notified)}</button>
                                </ActionForm>
                                " " <a href="#new-part">"返回修改"</a>
                            </section>
                        }.into_any()
                    }
                };
                let (title, label) = (d.title.clone(), d.label.clone());
                let action = format!("/committee/drafts/{slug}/publish");
                let crumb_href = format!("/drafts/{slug}");
                let chapter_options = chapters.into_iter().map(|(n, label)| {
                    let selected = i.chapter == n.to_string();
                    view! { <option value=n.to_string() selected=selected>{label}</option> }
                }).collect_view();
                let level_boxes = [(1, "州"), (2, "县市"), (3, "乡镇街道"), (4, "村社区")].into_iter().map(|(n, l)| {
                    let checked = i.levels.contains(&n);
                    view! { <label class="inline"><input type="checkbox" name="levels[]" value=n.to_string() checked=checked/>{l}</label> }
                }).collect_view();
                view! {
                    <crate::components::Crumbs trail=vec![
                        crate::components::crumb("工作台", "/"),
                        crate::components::crumb(format!("《{title}》"), crumb_href),
                    ]/>
                    <h1>{format!("发布征求意见：《{title}》{label}")}</h1>
                    {done().map(|m| view! { <p class="alert alert-ok" role="status">{m}</p> })}
                    <ActionError action=publish/>
                    <ActionError action=withdraw/>
                    <ActionError action=reschedule/>
                    {preview_panel}
                    <section aria-labelledby="live-h">
                        <h2 id="live-h">"正在征求意见和将要征求意见的部分"</h2>
                        {live.is_empty().then(|| view! { <p class="muted">"没有。"</p> })}
                        {closed.gt(&0).then(|| view! { <p class="muted">{format!("另有 {closed} 个部分的征求意见已结束。")}</p> })}
                        {live.into_iter().map(|w| {
                            let slug = slug.clone();
                            let slug2 = slug.clone();
                            let upcoming = w.state == WindowState::Upcoming;
                            let (o, c) = (super::time::format_input(w.opens_at), super::time::format_input(w.closes_at));
                            let wid = w.id;
                            view! {
                                <div class="window-card">
                                    <p><strong>{w.part_label.clone()}</strong>" "{w.describe()}</p>
                                    <details>
                                        <summary>"改期"</summary>
                                        <ActionForm action=reschedule attr:class="stack-form">
                                            <input type="hidden" name="slug" value=slug.clone()/>
                                            <input type="hidden" name="id" value=wid.to_string()/>
                                            <label for=format!("rs-o-{wid}")>"开始时间（北京时间）"</label>
                                            <input id=format!("rs-o-{wid}") type="datetime-local" name="opens_at" value=o.clone() readonly=!upcoming required/>
                                            {(!upcoming).then(|| view! { <p class="muted">"已开始征求意见，开始时间不能再改。"</p> })}
                                            <label for=format!("rs-c-{wid}")>"截止时间（北京时间）"</label>
                                            <input id=format!("rs-c-{wid}") type="datetime-local" name="closes_at" value=c required/>
                                            <label class="inline"><input type="checkbox" name="confirmed" value="1" required/>"确认改期，并通知收到过通知的联系点"</label>
                                            <button type="submit" class="button">"改期"</button>
                                        </ActionForm>
                                    </details>
                                    {upcoming.then(|| view! {
                                        <details>
                                            <summary>"撤回（尚未开始）"</summary>
                                            <ActionForm action=withdraw attr:class="stack-form">
                                                <input type="hidden" name="slug" value=slug2.clone()/>
                                                <input type="hidden" name="id" value=wid.to_string()/>
                                                <p>"撤回后这一部分不会公开、不接受意见，已发出的通知作废。"</p>
                                                <label class="inline"><input type="checkbox" name="confirmed" value="1" required/>"确认撤回并通知联系点"</label>
                                                <button type="submit" class="button danger">"撤回"</button>
                                            </ActionForm>
                                        </details>
                                    })}
                                </div>
                            }
                        }).collect_view()}
                    </section>
                    <section aria-labelledby="new-part-h" id="new-part">
                        <h2 id="new-part-h">"发布新的部分"</h2>
                        <form method="get" action=action class="stack-form">
                            <label for="pub-chapter">"发布一章"</label>
                            <select id="pub-chapter" name="chapter">
                                <option value="">"（不按章发布）"</option>
                                {chapter_options}
                            </select>
                            <label for="pub-articles">"或发布条文（例如 3-8,12）"</label>
                            <input id="pub-articles" name="articles" maxlength="200" value=i.articles.clone()/>
                            <label for="pub-opens">"开始时间（北京时间）"</label>
                            <input id="pub-opens" type="datetime-local" name="opens_at" required value=i.opens_at.clone()/>
                            <label for="pub-closes">"截止时间（北京时间）"</label>
                            <input id="pub-closes" type="datetime-local" name="closes_at" required value=i.closes_at.clone()/>
                            <label class="inline"><input type="checkbox" name="whole_text" value="1" checked=i.whole_text/>"开始时同时公开本稿全文供阅读（只有所选部分接受意见）"</label>
                            <p class="muted">"不勾选时，公众只能看到已发布部分的条文；本稿其他条文在发布前不公开。"</p>
                            <fieldset>
                                <legend>"通知哪些联系点（不选则通知全部启用的联系点）"</legend>
                                {level_boxes}
                                <label for="pub-county">"只通知某县市范围内（县市联系点名称，如 昌吉市）"</label>
                                <input id="pub-county" name="county" maxlength="50" value=i.county.clone()/>
                            </fieldset>
                            <button type="submit" class="button primary">"预览将要发布的内容"</button>
                        </form>
                    </section>
                }.into_any()
            })}
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
