//! `/committee/drafts/:slug/themes` (the themes with counts, the quality meter, the forms to
//! propose, accept, rename, merge, add and delete, the breakdowns) and
//! `/committee/drafts/:slug/themes/review` (opinions with a checkbox per theme). Every form is a
//! plain form posting to a server function that brings the browser back, so all of it works
//! without JavaScript; merging and deleting ask for a tick first.

use super::{load_review_queue, load_themes, Breakdown, Meter, ReviewItem, ThemeRow, ThemesView};
use crate::components::{crumb, urlencode, Crumbs};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn meter_view(m: &Meter, train_min: i64) -> AnyView {
    if m.reviewed == 0 {
        return view! {
            <p class="muted">{format!(
                "质量评估：尚无可评估的意见。委员会审核满 {train_min} 条意见后，系统按审核结果训练并自动分配；此后审核的意见会与系统事先的分配比较。"
            )}</p>
        }
        .into_any();
    }
    view! {
        <div class=if m.warning { "meter alert" } else { "meter" } role=if m.warning { "alert" } else { "status" }>
            <p><strong>"自动分配质量"</strong>{format!(
                "（按 {} 条已审核意见）：准确率 {}，召回率 {}，F1 {}（95% 置信区间 {}–{}）",
                m.reviewed, pct(m.precision), pct(m.recall), pct(m.f1), pct(m.f1_low), pct(m.f1_high)
            )}</p>
            {m.warning.then(|| view! {
                <p><strong>"警告：自动分配与委员会的判断一致程度偏低（F1 低于 75%），请继续审核并点击“重新分配”，使用统计数字前请人工核对。"</strong></p>
            })}
            {(m.reviewed < 30).then(|| view! {
                <p class="muted">"已审核的意见不足 30 条，评估结果仅供参考。"</p>
            })}
        </div>
    }
    .into_any()
}

fn theme_row(t: ThemeRow, others: Vec<(i64, String)>) -> impl IntoView {
    let id = t.id.to_string();
    view! {
        <li class="theme" id=format!("theme-{}", t.id)>
            <h3>
                {t.name.clone()}
                {t.proposed.then(|| view! { " "<span class="flag">"系统建议，待确认"</span> })}
            </h3>
            <p class="muted">{format!(
                "意见 {} 条，其中委员会已审核 {} 条 · 创建：{}",
                t.opinions, t.reviewed, t.created_by
            )}</p>
            {(!t.description.is_empty()).then(|| view! { <p class="muted">"说明："{t.description.clone()}</p> })}
            <div class="button-row">
                {t.proposed.then(|| view! {
                    <form method="post" action="/api/themes/accept" class="inline-form">
                        <input type="hidden" name="theme" value=id.clone()/>
                        <button type="submit" class="button primary">"接受"</button>
                    </form>
                })}
                <form method="post" action="/api/themes/rename" class="inline-form">
                    <input type="hidden" name="theme" value=id.clone()/>
                    <label>"名称 "<input name="name" required maxlength="40" value=t.name.clone()/></label>
                    " "<button type="submit" class="button">"重命名"</button>
                </form>
            </div>
            <details>
                <summary>"合并或删除"</summary>
                {(!others.is_empty()).then(|| view! {
                    <form method="post" action="/api/themes/merge" class="stack-form">
                        <input type="hidden" name="theme" value=id.clone()/>
                        <label>"并入 "
                            <select name="into" required>
                                {others.into_iter().map(|(o, n)| view! { <option value=o.to_string()>{n}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="inline"><input type="checkbox" name="confirmed" value="1" required/>
                            {format!("确认：本主题的 {} 条意见改为所选主题，本主题不再单独列出", t.opinions)}</label>
                        <button type="submit" class="button">"合并"</button>
                    </form>
                })}
                <form method="post" action="/api/themes/delete" class="stack-form">
                    <input type="hidden" name="theme" value=id/>
                    <label class="inline"><input type="checkbox" name="confirmed" value="1" required/>
                        {format!("确认删除本主题及其 {} 条意见的分配", t.opinions)}</label>
                    <button type="submit" class="button danger">"删除"</button>
                </form>
            </details>
        </li>
    }
}

fn breakdown_table(b: Breakdown) -> impl IntoView {
    view! {
        <h3>{format!("按{}", b.dimension)}</h3>
        <div class="table-wrap"><table class="data">
            <thead><tr>
                <th>{b.dimension.clone()}</th>
                {b.rows.iter().map(|(n, _)| view! { <th>{n.clone()}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {b.values.iter().enumerate().map(|(c, v)| view! {
                    <tr>
                        <td>{v.clone()}</td>
                        {b.rows.iter().map(|(_, n)| view! { <td class="num">{n[c]}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

fn themes_body(v: ThemesView) -> AnyView {
    let s = urlencode(&v.slug);
    let names: Vec<(i64, String)> = v.themes.iter().map(|t| (t.id, t.name.clone())).collect();
    view! {
        <Crumbs trail=vec![
            crumb("工作台", "/"),
            crumb(format!("《{}》条文与意见", v.draft_title), format!("/committee/drafts/{s}/articles")),
        ]/>
        <h1>{format!("《{}》意见主题", v.draft_title)}</h1>
        <p>{format!(
            "意见 {} 条；委员会已审核 {} 条，系统自动分配 {} 条；尚无主题 {} 条。",
            v.opinions, v.reviewed, v.machine_assigned, v.without_theme
        )}</p>
        <p class="muted">"主题跨越条文归纳意见，仅供委员会内部使用，不对外公开。每条意见可以有多个主题。"</p>
        {meter_view(&v.meter, v.train_min)}
        <div class="button-row">
            <a class="button primary" href=format!("/committee/drafts/{s}/themes/review")>"审核意见的主题"</a>
            <form method="post" action="/api/themes/reassign" class="inline-form">
                <input type="hidden" name="slug" value=v.slug.clone()/>
                <button type="submit" class="button">"重新分配（按已审核意见训练）"</button>
            </form>
            <form method="post" action="/api/themes/propose" class="inline-form">
                <input type="hidden" name="slug" value=v.slug.clone()/>
                <button type="submit" class="button">"由系统建议主题"</button>
            </form>
        </div>
        <form method="post" action="/api/themes/add" class="inline-form">
            <input type="hidden" name="slug" value=v.slug.clone()/>
            <label>"新主题 "<input name="name" required maxlength="40" placeholder="如：供热价格"/></label>
            " "<button type="submit" class="button">"添加"</button>
        </form>
        <h2>{format!("主题（{} 个）", v.themes.len())}</h2>
        {v.themes.is_empty().then(|| view! { <p class="muted">"尚无主题。可以由系统建议，或自行添加。"</p> })}
        <ul class="themes">
            {v.themes.into_iter().map(|t| {
                let others: Vec<(i64, String)> = names.iter().filter(|(i, _)| *i != t.id).cloned().collect();
                theme_row(t, others)
            }).collect_view()}
        </ul>
        {(!names.is_empty()).then(|| view! {
            <h2>"主题分布"</h2>
            <p class="button-row">
                <a class="button" href=format!("/committee/drafts/{s}/themes.xlsx") rel="external">"导出 Excel"</a>
                <a class="button" href=format!("/committee/drafts/{s}/themes.csv") rel="external">"导出 CSV"</a>
            </p>
            {v.breakdowns.into_iter().map(breakdown_table).collect_view()}
        })}
    }
    .into_any()
}

#[component]
pub fn ThemesPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, load_themes);
    view! {
        <Title text="意见主题 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(v) => themes_body(v),
                }
            })}
        </Suspense>
    }
}

fn review_item(i: ReviewItem, themes: &[(i64, String)]) -> impl IntoView {
    let checked: Vec<i64> = if i.reviewed.is_empty() {
        i.machine.iter().map(|x| x.0).collect()
    } else {
        i.committee.clone()
    };
    let conf: std::collections::HashMap<i64, i64> = i.machine.iter().copied().collect();
    view! {
        <li class="review-item" id=format!("o{}", i.id)>
            <p class="muted">{format!("{} · {}", i.unit_label, i.tracking)}
                {(!i.reviewed.is_empty()).then(|| view! { " · "{i.reviewed.clone()} })}</p>
            <p class="comment-reason">{i.text.clone()}</p>
            <form method="post" action="/api/themes/review" class="stack-form">
                <input type="hidden" name="comment" value=i.id.to_string()/>
                <fieldset class="choice-row">
                    <legend>"主题（可多选）"</legend>
                    {themes.iter().map(|(t, n)| {
                        let label = match conf.get(t) {
                            Some(c) => format!("{n}（系统 {}%）", c / 10),
                            None => n.clone(),
                        };
                        view! {
                            <label class="inline"><input type="checkbox" name="themes[]" value=t.to_string() checked=checked.contains(t)/>{label}</label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">"确认"</button>
            </form>
        </li>
    }
}

#[component]
pub fn ThemeReviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        (
            params.read().get("slug").unwrap_or_default(),
            query.read().get("reviewed"),
        )
    };
    let data = Resource::new(args, |(slug, reviewed)| load_review_queue(slug, reviewed));
    view! {
        <Title text="审核意见主题 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let q = match data.await {
                    Err(e) => return crate::components::page_error(e),
                    Ok(q) => q,
                };
                let s = urlencode(&q.slug);
                let themes = q.themes.clone();
                view! {
                    <Crumbs trail=vec![
                        crumb("工作台", "/"),
                        crumb(format!("《{}》意见主题", q.draft_title), format!("/committee/drafts/{s}/themes")),
                    ]/>
                    <h1>"审核意见的主题"</h1>
                    <p>{format!("尚未审核的意见 {} 条。勾选每条意见的主题后点击“确认”；预先勾选的是系统的分配。", q.remaining)}</p>
                    <p class="button-row">
                        <a class="button" href=format!("/committee/drafts/{s}/themes/review")>"未审核的意见"</a>
                        <a class="button" href=format!("/committee/drafts/{s}/themes/review?reviewed=1")>"已审核的意见"</a>
                    </p>
                    {themes.is_empty().then(|| view! {
                        <p class="alert">"尚无主题，请先在主题页添加或由系统建议主题。"</p>
                    })}
                    <ol class="review-queue">
                        {q.items.into_iter().map(|i| review_item(i, &themes)).collect_view()}
                    </ol>
                }
                .into_any()
            })}
        </Suspense>
    }
}
