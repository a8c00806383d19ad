/*
 * The ncurses front end: puts the view model's lines on the screen and turns
 * keys and mouse clicks into player moves and view changes. Nothing else.
 */
#ifndef SLUBSIM_TUI_H
#define SLUBSIM_TUI_H

#include <stdbool.h>

#include "src/ui/player.h"

struct tui_opts {
	bool no_color;		/* --no-color or NO_COLOR */
	bool ascii;		/* --ascii, or a locale that is not UTF-8 */
	char status[200];	/* the first screen's status line, "" for none */
};

/* Run the TUI on an opened player until the user quits. Returns 0, or 2 if the terminal failed. */
int tui_run(struct player *pl, const struct tui_opts *opts);

#endif
