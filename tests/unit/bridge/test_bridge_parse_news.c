/* Unit tests for bridge/source/news.c and rss.c: CryptoCompare's news list and
 * RSS / Atom feeds (tests/fixtures/api/{cryptocompare,feeds}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"

#include "fixture.h"
#include "source/news.h"
#include "source/rss.h"
#include "parse_text.h"

#define NEWS(i, t, u, src, sum, ms) \
	{.id = (char *)(i), .title = (char *)(t), .url = (char *)(u), .source = (char *)(src), \
		.summary = (char *)(sum), .published_ms = (ms)}

static size_t g_skipped;
static const char *g_source;

static int cryptocompare(const char *body, size_t len, struct nabz_news_list *out, char *err, size_t errlen)
{
	return nabz_parse__cryptocompare_news(body, len, out, &g_skipped, err, errlen);
}

static int feed(const char *body, size_t len, struct nabz_news_list *out, char *err, size_t errlen)
{
	return nabz_parse__feed(body, len, g_source, out, &g_skipped, err, errlen);
}

static void print_item(const char *label, const struct nabz_news_item *it)
{
	print_error("  %s id=%s\n    title=%s\n    url=%s\n    source=%s\n    summary=%s\n    published=%lld\n", label,
			it->id, it->title ? it->title : "(null)", it->url ? it->url : "(null)",
			it->source ? it->source : "(null)", it->summary ? it->summary : "(null)", (long long)it->published_ms);
}

static void check_items(const struct nabz_news_list *got, const struct nabz_news_item *want, size_t n, const char *ctx)
{
	for(size_t i = 0; i < n; i++){
		const struct nabz_news_item *it = fx_find_news(got, want[i].id);

		if(it == NULL || !fx_news_eq(it, &want[i])){
			print_item("want", &want[i]);
			if(it) print_item("got ", it);
		}
		check_row(it != NULL, "%s: no item %s", ctx, want[i].id);
		check_row(fx_news_eq(it, &want[i]), "%s: item %s differs", ctx, want[i].id);
	}
	if(got->count != n){
		for(size_t i = 0; i < got->count; i++) print_item("got ", &got->items[i]);
	}
	check_row(got->count == n, "%s: %zu items, want %zu", ctx, got->count, n);
	for(size_t i = 0; i < got->count; i++){
		const struct nabz_news_item *it = &got->items[i];

		/* Whatever the source, these hold for every item. */
		check_row(it->id != NULL && it->id[0] != '\0' && it->title != NULL && it->title[0] != '\0',
				"%s: item %zu lacks id or title", ctx, i);
		check_row(it->url == NULL || strncmp(it->url, "http", 4) == 0, "%s: item %zu url %s", ctx, i, it->url);
		check_row(it->summary == NULL || it->summary[0] != '\0', "%s: item %zu empty summary", ctx, i);
	}
}

static void check_fixture(fx_news_fn fn, const char *rel, const struct nabz_news_item *want, size_t n, size_t skipped)
{
	struct nabz_news_list out = {0};
	char err[256];
	size_t len;
	char *body = fx_load(rel, &len);
	char *copy = fx_copy(body, len);
	int rc;

	err[0] = '\0';
	rc = fn(copy, len, &out, err, sizeof(err));
	free(copy);
	check_row(rc == 0, "%s: refused: %s", rel, err);
	check_items(&out, want, n, rel);
	check_row(g_skipped == skipped, "%s: skipped %zu, want %zu", rel, g_skipped, skipped);
	nabz_news__free(&out);
	fx_prefixes_news(fn, body, len);
	free(body);
}

static void refused_fixture(fx_news_fn fn, const char *rel, const char *want_err)
{
	size_t len;
	char *body = fx_load(rel, &len);

	fx_refused_news(fn, body, len, want_err, rel);
	free(body);
}

/* The first 299 characters of the long body, cut inside Persian text on
 * a character boundary, then the ellipsis. */
#define COINDESK_SUMMARY "Bitcoin (BTC) climbed back above $97,000 on Wednesday as U.S. spot bitcoin ETFs " \
	"recorded their fifth straight day of inflows, according to data compiled by Farside Investors. " \
	"Traders said the move was driven by short covering on offshore exchanges, while funding rates " \
	"stayed elevated. «بازار هنوز ت…"

static void test_cryptocompare(void **state)
{
	static const struct nabz_news_item want[] = {
		NEWS("39218392", "Bitcoin Climbs Back Above $97K as ETF Inflows Continue",
				"https://www.coindesk.com/markets/2024/11/27/bitcoin-climbs-back-above-97k", "CoinDesk",
				COINDESK_SUMMARY, INT64_C(1732700000000)),
		NEWS("39218377", "Ethereum gas fees drop to 3-month low — here’s why",
				"https://cointelegraph.com/news/ethereum-gas-fees-drop", "Cointelegraph",
				"Ethereum’s average transaction fee fell to $1.20 on Nov. 27. Analysts point to lower DeFi activity.",
				INT64_C(1732699500000)),
		NEWS("39218360", "Solana DEX Volume Tops Ethereum for Third Month", "https://decrypt.co/293456/solana-dex-volume",
				"Decrypt", "Solana-based decentralized exchanges processed more volume than Ethereum's.",
				INT64_C(1732699000000)),
	};

	(void)state;
	check_fixture(cryptocompare, "cryptocompare/news.json", want, N_ELEMS(want), 0);
}

/* The summary cut: at most NABZ_SUMMARY_MAX_CHARS characters, valid
 * UTF-8, never a split sequence. */
static void test_summary_cut(void **state)
{
	struct nabz_news_list out = {0};
	const char *s;
	size_t len, chars = 0;
	char err[128];
	char *body = fx_load("cryptocompare/news.json", &len);

	(void)state;
	assert_int_equal(nabz_parse__cryptocompare_news(body, len, &out, NULL, err, sizeof(err)), 0);
	s = fx_find_news(&out, "39218392")->summary;
	for(size_t i = 0; s[i]; i++){
		if(((unsigned char)s[i] & 0xC0) != 0x80) chars++;
	}
	assert_int_equal(chars, NABZ_SUMMARY_MAX_CHARS);
	assert_int_equal(strlen(s), strlen(COINDESK_SUMMARY));
	nabz_news__free(&out);
	free(body);
}

static void test_cryptocompare_bad_items(void **state)
{
	static const struct nabz_news_item want[] = {
		NEWS("1", "Kept: good item", "https://example.com/a", "Example", "ok", INT64_C(1732700000000)),
		NEWS("4", "Kept: bad time, javascript URL dropped", NULL, "evil", NULL, 0),
		NEWS("5", "Kept: numeric id, no url", NULL, NULL, "Text after script", INT64_C(1732700000000)),
		NEWS("6", "Kept: title with control chars and é", "https://example.com/f", NULL, NULL, 0),
	};

	(void)state;
	/* Refused: an empty title, no title, neither id nor url, a string
	 * item. Ignored: the second id "1". */
	check_fixture(cryptocompare, "cryptocompare/news_bad_items.json", want, N_ELEMS(want), 4);
}

static void test_cryptocompare_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"", "empty body"},
		{"not json", "not JSON"},
		{"{\"Data\":[", "not JSON"},
		{"{\"Type\":100,\"Data\":[]} x", "trailing data after JSON"},
		{"<!DOCTYPE html><html></html>", "HTML instead of JSON"},
		{"[]", "expected an object"},
		{"{}", "missing field Data"},
		{"{\"Type\":100,\"Data\":{}}", "wrong type for Data"},
		{"{\"Type\":100,\"Data\":\"x\"}", "wrong type for Data"},
		{"{\"Type\":99,\"Message\":\"Not found\",\"Data\":[]}", "API error: Not found"},
		{"{\"Response\":\"Error\",\"Message\":\"rate limit\",\"Data\":[]}", "API error: rate limit"},
	};
	struct nabz_news_list out = {0};
	char err[128];

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused_news(cryptocompare, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	refused_fixture(cryptocompare, "cryptocompare/error_rate_limit.json",
			"API error: You are over your rate limit please upgrade your account!");
	refused_fixture(cryptocompare, "common/cloudflare_403.html", "HTML instead of JSON");
	/* An empty list is a list. */
	{
		static const char empty[] = "{\"Type\":100,\"Data\":[]}";

		assert_int_equal(nabz_parse__cryptocompare_news(empty, strlen(empty), &out, NULL, err, sizeof(err)), 0);
	}
	assert_int_equal(out.count, 0);
}

static void test_rss2(void **state)
{
	static const char *const src = "CoinDesk: Bitcoin, Ethereum, Crypto News and Price Data";
	static const struct nabz_news_item want[] = {
		NEWS("b4c1d2e3-1f2a-4b5c-9d8e-7f6a5b4c3d2e", "Bitcoin Climbs Back Above $97K as ETF Inflows Continue",
				"https://www.coindesk.com/markets/2024/11/27/bitcoin-climbs-back-above-97k", src,
				"Spot bitcoin ETFs recorded their fifth straight day of inflows & traders covered shorts.",
				INT64_C(1732694400000)),
		NEWS("https://www.coindesk.com/markets/2024/11/27/ethers-slide-deepens",
				"Ether’s Slide Deepens & Gas Fees Hit 3-Month Low",
				"https://www.coindesk.com/markets/2024/11/27/ethers-slide-deepens", src,
				"Ether fell 2.5% DeFi activity & fees declined.", INT64_C(1732696200000)),
		NEWS("https://www.coindesk.com/tech/2024/11/26/solana-dex-volume", "Solana DEX Volume Tops Ethereum",
				"https://www.coindesk.com/tech/2024/11/26/solana-dex-volume", src,
				"Solana-based decentralized exchanges processed more volume.", INT64_C(1732659300000)),
		NEWS("https://www.coindesk.com/policy/2024/11/26/sec", "Item with an unreadable date",
				"https://www.coindesk.com/policy/2024/11/26/sec", src, NULL, 0),
	};

	(void)state;
	g_source = NULL;
	/* Refused: the item without a title. media:title is not the title. */
	check_fixture(feed, "feeds/rss2.xml", want, N_ELEMS(want), 1);
}

static void test_atom(void **state)
{
	static const struct nabz_news_item want[] = {
		NEWS("tag:bitcoinmagazine.com,2024-11-27:/business/why-bitcoin-miners-are-holding",
				"Why Bitcoin Miners Are Holding",
				"https://bitcoinmagazine.com/business/why-bitcoin-miners-are-holding", "Bitcoin Magazine",
				"Miners are holding more of their output.", INT64_C(1732680912000)),
		NEWS("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "The Halving, One Year On",
				"https://bitcoinmagazine.com/culture/halving-one-year-on", "Bitcoin Magazine",
				"The fourth halving cut the subsidy to 3.125 BTC.", INT64_C(1732645800250)),
		NEWS("https://bitcoinmagazine.com/markets/no-id", "No id, link only",
				"https://bitcoinmagazine.com/markets/no-id", "Bitcoin Magazine", NULL, INT64_C(1732615200000)),
	};

	(void)state;
	g_source = NULL;
	check_fixture(feed, "feeds/atom.xml", want, N_ELEMS(want), 1);
}

static void test_rss1_latin1_and_source(void **state)
{
	static const struct nabz_news_item rdf[] = {
		NEWS("https://example.org/news/1", "Stablecoin supply hits record", "https://example.org/news/1",
				"Example Crypto Wire", "USDT and USDC supply combined passed $170B.", INT64_C(1732687200000)),
	};
	static const struct nabz_news_item latin1[] = {
		NEWS("https://example.com/cafe", "Le café et le bitcoin", "https://example.com/cafe", "Café News", NULL, 0),
	};
	static const struct nabz_news_item named[] = {
		NEWS("https://example.com/cafe", "Le café et le bitcoin", "https://example.com/cafe", "CoinDesk", NULL, 0),
	};

	(void)state;
	g_source = NULL;
	check_fixture(feed, "feeds/rss1.xml", rdf, N_ELEMS(rdf), 0);
	check_fixture(feed, "feeds/latin1.xml", latin1, N_ELEMS(latin1), 0);
	g_source = "CoinDesk";
	check_fixture(feed, "feeds/latin1.xml", named, N_ELEMS(named), 0);
	g_source = NULL;
}

/* No entity is expanded, no DTD or file loaded, no network touched. */
static void test_feed_entities(void **state)
{
	static const struct nabz_news_item dtd[] = {
		NEWS("https://example.com/dtd", "Still parsed, DTD never loaded", "https://example.com/dtd", "dtd", NULL, 0),
	};

	(void)state;
	g_source = NULL;
	refused_fixture(feed, "feeds/xxe.xml", "entity declarations not allowed");
	refused_fixture(feed, "feeds/billion_laughs.xml", "entity declarations not allowed");
	check_fixture(feed, "feeds/external_dtd.xml", dtd, N_ELEMS(dtd), 0);
}

static void test_feed_junk(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} rows[] = {
		{"", "empty body"},
		{" \n ", "empty body"},
		{"{\"items\":[]}", "not XML"},
		{"plain text", "not XML"},
		{"<rss", "not XML"},
		{"<rss version=\"2.0\"><channel><item><title>x</title></item>", "not XML"},
		{"<rss version=\"2.0\"><channel></channel></rss> trailing", "not XML"},
		{"<rss version=\"2.0\"></rss>", "missing field channel"},
		{"<feed><entry><title>no namespace</title></entry></feed>", "not RSS or Atom"},
		{"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"></rdf:RDF>", "missing field channel"},
		{"<?xml version=\"1.0\"?><html><body>moved</body></html>", "HTML instead of RSS or Atom"},
		{"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>Error</body></html>",
			"HTML instead of RSS or Atom"},
	};
	struct nabz_news_list out = {0};
	char err[128];
	static const char empty_rss[] = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

	(void)state;
	g_source = NULL;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		fx_refused_news(feed, rows[i].body, strlen(rows[i].body), rows[i].err, rows[i].body);
	}
	refused_fixture(feed, "common/cloudflare_403.html", "HTML instead of RSS or Atom");
	refused_fixture(feed, "common/nginx_502.html", "HTML instead of RSS or Atom");
	refused_fixture(feed, "feeds/xhtml_page.html", "HTML instead of RSS or Atom");
	refused_fixture(feed, "feeds/not_a_feed.xml", "not RSS or Atom");
	refused_fixture(feed, "cryptocompare/news.json", "not XML");
	/* A feed with no items is a feed. */
	assert_int_equal(nabz_parse__feed(empty_rss, strlen(empty_rss), NULL, &out, NULL, err, sizeof(err)), 0);
	assert_int_equal(out.count, 0);
}

/* Appends after existing items; a refusal leaves them. */
static void test_appends(void **state)
{
	struct nabz_news_list out = {0};
	char err[128];
	size_t len;
	char *body = fx_load("feeds/atom.xml", &len);

	(void)state;
	assert_int_equal(nabz_parse__feed(body, len, NULL, &out, NULL, err, sizeof(err)), 0);
	assert_int_equal(out.count, 3);
	/* The same items again: ids repeat only across calls, so all come in. */
	assert_int_equal(nabz_parse__feed(body, len, NULL, &out, NULL, err, sizeof(err)), 0);
	assert_int_equal(out.count, 6);
	assert_int_equal(nabz_parse__feed("<x/>", 4, NULL, &out, NULL, err, sizeof(err)), -1);
	assert_int_equal(out.count, 6);
	nabz_news__free(&out);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cryptocompare),
		cmocka_unit_test(test_summary_cut),
		cmocka_unit_test(test_cryptocompare_bad_items),
		cmocka_unit_test(test_cryptocompare_junk),
		cmocka_unit_test(test_rss2),
		cmocka_unit_test(test_atom),
		cmocka_unit_test(test_rss1_latin1_and_source),
		cmocka_unit_test(test_feed_entities),
		cmocka_unit_test(test_feed_junk),
		cmocka_unit_test(test_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
