/*
 * How large a request may be, and 414 / 431 for one that is larger,
 * where lws 4.1.6 alone would close the connection without a word.
 *
 * lws keeps a request's line and headers in one buffer per connection
 * (its "ah", max_http_header_data bytes, 4 KiB by default); when a byte
 * does not fit, lws_parse fails (roles/http/parsers.c lws_pos_in_bounds,
 * "Ran out of header data space") and lws_handshake_server drops the
 * connection (bail_nuke_ah) before any callback could answer. But lws
 * also takes a length limit per header (info.token_limits): a value that
 * reaches it is cut there and the rest of it skipped (issue_char), and
 * parsing goes on. So every header lws knows, and the request URI (and
 * each of its query arguments), is limited to NABZ_HEADER_VALUE_MAX,
 * and the buffer is twice that: a request with one value too long still
 * fits, whole but for that value, and reaches our callbacks, which see
 * the cut value (nabz_ws__header_size_check) and answer 414 or 431
 * before anything uses it. A request that fits lws' default buffer has
 * no value that long, so it is served as before.
 *
 * What stays a silent close (logged, rate-limited, by ws_log.c): a
 * request that overflows NABZ_HEADER_DATA_MAX anyway: many long headers
 * together, or long headers lws does not know (X-...: lws 4.1.6 stores
 * them with no limit and has no API to list them).
 *
 * The cost: the buffer is held from a connection's first byte until its
 * request is answered, or its WebSocket upgrade done (lws frees it then:
 * roles/ws/server-ws.c, "dropping ah on ws upgrade"); open WebSockets
 * hold none. So 4 KiB more per connection that is sending its request,
 * nothing per open WebSocket. Not done instead: reading the request
 * ourselves before handing the socket to lws (ws_accept.c could, with
 * lws_adopt_socket_vhost_readbuf): that would read and copy every
 * WebSocket's handshake once more, need a deadline of its own against
 * slow senders, a second HTTP parser, and could not see into TLS.
 *
 * Service threads only, but nabz_ws__header_size_setup (broker thread,
 * before the context is created).
 */
#include "ws_internal.h"

#define NABZ_HEADER_VALUE_MAX 4096     /* lws' whole default buffer */
#define NABZ_HEADER_DATA_MAX (2 * NABZ_HEADER_VALUE_MAX)

void nabz_ws__header_size_setup(struct nabz_ws *ws, struct lws_context_creation_info *info)
{
	for(int i = 0; i < WSI_TOKEN_COUNT; i++) ws->token_limits.token_limit[i] = NABZ_HEADER_VALUE_MAX;
	info->token_limits = &ws->token_limits;
	info->max_http_header_data = NABZ_HEADER_DATA_MAX;
}

/* Did lws cut a value of h? Each fragment (a repeated header, a query
 * argument) is limited on its own. */
static bool was_cut(struct lws *wsi, enum lws_token_indexes h)
{
	if(lws_hdr_total_length(wsi, h) < NABZ_HEADER_VALUE_MAX) return false;
	for(int i = 0; ; i++){
		int len = lws_hdr_fragment_length(wsi, h, i);
		if(len == 0) return false;
		if(len >= NABZ_HEADER_VALUE_MAX) return true;
	}
}

static bool is_request_line(enum lws_token_indexes h)
{
	switch(h){
		case WSI_TOKEN_GET_URI:
		case WSI_TOKEN_POST_URI:
		case WSI_TOKEN_OPTIONS_URI:
		case WSI_TOKEN_PUT_URI:
		case WSI_TOKEN_PATCH_URI:
		case WSI_TOKEN_DELETE_URI:
		case WSI_TOKEN_CONNECT:
		case WSI_TOKEN_HEAD_URI:
		case WSI_TOKEN_HTTP_URI_ARGS:
			return true;
		default:
			return false;
	}
}

unsigned nabz_ws__header_size_check(struct lws *wsi)
{
	unsigned status = 0;

	for(int h = 0; h < WSI_TOKEN_COUNT; h++){
		if(!was_cut(wsi, (enum lws_token_indexes)h)) continue;
		if(is_request_line((enum lws_token_indexes)h)) return HTTP_STATUS_REQ_URI_TOO_LONG;
		status = 431;   /* Request Header Fields Too Large (RFC 6585) */
	}
	return status;
}
