//! The committee's coverage dashboard: per draft and published part, what every station did —
//! notified, confirmed, batches forwarded, opinions, residents represented — with roll-ups per
//! level and per county, the silent stations (with a one-click reminder), the network as a tree
//! coloured by status, and an XLSX export. Also the deadline reminder and the daily digest that
//! run in the background (`ssr.rs`).
//!
//! [`compute`] is pure: the queries gather facts, this turns them into the report.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A station's state for the chosen part, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Not among the notified stations.
    NotNotified,
    /// Notified; not confirmed, nothing forwarded.
    Notified,
    /// Confirmed receipt; nothing forwarded yet.
    Confirmed,
    /// Forwarded at least one batch.
    Forwarded,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::NotNotified => "未通知",
            Status::Notified => "未确认",
            Status::Confirmed => "已确认，未报送",
            Status::Forwarded => "已报送",
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            Status::NotNotified => "cov-none",
            Status::Notified => "cov-notified",
            Status::Confirmed => "cov-confirmed",
            Status::Forwarded => "cov-forwarded",
        }
    }
}

/// A station as the report needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationFacts {
    pub id: i64,
    pub name: String,
    pub level: i64,
    pub parent_id: Option<i64>,
    pub has_email: bool,
    pub notified: bool,
    pub confirmed: bool,
    pub batches: i64,
    pub opinions: i64,
    pub residents: i64,
    pub reminders: i64,
}

/// One station's line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationLine {
    pub facts: StationFacts,
    /// The county-level station it belongs to (itself for a county; empty for the prefecture).
    pub county: String,
    /// The parent station's name (a village's township), empty at the top.
    #[serde(default)]
    pub parent: String,
    pub status: Status,
    /// Depth in the tree (0 = prefecture).
    pub depth: usize,
}

/// Totals over a group of stations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollup {
    pub label: String,
    pub stations: i64,
    pub notified: i64,
    pub confirmed: i64,
    /// Stations that forwarded at least one batch.
    pub forwarded: i64,
    pub batches: i64,
    pub opinions: i64,
    pub residents: i64,
}

impl Rollup {
    fn add(&mut self, f: &StationFacts) {
        self.stations += 1;
        self.notified += i64::from(f.notified);
        self.confirmed += i64::from(f.confirmed);
        self.forwarded += i64::from(f.batches > 0);
        self.batches += f.batches;
        self.opinions += f.opinions;
        self.residents += f.residents;
    }
}

/// A published part to choose: publication id and label with its window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartChoice {
    pub id: i64,
    pub label: String,
    pub window: String,
    pub open: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub drafts: Vec<(String, String)>,
    pub slug: Option<String>,
    pub draft_title: String,
    pub parts: Vec<PartChoice>,
    pub part: Option<i64>,
    /// Stations in tree order (each followed by its sub-stations).
    pub lines: Vec<StationLine>,
    pub total: Rollup,
    pub by_level: Vec<Rollup>,
    pub by_county: Vec<Rollup>,
}

impl Coverage {
    /// Notified stations that have forwarded nothing.
    pub fn silent(&self) -> impl Iterator<Item = &StationLine> {
        self.lines
            .iter()
            .filter(|l| matches!(l.status, Status::Notified | Status::Confirmed))
    }
}

/// Builds the report from the stations' facts: tree order, statuses, roll-ups.
pub fn compute(
    stations: Vec<StationFacts>,
) -> (Vec<StationLine>, Rollup, Vec<Rollup>, Vec<Rollup>) {
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    let ids: std::collections::HashSet<i64> = stations.iter().map(|s| s.id).collect();
    for (i, s) in stations.iter().enumerate() {
        // A station whose parent is not in the list (deactivated) hangs at the top.
        let parent = s.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(i);
    }
    for v in children.values_mut() {
        v.sort_by(|&a, &b| {
            stations[a]
                .level
                .cmp(&stations[b].level)
                .then(stations[a].id.cmp(&stations[b].id))
        });
    }
    let mut order: Vec<(usize, usize, String)> = Vec::with_capacity(stations.len());
    // Depth-first, iteratively: (index, depth, county).
    let mut stack: Vec<(usize, usize, String)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|&i| (i, 0, String::new())).collect())
        .unwrap_or_default();
    while let Some((i, depth, county)) = stack.pop() {
        let s = &stations[i];
        let county = if s.level == 2 { s.name.clone() } else { county };
        if let Some(kids) = children.get(&Some(s.id)) {
            for &k in kids.iter().rev() {
                stack.push((k, depth + 1, county.clone()));
            }
        }
        order.push((i, depth, county));
    }
    let mut total = Rollup {
        label: "合计".into(),
        ..Default::default()
    };
    let mut by_level: Vec<Rollup> = (1..=4)
        .map(|l| Rollup {
            label: crate::station::level_label(l).to_string(),
            ..Default::default()
        })
        .collect();
    let mut by_county: Vec<Rollup> = Vec::new();
    let names: HashMap<i64, String> = stations.iter().map(|s| (s.id, s.name.clone())).collect();
    let mut lines = Vec::with_capacity(order.len());
    for (i, depth, county) in order {
        let f = stations[i].clone();
        let parent = f
            .parent_id
            .and_then(|p| names.get(&p))
            .cloned()
            .unwrap_or_default();
        total.add(&f);
        if let Some(r) = by_level.get_mut((f.level - 1).clamp(0, 3) as usize) {
            r.add(&f);
        }
        if !county.is_empty() {
            match by_county.iter_mut().find(|r| r.label == county) {
                Some(r) => r.add(&f),
                None => {
                    let mut r = Rollup {
                        label: county.clone(),
                        ..Default::default()
                    };
                    r.add(&f);
                    by_county.push(r);
                }
            }
        }
        let status = if f.batches > 0 {
            Status::Forwarded
        } else if f.confirmed {
            Status::Confirmed
        } else if f.notified {
            Status::Notified
        } else {
            Status::NotNotified
        };
        lines.push(StationLine {
            facts: f,
            county,
            parent,
            status,
            depth,
        });
    }
    (lines, total, by_level, by_county)
}

/// Committee: the coverage of a draft (all its parts, or one publication).
#[server(prefix = "/api", endpoint = "coverage/report")]
pub async fn coverage_report(
    slug: Option<String>,
    part: Option<i64>,
) -> Result<Coverage, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::report(&state.db, slug.as_deref().filter(|s| !s.is_empty()), part).await
}

/// Committee: remind every silent station of the draft (or part) by e-mail now. Returns how
/// many stations were reminded.
#[server(prefix = "/api", endpoint = "coverage/remind")]
pub async fn remind_silent(
    slug: String,
    part: Option<i64>,
    confirmed: Option<String>,
) -> Result<usize, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    crate::draft::require_confirmed(confirmed.as_deref(), "请先核对名单，勾选“确认发送”后再提醒")?;
    let state = crate::ssr::app_state()?;
    let n = ssr::remind(&state.db, &slug, part, user.id, state.intake.public_base()).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/committee/coverage?draft={}{}&reminded={n}",
        crate::components::urlencode(&slug),
        part.map(|p| format!("&part={p}")).unwrap_or_default()
    ));
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(
        id: i64,
        level: i64,
        parent: Option<i64>,
        notified: bool,
        confirmed: bool,
        batches: i64,
    ) -> StationFacts {
        StationFacts {
            id,
            name: format!("s{id}"),
            level,
            parent_id: parent,
            has_email: true,
            notified,
            confirmed,
            batches,
            opinions: batches * 3,
            residents: batches * 10,
            reminders: 0,
        }
    }

    #[test]
    fn tree_order_statuses_and_rollups() {
        let (lines, total, by_level, by_county) = compute(vec![
            s(5, 4, Some(3), true, false, 0),
            s(1, 1, None, true, true, 0),
            s(2, 2, Some(1), true, true, 1),
            s(3, 3, Some(2), true, true, 2),
            s(4, 2, Some(1), false, false, 0),
            s(6, 3, Some(4), true, false, 0),
        ]);
        let order: Vec<i64> = lines.iter().map(|l| l.facts.id).collect();
        assert_eq!(order, vec![1, 2, 3, 5, 4, 6]);
        assert_eq!(
            lines.iter().map(|l| l.depth).collect::<Vec<_>>(),
            vec![0, 1, 2, 3, 1, 2]
        );
        assert_eq!(lines[3].county, "s2");
        assert_eq!(lines[0].county, "");
        let status: Vec<Status> = lines.iter().map(|l| l.status).collect();
        use Status::*;
        assert_eq!(
            status,
            vec![
                Confirmed,
                Forwarded,
                Forwarded,
                Notified,
                NotNotified,
                Notified
            ]
        );
        assert_eq!(
            (
                total.stations,
                total.notified,
                total.confirmed,
                total.forwarded
            ),
            (6, 5, 3, 2)
        );
        assert_eq!((total.batches, total.opinions, total.residents), (3, 9, 30));
        assert_eq!(by_level[1].stations, 2);
        assert_eq!(by_level[1].forwarded, 1);
        assert_eq!(by_county.len(), 2);
        assert_eq!(
            (
                by_county[0].label.as_str(),
                by_county[0].stations,
                by_county[0].opinions
            ),
            ("s2", 3, 9)
        );
        assert_eq!(
            (by_county[1].label.as_str(), by_county[1].stations),
            ("s4", 2)
        );
        let cov = Coverage {
            lines,
            ..Default::default()
        };
        assert_eq!(
            cov.silent().map(|l| l.facts.id).collect::<Vec<_>>(),
            vec![1, 5, 6]
        );
    }
}
