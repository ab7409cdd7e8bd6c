-- An uploaded file kept for its uploader for a while, so a checked file can be imported
-- without choosing it again (browsers empty a file field on every page load).
create table upload_stash (
    id text primary key,
    account_id integer not null references account (id) on delete cascade,
    name text not null,
    bytes blob not null,
    created_at integer not null
);
create index upload_stash_created on upload_stash (created_at);
