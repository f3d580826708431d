#include "fd_budget.h"

uint64_t nabz_fd_budget__needed(const struct nabz_config *cfg)
{
	uint64_t ws = cfg->ws_listeners.count || cfg->ws_tls_listeners.count
		? 3 * (uint64_t)cfg->ws_max_connections : 0;

	return ws + (uint64_t)cfg->tcp_max_connections + NABZ_FD_MARGIN;
}
