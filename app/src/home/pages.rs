//! `/`: the public home page, or the logged-in role's own.

use super::{load_home, AdminHome, DraftWork, Home, StationHome};
use crate::components::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_home());
    view! {
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(Home::Public(open)) => public_home(open).into_any(),
                    Ok(Home::Committee(drafts)) => view! {
                        <Title text="工作台 · 意见"/>
                        <h1>"起草委员会工作台"</h1>
                        {committee_home(drafts)}
                    }.into_any(),
                    Ok(Home::Admin(a, drafts)) => view! {
                        <Title text="工作台 · 意见"/>
                        <h1>"系统管理工作台"</h1>
                        {admin_home(a)}
                        <h2>"草案与意见"</h2>
                        {committee_home(drafts)}
                    }.into_any(),
                    Ok(Home::Station(s)) => station_home(s).into_any(),
                }
            })}
        </Suspense>
    }
}

fn public_home(open: Vec<(String, String, String)>) -> impl IntoView {
    let session = crate::components::use_session();
    view! {
        <Title text="意见 · 立法草案公开征求意见平台"/>
        // The closed loop's roles have no drafts to work on: their work comes first here.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                use crate::auth::Role;
                let user = session.await.ok().and_then(|s| s.user)?;
                let (heading, links): (&str, Vec<(&str, &str)>) = match user.role {
                    Role::Office => ("人大办公室工作台", vec![("/office", "代表建议交办督办（超期和重新办理在前）"), ("/office/report", "办理情况通报（月度、季度，可下载 Excel 和 PDF）"), ("/office/micro", "微实事资金、项目与票决")]),
                    Role::Deputy => ("代表工作台", vec![("/deputy", "群众诉求与我的建议（答复后请评价）"), ("/deputy/ballots", "微实事项目与票决")]),
                    Role::Unit => ("承办单位工作台", vec![("/unit", "交办给本单位的建议与办理期限")]),
                    _ => return None,
                };
                Some(view! {
                    <section class="work-card role-home" aria-labelledby="role-home-h">
                        <h2 id="role-home-h">{heading}</h2>
                        <ul class="work-list">
                            {links.into_iter().map(|(href, label)| view! { <li><A href=href>{label}</A></li> }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
        <section class="hero">
            <h1>"让立法就在家门口"</h1>
            <p class="lead">
                "起草委员会在这里分章节公布法规草案；市民可以对具体条款发表赞成、反对或修改意见；"
                "全州 437 个代表之家（立法联系点）收集线下意见并集中报送。"
            </p>
        </section>
        {(!open.is_empty()).then(|| view! {
            <section class="open-drafts" aria-labelledby="open-h">
                <h2 id="open-h">"正在征求意见"</h2>
                <ul class="work-list">
                    {open.into_iter().map(|(slug, title, state)| view! {
                        <li>
                            <A href=format!("/drafts/{slug}")>{title}</A>
                            <span class="muted">" · " {state}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="cards">
            <article class="card">
                <h2><A href="/drafts">"阅读草案"</A></h2>
                <p>"逐条阅读正在征求意见的法规草案，查看每一条的意见数量。"</p>
            </article>
            <article class="card">
                <h2><A href="/track">"查询意见"</A></h2>
                <p>"凭回执编号查询您的意见是否公开、怎样处理。"</p>
            </article>
            <article class="card">
                <h2>"代表之家"</h2>
                <p>"联系点管理员录入线下收集的意见，按批次报送起草委员会。"</p>
            </article>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let user = session.await.ok().and_then(|s| s.user);
                match user {
                    None => view! { <p class="muted">"工作人员请 " <A href="/login">"登录"</A> "。"</p> }.into_any(),
                    Some(_) => view! { <p><A href="/my/comments">"我提交的意见 →"</A></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn count_link(n: i64, label: &'static str, href: String) -> impl IntoView {
    let class = if n > 0 { "count due" } else { "count" };
    view! {
        <a class=class href=href>
            <strong>{n}</strong>
            <span>{label}</span>
        </a>
    }
}

fn committee_home(drafts: Vec<DraftWork>) -> impl IntoView {
    view! {
        <p><A href="/committee/drafts/new" attr:class="button">"导入草案或新一稿"</A></p>
        {drafts.is_empty().then(|| view! { <p>"还没有草案。"</p> })}
        {drafts.into_iter().map(|d| {
            let s = urlencode(&d.slug);
            let articles = format!("/committee/drafts/{}/articles", d.slug);
            let nav_label = format!("《{}》的工作", d.title);
            let title = d.title.clone();
            view! {
                <section class="work-card" aria-labelledby=format!("w-{}", d.slug)>
                    <h2 id=format!("w-{}", d.slug)>
                        <A href=format!("/drafts/{}", d.slug)>{title}</A>
                        <span class="muted">" · " {d.version_label.clone()}</span>
                        {d.unpublished.then(|| view! { <span class="badge">"尚未公开"</span> })}
                    </h2>
                    {if d.parts.is_empty() {
                        view! { <p class="muted">"尚未发布任何部分。"</p> }.into_any()
                    } else {
                        view! {
                            <ul class="parts-list">
                                {d.parts.iter().map(|p| view! {
                                    <li class=if p.open { "open" } else { "" }>{format!("{}：{}", p.label, p.state)}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <div class="counts">
                        {count_link(d.moderation, "条待审核", format!("/committee/moderation?draft={s}"))}
                        {count_link(d.unhandled, "条未处理", articles.clone())}
                        {count_link(d.unassigned, "条无人负责", articles.clone())}
                        {count_link(d.mine, "条分给我", articles.clone())}
                    </div>
                    <nav class="work-links" aria-label=nav_label>
                        <A href=articles.clone()>"条文与意见（分组、处理、分工）"</A>
                        <a href=format!("/drafts/{}#publish", d.slug)>"发布征求意见"</a>
                        <A href=format!("/committee/search?draft={s}")>"检索意见"</A>
                        // Coverage counts notices of published parts: none before the first.
                        {(!d.unpublished).then(|| view! { <A href=format!("/committee/coverage?draft={s}")>"联系点覆盖"</A> })}
                        <A href=format!("/committee/drafts/{s}/themes")>"意见主题（跨条文）"</A>
                        <A href=format!("/committee/drafts/{}/compilation", d.slug)>"意见汇编"</A>
                        <A href=format!("/drafts/{}/compare", d.slug)>"修改对照表"</A>
                        <A href=format!("/drafts/{}/feedback", d.slug)>
                            {if d.feedback_published { "意见采纳情况说明（已发布）" } else { "意见采纳情况说明（预览）" }}
                        </A>
                        <span class="export-links">"导出："
                            <a href=format!("/committee/export.xlsx?draft={s}") rel="external">"Excel"</a>" · "
                            <a href=format!("/committee/export.csv?draft={s}") rel="external">"CSV"</a>" · "
                            <a href=format!("/committee/export.json?draft={s}") rel="external">"公开数据"</a>
                        </span>
                    </nav>
                </section>
            }
        }).collect_view()}
    }
}

fn admin_home(a: AdminHome) -> impl IntoView {
    view! {
        <section class="work-card" aria-labelledby="admin-h">
            <h2 id="admin-h">"平台"</h2>
            <div class="counts">
                {count_link(a.mail_failed, "封邮件发送失败", "/admin/outbox".into())}
                {count_link(a.mail_queued, "封邮件待发送", "/admin/outbox".into())}
                {count_link(a.stations_active, "个启用的联系点", "/admin/stations".into())}
                {count_link(a.stations_without_email, "个联系点没有邮箱", "/admin/stations".into())}
            </div>
            <table class="data compact">
                <caption>"账户"</caption>
                <thead><tr><th scope="col">"角色"</th><th scope="col">"启用"</th><th scope="col">"停用"</th></tr></thead>
                <tbody>
                    {a.accounts.into_iter().map(|(role, on, off)| view! {
                        <tr><td data-label="角色">{role}</td><td data-label="启用" class="num">{on}</td><td data-label="停用" class="num">{off}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <nav class="work-links" aria-label="管理">
                <A href="/admin/users">"账户管理"</A>
                <A href="/admin/stations">{format!("联系点管理（另有 {} 个停用）", a.stations_inactive)}</A>
                <A href="/admin/outbox">"邮件"</A>
            </nav>
        </section>
    }
}

fn station_home(s: StationHome) -> impl IntoView {
    let to_confirm = s.notices.iter().filter(|n| !n.confirmed).count();
    view! {
        <Title text="工作台 · 意见"/>
        <h1>{format!("{} 工作台", s.station_name)}</h1>
        <section class="work-card" aria-labelledby="notices-h">
            <h2 id="notices-h">{format!("征求意见通知（{to_confirm} 条待确认）")}</h2>
            {if s.notices.is_empty() {
                view! { <p class="muted">"目前没有进行中的征求意见通知。"</p> }.into_any()
            } else {
                view! {
                    <ul class="work-list">
                        {s.notices.into_iter().map(|n| view! {
                            <li>
                                {if n.confirmed { view! { <span class="badge ok">"已确认"</span> }.into_any() } else { view! { <span class="badge due">"待确认"</span> }.into_any() }}
                                " " <A href=format!("/drafts/{}", n.slug)>{format!("《{}》{}", n.draft_title, n.part_label)}</A>
                                <span class="muted">" · " {n.state}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p><A href="/station/notices">"去确认通知 →"</A></p>
                }.into_any()
            }}
        </section>
        <section class="work-card" aria-labelledby="open-h">
            <h2 id="open-h">"正在征求意见的草案"</h2>
            {if s.open_drafts.is_empty() {
                view! { <p class="muted">"目前没有正在征求意见的草案。"</p> }.into_any()
            } else {
                view! {
                    <ul class="work-list">
                        {s.open_drafts.into_iter().map(|(slug, title)| view! {
                            <li>
                                {format!("《{title}》")} " "
                                <A href=format!("/station/opinions?draft={}", urlencode(&slug))>"录入线下意见"</A>
                                " · " <a href=format!("/drafts/{slug}/handout.pdf") rel="external">"打印材料"</a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="work-card" aria-labelledby="pending-h">
            <h2 id="pending-h">"已录入、尚未报送"</h2>
            {if s.pending.is_empty() {
                view! { <p class="muted">"没有待报送的意见。"</p> }.into_any()
            } else {
                view! {
                    <ul class="work-list">
                        {s.pending.into_iter().map(|p| view! {
                            <li>
                                <A href=format!("/station/opinions?draft={}", urlencode(&p.slug))>
                                    {format!("《{}》：{} 条待报送", p.draft_title, p.opinions)}
                                </A>
                                {(!p.open).then(|| view! { <span class="muted">"（征求意见已结束，不能再报送）"</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="work-card" aria-labelledby="batches-h">
            <h2 id="batches-h">"最近报送"</h2>
            {if s.batches.is_empty() {
                view! { <p class="muted">"还没有报送过意见。"</p> }.into_any()
            } else {
                view! {
                    <ul class="work-list">
                        {s.batches.into_iter().map(|b| view! {
                            <li>
                                <A href=format!("/station/batches/{}", b.receipt)>{b.receipt.clone()}</A>
                                {format!(" · 《{}》{} 条 · {}", b.draft_title, b.opinions, b.forwarded_at)}
                            </li>
                        }).collect_view()}
                    </ul>
                    <p><A href="/station/batches">"全部报送记录 →"</A></p>
                }.into_any()
            }}
        </section>
    }
}
