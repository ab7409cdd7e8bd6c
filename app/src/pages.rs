//! Pages that belong to no feature: home, not found, the generic error page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

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
