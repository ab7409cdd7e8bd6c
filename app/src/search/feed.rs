//! Keeps the search index in step with the database, the source of truth.
//!
//! Every change of a comment gives it the next `comment.seq` (migration `search_feed`, numbers
//! in commit order). The index stores the last number it applied in its commit payload, so after
//! a crash between a database commit and an index commit it simply continues from there; each
//! server follows the shared feed into its own index. Draft text is re-indexed whenever the set
//! of versions or publications changes.
//!
//! On disk: `<dir>/CURRENT` names the active generation `<dir>/g-<n>/`. A rebuild
//! (`yijian reindex`, or a missing, corrupt or outdated index) builds a new generation beside the
//! old one and then switches `CURRENT`, so searches go on during the rebuild.

use super::index::{
    comment_document, draft_document, schema, CommentDoc, DraftDoc, Searchable, SCHEMA_VERSION,
};
use crate::error::AppError;
use crate::ssr::Db;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tantivy::{Index, IndexWriter, Term};

/// Rows read from the feed per round.
const FEED_BATCH: i64 = 5000;

/// What an index commit records about the database state it reflects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Position {
    schema: u32,
    seq: i64,
    drafts: String,
}

struct Generation {
    name: Option<String>,
    searchable: Arc<Searchable>,
    writer: Arc<Mutex<IndexWriter>>,
    position: Position,
}

/// The index of one server, with the task following the feed.
pub struct SearchIndex {
    db: Db,
    dir: Option<PathBuf>,
    heap_bytes: usize,
    current: RwLock<Arc<Generation>>,
    poke: tokio::sync::Notify,
}

impl SearchIndex {
    /// Opens the index under `dir` (in memory if `None`), rebuilding it if it is missing,
    /// unreadable or of another schema version, and starts following the feed.
    pub async fn start(db: Db, dir: Option<PathBuf>) -> Result<Arc<SearchIndex>, AppError> {
        super::tokenize::warm_up();
        let heap_bytes = 64 << 20;
        let gen = match &dir {
            None => new_generation(None, heap_bytes)?,
            Some(d) => open_current(d, heap_bytes)?,
        };
        let index = Arc::new(SearchIndex {
            db,
            dir,
            heap_bytes,
            current: RwLock::new(Arc::new(gen)),
            poke: tokio::sync::Notify::new(),
        });
        // Catch up before serving searches, so a restart does not answer from a stale index.
        index.catch_up().await?;
        tokio::spawn(follow(Arc::downgrade(&index)));
        Ok(index)
    }

    pub fn searchable(&self) -> Arc<Searchable> {
        self.generation().searchable.clone()
    }

    fn generation(&self) -> Arc<Generation> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Asks the follower to look at the feed now (after this server wrote comments).
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// The last feed number in the index.
    pub fn position(&self) -> i64 {
        self.generation().position.seq
    }

    /// Applies everything in the feed after the index's position; returns the rows applied.
    pub async fn catch_up(&self) -> Result<usize, AppError> {
        self.switch_if_rebuilt().await?;
        let gen = self.generation();
        let mut position = gen.position.clone();
        let mut applied = 0;
        let drafts = drafts_fingerprint(&self.db).await?;
        let draft_docs = if drafts != position.drafts {
            Some(load_draft_docs(&self.db).await?)
        } else {
            None
        };
        loop {
            let rows = load_comments(&self.db, position.seq, FEED_BATCH).await?;
            let done = (rows.len() as i64) < FEED_BATCH;
            let last = rows.iter().map(|r| r.1).max();
            if rows.is_empty() && draft_docs.is_none() {
                break;
            }
            let writer = gen.writer.clone();
            let fields = gen.searchable.fields;
            let new_position = Position {
                schema: SCHEMA_VERSION,
                seq: last.unwrap_or(position.seq),
                drafts: drafts.clone(),
            };
            let payload = serde_json::to_string(&new_position).unwrap_or_default();
            let docs = if applied == 0 {
                draft_docs.clone()
            } else {
                None
            };
            applied += rows.len();
            let searchable = gen.searchable.clone();
            tokio::task::spawn_blocking(move || -> tantivy::Result<()> {
                let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
                for (doc, _) in &rows {
                    w.delete_term(Term::from_field_text(fields.key, &format!("c{}", doc.id)));
                    w.add_document(comment_document(&fields, doc))?;
                }
                if let Some(units) = docs {
                    w.delete_term(Term::from_field_text(fields.kind, "draft"));
                    for u in &units {
                        w.add_document(draft_document(&fields, u))?;
                    }
                }
                let mut commit = w.prepare_commit()?;
                commit.set_payload(&payload);
                commit.commit()?;
                searchable.reader.reload()?;
                Ok(())
            })
            .await
            .map_err(|e| index_error("index task", e))?
            .map_err(|e| index_error("index commit", e))?;
            position = new_position;
            self.set_position(&gen, position.clone());
            if done {
                break;
            }
        }
        Ok(applied)
    }

    fn set_position(&self, gen: &Arc<Generation>, position: Position) {
        let mut cur = match self.current.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if Arc::ptr_eq(&cur, gen) {
            *cur = Arc::new(Generation {
                name: gen.name.clone(),
                searchable: gen.searchable.clone(),
                writer: gen.writer.clone(),
                position,
            });
        }
    }

    /// If `CURRENT` names another generation (built by `yijian reindex`), opens it and drops the
    /// old one.
    async fn switch_if_rebuilt(&self) -> Result<(), AppError> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let named = read_current(dir);
        let gen = self.generation();
        if named.is_none() || named == gen.name {
            return Ok(());
        }
        let heap = self.heap_bytes;
        let dir2 = dir.clone();
        let opened = tokio::task::spawn_blocking(move || open_current(&dir2, heap))
            .await
            .map_err(|e| index_error("open", e))??;
        tracing::info!(generation = ?opened.name, "search index: switched to a rebuilt index");
        let old = gen.name.clone();
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(opened);
        if let Some(old) = old {
            // Open searchers keep their files (memory-mapped) until they finish.
            let _ = std::fs::remove_dir_all(dir.join(old));
        }
        Ok(())
    }
}

/// Follows the feed: after a poke, or every half second (other servers' writes). Rounds start
/// at least 300 ms apart, so under a stream of comments each index commit (a new segment, an
/// fsync, a reader reload) takes in hundreds of them, and a comment is still searchable within
/// a second.
async fn follow(index: std::sync::Weak<SearchIndex>) {
    const MIN_ROUND: Duration = Duration::from_millis(300);
    let mut last_round = tokio::time::Instant::now();
    loop {
        let Some(i) = index.upgrade() else { return };
        let _ = tokio::time::timeout(Duration::from_millis(500), i.poke.notified()).await;
        tokio::time::sleep_until(last_round + MIN_ROUND).await;
        last_round = tokio::time::Instant::now();
        if let Err(e) = i.catch_up().await {
            tracing::warn!(error = %e, "search index: catching up failed; retrying");
            drop(i);
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
}

fn index_error(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "search index: {what} failed");
    AppError::Internal
}

fn read_current(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("CURRENT"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && !s.contains('/') && !s.contains(".."))
}

/// Points `CURRENT` at a generation (write aside, then rename: never half-written).
fn write_current(dir: &Path, name: &str) -> std::io::Result<()> {
    let tmp = dir.join("CURRENT.tmp");
    std::fs::write(&tmp, name)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, dir.join("CURRENT"))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn new_generation(dir: Option<&Path>, heap_bytes: usize) -> Result<Generation, AppError> {
    let (schema, _) = schema();
    let (index, name) = match dir {
        None => (Index::create_in_ram(schema), None),
        Some(dir) => {
            let name = format!(
                "g-{}-{}",
                crate::ssr::now_ms(),
                rand::random::<u32>() % 1_000_000
            );
            let path = dir.join(&name);
            std::fs::create_dir_all(&path).map_err(|e| index_error("create directory", e))?;
            (
                Index::create_in_dir(&path, schema).map_err(|e| index_error("create", e))?,
                Some(name),
            )
        }
    };
    generation(index, name, heap_bytes, Position::default())
}

fn generation(
    index: Index,
    name: Option<String>,
    heap_bytes: usize,
    position: Position,
) -> Result<Generation, AppError> {
    let searchable = Searchable::new(index).map_err(|e| index_error("reader", e))?;
    let writer = searchable
        .index
        .writer_with_num_threads(1, heap_bytes)
        .map_err(|e| index_error("writer", e))?;
    Ok(Generation {
        name,
        searchable: Arc::new(searchable),
        writer: Arc::new(Mutex::new(writer)),
        position,
    })
}

/// Opens the generation `CURRENT` names; a missing, unreadable or outdated one is replaced by a
/// new, empty generation (which then fills from the feed).
fn open_current(dir: &Path, heap_bytes: usize) -> Result<Generation, AppError> {
    std::fs::create_dir_all(dir).map_err(|e| index_error("create directory", e))?;
    let unusable = read_current(dir);
    let problem = match read_current(dir) {
        None => "none yet".to_string(),
        Some(name) => match try_open(&dir.join(&name)) {
            Ok((index, position)) if position.schema == SCHEMA_VERSION => {
                return generation(index, Some(name), heap_bytes, position);
            }
            Ok((_, position)) => {
                format!("schema version {} (now {SCHEMA_VERSION})", position.schema)
            }
            Err(e) => e,
        },
    };
    tracing::warn!(dir = %dir.display(), %problem, "search index: building it from the database");
    let gen = new_generation(Some(dir), heap_bytes)?;
    if let Some(name) = &gen.name {
        write_current(dir, name).map_err(|e| index_error("switch", e))?;
    }
    // The generation `CURRENT` named could not be used (corrupt, or of another schema): it is
    // replaced now, so it goes at once, whatever its age.
    if let Some(old) = unusable.filter(|o| Some(o) != gen.name.as_ref()) {
        if old.starts_with("g-") {
            let _ = std::fs::remove_dir_all(dir.join(&old));
        }
    }
    // Left-over generations (an interrupted rebuild) go; a rebuild running right now in
    // another process is younger than an hour and stays.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .map(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(3600))
                .unwrap_or(false);
            if n.starts_with("g-") && Some(&n) != gen.name.as_ref() && old {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(gen)
}

fn try_open(path: &Path) -> Result<(Index, Position), String> {
    let index = Index::open_in_dir(path).map_err(|e| e.to_string())?;
    let metas = index.load_metas().map_err(|e| e.to_string())?;
    let position = match metas.payload {
        Some(p) => serde_json::from_str(&p).map_err(|e| format!("payload: {e}"))?,
        None => Position {
            schema: SCHEMA_VERSION,
            ..Position::default()
        },
    };
    // Reading every segment's metadata catches missing or truncated files now.
    index
        .searchable_segment_metas()
        .map_err(|e| e.to_string())?;
    let reader = index.reader().map_err(|e| e.to_string())?;
    for seg in reader.searcher().segment_readers() {
        seg.get_store_reader(0).map_err(|e| e.to_string())?;
    }
    Ok((index, position))
}

/// Builds a complete new generation from the database and switches `CURRENT` to it
/// (`yijian reindex`). A running server notices within a second and moves over.
pub async fn rebuild(db: &Db, dir: &Path, heap_bytes: usize) -> Result<(String, i64), AppError> {
    std::fs::create_dir_all(dir).map_err(|e| index_error("create directory", e))?;
    let gen = new_generation(Some(dir), heap_bytes)?;
    let name = gen.name.clone().unwrap_or_default();
    let index = SearchIndex {
        db: db.clone(),
        dir: None,
        heap_bytes,
        current: RwLock::new(Arc::new(gen)),
        poke: tokio::sync::Notify::new(),
    };
    index.catch_up().await?;
    let seq = index.position();
    let gen = index.generation();
    {
        // Merges finish before the switch, so the server opens a compact index.
        let w = gen.writer.clone();
        drop(gen);
        drop(index);
        tokio::task::spawn_blocking(move || {
            if let Ok(w) = Arc::try_unwrap(w) {
                let w = w.into_inner().unwrap_or_else(|p| p.into_inner());
                let _ = w.wait_merging_threads();
            }
        })
        .await
        .map_err(|e| index_error("merge", e))?;
    }
    write_current(dir, &name).map_err(|e| index_error("switch", e))?;
    Ok((name, seq))
}

/// Everything that decides the indexed draft text: versions and publications.
/// Changes whenever what the draft documents say may change: a version saved or realigned, a
/// publication made, withdrawn or opened (the publication gate depends on the time).
async fn drafts_fingerprint(db: &Db) -> Result<String, AppError> {
    let (v, n): (i64, i64) =
        sqlx::query_as("select coalesce(max(id), 0), count(*) from draft_version")
            .fetch_one(&db.pool)
            .await?;
    let (p, m, opened, withdrawn): (i64, i64, i64, i64) = sqlx::query_as(
        "select coalesce(max(id), 0), count(*), \
         coalesce(sum(case when opens_at <= $1 then 1 else 0 end), 0), \
         coalesce(sum(case when withdrawn_at is null then 0 else 1 end), 0) from publication",
    )
    .bind(crate::ssr::now_ms())
    .fetch_one(&db.pool)
    .await?;
    let generation = crate::draft::ssr::GENERATION.load(std::sync::atomic::Ordering::Acquire);
    Ok(format!(
        "v{v}.{n}/p{p}.{m}.{opened}.{withdrawn}/g{generation}"
    ))
}

/// A feed row: id, seq, slug, title, version, uid, label, reason, suggested, channel, stance,
/// status, disposition, created_at, tracking, and `station|level|county`.
type FeedRow = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
);

async fn load_comments(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<Vec<(CommentDoc, i64)>, AppError> {
    let rows: Vec<FeedRow> = sqlx::query_as(
        "select c.id, c.seq, d.slug, d.title, c.version_number, c.unit_uid, c.unit_label, \
         c.reason, c.suggested, c.channel, c.stance, c.status, c.disposition, c.created_at, \
         c.tracking, \
         coalesce(s1.name, '') || '|' || coalesce(cast(s1.level as text), '') || '|' || \
         coalesce(case when s1.level = 2 then s1.name when s2.level = 2 then s2.name \
                       when s3.level = 2 then s3.name end, '') \
         from comment c join draft d on d.id = c.draft_id \
         left join station s1 on s1.id = c.station_id \
         left join station s2 on s2.id = s1.parent_id \
         left join station s3 on s3.id = s2.parent_id \
         where c.seq > $1 order by c.seq limit $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let st = r.15.unwrap_or_default();
            let mut parts = st.splitn(3, '|');
            let station = parts.next().unwrap_or("").to_string();
            let level = parts.next().unwrap_or("").to_string();
            let county = parts.next().unwrap_or("").to_string();
            (
                CommentDoc {
                    id: r.0,
                    slug: r.2,
                    draft_title: r.3,
                    version: r.4,
                    unit_uid: r.5,
                    unit_label: r.6,
                    reason: r.7,
                    suggested: r.8,
                    channel: r.9,
                    stance: r.10,
                    status: r.11,
                    disposition: r.12,
                    created_at: r.13,
                    tracking: r.14,
                    station,
                    level,
                    county,
                },
                r.1,
            )
        })
        .collect())
}

/// Every article (with its paragraphs' text) of every version of every draft. An article is
/// public in the newest version that the publication gate lets the public read it in, and
/// nowhere else.
async fn load_draft_docs(db: &Db) -> Result<Vec<DraftDoc>, AppError> {
    let rows: Vec<(i64, i64, String, String, i64, String)> = sqlx::query_as(
        "select v.id, d.id, d.slug, v.title, v.number, v.tree_json \
         from draft_version v join draft d on d.id = v.draft_id order by v.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    let mut released: std::collections::HashMap<i64, crate::draft::gate::Released> =
        Default::default();
    for (version_id, draft_id, slug, title, number, tree_json) in rows {
        if let std::collections::hash_map::Entry::Vacant(e) = released.entry(draft_id) {
            e.insert(crate::draft::gate::released(db, draft_id).await?);
        }
        let gate = &released[&draft_id];
        let tree: crate::draft::DraftTree = match serde_json::from_str(&tree_json) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, %slug, "stored draft tree does not parse; not indexed");
                continue;
            }
        };
        for a in tree.articles() {
            let mut text = String::new();
            a.walk(&mut |n| {
                if !n.text.is_empty() {
                    text.push_str(&n.text);
                    text.push('\n');
                }
            });
            out.push(DraftDoc {
                version_id,
                slug: slug.clone(),
                draft_title: if title.is_empty() {
                    tree.title.clone()
                } else {
                    title.clone()
                },
                version: number,
                uid: a.uid.clone(),
                label: a.label.clone(),
                text,
                public: gate.newest_with_article(&a.uid) == Some(number),
            });
        }
    }
    Ok(out)
}
