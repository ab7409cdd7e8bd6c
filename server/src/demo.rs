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
        "citizen",
        "市民 张三",
        Role::Citizen,
        None,
        "demo-citizen-2026",
    ),
];

/// County-level divisions of the prefecture with how many township/street stations each has.
/// Urban districts (市) have 街道, counties mostly 镇 and 乡.
const COUNTIES: &[(&str, &str, usize)] = &[
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
    let mut tx = db.pool.begin().await?;
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

/// Publishes the demo opinions (as if already moderated) on both readings.
async fn seed_comments(db: &Db) -> Result<(), AppError> {
    let draft_id: i64 = sqlx::query_scalar("select id from draft where slug = $1")
        .bind(DEMO_DRAFT_SLUG)
        .fetch_one(&db.pool)
        .await?;
    for (i, (version, uid, stance, reason, region)) in DEMO_COMMENTS.iter().enumerate() {
        let label = format!("第{}条", uid.trim_start_matches("art-"));
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
        let v2 = demo_second_reading(v1.parsed.tree);
        app::draft::ssr::import_version(db, DEMO_DRAFT_SLUG, "一审稿", &v2).await?;
        // Chapter 1 open for 30 days from the seed; chapter 2 opens in a week.
        let day = 86_400_000;
        let at = |offset: i64| app::draft::time::format_local(app::ssr::now_ms() + offset);
        let chapter = |n: u32| app::draft::ssr::PartSpec {
            chapter: Some(n),
            articles: None,
        };
        app::draft::ssr::publish(
            db,
            DEMO_DRAFT_SLUG,
            chapter(1),
            &at(-60_000),
            &at(30 * day),
            None,
        )
        .await?;
        app::draft::ssr::publish(
            db,
            DEMO_DRAFT_SLUG,
            chapter(2),
            &at(7 * day),
            &at(37 * day),
            None,
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
    Ok(logins)
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
