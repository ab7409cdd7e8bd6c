//! Pages of the closed loop: the station's requests, the public status page, the deputy's
//! suggestions, the unit's queue, the office's hand-out and chase list, the admin's units.
//! Every form is a plain POST that the server answers with a redirect back, so all of it works
//! without JavaScript; the lists are single columns that read at 360 px.

use super::*;
use crate::components::{crumb, page_error, Crumbs};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn loading() -> impl IntoView {
    view! { <p>"加载中…"</p> }
}

/// A note after a successful form post (the redirect carries it in the query).
fn done_note(key: &'static str, text: &'static str) -> impl IntoView {
    let q = use_query_map();
    move || {
        q.with(|q| q.get(key)).map(|v| {
            let t = if v == "1" {
                text.to_string()
            } else {
                format!("{text}{v}")
            };
            view! { <p class="alert alert-ok" role="status">{t}</p> }
        })
    }
}

fn answers_view(answers: Vec<AnswerView>) -> impl IntoView {
    answers
        .into_iter()
        .map(|a| {
            view! {
                <div class="answer">
                    <p>
                        <strong>{format!("第 {} 次答复 · {} · {}", a.round, a.unit, a.category)}</strong>
                        <span class="muted">{format!(" {}", a.answered_on)}</span>
                    </p>
                    <p class="pre">{a.body}</p>
                    {(!a.measures.is_empty()).then(|| view! { <p class="pre">"办理措施：" {a.measures.clone()}</p> })}
                    {(!a.planned_on.is_empty()).then(|| view! { <p>"计划完成日期：" {a.planned_on.clone()}</p> })}
                </div>
            }
        })
        .collect_view()
}

fn suggestion_head(s: &SuggestionRow) -> impl IntoView {
    let units = match &s.lead_unit {
        Some(l) if s.co_units.is_empty() => format!("主办：{l}"),
        Some(l) => format!("主办：{l}；协办：{}", s.co_units.join("、")),
        None => String::new(),
    };
    view! {
        <p>
            <strong>{s.title.clone()}</strong>
            " "<span class="status">{s.status_label.clone()}</span>
            {s.overdue.then(|| view! { " "<span class="status status-late">"已超期"</span> })}
            {(!s.supervisor.is_empty()).then(|| view! { " "<span class="status status-supervised">"重点督办"</span> })}
        </p>
        {(!s.supervisor.is_empty()).then(|| view! { <p class="supervisor">{format!("督办领导：{}", s.supervisor)}</p> })}
        <p class="muted">
            {format!("{} · 领衔代表：{}", s.tracking, s.author)}
            {(!s.signers.is_empty()).then(|| format!(" · 联名：{}", s.signers.join("、")))}
            {format!(" · {} · 群众诉求 {} 件", s.station, s.requests)}
        </p>
        {(!units.is_empty()).then(|| view! { <p class="muted">{units.clone()}</p> })}
        {s.deadline.clone().map(|d| view! {
            <p class="muted">
                {format!("办理期限：{d}")}
                {s.difficult.then_some("（重大复杂，六个月）")}
                {s.extended.then(|| format!("（已延期：{}）", s.extension_reason))}
            </p>
        })}
    }
}

/// The request form, for station operators and deputies alike. A refused submission (no
/// JavaScript) comes back with everything typed and the reason beside the field.
fn request_form() -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let info = crate::components::session_info().await;
                let m = crate::components::form_memory::<RecordRequest>(info.as_ref());
                let chosen = m.value("category").unwrap_or_default();
                let field_error = |name: &str| m.error(name).map(|e| view! {
                    <p class="field-error" id=format!("rq-{name}-error") role="alert">{e}</p>
                });
                view! {
                    <form method="post" action="/api/requests/record" class="stack-form">
                        <label for="rq-title">"诉求事项"</label>
                        <input id="rq-title" name="title" required maxlength="100" placeholder="例：某小区供热管道破损" value=m.value_or("title", "")/>
                        {field_error("title")}
                        <label for="rq-body">"具体情况"</label>
                        <textarea id="rq-body" name="body" required rows="4">{m.value_or("body", "")}</textarea>
                        {field_error("body")}
                        <label for="rq-place">"地点"</label>
                        <input id="rq-place" name="place" maxlength="200" value=m.value_or("place", "")/>
                        <label for="rq-cat">"类别"</label>
                        <select id="rq-cat" name="category" required>
                            <option value="">"请选择"</option>
                            {CATEGORIES.iter().map(|c| view! { <option value=*c selected=chosen == *c>{*c}</option> }).collect_view()}
                        </select>
                        {field_error("category")}
                        <label for="rq-name">"反映人姓名（不公开）"</label>
                        <input id="rq-name" name="resident_name" maxlength="50" value=m.value_or("resident_name", "")/>
                        <label for="rq-contact">"联系方式（电话或电子邮箱，不公开，仅用于反馈办理结果）"</label>
                        <input id="rq-contact" name="resident_contact" maxlength="100" value=m.value_or("resident_contact", "")
                            autofocus=m.first_error().as_deref() == Some("resident_contact")/>
                        {field_error("resident_contact")}
                        {m.message().map(|msg| view! { <p class="alert alert-error" id="form-error" role="alert">{format!("未能登记：{msg}")}</p> })}
                        <button type="submit" class="button primary">"登记诉求"</button>
                    </form>
                }
            })}
        </Suspense>
    }
}

/// The form that turns a request about an open draft into the station's opinion on one of its
/// articles (shown only while some draft is open to the station).
fn to_opinion_form(request: i64, drafts: &[(String, String)]) -> impl IntoView {
    let id = |f: &str| format!("to-op-{request}-{f}");
    view! {
        <details class="to-opinion">
            <summary>"涉及正在征求意见的草案？转为草案意见"</summary>
            <form method="post" action="/api/opinions/from-request" class="stack-form">
                <input type="hidden" name="request" value=request.to_string()/>
                <label for=id("slug")>"草案"</label>
                <select id=id("slug") name="slug" required>
                    {drafts.iter().map(|(slug, title)| view! { <option value=slug.clone()>{title.clone()}</option> }).collect_view()}
                </select>
                <label for=id("unit")>"针对的条款"</label>
                <input id=id("unit") name="unit" required placeholder="如 第十二条 或 第十二条第二款" maxlength="40"/>
                <label for=id("stance")>"意见类型"</label>
                <select id=id("stance") name="stance">
                    {crate::comment::Stance::ALL.iter().rev().map(|st| view! { <option value=st.as_str()>{st.label()}</option> }).collect_view()}
                </select>
                <label for=id("method")>"收集方式"</label>
                <select id=id("method") name="method">
                    {crate::batch::METHODS.iter().map(|(v, l)| view! { <option value=*v selected=*v == "visit">{*l}</option> }).collect_view()}
                </select>
                <p class="muted">"诉求的标题和内容作为意见正文，代表人数 1 人，收集日期为登记日；保存后可在“线下意见”中修改，随下一批意见报送。"</p>
                <button type="submit" class="button">"转为草案意见"</button>
            </form>
        </details>
    }
}

fn request_list(rows: Vec<RequestRow>, drafts: Vec<(String, String)>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"暂无诉求。"</p> }.into_any();
    }
    view! {
        <ul class="work-list">
            {rows.into_iter().map(|r| {
                let convert = (r.opinion.is_none() && !drafts.is_empty()).then(|| to_opinion_form(r.id, &drafts));
                view! {
                <li>
                    <p><strong>{r.title}</strong>" "<span class="status">{r.status}</span></p>
                    <p class="muted">{format!("{} · {} · {} · {}", r.tracking, r.category, r.place, r.recorded_on)}
                        {(!r.resident_name.is_empty()).then(|| format!(" · 反映人：{}", r.resident_name))}
                        {(!r.has_contact).then_some(" · 未留联系方式")}
                    </p>
                    {r.opinion.map(|o| view! { <p class="status">{o}</p> })}
                    {r.projects.into_iter().map(|p| view! { <p class="status">{p}</p> }).collect_view()}
                    <p><a href=format!("/requests/status?tracking={}", r.tracking)>"公开办理进度"</a></p>
                    {convert}
                </li>
            }}).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/station/requests`: record residents' requests and follow them.
#[component]
pub fn StationRequestsPage() -> impl IntoView {
    let list = Resource::new(
        || (),
        |_| async {
            let rows = station_requests().await?;
            // Only drafts open to the station now can take a new opinion.
            let drafts = crate::batch::load_intake(None)
                .await
                .map(|v| v.drafts)
                .unwrap_or_default();
            Ok::<_, AppError>((rows, drafts))
        },
    );
    view! {
        <Title text="群众诉求 · 意见"/>
        <Crumbs trail=vec![crumb("工作台", "/")]/>
        <h1>"群众诉求"</h1>
        {done_note("recorded", "已登记，编号：")}
        <p class="muted">"群众到代表之家反映的问题，登记后由本家的代表形成建议，交有关部门办理，结果反馈给反映人。"</p>
        <h2>"登记诉求"</h2>
        {request_form()}
        <h2>"本家登记的诉求"</h2>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok((rows, drafts)) => request_list(rows, drafts).into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/requests/status?tracking=…`: where a request stands, for anyone with its number.
#[component]
pub fn RequestStatusPage() -> impl IntoView {
    let q = use_query_map();
    let tracking = move || q.with(|q| q.get("tracking")).unwrap_or_default();
    let status = Resource::new(tracking, |t| async move {
        if t.trim().is_empty() {
            Ok(None)
        } else {
            get_request_status(t).await.map(Some)
        }
    });
    view! {
        <Title text="诉求办理进度 · 意见"/>
        <h1>"诉求办理进度"</h1>
        <form method="get" action="/requests/status" class="inline-form">
            <label for="rs-t">"诉求编号"</label>
            <input id="rs-t" name="tracking" value=tracking placeholder="YJ-XXXX-XXXX"/>
            <button type="submit" class="button">"查询"</button>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match status.await {
                    Err(e) => page_error(e),
                    Ok(None) => ().into_any(),
                    Ok(Some(s)) => view! {
                        <section class="request-status">
                            <h2>{s.title}</h2>
                            <p class="muted">{format!("{} · {} · {} · {} 登记", s.tracking, s.category, s.station, s.recorded_on)}
                                {(!s.place.is_empty()).then(|| format!(" · {}", s.place))}</p>
                            <p><span class="status">{s.status}</span>
                                {(!s.supervisor.is_empty()).then(|| view! { <span class="status status-supervised">"重点督办"</span> })}
                                {s.deadline.map(|d| format!(" 办理期限：{d}"))}</p>
                            {s.opinion.map(|o| view! { <p class="status">{o}</p> })}
                            {s.projects.into_iter().map(|p| view! { <p class="status">{p}</p> }).collect_view()}
                            // Only the supervising leader's title and name, which are public.
                            {(!s.supervisor.is_empty()).then(|| view! { <p>{format!("督办领导：{}", s.supervisor)}</p> })}
                            {answers_view(s.answers)}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/deputy`: the station's open requests, writing a suggestion, my suggestions and rating.
#[component]
pub fn DeputyPage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_deputy_home());
    view! {
        <Title text="我的建议 · 意见"/>
        <h1>"代表建议"</h1>
        {done_note("created", "建议已提交，编号：")}
        {done_note("rated", "评价已提交。")}
        {done_note("recorded", "诉求已登记，编号：")}
        <p><a href="/deputy/ballots">"微实事项目与票决"</a></p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match home.await {
                    Err(e) => page_error(e),
                    Ok(h) => view! {
                        <h2>"提出建议"</h2>
                        <form method="post" action="/api/suggestions/create" class="stack-form">
                            <label for="sg-title">"建议标题"</label>
                            <input id="sg-title" name="title" required maxlength="100"/>
                            <label for="sg-body">"建议内容"</label>
                            <textarea id="sg-body" name="body" required rows="6"></textarea>
                            <fieldset>
                                <legend>{format!("采纳{}的群众诉求（可多选）", h.station)}</legend>
                                {if h.open_requests.is_empty() {
                                    view! { <p class="muted">"暂无待处理的诉求。"</p> }.into_any()
                                } else {
                                    h.open_requests.iter().map(|r| view! {
                                        <label class="inline">
                                            <input type="checkbox" name="requests[]" value=r.id.to_string()/>
                                            {format!("{}（{}，{}）", r.title, r.category, r.recorded_on)}
                                        </label>
                                    }).collect_view().into_any()
                                }}
                            </fieldset>
                            <label for="sg-co">"联名代表（登录名，多个用逗号或空格分隔）"</label>
                            <input id="sg-co" name="cosigners"/>
                            <button type="submit" class="button primary">"提交建议"</button>
                        </form>
                        <h2>"我的建议"</h2>
                        {if h.suggestions.is_empty() {
                            view! { <p>"暂无建议。"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="work-list">
                                    {h.suggestions.into_iter().map(|s| {
                                        let rate = s.status == "answered";
                                        let id = s.id.to_string();
                                        view! {
                                            <li>
                                                {suggestion_head(&s)}
                                                {answers_view(s.answers.clone())}
                                                {s.ratings.iter().map(|r| view! { <p class="muted">{r.clone()}</p> }).collect_view()}
                                                {rate.then(|| view! {
                                                    <form method="post" action="/api/suggestions/rate" class="stack-form">
                                                        <input type="hidden" name="id" value=id.clone()/>
                                                        <fieldset>
                                                            <legend>"对答复的评价"</legend>
                                                            <label class="inline"><input type="radio" name="rating" value="satisfied" required/>"满意"</label>
                                                            <label class="inline"><input type="radio" name="rating" value="basic"/>"基本满意"</label>
                                                            <label class="inline"><input type="radio" name="rating" value="unsatisfied"/>"不满意（重新办理）"</label>
                                                        </fieldset>
                                                        <label for=format!("rt-{id}")>"评价意见（不满意时必填）"</label>
                                                        <textarea id=format!("rt-{id}") name="comment" rows="2"></textarea>
                                                        <button type="submit" class="button">"提交评价"</button>
                                                    </form>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <h2>"登记群众诉求"</h2>
                        {request_form()}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/unit`: the unit's queue with the answer form for what it leads.
#[component]
pub fn UnitPage() -> impl IntoView {
    let queue = Resource::new(|| (), |_| load_unit_queue());
    view! {
        <Title text="建议办理 · 意见"/>
        {done_note("answered", "答复已提交，已通知反映群众和代表之家。")}
        {done_note("reassign", "改办申请已提交，请等待人大办公室处理。")}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(q) => view! {
                        <h1>{format!("{} · 建议办理", q.unit)}</h1>
                        <p><a href="/unit/projects">"微实事项目实施 →"</a></p>
                        <p class="queue-counts" role="status">
                            <strong>{format!("待办 {} 件", q.open)}</strong>
                            {format!("，其中逾期 {} 件，重点督办 {} 件", q.overdue, q.supervised)}
                        </p>
                        {q.items.is_empty().then(|| view! { <p>"暂无交办的建议。"</p> })}
                        <ul class="work-list">
                            {q.items.into_iter().map(|s| {
                                let can_answer = s.lead_here && s.status == "assigned";
                                let pending = s.reassign.iter().any(|r| r.status == "pending");
                                let can_ask = can_answer && !pending;
                                let id = s.id.to_string();
                                view! {
                                    <li>
                                        {suggestion_head(&s)}
                                        <details><summary>"建议内容"</summary><p class="pre">{s.body.clone()}</p></details>
                                        {reassign_history(&s.reassign)}
                                        {answers_view(s.answers.clone())}
                                        {s.ratings.iter().map(|r| view! { <p class="muted">{r.clone()}</p> }).collect_view()}
                                        {(!s.lead_here).then(|| view! { <p class="muted">"本单位协办，答复由主办单位作出。"</p> })}
                                        {can_answer.then(|| view! {
                                            <form method="post" action="/api/unit/answer" class="stack-form">
                                                <input type="hidden" name="id" value=id.clone()/>
                                                <fieldset>
                                                    <legend>"答复类别"</legend>
                                                    <label class="inline"><input type="radio" name="category" value="solved" required/>"已解决"</label>
                                                    <label class="inline"><input type="radio" name="category" value="planned"/>"列入计划解决"</label>
                                                    <label class="inline"><input type="radio" name="category" value="unable"/>"因条件限制暂不能解决"</label>
                                                </fieldset>
                                                <label for=format!("an-b-{id}")>"答复内容（含理由）"</label>
                                                <textarea id=format!("an-b-{id}") name="body" required rows="5"></textarea>
                                                <label for=format!("an-m-{id}")>"办理措施"</label>
                                                <textarea id=format!("an-m-{id}") name="measures" rows="3"></textarea>
                                                <label for=format!("an-p-{id}")>"计划完成日期"</label>
                                                <input id=format!("an-p-{id}") name="planned_on" type="date"/>
                                                <button type="submit" class="button primary">"提交答复"</button>
                                            </form>
                                        })}
                                        {can_ask.then(|| view! {
                                            <details class="reassign-ask">
                                                <summary>"不属于本单位职责？申请改办"</summary>
                                                <form method="post" action="/api/unit/reassign" class="stack-form">
                                                    <input type="hidden" name="id" value=id.clone()/>
                                                    <label for=format!("ra-r-{id}")>"申请改办的理由（必填，说明应由哪个单位办理及依据）"</label>
                                                    <textarea id=format!("ra-r-{id}") name="reason" required rows="3" maxlength="1000"></textarea>
                                                    <button type="submit" class="button">"提交改办申请"</button>
                                                </form>
                                            </details>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(!q.handed_away.is_empty()).then(|| view! {
                            <h2>"已改办的建议"</h2>
                            <ul class="work-list">
                                {q.handed_away.into_iter().map(|r| view! {
                                    <li>
                                        <p><strong>{r.title.clone()}</strong>" "<span class="status">"已同意改办"</span></p>
                                        <p class="muted">{format!("{} · {} 申请，{} 改由{}办理", r.tracking, r.requested_on, r.decided_on.clone().unwrap_or_default(), r.new_unit.clone().unwrap_or_default())}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The reassignment requests on a suggestion with the office's decisions.
fn reassign_history(list: &[ReassignView]) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <div class="reassign-history">
                {list.iter().map(|r| view! {
                    <p>
                        <strong>"改办申请"</strong>" "
                        <span class="status">{r.status_label()}</span>
                        <span class="muted">{format!("{} · {}", r.requested_on, r.unit)}</span>
                    </p>
                    <p class="pre">{format!("理由：{}", r.reason)}</p>
                    {(r.status == "refused").then(|| view! {
                        <p class="muted">{format!("人大办公室答复（{}）：{}", r.decided_on.clone().unwrap_or_default(), r.reply)}</p>
                    })}
                    {(r.status == "granted").then(|| view! {
                        <p class="muted">{format!("{} 改由{}主办", r.decided_on.clone().unwrap_or_default(), r.new_unit.clone().unwrap_or_default())}</p>
                    })}
                }).collect_view()}
            </div>
        }
    })
}

/// `/office`: hand out waiting suggestions, extend deadlines, chase overdue ones per unit.
#[component]
pub fn OfficePage() -> impl IntoView {
    let view_ = Resource::new(|| (), |_| load_office_view());
    view! {
        <Title text="交办督办 · 意见"/>
        <h1>"代表建议交办督办"</h1>
        {done_note("assigned", "已交办，承办单位已收到通知。")}
        {done_note("extended", "已延期。")}
        {done_note("supervised", "已列为重点督办。")}
        {done_note("unsupervised", "已取消重点督办。")}
        {done_note("reassigned", "已改办，新的主办单位已收到通知。")}
        {done_note("refused", "已答复承办单位：不同意改办。")}
        <p class="parts"><a href="/office/report">"办理情况通报（月度、季度）"</a>" "<a href="/office/micro">"微实事项目与票决"</a></p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match view_.await {
                    Err(e) => page_error(e),
                    Ok(o) => {
                        let units = o.units.clone();
                        let grant_units = o.units.clone();
                        view! {
                            {(!o.reassign_pending.is_empty()).then(|| view! {
                                <h2>{format!("改办申请（{} 件待处理）", o.reassign_pending.len())}</h2>
                                <ul class="work-list">
                                    {o.reassign_pending.into_iter().map(|r| {
                                        let rid = r.id.to_string();
                                        let units = grant_units.clone();
                                        view! {
                                            <li>
                                                <p><strong>{r.title.clone()}</strong>" "<span class="status">"待处理"</span></p>
                                                <p class="muted">{format!("{} · {} 于 {} 申请改办", r.tracking, r.unit, r.requested_on)}</p>
                                                <p class="pre">{format!("理由：{}", r.reason)}</p>
                                                <details>
                                                    <summary>"同意，改交其他单位"</summary>
                                                    <form method="post" action="/api/office/reassign" class="stack-form">
                                                        <input type="hidden" name="request" value=rid.clone()/>
                                                        <label for=format!("rg-l-{rid}")>"新的主办单位"</label>
                                                        <select id=format!("rg-l-{rid}") name="lead" required>
                                                            <option value="">"请选择"</option>
                                                            {units.iter().filter(|u| u.name != r.unit).map(|u| view! { <option value=u.id.to_string()>{u.name.clone()}</option> }).collect_view()}
                                                        </select>
                                                        <label for=format!("rg-d-{rid}")>"新的办理期限（不填为自今日起的法定期限）"</label>
                                                        <input id=format!("rg-d-{rid}") name="deadline" type="date"/>
                                                        <button type="submit" class="button primary">"改办"</button>
                                                    </form>
                                                </details>
                                                <details>
                                                    <summary>"不同意，答复承办单位"</summary>
                                                    <form method="post" action="/api/office/reassign-refuse" class="stack-form">
                                                        <input type="hidden" name="request" value=rid.clone()/>
                                                        <label for=format!("rf-r-{rid}")>"不同意的理由（承办单位可见）"</label>
                                                        <textarea id=format!("rf-r-{rid}") name="reply" required rows="2" maxlength="1000"></textarea>
                                                        <button type="submit" class="button">"不同意改办"</button>
                                                    </form>
                                                </details>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            })}
                            <h2>"重点督办：按督办领导"</h2>
                            {o.leaders.is_empty().then(|| view! { <p>"没有办理中的重点督办建议。"</p> })}
                            <ul class="work-list">
                                {o.leaders.into_iter().map(|l| view! {
                                    <li>
                                        <p><strong>{l.leader}</strong>
                                            {format!(" 督办 {} 件 · 超期 {} 件 · 重新办理 {} 件", l.items.len(), l.overdue, l.reopened)}</p>
                                        <ul>
                                            {l.items.into_iter().map(|s| view! {
                                                <li>
                                                    {format!("{}（{}，{}，期限 {}）", s.title, s.tracking, s.lead_unit.clone().unwrap_or_default(), s.deadline.clone().unwrap_or_default())}
                                                    {s.overdue.then(|| view! { " "<span class="status status-late">"已超期"</span> })}
                                                    {(s.round > 1).then(|| view! { " "<span class="status">"重新办理"</span> })}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <h2>"督办：超期和重新办理（按承办单位）"</h2>
                            {o.chase.is_empty().then(|| view! { <p>"没有超期或重新办理的建议。"</p> })}
                            <ul class="work-list">
                                {o.chase.into_iter().map(|c| view! {
                                    <li>
                                        <p><strong>{c.unit}</strong>
                                            {format!(" 超期 {} 件 · 重新办理 {} 件", c.overdue.len(), c.reopened)}</p>
                                        <ul>
                                            {c.overdue.into_iter().map(|s| view! {
                                                <li>{format!("{}（{}，期限 {}）", s.title, s.tracking, s.deadline.unwrap_or_default())}</li>
                                            }).collect_view()}
                                        </ul>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <h2>"全部建议"</h2>
                            <ul class="work-list">
                                {o.suggestions.into_iter().map(|s| {
                                    let id = s.id.to_string();
                                    let waiting = s.status == "submitted";
                                    let extendable = s.status == "assigned" && !s.extended;
                                    let supervisable = s.status == "assigned" && s.supervisor.is_empty();
                                    let supervised = !s.supervisor.is_empty();
                                    let units = units.clone();
                                    view! {
                                        <li>
                                            {suggestion_head(&s)}
                                            <details><summary>"建议内容"</summary><p class="pre">{s.body.clone()}</p></details>
                                            {answers_view(s.answers.clone())}
                                            {s.ratings.iter().map(|r| view! { <p class="muted">{r.clone()}</p> }).collect_view()}
                                            {reassign_history(&s.reassign)}
                                            {supervisable.then(|| view! {
                                                <details>
                                                    <summary>"列为重点督办"</summary>
                                                    <form method="post" action="/api/office/supervise" class="stack-form">
                                                        <input type="hidden" name="id" value=id.clone()/>
                                                        <label for=format!("sv-l-{id}")>"督办领导（职务和姓名）"</label>
                                                        <input id=format!("sv-l-{id}") name="leader" required maxlength="60" placeholder="例：州人大常委会副主任 张三"/>
                                                        <button type="submit" class="button">"列为重点督办"</button>
                                                    </form>
                                                </details>
                                            })}
                                            {supervised.then(|| view! {
                                                <form method="post" action="/api/office/supervise" class="inline-form">
                                                    <input type="hidden" name="id" value=id.clone()/>
                                                    <input type="hidden" name="off" value="1"/>
                                                    <button type="submit" class="button">"取消重点督办"</button>
                                                </form>
                                            })}
                                            {waiting.then(|| view! {
                                                <form method="post" action="/api/office/assign" class="stack-form">
                                                    <input type="hidden" name="id" value=id.clone()/>
                                                    <label for=format!("as-l-{id}")>"主办单位"</label>
                                                    <select id=format!("as-l-{id}") name="lead" required>
                                                        <option value="">"请选择"</option>
                                                        {units.iter().map(|u| view! { <option value=u.id.to_string()>{u.name.clone()}</option> }).collect_view()}
                                                    </select>
                                                    <fieldset>
                                                        <legend>"协办单位（可不选）"</legend>
                                                        {units.iter().map(|u| view! {
                                                            <label class="inline"><input type="checkbox" name="co_units[]" value=u.id.to_string()/>{u.name.clone()}</label>
                                                        }).collect_view()}
                                                    </fieldset>
                                                    <label class="inline"><input type="checkbox" name="difficult" value="1"/>"重大复杂（办理期限六个月）"</label>
                                                    <label for=format!("as-d-{id}")>"办理期限（不填为法定期限：三个月，重大复杂六个月）"</label>
                                                    <input id=format!("as-d-{id}") name="deadline" type="date"/>
                                                    <button type="submit" class="button primary">"交办"</button>
                                                </form>
                                            })}
                                            {extendable.then(|| view! {
                                                <form method="post" action="/api/office/extend" class="stack-form">
                                                    <input type="hidden" name="id" value=id.clone()/>
                                                    <label for=format!("ex-m-{id}")>"延期（月，最多三个月，只能延期一次）"</label>
                                                    <select id=format!("ex-m-{id}") name="months">
                                                        <option value="1">"1"</option>
                                                        <option value="2">"2"</option>
                                                        <option value="3">"3"</option>
                                                    </select>
                                                    <label for=format!("ex-r-{id}")>"书面理由"</label>
                                                    <textarea id=format!("ex-r-{id}") name="reason" required rows="2"></textarea>
                                                    <button type="submit" class="button">"延期"</button>
                                                </form>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// `/admin/units`: handling units, their operators, and deputies.
/// `/counties?county=…`: the public page of a county's suggestions and 微实事 projects.
#[component]
pub fn CountyPublicPage() -> impl IntoView {
    let q = use_query_map();
    let county = move || {
        q.with(|q| q.get("county"))
            .and_then(|c| c.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let data = Resource::new(county, load_county_page);
    view! {
        <Title text="代表建议与微实事 · 意见"/>
        <h1>"代表建议办理与微实事"</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => page_error(e),
                    Ok(p) => view! {
                        <nav aria-label="县市" class="parts">
                            {p.counties.iter().map(|c| view! {
                                <a href=format!("/counties?county={}", c.id)>{c.name.clone()}</a>" "
                            }).collect_view()}
                        </nav>
                        {(!p.county.is_empty()).then(|| view! {
                            <h2>{format!("{} · 代表建议", p.county)}</h2>
                            {p.suggestions.is_empty().then(|| view! { <p>"暂无已交办的建议。"</p> })}
                            <ul class="work-list">
                                {p.suggestions.iter().map(|(title, state, unit, category, on)| view! {
                                    <li>
                                        <p><strong>{title.clone()}</strong>" "<span class="status">{state.clone()}</span></p>
                                        <p class="muted">{format!("承办：{unit}")}
                                            {(!category.is_empty()).then(|| format!(" · 答复：{category}（{on}）"))}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <h2>{format!("{} · 微实事项目", p.county)}</h2>
                            {p.projects.is_empty().then(|| view! { <p>"暂无项目。"</p> })}
                            {crate::micro::work_pages::public_projects(&p.projects)}
                        })}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The two tables of the periodic report and what each figure counts; the page and the PDF
/// show the same (`print` adds the title the page has above its controls).
#[component]
pub fn ReportTables(report: PeriodReport, #[prop(optional)] print: bool) -> impl IntoView {
    let table = |first: &'static str, lines: Vec<ReportLine>, total: ReportLine| {
        view! {
            <div class="table-wrap"><table class="data stacked compact report-table">
                <thead><tr>
                    <th scope="col">{first}</th>
                    <th scope="col" class="num">"交办数"</th>
                    <th scope="col" class="num">"已答复"</th>
                    <th scope="col" class="num">"按期答复"</th>
                    <th scope="col" class="num">"逾期答复"</th>
                    <th scope="col" class="num">"逾期未答复"</th>
                    <th scope="col" class="num">"满意"</th>
                    <th scope="col" class="num">"基本满意"</th>
                    <th scope="col" class="num">"不满意"</th>
                    <th scope="col" class="num">"满意率"</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().chain(std::iter::once(total)).map(|l| {
                        let rate = l.satisfaction();
                        let total = l.name == "合计";
                        view! {
                            <tr class:report-total=total>
                                <th scope="row">{l.name}</th>
                                <td class="num" data-label="交办数">{l.assigned}</td>
                                <td class="num" data-label="已答复">{l.answered}</td>
                                <td class="num" data-label="按期答复">{l.on_time}</td>
                                <td class="num" data-label="逾期答复">{l.late}</td>
                                <td class="num" data-label="逾期未答复">{l.overdue_open}</td>
                                <td class="num" data-label="满意">{l.satisfied}</td>
                                <td class="num" data-label="基本满意">{l.basic}</td>
                                <td class="num" data-label="不满意">{l.unsatisfied}</td>
                                <td class="num" data-label="满意率">{rate}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        }
    };
    let empty = report.units.is_empty() && report.counties.is_empty();
    view! {
        {print.then(|| view! {
            <h1>{format!("代表建议办理情况通报（{}）", report.label)}</h1>
        })}
        <p class="muted">{format!("统计期间：{} 至 {}；数据截至 {}。", report.from, report.to, report.as_of)}</p>
        {empty.then(|| view! { <p>"本期没有交办、答复或评价的建议。"</p> })}
        <h2>"一、按承办单位"</h2>
        {table("承办单位", report.units.clone(), report.total.clone())}
        <h2>"二、按县市"</h2>
        {table("县市", report.counties.clone(), report.total.clone())}
        <section class="report-notes">
            <h2>"统计口径"</h2>
            <ul>
                <li>"交办数：交办日期（改办的，为改办日期）在统计期间内的建议，计入当前的主办单位。"</li>
                <li>"已答复：答复日期在统计期间内的书面答复（重新办理的建议每次答复各计一次），计入作出答复的主办单位；其中答复日期不晚于当时办理期限的为按期答复，晚于期限的为逾期答复。"</li>
                <li>"逾期未答复：截至统计期末（本期尚未结束的，截至统计时）已过办理期限、仍未答复的建议。"</li>
                <li>"满意、基本满意、不满意：评价日期在统计期间内的代表评价，计入被评价答复的承办单位。满意率 =（满意 + 基本满意）÷ 评价总数；本期无评价的显示“—”。"</li>
                <li>"县市：领衔代表所属的县市；没有代表档案的，按建议所属代表之家的县市统计。州级的代表之家单列。"</li>
            </ul>
        </section>
    }
}

/// `/office/report?period=2027-03` (or `2027-Q1`): the periodic report with downloads.
#[component]
pub fn OfficeReportPage() -> impl IntoView {
    let q = use_query_map();
    let period = move || q.with(|q| q.get("period")).unwrap_or_default();
    let data = Resource::new(period, load_period_report);
    view! {
        <Title text="办理情况通报 · 意见"/>
        <Crumbs trail=vec![crumb("工作台", "/"), crumb("交办督办", "/office")]/>
        <h1>"代表建议办理情况通报"</h1>
        <form method="get" action="/office/report" class="inline-form">
            <label for="rp-p">"统计期间（月度 2027-03，季度 2027-Q1）"</label>
            <input id="rp-p" name="period" value=period placeholder="2027-03" maxlength="10"/>
            <button type="submit" class="button">"查看"</button>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => page_error(e),
                    Ok(r) => {
                        let key = r.period.clone();
                        view! {
                            <h2 class="report-period">{r.label.clone()}</h2>
                            <nav aria-label="其他统计期间" class="parts">
                                {r.links.iter().map(|(k, label)| view! {
                                    <a href=format!("/office/report?period={k}")>{label.clone()}</a>" "
                                }).collect_view()}
                            </nav>
                            <p class="parts">
                                <a href=format!("/office/report.xlsx?period={key}") download>"下载 Excel（XLSX）"</a>" "
                                <a href=format!("/office/report.pdf?period={key}") download>"下载 PDF"</a>
                            </p>
                            <ReportTables report=r/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
