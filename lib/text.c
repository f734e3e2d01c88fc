/*
 * text - the character classes and case folding every parser shares
 */
#include "lib/text.h"

/* text_is_fws - folding white space (RFC 6376 2.8) */
int
text_is_fws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* text_lower - ASCII letters to lower case */
void
text_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}
