//! The publication gate, enumerated: every read path a citizen, a station operator or an
//! anonymous visitor can reach is tried on a draft whose parts are unpublished, scheduled,
//! published and amended-but-unpublished, and none may show wording that is not released.
//! A page route or public server function missing from [`public_reads`] and from [`EXEMPT`]
//! fails the suite, so a new read path has to be put under the gate (or explained) to pass.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;
use std::collections::BTreeSet;

const SLUG: &str = "gate-test";

/// Version 1: chapter 1 will be published, chapter 2 not.
const V1: &str =
    "# 门禁测试条例\n\n## 第一章 总则\n\n第一条 公开甲文字。\n\n第二条 公开乙文字。\n\n\
                  ## 第二章 管理\n\n第三条 未发布丙秘密。\n\n第四条 未发布丁秘密。\n";
/// Version 2, saved and never published: a new title, 第一条 amended, chapter 2 reworded.
const V2: &str = "# 门禁测试条例（修订秘密稿）\n\n## 第一章 总则\n\n第一条 修订稿戊秘密。\n\n\
                  第二条 公开乙文字。\n\n## 第二章 管理\n\n第三条 修订稿己秘密。\n\n第四条 修订稿庚秘密。\n";

/// Text that must never reach the public while it is unreleased.
const UNRELEASED_V1: &[&str] = &["丙秘密", "丁秘密"];
const UNRELEASED_V2: &[&str] = &["修订秘密稿", "戊秘密", "己秘密", "庚秘密"];

/// Page routes and public server functions that show nothing of any draft's text, or that
/// reach it only through the functions tried here, with the reason.
const EXEMPT: &[(&str, &str)] = &[
    // The closed loop and 微实事 show no draft text at all: requests, suggestions, answers,
    // projects and ballots are their own records.
    ("/station/requests", "the station's residents' requests"),
    (
        "/requests/status",
        "one request's status by its tracking number",
    ),
    (
        "/deputy",
        "the deputy's suggestions and the station's requests",
    ),
    ("/deputy/ballots", "the deputy's 微实事 ballots"),
    ("/unit", "the unit's queue of suggestions"),
    ("/office", "the office's suggestions"),
    (
        "/office/report",
        "the office's report: counts of suggestions per unit and county",
    ),
    (
        "/office/micro",
        "the office's 微实事 funds, projects and ballots",
    ),
    ("/counties", "a county's suggestions and 微实事 projects"),
    (
        "/api/public/county",
        "a county's suggestions and 微实事 projects, no draft text",
    ),
    ("/api/requests/record", "writes a resident's request"),
    ("/api/requests/station", "the station's own requests"),
    ("/api/requests/status", "a request's status, no draft text"),
    ("/api/suggestions/deputy", "the deputy's own suggestions"),
    ("/api/suggestions/create", "writes a suggestion"),
    ("/api/suggestions/rate", "writes a rating"),
    ("/api/office/suggestions", "suggestions, no draft text"),
    ("/api/office/assign", "writes: hands a suggestion out"),
    ("/api/office/extend", "writes: extends a deadline"),
    ("/api/unit/queue", "the unit's own queue"),
    ("/api/unit/answer", "writes an answer"),
    ("/api/unit/reassign", "writes: a unit asks for reassignment"),
    (
        "/api/office/supervise",
        "writes: marks a suggestion for a leader's supervision",
    ),
    (
        "/api/office/reassign",
        "writes: hands a suggestion to another unit",
    ),
    (
        "/api/office/reassign-refuse",
        "writes: refuses a reassignment",
    ),
    ("/api/office/report", "counts of suggestions, no draft text"),
    ("/api/units/list", "unit names"),
    ("/api/micro/fund", "writes a fund"),
    ("/api/micro/propose", "writes a project"),
    ("/api/micro/ballot", "writes a ballot"),
    ("/api/micro/vote", "writes a vote"),
    ("/api/micro/mine", "the deputy's ballots"),
    ("/api/micro/office", "funds, projects, ballots"),
    (
        "/office/micro/ballot",
        "the office's page of one 微实事 ballot: paper ballots and sheets",
    ),
    (
        "/unit/projects",
        "the unit's 微实事 projects: progress and completion",
    ),
    (
        "/api/micro/paper/page",
        "one ballot's paper ballots and sheets",
    ),
    ("/api/micro/paper/issue", "writes: hands out a paper ballot"),
    (
        "/api/micro/paper/enter",
        "writes: a teller's entry of a sheet",
    ),
    ("/api/micro/finalize", "writes: confirms a ballot's results"),
    ("/api/micro/assign", "writes: hands a project to a unit"),
    ("/api/micro/unit", "the unit's own 微实事 projects"),
    ("/api/micro/progress", "writes a progress update"),
    ("/api/micro/complete", "writes: a project finished"),
    (
        "/api/micro/county",
        "the deputy's county's approved projects",
    ),
    ("/api/micro/accept", "writes an acceptance"),
    ("/login", "login form"),
    ("/track", "a form; the lookup is /api/comments/receipt"),
    (
        "/my/comments",
        "the viewer's own opinions: /api/comments/mine",
    ),
    ("/account", "the viewer's own account"),
    (
        "/receipt/{tracking}",
        "the submitter's own receipt: /api/comments/receipt",
    ),
    (
        "/api/comments/receipt",
        "by the tracking number only its submitter holds (rate limited); names the unit's label",
    ),
    ("/api/session/info", "who is logged in"),
    ("/api/auth/login", "logs in"),
    ("/api/auth/logout", "logs out"),
    ("/api/account/password", "changes the viewer's password"),
    (
        "/api/comments/submit",
        "writes; refused on unreleased units (tried below)",
    ),
    (
        "/api/comments/mine",
        "the viewer's own opinions, made on released units",
    ),
    (
        "/station/opinions/{id}",
        "the station's own recorded opinion (on a released unit)",
    ),
    ("/station/batches", "the station's own batches"),
    (
        "/station/batches/{receipt}",
        "one of the station's own batches",
    ),
    (
        "/api/notices/confirm",
        "writes: a station confirms a notice",
    ),
    (
        "/api/opinions/record",
        "writes; units resolve through the gated intake (tried below)",
    ),
    ("/api/opinions/update", "writes; as record"),
    (
        "/api/opinions/from-request",
        "writes; the unit resolves through the gated intake, as record",
    ),
    ("/api/opinions/delete", "writes"),
    (
        "/api/opinions/import",
        "writes; rows resolve units through the gated intake",
    ),
    ("/api/opinions/get", "the station's own recorded opinion"),
    (
        "/api/opinions/import-check",
        "the station's own uploaded file, checked against the gated units",
    ),
    ("/api/batches/forward", "writes"),
    ("/api/batches/list", "the station's own batches"),
    ("/api/batches/get", "one of the station's own batches"),
];

/// A public read: a name, and the request.
enum Read {
    Page(String),
    Fn(&'static str, Vec<(&'static str, String)>),
}

impl Read {
    fn key(&self) -> String {
        match self {
            Read::Page(p) => p.clone(),
            Read::Fn(p, _) => p.to_string(),
        }
    }
}

/// Every public read of the draft (and its units `uids`).
fn public_reads(uids: &[&str]) -> Vec<Read> {
    let s = || SLUG.to_string();
    let mut reads = vec![
        Read::Page("/".into()),
        Read::Fn("/api/home", vec![]),
        Read::Page("/drafts".into()),
        Read::Page(format!("/drafts/{SLUG}")),
        Read::Page(format!("/drafts/{SLUG}/v/1")),
        Read::Page(format!("/drafts/{SLUG}/v/2")),
        Read::Page(format!("/drafts/{SLUG}/compare")),
        Read::Page(format!("/drafts/{SLUG}/compare?from=1&to=2")),
        Read::Page(format!("/drafts/{SLUG}/feedback")),
        Read::Page(format!("/drafts/{SLUG}/handout.pdf")),
        Read::Page(format!("/drafts/{SLUG}/handout.pdf?v=2")),
        Read::Page("/search?q=秘密".into()),
        Read::Page("/search?q=修订稿&kind=draft".into()),
        Read::Page("/search?q=文字".into()),
        Read::Fn("/api/drafts/list", vec![]),
        Read::Fn("/api/drafts/get", vec![("slug", s())]),
        Read::Fn(
            "/api/drafts/get",
            vec![("slug", s()), ("number", "1".into())],
        ),
        Read::Fn(
            "/api/drafts/get",
            vec![("slug", s()), ("number", "2".into())],
        ),
        Read::Fn("/api/drafts/compare", vec![("slug", s())]),
        Read::Fn(
            "/api/drafts/compare",
            vec![("slug", s()), ("from", "1".into()), ("to", "2".into())],
        ),
        Read::Fn("/api/feedback/report", vec![("slug", s())]),
        Read::Fn(
            "/api/comments/counts",
            vec![("slug", s()), ("version", "1".into())],
        ),
        Read::Fn(
            "/api/comments/counts",
            vec![("slug", s()), ("version", "2".into())],
        ),
        Read::Fn("/api/search/public", vec![("q", "秘密".into())]),
        Read::Fn(
            "/api/search/public",
            vec![("q", "修订稿".into()), ("kind", "draft".into())],
        ),
        Read::Fn("/api/search/public", vec![("q", "文字".into())]),
        Read::Fn("/api/search/public", vec![("draft", s())]),
    ];
    for uid in uids {
        reads.push(Read::Page(format!("/drafts/{SLUG}/comment/{uid}")));
        reads.push(Read::Fn(
            "/api/comments/target",
            vec![("slug", s()), ("uid", uid.to_string())],
        ));
        reads.push(Read::Fn(
            "/api/comments/public",
            vec![("slug", s()), ("uid", uid.to_string())],
        ));
    }
    reads
}

/// The pages and functions a station operator reads, which also name drafts and units.
fn station_reads() -> Vec<Read> {
    vec![
        Read::Page("/station/notices".into()),
        Read::Page("/station/opinions".into()),
        Read::Page(format!("/station/opinions?draft={SLUG}")),
        Read::Fn("/api/notices/mine", vec![]),
        Read::Fn("/api/opinions/intake", vec![]),
        Read::Fn("/api/opinions/intake", vec![("slug", SLUG.to_string())]),
    ]
}

struct Seen {
    status: StatusCode,
    text: String,
}

async fn read(app: &TestApp, r: &Read, cookie: Option<&str>) -> Seen {
    let res = match r {
        Read::Page(p) => app.get(p, cookie).await,
        Read::Fn(p, form) => {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(p, &pairs, cookie).await
        }
    };
    let text = if res.bytes.starts_with(b"%PDF") && res.status.is_success() {
        pdf_text_and_fonts(&res.bytes).0
    } else {
        res.body.clone()
    };
    Seen {
        status: res.status,
        text,
    }
}

/// Reads everything as `cookie` and lists every read that showed one of `secrets`.
async fn leaks(
    app: &TestApp,
    reads: &[Read],
    cookie: Option<&str>,
    secrets: &[&str],
) -> Vec<String> {
    let mut found = Vec::new();
    for r in reads {
        let seen = read(app, r, cookie).await;
        assert_ne!(
            seen.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{}: {}",
            r.key(),
            seen.text
        );
        for s in secrets {
            if seen.text.contains(s) {
                found.push(format!("{} showed {s}", describe(r)));
            }
        }
    }
    found
}

fn describe(r: &Read) -> String {
    match r {
        Read::Page(p) => format!("GET {p}"),
        Read::Fn(p, form) => format!("POST {p} {form:?}"),
    }
}

async fn publish_chapter(app: &TestApp, chapter: u32, opens_in_ms: i64) {
    let at = |offset: i64| app::draft::time::format_local(app::ssr::now_ms() + offset);
    app::draft::ssr::publish(
        &app.db,
        SLUG,
        app::draft::ssr::PartSpec {
            chapter: Some(chapter),
            ..Default::default()
        },
        &at(opens_in_ms),
        &at(opens_in_ms + 30 * 86_400_000),
        None,
        "http://yijian.test",
    )
    .await
    .expect("publish");
}

/// Waits until the committee's search sees `word` in draft text (the index follows the
/// database a moment later), so that a public search not finding it means something.
async fn index_has(app: &TestApp, committee: &str, word: &str) {
    for _ in 0..100 {
        let res = app
            .post_form(
                "/api/search/comments",
                &[("q", word), ("kind", "draft")],
                Some(committee),
            )
            .await;
        let found: app::search::SearchResults = serde_json::from_str(&res.body).unwrap_or_default();
        if found.total > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the index never showed {word}");
}

#[tokio::test]
async fn nothing_unreleased_reaches_the_public_on_any_read_path() {
    let app = TestApp::new().await;
    let committee = app.login(Role::Committee).await;
    let citizen = app.login(Role::Citizen).await;
    let station = app.login(Role::Station).await;
    let viewers: [(&str, Option<&str>); 3] = [
        ("anonymous", None),
        ("citizen", Some(&citizen)),
        ("station", Some(&station)),
    ];
    let uids = ["art-1", "art-1-p-1", "art-2", "art-3", "art-3-p-1", "art-4"];
    let mut reads = public_reads(&uids);
    let stations = station_reads();

    // 1. Saved, never published: nothing at all, and the draft's pages answer 404.
    app::draft::ssr::import_version(&app.db, SLUG, "征求意见稿", V1)
        .await
        .unwrap();
    let everything: Vec<&str> = ["公开甲文字", "公开乙文字"]
        .into_iter()
        .chain(UNRELEASED_V1.iter().copied())
        .collect();
    for (who, cookie) in viewers {
        let found = leaks(&app, &reads, cookie, &everything).await;
        assert!(found.is_empty(), "{who}, nothing published: {found:#?}");
    }
    let found = leaks(&app, &stations, Some(&station), &everything).await;
    assert!(
        found.is_empty(),
        "station pages, nothing published: {found:#?}"
    );
    for path in [
        format!("/drafts/{SLUG}"),
        format!("/drafts/{SLUG}/comment/art-1"),
    ] {
        assert_eq!(
            app.get(&path, None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // The committee sees it (the markers would show if the gate were skipped).
    let staff = app.get(&format!("/drafts/{SLUG}"), Some(&committee)).await;
    assert!(
        staff.body.contains("丙秘密"),
        "the committee reads every version"
    );

    // 2. Chapter 2 scheduled for next week: still nothing of it.
    publish_chapter(&app, 2, 7 * 86_400_000).await;
    for (who, cookie) in viewers {
        let found = leaks(&app, &reads, cookie, &everything).await;
        assert!(found.is_empty(), "{who}, only scheduled: {found:#?}");
    }

    // 3. Chapter 1 opens now; then version 2 is saved and not published.
    sqlx::query("update publication set withdrawn_at = 1")
        .execute(&app.db.pool)
        .await
        .unwrap();
    publish_chapter(&app, 1, -60_000).await;
    app::draft::ssr::import_version(&app.db, SLUG, "修改稿", V2)
        .await
        .unwrap();
    index_has(&app, &committee, "戊秘密").await;
    index_has(&app, &committee, "公开甲文字").await;
    let secrets: Vec<&str> = UNRELEASED_V1.iter().chain(UNRELEASED_V2).copied().collect();
    for (who, cookie) in viewers {
        let found = leaks(&app, &reads, cookie, &secrets).await;
        assert!(
            found.is_empty(),
            "{who}, chapter 1 open, v2 saved: {found:#?}"
        );
    }
    let found = leaks(&app, &stations, Some(&station), &secrets).await;
    assert!(found.is_empty(), "station pages: {found:#?}");
    // What is released is shown: the reading page, the comment form, the public search.
    let page = app.get(&format!("/drafts/{SLUG}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("公开甲文字") && page.body.contains("门禁测试条例"));
    assert!(
        page.body.contains("尚未公开"),
        "the page says parts are withheld"
    );
    let search = app
        .post_form("/api/search/public", &[("q", "公开甲文字")], None)
        .await;
    let found: app::search::SearchResults = serde_json::from_str(&search.body).unwrap();
    assert!(
        found
            .hits
            .iter()
            .any(|h| h.unit_uid == "art-1" && h.version == 1),
        "released text is found: {}",
        search.body
    );
    assert_eq!(
        app.get(&format!("/drafts/{SLUG}/v/2"), None).await.status,
        StatusCode::NOT_FOUND
    );
    // Comments cannot be made on what is not released.
    let res = app
        .post_form(
            "/api/comments/submit",
            &[
                ("slug", SLUG),
                ("uid", "art-3"),
                ("stance", "support"),
                ("reason", "赞成。"),
                ("idempotency_key", "gate-test-key-0000001"),
            ],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);

    // 4. Chapter 2 of version 2 opens: its new wording is public, the amended 第一条 of
    // version 2 is not (only version 1's 第一条 is released), 第二条 is unchanged and shown.
    // No mail so far carries unreleased wording (publication notices name the released text).
    let mail: Vec<String> = sqlx::query_scalar("select subject || body_text from outbox")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    for m in &mail {
        for s in &secrets {
            assert!(!m.contains(s), "mail shows {s}: {m}");
        }
    }
    publish_chapter(&app, 2, -60_000).await;
    let page = app.get(&format!("/drafts/{SLUG}"), None).await;
    assert!(
        page.body.contains("己秘密") && page.body.contains("公开乙文字"),
        "version 2's released chapter and its unchanged article are read"
    );
    for (who, cookie) in viewers {
        let found = leaks(&app, &reads, cookie, &["戊秘密"]).await;
        assert!(found.is_empty(), "{who}, v2 chapter 2 open: {found:#?}");
    }
    let target = app
        .post_form(
            "/api/comments/target",
            &[("slug", SLUG), ("uid", "art-1")],
            None,
        )
        .await;
    assert!(
        target.body.contains("公开甲文字") && !target.body.contains("戊秘密"),
        "第一条 is commented on in the version that releases it: {}",
        target.body
    );

    reads.extend(stations);
    let tried: BTreeSet<String> = reads.iter().map(Read::key).collect();
    eprintln!(
        "publication gate: {} reads over {} distinct paths, as 3 kinds of viewer",
        reads.len(),
        tried.len()
    );
}

/// Every page and every server function the public may call is either read above or exempt.
#[tokio::test]
async fn every_public_read_path_is_under_the_gate() {
    let mut reads = public_reads(&["art-1"]);
    reads.extend(station_reads());
    let covered: BTreeSet<String> = reads
        .iter()
        .map(|r| {
            let k = r.key();
            let k = k.split('?').next().unwrap_or_default().to_string();
            // Concrete paths stand for their route patterns.
            k.replace(&format!("/drafts/{SLUG}"), "/drafts/{slug}")
                .replace("/v/1", "/v/{n}")
                .replace("/v/2", "/v/{n}")
                .replace("/comment/art-1", "/comment/{uid}")
        })
        .chain(EXEMPT.iter().map(|(p, _)| p.to_string()))
        .collect();
    let mut missing = Vec::new();
    for page in server::page_paths() {
        let staff_only = ["/committee", "/admin"].iter().any(|p| page.starts_with(p));
        if !staff_only && !covered.contains(&page) {
            missing.push(page);
        }
    }
    for path in crate::matrix::public_server_fns() {
        if !covered.contains(&path) {
            missing.push(path);
        }
    }
    for route in ["/drafts/{slug}/handout.pdf"] {
        if !covered.contains(route) {
            missing.push(route.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "public read paths not tried against the publication gate: {missing:?}"
    );
}
