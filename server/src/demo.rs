//! The demo seed: accounts of each role and the 437-station network of 昌吉回族自治州.
//!
//! Deterministic and idempotent: running it again finds everything in place and adds nothing.

use app::account::ssr::ensure_account;
use app::account::NewAccount;
use app::auth::Role;
use app::error::AppError;
use app::ssr::{now_ms, Db};

/// Demo logins, printed at start so whoever runs the demo can try every role.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role, Option<&str>, &str)] = &[
    ("admin", "系统管理员", Role::Admin, None, "demo-admin-2026"),
    (
        "committee",
        "起草委员会 王委员",
        Role::Committee,
        None,
        "demo-committee-2026",
    ),
    (
        "station",
        "昌吉市代表之家 李管理员",
        Role::Station,
        Some("昌吉市"),
        "demo-station-2026",
    ),
    (
        "office",
        "人大常委会办公室 刘干事",
        Role::Office,
        None,
        "demo-office-2026",
    ),
    // A second office account: each paper ballot of a 微实事 vote is entered by two tellers.
    (
        "office2",
        "人大常委会办公室 陈干事",
        Role::Office,
        None,
        "demo-office2-2026",
    ),
    (
        "citizen",
        "市民 张三",
        Role::Citizen,
        None,
        "demo-citizen-2026",
    ),
];

/// County-level divisions of the prefecture with how many township/street stations each has.
/// Urban districts (市) have 街道, counties mostly 镇 and 乡.
pub const COUNTIES: &[(&str, &str, usize)] = &[
    ("昌吉市", "652301", 12),
    ("阜康市", "652302", 8),
    ("呼图壁县", "652323", 9),
    ("玛纳斯县", "652324", 10),
    ("奇台县", "652325", 11),
    ("吉木萨尔县", "652327", 7),
    ("木垒哈萨克自治县", "652328", 6),
];

const TOWNSHIP_STEMS: &[&str] = &[
    "宁边",
    "延安",
    "北京",
    "绿洲",
    "中山",
    "建国",
    "榆树",
    "大西渠",
    "三工",
    "滨湖",
    "佃坝",
    "六工",
    "阿什里",
    "庙尔沟",
    "硫磺沟",
    "二道河",
    "新湖",
    "广东地",
    "塔西河",
    "包家店",
    "乐土驿",
    "北塔山",
    "老奇台",
    "半截沟",
    "吉布库",
    "西地",
    "东城",
    "三个庄子",
    "英格堡",
    "白杨河",
    "照壁山",
    "雀儿沟",
];

const VILLAGE_STEMS: &[&str] = &[
    "和平", "幸福", "团结", "光明", "红旗", "胜利", "丰收", "新华", "东风", "前进", "向阳", "长丰",
    "五星", "振兴", "建设", "永丰",
];

/// One planned station: name, level (1 = prefecture … 4 = village), index of the parent in the
/// plan, region code.
pub struct PlannedStation {
    pub name: String,
    pub level: i64,
    pub parent: Option<usize>,
    pub region_code: String,
}

/// The demo network: 1 prefecture + 7 counties + 63 townships + 366 villages = 437.
pub fn station_plan() -> Vec<PlannedStation> {
    let mut plan = vec![PlannedStation {
        name: "昌吉回族自治州".into(),
        level: 1,
        parent: None,
        region_code: "652300".into(),
    }];
    let mut townships = Vec::new();
    for (county, code, n) in COUNTIES {
        let county_idx = plan.len();
        plan.push(PlannedStation {
            name: (*county).into(),
            level: 2,
            parent: Some(0),
            region_code: (*code).into(),
        });
        for t in 0..*n {
            let stem = TOWNSHIP_STEMS[townships.len() % TOWNSHIP_STEMS.len()];
            let suffix = if county.ends_with('市') {
                "街道"
            } else if t % 3 == 2 {
                "乡"
            } else {
                "镇"
            };
            townships.push(plan.len());
            plan.push(PlannedStation {
                name: format!("{stem}{suffix}"),
                level: 3,
                parent: Some(county_idx),
                region_code: format!("{code}{:03}", t + 1),
            });
        }
    }
    // 366 villages/communities: six under each of the first 51 townships, five under the rest.
    for (i, &t_idx) in townships.iter().enumerate() {
        let count = if i < 51 { 6 } else { 5 };
        let urban = plan[t_idx].name.ends_with("街道");
        for v in 0..count {
            let stem = VILLAGE_STEMS[(i + v * 5) % VILLAGE_STEMS.len()];
            let name = if urban {
                format!("{stem}社区")
            } else {
                format!("{stem}村")
            };
            let region_code = format!("{}{:03}", plan[t_idx].region_code, v + 1);
            plan.push(PlannedStation {
                name,
                level: 4,
                parent: Some(t_idx),
                region_code,
            });
        }
    }
    plan
}

/// Inserts the planned stations that are missing, in one transaction. Returns how many were new.
pub async fn seed_stations(db: &Db) -> Result<usize, AppError> {
    let plan = station_plan();
    let mut ids: Vec<i64> = Vec::with_capacity(plan.len());
    let mut created = 0;
    let mut tx = db.begin().await?;
    let now = now_ms();
    for s in &plan {
        let parent_id = s.parent.map(|p| ids[p]);
        let existing: Option<i64> = sqlx::query_scalar(
            "select id from station where coalesce(parent_id, 0) = $1 and name = $2",
        )
        .bind(parent_id.unwrap_or(0))
        .bind(&s.name)
        .fetch_optional(&mut *tx)
        .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                created += 1;
                sqlx::query_scalar(
                    "insert into station (name, level, parent_id, region_code, email, active, \
                     created_at, updated_at) values ($1, $2, $3, $4, $5, 1, $6, $6) returning id",
                )
                .bind(&s.name)
                .bind(s.level)
                .bind(parent_id)
                .bind(&s.region_code)
                .bind(format!("station-{}@demo.yijian.invalid", s.region_code))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        ids.push(id);
    }
    tx.commit().await?;
    Ok(created)
}

/// A real local regulation of the prefecture (public domain: PRC Copyright Law art. 5), shown
/// as the demo draft.
const DEMO_DRAFT: &str =
    include_str!("../../app/tests/fixtures/laws/023-local-xj-changji-urban-heating-regs.md");
pub const DEMO_DRAFT_SLUG: &str = "changji-urban-heating";
/// Where the demo runs (`bash .ci/run-app`), for links in the demo's e-mails.
const DEMO_BASE: &str = "http://127.0.0.1:3000";

/// The demo's second reading: what a committee typically does between readings — one article
/// amended, one inserted (renumbering everything after it), one deleted.
fn demo_second_reading(mut tree: app::draft::DraftTree) -> String {
    use app::draft::{Node, NodeKind};
    fn chapter_with(nodes: &mut [Node], number: u32) -> Option<&mut Node> {
        nodes.iter_mut().find(|c| {
            c.children
                .iter()
                .any(|a| a.kind == NodeKind::Tiao && a.number == Some(number))
        })
    }
    if let Some(ch) = chapter_with(&mut tree.nodes, 5) {
        if let Some(a) = ch.children.iter_mut().find(|a| a.number == Some(5)) {
            if let Some(p) = a.children.first_mut() {
                p.text = p.text.replacen("应当加强", "应当统筹加强", 1)
                    + "相关部门应当按照职责分工做好供热保障工作。";
            }
        }
    }
    if let Some(ch) = chapter_with(&mut tree.nodes, 8) {
        if let Some(pos) = ch.children.iter().position(|a| a.number == Some(8)) {
            let mut art = Node::new(NodeKind::Tiao, 0);
            let mut p = Node::new(NodeKind::Kuan, 0);
            p.text = "供热单位应当公开收费标准、服务承诺和投诉电话，接受社会监督。".into();
            art.children.push(p);
            ch.children.insert(pos + 1, art);
        }
    }
    for ch in tree.nodes.iter_mut() {
        ch.children
            .retain(|a| !(a.kind == NodeKind::Tiao && a.number == Some(44)));
    }
    app::draft::ssr::renumber(&mut tree);
    tree.to_markdown()
}

/// Demo opinions, written for the demo (no real citizen's words): (version, article uid,
/// stance, reason, region).
const DEMO_COMMENTS: &[(i64, &str, &str, &str, &str)] = &[
    (
        1,
        "art-1",
        "support",
        "供热关系到每家每户过冬，立法很有必要。",
        "昌吉市",
    ),
    (
        1,
        "art-1",
        "amend",
        "建议在立法目的中写明保障困难群众的基本用热。",
        "阜康市",
    ),
    (
        1,
        "art-2",
        "amend",
        "建议明确城郊接合部和乡镇集中供热是否适用本条例。",
        "呼图壁县",
    ),
    (
        1,
        "art-3",
        "support",
        "定义清楚，热电联产和地热都写进去了。",
        "玛纳斯县",
    ),
    (
        1,
        "art-4",
        "oppose",
        "“多元化投资”表述过宽，建议保留政府兜底责任。",
        "奇台县",
    ),
    (
        1,
        "art-5",
        "amend",
        "县市人民政府的职责应写得更具体，例如每年供热前的检查。",
        "吉木萨尔县",
    ),
    (
        1,
        "art-6",
        "support",
        "部门分工明确，便于群众找对门。",
        "木垒哈萨克自治县",
    ),
    (
        2,
        "art-1",
        "support",
        "一审稿比征求意见稿更完整。",
        "昌吉市",
    ),
    (2, "art-1", "support", "同意。", "昌吉市"),
    (
        2,
        "art-2",
        "amend",
        "建议增加对自建锅炉小区的过渡安排。",
        "昌吉市",
    ),
    (
        2,
        "art-3",
        "oppose",
        "电采暖价格问题没有解决，不应与集中供热一并规定。",
        "阜康市",
    ),
    (
        2,
        "art-5",
        "support",
        "统筹加强的写法好，部门要形成合力。",
        "玛纳斯县",
    ),
    (
        2,
        "art-5",
        "amend",
        "建议规定每年九月底前完成供热设施检修。",
        "奇台县",
    ),
    (2, "art-6", "support", "赞成。", "吉木萨尔县"),
];

/// Units of chapter 1 (open in the demo) with their labels and what citizens talk about there.
const DEMO_UNITS: &[(&str, &str, &[&str])] = &[
    (
        "art-1",
        "第一条",
        &["立法目的", "热用户合法权益", "供热事业发展"],
    ),
    ("art-2", "第二条", &["适用范围", "用热活动的管理"]),
    ("art-3", "第三条", &["城镇供热的定义", "地热和电采暖"]),
    (
        "art-4",
        "第四条",
        &["统一规划、合理布局", "保障安全", "节能环保"],
    ),
    (
        "art-4-p-2",
        "第四条第2款",
        &["热电联产集中供热", "多元化投资建设"],
    ),
    ("art-5", "第五条", &["政府的领导责任", "供热监督管理"]),
    (
        "art-5-p-2",
        "第五条第2款",
        &["供热行业管理部门的职责", "监督管理的分工"],
    ),
    (
        "art-5-p-3",
        "第五条第3款",
        &["各主管部门的分工", "部门之间的协调"],
    ),
    (
        "art-6",
        "第六条",
        &["清洁能源供热", "可再生能源", "老旧管网改造"],
    ),
    (
        "art-7",
        "第七条",
        &["采暖应急救助", "事故应急处置", "备用热源"],
    ),
    ("art-8", "第八条", &["表彰和奖励", "社会监督"]),
];

const DEMO_OPENERS: &[&str] = &[
    "",
    "我是昌吉市的居民，",
    "我家住在老旧小区，",
    "作为社区工作者，",
    "我是退休职工，",
    "作为物业从业人员，",
    "作为供热企业员工，",
    "我们村里的几位老人托我反映，",
    "作为一名教师，",
    "我在县城开小店，",
];

const DEMO_SUPPORT: &[&str] = &[
    "赞成本条关于{t}的规定，写得清楚明白。",
    "同意。{t}关系到千家万户过冬，条例作出规定很有必要。",
    "支持本条。以前{t}没有明确依据，群众有意见找不到门。",
    "本条对{t}的表述很好，建议保留。",
];

const DEMO_OPPOSE: &[&str] = &[
    "不同意本条的写法，{t}的规定过于原则，执行中难以落实。",
    "反对。关于{t}，本条没有规定具体责任人，出了问题容易推诿。",
    "本条关于{t}的规定可能增加热用户负担，建议慎重。",
];

const DEMO_AMEND: &[&str] = &[
    "建议在本条中明确{t}的具体标准和时限。",
    "建议将本条中的“应当”改为“必须”，强化{t}的责任。",
    "建议增加一款：有关{t}的情况应当每年向社会公开。",
    "建议就{t}增加热用户参与和监督的规定。",
    "关于{t}，建议写明县（市）和镇两级各自的职责，避免交叉。",
];

const DEMO_CLOSERS: &[&str] = &[
    "",
    "希望采纳。",
    "去年冬天我家室温只有十六度，希望引起重视。",
    "谢谢！",
    "望在条例中体现。",
    "供热期内打热线电话经常打不通，也请一并考虑。",
];

const DEMO_REGIONS: &[&str] = &[
    "昌吉市",
    "阜康市",
    "呼图壁县",
    "玛纳斯县",
    "奇台县",
    "吉木萨尔县",
    "木垒哈萨克自治县",
    "",
];
const DEMO_CATEGORIES: &[&str] = &["个人", "个人", "个人", "企业", "社会组织", "人大代表", ""];

struct DemoOpinion {
    uid: &'static str,
    label: &'static str,
    stance: &'static str,
    reason: String,
    region: &'static str,
    category: &'static str,
    status: &'static str,
    flags: &'static str,
    note: &'static str,
}

/// A few hundred opinions written for the demo (not taken from any real data set): mostly
/// published, some waiting in the moderation queue, a few flagged or not made public.
fn demo_opinions() -> Vec<DemoOpinion> {
    // A fixed linear congruential sequence: the same demo every time.
    let mut seed: u64 = 20_261_127;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    let mut out = Vec::new();
    for i in 0..300 {
        let (uid, label, topics) = DEMO_UNITS[next(DEMO_UNITS.len())];
        let topic = topics[next(topics.len())];
        let (stance, templates) = match next(10) {
            0..=2 => ("support", DEMO_SUPPORT),
            3..=4 => ("oppose", DEMO_OPPOSE),
            _ => ("amend", DEMO_AMEND),
        };
        let mut reason = format!(
            "{}{}{}",
            DEMO_OPENERS[next(DEMO_OPENERS.len())],
            templates[next(templates.len())].replace("{t}", topic),
            DEMO_CLOSERS[next(DEMO_CLOSERS.len())]
        );
        let (status, flags, note) = match i % 25 {
            0 | 7 | 14 => ("received", "", ""),
            3 => {
                reason.push_str("有事可打我电话13899012345。");
                ("received", "phone", "")
            }
            11 => {
                reason.push_str("详情见 http://heating-help.example.cn");
                ("reviewing", "url", "")
            }
            19 => ("rejected", "", "与本条内容无关"),
            _ => ("published", "", ""),
        };
        out.push(DemoOpinion {
            uid,
            label,
            stance,
            reason,
            region: DEMO_REGIONS[next(DEMO_REGIONS.len())],
            category: DEMO_CATEGORIES[next(DEMO_CATEGORIES.len())],
            status,
            flags,
            note,
        });
    }
    out
}

/// Publishes the demo opinions (as if already moderated) on both readings.
async fn seed_comments(db: &Db) -> Result<(), AppError> {
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(DEMO_DRAFT_SLUG)
        .fetch_one(&db.pool)
        .await?;
    for (i, (version, uid, stance, reason, region)) in DEMO_COMMENTS.iter().enumerate() {
        // The draft's own label (第十二条), as every other opinion carries it.
        let n: u32 = uid.trim_start_matches("art-").parse().unwrap_or(0);
        let label = format!("第{}条", app::draft::parse::numerals::to_chinese(n));
        sqlx::query(
            "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, \
             region, category, tracking, status, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, '个人', $8, 'published', $9)",
        )
        .bind(draft_id)
        .bind(version)
        .bind(uid)
        .bind(label)
        .bind(stance)
        .bind(reason)
        .bind(region)
        .bind(app::comment::tracking::make(0x1_0000 + i as u64 * 7919))
        .bind(app::ssr::now_ms())
        .execute(&db.pool)
        .await?;
    }
    let newest: i64 =
        sqlx::query_scalar("select max(number) from draft_version where draft_id = $1")
            .bind(draft_id)
            .fetch_one(&db.pool)
            .await?;
    let now = app::ssr::now_ms();
    // One opinion in five was collected offline by a township or village station.
    let stations: Vec<i64> =
        sqlx::query_scalar("select id from station where level >= 3 order by id")
            .fetch_all(&db.pool)
            .await?;
    for (i, o) in demo_opinions().into_iter().enumerate() {
        let station =
            (i % 5 == 2 && !stations.is_empty()).then(|| stations[(i * 37) % stations.len()]);
        sqlx::query(
            "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, \
             region, category, tracking, status, flags, moderation_note, created_at, channel, \
             station_id) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(draft_id)
        .bind(newest)
        .bind(o.uid)
        .bind(o.label)
        .bind(o.stance)
        .bind(o.reason)
        .bind(o.region)
        .bind(o.category)
        .bind(app::comment::tracking::make(0x2_0000 + i as u64 * 104_729))
        .bind(o.status)
        .bind(o.flags)
        .bind(o.note)
        // Spread over the last five days, newest last.
        .bind(now - (300 - i as i64) * 23 * 60_000)
        .bind(if station.is_some() {
            "station"
        } else {
            "online"
        })
        .bind(station)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// Seeds everything the demo shows; returns the demo logins to print.
pub async fn seed(db: &Db) -> Result<Vec<(String, String, Role)>, AppError> {
    let created = seed_stations(db).await?;
    tracing::info!(created, "demo stations in place");
    let has_draft: Option<i64> = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(DEMO_DRAFT_SLUG)
        .fetch_optional(&db.pool)
        .await?;
    if has_draft.is_none() {
        let v1 =
            app::draft::ssr::import_version(db, DEMO_DRAFT_SLUG, "征求意见稿", DEMO_DRAFT).await?;
        let day = 86_400_000;
        // The 征求意见稿 was published whole last month (its window is over), so the 一审稿
        // can be compared with it in public.
        let now = app::ssr::now_ms();
        let uids: Vec<String> = v1
            .parsed
            .tree
            .articles()
            .iter()
            .map(|a| a.uid.clone())
            .collect();
        sqlx::query(
            "insert into publication (draft_id, version_number, part_label, article_uids, \
             opens_at, closes_at, created_at, whole_text) \
             select id, 1, '全文', $1, $2, $3, $2, 1 from draft where slug = $4",
        )
        .bind(serde_json::to_string(&uids).unwrap_or_default())
        .bind(now - 60 * day)
        .bind(now - 30 * day)
        .bind(DEMO_DRAFT_SLUG)
        .execute(&db.pool)
        .await?;
        let v2 = demo_second_reading(v1.parsed.tree);
        app::draft::ssr::import_version(db, DEMO_DRAFT_SLUG, "一审稿", &v2).await?;
        // Chapter 1 open for 30 days from the seed, with the whole 一审稿 readable; chapter 2
        // opens for comments in a week.
        let at = |offset: i64| app::draft::time::format_local(app::ssr::now_ms() + offset);
        let chapter = |n: u32| app::draft::ssr::PartSpec {
            chapter: Some(n),
            whole_text: n == 1,
            ..Default::default()
        };
        app::draft::ssr::publish(
            db,
            DEMO_DRAFT_SLUG,
            chapter(1),
            &at(-60_000),
            &at(30 * day),
            None,
            DEMO_BASE,
        )
        .await?;
        app::draft::ssr::publish(
            db,
            DEMO_DRAFT_SLUG,
            chapter(2),
            &at(7 * day),
            &at(37 * day),
            None,
            DEMO_BASE,
        )
        .await?;
        seed_comments(db).await?;
    }
    let mut logins = Vec::new();
    for (name, display, role, station, password) in DEMO_ACCOUNTS {
        ensure_account(
            db,
            &NewAccount {
                name: (*name).into(),
                display_name: (*display).into(),
                role: *role,
                station: station.map(Into::into),
                password: (*password).into(),
            },
        )
        .await?;
        logins.push(((*name).to_string(), (*password).to_string(), *role));
    }
    seed_batches(db).await?;
    seed_dispositions(db).await?;
    logins.extend(crate::demo_loop::seed(db).await?);
    Ok(logins)
}

/// A start on the committee's work, so the workbench, the 意见汇编 and its 对照表 show the
/// whole loop: the suggested amendments of 第五条 (amended in the 一审稿) are partly adopted
/// with the changed article named; 第三条 is assigned to the demo committee member, and the
/// objections to it are not adopted, with the reason. The rest is left to do. Runs once.
async fn seed_dispositions(db: &Db) -> Result<(), AppError> {
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(DEMO_DRAFT_SLUG)
        .fetch_one(&db.pool)
        .await?;
    let done: i64 = sqlx::query_scalar(
        "select count(*) from comment where draft_id = $1 and disposition <> ''",
    )
    .bind(draft_id)
    .fetch_one(&db.pool)
    .await?;
    if done > 0 {
        return Ok(());
    }
    let member: i64 = sqlx::query_scalar("select id from account where name = 'committee'")
        .fetch_one(&db.pool)
        .await?;
    let now = app::ssr::now_ms();
    let handled = [
        (
            "art-5",
            "amend",
            "partly",
            "一审稿第五条已写明“统筹加强”，并增加“相关部门应当按照职责分工做好供热保障工作”。",
            r#"["art-5"]"#,
        ),
        (
            "art-3",
            "oppose",
            "rejected",
            "本条界定城镇供热的含义，与国家有关规定一致，暂不修改。",
            "",
        ),
    ];
    let mut tx = db.begin().await?;
    for (article, stance, disposition, reason, units) in handled {
        sqlx::query(
            "update comment set disposition = $1, disposition_reason = $2, disposition_units = $3, \
             disposed_by = $4, disposed_at = $5 where draft_id = $6 and stance = $7 \
             and (unit_uid = $8 or unit_uid like $9) and status <> 'rejected'",
        )
        .bind(disposition)
        .bind(reason)
        .bind(units)
        .bind(member)
        .bind(now)
        .bind(draft_id)
        .bind(stance)
        .bind(article)
        .bind(format!("{article}-%"))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "insert into article_state (draft_id, article_uid, version, assigned_to) values ($1, 'art-3', 0, $2) \
         on conflict do nothing",
    )
    .bind(draft_id)
    .bind(member)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The demo's station opinions arrive as forwarded batches (one per station, with residents and
/// the way each was collected), and two stations in three have confirmed the first notice, so
/// the coverage dashboard has something to show (the demo operator's own station has not: its
/// notices are there to confirm). Runs once.
async fn seed_batches(db: &Db) -> Result<(), AppError> {
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(DEMO_DRAFT_SLUG)
        .fetch_one(&db.pool)
        .await?;
    let done: i64 = sqlx::query_scalar("select count(*) from station_batch where draft_id = $1")
        .bind(draft_id)
        .fetch_one(&db.pool)
        .await?;
    if done > 0 {
        return Ok(());
    }
    let operator: i64 = sqlx::query_scalar("select id from account where name = 'station'")
        .fetch_one(&db.pool)
        .await?;
    let rows: Vec<(i64, i64, String, String, String, String, i64)> = sqlx::query_as(
        "select id, station_id, unit_uid, unit_label, stance, reason, created_at from comment \
         where draft_id = $1 and channel = 'station' and batch_id is null and station_id is not null \
         order by station_id, id",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.begin().await?;
    let mut k = 0u64;
    for group in rows.chunk_by(|a, b| a.1 == b.1) {
        k += 1;
        let station = group[0].1;
        let at = group.iter().map(|r| r.6).max().unwrap_or(0);
        let residents = |id: i64| 3 + id % 40;
        let batch: i64 = sqlx::query_scalar(
            "insert into station_batch (station_id, draft_id, receipt, note, opinions, residents, \
             forwarded_by, forwarded_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(station)
        .bind(draft_id)
        .bind(format!(
            "BS{}",
            &app::comment::tracking::make(0x3_0000 + k * 7907)[2..]
        ))
        .bind("村（社区）群众座谈会意见汇总")
        .bind(group.len() as i64)
        .bind(group.iter().map(|r| residents(r.0)).sum::<i64>())
        .bind(operator)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for (id, _, uid, label, stance, reason, created_at) in group {
            let method = app::batch::METHODS[(*id % 5) as usize].0;
            sqlx::query(
                "update comment set batch_id = $1, residents = $2, method = $3 where id = $4",
            )
            .bind(batch)
            .bind(residents(*id))
            .bind(method)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "insert into station_opinion (station_id, draft_id, unit_uid, unit_label, stance, \
                 text, method, residents, collected_on, batch_id, comment_id, created_by, \
                 created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
                 $12, $13, $13)",
            )
            .bind(station)
            .bind(draft_id)
            .bind(uid)
            .bind(label)
            .bind(stance)
            .bind(reason)
            .bind(method)
            .bind(residents(*id))
            .bind(app::draft::time::format_day(*created_at))
            .bind(batch)
            .bind(id)
            .bind(operator)
            .bind(created_at)
            .execute(&mut *tx)
            .await?;
        }
    }
    let now = app::ssr::now_ms();
    sqlx::query(
        "update notice set status = 'confirmed', confirmed_at = $1, confirmed_by = $2 \
         where publication_id = (select min(id) from publication where draft_id = $3) \
         and (station_id % 3 <> 0 or station_id in (select station_id from station_batch)) \
         and station_id not in (select station_id from account where name = 'station')",
    )
    .bind(now)
    .bind(operator)
    .bind(draft_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn plan_has_437_stations_on_four_levels_with_unique_names_per_parent() {
        let plan = station_plan();
        assert_eq!(plan.len(), 437);
        let per_level: Vec<usize> = (1..=4)
            .map(|l| plan.iter().filter(|s| s.level == l).count())
            .collect();
        assert_eq!(per_level, [1, 7, 63, 366]);
        let mut seen = HashSet::new();
        for s in &plan {
            assert!(
                seen.insert((s.parent, s.name.clone())),
                "duplicate {}",
                s.name
            );
            if let Some(p) = s.parent {
                assert_eq!(plan[p].level + 1, s.level);
            }
        }
    }
}
