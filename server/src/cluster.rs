//! `yijian cluster FILE.jsonl`: the workbench's clustering for opinions collected anywhere.

use crate::cli::ClusterArgs;
use anyhow::{bail, Context, Result};
use app::cluster::algo::{analyse, Params};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Read};

struct Line {
    id: Value,
    text: String,
    article: Option<String>,
}

fn read(args: &ClusterArgs) -> Result<Vec<Line>> {
    let mut raw = Vec::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut raw)
            .context("cannot read standard input")?;
    } else {
        raw = std::fs::read(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
    }
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let n = n + 1;
        let line = line.with_context(|| format!("line {n}: not UTF-8 text"))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(&line).with_context(|| format!("line {n}: not a JSON object"))?;
        let id = match v.get("id") {
            Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
            _ => bail!("line {n}: \"id\" is missing or not a string or number"),
        };
        let Some(text) = v.get("text").and_then(Value::as_str) else {
            bail!("line {n}: \"text\" is missing or not a string");
        };
        let article = match v.get("article") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(x)) => Some(x.to_string()),
            Some(_) => bail!("line {n}: \"article\" must be a string or number"),
        };
        out.push(Line {
            id,
            text: text.to_string(),
            article,
        });
    }
    Ok(out)
}

pub fn run(args: &ClusterArgs) -> Result<()> {
    for (name, v) in [
        ("--merge", args.merge),
        ("--merge-floor", args.merge_floor),
        ("--unique", args.unique),
        ("--campaign-jaccard", args.campaign_jaccard),
    ] {
        if !(0.0..=1.0).contains(&v) {
            bail!("{name} must be between 0 and 1, not {v}");
        }
    }
    let lines = read(args)?;
    let params = Params {
        merge: args.merge,
        merge_floor: args.merge_floor.min(args.merge),
        unique: args.unique,
        campaign_jaccard: args.campaign_jaccard,
        min_copies: args.min_copies,
    };
    // Per article (in order of first appearance by article key), or all together.
    let mut groups: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        groups.entry(l.article.clone()).or_default().push(i);
    }
    let mut clusters = Vec::new();
    let mut campaigns = Vec::new();
    let (mut others, mut unique) = (Vec::new(), Vec::new());
    for (article, members) in groups {
        let texts: Vec<&str> = members.iter().map(|&i| lines[i].text.as_str()).collect();
        let a = analyse(&texts, &[], &params);
        let id = |i: usize| lines[members[i]].id.clone();
        for c in a.clusters {
            let mut o = json!({
                "ids": c.members.iter().map(|&m| id(m)).collect::<Vec<_>>(),
                "label": c.label,
                "keywords": c.keywords,
                "representative": id(c.representative),
            });
            if let Some(a) = &article {
                o["article"] = json!(a);
            }
            clusters.push(o);
        }
        others.extend(a.others.iter().map(|&m| id(m)));
        unique.extend(a.unique.iter().map(|&m| id(m)));
        for g in a.campaigns {
            let mut o = json!({ "ids": g.iter().map(|&m| id(m)).collect::<Vec<_>>() });
            if let Some(a) = &article {
                o["article"] = json!(a);
            }
            campaigns.push(o);
        }
    }
    println!(
        "{}",
        json!({
            "opinions": lines.len(),
            "clusters": clusters,
            "others": others,
            "unique": unique,
            "campaigns": campaigns,
        })
    );
    Ok(())
}
