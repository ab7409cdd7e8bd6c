//! Small pieces shared by pages: the header, messages, and action error display.

use crate::auth::{Logout, SessionInfo};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// The session resource every page reads (provided once by [`crate::App`]).
pub type SessionResource = Resource<Result<SessionInfo, AppError>>;

/// A numeric route parameter (`/…/{id}`) as a reactive getter; 0 when absent or not a number,
/// which the server answers with 404.
pub fn use_id_param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get(name)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

pub fn use_session() -> SessionResource {
    expect_context::<SessionResource>()
}

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let logout = ServerAction::<Logout>::new();
    reload_on_success(logout, |_| "/".to_string());
    view! {
        <header class="site-header">
            <a class="skip-link" href="#main">"跳到正文"</a>
            <div class="brand">
                <A href="/">
                    <span class="brand-mark" aria-hidden="true">"意"</span>
                    <span class="brand-name">"意见 · 立法草案公开征求意见平台"</span>
                </A>
            </div>
            <nav aria-label="主导航" class="main-nav">
                <A href="/drafts">"法规草案"</A>
                <A href="/track">"查询意见"</A>
                <A href="/search">"检索"</A>
                <A href="/counties">"建议办理"</A>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = session.await.ok().and_then(|s| s.user);
                        match user {
                            Some(u) => {
                                let admin = u.role == crate::auth::Role::Admin;
                                let staff = matches!(u.role, crate::auth::Role::Admin | crate::auth::Role::Committee);
                                let station = u.role == crate::auth::Role::Station;
                                let deputy = u.role == crate::auth::Role::Deputy;
                                let unit = u.role == crate::auth::Role::Unit;
                                let office = matches!(u.role, crate::auth::Role::Office | crate::auth::Role::Admin);
                                view! {
                                    // Each role's own work starts at its home page.
                                    {(staff || station).then(|| view! { <A href="/" exact=true>"工作台"</A> })}
                                    {staff.then(|| view! { <A href="/committee/moderation">"意见审核"</A> })}
                                    {staff.then(|| view! { <A href="/committee/search">"意见检索"</A> })}
                                    {(!staff && !station && !unit && !office).then(|| view! { <A href="/my/comments">"我的意见"</A> })}
                                    {station.then(|| view! { <A href="/station/requests">"群众诉求"</A> })}
                                    {deputy.then(|| view! { <A href="/deputy">"代表建议"</A> })}
                                    {deputy.then(|| view! { <A href="/deputy/ballots">"微实事票决"</A> })}
                                    {unit.then(|| view! { <A href="/unit">"本单位办理"</A> })}
                                    {unit.then(|| view! { <A href="/unit/projects">"微实事实施"</A> })}
                                    {office.then(|| view! { <A href="/office">"交办督办"</A> })}
                                    {office.then(|| view! { <A href="/office/micro">"微实事"</A> })}
                                    {admin.then(|| view! { <A href="/admin/units">"承办单位"</A> })}
                                    {admin.then(|| view! { <A href="/admin/users">"账户"</A> })}
                                    {admin.then(|| view! { <A href="/admin/stations">"联系点"</A> })}
                                    {station.then(|| view! { <A href="/station/notices">"通知"</A> })}
                                    {station.then(|| view! { <A href="/station/opinions">"录入意见"</A> })}
                                    {station.then(|| view! { <A href="/station/batches">"报送记录"</A> })}
                                    <A href="/account">
                                        <span class="who">{u.display_name.clone()}</span>
                                        <span class="role-badge">{u.role.label()}</span>
                                    </A>
                                    <ActionForm action=logout attr:class="inline-form">
                                        <button type="submit" class="link-button">"退出登录"</button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            None => view! { <A href="/login">"登录"</A> }.into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

/// The way back up: the pages above this one, each a link (`(label, href)`), top first.
#[component]
pub fn Crumbs(trail: Vec<(String, String)>) -> impl IntoView {
    view! {
        <nav class="crumbs" aria-label="所在位置">
            {trail.into_iter().map(|(label, href)| view! {
                <a href=href>{label}</a><span aria-hidden="true">" › "</span>
            }).collect_view()}
        </nav>
    }
}

/// A crumb trail entry.
pub fn crumb(label: impl Into<String>, href: impl Into<String>) -> (String, String) {
    (label.into(), href.into())
}

/// Shows the message carried across a no-JavaScript redirect, or the session-expired notice.
#[component]
pub fn Flash() -> impl IntoView {
    let session = use_session();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or_default();
                // Also when a refused form shows its message beside itself: the browser lands
                // there (`#form-error`), and this copy serves forms that do not.
                let message = info.flash
                    .or_else(|| info.expired.then(|| AppError::Unauthorized { expired: true }.message()));
                message.map(|m| view! { <p class="alert alert-error" role="alert">{m}</p> })
            })}
        </Suspense>
    }
}

/// A page whose content could not be loaded: the message, a way on (log in, or home), and —
/// rendered on the server — the error's real HTTP status, so a refused or missing page does not
/// answer 200.
pub fn page_error(e: AppError) -> AnyView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(e.status()) {
            res.set_status(code);
        }
    }
    let login = matches!(e, AppError::Unauthorized { .. }).then(|| {
        let here = leptos_router::hooks::use_location();
        let next = format!(
            "{}{}",
            here.pathname.get_untracked(),
            here.search.get_untracked()
        );
        format!("/login?next={}", urlencode(&next))
    });
    view! {
        <div class="page-error">
            <p class="alert alert-error" role="alert">{e.message()}</p>
            <p>
                {login.map(|href| view! { <a class="button primary" href=href>"登录"</a> " " })}
                <a href="/">"返回首页"</a>
            </p>
        </div>
    }
    .into_any()
}

/// What a form posting to server function `S` shows again after a refusal without JavaScript
/// (empty otherwise). Await the session first.
pub fn form_memory<S: ServerFn>(info: Option<&SessionInfo>) -> crate::form::FormMemory {
    crate::form::FormMemory::of(info.and_then(|i| i.form.as_ref()), S::PATH)
}

/// The session's stashed form, if any (for [`form_memory`]), from inside a `Suspend`.
pub async fn session_info() -> Option<SessionInfo> {
    use_session().await.ok()
}

/// One field's error, beside the field: from the action's last result (with JavaScript) or
/// from the refused form shown again (without). `id` is the field's element id.
#[component]
pub fn FieldMsg<S>(
    action: ServerAction<S>,
    memory: crate::form::FormMemory,
    name: &'static str,
    #[prop(into)] id: String,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let error_id = format!("{id}-error");
    move || {
        let message = match action.value().get() {
            Some(Err(e)) => crate::form::field_error(&crate::form::errors_of(&e), name),
            Some(Ok(_)) => None,
            None => memory.error(name),
        };
        message.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })
    }
}

/// The outcome of a form's last submission, beside its submit button (`id="form-error"`, where
/// a refused no-JavaScript post lands). With JavaScript, a refusal moves the focus to the first
/// field in error (ids are `prefix` + the field's name), or to this message, and scrolls there.
#[component]
pub fn FormErrors<S>(
    action: ServerAction<S>,
    memory: crate::form::FormMemory,
    #[prop(optional, into)] prefix: String,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    // A refused no-JavaScript post lands on `#form-error` (one refused form per page); with
    // JavaScript several forms may be open, so theirs carry the form's prefix.
    let summary_id = if memory.refused() {
        "form-error".to_string()
    } else {
        format!("{prefix}form-error")
    };
    let target = summary_id.clone();
    Effect::new(move |_| {
        if let Some(Err(e)) = action.value().get() {
            let first = crate::form::errors_of(&e)
                .first()
                .map(|f| format!("{prefix}{}", f.field));
            focus_and_show(first.as_deref().unwrap_or(&target));
        }
    });
    let remembered = memory.message();
    move || {
        let message = match action.value().get() {
            Some(Err(e)) => Some(e.message()),
            Some(Ok(_)) => None,
            None => remembered.clone(),
        };
        message.map(|m| {
            view! {
                <p class="alert alert-error form-error" id=summary_id.clone() role="alert" tabindex="-1">
                    {format!("未能提交：{m}")}
                </p>
            }
        })
    }
}

/// 打印: prints the page with the browser's dialog. The content security policy forbids inline
/// handlers, so the button is wired by the hydrated app, and shown only then (without JavaScript
/// it could do nothing; the page offers its PDF instead).
#[component]
pub fn PrintButton() -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    move || {
        ready.get().then(|| {
            view! {
                <button type="button" class="button" on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                    let _ = window().print();
                }>"打印"</button>
            }
        })
    }
}

/// Moves the focus to element `id` and scrolls it to the middle of the screen (hydrated only).
pub fn focus_and_show(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(id) {
            if let Ok(h) = el.clone().dyn_into::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
            // The field's own message sits below it: bring that into view with the field.
            let below = document().get_element_by_id(&format!("{id}-error"));
            below.unwrap_or(el).scroll_into_view_with_bool(false);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// The error of the last submission of `action`, shown next to its form.
#[component]
pub fn ActionError<S>(action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move || {
        action.value().get().and_then(|r| r.err()).map(|e| {
            view! { <p class="alert alert-error" role="alert">{e.message()}</p> }
        })
    }
}

/// With JavaScript, a successful form submission reloads the target page so that the header and
/// every resource reflect the new state (the no-JS path gets the same effect by redirect).
pub fn reload_on_success<S>(action: ServerAction<S>, to: impl Fn(&S::Output) -> String + 'static)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(out)) = action.value().get() {
            let target = to(&out);
            let _ = window().location().set_href(&target);
        }
    });
}

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
