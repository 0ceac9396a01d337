// The browser side of test/render.sh (issue 17), run from a temporary
// directory where playwright-core is installed (test/render/package.json):
//
//   node render.mjs --page FILE --expected FILE --png FILE
//
// Loads the demo page (bash test/demo.sh --html FILE) in Debian's headless
// Chromium and reads its DOM, never its pixels.  Fails (exit 1, one line per
// failure) on any console error, page error or failed request, any image
// not loaded (complete and naturalWidth > 0), and any picture that does not
// show what --expected (test/render/expected.sql: plain SQL over the same
// rows) says: the funnels' rect.align-bar count and text.align-stage texts
// in order, the handoff picture's rect.align-bin count and the share within
// the SLA in text.align-share.  Each picture is read from its image's source
// as the browser parses it (DOMParser, image/svg+xml).  Then takes a
// full-page screenshot to --png.  Prints what it checked.

import { chromium } from 'playwright-core';
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// Reads --name value pairs.
function options(argv) {
    const o = {};
    for (let i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith('--') || i + 1 >= argv.length)
            throw new Error(`usage: node render.mjs --page FILE --expected FILE --png FILE (at "${argv[i]}")`);
        o[argv[i].slice(2)] = argv[i + 1];
    }
    for (const k of ['page', 'expected', 'png'])
        if (!o[k])
            throw new Error(`--${k} FILE is required`);
    return o;
}

const opt = options(process.argv.slice(2));
const expected = JSON.parse(readFileSync(opt.expected, 'utf8'));
const failures = [];
const fail = (msg) => failures.push(msg);
const ok = (msg) => console.log(`ok: ${msg}`);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const browser = await chromium.launch({
    executablePath: process.env.ALIGN_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});
try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') fail(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => fail(`page error: ${e.message}`));
    page.on('requestfailed', (r) => fail(`failed request: ${r.url().slice(0, 80)}: ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) fail(`HTTP ${r.status()}: ${r.url().slice(0, 80)}`); });
    // self-contained: the page itself and data: images, nothing else
    page.on('request', (r) => {
        if (!/^(file|data):/.test(r.url()))
            fail(`the page requested ${r.url().slice(0, 80)}: it must be self-contained`);
    });

    await page.goto(pathToFileURL(opt.page).href, { waitUntil: 'load', timeout: 300000 });
    console.log(`loaded ${opt.page} in ${await browser.version()}`);

    // every image loaded; every picture parsed as the browser parses SVG
    const seen = await page.evaluate(async () => {
        const imgs = [...document.images];
        await Promise.all(imgs.map((i) => i.decode().catch(() => null)));
        const pictures = {};
        for (const img of document.querySelectorAll('img.align-picture')) {
            const doc = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
            const texts = (sel) => [...doc.querySelectorAll(sel)].map((t) => t.textContent.trim());
            pictures[img.dataset.picture] = {
                parseError: doc.querySelector('parsererror')?.textContent ?? null,
                root: doc.documentElement.getAttribute('class'),
                bars: doc.querySelectorAll('rect.align-bar').length,
                stages: texts('text.align-stage'),
                bins: doc.querySelectorAll('rect.align-bin').length,
                slaLines: doc.querySelectorAll('line.align-sla').length,
                share: texts('text.align-share').join(' '),
                active: doc.querySelectorAll('script, foreignObject, [href], [*|href], style, image').length,
            };
        }
        return {
            images: imgs.map((i) => ({ name: i.dataset.picture || i.src.slice(0, 40), complete: i.complete, width: i.naturalWidth })),
            pictures,
            headings: document.querySelectorAll('h2').length,
            active: document.querySelectorAll('script, link, iframe, object, embed, [href], [style]').length,
            tables: document.querySelectorAll('table').length,
        };
    });

    const broken = seen.images.filter((i) => !i.complete || i.width === 0);
    for (const i of broken)
        fail(`image ${i.name} is broken (complete ${i.complete}, naturalWidth ${i.width})`);
    if (broken.length === 0)
        ok(`${seen.images.length} images, each loaded with a nonzero natural width`);
    // the report's "== " headings, counted in its source, and "Pictures"
    const headings = Number(opt.headings) + 1;
    if (!(headings > 1) || seen.headings !== headings || seen.tables < seen.headings - 1)
        fail(`the report: ${seen.headings} headings and ${seen.tables} tables, expected ${headings} headings and a table under each`);
    else
        ok(`the report: ${seen.headings} headings (its source has ${opt.headings} and Pictures), ${seen.tables} tables`);
    if (seen.active !== 0)
        fail(`the page holds ${seen.active} scripts, links, embedded objects or style attributes`);
    else
        ok('the page holds no script, link, embedded object or style attribute');

    const names = Object.keys(seen.pictures);
    if (!same(names.sort(), ['funnel', 'funnel-events', 'handoffs']))
        fail(`pictures on the page: ${names.join(', ')}; expected funnel, funnel-events, handoffs`);
    for (const [name, p] of Object.entries(seen.pictures)) {
        if (p.parseError)
            fail(`picture ${name} does not parse as SVG: ${p.parseError.slice(0, 200)}`);
        if (p.active !== 0)
            fail(`picture ${name} holds ${p.active} scripts, links, styles or images`);
    }
    // the observed-stages picture must leave stages out, or it proves nothing
    const sparse = expected['funnel-events'] ?? [];
    if (!(sparse.length > 0 && sparse.length < expected.funnel.length))
        fail(`funnel-events: plain SQL expects ${sparse.length} observed stages; the picture needs some but not all`);

    for (const name of ['funnel', 'funnel-events']) {
        const p = seen.pictures[name];
        const want = expected[name] ?? [];
        if (!p)
            continue;
        if (p.root !== 'align-funnel')
            fail(`${name}: root class "${p.root}", expected align-funnel`);
        if (p.bars !== want.length)
            fail(`${name}: ${p.bars} rect.align-bar, expected ${want.length} (ladder stages from plain SQL)`);
        else
            ok(`${name}: ${p.bars} rect.align-bar, one per ladder stage`);
        if (!same(p.stages, want))
            fail(`${name}: text.align-stage ${JSON.stringify(p.stages)}, expected ${JSON.stringify(want)}`);
        else
            ok(`${name}: text.align-stage in order: ${p.stages.join(', ')}`);
    }

    const h = seen.pictures.handoffs;
    const want = expected.handoffs;
    if (h) {
        if (h.root !== 'align-handoffs')
            fail(`handoffs: root class "${h.root}", expected align-handoffs`);
        if (h.bins !== want.bins)
            fail(`handoffs: ${h.bins} rect.align-bin, expected ${want.bins} (the documented edges and the SLA, plain SQL)`);
        else
            ok(`handoffs: ${h.bins} rect.align-bin, one per bin`);
        if (h.slaLines !== 1)
            fail(`handoffs: ${h.slaLines} line.align-sla, expected 1`);
        // the share to one decimal: within half a unit of the exact share
        const shown = [...h.share.matchAll(/(\d+(?:\.\d+)?)\s*%/g)].map((m) => Number(m[1]));
        if (!shown.some((x) => Math.abs(x - want.share_pct) <= 0.05 + 1e-9))
            fail(`handoffs: text.align-share "${h.share}" lacks ${want.share_pct.toFixed(3)} % to one decimal (${want.handoffs} handoffs, plain SQL)`);
        else
            ok(`handoffs: text.align-share "${h.share}" shows ${want.share_pct.toFixed(3)} % of ${want.handoffs} handoffs within the SLA (plain SQL)`);
    }

    await page.screenshot({ path: opt.png, fullPage: true, timeout: 300000 });
    const size = statSync(opt.png).size;
    if (size === 0)
        fail(`the screenshot ${opt.png} is empty`);
    else
        ok(`full-page screenshot ${opt.png} (${size} bytes)`);
} finally {
    await browser.close();
}

for (const f of failures)
    console.log(`FAIL: ${f}`);
process.exit(failures.length ? 1 : 0);
