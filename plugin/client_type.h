/* Client types and the contract's rules for deciding them. */
#ifndef NABZ_CLIENT_TYPE_H
#define NABZ_CLIENT_TYPE_H

#include <stdbool.h>

enum nabz_client_type {
	NABZ_CT_BROWSER,
	NABZ_CT_API,
	NABZ_CT_MOBILE,
	NABZ_CT_BOT,
	NABZ_CT_IOT,
	NABZ_CT_COUNT
};

enum nabz_transport {
	NABZ_TRANSPORT_TCP,
	NABZ_TRANSPORT_WEBSOCKET,
};

const char *nabz_client_type__name(enum nabz_client_type type);
/* Parses a hello client_type; returns -1 for anything not in the list. */
int nabz_client_type__parse(const char *name, enum nabz_client_type *out);
/* From the client id's prefix ("browser-", "web-", "mobile-", "api-",
 * "bot-", "iot-"), else browser for WebSocket and api for TCP clients. */
enum nabz_client_type nabz_client_type__infer(const char *client_id, enum nabz_transport transport);

/* Clients of the broker's unix-socket listener are the WebSocket proxy's:
 * 2.0.11 reports their address as the socket path (or "unix-socket"). */
enum nabz_transport nabz_transport__from_address(const char *address);

#endif
