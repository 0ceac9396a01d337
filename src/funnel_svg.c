/*
 * funnel_svg.c
 *		funnel_svg: a funnel as a picture, one bar per ladder stage.
 *
 * Each stage is a row: its label, a bar as wide as its share of the
 * widest stage with the count on it, a side mark for the leads that left
 * there (recycled, disqualified, lost) and, beside it, the conversion from
 * the previous stage and the median time between them, as funnel_steps
 * reports them.  The subtitle says what the numbers rest on: the leads,
 * the ladder, and as_of, a conversion window or working time when the
 * funnel has them.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "align.h"
#include "funnel.h"
#include "svg.h"

#define ROW_HEIGHT		48
#define TOP				70

static const char *const funnel_svg_keys[] = {"title", "width", "stages", "colors", NULL};
static const char *const outcome_names[FUNNEL_MAX_OUTCOMES] = {"recycled", "disqualified", "lost"};

/* The label of ladder stage s of f (lead_stage name or the enum label the funnel keeps), server-encoded. */
static const char *
StageLabel(const Funnel *f, int s)
{
	if (f->flags & FUNNEL_ENUM)
		return f->ladder->labels[s];
	return LeadStageName((LeadStage) (s + 1));
}

/* The bar colour of stage s: by its label, else its team, else the default. */
static const char *
StageColor(const Funnel *f, int s, const SvgOptions *o)
{
	const char *team;
	const char *fallback;

	if (f->flags & FUNNEL_ENUM)
		return SvgColor(o, StageLabel(f, s), SvgColor(o, "stage", "#a9c4e4"));
	team = LeadStageTeam((LeadStage) (s + 1));
	fallback = strcmp(team, "marketing") == 0 ? "#9ecae9"
		: strcmp(team, "sales") == 0 ? "#f6c28b" : "#a8d5a2";
	return SvgColor(o, StageLabel(f, s), SvgColor(o, team, fallback));
}

/* "3 recycled · 5 disqualified" for the exits exits[] (0 if none). */
static int64
ExitsText(StringInfo buf, const Funnel *f, const int64 *exits)
{
	int64		total = 0;

	for (int o = 0; o < f->noutcomes; o++)
	{
		char		n[32];

		if (exits[o] == 0)
			continue;
		SvgCount(n, sizeof(n), exits[o]);
		appendStringInfo(buf, "%s%s %s", total > 0 ? " \xC2\xB7 " : "", n, outcome_names[o]);
		total += exits[o];
	}
	return total;
}

/* The subtitle: the leads at the top and what the figures rest on. */
static void
Subtitle(StringInfo buf, const Funnel *f, int64 top, bool observed_only)
{
	char		n[32];

	SvgCount(n, sizeof(n), top);
	appendStringInfo(buf, "%s %s \xC2\xB7 ", n, top == 1 ? "lead" : "leads");
	if (f->flags & FUNNEL_ENUM)
		appendStringInfo(buf, "ladder %s", f->ladder != NULL ? SvgUtf8(f->ladder->type_name) : "an enum");
	else
		appendStringInfoString(buf, "ladder lead_stage");
	if (observed_only)
		appendStringInfoString(buf, ", observed stages");
	if (f->flags & FUNNEL_WITHIN)
	{
		char		d[32];

		SvgDuration(d, sizeof(d), (double) f->within_secs);
		appendStringInfo(buf, " \xC2\xB7 converted within %s", d);
	}
	if (f->flags & FUNNEL_AS_OF)
		appendStringInfo(buf, " \xC2\xB7 as of %s", FunnelAsOfText(f->as_of));
	if (f->flags & FUNNEL_CALENDAR)
		appendStringInfoString(buf, " \xC2\xB7 times in working hours");
}

PG_FUNCTION_INFO_V1(funnel_svg);
/*
 * funnel_svg(f, options): the funnel as an SVG document (see the file
 * comment); an empty funnel is a picture that says so.
 */
Datum
funnel_svg(PG_FUNCTION_ARGS)
{
	Funnel	   *f = FunnelClosed(PG_GETARG_FUNNEL(0));
	SvgOptions	o;
	StringInfoData svg;
	StringInfoData s;
	StringInfoData rate;
	int			shown[FUNNEL_MAX_STAGES];
	int			nshown = 0;
	int64		widest = 0;
	int64		before;
	bool		empty = true;
	int			width,
				height,
				label_w,
				bar_x,
				bar_w,
				right_x;

	SvgReadOptions(PG_NARGS() > 1 ? PG_GETARG_JSONB_P(1) : NULL, "funnel_svg", funnel_svg_keys, &o);
	if (!FunnelIsEmpty(f))
		FunnelRequireLabels(f, "Build the funnel again from its events (REFRESH the materialized view).");
	if (o.observed_only)
		FunnelRequireEntered(f, "Build the funnel again from its events, or leave out \"stages\": \"observed\".");

	for (int s = 0; s < f->nstages; s++)
	{
		empty &= f->reached[s] == 0;
		if (o.observed_only && f->entered[s] == 0)
			continue;
		shown[nshown++] = s;
		widest = Max(widest, f->reached[s]);
	}
	initStringInfo(&s);
	initStringInfo(&rate);
	before = ExitsText(&s, f, f->exits_before);
	empty &= before == 0;

	width = o.width;
	label_w = width * 20 / 100;
	bar_x = label_w;
	bar_w = width * 36 / 100;
	right_x = bar_x + bar_w + 14;
	height = empty ? TOP + 40 : TOP + nshown * ROW_HEIGHT + (before > 0 ? 34 : 14);

	initStringInfo(&svg);
	SvgBegin(&svg, "align-funnel", width, height, o.title != NULL ? o.title : "Funnel");
	SvgTextAt(&svg, 16, 30, "font-size=\"17\" font-weight=\"bold\"",
			  o.title != NULL ? o.title : "Funnel", (width - 32) / 9);
	resetStringInfo(&s);
	Subtitle(&s, f, nshown > 0 ? f->reached[shown[0]] : 0, o.observed_only);
	SvgTextAt(&svg, 16, 50, "font-size=\"12\" fill=\"#555555\"", s.data, (width - 32) / 6);

	if (empty)
	{
		SvgTextAt(&svg, 16, TOP + 20, "class=\"align-empty\" font-size=\"14\"",
				  "No leads: this funnel is empty.", 0);
		SvgEnd(&svg);
		PG_RETURN_TEXT_P(cstring_to_text_with_len(svg.data, svg.len));
	}

	for (int i = 0; i < nshown; i++)
	{
		int			st = shown[i];
		int			prev = i > 0 ? shown[i - 1] : -1;
		double		y = TOP + i * ROW_HEIGHT;
		double		w = widest > 0 ? (double) bar_w * f->reached[st] / widest : 0;
		double		cx = bar_x + bar_w / 2.0;
		const char *label = SvgUtf8(StageLabel(f, st));
		char		count[32];
		char		pct[32];
		int64		exits;

		SvgCount(count, sizeof(count), f->reached[st]);
		SvgTextAt(&svg, label_w - 10, y + 23, "class=\"align-stage\" text-anchor=\"end\"",
				  label, Max((label_w - 20) / 7, 4));

		/* the conversion from the previous stage shown, and the median time */
		resetStringInfo(&rate);
		if (prev < 0)
			appendStringInfoString(&rate, "top of the funnel");
		else
		{
			double		median = SketchQuantile(FunnelPair(f, prev, st, false), 0.5);

			if (f->reached[prev] > 0)
			{
				SvgPercent(pct, sizeof(pct), (double) f->reached[st] / f->reached[prev]);
				appendStringInfo(&rate, "%s of previous", pct);
			}
			else
				appendStringInfoString(&rate, "no leads before");
			if (median >= 0)
			{
				char		d[32];

				SvgDuration(d, sizeof(d), median);
				appendStringInfo(&rate, " \xC2\xB7 median %s", d);
			}
		}

		/* the bar, with all its row says as its tooltip (the row may be cut) */
		appendStringInfo(&svg, "<rect class=\"align-bar\" data-rank=\"%d\" x=\"%.1f\" y=\"%.1f\" "
						 "width=\"%.1f\" height=\"28\" rx=\"3\" fill=\"%s\"><title>",
						 st + 1, cx - w / 2, y + 4, w, StageColor(f, st, &o));
		SvgAppendText(&svg, psprintf("%s: %s %s", label, count, f->reached[st] == 1 ? "lead" : "leads"), 0);
		if (prev >= 0)
			SvgAppendText(&svg, psprintf(" \xC2\xB7 %s", rate.data), 0);
		appendStringInfoString(&svg, "</title></rect>\n");
		SvgTextAt(&svg, cx, y + 23, "class=\"align-count\" text-anchor=\"middle\" font-weight=\"bold\"",
				  count, 0);
		SvgTextAt(&svg, right_x, y + 19, "class=\"align-rate\" font-size=\"12\"",
				  rate.data, Max((width - right_x - 8) * 10 / 62, 4));

		/*
		 * exits at this stage: a strip along the bar's foot, from its right
		 * end, as long as their share of the stage's leads; and their counts
		 */
		resetStringInfo(&s);
		exits = ExitsText(&s, f, f->exits[st]);
		if (exits > 0)
		{
			double		ew = f->reached[st] > 0 ? Min(w * exits / f->reached[st], w) : 0;

			appendStringInfo(&svg, "<rect class=\"align-exit\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
							 "height=\"6\" fill=\"%s\"/>\n",
							 cx + w / 2 - ew, y + 26, ew, SvgColor(&o, "exits", "#d9534f"));
			SvgTextAt(&svg, right_x, y + 35, "class=\"align-exits\" font-size=\"11\" fill=\"#b03a2e\"",
					  psprintf("left: %s", s.data), Max((width - right_x - 8) * 10 / 57, 4));
		}
	}

	if (before > 0)
	{
		resetStringInfo(&s);
		ExitsText(&s, f, f->exits_before);
		SvgTextAt(&svg, 16, TOP + nshown * ROW_HEIGHT + 18, "class=\"align-exits\" font-size=\"11\" fill=\"#b03a2e\"",
				  psprintf("left before the first stage: %s", s.data), (width - 32) / 6);
	}
	SvgEnd(&svg);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(svg.data, svg.len));
}
