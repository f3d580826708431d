/*
 * The state file's writer thread (state_saver.h): waits for a request,
 * writes the latest figures outside the lock, and on failure tries the
 * same figures again every retry_ms until a write works or newer ones
 * come.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>

#include "log.h"
#include "seam.h"
#include "state_saver.h"
#include "thread.h"

/* One write and its log line: said once per run of failures. on_thread:
 * the line goes through the seam (the saver thread), else straight to
 * the broker's log. */
static int save(struct nabz_state_saver *saver, const struct nabz_persisted *p, bool on_thread)
{
	char err[512];

	if(nabz_state__save(saver->path, p, err, sizeof(err)) != 0){
		if(!saver->failed_logged){
			saver->failed_logged = true;
			if(on_thread) nabz_seam__log(saver->seam, MOSQ_LOG_ERR, "cannot save state: %s", err);
			else nabz_log_err("cannot save state: %s", err);
		}
		return -1;
	}
	if(saver->failed_logged){
		saver->failed_logged = false;
		if(on_thread) nabz_seam__log(saver->seam, MOSQ_LOG_NOTICE, "state saved to %s again", saver->path);
		else nabz_log_notice("state saved to %s again", saver->path);
	}
	return 0;
}

static void deadline_after(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if(ts->tv_nsec >= 1000000000L){
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *saver_thread(void *arg)
{
	struct nabz_state_saver *saver = arg;
	struct nabz_persisted p;
	struct timespec retry_at;
	bool retrying = false;          /* p failed: written again at retry_at */

	pthread_mutex_lock(&saver->lock);
	while(!saver->stop){
		if(saver->pending){
			p = saver->want;        /* newer figures replace a failed write's */
			saver->pending = false;
		}else if(retrying){
			/* A new request, the stop or a spurious wake-up: look again. */
			if(pthread_cond_timedwait(&saver->cond, &saver->lock, &retry_at) != ETIMEDOUT) continue;
		}else{
			pthread_cond_wait(&saver->cond, &saver->lock);
			continue;
		}
		pthread_mutex_unlock(&saver->lock);
		retrying = save(saver, &p, true) != 0;
		pthread_mutex_lock(&saver->lock);
		if(retrying) deadline_after(&retry_at, saver->retry_ms);
	}
	/* What is not on disk goes back for the last write at cleanup. */
	if(retrying && !saver->pending){
		saver->want = p;
		saver->pending = true;
	}
	pthread_mutex_unlock(&saver->lock);
	return NULL;
}

int nabz_state_saver__init(struct nabz_state_saver *saver, const char *path, long retry_ms,
		struct nabz_seam *seam)
{
	pthread_condattr_t attr;

	memset(saver, 0, sizeof(*saver));
	saver->path = path;
	saver->retry_ms = retry_ms > 0 ? retry_ms : 1000;
	saver->seam = seam;
	if(pthread_mutex_init(&saver->lock, NULL) != 0) return -1;
	/* Timed waits on the monotonic clock: a wall clock step must not
	 * stall the retries. */
	if(pthread_condattr_init(&attr) != 0){
		pthread_mutex_destroy(&saver->lock);
		return -1;
	}
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if(pthread_cond_init(&saver->cond, &attr) != 0){
		pthread_condattr_destroy(&attr);
		pthread_mutex_destroy(&saver->lock);
		return -1;
	}
	pthread_condattr_destroy(&attr);
	return 0;
}

int nabz_state_saver__start(struct nabz_state_saver *saver)
{
	int rc = nabz_thread__start(&saver->thread, saver_thread, saver, "nabz-state");

	if(rc != 0){
		nabz_log_err("cannot start the state file's writer thread (%s): writing it on the broker thread",
				strerror(rc));
		return -1;
	}
	saver->running = true;
	return 0;
}

void nabz_state_saver__read_back(struct nabz_state_saver *saver, const struct nabz_persisted *p)
{
	saver->asked = *p;
	saver->asked_valid = true;
}

void nabz_state_saver__request(struct nabz_state_saver *saver, const struct nabz_persisted *p)
{
	if(saver->asked_valid && memcmp(&saver->asked, p, sizeof(*p)) == 0) return;
	saver->asked = *p;
	saver->asked_valid = true;
	if(!saver->running){
		save(saver, p, false);
		return;
	}
	pthread_mutex_lock(&saver->lock);
	saver->want = *p;
	saver->pending = true;
	pthread_cond_signal(&saver->cond);
	pthread_mutex_unlock(&saver->lock);
}

bool nabz_state_saver__stop(struct nabz_state_saver *saver)
{
	bool pending;

	if(saver->running){
		pthread_mutex_lock(&saver->lock);
		saver->stop = true;
		pthread_cond_signal(&saver->cond);
		pthread_mutex_unlock(&saver->lock);
		pthread_join(saver->thread, NULL);
		saver->running = false;
	}
	pending = saver->pending;
	saver->pending = false;
	if(pending) saver->asked_valid = false;
	return pending;
}

void nabz_state_saver__cleanup(struct nabz_state_saver *saver)
{
	pthread_cond_destroy(&saver->cond);
	pthread_mutex_destroy(&saver->lock);
}
