/* The programs' log (nabz-bridge, nabz-telegram): one line per event on
 * stderr, with a level and the program's name. */
#ifndef NABZ_LOG_H
#define NABZ_LOG_H

#include <stdbool.h>

enum { LOG_ERR = 3, LOG_WARNING = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

extern int nabz_log_level;  /* lines above this level are not written */
extern const char *nabz_log_ident;  /* the program's name in each line */

__attribute__((format(printf, 2, 3)))
void nabz_log(int level, const char *fmt, ...);

#endif
