//! Short form-letter campaigns for `yijian bench cluster` and the tests: a paragraph of 40–60
//! characters shared on a messaging app, each copy with a greeting, a line about the sender and a
//! sign-off added, a few words swapped, commas and full stops changed
//! (`../shared/cases/campaigns/short-form-letters.md`). The case's templates follow the case's
//! rules; templates of our own, of the same kind, follow other greetings, introductions,
//! sign-offs and swaps, so the detector is not only tried on the courtesies it was written for.

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// How the copies of a set of templates are made.
pub struct Rules {
    pub greetings: &'static [&'static str],
    pub introductions: &'static [&'static str],
    pub sign_offs: &'static [&'static str],
    pub swaps: &'static [(&'static str, &'static str)],
}

/// The case's rules.
pub const CASE_RULES: Rules = Rules {
    greetings: &["您好，", "尊敬的领导：", "各位委员好！", ""],
    introductions: &[
        "我是一名退休职工，",
        "作为小区业主，",
        "本人是个体工商户，",
        "",
    ],
    sign_offs: &[
        "谢谢！",
        "恳请采纳。",
        "以上是我的意见。",
        "——某小区居民",
        "",
    ],
    swaps: &[
        ("建议", "希望"),
        ("应当", "应该"),
        ("居民", "群众"),
        ("规定", "条款"),
        ("不能", "不应"),
    ],
};

/// Templates of our own, of the same kind (written for this test; local regulations' topics, two
/// of them close to the case's first template in words).
pub const OWN_TEMPLATES: &[&str] = &[
    "第十二条应当明确物业服务企业每季度公示公共收益收支情况，业主有权查阅相关账目和凭证。",
    "建议第十八条增加规定：小区停车位应当优先满足业主需要，不得只售不租或者高价出租。",
    "第二十条对噪音扰民的处罚太轻，建议罚款提高到五千元以上，并由街道办事处负责督促整改。",
    "反对第三十一条把垃圾分类的责任全部交给居民，物业和环卫部门也应当承担相应的责任。",
    "建议第七条规定供热单位每年九月底前完成管网检修，检修结果向社会公开，接受热用户监督。",
    "第二十五条规定的退费期限太长，应当改为十五个工作日内办结，逾期未办结的按日支付违约金。",
    "支持第十五条关于加装电梯的规定，但是建议政府补贴比例提高到百分之四十，减轻低层住户负担。",
    "第九条的热价听证应当邀请不少于一半的居民代表参加，听证结果和采纳情况应当在网上公布。",
];

/// Other courtesies than the case's, and other swaps.
pub const OWN_RULES: Rules = Rules {
    greetings: &[
        "你好！",
        "领导好，",
        "尊敬的人大常委会：",
        "早上好！",
        "致立法联系点：",
        "",
    ],
    introductions: &[
        "我是城西社区的居民，",
        "我们是阳光小区的业主，",
        "作为一名人大代表，",
        "我在县城开小店，",
        "老伴让我写几句，",
        "",
    ],
    sign_offs: &[
        "望采纳！",
        "此致敬礼！",
        "感谢！",
        "期待回复。",
        "——一名热用户",
        "请予考虑，谢谢。",
        "",
    ],
    swaps: &[
        ("应当", "必须"),
        ("提高", "增加"),
        ("公开", "公布"),
        ("居民", "住户"),
        ("太长", "过长"),
        ("负担", "压力"),
        ("部门", "单位"),
        ("规定", "内容"),
    ],
};

/// The case's templates: its numbered lines (`1. …`).
pub fn case_templates(path: &std::path::Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the short form-letter case {} (it lives in ../shared/cases/campaigns/)",
            path.display()
        )
    })?;
    let out: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let (n, rest) = l.split_once(". ")?;
            (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .then(|| rest.trim().to_string())
        })
        .filter(|t| t.chars().count() >= 20)
        .collect();
    if out.is_empty() {
        bail!("no numbered templates in {}", path.display());
    }
    Ok(out)
}

/// One copy of a template: up to three words swapped, some commas made ASCII, a space put in,
/// the full stop dropped, a greeting, an introduction and a sign-off added (each may be empty).
pub fn copy(template: &str, rules: &Rules, rng: &mut StdRng) -> String {
    let mut body = template.to_string();
    let mut swaps: Vec<&(&str, &str)> = rules
        .swaps
        .iter()
        .filter(|(a, _)| body.contains(a))
        .collect();
    for _ in 0..rng.gen_range(0..=3usize).min(swaps.len()) {
        let (from, to) = swaps.swap_remove(rng.gen_range(0..swaps.len()));
        let at: Vec<usize> = body.match_indices(from).map(|m| m.0).collect();
        let p = at[rng.gen_range(0..at.len())];
        body.replace_range(p..p + from.len(), to);
    }
    if rng.gen_bool(0.4) {
        body = body
            .split('，')
            .enumerate()
            .map(|(i, part)| match i {
                0 => part.to_string(),
                _ if rng.gen_bool(0.5) => format!(",{part}"),
                _ => format!("，{part}"),
            })
            .collect();
    }
    if rng.gen_bool(0.3) {
        let chars: Vec<char> = body.chars().collect();
        let i = rng.gen_range(0..chars.len());
        body = chars[..i].iter().chain(&[' ']).chain(&chars[i..]).collect();
    }
    if rng.gen_bool(0.3) {
        if let Some(s) = body.strip_suffix('。') {
            body = s.to_string();
        }
    }
    let pick = |list: &[&'static str], rng: &mut StdRng| list[rng.gen_range(0..list.len())];
    let greeting = pick(rules.greetings, rng);
    let introduction = pick(rules.introductions, rng);
    let sign_off = pick(rules.sign_offs, rng);
    format!("{greeting}{introduction}{body}{sign_off}")
}

/// 25–60 copies of each template inserted at random places among `real` (texts that belong to
/// no campaign); `truth[i]` is the template of text i (offset by `first_label`), `None` for the
/// real ones.
pub fn mix(
    real: Vec<String>,
    sets: &[(&[String], &Rules)],
    seed: u64,
) -> (Vec<String>, Vec<Option<u32>>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut texts = real;
    let mut truth: Vec<Option<u32>> = vec![None; texts.len()];
    let mut label = 0u32;
    for (templates, rules) in sets {
        for t in templates.iter() {
            for _ in 0..rng.gen_range(25..=60) {
                let at = rng.gen_range(0..=texts.len());
                texts.insert(at, copy(t, rules, &mut rng));
                truth.insert(at, Some(label));
            }
            label += 1;
        }
    }
    (texts, truth)
}

/// Pairwise precision and recall over the copies: of the pairs put together that hold a copy,
/// how many are two copies of one template (a real message joined to a campaign counts against
/// it); of the pairs of copies of one template, how many are together. Pairs of two real
/// messages are not counted here (the real reposts are measured on their own).
pub fn scores(groups: &[Vec<usize>], truth: &[Option<u32>]) -> (f64, f64) {
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let (mut predicted, mut correct) = (0u64, 0u64);
    for g in groups {
        let mut per: HashMap<u32, u64> = HashMap::new();
        for l in g.iter().filter_map(|&i| truth[i]) {
            *per.entry(l).or_default() += 1;
        }
        let copies: u64 = per.values().sum();
        let real = g.len() as u64 - copies;
        predicted += pairs(copies) + copies * real;
        correct += per.values().map(|&c| pairs(c)).sum::<u64>();
    }
    let mut per: HashMap<u32, u64> = HashMap::new();
    for l in truth.iter().flatten() {
        *per.entry(*l).or_default() += 1;
    }
    let actual: u64 = per.values().map(|&c| pairs(c)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(correct, predicted), ratio(correct, actual))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_keep_the_template_and_add_courtesies() {
        let mut rng = StdRng::seed_from_u64(1);
        let t = "反对第十四条取消老旧小区管网改造补贴的规定，补贴应当保留到二〇三〇年，不能让居民自己承担。";
        for _ in 0..50 {
            let c = copy(t, &CASE_RULES, &mut rng).replace(' ', "");
            assert!(c.contains("老旧小区管网改造补贴"), "{c}");
            assert!(c.chars().count() < t.chars().count() + 30, "{c}");
        }
    }

    #[test]
    fn real_pairs_are_not_counted_and_a_real_message_in_a_campaign_is() {
        let truth = [Some(0), Some(0), None, None];
        assert_eq!(scores(&[vec![0, 1], vec![2, 3]], &truth), (1.0, 1.0));
        let (p, r) = scores(&[vec![0, 1, 2]], &truth);
        assert!((p - 1.0 / 3.0).abs() < 1e-9 && r == 1.0, "{p} {r}");
    }
}
