/*
 * Line charts with cairo: one or two stacked panels over a shared x axis,
 * axes with round ticks, a legend, a title; written as PNG or SVG.
 */
#ifndef SLUBSIM_CHART_H
#define SLUBSIM_CHART_H

#include <stddef.h>

#define CHART_MAX_PANELS 2

struct chart_series {
	const char *name;
	const double *y;		/* y[i * stride] for the i-th x; NAN where there is no value */
	size_t stride;
};

struct chart_panel {
	const char *ylabel;
	const struct chart_series *series;
	unsigned nr_series;
};

struct chart {
	const char *title;
	const char *xlabel;
	const double *x;		/* increasing */
	size_t nr_x;
	double xmax;			/* the x axis ends here (the x values may stop short) */
	struct chart_panel panel[CHART_MAX_PANELS];
	unsigned nr_panels;
	unsigned width, height;		/* pixels (PNG) or points (SVG) */
};

enum chart_kind { CHART_PNG, CHART_SVG };

/* The kind a file name asks for by its extension, -1 if neither .png nor .svg. */
int chart_kind(const char *path);
/* Draw @c into @path. 0, or -1 with *why set (cairo's status, or the system's). */
int chart_write(const struct chart *c, const char *path, const char **why);

#endif
