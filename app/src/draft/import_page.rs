//! The committee's page for importing a draft or a new version: paste, preview the parsed
//! structure with its warnings, then save.

use super::{get_preview, ImportDraft, ImportOutcome, Preview};
use crate::auth::Role;
use crate::components::{use_session, ActionError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
fn PreviewPanel(p: Preview) -> impl IntoView {
    let c = p.counts;
    view! {
        <section class="preview" aria-label="解析结果">
            <h2>"解析结果：" {p.title.clone()}</h2>
            <p>{format!("编 {} · 分编 {} · 章 {} · 节 {} · 条 {}", c.bian, c.fenbian, c.zhang, c.jie, c.tiao)}</p>
            {if p.warnings.is_empty() {
                view! { <p class="alert alert-ok" role="status">"没有发现问题。"</p> }.into_any()
            } else {
                view! {
                    <h3>{format!("需要核对的地方（{} 处）", p.warnings.len())}</h3>
                    <ul class="warnings">
                        {p.warnings.into_iter().map(|w| view! { <li>{format!("第{}行：{}", w.line, w.message)}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <details>
                <summary>"结构"</summary>
                <ul>{p.outline.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            </details>
        </section>
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let session = use_session();
    let import = ServerAction::<ImportDraft>::new();
    Effect::new(move |_| {
        if let Some(Ok(ImportOutcome::Saved { slug })) = import.value().get() {
            let _ = window().location().set_href(&format!("/drafts/{slug}"));
        }
    });
    let query = use_query_map();
    let stored = Resource::new(
        move || query.read().get("preview"),
        |id| async move {
            match id {
                Some(id) => get_preview(id).await.ok(),
                None => None,
            }
        },
    );
    view! {
        <Title text="导入草案 · 意见"/>
        <crate::components::Crumbs trail=vec![crate::components::crumb("工作台", "/")]/>
        <h1>"导入草案或新一稿"</h1>
        <Suspense fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                let user = session.await.ok().and_then(|s| s.user);
                let Some(user) = user else {
                    return crate::components::page_error(crate::error::AppError::Unauthorized { expired: false });
                };
                if !matches!(user.role, Role::Committee | Role::Admin) {
                    return crate::components::page_error(crate::error::AppError::Forbidden);
                }
                let stored = stored.await;
                let (slug, label, source) = stored
                    .as_ref()
                    .map(|p| (p.slug.clone(), p.label.clone(), p.source.clone()))
                    .unwrap_or_default();
                view! {
                    <p class="muted">"粘贴 Markdown 或从国家法律法规数据库导出的文本。先预览解析结果，核对无误后保存。保存后草案不会公开，直到发布其中的章节。同一网址名下再次导入即为新的一稿，条文会与上一稿自动对应。"</p>
                    <ActionError action=import/>
                    <ActionForm action=import attr:class="stack-form wide">
                        <label for="imp-slug">"网址名（例如 heating-regs）"</label>
                        <input id="imp-slug" name="slug" required maxlength="60" value=slug/>
                        <label for="imp-label">"稿次（例如 征求意见稿、一审稿）"</label>
                        <input id="imp-label" name="label" required maxlength="40" value=label/>
                        <label for="imp-source">"草案全文"</label>
                        <textarea id="imp-source" name="source" rows="16" required>{source}</textarea>
                        <div class="buttons">
                            <button type="submit" name="intent" value="preview" class="button">"预览"</button>
                            <button type="submit" name="intent" value="save" class="button primary">"保存"</button>
                        </div>
                    </ActionForm>
                    <details class="publish">
                        <summary>"或上传文件（Word、WPS、PDF、网页、Markdown 或文本）"</summary>
                        <p class="muted">"可上传 Word（.docx，以及经转换的 .doc）、WPS（.wps）、带文字层的 PDF、保存的网页或 Markdown/文本文件（UTF-8、GBK 或 Big5 编码），按文件内容识别格式。Word 的自动编号（第X条、（一））会按 Word 显示的样子读出；脚注、页眉、页脚和页码不会读入，预览会列出读取时略去的内容。扫描件 PDF 没有文字，无法读取。"</p>
                        <form method="post" action="/api/drafts/upload" enctype="multipart/form-data" class="stack-form">
                            <label for="up-slug">"网址名"</label>
                            <input id="up-slug" name="slug" required maxlength="60"/>
                            <label for="up-label">"稿次"</label>
                            <input id="up-label" name="label" required maxlength="40"/>
                            <label for="up-file">"草案文件"</label>
                            <input id="up-file" name="file" type="file" accept=".docx,.doc,.wps,.wpt,.rtf,.odt,.pdf,.htm,.html,.md,.txt,text/plain,text/markdown,text/html,application/pdf,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document" required/>
                            <button type="submit" class="button">"上传并预览"</button>
                        </form>
                    </details>
                    {stored.map(|p| view! { <PreviewPanel p/> })}
                    {move || match import.value().get() {
                        Some(Ok(ImportOutcome::Preview(p))) => Some(view! { <PreviewPanel p/> }),
                        _ => None,
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}
