//! `/committee/drafts/:slug/articles` and `/committee/drafts/:slug/articles/:uid`. The forms are
//! plain forms posting to the workbench's server functions, which bring the browser back to the
//! article (with or without JavaScript).

use super::{
    cluster_name, disposition_label, list_articles, load_article, ArticleView, ClusterView, Member,
    DISPOSITIONS,
};
use crate::components::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn error_view(e: crate::error::AppError) -> AnyView {
    crate::components::page_error(e)
}

fn stance_label(s: &str) -> &'static str {
    crate::comment::Stance::parse(s)
        .map(|s| s.label())
        .unwrap_or("")
}

#[component]
pub fn ArticlesPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, list_articles);
    view! {
        <Title text="逐条处理意见 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let l = match data.await {
                    Err(e) => return error_view(e),
                    Ok(l) => l,
                };
                let s = urlencode(&l.slug);
                let total: i64 = l.articles.iter().map(|a| a.received).sum();
                let unique: i64 = l.articles.iter().map(|a| a.unique).sum();
                let campaigns: i64 = l.articles.iter().map(|a| a.campaigns).sum();
                let disposed: i64 = l.articles.iter().map(|a| a.disposed).sum();
                view! {
                    <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
                    <h1>{format!("《{}》逐条处理意见", l.draft_title)}</h1>
                    <p>{format!("收到意见 {total} 条，不同意见 {unique} 条，集中意见 {campaigns} 组；已处理 {disposed} 条。")}</p>
                    <p class="muted">"不同意见和集中意见按最近一次聚类统计；打开条文时会先对新意见聚类。"</p>
                    <p class="button-row">
                        <a class="button" href=format!("/committee/export.xlsx?draft={s}") rel="external">"导出 Excel"</a>
                        <a class="button" href=format!("/committee/export.csv?draft={s}") rel="external">"导出 CSV"</a>
                        <a class="button" href=format!("/committee/export.json?draft={s}") rel="external">"导出 JSON（公开数据）"</a>
                        <a class="button" href=format!("/committee/drafts/{s}/compilation")>"意见汇编（打印）"</a>
                        <a class="button" href=format!("/committee/drafts/{s}/themes")>"意见主题"</a>
                        <a class="button" href=format!("/drafts/{s}/feedback")>"意见采纳情况说明"</a>
                    </p>
                    <p><a class="button primary" href=format!("/committee/drafts/{s}/feedback/publish")>{match &l.feedback_published {
                        Some(at) => format!("重新发布意见采纳情况说明（上次 {at}）…"),
                        None => "发布意见采纳情况说明并通知意见提出人…".to_string(),
                    }}</a></p>
                    <div class="table-wrap"><table class="data stacked">
                        <thead><tr><th>"条文"</th><th class="num">"收到"</th><th class="num">"不同意见"</th><th class="num">"集中意见（组）"</th><th class="num">"已处理"</th><th class="num">"分组"</th><th>"负责人"</th></tr></thead>
                        <tbody>
                            {l.articles.into_iter().map(|a| view! {
                                <tr>
                                    <td data-label="条文"><a href=format!("/committee/drafts/{s}/articles/{}", urlencode(&a.uid))>{a.label}</a></td>
                                    <td data-label="收到" class="num">{a.received}</td>
                                    <td data-label="不同意见" class="num">{a.unique}</td>
                                    <td data-label="集中意见（组）" class="num">{a.campaigns}</td>
                                    <td data-label="已处理" class="num">{a.disposed}</td>
                                    <td data-label="分组" class="num">{a.clusters}</td>
                                    <td data-label="负责人">{a.assigned_to}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            })}
        </Suspense>
    }
}

fn counts(title: &'static str, items: Vec<(String, i64)>) -> impl IntoView {
    view! {
        <div class="count-box">
            <h3>{title}</h3>
            <ul>{items.into_iter().map(|(k, n)| view! { <li>{k}" "<strong>{n}</strong></li> }).collect_view()}</ul>
        </div>
    }
}

fn disposition_fields(units: &[(String, String)], current: &str, reason: &str) -> impl IntoView {
    let current = current.to_string();
    view! {
        <label>"处理意见 "
            <select name="disposition" required>
                <option value="">"请选择"</option>
                {DISPOSITIONS.into_iter().map(|(v, l)| view! {
                    <option value=v selected=current == v>{l}</option>
                }).collect_view()}
                {(!current.is_empty()).then(|| view! { <option value="none">"重置为未处理（撤销处理意见）"</option> })}
            </select>
        </label>
        // Required except when resetting: the server checks it then (a reset needs no reason).
        <label>"理由 "<textarea name="reason" rows="2" required=current.is_empty() maxlength="2000">{reason.to_string()}</textarea></label>
        {(!units.is_empty()).then(|| view! {
            <fieldset class="choice-row">
                <legend>"因此修改的条款（最新稿）"</legend>
                {units.iter().map(|(uid, label)| view! {
                    <label class="inline"><input type="checkbox" name="units[]" value=uid.clone()/>{label.clone()}</label>
                }).collect_view()}
            </fieldset>
        })}
    }
}

/// Which element of the article page the last edit saved (`?saved=`), to say 已保存 there.
#[derive(Clone, Default)]
struct Saved(String);

fn saved_note(at: &str) -> Option<AnyView> {
    let saved = use_context::<Saved>().unwrap_or_default();
    (saved.0 == at).then(|| {
        view! { <p class="alert alert-ok saved-note" role="status">"已保存。"</p> }.into_any()
    })
}

fn member_row(
    m: Member,
    units: Vec<(String, String)>,
    move_form: &str,
    locked: bool,
) -> impl IntoView {
    let cb = format!("m-{}", m.id);
    view! {
        <li class="member" id=format!("c{}", m.id)>
            {saved_note(&format!("c{}", m.id))}
            {(!locked).then(|| view! {
                <input type="checkbox" name="ids[]" value=m.id.to_string() id=cb.clone() form=move_form.to_string()/>
            })}
            <label for=cb>
                <span class=format!("stance-badge stance-{}", m.stance)>{stance_label(&m.stance)}</span>
                {m.unique.then(|| view! { " " <strong class="flag">"独特意见"</strong> })}
                " " {m.unit_label.clone()} {format!("（第 {} 稿）", m.version)} " · " {m.tracking.clone()}
                " · " {if m.station.is_empty() { "网上".to_string() } else { format!("{}（代表 {} 人）", m.station, m.residents) }}
                {(m.copies > 0).then(|| view! { <strong class="flag">{format!("另有 {} 份相同内容", m.copies)}</strong> })}
                {m.pinned.then(|| view! { <span class="muted">" · 人工分组"</span> })}
            </label>
            <p class="comment-reason">{m.text.clone()}</p>
            <p class="muted">{if m.disposition.is_empty() {
                "未处理".to_string()
            } else {
                format!("{}：{}", disposition_label(&m.disposition), m.disposition_reason)
            }}</p>
            {(!locked).then(|| view! {
            <details>
                <summary>"处理这条意见"</summary>
                <form method="post" action="/api/workbench/dispose" class="stack-form">
                    <input type="hidden" name="ids[]" value=m.id.to_string()/>
                    {disposition_fields(&units, &m.disposition, &m.disposition_reason)}
                    <button type="submit" class="button">"保存"</button>
                </form>
            </details>
            })}
        </li>
    }
}

fn assign_select(committee: &[(i64, String)], current: Option<i64>) -> impl IntoView {
    view! {
        <select name="account">
            <option value="0">"未分配"</option>
            {committee.iter().map(|(id, n)| view! {
                <option value=id.to_string() selected=current == Some(*id)>{n.clone()}</option>
            }).collect_view()}
        </select>
    }
}

fn cluster_block(
    c: ClusterView,
    others: Vec<(i64, String)>,
    units: Vec<(String, String)>,
    committee: Vec<(i64, String)>,
) -> impl IntoView {
    let name = cluster_name(&c.label, &c.summary, &c.keywords);
    let pick = format!("k-{}", c.id);
    let members_form = format!("members-{}", c.id);
    let (s, o, a) = c.stances;
    let other = c.other;
    view! {
        <section class=if other { "cluster cluster-others" } else { "cluster" } id=format!("cluster-{}", c.id)>
            <h3>
                {if other {
                    view! { <span>{name}</span> }.into_any()
                } else {
                    view! {
                        <input type="checkbox" name="clusters[]" value=c.id.to_string() form="merge-form" id=pick.clone()/>
                        <label for=pick>{name}</label>
                    }.into_any()
                }}
                <span class="muted">{format!(" 收到 {} 条，不同意见 {} 条；赞成 {s} · 反对 {o} · 修改建议 {a}", c.received, c.unique)}</span>
            </h3>
            {saved_note(&format!("cluster-{}", c.id))}
            {other.then(|| view! { <p class="muted">"不属于任何分组的意见。标为“独特意见”的与其他意见都不相似，排在前面。"</p> })}
            {(!c.label.is_empty() && !c.summary.is_empty() && c.label != c.summary).then(|| view! {
                <p class="muted">"意见原话归纳："{c.summary.clone()}</p>
            })}
            {(!c.keywords.is_empty()).then(|| view! { <p class="muted">"关键词："{c.keywords.join("、")}</p> })}
            {(!c.representative.is_empty()).then(|| view! {
                <p class="representative"><span class="muted">"代表性意见："</span>{c.representative.clone()}</p>
            })}
            {(!c.stations.is_empty()).then(|| view! { <p class="muted">{format!("来自联系点：{}", c.stations.join("、"))}</p> })}
            <p>{if c.disposition.is_empty() {
                "本组尚未处理。".to_string()
            } else {
                format!("本组处理意见：{}。理由：{}", disposition_label(&c.disposition), c.disposition_reason)
            }}
            {(!c.assigned_to.is_empty()).then(|| view! { <span class="muted">{format!(" 负责人：{}", c.assigned_to)}</span> })}</p>
            {c.locked.then(|| view! {
                <p class="muted">"本组已分配给其他成员，您可以查看，但不能处理或调整。"</p>
            })}
            {(!c.locked).then(|| view! {
            <details>
                <summary>"处理本组全部意见 / 重命名"</summary>
                <form method="post" action="/api/workbench/dispose" class="stack-form">
                    <input type="hidden" name="cluster" value=c.id.to_string()/>
                    {disposition_fields(&units, &c.disposition, &c.disposition_reason)}
                    <button type="submit" class="button primary">"对本组全部意见保存"</button>
                </form>
                {(!other).then(|| view! {
                <form method="post" action="/api/workbench/rename" class="inline-form">
                    <input type="hidden" name="cluster" value=c.id.to_string()/>
                    <label>"分组名称 "<input name="label" maxlength="100" value=c.label.clone() placeholder=c.summary.clone()/></label>
                    <button type="submit" class="button">"重命名"</button>
                </form>
                })}
                <form method="post" action="/api/workbench/assign-cluster" class="inline-form">
                    <input type="hidden" name="cluster" value=c.id.to_string()/>
                    <label>"本组负责人 "{assign_select(&committee, c.assigned_id)}</label>
                    " "<button type="submit" class="button">"分配"</button>
                </form>
            </details>
            })}
            // The per-opinion forms cannot sit inside the move form (forms do not nest): the
            // checkboxes join it through their `form` attribute instead.
            <ol class="members">
                {c.members.into_iter().map(|m| member_row(m, units.clone(), &members_form, c.locked)).collect_view()}
            </ol>
            {(!c.locked).then(|| view! {
            <form method="post" action="/api/workbench/move" id=members_form.clone() class="members-form">
                <input type="hidden" name="at" value=format!("cluster-{}", c.id)/>
                <label>"把勾选的意见移到 "
                    <select name="to">
                        <option value="0">"新的分组（拆分）"</option>
                        {others.into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                    </select>
                </label>
                " "<button type="submit" class="button" formnovalidate=true>"移动"</button>
                <details class="bulk">
                    <summary>"处理勾选的意见"</summary>
                    <div class="stack-form">{disposition_fields(&units, "", "")}</div>
                    <button type="submit" class="button" formaction="/api/workbench/dispose">"对勾选的意见保存"</button>
                </details>
            </form>
            })}
        </section>
    }
}

fn article_body(v: ArticleView) -> AnyView {
    let s = urlencode(&v.slug);
    let names: Vec<(i64, String)> = v
        .clusters
        .iter()
        .map(|c| (c.id, cluster_name(&c.label, &c.summary, &c.keywords)))
        .collect();
    let unique: Vec<(i64, String, String)> = v
        .clusters
        .iter()
        .flat_map(|c| {
            c.members
                .iter()
                .filter(|m| m.unique)
                .map(move |m| (c.id, m.tracking.clone(), m.text.clone()))
        })
        .collect();
    let groups = v.clusters.iter().filter(|c| !c.other).count();
    let others = v
        .clusters
        .iter()
        .filter(|c| c.other)
        .map(|c| c.received)
        .sum::<i64>();
    let units = v.units.clone();
    let committee = v.committee.clone();
    view! {
        <crate::components::Crumbs trail=vec![
            crate::components::crumb("工作台", "/"),
            crate::components::crumb(format!("《{}》条文与意见", v.draft_title), format!("/committee/drafts/{s}/articles")),
        ]/>
        <h1>{v.label.clone()}</h1>
        <blockquote class="article-text">{v.text.clone()}</blockquote>
        <p class="figures">{format!(
            "收到意见 {} 条，不同意见 {} 条，其中复制粘贴的集中意见 {} 组。",
            v.received, v.unique, v.campaigns
        )}</p>
        {(v.unclustered > 0).then(|| view! {
            <p class="alert">{format!("有 {} 条意见尚未分组。", v.unclustered)}</p>
        })}
        <div class="button-row">
            <form method="post" action="/api/workbench/recluster" class="inline-form">
                <input type="hidden" name="slug" value=v.slug.clone()/>
                <input type="hidden" name="article" value=v.article_uid.clone()/>
                <button type="submit" class="button">"重新聚类（保留人工调整）"</button>
            </form>
            {(!v.locked).then(|| view! {
                <form method="post" action="/api/workbench/assign" class="inline-form">
                    <input type="hidden" name="slug" value=v.slug.clone()/>
                    <input type="hidden" name="article" value=v.article_uid.clone()/>
                    <label>"负责人 "{assign_select(&v.committee, v.assigned_id)}</label>
                    " "<button type="submit" class="button">"分配"</button>
                </form>
            })}
        </div>
        {v.locked.then(|| view! {
            <p class="alert">{format!("本条已分配给{}。您可以查看，但只有负责人或管理员可以处理和调整分组。", v.assigned_to)}</p>
        })}
        <div class="count-grid">
            {counts("态度", v.by_stance.clone())}
            {counts("渠道", v.by_channel.clone())}
            {counts("层级", v.by_level.clone())}
            {counts("县市", v.by_county.clone())}
            {counts("时间", v.timeline.clone())}
        </div>
        {(!v.campaign_list.is_empty()).then(|| view! {
            <h2>"集中意见（内容基本相同的多份意见）"</h2>
            <ul class="campaigns">
                {v.campaign_list.iter().map(|c| view! {
                    <li>
                        <strong>{format!("{} 份", c.copies)}</strong>" "
                        <span class="muted">{c.sources.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join("、")}</span>
                        <p class="comment-reason">{c.text.clone()}</p>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!unique.is_empty()).then(|| view! {
            <h2>{format!("独特意见（{} 条）", unique.len())}</h2>
            <p class="muted">"与本条其他意见都不相似、也不属于集中意见的少数观点。"</p>
            <ul class="unique-points">
                {unique.into_iter().map(|(k, tracking, text)| view! {
                    <li><a href=format!("#cluster-{k}")>{tracking}</a>" "<span class="comment-reason">{text}</span></li>
                }).collect_view()}
            </ul>
        })}
        <h2>{format!("意见分组（{groups} 组）")}</h2>
        {(others > 0).then(|| view! { <p class="muted">{format!("另有其他意见 {others} 条，列在最后。")}</p> })}
        <form method="post" action="/api/workbench/merge" id="merge-form" class="inline-form">
            <button type="submit" class="button">"合并勾选的分组"</button>
        </form>
        {v.clusters.into_iter().map(|c| {
            let others: Vec<(i64, String)> = names.iter().filter(|(id, _)| *id != c.id).cloned().collect();
            cluster_block(c, others, units.clone(), committee.clone())
        }).collect_view()}
        <details class="history">
            <summary>{format!("修改记录（{} 条）", v.history.len())}</summary>
            {if v.history.is_empty() {
                view! { <p class="muted">"尚无修改。"</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="data stacked">
                        <thead><tr><th>"时间"</th><th>"操作人"</th><th>"内容"</th></tr></thead>
                        <tbody>
                            {v.history.into_iter().map(|(at, who, what)| view! {
                                <tr><td data-label="时间">{at}</td><td data-label="操作人">{who}</td><td data-label="内容" class="cell-text">{what}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </details>
    }
    .into_any()
}

#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let args = move || {
        let p = params.read();
        (
            p.get("slug").unwrap_or_default(),
            p.get("uid").unwrap_or_default(),
        )
    };
    let data = Resource::new(args, |(slug, uid)| load_article(slug, uid));
    let saved = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("saved")
        .unwrap_or_default();
    provide_context(Saved(saved.clone()));
    view! {
        <Title text="逐条处理意见 · 意见"/>
        {(saved == "article").then(|| view! { <p class="alert alert-ok" role="status">"已保存。"</p> })}
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(v) => article_body(v),
                }
            })}
        </Suspense>
    }
}
