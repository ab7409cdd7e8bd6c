//! The moderation queue page (committee): a GET form of filters, and a list of comments with
//! check boxes posting one bulk decision. Both work without JavaScript.

use super::moderation::FLAG_CHOICES;
use super::moderation::{moderation_queue, ModerateComments, Queue, QueueFilter};
use crate::components::{urlencode, ActionError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ModerationPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        QueueFilter {
            draft: get("draft"),
            article: get("article"),
            flag: get("flag"),
            status: get("status"),
            page: get("page").and_then(|p| p.parse().ok()),
        }
    };
    let queue = Resource::new(filter, |f| {
        moderation_queue(f.draft, f.article, f.flag, f.status, f.page)
    });
    let decide = ServerAction::<ModerateComments>::new();
    // After a decision the page loads afresh, as it does without JavaScript: no tick or
    // reason of the last decision can carry over to the next items.
    crate::components::reload_on_success(decide, move |n| {
        let q = query.read_untracked();
        let mut parts: Vec<String> = ["draft", "article", "flag", "status", "page"]
            .iter()
            .filter_map(|k| q.get(k).map(|v| format!("{k}={}", urlencode(&v))))
            .collect();
        parts.push(format!("decided={n}"));
        format!("/committee/moderation?{}", parts.join("&"))
    });
    let decided = move || {
        query
            .read()
            .get("decided")
            .and_then(|n| n.parse::<u64>().ok())
    };
    let select_all = move || query.read().get("select").as_deref() == Some("all");
    view! {
        <Title text="意见审核 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"意见审核"</h1>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let f = filter();
                match queue.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(q) => queue_view(q, f, decide, decided(), select_all()).into_any(),
                }
            })}
        </Suspense>
    }
}

fn queue_view(
    q: Queue,
    f: QueueFilter,
    decide: ServerAction<ModerateComments>,
    decided: Option<u64>,
    select_all: bool,
) -> impl IntoView {
    let sel = |cur: &Option<String>, v: &str| cur.as_deref().unwrap_or("") == v;
    let status_choices = [
        ("pending", "待审核"),
        ("published", "已公开"),
        ("rejected", "未公开"),
        ("all", "全部"),
    ];
    let cur_status = f.status.clone().or(Some("pending".into()));
    let mode = match q.moderation {
        super::Moderation::Pre => "先审后发：意见经审核后公开。",
        super::Moderation::Post => "先发后审：意见提交即公开，被自动标记的意见需审核。",
    };
    let page_link = {
        let f = f.clone();
        move |page: i64| {
            let mut parts = vec![];
            for (k, v) in [
                ("draft", &f.draft),
                ("article", &f.article),
                ("flag", &f.flag),
                ("status", &f.status),
            ] {
                if let Some(v) = v {
                    parts.push(format!("{k}={}", urlencode(v)));
                }
            }
            parts.push(format!("page={page}"));
            format!("/committee/moderation?{}", parts.join("&"))
        }
    };
    let prev = (q.page > 1).then(|| page_link(q.page - 1));
    let next = (q.page < q.pages).then(|| page_link(q.page + 1));
    let this_page = page_link(q.page);
    let (all_href, none_href) = (format!("{this_page}&select=all"), this_page);
    view! {
        <p class="muted">{mode}</p>
        <form method="get" action="/committee/moderation" class="filter-form">
            <label>"草案 "
                <select name="draft">
                    <option value="">"全部草案"</option>
                    {q.drafts.iter().map(|(slug, title)| view! {
                        <option value=slug.clone() selected=sel(&f.draft, slug)>{title.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"条款 "
                <input name="article" size="8" placeholder="如 12 或 第十二条" value=f.article.clone().unwrap_or_default()/>
            </label>
            <label>"标记 "
                <select name="flag">
                    <option value="">"不限"</option>
                    <option value="any" selected=sel(&f.flag, "any")>"任一标记"</option>
                    {FLAG_CHOICES.iter().map(|(v, l)| view! {
                        <option value=*v selected=sel(&f.flag, v)>{*l}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"状态 "
                <select name="status">
                    {status_choices.into_iter().map(|(v, l)| view! {
                        <option value=v selected=sel(&cur_status, v)>{l}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">"筛选"</button>
        </form>
        <p>{format!("共 {} 条，第 {}/{} 页", q.total, q.page, q.pages)}</p>
        <ActionError action=decide/>
        {decided.map(|n| view! {
            <p class="alert alert-ok" role="status">{format!("已处理 {n} 条意见。")}</p>
        })}
        {if q.items.is_empty() {
            view! { <p>"没有符合条件的意见。"</p> }.into_any()
        } else {
            view! {
                <ActionForm action=decide attr:class="moderation-form" attr:id="moderation-form">
                    // The decision bar comes first: what is ticked, the reason, and two buttons
                    // that look different (the bottom of a long page repeats the buttons).
                    <div class="decision-bar">
                        <p class="select-links">
                            <a href=all_href>"全选本页"</a>" · "<a href=none_href>"全不选"</a>
                            <label class="inline js-only">
                                <input type="checkbox" class="select-all" checked=select_all
                                    on:change=move |ev| toggle_all(event_target_checked(&ev))/>
                                "全选"
                            </label>
                        </p>
                        <label for="m-reason">"理由（不予公开时必填，提交人可在查询页看到）"</label>
                        <input id="m-reason" name="reason" maxlength="500" class="wide" autocomplete="off"/>
                        <div class="button-row">
                            <button type="submit" name="decision" value="approve" class="button approve">"公开所选"</button>
                            <button type="submit" name="decision" value="reject" class="button danger">"不予公开所选"</button>
                        </div>
                    </div>
                    <ol class="moderation-list">
                        {q.items.into_iter().map(|c| {
                            let cid = format!("m-{}", c.id);
                            view! {
                                <li class="moderation-item">
                                    <input type="checkbox" name="ids[]" value=c.id.to_string() id=cid.clone() checked=select_all/>
                                    <label for=cid class="moderation-head">
                                        <span class=format!("stance-badge stance-{}", c.stance.as_str())>{c.stance.label()}</span>
                                        " " {format!("《{}》{}", c.draft_title, c.unit_label)}
                                        " · " {c.submitted_at.clone()} " · " {c.tracking.clone()}
                                        " · " <strong>{c.status.clone()}</strong>
                                    </label>
                                    {(!c.flags.is_empty()).then(|| view! {
                                        <p class="flags">{c.flags.iter().map(|l| view! { <span class="flag">{l.clone()}</span> }).collect_view()}</p>
                                    })}
                                    <p class="comment-reason">{c.reason.clone()}</p>
                                    {(!c.suggested.is_empty()).then(|| view! {
                                        <p class="comment-suggested"><span class="muted">"建议修改为："</span>{c.suggested.clone()}</p>
                                    })}
                                    <p class="muted">
                                        {[c.name.as_str(), c.region.as_str(), c.category.as_str()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}
                                        {c.has_contact.then_some("（留有联系方式）")}
                                        {(!c.note.is_empty()).then(|| format!(" 审核说明：{}", c.note))}
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <div class="button-row">
                        <button type="submit" name="decision" value="approve" class="button approve">"公开所选"</button>
                        <button type="submit" name="decision" value="reject" class="button danger">"不予公开所选（理由填在上方）"</button>
                    </div>
                </ActionForm>
            }.into_any()
        }}
        <nav class="pager" aria-label="翻页">
            {prev.map(|h| view! { <a href=h rel="prev">"← 上一页"</a> })}
            {next.map(|h| view! { <a href=h rel="next">"下一页 →"</a> })}
        </nav>
    }
}

/// Ticks or unticks every comment of the page (with JavaScript; without it, the 「全选本页」
/// link loads the page with every box ticked).
fn toggle_all(on: bool) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(list) = document().query_selector_all("input[name='ids[]']") {
            for i in 0..list.length() {
                if let Some(b) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
                {
                    b.set_checked(on);
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on;
}
