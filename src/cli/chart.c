#include "chart.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/array.h"

#define CHART_FONT 12.0
#define CHART_GAP 34.0		/* between stacked panels */

/* Tableau 10: distinct in colour and in lightness, so a grey print still tells them apart */
static const double chart_palette[][3] = {
	{ 0.122, 0.467, 0.706 }, { 1.000, 0.498, 0.055 }, { 0.173, 0.627, 0.173 }, { 0.839, 0.153, 0.157 },
	{ 0.580, 0.404, 0.741 }, { 0.549, 0.337, 0.294 }, { 0.890, 0.467, 0.761 }, { 0.498, 0.498, 0.498 },
	{ 0.737, 0.741, 0.133 }, { 0.090, 0.745, 0.812 },
};
#define CHART_NR_COLOURS (sizeof(chart_palette) / sizeof(chart_palette[0]))

/* The rectangle of one panel's plotting area, and its value range. */
struct chart_box {
	double x0, y0, w, h;
	double ymax, ystep, xstep;
};

int chart_kind(const char *path)
{
	size_t n = strlen(path);

	if (n > 4 && !strcasecmp(path + n - 4, ".png"))
		return CHART_PNG;
	if (n > 4 && !strcasecmp(path + n - 4, ".svg"))
		return CHART_SVG;
	return -1;
}

/* A round step (1, 2 or 5 times a power of ten, at least 1) giving about five ticks up to @max. */
static double chart_step(double max)
{
	double raw = max / 5, mag, norm;

	if (raw <= 1)
		return 1;
	mag = pow(10, floor(log10(raw)));
	norm = raw / mag;
	return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

static void chart_number(char *buf, size_t len, double v)
{
	if (v >= 1e6)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

/* @text with its baseline at @y, its left (ax 0), centre (0.5) or right end (1) at @x. */
static void chart_text(cairo_t *cr, double x, double y, double ax, const char *text)
{
	cairo_text_extents_t te;

	cairo_text_extents(cr, text, &te);
	cairo_move_to(cr, x - te.x_advance * ax, y);
	cairo_show_text(cr, text);
}

static double chart_y(const struct chart_series *s, size_t i)
{
	return s->y[i * s->stride];
}

static double chart_panel_ymax(const struct chart *c, const struct chart_panel *p)
{
	double max = 0;

	for (unsigned s = 0; s < p->nr_series; s++)
		for (size_t i = 0; i < c->nr_x; i++)
			if (chart_y(&p->series[s], i) > max)	/* false for NAN */
				max = chart_y(&p->series[s], i);
	return max;
}

/* Grid, axes, tick labels and the y label of one panel. */
static void chart_axes(cairo_t *cr, const struct chart *c, const struct chart_box *b, const char *ylabel,
		       int last)
{
	char num[32];

	cairo_set_line_width(cr, 1);
	for (double v = 0; v <= b->ymax + b->ystep / 2; v += b->ystep) {
		double y = round(b->y0 + b->h - v / b->ymax * b->h) + 0.5;

		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_move_to(cr, b->x0, y);
		cairo_line_to(cr, b->x0 + b->w, y);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		chart_number(num, sizeof(num), v);
		chart_text(cr, b->x0 - 6, y + 4, 1, num);
	}
	for (double v = 0; last && v <= c->xmax + b->xstep / 2; v += b->xstep) {
		double x = round(b->x0 + v / c->xmax * b->w) + 0.5;

		cairo_move_to(cr, x, b->y0 + b->h);
		cairo_line_to(cr, x, b->y0 + b->h + 4);
		cairo_stroke(cr);
		chart_number(num, sizeof(num), v);
		chart_text(cr, x, b->y0 + b->h + 17, 0.5, num);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_rectangle(cr, b->x0 + 0.5, b->y0 + 0.5, b->w, b->h);
	cairo_stroke(cr);
	cairo_save(cr);
	cairo_translate(cr, 8 + CHART_FONT, b->y0 + b->h / 2);
	cairo_rotate(cr, -M_PI / 2);
	chart_text(cr, 0, 0, 0.5, ylabel);
	cairo_restore(cr);
	if (last)
		chart_text(cr, b->x0 + b->w / 2, b->y0 + b->h + 34, 0.5, c->xlabel);
}

static void chart_colour(cairo_t *cr, unsigned s)
{
	const double *rgb = chart_palette[s % CHART_NR_COLOURS];

	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
	if (s >= CHART_NR_COLOURS) {
		/* the palette's second round is dashed */
		static const double dash[] = { 6, 3 };

		cairo_set_dash(cr, dash, 2, 0);
	} else {
		cairo_set_dash(cr, NULL, 0, 0);
	}
}

/* One series as a polyline, broken where it has no value; a lone point as a dot. */
static void chart_line(cairo_t *cr, const struct chart *c, const struct chart_box *b,
		       const struct chart_series *s)
{
	int pen = 0;

	for (size_t i = 0; i < c->nr_x; i++) {
		double y = chart_y(s, i);
		double px = b->x0 + c->x[i] / c->xmax * b->w, py = b->y0 + b->h - y / b->ymax * b->h;
		int alone = !pen && (i + 1 == c->nr_x || isnan(chart_y(s, i + 1)));

		if (isnan(y)) {
			pen = 0;
			continue;
		}
		if (alone) {
			cairo_new_sub_path(cr);
			cairo_arc(cr, px, py, 2, 0, 2 * M_PI);
		} else if (pen) {
			cairo_line_to(cr, px, py);
		} else {
			cairo_move_to(cr, px, py);
		}
		pen = !alone;
	}
	cairo_stroke(cr);
}

/* The widest series name: the legend's width. */
static double chart_legend_width(cairo_t *cr, const struct chart *c)
{
	double w = 60;

	for (unsigned p = 0; p < c->nr_panels; p++)
		for (unsigned s = 0; s < c->panel[p].nr_series; s++) {
			cairo_text_extents_t te;

			cairo_text_extents(cr, c->panel[p].series[s].name, &te);
			if (te.x_advance > w)
				w = te.x_advance;
		}
	return w + 40;
}

/* The series of the first panel name the lines of every panel: they are the same caches. */
static void chart_legend(cairo_t *cr, const struct chart *c, double x, double y)
{
	const struct chart_panel *p = &c->panel[0];

	cairo_set_line_width(cr, 2.5);
	for (unsigned s = 0; s < p->nr_series; s++, y += CHART_FONT * 1.6) {
		chart_colour(cr, s);
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x + 20, y);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		chart_text(cr, x + 26, y + 4, 0, p->series[s].name);
	}
	cairo_set_dash(cr, NULL, 0, 0);
}

static void chart_panel(cairo_t *cr, const struct chart *c, unsigned p, const struct chart_box *b)
{
	chart_axes(cr, c, b, c->panel[p].ylabel, p + 1 == c->nr_panels);
	cairo_save(cr);
	cairo_rectangle(cr, b->x0, b->y0, b->w + 1, b->h + 1);
	cairo_clip(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	for (unsigned s = 0; s < c->panel[p].nr_series; s++) {
		/* each line a little thinner than the one below it: equal series stay visible as rims */
		cairo_set_line_width(cr, 1.6 + 0.4 * (c->panel[p].nr_series - 1 - s));
		chart_colour(cr, s);
		chart_line(cr, c, b, &c->panel[p].series[s]);
	}
	cairo_restore(cr);
}

static void chart_draw(cairo_t *cr, const struct chart *c)
{
	double legend, top = 46, bottom = 46, left = 72, h;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, CHART_FONT + 3);
	cairo_set_source_rgb(cr, 0, 0, 0);
	chart_text(cr, c->width / 2.0, 28, 0.5, c->title);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, CHART_FONT);
	legend = chart_legend_width(cr, c);
	h = (c->height - top - bottom - CHART_GAP * (c->nr_panels - 1)) / c->nr_panels;
	for (unsigned p = 0; p < c->nr_panels; p++) {
		struct chart_box b = { .x0 = left, .y0 = top + p * (h + CHART_GAP), .w = c->width - left - legend - 16,
				       .h = h };
		double max = chart_panel_ymax(c, &c->panel[p]);

		b.ystep = chart_step(max);
		b.ymax = fmax(b.ystep, ceil(max / b.ystep) * b.ystep);
		b.xstep = chart_step(c->xmax);
		chart_panel(cr, c, p, &b);
	}
	chart_legend(cr, c, c->width - legend, top + 8);
}

/* ------------------------------------------------------------------ files */

struct chart_buf {
	unsigned char *p;
	size_t len, cap;
};

static cairo_status_t chart_buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct chart_buf *b = closure;

	if (ARRAY_GROW(b->p, b->cap, b->len + len))
		return CAIRO_STATUS_NO_MEMORY;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

static void chart_xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
}

/*
 * cairo draws text as glyph outlines, so the SVG itself would not say what it
 * shows: a <title> and a <desc> naming the series make it searchable and let
 * a screen reader read it. They go right after the root element's start tag.
 */
static int chart_svg_save(const struct chart *c, const struct chart_buf *b, const char *path)
{
	/* the buffer ends in a NUL chart_write() added */
	const char *root = b->len ? strstr((const char *)b->p, "<svg") : NULL;
	const char *gt = root ? strchr(root, '>') : NULL;
	FILE *f;
	size_t head;

	if (!gt)
		return -1;
	if (!(f = fopen(path, "w")))
		return -1;
	head = (size_t)(gt + 1 - (const char *)b->p);
	fwrite(b->p, 1, head, f);
	fputs("\n<title>", f);
	chart_xml_text(f, c->title);
	fputs("</title>\n<desc>", f);
	for (unsigned s = 0; s < c->panel[0].nr_series; s++) {
		fputs(s ? ", " : "", f);
		chart_xml_text(f, c->panel[0].series[s].name);
	}
	fputs("</desc>", f);
	fwrite(b->p + head, 1, b->len - 1 - head, f);
	return fclose(f) ? -1 : 0;
}

static int chart_render(cairo_surface_t *surface, const struct chart *c, const char **why)
{
	cairo_t *cr = cairo_create(surface);
	cairo_status_t st;

	chart_draw(cr, c);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	if (st != CAIRO_STATUS_SUCCESS)
		*why = cairo_status_to_string(st);
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

int chart_write(const struct chart *c, const char *path, const char **why)
{
	struct chart_buf buf = { 0 };
	cairo_surface_t *surface;
	int r;

	if (chart_kind(path) == CHART_PNG)
		surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)c->width, (int)c->height);
	else
		surface = cairo_svg_surface_create_for_stream(chart_buf_write, &buf, c->width, c->height);
	r = chart_render(surface, c, why);
	if (!r && chart_kind(path) == CHART_PNG) {
		cairo_status_t st = cairo_surface_write_to_png(surface, path);

		if (st != CAIRO_STATUS_SUCCESS) {
			*why = cairo_status_to_string(st);
			r = -1;
		}
	}
	cairo_surface_finish(surface);	/* the SVG surface writes its document now */
	if (chart_buf_write(&buf, (const unsigned char *)"", 1) != CAIRO_STATUS_SUCCESS && !r) {
		*why = "out of memory";
		r = -1;
	}
	if (!r && chart_kind(path) == CHART_SVG && (cairo_surface_status(surface) || chart_svg_save(c, &buf, path))) {
		*why = "cannot write the SVG document";
		r = -1;
	}
	cairo_surface_destroy(surface);
	free(buf.p);
	return r;
}
