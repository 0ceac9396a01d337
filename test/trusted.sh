#!/usr/bin/env bash
# Trusted extension: a database owner who is not a superuser ("align_owner":
# LOGIN, owns database align_trusted, nothing else) installs, uses, updates
# and drops align, whose install and update scripts then run as the
# bootstrap superuser.  Before installing, that owner plants look-alikes, in
# public (the schema align goes into, which the owner may create in), of
# every name the scripts call in a statement that runs (test/trusted/
# plant_install.sql); each records its call and, run as a superuser, would
# make its owner one.  Checks:
#   1. align is trusted (the control file), at every installable version;
#   2. an overload of a support function that align_concrete_aggregates
#      would bind into the extension's aggregates (plant_hijack.sql) makes
#      CREATE EXTENSION fail instead of adopting it;
#   3. CREATE EXTENSION align runs none of the planted functions; every
#      object it made is owned by the bootstrap superuser, the extension by
#      align_owner; the owner's attributes, role memberships, ownerships,
#      grants and privileges on every database, schema and table
#      (test/trusted/grants.sql) are what they were, plus the extension;
#   4. the owner uses it (test/trusted/use.sql: funnels, handoff_summary,
#      stage_stays, window_funnel, align_concrete_aggregates over its own
#      enum: those aggregates are the owner's, not the extension's);
#   5. the owner cannot: read another role's table through an aggregate,
#      replace, re-own or detach an extension function; another role
#      without CREATE on public cannot make aggregates there with
#      align_concrete_aggregates (all 42501);
#   6. DROP EXTENSION by the owner: its privileges are as before;
#   7. CREATE EXTENSION align VERSION '0.1.0', then overloads over 0.1.0's
#      types that the update would bind (plant_hijack_update.sql) make
#      ALTER EXTENSION align UPDATE fail; without them it updates to the
#      current version, running none of the planted functions, every new
#      object owned by the bootstrap superuser; then used and dropped.
#
#   bash test/trusted.sh
#
# With ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster in PGHOST.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_packages
    align_build
    align_start
fi
T=$ALIGN_ROOT/test/trusted
work=$(mktemp -d "${TMPDIR:-/tmp}/align-trusted.XXXXXX")
trap 'rm -rf "$work"; [ "${ALIGN_USE_RUNNING:-}" = 1 ] || align_stop' EXIT
trap 'exit 130' INT TERM
db=align_trusted
dbo=align_owner
other=align_other
export PGOPTIONS='-c client_min_messages=warning'
status=0
fail() { echo "trusted: $*"; status=1; }
# the superuser's own queries look only in pg_catalog: public holds the plants
as_super() { PGOPTIONS="$PGOPTIONS -c search_path=pg_catalog,pg_temp" align_psql -d $db "$@"; }
as_dbo() { align_psql -d $db -U $dbo "$@"; }
as_other() { align_psql -d $db -U $other "$@"; }
marker() { as_super -At -c "SELECT coalesce(string_agg(DISTINCT fn || ' as ' || ran_as, ', '), '') FROM trusted.marker"; }
no_marker() {
    local hit
    hit=$(marker)
    [ -z "$hit" ] || fail "$1 ran planted functions: $hit"
    [ "$(as_super -At -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$dbo'")" = f ] \
        || fail "$1 made $dbo a superuser"
}
grants() { as_super -At -v role=$dbo -f "$T/grants.sql"; }
# members(): align's objects whose owner is not the bootstrap superuser
members_not_bootstrap() {
    as_super -At -f "$T/members.sql" | grep -v -e " | $bootstrap\$" -e ' | none$' -e "^extension align | $dbo\$" || true
}
# denied ROLE SQL: the statement must fail with 42501 (insufficient privilege)
denied() {
    local role=$1 sql=$2 out
    out=$(align_psql -d $db -U "$role" -v VERBOSITY=sqlstate -c "$sql" 2>&1) \
        && { fail "$role could run: $sql"; return; }
    grep -q '42501' <<<"$out" || fail "$role: $sql failed, but not for lack of privilege: $out"
}
# installed WHAT: after WHAT, align's objects are the bootstrap superuser's
# and the owner's privileges differ from before only by owning the extension
installed() {
    local bad change
    bad=$(members_not_bootstrap)
    [ -z "$bad" ] || fail "after $1, objects of align not owned by $bootstrap:"$'\n'"$bad"
    grants >"$work/installed"
    change=$(diff "$work/before" "$work/installed" | grep '^[<>]' || true)
    # ladder_outcome is everyone's to read and write, row-level security
    # keeping each enum's rows to its owner (nothing_beyond checks that)
    [ "$change" = "> owns extension align"$'\n'"> table public.ladder_outcome t,t,t,t,f" ] \
        || fail "$1 changed $dbo's privileges by more than owning the extension:"$'\n'"$change"
}
# nothing_beyond: the aggregates align_concrete_aggregates made are the
# owner's, and what align does not let anyone do is denied
nothing_beyond() {
    local theirs
    theirs=$(as_super -At -c "
        SELECT count(*) FILTER (WHERE p.proowner = '$dbo'::regrole AND NOT EXISTS (
                   SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))
               || '/' || count(*)
        FROM pg_proc p WHERE p.prokind = 'a' AND p.proargtypes[1] = 'public.deal_stage'::regtype")
    # funnel(lead, stage, at [, within [, cal]]), funnel_as_of(lead, stage, at, as_of [, cal]): the stage second
    [ "$theirs" = 5/5 ] || fail "align_concrete_aggregates' aggregates over $dbo's enum: $theirs owned by $dbo, outside the extension"
    denied $dbo 'SELECT public.funnel(lead, stage::public.lead_stage, at) FROM secret.payroll'
    denied $dbo 'CREATE OR REPLACE FUNCTION public.stage_rank(public.lead_stage) RETURNS integer LANGUAGE sql AS $$SELECT 1$$'
    denied $dbo "ALTER FUNCTION public.stage_rank(public.lead_stage) OWNER TO $dbo"
    denied $dbo 'ALTER EXTENSION align DROP FUNCTION public.stage_rank(public.lead_stage)'
    denied $other "SELECT public.align_concrete_aggregates('date', 'public.lead_stage')"
    # ladder_outcome: the enum's owner declares an outcome; another role can
    # neither add one for that enum nor change or delete the owner's row;
    # the owner, not a superuser, can pg_dump the database (its rows too;
    # but the schema secret, which another role keeps from it)
    as_dbo -c "INSERT INTO public.ladder_outcome VALUES ('public.deal_stage', 'SQL', 'lost')" >/dev/null \
        || fail "$dbo could not declare an outcome of its own enum"
    denied $other "INSERT INTO public.ladder_outcome VALUES ('public.deal_stage', 'MQL', 'lost')"
    denied $other "UPDATE public.ladder_outcome SET outcome = 'recycled'"
    denied $other "DELETE FROM public.ladder_outcome"
    [ "$(as_super -At -c "SELECT string_agg(format('%s %s %s', ladder, label, outcome), ',') FROM public.ladder_outcome")" \
        = "public.deal_stage SQL lost" ] || fail "$other changed or deleted $dbo's ladder_outcome row"
    # (with the server's own pg_dump: test/versions.sh runs this script
    # against 17 and 18 servers with 15's client programs)
    if [ "$(pg_dump --version | grep -oE '[0-9]+' | head -1)" != \
         "$(as_super -At -c 'SELECT current_setting($$server_version_num$$)::int / 10000')" ]; then
        echo "trusted: the owner's pg_dump not checked: pg_dump is not the server's major version"
        as_dbo -c "DELETE FROM public.ladder_outcome" >/dev/null
        return
    fi
    pg_dump --no-sync -U $dbo -d $db -N secret >"$work/owner.dump" 2>"$work/owner.err" \
        || fail "$dbo could not pg_dump its database: $(head -3 "$work/owner.err")"
    grep -q "deal_stage"$'\t'"SQL"$'\t'"lost$" "$work/owner.dump" \
        || fail "$dbo's pg_dump lacks its ladder_outcome row: $(grep -A3 "COPY public.ladder_outcome" "$work/owner.dump")"
    as_dbo -c "DELETE FROM public.ladder_outcome" >/dev/null
}
# use_and_drop WHAT: the owner uses align, drops it and what it made with it;
# then its privileges are what they were before installing
use_and_drop() {
    as_dbo -f "$T/use.sql" >/dev/null || fail "$dbo could not use align after $1"
    no_marker "using align after $1"
    [ "$1" != "CREATE EXTENSION" ] || nothing_beyond
    as_dbo -c 'DROP EXTENSION align CASCADE' -c 'DROP TABLE public.events, public.report' \
        -c 'DROP TYPE public.deal_stage' >/dev/null || fail "$dbo could not DROP EXTENSION align after $1"
    grants >"$work/dropped"
    diff -u "$work/before" "$work/dropped" \
        || fail "after $1 and DROP EXTENSION, $dbo's privileges differ from before installing"
}
# refused WHAT SQL: with planted support-function overloads in public, the
# owner's SQL fails, naming them, instead of binding them into align
refused() {
    local err
    if err=$(as_dbo -c "$2" 2>&1 >/dev/null); then
        fail "$1 adopted the planted support-function overloads"
    elif ! grep -q 'not align' <<<"$err"; then
        fail "$1 failed for another reason than the planted overloads: $err"
    fi
    no_marker "the refused $1"
}
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$ALIGN_ROOT/align.control")

align_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS $dbo" \
    -c "DROP ROLE IF EXISTS $other" \
    -c "CREATE ROLE $dbo LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
    -c "CREATE ROLE $other LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
    -c "CREATE DATABASE $db OWNER $dbo" >/dev/null
bootstrap=$(align_psql -d postgres -At -c "SELECT rolname FROM pg_roles WHERE oid = 10")

# 1. trusted at every version
untrusted=$(align_psql -d postgres -At -c "SELECT string_agg(version, ', ') FROM pg_available_extension_versions
                                           WHERE name = 'align' AND NOT trusted")
[ -z "$untrusted" ] || fail "align is not trusted at: $untrusted"

# another role's private table, and the owner's plants
as_super -c "CREATE SCHEMA secret AUTHORIZATION $other" >/dev/null
as_other -c 'CREATE TABLE secret.payroll (lead bigint, stage text, at timestamptz)' \
    -c "INSERT INTO secret.payroll VALUES (1, 'mql', now())" >/dev/null
as_dbo -f "$T/plant_install.sql" -f "$T/plant_hijack.sql" >/dev/null

# 2. a support-function overload is refused, not bound
refused "CREATE EXTENSION" 'CREATE EXTENSION align'
as_dbo -c 'DROP EXTENSION IF EXISTS align CASCADE' >/dev/null
as_dbo -c 'DROP FUNCTION public.handoff_state_trans(anyelement, bigint, timestamptz, text, interval)' >/dev/null
grants >"$work/before"

# 3. CREATE EXTENSION by the owner
as_dbo -c 'CREATE EXTENSION align' >/dev/null || fail "$dbo could not CREATE EXTENSION align"
no_marker "CREATE EXTENSION"
members=$(as_super -At -f "$T/members.sql" | wc -l)
[ "$members" -gt 100 ] || fail "only $members align objects found"
installed "CREATE EXTENSION"

# 4.-6. the owner uses it (and cannot do more), then drops it
use_and_drop "CREATE EXTENSION"

# 7. install 0.1.0 and update, as the owner
versions=$(align_psql -d postgres -At -c "SELECT string_agg(version, ' ' ORDER BY version) FROM pg_available_extension_versions
                                          WHERE name = 'align' AND version <> '$current'")
updated=0
for v in $versions; do
    as_dbo -c "CREATE EXTENSION align VERSION '$v'" >/dev/null || { fail "$dbo could not install align $v"; continue; }
    no_marker "CREATE EXTENSION align VERSION '$v'"
    as_dbo -f "$T/plant_hijack_update.sql" >/dev/null
    refused "updating from $v" 'ALTER EXTENSION align UPDATE'
    as_dbo -c 'DROP FUNCTION public.funnel_event_trans(public.funnel, bigint, public.lead_stage, timestamptz)' \
        -c 'DROP FUNCTION public.funnel_final(public.funnel, bigint, public.lead_stage, timestamptz)' >/dev/null
    as_dbo -c 'ALTER EXTENSION align UPDATE' >/dev/null || fail "$dbo could not update align from $v"
    no_marker "ALTER EXTENSION align UPDATE from $v"
    got=$(as_super -At -c "SELECT extversion FROM pg_extension WHERE extname = 'align'")
    [ "$got" = "$current" ] || fail "updating from $v ended at $got, not $current"
    installed "updating from $v"
    use_and_drop "updating from $v"
    updated=$((updated + 1))
done
[ "$updated" -gt 0 ] || fail "no older version of align to update from"

planted=$(cat "$T"/plant_install.sql | grep -c 'PERFORM trusted.trap(')
refused=$(cat "$T"/plant_hijack*.sql | grep -c 'PERFORM trusted.trap(')
align_psql -d postgres -c "DROP DATABASE $db" -c "DROP ROLE $dbo" -c "DROP ROLE $other" >/dev/null
if [ "$status" -eq 0 ]; then
    echo "trusted: PASS: non-superuser database owner installed align (every one of its $members objects owned by $bootstrap), used it, updated from [$versions] and dropped it; $planted planted look-alikes never ran, $refused planted support-function overloads were refused; its privileges, memberships and ownerships unchanged but for the extension; reading another role's table, replacing/re-owning/detaching align's functions and making aggregates without CREATE were denied (42501)"
else
    echo "trusted: FAIL"
fi
exit "$status"
