//! `/admin/units`: handling units and deputies — import from CSV/XLSX (check first, then
//! import), export in the same columns, the initial passwords of an import for printing once,
//! and the single-account forms. Every form is a plain POST that works without JavaScript.

use super::{load_initial_passwords, InitialPassword};
use crate::components::{crumb, page_error, Crumbs, PrintButton};
use crate::suggestion::{list_units, LEVELS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn result_note(q: &leptos_router::params::ParamsMap) -> Option<String> {
    if q.get("saved").is_some() {
        return Some("已保存。".into());
    }
    if q.get("discarded").is_some() {
        return Some("初始密码已从系统中删除。".into());
    }
    let n = |k: &str| q.get(k).and_then(|v| v.parse::<usize>().ok());
    let (c, u, s, a) = (
        n("created")?,
        n("updated")?,
        n("unchanged")?,
        n("accounts")?,
    );
    let what = if q.get("kind").as_deref() == Some("units") {
        "个承办单位"
    } else {
        "名代表"
    };
    Some(if q.get("checked").is_some() {
        format!("检查通过：导入将新建 {c} {what}、更新 {u} {what}，{s} {what}不变。尚未导入，请取消“只检查”后再上传一次。")
    } else {
        format!("已导入：新建 {c} {what}，更新 {u} {what}，{s} {what}不变；新开账户 {a} 个。")
    })
}

/// The initial passwords of the import just made, for printing and handing out.
fn passwords_view(token: String, list: Vec<InitialPassword>) -> AnyView {
    if list.is_empty() {
        return view! {
            <p class="muted">"这次导入的初始密码已删除或已超过 24 小时。需要时可在“账户”页为单个账户重设密码。"</p>
        }
        .into_any();
    }
    view! {
        <section class="initial-passwords" aria-labelledby="pw-title">
            <h2 id="pw-title">{format!("新账户的初始密码（{} 个）", list.len())}</h2>
            <p class="alert alert-warn print-hide">
                "初始密码只在这里显示，24 小时后自动删除。请打印或抄录后分发给本人；每个账户首次登录时必须改用自己的密码。"
            </p>
            <p class="print-hide"><PrintButton/></p>
            <table class="data stacked">
                <thead><tr><th>"姓名"</th><th>"身份"</th><th>"代表之家 / 单位"</th><th>"登录名"</th><th>"初始密码"</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|p| view! {
                        <tr>
                            <td data-label="姓名">{p.display_name}</td>
                            <td data-label="身份">{p.role}</td>
                            <td data-label="代表之家 / 单位">{p.detail}</td>
                            <td data-label="登录名"><code>{p.login}</code></td>
                            <td data-label="初始密码"><code>{p.password}</code></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <form method="post" action=discard_initial_passwords_path() class="print-hide">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button">"已分发，从系统中删除这些初始密码"</button>
            </form>
        </section>
    }
    .into_any()
}

fn discard_initial_passwords_path() -> &'static str {
    <super::DiscardInitialPasswords as leptos::server_fn::ServerFn>::PATH
}

/// One import form (deputies or units).
fn import_form(
    kind: &'static str,
    title: &'static str,
    columns: &'static str,
    export: &'static str,
) -> impl IntoView {
    let file_id = format!("{kind}-file");
    view! {
        <section class="stack-form">
            <h2>{title}</h2>
            <p class="muted">{columns}</p>
            <form method="post" action="/api/roster/upload" enctype="multipart/form-data" class="stack-form">
                <input type="hidden" name="kind" value=kind/>
                <label for=file_id.clone()>"CSV 或 XLSX 文件"</label>
                <input id=file_id type="file" name="file" required
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
                <label class="inline">
                    <input type="checkbox" name="dry_run" value="1" checked/>
                    "只检查，不导入"
                </label>
                <button type="submit" class="button primary">"上传"</button>
            </form>
            <p><a href=export>"导出现有名单（CSV，可修改后再导入）"</a></p>
        </section>
    }
}

#[component]
pub fn RosterAdminPage() -> impl IntoView {
    let query = use_query_map();
    let units = Resource::new(|| (), |_| list_units());
    let token = move || query.read().get("passwords").unwrap_or_default();
    let passwords = Resource::new(token, |t| async move {
        if t.is_empty() {
            Ok(None)
        } else {
            load_initial_passwords(t.clone())
                .await
                .map(|l| Some((t, l)))
        }
    });
    view! {
        <Title text="承办单位与代表 · 意见"/>
        <Crumbs trail=vec![crumb("工作台", "/")]/>
        <h1>"承办单位与代表"</h1>
        {move || query.with(result_note).map(|m| view! { <p class="alert alert-ok" role="status">{m}</p> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match passwords.await {
                    Err(e) => page_error(e),
                    Ok(None) => ().into_any(),
                    Ok(Some((t, list))) => passwords_view(t, list),
                }
            })}
        </Suspense>
        <div class="print-hide">
        {import_form(
            "deputies",
            "导入代表名单",
            "列：登录名、姓名、层级（全国 / 自治区 / 州 / 县市 / 乡镇）、代表之家（编组的代表之家名称；重名时写路径，如 昌吉回族自治州/昌吉市/宁边路街道，或写编号）。UTF-8 或 Excel 另存的 GBK CSV、XLSX 均可。已有的代表（同一登录名）会更新姓名、层级和代表之家；新代表获得初始密码。文件中只要有一处错误，就不导入任何数据。",
            "/admin/deputies.csv",
        )}
        {import_form(
            "units",
            "导入承办单位名单",
            "列：单位名称、类别（政府部门 / 县市人民政府 / 人民法院 / 人民检察院）、邮箱（接收交办通知和催办提醒）、操作员登录名、操作员姓名。一个单位有几名操作员就写几行，单位名称等列重复填写。已有的单位（同名）会更新类别和邮箱；不会删除任何单位或账户。",
            "/admin/units.csv",
        )}
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match units.await {
                    Err(e) => page_error(e),
                    Ok(list) => view! {
                        <details>
                            <summary>{format!("现有承办单位（{} 个）", list.len())}</summary>
                            <ul>{list.iter().map(|u| view! { <li>{format!("{}（编号 {}）", u.name, u.id)}</li> }).collect_view()}</ul>
                        </details>
                        <h2>"新增承办单位操作员"</h2>
                        <form method="post" action="/api/units/operator" class="stack-form">
                            <label for="uo-unit">"承办单位"</label>
                            <select id="uo-unit" name="unit" required>
                                {list.iter().map(|u| view! { <option value=u.id.to_string()>{u.name.clone()}</option> }).collect_view()}
                            </select>
                            <label for="uo-name">"登录名"</label>
                            <input id="uo-name" name="name" required/>
                            <label for="uo-dn">"姓名"</label>
                            <input id="uo-dn" name="display_name" required/>
                            <label for="uo-pw">"初始密码"</label>
                            <input id="uo-pw" name="password" type="password" required minlength="10"/>
                            <button type="submit" class="button">"创建账户"</button>
                        </form>
                    }.into_any(),
                }
            })}
        </Suspense>
        <h2>"新增承办单位"</h2>
        <form method="post" action="/api/units/create" class="stack-form">
            <label for="un-name">"单位名称"</label>
            <input id="un-name" name="name" required/>
            <label for="un-kind">"类别"</label>
            <select id="un-kind" name="kind">
                <option value="department">"政府部门"</option>
                <option value="government">"县市人民政府"</option>
                <option value="court">"人民法院"</option>
                <option value="procuratorate">"人民检察院"</option>
            </select>
            <label for="un-email">"电子邮箱（接收交办通知）"</label>
            <input id="un-email" name="email" type="email"/>
            <button type="submit" class="button">"新增"</button>
        </form>
        <h2>"新增人大代表"</h2>
        <form method="post" action="/api/deputies/create" class="stack-form">
            <label for="dp-name">"登录名"</label>
            <input id="dp-name" name="name" required/>
            <label for="dp-dn">"姓名"</label>
            <input id="dp-dn" name="display_name" required/>
            <label for="dp-level">"代表层级"</label>
            <select id="dp-level" name="level">
                {LEVELS.iter().map(|l| view! { <option value=*l>{*l}</option> }).collect_view()}
            </select>
            <label for="dp-st">"编组的代表之家（名称或编号）"</label>
            <input id="dp-st" name="station" required/>
            <label for="dp-pw">"初始密码"</label>
            <input id="dp-pw" name="password" type="password" required minlength="10"/>
            <button type="submit" class="button">"创建代表账户"</button>
        </form>
        </div>
    }
}
