-- A published part of a draft version and its comment window. The part is stored as the stable
-- uids of its articles, so it keeps pointing at the same text if a later version renumbers it.
create table publication (
    id integer primary key autoincrement,
    draft_id integer not null references draft (id) on delete cascade,
    version_number integer not null,
    part_label text not null,
    article_uids text not null,
    opens_at integer not null,
    closes_at integer not null,
    created_by integer references account (id),
    created_at integer not null,
    check (closes_at > opens_at)
);
create index publication_draft on publication (draft_id);
