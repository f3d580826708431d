/*
 * $CONTROL/nabz/v1 requests (plugin/control.c): any payload, from an
 * unknown client, a user, an admin or a client not yet confirmed. The
 * answer is always {"responses": [...]}, each response names its command
 * and carries data or an error, never both; the answer is valid UTF-8
 * with no NUL (nothing unchecked is echoed); hellos leave the registry's
 * figures equal to a recount.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "control.h"
#include "fuzz.h"
#include "nabz.h"
#include "registry_recount.h"
#include "sessions.h"
#include "utf8.h"

static char g_clients[3];

static struct nabz_session *add(struct nabz *nabz, int i, const char *client_id, bool admin, bool confirm)
{
	struct nabz_session_info info = {
		.client = &g_clients[i],
		.client_id = client_id,
		.username = admin ? "root" : NULL,
		.transport = NABZ_TRANSPORT_WEBSOCKET,
		.admin = admin,
		.connected_at_ms = 1795786020000,
	};
	struct nabz_session *s = nabz_sessions__add(&nabz->reg, &info);

	FUZZ_CHECK(s != NULL);
	if(confirm) nabz_sessions__confirm(&nabz->reg, s);
	return s;
}

static void check_answer(const char *out)
{
	cJSON *root;

	FUZZ_CHECK(nabz_utf8__valid(out, strlen(out)));
	root = cJSON_Parse(out);
	const cJSON *responses = cJSON_GetObjectItemCaseSensitive(root, "responses");
	const cJSON *r;

	FUZZ_CHECK(cJSON_IsObject(root) && cJSON_GetArraySize(root) == 1 && cJSON_IsArray(responses));
	FUZZ_CHECK(cJSON_GetArraySize(responses) >= 1);
	cJSON_ArrayForEach(r, responses){
		const cJSON *command = cJSON_GetObjectItemCaseSensitive(r, "command");
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(r, "data");
		const cJSON *error = cJSON_GetObjectItemCaseSensitive(r, "error");
		FUZZ_CHECK(cJSON_IsString(command));
		FUZZ_CHECK((data != NULL) != (error != NULL));
		FUZZ_CHECK(error == NULL || (cJSON_IsString(error) && error->valuestring[0]));
	}
	cJSON_Delete(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nabz nabz;
	struct nabz_session *from[4];
	char err[256];
	char *out;
	void *payload;

	if(size == 0) return 0;
	memset(&nabz, 0, sizeof(nabz));
	FUZZ_CHECK(nabz_config__parse(&nabz.cfg, NULL, 0, err, sizeof(err)) == 0);
	FUZZ_CHECK(nabz_registry__init(&nabz.reg, nabz.cfg.topic_prefix) == 0);
	nabz.prefix_len = strlen(nabz.cfg.topic_prefix);
	from[0] = NULL;
	from[1] = add(&nabz, 0, "browser-1", false, true);
	from[2] = add(&nabz, 1, "api-admin", true, true);
	from[3] = add(&nabz, 2, "mobile-pending", false, false);
	nabz_sessions__subscribe(&nabz.reg, from[1], "crypto/#");

	/* An exact-size copy: a broker payload has no terminator. */
	payload = malloc(size - 1 ? size - 1 : 1);
	FUZZ_CHECK(payload != NULL);
	memcpy(payload, data + 1, size - 1);
	out = nabz_control__process(&nabz, from[data[0] % 4], payload, size - 1);
	free(payload);
	FUZZ_CHECK(out != NULL);
	check_answer(out);
	cJSON_free(out);
	check_recount(&nabz.reg, 2);

	nabz_registry__cleanup(&nabz.reg);
	nabz_config__free(&nabz.cfg);
	return 0;
}
