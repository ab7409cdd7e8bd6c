//! The own-account page and the admin's account list.

use super::{ChangePassword, CreateAccount, ResetPassword, SetAccountActive};
use crate::auth::Role;
use crate::components::{reload_on_success, use_session, ActionError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let change = ServerAction::<ChangePassword>::new();
    reload_on_success(change, |_| "/account?changed=1".into());
    let query = use_query_map();
    let changed = move || query.read().get("changed").is_some();
    view! {
        <Title text="我的账户 · 意见"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match session.await.ok().and_then(|s| s.user) {
                    None => crate::components::page_error(crate::error::AppError::Unauthorized { expired: false }),
                    Some(u) => view! {
                        <section class="narrow">
                            <h1>"我的账户"</h1>
                            <dl class="facts">
                                <dt>"登录名"</dt><dd>{u.name.clone()}</dd>
                                <dt>"显示名称"</dt><dd>{u.display_name.clone()}</dd>
                                <dt>"角色"</dt><dd>{u.role.label()}</dd>
                                {u.station_name.clone().map(|s| view! { <dt>"所属联系点"</dt><dd>{s}</dd> })}
                            </dl>
                            <h2 id="password">"修改密码"</h2>
                            {(u.must_change_password || query.read_untracked().get("must").is_some()).then(|| view! {
                                <p class="alert" role="alert">"管理员已为您重置密码。请用收到的临时密码作为“当前密码”，设置您自己的新密码后再继续使用。"</p>
                            })}
                            {move || changed().then(|| view! { <p class="alert alert-ok" role="status">"密码已修改。"</p> })}
                            <ActionError action=change/>
                            <ActionForm action=change attr:class="stack-form">
                                <label for="pw-current">"当前密码"</label>
                                <input id="pw-current" type="password" name="current" autocomplete="current-password" required/>
                                <label for="pw-new">"新密码（至少 10 个字符）"</label>
                                <input id="pw-new" type="password" name="new_password" autocomplete="new-password" required minlength="10"/>
                                <button type="submit" class="button primary">"修改密码"</button>
                            </ActionForm>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let session = use_session();
    let create = ServerAction::<CreateAccount>::new();
    let toggle = ServerAction::<SetAccountActive>::new();
    reload_on_success(create, |_| "/admin/users".into());
    reload_on_success(toggle, |_| "/admin/users".into());
    let reset = ServerAction::<ResetPassword>::new();
    reload_on_success(reset, |_| "/admin/users?reset=1".into());
    let query = use_query_map();
    let accounts = Resource::new(|| (), |_| super::list_accounts());
    view! {
        <Title text="账户管理 · 意见"/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let user = session.await.ok().and_then(|s| s.user);
                match user {
                    None => crate::components::page_error(crate::error::AppError::Unauthorized { expired: false }),
                    Some(u) if u.role != Role::Admin => crate::components::page_error(crate::error::AppError::Forbidden),
                    Some(_) => {
                        let rows = accounts.await.unwrap_or_default();
                        view! {
                            <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
                            <h1>"账户管理"</h1>
                            {query.read_untracked().get("reset").is_some().then(|| view! {
                                <p class="alert alert-ok" role="status">"密码已重置，该账户已在各处退出登录；本人下次登录时须设置新密码。"</p>
                            })}
                            <ActionError action=reset/>
                            <div class="table-wrap">
                            <table class="data stacked">
                                <caption>"全部账户"</caption>
                                <thead><tr>
                                    <th scope="col">"登录名"</th><th scope="col">"显示名称"</th>
                                    <th scope="col">"角色"</th><th scope="col">"联系点"</th>
                                    <th scope="col">"状态"</th><th scope="col">"操作"</th>
                                </tr></thead>
                                <tbody>
                                {rows.into_iter().map(|a| {
                                    let reset_id = format!("reset-{}", a.id);
                                    let reset_label = format!("重置 {} 的密码", a.name);
                                    view! {
                                    <tr>
                                        <td data-label="登录名">{a.name.clone()}</td>
                                        <td data-label="显示名称">{a.display_name.clone()}</td>
                                        <td data-label="角色">{a.role.label()}</td>
                                        <td data-label="联系点">{a.station_name.clone().unwrap_or_default()}</td>
                                        <td data-label="状态">{if a.active { "启用" } else { "已停用" }}</td>
                                        <td data-label="操作">
                                            <ActionForm action=toggle attr:class="inline-form">
                                                <input type="hidden" name="id" value=a.id/>
                                                <input type="hidden" name="active" value=(!a.active).to_string()/>
                                                <button type="submit" class="link-button"
                                                    aria-label=format!("{}账户 {}", if a.active { "停用" } else { "启用" }, a.name)>
                                                    {if a.active { "停用" } else { "启用" }}
                                                </button>
                                            </ActionForm>
                                            <details class="reset">
                                                <summary>"重置密码"</summary>
                                                <ActionForm action=reset attr:class="stack-form">
                                                    <input type="hidden" name="id" value=a.id/>
                                                    <label for=reset_id.clone()>"临时密码（至少 10 个字符，当面或电话告知本人；本人下次登录须改为自己的密码）"</label>
                                                    <input id=reset_id type="text" name="password" required minlength="10" maxlength="128" autocomplete="off"/>
                                                    <button type="submit" class="button">{reset_label}</button>
                                                </ActionForm>
                                            </details>
                                        </td>
                                    </tr>
                                    }
                                }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            <h2>"新建账户"</h2>
                            <ActionError action=create/>
                            <ActionError action=toggle/>
                            <ActionForm action=create attr:class="stack-form">
                                <label for="new-name">"登录名"</label>
                                <input id="new-name" name="name" required maxlength="32"/>
                                <label for="new-display">"显示名称"</label>
                                <input id="new-display" name="display_name" required maxlength="64"/>
                                <label for="new-role">"角色"</label>
                                <select id="new-role" name="role">
                                    {Role::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                                </select>
                                <label for="new-station">"所属联系点（仅联系点管理员，填名称或编号）"</label>
                                <input id="new-station" name="station" maxlength="64"/>
                                <label for="new-password">"初始密码（至少 10 个字符）"</label>
                                <input id="new-password" type="password" name="password" required minlength="10" autocomplete="new-password"/>
                                <button type="submit" class="button primary">"创建账户"</button>
                            </ActionForm>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
