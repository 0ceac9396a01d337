// The DuckDB side of the benchmark (issue 12, part 3), run by test/bench.sh
// from a temporary directory where @duckdb/node-api is installed:
//
//   node run.mjs --queries DIR --events FILE --answers DIR --reps N --times FILE \
//       --align reached=FILE --align mql_sql=FILE --align steps=FILE
//
// Loads the events exported from PostgreSQL into an in-memory DuckDB with 2
// threads (DIR/load.sql), runs every metric (DIR/NAME.sql) into a table
// duck_NAME, reads align's answer (ANSWERS/NAME.csv, written by test/bench.sh
// from the --align query) into align_NAME and compares them with
// DIR/NAME.check.sql (rows returned = differences).  Only when every metric
// agrees, times both engines, alternately: each query once as a warm-up,
// then for every metric DuckDB's query and align's, N times.  align's runs go
// through one psql session (PGHOST etc. from the environment), each after
// RESET ALL (the default settings), measured as test/bench.sh's time_group
// does: psql's \timing, and the backend's on-CPU and run-queue wait time
// (/proc/<backend>/schedstat).  DuckDB's: the wall clock around the query
// in node (performance.now(), the result read in full), and the on-CPU and
// run-queue wait time summed over the process's threads
// (/proc/self/task/*/schedstat).  Timed runs are appended to FILE as
// test/bench.sh's TIMES lines (group duckdb or duckdb_align, label NAME, run,
// wall ms, cpu ms, wait ms).
// Exit status: 0 done, 3 answers differ (nothing timed), 1 error.

import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, readdirSync, appendFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const METRICS = {
    reached: { stage: 'VARCHAR', leads: 'BIGINT' },
    mql_sql: { median_secs: 'DOUBLE' },
    steps: {
        rank: 'INTEGER', stage: 'VARCHAR', team: 'VARCHAR', leads: 'BIGINT',
        rate_from_previous: 'DOUBLE', rate_from_top: 'DOUBLE',
        median_secs: 'DOUBLE', p90_secs: 'DOUBLE',
        recycled: 'BIGINT', disqualified: 'BIGINT', lost: 'BIGINT',
    },
};
const THREADS = '2';

const args = { align: {} };
for (let i = 2; i < process.argv.length; i += 2) {
    const a = process.argv[i].replace(/^--/, ''), v = process.argv[i + 1];
    if (a === 'align') args.align[v.slice(0, v.indexOf('='))] = v.slice(v.indexOf('=') + 1);
    else args[a] = v;
}
for (const a of ['queries', 'events', 'answers', 'reps', 'times'])
    if (args[a] === undefined) { console.error(`run.mjs: --${a} missing`); process.exit(1); }
for (const m of Object.keys(METRICS))
    if (args.align[m] === undefined) { console.error(`run.mjs: --align ${m}=FILE missing`); process.exit(1); }
const reps = Number(args.reps);

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const query = (name) => readFileSync(`${args.queries}/${name}`, 'utf8').trim().replace(/;$/, '');

// A small text table of a result, for the raw output.
function table(reader) {
    const names = reader.columnNames();
    const rows = reader.getRowsJson().map((r) => r.map((v) => (v === null ? '' : String(v))));
    const w = names.map((n, i) => Math.max(n.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => cells.map((c, i) => c.padStart(w[i])).join(' | ');
    return [line(names), w.map((n) => '-'.repeat(n)).join('-+-'), ...rows.map(line),
            `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}

// On-CPU and run-queue wait time of all the process's threads, ns.
function schedstat() {
    let cpu = 0, wait = 0;
    for (const t of readdirSync('/proc/self/task')) {
        try {
            const f = readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ');
            cpu += Number(f[0]);
            wait += Number(f[1]);
        } catch { /* a thread that ended */ }
    }
    return { cpu, wait };
}

const instance = await DuckDBInstance.create(':memory:', { threads: THREADS });
const con = await instance.connect();
const one = async (sql) => (await con.runAndReadAll(sql)).getRowsJson()[0];

const [version] = await one('SELECT version()');
const [threads] = await one("SELECT current_setting('threads')");
let t0 = performance.now();
await con.run(query('load.sql').replaceAll('{{events}}', args.events.replaceAll("'", "''")));
const loadMs = performance.now() - t0;
const [rows, leads] = await one('SELECT count(*), count(DISTINCT lead_id) FROM events');
console.log(`DuckDB ${version} (@duckdb/node-api), in memory, threads=${threads}, node ${process.version}`);
console.log(`loaded ${rows} events of ${leads} leads in ${loadMs.toFixed(0)} ms`);

// --- answers first ---------------------------------------------------------
let differ = 0;
for (const [name, columns] of Object.entries(METRICS)) {
    const cols = '{' + Object.entries(columns).map(([c, t]) => `${sqlString(c)}: ${sqlString(t)}`).join(', ') + '}';
    await con.run(`CREATE TABLE duck_${name} AS ${query(`${name}.sql`)}`);
    await con.run(`CREATE TABLE align_${name} AS SELECT * FROM read_csv(${sqlString(`${args.answers}/${name}.csv`)},
                   header = true, auto_detect = false, columns = ${cols})`);
    const check = await con.runAndReadAll(query(`${name}.check.sql`));
    const ok = check.currentRowCount === 0;
    console.log(`== duckdb check ${name}: ${ok ? 'same answers' : 'ANSWERS DIFFER'}`);
    console.log('-- duckdb');
    console.log(table(await con.runAndReadAll(`SELECT * FROM duck_${name}`)));
    console.log('-- align');
    console.log(table(await con.runAndReadAll(`SELECT * FROM align_${name}`)));
    if (!ok) {
        console.log('-- differences');
        console.log(table(check));
        console.error(`==> DuckDB and align give different answers for ${name}`);
        differ++;
    }
}
if (differ) process.exit(3);

// --- timing ------------------------------------------------------------------

// One psql session for align's runs: each script ends with a marker line;
// run() returns the lines before it.
const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'inherit'] });
const psqlLines = createInterface({ input: psql.stdout })[Symbol.asyncIterator]();
async function psqlRun(script) {
    psql.stdin.write(script + '\n\\echo @@end\n');
    const lines = [];
    for (;;) {
        const { value, done } = await psqlLines.next();
        if (done) throw new Error('psql ended (see the error above)');
        if (value === '@@end') return lines;
        lines.push(value);
    }
}
const stat = "\\! awk '{ printf \"cpu %s %s\\n\", $1, $2 }' /proc/$BENCH_PID/schedstat";
await psqlRun('SELECT pg_backend_pid() AS bench_pid \\gset\n\\setenv BENCH_PID :bench_pid\n\\o /dev/null');
const alignSql = Object.fromEntries(Object.keys(METRICS).map((n) => [n,
    readFileSync(args.align[n], 'utf8').split('\n').filter((l) => !/^\s*--/.test(l)).join('\n')]));
async function timeAlign(name) {
    const out = await psqlRun(['\\timing off', 'RESET ALL;', stat, '\\timing on', alignSql[name], '\\timing off', stat].join('\n'));
    const cpu = out.filter((l) => l.startsWith('cpu ')).map((l) => l.split(' ').map(Number));
    const time = out.find((l) => l.startsWith('Time: '));
    if (cpu.length !== 2 || !time) throw new Error(`align ${name}: unexpected psql output: ${out.join(' / ')}`);
    return { wall: Number(time.split(' ')[1]), cpu: (cpu[1][1] - cpu[0][1]) / 1e6, wait: (cpu[1][2] - cpu[0][2]) / 1e6 };
}

const duckSql = Object.fromEntries(Object.keys(METRICS).map((n) => [n, query(`${n}.sql`)]));
async function timeDuck(name) {
    const s0 = schedstat();
    const t = performance.now();
    const reader = await con.runAndReadAll(duckSql[name]);
    const wall = performance.now() - t;
    const s1 = schedstat();
    if (reader.currentRowCount === 0) throw new Error(`${name}: no rows`);
    return { wall, cpu: (s1.cpu - s0.cpu) / 1e6, wait: (s1.wait - s0.wait) / 1e6 };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log(`== duckdb timing, DuckDB and align alternately (run 0, the warm-up, not counted; 1-minute load average ${load()} before)`);
for (let run = 0; run <= reps; run++) {
    for (const name of Object.keys(METRICS)) {
        for (const [group, f] of [['duckdb', timeDuck], ['duckdb_align', timeAlign]]) {
            const r = await f(name);
            console.log(`  ${(group === 'duckdb' ? 'DuckDB ' : 'align  ') + name.padEnd(8)} run ${run}: wall ${r.wall.toFixed(1).padStart(10)} ms  ` +
                        `${group === 'duckdb' ? 'cpu, all threads' : 'backend cpu     '} ${r.cpu.toFixed(1).padStart(10)} ms  waiting for a cpu ${r.wait.toFixed(1).padStart(8)} ms`);
            if (run > 0) appendFileSync(args.times, `${group}\t${name}\t${run}\t${r.wall.toFixed(3)}\t${r.cpu.toFixed(3)}\t${r.wait.toFixed(3)}\n`);
        }
    }
}
console.log(`  (1-minute load average ${load()} after)`);
psql.stdin.end();
con.closeSync();
instance.closeSync();
