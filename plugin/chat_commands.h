/*
 * The chat commands of $CONTROL/nabz/v1 (rows of control.c's table):
 *   chatPost    {room, text}            any session  -> {id, room, ts}
 *   chatHistory {room}                  any session  -> {room, messages}
 *   chatRemove  {room, id}              admins       -> {room, id}
 *   chatMute    {session_id, seconds}   admins       -> {session_id, seconds}
 *   chatUnmute  {session_id}            admins       -> {session_id}
 * Each sets *data or returns one fixed error string (control.h, chat.h).
 * Broker thread only.
 */
#ifndef NABZ_CHAT_COMMANDS_H
#define NABZ_CHAT_COMMANDS_H

#include <cjson/cJSON.h>

struct nabz;
struct nabz_session;

const char *nabz_chat_commands__post(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data);
const char *nabz_chat_commands__history(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data);
const char *nabz_chat_commands__remove(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data);
const char *nabz_chat_commands__mute(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data);
const char *nabz_chat_commands__unmute(struct nabz *nabz, struct nabz_session *s, const cJSON *cmd, cJSON **data);

#endif
