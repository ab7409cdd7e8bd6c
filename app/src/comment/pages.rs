//! The comment form (reachable from every open unit, works without JavaScript), the receipt and
//! the tracking-number lookup.

use super::{get_comment_target, get_receipt, Stance, SubmitComment};
use crate::components::ActionError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CommentPage() -> impl IntoView {
    let params = use_params_map();
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
    view! {
        <Title text="发表意见 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match target.await {
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any(),
                    Ok(t) => {
                        let back = format!("/drafts/{}#{}", t.slug, t.uid);
                        view! {
                            <p><a href=back>{format!("← 返回《{}》", t.draft_title)}</a></p>
                            <h1>{format!("对{}发表意见", t.label)}</h1>
                            <blockquote class="unit-quote">{t.text.clone()}</blockquote>
                            {t.window.clone().map(|w| view! { <p class="muted">{w}</p> })}
                            {if !t.open {
                                view! { <p class="alert alert-error" role="alert">"本条目前不接受意见。"</p> }.into_any()
                            } else {
                                view! {
                                    <ActionError action=submit/>
                                    <ActionForm action=submit attr:class="stack-form wide">
                                        <input type="hidden" name="slug" value=t.slug.clone()/>
                                        <input type="hidden" name="uid" value=t.uid.clone()/>
                                        <input type="hidden" name="idempotency_key" value=t.idempotency_key.clone()/>
                                        <fieldset class="stances">
                                            <legend>"您的态度"</legend>
                                            {Stance::ALL.into_iter().map(|s| {
                                                let id = format!("stance-{}", s.as_str());
                                                view! {
                                                    <span class="stance">
                                                        <input type="radio" name="stance" id=id.clone() value=s.as_str() required/>
                                                        <label for=id>{s.label()}</label>
                                                    </span>
                                                }
                                            }).collect_view()}
                                        </fieldset>
                                        <label for="c-suggested">"建议修改为（可选，可直接修改下面的条文）"</label>
                                        <textarea id="c-suggested" name="suggested" rows="4" maxlength="5000">{t.text.clone()}</textarea>
                                        <label for="c-reason">"理由（必填，最多 5000 字）"</label>
                                        <textarea id="c-reason" name="reason" rows="6" required maxlength="5000"></textarea>
                                        <label for="c-name">"姓名（可选）"</label>
                                        <input id="c-name" name="name" maxlength="50" autocomplete="name"/>
                                        <label for="c-region">"地区（可选）"</label>
                                        <input id="c-region" name="region" maxlength="50"/>
                                        <label for="c-category">"身份（可选）"</label>
                                        <select id="c-category" name="category">
                                            <option value="">"（不填）"</option>
                                            {["个人", "企业", "社会组织", "人大代表", "其他"].into_iter().map(|c| view! { <option value=c>{c}</option> }).collect_view()}
                                        </select>
                                        <label for="c-contact">"联系方式（可选，手机或邮箱，不会公开）"</label>
                                        <input id="c-contact" name="contact" maxlength="100" autocomplete="email"/>
                                        <button type="submit" class="button primary">"提交意见"</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        }.into_any()
                    }
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
        Err(e) => view! { <p class="alert alert-error" role="alert">{e.message()}</p> }.into_any(),
        Ok(r) => view! {
            <section class="receipt">
                <h1>"意见回执"</h1>
                <p class="tracking">{r.tracking.clone()}</p>
                <p>"请记下回执编号，以便查询办理情况。"</p>
                <dl class="facts">
                    <dt>"草案"</dt><dd><a href=format!("/drafts/{}", r.slug)>{r.draft_title}</a></dd>
                    <dt>"条款"</dt><dd>{r.unit_label}</dd>
                    <dt>"态度"</dt><dd>{r.stance.label()}</dd>
                    <dt>"提交时间"</dt><dd>{r.submitted_at}</dd>
                    <dt>"状态"</dt><dd>{r.status}</dd>
                </dl>
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
            <input id="track-no" name="no" required placeholder="YJ-XXXX-XXXX" maxlength="20"/>
            <button type="submit" class="button primary">"查询"</button>
        </form>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { receipt.await.map(receipt_view) })}
        </Suspense>
    }
}
