//! Pages that belong to no feature: home, not found, the generic error page.

use crate::components::use_session;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text="意见 · 立法草案公开征求意见平台"/>
        <section class="hero">
            <h1>"让立法就在家门口"</h1>
            <p class="lead">
                "起草委员会在这里分章节公布法规草案；市民可以对具体条款发表赞成、反对或修改意见；"
                "全州 437 个代表之家（立法联系点）收集线下意见并集中报送。"
            </p>
        </section>
        <section class="cards">
            <article class="card">
                <h2><A href="/drafts">"阅读草案"</A></h2>
                <p>"逐条阅读正在征求意见的法规草案，查看每一条的意见数量。"</p>
            </article>
            <article class="card">
                <h2>"发表意见"</h2>
                <p>"针对某一条、某一款提出意见，获得回执编号，随时查询办理情况。"</p>
            </article>
            <article class="card">
                <h2>"代表之家"</h2>
                <p>"联系点管理员录入线下收集的意见，按批次报送起草委员会。"</p>
            </article>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let logged_in = session.await.ok().and_then(|s| s.user).is_some();
                (!logged_in).then(|| view! {
                    <p class="muted">"工作人员请 " <A href="/login">"登录"</A> "。"</p>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="页面不存在 · 意见"/>
        <section class="error-page">
            <h1>"页面不存在（404）"</h1>
            <p>"您访问的地址不存在，可能已被移动或删除。"</p>
            <p><A href="/">"返回首页"</A></p>
        </section>
    }
}

/// Shown when a page fails to render. It never shows the underlying error text.
#[component]
pub fn ErrorPage() -> impl IntoView {
    view! {
        <section class="error-page">
            <h1>"出错了"</h1>
            <p>"页面暂时无法显示，请稍后再试。如果问题持续存在，请联系平台管理员。"</p>
            <p><A href="/">"返回首页"</A></p>
        </section>
    }
}
