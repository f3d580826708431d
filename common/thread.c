#define _GNU_SOURCE /* pthread_setname_np */
#include "thread.h"

#include <signal.h>

int nabz_thread__start(pthread_t *thread, void *(*fn)(void *), void *arg, const char *name)
{
	sigset_t all, old;
	int rc;

	/* The new thread inherits this mask: it takes no signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if(rc == 0) pthread_setname_np(*thread, name);
	return rc;
}
