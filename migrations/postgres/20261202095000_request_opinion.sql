-- A resident's request about an open draft, turned by its station into an opinion on the
-- draft's article (it then travels with the station's next batch). Deleting that opinion
-- before it is forwarded leaves the request as it was.
alter table resident_request add column opinion_id bigint references station_opinion (id) on delete set null;
