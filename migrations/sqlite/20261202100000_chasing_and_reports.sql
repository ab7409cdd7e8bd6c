-- Chasing the closed loop (督办) and its periodic report (通报).
--
-- 重点督办: the office marks a suggestion in handling for a leader's supervision and names the
-- leader (title and name, e.g. 州人大常委会副主任 张三); `supervised` already exists.
alter table suggestion add column supervisor text not null default '';

-- The deadline in force when an answer was written, so that the report can tell an answer on
-- time from a late one after a reopening or an extension has moved `suggestion.deadline_at`.
alter table suggestion_answer add column deadline_at integer;
update suggestion_answer set deadline_at =
    (select s.deadline_at from suggestion s where s.id = suggestion_answer.suggestion_id);

-- Reminders to the lead unit before and after a deadline, one row per reminder sent. The key is
-- the claim: several servers share the database, and the reminder is queued in the outbox in
-- the transaction that inserts its row (`on conflict do nothing`), so it goes out exactly once.
-- The unit and the deadline are part of it: a reassigned suggestion reminds its new unit, and an
-- extended deadline gets its own reminders. kind: 'before', 'overdue', 'overdue_30',
-- 'overdue_60' … (days past the deadline).
create table suggestion_reminder (
    suggestion_id integer not null references suggestion (id) on delete cascade,
    round integer not null,
    unit_id integer not null references unit (id),
    deadline_at integer not null,
    kind text not null,
    sent_at integer not null,
    primary key (suggestion_id, round, unit_id, deadline_at, kind)
);

-- A lead unit's request that the office hand the suggestion to another unit (改办), with the
-- reason, and the office's decision. At most one pending per suggestion; decided ones stay as
-- history.
create table reassign_request (
    id integer primary key autoincrement,
    suggestion_id integer not null references suggestion (id) on delete cascade,
    unit_id integer not null references unit (id),
    reason text not null,
    requested_by integer not null references account (id),
    requested_at integer not null,
    status text not null default 'pending' check (status in ('pending', 'granted', 'refused')),
    reply text not null default '',
    new_unit_id integer references unit (id),
    decided_by integer references account (id),
    decided_at integer
);
create unique index reassign_request_pending on reassign_request (suggestion_id)
    where status = 'pending';
create index reassign_request_unit on reassign_request (unit_id, requested_at);
