//! The comment form (reachable from every open unit, works without JavaScript), the receipt and
//! the tracking-number lookup.

use super::{
    get_comment_target, get_receipt, list_my_comments, list_public_comments, CommentTarget,
    PublicPage, Stance, SubmitComment,
};
use crate::components::{FieldMsg, FormErrors};
use crate::form::FormMemory;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CommentPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let p = params.read();
        (
            p.get("slug").unwrap_or_default(),
            p.get("uid").unwrap_or_default(),
        )
    };
    let target = Resource::new(key, |(slug, uid)| get_comment_target(slug, uid));
    let submit = ServerAction::<SubmitComment>::new();
    Effect::new(move |_| {
        if let Some(Ok(t)) = submit.value().get() {
            let _ = window().location().set_href(&format!("/receipt/{t}"));
        }
    });
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    };
    view! {
        <Title text="发表意见 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let info = crate::components::session_info().await;
                let memory = crate::components::form_memory::<SubmitComment>(info.as_ref());
                match target.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(t) => {
                        let back = format!("/drafts/{}#{}", t.slug, t.uid);
                        let (slug, uid) = (t.slug.clone(), t.uid.clone());
                        view! {
                            <p><a href=back>{format!("← 返回《{}》", t.draft_title)}</a></p>
                            <h1>{format!("对{}发表意见", t.label)}</h1>
                            <blockquote class="unit-quote">{t.text.clone()}</blockquote>
                            {t.window.clone().map(|w| view! { <p class="muted">{w}</p> })}
                            <CommentForm target=t action=submit memory/>
                            <UnitComments slug=slug uid=uid page=Signal::derive(page)/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The comment form of one unit: a plain HTML form (posts without JavaScript) driven by a
/// server action when hydrated. Shared by the comment page and the inline form. `memory`: what
/// a refused no-JavaScript submission held (every field comes back as typed, each error beside
/// its field, the first one focused).
#[component]
pub fn CommentForm(
    target: CommentTarget,
    action: ServerAction<SubmitComment>,
    #[prop(optional)] memory: FormMemory,
) -> impl IntoView {
    let t = target;
    if !t.open {
        return view! { <p class="alert alert-error" role="alert">"本条目前不接受意见。"</p> }
            .into_any();
    }
    // Ids must be unique when several inline forms are open on one page.
    let p = format!("c-{}-", t.uid);
    let id = |name: &str| format!("{p}{name}");
    let m = memory;
    let focus = m.first_error();
    let autofocus = |name: &str| focus.as_deref() == Some(name);
    let msg = |name: &'static str| {
        view! { <FieldMsg action=action memory=m.clone() name id=id(name)/> }.into_any()
    };
    let (stance_msg, suggested_msg, reason_msg, name_msg, contact_msg, challenge_msg) = (
        msg("stance"),
        msg("suggested"),
        msg("reason"),
        msg("name"),
        msg("contact"),
        msg("challenge_answer"),
    );
    let stances: Vec<_> = Stance::ALL
        .into_iter()
        .map(|s| {
            let sid = id(&format!("stance-{}", s.as_str()));
            let checked = m.checked("stance", s.as_str());
            view! {
                <span class="stance">
                    <input type="radio" name="stance" id=sid.clone() value=s.as_str() required checked=checked/>
                    <label for=sid>{s.label()}</label>
                </span>
            }
        })
        .collect();
    let categories: Vec<_> = ["个人", "企业", "社会组织", "人大代表", "其他"]
        .into_iter()
        .map(|c| {
            let selected = m.checked("category", c);
            view! { <option value=c selected=selected>{c}</option> }
        })
        .collect();
    let challenge = t.challenge.clone().map(|c| {
        let cid = id("challenge_answer");
        let af = autofocus("challenge_answer");
        view! {
            <input type="hidden" name="challenge_token" value=c.token/>
            <label for=cid.clone()>{c.question}</label>
            <input id=cid name="challenge_answer" required inputmode="numeric" maxlength="4"
                autocomplete="off" autofocus=af/>
            {challenge_msg}
        }
    });
    let (id_stance, id_suggested, id_reason, id_name, id_region, id_category, id_contact) = (
        id("stance"),
        id("suggested"),
        id("reason"),
        id("name"),
        id("region"),
        id("category"),
        id("contact"),
    );
    let (af_suggested, af_reason, af_name, af_contact) = (
        autofocus("suggested"),
        autofocus("reason"),
        autofocus("name"),
        autofocus("contact"),
    );
    let key = m.value_or("idempotency_key", t.idempotency_key.clone());
    let (v_suggested, v_reason, v_name, v_region, v_contact) = (
        m.value_or("suggested", t.text.clone()),
        m.value_or("reason", ""),
        m.value_or("name", ""),
        m.value_or("region", ""),
        m.value_or("contact", ""),
    );
    view! {
        <ActionForm action=action attr:class="stack-form wide comment-form">
            <input type="hidden" name="slug" value=t.slug.clone()/>
            <input type="hidden" name="uid" value=t.uid.clone()/>
            // A refused form keeps its key: a second try stores one comment, not two.
            <input type="hidden" name="idempotency_key" value=key/>
            <fieldset class="stances" id=id_stance tabindex="-1">
                <legend>"您的态度"</legend>
                {stances}
                {stance_msg}
            </fieldset>
            <label for=id_suggested.clone()>"建议修改为（可选，可直接修改下面的条文）"</label>
            <textarea id=id_suggested name="suggested" rows="4" maxlength="5000" autofocus=af_suggested>{v_suggested}</textarea>
            {suggested_msg}
            <label for=id_reason.clone()>"理由（必填，最多 5000 字）"</label>
            <textarea id=id_reason name="reason" rows="6" required maxlength="5000" autofocus=af_reason>{v_reason}</textarea>
            {reason_msg}
            <label for=id_name.clone()>"姓名（可选，不公开）"</label>
            <input id=id_name name="name" maxlength="50" autocomplete="name" value=v_name autofocus=af_name/>
            {name_msg}
            <label for=id_region.clone()>"地区（可选）"</label>
            <input id=id_region name="region" maxlength="50" value=v_region/>
            <label for=id_category.clone()>"身份（可选）"</label>
            <select id=id_category name="category">
                <option value="">"（不填）"</option>
                {categories}
            </select>
            <label for=id_contact.clone()>"联系方式（可选，手机或邮箱，不会公开；填写邮箱将收到回执邮件）"</label>
            <input id=id_contact name="contact" maxlength="100" autocomplete="email" value=v_contact autofocus=af_contact/>
            {contact_msg}
            {challenge}
            <p class="muted">{t.moderation.notice()}</p>
            <FormErrors action=action memory=m.clone() prefix=p.clone()/>
            <button type="submit" class="button primary">"提交意见"</button>
        </ActionForm>
    }
    .into_any()
}

/// A unit's public comments, newest first, a page at a time (links work without JavaScript).
#[component]
pub fn UnitComments(slug: String, uid: String, page: Signal<i64>) -> impl IntoView {
    let (s2, u2) = (slug.clone(), uid.clone());
    let list = Resource::new(
        move || page.get(),
        move |p| list_public_comments(s2.clone(), u2.clone(), Some(p)),
    );
    let base = format!("/drafts/{slug}/comment/{uid}");
    view! {
        <section class="public-comments" aria-labelledby="public-comments-h">
            <h2 id="public-comments-h">"已公开的意见"</h2>
            <Suspense fallback=|| view! { <p>"加载中…"</p> }>
                {
                    let base = base.clone();
                    move || {
                        let base = base.clone();
                        Suspend::new(async move {
                            match list.await {
                                Err(e) => view! { <p class="alert alert-error">{e.message()}</p> }.into_any(),
                                Ok(p) if p.total == 0 => view! { <p class="muted">"暂无公开的意见。"</p> }.into_any(),
                                Ok(p) => public_list(p, &base).into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </section>
    }
}

fn public_list(p: PublicPage, base: &str) -> impl IntoView {
    let link = |n: i64| format!("{base}?page={n}#public-comments-h");
    let prev = (p.page > 1).then(|| link(p.page - 1));
    let next = (p.page < p.pages).then(|| link(p.page + 1));
    view! {
        <p class="muted">{format!("本条款及其下各款、项的公开意见（各稿合计）共 {} 条，第 {}/{} 页", p.total, p.page, p.pages)}</p>
        <ol class="comment-list">
            {p.comments.into_iter().map(|c| {
                let who = [c.category.as_str(), c.region.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ");
                view! {
                    <li class="public-comment">
                        <p class="comment-meta">
                            <span class=format!("stance-badge stance-{}", c.stance.as_str())>{c.stance.label()}</span>
                            " " {if who.is_empty() { "公众".to_string() } else { who }}
                            " · " {c.submitted_at}
                            {c.earlier_version.map(|v| format!("（对{v}）"))}
                        </p>
                        <p class="comment-reason">{c.reason}</p>
                        {(!c.suggested.is_empty()).then(|| view! {
                            <p class="comment-suggested"><span class="muted">"建议修改为："</span>{c.suggested}</p>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
        <nav class="pager" aria-label="翻页">
            {prev.map(|h| view! { <a href=h rel="prev">"← 上一页"</a> })}
            {next.map(|h| view! { <a href=h rel="next">"下一页 →"</a> })}
        </nav>
    }
}

/// With JavaScript: the form opened beside its unit on the reading page, submitted without a
/// page reload; the receipt number shows in place. Without JavaScript the link it replaces
/// leads to the comment page instead.
#[component]
pub fn InlineComment(slug: String, uid: String, href: String, label: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let submit = ServerAction::<SubmitComment>::new();
    let target = LocalResource::new({
        let (slug, uid) = (slug.clone(), uid.clone());
        move || {
            let (slug, uid, open) = (slug.clone(), uid.clone(), open.get());
            async move {
                if open {
                    Some(get_comment_target(slug, uid).await)
                } else {
                    None
                }
            }
        }
    });
    view! {
        <a class="comment-link" href=href aria-expanded=move || open.get().to_string()
            on:click=move |ev| {
                ev.prevent_default();
                open.update(|o| *o = !*o);
            }>{label}</a>
        <Show when=move || open.get()>
            <div class="inline-comment">
                // The form stays as typed whatever the server answers; only a success replaces
                // it, with the receipt number where the person is looking.
                <Show
                    when=move || matches!(submit.value().get(), Some(Ok(_)))
                    fallback=move || view! {
                        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
                            {move || Suspend::new(async move {
                                match target.await {
                                    Some(Ok(t)) => view! { <CommentForm target=t action=submit/> }.into_any(),
                                    Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any(),
                                    None => ().into_any(),
                                }
                            })}
                        </Suspense>
                    }
                >
                    {move || submit.value().get().and_then(Result::ok).map(|t| {
                        let receipt_id = format!("receipt-{t}");
                        let focus_id = receipt_id.clone();
                        request_animation_frame(move || crate::components::focus_and_show(&focus_id));
                        view! {
                            <p class="alert alert-ok" role="status" id=receipt_id tabindex="-1">
                                "意见已提交，回执编号 " <strong class="tracking-inline">{t.clone()}</strong>
                                " · " <a href=format!("/receipt/{t}")>"查看回执"</a>
                            </p>
                        }
                    })}
                </Show>
            </div>
        </Show>
    }
}

/// A logged-in person's own comments.
#[component]
pub fn MyCommentsPage() -> impl IntoView {
    let mine = Resource::new(|| (), |_| list_my_comments());
    view! {
        <Title text="我的意见 · 意见"/>
        <h1>"我的意见"</h1>
        <p class="muted">"登录后提交的意见列在这里；未登录时提交的意见请凭回执编号查询。"</p>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match mine.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(list) if list.is_empty() => view! { <p>"您还没有提交过意见。"</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="data stacked">
                            <thead><tr><th>"回执编号"</th><th>"草案与条款"</th><th>"态度"</th><th>"理由"</th><th>"提交时间"</th><th>"状态"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <td data-label="回执编号"><a href=format!("/receipt/{}", c.tracking)>{c.tracking.clone()}</a></td>
                                        <td data-label="草案与条款"><a href=format!("/drafts/{}#{}", c.slug, c.unit_uid)>{format!("《{}》{}", c.draft_title, c.unit_label)}</a></td>
                                        <td data-label="态度">{c.stance.label()}</td>
                                        <td data-label="理由" class="clip">{c.reason}</td>
                                        <td data-label="提交时间">{c.submitted_at}</td>
                                        <td data-label="状态">{c.status}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let receipt = Resource::new(
        move || params.read().get("tracking").unwrap_or_default(),
        get_receipt,
    );
    view! {
        <Title text="意见回执 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move { receipt_view(receipt.await) })}
        </Suspense>
    }
}

fn receipt_view(r: Result<super::Receipt, crate::error::AppError>) -> AnyView {
    match r {
        Err(e) => crate::components::page_error(e),
        Ok(r) => view! {
            <section class="receipt">
                <crate::components::Crumbs trail=vec![crate::components::crumb("查询意见", "/track")]/>
                <h1>"意见回执"</h1>
                <p class="tracking">{r.tracking.clone()}</p>
                <p>"请记下回执编号，以便查询办理情况。"</p>
                <dl class="facts">
                    <dt>"草案"</dt><dd><a href=format!("/drafts/{}", r.slug)>{r.draft_title}</a></dd>
                    <dt>"条款"</dt><dd>{r.unit_label}</dd>
                    <dt>"态度"</dt><dd>{r.stance.label()}</dd>
                    <dt>"提交时间"</dt><dd>{r.submitted_at}</dd>
                    <dt>"状态"</dt><dd>{r.status}</dd>
                    {r.status_note.map(|n| view! { <dt>"未公开原因"</dt><dd>{n}</dd> })}
                    {r.disposition.map(|(d, why)| view! {
                        <dt>"处理情况"</dt><dd>{d}</dd>
                        <dt>"理由"</dt><dd>{why}</dd>
                    })}
                </dl>
                {r.own_text.map(|(text, suggested)| view! {
                    <section class="own-text" aria-labelledby="own-text-h">
                        <h2 id="own-text-h">"您提交的意见"</h2>
                        <p class="muted">"只有您本人（提交时使用的浏览器或账户）能看到这部分。"</p>
                        <p class="comment-reason">{text}</p>
                        {(!suggested.is_empty()).then(|| view! {
                            <p class="comment-suggested"><span class="muted">"建议修改为："</span>{suggested}</p>
                        })}
                    </section>
                })}
            </section>
        }.into_any(),
    }
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let query = use_query_map();
    let no = move || query.read().get("no");
    let receipt = Resource::new(no, |no| async move {
        match no {
            Some(no) => Some(get_receipt(no).await),
            None => None,
        }
    });
    view! {
        <Title text="查询意见 · 意见"/>
        <h1>"查询意见办理情况"</h1>
        <form method="get" action="/track" class="stack-form">
            <label for="track-no">"回执编号"</label>
            // A typo stays in the box to be corrected, not typed again.
            <input id="track-no" name="no" required placeholder="YJ-XXXX-XXXX" maxlength="20"
                value=move || no().unwrap_or_default() autocomplete="off"/>
            <button type="submit" class="button primary">"查询"</button>
        </form>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { receipt.await.map(receipt_view) })}
        </Suspense>
    }
}
