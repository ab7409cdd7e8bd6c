-- A cluster can be given to a committee member, like an article. While an article or cluster is
-- assigned, only that member (or an administrator) records dispositions and edits on it.
alter table opinion_cluster add column assigned_to bigint references account (id);
