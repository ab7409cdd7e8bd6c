//! Yijian's web application: pages, shared types and server functions.
//!
//! One folder per feature (`auth`, `account`, …), each with its types and server functions in
//! `mod.rs`, server-only storage code in `ssr.rs` and its pages in `pages.rs`. The crate builds
//! twice: with `ssr` into the server and with `hydrate` into the wasm bundle.

#![recursion_limit = "256"]

pub mod account;
pub mod assets;
pub mod auth;
pub mod batch;
pub mod cluster;
pub mod comment;
pub mod components;
pub mod coverage;
#[cfg(feature = "ssr")]
pub mod docx;
pub mod draft;
pub mod error;
#[cfg(feature = "ssr")]
pub mod export;
pub mod feedback;
pub mod form;
pub mod home;
pub mod micro;
pub mod outbox;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod roster;
pub mod search;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod station;
pub mod suggestion;
pub mod theme;
pub mod workbench;

use components::{Flash, Header, SessionResource};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    #[cfg(feature = "ssr")]
    let light = light_script();
    #[cfg(not(feature = "ssr"))]
    let light: Option<&'static str> = None;
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="leptos" href=assets::stylesheet_href()/>
                {match light {
                    Some(src) => view! { <script src=src defer></script> }.into_any(),
                    None => view! { <HydrationScripts options/> }.into_any(),
                }}
                <MetaTags/>
            </head>
            <body data-page=light.map(|_| "light")>
                <App/>
            </body>
        </html>
    }
}

/// The light script instead of the application bundle, for an anonymous reader of a public
/// reading page (see [`assets::is_light_path`]): those pages work as plain HTML, and the 3 MB
/// bundle would cost a slow phone more than everything else on them. Logged-in people, and
/// every page when `--hydrate-public-pages` is given or the site was built without the light
/// script, get the whole application.
#[cfg(feature = "ssr")]
fn light_script() -> Option<&'static str> {
    let src = assets::light_script_href()?;
    let parts = use_context::<http::request::Parts>()?;
    let settings = crate::ssr::app_state().ok()?.settings;
    let session = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| {
            c.split(';')
                .any(|kv| kv.trim_start().starts_with("yj_session="))
        });
    (settings.light_reading_pages && !session && assets::is_light_path(parts.uri.path()))
        .then_some(src)
}

/// The content security policy allows scripts only from this site plus the one inline
/// bootstrap script Leptos writes, identified by a per-response nonce.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    leptos::nonce::provide_nonce();
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.as_inner().to_string())
        .unwrap_or_default();
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(v) = http::HeaderValue::from_str(&policy) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let session: SessionResource = Resource::new(|| (), |_| auth::get_session_info());
    provide_context(session);
    // Marks the page once the wasm bundle has taken over, so tests (and curious people) can
    // tell a hydrated page from a server-rendered one.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="意见"/>
        <Router>
            <Header/>
            <main id="main" tabindex="-1">
                <Flash/>
                <ErrorBoundary fallback=|_| view! { <pages::ErrorPage/> }>
                    // Async: every page is complete HTML before it is sent, so it works
                    // without JavaScript (streamed fragments would need a script to swap in).
                    <Routes fallback=|| view! { <pages::NotFound/> }>
                        <Route path=path!("") view=home::pages::HomePage ssr=SsrMode::Async/>
                        <Route path=path!("login") view=auth::pages::LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("drafts") view=draft::pages::DraftsPage ssr=SsrMode::Async/>
                        <Route path=path!("drafts/:slug") view=comment::reading::DraftPage ssr=SsrMode::Async/>
                        <Route path=path!("drafts/:slug/compare") view=feedback::pages::ComparePage ssr=SsrMode::Async/>
                        <Route path=path!("drafts/:slug/feedback") view=feedback::pages::FeedbackPage ssr=SsrMode::Async/>
                        <Route path=path!("drafts/:slug/v/:n") view=comment::reading::DraftPage ssr=SsrMode::Async/>
                        <Route path=path!("drafts/:slug/comment/:uid") view=comment::pages::CommentPage ssr=SsrMode::Async/>
                        <Route path=path!("receipt/:tracking") view=comment::pages::ReceiptPage ssr=SsrMode::Async/>
                        <Route path=path!("track") view=comment::pages::TrackPage ssr=SsrMode::Async/>
                        <Route path=path!("my/comments") view=comment::pages::MyCommentsPage ssr=SsrMode::Async/>
                        <Route path=path!("search") view=search::pages::PublicSearchPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/search") view=search::pages::CommitteeSearchPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/moderation") view=comment::moderation_page::ModerationPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/new") view=draft::import_page::ImportPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/:slug/publish") view=draft::pages::PublishPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/:slug/feedback/publish") view=feedback::pages::PublishFeedbackPage ssr=SsrMode::Async/>
                        <Route path=path!("account") view=account::pages::AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("admin/users") view=account::pages::UsersPage ssr=SsrMode::Async/>
                        <Route path=path!("admin/stations") view=station::pages::StationsPage ssr=SsrMode::Async/>
                        <Route path=path!("admin/stations/:id") view=station::pages::StationEditPage ssr=SsrMode::Async/>
                        <Route path=path!("admin/outbox") view=outbox::pages::OutboxPage ssr=SsrMode::Async/>
                        <Route path=path!("station/notices") view=outbox::notices::NoticesPage ssr=SsrMode::Async/>
                        <Route path=path!("station/opinions") view=batch::pages::IntakePage ssr=SsrMode::Async/>
                        <Route path=path!("station/opinions/:id") view=batch::pages::EditOpinionPage ssr=SsrMode::Async/>
                        <Route path=path!("station/batches") view=batch::pages::BatchesPage ssr=SsrMode::Async/>
                        <Route path=path!("station/batches/:receipt") view=batch::pages::BatchPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/coverage") view=coverage::pages::CoveragePage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/:slug/articles") view=workbench::pages::ArticlesPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/:slug/compilation") view=feedback::pages::CompilationPage ssr=SsrMode::Async/>
                        <Route path=path!("station/requests") view=suggestion::pages::StationRequestsPage ssr=SsrMode::Async/>
                        <Route path=path!("counties") view=suggestion::pages::CountyPublicPage ssr=SsrMode::Async/>
                        <Route path=path!("requests/status") view=suggestion::pages::RequestStatusPage ssr=SsrMode::Async/>
                        <Route path=path!("deputy") view=suggestion::pages::DeputyPage ssr=SsrMode::Async/>
                        <Route path=path!("deputy/ballots") view=micro::pages::BallotsPage ssr=SsrMode::Async/>
                        <Route path=path!("unit") view=suggestion::pages::UnitPage ssr=SsrMode::Async/>
                        <Route path=path!("office") view=suggestion::pages::OfficePage ssr=SsrMode::Async/>
                        <Route path=path!("office/report") view=suggestion::pages::OfficeReportPage ssr=SsrMode::Async/>
                        <Route path=path!("office/micro") view=micro::pages::MicroOfficePage ssr=SsrMode::Async/>
                        <Route path=path!("office/micro/ballot") view=micro::pages::OfficeBallotPage ssr=SsrMode::Async/>
                        <Route path=path!("unit/projects") view=micro::work_pages::UnitProjectsPage ssr=SsrMode::Async/>
                        <Route path=path!("admin/units") view=roster::pages::RosterAdminPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/:slug/articles/:uid") view=workbench::pages::ArticlePage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/:slug/themes") view=theme::pages::ThemesPage ssr=SsrMode::Async/>
                        <Route path=path!("committee/drafts/:slug/themes/review") view=theme::pages::ThemeReviewPage ssr=SsrMode::Async/>
                    </Routes>
                </ErrorBoundary>
            </main>
            <footer class="site-footer">
                <p>"昌吉回族自治州人大常委会 · 立法草案公开征求意见平台"</p>
                <p class="muted">"个人联系方式仅用于反馈办理结果，不会公开。"</p>
            </footer>
        </Router>
    }
}
