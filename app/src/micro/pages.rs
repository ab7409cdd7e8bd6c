//! 微实事 pages: the deputy's proposals and ballots (one plain form per candidate, so a vote
//! works without JavaScript), the office's funds, ballots and results.

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

fn results(b: &BallotView) -> impl IntoView {
    view! {
        <div class="table-wrap">
        <table class="data results">
            <thead><tr><th>"项目"</th><th>"预算（元）"</th><th>"赞成"</th><th>"反对"</th><th>"弃权"</th><th>"结果"</th></tr></thead>
            <tbody>
                {b.candidates.iter().map(|c| view! {
                    <tr>
                        <td>{c.title.clone()}</td>
                        <td>{c.cost_yuan}</td>
                        <td>{c.yes}</td>
                        <td>{c.no}</td>
                        <td>{c.abstain}</td>
                        <td>{c.note.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// `/deputy/ballots`.
#[component]
pub fn BallotsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_ballots());
    view! {
        <Title text="微实事票决 · 意见"/>
        <h1>"微实事项目票决"</h1>
        {note("voted", "已投票。")}
        {note("proposed", "项目已提出。")}
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(l) if l.is_empty() => view! { <p>"本县市暂无票决。"</p> }.into_any(),
                    Ok(l) => l.into_iter().map(|b| {
                        let bid = b.id.to_string();
                        view! {
                            <section class="ballot">
                                <h2>{format!("{} {} 年度微实事票决", b.county, b.year)}</h2>
                                <p class="muted">{format!("{} 至 {} · 年度资金 {} 元", b.opens, b.closes, b.fund_yuan)}</p>
                                {if b.closed {
                                    view! { <p>{format!("已结束，{} 位代表参加投票。", b.voters)}</p> {results(&b)} }.into_any()
                                } else if !b.open {
                                    view! { <p>"尚未开始。"</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="work-list">
                                            {b.candidates.into_iter().map(|c| view! {
                                                <li>
                                                    <p><strong>{c.title.clone()}</strong>
                                                        <span class="muted">{format!(" {} · {} 元", c.place, c.cost_yuan)}</span></p>
                                                    {if c.voted {
                                                        view! { <p class="status status-open">"已投票"</p> }.into_any()
                                                    } else {
                                                        view! {
                                                            <form method="post" action="/api/micro/vote" class="inline-form">
                                                                <input type="hidden" name="ballot" value=bid.clone()/>
                                                                <input type="hidden" name="project" value=c.project.to_string()/>
                                                                <button type="submit" name="choice" value="yes" class="button">"赞成"</button>
                                                                " "<button type="submit" name="choice" value="no" class="button">"反对"</button>
                                                                " "<button type="submit" name="choice" value="abstain" class="button">"弃权"</button>
                                                            </form>
                                                        }.into_any()
                                                    }}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                        }
                    }).collect_view().into_any(),
                }
            })}
        </Suspense>
        <h2>"提出微实事项目"</h2>
        <form method="post" action="/api/micro/propose" class="stack-form">
            <label for="mp-year">"年度"</label>
            <input id="mp-year" name="year" type="number" required placeholder="2027"/>
            <label for="mp-title">"项目名称"</label>
            <input id="mp-title" name="title" required maxlength="100"/>
            <label for="mp-place">"地点"</label>
            <input id="mp-place" name="place"/>
            <label for="mp-cost">"预算（元）"</label>
            <input id="mp-cost" name="cost_yuan" type="number" min="1" required/>
            <label for="mp-ben">"受益群众"</label>
            <input id="mp-ben" name="beneficiaries"/>
            <button type="submit" class="button primary">"提出项目"</button>
        </form>
    }
}

/// `/office/micro`.
#[component]
pub fn MicroOfficePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_micro_office());
    view! {
        <Title text="微实事 · 意见"/>
        <h1>"微实事：资金、项目与票决"</h1>
        {note("saved", "已保存。")}
        {note("ballot", "票决已设立。")}
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => page_error(e),
                    Ok(m) => view! {
                        <h2>"年度资金"</h2>
                        <ul>{m.funds.iter().map(|(c, y, a)| view! { <li>{format!("{c} {y} 年：{a} 元")}</li> }).collect_view()}</ul>
                        <form method="post" action="/api/micro/fund" class="stack-form">
                            <label for="mf-c">"县市"</label>
                            <select id="mf-c" name="county">
                                {m.counties.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                            </select>
                            <label for="mf-y">"年度"</label>
                            <input id="mf-y" name="year" type="number" required/>
                            <label for="mf-a">"资金（元）"</label>
                            <input id="mf-a" name="amount_yuan" type="number" min="1" required/>
                            <button type="submit" class="button">"保存"</button>
                        </form>
                        <h2>"设立票决"</h2>
                        <form method="post" action="/api/micro/ballot" class="stack-form">
                            <label for="mb-c">"县市"</label>
                            <select id="mb-c" name="county">
                                {m.counties.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                            </select>
                            <label for="mb-y">"年度"</label>
                            <input id="mb-y" name="year" type="number" required/>
                            <label for="mb-o">"开始时间"</label>
                            <input id="mb-o" name="opens_at" type="datetime-local" required/>
                            <label for="mb-e">"结束时间"</label>
                            <input id="mb-e" name="closes_at" type="datetime-local" required/>
                            <fieldset>
                                <legend>"候选项目"</legend>
                                {m.projects.iter().filter(|p| p.status == "待列入票决").map(|p| view! {
                                    <label class="inline"><input type="checkbox" name="projects[]" value=p.id.to_string()/>
                                        {format!("{} · {}（{} 年，{} 元，{}）", p.county, p.title, p.year, p.cost_yuan, p.proposed_by)}</label>
                                }).collect_view()}
                            </fieldset>
                            <button type="submit" class="button primary">"设立票决"</button>
                        </form>
                        <h2>"票决与结果"</h2>
                        {m.ballots.iter().map(|b| view! {
                            <section class="ballot">
                                <h3>{format!("{} {} 年度", b.county, b.year)}</h3>
                                <p class="muted">{format!("{} 至 {} · 资金 {} 元 · {} 位代表已投票", b.opens, b.closes, b.fund_yuan, b.voters)}</p>
                                {if b.closed { results(b).into_any() } else { view! { <p>"票决结束后公布结果。"</p> }.into_any() }}
                            </section>
                        }).collect_view()}
                        <h2>"全部项目"</h2>
                        <ul>{m.projects.iter().map(|p| view! { <li>{format!("{} · {} · {} 元 · {}", p.county, p.title, p.cost_yuan, p.status)}</li> }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
