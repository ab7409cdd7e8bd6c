-- Initial passwords of accounts created by importing a deputy or unit list, kept so the
-- administrator who imported them can print or copy them once: they are deleted when that
-- administrator confirms they were handed out, and in any case 24 hours after the import (the
-- accounts must change them at first login). `token` is random and names one import.
create table roster_password (
    token text not null,
    admin_id bigint not null references account (id) on delete cascade,
    login text not null,
    display_name text not null,
    role text not null,
    detail text not null default '',
    password text not null,
    created_at bigint not null,
    primary key (token, login)
);
create index roster_password_created on roster_password (created_at);
