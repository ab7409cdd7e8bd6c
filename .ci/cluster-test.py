#!/usr/bin/env python3
"""Several servers, one database: Debian's nginx in front of three `yijian serve` processes on
one PostgreSQL database, driven through the proxy and checked.

Usage: cluster-test.py YIJIAN_BIN POSTGRES_URL

Checks, in order:
  1. a session made through one server holds on every server;
  2. a comment retried with its idempotency key on each server returns the first receipt;
  3. a comment is found by the committee's search on every server (target: within 2 s; the
     time taken is printed);
  4. under load through nginx, one server is killed with SIGKILL: every acknowledged comment is
     in the database once, the proxy routes around the dead server, and the server rejoins on
     restart (healthy, its search index caught up);
  5. every receipt e-mail of the run is delivered once (outbox leases), to a real SMTP sink;
     mail the killed server had claimed waits for its lease (5 min) and is counted apart;
  6. the committee schedules a part through the proxy to open at the next minute: one
     publication, one notice and one notice mail per station; until it opens every server
     refuses comments on it (opening is no job: notices and mails are made at publication);
  7. the same publication sent to the three servers at once makes one publication (the others
     refused as overlapping);
  8. a station operator records an opinion through the proxy and its forward reaches the three
     servers at once: one batch with the opinion, one receipt mail, the two others refused (409);
  9. after a disposition recorded through the proxy, the feedback report (意见采纳情况说明) is
     published on the three servers at once: one publication, one mail per submitter address
     and per station, queued by one server, the disposition in its submitter's mail;
 10. re-clustering (on demand, not scheduled) ran once per changed article during check 9, and
     every opinion is in one cluster;
 11. the part of check 6 opens on time on every server and opening adds no notice or mail;
 12. the three servers are restarted at once with the deadline reminder and the daily digest
     due (they were off until then): one reminder per silent station, one digest per address;
 13. every mail of checks 6–12 is delivered once by the SMTP sink.
Prints one line per check. A check that finds something done more than once prints FAIL and the
run goes on with the later checks (what it leaves behind does not disturb them); any other
failure stops the run. Exits non-zero if any check failed.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

BIN, PG_URL = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
SINK = os.path.join(HERE, "..", "server", "tests", "it", "smtp_sink.py")
SLUG = "changji-urban-heating"
UNITS = ["art-1", "art-2", "art-3", "art-4", "art-5", "art-6", "art-7", "art-8"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


FLAWS = []


def flaw(msg):
    """A check found something done more than once: reported, and the run goes on (the state
    is still fit for the later checks); the run exits non-zero at the end."""
    print(f"FAIL: {msg}", flush=True)
    FLAWS.append(msg)


def ok(msg):
    print(f"ok: {msg}", flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


OPENER = urllib.request.build_opener(NoRedirect)
PUBLIC = [None]


def request(base, path, form=None, cookie=None, timeout=15):
    """(status, headers, body) of one request; form posts as the site's own script does."""
    data = None
    headers = {"Accept": "application/json" if form is not None else "text/html"}
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        # The site's own pages sit at the public URL, whichever server answers.
        headers["Origin"] = PUBLIC[0] or base
    if cookie:
        headers["Cookie"] = cookie
    req = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


def psql(db_url, sql):
    out = subprocess.run(["psql", db_url, "-Atqc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


class Cluster:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="yijian-cluster-")
        self.db = "yj_cluster_%08x" % random.getrandbits(32)
        psql(PG_URL, f"create database {self.db}")
        u = urllib.parse.urlsplit(PG_URL)
        self.db_url = urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + self.db, u.query, ""))
        self.proxy_port = free_port()
        self.public = f"http://127.0.0.1:{self.proxy_port}"
        PUBLIC[0] = self.public
        self.smtp_port = free_port()
        self.mail_dir = os.path.join(self.tmp, "mail")
        os.makedirs(self.mail_dir)
        self.sink = None
        self.ports = [free_port() for _ in range(3)]
        self.procs = [None, None, None]
        self.nginx = None
        # The scheduled jobs are off until the jobs check turns them on (see `restart_all`).
        self.job_flags = ["--reminder-days", "0"]

    def start_sink(self):
        """The SMTP sink, listening before any server starts: without it every mail would fail
        (and wait for its retry) and the mail checks would prove nothing."""
        python = next((py for py in (sys.executable, "/usr/bin/python3") if os.path.exists(py)
                       and subprocess.run([py, "-c", "import aiosmtpd"],
                                          capture_output=True).returncode == 0), None)
        if python is None:
            fail("no Python with aiosmtpd for the SMTP sink (Debian: python3-aiosmtpd)")
        self.sink = subprocess.Popen([python, SINK, str(self.smtp_port), self.mail_dir],
                                     stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.smtp_port), 0.5).close()
                return
            except OSError:
                if self.sink.poll() is not None:
                    fail("the SMTP sink exited")
                time.sleep(0.1)
        fail("the SMTP sink did not listen")

    def spawn(self, i, demo=False):
        d = os.path.join(self.tmp, f"s{i}")
        os.makedirs(d, exist_ok=True)
        log = open(os.path.join(d, "server.log"), "a")
        args = [BIN, "serve", "--bind", f"127.0.0.1:{self.ports[i]}", "--data-dir", d,
                "--database-url", self.db_url, "--public-url", self.public, "--trust-proxy",
                "--smtp-url", f"smtp://127.0.0.1:{self.smtp_port}",
                "--site-root", os.path.join(self.tmp, "site"),
                # Load from one address (the proxy's): limits raised for the run.
                "--comment-per-ip-per-min", "1000000",
                "--comment-challenge-from-per-min", "1000000",
                "--comment-per-contact-per-hour", "1000000"] + self.job_flags
        if demo:
            args.append("--demo")
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        self.procs[i] = subprocess.Popen(args, stdout=log, stderr=log, env=env)

    def wait_ready(self, i):
        d = os.path.join(self.tmp, f"s{i}")
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if request(self.base(i), "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.procs[i].poll() is not None:
                with open(os.path.join(d, "server.log"), errors="replace") as f:
                    tail = f.read()[-2000:]
                fail(f"server {i} exited:\n{tail}")
            time.sleep(0.2)
        fail(f"server {i} not ready")

    def start_server(self, i, demo=False):
        self.spawn(i, demo)
        self.wait_ready(i)

    def restart_all(self, job_flags):
        """Stops the three servers (SIGTERM) and starts them again at the same moment with
        `job_flags`: each runs the scheduled jobs as it starts, so the three race for them."""
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                fail("a server did not stop within 30 s of SIGTERM")
        self.job_flags = job_flags
        for i in range(3):
            self.spawn(i)
        for i in range(3):
            self.wait_ready(i)

    def base(self, i):
        return f"http://127.0.0.1:{self.ports[i]}"

    def start_nginx(self):
        prefix = os.path.join(self.tmp, "nginx")
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        upstreams = "\n".join(
            f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in self.ports)
        conf = f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  upstream yijian {{
{upstreams}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{self.proxy_port};
    client_max_body_size 34m;
    location / {{
      proxy_pass http://yijian;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""
        path = os.path.join(prefix, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.nginx = subprocess.Popen(["nginx", "-p", prefix, "-c", path, "-g", "daemon off;"])
        for _ in range(100):
            try:
                if request(self.public, "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        fail("nginx did not answer")

    def stop(self):
        for p in self.procs + [self.nginx, self.sink]:
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        for _ in range(20):
            try:
                psql(PG_URL, f"drop database if exists {self.db} with (force)")
                break
            except subprocess.CalledProcessError:
                time.sleep(0.5)
        shutil.rmtree(self.tmp, ignore_errors=True)


def login(base, name, password):
    status, headers, body = request(base, "/api/auth/login", {"name": name, "password": password})
    if status != 200:
        fail(f"login {name}: {status} {body[:200]}")
    for v in headers.get_all("Set-Cookie") or []:
        if v.startswith("yj_session="):
            return v.split(";")[0]
    fail("no session cookie")


def comment(base, key, reason, contact=""):
    form = {"slug": SLUG, "uid": random.choice(UNITS), "stance": "amend", "reason": reason,
            "region": "昌吉市", "idempotency_key": key}
    if contact:
        form["contact"] = contact
    return request(base, "/api/comments/submit", form)


def at_once(calls):
    """Runs the calls in threads released together; their results in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        try:
            results[i] = calls[i]()
        except OSError as e:
            results[i] = (0, None, str(e))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def china_minute(ms):
    """`YYYY-MM-DDTHH:MM` in China time, as the publish form takes it."""
    return time.strftime("%Y-%m-%dT%H:%M", time.gmtime(ms / 1000 + 8 * 3600))


def china_day(ms):
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000 + 8 * 3600))


def sql_str(v):
    return "'" + str(v).replace("'", "''") + "'"


def wait_outbox_sent(c, mark, limit=90):
    """Waits until every mail queued after outbox row `mark` is sent; fails on a failed one."""
    deadline = time.time() + limit
    while True:
        left, failed = psql(c.db_url, "select coalesce(sum(case when status = 'queued' then 1 else 0 end), 0), "
                                      "coalesce(sum(case when status = 'failed' then 1 else 0 end), 0) "
                                      f"from outbox where id > {mark}").split("|")
        if int(failed):
            fail(f"{failed} mails failed: " + psql(c.db_url, "select kind || ' ' || recipient || ': ' || last_error "
                                                           f"from outbox where id > {mark} and status = 'failed' limit 3"))
        if int(left) == 0:
            return
        if time.time() > deadline:
            fail(f"{left} mails still queued after {limit} s")
        time.sleep(0.3)


# The committee's publications of the checks, each to the stations of one county (the county
# station and everything under it), on parts of the demo draft not yet published.
COUNTY_SCHEDULED = "吉木萨尔县"
COUNTY_RACED = "木垒哈萨克自治县"
DIGEST_TO = ["digest-a@example.org", "digest-b@example.org"]


def later_checks(c, cookie):
    """Checks 6–13: the committee's and the stations' work through the proxy, what is done once
    however many servers there are, and the scheduled jobs."""
    proxy, db = c.public, c.db_url
    draft_id = psql(db, f"select id from draft where slug = {sql_str(SLUG)}")
    mark = int(psql(db, "select coalesce(max(id), 0) from outbox"))

    # 6. A publication scheduled through the proxy. Opening is no job: the notices to the
    # stations and their mails are made in the publishing transaction, and a part opens by its
    # time alone (each server reads the windows again within 2 s). So the stations are told
    # once, at publication; check 11 sees that opening adds nothing.
    now = time.time() * 1000
    opens = (now // 60_000 + 1) * 60_000
    if opens - now < 8_000:
        opens += 60_000
    scheduled = {"slug": SLUG, "chapter": "3", "opens_at": china_minute(opens),
                 "closes_at": china_minute(now + 2 * 86_400_000), "county": COUNTY_SCHEDULED}
    status, _, body = request(proxy, "/api/drafts/publish-preview", scheduled, cookie=cookie)
    if status != 200:
        fail(f"publication preview: {status} {body[:200]}")
    preview = json.loads(body)
    part = preview["part_label"]
    status, _, body = request(proxy, "/api/drafts/publish", dict(scheduled, confirmed="1"),
                              cookie=cookie)
    if status != 200:
        fail(f"publication: {status} {body[:200]}")
    rows = psql(db, "select id, article_uids from publication where withdrawn_at is null "
                    f"and draft_id = {draft_id} and part_label = {sql_str(part)}").splitlines()
    if len(rows) != 1:
        fail(f"one publication of {part} made {len(rows)}")
    pub_id, uids = rows[0].split("|", 1)
    part_uid = json.loads(uids)[0]
    notice_subject = f"%{part}"

    def notice_counts():
        return (int(psql(db, f"select count(*) from notice where publication_id = {pub_id}")),
                int(psql(db, "select count(distinct station_id) from notice "
                             f"where publication_id = {pub_id}")),
                int(psql(db, "select count(*) from outbox where kind = 'publication_notice' "
                             f"and id > {mark} and subject like {sql_str(notice_subject)}")),
                int(psql(db, "select count(distinct recipient) from outbox where kind = "
                             f"'publication_notice' and id > {mark} and subject like {sql_str(notice_subject)}")))

    notices = notice_counts()
    wanted = (preview["stations_notified"],) * 2 + (preview["stations_mailed"],) * 2
    if notices != wanted:
        fail(f"{part}: notices (rows, stations) and notice mails (rows, addresses) {notices}, "
             f"expected {wanted}")

    def comment_on_part(base):
        form = {"slug": SLUG, "uid": part_uid, "stance": "amend", "reason": "对新公开部分的意见。",
                "region": "昌吉市", "idempotency_key": "cluster-part-%x" % random.getrandbits(48)}
        return request(base, "/api/comments/submit", form)

    for i in range(3):
        status, _, body = comment_on_part(c.base(i))
        if time.time() * 1000 >= opens - 500:
            break  # too close to the opening to tell
        if status != 409:
            fail(f"server {i} took a comment on {part} before it opened: {status} {body[:200]}")
    ok(f"the committee scheduled {part} through the proxy to open at {china_minute(opens)[11:]} "
       f"(China time): one publication, {notices[0]} notices and {notices[2]} notice mails, one "
       f"per station of {COUNTY_SCHEDULED}; until it opens every server refuses comments on it")

    # 7. The same publication sent to the three servers at once (a double click, a retry on
    # another server): one publication, the others refused as overlapping it. The part opens
    # in ten days, so the reminders of check 12 do not concern it.
    raced = {"slug": SLUG, "chapter": "4", "opens_at": china_minute(now + 10 * 86_400_000),
             "closes_at": china_minute(now + 20 * 86_400_000), "county": COUNTY_RACED,
             "confirmed": "1"}
    status, _, body = request(proxy, "/api/drafts/publish-preview", raced, cookie=cookie)
    if status != 200:
        fail(f"publication preview: {status} {body[:200]}")
    raced_preview = json.loads(body)
    raced_part = raced_preview["part_label"]
    answers = at_once([lambda b=c.base(i): request(b, "/api/drafts/publish", raced, cookie=cookie)
                       for i in range(3)])
    made = psql(db, "select id from publication where withdrawn_at is null "
                    f"and draft_id = {draft_id} and part_label = {sql_str(raced_part)}").split()
    raced_notices = int(psql(db, "select count(*) from notice where publication_id in "
                                 f"({','.join(made) or '0'})"))
    raced_mails = int(psql(db, f"select count(*) from outbox where id > {mark} and "
                               f"kind = 'publication_notice' and subject like {sql_str('%' + raced_part)}"))
    codes = sorted(a[0] for a in answers)
    refused = [a[2] for a in answers if a[0] != 200]
    if len(made) != 1 or codes != [200, 409, 409] or not all("重叠" in r for r in refused):
        flaw(f"{raced_part} sent to the three servers at once: answers {codes}, {len(made)} "
             f"publications (ids {', '.join(made)}), {raced_notices} notices and {raced_mails} "
             f"notice mails for {raced_preview['stations_notified']} stations; expected one "
             "publication and the two others refused as overlapping it")
    else:
        ok(f"{raced_part} sent to the three servers at once: one publication, "
           f"{raced_notices} notices and {raced_mails} notice mails; the other two refused "
           f"(409: {json.loads(refused[0]).get('Conflict', '')[:24]}…)")

    # 8. A station batch: the operator records an opinion through the proxy, then its forward
    # reaches the three servers at once. The claim of the opinions decides: one batch; the
    # others are refused (409), by the claim or, when the winner had already committed, because
    # nothing is left to forward.
    station_cookie = login(proxy, "station", "demo-station-2026")
    station = psql(db, "select station_id from account where name = 'station'")
    word = "报送%06d" % random.randrange(10 ** 6)
    status, _, body = request(proxy, "/api/opinions/record", {
        "slug": SLUG, "unit": "art-2", "stance": "amend", "text": f"{word}：居民建议公开室温检测结果。",
        "method": "meeting", "residents": "3", "collected_on": china_day(time.time() * 1000)},
        cookie=station_cookie)
    if status != 200:
        fail(f"recording a station opinion: {status} {body[:200]}")
    batches_before = int(psql(db, f"select count(*) from station_batch where station_id = {station}"))
    answers = at_once([lambda b=c.base(i): request(b, "/api/batches/forward",
                                                   {"slug": SLUG, "note": f"{word}座谈会"},
                                                   cookie=station_cookie) for i in range(3)])
    won = [json.loads(a[2]) for a in answers if a[0] == 200]
    lost = [a for a in answers if a[0] != 200]
    known = ("这些意见刚刚已经报送", "没有待报送的意见")
    if len(won) != 1 or any(a[0] != 409 or json.loads(a[2]).get("Conflict") not in known
                            for a in lost):
        fail(f"a forward on three servers at once answered {[(a[0], a[2][:60]) for a in answers]}")
    receipt = won[0]
    batches = psql(db, "select id, receipt, opinions from station_batch "
                       f"where station_id = {station} order by id").splitlines()
    batch_id, batch_receipt, batch_opinions = batches[-1].split("|")
    if len(batches) - batches_before != 1 or batch_receipt != receipt or batch_opinions != "1":
        fail(f"forward made {len(batches) - batches_before} batches, newest {batches[-1]} "
             f"(receipt answered {receipt})")
    opinion = psql(db, "select batch_id, comment_id from station_opinion "
                       f"where text like {sql_str(word + '%')}")
    comments = psql(db, f"select batch_id from comment where reason like {sql_str(word + '%')}").split()
    receipts = int(psql(db, f"select count(*) from outbox where id > {mark} and kind = 'batch_receipt'"))
    receipts_named = int(psql(db, f"select count(*) from outbox where id > {mark} and "
                                  f"kind = 'batch_receipt' and subject like {sql_str('%' + receipt + '%')}"))
    if not opinion.startswith(batch_id + "|") or comments != [batch_id] or receipts != 1 \
            or receipts_named != 1:
        fail(f"batch {receipt}: opinion (batch, comment) {opinion}, comments' batches {comments}, "
             f"{receipts} receipt mails ({receipts_named} naming it)")
    why = sorted({json.loads(a[2])["Conflict"] for a in lost})
    ok(f"a station's forward sent to the three servers at once: one batch ({receipt}) holding "
       f"the opinion, one comment, one receipt mail; the other two refused (409: {' / '.join(why)})")

    # 9. The feedback report (意见采纳情况说明) published on the three servers at once, after
    # a committee edit through the proxy (a disposition on a resident's opinion): one
    # publication, one mail per submitter address and per station, queued by one server.
    fb_word = "采纳%06d" % random.randrange(10 ** 6)
    fb_contact = f"feedback-{random.getrandbits(32):08x}@example.org"
    status, _, body = comment(proxy, "cluster-feedback-%x" % random.getrandbits(48),
                              "建议写明室温不达标时的退费标准。", contact=fb_contact)
    if status != 200:
        fail(f"comment for the feedback report: {status} {body[:200]}")
    cid = psql(db, f"select id from comment where tracking = {sql_str(json.loads(body))}")
    status, _, body = request(proxy, "/api/workbench/dispose", {
        "ids[0]": cid, "disposition": "adopted", "reason": f"{fb_word}：修改稿已写明退费标准。"},
        cookie=cookie)
    if status != 200:
        fail(f"disposition through the proxy: {status} {body[:200]}")
    status, _, body = request(proxy, "/api/feedback/publish-preview", {"slug": SLUG}, cookie=cookie)
    if status != 200:
        fail(f"feedback preview: {status} {body[:200]}")
    fb = json.loads(body)
    if fb["published_before"]:
        fail("the feedback report was published before the check")

    def article_versions():
        return dict(line.split("|") for line in psql(
            db, f"select article_uid, version from article_state where draft_id = {draft_id}").split())

    versions_before = article_versions()
    started = time.time()
    answers = at_once([lambda b=c.base(i): request(b, "/api/feedback/publish",
                                                   {"slug": SLUG, "confirmed": "1"},
                                                   cookie=cookie, timeout=120) for i in range(3)])
    took = time.time() - started
    if any(a[0] != 200 for a in answers):
        fail(f"feedback publication answered {[(a[0], a[2][:80]) for a in answers]}")
    queued = sorted(json.loads(a[2]) for a in answers)
    publications = psql(db, f"select count(*) from feedback_publication where draft_id = {draft_id}")
    mails = {}
    for kind in ("feedback_citizen", "feedback_station"):
        mails[kind] = tuple(int(x) for x in psql(
            db, "select count(*), count(distinct recipient) from outbox "
                f"where id > {mark} and kind = {sql_str(kind)}").split("|"))
    wanted_mails = fb["submitters_mailed"] + fb["stations_mailed"]
    if publications != "1" or queued != [0, 0, wanted_mails] \
            or mails["feedback_citizen"] != (fb["submitters_mailed"],) * 2 \
            or mails["feedback_station"] != (fb["stations_mailed"],) * 2:
        flaw(f"feedback report published on three servers at once: {publications} publications, "
             f"mails queued per server {queued}, outbox (rows, addresses) {mails}; expected one "
             f"server to queue {fb['submitters_mailed']} submitter and {fb['stations_mailed']} "
             "station mails, one per address")
    else:
        told = psql(db, f"select body_text from outbox where id > {mark} and "
                        f"kind = 'feedback_citizen' and recipient = {sql_str(fb_contact)}")
        if fb_word not in told:
            fail("the disposition made through the proxy is not in its submitter's mail")
        ok(f"the feedback report published on three servers at once ({took:.1f} s): one "
           f"publication; one server queued {wanted_mails} mails ({fb['submitters_mailed']} "
           f"submitters, {fb['stations_mailed']} stations, one per address), the others none; "
           "the disposition recorded through the proxy is in its submitter's mail")

    # 10. Re-clustering is no scheduled job: an article whose opinions changed is clustered
    # again on demand (opening it on the workbench, the committee's preview and compilation,
    # publishing the report), guarded by the article's version. Publishing the report on three
    # servers at once must still cluster each such article once: its version moves by one.
    versions_after = article_versions()
    moved = {a: int(v) - int(versions_before.get(a, 0)) for a, v in versions_after.items()}
    clustered = sorted(a for a, d in moved.items() if d > 0)
    broken = psql(db, "select k.article_uid from opinion_cluster k where k.draft_id = "
                      f"{draft_id} and not exists (select 1 from cluster_member m where m.cluster_id = k.id) "
                      "union select a.article_uid from article_state a where a.draft_id = "
                      f"{draft_id} and a.clustered_at is not null and (select count(*) from comment c "
                      "where c.draft_id = a.draft_id and c.status <> 'rejected' and (c.unit_uid = "
                      "a.article_uid or c.unit_uid like a.article_uid || '-%')) <> (select count(*) "
                      "from cluster_member m join opinion_cluster k on k.id = m.cluster_id where "
                      "k.draft_id = a.draft_id and k.article_uid = a.article_uid)").split()
    if broken:
        fail(f"clusters of {broken} are not whole after the concurrent publication: an empty "
             "cluster, or opinions in no cluster")
    if not clustered:
        fail("no article was re-clustered by the publication (the load's opinions were new)")
    twice = {a: d for a, d in moved.items() if d > 1}
    if twice:
        flaw(f"re-clustering ran more than once: publishing on three servers at once clustered "
             f"{len(twice)} of {len(clustered)} changed articles more than once (times: "
             f"{', '.join(f'{a} {d}' for a, d in sorted(twice.items()))}); the clusters stay whole")
    else:
        ok(f"re-clustering (on demand, not scheduled) ran once for each of the {len(clustered)} "
           "changed articles while three servers published the report; every opinion is in one "
           "cluster")

    # 11. The scheduled part opens: every server takes comments on it within the units cache's
    # 2 s, and opening adds no notice and no mail.
    while time.time() * 1000 < opens:
        time.sleep(0.1)
    started = time.time()
    pending = {0, 1, 2}
    while pending and time.time() - started < 15:
        for i in sorted(pending):
            if comment_on_part(c.base(i))[0] == 200:
                pending.discard(i)
        time.sleep(0.05)
    if pending:
        fail(f"{part} did not open on servers {sorted(pending)} within 15 s")
    took = time.time() - started
    after = notice_counts()
    if after != notices:
        flaw(f"opening {part} changed its notices and notice mails from {notices} to {after}")
    else:
        ok(f"{part} opened on time: every server took comments on it within {took:.2f} s of "
           f"its opening; it made no new notice or mail (still {after[0]} and {after[2]})")

    # 12. The scheduled jobs. Until now they were off; the three servers are restarted at once
    # with the deadline reminder (parts closing within 3 days: the part opened just now) and the
    # daily digest of yesterday due at once (--digest-hour 0): each server runs both as it
    # starts. Mail still queued is sent first, so that no server is stopped while sending it.
    wait_outbox_sent(c, mark)
    silent = int(psql(db, "select count(*) from notice n join station s on s.id = n.station_id "
                          f"where n.publication_id = {pub_id} and s.active = 1 and s.email <> '' "
                          "and not exists (select 1 from station_batch b where b.station_id = s.id "
                          f"and b.draft_id = {draft_id})"))
    yesterday = china_day(time.time() * 1000 - 86_400_000)
    started = time.time()
    c.restart_all(["--reminder-days", "3", "--digest-to", ",".join(DIGEST_TO), "--digest-hour", "0"])
    restarted = time.time() - started
    deadline = time.time() + 30
    while time.time() < deadline:
        reminded = int(psql(db, "select count(*) from station_reminder "
                                f"where kind = 'auto' and publication_id = {pub_id}"))
        digested = int(psql(db, "select count(*) from job_run where name = 'digest'"))
        if reminded >= silent and digested >= 1:
            break
        time.sleep(0.2)
    # The servers that lost the race finish their runs (they find nothing left to do).
    time.sleep(3)
    reminders = psql(db, "select publication_id, count(*), count(distinct station_id) "
                         "from station_reminder where kind = 'auto' group by publication_id")
    reminder_mails = tuple(int(x) for x in psql(
        db, "select count(*), count(distinct recipient) from outbox "
            f"where id > {mark} and kind = 'deadline_reminder'").split("|"))
    runs = psql(db, "select period from job_run where name = 'digest'").split()
    digests = psql(db, f"select recipient, subject from outbox where id > {mark} "
                       "and kind = 'daily_digest' order by recipient").splitlines()
    wanted_digests = [f"{a}|【每日汇总】{yesterday} 征求意见情况" for a in sorted(DIGEST_TO)]
    if reminders != f"{pub_id}|{silent}|{silent}" or reminder_mails != (silent, silent):
        flaw(f"deadline reminders after three servers started at once: station_reminder "
             f"(publication|rows|stations) {reminders or 'none'}, reminder mails (rows, "
             f"addresses) {reminder_mails}; expected {pub_id}|{silent}|{silent} and one mail "
             "per silent station")
    elif runs != [yesterday] or digests != wanted_digests:
        flaw(f"daily digest after three servers started at once: runs {runs}, mails {digests}; "
             f"expected one run for {yesterday} and one mail to each of {DIGEST_TO}")
    else:
        ok(f"scheduled jobs on three servers started at once ({restarted:.1f} s): {silent} deadline "
           f"reminders for {part}, one per silent station, and one daily digest of {yesterday} "
           f"to each of its {len(DIGEST_TO)} addresses")

    # 13. Every mail of checks 6–12 sent, and delivered once by the SMTP sink; no server
    # queued a reminder or a digest after check 12 counted them.
    wait_outbox_sent(c, mark)
    late = psql(db, f"select kind, count(*) from outbox where id > {mark} and kind in "
                    "('deadline_reminder', 'daily_digest') group by kind order by kind")
    if late != f"daily_digest|{len(digests)}\ndeadline_reminder|{reminder_mails[0]}":
        flaw(f"reminders and digests queued after check 12 counted them: now {late!r}")
    sent = {}
    for line in psql(db, "select recipient, subject, count(*) from outbox where status = 'sent' "
                         f"and (recipient, subject) in (select recipient, subject from outbox "
                         f"where id > {mark}) group by recipient, subject").splitlines():
        r, rest = line.split("|", 1)
        subj, n = rest.rsplit("|", 1)
        sent[(r, subj)] = int(n)
    delivered = {}
    for name in os.listdir(c.mail_dir):
        with open(os.path.join(c.mail_dir, name)) as f:
            m = json.load(f)
        for r in m["rcpt"]:
            if (r, m["subject"]) in sent:
                delivered[(r, m["subject"])] = delivered.get((r, m["subject"]), 0) + 1
    wrong = {k: (n, delivered.get(k, 0)) for k, n in sent.items() if delivered.get(k, 0) != n}
    if wrong:
        flaw(f"{len(wrong)} mails not delivered once (recipient, subject: sent, delivered): "
             f"{list(wrong.items())[:3]}")
    else:
        kinds = psql(db, f"select kind, count(*) from outbox where id > {mark} group by kind "
                         "order by kind").replace("|", " ").replace("\n", ", ")
        ok(f"every mail of checks 6–12 was delivered once by the SMTP sink ({kinds})")


def main():
    c = Cluster()
    try:
        c.start_sink()
        c.start_server(0, demo=True)
        c.start_server(1)
        c.start_server(2)
        c.start_nginx()
        proxy = c.public

        # 1. Sessions: made through the proxy, valid on every server.
        cookie = login(proxy, "committee", "demo-committee-2026")
        for i in range(3):
            status, _, body = request(c.base(i), "/account", cookie=cookie)
            if status != 200 or "committee" not in body:
                fail(f"session not valid on server {i}: {status}")
        ok("a session made through the proxy holds on all three servers")

        # 2. Receipts on retry, each try on another server.
        key = "cluster-retry-%x" % random.getrandbits(48)
        receipts = set()
        for i in range(3):
            status, _, body = comment(c.base(i), key, "重试同一意见：供热温度应当公开检测。")
            if status != 200:
                fail(f"comment on server {i}: {status} {body[:200]}")
            receipts.add(json.loads(body))
        n = psql(c.db_url, f"select count(*) from comment where idempotency_key = '{key}'")
        if len(receipts) != 1 or n != "1":
            fail(f"retries gave {receipts}, {n} rows")
        ok(f"a comment retried on three servers gives one receipt ({receipts.pop()}) and one row")

        # 3. Search on every server within 2 s.
        word = "巡检%04d" % random.randrange(10000)
        status, _, body = comment(proxy, "cluster-search-%x" % random.getrandbits(48),
                                  f"建议增加{word}制度，定期公开结果。")
        if status != 200:
            fail(f"comment for search: {status}")
        start = time.time()
        pending = {0, 1, 2}
        # The target is 2 s; the check waits up to 30 s (a busy CI machine is no failure) and
        # prints the time taken.
        while pending and time.time() - start < 30.0:
            for i in sorted(pending):
                s, _, b = request(c.base(i), "/api/search/comments", {"q": word}, cookie=cookie)
                if s == 200 and json.loads(b).get("total", 0) > 0:
                    pending.discard(i)
            time.sleep(0.05)
        if pending:
            fail(f"not searchable within 30 s on servers {sorted(pending)}")
        took = time.time() - start
        ok(f"a new comment is found on every server's search after {took:.2f} s "
           f"({'within' if took <= 2 else 'OVER'} the 2 s target)")

        # 4. Load through nginx; SIGKILL one server midway; restart it.
        acknowledged, lock, stop = [], threading.Lock(), threading.Event()
        failures = []
        salt = "%x" % random.getrandbits(48)

        def client(n):
            i = 0
            while not stop.is_set():
                key = f"cluster-load-{salt}-{n}-{i}"
                i += 1
                # A browser retries a failed post with the same key.
                for _ in range(10):
                    try:
                        # Every fourth with an e-mail address: a receipt mail.
                        status, _, body = comment(
                            proxy, key, f"负载测试意见{n}-{i}：供热管网改造。",
                            contact=f"load{n}x{i}@example.org" if i % 4 == 0 else "")
                    except OSError:
                        status = 0
                    if status == 200:
                        with lock:
                            acknowledged.append(json.loads(body))
                        break
                    time.sleep(0.1)
                else:
                    failures.append(key)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        time.sleep(3)
        c.procs[1].send_signal(signal.SIGKILL)
        c.procs[1].wait()
        killed_at = len(acknowledged)
        time.sleep(3)
        after_kill = len(acknowledged) - killed_at
        stop.set()
        for t in threads:
            t.join()
        if failures:
            fail(f"{len(failures)} comments never acknowledged")
        if after_kill == 0:
            fail("nothing acknowledged after the kill: the proxy did not route around it")
        trackings = ",".join(f"'{t}'" for t in acknowledged)
        found = psql(c.db_url, f"select count(distinct tracking) from comment where tracking in ({trackings})")
        if int(found) != len(set(acknowledged)):
            fail(f"acknowledged {len(set(acknowledged))}, in the database {found}")
        ok(f"{len(acknowledged)} comments acknowledged under load, {after_kill} after one server "
           f"was SIGKILLed; all {found} are in the database")

        c.start_server(1)
        probe = "复原%04d" % random.randrange(10000)
        comment(c.base(0), "cluster-rejoin-%x" % random.getrandbits(48), f"{probe}之后的意见。")
        start = time.time()
        while time.time() - start < 30:
            s, _, b = request(c.base(1), "/api/search/comments", {"q": probe}, cookie=cookie)
            if s == 200 and json.loads(b).get("total", 0) > 0:
                break
            time.sleep(0.1)
        else:
            fail("the restarted server's search did not catch up")
        ok(f"the killed server rejoined and its search caught up in {time.time() - start:.2f} s")

        # 5. Outbox: every receipt mail of the load delivered once. Mail the killed server had
        # claimed stays leased (5 minutes) and is then sent by another server; wait until only
        # such rows are left.
        expected = int(psql(c.db_url, "select count(*) from outbox where recipient like 'load%'"))
        deadline = time.time() + 180
        while time.time() < deadline:
            now_ms = int(time.time() * 1000)
            sent = int(psql(c.db_url, "select count(*) from outbox where recipient like 'load%' and status = 'sent'"))
            leased = int(psql(c.db_url, "select count(*) from outbox where recipient like 'load%' "
                              f"and status = 'queued' and attempts > 0 and next_attempt_at > {now_ms} "
                              # A failed attempt waiting for its retry is no lease.
                              "and last_error = ''"))
            if sent + leased == expected:
                break
            time.sleep(0.5)
        else:
            fail(f"{expected} receipt mails in the outbox, {sent} sent, {leased} leased")
        failed = int(psql(c.db_url, "select count(*) from outbox where recipient like 'load%' and status = 'failed'"))
        if failed:
            fail(f"{failed} receipt mails failed")
        delivered = {}
        for name in os.listdir(c.mail_dir):
            with open(os.path.join(c.mail_dir, name)) as f:
                m = json.load(f)
            for r in m["rcpt"]:
                if r.startswith("load"):
                    delivered[r] = delivered.get(r, 0) + 1
        twice = {r: k for r, k in delivered.items() if k > 1}
        if twice:
            fail(f"mail delivered more than once: {list(twice.items())[:5]}")
        sent_to = set(psql(c.db_url, "select recipient from outbox where recipient like 'load%' "
                                     "and status = 'sent'").split())
        missing = sent_to - set(delivered)
        if missing:
            fail(f"{len(missing)} mails marked sent were never delivered")
        early = len(set(delivered) - sent_to)
        ok(f"{expected} receipt e-mails: {sent} sent by the three servers, each delivered once; "
           f"{leased} claimed by the killed server wait for their lease to run out "
           f"({early} of them it had handed to SMTP before it died: those will arrive twice)")

        later_checks(c, cookie)
        if FLAWS:
            print(f"{len(FLAWS)} check(s) failed", flush=True)
            sys.exit(1)
    finally:
        c.stop()


if __name__ == "__main__":
    main()
