//! Themes with a simulated committee on the real messages of `../shared/corpus/comments/`: the
//! committee's themes are the taxonomy's first-level classes whose terms occur in a message; the
//! model learns from the opinions the committee reviewed and the quality meter compares it with
//! the committee on others. The corpus does not ship with the repository: the test skips, saying
//! so, when it is absent.
//!
//! Then the themes as the committee uses them, on both backends: a simulated committee reviewing
//! labelled opinions through the server functions, the machine trained on its reviews, the
//! quality meter and its warning, merging, provenance, the pages and exports, and refusal for
//! everyone but the committee.

use crate::support::*;
use app::auth::Role;
use http::StatusCode;
use serde_json::Value;

fn shared(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/comments")
        .join(path)
}

/// (texts, the committee's themes of each, number of themes).
fn committee() -> Option<(Vec<String>, Vec<Vec<usize>>, usize)> {
    use std::io::BufRead;
    let tsv =
        std::fs::read_to_string(shared("tipdm2020-c-category-taxonomy-attachment1.tsv")).ok()?;
    let file =
        std::fs::File::open(shared("tipdm2020-c-citizen-messages-attachment3.jsonl.gz")).ok()?;
    let mut classes: Vec<String> = Vec::new();
    let mut terms: Vec<(String, usize)> = Vec::new();
    for line in tsv.lines().skip(1) {
        let parts: Vec<&str> = line.split('\t').collect();
        if parts.len() < 3 {
            continue;
        }
        let c = classes
            .iter()
            .position(|x| x == parts[0])
            .unwrap_or_else(|| {
                classes.push(parts[0].to_string());
                classes.len() - 1
            });
        for w in parts[2].split(|ch: char| "、，,（）()和与及/".contains(ch)) {
            if w.chars().count() >= 2 {
                terms.push((w.to_string(), c));
            }
        }
    }
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for line in std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines() {
        let m: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let text = format!(
            "{}。{}",
            m["subject"].as_str().unwrap(),
            m["detail"].as_str().unwrap().trim()
        );
        let mut votes = vec![0usize; classes.len()];
        for (w, c) in &terms {
            votes[*c] += text.matches(w.as_str()).count();
        }
        let top = votes.iter().copied().max().unwrap();
        if top > 0 {
            labels.push(
                (0..classes.len())
                    .filter(|&c| votes[c] * 2 >= top && votes[c] >= top.min(2))
                    .collect(),
            );
            texts.push(text);
        }
    }
    Some((texts, labels, classes.len()))
}

#[test]
fn the_meter_warns_until_the_machine_has_learnt_from_enough_reviews() {
    use app::theme::model::{features_of, quality, Model, WARN_F1};
    if crate::support::wants_postgres() {
        // No database involved: measured once, in the SQLite run.
        return;
    }
    let Some((texts, labels, themes)) = committee() else {
        eprintln!(
            "SKIPPED: the comment corpus ../shared/corpus/comments/ is not here (it is not \
             shipped with the repository)"
        );
        return;
    };
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let x = features_of(&refs);
    // Every seventh message is checked; the committee reviewed the first of the others.
    let check: Vec<usize> = (0..texts.len()).step_by(7).take(100).collect();
    let pool: Vec<usize> = (0..texts.len()).filter(|i| i % 7 != 0).collect();
    let meter = |reviewed: usize| {
        let train = &pool[..reviewed];
        let model = Model::train(
            &train.iter().map(|&i| x[i].clone()).collect::<Vec<_>>(),
            &train.iter().map(|&i| labels[i].clone()).collect::<Vec<_>>(),
            themes,
        );
        quality(
            &check
                .iter()
                .map(|&i| (model.assign(&x[i]), labels[i].clone()))
                .collect::<Vec<_>>(),
        )
    };
    let few = meter(30);
    assert_eq!(few.reviewed, 100);
    assert!(few.f1 < WARN_F1 && few.warning, "{few:?}");
    let more = meter(300);
    assert!(more.f1 > few.f1 + 0.15, "{few:?} {more:?}");
    assert!(
        more.f1_low <= more.f1 && more.f1 <= more.f1_high,
        "{more:?}"
    );
    assert_eq!(more.warning, more.f1 < WARN_F1);
}

const SLUG: &str = "changji-urban-heating";

/// Ways of making each of four points, several per theme so that the machine must generalise.
const PHRASES: [&[&str]; 4] = [
    &[
        "室内温度太低，家里只有十五度",
        "暖气一点都不热，晚上冷得睡不着",
        "供热温度达不到十八度的标准",
        "老人孩子在家冻得穿棉袄",
        "供暖温度不达标，屋里冰凉",
        "暖气片是凉的，室温上不去",
    ],
    &[
        "热费太贵了，普通家庭负担不起",
        "供热收费标准太高，应当降低",
        "热费价格每年上涨，很不合理",
        "按面积收取热费不公平，应按用量计费",
        "取暖费涨价前应当举行听证",
        "低保家庭的取暖费应当减免",
    ],
    &[
        "管道漏水报修好几天没人来",
        "维修人员上门不及时，服务态度差",
        "客服电话总是打不通，投诉无门",
        "阀门坏了物业和热力公司互相推诿",
        "报修以后一个星期才来维修",
        "维修收费不透明，乱收上门费",
    ],
    &[
        "锅炉房冒黑烟，污染周边空气",
        "燃煤锅炉排放超标，应当改用清洁能源",
        "供热企业应当推进煤改气，减少污染",
        "锅炉烟尘落在小区里，影响居民健康",
        "热电厂的排放应当公开监测数据",
        "鼓励使用地热和太阳能等清洁能源供暖",
    ],
];
const CLOSINGS: &[&str] = &["", "建议条例写明。", "希望委员会重视。", "请认真研究。"];

/// A small deterministic generator (the tests must not depend on luck).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// `n` opinions with the themes (indices into [`PHRASES`]) each really raises: one or two.
fn labelled(n: usize, seed: u64) -> Vec<(String, Vec<usize>)> {
    let mut r = Lcg(seed);
    (0..n)
        .map(|_| {
            let first = r.next(4);
            let mut themes = vec![first];
            if r.next(3) == 0 {
                let second = (first + 1 + r.next(3)) % 4;
                themes.push(second);
            }
            let mut text = String::new();
            for t in &themes {
                text.push_str(PHRASES[*t][r.next(PHRASES[*t].len())]);
                text.push('。');
            }
            text.push_str(CLOSINGS[r.next(CLOSINGS.len())]);
            themes.sort_unstable();
            (text, themes)
        })
        .collect()
}

/// Inserts a published online opinion on an article of the demo draft; returns its id.
async fn opinion(app: &TestApp, article: usize, text: &str) -> i64 {
    let n: u64 = rand::random::<u64>() & ((1 << 35) - 1);
    sqlx::query_scalar(
        "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, \
         contact, tracking, status, created_at) values ((select id from draft where slug = $1), \
         2, $2, $3, 'amend', $4, '', $5, 'published', $6) returning id",
    )
    .bind(SLUG)
    .bind(format!("art-{article}"))
    .bind(format!("第{article}条"))
    .bind(text)
    .bind(app::comment::tracking::make(n))
    .bind(app::ssr::now_ms())
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// A committee member's session and account id.
async fn member(app: &TestApp) -> (String, i64) {
    let (name, password) = app.account(Role::Committee).await;
    let id: i64 = sqlx::query_scalar("select id from account where name = $1")
        .bind(&name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (app.login_as(&name, &password).await, id)
}

async fn call(app: &TestApp, path: &str, form: &[(&str, &str)], who: &str) -> Value {
    let res = app.post_form(path, form, Some(who)).await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    serde_json::from_str(&res.body).unwrap_or(Value::Null)
}

async fn themes_view(app: &TestApp, who: &str) -> Value {
    call(app, "/api/themes/view", &[("slug", SLUG)], who).await
}

/// Adds the four themes; returns their ids in [`PHRASES`]' order.
async fn four_themes(app: &TestApp, who: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for name in ["供热温度", "热费价格", "维修服务", "环保排放"] {
        let id = call(
            app,
            "/api/themes/add",
            &[("slug", SLUG), ("name", name)],
            who,
        )
        .await;
        ids.push(id.as_i64().unwrap());
    }
    ids
}

async fn review(app: &TestApp, who: &str, comment: i64, themes: &[i64]) {
    let c = comment.to_string();
    let ts: Vec<String> = themes.iter().map(i64::to_string).collect();
    let mut form = vec![("comment", c.as_str())];
    form.extend(ts.iter().map(|t| ("themes[]", t.as_str())));
    call(app, "/api/themes/review", &form, who).await;
}

#[tokio::test]
async fn a_simulated_committee_teaches_the_machine_and_the_meter_measures_it() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (who, member_id) = member(&app).await;
    let ids = four_themes(&app, &who).await;
    let data = labelled(200, 7);
    let mut comments = Vec::new();
    for (i, (text, _)) in data.iter().enumerate() {
        comments.push(opinion(&app, 1 + i % 9, text).await);
    }
    let truth = |i: usize| -> Vec<i64> { data[i].1.iter().map(|t| ids[*t]).collect() };
    // The committee reviews 60 opinions before the machine has learnt anything: nothing to
    // measure yet, and nothing assigned.
    for (i, &c) in comments.iter().enumerate().take(60) {
        review(&app, &who, c, &truth(i)).await;
    }
    let v = themes_view(&app, &who).await;
    assert_eq!(v["meter"]["reviewed"], 0, "{}", v["meter"]);
    assert!(
        v["machine_assigned"].as_i64().unwrap() > 0,
        "page load assigns new opinions"
    );
    // 重新分配: trained on the 60 reviews, every unreviewed opinion gets the machine's themes.
    let n = call(&app, "/api/themes/reassign", &[("slug", SLUG)], &who).await;
    assert!(n.as_i64().unwrap() >= 140, "{n}");
    // Provenance: the committee's rows name the member, the machine's name nobody.
    let (by, machine): (Option<i64>, i64) = sqlx::query_as(
        "select assigned_by, by_machine from theme_assignment where comment_id = $1 limit 1",
    )
    .bind(comments[0])
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((by, machine), (Some(member_id), 0));
    let machine_rows: Vec<(Option<i64>, i64, i64)> = sqlx::query_as(
        "select assigned_by, confidence, assigned_at from theme_assignment \
         where comment_id = $1 and by_machine = 1",
    )
    .bind(comments[100])
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(!machine_rows.is_empty());
    assert!(machine_rows
        .iter()
        .all(|(by, conf, at)| by.is_none() && *conf >= 400 && *at > 0));
    // The committee goes on reviewing; each review is compared with the machine's earlier answer.
    for (i, &c) in comments.iter().enumerate().take(160).skip(60) {
        review(&app, &who, c, &truth(i)).await;
    }
    let v = themes_view(&app, &who).await;
    let m = &v["meter"];
    eprintln!("themes meter on 100 reviewed opinions (trained on 60): {m}");
    assert_eq!(m["reviewed"], 100);
    let f1 = m["f1"].as_f64().unwrap();
    assert!(f1 >= 0.75, "{m}");
    assert!(m["f1_low"].as_f64().unwrap() <= f1 && f1 <= m["f1_high"].as_f64().unwrap());
    assert_eq!(m["warning"], false);
    // A reviewed opinion keeps the machine's answer from before the review after reassigning.
    let before: i64 = app
        .count(&format!(
            "select count(*) from theme_assignment where by_machine = 1 and comment_id = {}",
            comments[100]
        ))
        .await;
    call(&app, "/api/themes/reassign", &[("slug", SLUG)], &who).await;
    let after: i64 = app
        .count(&format!(
            "select count(*) from theme_assignment where by_machine = 1 and comment_id = {}",
            comments[100]
        ))
        .await;
    assert_eq!(before, after);
    // Counts: every theme is carried by opinions on several articles.
    let heat = v["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "供热温度")
        .unwrap();
    assert!(heat["opinions"].as_i64().unwrap() >= 40, "{heat}");
    let by_article = &v["breakdowns"][0];
    assert_eq!(by_article["dimension"], "条文");
    // The pages and the exports.
    let page = app
        .get(&format!("/committee/drafts/{SLUG}/themes"), Some(&who))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["自动分配质量", "供热温度", "按条文", "按县市", "重新分配"] {
        assert!(page.body.contains(text), "{text} not on the page");
    }
    assert!(!page.body.contains("警告"));
    let queue = app
        .get(
            &format!("/committee/drafts/{SLUG}/themes/review"),
            Some(&who),
        )
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("name=\"themes[]\""), "{}", queue.body);
    let csv = app
        .get(&format!("/committee/drafts/{SLUG}/themes.csv"), Some(&who))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("供热温度") && csv.body.contains("条文"));
    let xlsx = app
        .get(&format!("/committee/drafts/{SLUG}/themes.xlsx"), Some(&who))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    // The 意见汇编 has a view by theme: each theme with its articles.
    let compilation = app
        .get(&format!("/committee/drafts/{SLUG}/compilation"), Some(&who))
        .await;
    assert_eq!(compilation.status, StatusCode::OK);
    let by_theme = compilation
        .body
        .split("三、按主题（跨条文）")
        .nth(1)
        .expect("the theme view");
    assert!(
        by_theme.contains("供热温度") && by_theme.contains("条 "),
        "{by_theme}"
    );
}

#[tokio::test]
async fn the_meter_warns_when_the_machine_disagrees_over_thirty_reviews() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (who, _) = member(&app).await;
    let ids = four_themes(&app, &who).await;
    let data = labelled(100, 11);
    let mut comments = Vec::new();
    for (i, (text, _)) in data.iter().enumerate() {
        comments.push(opinion(&app, 1 + i % 5, text).await);
    }
    // A committee whose themes have nothing to do with the texts: nothing to learn.
    let mut r = Lcg(3);
    let mut noise = || vec![ids[r.next(4)]];
    for &c in &comments[..30] {
        review(&app, &who, c, &noise()).await;
    }
    call(&app, "/api/themes/reassign", &[("slug", SLUG)], &who).await;
    for &c in &comments[30..50] {
        review(&app, &who, c, &noise()).await;
    }
    let m = themes_view(&app, &who).await["meter"].clone();
    assert_eq!(m["reviewed"], 20);
    assert!(m["f1"].as_f64().unwrap() < 0.75, "{m}");
    assert_eq!(
        m["warning"], false,
        "under 30 reviewed opinions: no warning yet"
    );
    for &c in &comments[50..60] {
        review(&app, &who, c, &noise()).await;
    }
    let m = themes_view(&app, &who).await["meter"].clone();
    eprintln!("themes meter with a committee the texts do not explain: {m}");
    assert_eq!(m["reviewed"], 30);
    assert_eq!(m["warning"], true, "{m}");
    let page = app
        .get(&format!("/committee/drafts/{SLUG}/themes"), Some(&who))
        .await;
    assert!(page.body.contains("警告"), "the page shows the warning");
}

#[tokio::test]
async fn merging_moves_assignments_and_keeps_who_made_them() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (who, member_id) = member(&app).await;
    let (other, other_id) = member(&app).await;
    let ids = four_themes(&app, &who).await;
    let (a, b) = (ids[0], ids[1]);
    let c1 = opinion(&app, 1, "暖气不热。").await;
    let c2 = opinion(&app, 2, "暖气不热，热费还贵。").await;
    let c3 = opinion(&app, 3, "热费太贵。").await;
    review(&app, &who, c1, &[a]).await;
    review(&app, &other, c2, &[a, b]).await;
    review(&app, &who, c3, &[b]).await;
    sqlx::query(
        "insert into theme_assignment (comment_id, theme_id, by_machine, confidence, assigned_at) \
         values ($1, $2, 1, 700, 5)",
    )
    .bind(c3)
    .bind(a)
    .execute(&app.db.pool)
    .await
    .unwrap();
    // Without the tick, nothing happens.
    let a_s = a.to_string();
    let b_s = b.to_string();
    let res = app
        .post_form(
            "/api/themes/merge",
            &[("theme", &a_s), ("into", &b_s)],
            Some(&who),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        app.count(&format!(
            "select count(*) from theme_assignment where theme_id = {a}"
        ))
        .await,
        3
    );
    // A plain form (no JavaScript) comes back to the themes page.
    let res = app
        .post_plain_form(
            "/api/themes/merge",
            &[("theme", &a_s), ("into", &b_s), ("confirmed", "1")],
            Some(&who),
            &format!("/committee/drafts/{SLUG}/themes"),
        )
        .await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);
    assert_eq!(
        res.header("location"),
        Some(format!("/committee/drafts/{SLUG}/themes").as_str())
    );
    let rows: Vec<(i64, i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "select comment_id, theme_id, by_machine, assigned_by, assigned_at from theme_assignment \
         order by comment_id, by_machine",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(rows.iter().all(|r| r.1 == b), "{rows:?}");
    let of = |c: i64| -> Vec<(i64, Option<i64>)> {
        rows.iter()
            .filter(|r| r.0 == c)
            .map(|r| (r.2, r.3))
            .collect()
    };
    assert_eq!(of(c1), vec![(0, Some(member_id))]);
    assert_eq!(of(c2), vec![(0, Some(other_id))], "one row, no duplicate");
    assert_eq!(of(c3), vec![(0, Some(member_id)), (1, None)]);
    assert!(
        rows.iter().any(|r| r.2 == 1 && r.4 == 5),
        "the machine's time kept"
    );
    let merged: Option<i64> = sqlx::query_scalar("select merged_into from theme where id = $1")
        .bind(a)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(merged, Some(b));
    let v = themes_view(&app, &who).await;
    let names: Vec<&str> = v["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["热费价格", "维修服务", "环保排放"]);
    let price = &v["themes"][0];
    assert_eq!(
        (price["opinions"].as_i64(), price["reviewed"].as_i64()),
        (Some(3), Some(3))
    );
    // Renaming, and deleting (with the tick) takes the assignments with it.
    call(
        &app,
        "/api/themes/rename",
        &[("theme", &b_s), ("name", "供热费用")],
        &who,
    )
    .await;
    call(
        &app,
        "/api/themes/delete",
        &[("theme", &b_s), ("confirmed", "1")],
        &who,
    )
    .await;
    assert_eq!(app.count("select count(*) from theme_assignment").await, 0);
    // A proposal from all the draft's opinions waits to be accepted.
    let n = call(&app, "/api/themes/propose", &[("slug", SLUG)], &who).await;
    let v = themes_view(&app, &who).await;
    let proposed = v["themes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["proposed"] == true)
        .count();
    assert_eq!(proposed as i64, n.as_i64().unwrap());
}

#[tokio::test]
async fn themes_are_the_committees_alone() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let (who, _) = member(&app).await;
    let ids = four_themes(&app, &who).await;
    let c = opinion(&app, 1, "暖气不热。").await;
    let theme = ids[0].to_string();
    let theme = theme.as_str();
    let comment = c.to_string();
    let comment = comment.as_str();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("/api/themes/view", vec![("slug", SLUG)]),
        ("/api/themes/queue", vec![("slug", SLUG)]),
        ("/api/themes/add", vec![("slug", SLUG), ("name", "外人")]),
        (
            "/api/themes/rename",
            vec![("theme", theme), ("name", "外人")],
        ),
        (
            "/api/themes/review",
            vec![("comment", comment), ("themes[]", theme)],
        ),
        ("/api/themes/reassign", vec![("slug", SLUG)]),
        (
            "/api/themes/delete",
            vec![("theme", theme), ("confirmed", "1")],
        ),
    ];
    for role in [Role::Citizen, Role::Station] {
        let cookie = app.login(role).await;
        for (path, form) in &calls {
            let res = app.post_form(path, form, Some(&cookie)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{path} as {role:?}");
        }
        let page = app
            .get(&format!("/committee/drafts/{SLUG}/themes"), Some(&cookie))
            .await;
        assert!(!page.body.contains("供热温度"), "{role:?} sees no theme");
        let csv = app
            .get(
                &format!("/committee/drafts/{SLUG}/themes.csv"),
                Some(&cookie),
            )
            .await;
        assert_eq!(csv.status, StatusCode::FORBIDDEN);
    }
    for (path, form) in &calls {
        let res = app.post_form(path, form, None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path} anonymously");
    }
    assert_eq!(app.count("select count(*) from theme").await, 4);
    assert_eq!(app.count("select count(*) from theme_assignment").await, 0);
}
