-- Moderation of comments, the citizen's own list, the mail outbox and server-wide secrets.

-- The logged-in citizen who wrote the comment, if any (comments do not need an account).
alter table comment add column account_id integer references account (id);
-- Automatic flags, comma-separated: phone, idcard, email, url (personal data or links found
-- and masked in public display), spam_link, spam_repeat, duplicate.
alter table comment add column flags text not null default '';
-- Why a comment was not made public; shown to its author on the tracking page.
alter table comment add column moderation_note text not null default '';
alter table comment add column moderated_by integer references account (id);
alter table comment add column moderated_at integer;
create index comment_status on comment (status, draft_id, created_at);
create index comment_account on comment (account_id) where account_id is not null;
-- Serves the unit's public list and counts; makes the narrower comment_unit index redundant
-- (one index fewer to update on every insert).
create index comment_public on comment (draft_id, unit_uid, status, created_at);
drop index comment_unit;

-- Every e-mail is written here in the same transaction as the event that causes it; a sender
-- delivers it later and records the outcome.
create table outbox (
    id integer primary key autoincrement,
    kind text not null,
    recipient text not null,
    subject text not null,
    body_text text not null,
    body_html text not null default '',
    status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
    attempts integer not null default 0,
    next_attempt_at integer not null,
    last_error text not null default '',
    created_at integer not null,
    sent_at integer
);
create index outbox_due on outbox (status, next_attempt_at);

-- Secrets shared by every server of one deployment (e.g. the key that signs challenges).
create table app_secret (
    name text primary key,
    value text not null
);
