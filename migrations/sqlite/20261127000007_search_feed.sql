-- The search index follows the database through `comment.seq`: every insert and every change of
-- a comment gives it the next number of one counter, in commit order (SQLite has one writer), so
-- an index that remembers the last number it applied can always catch up after a crash.
-- Station opinions (`station_id`, channel 'station') and the committee's disposition are
-- indexed as facets.
alter table comment add column seq integer not null default 0;
alter table comment add column station_id integer references station (id);
alter table comment add column disposition text not null default '';
create table feed_counter (
    id integer primary key check (id = 1),
    value integer not null
);
insert into feed_counter (id, value) values (1, (select coalesce(max(id), 0) from comment));
update comment set seq = id;
create index comment_seq on comment (seq);
-- Writers that do not number their rows themselves (the intake does, for a whole batch at once).
create trigger comment_feed_insert after insert on comment when new.seq = 0
begin
    update feed_counter set value = value + 1 where id = 1;
    update comment set seq = (select value from feed_counter where id = 1) where id = new.id;
end;
create trigger comment_feed_update after update on comment when new.seq = old.seq
begin
    update feed_counter set value = value + 1 where id = 1;
    update comment set seq = (select value from feed_counter where id = 1) where id = new.id;
end;
