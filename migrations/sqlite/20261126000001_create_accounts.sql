-- Stations (代表之家), accounts, sessions and login attempts.
-- Timestamps are Unix milliseconds (integer) so the same queries work on PostgreSQL.

create table station (
    id integer primary key autoincrement,
    name text not null,
    level integer not null check (level between 1 and 4),
    parent_id integer references station (id),
    region_code text not null default '',
    email text not null default '',
    active integer not null default 1,
    created_at integer not null,
    updated_at integer not null
);
create unique index station_parent_name on station (coalesce(parent_id, 0), name);
create index station_parent on station (parent_id);

create table account (
    id integer primary key autoincrement,
    name text not null unique,
    display_name text not null,
    role text not null check (role in ('admin', 'committee', 'station', 'citizen')),
    station_id integer references station (id),
    password_hash text not null,
    active integer not null default 1,
    created_at integer not null,
    updated_at integer not null,
    check ((role = 'station') = (station_id is not null))
);

create table session (
    id text primary key,
    account_id integer not null references account (id) on delete cascade,
    created_at integer not null,
    expires_at integer not null
);
create index session_account on session (account_id);

create table login_attempt (
    id integer primary key autoincrement,
    name text not null,
    ip text not null,
    at integer not null,
    succeeded integer not null
);
create index login_attempt_name_at on login_attempt (name, at);
create index login_attempt_ip_at on login_attempt (ip, at);
