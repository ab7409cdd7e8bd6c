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
    let raw = utf8_without_bom(raw)?;
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

/// The file as UTF-8 without a byte-order mark: Notepad and PowerShell's `-Encoding utf8` put
/// one before the first line, and PowerShell's `Out-File` writes UTF-16 with one.
fn utf8_without_bom(raw: Vec<u8>) -> Result<Vec<u8>> {
    if let Some(rest) = raw.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(rest.to_vec());
    }
    let utf16 = |bytes: &[u8], from: fn([u8; 2]) -> u16| -> Result<Vec<u8>> {
        if !bytes.len().is_multiple_of(2) {
            bail!("the file starts with a UTF-16 byte-order mark but has an odd number of bytes");
        }
        let units = bytes.chunks_exact(2).map(|c| from([c[0], c[1]]));
        let text: String = char::decode_utf16(units)
            .collect::<Result<_, _>>()
            .context("the file starts with a UTF-16 byte-order mark but is not valid UTF-16")?;
        Ok(text.into_bytes())
    };
    if let Some(rest) = raw.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = raw.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    Ok(raw)
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
        // Every opinion is in exactly one entry of `clusters`: an opinion that fits no group
        // is a cluster of its own, marked `other` (and `unique` when unlike any other), so a
        // reader of `clusters` alone loses none; `others` and `unique` list them again.
        for &m in &a.others {
            let is_unique = a.unique.contains(&m);
            let mut o = json!({
                "ids": [id(m)],
                "label": "其他意见",
                "keywords": [],
                "representative": id(m),
                "other": true,
                "unique": is_unique,
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
