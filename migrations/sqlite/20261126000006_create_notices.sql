-- Distribution of a published part to the stations: one notice per station, which its operator
-- confirms (已送达 → 已确认). The e-mail itself goes through the outbox.
create table notice (
    id integer primary key autoincrement,
    publication_id integer not null references publication (id) on delete cascade,
    station_id integer not null references station (id),
    status text not null default 'delivered' check (status in ('delivered', 'confirmed')),
    confirmed_by integer references account (id),
    confirmed_at integer,
    created_at integer not null,
    unique (publication_id, station_id)
);
create index notice_station on notice (station_id, status);
