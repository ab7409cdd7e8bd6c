//! The own-account page and the admin's account list.

use super::{ChangePassword, CreateAccount, SetAccountActive};
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
                            <h2>"修改密码"</h2>
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
                            <div class="table-wrap">
                            <table class="data">
                                <caption>"全部账户"</caption>
                                <thead><tr>
                                    <th scope="col">"登录名"</th><th scope="col">"显示名称"</th>
                                    <th scope="col">"角色"</th><th scope="col">"联系点"</th>
                                    <th scope="col">"状态"</th><th scope="col">"操作"</th>
                                </tr></thead>
                                <tbody>
                                {rows.into_iter().map(|a| view! {
                                    <tr>
                                        <td>{a.name.clone()}</td>
                                        <td>{a.display_name.clone()}</td>
                                        <td>{a.role.label()}</td>
                                        <td>{a.station_name.clone().unwrap_or_default()}</td>
                                        <td>{if a.active { "启用" } else { "已停用" }}</td>
                                        <td>
                                            <ActionForm action=toggle attr:class="inline-form">
                                                <input type="hidden" name="id" value=a.id/>
                                                <input type="hidden" name="active" value=(!a.active).to_string()/>
                                                <button type="submit" class="link-button"
                                                    aria-label=format!("{}账户 {}", if a.active { "停用" } else { "启用" }, a.name)>
                                                    {if a.active { "停用" } else { "启用" }}
                                                </button>
                                            </ActionForm>
                                        </td>
                                    </tr>
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
