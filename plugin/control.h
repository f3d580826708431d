/*
 * The $CONTROL/nabz/v1 command dispatcher: one table of commands, one
 * fixed error string per failure (tests assert them).
 *
 * Request:  {"commands": [{"command": NAME, ...args, "correlationData"?}]}
 * Response: {"responses": [{"command": NAME, "data"|"error": ..., "correlationData"?}]}
 *
 * Broker thread only.
 */
#ifndef NABZ_CONTROL_H
#define NABZ_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct nabz;
struct nabz_budget;
struct nabz_session;

#define NABZ_ERR_TOO_LARGE "Payload too large"
#define NABZ_ERR_NOT_JSON "Payload not valid JSON"
#define NABZ_ERR_NOT_UTF8 "Payload not valid UTF-8"
#define NABZ_ERR_NUL "Payload contains NUL"
#define NABZ_ERR_RATE_LIMITED "Rate limit exceeded"
#define NABZ_ERR_NO_COMMANDS "Missing commands array"
#define NABZ_ERR_TOO_MANY "Too many commands"
#define NABZ_ERR_INVALID_COMMAND "Invalid command"
#define NABZ_ERR_UNKNOWN_COMMAND "Unknown command"
#define NABZ_ERR_NOT_AUTHORISED "Not authorised"
#define NABZ_ERR_NO_SESSION "Session not found"
#define NABZ_ERR_CLIENT_TYPE "Invalid client_type"
#define NABZ_ERR_USER_ID "Invalid user_id"
#define NABZ_ERR_METADATA "Invalid metadata"
#define NABZ_ERR_METADATA_SIZE "Metadata too large"
#define NABZ_ERR_NOMEM "Out of memory"
#define NABZ_ERR_NOT_CLUSTERED "Not clustered"

#define NABZ_USER_ID_MAX 128

/* Runs every command of one request from session s (NULL when the
 * registry does not know the client) and returns the response text.
 * Caller frees it with cJSON_free; NULL only when out of memory.
 * Payloads that are not UTF-8, hold a NUL (raw or \u0000), or have
 * anything but white space after the JSON are refused before any command
 * runs, so nothing unchecked is ever stored or echoed. */
char *nabz_control__process(struct nabz *nabz, struct nabz_session *s,
		const void *payload, size_t payloadlen);

/* The same, paid for from budget (budget.h; NULL: not limited): a request
 * costs one token per command (one if it is refused as a whole). Over
 * budget, the first refused request is answered with NABZ_ERR_RATE_LIMITED
 * and a retry_after_ms, later ones with nothing at all until the client
 * can pay again. *answer (cJSON_free) is NULL when there is nothing to
 * send. Returns 0, or -1 when out of memory. */
int nabz_control__answer(struct nabz *nabz, struct nabz_session *s, struct nabz_budget *budget,
		const void *payload, size_t payloadlen, int64_t now_ms, char **answer);

/* The session as JSON; full adds what only admins see. Caller owns it. */
struct cJSON *nabz_control__session_json(const struct nabz_session *s, int full);

#endif
