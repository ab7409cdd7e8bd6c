-- Drafts (草案) and their versions. The parsed tree is stored as JSON beside the source text,
-- so the source stays the record and the tree can be re-derived by a newer parser.
create table draft (
    id integer primary key autoincrement,
    slug text not null unique,
    title text not null,
    created_at integer not null,
    updated_at integer not null
);

create table draft_version (
    id integer primary key autoincrement,
    draft_id integer not null references draft (id) on delete cascade,
    number integer not null,
    label text not null,
    source text not null,
    tree_json text not null,
    -- How this version's units continue the previous version's (JSON list of mappings).
    mapping_json text not null default '[]',
    -- The parser's warnings for this text (JSON list of {line, message}).
    warnings_json text not null default '[]',
    -- The committee's corrections of the alignment (JSON list of pins), re-applied on re-alignment.
    pins_json text not null default '[]',
    created_at integer not null,
    unique (draft_id, number)
);

-- Texts pasted for a preview before import, so the preview also works without JavaScript.
create table draft_preview (
    id text primary key,
    account_id integer not null references account (id) on delete cascade,
    slug text not null,
    label text not null,
    source text not null,
    created_at integer not null
);
