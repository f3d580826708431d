/*
 * The bridge's response parsers (bridge/source/<name>.c) on any body: the first
 * byte picks the parser, the rest is the body. The promise checked is
 * tests/unit/bridge/parser_table.c's: 0, or -1 with a reason and nothing
 * out; whatever comes out is publishable.
 */
#include "fuzz.h"
#include "parser_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *broken;
	size_t parser;

	if(!ready){
		FUZZ_CHECK(parser_table_init() == 0);
		ready = 1;
	}
	if(size == 0) return 0;
	parser = data[0] % parser_table_len;
	broken = parser_table_run(parser, (const char *)data + 1, size - 1);
	if(broken){
		fprintf(stderr, "%s: %s\n", parser_table[parser].name, broken);
		abort();
	}
	return 0;
}
