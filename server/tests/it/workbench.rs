//! The committee's workbench: clusters and campaigns per article, edits that survive
//! re-clustering (and a re-clustering racing an edit), dispositions with an audit trail, and the
//! public feedback report with its notifications.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;
use serde_json::Value;

const SLUG: &str = "changji-urban-heating";
const ARTICLE: &str = "art-4";

const HEAT: &[&str] = &[
    "供热温度太低，家里只有十六度，要求提高供热温度标准。",
    "室内供热温度达不到十八度，希望提高供热温度。",
    "冬季供热温度不达标，老人冻得不行，供热温度应当提高。",
];
const FEES: &[&str] = &[
    "热费收费标准太高，建议降低热费价格。",
    "热费价格上涨太快，收费标准不合理，应当降低热费。",
    "建议按照实际用热量计量收取热费，降低热费负担。",
];
const CAMPAIGN: &str =
    "坚决反对提高热费，热费已经很高了，普通家庭负担不起，请委员会慎重考虑群众的承受能力。";

/// Inserts a published online comment on the article; returns its id.
async fn comment(app: &TestApp, text: &str, contact: &str) -> i64 {
    let n: u64 = rand::random::<u64>() & ((1 << 35) - 1);
    sqlx::query_scalar(
        "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, contact, \
         tracking, status, created_at) values ((select id from draft where slug = $1), 2, $2, '第四条', \
         'amend', $3, $4, $5, 'published', $6) returning id",
    )
    .bind(SLUG)
    .bind(ARTICLE)
    .bind(text)
    .bind(contact)
    .bind(app::comment::tracking::make(n))
    .bind(app::ssr::now_ms())
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

async fn view(app: &TestApp, who: &str) -> Value {
    let res = app
        .post_form(
            "/api/workbench/article",
            &[("slug", SLUG), ("article", ARTICLE)],
            Some(who),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

/// The cluster holding the comment.
fn cluster_of(v: &Value, id: i64) -> Value {
    v["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == id)
        })
        .unwrap_or_else(|| panic!("comment {id} in no cluster: {v}"))
        .clone()
}

#[tokio::test]
async fn clusters_campaigns_edits_and_dispositions_on_one_article() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let before = view(&app, &committee).await;
    let mut heat = Vec::new();
    for t in HEAT {
        heat.push(comment(&app, t, "").await);
    }
    let mut fees = Vec::new();
    for t in FEES {
        fees.push(comment(&app, t, "").await);
    }
    let mut copies = Vec::new();
    for i in 0..5 {
        copies.push(comment(&app, &format!("{CAMPAIGN}{}", "！".repeat(i)), "").await);
    }
    let mailer = comment(&app, "供热温度应当提高到二十度。", "someone@example.cn").await;

    // Opening the article clusters the new opinions: received / unique / campaigns apart.
    let v = view(&app, &committee).await;
    let grew = |k: &str| v[k].as_i64().unwrap() - before[k].as_i64().unwrap();
    assert_eq!(grew("received"), 12);
    assert_eq!(grew("unique"), 8, "the campaign's five copies count once");
    assert_eq!(grew("campaigns"), 1);
    assert_eq!(v["unclustered"], 0);
    let campaign = v["campaign_list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"].as_str().unwrap().starts_with(CAMPAIGN))
        .unwrap()
        .clone();
    assert_eq!(campaign["copies"], 5);
    // The draft's list of articles counts the same way.
    let list = app
        .post_form(
            "/api/workbench/articles",
            &[("slug", SLUG)],
            Some(&committee),
        )
        .await;
    let list: Value = serde_json::from_str(&list.body).unwrap();
    let row = list["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["uid"] == ARTICLE)
        .unwrap()
        .clone();
    for k in ["received", "unique", "campaigns"] {
        assert_eq!(row[k], v[k], "{k}: {row}");
    }
    let h = cluster_of(&v, heat[0]);
    assert_eq!(cluster_of(&v, heat[1])["id"], h["id"]);
    assert_eq!(cluster_of(&v, heat[2])["id"], h["id"]);
    let f = cluster_of(&v, fees[0]);
    assert_ne!(h["id"], f["id"]);
    // The campaign is listed once in its cluster, with its copies.
    let camp_cluster = cluster_of(&v, copies[0]);
    let shown: Vec<&Value> = camp_cluster["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["text"].as_str().unwrap().starts_with(CAMPAIGN))
        .collect();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["copies"], 4);

    // Edits: rename the heating cluster; split one fee opinion off into its own cluster.
    let hid = h["id"].as_i64().unwrap();
    let res = app
        .post_form(
            "/api/workbench/rename",
            &[("cluster", &hid.to_string()), ("label", "提高室温标准")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post_form(
            "/api/workbench/move",
            &[("ids[]", &fees[2].to_string()), ("to", "0")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let split: i64 = res.body.trim().parse().unwrap();

    // New opinions arrive and the article is clustered again: the edits stay.
    let late = comment(&app, "供热温度标准太低，应提高供热温度。", "").await;
    let v = view(&app, &committee).await;
    let h2 = cluster_of(&v, heat[0]);
    assert_eq!(h2["id"].as_i64(), Some(hid));
    assert_eq!(h2["label"], "提高室温标准");
    assert_eq!(cluster_of(&v, fees[2])["id"].as_i64(), Some(split));
    assert!(cluster_of(&v, late)["id"].is_i64());

    // A re-clustering computed before an edit is refused instead of undoing the edit.
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(SLUG)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let plan = app::workbench::ssr::plan(&app.db, draft_id, ARTICLE)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/api/workbench/move",
            &[("ids[]", &fees[1].to_string()), ("to", &split.to_string())],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let e = app::workbench::ssr::apply(&app.db, plan).await.unwrap_err();
    assert!(matches!(e, app::error::AppError::Conflict(_)), "{e:?}");
    let res = app
        .post_form(
            "/api/workbench/recluster",
            &[("slug", SLUG), ("article", ARTICLE)],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v = view(&app, &committee).await;
    assert_eq!(cluster_of(&v, fees[1])["id"].as_i64(), Some(split));

    // Merging clusters of two articles is refused; nothing changes.
    let other: i64 = sqlx::query_scalar(
        "insert into opinion_cluster (draft_id, article_uid, created_at, updated_at) values ($1, 'art-5', 0, 0) returning id",
    )
    .bind(draft_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let res = app
        .post_form(
            "/api/workbench/merge",
            &[
                ("clusters[]", &hid.to_string()),
                ("clusters[]", &other.to_string()),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("不同条文"), "{}", res.body);
    assert_eq!(
        cluster_of(&view(&app, &committee).await, heat[0])["id"].as_i64(),
        Some(hid)
    );

    // Dispositions: a reason is required; a cluster's applies to all its members, audited.
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("cluster", &hid.to_string()),
                ("disposition", "adopted"),
                ("reason", "  "),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("理由"));
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("cluster", &hid.to_string()),
                ("disposition", "maybe"),
                ("reason", "x"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("cluster", &hid.to_string()),
                ("disposition", "partly"),
                ("reason", "室温标准提高到十八摄氏度"),
                ("units[]", ARTICLE),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let members = app
        .count(&format!(
            "select count(*) from cluster_member where cluster_id = {hid}"
        ))
        .await;
    assert_eq!(res.body.trim().parse::<i64>().unwrap(), members);
    let (d, r, u): (String, String, String) = sqlx::query_as(
        "select disposition, disposition_reason, disposition_units from comment where id = $1",
    )
    .bind(heat[0])
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (d.as_str(), r.as_str()),
        ("partly", "室温标准提高到十八摄氏度")
    );
    assert_eq!(u, format!("[\"{ARTICLE}\"]"));
    assert!(
        app.count(&format!("select count(*) from audit_event where action = 'dispose' and entity = 'comment' and entity_id = '{}'", heat[0])).await == 1
    );
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("ids[]", &mailer.to_string()),
                ("disposition", "adopted"),
                ("reason", "已采纳"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Hand-picked opinions at once, as the move form sends them (its `to` comes along).
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("ids[]", &fees[0].to_string()),
                ("ids[]", &fees[1].to_string()),
                ("to", "0"),
                ("disposition", "existing"),
                ("reason", "现行条例已有规定"),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body.trim(), "2");

    // Without JavaScript the page returns to the group edited, which says 已保存 there.
    let res = app
        .post_plain_form(
            "/api/workbench/dispose",
            &[
                ("ids[]", &fees[0].to_string()),
                ("ids[]", &fees[1].to_string()),
                ("at", &format!("cluster-{hid}")),
                ("disposition", "existing"),
                ("reason", "现行条例已有规定"),
            ],
            Some(&committee),
            &format!("/committee/drafts/{SLUG}/articles/{ARTICLE}"),
        )
        .await;
    let to = res.header("location").unwrap_or_default().to_string();
    assert!(
        to.ends_with(&format!("?saved=cluster-{hid}#cluster-{hid}")),
        "{to}"
    );
    let page = app
        .get(to.split('#').next().unwrap(), Some(&committee))
        .await;
    let at = page
        .body
        .find(&format!("id=\"cluster-{hid}\""))
        .expect("the group");
    let note = page.body.find("已保存").expect("the notice");
    assert!(note > at, "the notice sits in the group edited");
    // A slip is taken back: 未处理 again, reason and units cleared, the trail kept.
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("ids[]", &fees[0].to_string()),
                ("disposition", "none"),
                ("reason", ""),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (d, r, u): (String, String, String) = sqlx::query_as(
        "select disposition, disposition_reason, disposition_units from comment where id = $1",
    )
    .bind(fees[0])
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((d.as_str(), r.as_str(), u.as_str()), ("", "", ""));
    assert_eq!(
        app.count(&format!("select count(*) from audit_event where action = 'dispose' and entity = 'comment' and entity_id = '{}'", fees[0])).await,
        3
    );

    // The tracking page says how it was handled only once the report is published; publishing
    // notifies the submitter with an address and the stations that forwarded batches.
    let tracking: String = sqlx::query_scalar("select tracking from comment where id = $1")
        .bind(mailer)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let receipt = app
        .post_form("/api/comments/receipt", &[("tracking", &tracking)], None)
        .await;
    assert!(!receipt.body.contains("采纳"), "{}", receipt.body);
    let public = app.get(&format!("/drafts/{SLUG}/feedback"), None).await;
    assert!(public.body.contains("尚未发布"), "{}", public.body);
    let res = app
        .post_form(
            "/api/feedback/publish",
            &[("slug", SLUG), ("confirmed", "1")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let queued: i64 = res.body.trim().parse().unwrap();
    let station_mails = app.count("select count(distinct s.email) from station_batch b join station s on s.id = b.station_id where s.email <> ''").await;
    assert!(station_mails > 0);
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'feedback_citizen' and recipient = 'someone@example.cn'").await,
        1
    );
    assert_eq!(queued, 1 + station_mails);
    let body: String =
        sqlx::query_scalar("select body_text from outbox where kind = 'feedback_citizen'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(
        body.contains(&tracking) && body.contains("采纳。理由：已采纳"),
        "{body}"
    );
    // Publishing again does not notify again.
    let res = app
        .post_form(
            "/api/feedback/publish",
            &[("slug", SLUG), ("confirmed", "1")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.body.trim(), "0");
    let receipt = app
        .post_form("/api/comments/receipt", &[("tracking", &tracking)], None)
        .await;
    assert!(receipt.body.contains("采纳"), "{}", receipt.body);
    let public = app.get(&format!("/drafts/{SLUG}/feedback"), None).await;
    assert!(
        public.body.contains("提高室温标准") && public.body.contains("部分采纳"),
        "{}",
        public.body
    );
    assert!(!public.body.contains("someone@example.cn"));

    // The 对照表 of the readings names the opinions an amended article was changed for.
    let cmp = app
        .post_form("/api/drafts/compare", &[("slug", SLUG)], None)
        .await;
    assert_eq!(cmp.status, StatusCode::OK, "{}", cmp.body);
    let cmp: Value = serde_json::from_str(&cmp.body).unwrap();
    let amended = cmp["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["change"] == "amended")
        .expect("the demo's second reading amends an article")["uid"]
        .as_str()
        .unwrap()
        .to_string();
    let n: u64 = rand::random::<u64>() & ((1 << 35) - 1);
    let changed_for: (i64, String) = sqlx::query_as(
        "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, tracking, \
         status, created_at) values ($1, 1, $2, '', 'amend', '建议修改本条。', $3, 'published', 0) \
         returning id, tracking",
    )
    .bind(draft_id)
    .bind(&amended)
    .bind(app::comment::tracking::make(n))
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("ids[]", &changed_for.0.to_string()),
                ("disposition", "adopted"),
                ("reason", "已按意见修改"),
                ("units[]", &amended),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let cmp = app
        .post_form("/api/drafts/compare", &[("slug", SLUG)], None)
        .await;
    let cmp: Value = serde_json::from_str(&cmp.body).unwrap();
    let row = cmp["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uid"] == amended.as_str())
        .unwrap()
        .clone();
    let because = row["because"].as_array().unwrap();
    assert!(
        because.contains(&serde_json::json!(format!("{}（采纳）", changed_for.1))),
        "{row}"
    );
    assert!(
        !cmp.to_string().contains(&tracking),
        "an opinion without changed units is not listed"
    );
    // The pages render for the committee.
    let page = app
        .get(
            &format!("/committee/drafts/{SLUG}/articles/{ARTICLE}"),
            Some(&committee),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("提高室温标准") && page.body.contains("集中意见"),
        "{}",
        page.body
    );
    let page = app
        .get(
            &format!("/committee/drafts/{SLUG}/articles"),
            Some(&committee),
        )
        .await;
    assert!(page.body.contains("第四条"), "{}", page.body);
    // The printable compilation: the group, its sources and disposition, and the 对照表.
    let page = app
        .get(
            &format!("/committee/drafts/{SLUG}/compilation"),
            Some(&committee),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in [
        "公开征求意见汇编",
        "对照表",
        "提高室温标准",
        "网上",
        "部分采纳",
        "室温标准提高到十八摄氏度",
    ] {
        assert!(page.body.contains(needle), "{needle}: {}", page.body);
    }
    let res = app
        .post_form("/api/feedback/compilation", &[("slug", SLUG)], None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    // The same compilation as a PDF, with its Chinese text as text and a CJK font embedded.
    let pdf = app
        .get(
            &format!("/committee/drafts/{SLUG}/compilation.pdf"),
            Some(&committee),
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let (text, fonts) = pdf_text_and_fonts(&pdf.bytes);
    // Where pdftotext puts spaces depends on the layout: compare without them.
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        "公开征求意见汇编",
        "对照表",
        "提高室温标准",
        "室温标准提高到十八摄氏度",
        "第1页/共",
    ] {
        assert!(
            text.contains(needle),
            "{needle} not in the PDF's text: {text}"
        );
    }
    // The same as Word files for the committee to edit: they open (read back with the Word
    // import) and hold the compilation's text and the 对照表's rows, one per group.
    let report = app
        .post_form(
            "/api/feedback/compilation",
            &[("slug", SLUG)],
            Some(&committee),
        )
        .await;
    let report: Value = serde_json::from_str(&report.body).unwrap();
    let groups: usize = report["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["groups"].as_array().unwrap().len())
        .sum();
    assert!(groups > 0);
    for (file, needles) in [
        (
            "compilation.docx",
            &[
                "公开征求意见汇编",
                "一、逐条意见",
                "提高室温标准",
                "部分采纳",
                "二、对照表",
            ][..],
        ),
        (
            "comparison.docx",
            &[
                "修改对照表",
                "意见摘要　来源　处理意见　理由",
                "提高室温标准",
                "部分采纳",
            ][..],
        ),
    ] {
        let res = app
            .get(
                &format!("/committee/drafts/{SLUG}/{file}"),
                Some(&committee),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{file}: {}", res.body);
        assert_eq!(
            res.header("content-type"),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        assert!(res
            .header("content-disposition")
            .is_some_and(|d| d.contains(file) && d.contains("filename*=UTF-8''")));
        let text = app::draft::parse::docx::to_text(&res.bytes)
            .expect("the Word file opens")
            .text;
        for needle in needles {
            assert!(text.contains(needle), "{file}: {needle} not in {text}");
        }
        // Each handled group of opinions is one row of the 对照表.
        let rows = text
            .lines()
            .skip_while(|l| !l.starts_with("原条文（"))
            .skip(1)
            .filter(|l| l.contains("条）　"))
            .count();
        assert_eq!(rows, groups, "{file}: {text}");
        let anonymous = app
            .get(&format!("/committee/drafts/{SLUG}/{file}"), None)
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    }
    assert!(page.body.contains("compilation.docx") && page.body.contains("comparison.docx"));

    // Every font is embedded (Chromium embeds the CJK OpenType fonts as Type 3 glyphs, with a
    // Unicode map: the text above came out of it).
    let fonts: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!fonts.is_empty());
    for f in &fonts {
        let cols: Vec<&str> = f.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "a font is not embedded: {f}");
        assert_eq!(
            cols[cols.len() - 3],
            "yes",
            "a font has no Unicode map: {f}"
        );
    }
}

#[tokio::test]
async fn a_pdf_without_a_browser_says_what_is_missing() {
    let app = TestApp::with_settings(app::ssr::Settings {
        pdf_browser: Some("/nonexistent/chromium".into()),
        ..Default::default()
    })
    .await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let res = app
        .get(
            &format!("/committee/drafts/{SLUG}/compilation.pdf"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert!(res.body.contains("--pdf-browser"), "{}", res.body);
    let res = app
        .get(
            "/committee/drafts/no-such-draft/compilation.pdf",
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
}

/// A committee member with a distinct display name (messages name the assignee): the session
/// cookie and the account id.
async fn member(app: &TestApp, display: &str) -> (String, i64) {
    let (name, password) = app.account(Role::Committee).await;
    let id: i64 =
        sqlx::query_scalar("update account set display_name = $1 where name = $2 returning id")
            .bind(display)
            .bind(&name)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    (app.login_as(&name, &password).await, id)
}

#[tokio::test]
async fn assigned_work_is_only_for_its_assignees_and_administrators() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (zhang, zhang_id) = member(&app, "张委员").await;
    let (li, li_id) = member(&app, "李委员").await;
    let admin = app.login(Role::Admin).await;
    let mut heat = Vec::new();
    for t in HEAT {
        heat.push(comment(&app, t, "").await);
    }
    for t in FEES {
        comment(&app, t, "").await;
    }
    let v = view(&app, &zhang).await;
    let h = cluster_of(&v, heat[0])["id"].as_i64().unwrap();
    let other = v["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .find(|&k| k != h)
        .expect("two clusters");

    // Zhang takes the article: Li may look, but not handle, edit or take it.
    let assign = |who: &str, account: i64| {
        let who = who.to_string();
        let app = &app;
        async move {
            app.post_form(
                "/api/workbench/assign",
                &[
                    ("slug", SLUG),
                    ("article", ARTICLE),
                    ("account", &account.to_string()),
                ],
                Some(&who),
            )
            .await
        }
    };
    let res = assign(&zhang, zhang_id).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let seen = view(&app, &li).await;
    assert_eq!(seen["locked"], true);
    assert_eq!(seen["assigned_to"], "张委员");
    assert_eq!(view(&app, &zhang).await["locked"], false);
    let dispose = |who: &str, cluster: i64| {
        let who = who.to_string();
        let app = &app;
        async move {
            app.post_form(
                "/api/workbench/dispose",
                &[
                    ("cluster", &cluster.to_string()),
                    ("disposition", "rejected"),
                    ("reason", "与上位法不符"),
                ],
                Some(&who),
            )
            .await
        }
    };
    let res = dispose(&li, h).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("本条已分配给张委员"), "{}", res.body);
    let res = app
        .post_form(
            "/api/workbench/dispose",
            &[
                ("ids[]", &heat[1].to_string()),
                ("disposition", "rejected"),
                ("reason", "x"),
            ],
            Some(&li),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    for (path, form) in [
        (
            "/api/workbench/rename",
            vec![
                ("cluster", h.to_string()),
                ("label", "李的名字".to_string()),
            ],
        ),
        (
            "/api/workbench/merge",
            vec![
                ("clusters[]", h.to_string()),
                ("clusters[]", other.to_string()),
            ],
        ),
        (
            "/api/workbench/move",
            vec![("ids[]", heat[0].to_string()), ("to", "0".to_string())],
        ),
        (
            "/api/workbench/assign-cluster",
            vec![("cluster", h.to_string()), ("account", li_id.to_string())],
        ),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app.post_form(path, &form, Some(&li)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
    }
    let res = assign(&li, li_id).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    // Nothing Li tried happened.
    assert_eq!(
        app.count(&format!(
            "select count(*) from comment where id in ({}, {}) and disposition <> ''",
            heat[0], heat[1]
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_event where account_id = {li_id}"
        ))
        .await,
        0
    );
    assert_eq!(
        cluster_of(&view(&app, &zhang).await, heat[0])["id"].as_i64(),
        Some(h)
    );

    // Zhang hands one cluster to Li: Li handles that one (Zhang still may), not the others.
    let res = app
        .post_form(
            "/api/workbench/assign-cluster",
            &[("cluster", &h.to_string()), ("account", &li_id.to_string())],
            Some(&zhang),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let seen = view(&app, &li).await;
    let mine = cluster_of(&seen, heat[0]);
    assert_eq!(
        (mine["assigned_to"].as_str(), mine["locked"].as_bool()),
        (Some("李委员"), Some(false))
    );
    let res = dispose(&li, h).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = dispose(&li, other).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = dispose(&zhang, h).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // An administrator may act on anything, and reassign.
    let res = dispose(&admin, other).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = assign(&admin, 0).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Only committee members can be given work; the trail records each assignment.
    let (station, _) = app.account(Role::Station).await;
    let station_id: i64 = sqlx::query_scalar("select id from account where name = $1")
        .bind(&station)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = assign(&zhang, station_id).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // Unknown work: an article the draft does not have, a cluster that does not exist.
    let res = app
        .post_form(
            "/api/workbench/assign",
            &[
                ("slug", SLUG),
                ("article", "art-999"),
                ("account", &zhang_id.to_string()),
            ],
            Some(&zhang),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = app
        .post_form(
            "/api/workbench/assign-cluster",
            &[("cluster", "999999"), ("account", &zhang_id.to_string())],
            Some(&zhang),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(
        app.count("select count(*) from audit_event where action = 'assign'")
            .await,
        3
    );
    // The article's page lists its trail: who did what, newest first.
    let v = view(&app, &zhang).await;
    let history: Vec<(String, String)> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[1].as_str().unwrap().to_string(),
                e[2].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |who: &str, what: &str| history.iter().any(|(w, t)| w == who && t.contains(what));
    assert!(has("张委员", "本条负责人：未分配 → 张委员"), "{history:?}");
    assert!(has("张委员", "负责人：未分配 → 李委员"), "{history:?}");
    assert!(has("李委员", "整组处理为：未采纳"), "{history:?}");
    assert!(
        history[0].1.contains("本条负责人：张委员 → 未分配"),
        "newest first: {history:?}"
    );
}

#[tokio::test]
async fn reclustering_an_assigned_article_is_for_its_assignee_too() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (zhang, zhang_id) = member(&app, "张委员").await;
    let (li, _) = member(&app, "李委员").await;
    let admin = app.login(Role::Admin).await;
    for t in HEAT.iter().chain(FEES) {
        comment(&app, t, "").await;
    }
    view(&app, &zhang).await;
    let res = app
        .post_form(
            "/api/workbench/assign",
            &[
                ("slug", SLUG),
                ("article", ARTICLE),
                ("account", &zhang_id.to_string()),
            ],
            Some(&zhang),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let version = || async {
        app.count(&format!(
            "select version from article_state where article_uid = '{ARTICLE}' \
             and draft_id = (select id from draft where slug = '{SLUG}')"
        ))
        .await
    };
    let before = version().await;
    let recluster = |who: &str| {
        let who = who.to_string();
        let app = &app;
        async move {
            app.post_form(
                "/api/workbench/recluster",
                &[("slug", SLUG), ("article", ARTICLE)],
                Some(&who),
            )
            .await
        }
    };
    // Li may look at Zhang's article but not regroup it, like every other edit.
    let res = recluster(&li).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("本条已分配给张委员"), "{}", res.body);
    assert_eq!(version().await, before, "nothing was re-clustered");
    // The assignee and an administrator may.
    for who in [&zhang, &admin] {
        let res = recluster(who).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    assert_eq!(version().await, before + 2);
}

/// Inserts a published online comment on the article with a stance; returns its id.
async fn comment_with(app: &TestApp, text: &str, stance: &str) -> i64 {
    let id = comment(app, text, "").await;
    sqlx::query("update comment set stance = $1 where id = $2")
        .bind(stance)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn groups_are_named_by_their_point_sides_kept_apart_and_the_rest_listed_together() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let committee = app.login(Role::Committee).await;
    let mut heat = Vec::new();
    for t in HEAT {
        heat.push(comment(&app, t, "").await);
    }
    let keep = [
        comment_with(
            &app,
            "第四条规定每年公开供热成本，这条很好，应当保留。",
            "support",
        )
        .await,
        comment_with(&app, "每年公开供热成本的规定很好，应当保留。", "support").await,
    ];
    let drop = [
        comment_with(
            &app,
            "每年公开供热成本没有必要，这条规定应当删除。",
            "oppose",
        )
        .await,
        comment_with(&app, "第四条每年公开供热成本的规定应当删除。", "oppose").await,
    ];
    let lone = comment(&app, "地热井回灌率太低，建议写明回灌率不低于九成。", "").await;
    let v = view(&app, &committee).await;

    // A group is named by a clause of its opinions, at most 24 characters; keywords stay.
    let h = cluster_of(&v, heat[0]);
    assert_eq!(cluster_of(&v, heat[1])["id"], h["id"]);
    let summary = h["summary"].as_str().unwrap();
    assert!(
        summary.contains("供热温度") && summary.chars().count() <= 24,
        "{summary}"
    );
    assert!(HEAT.iter().any(|t| t.contains(summary)), "{summary}");
    assert!(!h["keywords"].as_array().unwrap().is_empty());
    // Support and opposition are never one group, however alike their words.
    for k in keep {
        for d in drop {
            assert_ne!(cluster_of(&v, k)["id"], cluster_of(&v, d)["id"]);
        }
    }
    // The opinion like no other is with the others, marked 独特意见; the others are last.
    let o = cluster_of(&v, lone);
    assert_eq!(o["other"], true);
    assert_eq!(o["summary"], "其他意见");
    let member = o["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == lone)
        .unwrap();
    assert_eq!(member["unique"], true);
    assert_eq!(
        v["clusters"].as_array().unwrap().last().unwrap()["id"],
        o["id"]
    );
    assert_eq!(
        v["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["other"] == true)
            .count(),
        1
    );
    // 其他意见 is not a point: it is not renamed or merged; its opinions can be moved out.
    let oid = o["id"].as_i64().unwrap().to_string();
    let res = app
        .post_form(
            "/api/workbench/rename",
            &[("cluster", &oid), ("label", "杂项")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let hid = h["id"].as_i64().unwrap().to_string();
    let res = app
        .post_form(
            "/api/workbench/merge",
            &[("clusters[]", &hid), ("clusters[]", &oid)],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .post_form(
            "/api/workbench/move",
            &[("ids[]", &lone.to_string()), ("to", "0")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // The committee's name stays through re-clustering; the summary is kept beside it.
    let res = app
        .post_form(
            "/api/workbench/rename",
            &[("cluster", &hid), ("label", "提高室温标准")],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    comment(&app, "供热温度标准太低，应提高供热温度。", "").await;
    let v = view(&app, &committee).await;
    let h = cluster_of(&v, heat[0]);
    assert_eq!(h["label"], "提高室温标准");
    assert!(!h["summary"].as_str().unwrap().is_empty());
    assert_eq!(cluster_of(&v, lone)["other"], false);

    // The compilation and the exports use the names, not keyword lists.
    let res = app
        .post_form(
            "/api/feedback/compilation",
            &[("slug", SLUG)],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report: Value = serde_json::from_str(&res.body).unwrap();
    let art = report["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["uid"] == ARTICLE)
        .unwrap();
    let names: Vec<&str> = art["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["summary"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"提高室温标准"), "{names:?}");
    assert!(names.iter().all(|n| !n.contains('、')), "{names:?}");
    let res = app
        .get(
            &format!("/committee/export.csv?draft={SLUG}&article={ARTICLE}"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let records = app::sheet::read_table(
        res.bytes.as_slice(),
        "",
        app::sheet::Limits::rows(2_000_000),
        |_| true,
    )
    .unwrap();
    assert_eq!(records[0].1.last().map(String::as_str), Some("分组"));
    let tracking: String = sqlx::query_scalar("select tracking from comment where id = $1")
        .bind(heat[0])
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let row = records.iter().find(|r| r.1[0] == tracking).unwrap();
    assert_eq!(row.1.last().map(String::as_str), Some("提高室温标准"));
}
