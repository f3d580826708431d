/*
 * Files under /static, from web_root. The /static mount (ws_server.c) is a
 * callback mount of the "http" protocol, not an lws file mount, because
 * for a file mount lws answers a request for exactly "/static" itself,
 * before any callback of ours, even FILTER_HTTP_CONNECTION (lws 4.1.6
 * roles/http/server/server.c: lws_handshake_server, then
 * lws_http_redirect_hit), and with "Location: http://" + the request's
 * Host header: a redirect anywhere for whoever forges Host, and one a
 * cache in front may keep for everyone. lws skips that redirect for
 * callback (and CGI) mounts only.
 *
 * What lws' file mount did is kept, byte for byte: ETag "%08llX%08lX" of
 * length and mtime, 304 on an If-None-Match equal to it, Cache-Control
 * (lws_serve_http_file prints it from the mount's cache_* fields, which
 * lws_http_action copies to the connection for callback mounts too),
 * Content-Type from lws_get_mimetype with the mount's extra_mimetypes, a
 * directory's index.html, the body sent by lws_serve_http_file. Added:
 * every answer closes its connection (ws_http.c says why; lws' 304 and
 * HEAD kept it open), and nothing outside web_root is served, symlinks
 * included (resolve_file).
 *
 * Service threads only.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ws_internal.h"

#define FILES_PREFIX "/static"
#define FILES_PREFIX_LEN (sizeof(FILES_PREFIX) - 1)

bool nabz_ws__files_match(const char *uri)
{
	/* as lws_find_mount matches a mount */
	return strncmp(uri, FILES_PREFIX, FILES_PREFIX_LEN) == 0
		&& (uri[FILES_PREFIX_LEN] == '\0' || uri[FILES_PREFIX_LEN] == '/');
}

/* Is real (a canonical path) root itself or under it? */
static bool beneath(const char *root, const char *real)
{
	size_t n = strlen(root);

	if(strncmp(root, real, n) != 0) return false;
	return n == 1 || real[n] == '/' || real[n] == '\0';
}

/*
 * The regular file rel ("/js/app.js", "/" or "/js/" for a directory's
 * index.html) names under web_root: want gets the path as asked (its name
 * picks the MIME type, as in lws), real the same with every symlink
 * resolved, which must stay under web_root's own resolved path. web_root
 * is resolved on each request, not once at start, so that a release
 * switched by moving a symlink is served at once. What lws opens is real:
 * it holds no symlink, so only someone who can write in web_root (whom
 * we trust with what is served anyway) could redirect it between this
 * check and the open. Returns 0, or -1 for "not found" (missing, not a
 * regular file, unreadable name, or outside web_root: the answer does
 * not tell which).
 */
static int resolve_file(const char *web_root, const char *rel, char *want, char *real, struct stat *st)
{
	char root[PATH_MAX];
	size_t len;
	int n;

	if(realpath(web_root, root) == NULL) return -1;
	n = snprintf(want, PATH_MAX, "%s%s", web_root, rel);
	if(n < 0 || n >= PATH_MAX) return -1;
	len = (size_t)n;
	for(int round = 0; round < 2; round++){
		if(realpath(want, real) == NULL || !beneath(root, real) || stat(real, st) != 0) return -1;
		if(S_ISREG(st->st_mode)) return 0;
		if(!S_ISDIR(st->st_mode) || round > 0) return -1;
		/* a directory: its index.html, as lws_http_serve does */
		n = snprintf(want + len, PATH_MAX - len, "%sindex.html", want[len - 1] == '/' ? "" : "/");
		if(n < 0 || (size_t)n >= PATH_MAX - len) return -1;
	}
	return -1;
}

/* Cache-Control as lws_serve_http_file prints it for this mount. */
static int cache_control(const struct lws_http_mount *m, char *out, size_t outlen)
{
	if(!m->cache_max_age || !m->cache_reusable) return snprintf(out, outlen, "no-store");
	return snprintf(out, outlen, "%s%s, max-age=%u", m->cache_revalidate ? "must-revalidate, " : "",
			m->cache_intermediaries ? "public" : "private", m->cache_max_age);
}

/* 304: the headers lws' file mount sent (status, ETag, Cache-Control),
 * and Connection: close. Returns -1 (close). */
static int answer_not_modified(struct lws *wsi, const struct lws_http_mount *m, const char *etag)
{
	uint8_t buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	char cc[64];
	int n = cache_control(m, cc, sizeof(cc));

	if(n < 0 || (size_t)n >= sizeof(cc)
			|| lws_add_http_header_status(wsi, HTTP_STATUS_NOT_MODIFIED, &p, end)
			|| lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_ETAG, (const unsigned char *)etag,
				(int)strlen(etag), &p, end)
			|| lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
				(const unsigned char *)cc, n, &p, end)
			|| lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
				(const unsigned char *)"close", 5, &p, end)
			|| lws_finalize_http_header(wsi, &p, end)){
		return -1;
	}
	lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS);
	return -1;
}

static bool etag_matches(struct lws *wsi, const char *etag)
{
	char have[64];

	/* compared as lws compares it: the whole header, verbatim */
	return lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0
		&& lws_hdr_copy(wsi, have, sizeof(have), WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0
		&& strcmp(have, etag) == 0;
}

int nabz_ws__files_serve(struct lws *wsi, struct nabz_ws *ws, const char *uri, bool head)
{
	static const struct nabz_ws_header to_dir = {"location:", FILES_PREFIX "/"};
	const struct lws_http_mount *m = &ws->mounts[NABZ_WS_MOUNT_STATIC];
	char want[PATH_MAX], real[PATH_MAX], etag[40];
	uint8_t headers[256], *p = headers, *end = headers + sizeof(headers) - 1;
	const char *type;
	struct stat st;
	int n;

	if(uri[FILES_PREFIX_LEN] == '\0'){
		/* Relative, so the Host header never reaches it: the browser
		 * resolves it against the URL it asked for. */
		return nabz_ws__http_answer(wsi, HTTP_STATUS_MOVED_PERMANENTLY, NULL, NULL, head, &to_dir);
	}
	if(resolve_file(ws->cfg->web_root, uri + FILES_PREFIX_LEN, want, real, &st) != 0){
		return nabz_ws__http_answer(wsi, HTTP_STATUS_NOT_FOUND, NULL, NULL, head, NULL);
	}
	/* lws keeps mtime as 32 bits (lws_fop_fd.mod_time) */
	snprintf(etag, sizeof(etag), "%08llX%08lX", (unsigned long long)st.st_size,
			(unsigned long)(uint32_t)st.st_mtime);
	if(etag_matches(wsi, etag)) return answer_not_modified(wsi, m, etag);
	type = lws_get_mimetype(want, m);
	if(type == NULL){
		/* what lws' file mount answered too */
		return nabz_ws__http_answer(wsi, HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE, NULL, NULL, head, NULL);
	}
	if(lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_ETAG, (const unsigned char *)etag,
				(int)strlen(etag), &p, end)
			|| lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
				(const unsigned char *)"close", 5, &p, end)){
		return -1;
	}
	*p = '\0';   /* lws_serve_http_file looks for a cache-control in it with strstr */
	n = lws_serve_http_file(wsi, real, type, (const char *)headers, (int)(p - headers));
	/* < 0: failed; > 0: lws answered itself (a file it could not open:
	 * its 404); HEAD: the headers are out, and lws, which sent no body,
	 * would keep the connection for a next request. Else the body
	 * follows and HTTP_FILE_COMPLETION closes (ws_http.c). */
	if(n != 0 || head) return -1;
	return 0;
}
