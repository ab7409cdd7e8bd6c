//! Station pages: `/station/opinions` (record, import, forward), `/station/opinions/:id` (edit),
//! `/station/batches` and `/station/batches/:receipt`. Every form is a plain form posting to a
//! server function; with JavaScript the same forms submit without leaving the page and the page
//! reloads its data.

use super::{
    check_import, get_batch, get_opinion, list_batches, load_intake, method_label, BatchSummary,
    DeleteOpinion, ForwardBatch, ImportReport, Opinion, RecordOpinion, UpdateOpinion, METHODS,
};
use crate::comment::Stance;
use crate::components::{reload_on_success, urlencode, ActionError};
use crate::station::level_label;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn error_view(e: crate::error::AppError) -> AnyView {
    crate::components::page_error(e)
}

/// The fields shared by the entry and the edit form. `o` pre-fills them; a refused
/// submission (`m`) fills them with what was typed.
fn opinion_fields(
    units: Vec<String>,
    today: String,
    o: Option<Opinion>,
    m: &crate::form::FormMemory,
) -> impl IntoView {
    let stance = m
        .value("stance")
        .and_then(|s| Stance::parse(&s))
        .or(o.as_ref().map(|o| o.stance))
        .unwrap_or(Stance::Amend);
    let method = m.value("method").unwrap_or_else(|| {
        o.as_ref()
            .map(|o| o.method.clone())
            .unwrap_or_else(|| "meeting".into())
    });
    let o_unit = m.value_or(
        "unit",
        o.as_ref().map(|o| o.unit_label.clone()).unwrap_or_default(),
    );
    let o_text = m.value_or(
        "text",
        o.as_ref().map(|o| o.text.clone()).unwrap_or_default(),
    );
    let o_residents = m.value_or(
        "residents",
        o.as_ref().map(|o| o.residents).unwrap_or(1).to_string(),
    );
    let o_day = m.value_or(
        "collected_on",
        o.as_ref()
            .map(|o| o.collected_on.clone())
            .unwrap_or_else(|| today.clone()),
    );
    view! {
        <div class="field-row">
            <label for="op-unit">"条款"</label>
            <input id="op-unit" name="unit" list="op-units" required autofocus autocomplete="off"
                placeholder="如 12、12.2、第十二条第二款，或条文中的几个字" value=o_unit/>
            <datalist id="op-units">
                {units.into_iter().map(|l| view! { <option value=l/> }).collect_view()}
            </datalist>
        </div>
        <fieldset class="choice-row">
            <legend>"意见类型"</legend>
            {Stance::ALL.into_iter().map(|s| view! {
                <label class="inline">
                    <input type="radio" name="stance" value=s.as_str() checked=s == stance/>
                    {s.label()}
                </label>
            }).collect_view()}
        </fieldset>
        <label for="op-text">"意见内容"</label>
        <textarea id="op-text" name="text" rows="4" required maxlength="5000">{o_text}</textarea>
        <div class="field-grid">
            <label>"收集方式"
                <select name="method">
                    {METHODS.into_iter().map(|(v, l)| view! {
                        <option value=v selected=v == method>{l}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"代表人数"
                <input type="number" name="residents" min="1" max="100000" inputmode="numeric" value=o_residents/>
            </label>
            <label>"收集日期"
                <input type="date" name="collected_on" max=today value=o_day/>
            </label>
        </div>
    }
}

/// An import's outcome where the person is looking (`#import-result`): what happened, every
/// problem listed by row, and — the file kept — the ways on without choosing it again.
fn import_result(
    r: ImportReport,
    outcome: &str,
    imported: usize,
    already: usize,
    slug: String,
) -> impl IntoView {
    let mut by_row: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for e in &r.errors {
        by_row.entry(e.line).or_default().push(e.message.clone());
    }
    let (class, headline) = match outcome {
        "imported" => (
            "alert alert-ok",
            format!("已导入 {imported} 条意见；{already} 行此前已导入，未重复导入。"),
        ),
        "refused" => (
            "alert alert-error",
            "文件中有问题，按“全部正确才导入”的方式，未导入任何一行。".to_string(),
        ),
        _ => (
            "alert",
            format!(
                "检查完毕，尚未导入：{} 行正确（其中 {} 行此前已导入）。",
                r.valid, r.already
            ),
        ),
    };
    let problems = (!by_row.is_empty()).then(|| {
        let rows = by_row.len();
        let count = r.errors.len();
        view! {
            <p>{format!("{rows} 行有问题（共 {count} 处），这些行不会导入：")}</p>
            <ul class="row-problems">
                {by_row.into_iter().map(|(line, ms)| view! {
                    <li>
                        <strong>{if line == 0 { "文件".to_string() } else { format!("第 {line} 行") }}</strong>
                        "："
                        {ms.join("；")}
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    let importable = r.valid > r.already && outcome != "imported";
    let clean = r.errors.is_empty();
    let new_rows = r.valid - r.already;
    view! {
        <section class="import-result" id="import-result" aria-labelledby="import-result-h">
            <h2 id="import-result-h">{format!("导入文件：{}", if r.file_name.is_empty() { "（未命名）" } else { &r.file_name })}</h2>
            <p class=class role="status">{headline}</p>
            {problems}
            {importable.then(|| view! {
                <form method="post" action="/api/opinions/import" enctype="multipart/form-data" class="inline-form">
                    <input type="hidden" name="slug" value=slug.clone()/>
                    <input type="hidden" name="file_id" value=r.file_id.clone()/>
                    <input type="hidden" name="mode" value=if clean { "all" } else { "valid" }/>
                    <button type="submit" class="button primary">
                        {if clean { format!("导入这 {new_rows} 条意见") } else { format!("只导入正确的 {new_rows} 行") }}
                    </button>
                </form>
            })}
            {(!clean).then(|| view! {
                <p class="muted">"也可以在 Excel 或 WPS 中改正这些行后，重新选择文件上传。"</p>
            })}
        </section>
    }
}

#[component]
pub fn IntakePage() -> impl IntoView {
    let query = use_query_map();
    let slug = move || query.read().get("draft").filter(|s| !s.is_empty());
    let data = Resource::new(slug, load_intake);
    let record = ServerAction::<RecordOpinion>::new();
    let delete = ServerAction::<DeleteOpinion>::new();
    let forward = ServerAction::<ForwardBatch>::new();
    reload_on_success(record, move |id| {
        format!(
            "/station/opinions?draft={}&saved={id}",
            urlencode(&slug().unwrap_or_default())
        )
    });
    reload_on_success(delete, move |_| {
        format!(
            "/station/opinions?draft={}",
            urlencode(&slug().unwrap_or_default())
        )
    });
    reload_on_success(forward, |receipt| format!("/station/batches/{receipt}"));
    // "已保存" belongs to the last success only: a later refusal (with or without JavaScript)
    // replaces it.
    let any_error = move || {
        [
            record.value().get().is_some_and(|r| r.is_err()),
            delete.value().get().is_some_and(|r| r.is_err()),
            forward.value().get().is_some_and(|r| r.is_err()),
        ]
        .contains(&true)
    };
    let import = move || {
        let q = query.read();
        q.get("import").filter(|i| !i.is_empty()).map(|id| {
            let n = |k: &str| q.get(k).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            (
                id,
                q.get("outcome").unwrap_or_default(),
                n("imported"),
                n("already"),
            )
        })
    };
    let checked = Resource::new(
        move || (slug(), import().map(|i| i.0)),
        |(slug, id)| async move {
            match (slug, id) {
                (Some(slug), Some(id)) => Some(check_import(slug, id).await),
                _ => None,
            }
        },
    );
    view! {
        <Title text="录入群众意见 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"录入群众意见"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let info = crate::components::session_info().await;
                let refused = info.as_ref().is_some_and(|i| i.flash.is_some() || i.form.is_some());
                let (saved, deleted) = (query.read().get("saved").is_some(), query.read().get("deleted").is_some());
                (!refused).then(|| view! {
                    {saved.then(|| view! { <p class="alert alert-ok" role="status" hidden=any_error>"已保存。可以继续录入下一条。"</p> })}
                    {deleted.then(|| view! { <p class="alert alert-ok" role="status" hidden=any_error>"已删除。"</p> })}
                })
            })}
        </Suspense>
        <ActionError action=delete/>
        <ActionError action=forward/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (Some(Ok(r)), Some((_, outcome, imported, already))) = (checked.await, import()) else {
                    return ().into_any();
                };
                import_result(r, &outcome, imported, already, slug().unwrap_or_default()).into_any()
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let info = crate::components::session_info().await;
                let memory = crate::components::form_memory::<RecordOpinion>(info.as_ref());
                let v = match data.await {
                    Err(e) => return error_view(e),
                    Ok(v) => v,
                };
                let Some(slug) = v.slug.clone() else {
                    return view! {
                        <p class="muted">{format!("{}：请选择要录入意见的草案。", v.station_name)}</p>
                        {if v.drafts.is_empty() {
                            view! { <p>"目前没有正在征求意见的草案。"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="draft-list">
                                    {v.drafts.into_iter().map(|(s, t)| view! {
                                        <li><a href=format!("/station/opinions?draft={}", urlencode(&s))>{format!("《{t}》")}</a></li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any();
                };
                let (slug_record, slug_forward) = (slug.clone(), slug.clone());
                let pending_count = v.pending.len();
                let residents: i64 = v.pending.iter().map(|o| o.residents).sum();
                view! {
                    <p class="muted">{format!("{} · 《{}》", v.station_name, v.draft_title)}</p>
                    <section>
                        <h2>"逐条录入"</h2>
                        <ActionForm action=record attr:class="stack-form opinion-form">
                            <input type="hidden" name="slug" value=slug_record.clone()/>
                            {opinion_fields(v.units.clone(), v.today.clone(), None, &memory)}
                            <crate::components::FormErrors action=record memory=memory.clone() prefix="op-"/>
                            <button type="submit" class="button primary">"保存"</button>
                        </ActionForm>
                    </section>
                    <section>
                        <h2>{format!("待报送的意见（{pending_count} 条，代表群众 {residents} 人）")}</h2>
                        {if v.pending.is_empty() {
                            view! { <p>"还没有录入意见。"</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="data stacked">
                                    <thead><tr><th>"条款"</th><th>"类型"</th><th>"意见内容"</th><th>"方式"</th><th class="num">"人数"</th><th>"日期"</th><th>"操作"</th></tr></thead>
                                    <tbody>
                                        {v.pending.into_iter().map(|o| view! {
                                            <tr>
                                                <td data-label="条款">{o.unit_label.clone()}</td>
                                                <td data-label="类型">{o.stance.label()}</td>
                                                <td data-label="意见内容" class="cell-text">{o.text.clone()}</td>
                                                <td data-label="方式">{method_label(&o.method)}</td>
                                                <td data-label="人数" class="num">{o.residents}</td>
                                                <td data-label="日期">{o.collected_on.clone()}</td>
                                                <td data-label="操作" class="actions">
                                                    <a href=format!("/station/opinions/{}", o.id)>"修改"</a>
                                                    " " <a href=format!("/station/opinions/{}?delete=1#confirm", o.id)>"删除…"</a>
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <ActionForm action=forward attr:class="stack-form">
                                    <input type="hidden" name="slug" value=slug_forward.clone()/>
                                    <label for="fw-note">"报送说明（如座谈会的时间、地点、参加人员）"</label>
                                    <textarea id="fw-note" name="note" rows="2" maxlength="1000"></textarea>
                                    <p class="muted">"报送后意见不能再修改，每条意见将获得查询编号。"</p>
                                    <button type="submit" class="button primary">{format!("报送这 {pending_count} 条意见")}</button>
                                </ActionForm>
                            }.into_any()
                        }}
                    </section>
                    <section>
                        <h2>"从表格导入"</h2>
                        <p class="muted">
                            "下载模板（"
                            <a href="/station/opinions/template.xlsx" download="意见导入模板.xlsx">"Excel"</a>
                            " / "
                            <a href="/station/opinions/template.csv" download="意见导入模板.csv">"CSV"</a>
                            "），每行一条意见：条款、意见类型（赞成/反对/修改建议）、意见内容、收集方式（座谈会/走访/意见箱/来信/电话）、代表人数、收集日期。"
                            "有错误的文件不会导入任何一行，除非选择“只导入正确的行”；同一文件重复导入不会产生重复意见。"
                        </p>
                        <form method="post" action="/api/opinions/import" enctype="multipart/form-data" class="stack-form">
                            <input type="hidden" name="slug" value=slug/>
                            <label for="op-file">"文件（.xlsx 或 .csv）"</label>
                            <input id="op-file" type="file" name="file" required
                                accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
                            <fieldset class="choice-row">
                                <legend>"导入方式"</legend>
                                <label class="inline"><input type="radio" name="mode" value="check" checked/>"只检查"</label>
                                <label class="inline"><input type="radio" name="mode" value="all"/>"全部正确才导入"</label>
                                <label class="inline"><input type="radio" name="mode" value="valid"/>"只导入正确的行"</label>
                            </fieldset>
                            <button type="submit" class="button">"上传"</button>
                        </form>
                    </section>
                    <p><a href="/station/batches">"查看报送记录 →"</a></p>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn EditOpinionPage() -> impl IntoView {
    let id = crate::components::use_id_param("id");
    let data = Resource::new(id, get_opinion);
    let update = ServerAction::<UpdateOpinion>::new();
    let delete = ServerAction::<DeleteOpinion>::new();
    let query = use_query_map();
    let deleting = move || query.read().get("delete").is_some();
    let back = StoredValue::new(String::new());
    reload_on_success(delete, move |_| back.get_value());
    let slug = StoredValue::new(String::new());
    reload_on_success(update, move |_| {
        format!("/station/opinions?draft={}", urlencode(&slug.get_value()))
    });
    view! {
        <Title text="修改意见 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/"), crate::components::crumb("录入群众意见", "/station/opinions")]/>
        <h1>"修改意见"</h1>
        <ActionError action=update/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let info = crate::components::session_info().await;
                let (s, o, today) = match data.await {
                    Err(e) => return error_view(e),
                    Ok(v) => (v.slug, v.opinion, v.today),
                };
                slug.set_value(s.clone());
                back.set_value(format!("/station/opinions?draft={}&deleted=1", urlencode(&s)));
                if let Some(t) = o.tracking {
                    return view! { <p>{format!("这条意见已报送（查询编号 {t}），不能再修改。")}</p> }.into_any();
                }
                if deleting() {
                    return view! {
                        <section class="confirm-panel" id="confirm" aria-labelledby="confirm-h">
                            <h2 id="confirm-h">"删除这条意见？"</h2>
                            <p>{format!("{} · {} · {}", o.unit_label, o.stance.label(), o.collected_on)}</p>
                            <blockquote>{o.text.clone()}</blockquote>
                            <p>"删除后不能恢复。"</p>
                            <ActionError action=delete/>
                            <ActionForm action=delete attr:class="inline-form">
                                <input type="hidden" name="id" value=o.id.to_string()/>
                                <input type="hidden" name="confirmed" value="1"/>
                                <button type="submit" class="button danger">"确认删除"</button>
                            </ActionForm>
                            " " <a href=format!("/station/opinions?draft={}", urlencode(&s))>"不删除，返回"</a>
                        </section>
                    }.into_any();
                }
                view! {
                    <ActionForm action=update attr:class="stack-form opinion-form">
                        <input type="hidden" name="id" value=o.id.to_string()/>
                        {opinion_fields(Vec::new(), today, Some(o), &crate::components::form_memory::<UpdateOpinion>(info.as_ref()))}
                        <button type="submit" class="button primary">"保存修改"</button>
                    </ActionForm>
                    <p><a href=format!("/station/opinions?draft={}", urlencode(&s))>"← 返回"</a></p>
                }.into_any()
            })}
        </Suspense>
    }
}

fn batch_row(b: BatchSummary) -> impl IntoView {
    view! {
        <tr>
            <td data-label="回执编号"><a href=format!("/station/batches/{}", b.receipt)>{b.receipt.clone()}</a></td>
            <td data-label="联系点">{b.station.clone()}<span class="muted">{format!("（{}）", level_label(b.station_level))}</span></td>
            <td data-label="草案">{format!("《{}》", b.draft_title)}</td>
            <td data-label="条数" class="num">{b.opinions}</td>
            <td data-label="代表人数" class="num">{b.residents}</td>
            <td data-label="报送时间">{b.forwarded_at.clone()}</td>
            <td data-label="报送人">{b.forwarded_by.clone()}</td>
            <td data-label="说明" class="cell-text">{b.note.clone()}</td>
        </tr>
    }
}

#[component]
pub fn BatchesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_batches());
    view! {
        <Title text="报送记录 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"报送记录"</h1>
        <p class="muted">"本联系点及下级联系点报送的意见批次。"</p>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(l) if l.is_empty() => view! { <p>"还没有报送记录。"</p> }.into_any(),
                    Ok(l) => view! {
                        <div class="table-wrap"><table class="data stacked">
                            <thead><tr><th>"回执编号"</th><th>"联系点"</th><th>"草案"</th><th class="num">"条数"</th><th class="num">"代表人数"</th><th>"报送时间"</th><th>"报送人"</th><th>"说明"</th></tr></thead>
                            <tbody>{l.into_iter().map(batch_row).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn BatchPage() -> impl IntoView {
    let params = use_params_map();
    let receipt = move || params.read().get("receipt").unwrap_or_default();
    let data = Resource::new(receipt, get_batch);
    view! {
        <Title text="报送批次 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let b = match data.await {
                    Err(e) => return error_view(e),
                    Ok(b) => b,
                };
                let s = b.summary;
                view! {
                    <div class="print-hide"><crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/"), crate::components::crumb("报送记录", "/station/batches")]/></div>
                    <h1>{format!("报送回执 {}", s.receipt)}</h1>
                    <p class="alert alert-ok" role="status">{format!(
                        "{}于 {} 报送《{}》意见 {} 条，代表群众 {} 人。报送人：{}。",
                        s.station, s.forwarded_at, s.draft_title, s.opinions, s.residents, s.forwarded_by
                    )}</p>
                    {(!s.note.is_empty()).then(|| view! { <p><span class="muted">"说明："</span>{s.note.clone()}</p> })}
                    <div class="table-wrap"><table class="data stacked">
                        <thead><tr><th>"查询编号"</th><th>"条款"</th><th>"类型"</th><th>"意见内容"</th><th>"方式"</th><th class="num">"人数"</th><th>"日期"</th></tr></thead>
                        <tbody>
                            {b.opinions.into_iter().map(|o| {
                                let t = o.tracking.clone().unwrap_or_default();
                                view! {
                                    <tr>
                                        <td data-label="查询编号"><a href=format!("/receipt/{t}")>{t.clone()}</a></td>
                                        <td data-label="条款">{o.unit_label.clone()}</td>
                                        <td data-label="类型">{o.stance.label()}</td>
                                        <td data-label="意见内容" class="cell-text">{o.text.clone()}</td>
                                        <td data-label="方式">{method_label(&o.method)}</td>
                                        <td data-label="人数" class="num">{o.residents}</td>
                                        <td data-label="日期">{o.collected_on.clone()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <p class="print-hide"><a href="/station/batches">"← 报送记录"</a></p>
                }.into_any()
            })}
        </Suspense>
    }
}
