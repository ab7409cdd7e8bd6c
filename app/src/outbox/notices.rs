//! Notices of published parts to stations: the station operator sees them and confirms receipt
//! with one click (已送达 → 已确认).

use crate::components::ActionError;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationNotice {
    pub id: i64,
    pub draft_title: String,
    pub slug: String,
    pub part_label: String,
    pub window: String,
    pub confirmed_at: Option<String>,
}

/// Station operator: the notices sent to one's own station, newest first.
#[server(prefix = "/api", endpoint = "notices/mine")]
pub async fn my_notices() -> Result<Vec<StationNotice>, AppError> {
    let user = crate::auth::ssr::require(&[crate::auth::Role::Station])?;
    let state = crate::ssr::app_state()?;
    ssr::for_station(&state.db, user.station_id.ok_or(AppError::Forbidden)?).await
}

/// Station operator: confirm that one's station received a notice. Only one's own station's
/// notices; confirming twice changes nothing.
#[server(prefix = "/api", endpoint = "notices/confirm")]
pub async fn confirm_notice(id: i64) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[crate::auth::Role::Station])?;
    let state = crate::ssr::app_state()?;
    ssr::confirm(
        &state.db,
        id,
        user.station_id.ok_or(AppError::Forbidden)?,
        user.id,
    )
    .await?;
    crate::ssr::web::redirect_plain_form_back();
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::StationNotice;
    use crate::draft::time::format_local;
    use crate::error::AppError;
    use crate::ssr::{now_ms, Db};

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        title: String,
        slug: String,
        part_label: String,
        opens_at: i64,
        closes_at: i64,
        status: String,
        confirmed_at: Option<i64>,
    }

    pub async fn for_station(db: &Db, station_id: i64) -> Result<Vec<StationNotice>, AppError> {
        let rows: Vec<Row> = sqlx::query_as(
            "select n.id, d.title, d.slug, p.part_label, p.opens_at, p.closes_at, n.status, \
             n.confirmed_at from notice n join publication p on p.id = n.publication_id \
             join draft d on d.id = p.draft_id where n.station_id = $1 \
             and p.withdrawn_at is null order by n.id desc limit 200",
        )
        .bind(station_id)
        .fetch_all(&db.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| StationNotice {
                id: r.id,
                draft_title: r.title,
                slug: r.slug,
                part_label: r.part_label,
                window: format!(
                    "{} 至 {}",
                    format_local(r.opens_at),
                    format_local(r.closes_at)
                ),
                confirmed_at: (r.status == "confirmed")
                    .then(|| format_local(r.confirmed_at.unwrap_or(0))),
            })
            .collect())
    }

    pub async fn confirm(db: &Db, id: i64, station_id: i64, by: i64) -> Result<(), AppError> {
        let status: Option<String> =
            sqlx::query_scalar("select status from notice where id = $1 and station_id = $2")
                .bind(id)
                .bind(station_id)
                .fetch_optional(&db.pool)
                .await?;
        match status.as_deref() {
            None => Err(AppError::NotFound),
            Some("confirmed") => Ok(()),
            Some(_) => {
                sqlx::query(
                    "update notice set status = 'confirmed', confirmed_by = $1, confirmed_at = $2 \
                     where id = $3 and station_id = $4 and status = 'delivered'",
                )
                .bind(by)
                .bind(now_ms())
                .bind(id)
                .bind(station_id)
                .execute(&db.pool)
                .await?;
                Ok(())
            }
        }
    }
}

#[component]
pub fn NoticesPage() -> impl IntoView {
    let confirm = ServerAction::<ConfirmNotice>::new();
    let list = Resource::new(move || confirm.version().get(), |_| my_notices());
    view! {
        <Title text="征求意见通知 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"征求意见通知"</h1>
        <p class="muted">"草案公开征求意见时，本联系点会收到通知。请确认收到，并组织群众提出意见。"</p>
        <ActionError action=confirm/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(l) if l.is_empty() => view! { <p>"暂无通知。"</p> }.into_any(),
                    Ok(l) => view! {
                        <ul class="notices">
                            {l.into_iter().map(|n| view! {
                                <li class="notice">
                                    <a href=format!("/drafts/{}", n.slug)>{format!("《{}》{}", n.draft_title, n.part_label)}</a>
                                    <span class="muted">{format!(" 征求意见时间：{}", n.window)}</span>
                                    " "<a href=format!("/drafts/{}/handout.pdf", n.slug) rel="external">"打印材料（PDF）"</a>
                                    {match n.confirmed_at {
                                        Some(at) => view! { <span class="status status-open">{format!("已确认（{at}）")}</span> }.into_any(),
                                        None => view! {
                                            <span class="status">"已送达"</span>
                                            <ActionForm action=confirm attr:class="inline-form">
                                                <input type="hidden" name="id" value=n.id.to_string()/>
                                                <button type="submit" class="button">"确认收到"</button>
                                            </ActionForm>
                                        }.into_any(),
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
