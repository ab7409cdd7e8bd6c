//! 微实事 pages: the deputy's proposals and ballots (one plain form per candidate, so a vote
//! works without JavaScript), the office's funds, ballots and results.

use super::work_pages::CountyWorks;
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

/// Whether the results stand: paper sheets pending make them provisional; then confirmed.
fn standing(b: &BallotView) -> impl IntoView {
    let line = if !b.provisional.is_empty() {
        view! { <p class="alert alert-error" role="status">{format!("{}。", b.provisional)}</p> }
            .into_any()
    } else if b.finalized {
        view! { <p class="status status-closed">"结果已确认"</p> }.into_any()
    } else {
        view! { <p class="muted">"结果待人大办公室确认"</p> }.into_any()
    };
    view! {
        {line}
        {(b.paper.issued > 0).then(|| view! { <p class="muted">{b.paper.summary()}</p> })}
    }
}

fn results(b: &BallotView) -> impl IntoView {
    view! {
        {standing(b)}
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
    let home = Resource::new(|| (), |_| crate::suggestion::load_deputy_home());
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
                                } else if b.took_paper {
                                    view! { <p class="status">"您已领取本次票决的纸质选票，请在纸质选票上投票。"</p> }.into_any()
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
        <CountyWorks/>
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
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    // The station's requests not yet taken up: what people asked for is what a
                    // project should answer (代表提).
                    let open = home.await.map(|h| h.open_requests).unwrap_or_default();
                    (!open.is_empty()).then(|| view! {
                        <fieldset>
                            <legend>"依据的群众诉求（可多选）"</legend>
                            {open.into_iter().map(|r| view! {
                                <label class="inline">
                                    <input type="checkbox" name="requests[]" value=r.id.to_string()/>
                                    {format!("{}（{}）", r.title, r.place)}
                                </label>
                            }).collect_view()}
                        </fieldset>
                    })
                })}
            </Suspense>
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
        {note("assigned", "项目已交付承办单位实施。")}
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
                                <p><a href=format!("/office/micro/ballot?id={}", b.id)>"纸质选票、两次录入与确认结果"</a></p>
                            </section>
                        }).collect_view()}
                        {super::work_pages::office_works(&m.works, &m.units)}
                        <h2>"全部项目"</h2>
                        <ul>{m.projects.iter().map(|p| view! { <li>{format!("{} · {} · {} 元 · {}", p.county, p.title, p.cost_yuan, p.status)}</li> }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/office/micro/ballot?id=…`: one ballot's paper ballots (领票), the two tellers' entries of
/// each sheet with the differences flagged, the results and their confirmation.
#[component]
pub fn OfficeBallotPage() -> impl IntoView {
    let q = use_query_map();
    let id = move || {
        q.with(|q| q.get("id"))
            .and_then(|c| c.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let data = Resource::new(id, load_paper_page);
    view! {
        <Title text="微实事票决 · 纸质选票 · 意见"/>
        <p><a href="/office/micro">"← 微实事"</a></p>
        {note("issued", "已登记领取纸质选票，该代表不能再在网上投票。")}
        {note("entered", "录入已保存。")}
        {note("final", "结果已确认，项目已按结果标记。")}
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => page_error(e),
                    Ok(p) => {
                        let b = p.ballot.clone();
                        let bid = b.id.to_string();
                        let can_enter = !b.finalized;
                        view! {
                            <h1>{format!("{} {} 年度微实事票决", b.county, b.year)}</h1>
                            <p class="muted">{format!("{} 至 {} · 年度资金 {} 元 · 网上投票与纸质选票合计 {} 位代表", b.opens, b.closes, b.fund_yuan, b.voters)}</p>
                            {if b.closed { results(&b).into_any() } else { view! { {standing(&b)} <p>"票决结束后公布结果。"</p> }.into_any() }}
                            {(b.closed && !b.finalized && b.provisional.is_empty()).then(|| view! {
                                <form method="post" action="/api/micro/finalize" class="inline-form">
                                    <input type="hidden" name="ballot" value=bid.clone()/>
                                    <button type="submit" class="button primary">"确认结果"</button>
                                </form>
                            })}
                            <h2>"领取纸质选票"</h2>
                            <p class="muted">{format!("已发放 {} 张。领票的代表不能再在网上投票；已在网上投票的代表不能领票。", b.paper.issued)}</p>
                            {(!p.issued_to.is_empty()).then(|| view! { <p class="muted">{format!("领票代表：{}", p.issued_to.join("、"))}</p> })}
                            {(!b.closed && !b.finalized).then(|| view! {
                                <form method="post" action="/api/micro/paper/issue" class="inline-form">
                                    <input type="hidden" name="ballot" value=bid.clone()/>
                                    <label for="pi-d">"代表"</label>" "
                                    <select id="pi-d" name="deputy" required>
                                        {p.deputies.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                    </select>" "
                                    <button type="submit" class="button">"登记领票"</button>
                                </form>
                            })}
                            <h2>"纸质选票录入"</h2>
                            <p class="muted">"每张选票由两位计票人分别录入；两次录入一致才计入结果，不一致的在下方标出，由录入人核对后更正。"</p>
                            {p.sheets.is_empty().then(|| view! { <p>"尚未录入纸质选票。"</p> })}
                            <div class="table-wrap">
                            <table class="data">
                                <thead><tr><th>"编号"</th><th>"录入人"</th><th>"状态"</th><th>"不一致之处"</th></tr></thead>
                                <tbody>
                                    {p.sheets.iter().map(|s| view! {
                                        <tr>
                                            <td>{s.serial.clone()}</td>
                                            <td>{s.tellers.join("、")}{s.mine.then_some("（含您）")}</td>
                                            <td>{if s.agreed { view! { <span class="status status-closed">{s.state.clone()}</span> }.into_any() }
                                                else if s.differences.is_empty() { view! { <span class="status">{s.state.clone()}</span> }.into_any() }
                                                else { view! { <span class="status status-late">{s.state.clone()}</span> }.into_any() }}</td>
                                            <td>{s.differences.iter().map(|(t, a, b)| view! { <p>{format!("{t}：{a}；{b}")}</p> }).collect_view()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            {can_enter.then(|| view! {
                                <form method="post" action="/api/micro/paper/enter" class="stack-form">
                                    <input type="hidden" name="ballot" value=bid.clone()/>
                                    <label for="pe-s">"选票编号"</label>
                                    <input id="pe-s" name="serial" required maxlength="20"/>
                                    {b.candidates.iter().enumerate().map(|(i, c)| {
                                        let name = format!("marks[{i}]");
                                        view! {
                                            <fieldset>
                                                <legend>{c.title.clone()}</legend>
                                                <input type="hidden" name=format!("projects[{i}]") value=c.project.to_string()/>
                                                <label class="inline"><input type="radio" name=name.clone() value="yes" required/>"赞成"</label>
                                                <label class="inline"><input type="radio" name=name.clone() value="no"/>"反对"</label>
                                                <label class="inline"><input type="radio" name=name.clone() value="abstain"/>"弃权"</label>
                                                <label class="inline"><input type="radio" name=name value="none"/>"未填"</label>
                                            </fieldset>
                                        }
                                    }).collect_view()}
                                    <label class="inline"><input type="checkbox" name="correct" value="1"/>"更正我的录入（本人录入过这张选票）"</label>
                                    <button type="submit" class="button primary">"保存录入"</button>
                                </form>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
