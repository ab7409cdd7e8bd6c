-- Citizens' comments (意见) on one unit of one version. The unit is named by its stable uid, so
-- a comment on an earlier version shows on the same unit of later versions.
create table comment (
    id integer primary key autoincrement,
    draft_id integer not null references draft (id) on delete cascade,
    version_number integer not null,
    unit_uid text not null,
    unit_label text not null,
    stance text not null check (stance in ('support', 'oppose', 'amend')),
    suggested text not null default '',
    reason text not null,
    name text not null default '',
    region text not null default '',
    category text not null default '',
    -- Private: never shown publicly, never in public exports.
    contact text not null default '',
    tracking text not null unique,
    status text not null default 'received'
        check (status in ('received', 'reviewing', 'published', 'rejected')),
    idempotency_key text unique,
    channel text not null default 'online',
    created_at integer not null
);
create index comment_unit on comment (draft_id, unit_uid);
