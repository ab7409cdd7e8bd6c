-- The committee's workbench: clusters of similar opinions per article (with the committee's
-- edits pinned so that re-clustering keeps them), campaigns, dispositions with an audit trail,
-- assignments, and the public feedback report.

-- How a comment was handled (the `disposition` column exists already: adopted, partly,
-- rejected, existing, out_of_scope), why, by whom, and the units of the next version that
-- changed because of it (JSON list of uids).
alter table comment add column disposition_reason text not null default '';
alter table comment add column disposition_units text not null default '';
alter table comment add column disposed_by integer references account (id);
alter table comment add column disposed_at integer;

create table opinion_cluster (
    id integer primary key autoincrement,
    draft_id integer not null references draft (id) on delete cascade,
    article_uid text not null,
    -- The committee's name for it; empty: the keywords name it.
    label text not null default '',
    keywords text not null default '',
    representative_id integer references comment (id),
    -- Set when the committee renamed, merged or split it: re-clustering keeps it.
    pinned integer not null default 0,
    disposition text not null default '',
    disposition_reason text not null default '',
    created_at integer not null,
    updated_at integer not null
);
create index opinion_cluster_article on opinion_cluster (draft_id, article_uid);

-- Which cluster a comment is in. `pinned`: a committee member put it there (moved, merged,
-- split), so re-clustering leaves it. `campaign_of`: the first comment of the near-duplicate
-- campaign it belongs to (null for a unique opinion).
create table cluster_member (
    comment_id integer primary key references comment (id) on delete cascade,
    cluster_id integer not null references opinion_cluster (id) on delete cascade,
    pinned integer not null default 0,
    campaign_of integer
);
create index cluster_member_cluster on cluster_member (cluster_id);

-- One row per article that has been clustered: `version` grows with every re-clustering and
-- every edit, so a re-clustering computed while someone edited is refused instead of undoing
-- the edit.
create table article_state (
    draft_id integer not null references draft (id) on delete cascade,
    article_uid text not null,
    version integer not null default 0,
    clustered_at integer,
    clustered_seq integer not null default 0,
    assigned_to integer references account (id),
    primary key (draft_id, article_uid)
);

create table audit_event (
    id integer primary key autoincrement,
    at integer not null,
    account_id integer references account (id),
    entity text not null,
    entity_id text not null,
    action text not null,
    before text not null default '',
    after text not null default ''
);
create index audit_event_entity on audit_event (entity, entity_id);

-- The public 意见采纳情况说明 of a draft, once the committee publishes it.
create table feedback_publication (
    draft_id integer primary key references draft (id) on delete cascade,
    published_at integer not null,
    published_by integer references account (id)
);
