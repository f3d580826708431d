/* The "rss" source: RSS 2.0, RSS 1.0 and Atom feeds (libxml2). */
#include "source/rss.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "parse_items.h"
#include "parse_json.h"
#include "parse_text.h"
#include "parse_time.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"

static bool contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for(size_t i = 0; i + k <= n; i++){
		if(memcmp(s + i, needle, k) == 0) return true;
	}
	return false;
}

enum feed_kind { FEED_RSS2, FEED_RSS1, FEED_ATOM };

static bool name_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool ns_is(const xmlNode *n, const char *href)
{
	if(href == NULL) return n->ns == NULL || n->ns->href == NULL;
	return n->ns != NULL && n->ns->href != NULL && strcmp((const char *)n->ns->href, href) == 0;
}

/* An element of the feed's own vocabulary: RSS 2.0 has no namespace, but
 * RSS 1.0's elements are in its own, and Atom's in Atom's. */
static bool feed_el(const xmlNode *n, enum feed_kind kind, const char *name)
{
	if(!name_is(n, name)) return false;
	switch(kind){
		case FEED_ATOM:
			return ns_is(n, NS_ATOM);
		case FEED_RSS1:
			return ns_is(n, NS_RSS1);
		default:
			return ns_is(n, NULL) || ns_is(n, NS_RSS1);
	}
}

static const xmlNode *child(const xmlNode *parent, enum feed_kind kind, const char *name)
{
	for(const xmlNode *c = parent->children; c; c = c->next){
		if(feed_el(c, kind, name)) return c;
	}
	return NULL;
}

static const xmlNode *child_ns(const xmlNode *parent, const char *ns, const char *name)
{
	for(const xmlNode *c = parent->children; c; c = c->next){
		if(name_is(c, name) && ns_is(c, ns)) return c;
	}
	return NULL;
}

/* The text of an element (xmlFree), or NULL. */
static char *content(const xmlNode *n)
{
	return n ? (char *)xmlNodeGetContent(n) : NULL;
}

static int64_t time_of(const char *rfc822, const char *rfc3339)
{
	int64_t ms = 0;
	bool ok = false;

	/* Some RSS feeds write RFC 3339 in pubDate, some Atom-minded ones
	 * the other way round: each is tried with both. */
	if(rfc822 != NULL){
		char *t = nabz_parse__text(rfc822, strlen(rfc822), 0, 64);

		if(t != NULL){
			ok = nabz_parse__rfc822_ms(t, &ms) == 0 || nabz_parse__rfc3339_ms(t, &ms) == 0;
			free(t);
		}
	}
	if(!ok && rfc3339 != NULL){
		char *t = nabz_parse__text(rfc3339, strlen(rfc3339), 0, 64);

		if(t != NULL){
			ok = nabz_parse__rfc3339_ms(t, &ms) == 0 || nabz_parse__rfc822_ms(t, &ms) == 0;
			free(t);
		}
	}
	return ok && nabz_jsonval__ts_ok(ms) ? ms : 0;
}

/* The href of an Atom entry's alternate link (xmlFree), or NULL. */
static char *atom_link(const xmlNode *entry)
{
	for(const xmlNode *c = entry->children; c; c = c->next){
		xmlChar *rel;
		bool alternate;

		if(!feed_el(c, FEED_ATOM, "link")) continue;
		rel = xmlGetProp(c, (const xmlChar *)"rel");
		alternate = rel == NULL || strcmp((const char *)rel, "alternate") == 0;
		xmlFree(rel);
		if(alternate) return (char *)xmlGetProp(c, (const xmlChar *)"href");
	}
	return NULL;
}

/* Reads one item or entry and appends it; NABZ_ITEM_* or -1. */
static int feed_item(const xmlNode *item, enum feed_kind kind, const char *source,
		struct nabz_news_list *out, size_t from)
{
	struct nabz_news_raw raw = {.source = source};
	char *id, *title, *link, *summary, *t1, *t2;
	int rc;

	title = content(child(item, kind, "title"));
	if(kind == FEED_ATOM){
		id = content(child(item, kind, "id"));
		link = atom_link(item);
		summary = content(child(item, kind, "summary"));
		if(summary == NULL) summary = content(child(item, kind, "content"));
		t1 = NULL;
		t2 = content(child(item, kind, "published"));
		if(t2 == NULL) t2 = content(child(item, kind, "updated"));
	}else{
		id = content(child(item, kind, "guid"));
		link = content(child(item, kind, "link"));
		summary = content(child(item, kind, "description"));
		t1 = content(child(item, kind, "pubDate"));
		t2 = content(child_ns(item, NS_DC, "date"));
	}
	if(id == NULL && kind == FEED_RSS1) id = (char *)xmlGetNsProp(item, (const xmlChar *)"about",
			(const xmlChar *)NS_RDF);
	if(link == NULL && kind == FEED_RSS2 && id != NULL){
		/* A guid is the item's URL unless isPermaLink="false". */
		xmlChar *permalink = xmlGetProp(child(item, kind, "guid"), (const xmlChar *)"isPermaLink");

		if(permalink == NULL || strcmp((const char *)permalink, "false") != 0) link = (char *)xmlStrdup((xmlChar *)id);
		xmlFree(permalink);
	}
	raw.id = id;
	raw.title = title;
	raw.url = link;
	raw.summary = summary;
	raw.published_ms = time_of(t1, t2);
	rc = nabz_parse__push_news(out, from, &raw);
	xmlFree(id);
	xmlFree(title);
	xmlFree(link);
	xmlFree(summary);
	xmlFree(t1);
	xmlFree(t2);
	return rc;
}

/* The feed's own title, made plain (free), or NULL. */
static char *feed_title(const xmlNode *channel, enum feed_kind kind)
{
	char *t = content(child(channel, kind, "title"));
	char *clean = NULL;

	if(t != NULL){
		clean = nabz_parse__text(t, strlen(t), NABZ_TEXT_STRIP_TAGS | NABZ_TEXT_DECODE_ENTITIES, 100);
		xmlFree(t);
	}
	if(clean != NULL && clean[0] == '\0'){
		free(clean);
		clean = NULL;
	}
	return clean;
}

int nabz_parse__feed(const char *body, size_t len, const char *source,
		struct nabz_news_list *out, size_t *skipped, char *err, size_t errlen)
{
	size_t start = out->count, bad = 0, i = 0;
	const xmlNode *root, *channel, *items;
	enum feed_kind kind;
	char *own_title = NULL;
	xmlDoc *doc = NULL;
	int rc = -1;

	if(skipped) *skipped = 0;
	if(body != NULL && len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) i = 3;
	while(body != NULL && i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	if(body == NULL || i == len){
		nabz_parse__err(err, errlen, "empty body");
		return -1;
	}
	if(body[i] != '<'){
		nabz_parse__err(err, errlen, "not XML");
		return -1;
	}
	if(len > INT_MAX){
		nabz_parse__err(err, errlen, "body too large");
		return -1;
	}
	/* No feed declares entities; refusing them outright rules out entity
	 * expansion bombs and external entities whatever libxml2 would do. */
	if(contains(body, len, "<!ENTITY")){
		nabz_parse__err(err, errlen, "entity declarations not allowed");
		return -1;
	}
	/* Not XML_PARSE_NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE:
	 * nothing is substituted or fetched. */
	doc = xmlReadMemory(body, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if(doc == NULL){
		nabz_parse__err(err, errlen, nabz_parse__looks_like_html(body, len) ? "HTML instead of RSS or Atom" : "not XML");
		return -1;
	}
	root = xmlDocGetRootElement(doc);
	if(root == NULL){
		nabz_parse__err(err, errlen, "not XML");
		goto done;
	}
	if(name_is(root, "rss") && ns_is(root, NULL)){
		kind = FEED_RSS2;
		channel = child(root, kind, "channel");
		if(channel == NULL){
			nabz_parse__err(err, errlen, "missing field channel");
			goto done;
		}
		items = channel;
	}else if(name_is(root, "RDF") && ns_is(root, NS_RDF)){
		kind = FEED_RSS1;
		channel = child(root, kind, "channel");
		if(channel == NULL){
			nabz_parse__err(err, errlen, "missing field channel");
			goto done;
		}
		items = root;
	}else if(name_is(root, "feed") && ns_is(root, NS_ATOM)){
		kind = FEED_ATOM;
		channel = items = root;
	}else{
		nabz_parse__err(err, errlen, xmlStrcasecmp(root->name, (const xmlChar *)"html") == 0
				? "HTML instead of RSS or Atom" : "not RSS or Atom");
		goto done;
	}
	if(source == NULL) source = own_title = feed_title(channel, kind);
	for(const xmlNode *c = items->children; c; c = c->next){
		int item;

		if(!feed_el(c, kind, kind == FEED_ATOM ? "entry" : "item")) continue;
		item = feed_item(c, kind, source, out, start);
		if(item == NABZ_ITEM_BAD) bad++;
		if(item < 0){
			nabz_parse__err(err, errlen, "out of memory");
			goto done;
		}
	}
	rc = 0;
done:
	if(rc != 0) nabz_parse__news_truncate(out, start);
	if(rc == 0 && skipped) *skipped = bad;
	free(own_title);
	xmlFreeDoc(doc);
	return rc;
}

/* --- the source ---------------------------------------------------------- */

/* One request per configured feed, each its own URL. */
static int requests(const struct nabz_source_round *r, struct nabz_request_list *out)
{
	int rc = 0;

	for(size_t i = 0; i < r->cfg->feed_count; i++){
		rc |= nabz_requests__add(out, NABZ_REQ_FEED, NULL, i, r->cfg->feeds[i]);
	}
	return rc;
}

static unsigned round_size(const struct nabz_source_round *r)
{
	return (unsigned)r->cfg->feed_count;
}

/* Items are named by the feed's own title. */
static int parse(const struct nabz_source_request *req, const char *body, size_t len,
		const struct nabz_coin_id_list *coin_ids, struct nabz_source_result *res, char *err, size_t errlen)
{
	(void)req;
	(void)coin_ids;
	if(nabz_parse__feed(body, len, NULL, &res->news, &res->skipped, err, errlen) != 0) return -1;
	res->has_news = true;
	return 0;
}

const struct nabz_source_ops nabz_source_rss = {
	.id = NABZ_SRC_RSS,
	.requests = requests,
	.round_size = round_size,
	.parse = parse,
	.demo = {{"feed", NABZ_REQ_FEED}},
	.demo_ext = "xml",
};
