//! The command line of `yijian bench …`.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Parse the largest corpus text (民法典合同编, 526 articles) and render its reading page
    /// (SSR). Metrics: parse_ms, render_ms (medians), against a line-splitting baseline.
    Parse {
        /// Another file to parse instead.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Repetitions (the median is reported).
        #[arg(long, default_value_t = 30)]
        iterations: usize,
    },
    /// Start a real `yijian serve` on loopback over a temporary database (demo data) and drive
    /// it over HTTP with concurrent clients posting comments to the same endpoint a browser
    /// uses; then an overload burst. The server's comment rate limits are raised for this (the
    /// output says so). Metrics per backend: comments_per_s (acknowledged, i.e. durable),
    /// p50_ms, p99_ms, peak_rss_mb, rss_start_mb/rss_end_mb (memory over the run),
    /// acknowledged_missing (must be 0), burst_* figures.
    Ingest(IngestArgs),
    /// Generate comments by recombining sentences of the real citizen messages in
    /// `../shared/corpus/comments/`, index them, run a mix of queries with and without facets,
    /// and run the same queries as PostgreSQL `ILIKE` (and `pg_trgm` when available) and
    /// SQLite `LIKE` on the same data. Metrics: index_docs_per_s, p50_ms, p99_ms, index_mb,
    /// peak_rss_mb, speedup_vs_pg_ilike_p50, speedup_vs_pg_trgm_p50, speedup_vs_sqlite_like_p50,
    /// and the hit counts of each engine.
    Search(SearchBenchArgs),
    /// Cluster `--docs` opinions of one article (sentences of the real messages recombined),
    /// and detect campaigns among `--campaign-docs` opinions, a fifth of them copies of the
    /// real campaign templates with words substituted and inserted. Metrics: cluster_100k_s,
    /// campaigns_1m_s, campaign_precision, campaign_recall (pairs, against the generator's
    /// labels), and an exact-duplicate baseline's recall.
    Cluster(ClusterBenchArgs),
    /// Generate `--rows` comments in a temporary SQLite database and export them through the
    /// committee's download code: CSV (drained as a client reads it), and XLSX (summary and a
    /// sheet per article, then one flat sheet). Metrics: csv_1m_s, xlsx_1m_s, xlsx_peak_mb
    /// (peak resident memory of the process during the XLSX export), xlsx_flat_1m_s,
    /// xlsx_flat_peak_mb, file sizes.
    Export(ExportBenchArgs),
    /// Start a real `yijian serve` on loopback (demo data plus the 民法典合同编 saved and
    /// published whole: a 526-article reading page) and read it as anonymous browsers do
    /// (keep-alive, gzip): the draft list, the reading page and comment pages, each for
    /// `--seconds`, then a burst of ten times the readers. Once with the server's page cache
    /// and once without. Metrics per target: requests_per_s, p50_ms, p99_ms,
    /// transferred_kb_per_request, errors; for the burst: ok, refused_with_retry_after
    /// (429/503 with Retry-After), other_status, connection_errors, p99_ms.
    Read(ReadBenchArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ReadBenchArgs {
    /// Length of each target's run, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent readers (one keep-alive connection each); the burst opens ten times as many.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// Requests each burst connection makes.
    #[arg(long, default_value_t = 3)]
    pub burst_requests: u64,
    /// The server's page cache for the first run (`serve --page-cache-seconds`); a second run
    /// follows with it off. 0: only the run without.
    #[arg(long, default_value_t = 30)]
    pub page_cache_seconds: u64,
    /// The draft to read (default: the 民法典合同编 fixture, 526 articles).
    #[arg(long, default_value_os_t = super::default_parse_file())]
    pub file: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct ExportBenchArgs {
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// The corpus of real messages (JSON lines, gzip): comment texts are built from it.
    #[arg(
        long,
        default_value = "../shared/corpus/comments/tipdm2020-c-citizen-messages-attachment3.jsonl.gz"
    )]
    pub corpus: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct ClusterBenchArgs {
    /// Opinions of one article to cluster.
    #[arg(long, default_value_t = 100_000)]
    pub docs: usize,
    /// Opinions among which to detect campaigns.
    #[arg(long, default_value_t = 1_000_000)]
    pub campaign_docs: usize,
    /// The corpus of real messages (JSON lines, gzip): unique opinions are built from it.
    #[arg(
        long,
        default_value = "../shared/corpus/comments/tipdm2020-c-citizen-messages-attachment3.jsonl.gz"
    )]
    pub corpus: PathBuf,
    /// The campaign templates (Markdown, `>` quotes under `` `label` `` lines).
    #[arg(
        long,
        default_value = "../shared/corpus/comments-b/fcc-17-108-campaign-templates.md"
    )]
    pub templates: PathBuf,
    /// The short form-letter case (Markdown; its numbered lines are the templates).
    #[arg(
        long,
        default_value = "../shared/cases/campaigns/short-form-letters.md"
    )]
    pub short_letters: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct SearchBenchArgs {
    /// Comments to generate.
    #[arg(long, default_value_t = 1_000_000)]
    pub docs: usize,
    /// The corpus of real messages (JSON lines, gzip).
    #[arg(
        long,
        default_value = "../shared/corpus/comments/tipdm2020-c-citizen-messages-attachment3.jsonl.gz"
    )]
    pub corpus: PathBuf,
    /// PostgreSQL server for the baseline: a table is created in this database and dropped
    /// afterwards. Without it the PostgreSQL baseline is skipped.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Query repetitions for tantivy (each query of the mix this many times).
    #[arg(long, default_value_t = 20)]
    pub repeat: usize,
    /// Indexing memory budget in MiB.
    #[arg(long, default_value_t = 512)]
    pub heap_mb: usize,
    /// Skip the SQLite LIKE baseline.
    #[arg(long)]
    pub no_sqlite: bool,
    /// Also build a pg_trgm GIN index and time the queries with it (about 3 minutes at 1M).
    #[arg(long)]
    pub pg_trgm: bool,
}

#[derive(Args, Debug, Clone)]
pub struct IngestArgs {
    /// Length of the steady run, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent clients (one keep-alive connection each, each posting as fast as answered).
    #[arg(long, default_value_t = 128)]
    pub clients: usize,
    /// Also measure PostgreSQL: a temporary database is created on this server (the URL's
    /// database is used only to create and drop it).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Connections opened at once for the overload burst (0 skips it).
    #[arg(long, default_value_t = 1000)]
    pub burst_clients: usize,
    /// The server's intake queue for the run (`serve --intake-queue`); the burst overruns it.
    #[arg(long, default_value_t = 256)]
    pub intake_queue: usize,
}
