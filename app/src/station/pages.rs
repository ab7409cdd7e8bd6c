//! `/admin/stations`: the station network as a table, CSV import (check first, then import) and
//! export. The upload is a plain multipart form: it works the same with and without JavaScript.

use super::{level_label, list_stations};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StationsPage() -> impl IntoView {
    let stations = Resource::new(|| (), |_| list_stations());
    let query = use_query_map();
    let result = move || {
        let q = query.read();
        if q.get("saved").is_some() {
            return Some("已保存。".to_string());
        }
        let n = |k: &str| q.get(k).and_then(|v| v.parse::<usize>().ok());
        let (c, u, s) = (n("created")?, n("updated")?, n("unchanged")?);
        Some(if q.get("checked").is_some() {
            format!("检查通过：导入将新建 {c} 个、更新 {u} 个联系点，{s} 个不变。尚未导入。")
        } else {
            format!("已导入：新建 {c} 个，更新 {u} 个，{s} 个不变。")
        })
    };
    view! {
        <Title text="联系点 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"联系点"</h1>
        {move || result().map(|m| view! { <p class="alert alert-ok" role="status">{m}</p> })}
        <section class="stack-form">
            <h2>"导入联系点名单（CSV）"</h2>
            <p class="muted">
                "列：name（名称）、level（层级 1 州 / 2 县市 / 3 乡镇街道 / 4 村社区）、parent（上级名称，重名时写路径，如 昌吉回族自治州/昌吉市）、region_code（区划代码）、email（邮箱）、active（1 启用 / 0 停用）。"
                "UTF-8 或 Excel 另存的 GBK 均可。已有的联系点（同一上级下同名）会被更新，不会删除任何联系点；文件中只要有一处错误，就不导入任何数据。"
            </p>
            <form method="post" action="/api/stations/upload" enctype="multipart/form-data" class="stack-form">
                <label for="stations-file">"CSV 文件"</label>
                <input id="stations-file" type="file" name="file" accept=".csv,text/csv" required/>
                <label class="inline">
                    <input type="checkbox" name="dry_run" value="1"/>
                    "只检查，不导入"
                </label>
                <button type="submit" class="button primary">"上传"</button>
            </form>
            <p><a href="/admin/stations.csv" download="stations.csv">"导出全部联系点（CSV）"</a></p>
        </section>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match stations.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(list) => {
                        let total = list.len();
                        let active = list.iter().filter(|s| s.active).count();
                        view! {
                            <p>{format!("共 {total} 个联系点，其中 {active} 个启用。")}</p>
                            <div class="table-wrap"><table class="data">
                                <thead><tr><th>"名称"</th><th>"层级"</th><th>"上级"</th><th>"区划代码"</th><th>"邮箱"</th><th>"状态"</th><th>"操作"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! {
                                        <tr>
                                            <td>{s.name}</td>
                                            <td>{level_label(s.level)}</td>
                                            <td>{s.parent}</td>
                                            <td>{s.region_code}</td>
                                            <td>{s.email}</td>
                                            <td>{if s.active { "启用" } else { "停用" }}</td>
                                            <td><a href=format!("/admin/stations/{}", s.id)>"修改"</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// `/admin/stations/:id`: rename, move under another parent, change the region code or e-mail,
/// (de)activate. A plain form.
#[component]
pub fn StationEditPage() -> impl IntoView {
    let id = crate::components::use_id_param("id");
    let data = Resource::new(id, super::get_station);
    view! {
        <Title text="修改联系点 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/"), crate::components::crumb("联系点", "/admin/stations")]/>
        <h1>"修改联系点"</h1>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(s) => view! {
                        <form method="post" action="/api/stations/update" class="stack-form">
                            <input type="hidden" name="id" value=s.id.to_string()/>
                            <p class="muted">{format!("层级：{}", level_label(s.level))}</p>
                            <label for="st-name">"名称"</label>
                            <input id="st-name" name="name" required maxlength="100" value=s.name/>
                            <label for="st-parent">"上级联系点（名称，重名时写路径；移动到其他上级时修改此项）"</label>
                            <input id="st-parent" name="parent" value=s.parent disabled=s.level == 1/>
                            <label for="st-region">"区划代码"</label>
                            <input id="st-region" name="region_code" value=s.region_code/>
                            <label for="st-email">"邮箱"</label>
                            <input id="st-email" name="email" type="email" value=s.email/>
                            <label class="inline"><input type="checkbox" name="active" value="1" checked=s.active/>"启用"</label>
                            <button type="submit" class="button primary">"保存"</button>
                        </form>
                        <p><a href="/admin/stations">"← 联系点"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
