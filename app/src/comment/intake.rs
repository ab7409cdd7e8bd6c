//! The intake path of citizens' comments: what a submission goes through between the form and
//! the database, built to take a national consultation's load on one small server.
//!
//! - **Group commit.** Validated comments go into a bounded queue; one committer task writes
//!   whatever has accumulated in one transaction, so many comments share one fsync. A caller
//!   gets its tracking number only after that transaction committed (SQLite
//!   `synchronous=FULL`, PostgreSQL `synchronous_commit=on`): no receipt precedes its commit.
//! - **Back-pressure.** When the queue is full the caller gets 503 + `Retry-After` at once
//!   instead of the server collapsing under a burst.
//! - **Unit cache.** The draft's units and comment windows are cached per draft for a moment
//!   (and dropped at once when this server imports or publishes), so a submission does not
//!   parse the draft's tree.
//! - **Rate limits and a challenge.** Per client address and per contact, in this process's
//!   memory (approximate sliding windows). Above a softer per-address rate the form carries a
//!   small arithmetic question, signed with a deployment-wide key, that works without JavaScript.

use super::screen::{self, Flag};
use super::ssr::{normalize, valid_contact, NewComment};
use super::{tracking, Challenge, CommentTarget, Moderation, Stance, MAX_REASON_CHARS};
use crate::draft::{Node, NodeKind, Window, WindowState};
use crate::error::{AppError, FieldError};
use crate::ssr::{now_ms, Db, Settings};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Cached units are reloaded at once when this process changes a draft's versions or
/// publications (`draft::ssr::GENERATION`); other servers of the deployment, and a scheduled
/// publication opening, are seen after this long.
const UNIT_TTL: Duration = Duration::from_secs(2);
/// Most comments written in one transaction.
const MAX_BATCH: usize = 512;

/// Limits and policies of the intake, from the command line (see `yijian serve --help`).
#[derive(Clone, Debug)]
pub struct IntakeConfig {
    pub moderation: Moderation,
    /// Submissions one client address may make per minute before it gets 429.
    pub per_ip_per_min: u32,
    /// From this many submissions per minute, an address must answer the challenge.
    pub challenge_from_per_min: u32,
    /// Comments one contact (phone or e-mail) may leave per hour.
    pub per_contact_per_hour: u32,
    /// Comments waiting for the committer before new ones are turned away with 503.
    pub queue: usize,
    /// Absolute origin for links in e-mails (`https://yijian.example.gov.cn`).
    pub public_base: String,
}

impl IntakeConfig {
    pub fn from_settings(s: &Settings) -> IntakeConfig {
        IntakeConfig {
            moderation: s.moderation,
            per_ip_per_min: s.comment_per_ip_per_min,
            challenge_from_per_min: s.comment_challenge_from_per_min,
            per_contact_per_hour: s.comment_per_contact_per_hour,
            queue: s.intake_queue,
            public_base: s
                .public_url
                .as_ref()
                .map(|u| u.as_str().trim_end_matches('/').to_string())
                .unwrap_or_else(|| "http://127.0.0.1:3000".into()),
        }
    }
}

/// One unit that can be commented on.
#[derive(Clone, Debug)]
struct UnitInfo {
    label: String,
    article_uid: String,
    text: String,
    /// The version whose text of the unit the public reads (and comments are made on).
    version: i64,
}

/// What the intake needs to know about a draft: each unit the public may read, in the newest
/// released version that lets it read the unit's article (the publication gate), and the
/// comment windows.
#[derive(Debug)]
pub struct DraftUnits {
    pub draft_id: i64,
    /// The newest released version.
    pub version: i64,
    /// Its title.
    pub title: String,
    units: HashMap<String, UnitInfo>,
    /// Unit uids in document order.
    order: Vec<String>,
    /// (opens_at, closes_at, article uids, part label), oldest first.
    windows: Vec<Window>,
}

impl DraftUnits {
    /// Every unit in document order, for picking one by number or words.
    pub fn ordered(&self) -> Vec<crate::batch::pick::Unit> {
        self.order
            .iter()
            .filter_map(|uid| {
                self.units.get(uid).map(|u| crate::batch::pick::Unit {
                    uid: uid.clone(),
                    label: u.label.clone(),
                    text: u.text.clone(),
                })
            })
            .collect()
    }

    /// The unit's label, if it is in this version.
    pub fn label(&self, uid: &str) -> Option<&str> {
        self.units.get(uid).map(|u| u.label.as_str())
    }

    /// Whether opinions on the unit are accepted now; if not, why (in Chinese).
    pub fn accepting(&self, uid: &str) -> Result<(), String> {
        let unit = self
            .units
            .get(uid)
            .ok_or_else(|| "该条款已不在最新的草案文本中".to_string())?;
        match self.window(&unit.article_uid) {
            Some(w) if w.state == WindowState::Open => Ok(()),
            Some(w) => Err(format!("{}目前不接受意见：{}", unit.label, w.describe())),
            None => Err(format!("{}尚未公开征求意见", unit.label)),
        }
    }

    /// Whether any part of the draft is open now.
    pub fn any_open(&self) -> bool {
        let now = now_ms();
        self.windows
            .iter()
            .any(|w| Window::state_at(w.opens_at, w.closes_at, now) == WindowState::Open)
    }

    /// The latest window covering an article, with its state now.
    fn window(&self, article_uid: &str) -> Option<Window> {
        let now = now_ms();
        self.windows
            .iter()
            .rev()
            .find(|w| w.article_uids.iter().any(|u| u == article_uid))
            .map(|w| Window {
                state: Window::state_at(w.opens_at, w.closes_at, now),
                ..w.clone()
            })
    }
}

struct Row {
    draft_id: i64,
    version: i64,
    uid: String,
    label: String,
    stance: Stance,
    suggested: String,
    reason: String,
    name: String,
    region: String,
    category: String,
    contact: String,
    status: &'static str,
    key: String,
    account_id: Option<i64>,
    flags: String,
    created_at: i64,
    /// A receipt e-mail to queue in the same transaction: recipient, draft title, link base.
    mail_to: Option<(String, String, String)>,
}

struct Pending {
    row: Row,
    reply: oneshot::Sender<Result<String, AppError>>,
}

/// Who submits: the client address (for rate limits) and the logged-in account, if any.
#[derive(Clone, Copy, Debug, Default)]
pub struct Source {
    pub ip: Option<IpAddr>,
    pub account_id: Option<i64>,
}

/// When it was loaded, the drafts generation it was loaded at, and the units.
type CachedUnits = (Instant, u64, Arc<DraftUnits>);

pub struct Intake {
    db: Db,
    config: IntakeConfig,
    units: Mutex<HashMap<String, CachedUnits>>,
    limiter: Mutex<Limiter>,
    queue: mpsc::Sender<Pending>,
    secret: Vec<u8>,
}

impl Intake {
    /// Loads (or creates) the deployment's challenge key and starts the committer task.
    pub async fn start(
        db: Db,
        config: IntakeConfig,
        on_commit: Arc<dyn Fn() + Send + Sync>,
    ) -> Result<Arc<Intake>, AppError> {
        let secret = shared_secret(&db, "challenge").await?;
        let (tx, rx) = mpsc::channel(config.queue.max(1));
        let batches = Arc::new(AtomicU64::new(0));
        tokio::spawn(committer(db.clone(), rx, batches.clone(), on_commit));
        if db.backend == crate::ssr::Backend::Sqlite {
            tokio::spawn(checkpointer(db.clone(), batches));
        }
        Ok(Arc::new(Intake {
            db,
            config,
            units: Mutex::new(HashMap::new()),
            limiter: Mutex::new(Limiter::default()),
            queue: tx,
            secret,
        }))
    }

    pub fn config(&self) -> &IntakeConfig {
        &self.config
    }

    /// The draft's newest version as the intake sees it (cached for a moment).
    pub async fn units(&self, slug: &str) -> Result<Arc<DraftUnits>, AppError> {
        let generation = crate::draft::ssr::GENERATION.load(Ordering::Acquire);
        if let Ok(cache) = self.units.lock() {
            if let Some((at, g, u)) = cache.get(slug) {
                if *g == generation && at.elapsed() < UNIT_TTL {
                    return Ok(u.clone());
                }
            }
        }
        let loaded = Arc::new(load_units(&self.db, slug).await?);
        if let Ok(mut cache) = self.units.lock() {
            if cache.len() > 1000 {
                cache.clear();
            }
            cache.insert(slug.into(), (Instant::now(), generation, loaded.clone()));
        }
        Ok(loaded)
    }

    /// (article uid, label) of every article in the draft's newest version.
    pub async fn article_labels(&self, slug: &str) -> Result<Vec<(String, String)>, AppError> {
        let d = self.units(slug).await?;
        Ok(d.units
            .iter()
            .filter(|(uid, u)| **uid == u.article_uid)
            .map(|(uid, u)| (uid.clone(), u.label.clone()))
            .collect())
    }

    /// The unit a comment is for, in the newest version, with whether its part is open and —
    /// when the client has been submitting a lot — a challenge to answer.
    pub async fn target(
        &self,
        slug: &str,
        uid: &str,
        source: Source,
    ) -> Result<CommentTarget, AppError> {
        let d = self.units(slug).await?;
        let unit = d.units.get(uid).ok_or(AppError::NotFound)?;
        let window = d.window(&unit.article_uid);
        Ok(CommentTarget {
            slug: slug.into(),
            draft_title: d.title.clone(),
            uid: uid.into(),
            label: unit.label.clone(),
            text: unit.text.clone(),
            open: window
                .as_ref()
                .is_some_and(|w| w.state == WindowState::Open),
            window: window.map(|w| w.describe()),
            idempotency_key: random_key(),
            challenge: self
                .needs_challenge(source.ip)
                .then(|| self.new_challenge()),
            moderation: self.config.moderation,
        })
    }

    fn needs_challenge(&self, ip: Option<IpAddr>) -> bool {
        let Some(ip) = ip else { return false };
        let now = now_ms();
        self.limiter
            .lock()
            .map(|l| {
                l.rate(&ip_key(ip), MINUTE, now) >= f64::from(self.config.challenge_from_per_min)
            })
            .unwrap_or(false)
    }

    fn new_challenge(&self) -> Challenge {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        let (a, b): (u32, u32) = (rng.gen_range(2..=20), rng.gen_range(2..=20));
        let nonce: u64 = rng.gen();
        let payload = format!("{}.{a}.{b}.{nonce:x}", now_ms() + 15 * MINUTE);
        Challenge {
            question: format!("为防止恶意批量提交，请计算：{a} 加 {b} 等于多少？（填阿拉伯数字）"),
            token: format!("{payload}.{}", self.sign(&payload)),
        }
    }

    fn sign(&self, payload: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret)
            .expect("HMAC accepts keys of any length");
        mac.update(payload.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// Checks a challenge answer; each solved challenge is good for one submission.
    fn check_challenge(&self, token: &str, answer: &str) -> Result<(), AppError> {
        let wrong = || AppError::validation("challenge_answer", "验证问题的答案不正确，请重新计算");
        let (payload, sig) = token.rsplit_once('.').ok_or_else(wrong)?;
        if self.sign(payload) != sig {
            return Err(wrong());
        }
        let mut parts = payload.split('.');
        let expires: i64 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(wrong)?;
        let a: u32 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(wrong)?;
        let b: u32 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(wrong)?;
        let now = now_ms();
        if expires < now {
            return Err(AppError::validation(
                "challenge_answer",
                "验证问题已过期，请刷新页面后重新回答",
            ));
        }
        let given: String = answer
            .chars()
            .filter_map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                c => Some(c),
            })
            .filter(|c| !c.is_whitespace())
            .collect();
        if given.parse::<u32>().ok() != Some(a + b) {
            return Err(wrong());
        }
        let mut l = self.limiter.lock().map_err(|_| AppError::Internal)?;
        if !l.spend_token(sig, expires, now) {
            return Err(AppError::validation(
                "challenge_answer",
                "此验证问题已使用过，请回答新的问题",
            ));
        }
        Ok(())
    }

    /// Validates, screens and stores a comment; returns its tracking number once it is on disk.
    pub async fn submit(&self, c: NewComment, source: Source) -> Result<String, AppError> {
        let key = c.idempotency_key.trim().to_string();
        if !(16..=64).contains(&key.len())
            || !key
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        {
            return Err(AppError::BadRequest(
                "提交标识无效，请刷新页面后重试".into(),
            ));
        }
        match self.accept(c, key.clone(), source).await {
            Ok(t) => Ok(t),
            // A retry of a comment already stored gets its receipt even if the part has closed
            // or a limit has been reached since. (On the success path the committer recognises
            // the key itself, which saves a query per submission.)
            Err(e) => match tracking_for_key(&self.db, &key).await? {
                Some(t) => Ok(t),
                None => Err(e),
            },
        }
    }

    async fn accept(&self, c: NewComment, key: String, source: Source) -> Result<String, AppError> {
        let now = now_ms();
        if let Some(ip) = source.ip {
            let (rate, retry) = {
                let mut l = self.limiter.lock().map_err(|_| AppError::Internal)?;
                l.hit(&ip_key(ip), MINUTE, now)
            };
            if rate > f64::from(self.config.per_ip_per_min) {
                return Err(AppError::RateLimited {
                    retry_after_s: retry,
                });
            }
            if rate > f64::from(self.config.challenge_from_per_min) {
                match (&c.challenge_token, &c.challenge_answer) {
                    (Some(t), Some(a)) if !t.is_empty() => self.check_challenge(t, a)?,
                    _ => {
                        return Err(AppError::validation(
                            "challenge_answer",
                            "来自您网络的提交较多，请先回答页面上的验证问题再提交",
                        ))
                    }
                }
            }
        }
        let stance = Stance::parse(&c.stance)
            .ok_or_else(|| AppError::validation("stance", "请选择赞成、反对或修改建议"))?;
        let d = self.units(&c.slug).await?;
        let unit = d.units.get(&c.uid).ok_or(AppError::NotFound)?;
        match d.window(&unit.article_uid) {
            Some(w) if w.state == WindowState::Open => {}
            Some(w) => {
                return Err(AppError::Conflict(format!(
                    "本条目前不接受意见：{}",
                    w.describe()
                )))
            }
            None => return Err(AppError::Conflict("本条尚未公开征求意见".into())),
        }
        let reason = normalize(&c.reason);
        let suggested = normalize(&c.suggested);
        let (name, region, category, contact) = (
            normalize(&c.name),
            normalize(&c.region),
            normalize(&c.category),
            normalize(&c.contact),
        );
        let mut errors = Vec::new();
        let mut err = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        if reason.is_empty() {
            err("reason", "请填写理由");
        } else if reason.chars().count() > MAX_REASON_CHARS {
            err("reason", "理由不能超过 5000 字");
        }
        if suggested.chars().count() > MAX_REASON_CHARS {
            err("suggested", "建议条文不能超过 5000 字");
        }
        if name.chars().count() > 50 || region.chars().count() > 50 || category.chars().count() > 20
        {
            err("name", "姓名、地区或类别过长");
        }
        if !contact.is_empty() && !valid_contact(&contact) {
            err("contact", "联系方式须为手机号码或电子邮箱");
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if !contact.is_empty() {
            let mut l = self.limiter.lock().map_err(|_| AppError::Internal)?;
            let k = format!("c:{}", contact.to_lowercase());
            let (rate, retry) = l.hit(&k, HOUR, now);
            if rate > f64::from(self.config.per_contact_per_hour) {
                return Err(AppError::RateLimited {
                    retry_after_s: retry,
                });
            }
        }
        // The suggested wording starts as the unit's own text; unchanged, it suggests nothing.
        let suggested = if suggested == normalize(&unit.text) {
            String::new()
        } else {
            suggested
        };
        let flags = screen::screen(&[&reason, &suggested, &name, &region]);
        let status = if flags.iter().any(|f| f.holds_for_review()) {
            "reviewing"
        } else {
            match self.config.moderation {
                Moderation::Pre => "received",
                Moderation::Post => "published",
            }
        };
        let mail_to = contact.contains('@').then(|| {
            (
                contact.clone(),
                d.title.clone(),
                self.config.public_base.clone(),
            )
        });
        let row = Row {
            draft_id: d.draft_id,
            version: unit.version,
            uid: c.uid.clone(),
            label: unit.label.clone(),
            stance,
            suggested,
            reason,
            name,
            region,
            category,
            contact,
            status,
            key,
            account_id: source.account_id,
            flags: screen::flags_to_string(&flags),
            created_at: now,
            mail_to,
        };
        let (reply, answer) = oneshot::channel();
        self.queue
            .try_send(Pending { row, reply })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => AppError::Unavailable { retry_after_s: 2 },
                mpsc::error::TrySendError::Closed(_) => AppError::Internal,
            })?;
        answer.await.map_err(|_| AppError::Internal)?
    }

    /// The signature that proves a browser submitted comment `tracking` (kept in its cookie).
    pub fn sign_receipt(&self, tracking: &str) -> String {
        self.sign(&format!("receipt:{tracking}"))
    }

    /// Counts one tracking-number lookup by a client and refuses more than 30 a minute: a
    /// receipt number is a weak secret (a person's own comment), so it must not be guessable
    /// by trying hundreds a second.
    pub fn check_lookup_rate(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        const PER_MINUTE: f64 = 30.0;
        let key = format!("t:{}", ip.map(ip_key).unwrap_or_default());
        let (rate, retry) =
            self.limiter
                .lock()
                .map_err(|_| AppError::Internal)?
                .hit(&key, MINUTE, now_ms());
        if rate > PER_MINUTE {
            return Err(AppError::RateLimited {
                retry_after_s: retry,
            });
        }
        Ok(())
    }

    /// Base URL for links in e-mails.
    pub fn public_base(&self) -> &str {
        &self.config.public_base
    }
}

/// Flags as the moderation queue shows them.
pub fn flag_labels(flags: &str) -> Vec<&'static str> {
    screen::flags_from_str(flags)
        .into_iter()
        .map(Flag::label)
        .collect()
}

async fn tracking_for_key(db: &Db, key: &str) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("select tracking from comment where idempotency_key = $1")
            .bind(key)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// A random secret shared by every server of the deployment, created on first use.
async fn shared_secret(db: &Db, name: &str) -> Result<Vec<u8>, AppError> {
    let fresh = {
        use rand::RngCore;
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex::encode(b)
    };
    sqlx::query("insert into app_secret (name, value) values ($1, $2) on conflict do nothing")
        .bind(name)
        .bind(&fresh)
        .execute(&db.pool)
        .await?;
    let value: String = sqlx::query_scalar("select value from app_secret where name = $1")
        .bind(name)
        .fetch_one(&db.pool)
        .await?;
    hex::decode(value).map_err(|_| AppError::Internal)
}

pub(crate) fn random_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

async fn load_units(db: &Db, slug: &str) -> Result<DraftUnits, AppError> {
    use crate::draft::gate;
    let draft_id = gate::draft_id(db, slug).await?;
    let released = gate::released(db, draft_id).await?;
    // Nothing released: no unit can be read or commented on (0: no version).
    let newest = released.newest().unwrap_or(0);
    let mut units = HashMap::new();
    let mut order = Vec::new();
    let mut title = String::new();
    let mut taken: std::collections::HashSet<String> = Default::default();
    // Newest first: an article is read (and commented on) in the newest released version
    // that releases it; older versions fill in articles released only there.
    for number in released.numbers().collect::<Vec<_>>().into_iter().rev() {
        let Some(scope) = released.scope(number) else {
            continue;
        };
        let row: Option<(String, String)> = sqlx::query_as(
            "select title, tree_json from draft_version where draft_id = $1 and number = $2",
        )
        .bind(draft_id)
        .bind(number)
        .fetch_optional(&db.pool)
        .await?;
        let Some((version_title, tree_json)) = row else {
            continue;
        };
        let tree: crate::draft::DraftTree = serde_json::from_str(&tree_json).map_err(|e| {
            tracing::error!(error = %e, %slug, "stored draft tree does not parse");
            AppError::Internal
        })?;
        if number == newest {
            title = if version_title.is_empty() {
                tree.title.clone()
            } else {
                version_title
            };
        }
        let mut found = HashMap::new();
        let mut found_order = Vec::new();
        walk(&tree.nodes, None, number, &mut found, &mut found_order);
        let articles: std::collections::HashSet<String> = found
            .values()
            .map(|u: &UnitInfo| u.article_uid.clone())
            .filter(|a| scope.article(a) && !taken.contains(a))
            .collect();
        for uid in found_order {
            if let Some(u) = found.remove(&uid) {
                if articles.contains(&u.article_uid) {
                    order.push(uid.clone());
                    units.insert(uid, u);
                }
            }
        }
        taken.extend(articles);
    }
    /// Labels follow the unit's position in its version (第十二条第2款第3项); the uid may
    /// carry an older numbering.
    fn walk(
        nodes: &[Node],
        ctx: Option<(&str, &str)>,
        version: i64,
        units: &mut HashMap<String, UnitInfo>,
        order: &mut Vec<String>,
    ) {
        let (mut paragraphs, mut items, mut subitems) = (0, 0, 0);
        for n in nodes {
            let label = match (n.kind, ctx) {
                (NodeKind::Tiao, _) => Some(n.label.clone()),
                (NodeKind::Kuan, Some((l, _))) => {
                    paragraphs += 1;
                    Some(format!("{l}第{paragraphs}款"))
                }
                (NodeKind::Xiang, Some((l, _))) => {
                    items += 1;
                    Some(format!("{l}第{items}项"))
                }
                (NodeKind::Mu, Some((l, _))) => {
                    subitems += 1;
                    Some(format!("{l}第{subitems}目"))
                }
                _ => None,
            };
            let article_uid = match (n.kind, ctx) {
                (NodeKind::Tiao, _) => Some(n.uid.as_str()),
                (_, Some((_, a))) => Some(a),
                _ => None,
            };
            match (label, article_uid) {
                (Some(label), Some(article_uid)) => {
                    if !n.uid.is_empty() {
                        order.push(n.uid.clone());
                        units.insert(
                            n.uid.clone(),
                            UnitInfo {
                                label: label.clone(),
                                article_uid: article_uid.to_string(),
                                text: unit_text(n),
                                version,
                            },
                        );
                    }
                    walk(
                        &n.children,
                        Some((&label, article_uid)),
                        version,
                        units,
                        order,
                    );
                }
                _ => walk(&n.children, None, version, units, order),
            }
        }
    }
    let windows = crate::draft::ssr::windows(db, draft_id).await?;
    Ok(DraftUnits {
        draft_id,
        version: newest,
        title,
        units,
        order,
        windows,
    })
}

fn unit_text(n: &Node) -> String {
    let mut out = String::new();
    n.walk(&mut |d| {
        if !d.text.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            if matches!(d.kind, NodeKind::Xiang | NodeKind::Mu) {
                out.push_str(&d.label);
            }
            out.push_str(&d.text);
        }
    });
    out
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

fn ip_key(ip: IpAddr) -> String {
    crate::ssr::web::client_key(ip)
}

/// Approximate sliding-window counters: the current fixed window plus the previous one weighted
/// by how much of it still overlaps. Memory stays bounded: stale keys are dropped as the map grows.
#[derive(Default)]
struct Limiter {
    counters: HashMap<String, Counter>,
    spent: HashMap<String, i64>,
}

#[derive(Clone, Copy)]
struct Counter {
    window: i64,
    start: i64,
    current: u32,
    previous: u32,
}

impl Counter {
    fn roll(&mut self, now: i64) {
        let w = now.div_euclid(self.window) * self.window;
        if w != self.start {
            self.previous = if w - self.start == self.window {
                self.current
            } else {
                0
            };
            self.current = 0;
            self.start = w;
        }
    }

    fn rate(&self, now: i64) -> f64 {
        let elapsed = (now - self.start) as f64 / self.window as f64;
        f64::from(self.previous) * (1.0 - elapsed).max(0.0) + f64::from(self.current)
    }
}

impl Limiter {
    /// Counts one event and returns the rate including it, and seconds until it is lower.
    fn hit(&mut self, key: &str, window: i64, now: i64) -> (f64, u64) {
        if self.counters.len() > 100_000 {
            self.counters.retain(|_, c| now - c.start < 2 * c.window);
        }
        let c = self.counters.entry(key.into()).or_insert(Counter {
            window,
            start: now.div_euclid(window) * window,
            current: 0,
            previous: 0,
        });
        c.roll(now);
        c.current += 1;
        let retry = ((c.start + window - now) / 1000).max(1) as u64;
        (c.rate(now), retry)
    }

    fn rate(&self, key: &str, window: i64, now: i64) -> f64 {
        self.counters
            .get(key)
            .map(|c| {
                let mut c = *c;
                c.window = window;
                c.roll(now);
                c.rate(now)
            })
            .unwrap_or(0.0)
    }

    /// Marks a solved challenge used; false if it already was.
    fn spend_token(&mut self, sig: &str, expires: i64, now: i64) -> bool {
        if self.spent.len() > 100_000 {
            self.spent.retain(|_, e| *e > now);
        }
        self.spent.insert(sig.into(), expires).is_none()
    }
}

/// Copies the SQLite write-ahead log into the database file every second, on its own
/// connection: a passive checkpoint does not block the committer, so the copying and its fsync
/// happen beside the commits instead of inside one of them (with SQLite's automatic checkpoint
/// every 1,000 pages, one commit in a few dozen waited for it: the p99). `batches` counts the
/// committer's transactions; idle seconds cost nothing, and the task ends with the committer.
async fn checkpointer(db: Db, batches: Arc<AtomicU64>) {
    let mut seen = 0;
    let mut idle = 0u32;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if Arc::strong_count(&batches) == 1 {
            return;
        }
        let now = batches.load(Ordering::Relaxed);
        if now == seen {
            idle += 1;
            // After half a minute without comments the log is copied and emptied (TRUNCATE),
            // so a burst's log does not stay on disk; busy moments keep the passive mode.
            if idle == 30 {
                if let Err(e) = sqlx::query("pragma wal_checkpoint(truncate)")
                    .execute(&db.pool)
                    .await
                {
                    tracing::debug!(error = %e, "WAL truncation deferred");
                }
            }
            continue;
        }
        seen = now;
        idle = 0;
        if let Err(e) = sqlx::query("pragma wal_checkpoint(passive)")
            .execute(&db.pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

/// Writes queued comments, many per transaction, and answers each caller after the commit.
async fn committer(
    db: Db,
    mut rx: mpsc::Receiver<Pending>,
    batches: Arc<AtomicU64>,
    on_commit: Arc<dyn Fn() + Send + Sync>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // One connection kept for writing: its page cache stays warm (on SQLite a connection that
    // did not make the last write re-reads the pages it touches).
    let mut conn: Option<sqlx::pool::PoolConnection<sqlx::Any>> = None;
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let started = Instant::now();
        let written = match &mut conn {
            Some(c) => write_batch(c, db.backend, &batch).await,
            None => match db.pool.acquire().await {
                Ok(mut c) => {
                    if db.backend == crate::ssr::Backend::Sqlite {
                        // The unique indexes (tracking number, idempotency key) take random
                        // keys; a large page cache keeps their pages in memory as they grow.
                        let _ = sqlx::query("pragma cache_size = -65536")
                            .execute(&mut *c)
                            .await;
                        // Checkpoints run beside the commits (see `checkpointer`), not in them.
                        let _ = sqlx::query("pragma wal_autocheckpoint = 0")
                            .execute(&mut *c)
                            .await;
                    }
                    let r = write_batch(&mut c, db.backend, &batch).await;
                    conn = Some(c);
                    r
                }
                Err(e) => Err(e),
            },
        };
        if written.is_err() {
            // The connection may be what failed; the next batch gets a fresh one.
            conn = None;
        }
        batches.fetch_add(1, Ordering::Relaxed);
        on_commit();
        tracing::debug!(
            n = batch.len(),
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "comments committed"
        );
        let results = match written {
            Ok(r) => r,
            Err(e) => {
                // One bad row must not sink the others: retry them one transaction each.
                tracing::warn!(error = %e, n = batch.len(), "group commit failed; retrying one by one");
                let mut r = Vec::with_capacity(batch.len());
                for p in &batch {
                    let one = match db.pool.acquire().await {
                        Ok(mut c) => write_batch(&mut c, db.backend, std::slice::from_ref(p)).await,
                        Err(e) => Err(e),
                    };
                    r.push(match one {
                        Ok(mut one) => one.pop().unwrap_or(Err(AppError::Internal)),
                        Err(e) => {
                            tracing::error!(error = %e, "comment could not be stored");
                            Err(AppError::Internal)
                        }
                    });
                }
                r
            }
        };
        for (p, r) in batch.drain(..).zip(results) {
            // The caller may have gone away (closed connection); the comment stays stored and
            // its retry with the same key gets the same number.
            let _ = p.reply.send(r);
        }
    }
}

/// Rows per multi-row `insert` (18 parameters each; well under both backends' limits).
const ROWS_PER_INSERT: usize = 256;

/// Writes a batch in one transaction with multi-row inserts, so one commit (one fsync) and a
/// handful of round trips serve hundreds of comments. Returns each caller's tracking number.
async fn write_batch(
    conn: &mut sqlx::AnyConnection,
    backend: crate::ssr::Backend,
    batch: &[Pending],
) -> Result<Vec<Result<String, AppError>>, sqlx::Error> {
    use std::collections::HashSet;
    let mut out: Vec<Option<Result<String, AppError>>> = (0..batch.len()).map(|_| None).collect();
    // Rows sharing a key (a retry racing its original within one batch) are written once; the
    // others get the first one's answer.
    let mut first_of_key: HashMap<&str, usize> = HashMap::new();
    let mut twins: Vec<(usize, usize)> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    for (i, p) in batch.iter().enumerate() {
        match first_of_key.get(p.row.key.as_str()) {
            Some(&f) => twins.push((i, f)),
            None => {
                first_of_key.insert(&p.row.key, i);
                pending.push(i);
            }
        }
    }
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    for _round in 0..5 {
        if pending.is_empty() {
            break;
        }
        let drawn: HashMap<usize, String> = pending
            .iter()
            .map(|&i| (i, tracking::make(rand::random::<u64>() & ((1 << 35) - 1))))
            .collect();
        let mut inserted: HashSet<String> = HashSet::new();
        for chunk in pending.chunks(ROWS_PER_INSERT) {
            // Numbers of the search feed for the whole chunk at once (see the migration
            // `search_feed`); on PostgreSQL this also orders concurrent writers by commit.
            let last: i64 = sqlx::query_scalar(
                "update feed_counter set value = value + $1 where id = 1 returning value",
            )
            .bind(chunk.len() as i64)
            .fetch_one(&mut *tx)
            .await?;
            let first_seq = last - chunk.len() as i64 + 1;
            let mut sql = String::from(
                "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, \
                 suggested, reason, name, region, category, contact, tracking, status, \
                 idempotency_key, account_id, flags, created_at, seq) values ",
            );
            for j in 0..chunk.len() {
                let b = j * 18;
                if j > 0 {
                    sql.push(',');
                }
                sql.push('(');
                // SQLite looks `$N` names up one by one (quadratic in a long statement);
                // anonymous `?` binds by position.
                sql.push_str(
                    &(1..=18)
                        .map(|k| match backend {
                            crate::ssr::Backend::Sqlite => "?".to_string(),
                            crate::ssr::Backend::Postgres => format!("${}", b + k),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                );
                sql.push(')');
            }
            sql.push_str(" on conflict do nothing returning idempotency_key");
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for (j, &i) in chunk.iter().enumerate() {
                let r = &batch[i].row;
                q = q
                    .bind(r.draft_id)
                    .bind(r.version)
                    .bind(&r.uid)
                    .bind(&r.label)
                    .bind(r.stance.as_str())
                    .bind(&r.suggested)
                    .bind(&r.reason)
                    .bind(&r.name)
                    .bind(&r.region)
                    .bind(&r.category)
                    .bind(&r.contact)
                    .bind(&drawn[&i])
                    .bind(r.status)
                    .bind(&r.key)
                    .bind(r.account_id)
                    .bind(&r.flags)
                    .bind(r.created_at)
                    .bind(first_seq + j as i64);
            }
            inserted.extend(q.fetch_all(&mut *tx).await?);
        }
        let mut missing = Vec::new();
        for &i in &pending {
            let r = &batch[i].row;
            if !inserted.contains(&r.key) {
                missing.push(i);
                continue;
            }
            let t = drawn[&i].clone();
            if let Some((to, title, base)) = &r.mail_to {
                let (subject, text, html) = super::mail::receipt(&t, title, &r.label, base);
                sqlx::query(
                    "insert into outbox (kind, recipient, subject, body_text, body_html, \
                     next_attempt_at, created_at) values ('comment_receipt', $1, $2, $3, $4, $5, $5)",
                )
                .bind(to)
                .bind(subject)
                .bind(text)
                .bind(html)
                .bind(r.created_at)
                .execute(&mut *tx)
                .await?;
            }
            out[i] = Some(Ok(t));
        }
        // Not inserted: a retry of a comment stored earlier (its key exists), or rarely a
        // tracking-number collision, which the next round re-draws.
        pending.clear();
        for i in missing {
            let existing: Option<String> =
                sqlx::query_scalar("select tracking from comment where idempotency_key = $1")
                    .bind(&batch[i].row.key)
                    .fetch_optional(&mut *tx)
                    .await?;
            match existing {
                Some(t) => out[i] = Some(Ok(t)),
                None => pending.push(i),
            }
        }
    }
    tx.commit().await?;
    for (i, f) in twins {
        out[i] = out[f].clone();
    }
    Ok(out
        .into_iter()
        .map(|o| o.unwrap_or(Err(AppError::Internal)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_counts_a_sliding_minute() {
        let mut l = Limiter::default();
        let t0 = 10 * MINUTE;
        for i in 0..10 {
            assert_eq!(l.hit("ip:a", MINUTE, t0 + i).0, f64::from(i as u32 + 1));
        }
        // Half-way into the next minute, half of the previous minute still counts.
        let (rate, _) = l.hit("ip:a", MINUTE, t0 + MINUTE + MINUTE / 2);
        assert!((rate - 6.0).abs() < 0.01, "{rate}");
        assert_eq!(l.rate("ip:b", MINUTE, t0), 0.0);
        // Two minutes of silence forget everything.
        assert_eq!(l.rate("ip:a", MINUTE, t0 + 3 * MINUTE), 0.0);
    }

    #[test]
    fn a_solved_challenge_is_good_once() {
        let mut l = Limiter::default();
        assert!(l.spend_token("abc", 100, 0));
        assert!(!l.spend_token("abc", 100, 1));
    }

    #[test]
    fn ipv6_addresses_share_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(ip_key(a), ip_key(b));
    }
}
