-- 微实事, continued: paper ballots entered by two tellers, the office confirming a ballot's
-- results, and the carrying out of approved projects by a unit up to the deputies' acceptance.

-- Paper ballots handed out and sheets entered (counters on the ballot row, so that "no more
-- sheets than ballots issued" holds under concurrent entries: one conditional update), and when
-- the office confirmed the results (then the projects become approved or rejected).
alter table ballot add column paper_issued integer not null default 0;
alter table ballot add column paper_sheets integer not null default 0;
alter table ballot add column finalized_at integer;
update ballot set finalized_at = closes_at where not exists (
    select 1 from ballot_item i join micro_project p on p.id = i.project_id
    where i.ballot_id = ballot.id and p.status = 'on_ballot');

-- How a deputy takes part in a ballot: online (paper = 0) or with a paper ballot (paper = 1,
-- 领票). Its primary key makes the two exclusive, also when the office hands out a paper ballot
-- while the deputy votes online. It says nothing of what was voted, and has no time.
create table ballot_channel (
    ballot_id integer not null references ballot (id) on delete cascade,
    account_id integer not null references account (id),
    paper integer not null check (paper in (0, 1)),
    primary key (ballot_id, account_id)
);
insert into ballot_channel (ballot_id, account_id, paper)
    select distinct ballot_id, account_id, 0 from ballot_voter;

-- A paper ballot sheet, by the serial number printed on it. No column names a deputy.
create table paper_sheet (
    id integer primary key autoincrement,
    ballot_id integer not null references ballot (id) on delete cascade,
    serial text not null,
    unique (ballot_id, serial)
);

-- One teller's entry of a sheet (entry 1 or 2). The unique pair refuses one account entering
-- both copies, also when two entries race.
create table paper_entry (
    sheet_id integer not null references paper_sheet (id) on delete cascade,
    entry integer not null check (entry in (1, 2)),
    teller_id integer not null references account (id),
    entered_at integer not null,
    primary key (sheet_id, entry),
    unique (sheet_id, teller_id)
);

-- What a teller read on the sheet for each candidate ('none': left blank, not counted).
create table paper_mark (
    sheet_id integer not null references paper_sheet (id) on delete cascade,
    entry integer not null,
    project_id integer not null references micro_project (id),
    choice text not null check (choice in ('yes', 'no', 'abstain', 'none')),
    primary key (sheet_id, entry, project_id)
);

-- An approved project handed to a unit to carry out (one row per project). The stage is
-- derived: no progress yet 未开工, then 实施中, `completed_on` set 已完工待验收, `accepted_at`
-- set 已验收; a failed acceptance clears `completed_on` (back to the unit).
create table micro_work (
    project_id integer primary key references micro_project (id),
    unit_id integer not null references unit (id),
    assigned_by integer not null references account (id),
    assigned_at integer not null,
    spent_yuan integer not null default 0 check (spent_yuan >= 0),
    last_progress_on text,
    completed_on text,
    accepted_at integer,
    updated_at integer not null
);
create index micro_work_unit on micro_work (unit_id);

-- Progress updates: the day, what was done, the amount spent so far (cumulative).
create table micro_progress (
    id integer primary key autoincrement,
    project_id integer not null references micro_project (id),
    on_day text not null,
    body text not null,
    spent_yuan integer not null check (spent_yuan >= 0),
    posted_by integer not null references account (id),
    created_at integer not null
);
create index micro_progress_project on micro_progress (project_id, id);

-- The deputies' acceptance (验收) of a completed project: passed, or failed with a reason.
create table micro_acceptance (
    id integer primary key autoincrement,
    project_id integer not null references micro_project (id),
    deputy_id integer not null references account (id),
    passed integer not null check (passed in (0, 1)),
    reason text not null default '',
    created_at integer not null
);
create index micro_acceptance_project on micro_acceptance (project_id, id);
