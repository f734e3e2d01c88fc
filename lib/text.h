/*
 * text - the character classes and case folding every parser shares
 *
 * Owns: what counts as folding white space in a tag value or base64
 * (RFC 6376 2.8: SP, HTAB, CR, LF) and ASCII-only lower-casing (domain
 * names compare without regard to case, RFC 4343; the C locale's
 * tolower() would also do, this does not depend on it).
 * Never: allocates, fails or looks at anything beyond the bytes given.
 */
#ifndef DKIMLENS_TEXT_H
#define DKIMLENS_TEXT_H

/* text_is_fws - 1 for SP, HTAB, CR and LF (c a char or unsigned char) */
int	text_is_fws(int c);

/* text_lower - lower-case the ASCII letters of s in place */
void	text_lower(char *s);

#endif
