/*
 * The TUI's view model: what each pane shows at the player's position, as
 * lines of characters with an attribute each. No terminal here: the tui/
 * front end only puts these lines on the screen, and the tests read them.
 */
#ifndef SLUBSIM_VIEW_H
#define SLUBSIM_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "player.h"

#define VIEW_COLS 256

/* What a character means; the front end picks colours or, without, bold and reverse. */
enum view_attr {
	VA_NORMAL,
	VA_TITLE,		/* header and pane titles */
	VA_HEAD,		/* column headings */
	VA_SELECTED,		/* the selected row */
	VA_CURRENT,		/* what the current event touched */
	VA_USED,		/* an allocated slot or object byte */
	VA_FREE,		/* a free slot */
	VA_CPU_FREE,		/* a free slot on a CPU freelist */
	VA_CHANGED,		/* the slot the current event changed */
	VA_REDZONE,
	VA_POISON,
	VA_PAD,
	VA_FREEPTR,
	VA_META,		/* tracks, the original size */
	VA_GOOD,
	VA_BAD,
	VA_DIM,
	NR_VA
};

struct view_line {
	uint32_t ch[VIEW_COLS];		/* Unicode code points */
	uint8_t attr[VIEW_COLS];
	unsigned len;
	int cache;			/* cache table: the row's cache index, else -1 */
	uint64_t slot0;			/* slab map: the first slot's object address, 0 if none */
	unsigned col0, nslots;		/* ...its column and how many slots follow */
	unsigned slot_size;
};

struct view_lines {
	struct view_line *v;
	unsigned n, cap;
};

enum view_pane { VP_CACHES, VP_SLABS, VP_OBJECT, VP_ALIGN, VP_FAULT, VP_MISTAKES, NR_VP };

struct view {
	struct player *pl;
	bool ascii;			/* no UTF-8 blocks */
	bool hide_empty;
	bool show_freelist;
	bool follow;			/* select the cache and object each step touches */
	char sort;			/* slabtop's sort letter */
	int sel_cache;			/* index in sim->caches, -1 for none */
	uint64_t obj;			/* the inspected object, 0 for none */
	unsigned cache_top;		/* first cache row shown */
	unsigned sel_mistake;		/* the selected row of the Mistakes pane */
};

void view_init(struct view *v, struct player *pl, bool ascii);
/* After the player moved: follow the step's cache and object. */
void view_sync(struct view *v);
/* slabtop's sort letters: 0, or -1 if @c is none of them. */
int view_set_sort(struct view *v, int c);
const char *view_sort_name(char c);

void view_lines_free(struct view_lines *ls);
/* The pane's lines for a @width-column screen (caches: @height rows, scrolled to the selection). */
void view_header(const struct view *v, unsigned width, struct view_lines *out);
void view_caches(struct view *v, unsigned width, unsigned height, struct view_lines *out);
void view_slabs(const struct view *v, unsigned width, struct view_lines *out);
void view_object(const struct view *v, unsigned width, struct view_lines *out);
void view_align(const struct view *v, unsigned width, struct view_lines *out);
void view_fault(const struct view *v, unsigned width, struct view_lines *out);
/* The trace's mistakes by line: rejected lines, the replay's errors and failed expectations. */
void view_mistakes(const struct view *v, unsigned width, struct view_lines *out);
void view_help(const struct view *v, unsigned width, struct view_lines *out);
void view_pane(struct view *v, enum view_pane p, unsigned width, unsigned height, struct view_lines *out);
const char *view_pane_name(enum view_pane p);

/* "event 3, line 27: n1 = rust_alloc 96 align=64": the current event as the trace writes it. */
void view_event_text(const struct view *v, char *buf, size_t len);
/* Its verdict: "→ kmalloc-96 slot 3, MISALIGNED for align=64 (32-aligned); fast path, cpu 0". */
void view_outcome(const struct view *v, char *buf, size_t len);
/* The expectations and errors after it, "" if none. */
void view_checks(const struct view *v, char *buf, size_t len);
/* Rows of the cache table as shown (empty caches hidden or not). */
unsigned view_cache_rows(const struct view *v);
/* Move the cache selection by @delta rows of the table as shown (sorted, filtered). */
void view_move_selection(struct view *v, int delta);
/* Select the cache named @name (or containing it), or inspect the object bound to @name: 0, or -1. */
int view_search(struct view *v, const char *name);

/* Append UTF-8 text to @l in attribute @a (the front end's footer and prompts). */
void view_line_puts(struct view_line *l, enum view_attr a, const char *s);
/* A line as UTF-8 (trailing blanks dropped): tests and the tmux test compare these. */
char *view_line_utf8(const struct view_line *l, char *buf, size_t len);

#endif
