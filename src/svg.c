/*
 * svg.c
 *		Writing self-contained SVG documents: options, escaping, the frame
 *		and the numbers every picture shows (see svg.h).
 */
#include "postgres.h"

#include <math.h>

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "pg_compat.h"
#include "svg.h"

/* The options error (22023) of fname: what was wrong, and the keys it accepts. */
pg_noreturn static void
ReportOption(const char *fname, const char *const *keys, const char *problem)
{
	StringInfoData accepted;

	initStringInfo(&accepted);
	for (int i = 0; keys[i] != NULL; i++)
		appendStringInfo(&accepted, "%s\"%s\"", i > 0 ? ", " : "", keys[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s options: %s", fname, problem),
			 errhint("Pass a JSON object with the keys %s, e.g. '{\"title\": \"Q3 leads\", \"width\": 800}'.",
					 accepted.data)));
}

/* True if key is one of keys[]. */
static bool
KeyAccepted(const char *const *keys, const char *key)
{
	for (int i = 0; keys[i] != NULL; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/* A colour written as it is into an attribute: #rgb, #rrggbb, or 1 to 20 ASCII letters. */
static bool
ColorValid(const char *c)
{
	size_t		n = strlen(c);

	if (c[0] == '#')
	{
		if (n != 4 && n != 7)
			return false;
		for (size_t i = 1; i < n; i++)
			if (!isxdigit((unsigned char) c[i]))
				return false;
		return true;
	}
	if (n < 1 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z')))
			return false;
	return true;
}

/* A jsonb string value as a NUL-terminated copy (jsonb strings hold no NUL). */
static char *
StringValue(const JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* Reads the "colors" object into o. */
static void
ReadColors(JsonbContainer *c, const char *fname, const char *const *keys, SvgOptions *o)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	if (!JsonContainerIsObject(c))
		ReportOption(fname, keys, "\"colors\" must be an object of names to colours, e.g. {\"sales\": \"#f6b26b\"}");
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			key = StringValue(&v);
		else if (tok == WJB_VALUE)
		{
			char	   *color;

			if (v.type != jbvString)
				ReportOption(fname, keys, psprintf("the colour of \"%s\" is not a string", key));
			color = StringValue(&v);
			if (!ColorValid(color))
				ReportOption(fname, keys,
							 psprintf("the colour of \"%s\" is not #rgb, #rrggbb or a colour name of letters", key));
			if (o->ncolors >= SVG_MAX_COLORS)
				ReportOption(fname, keys, psprintf("more than %d colours", SVG_MAX_COLORS));
			o->color_keys[o->ncolors] = key;
			o->color_values[o->ncolors++] = color;
		}
	}
}

/* The "width" value: an integer number of pixels within the accepted range. */
static int
ReadWidth(const JsonbValue *v, const char *fname, const char *const *keys)
{
	char	   *text;
	char	   *end;
	long		w;

	if (v->type != jbvNumeric)
		ReportOption(fname, keys, "\"width\" must be a number of pixels");
	text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	w = strtol(text, &end, 10);
	if (*end != '\0' || errno != 0 || w < SVG_MIN_WIDTH || w > SVG_MAX_WIDTH)
		ReportOption(fname, keys, psprintf("\"width\" is %s; a whole number of pixels from %d to %d is accepted",
										   text, SVG_MIN_WIDTH, SVG_MAX_WIDTH));
	return (int) w;
}

/* Reads a picture's options (see svg.h). */
void
SvgReadOptions(Jsonb *options, const char *fname, const char *const *keys, SvgOptions *o)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	memset(o, 0, sizeof(*o));
	o->width = SVG_DEFAULT_WIDTH;
	if (options == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(options) || JB_ROOT_IS_SCALAR(options))
		ReportOption(fname, keys, "they are not a JSON object");
	it = JsonbIteratorInit(&options->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = StringValue(&v);
			if (!KeyAccepted(keys, key))
				ReportOption(fname, keys, psprintf("unknown key \"%s\"", key));
		}
		else if (tok != WJB_VALUE)
			continue;
		else if (v.type == jbvNull)
			continue;			/* a key set to null: its default */
		else if (strcmp(key, "title") == 0)
		{
			if (v.type != jbvString)
				ReportOption(fname, keys, "\"title\" must be a string");
			/* the characters a picture keeps of it, no more (cut on a character) */
			o->title = SvgUtf8(pnstrdup(v.val.string.val,
										pg_mbcliplen(v.val.string.val, v.val.string.len,
													 (SVG_MAX_TITLE + 1) * MAX_MULTIBYTE_CHAR_LEN)));
		}
		else if (strcmp(key, "width") == 0)
			o->width = ReadWidth(&v, fname, keys);
		else if (strcmp(key, "stages") == 0)
		{
			char	   *s = v.type == jbvString ? StringValue(&v) : NULL;

			if (s == NULL || (strcmp(s, "all") != 0 && strcmp(s, "observed") != 0))
				ReportOption(fname, keys, "\"stages\" must be \"all\" (every ladder stage) or \"observed\" (stages with events)");
			o->observed_only = strcmp(s, "observed") == 0;
		}
		else if (strcmp(key, "colors") == 0)
		{
			if (v.type != jbvBinary)
				ReportOption(fname, keys, "\"colors\" must be an object of names to colours, e.g. {\"sales\": \"#f6b26b\"}");
			ReadColors(v.val.binary.data, fname, keys, o);
		}
	}
}

/* The colour given for key, else fallback. */
const char *
SvgColor(const SvgOptions *o, const char *key, const char *fallback)
{
	if (key != NULL)
		for (int i = o->ncolors - 1; i >= 0; i--)
			if (strcmp(o->color_keys[i], key) == 0)
				return o->color_values[i];
	return fallback;
}

/* True if XML 1.0 can hold the character c. */
static inline bool
XmlChar(pg_wchar c)
{
	return c == 0x9 || c == 0xA || c == 0xD ||
		(c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
		(c >= 0x10000 && c <= 0x10FFFF);
}

/* The server-encoded string s in UTF-8 (see svg.h). */
char *
SvgUtf8(const char *s)
{
	/* SQL_ASCII bytes have no encoding to convert from (nor verify) */
	if (GetDatabaseEncoding() == PG_SQL_ASCII)
		return (char *) s;
	return pg_server_to_any(s, strlen(s), PG_UTF8);
}

/*
 * The characters of the UTF-8 string s as code points, at most limit of
 * them (count in *n), anything invalid (or that XML cannot hold) as U+FFFD.
 */
static pg_wchar *
CodePoints(const char *s, int limit, int *n)
{
	const unsigned char *u = (const unsigned char *) s;
	int			ulen = strlen(s);
	pg_wchar   *out = palloc(sizeof(pg_wchar) * (Min(ulen, limit) + 1));
	int			k = 0;

	for (int i = 0; i < ulen && k < limit;)
	{
		int			l = pg_utf_mblen(u + i);
		pg_wchar	c = 0xFFFD;

		if (l >= 1 && i + l <= ulen && pg_utf8_islegal(u + i, l))
			c = utf8_to_unicode(u + i);
		else
			l = 1;
		out[k++] = XmlChar(c) ? c : 0xFFFD;
		i += l;
	}
	*n = k;
	return out;
}

/* Appends one character as XML character data. */
static void
AppendChar(StringInfo buf, pg_wchar c)
{
	switch (c)
	{
		case '&':
			appendStringInfoString(buf, "&amp;");
			break;
		case '<':
			appendStringInfoString(buf, "&lt;");
			break;
		case '>':
			appendStringInfoString(buf, "&gt;");
			break;
		case '"':
			appendStringInfoString(buf, "&quot;");
			break;
		case '\'':
			appendStringInfoString(buf, "&#39;");
			break;
		default:
			if (c >= 0x20 && c < 0x7F)
				appendStringInfoChar(buf, (char) c);
			else
				appendStringInfo(buf, "&#x%X;", (unsigned int) c);
	}
}

/* Appends s as XML character data (see svg.h). */
void
SvgAppendText(StringInfo buf, const char *s, int max_chars)
{
	int			n;
	pg_wchar   *c = CodePoints(s, max_chars > 0 ? max_chars + 1 : PG_INT32_MAX, &n);
	bool		cut = max_chars > 0 && n > max_chars;

	if (cut)
		n = max_chars - 1;
	for (int i = 0; i < n; i++)
		AppendChar(buf, c[i]);
	if (cut)
		AppendChar(buf, 0x2026);
	pfree(c);
}

/* Appends a text element holding the UTF-8 s (see svg.h). */
void
SvgTextAt(StringInfo buf, double x, double y, const char *attrs, const char *s, int max_chars)
{
	appendStringInfo(buf, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	SvgAppendText(buf, s, max_chars);
	appendStringInfoString(buf, "</text>\n");
}

/* Opens the document (see svg.h). */
void
SvgBegin(StringInfo buf, const char *cls, int width, int height, const char *title)
{
	appendStringInfo(buf,
					 "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" width=\"%d\" height=\"%d\" "
					 "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
					 cls, width, height, width, height);
	SvgAppendText(buf, title, SVG_MAX_TITLE);
	appendStringInfoString(buf, "\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#1a1a1a\">\n<title>");
	SvgAppendText(buf, title, SVG_MAX_TITLE);
	appendStringInfo(buf, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
					 width, height);
}

/* Closes the document. */
void
SvgEnd(StringInfo buf)
{
	appendStringInfoString(buf, "</svg>\n");
}

/* x with one decimal, without a trailing ".0". */
static void
OneDecimal(char *out, size_t len, double x, const char *unit)
{
	char		num[64];
	size_t		n;

	snprintf(num, sizeof(num), "%.1f", x);
	n = strlen(num);
	if (n > 2 && strcmp(num + n - 2, ".0") == 0)
		num[n - 2] = '\0';
	snprintf(out, len, "%s %s", num, unit);
}

/* A duration for people (see svg.h). */
void
SvgDuration(char *out, size_t len, double seconds)
{
	if (seconds < 60)
		OneDecimal(out, len, seconds, "s");
	else if (seconds < 3600)
		OneDecimal(out, len, seconds / 60, "min");
	else if (seconds < 48 * 3600)
		OneDecimal(out, len, seconds / 3600, "h");
	else
		OneDecimal(out, len, seconds / 86400, "d");
}

/* A count with thousands separators (see svg.h). */
void
SvgCount(char *out, size_t len, int64 n)
{
	char		digits[32];
	char		tmp[48];
	int			nd,
				k = 0;
	uint64		u = n < 0 ? (uint64) 0 - (uint64) n : (uint64) n;

	snprintf(digits, sizeof(digits), UINT64_FORMAT, u);
	nd = strlen(digits);
	if (n < 0)
		tmp[k++] = '-';
	for (int i = 0; i < nd; i++)
	{
		if (i > 0 && (nd - i) % 3 == 0)
			tmp[k++] = ',';
		tmp[k++] = digits[i];
	}
	tmp[k] = '\0';
	snprintf(out, len, "%s", tmp);
}

/* A share as a percentage (see svg.h). */
void
SvgPercent(char *out, size_t len, double share)
{
	snprintf(out, len, "%.1f%%", 100.0 * share);
}
