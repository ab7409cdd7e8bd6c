//! `/committee/coverage`: which stations received, confirmed and answered a draft or one of its
//! parts. A GET form chooses the draft and part; the reminder is a plain form post.

use super::{coverage_report, Coverage, RemindSilent, Rollup, StationLine};
use crate::components::{reload_on_success, urlencode, ActionError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn rollup_table(first: &'static str, rows: Vec<Rollup>) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="data stacked compact">
            <thead><tr>
                <th>{first}</th><th class="num">"联系点"</th><th class="num">"已通知"</th><th class="num">"已确认"</th><th class="num">"已报送"</th>
                <th class="num">"批次"</th><th class="num">"意见"</th><th class="num">"代表人数"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.label}</th>
                        <td class="num" data-label="联系点">{r.stations}</td>
                        <td class="num" data-label="已通知">{r.notified}</td>
                        <td class="num" data-label="已确认">{r.confirmed}</td>
                        <td class="num" data-label="已报送">{r.forwarded}</td>
                        <td class="num" data-label="批次">{r.batches}</td>
                        <td class="num" data-label="意见">{r.opinions}</td>
                        <td class="num" data-label="代表人数">{r.residents}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

fn station_item(l: StationLine) -> impl IntoView {
    let f = &l.facts;
    let detail = if f.batches > 0 {
        format!(
            "{} 批 {} 条，代表 {} 人",
            f.batches, f.opinions, f.residents
        )
    } else if f.reminders > 0 {
        format!("已提醒 {} 次", f.reminders)
    } else {
        String::new()
    };
    view! {
        <li class=format!("cov-item depth-{} {}", l.depth.min(3), l.status.class())>
            <span class="cov-dot" aria-hidden="true"></span>
            {f.name.clone()}
            " "<span class="cov-status">{l.status.label()}</span>
            {(!detail.is_empty()).then(|| view! { <span class="muted">{format!(" · {detail}")}</span> })}
        </li>
    }
}

/// The network as a tree: the prefecture station, then one collapsible group per county.
fn tree(lines: Vec<StationLine>, by_county: &[Rollup]) -> impl IntoView {
    let mut top = Vec::new();
    let mut groups: Vec<(String, Vec<StationLine>)> = Vec::new();
    for l in lines {
        if l.county.is_empty() {
            top.push(l);
        } else {
            match groups.iter_mut().find(|(c, _)| *c == l.county) {
                Some((_, v)) => v.push(l),
                None => groups.push((l.county.clone(), vec![l])),
            }
        }
    }
    view! {
        <ul class="cov-tree">{top.into_iter().map(station_item).collect_view()}</ul>
        {groups.into_iter().map(|(county, ls)| {
            let r = by_county.iter().find(|r| r.label == county).cloned().unwrap_or_default();
            view! {
                <details class="cov-county">
                    <summary>{format!("{county}：{} 个联系点，已确认 {}，已报送 {}，意见 {} 条", r.stations, r.confirmed, r.forwarded, r.opinions)}</summary>
                    <ul class="cov-tree">{ls.into_iter().map(station_item).collect_view()}</ul>
                </details>
            }
        }).collect_view()}
    }
}

fn report_view(c: Coverage, remind: ServerAction<RemindSilent>) -> AnyView {
    let Some(slug) = c.slug.clone() else {
        return view! { <p>"还没有公开征求意见的草案。"</p> }.into_any();
    };
    let part_q = c.part.map(|p| format!("&part={p}")).unwrap_or_default();
    let silent: Vec<StationLine> = c.silent().cloned().collect();
    let reachable = silent.iter().filter(|l| l.facts.has_email).count();
    let t = c.total.clone();
    let mut levels = c.by_level.clone();
    levels.push(c.total.clone());
    view! {
        <form method="get" action="/committee/coverage" class="filter-form">
            <label>"草案 "
                <select name="draft">
                    {c.drafts.iter().map(|(s, title)| view! {
                        <option value=s.clone() selected=*s == slug>{format!("《{title}》")}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"部分 "
                <select name="part">
                    <option value="">"全部已公开部分"</option>
                    {c.parts.iter().map(|p| view! {
                        <option value=p.id.to_string() selected=c.part == Some(p.id)>{format!("{}（{}）", p.label, p.window)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">"查看"</button>
        </form>
        {(!c.drafts.iter().any(|(s, _)| *s == slug)).then(|| view! {
            <p class="alert">{format!("《{}》尚未发布征求意见，还没有联系点收到通知；下面的数字都是零。请在上面选择已发布的草案。", c.draft_title)}</p>
        })}
        <p class="cov-summary">{format!(
            "《{}》：{} 个联系点中，已通知 {}，已确认 {}，已报送 {}；共 {} 批 {} 条意见，代表群众 {} 人。",
            c.draft_title, t.stations, t.notified, t.confirmed, t.forwarded, t.batches, t.opinions, t.residents
        )}</p>
        <p><a href=format!("/committee/coverage.xlsx?draft={}{part_q}", urlencode(&slug)) download="coverage.xlsx">"导出 Excel"</a></p>
        <section>
            <h2>"按层级"</h2>
            {rollup_table("层级", levels)}
            <h2>"按县市"</h2>
            {rollup_table("县市", c.by_county.clone())}
        </section>
        <section>
            <h2>{format!("尚未报送的联系点（{} 个）", silent.len())}</h2>
            {if silent.is_empty() {
                view! { <p>"所有已通知的联系点都已报送意见。"</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=remind attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
                        {c.part.map(|p| view! { <input type="hidden" name="part" value=p.to_string()/> })}
                        // A mass mailing: the list is below, and one more tick confirms it.
                        <label class="inline">
                            <input type="checkbox" name="confirmed" value="1" required/>
                            {format!("确认向下列 {reachable} 个有邮箱的联系点发送提醒邮件")}
                        </label>
                        <button type="submit" class="button primary">{format!("一键提醒（{reachable} 个联系点）")}</button>
                    </ActionForm>
                    <details class="cov-silent-list">
                    <summary>{format!("查看名单（{} 个）", silent.len())}</summary>
                    <ul class="cov-silent">
                        {silent.into_iter().map(|l| view! {
                            <li class=l.status.class()>
                                {l.facts.name.clone()}
                                <span class="muted">{format!("（{}{}）{}", crate::station::level_label(l.facts.level),
                                    // A village is named with its township and county: many villages share names.
                                    match (l.county.as_str(), l.parent.as_str()) {
                                        ("", _) => String::new(),
                                        (c, _) if c == l.facts.name => String::new(),
                                        (c, p) if p.is_empty() || p == c => format!("，{c}"),
                                        (c, p) => format!("，{c} {p}"),
                                    },
                                    l.status.label())}</span>
                                {(!l.facts.has_email).then(|| view! { <span class="flag">"无邮箱"</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                    </details>
                }.into_any()
            }}
        </section>
        <section>
            <h2>"联系点网络"</h2>
            <p class="cov-legend">
                <span class="cov-forwarded"><span class="cov-dot"></span>"已报送"</span>
                <span class="cov-confirmed"><span class="cov-dot"></span>"已确认，未报送"</span>
                <span class="cov-notified"><span class="cov-dot"></span>"未确认"</span>
                <span class="cov-none"><span class="cov-dot"></span>"未通知"</span>
            </p>
            {tree(c.lines, &c.by_county)}
        </section>
    }
    .into_any()
}

#[component]
pub fn CoveragePage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            q.get("draft").filter(|s| !s.is_empty()),
            q.get("part").and_then(|p| p.parse::<i64>().ok()),
        )
    };
    let data = Resource::new(args, |(slug, part)| coverage_report(slug, part));
    let remind = ServerAction::<RemindSilent>::new();
    reload_on_success(remind, move |n| {
        let (slug, part) = args();
        format!(
            "/committee/coverage?draft={}{}&reminded={n}",
            urlencode(&slug.unwrap_or_default()),
            part.map(|p| format!("&part={p}")).unwrap_or_default()
        )
    });
    let reminded = move || {
        query
            .read()
            .get("reminded")
            .and_then(|v| v.parse::<usize>().ok())
    };
    view! {
        <Title text="联系点覆盖情况 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"联系点覆盖情况"</h1>
        {move || reminded().map(|n| view! {
            <p class="alert alert-ok" role="status">{format!("已向 {n} 个联系点发送提醒邮件。")}</p>
        })}
        <ActionError action=remind/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(c) => report_view(c, remind),
                }
            })}
        </Suspense>
    }
}
