/*
 * The replay driver every command uses: a trace file into the model, its
 * parsing on a second thread when it can (src/trace/trace_pipe.h), name
 * records fetched a few events ahead.
 */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/trace/trace_pipe.h"

/* A trace that cannot be replayed at all: "prog: path: why" (no line of it to blame). */
static void say_io(const struct replay *rp, const char *prog, const char *path, const char *why)
{
	if (!replay_tell(rp, REPLAY_MSG_IO, path, 0, 0, why))
		fprintf(stderr, "%s: %s: %s\n", prog, path, why);
}

/* "out of memory" keeps the form it always had: "prog: out of memory" */
static void say_nomem(const struct replay *rp, const char *prog, const char *path)
{
	if (!replay_tell(rp, REPLAY_MSG_IO, path, 0, 0, "out of memory"))
		fprintf(stderr, "%s: out of memory\n", prog);
}

/* What the reader said of a line (TRACE_ERROR) or of the file (TRACE_IOERR). */
static void say_read_error(const struct replay *rp, const struct trace_reader *rd, const struct trace_error *err,
			   int r)
{
	if (!replay_tell(rp, r == TRACE_IOERR ? REPLAY_MSG_IO : REPLAY_MSG_SYNTAX, rd->name, err->line, err->col,
			 err->msg))
		fprintf(stderr, "%s\n", err->text);
}

static int open_trace(const struct replay *rp, const char *prog, const char *path, FILE **fp)
{
	if (!strcmp(path, "-")) {
		*fp = stdin;
		return 0;
	}
	*fp = fopen(path, "r");
	if (!*fp) {
		say_io(rp, prog, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The next item from the parsing thread, or from the reader itself when no thread could start. */
static int next_event(struct trace_pipe *tp, struct trace_reader *rd, struct trace_event *own,
		      const struct trace_event **ev, const struct trace_error **err)
{
	int r;

	if (tp)
		return trace_pipe_next(tp, ev, err);
	r = trace_next(rd, own);
	*ev = own;
	*err = &rd->err;
	return r;
}

/*
 * learn.h's look-ahead over a trace file: a pass of the parser alone
 * before the replay, so that every kmem_cache_alloc gets the name its
 * object's free prints. A native trace stops it at its first event.
 */
static int learn_file(FILE *fp, const char *path, int fmt, struct learn *ln)
{
	struct trace_reader rd;
	struct trace_event own;
	const struct trace_event *ev;
	struct trace_pipe *tp = NULL;
	const struct trace_error *err;
	int r, ret = 0;

	if (!fp)
		return -1;
	if (trace_open_file(&rd, fp, path, (enum trace_format)fmt)) {
		fclose(fp);
		return -1;
	}
	trace_pipe_open(&tp, &rd, NULL);	/* the other core parses, as in the replay */
	while (!ln->native && (r = next_event(tp, &rd, &own, &ev, &err)) != TRACE_EOF && r != TRACE_IOERR) {
		if (r == TRACE_EVENT && learn_event(ln, ev)) {
			ret = -1;
			break;
		}
	}
	trace_pipe_close(tp);
	trace_close(&rd);
	fclose(fp);
	return ret ? ret : learn_freeze(ln);
}

/* The file a deferred look-ahead reads (struct replay_opts.learn_ahead). */
struct learn_ahead {
	const char *path;
	int fmt;
	FILE *stdin_file;	/* standard input that is a file, opened again where the replay starts it */
};

static int learn_ahead(void *ctx, struct learn *ln)
{
	struct learn_ahead *la = ctx;
	FILE *fp = la->stdin_file ? la->stdin_file : fopen(la->path, "r");

	la->stdin_file = NULL;	/* learn_file() closes it */
	return learn_file(fp, la->path, la->fmt, ln) || ln->native ? -1 : 0;
}

/*
 * Standard input redirected from a file is a file: opened once more (its
 * /proc/self/fd link, a description of its own) at the offset the replay
 * starts reading from, it can be looked ahead in as a named file is. NULL
 * if it cannot: names are then learnt as the replay goes, as from a pipe.
 */
static FILE *reopen_stdin(FILE *fp)
{
	off_t at = lseek(fileno(fp), 0, SEEK_CUR);
	char path[64];
	FILE *f;

	if (at < 0)
		return NULL;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fileno(fp));
	f = fopen(path, "r");
	if (f && fseeko(f, at, SEEK_SET)) {
		fclose(f);
		f = NULL;
	}
	return f;
}

/*
 * Names of caches the trace prints only on frees: looked ahead for in a
 * file, learnt as the replay goes from a pipe. None for a native trace.
 * The look-ahead is a whole pass of the parser: it runs when the replay
 * first needs names, at the trace's first kmem_cache event, so that a
 * trace of kmalloc and kfree only is read once.
 */
static int setup_learn(struct replay *rp, struct learn_ahead *la, bool regular)
{
	struct learn *ln;

	if (rp->opts.learn || la->fmt == TRACE_FMT_NATIVE)
		return 0;
	ln = malloc(sizeof(*ln));
	if (!ln)
		return -1;
	learn_init(ln);
	rp->opts.learn = ln;
	rp->own_learn = true;
	if (regular) {
		rp->opts.learn_ahead = learn_ahead;
		rp->opts.learn_ahead_ctx = la;
	}
	return 0;
}

/* The trace and the look-ahead's copy of standard input, if it was not used. */
static void close_trace(FILE *fp, struct learn_ahead *la)
{
	if (fp != stdin)
		fclose(fp);
	if (la->stdin_file)
		fclose(la->stdin_file);
	la->stdin_file = NULL;
}

int replay_run(const char *prog, const struct sim_config *cfg, const char *path, int fmt,
	       const struct replay_opts *opts, uint64_t until, bool keep_going, struct replay *rp,
	       struct trace_reader *rd)
{
	struct trace_event own;
	const struct trace_event *ev;
	struct trace_pipe *tp;
	const struct trace_error *err;
	struct stat st;
	FILE *fp;
	int r, progress = isatty(2) && !opts->on_msg;	/* a caller that takes the messages prints itself */
	bool regular;
	uint64_t n = 0;
	uint32_t hint;
	struct learn_ahead la = { .path = path, .fmt = fmt };

	/* the caller releases both even when the trace cannot be opened */
	memset(rp, 0, sizeof(*rp));
	memset(rd, 0, sizeof(*rd));
	rp->opts = *opts;	/* where messages go, before replay_init() can fail */
	if (open_trace(rp, prog, path, &fp))
		return -1;
	regular = !fstat(fileno(fp), &st) && S_ISREG(st.st_mode);
	if (regular && fp == stdin)
		la.stdin_file = reopen_stdin(fp);	/* before the reader takes any of it */
	if (replay_init(rp, cfg, opts) ||
	    trace_open_file(rd, fp, !strcmp(path, "-") ? "<stdin>" : path, (enum trace_format)fmt)) {
		say_nomem(rp, prog, path);
		close_trace(fp, &la);
		return -1;
	}
	/*
	 * A second core parses ahead while this one replays. Only from a file:
	 * a thread blocked reading a pipe that has gone quiet could not be
	 * stopped when --until or an error ends the replay early.
	 */
	tp = NULL;
	if (setup_learn(rp, &la, regular && (fp != stdin || la.stdin_file))) {
		say_nomem(rp, prog, path);
		close_trace(fp, &la);
		return -1;
	}
	if (regular)
		trace_pipe_open(&tp, rd, name_table_hash);
	while ((r = next_event(tp, rd, &own, &ev, &err)) != TRACE_EOF) {
		if (r == TRACE_IOERR) {
			say_read_error(rp, rd, err, r);
			break;
		}
		if (r == TRACE_ERROR) {
			say_read_error(rp, rd, err, r);
			if (!keep_going) {
				rp->stop_line = rd->err.line;
				break;
			}
			continue;
		}
		if (tp && trace_pipe_hint(tp, TRACE_PIPE_LOOKAHEAD, &hint))
			replay_prefetch(rp, hint);
		if (replay_event(rp, rd, ev) && !keep_going && !rp->failed_expect) {
			rp->stop_line = ev->line;
			break;
		}
		if (trace_kind_is_event(ev->kind) && ++n == until) {
			rp->stop_until = n;
			rp->stop_line = ev->line;
			break;
		}
		if (progress && !(n & 0xfffff))
			fprintf(stderr, "\r%s: %llu events", rd->name, (unsigned long long)n);
	}
	trace_pipe_close(tp);	/* rd's counts are final from here */
	if (rp->stop_line)
		replay_learn_pending(rp);
	rp->opts.learn_ahead = NULL;	/* @la ends with this call: nothing more to look ahead for */
	if (progress && n > 0xfffff)
		fputc('\n', stderr);
	if (r != TRACE_IOERR)
		replay_boot(rp);	/* a trace of config lines only still boots */
	close_trace(fp, &la);
	return r == TRACE_IOERR ? -1 : 0;
}

