/*
 * The session registry's figures recounted from its sessions and compared
 * with the ones plugin/sessions.c keeps incrementally. Shared by the unit
 * test (test_sessions.c) and the fuzz targets (tests/fuzz/); no cmocka
 * here: a difference is returned as text for the caller's way of failing.
 */
#ifndef NABZ_TEST_REGISTRY_RECOUNT_H
#define NABZ_TEST_REGISTRY_RECOUNT_H

#include <stdint.h>

#include "sessions.h"

/* Not checking total_sessions (the caller does not keep its own count). */
#define RECOUNT_ANY_TOTAL UINT64_MAX

/* NULL when every figure equals the recount, else the first that does not
 * (a static buffer, valid until the next call). total_sessions: how many
 * user sessions the caller confirmed, or RECOUNT_ANY_TOTAL. */
const char *registry_recount(const struct nabz_registry *reg, uint64_t total_sessions);

#endif
