//! The search pages: `/search` (public) and `/committee/search` (every comment). A GET form that
//! works without JavaScript; with it, results follow the query as it is typed.

use super::{search_comments, search_public, SearchParams, SearchResults};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The search in the URL; the public search takes no moderation or disposition filters (they
/// are the committee's), so a URL carrying them neither filters nor echoes them.
fn params_from_query(public: bool) -> Memo<SearchParams> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let mut p = SearchParams::from_query(|k| q.get(k));
        if public {
            p.status = None;
            p.disposition = None;
        }
        p
    })
}

#[component]
pub fn PublicSearchPage() -> impl IntoView {
    view! { <SearchPage public=true/> }
}

#[component]
pub fn CommitteeSearchPage() -> impl IntoView {
    view! { <SearchPage public=false/> }
}

#[component]
fn SearchPage(public: bool) -> impl IntoView {
    let params = params_from_query(public);
    let export_drafts = Resource::new(
        || (),
        move |_| async move {
            if public {
                Ok(Vec::new())
            } else {
                crate::draft::list_drafts().await
            }
        },
    );
    let results = Resource::new(
        move || params.get(),
        move |p| async move {
            if public {
                search_public(
                    p.q, p.kind, p.draft, p.article, p.stance, p.channel, p.level, p.county, p.day,
                    p.from, p.to, p.sort, p.page,
                )
                .await
            } else {
                search_comments(
                    p.q,
                    p.kind,
                    p.draft,
                    p.article,
                    p.stance,
                    p.channel,
                    p.level,
                    p.county,
                    p.disposition,
                    p.status,
                    p.day,
                    p.from,
                    p.to,
                    p.sort,
                    p.page,
                )
                .await
            }
        },
    );
    let base = if public {
        "/search"
    } else {
        "/committee/search"
    };
    let heading = if public { "检索" } else { "意见检索" };
    let navigate = use_navigate();
    // Live results: the URL (and so the results) follows the box a moment after typing stops.
    let typed = RwSignal::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let n = typed.get_untracked() + 1;
        typed.set(n);
        let navigate = navigate.clone();
        let p = params.get_untracked();
        set_timeout(
            move || {
                if typed.get_untracked() == n {
                    let qs = p.query_string(&[("q", Some(value.as_str())), ("page", None)]);
                    navigate(&format!("{base}?{qs}"), Default::default());
                }
            },
            std::time::Duration::from_millis(300),
        );
    };
    view! {
        <Title text=format!("{heading} · 意见")/>
        {(!public).then(|| view! { <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/> })}
        <h1>{heading}</h1>
        <form method="get" action=base class="search-form" role="search">
            <label for="search-q">{if public { "检索已公开的意见和草案条文" } else { "检索全部意见" }}</label>
            <div class="search-row">
                <input
                    id="search-q"
                    type="search"
                    name="q"
                    maxlength="200"
                    prop:value=move || params.get().q.unwrap_or_default()
                    placeholder="如：供热 收费、\"集中供热\"、供热 OR 供暖、供热 -收费"
                    on:input=on_input
                />
                {move || {
                    // The filters already chosen travel with a new query.
                    let p = params.get();
                    p.filters()
                        .map(|(k, v)| view! { <input type="hidden" name=k value=v.to_string()/> })
                        .collect_view()
                }}
                <select name="sort" aria-label="排序">
                    <option value="" selected=move || params.get().sort.as_deref() != Some("date")>"按相关度"</option>
                    <option value="date" selected=move || params.get().sort.as_deref() == Some("date")>"按时间"</option>
                </select>
                <button type="submit">"检索"</button>
            </div>
            <div class="search-row search-dates">
                <label for="search-from">"提交日期从"</label>
                <input id="search-from" type="date" name="from" prop:value=move || params.get().from.unwrap_or_default()/>
                <label for="search-to">"至"</label>
                <input id="search-to" type="date" name="to" prop:value=move || params.get().to.unwrap_or_default()/>
            </div>
            <p class="hint">"多个词同时出现才算命中；引号内为短语；OR（或）表示任一；词前加减号（或 NOT）表示排除。"</p>
        </form>
        <Suspense fallback=|| ()>{move || Suspend::new(async move {
            // The committee exports what it sees: the same filters, one draft at a time.
            let all = export_drafts.await.unwrap_or_default();
            let p = params.get();
            (!public).then(|| {
                // Exports are per draft: with no draft chosen, one line per draft, each with the
                // current conditions.
                let drafts = match &p.draft {
                    Some(d) => vec![(d.clone(), String::new())],
                    None => all.into_iter().map(|d| (d.slug, d.title)).collect(),
                };
                drafts.into_iter().map(|(slug, title)| {
                    let mut q = p.clone();
                    q.draft = Some(slug);
                    let qs = q.query_string(&[("page", None), ("sort", None), ("kind", None)]);
                    let what = if title.is_empty() { "按当前条件导出：".to_string() } else { format!("导出《{title}》（当前条件）：") };
                    view! {
                        <p class="export-links">{what}
                            <a href=format!("/committee/export.xlsx?{qs}") rel="external">"Excel"</a>" · "
                            <a href=format!("/committee/export.csv?{qs}") rel="external">"CSV"</a>" · "
                            <a href=format!("/committee/export.json?{qs}") rel="external">"JSON（公开数据）"</a>
                        </p>
                    }
                }).collect_view()
            })
        })}</Suspense>
        <Suspense fallback=|| view! { <p>"检索中…"</p> }>
            {move || Suspend::new(async move {
                let p = params.get();
                match results.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(r) => results_view(r, p, base, public).into_any(),
                }
            })}
        </Suspense>
    }
}

fn results_view(
    r: SearchResults,
    p: SearchParams,
    base: &'static str,
    public: bool,
) -> impl IntoView {
    let link = {
        let p = p.clone();
        move |change: &[(&str, Option<&str>)]| {
            let mut change = change.to_vec();
            if !change.iter().any(|(k, _)| *k == "page") {
                change.push(("page", None));
            }
            format!("{base}?{}", p.query_string(&change))
        }
    };
    let facets = r
        .facets
        .iter()
        .map(|g| {
            let name = g.name.clone();
            let values = g
                .values
                .iter()
                .map(|v| {
                    let href = if v.active {
                        link(&[(name.as_str(), None)])
                    } else {
                        link(&[(name.as_str(), Some(v.value.as_str()))])
                    };
                    let class = if v.active { "facet active" } else { "facet" };
                    let title = if v.active { "取消此筛选" } else { "只看这一类" };
                    view! {
                        <li>
                            <a class=class href=href title=title aria-current=v.active.then_some("true")>
                                {v.label.clone()}" "<span class="count">{v.count}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="facet-group">
                    <h2>{g.heading.clone()}</h2>
                    <ul>{values}</ul>
                </section>
            }
        })
        .collect_view();
    let hits = r
        .hits
        .iter()
        .map(|h| {
            // The committee goes to the opinion in its workbench, the public to the unit's page.
            let unit_href = match (h.kind.as_str(), public, h.comment_id) {
                ("draft", _, _) => format!("/drafts/{}/v/{}#{}", h.slug, h.version, h.unit_uid),
                (_, false, Some(id)) => format!(
                    "/committee/drafts/{}/articles/{}#c{id}",
                    h.slug,
                    crate::draft::view::article_of(&h.unit_uid)
                ),
                _ => format!("/drafts/{}/comment/{}", h.slug, h.unit_uid),
            };
            let stance = match h.stance.as_str() {
                "support" => "赞成",
                "oppose" => "反对",
                "amend" => "修改建议",
                _ => "",
            };
            let what = if h.kind == "draft" { "草案条文" } else { stance };
            let status = (!public && h.kind == "comment").then_some(match h.status.as_str() {
                "published" => "已公开",
                "received" => "已收到",
                "reviewing" => "审核中",
                "rejected" => "未公开",
                _ => "",
            });
            let tracking = (!h.tracking.is_empty()).then(|| {
                let t = h.tracking.clone();
                view! { <a href=format!("/receipt/{t}")>{t.clone()}</a> }
            });
            view! {
                <li class="hit">
                    <p class="hit-meta">
                        <span class="badge">{what}</span>" "
                        <a href=unit_href>{format!("{} {}", h.draft_title, h.unit_label)}</a>
                        {(!h.day.is_empty()).then(|| format!(" · {}", h.day))}
                        {(!h.station.is_empty()).then(|| format!(" · {}", h.station))}
                        {status.map(|s| format!(" · {s}"))}
                        " "{tracking}
                    </p>
                    <p class="snippet" inner_html=h.snippet_html.clone()></p>
                    {(!h.wording_html.is_empty()).then(|| view! {
                        <p class="snippet wording">"建议修改为："<span inner_html=h.wording_html.clone()></span></p>
                    })}
                </li>
            }
        })
        .collect_view();
    let pager = (r.pages > 1).then(|| {
        let prev = (r.page > 1).then(|| link(&[("page", Some(&(r.page - 1).to_string()))]));
        let next = (r.page < r.pages).then(|| link(&[("page", Some(&(r.page + 1).to_string()))]));
        view! {
            <nav class="pager" aria-label="分页">
                {prev.map(|h| view! { <a href=h rel="prev">"上一页"</a> })}
                <span>{format!("第 {} / {} 页", r.page, r.pages)}</span>
                {next.map(|h| view! { <a href=h rel="next">"下一页"</a> })}
            </nav>
        }
    });
    view! {
        <div class="search-results">
            <aside class="facets" id="facets" aria-label="筛选">{facets}</aside>
            <div class="hits">
                <p class="total" role="status">{format!("共 {} 条结果", r.total)}
                    // On a phone the facets follow the hits: one tap takes there.
                    {(!r.facets.is_empty()).then(|| view! { <a class="to-facets" href="#facets">"筛选结果 ↓"</a> })}
                </p>
                {r.message.clone().map(|m| view! { <p class="alert">{m}</p> })}
                <ol class="hit-list">{hits}</ol>
                {pager}
            </div>
        </div>
    }
}
