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
        .post_form("/api/feedback/publish", &[("slug", SLUG)], Some(&committee))
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
        .post_form("/api/feedback/publish", &[("slug", SLUG)], Some(&committee))
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
    assert_eq!(
        row["because"],
        serde_json::json!([format!("{}（采纳）", changed_for.1)])
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
}
