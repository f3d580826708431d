/*
 * The bridge's data sources behind one table of operations, as curl keeps
 * its TLS backends in lib/vtls/: each source (an exchange, a news API, the
 * RSS feeds) is one file in source/ that knows what it asks for in a
 * round, how it reads the answers and its quirks, and exports one
 * struct nabz_source_ops. The scheduler (sources.c) calls through
 * nabz_source__ops() and never switches on the source.
 *
 * Building requests and reading bodies is pure: no I/O, no globals; any
 * thread may call them. What a body gives is handed back in a
 * struct nabz_source_result for the scheduler to apply.
 */
#ifndef NABZ_BRIDGE_SOURCE_H
#define NABZ_BRIDGE_SOURCE_H

/* Request URLs are built in buffers of this size (cut to fit): room for
 * hundreds of symbols in one request (Binance, Kraken, Nobitex take a
 * list). */
#define NABZ_SOURCE_URL_MAX 20000
#define NABZ_SOURCE_LIST_MAX 16384

#include <stdbool.h>
#include <stddef.h>

#include "coin_id.h"
#include "config.h"
#include "news_item.h"
#include "quote.h"

/* What a request asks for. The values index the ETag slots of a source
 * (sources.c), so their order is kept. */
enum nabz_request_kind {
	NABZ_REQ_PRICES,
	NABZ_REQ_MARKET,
	NABZ_REQ_NEWS,
	NABZ_REQ_FEED,
	NABZ_REQ_DISCOVERY,
};

struct nabz_source_request {
	enum nabz_request_kind kind;
	char symbol[NABZ_SYMBOL_MAX];    /* coinbase: the one product asked for; else "" */
	size_t feed;                     /* rss: which of the configured feeds */
	char *url;                       /* owned by the list */
};

struct nabz_request_list {
	struct nabz_source_request *items;   /* owned */
	size_t count;
	size_t cap;
};

/* Appends a request for url (copied); symbol may be NULL. Returns 0, or
 * -1 when out of memory (nothing appended). */
int nabz_requests__add(struct nabz_request_list *list, enum nabz_request_kind kind,
		const char *symbol, size_t feed, const char *url);
/* Frees every URL and the items; the list is empty after. */
void nabz_requests__free(struct nabz_request_list *list);

/* What a round's requests are built from. Borrowed: valid for the call. */
struct nabz_source_round {
	const struct nabz_source_cfg *cfg;          /* base_url, feeds */
	const char (*watch)[NABZ_SYMBOL_MAX];       /* the watched symbols */
	size_t watch_count;
	const struct nabz_coin_id_list *coin_ids;   /* CoinGecko ids of the watched symbols */
	long discovery_top_n;                       /* > 0: the top-N listing is due too */
};

/* What one body gave. Owns everything in it: nabz_source_result__free. */
struct nabz_source_result {
	struct nabz_quote_list quotes;
	size_t skipped;                  /* items refused for bad values */
	double usdt_irt;                 /* toman per USDT, or NAN */
	bool has_market;
	struct nabz_market market;       /* when has_market; its usdt_irt is NAN */
	struct nabz_coin_id_list discovered;   /* top-N listing, by rank */
	bool has_news;                   /* a news source answered: its list is taken even when
	                                  * empty (that ends a first run) */
	struct nabz_news_list news;
};

void nabz_source_result__init(struct nabz_source_result *res);
void nabz_source_result__free(struct nabz_source_result *res);

/* A recorded response of demo mode: <demo_dir>/<source>/<file>-<n>.<ext>. */
struct nabz_source_demo_file {
	const char *file;                /* NULL: no more */
	enum nabz_request_kind kind;
};

struct nabz_source_ops {
	enum nabz_source_id id;
	/* Appends one live round's requests to out, in the order they are to
	 * be started. Returns 0, or -1 when out of memory (out may hold some;
	 * the caller frees it). */
	int (*requests)(const struct nabz_source_round *r, struct nabz_request_list *out);
	/* The requests a round may make, counted against the per-minute
	 * budget before it starts. NULL: one. */
	unsigned (*round_size)(const struct nabz_source_round *r);
	/* Reads the body of req (len bytes, not NUL-terminated) into res.
	 * Returns 0, or -1 with a short fixed reason in err; res is freed by
	 * the caller either way. */
	int (*parse)(const struct nabz_source_request *req, const char *body, size_t len,
			const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res,
			char *err, size_t errlen);
	/* Demo mode: the recorded files of one snapshot, and their extension. */
	struct nabz_source_demo_file demo[2];
	const char *demo_ext;
	/* Demo mode: one file per watched symbol, <symbol>-<n>.json, instead
	 * (a source that asks for one product per request). */
	bool demo_per_symbol;
};

/* Appends s to buf (cap bytes, NUL-terminated) after sep when buf is not
 * empty, lower case when lower; cut to fit. For the lists of symbols or
 * pairs that a request names. */
void nabz_source__append(char *buf, size_t cap, const char *sep, const char *s, bool lower);

/* The operations of source id; NULL for one not implemented. */
const struct nabz_source_ops *nabz_source__ops(enum nabz_source_id id);

#endif
