#include "groups.h"

#include <stdio.h>
#include <string.h>

#include "contract.h"

static const char *const group_names[NABZ_GROUP_COUNT] = {
	[NABZ_GROUP_PRICES] = NABZ_GROUP_NAME_PRICES,
	[NABZ_GROUP_MARKET] = NABZ_GROUP_NAME_MARKET,
	[NABZ_GROUP_NEWS] = NABZ_GROUP_NAME_NEWS,
	[NABZ_GROUP_ALERTS] = NABZ_GROUP_NAME_ALERTS,
	[NABZ_GROUP_SIGNALS] = NABZ_GROUP_NAME_SIGNALS,
	[NABZ_GROUP_CHAT] = NABZ_GROUP_NAME_CHAT,
};

/* Topic patterns of each group below the prefix, NULL after the last:
 * a group may be fed by more than one topic (prices: the live prices and
 * their history; signals: each change and the current states). */
#define GROUP_PATTERNS_MAX 2
static const char *const group_patterns[NABZ_GROUP_COUNT][GROUP_PATTERNS_MAX] = {
	[NABZ_GROUP_PRICES] = {NABZ_GROUP_PATTERN_PRICES, NABZ_GROUP_PATTERN_PRICES_HISTORY},
	[NABZ_GROUP_MARKET] = {NABZ_GROUP_PATTERN_MARKET, NULL},
	[NABZ_GROUP_NEWS] = {NABZ_GROUP_PATTERN_NEWS, NULL},
	[NABZ_GROUP_ALERTS] = {NABZ_GROUP_PATTERN_ALERTS, NULL},
	/* each change, and the retained current states a page reads first */
	[NABZ_GROUP_SIGNALS] = {NABZ_GROUP_PATTERN_SIGNALS, NABZ_GROUP_PATTERN_SIGNALS_RECENT},
	[NABZ_GROUP_CHAT] = {NABZ_GROUP_PATTERN_CHAT, NABZ_GROUP_PATTERN_CHAT_RECENT},
};

const char *nabz_group__name(enum nabz_group group)
{
	return (unsigned)group < NABZ_GROUP_COUNT ? group_names[group] : "unknown";
}

/* Length of the level starting at s (up to '/' or the end). */
static size_t level_len(const char *s)
{
	return strcspn(s, "/");
}

bool nabz_filters__intersect(const char *a, const char *b)
{
	for(;;){
		size_t la = level_len(a), lb = level_len(b);

		if((la == 1 && a[0] == '#') || (lb == 1 && b[0] == '#')){
			return true;
		}
		if(!((la == 1 && a[0] == '+') || (lb == 1 && b[0] == '+'))){
			if(la != lb || memcmp(a, b, la) != 0) return false;
		}
		a += la;
		b += lb;
		if(*a == '\0' && *b == '\0') return true;
		if(*a == '\0'){
			/* "a/b" also matches "a/b/#" (# matches the parent level). */
			return strcmp(b, "/#") == 0;
		}
		if(*b == '\0'){
			return strcmp(a, "/#") == 0;
		}
		a++; /* skip '/' */
		b++;
	}
}

static const char *strip_share(const char *filter)
{
	if(strncmp(filter, "$share/", 7) == 0){
		const char *slash = strchr(filter + 7, '/');
		return slash ? slash + 1 : filter;
	}
	return filter;
}

/* Wildcards never match topics beginning with '$' at the first level. */
static bool first_level_wild_vs_dollar(const char *filter, const char *topic_pattern)
{
	return topic_pattern[0] == '$' && (filter[0] == '+' || filter[0] == '#');
}

unsigned nabz_groups__mask(const char *prefix, const char *filter)
{
	char pattern[160];
	unsigned mask = 0;

	filter = strip_share(filter);
	for(int g = 0; g < NABZ_GROUP_COUNT; g++){
		for(int k = 0; k < GROUP_PATTERNS_MAX && group_patterns[g][k]; k++){
			int n = snprintf(pattern, sizeof(pattern), "%s/%s", prefix, group_patterns[g][k]);
			if(n < 0 || (size_t)n >= sizeof(pattern)) continue; /* prefix is at most 64 */
			if(first_level_wild_vs_dollar(filter, pattern)) continue;
			if(nabz_filters__intersect(filter, pattern)){
				mask |= 1u << g;
				break;
			}
		}
	}
	return mask;
}

bool nabz_filter__reaches_prefix(const char *prefix, const char *filter)
{
	char pattern[96];
	/* Not "<prefix>/#": that also matches the topic "<prefix>" itself. */
	int n = snprintf(pattern, sizeof(pattern), "%s/+/#", prefix);

	if(n < 0 || (size_t)n >= sizeof(pattern)) return false;
	filter = strip_share(filter);
	return nabz_filters__intersect(filter, pattern);
}
