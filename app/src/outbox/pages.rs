//! `/admin/outbox`: undelivered mail, with a retry button for failed messages.

use super::{list_outbox, RetryOutbox};
use crate::components::ActionError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let retry = ServerAction::<RetryOutbox>::new();
    let items = Resource::new(move || retry.version().get(), |_| list_outbox());
    view! {
        <Title text="邮件发送 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"邮件发送情况"</h1>
        <p class="muted">"列出尚未送达的邮件：排队中的会自动重试，发送失败的可手动重试。"</p>
        <ActionError action=retry/>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Err(e) => crate::components::page_error(e),
                    Ok(list) if list.is_empty() => view! { <p>"所有邮件均已送达。"</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="data stacked">
                            <thead><tr><th>"收件人"</th><th>"主题"</th><th>"状态"</th><th>"尝试次数"</th><th>"最近错误"</th><th>"操作"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|m| view! {
                                    <tr>
                                        <td data-label="收件人">{m.recipient}</td>
                                        <td data-label="主题">{m.subject}</td>
                                        <td data-label="状态">{if m.failed { "发送失败".to_string() } else { format!("排队中（下次 {}）", m.next_attempt_at) }}</td>
                                        <td data-label="尝试次数">{m.attempts}</td>
                                        <td data-label="最近错误" class="clip">{m.last_error}</td>
                                        <td data-label="操作">{m.failed.then(|| view! {
                                            <ActionForm action=retry attr:class="inline-form">
                                                <input type="hidden" name="id" value=m.id.to_string()/>
                                                <button type="submit" class="button">"重试"</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
