//! The login page.

use super::Login;
use crate::components::{reload_on_success, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    reload_on_success(login, |next| next.clone());
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    view! {
        <Title text="登录 · 意见"/>
        <section class="narrow">
            <h1>"工作人员登录"</h1>
            <p class="muted">"市民发表意见无需登录。"</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    // After a refusal the name comes back (never the password) and the
                    // password field has the focus.
                    let info = crate::components::session_info().await;
                    let m = crate::components::form_memory::<Login>(info.as_ref());
                    let name = m.value_or("name", "");
                    let retry = m.refused();
                    let next = m.value("next").unwrap_or_else(next);
                    view! {
                        <ActionForm action=login attr:class="stack-form" attr:id="login-form">
                            <input type="hidden" name="next" value=next/>
                            <label for="login-name">"登录名"</label>
                            <input id="login-name" type="text" name="name" autocomplete="username" required
                                maxlength="32" value=name autofocus=!retry/>
                            <label for="login-password">"密码"</label>
                            <input id="login-password" type="password" name="password" autocomplete="current-password"
                                required maxlength="128" autofocus=retry/>
                            <FormErrors action=login memory=m.clone() prefix="login-"/>
                            <button type="submit" class="button primary">"登录"</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
