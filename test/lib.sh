# test/lib.sh: set-up shared by test/demo.sh, test/check.sh and test/bench.sh.
#
# Installs the Debian packages that are missing, builds and installs align,
# and starts a throwaway PostgreSQL 15 cluster in a temporary directory that
# listens only on a Unix socket inside that directory.  The cluster is stopped
# and removed on exit, also on failure or Ctrl-C.  Works as root (the server
# then runs as the postgres user, since it refuses root) and as a normal user
# with sudo.

set -euo pipefail

ALIGN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
export PG_CONFIG=$PGBIN/pg_config

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    SUDO=(sudo)
fi

# Prints a progress line on stderr.
say() { printf '==> %s\n' "$*" >&2; }

# Installs whatever of the needed Debian packages is missing.
align_packages() {
    local needed=(postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap
                  libtap-parser-sourcehandler-pgtap-perl make gcc libxml2-utils "$@")
    local missing=()
    for p in "${needed[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Builds align (warnings are errors) and installs it into PostgreSQL 15.
align_build() {
    # One build-install-run at a time per machine: the install goes to
    # PostgreSQL's shared directories, so two checkouts must not interleave.
    local lock="${TMPDIR:-/tmp}/align-install.lock"
    (umask 000; : >>"$lock") 2>/dev/null || true
    # read-only: flock needs no write access, so a lock file another user
    # (root in CI, say) created works for everyone
    exec 9<"$lock"
    flock 9
    say "building align"
    make -C "$ALIGN_ROOT" -s -j2 PG_CONFIG="$PG_CONFIG" >/dev/null
    "${SUDO[@]}" make -C "$ALIGN_ROOT" -s install PG_CONFIG="$PG_CONFIG" >/dev/null
}

# Builds align and installs it into a private copy of PostgreSQL 15 under
# DIR (created on first use), without the machine-wide lock and without
# touching the system installation: for long or instrumented runs (fuzzing,
# SQLsmith, sanitizers) that must not hold up, or leak into, other checkouts.
# Extra arguments go to make (e.g. a separate build directory's flags).
# Sets PGBIN to the private copy, so align_start runs it.
align_build_private() {
    local dir=$1 src=${2:-$ALIGN_ROOT}
    shift 2 || shift $#
    if [ ! -x "$dir/usr/lib/postgresql/15/bin/postgres" ]; then
        mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql"
        cp -a /usr/lib/postgresql/15 "$dir/usr/lib/postgresql/"
        cp -a /usr/share/postgresql/15 "$dir/usr/share/postgresql/"
    fi
    say "building align into $dir"
    make -C "$src" -s -j2 PG_CONFIG="$PG_CONFIG" "$@" >/dev/null || return 1
    make -C "$src" -s install DESTDIR="$dir" PG_CONFIG="$PG_CONFIG" "$@" >/dev/null || return 1
    PGBIN=$dir/usr/lib/postgresql/15/bin
}

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Stops and removes the throwaway cluster.
align_stop() {
    if [ -n "${ALIGN_TMP:-}" ] && [ -d "$ALIGN_TMP" ]; then
        if [ -f "$ALIGN_TMP/data/postmaster.pid" ]; then
            as_owner "$PGBIN/pg_ctl" -D "$ALIGN_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$ALIGN_TMP"
    fi
}

# Creates a cluster in DIR/data with PostgreSQL's binaries in BIN, owned by
# the cluster's owner, superuser USER (initdb's log: DIR/initdb.log).
#   cluster_init BIN DIR USER
cluster_init() {
    local bin=$1 dir=$2 user=$3
    as_owner "$bin/initdb" -D "$dir/data" -U "$user" -A trust \
        --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
}

# Starts the cluster in DIR/data with server options OPTS (log: DIR/server.log).
# 9<&-: the server must not inherit the install lock (align_build), or a
# server left running by a killed script would hold it for good.
#   cluster_start BIN DIR OPTS
cluster_start() {
    local bin=$1 dir=$2 opts=$3
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$opts" start >/dev/null 9<&-
}

# The bootstrap superuser of every throwaway cluster, whoever runs the
# scripts (root or a user with sudo): test outputs name it (an enum's
# owner in an error's detail), so it must not be the caller's login name.
ALIGN_SUPERUSER=postgres

# Starts a throwaway cluster; exports PGHOST/PGPORT/PGUSER/PGDATABASE for clients.
# Extra server settings may be passed as arguments (-c name=value ...).
align_start() {
    ALIGN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/align-pg.XXXXXX")
    export ALIGN_TMP
    trap align_stop EXIT
    trap 'exit 130' INT TERM
    chmod 755 "$ALIGN_TMP"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$ALIGN_TMP"
    export PGUSER=$ALIGN_SUPERUSER
    say "starting a throwaway cluster in $ALIGN_TMP"
    cluster_init "$PGBIN" "$ALIGN_TMP" "$PGUSER" || return 1
    cluster_start "$PGBIN" "$ALIGN_TMP" \
        "-c listen_addresses='' -c unix_socket_directories='$ALIGN_TMP' -c port=5432 -c fsync=off -c max_worker_processes=8 -c max_parallel_workers=4 $*" \
        || { cat "$ALIGN_TMP/server.log" >&2; return 1; }
    export PGHOST=$ALIGN_TMP PGPORT=5432 PGDATABASE=postgres
    export PATH="$PGBIN:$PATH"
}

# Runs psql quietly, stopping at the first error.
align_psql() {
    psql -X -q -v ON_ERROR_STOP=1 "$@"
}
