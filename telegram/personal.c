#include "personal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "contract.h"
#include "log.h"
#include "alerts.h"
#include "deliver.h"
#include "format.h"
#include "timeutil.h"

/* "BTC above 100,000 USD" in the chat's language. */
static void describe(const struct nabz_tg_rule *r, const char *lang, char *out, size_t outlen)
{
	char thr[64];

	nabz_tg_format__number(r->threshold, thr, sizeof(thr));
	nabz_tg_format__fill(r->above ? NABZ_TG_T_RULE_ABOVE : NABZ_TG_T_RULE_BELOW, lang, r->symbol, thr, out, outlen);
}

/* The chat's rules, one "n. rule" per line; or the "none" text. */
static void list_rules(const struct nabz_tg_chat *chat, char *out, size_t outlen)
{
	char lines[NABZ_TG_RULES_MAX * 160] = "";
	size_t o = 0;

	if(chat->nrules == 0){
		snprintf(out, outlen, "%s", nabz_tg_format__text(NABZ_TG_T_ALERTS_NONE, chat->lang));
		return;
	}
	for(size_t i = 0; i < chat->nrules && o < sizeof(lines); i++){
		char rule[128];
		int n;
		describe(&chat->rules[i], chat->lang, rule, sizeof(rule));
		n = snprintf(lines + o, sizeof(lines) - o, "%s%zu. %s%s", i ? "\n" : "", i + 1, rule,
				chat->rules[i].armed ? "" : nabz_tg_format__text(NABZ_TG_T_ALERT_DISARMED, chat->lang));
		if(n < 0) break;
		o += (size_t)n;
	}
	nabz_tg_format__fill(NABZ_TG_T_ALERTS_LIST, chat->lang, lines, "", out, outlen);
}

static void reply_text(struct nabz_tg *bot, struct nabz_tg_chat *chat, enum nabz_tg_text id, const char *a)
{
	char text[2048];

	nabz_tg_format__fill(id, chat->lang, a, "", text, sizeof(text));
	nabz_tg_deliver__reply(bot, chat, text);
}

static void set_rule(struct nabz_tg *bot, struct nabz_tg_chat *chat, const char *args)
{
	struct nabz_tg_rule rule;
	char head[160], rule_text[128], note[512] = "", num[64], text[1024];
	double now;

	if(nabz_tg_rule__parse(args, &rule) != 0){
		reply_text(bot, chat, NABZ_TG_T_ALERT_USAGE, "");
		return;
	}
	if(chat->nrules == NABZ_TG_RULES_MAX){
		snprintf(num, sizeof(num), "%d", NABZ_TG_RULES_MAX);
		reply_text(bot, chat, NABZ_TG_T_ALERT_FULL, num);
		return;
	}
	now = nabz_tg_prices__usd(&bot->prices, rule.symbol);
	if(isfinite(now)){
		nabz_tg_format__number(now, num, sizeof(num));
		/* Already past it: fires when the price comes back and crosses
		 * again, not now (the user knows where the price is). */
		rule.armed = !nabz_tg_rule__reached(&rule, now);
		nabz_tg_format__fill(rule.armed ? NABZ_TG_T_ALERT_NOW : NABZ_TG_T_ALERT_ALREADY, chat->lang, num, "",
				note, sizeof(note));
	}
	chat->rules[chat->nrules++] = rule;
	describe(&rule, chat->lang, rule_text, sizeof(rule_text));
	snprintf(head, sizeof(head), "#%zu: %s", chat->nrules, rule_text);
	nabz_tg_format__fill(NABZ_TG_T_ALERT_SET, chat->lang, head, note, text, sizeof(text));
	nabz_tg_deliver__reply(bot, chat, text);
}

static void remove_rule(struct nabz_tg *bot, struct nabz_tg_chat *chat, const char *args)
{
	char list[NABZ_TG_RULES_MAX * 160 + 256], *end;
	unsigned long n;

	if(strcasecmp(args, "all") == 0){
		chat->nrules = 0;
	}else{
		n = strtoul(args, &end, 10);
		if(args[0] < '0' || args[0] > '9' || *end != '\0' || n == 0 || n > chat->nrules){
			reply_text(bot, chat, NABZ_TG_T_UNALERT_BAD, "");
			return;
		}
		memmove(&chat->rules[n - 1], &chat->rules[n], (chat->nrules - n) * sizeof(chat->rules[0]));
		chat->nrules--;
	}
	list_rules(chat, list, sizeof(list));
	reply_text(bot, chat, NABZ_TG_T_UNALERTED, list);
}

void nabz_tg_personal__command(struct nabz_tg *bot, struct nabz_tg_chat *chat, enum nabz_tg_command cmd,
		const char *args)
{
	char list[NABZ_TG_RULES_MAX * 160 + 256];

	switch(cmd){
		case NABZ_TG_CMD_ALERT:
			set_rule(bot, chat, args);
			break;
		case NABZ_TG_CMD_ALERTS:
			list_rules(chat, list, sizeof(list));
			nabz_tg_deliver__reply(bot, chat, list);
			break;
		case NABZ_TG_CMD_UNALERT:
			remove_rule(bot, chat, args);
			break;
		default:
			break;
	}
}

/* The alert envelope for a rule that fired, on one line (heap; NULL when
 * out of memory). Formatted per chat at sending, like the broker's. */
static char *fired_payload(const struct nabz_tg_chat *chat, const struct nabz_tg_rule *r, double price)
{
	cJSON *root = cJSON_CreateObject(), *data;
	char ts[40], *line = NULL;

	nabz_time__rfc3339(nabz_time__wall_ms(), ts, sizeof(ts));
	if(root == NULL || cJSON_AddStringToObject(root, "type", NABZ_TYPE_ALERT) == NULL
			|| (data = cJSON_AddObjectToObject(root, "data")) == NULL
			|| cJSON_AddStringToObject(data, "symbol", r->symbol) == NULL
			|| cJSON_AddNumberToObject(data, "price_usd", price) == NULL
			|| cJSON_AddStringToObject(data, "rule", "personal") == NULL
			|| cJSON_AddStringToObject(data, "kind", r->above ? "above" : "below") == NULL
			|| cJSON_AddNumberToObject(data, "threshold", r->threshold) == NULL
			|| cJSON_AddStringToObject(data, "message", nabz_tg_format__text(NABZ_TG_T_PERSONAL, chat->lang)) == NULL
			|| cJSON_AddStringToObject(root, "ts", ts) == NULL){
		goto done;
	}
	line = cJSON_PrintUnformatted(root);
done:
	cJSON_Delete(root);
	return line;
}

void nabz_tg_personal__price(struct nabz_tg *bot, const char *symbol, double price_usd)
{
	struct nabz_tg_chat *chat, *tmp;
	bool save = false;

	if(!isfinite(price_usd)) return;
	HASH_ITER(hh, bot->chats.by_id, chat, tmp){
		/* A stopped or unreachable chat's rules wait as they are. */
		if(chat->nrules == 0 || !chat->active || chat->gone) continue;
		for(size_t i = 0; i < chat->nrules; i++){
			struct nabz_tg_rule *r = &chat->rules[i];
			bool was_armed = r->armed;
			char *payload;

			if(strcmp(r->symbol, symbol) != 0) continue;
			if(!nabz_tg_rule__check(r, price_usd)){
				save |= r->armed != was_armed;      /* re-armed */
				continue;
			}
			save = true;
			payload = fired_payload(chat, r, price_usd);
			if(payload == NULL || nabz_tg_deliver__to_chat(bot, chat, payload) != 0){
				r->armed = true;          /* not recorded: it may fire again */
				if(payload == NULL) nabz_log(LOG_ERR, "personal alert: out of memory");
			}else{
				nabz_log(LOG_INFO, "personal alert %s %s %g for chat %" PRId64 " at %g", r->symbol,
						r->above ? "above" : "below", r->threshold, chat->id, price_usd);
			}
			free(payload);
		}
	}
	/* The spool line goes to disk with the loop's flush; the rules' state
	 * now (a crash in between may repeat an alert, never lose one). */
	if(save) nabz_tg_chats__save(&bot->chats);
}
