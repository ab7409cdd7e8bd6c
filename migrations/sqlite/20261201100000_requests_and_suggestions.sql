-- The closed loop of the seed (收集—交办—办理—督办—反馈) and 微实事 decided by the deputies' vote.
--
-- New roles: `office` (the congress office that hands suggestions to units and chases them),
-- `deputy` (代表, grouped into a station: 编组入家) and `unit` (an operator of a handling unit,
-- 承办单位). SQLite cannot alter the CHECK constraint of `account` in place, and sqlx runs every
-- SQLite migration inside a transaction, where foreign keys cannot be switched off to rebuild
-- the table; so the roles are widened by `widen_account_roles` (app/src/ssr/db.rs) right after
-- the migrations, once, with SQLite's documented rebuild procedure.

-- Handling units (承办单位): a department of the prefecture or a county government, a court or a
-- procuratorate. `email` receives the handing-over notices and reminders.
create table unit (
    id integer primary key autoincrement,
    name text not null unique,
    kind text not null default 'department'
        check (kind in ('department', 'government', 'court', 'procuratorate')),
    email text not null default '',
    active integer not null default 1,
    created_at integer not null,
    updated_at integer not null
);

-- The unit an operator account works for.
create table unit_operator (
    account_id integer primary key references account (id) on delete cascade,
    unit_id integer not null references unit (id)
);
create index unit_operator_unit on unit_operator (unit_id);

-- A deputy's level and the county (station of level 2, or the prefecture for its own deputies)
-- whose 微实事 they vote on.
create table deputy (
    account_id integer primary key references account (id) on delete cascade,
    level text not null check (level in ('全国', '自治区', '州', '县市', '乡镇')),
    county_id integer not null references station (id)
);
create index deputy_county on deputy (county_id);

-- Suggestions (建议): written by a deputy (co-signers below), handed to a lead unit and
-- co-units (交办) with a deadline, answered, rated. `round` counts handlings: 不满意 opens the
-- next one. status: submitted → assigned → answered → closed, or answered → assigned (round 2).
create table suggestion (
    id integer primary key autoincrement,
    tracking text not null unique,
    title text not null,
    body text not null,
    author_id integer not null references account (id),
    station_id integer not null references station (id),
    status text not null default 'submitted'
        check (status in ('submitted', 'assigned', 'answered', 'closed')),
    round integer not null default 1,
    difficult integer not null default 0,
    assigned_at integer,
    assigned_by integer references account (id),
    deadline_at integer,
    extended integer not null default 0,
    extension_reason text not null default '',
    supervised integer not null default 0,
    created_at integer not null,
    updated_at integer not null
);
create index suggestion_status on suggestion (status, deadline_at);
create index suggestion_author on suggestion (author_id);

create table suggestion_signer (
    suggestion_id integer not null references suggestion (id) on delete cascade,
    account_id integer not null references account (id),
    primary key (suggestion_id, account_id)
);

-- The units a suggestion was handed to; exactly one `lead` per suggestion.
create table suggestion_unit (
    suggestion_id integer not null references suggestion (id) on delete cascade,
    unit_id integer not null references unit (id),
    lead integer not null default 0,
    primary key (suggestion_id, unit_id)
);
create index suggestion_unit_unit on suggestion_unit (unit_id);

-- The lead unit's written answer, one per handling round.
create table suggestion_answer (
    id integer primary key autoincrement,
    suggestion_id integer not null references suggestion (id) on delete cascade,
    round integer not null,
    unit_id integer not null references unit (id),
    category text not null check (category in ('solved', 'planned', 'unable')),
    body text not null,
    measures text not null default '',
    planned_on text not null default '',
    answered_by integer not null references account (id),
    created_at integer not null,
    unique (suggestion_id, round)
);

-- The deputy's rating of one round's answer.
create table suggestion_rating (
    suggestion_id integer not null references suggestion (id) on delete cascade,
    round integer not null,
    rating text not null check (rating in ('satisfied', 'basic', 'unsatisfied')),
    comment text not null default '',
    rated_by integer not null references account (id),
    created_at integer not null,
    primary key (suggestion_id, round)
);

-- Residents' requests (群众诉求), recorded by a station operator or a deputy. The resident's
-- name and contact are private, like a commenter's; `tracking` opens the public status page.
create table resident_request (
    id integer primary key autoincrement,
    tracking text not null unique,
    station_id integer not null references station (id),
    recorded_by integer not null references account (id),
    title text not null,
    body text not null,
    place text not null default '',
    category text not null,
    resident_name text not null default '',
    resident_contact text not null default '',
    suggestion_id integer references suggestion (id),
    created_at integer not null,
    updated_at integer not null
);
create index resident_request_station on resident_request (station_id, created_at);
create index resident_request_suggestion on resident_request (suggestion_id);

-- 微实事: a county's fund per year, the projects deputies propose, ballots.
create table micro_fund (
    county_id integer not null references station (id),
    year integer not null,
    amount_yuan integer not null check (amount_yuan > 0),
    primary key (county_id, year)
);

create table micro_project (
    id integer primary key autoincrement,
    county_id integer not null references station (id),
    year integer not null,
    title text not null,
    place text not null default '',
    cost_yuan integer not null check (cost_yuan > 0),
    beneficiaries text not null default '',
    proposed_by integer not null references account (id),
    status text not null default 'proposed'
        check (status in ('proposed', 'on_ballot', 'approved', 'rejected')),
    created_at integer not null,
    updated_at integer not null
);
create index micro_project_county on micro_project (county_id, year);

create table ballot (
    id integer primary key autoincrement,
    county_id integer not null references station (id),
    year integer not null,
    opens_at integer not null,
    closes_at integer not null,
    created_by integer not null references account (id),
    created_at integer not null,
    check (closes_at > opens_at)
);

-- What was voted: counts only, so no row ties a choice to a deputy (secrecy).
create table ballot_item (
    ballot_id integer not null references ballot (id) on delete cascade,
    project_id integer not null references micro_project (id),
    yes integer not null default 0,
    no integer not null default 0,
    abstain integer not null default 0,
    primary key (ballot_id, project_id)
);

-- Who voted on what candidate, without the choice. The primary key is what refuses a second
-- vote, also when two arrive at once.
create table ballot_voter (
    ballot_id integer not null references ballot (id) on delete cascade,
    project_id integer not null references micro_project (id),
    account_id integer not null references account (id),
    primary key (ballot_id, project_id, account_id)
);
