# test/citus/cluster.sh: a Citus cluster on this machine, shared by
# test/citus.sh and test/bench.sh (sourced after test/lib.sh).
#
# citus_build builds Citus from the tarball next to the checkout
# (../shared/vendor/, see its README.md) with its patch, and align, into a
# private copy of PostgreSQL 15; citus_cluster_start starts a coordinator
# and two workers on 127.0.0.1 on free ports and joins them;
# citus_nodes_stop stops them.  The caller sets CITUS_DIR, a directory the
# servers can reach (mode 755), and removes it; CITUS_NODE_OPTS adds server
# settings.  A function that fails says why in CITUS_ERROR and returns 1.
#   ALIGN_CITUS_PREFIX=DIR   reuse a private PostgreSQL copy with Citus in
#                            it: no build

CITUS_VERSION=13.2.2
CITUS_VENDOR=$ALIGN_ROOT/../shared/vendor
CITUS_TARBALL=$CITUS_VENDOR/citus-$CITUS_VERSION.tar.gz
CITUS_PATCH=$CITUS_VENDOR/citus-$CITUS_VERSION-pg15.20.patch
CITUS_NODES=(coordinator worker1 worker2)
CITUS_NODE_OPTS=
CITUS_BUILD_SECS=0
CITUS_ERROR=
declare -gA CITUS_PORT=()

# Installs the build dependencies the vendor README names ("apt-get install -y ...").
citus_packages() {
    local deps
    deps=$(sed -n 's/^apt-get install -y //p' "$CITUS_VENDOR/README.md" 2>/dev/null | head -1) || deps=
    # shellcheck disable=SC2086
    align_packages ${deps:-libzstd-dev liblz4-dev libkrb5-dev libcurl4-openssl-dev}
}

# Builds Citus and align into CITUS_DIR/pg (or align into ALIGN_CITUS_PREFIX);
# sets CITUS_BIN to its binaries and CITUS_BUILD_SECS; leaves PGBIN as it was.
citus_build() {
    local priv=$CITUS_DIR/pg pgbin=$PGBIN t0
    CITUS_BUILD_SECS=0
    if [ -n "${ALIGN_CITUS_PREFIX:-}" ]; then
        # a private copy that already has Citus (for development): align goes into it
        priv=$ALIGN_CITUS_PREFIX
        [ -f "$priv/usr/lib/postgresql/15/lib/citus.so" ] \
            || { CITUS_ERROR="no Citus in ALIGN_CITUS_PREFIX=$priv"; return 1; }
    else
        mkdir -p "$priv/usr/lib/postgresql" "$priv/usr/share/postgresql" \
            && cp -a /usr/lib/postgresql/15 "$priv/usr/lib/postgresql/" \
            && cp -a /usr/share/postgresql/15 "$priv/usr/share/postgresql/" \
            || { CITUS_ERROR="copying PostgreSQL to $priv"; return 1; }

        say "building Citus $CITUS_VERSION into $priv"
        t0=$SECONDS
        # no LLVM bitcode: the nodes run without JIT, and it shortens the build
        if ! (cd "$CITUS_DIR" && tar xzf "$CITUS_TARBALL" \
                && cd "citus-$CITUS_VERSION" \
                && { [ ! -f "$CITUS_PATCH" ] || patch -s -p1 <"$CITUS_PATCH"; } \
                && ./configure PG_CONFIG="$PG_CONFIG" \
                && make -j2 with_llvm=no \
                && make install with_llvm=no DESTDIR="$priv") >"$CITUS_DIR/citus-build.log" 2>&1; then
            tail -30 "$CITUS_DIR/citus-build.log" >&2
            CITUS_ERROR="building Citus"
            return 1
        fi
        CITUS_BUILD_SECS=$((SECONDS - t0))
    fi
    align_build_private "$priv" || { PGBIN=$pgbin; CITUS_ERROR="building align into $priv"; return 1; }
    CITUS_BIN=$PGBIN
    PGBIN=$pgbin
}

# A TCP port on 127.0.0.1 that nothing listens on and no node has taken.
citus_free_port() {
    local p n taken
    while :; do
        p=$((20000 + RANDOM % 40000))
        taken=0
        for n in "${!CITUS_PORT[@]}"; do [ "${CITUS_PORT[$n]}" != "$p" ] || taken=1; done
        [ "$taken" -eq 0 ] || continue
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
        echo "$p"
        return
    done
}

# Starts node $1 (initdb on first use) on a free port, retrying on a clash.
citus_node_start() {
    local n=$1 try opts
    mkdir -p "$CITUS_DIR/$n" || return 1
    [ "$(id -u)" -ne 0 ] || chown postgres: "$CITUS_DIR/$n" || return 1
    cluster_init "$CITUS_BIN" "$CITUS_DIR/$n" "$PGUSER" || return 1
    for try in 1 2 3 4 5; do
        CITUS_PORT[$n]=$(citus_free_port)
        opts="-c listen_addresses=127.0.0.1 -c port=${CITUS_PORT[$n]} -c unix_socket_directories='$CITUS_DIR/$n'"
        opts+=" -c shared_preload_libraries=citus -c fsync=off -c max_worker_processes=16"
        opts+="${CITUS_NODE_OPTS:+ $CITUS_NODE_OPTS}"
        if cluster_start "$CITUS_BIN" "$CITUS_DIR/$n" "$opts" 2>/dev/null; then
            return 0
        fi
    done
    tail -20 "$CITUS_DIR/$n/server.log" >&2
    return 1
}

# psql on node $1 (coordinator by default via on_coord).
on_node() { local n=$1; shift; align_psql -h 127.0.0.1 -p "${CITUS_PORT[$n]}" "$@"; }
on_coord() { on_node coordinator "$@"; }

# Starts the coordinator and the two workers, CREATE EXTENSION citus on
# each, adds the workers, CREATE EXTENSION align on the coordinator.
citus_cluster_start() {
    local n
    for n in "${CITUS_NODES[@]}"; do
        citus_node_start "$n" || { CITUS_ERROR="starting the $n"; return 1; }
        on_node "$n" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION citus' \
            || { CITUS_ERROR="CREATE EXTENSION citus on the $n"; return 1; }
    done
    say "coordinator on port ${CITUS_PORT[coordinator]}, workers on ${CITUS_PORT[worker1]} and ${CITUS_PORT[worker2]}"
    on_coord -c 'SET client_min_messages = warning' \
        -c "SELECT citus_set_coordinator_host('127.0.0.1', ${CITUS_PORT[coordinator]})" \
        -c "SELECT citus_add_node('127.0.0.1', ${CITUS_PORT[worker1]})" \
        -c "SELECT citus_add_node('127.0.0.1', ${CITUS_PORT[worker2]})" \
        -c 'CREATE EXTENSION align' >/dev/null \
        || { CITUS_ERROR="joining the nodes"; return 1; }
}

# Stops every node that runs (immediate shutdown); CITUS_DIR stays.
citus_nodes_stop() {
    local n
    [ -n "${CITUS_DIR:-}" ] || return 0
    for n in "${CITUS_NODES[@]}"; do
        if [ -f "$CITUS_DIR/$n/data/postmaster.pid" ]; then
            as_owner "${CITUS_BIN:-$PGBIN}/pg_ctl" -D "$CITUS_DIR/$n/data" \
                -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
}
