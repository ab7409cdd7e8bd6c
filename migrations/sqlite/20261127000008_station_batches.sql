-- Offline intake: opinions a station collected at meetings, visits, its letter box or by phone.
-- An operator records them (or imports a file), may edit them until they are forwarded as a
-- batch; forwarding makes each one a comment (channel 'station') with a tracking number and the
-- batch immutable, with a receipt number.
create table station_batch (
    id integer primary key autoincrement,
    station_id integer not null references station (id),
    draft_id integer not null references draft (id) on delete cascade,
    receipt text not null unique,
    note text not null default '',
    opinions integer not null,
    residents integer not null,
    forwarded_by integer not null references account (id),
    forwarded_at integer not null
);
create index station_batch_station on station_batch (station_id, draft_id);
create index station_batch_draft on station_batch (draft_id, forwarded_at);

create table station_opinion (
    id integer primary key autoincrement,
    station_id integer not null references station (id),
    draft_id integer not null references draft (id) on delete cascade,
    unit_uid text not null,
    unit_label text not null,
    stance text not null check (stance in ('support', 'oppose', 'amend')),
    text text not null,
    method text not null check (method in ('meeting', 'visit', 'box', 'letter', 'phone')),
    residents integer not null check (residents >= 1),
    -- The day it was collected, YYYY-MM-DD (China time).
    collected_on text not null,
    -- For rows that came from a file: a digest of the row's content and its occurrence in the
    -- file, so importing the same file again adds nothing.
    import_key text,
    batch_id integer references station_batch (id),
    comment_id integer references comment (id),
    created_by integer not null references account (id),
    created_at integer not null,
    updated_at integer not null
);
create unique index station_opinion_import on station_opinion (station_id, import_key);
create index station_opinion_pending on station_opinion (station_id, draft_id, batch_id);

-- What a station opinion carries into its comment.
alter table comment add column batch_id integer references station_batch (id);
alter table comment add column residents integer not null default 1;
alter table comment add column method text not null default '';
create index comment_batch on comment (batch_id) where batch_id is not null;

-- Reminders to stations that have not forwarded anything for a published part: the automatic
-- one before the deadline (at most once per station and publication, whichever server sends
-- it) and any a committee member sends by hand.
create table station_reminder (
    id integer primary key autoincrement,
    publication_id integer not null references publication (id) on delete cascade,
    station_id integer not null references station (id),
    kind text not null check (kind in ('auto', 'manual')),
    sent_by integer references account (id),
    sent_at integer not null
);
create unique index station_reminder_auto on station_reminder (publication_id, station_id)
    where kind = 'auto';

-- Jobs done once per deployment and period (the committee's daily digest), whichever server
-- gets there first.
create table job_run (
    name text not null,
    period text not null,
    done_at integer not null,
    primary key (name, period)
);
