/* The ncurses front end (tui.h): drawing and keys only; the panes come from src/ui/view.c. */
#include "tui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "src/ui/view.h"

#define TUI_MAX_BREAKS 16

struct tui {
	struct player *pl;
	struct view v;
	bool color, help, moved;
	unsigned help_top;		/* the help screen's first line */
	enum view_pane focus, detail;
	unsigned scroll[NR_VP];
	struct player_break bps[TUI_MAX_BREAKS];
	unsigned nr_bps;
	char status[200];
	/* where the last frame put things, for the mouse */
	struct view_lines caches, pane;
	int caches_y, pane_y, pane_h;
};

/* ------------------------------------------------------------------ attributes */

static const short fg[NR_VA] = {
	[VA_NORMAL] = -1, [VA_TITLE] = COLOR_WHITE, [VA_HEAD] = COLOR_BLACK, [VA_SELECTED] = COLOR_BLACK,
	[VA_CURRENT] = COLOR_YELLOW, [VA_USED] = COLOR_GREEN, [VA_FREE] = COLOR_BLUE, [VA_CPU_FREE] = COLOR_CYAN,
	[VA_CHANGED] = COLOR_MAGENTA, [VA_REDZONE] = COLOR_RED, [VA_POISON] = COLOR_MAGENTA, [VA_PAD] = COLOR_BLUE,
	[VA_FREEPTR] = COLOR_YELLOW, [VA_META] = COLOR_CYAN, [VA_GOOD] = COLOR_GREEN, [VA_BAD] = COLOR_RED,
	[VA_DIM] = -1,
};
static const short bg[NR_VA] = {
	[VA_TITLE] = COLOR_BLUE, [VA_HEAD] = COLOR_GREEN, [VA_SELECTED] = COLOR_CYAN,
};

static void colors_init(struct tui *t)
{
	if (!t->color || !has_colors() || start_color() == ERR) {
		t->color = false;
		return;
	}
	use_default_colors();
	for (int a = 1; a < NR_VA; a++)
		init_pair((short)a, fg[a], a == VA_TITLE || a == VA_HEAD || a == VA_SELECTED ? bg[a] : -1);
}

/* Without colours, bold, reverse, underline and dim carry the meaning. */
static attr_t mono_attr(int a)
{
	switch (a) {
	case VA_TITLE: case VA_HEAD: case VA_SELECTED: return A_REVERSE;
	case VA_CURRENT: case VA_FREEPTR: case VA_GOOD: case VA_BAD: return A_BOLD;
	case VA_CHANGED: return A_REVERSE | A_BOLD;
	case VA_REDZONE: case VA_META: case VA_CPU_FREE: return A_UNDERLINE;
	case VA_FREE: case VA_PAD: case VA_POISON: case VA_DIM: return A_DIM;
	default: return A_NORMAL;
	}
}

static attr_t color_attr(int a)
{
	switch (a) {
	case VA_TITLE: case VA_CURRENT: case VA_CHANGED: case VA_GOOD: case VA_BAD: return A_BOLD;
	case VA_DIM: return A_DIM;
	default: return A_NORMAL;
	}
}

/* --ascii: the few non-ASCII characters the view writes */
static wchar_t ascii_of(uint32_t c)
{
	switch (c) {
	case 0x2192: return '>';
	case 0x2190: return '<';
	case 0x2191: return '^';
	case 0x2193: return 'v';
	case 0x2014: return '-';
	case 0x2026: return '~';
	case 0x00b1: return '+';
	case 0x2713: return '+';	/* a check passed */
	case 0x2717: return 'x';	/* a check failed */
	default: return c < 0x80 ? (wchar_t)c : '?';
	}
}

static void put_line(const struct tui *t, int y, const struct view_line *l, int width)
{
	move(y, 0);
	for (int x = 0; x < width; x++) {
		int a = x < (int)l->len ? l->attr[x] : VA_NORMAL;
		wchar_t wc[2] = { x < (int)l->len ? (wchar_t)l->ch[x] : L' ', 0 };
		cchar_t cc;

		if (t->v.ascii)
			wc[0] = ascii_of((uint32_t)wc[0]);
		/* a selected or heading row is coloured all across */
		if (x >= (int)l->len && l->len && (l->attr[l->len - 1] == VA_SELECTED || l->attr[l->len - 1] == VA_HEAD))
			a = l->attr[l->len - 1];
		setcchar(&cc, wc, t->color ? color_attr(a) : mono_attr(a), t->color ? (short)a : 0, NULL);
		mvadd_wch(y, x, &cc);
	}
}

/* ------------------------------------------------------------------ drawing */

/*
 * Below the header (@head rows): the cache table gets the rows its caches
 * need, up to two fifths; the pane below gets the rest (tab bar and footer
 * take one row each).
 */
static void layout(const struct tui *t, int head, int *caches_h, int *pane_y, int *pane_h)
{
	int rest = LINES - head - 2, need = (int)view_cache_rows(&t->v) + 1;

	*caches_h = rest < 8 ? rest / 2 : rest * 2 / 5;
	if (*caches_h > need)
		*caches_h = need;
	if (*caches_h < 2)
		*caches_h = rest > 1 ? (rest > 3 ? 2 : 1) : 0;
	*pane_y = head + *caches_h + 1;
	*pane_h = LINES - 1 - *pane_y;
	if (*pane_h < 0)
		*pane_h = 0;
}

static void draw_tabs(struct tui *t, int y)
{
	struct view_line l = { .len = 0 };

	for (int p = VP_CACHES; p < NR_VP; p++) {
		const char *name = view_pane_name((enum view_pane)p);
		int a = p == (int)t->focus ? VA_SELECTED : p == (int)t->detail ? VA_HEAD : VA_DIM;

		for (const char *c = name; *c && l.len + 3 < VIEW_COLS; c++) {
			l.ch[l.len] = (unsigned char)*c;
			l.attr[l.len++] = (uint8_t)a;
		}
		l.ch[l.len] = ' ';
		l.attr[l.len++] = VA_NORMAL;
	}
	put_line(t, y, &l, COLS);
}

/* A line of UTF-8 text in one attribute: the footer, prompts. */
/* A line of UTF-8 text in one attribute: the footer, prompts. */
static void text_line(const struct tui *t, int y, int a, const char *s)
{
	struct view_line l = { .len = 0 };

	view_line_puts(&l, (enum view_attr)a, s);
	put_line(t, y, &l, COLS);
}

static void draw_footer(struct tui *t)
{
	char buf[300], mistakes[40] = "";

	if (player_mistakes(t->pl))
		snprintf(mistakes, sizeof(mistakes), "  m mistakes(%u)", player_mistakes(t->pl));
	if (t->status[0])
		snprintf(buf, sizeof(buf), "%s", t->status);
	else
		snprintf(buf, sizeof(buf), "q quit  h help%s  \u2190\u2192 step  g goto  r run  B break(%u)  Tab pane  e empty",
			 mistakes, t->nr_bps);
	text_line(t, LINES - 1, player_mistakes(t->pl) && !t->status[0] ? VA_BAD : VA_HEAD, buf);
}

/* Keep the slot the current event changed in sight after a move. */
static void follow_change(struct tui *t)
{
	for (unsigned i = 0; i < t->pane.n; i++) {
		const struct view_line *l = &t->pane.v[i];

		for (unsigned x = 0; x < l->len; x++) {
			if (l->attr[x] != VA_CHANGED || !l->nslots)
				continue;
			if (i < t->scroll[t->detail] || i >= t->scroll[t->detail] + (unsigned)t->pane_h)
				t->scroll[t->detail] = i > 2 ? i - 2 : 0;
			return;
		}
	}
}

static void draw_help(struct tui *t)
{
	struct view_lines ls = { 0 };
	bool more;

	erase();
	view_help(&t->v, (unsigned)COLS, &ls);
	if (t->help_top + (unsigned)LINES - 1 > ls.n)
		t->help_top = ls.n > (unsigned)LINES - 1 ? ls.n - ((unsigned)LINES - 1) : 0;
	for (unsigned i = t->help_top; i < ls.n && (int)(i - t->help_top) < LINES - 1; i++)
		put_line(t, (int)(i - t->help_top), &ls.v[i], COLS);
	more = t->help_top + (unsigned)LINES - 1 < ls.n;
	text_line(t, LINES - 1, VA_HEAD, more ? "\u2193 more below  any other key returns" : "press any key to return");
	view_lines_free(&ls);
}

static void draw(struct tui *t)
{
	struct view_lines head = { 0 };
	int caches_h, y;

	if (t->help) {
		draw_help(t);
		refresh();
		return;
	}
	erase();
	view_header(&t->v, (unsigned)COLS, &head);
	layout(t, (int)head.n, &caches_h, &t->pane_y, &t->pane_h);
	for (unsigned i = 0; i < head.n && (int)i < LINES; i++)
		put_line(t, (int)i, &head.v[i], COLS);
	t->caches.n = 0;
	t->caches_y = (int)head.n;
	view_lines_free(&head);
	if (caches_h > 0)
		view_caches(&t->v, (unsigned)COLS, (unsigned)caches_h, &t->caches);
	for (unsigned i = 0; i < t->caches.n; i++)
		put_line(t, t->caches_y + (int)i, &t->caches.v[i], COLS);
	if (t->pane_y - 1 < LINES - 1)
		draw_tabs(t, t->pane_y - 1);
	t->pane.n = 0;
	view_pane(&t->v, t->detail, (unsigned)COLS, (unsigned)t->pane_h, &t->pane);
	if (t->moved && t->detail == VP_SLABS)
		follow_change(t);
	t->moved = false;
	if (t->scroll[t->detail] >= t->pane.n)
		t->scroll[t->detail] = t->pane.n ? t->pane.n - 1 : 0;
	y = t->pane_y;
	for (unsigned i = t->scroll[t->detail]; i < t->pane.n && y < LINES - 1; i++)
		put_line(t, y++, &t->pane.v[i], COLS);
	draw_footer(t);
	refresh();
}

/* ------------------------------------------------------------------ prompts */

/* Read a line at the bottom; false if cancelled with Esc. */
static bool prompt(struct tui *t, const char *what, char *buf, size_t len)
{
	size_t n = 0;
	int c;

	buf[0] = '\0';
	curs_set(1);
	for (;;) {
		char line[300];

		snprintf(line, sizeof(line), "%s%s", what, buf);
		text_line(t, LINES - 1, VA_NORMAL, line);
		move(LINES - 1, (int)(strlen(what) + n) < COLS ? (int)(strlen(what) + n) : COLS - 1);
		refresh();
		c = getch();
		if (c == '\n' || c == '\r' || c == KEY_ENTER)
			break;
		if (c == 27) {
			n = 0;
			buf[0] = '\0';
			curs_set(0);
			return false;
		}
		if ((c == KEY_BACKSPACE || c == 127 || c == 8) && n)
			buf[--n] = '\0';
		else if (c >= 0x20 && c < 0x7f && n + 1 < len) {
			buf[n++] = (char)c;
			buf[n] = '\0';
		}
	}
	curs_set(0);
	return n > 0;
}

/* ------------------------------------------------------------------ actions */

static void moved(struct tui *t, int r)
{
	if (r)
		snprintf(t->status, sizeof(t->status), "cannot move: out of memory or unreadable trace");
	view_sync(&t->v);
	t->moved = true;
}

static void go_to(struct tui *t)
{
	char buf[32], *end;
	unsigned long long n;

	if (!prompt(t, "Go to event: ", buf, sizeof(buf)))
		return;
	n = strtoull(buf, &end, 10);
	if (*end || buf[0] == '-' || !(buf[0] >= '0' && buf[0] <= '9')) {
		snprintf(t->status, sizeof(t->status), "not an event number: '%s' (0 to %llu)", buf,
			 (unsigned long long)t->pl->total);
		return;
	}
	moved(t, player_goto(t->pl, n));
	if (n > player_pos(t->pl))
		snprintf(t->status, sizeof(t->status), "the trace has %llu events: went to the end, event %llu",
			 (unsigned long long)t->pl->total, (unsigned long long)player_pos(t->pl));
}

static void add_break(struct tui *t)
{
	char buf[100], desc[100], why[160];
	struct player_break b;

	if (!prompt(t, "Break on (cache NAME|obj NAME|event KIND|site FN|ptr HEX|new|discard|misaligned|fault|expect): ", buf,
		    sizeof(buf)))
		return;
	if (player_break_parse(t->pl, buf, &b, why, sizeof(why))) {
		snprintf(t->status, sizeof(t->status), "not a breakpoint: %s", why);
		return;
	}
	if (t->nr_bps == TUI_MAX_BREAKS) {
		snprintf(t->status, sizeof(t->status), "at most %d breakpoints", TUI_MAX_BREAKS);
		return;
	}
	t->bps[t->nr_bps++] = b;
	player_break_describe(&b, desc, sizeof(desc));
	snprintf(t->status, sizeof(t->status), "breakpoint %u: %s", t->nr_bps, desc);
}

/* Run in slices so that a key stops a long run. */
static void run(struct tui *t)
{
	int r = -1;
	char desc[100];

	nodelay(stdscr, TRUE);
	while (player_pos(t->pl) < t->pl->total) {
		r = player_run(t->pl, t->bps, t->nr_bps, 20000);
		if (r != -1 || getch() != ERR)
			break;
		snprintf(t->status, sizeof(t->status), "running\u2026 event %llu (any key stops)",
			 (unsigned long long)player_pos(t->pl));
		view_sync(&t->v);
		draw(t);
	}
	nodelay(stdscr, FALSE);
	if (r >= 0) {
		player_break_describe(&t->bps[r], desc, sizeof(desc));
		snprintf(t->status, sizeof(t->status), "stopped at breakpoint %d: %s", r + 1, desc);
	} else {
		snprintf(t->status, sizeof(t->status), r == -2 ? "stopped: read error" : "stopped at event %llu",
			 (unsigned long long)player_pos(t->pl));
	}
	moved(t, r == -2);
}

static void search(struct tui *t)
{
	char buf[64];

	if (!prompt(t, "/", buf, sizeof(buf)))
		return;
	if (view_search(&t->v, buf)) {
		snprintf(t->status, sizeof(t->status), "no cache, object, trace pointer or call site '%s'", buf);
		return;
	}
	t->v.follow = false;
	if (t->v.obj && t->detail != VP_SLABS)
		t->detail = VP_OBJECT;
}

static void click(struct tui *t)
{
	MEVENT me;
	int i;

	if (getmouse(&me) != OK)
		return;
	i = me.y - t->caches_y;
	if (i >= 1 && i < (int)t->caches.n && t->caches.v[i].cache >= 0) {
		t->v.sel_cache = t->caches.v[i].cache;
		t->focus = VP_CACHES;
		return;
	}
	i = me.y - t->pane_y + (int)t->scroll[t->detail];
	if (me.y >= t->pane_y && i < (int)t->pane.n && t->pane.v[i].nslots) {
		const struct view_line *l = &t->pane.v[i];

		if (me.x >= (int)l->col0 && me.x < (int)(l->col0 + l->nslots)) {
			t->v.obj = l->slot0 + (uint64_t)(me.x - (int)l->col0) * l->slot_size;
			t->v.follow = false;
			t->detail = t->focus = VP_OBJECT;
		}
	}
}

static void scroll_or_select(struct tui *t, int delta)
{
	if (t->focus == VP_CACHES) {
		view_move_selection(&t->v, delta);
		t->scroll[VP_SLABS] = 0;
		return;
	}
	if (t->focus == VP_MISTAKES) {
		long to = (long)t->v.sel_mistake + delta, nr = (long)player_mistakes(t->pl);

		t->v.sel_mistake = (unsigned)(to < 0 ? 0 : to >= nr ? (nr ? nr - 1 : 0) : to);
		/* the title, then the mistakes: keep the selected one in sight */
		if (t->v.sel_mistake + 1 < t->scroll[VP_MISTAKES])
			t->scroll[VP_MISTAKES] = t->v.sel_mistake + 1;
		if (t->pane_h > 0 && t->v.sel_mistake + 1 >= t->scroll[VP_MISTAKES] + (unsigned)t->pane_h)
			t->scroll[VP_MISTAKES] = t->v.sel_mistake + 2 - (unsigned)t->pane_h;
		return;
	}
	if (delta < 0)
		t->scroll[t->focus] = (unsigned)-delta > t->scroll[t->focus] ? 0 : t->scroll[t->focus] + (unsigned)delta;
	else
		t->scroll[t->focus] += (unsigned)delta;
}

static void cycle_focus(struct tui *t, int dir)
{
	t->focus = (enum view_pane)((t->focus + NR_VP + dir) % NR_VP);
	if (t->focus != VP_CACHES)
		t->detail = t->focus;
}

/* One key; false to quit. */
static bool key(struct tui *t, int c)
{
	t->status[0] = '\0';
	if (t->help) {
		if (c == KEY_DOWN || c == KEY_NPAGE || c == ' ')
			t->help_top += c == KEY_DOWN ? 1 : (unsigned)LINES / 2;
		else if (c == KEY_UP)
			t->help_top -= t->help_top > 0;
		else if (c != KEY_RESIZE)
			t->help = false;	/* any other key leaves the help screen */
		return true;
	}
	switch (c) {
	case 'q': return false;
	case 'h': case '?': case KEY_F(1): t->help = true; break;
	case KEY_RIGHT: case ' ': moved(t, player_step(t->pl, 1)); break;
	case KEY_LEFT: case KEY_BACKSPACE: case 127: moved(t, player_step(t->pl, -1)); break;
	case '>': case KEY_SRIGHT: moved(t, player_step(t->pl, 10)); break;
	case '<': case KEY_SLEFT: moved(t, player_step(t->pl, -10)); break;
	case KEY_NPAGE: moved(t, player_step(t->pl, 100)); break;
	case KEY_PPAGE: moved(t, player_step(t->pl, -100)); break;
	case KEY_HOME: moved(t, player_goto(t->pl, 0)); break;
	case KEY_END: moved(t, player_goto(t->pl, t->pl->total)); break;
	case 'g': case ':': go_to(t); break;
	case 'r': run(t); break;
	case 'B': add_break(t); break;
	case 'C': t->nr_bps = 0; snprintf(t->status, sizeof(t->status), "breakpoints cleared"); break;
	case '/': search(t); break;
	case '\t': cycle_focus(t, 1); break;
	case KEY_BTAB: cycle_focus(t, -1); break;
	case KEY_UP: scroll_or_select(t, -1); break;
	case KEY_DOWN: scroll_or_select(t, 1); break;
	case '\n': case '\r': case KEY_ENTER:
		if (t->focus == VP_MISTAKES && player_mistakes(t->pl)) {
			/* to the event that shows the selected mistake */
			moved(t, player_goto(t->pl, t->pl->mistakes[t->v.sel_mistake].event));
			snprintf(t->status, sizeof(t->status), "line %u is at event %llu",
				 t->pl->mistakes[t->v.sel_mistake].line, (unsigned long long)player_pos(t->pl));
			break;
		}
		t->v.follow = true;
		view_sync(&t->v);
		t->detail = t->focus = VP_OBJECT;
		break;
	case 'e':
		t->v.hide_empty = !t->v.hide_empty;
		snprintf(t->status, sizeof(t->status), "empty caches: %s", t->v.hide_empty ? "hidden" : "shown");
		break;
	case 'm':
		t->detail = t->focus = VP_MISTAKES;
		if (!player_mistakes(t->pl))
			snprintf(t->status, sizeof(t->status), "no mistakes in the trace so far");
		break;
	case 'f': t->v.show_freelist = !t->v.show_freelist; break;
	case 'F':
		t->v.follow = !t->v.follow;
		snprintf(t->status, sizeof(t->status), "follow the current event: %s", t->v.follow ? "on" : "off");
		break;
	case KEY_MOUSE: click(t); break;
	case KEY_RESIZE: break;
	default:
		if (view_set_sort(&t->v, c) == 0)
			snprintf(t->status, sizeof(t->status), "sorted by %s", view_sort_name((char)c));
		break;
	}
	return true;
}

int tui_run(struct player *pl, const struct tui_opts *opts)
{
	struct tui *t = calloc(1, sizeof(*t));

	if (!t || !initscr()) {
		free(t);
		return 2;
	}
	t->pl = pl;
	t->color = !opts->no_color;
	t->focus = VP_CACHES;
	t->detail = VP_SLABS;
	view_init(&t->v, pl, opts->ascii);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	colors_init(t);
	/* a trace with mistakes opens with them in view */
	if (player_mistakes(pl)) {
		t->detail = VP_MISTAKES;
		snprintf(t->status, sizeof(t->status), "%u mistakes in %s: listed below by line (m shows them again)",
			 player_mistakes(pl), pl->name);
	}
	if (opts->status[0])
		snprintf(t->status, sizeof(t->status), "%s", opts->status);
	do
		draw(t);
	while (key(t, getch()));
	endwin();
	view_lines_free(&t->caches);
	view_lines_free(&t->pane);
	free(t);
	return 0;
}
