/* What a Bot API answer means for delivery. */
#include <stdlib.h>
#include <string.h>

#include "nabz_test.h"
#include "api.h"

static void test_classify(void **state)
{
	static const struct {
		long status;
		const char *body;
		const char *error;
		enum nabz_tg_outcome want;
		long retry_after;
	} rows[] = {
		{200, "{\"ok\":true,\"result\":{\"message_id\":1}}", NULL, NABZ_TG_OK, -1},
		{429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 7\","
			"\"parameters\":{\"retry_after\":7}}", NULL, NABZ_TG_RETRY_AFTER, 7},
		{429, "{\"ok\":false,\"error_code\":429}", NULL, NABZ_TG_RETRY_AFTER, 1},
		{500, "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}", NULL, NABZ_TG_TRANSIENT, -1},
		{502, "<html>Bad Gateway</html>", NULL, NABZ_TG_TRANSIENT, -1},
		{0, "", "Timeout was reached", NABZ_TG_TRANSIENT, -1},
		{200, "<html>captive portal</html>", NULL, NABZ_TG_TRANSIENT, -1},
		{400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}", NULL, NABZ_TG_CHAT_GONE, -1},
		{403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}", NULL, NABZ_TG_CHAT_GONE, -1},
		{400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: can't parse entities\"}", NULL, NABZ_TG_BAD_MESSAGE, -1},
		{401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}", NULL, NABZ_TG_UNAUTHORIZED, -1},
		{409, "{\"ok\":false,\"error_code\":409,\"description\":\"Conflict: terminated by other getUpdates request\"}", NULL, NABZ_TG_CONFLICT, -1},
		{400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was upgraded to a "
			"supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":-1001234567890}}", NULL, NABZ_TG_MIGRATED, -1},
		/* Numbers no cast may see (found by tests/fuzz/fuzz_tg_answer): */
		{429, "{\"ok\":false,\"error_code\":429,\"parameters\":{\"retry_after\":1e300}}", NULL, NABZ_TG_RETRY_AFTER, 3600},
		{429, "{\"ok\":false,\"error_code\":429,\"parameters\":{\"retry_after\":1e999}}", NULL, NABZ_TG_RETRY_AFTER, 3600},
		{400, "{\"ok\":false,\"error_code\":1e300,\"description\":\"Bad Request: x\"}", NULL, NABZ_TG_BAD_MESSAGE, -1},
		{400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was upgraded\","
			"\"parameters\":{\"migrate_to_chat_id\":1e300}}", NULL, NABZ_TG_CHAT_GONE, -1},   /* no usable new id */
		{400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was upgraded\","
			"\"parameters\":{\"migrate_to_chat_id\":-100.5}}", NULL, NABZ_TG_CHAT_GONE, -1},
	};

	(void)state;
	for(size_t i = 0; i < N_ELEMS(rows); i++){
		struct nabz_http_result r = {.status = rows[i].status, .body = rows[i].body, .len = strlen(rows[i].body),
			.error = rows[i].error, .retry_after_s = -1};
		struct nabz_tg_answer a;
		nabz_tg_api__classify(&r, &a);
		if(rows[i].want == NABZ_TG_MIGRATED) check_row(a.migrate_to == -1001234567890LL, "row %zu: migrate_to", i);
		check_row(a.outcome == rows[i].want, "row %zu: %s, want %s", i, nabz_tg_api__outcome_name(a.outcome),
				nabz_tg_api__outcome_name(rows[i].want));
		if(rows[i].retry_after >= 0){
			check_row(a.retry_after_s == rows[i].retry_after, "row %zu: retry_after %ld", i, a.retry_after_s);
		}
		nabz_tg_api__answer_free(&a);
	}
}

static void test_bodies_and_url(void **state)
{
	char url[64];
	char *b = nabz_tg_api__send_body(-1001234567890, "a \"quoted\"\nline");

	(void)state;
	assert_string_equal(b, "{\"chat_id\":-1001234567890,\"text\":\"a \\\"quoted\\\"\\nline\",\"parse_mode\":\"HTML\","
			"\"disable_web_page_preview\":true}");
	free(b);
	assert_int_equal(nabz_tg_api__url("http://h", "1:x", "sendMessage", url, sizeof(url)), 0);
	assert_string_equal(url, "http://h/bot1:x/sendMessage");
	assert_int_equal(nabz_tg_api__url("http://a-very-long-base-url.example", "123456:abcdefghijklmnopqrstuvwxyz",
				"getUpdates", url, sizeof(url)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_bodies_and_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
