/*
 * handoff_svg.c
 *		handoff_svg: how speed-to-lead gaps spread against the SLA, as a
 *		picture of a handoff_histogram (the aggregate handoff_histogram).
 *
 * One bar per bin, on the bins' own scale (each bin as wide as the next,
 * so minutes and weeks both show), bins within the SLA in one colour and
 * those over it in another, a dashed line at the SLA, and above them the
 * share of handoffs within it.  The histogram is a plain composite that
 * anyone can write, so it is checked whole before it is drawn.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "interval_rule.h"
#include "pg_compat.h"
#include "svg.h"

#define MAX_BINS		64
#define HEIGHT			320

static const char *const handoff_svg_keys[] = {"title", "width", "colors", NULL};

/* A handoff_histogram read and checked. */
typedef struct Histogram
{
	bool		has_sla;
	int64		sla_us;
	int64		handoffs;
	int64		within;
	int			nbins;
	int64		upper[MAX_BINS];	/* microseconds; the last bin has none */
	int64		counts[MAX_BINS];
	int			sla_bin;		/* the bin whose upper edge is the SLA */
} Histogram;

/* The error (22023) for a handoff_histogram that no aggregate could have made. */
pg_noreturn static void
BadHistogram(const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid handoff_histogram: %s", problem),
			 errhint("Pass the result of the aggregate handoff_histogram(lead, at, owner, sla ...).")));
}

/* Attribute attno of the composite, which must not be NULL (what names it). */
static Datum
Field(HeapTupleHeader h, int attno, const char *what, bool *isnull)
{
	Datum		d = GetAttributeByNum(h, attno, isnull);

	if (*isnull && what != NULL)
		BadHistogram(psprintf("%s is NULL", what));
	return d;
}

/* An interval of the histogram in microseconds, by align's interval rule. */
static int64
Micros(Datum d, const char *what)
{
	return IntervalArgMicroseconds(DatumGetIntervalP(d), what,
								   "Pass the result of the aggregate handoff_histogram(lead, at, owner, sla ...).");
}

/* Reads and checks the histogram (see the file comment). */
static void
ReadHistogram(HeapTupleHeader h, Histogram *hist)
{
	bool		isnull;
	Datum		sla = Field(h, 1, NULL, &isnull);
	ArrayType  *uppers_a,
			   *counts_a;
	Datum	   *uppers,
			   *counts;
	bool	   *unull,
			   *cnull;
	int			nu,
				nc;
	int64		sum = 0,
				within = 0;

	memset(hist, 0, sizeof(*hist));
	hist->has_sla = !isnull;
	if (hist->has_sla)
		hist->sla_us = Micros(sla, "handoff_histogram sla");
	hist->handoffs = DatumGetInt64(Field(h, 2, "handoffs", &isnull));
	hist->within = DatumGetInt64(Field(h, 3, "within_sla", &isnull));
	if (hist->handoffs < 0 || hist->within < 0 || hist->within > hist->handoffs)
		BadHistogram(psprintf("within_sla (" INT64_FORMAT ") must be from 0 to handoffs (" INT64_FORMAT ")",
							  hist->within, hist->handoffs));
	uppers_a = DatumGetArrayTypeP(Field(h, 4, "bin_upper", &isnull));
	counts_a = DatumGetArrayTypeP(Field(h, 5, "counts", &isnull));
	if (ARR_NDIM(uppers_a) > 1 || ARR_NDIM(counts_a) > 1)
		BadHistogram("bin_upper and counts must be one-dimensional arrays");
	deconstruct_array(uppers_a, INTERVALOID, sizeof(Interval), false,
					  TYPALIGN_DOUBLE, &uppers, &unull, &nu);
	deconstruct_array(counts_a, INT8OID, 8, FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &counts, &cnull, &nc);
	if (nu != nc || nu > MAX_BINS)
		BadHistogram(psprintf("bin_upper has %d elements and counts %d; both need the same number, at most %d",
							  nu, nc, MAX_BINS));
	if (nu == 0)
	{
		if (hist->handoffs != 0)
			BadHistogram("handoffs without bins");
		return;
	}
	if (!hist->has_sla)
		BadHistogram("sla is NULL but there are bins");
	hist->nbins = nu;
	hist->sla_bin = -1;
	for (int i = 0; i < nu; i++)
	{
		if (cnull[i] || DatumGetInt64(counts[i]) < 0)
			BadHistogram(psprintf("count %d is NULL or negative", i + 1));
		hist->counts[i] = DatumGetInt64(counts[i]);
		if (pg_add_s64_overflow(sum, hist->counts[i], &sum))
			BadHistogram("the counts overflow bigint");
		if (i == nu - 1)
		{
			if (!unull[i])
				BadHistogram("the last bin's upper edge must be NULL (the bin is open)");
			continue;
		}
		if (unull[i])
			BadHistogram(psprintf("upper edge %d is NULL; only the last bin's is", i + 1));
		hist->upper[i] = Micros(uppers[i], "handoff_histogram bin_upper");
		if (i > 0 && hist->upper[i] <= hist->upper[i - 1])
			BadHistogram("the upper edges must ascend");
		if (hist->upper[i] == hist->sla_us)
			hist->sla_bin = i;
		if (hist->sla_bin < 0)
			within += hist->counts[i];
	}
	if (hist->sla_bin >= 0)
		within += hist->counts[hist->sla_bin];
	else
		BadHistogram("the SLA is not one of the upper edges");
	if (sum != hist->handoffs)
		BadHistogram(psprintf("the counts sum to " INT64_FORMAT ", not to handoffs (" INT64_FORMAT ")",
							  sum, hist->handoffs));
	if (within != hist->within)
		BadHistogram(psprintf("the bins up to the SLA hold " INT64_FORMAT ", not within_sla (" INT64_FORMAT ")",
							  within, hist->within));
}

/* The bin's range for people: "up to 1 min", "5 min to 15 min", "over 30 d". */
static char *
BinRange(const Histogram *hist, int i)
{
	char		lo[32],
				hi[32];

	if (i > 0)
		SvgDuration(lo, sizeof(lo), hist->upper[i - 1] / 1e6);
	if (i < hist->nbins - 1)
		SvgDuration(hi, sizeof(hi), hist->upper[i] / 1e6);
	if (i == hist->nbins - 1)
		return i == 0 ? pstrdup("any gap") : psprintf("over %s", lo);
	if (i == 0)
		return psprintf("up to %s", hi);
	return psprintf("%s to %s", lo, hi);
}

PG_FUNCTION_INFO_V1(handoff_svg);
/* handoff_svg(h, options): the histogram as an SVG document (see the file comment). */
Datum
handoff_svg(PG_FUNCTION_ARGS)
{
	Histogram	hist;
	SvgOptions	o;
	StringInfoData svg;
	const char *title;
	char		n[32],
				pct[32],
				sla[32];
	int			width;
	double		x0,
				x1,
				top = 84,
				base = HEIGHT - 60,
				bw;
	int64		most = 0;
	const char *in_color,
			   *over_color;

	SvgReadOptions(PG_NARGS() > 1 ? PG_GETARG_JSONB_P(1) : NULL, "handoff_svg", handoff_svg_keys, &o);
	ReadHistogram(CompositeDatumTuple(PG_GETARG_DATUM(0)), &hist);
	title = o.title != NULL ? o.title : "Speed to lead";
	width = o.width;
	if (hist.has_sla)
		SvgDuration(sla, sizeof(sla), hist.sla_us / 1e6);

	initStringInfo(&svg);
	SvgBegin(&svg, "align-handoffs", width, hist.handoffs > 0 ? HEIGHT : 120, title);
	SvgTextAt(&svg, 16, 30, "font-size=\"17\" font-weight=\"bold\"", title, (width - 32) / 9);
	if (hist.handoffs == 0)
	{
		SvgTextAt(&svg, 16, 60, "class=\"align-empty\" font-size=\"14\"",
				  hist.has_sla ? psprintf("No handoffs (SLA %s).", sla) : "No handoffs.", 0);
		SvgEnd(&svg);
		PG_RETURN_TEXT_P(cstring_to_text_with_len(svg.data, svg.len));
	}

	SvgCount(n, sizeof(n), hist.handoffs);
	SvgPercent(pct, sizeof(pct), (double) hist.within / hist.handoffs);
	SvgTextAt(&svg, 16, 52, "class=\"align-share\" font-size=\"13\"",
			  psprintf("%s of %s %s within the %s SLA", pct, n, hist.handoffs == 1 ? "handoff" : "handoffs", sla), 0);

	in_color = SvgColor(&o, "within", "#59a14f");
	over_color = SvgColor(&o, "breached", "#e15759");
	x0 = 60;
	x1 = width - 16;
	bw = (x1 - x0) / hist.nbins;
	for (int i = 0; i < hist.nbins; i++)
		most = Max(most, hist.counts[i]);
	SvgCount(n, sizeof(n), most);
	SvgTextAt(&svg, x0 - 6, top + 4, "font-size=\"10\" text-anchor=\"end\" fill=\"#555555\"", n, 0);
	SvgTextAt(&svg, x0 - 6, base, "font-size=\"10\" text-anchor=\"end\" fill=\"#555555\"", "0", 0);
	for (int i = 0; i < hist.nbins; i++)
	{
		double		h = most > 0 ? (base - top) * hist.counts[i] / most : 0;
		double		x = x0 + i * bw;

		SvgCount(n, sizeof(n), hist.counts[i]);
		appendStringInfo(&svg, "<rect class=\"align-bin\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
						 "height=\"%.1f\" fill=\"%s\"><title>",
						 x + 1, base - h, Max(bw - 2, 0.5), h,
						 i <= hist.sla_bin ? in_color : over_color);
		SvgAppendText(&svg, psprintf("%s: %s handoffs", BinRange(&hist, i), n), 0);
		appendStringInfoString(&svg, "</title></rect>\n");
		if (hist.counts[i] > 0 && bw >= 26)
			SvgTextAt(&svg, x + bw / 2, base - h - 3, "font-size=\"10\" text-anchor=\"middle\"", n, 0);
		/* the upper edges under the axis, every other one when bins are narrow */
		if (i < hist.nbins - 1 && (bw >= 34 || i % 2 == 1 || i == hist.sla_bin))
		{
			char		edge[32];

			SvgDuration(edge, sizeof(edge), hist.upper[i] / 1e6);
			SvgTextAt(&svg, x + bw, base + 14, "font-size=\"10\" text-anchor=\"middle\" fill=\"#555555\"", edge, 0);
		}
	}
	appendStringInfo(&svg, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>\n",
					 x0, base, x1, base);
	{
		double		xs = x0 + (hist.sla_bin + 1) * bw;

		appendStringInfo(&svg, "<line class=\"align-sla\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
						 "stroke=\"#333333\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/>\n",
						 xs, top - 12, xs, base);
		SvgTextAt(&svg, xs, top - 16, "font-size=\"11\" text-anchor=\"middle\" font-weight=\"bold\"",
				  psprintf("SLA %s", sla), 0);
	}
	/* the legend */
	SvgCount(n, sizeof(n), hist.within);
	appendStringInfo(&svg, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
					 x0, HEIGHT - 28, in_color);
	SvgTextAt(&svg, x0 + 14, HEIGHT - 19, "font-size=\"11\"", psprintf("within the SLA: %s", n), 0);
	SvgCount(n, sizeof(n), hist.handoffs - hist.within);
	appendStringInfo(&svg, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
					 x0 + (x1 - x0) / 2, HEIGHT - 28, over_color);
	SvgTextAt(&svg, x0 + (x1 - x0) / 2 + 14, HEIGHT - 19, "font-size=\"11\"", psprintf("over the SLA: %s", n), 0);
	SvgEnd(&svg);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(svg.data, svg.len));
}
