//! Pages of approved 微实事 projects being carried out: the unit's `/unit/projects` (progress,
//! completion), the parts shown on the deputy's and the office's pages, and the public list.

use super::*;
use crate::components::page_error;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn note(key: &'static str, text: &'static str) -> impl IntoView {
    let q = use_query_map();
    move || {
        q.with(|q| q.get(key))
            .map(|_| view! { <p class="alert alert-ok" role="status">{text}</p> })
    }
}

fn stage_class(stage: &str) -> &'static str {
    match stage {
        STAGE_ACCEPTED => "status status-closed",
        STAGE_COMPLETED => "status status-upcoming",
        STAGE_UNDERWAY => "status status-open",
        _ => "status",
    }
}

fn spending(spent: i64, cost: i64, over: bool) -> String {
    if over {
        format!("已支出 {spent} 元，超出预算 {} 元", spent - cost)
    } else {
        format!("已支出 {spent} 元")
    }
}

/// One project's head line and history (shared by the unit's, the deputy's and the office's
/// pages).
pub fn work_summary(w: &WorkRow) -> impl IntoView {
    let unit = if w.unit.is_empty() {
        "尚未交付承办单位".to_string()
    } else {
        format!("承办：{}", w.unit)
    };
    view! {
        <p><strong>{w.title.clone()}</strong>" "<span class=stage_class(&w.stage)>{w.stage.clone()}</span>
            {w.over_budget.then(|| view! { " "<span class="status status-late">"超出预算"</span> })}</p>
        <p class="muted">{format!("{} · {} 年 · {} · 预算 {} 元 · {} · {}", w.county, w.year, w.place, w.cost_yuan,
            spending(w.spent_yuan, w.cost_yuan, w.over_budget), unit)}
            {(!w.completed_on.is_empty()).then(|| format!(" · {} 完工", w.completed_on))}</p>
        {(!w.progress.is_empty()).then(|| view! {
            <details>
                <summary>{format!("实施进展（{} 次，最近 {}）", w.progress.len(), w.last_progress_on)}</summary>
                <ul>
                    {w.progress.iter().map(|p| view! {
                        <li>{format!("{} · 累计支出 {} 元 · {}", p.on_day, p.spent_yuan, p.body)}</li>
                    }).collect_view()}
                </ul>
            </details>
        })}
        {w.acceptances.iter().map(|a| view! { <p class="muted">{a.clone()}</p> }).collect_view()}
    }
}

/// The public list of a county's projects (the county page): no personal data. A list rather
/// than a table, so that the state stays in sight on a phone.
pub fn public_projects(projects: &[PublicProject]) -> impl IntoView {
    view! {
        <ul class="work-list">
            {projects.iter().map(|p| {
                let mut facts = vec![format!("{} 年", p.year)];
                if !p.place.is_empty() {
                    facts.push(p.place.clone());
                }
                facts.push(format!("预算 {} 元", p.cost_yuan));
                if let Some(spent) = p.spent_yuan {
                    facts.push(format!("已支出 {spent} 元"));
                }
                if !p.last_progress_on.is_empty() {
                    facts.push(format!("最近进展 {}", p.last_progress_on));
                }
                if !p.unit.is_empty() {
                    facts.push(format!("承办：{}", p.unit));
                }
                view! {
                    <li>
                        <p><strong>{p.title.clone()}</strong>" "<span class=stage_class(&p.state)>{p.state.clone()}</span>
                            {p.over_budget.then(|| view! { " "<span class="status status-late">"超出预算"</span> })}</p>
                        <p class="muted">{facts.join(" · ")}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The deputy's part of `/deputy/ballots`: the county's approved projects, with the acceptance
/// form when one is reported finished.
#[component]
pub fn CountyWorks() -> impl IntoView {
    let works = Resource::new(|| (), |_| county_works());
    view! {
        <h2>"本县市微实事项目实施与验收"</h2>
        {note("accepted", "验收意见已记录。")}
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match works.await {
                    Err(e) => page_error(e),
                    Ok(l) if l.is_empty() => view! { <p>"本县市暂无票决通过的项目。"</p> }.into_any(),
                    Ok(l) => view! {
                        <ul class="work-list">
                            {l.into_iter().map(|w| {
                                let id = w.project.to_string();
                                let fid = format!("acc-{}", w.project);
                                view! {
                                    <li>
                                        {work_summary(&w)}
                                        {w.awaiting_acceptance().then(|| view! {
                                            <form method="post" action="/api/micro/accept" class="stack-form">
                                                <input type="hidden" name="project" value=id.clone()/>
                                                <fieldset>
                                                    <legend>"验收"</legend>
                                                    <label class="inline"><input type="radio" name="verdict" value="pass" required/>"通过"</label>
                                                    <label class="inline"><input type="radio" name="verdict" value="fail"/>"不通过（退回承办单位）"</label>
                                                </fieldset>
                                                <label for=fid.clone()>"理由（不通过时必填）"</label>
                                                <textarea id=fid name="reason" rows="2" maxlength="500"></textarea>
                                                <button type="submit" class="button primary">"提交验收意见"</button>
                                            </form>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/unit/projects`: the 微实事 projects handed to the operator's unit.
#[component]
pub fn UnitProjectsPage() -> impl IntoView {
    let works = Resource::new(|| (), |_| unit_works());
    view! {
        <Title text="微实事项目实施 · 意见"/>
        <h1>"微实事项目实施"</h1>
        <p><a href="/unit">"← 建议办理"</a></p>
        {note("posted", "进展已填报。")}
        {note("completed", "已报完工，等待代表验收。")}
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match works.await {
                    Err(e) => page_error(e),
                    Ok(l) if l.is_empty() => view! { <p>"暂无交由本单位实施的微实事项目。"</p> }.into_any(),
                    Ok(l) => view! {
                        <ul class="work-list">
                            {l.into_iter().map(|w| {
                                let id = w.project.to_string();
                                let p = w.project;
                                let open = w.open_for_progress();
                                let can_complete = w.stage == STAGE_UNDERWAY;
                                let spent = w.spent_yuan.to_string();
                                view! {
                                    <li>
                                        {work_summary(&w)}
                                        {open.then(|| view! {
                                            <form method="post" action="/api/micro/progress" class="stack-form">
                                                <input type="hidden" name="project" value=id.clone()/>
                                                <label for=format!("pd-{p}")>"进展日期"</label>
                                                <input id=format!("pd-{p}") name="on_day" type="date" required/>
                                                <label for=format!("pb-{p}")>"进展情况"</label>
                                                <textarea id=format!("pb-{p}") name="body" rows="2" required maxlength="1000"></textarea>
                                                <label for=format!("ps-{p}")>"累计支出（元，只增不减）"</label>
                                                <input id=format!("ps-{p}") name="spent_yuan" type="number" min=spent.clone() value=spent.clone() required/>
                                                <button type="submit" class="button">"填报进展"</button>
                                            </form>
                                        })}
                                        {can_complete.then(|| view! {
                                            <form method="post" action="/api/micro/complete" class="inline-form">
                                                <input type="hidden" name="project" value=id.clone()/>
                                                <label for=format!("pc-{p}")>"完工日期"</label>" "
                                                <input id=format!("pc-{p}") name="on_day" type="date" required/>" "
                                                <button type="submit" class="button primary">"报完工"</button>
                                            </form>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The office's part of `/office/micro`: approved projects, handing them to units.
pub fn office_works(works: &[WorkRow], units: &[(i64, String)]) -> impl IntoView {
    view! {
        <h2>"项目实施"</h2>
        {works.is_empty().then(|| view! { <p>"暂无票决通过的项目。"</p> })}
        <ul class="work-list">
            {works.iter().map(|w| {
                let id = w.project.to_string();
                let fid = format!("mw-{}", w.project);
                let reassignable = w.stage == STAGE_NOT_STARTED;
                view! {
                    <li>
                        {work_summary(w)}
                        {reassignable.then(|| view! {
                            <form method="post" action="/api/micro/assign" class="inline-form">
                                <input type="hidden" name="project" value=id.clone()/>
                                <label for=fid.clone()>"承办单位"</label>" "
                                <select id=fid name="unit">
                                    {units.iter().map(|(uid, n)| {
                                        let chosen = *n == w.unit;
                                        view! { <option value=uid.to_string() selected=chosen>{n.clone()}</option> }
                                    }).collect_view()}
                                </select>" "
                                <button type="submit" class="button">{if w.unit.is_empty() { "交付实施" } else { "改交" }}</button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
