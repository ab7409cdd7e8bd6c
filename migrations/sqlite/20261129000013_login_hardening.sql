-- Failed-login counters, reserved before a password is checked so concurrent attempts cannot
-- all slip under the limit: one row per (account, client) and one per client, each counting
-- the failures of a fixed window that starts with its first failure.
create table login_throttle (
    key text primary key,
    window_start integer not null,
    failures integer not null
);
-- Account names are unique whatever their case (Zhang and zhang are one account).
create unique index account_name_lower on account (lower(name));
-- After an administrator resets a password, its owner must choose a new one at the next login.
alter table account add column must_change_password integer not null default 0;
