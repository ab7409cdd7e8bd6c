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
    // After a decision the list is fetched again; the decided comments leave a pending view.
    Effect::new(move |_| {
        if matches!(decide.value().get(), Some(Ok(_))) {
            queue.refetch();
        }
    });
    view! {
        <Title text="意见审核 · 意见"/>
        <h1>"意见审核"</h1>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let f = filter();
                match queue.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(q) => queue_view(q, f, decide).into_any(),
                }
            })}
        </Suspense>
    }
}

fn queue_view(q: Queue, f: QueueFilter, decide: ServerAction<ModerateComments>) -> impl IntoView {
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
        {move || decide.value().get().and_then(|r| r.ok()).map(|n| view! {
            <p class="alert alert-ok" role="status">{format!("已处理 {n} 条意见。")}</p>
        })}
        {if q.items.is_empty() {
            view! { <p>"没有符合条件的意见。"</p> }.into_any()
        } else {
            view! {
                <ActionForm action=decide attr:class="moderation-form">
                    <ol class="moderation-list">
                        {q.items.into_iter().map(|c| {
                            let cid = format!("m-{}", c.id);
                            view! {
                                <li class="moderation-item">
                                    <input type="checkbox" name="ids[]" value=c.id.to_string() id=cid.clone()/>
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
                    <label for="m-reason">"理由（不予公开时必填，提交人可在查询页看到）"</label>
                    <input id="m-reason" name="reason" maxlength="500" class="wide"/>
                    <div class="button-row">
                        <button type="submit" name="decision" value="approve" class="button primary">"公开所选"</button>
                        <button type="submit" name="decision" value="reject" class="button danger">"不予公开所选"</button>
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
