/*
 * test_buf - the capped byte buffer (lib/buf.h)
 *
 * Appends keep the data NUL-terminated, the cap is exact (max bytes fit,
 * one more fails and leaves the contents alone), reset keeps the memory,
 * release hands it over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"

/* setup - a buffer capped at 16 bytes */
static int
setup(void **state)
{
	static struct buf	 b;

	buf_init(&b, 16);
	*state = &b;
	return 0;
}

/* teardown - free it */
static int
teardown(void **state)
{
	buf_free(*state);
	return 0;
}

/* test_init_is_empty - no data, zero length */
static void
test_init_is_empty(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(b->len, 0);
	assert_int_equal(b->max, 16);
}

/* test_init_zero_max_is_default - 0 means BUF_DEFAULT_MAX */
static void
test_init_zero_max_is_default(void **state)
{
	struct buf	 d;

	(void)state;
	buf_init(&d, 0);
	assert_int_equal(d.max, BUF_DEFAULT_MAX);
	buf_free(&d);
}

/* test_append_keeps_nul_terminated - text usable as a C string */
static void
test_append_keeps_nul_terminated(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(buf_append(b, "abc", 3), 0);
	assert_int_equal(b->len, 3);
	assert_string_equal(b->data, "abc");
	assert_int_equal(buf_puts(b, "de"), 0);
	assert_int_equal(b->len, 5);
	assert_string_equal(b->data, "abcde");
	assert_int_equal(buf_append(b, "", 0), 0);
	assert_int_equal(b->len, 5);
}

/* test_append_binary_counts_nul_bytes - embedded NULs are data */
static void
test_append_binary_counts_nul_bytes(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(buf_append(b, "a\0b", 3), 0);
	assert_int_equal(b->len, 3);
	assert_memory_equal(b->data, "a\0b", 4);
}

/* test_cap_is_exact - max bytes fit, max + 1 fails without change */
static void
test_cap_is_exact(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(buf_append(b, "0123456789abcde", 15), 0);
	assert_int_equal(buf_append(b, "fg", 2), -1);
	assert_int_equal(b->len, 15);
	assert_string_equal(b->data, "0123456789abcde");
	assert_int_equal(buf_append(b, "f", 1), 0);
	assert_int_equal(b->len, 16);
	assert_int_equal(buf_append(b, "g", 1), -1);
	assert_int_equal(buf_puts(b, "g"), -1);
	assert_int_equal(buf_printf(b, "%d", 1), -1);
	assert_string_equal(b->data, "0123456789abcdef");
}

/* test_huge_length_does_not_wrap - SIZE_MAX is refused, not wrapped */
static void
test_huge_length_does_not_wrap(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(buf_append(b, "x", 1), 0);
	assert_int_equal(buf_append(b, "y", SIZE_MAX), -1);
	assert_int_equal(b->len, 1);
}

/* test_printf_appends_formatted_text - and respects the cap */
static void
test_printf_appends_formatted_text(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(buf_puts(b, "n="), 0);
	assert_int_equal(buf_printf(b, "%d;%s", 42, "x"), 0);
	assert_string_equal(b->data, "n=42;x");
	assert_int_equal(b->len, 6);
	assert_int_equal(buf_printf(b, "%s", "0123456789ab"), -1);
	assert_string_equal(b->data, "n=42;x");
}

/* test_growth_past_initial_allocation - many small appends */
static void
test_growth_past_initial_allocation(void **state)
{
	struct buf	 big;
	size_t		 i;

	(void)state;
	buf_init(&big, 100000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_append(&big, "0123456789", 10), 0);
	assert_int_equal(big.len, 100000);
	assert_int_equal(buf_append(&big, "x", 1), -1);
	for (i = 0; i < big.len; i += 10)
		if (memcmp(big.data + i, "0123456789", 10) != 0)
			fail_msg("data differs at offset %zu", i);
	assert_int_equal(big.data[big.len], '\0');
	buf_free(&big);
}

/* test_reset_empties_and_allows_reuse - cap counts from zero again */
static void
test_reset_empties_and_allows_reuse(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(buf_puts(b, "0123456789abcdef"), 0);
	buf_reset(b);
	assert_int_equal(b->len, 0);
	assert_string_equal(b->data, "");
	assert_int_equal(buf_puts(b, "0123456789abcdef"), 0);
	assert_string_equal(b->data, "0123456789abcdef");
}

/* test_release_hands_over_and_resets - caller frees; buffer empty */
static void
test_release_hands_over_and_resets(void **state)
{
	struct buf	*b = *state;
	char		*p;

	assert_int_equal(buf_puts(b, "hello"), 0);
	p = buf_release(b);
	assert_non_null(p);
	assert_string_equal(p, "hello");
	assert_null(b->data);
	assert_int_equal(b->len, 0);
	free(p);
	assert_int_equal(buf_puts(b, "again"), 0);
	assert_string_equal(b->data, "again");
}

/* test_release_of_empty_is_empty_string - never NULL */
static void
test_release_of_empty_is_empty_string(void **state)
{
	struct buf	*b = *state;
	char		*p;

	p = buf_release(b);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
}

/* test_free_leaves_reusable_buffer - as the header promises */
static void
test_free_leaves_reusable_buffer(void **state)
{
	struct buf	*b = *state;

	assert_int_equal(buf_puts(b, "abc"), 0);
	buf_free(b);
	assert_int_equal(b->len, 0);
	assert_null(b->data);
	buf_free(b);
	assert_int_equal(buf_puts(b, "xyz"), 0);
	assert_string_equal(b->data, "xyz");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_is_empty, setup,
		    teardown),
		cmocka_unit_test(test_init_zero_max_is_default),
		cmocka_unit_test_setup_teardown(
		    test_append_keeps_nul_terminated, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_append_binary_counts_nul_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_is_exact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_huge_length_does_not_wrap,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_printf_appends_formatted_text, setup, teardown),
		cmocka_unit_test(test_growth_past_initial_allocation),
		cmocka_unit_test_setup_teardown(
		    test_reset_empties_and_allows_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_release_hands_over_and_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_release_of_empty_is_empty_string, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_free_leaves_reusable_buffer, setup, teardown),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
