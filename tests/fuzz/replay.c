/*
 * replay - run a fuzz harness over its corpus without libFuzzer
 *
 * Linked with each tests/fuzz/fuzz_X.c for `make check`: every argument
 * is a corpus directory (each regular file in it is one input) or a
 * single input file.  Every input goes through LLVMFuzzerTestOneInput
 * once, plus the empty input; the sanitizer build turns a bad access
 * into a crash, a harness turns a broken invariant into abort().  Prints
 * nothing and exits 0 when all inputs ran; exits 2 when an argument
 * cannot be read, so that a missing corpus is not a silent pass.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* run_file - one input; 0, or -1 after saying why it could not be read */
static int
run_file(const char *path)
{
	FILE		*f;
	struct stat	 st;
	uint8_t		*data;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* one spare byte: data is never NULL, even for an empty file */
	if ((data = malloc((size_t)st.st_size + 1)) == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		fclose(f);
		return -1;
	}
	n = fread(data, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

/* run_dir - every regular file in a directory */
static int
run_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[4096];
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: path too long\n", dir,
			    de->d_name);
			rc = -1;
			continue;
		}
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (run_file(path) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const uint8_t	 empty[1];
	struct stat		 st;
	int			 i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerTestOneInput(empty, 0);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 2;
		} else if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]) == -1)
				rc = 2;
		} else if (run_file(argv[i]) == -1)
			rc = 2;
	}
	return rc;
}
