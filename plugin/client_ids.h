/*
 * Client ids bound to accounts. A client id names a session, and mosquitto
 * gives the session to whoever connects with the id last: an anonymous
 * client saying "nabz-bridge" would kick the bridge off (and the two would
 * kick each other every reconnect), and one saying the Telegram bot's id
 * with clean session off would inherit the bot's queued alerts. So the ids
 * of services, bots and the listener's wake link are reserved: only their
 * account may connect with them, and the password file must agree.
 *
 * plugin_opt_client_id_owners lists "ID=ACCOUNT" entries; an ID ending in
 * '*' reserves every id starting with what comes before it. The wake
 * link's ids (NABZ_WAKE_CLIENT_ID_PREFIX...) always belong to the plugin.
 *
 * Pure functions; broker thread.
 */
#ifndef NABZ_CLIENT_IDS_H
#define NABZ_CLIENT_IDS_H

#include <stddef.h>

#include "config.h"

#define NABZ_WAKE_CLIENT_ID_PREFIX "nabz-wake-"

/* Checks every entry is "ID=ACCOUNT" with both parts non-empty; on failure
 * -1 with a message naming the entry in err. */
int nabz_client_ids__check(const struct nabz_namelist *owners, char *err, size_t errlen);

/* The account client_id is reserved for, or NULL when anyone may use it.
 * The returned string points into owners (or is a constant). */
const char *nabz_client_ids__owner(const struct nabz_namelist *owners, const char *client_id);

#endif
