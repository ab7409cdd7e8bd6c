//! `/admin/stations`: the station network as a table, CSV import (check first, then import) and
//! export. The upload is a plain multipart form: it works the same with and without JavaScript.

use super::{level_label, list_stations, StationRow};
use crate::components::urlencode;

const PAGE_SIZE: usize = 50;

/// The station list's search (`q`: part of the name or of a parent's name), level and county
/// (the level-2 station a station belongs to), and page.
#[derive(Clone, Debug, Default)]
struct StationFilter {
    text: String,
    level: Option<i64>,
    county: String,
    page: usize,
}

impl StationFilter {
    fn any(&self) -> bool {
        !self.text.is_empty() || self.level.is_some() || !self.county.is_empty()
    }

    fn matches(&self, s: &StationRow) -> bool {
        let county = if s.level == 2 {
            s.name.as_str()
        } else {
            s.parent.split('/').nth(1).unwrap_or("")
        };
        (self.text.is_empty() || s.name.contains(&self.text) || s.parent.contains(&self.text))
            && self.level.is_none_or(|l| s.level == l)
            && (self.county.is_empty() || county == self.county)
    }

    fn href(&self, page: usize) -> String {
        let mut q = vec![format!("page={page}")];
        if !self.text.is_empty() {
            q.push(format!("q={}", urlencode(&self.text)));
        }
        if let Some(l) = self.level {
            q.push(format!("level={l}"));
        }
        if !self.county.is_empty() {
            q.push(format!("county={}", urlencode(&self.county)));
        }
        format!("/admin/stations?{}", q.join("&"))
    }
}
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
            // The filter follows the address, so the pager and the form also work when the
            // hydrated router navigates without reloading.
            {move || {
                let filter = {
                    let q = query.read();
                    StationFilter {
                        text: q.get("q").unwrap_or_default().trim().to_string(),
                        level: q.get("level").and_then(|v| v.parse().ok()),
                        county: q.get("county").unwrap_or_default(),
                        page: q.get("page").and_then(|v| v.parse().ok()).unwrap_or(1).max(1),
                    }
                };
                Suspend::new(async move {
                match stations.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(list) => {
                        let total = list.len();
                        let active = list.iter().filter(|s| s.active).count();
                        let counties: Vec<String> = list.iter().filter(|s| s.level == 2).map(|s| s.name.clone()).collect();
                        let found: Vec<StationRow> = list.into_iter().filter(|s| filter.matches(s)).collect();
                        let shown = found.len();
                        let pages = shown.div_ceil(PAGE_SIZE).max(1);
                        let page = filter.page.min(pages);
                        let rows: Vec<StationRow> = found.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
                        let link = {
                            let f = filter.clone();
                            move |p: usize| f.href(p)
                        };
                        view! {
                            <p>{format!("共 {total} 个联系点，其中 {active} 个启用。")}</p>
                            <form method="get" action="/admin/stations" class="filter-form" role="search">
                                <label>"名称或上级 "<input type="search" name="q" aria-label="名称或上级" value=filter.text.clone() maxlength="50"/></label>
                                <label>"层级 "<select name="level" aria-label="层级">
                                    <option value="">"全部"</option>
                                    {(1..=4).map(|l| view! { <option value=l.to_string() selected=filter.level == Some(l)>{level_label(l)}</option> }).collect_view()}
                                </select></label>
                                <label>"县市 "<select name="county" aria-label="县市">
                                    <option value="">"全部"</option>
                                    {counties.into_iter().map(|c| {
                                        let sel = filter.county == c;
                                        view! { <option value=c.clone() selected=sel>{c.clone()}</option> }
                                    }).collect_view()}
                                </select></label>
                                <button type="submit" class="button">"筛选"</button>
                                {filter.any().then(|| view! { <a href="/admin/stations">"清除筛选"</a> })}
                            </form>
                            <p class="muted" role="status">{if filter.any() {
                                format!("符合条件的 {shown} 个，第 {page} / {pages} 页。")
                            } else {
                                format!("第 {page} / {pages} 页，每页 {PAGE_SIZE} 个。")
                            }}</p>
                            {(shown == 0).then(|| view! { <p>"没有符合条件的联系点。"</p> })}
                            <div class="table-wrap"><table class="data stacked">
                                <thead><tr><th>"名称"</th><th>"层级"</th><th>"上级"</th><th>"区划代码"</th><th>"邮箱"</th><th>"状态"</th><th>"操作"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|s| view! {
                                        <tr>
                                            <td data-label="名称">{s.name}</td>
                                            <td data-label="层级">{level_label(s.level)}</td>
                                            // The path below the prefecture: a village shows its township and county.
                                            <td data-label="上级">{s.parent.split_once('/').map(|(_, rest)| rest.to_string()).unwrap_or(s.parent.clone())}</td>
                                            <td data-label="区划代码">{s.region_code}</td>
                                            <td data-label="邮箱">{s.email}</td>
                                            <td data-label="状态">{if s.active { "启用" } else { "停用" }}</td>
                                            <td data-label="操作"><a href=format!("/admin/stations/{}", s.id)>"修改"</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            {(pages > 1).then(|| view! {
                                <nav class="pager" aria-label="分页">
                                    {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"上一页"</a> })}
                                    <span>{format!("第 {page} / {pages} 页")}</span>
                                    {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">"下一页"</a> })}
                                </nav>
                            })}
                        }.into_any()
                    }
                }
                })
            }}
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
