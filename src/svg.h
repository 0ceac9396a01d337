/*
 * svg.h
 *		Writing self-contained SVG documents (svg.c): the pictures funnel_svg
 *		and handoff_svg return.
 *
 * A picture is a complete SVG document as text: no XML declaration (it is
 * ASCII, so it needs none, and it can be pasted into HTML as it is), no
 * external fonts, scripts, styles or links.  Every text from data or
 * options is converted to UTF-8 (SvgUtf8) and goes through SvgAppendText,
 * which escapes it for XML and writes
 * every non-ASCII character as a character reference, so the document is
 * the same bytes in every database encoding.  The output depends on its
 * inputs only (no time, no random ids: a page may hold many pictures, so
 * there are no id attributes at all).
 *
 * Class names, which pages and tests read:
 *  - funnel_svg: svg.align-funnel; per stage rect.align-bar (data-rank),
 *    text.align-stage (the stage's label), text.align-count,
 *    text.align-rate; rect.align-exit and text.align-exits for exits;
 *    text.align-empty for "no leads".
 *  - handoff_svg: svg.align-handoffs; per bin rect.align-bin; line.align-sla;
 *    text.align-share; text.align-empty for "no handoffs".
 */
#ifndef ALIGN_SVG_H
#define ALIGN_SVG_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#define SVG_DEFAULT_WIDTH	720
#define SVG_MIN_WIDTH		320
#define SVG_MAX_WIDTH		4000
#define SVG_MAX_COLORS		80
#define SVG_MAX_TITLE		1000	/* characters of a title kept in <title> and aria-label */

/* The options a picture accepts, read from its jsonb argument. */
typedef struct SvgOptions
{
	char	   *title;			/* in UTF-8; NULL: the picture's own */
	int			width;			/* pixels */
	bool		observed_only;	/* "stages": "observed" (funnel_svg) */
	int			ncolors;
	char	   *color_keys[SVG_MAX_COLORS];
	char	   *color_values[SVG_MAX_COLORS];	/* validated: #rgb, #rrggbb or a name */
} SvgOptions;

/*
 * Reads options (NULL: defaults) for the function fname, which accepts
 * the keys in keys[] (NULL-terminated; from "title", "width", "stages",
 * "colors"); anything else is an error (22023) naming what is accepted.
 */
extern void SvgReadOptions(Jsonb *options, const char *fname,
						   const char *const *keys, SvgOptions *o);

/* The colour options give key, else fallback (both safe to write as they are). */
extern const char *SvgColor(const SvgOptions *o, const char *key, const char *fallback);

/*
 * The server-encoded string s in UTF-8, for SvgAppendText: every text from
 * data goes through it (for SQL_ASCII, bytes that are not UTF-8 end up as
 * U+FFFD).
 */
extern char *SvgUtf8(const char *s);

/*
 * Appends the UTF-8 string s as XML character data (safe in text
 * and in double-quoted attributes): & < > " ' escaped, non-ASCII as &#x..;,
 * characters XML 1.0 cannot hold (controls, U+FFFE, U+FFFF, bytes that are
 * not valid in the encoding) as U+FFFD.  max_chars > 0 cuts it to that many
 * characters, the last one an ellipsis.
 */
extern void SvgAppendText(StringInfo buf, const char *s, int max_chars);

/* Appends <text x y attrs> holding the UTF-8 s, escaped and cut to max_chars (0: whole). */
extern void SvgTextAt(StringInfo buf, double x, double y, const char *attrs,
					  const char *s, int max_chars);

/*
 * Opens the document: the svg element of class cls, width x height, with
 * role="img", an aria-label and a <title> of title (escaped, cut to
 * SVG_MAX_TITLE characters), a white
 * background and the default font.  SvgEnd closes it.
 */
extern void SvgBegin(StringInfo buf, const char *cls, int width, int height, const char *title);
extern void SvgEnd(StringInfo buf);

/* A duration for people: "45 s", "12 min", "3.5 h", "4.2 d" (seconds >= 0). */
extern void SvgDuration(char *out, size_t len, double seconds);

/* A count with thousands separators: 12,345. */
extern void SvgCount(char *out, size_t len, int64 n);

/* A share as a percentage with one decimal: 62.5%. */
extern void SvgPercent(char *out, size_t len, double share);

#endif							/* ALIGN_SVG_H */
