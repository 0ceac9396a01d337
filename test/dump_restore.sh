#!/usr/bin/env bash
# Dump and restore: a database holding align values (test/upgrade/stored.sql:
# lead_stage columns and indexes, stored funnels, a materialized view, views,
# aggregates declared by align_concrete_aggregates with a view over them,
# work_calendar values in a table joined by a view, and funnels stored
# with a calendar; pipelines, and a view of their rows)
# is dumped, restored into a fresh database (custom format via pg_restore,
# and plain SQL via psql), and dumped again: the dumps must be identical and
# every stored value must read back the same.  Then a binary COPY of the
# stored funnels and stages into the restored database must give the same
# values (funnel_send -> funnel_recv, lead_stage_send -> lead_stage_recv,
# work_calendar_send -> work_calendar_recv, pipeline_send -> pipeline_recv),
# and REFRESH MATERIALIZED VIEW CONCURRENTLY must work after the restore.
#
#   bash test/dump_restore.sh
#
# With ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster in PGHOST.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_packages
    align_build
    align_start
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/align-dump.XXXXXX")
trap 'rm -rf "$work"; [ "${ALIGN_USE_RUNNING:-}" = 1 ] || align_stop' EXIT
export PGOPTIONS='-c client_min_messages=warning'
status=0
fail() { echo "dump/restore: $*"; status=1; }

# pg_dump 15.14 and later fence a plain dump with \restrict KEY, a random key
# per run: everything else must be identical.
dump() { pg_dump --no-sync "$@" | grep -vE '^\\(un)?restrict '; }

for db in align_dump_src align_dump_custom align_dump_plain; do
    align_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
done
align_psql -d align_dump_src -c 'CREATE EXTENSION align' -f "$ALIGN_ROOT/test/upgrade/stored.sql" >/dev/null
# aggregates a user declares with align_concrete_aggregates (not members of
# the extension: pg_dump writes them out), and a view that calls them
align_psql -d align_dump_src -c "SELECT count(*) FROM align_concrete_aggregates('bigint', 'crm_stage', 'crm_stage')" \
    -c "CREATE VIEW concrete_aggregates AS
        SELECT channel, funnel(lead_id, crm, at) AS f,
               handoff_summary(lead_id, at, crm, interval '1 day', 'trial'::crm_stage) AS h
        FROM stage_history GROUP BY channel" >/dev/null
# business-hours calendars (0.2.0): one per channel, joined in a view
align_psql -d align_dump_src -c "CREATE TABLE channel_calendar (channel text PRIMARY KEY, cal work_calendar NOT NULL)" \
    -c "INSERT INTO channel_calendar VALUES
        ('organic', 'mon-fri 09:00-17:30; sat 10:00-14:00; tz Europe/Berlin; closed 2026-12-24 13:00-, 2026-12-25..2026-12-26'),
        ('paid', 'mon-thu 22:00-06:00; sun 12:00-13:00; tz America/New_York; closed 2026-01-19'),
        ('events', 'mon-sun 00:00-24:00')" \
    -c "CREATE VIEW working_gaps AS
        SELECT h.id, working_time(c.cal, h.at, h.at + interval '3 days') AS worked,
               working_deadline(c.cal, h.at, interval '4 hours') AS deadline
        FROM stage_history h JOIN channel_calendar c USING (channel) WHERE h.at IS NOT NULL" \
    -c "CREATE TABLE calendar_funnel AS
        SELECT h.channel, funnel(h.lead_id, h.stage, h.at, NULL, c.cal) AS f
        FROM stage_history h JOIN channel_calendar c USING (channel) GROUP BY h.channel" >/dev/null
# funnels as of a time (issue 15): the conversion and censoring sketches
align_psql -d align_dump_src -c "CREATE TABLE as_of_funnel AS
        SELECT channel, funnel_as_of(lead_id, stage, at, '2026-03-01 00:00+00') AS f
        FROM stage_history GROUP BY channel" >/dev/null

# an enum ladder with declared outcomes (ladder_outcome, an extension
# configuration table: pg_dump keeps its rows, naming the enum by name), and
# a funnel stored over it; a row left naming a value since renamed is not
# dumped (it would fail the table's check on restore)
align_psql -d align_dump_src \
    -c "CREATE TYPE deal_stage AS ENUM ('open', 'proposal', 'closed lost', 'won')" \
    -c "INSERT INTO ladder_outcome VALUES ('deal_stage', 'closed lost', 'lost')" \
    -c "CREATE TYPE stale_stage AS ENUM ('open', 'gone')" \
    -c "INSERT INTO ladder_outcome VALUES ('stale_stage', 'gone', 'lost')" \
    -c "ALTER TYPE stale_stage RENAME VALUE 'gone' TO 'lost'" \
    -c "CREATE TABLE deal_funnel AS
        SELECT funnel(l, (ARRAY['open', 'proposal', 'closed lost', 'won']::deal_stage[])[1 + (l * 7 + k) % 4],
                      timestamptz '2026-01-01' + (l + k) * interval '1 hour') AS f
        FROM generate_series(1, 50) l, generate_series(1, 3) k" >/dev/null
# pipelines over time (0.2.0): per channel over lead_stage, and over the
# enum ladder (its stage names are in the value), a view of their rows
align_psql -d align_dump_src \
    -c "CREATE TABLE channel_pipeline AS
        SELECT channel, pipeline(lead_id, stage, at, '2026-01-02', '2026-01-30', '2 days') AS p
        FROM stage_history GROUP BY channel" \
    -c "CREATE TABLE deal_pipeline AS
        SELECT pipeline(l, (ARRAY['open', 'proposal', 'closed lost', 'won']::deal_stage[])[1 + (l * 7 + k) % 4],
                        timestamptz '2026-01-01' + (l + k) * interval '1 hour', '2026-01-01', '2026-01-04', '1 day') AS p
        FROM generate_series(1, 50) l, generate_series(1, 3) k" \
    -c "CREATE VIEW pipeline_chart AS SELECT c.channel, r.* FROM channel_pipeline c, pipeline_rows(c.p) r" >/dev/null

pg_dump --no-sync -Fc -f "$work/src.dump" align_dump_src
pg_restore --exit-on-error -d align_dump_custom "$work/src.dump" || fail "pg_restore failed"
dump align_dump_src >"$work/src.sql"
align_psql -d align_dump_plain -f "$work/src.sql" >/dev/null 2>"$work/plain.err" \
    || { cat "$work/plain.err"; fail "restoring the plain dump failed"; }
for db in align_dump_custom align_dump_plain; do
    dump "$db" >"$work/$db.sql"
    if ! diff -u "$work/src.sql" "$work/$db.sql" >"$work/$db.diff"; then
        head -40 "$work/$db.diff"
        fail "the dump of $db differs from the original dump"
    fi
done
concrete="SELECT 'concrete_aggregates', count(*), md5(string_agg(format('%s %s %s', channel, f, h), ',' ORDER BY channel)) FROM concrete_aggregates;
    SELECT 'ladder_outcome', ladder::text, label, outcome FROM ladder_outcome o
    WHERE EXISTS (SELECT FROM pg_enum e WHERE e.enumtypid = o.ladder AND e.enumlabel = o.label) ORDER BY 2, 3;
    SELECT 'stale ladder_outcome rows', count(*) FROM ladder_outcome o
    WHERE NOT EXISTS (SELECT FROM pg_enum e WHERE e.enumtypid = o.ladder AND e.enumlabel = o.label)
      AND current_database() <> 'align_dump_src';
    SELECT 'deal_funnel', f, reached(f, 'won'::deal_stage), reached(f, 'closed lost'::deal_stage) FROM deal_funnel;
    SELECT 'channel_calendar', count(*), md5(string_agg(format('%s %s', channel, cal), ',' ORDER BY channel)) FROM channel_calendar;
    SELECT 'calendar_funnel', channel, f, funnel_calendar(f), time_to_convert(f, 'lead', 'mql', 0.5) FROM calendar_funnel ORDER BY channel;
    SELECT 'as_of_funnel', channel, f, c.* FROM as_of_funnel, conversion_curve(f, 'lead', 'sql', ARRAY[1, 30]) c ORDER BY channel, days;
    SELECT 'working_gaps', count(*), md5(string_agg(format('%s %s %s', id, worked, deadline), ',' ORDER BY id)) FROM working_gaps;
    SELECT 'channel_pipeline', channel, p FROM channel_pipeline ORDER BY channel;
    SELECT 'deal_pipeline', p FROM deal_pipeline;
    SELECT 'pipeline_chart', count(*), sum(in_stage), md5(string_agg(format('%s %s %s %s %s %s %s %s', channel, at, stage, in_stage, entered, left_up, left_down, exited), ',' ORDER BY channel, at, stage)) FROM pipeline_chart"
align_psql -d align_dump_src -At -f "$ALIGN_ROOT/test/upgrade/values.sql" -c "$concrete" >"$work/values.src"
for db in align_dump_custom align_dump_plain; do
    align_psql -d $db -At -f "$ALIGN_ROOT/test/upgrade/values.sql" -c "$concrete" >"$work/values.$db"
    diff -u "$work/values.src" "$work/values.$db" || fail "stored values read back differently in $db"
done

# binary COPY of every stored value, from the original into the restored database
align_psql -d align_dump_plain \
    -c 'CREATE TABLE copy_funnel (LIKE daily_funnel)' -c 'CREATE TABLE copy_stage (LIKE stage_history)'
psql -X -q -d align_dump_src -c '\copy daily_funnel TO STDOUT (FORMAT binary)' |
    psql -X -q -v ON_ERROR_STOP=1 -d align_dump_plain -c '\copy copy_funnel FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of funnels failed"
psql -X -q -d align_dump_src -c '\copy stage_history TO STDOUT (FORMAT binary)' |
    psql -X -q -v ON_ERROR_STOP=1 -d align_dump_plain -c '\copy copy_stage FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of stages failed"
align_psql -d align_dump_plain -c 'CREATE TABLE copy_calendar (LIKE channel_calendar)' \
    -c 'CREATE TABLE copy_calendar_funnel (LIKE calendar_funnel)' -c 'CREATE TABLE copy_as_of_funnel (LIKE as_of_funnel)'
psql -X -q -d align_dump_src -c '\copy as_of_funnel TO STDOUT (FORMAT binary)' |
    psql -X -q -v ON_ERROR_STOP=1 -d align_dump_plain -c '\copy copy_as_of_funnel FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of funnels as of a time failed"
align_psql -d align_dump_plain -c 'CREATE TABLE copy_pipeline (LIKE channel_pipeline)' >/dev/null
psql -X -q -d align_dump_src -c '\copy channel_pipeline TO STDOUT (FORMAT binary)' |
    psql -X -q -v ON_ERROR_STOP=1 -d align_dump_plain -c '\copy copy_pipeline FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of pipelines failed"
psql -X -q -d align_dump_src -c '\copy calendar_funnel TO STDOUT (FORMAT binary)' |
    psql -X -q -v ON_ERROR_STOP=1 -d align_dump_plain -c '\copy copy_calendar_funnel FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of funnels with a calendar failed"
psql -X -q -d align_dump_src -c '\copy channel_calendar TO STDOUT (FORMAT binary)' |
    psql -X -q -v ON_ERROR_STOP=1 -d align_dump_plain -c '\copy copy_calendar FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of calendars failed"
different=$(align_psql -d align_dump_plain -At -c "
    SELECT (SELECT count(*) FROM (SELECT day, f::text, f_within::text, f_enum::text, f_counts::text FROM daily_funnel
                                  EXCEPT SELECT day, f::text, f_within::text, f_enum::text, f_counts::text FROM copy_funnel) d)
         + (SELECT count(*) FROM (SELECT * FROM copy_funnel) c) - (SELECT count(*) FROM daily_funnel)
         + (SELECT count(*) FROM (SELECT id, stage, path FROM stage_history EXCEPT SELECT id, stage, path FROM copy_stage) d)
         + (SELECT count(*) FROM channel_calendar c FULL JOIN copy_calendar k USING (channel)
            WHERE c.cal IS DISTINCT FROM k.cal OR c.cal::text IS DISTINCT FROM k.cal::text)
         + (SELECT count(*) FROM calendar_funnel c FULL JOIN copy_calendar_funnel k USING (channel)
            WHERE c.f::text IS DISTINCT FROM k.f::text)
         + (SELECT count(*) FROM as_of_funnel c FULL JOIN copy_as_of_funnel k USING (channel)
            WHERE c.f::text IS DISTINCT FROM k.f::text)
         + (SELECT count(*) FROM channel_pipeline c FULL JOIN copy_pipeline k USING (channel)
            WHERE c.p::text IS DISTINCT FROM k.p::text)")
[ "$different" = 0 ] || fail "binary COPY changed $different values"

align_psql -d align_dump_custom -c 'REFRESH MATERIALIZED VIEW CONCURRENTLY funnel_by_channel' \
    || fail "REFRESH MATERIALIZED VIEW CONCURRENTLY failed after the restore"
align_psql -d align_dump_custom -At -f "$ALIGN_ROOT/test/upgrade/values.sql" -c "$concrete" >"$work/values.refreshed"
diff -u "$work/values.src" "$work/values.refreshed" || fail "the refreshed materialized view differs"

objects=$(grep -cE '^(CREATE|ALTER|COPY|COMMENT)' "$work/src.sql")
if [ "$status" -eq 0 ]; then
    echo "dump/restore: PASS: dump -> restore (custom and plain) -> dump identical ($objects statements), values, binary COPY and REFRESH CONCURRENTLY unchanged"
else
    echo "dump/restore: FAIL"
fi
exit "$status"
