# Build helpers shared by every target: one warnings target, one sanitizer
# switch, one check that the installed broker headers have what we use.

add_library(nabz_warnings INTERFACE)
target_compile_options(nabz_warnings INTERFACE
  -Wall -Wextra -Wconversion -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wundef -Wvla)
if(NABZ_WERROR)
  target_compile_options(nabz_warnings INTERFACE -Werror)
endif()
if(NABZ_SANITIZE)
  target_compile_options(nabz_warnings INTERFACE
    -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(nabz_warnings INTERFACE -fsanitize=address,undefined,float-cast-overflow)
endif()

# The plugin is written against the v5 plugin API of mosquitto 2.0.x
# (Debian 12 ships 2.0.11). Fail at configure time, not at load time, when
# the headers lack what we call.
function(nabz_require_broker_headers)
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_QUIET ON)
  check_c_source_compiles([=[
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
int main(void){
  struct mosquitto_evt_disconnect d; struct mosquitto_evt_tick t;
  int e = MOSQ_EVT_DISCONNECT + MOSQ_EVT_TICK + MOSQ_EVT_CONTROL + MOSQ_PLUGIN_VERSION;
  (void)d; (void)t; (void)e; (void)mosquitto_broker_publish_copy; (void)mosquitto_client_address;
  return 0;
}]=] NABZ_HAVE_BROKER_V5_API)
  if(NOT NABZ_HAVE_BROKER_V5_API)
    message(FATAL_ERROR "mosquitto 2.0 broker headers not found or too old: install mosquitto-dev (Debian 12: 2.0.11)")
  endif()
  find_path(UTHASH_INCLUDE_DIR uthash.h)
  if(NOT UTHASH_INCLUDE_DIR)
    message(FATAL_ERROR "uthash.h not found: install uthash-dev")
  endif()
endfunction()

# The listener needs lws's raw sockets, unix-socket support, TLS and
# the X-Forwarded-For header token; Debian 12's libwebsockets-dev 4.1.6
# has them all.
function(nabz_require_lws_features)
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_QUIET ON)
  set(CMAKE_REQUIRED_INCLUDES ${LWS_INCLUDE_DIRS})
  check_c_source_compiles([=[
#include <libwebsockets.h>
#if !defined(LWS_ROLE_RAW) || !defined(LWS_WITH_UNIX_SOCK) || !defined(LWS_WITH_TLS) || !defined(LWS_WITH_HTTP_UNCOMMON_HEADERS)
#error missing lws feature
#endif
int main(void){ return WSI_TOKEN_X_FORWARDED_FOR; }]=] NABZ_LWS_FEATURES)
  if(NOT NABZ_LWS_FEATURES)
    message(FATAL_ERROR "libwebsockets lacks raw sockets, unix sockets, TLS or uncommon headers: install Debian's libwebsockets-dev (4.1.6)")
  endif()
endfunction()

# A cmocka unit test, registered with ctest under the label "unit".
function(nabz_add_unit_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE nabz_core nabz_warnings ${CMOCKA_LIBRARIES})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/plugin ${CMAKE_SOURCE_DIR}/tests/unit ${CMOCKA_INCLUDE_DIRS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit)
endfunction()
