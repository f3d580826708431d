#include "client_ids.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "seam.h"   /* NABZ_WAKE_USERNAME */

/* Does pattern[0..len) (an id, or a prefix ending in '*') take client_id? */
static bool id_matches(const char *pattern, size_t len, const char *client_id)
{
	if(len && pattern[len - 1] == '*'){
		return strncmp(client_id, pattern, len - 1) == 0;
	}
	return strlen(client_id) == len && strncmp(client_id, pattern, len) == 0;
}

int nabz_client_ids__check(const struct nabz_namelist *owners, char *err, size_t errlen)
{
	for(size_t i = 0; i < owners->count; i++){
		const char *entry = owners->names[i];
		const char *eq = strchr(entry, '=');

		if(eq == NULL || eq == entry || eq[1] == '\0' || strchr(eq + 1, '=')
				|| (eq - entry == 1 && entry[0] == '*')){
			snprintf(err, errlen, "option client_id_owners: \"%s\" is not ID=ACCOUNT "
					"(ID may end in * for a prefix, and must not be * alone)", entry);
			return -1;
		}
	}
	return 0;
}

const char *nabz_client_ids__owner(const struct nabz_namelist *owners, const char *client_id)
{
	if(client_id == NULL) return NULL;
	if(strncmp(client_id, NABZ_WAKE_CLIENT_ID_PREFIX, strlen(NABZ_WAKE_CLIENT_ID_PREFIX)) == 0){
		return NABZ_WAKE_USERNAME;
	}
	for(size_t i = 0; i < owners->count; i++){
		const char *entry = owners->names[i];
		const char *eq = strchr(entry, '=');

		if(eq && id_matches(entry, (size_t)(eq - entry), client_id)) return eq + 1;
	}
	return NULL;
}
