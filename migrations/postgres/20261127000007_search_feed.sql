-- The search index follows the database through `comment.seq`: every insert and every change of
-- a comment gives it the next number of one counter row. The row stays locked until the writing
-- transaction commits, so numbers are handed out in commit order and a reader never sees a
-- number while a smaller one is still uncommitted: an index (one per server) that remembers the
-- last number it applied can always catch up. Station opinions and the disposition are facets.
alter table comment add column seq bigint not null default 0;
alter table comment add column station_id bigint references station (id);
alter table comment add column disposition text not null default '';
create table feed_counter (
    id integer primary key check (id = 1),
    value bigint not null
);
insert into feed_counter (id, value) values (1, (select coalesce(max(id), 0) from comment));
update comment set seq = id;
create index comment_seq on comment (seq);
create function comment_feed() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' and new.seq <> 0 then
        return new;
    end if;
    if tg_op = 'UPDATE' and new.seq <> old.seq then
        return new;
    end if;
    update feed_counter set value = value + 1 where id = 1 returning value into new.seq;
    return new;
end
$$;
create trigger comment_feed before insert or update on comment
    for each row execute function comment_feed();
