// glibc's heap statistics and trimming (mallinfo2, malloc_trim), which Swift's Glibc module
// does not export: the guard terminal logs its live heap and hands freed pages back.
#include <malloc.h>
