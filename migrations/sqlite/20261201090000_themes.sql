-- Themes across a draft (issue 16): points that cut across articles, proposed by the machine or
-- added by a member, confirmed by the committee. `created_by` null: the machine proposed it,
-- and `accepted` stays 0 until a member accepts it. A merged theme stays (so its history reads)
-- with `merged_into` set; its assignments move to the theme it was merged into.
create table theme (
    id integer primary key autoincrement,
    draft_id integer not null references draft (id) on delete cascade,
    name text not null,
    description text not null default '',
    created_by integer references account (id),
    accepted integer not null default 0,
    merged_into integer references theme (id),
    created_at integer not null
);
create index theme_draft on theme (draft_id);

-- Which themes an opinion carries. The machine's rows (`by_machine` 1, `assigned_by` null) and
-- the committee's (`by_machine` 0, the member in `assigned_by`) are kept apart: the committee's
-- are the truth for a reviewed opinion, and the machine's as they stood when it was reviewed
-- are what the quality meter compares with them. `confidence`: the machine's probability in
-- thousandths (1000 for a member's).
create table theme_assignment (
    comment_id integer not null references comment (id) on delete cascade,
    theme_id integer not null references theme (id) on delete cascade,
    by_machine integer not null,
    assigned_by integer references account (id),
    confidence integer not null,
    assigned_at integer not null,
    primary key (comment_id, theme_id, by_machine)
);
create index theme_assignment_theme on theme_assignment (theme_id);

-- Per opinion: when the machine last assigned it (null: never), and who reviewed it when.
create table theme_review (
    comment_id integer primary key references comment (id) on delete cascade,
    draft_id integer not null references draft (id) on delete cascade,
    machine_at integer,
    reviewed_by integer references account (id),
    reviewed_at integer
);
create index theme_review_draft on theme_review (draft_id, reviewed_at);
