/*
 * test_rfc6376 - the canonicalization examples of RFC 6376 3.4.6
 *
 * tests/data/rfc/rfc6376-3.4.6.eml is the RFC's example message with the
 * <SP>, <HTAB> and <CRLF> descriptors written out; the .hdr and .body
 * files are Examples 1 (relaxed) and 2 (simple) byte for byte.  Also the
 * RFC 6376 Appendix A body hash, and the empty-body rules of 3.4.3 and
 * 3.4.4 as SHA-256 values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "lib/b64.h"
#include "lib/bodyhash.h"
#include "lib/buf.h"
#include "lib/canon.h"
#include "lib/errbuf.h"
#include "lib/hdr.h"
#include "lib/msg.h"

struct fx {
	char		*msg;
	size_t		 msglen;
	size_t		 body_off;
	struct hdrlist	 hl;
	struct buf	 out;
};

/* slurp - a file under tests/data/ (from $DKIMLENS_TOP or the cwd) */
static char *
slurp(const char *rel, size_t *len_out)
{
	const char	*top = getenv("DKIMLENS_TOP");
	char		 path[1024], *data;
	FILE		*f;
	long		 n;

	snprintf(path, sizeof(path), "%s/tests/data/%s",
	    top != NULL ? top : ".", rel);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	assert_non_null(data = malloc((size_t)n + 1));
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	*len_out = (size_t)n;
	return data;
}

static int
add_field(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return hdrlist_add(arg, name, value, err);
}

/* setup - the example message split into fields and body */
static int
setup(void **state)
{
	static struct fx	 fx;

	memset(&fx, 0, sizeof(fx));
	hdrlist_init(&fx.hl);
	buf_init(&fx.out, 0);
	fx.msg = slurp("rfc/rfc6376-3.4.6.eml", &fx.msglen);
	if (msg_split(fx.msg, fx.msglen, add_field, &fx.hl, &fx.body_off,
	    NULL) == -1)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	free(fx->msg);
	hdrlist_free(&fx->hl);
	buf_free(&fx->out);
	return 0;
}

/* expect_file - fx->out equals the bytes of a data file */
static void
expect_file(struct fx *fx, const char *rel)
{
	char	*want;
	size_t	 len;

	want = slurp(rel, &len);
	if (fx->out.len != len || memcmp(fx->out.data, want, len) != 0) {
		free(want);
		fail_msg("%s: canonical form differs (%zu bytes, want %zu)",
		    rel, fx->out.len, len);
	}
	free(want);
}

/* test_example_has_two_fields - the split the examples assume */
static void
test_example_has_two_fields(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(fx->hl.n, 2);
	assert_string_equal(fx->hl.f[0].name, "A");
	assert_string_equal(fx->hl.f[0].value, " X");
	assert_string_equal(fx->hl.f[1].name, "B ");
	assert_string_equal(fx->hl.f[1].value, " Y\t\r\n\tZ  ");
	assert_string_equal(fx->msg + fx->body_off, " C \r\nD \t E\r\n\r\n\r\n");
}

/* test_example1_relaxed_header - "a:X" and "b:Y Z" */
static void
test_example1_relaxed_header(void **state)
{
	struct fx	*fx = *state;
	size_t		 i;

	for (i = 0; i < fx->hl.n; i++)
		assert_int_equal(canon_header(CANON_RELAXED,
		    fx->hl.f[i].name, fx->hl.f[i].value, 0, &fx->out), 0);
	expect_file(fx, "rfc/rfc6376-3.4.6-relaxed.hdr");
}

/* test_example2_simple_header - unchanged, fold and WSP kept */
static void
test_example2_simple_header(void **state)
{
	struct fx	*fx = *state;
	size_t		 i;

	for (i = 0; i < fx->hl.n; i++)
		assert_int_equal(canon_header(CANON_SIMPLE, fx->hl.f[i].name,
		    fx->hl.f[i].value, 0, &fx->out), 0);
	expect_file(fx, "rfc/rfc6376-3.4.6-simple.hdr");
}

/* test_example_headers_selected_by_h - the same through h=a:b */
static void
test_example_headers_selected_by_h(void **state)
{
	struct fx	*fx = *state;
	char		*names[] = { "a", "b" };

	assert_int_equal(hdrlist_canon_signed(&fx->hl, CANON_RELAXED, names,
	    2, &fx->out), 0);
	expect_file(fx, "rfc/rfc6376-3.4.6-relaxed.hdr");
	buf_reset(&fx->out);
	assert_int_equal(hdrlist_canon_signed(&fx->hl, CANON_SIMPLE, names,
	    2, &fx->out), 0);
	expect_file(fx, "rfc/rfc6376-3.4.6-simple.hdr");
}

static void
sink(void *arg, const unsigned char *data, size_t len)
{
	assert_int_equal(buf_append(arg, data, len), 0);
}

/* body - canonicalize the example body with c, fed in chunks of step */
static void
body(struct fx *fx, enum canon c, size_t step)
{
	struct canon_body	*cb;
	size_t			 off, n;

	buf_reset(&fx->out);
	assert_non_null(cb = canon_body_new(c, sink, &fx->out));
	for (off = fx->body_off; off < fx->msglen; off += n) {
		n = fx->msglen - off < step ? fx->msglen - off : step;
		canon_body_update(cb, fx->msg + off, n);
	}
	canon_body_final(cb);
	canon_body_free(cb);
}

/* test_example1_relaxed_body - " C" and "D E", trailing lines gone */
static void
test_example1_relaxed_body(void **state)
{
	struct fx	*fx = *state;

	body(fx, CANON_RELAXED, 4096);
	expect_file(fx, "rfc/rfc6376-3.4.6-relaxed.body");
	body(fx, CANON_RELAXED, 1);
	expect_file(fx, "rfc/rfc6376-3.4.6-relaxed.body");
}

/* test_example2_simple_body - WSP kept, trailing lines gone */
static void
test_example2_simple_body(void **state)
{
	struct fx	*fx = *state;

	body(fx, CANON_SIMPLE, 4096);
	expect_file(fx, "rfc/rfc6376-3.4.6-simple.body");
	body(fx, CANON_SIMPLE, 1);
	expect_file(fx, "rfc/rfc6376-3.4.6-simple.body");
}

/* bh64 - base64 body hash of text with canonicalization c */
static void
bh64(enum canon c, const char *text, char *out)
{
	struct bodyhash	*bh;
	unsigned char	 h[BODYHASH_LEN];
	long long	 total;

	assert_non_null(bh = bodyhash_new(c, -1, NULL));
	bodyhash_update(bh, text, strlen(text));
	assert_int_equal(bodyhash_final(bh, h, &total, NULL), 0);
	bodyhash_free(bh);
	b64_encode(h, sizeof(h), out);
}

/* test_appendix_a_body_hash - bh= of RFC 6376 A.2 and RFC 8463 A.3 */
static void
test_appendix_a_body_hash(void **state)
{
	char	 out[64];

	(void)state;
	/* RFC 6376 A.1 body, signed simple/simple in A.2 */
	bh64(CANON_SIMPLE, "Hi.\r\n\r\nWe lost the game. Are you hungry yet?"
	    "\r\n\r\nJoe.\r\n", out);
	assert_string_equal(out, "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
	/* RFC 8463 A.3 prints two spaces after "game."; relaxed makes one */
	bh64(CANON_RELAXED, "Hi.\r\n\r\nWe lost the game.  Are you hungry "
	    "yet?\r\n\r\nJoe.\r\n", out);
	assert_string_equal(out, "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
	bh64(CANON_SIMPLE, "Hi.\r\n\r\nWe lost the game.  Are you hungry "
	    "yet?\r\n\r\nJoe.\r\n", out);
	assert_string_not_equal(out,
	    "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
}

/* test_empty_body_hashes - 3.4.3 "\r\n", 3.4.4 "" */
static void
test_empty_body_hashes(void **state)
{
	char	 out[64];

	(void)state;
	bh64(CANON_SIMPLE, "", out);
	assert_string_equal(out, "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
	bh64(CANON_SIMPLE, "\r\n\r\n", out);
	assert_string_equal(out, "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
	bh64(CANON_RELAXED, "", out);
	assert_string_equal(out, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	bh64(CANON_RELAXED, " \r\n\t\r\n", out);
	assert_string_equal(out, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

/* test_body_length_counts_canonical_bytes - 3.4.5: l= after canon */
static void
test_body_length_counts_canonical_bytes(void **state)
{
	struct fx	*fx = *state;
	struct bodyhash	*bh;
	unsigned char	 got[BODYHASH_LEN], want[EVP_MAX_MD_SIZE];
	unsigned int	 wlen;
	long long	 total = -1;

	assert_non_null(bh = bodyhash_new(CANON_RELAXED, 3, NULL));
	bodyhash_update(bh, fx->msg + fx->body_off, fx->msglen - fx->body_off);
	assert_int_equal(bodyhash_final(bh, got, &total, NULL), 0);
	bodyhash_free(bh);
	/* the relaxed example body " C\r\nD E\r\n" is 9 canonical bytes */
	assert_true(total == 9);
	/* and l=3 hashes its first three: " C\r" */
	assert_int_equal(EVP_Digest(" C\r", 3, want, &wlen, EVP_sha256(),
	    NULL), 1);
	assert_int_equal(wlen, BODYHASH_LEN);
	assert_memory_equal(got, want, BODYHASH_LEN);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_example_has_two_fields),
		T(test_example1_relaxed_header),
		T(test_example2_simple_header),
		T(test_example_headers_selected_by_h),
		T(test_example1_relaxed_body),
		T(test_example2_simple_body),
		cmocka_unit_test(test_appendix_a_body_hash),
		cmocka_unit_test(test_empty_body_hashes),
		T(test_body_length_counts_canonical_bytes),
	};

	return cmocka_run_group_tests_name("rfc6376", tests, NULL, NULL);
}
